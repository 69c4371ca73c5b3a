"""ML's upgrade mode (``POST _ml/set_upgrade_mode``, TransportSetUpgradeModeAction): ``_ml/info`` tells it,
the job and datafeed tasks are unassigned with MlTasks.AWAITING_UPGRADE while it is on, MlUpgradeModeActionFilter
refuses opening a job and starting a datafeed; and a lazy job waiting for memory is assigned when memory frees
(PersistentTasksClusterService.reassignTasks, JobNodeSelector)."""

from __future__ import annotations

import base64
import json

import ml_bodies
import pytest
from conftest import Http, es_error
from ml_bodies import put_job

from mockserver import create_app

AWAITING_UPGRADE = "persistent task cannot be assigned while upgrade mode is enabled."
JOB_ID = "set-upgrade-mode-job"
FEED_ID = "set-upgrade-mode-job-datafeed"


@pytest.fixture
def opened(http):
    """The airline-data index, a job over it opened and its datafeed (not started)."""
    mappings = {"properties": {"time": {"type": "date"}, "airline": {"type": "keyword"}}}
    assert http.put("/airline-data", json={"mappings": mappings}).status == 200
    job = {
        "analysis_config": {"bucket_span": "1h", "detectors": [{"function": "count"}]},
        "data_description": {"format": "xcontent", "time_field": "time", "time_format": "epoch"},
    }
    assert http.put(f"/_ml/anomaly_detectors/{JOB_ID}", json=job).status == 200, "job"
    feed = {"job_id": JOB_ID, "indexes": ["airline-data"]}
    assert http.put(f"/_ml/datafeeds/{FEED_ID}", json=feed).status == 200, "datafeed"
    assert http.post(f"/_ml/anomaly_detectors/{JOB_ID}/_open").json["opened"] is True
    return http


def set_upgrade_mode(http, enabled: bool, **query) -> None:
    reply = http.post("/_ml/set_upgrade_mode", query={"enabled": str(enabled).lower(), **query})
    assert (reply.status, reply.json) == (200, {"acknowledged": True}), reply.text


def job_stats(http) -> dict:
    return http.get(f"/_ml/anomaly_detectors/{JOB_ID}/_stats").json["jobs"][0]


def feed_stats(http) -> dict:
    return http.get(f"/_ml/datafeeds/{FEED_ID}/_stats").json["datafeeds"][0]


def upgrade_mode(http) -> bool:
    return http.get("/_ml/info").json["upgrade_mode"]


def test_setting_upgrade_mode_to_false_when_it_is_already_false(opened):
    assert opened.post(f"/_ml/datafeeds/{FEED_ID}/_start").json["started"] is True
    set_upgrade_mode(opened, False)
    assert upgrade_mode(opened) is False
    assert (job_stats(opened)["state"], job_stats(opened)["assignment_explanation"]) == ("opened", "")
    assert "node" in job_stats(opened) and "node" in feed_stats(opened)


def test_setting_upgrade_mode_to_enabled_unassigns_the_tasks(opened):
    opened.post(f"/_ml/datafeeds/{FEED_ID}/_start")
    assert upgrade_mode(opened) is False
    set_upgrade_mode(opened, True)
    assert upgrade_mode(opened) is True
    job = job_stats(opened)
    assert (job["state"], job["assignment_explanation"]) == ("opened", AWAITING_UPGRADE)
    # Unassigned: no node and no process to tell the open time (gatherStatsForClosedJobs).
    assert list(job) == [
        "job_id",
        "data_counts",
        "model_size_stats",
        "forecasts_stats",
        "state",
        "assignment_explanation",
        "timing_stats",
    ]
    feed = feed_stats(opened)
    assert (feed["state"], feed["assignment_explanation"]) == ("started", AWAITING_UPGRADE)
    assert list(feed) == ["datafeed_id", "state", "assignment_explanation", "timing_stats"]
    # Asking again for the mode that is on is acknowledged, and the timeout is read.
    set_upgrade_mode(opened, True, timeout="10s")
    assert upgrade_mode(opened) is True


def test_setting_upgrade_mode_to_disabled_from_enabled_assigns_the_tasks_again(opened):
    opened.post(f"/_ml/datafeeds/{FEED_ID}/_start")
    set_upgrade_mode(opened, True)
    assert job_stats(opened)["assignment_explanation"] == AWAITING_UPGRADE
    set_upgrade_mode(opened, False)
    assert upgrade_mode(opened) is False
    job = job_stats(opened)
    assert (job["state"], job["assignment_explanation"]) == ("opened", "")
    assert job["node"]["name"] == "mockserver" and job["open_time"].endswith("s")
    feed = feed_stats(opened)
    assert (feed["state"], feed["assignment_explanation"]) == ("started", "")
    assert feed["node"]["name"] == "mockserver" and "running_state" in feed


def test_attempt_to_open_a_job_when_upgrade_mode_is_enabled(opened):
    put_job(opened, "failing-set-upgrade-mode-job")
    set_upgrade_mode(opened, True)
    es_error(
        opened.post("/_ml/anomaly_detectors/failing-set-upgrade-mode-job/_open"),
        429,
        "status_exception",
        "Cannot perform cluster:admin/xpack/ml/job/open action while upgrade mode is enabled",
    )
    # The filter answers before the action looks for the job.
    es_error(
        opened.post("/_ml/anomaly_detectors/nope/_open"),
        429,
        "status_exception",
        "Cannot perform cluster:admin/xpack/ml/job/open action while upgrade mode is enabled",
    )
    set_upgrade_mode(opened, False)
    assert opened.post("/_ml/anomaly_detectors/failing-set-upgrade-mode-job/_open").json["opened"] is True


def test_starting_a_datafeed_when_upgrade_mode_is_enabled_is_refused(opened):
    set_upgrade_mode(opened, True)
    es_error(
        opened.post(f"/_ml/datafeeds/{FEED_ID}/_start"),
        429,
        "status_exception",
        "Cannot perform cluster:admin/xpack/ml/datafeed/start action while upgrade mode is enabled",
    )
    assert feed_stats(opened)["state"] == "stopped"
    set_upgrade_mode(opened, False)
    assert opened.post(f"/_ml/datafeeds/{FEED_ID}/_start").json["started"] is True


def test_set_upgrade_mode_needs_manage_ml(tmp_path):
    fixture = tmp_path / "users.json"
    roles = {"ml_watcher": {"cluster": ["monitor_ml"]}}
    users = {"watcher": {"password": "pw-watcher", "roles": ["ml_watcher"]}}
    fixture.write_text(json.dumps({"security": {"users": users, "roles": roles}}))
    http = Http(create_app([fixture], auth="elastic:changeme").test_client())
    watcher = {"Authorization": "Basic " + base64.b64encode(b"watcher:pw-watcher").decode()}
    admin = {"Authorization": "Basic " + base64.b64encode(b"elastic:changeme").decode()}
    reply = http.post("/_ml/set_upgrade_mode", query={"enabled": "true"}, headers=watcher)
    assert (reply.status, reply.json["error"]["type"]) == (403, "security_exception"), reply.text
    assert reply.json["error"]["reason"].startswith(
        "action [cluster:admin/xpack/ml/upgrade_mode] is unauthorized for user [watcher]"
    )
    assert http.get("/_ml/info", headers=watcher).json["upgrade_mode"] is False
    assert http.post("/_ml/set_upgrade_mode", query={"enabled": "true"}, headers=admin).status == 200
    assert http.get("/_ml/info", headers=watcher).json["upgrade_mode"] is True


# -- a lazy job waiting for memory ------------------------------------------------------------------
def lazy_job_waiting(http) -> None:
    """'four' (4gb) takes the node's 4.8gb of ML memory; 'three' (3gb, lazy) waits opening."""
    put_job(http, "four", analysis_limits={"model_memory_limit": "4gb"})
    put_job(http, "three", analysis_limits={"model_memory_limit": "3gb"}, allow_lazy_open=True)
    assert http.post("/_ml/anomaly_detectors/four/_open").json["node"] != ""
    assert http.post("/_ml/anomaly_detectors/three/_open").json == {"opened": True, "node": ""}
    stats = http.get("/_ml/anomaly_detectors/three/_stats").json["jobs"][0]
    assert stats["state"] == "opening" and "node" not in stats
    assert stats["assignment_explanation"].startswith("Not opening job [three] on node [{mockserver}")


def assert_assigned(http, job_id: str) -> None:
    stats = http.get(f"/_ml/anomaly_detectors/{job_id}/_stats").json["jobs"][0]
    assert (stats["state"], stats["assignment_explanation"]) == ("opened", "")
    assert stats["node"]["id"] == "mOcKnOdE0000000000000w" and stats["open_time"].endswith("s")


@pytest.mark.parametrize("freeing", ["close", "delete"])
def test_a_lazy_job_waiting_for_memory_opens_when_a_job_frees_it(http, freeing):
    lazy_job_waiting(http)
    if freeing == "close":
        assert http.post("/_ml/anomaly_detectors/four/_close").json == {"closed": True}
    else:
        assert http.delete("/_ml/anomaly_detectors/four", query={"force": "true"}).status == 200
    assert_assigned(http, "three")


def test_a_lazy_job_that_still_does_not_fit_keeps_waiting_with_the_nodes_new_reason(http):
    lazy_job_waiting(http)
    put_job(http, "two", analysis_limits={"model_memory_limit": "2gb"})
    before = http.get("/_ml/anomaly_detectors/three/_stats").json["jobs"][0]["assignment_explanation"]
    # A job that never opened frees nothing: 'three' still waits, for the same reason.
    http.delete("/_ml/anomaly_detectors/two")
    assert http.get("/_ml/anomaly_detectors/three/_stats").json["jobs"][0]["assignment_explanation"] == before


def test_a_lazy_job_waits_through_upgrade_mode_then_for_memory_again(http):
    lazy_job_waiting(http)
    memory_reason = http.get("/_ml/anomaly_detectors/three/_stats").json["jobs"][0]["assignment_explanation"]
    set_upgrade_mode(http, True)
    stats = http.get("/_ml/anomaly_detectors/three/_stats").json["jobs"][0]
    assert (stats["state"], stats["assignment_explanation"]) == ("opening", AWAITING_UPGRADE)
    set_upgrade_mode(http, False)
    stats = http.get("/_ml/anomaly_detectors/three/_stats").json["jobs"][0]
    assert (stats["state"], stats["assignment_explanation"]) == ("opening", memory_reason)
    assert_assigned(http, "four")


@pytest.mark.parametrize(
    "method, path, action",
    [
        ("put", "/_ml/anomaly_detectors/new-job", "job/put"),
        ("post", "/_ml/anomaly_detectors/nope/_update", "job/update"),
        ("delete", "/_ml/anomaly_detectors/nope", "job/delete"),
        ("post", "/_ml/anomaly_detectors/nope/_close", "job/close"),
        ("put", "/_ml/datafeeds/new-feed", "datafeeds/put"),
        ("post", "/_ml/datafeeds/nope/_update", "datafeeds/update"),
        ("delete", "/_ml/datafeeds/nope", "datafeeds/delete"),
        ("post", "/_ml/datafeeds/nope/_stop", "datafeed/stop"),
        ("put", "/_ml/data_frame/analytics/new-dfa", "data_frame/analytics/put"),
        ("delete", "/_ml/data_frame/analytics/nope", "data_frame/analytics/delete"),
        ("post", "/_ml/data_frame/analytics/nope/_start", "data_frame/analytics/start"),
        ("post", "/_ml/data_frame/analytics/nope/_stop", "data_frame/analytics/stop"),
    ],
)
def test_the_actions_that_change_ml_are_refused_in_upgrade_mode(http, method, path, action):
    """MlUpgradeModeActionFilter.ACTIONS_DISALLOWED_IN_UPGRADE_MODE: refused before the action looks for
    its resource (an unknown id is a 429, not a 404)."""
    bodies = {"new-job": ml_bodies.JOB, "new-feed": {"job_id": "myjob2", "indices": ["x"]}, "new-dfa": ml_bodies.DFA}
    body = bodies.get(path.rsplit("/", 1)[-1], {} if path.endswith("_update") else None)  # REST needs it
    set_upgrade_mode(http, True)
    reply = getattr(http, method)(path, json=body) if body is not None else getattr(http, method)(path)
    es_error(
        reply,
        429,
        "status_exception",
        f"Cannot perform cluster:admin/xpack/ml/{action} action while upgrade mode is enabled",
    )
    # Reading is allowed.
    assert http.get("/_ml/anomaly_detectors").status == 200
    assert http.get("/_ml/data_frame/analytics").status == 200


def test_started_analytics_are_unassigned_in_upgrade_mode(http):
    """TransportSetUpgradeModeAction unassigns data frame analytics tasks too: no node, AWAITING_UPGRADE."""
    assert http.put("/source-index", json={"mappings": {"properties": {"n": {"type": "long"}}}}).status == 200
    assert http.put("/source-index/_doc/1", json={"n": 1}, query={"refresh": "true"}).status == 201
    assert http.put("/_ml/data_frame/analytics/dfa", json=ml_bodies.DFA).status == 200
    assert http.post("/_ml/data_frame/analytics/dfa/_start").json["acknowledged"] is True
    set_upgrade_mode(http, True)
    stats = http.get("/_ml/data_frame/analytics/dfa/_stats").json["data_frame_analytics"][0]
    assert stats["assignment_explanation"] == AWAITING_UPGRADE and "node" not in stats
    set_upgrade_mode(http, False)
    stats = http.get("/_ml/data_frame/analytics/dfa/_stats").json["data_frame_analytics"][0]
    assert stats["assignment_explanation"] == "" and stats["node"]["name"] == "mockserver"


def test_set_upgrade_mode_without_enabled_turns_it_off(http):
    """RestSetUpgradeModeAction reads enabled with paramAsBoolean("enabled", false)."""
    assert http.post("/_ml/set_upgrade_mode", query={"enabled": "true"}).json == {"acknowledged": True}
    assert http.post("/_ml/set_upgrade_mode", query={"timeout": "30s"}).json == {"acknowledged": True}
    assert http.get("/_ml/info").json["upgrade_mode"] is False
