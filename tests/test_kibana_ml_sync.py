"""Kibana's ML saved-objects sync over HTTP: each kind of drift alone and together, simulate, spaces,
both response formats, and the read-side views (../shared/specs/kibana-ml-sync.md)."""

from __future__ import annotations

import pytest

from mockserver import create_app

EMPTY = {"savedObjectsCreated": {}, "savedObjectsDeleted": {}, "datafeedsAdded": {}, "datafeedsRemoved": {}}
OK = {"success": True}
JOB = {
    "analysis_config": {"bucket_span": "15m", "detectors": [{"function": "count"}]},
    "data_description": {"time_field": "timestamp"},
}
DFA = {"source": {"index": "src"}, "dest": {"index": "dst"}, "analysis": {"outlier_detection": {}}}
MODEL = {"model_type": "pytorch", "inference_config": {"pass_through": {}}, "input": {"field_names": ["text_field"]}}
XSRF = {"kbn-xsrf": "true"}


def sync(http, space: str | None = None, **query) -> dict:
    prefix = f"/s/{space}" if space else ""
    reply = http.get(f"{prefix}/api/ml/saved_objects/sync", query={k: str(v).lower() for k, v in query.items()})
    assert reply.status == 200, reply.text
    assert reply.headers.get("elastic-api-version") in ("2023-10-31", None)  # versioned from 8.9 on
    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"
    return reply.json


@pytest.fixture
def synced(http):
    """The default state after a first sync: Kibana and Elasticsearch agree."""
    first = sync(http)
    assert sync(http) == EMPTY
    return first


def put_dfa(http) -> dict:
    """The data frame analytics job dfa1, over its source index (which PUT requires to exist)."""
    http.request("PUT", "/src")  # already there after a first call: that answer is not the point
    return es(http, "PUT", "/_ml/data_frame/analytics/dfa1", DFA)


def internal(http, name: str):
    """A read-side view where Kibana 8.9 and later have it (the default version is 9.1)."""
    return http.get(f"/internal/ml/saved_objects/{name}", headers={"x-elastic-internal-origin": "Kibana"})


def es(http, method: str, path: str, body=None):
    reply = http.request(method, path, json=body)
    assert reply.status == 200, reply.text
    return reply.json


def test_first_sync_creates_the_documented_objects_then_nothing(http):
    # The seed document's example: the two jobs made in Elasticsearch, and the cluster's built-in model.
    assert sync(http) == {
        "savedObjectsCreated": {
            "anomaly-detector": {"myjob1": OK, "myjob2": OK},
            "trained-model": {"lang_ident_model_1": OK},
        },
        "savedObjectsDeleted": {},
        "datafeedsAdded": {},
        "datafeedsRemoved": {},
    }
    assert sync(http) == EMPTY


def test_a_job_made_in_elasticsearch(http, synced):
    es(http, "PUT", "/_ml/anomaly_detectors/jes", JOB)
    assert sync(http) == {**EMPTY, "savedObjectsCreated": {"anomaly-detector": {"jes": OK}}}


def test_a_job_deleted_in_elasticsearch(http, synced):
    es(http, "DELETE", "/_ml/anomaly_detectors/myjob2")
    assert sync(http) == {**EMPTY, "savedObjectsDeleted": {"anomaly-detector": {"myjob2": OK}}}


def test_a_dfa_job_made_and_deleted(http, synced):
    put_dfa(http)
    assert sync(http) == {**EMPTY, "savedObjectsCreated": {"data-frame-analytics": {"dfa1": OK}}}
    es(http, "DELETE", "/_ml/data_frame/analytics/dfa1")
    assert sync(http) == {**EMPTY, "savedObjectsDeleted": {"data-frame-analytics": {"dfa1": OK}}}


def test_a_trained_model_made_and_deleted(http, synced):
    es(http, "PUT", "/_ml/trained_models/m1", MODEL)
    assert sync(http) == {**EMPTY, "savedObjectsCreated": {"trained-model": {"m1": OK}}}
    es(http, "DELETE", "/_ml/trained_models/m1")
    assert sync(http) == {**EMPTY, "savedObjectsDeleted": {"trained-model": {"m1": OK}}}


def test_datafeed_added_removed_and_replaced(http, synced):
    es(http, "PUT", "/_ml/datafeeds/datafeed-myjob2", {"job_id": "myjob2", "indices": ["x"]})
    assert sync(http) == {**EMPTY, "datafeedsAdded": {"anomaly-detector": {"myjob2": OK}}}
    es(http, "DELETE", "/_ml/datafeeds/datafeed-myjob2")
    assert sync(http) == {**EMPTY, "datafeedsRemoved": {"anomaly-detector": {"myjob2": OK}}}
    # Replaced under another id: one "added" item, in one pass.
    es(http, "DELETE", "/_ml/datafeeds/datafeed-myjob1")
    es(http, "PUT", "/_ml/datafeeds/renamed", {"job_id": "myjob1", "indices": ["x"]})
    assert sync(http) == {**EMPTY, "datafeedsAdded": {"anomaly-detector": {"myjob1": OK}}}
    assert internal(http, "status").json["savedObjects"]["anomaly-detector"][0]["datafeedId"] == "renamed"


def test_a_job_made_with_its_datafeed_needs_no_datafeed_item(http, synced):
    es(http, "PUT", "/_ml/anomaly_detectors/both", {**JOB, "datafeed_config": {"indices": ["x"]}})
    assert sync(http) == {**EMPTY, "savedObjectsCreated": {"anomaly-detector": {"both": OK}}}


def test_every_kind_of_drift_at_once(http, synced):
    es(http, "PUT", "/_ml/anomaly_detectors/jes", JOB)
    es(http, "DELETE", "/_ml/anomaly_detectors/myjob2")
    es(http, "PUT", "/_ml/anomaly_detectors/j2", JOB)
    sync(http)
    es(http, "PUT", "/_ml/datafeeds/feed-j2", {"job_id": "j2", "indices": ["x"]})
    es(http, "DELETE", "/_ml/datafeeds/datafeed-myjob1")
    es(http, "PUT", "/_ml/anomaly_detectors/jnew", JOB)
    es(http, "DELETE", "/_ml/anomaly_detectors/jes")
    es(http, "PUT", "/_ml/trained_models/m1", MODEL)
    put_dfa(http)
    assert sync(http) == {
        "savedObjectsCreated": {
            "anomaly-detector": {"jnew": OK},
            "data-frame-analytics": {"dfa1": OK},
            "trained-model": {"m1": OK},
        },
        "savedObjectsDeleted": {"anomaly-detector": {"jes": OK}},
        "datafeedsAdded": {"anomaly-detector": {"j2": OK}},
        "datafeedsRemoved": {"anomaly-detector": {"myjob1": OK}},
    }
    assert sync(http) == EMPTY


def test_drift_seeded_from_fixtures(tmp_path):
    import json

    from conftest import Http

    fixture = tmp_path / "drift.json"
    fixture.write_text(
        json.dumps(
            {
                "kibana": {
                    "saved_objects": {
                        "ml-job": {
                            "anomaly-detector-gone": {
                                "attributes": {
                                    "job_id": "gone",
                                    "type": "anomaly-detector",
                                    "datafeed_id": "datafeed-gone",
                                },
                                "namespaces": ["default"],
                            },
                            "anomaly-detector-myjob1": {
                                "attributes": {"job_id": "myjob1", "type": "anomaly-detector", "datafeed_id": None},
                                "namespaces": ["*"],
                            },
                        }
                    }
                }
            }
        )
    )
    http = Http(create_app([fixture]).test_client())
    assert sync(http, simulate=True) == {
        "savedObjectsCreated": {"anomaly-detector": {"myjob2": OK}, "trained-model": {"lang_ident_model_1": OK}},
        "savedObjectsDeleted": {"anomaly-detector": {"gone": OK}},
        "datafeedsAdded": {"anomaly-detector": {"myjob1": OK}},
        "datafeedsRemoved": {},
    }


def test_simulate_changes_nothing(http):
    before = internal(http, "status").json
    first = sync(http, simulate=True)
    assert first["savedObjectsCreated"]["anomaly-detector"] == {"myjob1": OK, "myjob2": OK}
    assert sync(http, simulate="TRUE") == first  # booleans are read case-insensitively
    assert internal(http, "status").json == before
    assert sync(http, simulate="False") == first  # a real sync does what simulate said


@pytest.mark.parametrize(
    "query, message",
    [
        ({"simulate": "notabool"}, "[request query.simulate]: expected value of type [boolean] but got [string]"),
        ({"simulate": ""}, "[request query.simulate]: expected value of type [boolean] but got [string]"),
        ({"addToAllSpaces": "1"}, "[request query.addToAllSpaces]: expected value of type [boolean] but got [string]"),
        ({"foo": "1"}, "[request query.foo]: definition for this key is missing"),
    ],
)
def test_query_errors_in_kibanas_words(http, query, message):
    reply = http.get("/api/ml/saved_objects/sync", query=query)
    assert (reply.status, reply.json) == (400, {"statusCode": 400, "error": "Bad Request", "message": message})
    assert reply.headers["elastic-api-version"] == "2023-10-31"
    assert sync(http, simulate=True)["savedObjectsCreated"]  # nothing was synced


def test_new_objects_go_to_all_spaces_or_to_the_current_one(http):
    sync(http, "space1", addToAllSpaces=False)
    spaces = internal(http, "jobs_spaces").json
    assert spaces == {"anomaly-detector": {"myjob1": ["space1"], "myjob2": ["space1"]}}
    es(http, "PUT", "/_ml/anomaly_detectors/everywhere", JOB)
    sync(http, "space1")
    assert internal(http, "jobs_spaces").json["anomaly-detector"]["everywhere"] == ["*"]


def test_a_model_follows_the_spaces_of_its_dfa_job(http):
    created = put_dfa(http)["create_time"]
    sync(http, "space2", addToAllSpaces=False)
    es(
        http,
        "PUT",
        "/_ml/trained_models/from-dfa",
        {**MODEL, "metadata": {"analytics_config": {"id": "dfa1", "create_time": created}}},
    )
    es(http, "PUT", "/_ml/trained_models/alone", MODEL)
    sync(http, "space1", addToAllSpaces=False)
    models = internal(http, "trained_models_spaces").json["trainedModels"]
    assert models["from-dfa"] == ["space2"] and models["alone"] == ["space1"]
    status = internal(http, "status").json
    linked = next(m for m in status["savedObjects"]["trained-model"] if m["modelId"] == "from-dfa")
    # checks.ts: the DFA job "exists" when a job of that id has the create_time the model names
    assert linked["job"] == {"job_id": "dfa1", "create_time": created} and linked["checks"]["dfaJobExists"] is True


@pytest.mark.parametrize("prefix", ["", "/s/default", "/s/space1", "/s/no-such-space"])
def test_the_same_answer_from_every_space_for_a_superuser(http, prefix):
    reply = http.get(f"{prefix}/api/ml/saved_objects/sync", query={"simulate": "true"})
    assert reply.status == 200
    assert reply.json["savedObjectsCreated"]["anomaly-detector"] == {"myjob1": OK, "myjob2": OK}


@pytest.mark.parametrize(
    "path",
    ["/s/NoSuchSpace/api/ml/saved_objects/sync", "/s/aBC/api/ml/saved_objects/sync", "/api/ml/saved_objects/nope"],
)
def test_malformed_space_or_unknown_route_is_404(http, path):
    reply = http.get(path)
    assert (reply.status, reply.json) == (404, {"statusCode": 404, "error": "Not Found", "message": "Not Found"})


def test_wrong_method_is_404(http):
    reply = http.post("/api/ml/saved_objects/sync", headers=XSRF)
    assert (reply.status, reply.json["message"]) == (404, "Not Found")


def test_deleted_objects_in_another_space_are_not_seen_by_a_space_limited_view(http):
    sync(http, "space2", addToAllSpaces=False)
    es(http, "DELETE", "/_ml/anomaly_detectors/myjob2")
    # A superuser sees every space, so the object in space2 is deleted from space1's URL too.
    assert sync(http, "space1")["savedObjectsDeleted"] == {"anomaly-detector": {"myjob2": OK}}


def test_status_and_jobs_spaces_shapes(http):
    put_dfa(http)
    sync(http)
    status = internal(http, "status").json
    assert list(status) == ["savedObjects", "jobs"]
    ad = status["savedObjects"]["anomaly-detector"][0]
    assert ad == {
        "jobId": "myjob1",
        "type": "anomaly-detector",
        "datafeedId": "datafeed-myjob1",
        "namespaces": ["*"],
        "checks": {"jobExists": True, "datafeedExists": True},
    }
    assert status["savedObjects"]["data-frame-analytics"] == [
        {"jobId": "dfa1", "type": "data-frame-analytics", "namespaces": ["*"], "checks": {"jobExists": True}}
    ]
    assert status["jobs"]["anomaly-detector"][1] == {
        "jobId": "myjob2",
        "datafeedId": None,
        "checks": {"savedObjectExits": True},
    }
    assert internal(http, "jobs_spaces").json == {
        "anomaly-detector": {"myjob1": ["*"], "myjob2": ["*"]},
        "data-frame-analytics": {"dfa1": ["*"]},
    }


def test_internal_routes_need_the_internal_origin_header_from_9_0(http):
    reply = http.get("/internal/ml/saved_objects/status")
    assert reply.status == 400 and reply.json["message"] == (
        "uri [/internal/ml/saved_objects/status] with method [get] exists but is not available with the current "
        "configuration"
    )
    assert "elastic-api-version" not in reply.headers
    reply = http.get("/internal/ml/saved_objects/status", headers={"x-elastic-internal-origin": "Kibana"})
    assert reply.status == 200 and reply.headers["elastic-api-version"] == "1"


def test_initialize_is_the_create_only_pass(http):
    es(http, "DELETE", "/_ml/datafeeds/datafeed-myjob1")
    done = internal(http, "initialize").json
    assert done == {
        "jobs": [{"id": "myjob1", "type": "anomaly-detector"}, {"id": "myjob2", "type": "anomaly-detector"}],
        "datafeeds": [],
        "trainedModels": [{"id": "lang_ident_model_1"}],
        "success": True,
    }
    es(http, "DELETE", "/_ml/anomaly_detectors/myjob2")
    assert internal(http, "initialize").json["jobs"] == []  # it never deletes


# -- the older format ---------------------------------------------------------------------------


def test_kibana_before_8_2_answers_flat_by_job_id():
    from conftest import Http

    http = Http(create_app(kibana_version="8.1.3").test_client())
    typed = {**OK, "type": "anomaly-detector"}  # 7.16 to 8.1: each item says its job type (#112693)
    assert sync(http, "space1") == {
        "savedObjectsCreated": {"myjob1": typed, "myjob2": typed},
        "savedObjectsDeleted": {},
        "datafeedsAdded": {},
        "datafeedsRemoved": {},
    }
    # Old lines put new objects in the current space, and knew no addToAllSpaces.
    assert http.get("/api/ml/saved_objects/jobs_spaces").json["anomaly-detector"]["myjob1"] == ["space1"]
    reply = http.get("/api/ml/saved_objects/sync", query={"addToAllSpaces": "true"})
    assert reply.json["message"] == "[request query.addToAllSpaces]: definition for this key is missing"


def test_version_from_a_fixture_and_newer_wording(tmp_path):
    import json

    from conftest import Http

    fixture = tmp_path / "v.json"
    fixture.write_text(json.dumps({"kibana": {"settings": {"version": "9.4.0"}}}))
    http = Http(create_app([fixture]).test_client())
    reply = http.get("/api/ml/saved_objects/sync", query={"foo": "1"})
    assert reply.json["message"] == "[request query.foo]: Additional properties are not allowed ('foo' was unexpected)"


def test_kibana_headers(http):
    reply = http.get("/api/ml/saved_objects/sync", query={"simulate": "true"})
    for header in (
        "kbn-name",
        "kbn-license-sig",
        "x-content-type-options",
        "referrer-policy",
        "permissions-policy",
        "cross-origin-opener-policy",
        "content-security-policy",
        "cache-control",
        "Date",
    ):
        assert header in reply.headers, header
    assert "X-elastic-product" not in reply.headers
