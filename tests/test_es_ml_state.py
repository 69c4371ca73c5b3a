"""What the ML configurations are doing, seeded by a fixture and carried by a state dump: calendars and
their events, model aliases, opened jobs, started datafeeds and analytics."""

from __future__ import annotations

import json

from conftest import Http, fixture_app
from ml_bodies import JOB, MODEL

from mockserver import create_app

SOURCE = {
    "mappings": {"properties": {"x": {"type": "double"}, "timestamp": {"type": "date"}}},
    "documents": {"1": {"x": 1.0, "timestamp": 1}, "2": {"x": 2.0, "timestamp": 2}},
}
ML = {
    "anomaly_detectors": {"job-a": {**JOB, "groups": ["g"]}, "job-b": JOB},
    "datafeeds": {"feed-a": {"job_id": "job-a", "indices": ["source"]}},
    "data_frame_analytics": {
        "dfa-a": {"source": {"index": "source"}, "dest": {"index": "dfa-dest"}, "analysis": {"outlier_detection": {}}}
    },
    "trained_models": {"model-a": {**MODEL, "model_type": "lang_ident"}},
    "calendars": {
        "holidays": {
            "description": "days off",
            "job_ids": ["job-a", "g"],
            "events": [{"description": "new year", "start_time": 1767225600000, "end_time": 1767312000000}],
        }
    },
    "trained_model_aliases": {"model-live": "model-a"},
    "states": {
        "anomaly_detectors": {"job-a": "opened", "job-b": "closed"},
        "datafeeds": {"feed-a": "started"},
        "data_frame_analytics": {"dfa-a": "started"},
    },
}


def seeded(tmp_path) -> Http:
    return fixture_app(tmp_path, {"elasticsearch": {"indices": {"source": SOURCE}, "ml": ML}})


def observed(http: Http) -> dict:
    """What a client sees of the seeded state (ids and states, not the times they were made)."""
    jobs = http.get("/_ml/anomaly_detectors/_stats").json["jobs"]
    feeds = http.get("/_ml/datafeeds/_stats").json["datafeeds"]
    analytics = http.get("/_ml/data_frame/analytics/_stats").json["data_frame_analytics"]
    calendar = http.get("/_ml/calendars/holidays").json["calendars"]
    events = http.get("/_ml/calendars/holidays/events").json["events"]
    model = http.get("/_ml/trained_models/model-live").json["trained_model_configs"][0]
    return {
        "jobs": {j["job_id"]: j["state"] for j in jobs if j["job_id"] in ML["anomaly_detectors"]},
        "datafeeds": {f["datafeed_id"]: f["state"] for f in feeds if f["datafeed_id"] in ML["datafeeds"]},
        "analytics": {a["id"]: a["state"] for a in analytics if a["id"] in ML["data_frame_analytics"]},
        "calendar": calendar,
        "events": [(e["description"], e["start_time"], e["end_time"]) for e in events],
        "alias": (model["model_id"], model["metadata"]["model_aliases"]),
    }


def test_a_fixture_seeds_what_the_ml_configurations_are_doing(tmp_path):
    seen = observed(seeded(tmp_path))
    assert seen["jobs"] == {"job-a": "opened", "job-b": "closed"}
    assert seen["datafeeds"] == {"feed-a": "started"}
    assert seen["analytics"] == {"dfa-a": "started"}
    assert seen["calendar"] == [{"calendar_id": "holidays", "job_ids": ["job-a", "g"], "description": "days off"}]
    assert seen["events"] == [("new year", 1767225600000, 1767312000000)]
    assert seen["alias"] == ("model-a", ["model-live"])


def test_a_state_dump_loads_back_as_it_was(tmp_path):
    http = seeded(tmp_path)
    before = observed(http)
    dumped = http.get("/_mock/state").json
    empty = Http(create_app(default_fixtures=False).test_client())
    assert empty.post("/_mock/state", json=dumped).status == 200, "the dump is a valid fixture"
    assert observed(empty) == before
    assert empty.get("/_mock/state").json["elasticsearch"]["ml"] == dumped["elasticsearch"]["ml"]


def test_a_fixture_error_names_the_place(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"elasticsearch": {"ml": {"states": {"datafeeds": {"nope": "started"}}}}}))
    try:
        create_app(fixtures=[str(path)])
    except Exception as error:  # FixtureError: the file, the place and ES's own reason
        assert "/elasticsearch/ml/states/datafeeds/nope" in str(error)
        assert "No datafeed with id [nope] exists" in str(error)
    else:
        raise AssertionError("a fixture starting a datafeed that does not exist was taken")


def test_a_later_fixture_replaces_a_calendar(tmp_path):
    first = tmp_path / "first.json"
    second = tmp_path / "second.json"
    first.write_text(json.dumps({"elasticsearch": {"ml": {"calendars": {"c": ML["calendars"]["holidays"]}}}}))
    second.write_text(json.dumps({"elasticsearch": {"ml": {"calendars": {"c": {"description": "again"}}}}}))
    http = Http(create_app(fixtures=[str(first), str(second)]).test_client())
    assert http.get("/_ml/calendars/c").json["calendars"] == [
        {"calendar_id": "c", "job_ids": [], "description": "again"}
    ]
    assert http.get("/_ml/calendars/c/events").json["count"] == 0


def test_cluster_settings_are_seeded_and_dumped(tmp_path):
    """A fixture's cluster_settings go through PUT _cluster/settings's checks, and the dump carries them."""
    settings = {"persistent": {"xpack.ml.max_model_memory_limit": "512mb"}, "transient": {}}
    http = fixture_app(tmp_path, {"elasticsearch": {"cluster_settings": settings}})
    assert http.get("/_ml/info").json["limits"]["max_model_memory_limit"] == "512mb"
    dumped = http.get("/_mock/state").json["elasticsearch"]["cluster_settings"]
    assert dumped == {"persistent": {"xpack.ml.max_model_memory_limit": "512mb"}, "transient": {}}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"elasticsearch": {"cluster_settings": {"persistent": {"no.such": 1}}}}))
    try:
        create_app(fixtures=[str(bad)])
    except Exception as error:
        assert "/elasticsearch/cluster_settings" in str(
            error
        ) and "persistent setting [no.such], not recognized" in str(error)
    else:
        raise AssertionError("an unknown cluster setting in a fixture was taken")


def test_a_fixture_starts_in_upgrade_mode_after_what_it_opens(tmp_path):
    """Upgrade mode is set last (it refuses opening a job); the dump carries it."""
    ml = {"anomaly_detectors": {"j": JOB}, "states": {"anomaly_detectors": {"j": "opened"}}, "upgrade_mode": True}
    http = fixture_app(tmp_path, {"elasticsearch": {"ml": ml}})
    assert http.get("/_ml/info").json["upgrade_mode"] is True
    stats = http.get("/_ml/anomaly_detectors/j/_stats").json["jobs"][0]
    assert stats["state"] == "opened" and "node" not in stats
    assert http.get("/_mock/state").json["elasticsearch"]["ml"]["upgrade_mode"] is True
