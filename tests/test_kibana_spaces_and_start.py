"""Kibana's spaces API, and its own ML pass at start and periodically (off by default)."""

from __future__ import annotations

import time

import pytest
from conftest import boom

from mockserver import create_app

XSRF = {"kbn-xsrf": "true"}
DEFAULT = {
    "id": "default",
    "name": "Default",
    "description": "This is your default space!",
    "color": "#00bfb3",
    "disabledFeatures": [],
    "_reserved": True,
}

INTERNAL = {"x-elastic-internal-origin": "Kibana"}  # Kibana 8.9+ has the read-side views under /internal


def test_default_space(http):
    assert http.get("/api/spaces/space").json == [DEFAULT]
    assert http.get("/api/spaces/space/default").json == DEFAULT


def test_create_get_update_delete(http):
    reply = http.post(
        "/api/spaces/space",
        json={
            "id": "marketing",
            "name": " marketing ",
            "description": "a description",
            "color": "#5c5959",
            "_reserved": True,
        },
        headers=XSRF,
    )
    assert (reply.status, reply.json) == (
        200,
        {
            "id": "marketing",
            "name": "marketing",
            "description": "a description",
            "color": "#5c5959",
            "disabledFeatures": [],
        },
    )
    assert [s["id"] for s in http.get("/api/spaces/space").json] == ["default", "marketing"]
    updated = http.put(
        "/api/spaces/space/marketing", json={"id": "ignored", "name": "Marketing", "initials": "MK"}, headers=XSRF
    )
    assert updated.json == {"id": "marketing", "name": "Marketing", "initials": "MK", "disabledFeatures": []}
    deleted = http.delete("/api/spaces/space/marketing", headers=XSRF)
    assert (deleted.status, deleted.text) == (204, "")
    boom(http.get("/api/spaces/space/marketing"), 404, "Not Found")


def test_space_errors(http):
    boom(http.post("/api/spaces/space", json={"id": "a", "name": "A"}), 400, "Request must contain a kbn-xsrf header.")
    boom(
        http.post("/api/spaces/space", json={"id": "default", "name": "again"}, headers=XSRF),
        409,
        "A space with the identifier default already exists.",
    )
    boom(
        http.post("/api/spaces/space", json={"id": "Bad Id", "name": "x"}, headers=XSRF),
        400,
        "[request body.id]: must be lower case, a-z, 0-9, '_', and '-' are allowed",
    )
    boom(
        http.post("/api/spaces/space", json={"id": "x"}, headers=XSRF),
        400,
        "[request body.name]: expected value of type [string] but got [undefined]",
    )
    boom(
        http.post("/api/spaces/space", json={"id": "x", "name": "x", "color": "red"}, headers=XSRF),
        400,
        "[request body.color]: must be a 6 digit hex color, starting with a #",
    )
    boom(
        http.delete("/api/spaces/space/default", headers=XSRF),
        400,
        "The default space cannot be deleted because it is reserved.",
    )
    boom(http.delete("/api/spaces/space/nope", headers=XSRF), 404, "Not Found")


def test_deleting_a_space_takes_its_objects(http):
    http.post("/api/spaces/space", json={"id": "team", "name": "Team"}, headers=XSRF)
    http.get("/s/team/api/ml/saved_objects/sync", query={"addToAllSpaces": "false"})
    http.delete("/api/spaces/space/team", headers=XSRF)
    created = http.get("/api/ml/saved_objects/sync").json["savedObjectsCreated"]
    assert created["anomaly-detector"] == {"myjob1": {"success": True}, "myjob2": {"success": True}}


def test_spaces_from_fixtures(tmp_path):
    import json

    fixture = tmp_path / "spaces.json"
    fixture.write_text(json.dumps({"kibana": {"spaces": {"space1": {"name": "Space 1", "color": "#aabbcc"}}}}))
    spaces = create_app([fixture]).test_client().get("/api/spaces/space").json
    assert spaces[1] == {"id": "space1", "name": "Space 1", "color": "#aabbcc", "disabledFeatures": []}


def test_kibana_passes_are_off_by_default(http):
    assert http.get("/api/ml/saved_objects/sync", query={"simulate": "true"}).json["savedObjectsCreated"]


def test_sync_on_start_creates_what_is_missing_and_reset_keeps_it():
    app = create_app(kibana_sync_on_start=True)
    client = app.test_client()
    empty = {"savedObjectsCreated": {}, "savedObjectsDeleted": {}, "datafeedsAdded": {}, "datafeedsRemoved": {}}
    assert client.get("/api/ml/saved_objects/sync").json == empty
    client.post("/_mock/reset")
    assert client.get("/internal/ml/saved_objects/jobs_spaces", headers=INTERNAL).json == {
        "anomaly-detector": {"myjob1": ["*"], "myjob2": ["*"]}
    }


def test_the_periodic_pass_creates_and_never_deletes():
    app = create_app(kibana_sync_interval=0.02)
    client = app.test_client()
    deadline = time.monotonic() + 5
    while (
        client.get("/internal/ml/saved_objects/jobs_spaces", headers=INTERNAL).json == {}
        and time.monotonic() < deadline
    ):
        time.sleep(0.01)
    assert client.get("/internal/ml/saved_objects/jobs_spaces", headers=INTERNAL).json == {
        "anomaly-detector": {"myjob1": ["*"], "myjob2": ["*"]}
    }
    client.delete("/_ml/anomaly_detectors/myjob2")
    time.sleep(0.1)
    assert client.get("/api/ml/saved_objects/sync?simulate=true").json["savedObjectsDeleted"] == {
        "anomaly-detector": {"myjob2": {"success": True}}
    }


@pytest.mark.parametrize("option", [{"kibana_version": "8.1.0"}, {"kibana_version": "9.1.0"}])
def test_version_option_wins_over_fixtures(option):
    from mockserver import runtime_of

    app = create_app(**option)
    assert runtime_of(app).store["kibana"].settings["version"] == option["kibana_version"]


def test_kbn_version_must_match(http):
    reply = http.post("/api/spaces/space", json={"id": "v", "name": "v"}, headers={"kbn-version": "8.0.0"})
    assert reply.status == 400 and reply.json == {
        "statusCode": 400,
        "error": "Bad Request",
        "attributes": {"expected": "9.1.0", "got": "8.0.0"},
        "message": 'Browser client is out of date, please refresh the page ("kbn-version" header was "8.0.0" but '
        'should be "9.1.0")',
    }
    assert http.post("/api/spaces/space", json={"id": "v", "name": "v"}, headers={"kbn-version": "9.1.0"}).status == 200
