"""Where Kibana has each ML saved-objects route, version by version: on ``/api`` or ``/internal`` (or
both), with and without the ``/s/{space}`` prefix, and Kibana's own 404 everywhere else.

Facts: x-pack/plugins/ml/server/routes/saved_objects.ts as released (7.12 and 8.2 to 8.8 builds, the
8.9 to 8.17 source, x-pack/platform/plugins/shared/ml/server/routes/saved_objects.ts after), and the
PRs that moved the routes: #100424 (7.14), #112693 (7.16), #123487 and #127438 (8.2), #156949 (8.9),
#202175 (8.18), #241109 (9.3).
"""

from __future__ import annotations

import pytest
from conftest import Http, boom

from mockserver import create_app

VERSIONS = ("7.13.4", "7.16.3", "7.17.0", "8.1.3", "8.8.2", "8.9.0", "9.0.0", "9.3.0")
# Per version above: "a" on /api, "i" on /internal, "ai" on both, "-" nowhere.
WHERE = {
    #                                      7.13  7.16  7.17  8.1   8.8   8.9   9.0   9.3
    "sync": ("a", "a", "a", "a", "a", "a", "a", "a"),
    "status": ("a", "a", "a", "a", "a", "i", "i", "i"),
    "initialize": ("a", "a", "a", "a", "a", "i", "i", "i"),
    "jobs_spaces": ("a", "a", "a", "a", "a", "i", "i", "i"),
    "assign_job_to_space": ("a", "-", "-", "-", "-", "-", "-", "-"),
    "remove_job_from_space": ("a", "-", "-", "-", "-", "-", "-", "-"),
    "remove_job_from_current_space": ("a", "a", "a", "a", "-", "-", "-", "-"),
    "can_delete_job": ("a", "a", "a", "a", "-", "-", "-", "-"),
    "update_jobs_spaces": ("-", "a", "a", "a", "a", "i", "i", "ai"),
    "sync_check": ("-", "a", "a", "a", "a", "i", "i", "i"),
    "trained_models_spaces": ("-", "-", "-", "-", "a", "i", "i", "i"),
    "update_trained_models_spaces": ("-", "-", "-", "-", "a", "i", "i", "ai"),
    "remove_item_from_current_space": ("-", "-", "-", "-", "a", "i", "i", "i"),
    "can_delete_ml_space_aware_item": ("-", "-", "-", "-", "a", "i", "i", "i"),
    "can_sync_to_all_spaces": ("-", "-", "-", "-", "-", "-", "i", "i"),
    "can_sync_to_all_spaces_for_type": ("-", "-", "-", "-", "-", "-", "i", "i"),
    # Names on the way of #123487, in no release.
    "models_spaces": ("-", "-", "-", "-", "-", "-", "-", "-"),
    "update_models_spaces": ("-", "-", "-", "-", "-", "-", "-", "-"),
}
# A request each route takes (in every version that has it) and what it answers to it.
CALLS = {
    "sync": ("GET", "sync?simulate=true", None, None),
    "status": ("GET", "status", None, None),
    "initialize": ("GET", "initialize?simulate=true", None, None),
    "jobs_spaces": ("GET", "jobs_spaces", None, {}),
    "assign_job_to_space": (
        "POST",
        "assign_job_to_space",
        {"jobType": "anomaly-detector", "jobIds": [], "spaces": []},
        {},
    ),
    "remove_job_from_space": (
        "POST",
        "remove_job_from_space",
        {"jobType": "anomaly-detector", "jobIds": [], "spaces": []},
        {},
    ),
    "remove_job_from_current_space": (
        "POST",
        "remove_job_from_current_space",
        {"jobType": "anomaly-detector", "jobIds": []},
        {},
    ),
    "can_delete_job": ("POST", "can_delete_job/anomaly-detector", {"jobIds": []}, {}),
    "update_jobs_spaces": (
        "POST",
        "update_jobs_spaces",
        {"jobType": "anomaly-detector", "jobIds": [], "spacesToAdd": [], "spacesToRemove": []},
        {},
    ),
    "sync_check": ("POST", "sync_check", {}, None),
    "trained_models_spaces": ("GET", "trained_models_spaces", None, {"trainedModels": {}}),
    "update_trained_models_spaces": (
        "POST",
        "update_trained_models_spaces",
        {"modelIds": [], "spacesToAdd": [], "spacesToRemove": []},
        {},
    ),
    "remove_item_from_current_space": (
        "POST",
        "remove_item_from_current_space",
        {"mlSavedObjectType": "trained-model", "ids": []},
        {},
    ),
    "can_delete_ml_space_aware_item": ("POST", "can_delete_ml_space_aware_item/trained-model", {"ids": []}, {}),
    "can_sync_to_all_spaces": ("GET", "can_sync_to_all_spaces", None, {"canSync": True}),
    "can_sync_to_all_spaces_for_type": ("GET", "can_sync_to_all_spaces/anomaly-detector", None, {"canSync": True}),
    "models_spaces": ("GET", "models_spaces", None, None),
    "update_models_spaces": (
        "POST",
        "update_models_spaces",
        {"modelIds": [], "spacesToAdd": [], "spacesToRemove": []},
        None,
    ),
}
HEADERS = {"kbn-xsrf": "true", "x-elastic-internal-origin": "Kibana"}


@pytest.fixture(scope="module", params=VERSIONS)
def kibana(request):
    # No seeded jobs: every answer here is the empty one.
    return request.param, Http(create_app(default_fixtures=False, kibana_version=request.param).test_client())


@pytest.mark.parametrize("prefix", ["", "/s/space1"])
def test_each_route_is_where_the_version_has_it(kibana, prefix):
    version, http = kibana
    wrong = []
    for name, columns in WHERE.items():
        where = columns[VERSIONS.index(version)]
        method, tail, body, answer = CALLS[name]
        for base, letter in (("/api", "a"), ("/internal", "i")):
            reply = http.request(method, f"{prefix}{base}/ml/saved_objects/{tail}", json=body, headers=HEADERS)
            if letter in where:
                if reply.status != 200 or (answer is not None and reply.json != answer):
                    wrong.append((name, base, reply.status, reply.text))
            elif (reply.status, reply.json) != (404, {"statusCode": 404, "error": "Not Found", "message": "Not Found"}):
                wrong.append((name, base, reply.status, reply.text))
    assert wrong == []


def test_a_route_out_of_its_versions_is_journaled_as_unmatched(kibana):
    version, http = kibana
    absent = (
        "/internal" if tuple(map(int, version.split("."))) < (8, 9) else "/api"
    )  # status moved from /api to /internal in 8.9
    path = f"{absent}/ml/saved_objects/status"
    assert http.get(path, headers=HEADERS).status == 404
    entries = http.get("/_mock/requests", query={"unmatched": "true", "path": path}).json
    assert entries["requests"][-1]["unmatched"] == "no route"


def test_the_public_update_routes_of_9_3_are_versioned():
    """9.3: the public copies answer with the public API version, the internal ones with "1"."""
    http = Http(create_app(default_fixtures=False, kibana_version="9.3.0").test_client())
    body = {"modelIds": [], "spacesToAdd": [], "spacesToRemove": []}
    public = http.post("/api/ml/saved_objects/update_trained_models_spaces", json=body, headers=HEADERS)
    internal = http.post("/internal/ml/saved_objects/update_trained_models_spaces", json=body, headers=HEADERS)
    assert public.headers["elastic-api-version"] == "2023-10-31" and internal.headers["elastic-api-version"] == "1"


@pytest.mark.parametrize("version, base", [("8.8.2", "/api"), ("9.0.0", "/internal")])
def test_a_post_route_needs_kbn_xsrf(version, base):
    http = Http(create_app(default_fixtures=False, kibana_version=version).test_client())
    reply = http.post(f"{base}/ml/saved_objects/sync_check", json={}, headers={"x-elastic-internal-origin": "Kibana"})
    boom(reply, 400, "Request must contain a kbn-xsrf header.")
