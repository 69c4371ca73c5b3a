"""Sharing the mock's saved objects (the ML ones) between spaces: ``_update_objects_spaces`` and
``_get_shareable_references``, as core's updateObjectsSpaces / collectMultiNamespaceReferences and the
security extension define them; the cases of x-pack/test/spaces_api_integration's suites, for the
object types the mock has."""

from __future__ import annotations

import base64
import json

import pytest
from conftest import Http, boom

from mockserver import create_app

H = {"kbn-xsrf": "true", "x-elastic-internal-origin": "kibana"}
JOB = {
    "analysis_config": {"bucket_span": "15m", "detectors": [{"function": "count"}], "influencers": []},
    "data_description": {"time_field": "timestamp"},
}


def job(space: str | None, job_id: str, http: Http, headers=H) -> dict:
    prefix = f"/s/{space}" if space else ""
    assert http.put(f"{prefix}/internal/ml/anomaly_detectors/{job_id}", json=JOB, headers=headers).status == 200
    return {"type": "ml-job", "id": f"anomaly-detector-{job_id}"}


def references(http: Http, objects: list[dict], space: str | None = None, headers=H):
    prefix = f"/s/{space}" if space else ""
    return http.post(f"{prefix}/api/spaces/_get_shareable_references", json={"objects": objects}, headers=headers)


def update(http: Http, objects: list[dict], add: list[str], remove: list[str], space: str | None = None, headers=H):
    prefix = f"/s/{space}" if space else ""
    body = {"objects": objects, "spacesToAdd": add, "spacesToRemove": remove}
    return http.post(f"{prefix}/api/spaces/_update_objects_spaces", json=body, headers=headers)


def not_found(so: dict) -> dict:
    message = f"Saved object [{so['type']}/{so['id']}] not found"
    return {**so, "spaces": [], "error": {"statusCode": 404, "error": "Not Found", "message": message}}


@pytest.fixture
def spaced(http):
    for space in ("space1", "space2"):
        assert http.post("/api/spaces/space", json={"id": space, "name": space}, headers=H).status == 200
    return http


# -- _get_shareable_references ---------------------------------------------------------------------
def test_references_from_a_space(spaced):
    # The suite's cases: the object with its spaces; one that does not exist (isMissing); one of a type
    # that cannot be shared (no spaces, not missing); one that exists only in another space (missing
    # from here); one in all spaces.
    mine = job("space1", "mine", spaced)
    elsewhere = job("space2", "elsewhere", spaced)
    everywhere = job("space1", "everywhere", spaced)
    assert update(spaced, [everywhere], ["*"], [], "space1").status == 200
    missing = {"type": "ml-job", "id": "does-not-exist"}
    isolated = {"type": "url", "id": "my_isolated_object"}
    reply = references(spaced, [mine, missing, isolated, elsewhere, everywhere, mine], "space1")
    assert reply.status == 200, reply.text
    assert reply.headers["elastic-api-version"] == "2023-10-31"
    assert reply.json == {
        "objects": [
            {**mine, "spaces": ["space1"], "inboundReferences": []},
            {**missing, "spaces": [], "inboundReferences": [], "isMissing": True},
            {**isolated, "spaces": [], "inboundReferences": []},
            {**elsewhere, "spaces": [], "inboundReferences": [], "isMissing": True},
            {**everywhere, "spaces": ["space1", "*"], "inboundReferences": []},
        ]
    }
    assert references(spaced, []).json == {"objects": []}


def test_an_unknown_type_is_neither_found_nor_missing(spaced):
    reply = references(spaced, [{"type": "no-such-type", "id": "x"}])
    assert reply.json == {"objects": [{"type": "no-such-type", "id": "x", "spaces": [], "inboundReferences": []}]}


def test_matching_origins_before_8_11_list_the_objects_own_spaces():
    http = Http(create_app(kibana_version="8.10.4").test_client())
    assert http.post("/api/spaces/space", json={"id": "b", "name": "b"}, headers=H).status == 200
    so = job(None, "j", http)
    assert update(http, [so], ["b"], []).json == {"objects": [{**so, "spaces": ["default", "b"]}]}
    [entry] = references(http, [so]).json["objects"]
    assert entry == {
        **so,
        "spaces": ["default", "b"],
        "inboundReferences": [],
        "spacesWithMatchingOrigins": ["b", "default"],
    }


def test_no_sharing_routes_before_7_14():
    http = Http(create_app(kibana_version="7.13.4").test_client())
    assert references(http, []).status == 404
    assert update(http, [], ["a"], []).status == 404


# -- _update_objects_spaces ------------------------------------------------------------------------
def test_share_and_unshare(spaced):
    so = job("space1", "j1", spaced)
    reply = update(spaced, [so], ["space2", "default"], [], "space1")
    assert (reply.status, reply.json) == (200, {"objects": [{**so, "spaces": ["space1", "space2", "default"]}]})
    # Now the job is space2's as well: Kibana's ML routes see it there.
    assert spaced.get("/s/space2/internal/ml/saved_objects/jobs_spaces", headers=H).json["anomaly-detector"] == {
        "j1": ["space1", "space2", "default"]
    }
    reply = update(spaced, [so], [], ["space1"], "space2")
    assert reply.json == {"objects": [{**so, "spaces": ["space2", "default"]}]}
    # Nothing to change is no change.
    assert update(spaced, [so], ["space2"], [], "space2").json == {"objects": [{**so, "spaces": ["space2", "default"]}]}


def test_an_object_left_in_no_space_is_deleted(spaced):
    so = job("space1", "gone", spaced)
    assert update(spaced, [so], [], ["space1"], "space1").json == {"objects": [{**so, "spaces": []}]}
    assert references(spaced, [so], "space1").json["objects"][0]["isMissing"] is True


def test_per_object_errors(spaced):
    # Not found (anywhere, or not in the request's space), a type that cannot be shared, a type
    # this Kibana does not have: each object answers for itself.
    other = job("space2", "other", spaced)
    mine = job(None, "mine", spaced)
    missing = {"type": "ml-job", "id": "nope"}
    isolated = {"type": "url", "id": "u1"}
    unknown = {"type": "no-such-type", "id": "x"}
    reply = update(spaced, [missing, other, isolated, unknown, mine], ["space1"], [])
    assert reply.status == 200, reply.text
    assert reply.json == {
        "objects": [
            not_found(missing),
            not_found(other),
            {
                **isolated,
                "spaces": [],
                "error": {
                    "statusCode": 400,
                    "error": "Bad Request",
                    "message": "url doesn't support multiple namespaces: Bad Request",
                },
            },
            not_found(unknown),
            {**mine, "spaces": ["default", "space1"]},
        ]
    }


def test_request_errors(spaced):
    boom(
        update(spaced, [], [], []),
        400,
        "spacesToAdd and/or spacesToRemove must be a non-empty array of strings: Bad Request",
    )
    boom(
        update(spaced, [], ["space1"], ["space1"]),
        400,
        "spacesToAdd and spacesToRemove cannot contain any of the same strings: Bad Request",
    )
    boom(update(spaced, [], ["a", "a"], []), 400, "[request body.spacesToAdd]: duplicate space ids are not allowed")
    boom(
        update(spaced, [], [], ["Space"]),
        400,
        '[request body.spacesToRemove.0]: lower case, a-z, 0-9, "_", and "-" are allowed, OR "*"',
    )
    boom(
        spaced.post("/api/spaces/_get_shareable_references", json={}, headers=H),
        400,
        "[request body.objects]: expected value of type [array] but got [undefined]",
    )


# -- security --------------------------------------------------------------------------------------
ROLES = {
    "ml_all_space1": {"kibana": [{"spaces": ["space1"], "feature": {"ml": ["all"]}}]},
    "ml_read_space1": {"kibana": [{"spaces": ["space1"], "feature": {"ml": ["read"]}}]},
    "ml_all_space2": {"kibana": [{"spaces": ["space2"], "feature": {"ml": ["all"]}}]},
    "ml_all": {"kibana": [{"spaces": ["*"], "feature": {"ml": ["all"]}}]},
}
USERS = {name: {"password": "pw", "roles": [name]} for name in ROLES}


SHARED = {"type": "ml-job", "id": "anomaly-detector-j_space1"}  # in space1, default and space2


def auth(user: str) -> dict:
    return {**H, "Authorization": "Basic " + base64.b64encode(f"{user}:pw".encode()).decode()}


@pytest.fixture
def secured(tmp_path):
    fixture = tmp_path / "users.json"
    fixture.write_text(
        json.dumps(
            {
                "security": {"users": USERS, "roles": ROLES},
                "kibana": {"spaces": {"space1": {"name": "Space 1"}, "space2": {"name": "Space 2"}}},
            }
        )
    )
    http = Http(create_app([fixture], auth="elastic:changeme").test_client())
    superuser = {**H, "Authorization": "Basic " + base64.b64encode(b"elastic:changeme").decode()}
    job("space1", "j_space1", http, superuser)
    reply = update(http, [SHARED], ["default", "space2"], [], "space1", superuser)
    assert reply.status == 200, reply.text
    return http


def test_all_at_the_space_sees_other_spaces_redacted(secured):
    reply = references(secured, [SHARED], "space1", auth("ml_all_space1"))
    assert reply.status == 200, reply.text
    assert reply.json["objects"][0]["spaces"] == ["space1", "?", "?"]
    # The spaces enforced are the request's and those added or removed: here space1 alone.
    reply = update(secured, [SHARED], [], ["space1"], "space1", auth("ml_all_space1"))
    assert reply.json == {"objects": [{**SHARED, "spaces": ["?", "?"]}]}
    boom(
        update(secured, [SHARED], ["space1"], [], "space2", auth("ml_all_space1")),
        403,
        "Unable to share_to_space ml-job",
    )


def test_sharing_within_the_users_space(secured):
    own = {"type": "ml-job", "id": "anomaly-detector-own"}
    superuser = {**H, "Authorization": "Basic " + base64.b64encode(b"elastic:changeme").decode()}
    assert secured.put("/s/space2/internal/ml/anomaly_detectors/own", json=JOB, headers=superuser).status == 200
    reply = update(secured, [own], ["space2"], [], "space2", auth("ml_all_space2"))
    assert reply.json == {"objects": [{**own, "spaces": ["space2"]}]}
    reply = update(secured, [SHARED], [], ["space2"], "space2", auth("ml_all_space2"))
    assert reply.json == {"objects": [{**SHARED, "spaces": ["?", "?"]}]}


@pytest.mark.parametrize("user", ["ml_read_space1", "ml_all_space2"])
def test_readers_and_others_may_not_share(secured, user):
    # "user with read at the space", "user with all at other space": forbidden, naming every type asked.
    reply = references(secured, [SHARED, {"type": "url", "id": "u"}], "space1", auth(user))
    boom(reply, 403, "Unable to share_to_space ml-job,url")
    boom(update(secured, [SHARED], ["space2"], [], "space1", auth(user)), 403, "Unable to share_to_space ml-job")


def test_only_unshareable_objects_need_no_privilege(secured):
    # updateObjectsSpaces answers before it authorizes when no object can be shared.
    reply = update(secured, [{"type": "url", "id": "u"}], ["space2"], [], "space1", auth("ml_read_space1"))
    assert reply.status == 200 and reply.json["objects"][0]["error"]["statusCode"] == 400


def test_all_globally_sees_everything(secured):
    reply = references(secured, [SHARED], "space2", auth("ml_all"))
    assert reply.json["objects"][0]["spaces"] == ["space1", "default", "space2"]
    reply = update(secured, [SHARED], ["*"], ["space2"], "space2", auth("ml_all"))
    assert reply.json == {"objects": [{**SHARED, "spaces": ["space1", "default", "*"]}]}
