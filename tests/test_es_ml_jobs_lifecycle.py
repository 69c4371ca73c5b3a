"""Anomaly detection jobs over HTTP: open, close, stats and delete (TransportOpenJobAction,
TransportCloseJobAction, GetJobsStatsAction, TransportDeleteJobAction)."""

from __future__ import annotations

import pytest
from conftest import Http, es_error
from ml_bodies import put_job

from mockserver import create_app
from mockserver.elasticsearch.versions import BUILD_HASH

LAZY_BIG = {"analysis_limits": {"model_memory_limit": "3000g"}, "allow_lazy_open": True}


def es(version: str) -> Http:
    return Http(create_app(elasticsearch_version=version).test_client())


def stats_of(http, job_id: str) -> dict:
    reply = http.get(f"/_ml/anomaly_detectors/{job_id}/_stats")
    assert reply.status == 200, reply.text
    return reply.json["jobs"][0]


def test_stats_of_a_closed_job_with_no_data(http):
    stats = stats_of(http, "myjob2")
    assert list(stats) == ["job_id", "data_counts", "model_size_stats", "forecasts_stats", "state", "timing_stats"]
    assert stats["state"] == "closed"
    assert stats["data_counts"] == {
        "job_id": "myjob2",
        "processed_record_count": 0,
        "processed_field_count": 0,
        "input_bytes": 0,
        "input_field_count": 0,
        "invalid_date_count": 0,
        "missing_field_count": 0,
        "out_of_order_timestamp_count": 0,
        "empty_bucket_count": 0,
        "sparse_bucket_count": 0,
        "bucket_count": 0,
        "input_record_count": 0,
    }
    size = stats["model_size_stats"]
    assert list(size)[:3] == ["job_id", "result_type", "model_bytes"]
    assert (size["model_bytes"], size["memory_status"], size["categorization_status"]) == (0, "ok", "ok")
    assert isinstance(size["log_time"], int) and list(size)[-1] == "log_time"
    assert stats["forecasts_stats"] == {"total": 0, "forecasted_jobs": 0}
    # No bucket yet: min, max and the averages are absent; the calculated fields are 0.0.
    assert stats["timing_stats"] == {
        "job_id": "myjob2",
        "bucket_count": 0,
        "total_bucket_processing_time_ms": 0.0,
        "exponential_average_bucket_processing_time_per_hour_ms": 0.0,
    }


def test_open_puts_the_job_on_the_node_and_stats_show_it(http):
    assert http.post("/_ml/anomaly_detectors/myjob2/_open").json == {"opened": True, "node": "mOcKnOdE0000000000000w"}
    stats = stats_of(http, "myjob2")
    assert list(stats) == [
        "job_id",
        "data_counts",
        "model_size_stats",
        "forecasts_stats",
        "state",
        "node",
        "assignment_explanation",
        "open_time",
        "timing_stats",
    ]
    assert stats["state"] == "opened"
    assert (stats["node"]["id"], stats["node"]["name"]) == ("mOcKnOdE0000000000000w", "mockserver")
    assert list(stats["node"]) == ["id", "name", "ephemeral_id", "transport_address", "attributes"]
    assert int(stats["node"]["attributes"]["ml.machine_memory"]) > 0
    assert stats["assignment_explanation"] == ""
    assert stats["open_time"].endswith("s") and stats["open_time"][:-1].isdigit()


def test_a_second_open_conflicts_with_the_task_there(http):
    http.post("/_ml/anomaly_detectors/myjob2/_open")
    error = es_error(
        http.post("/_ml/anomaly_detectors/myjob2/_open"),
        409,
        "status_exception",
        "Cannot open job [myjob2] because it has already been opened",
    )
    cause = {"type": "resource_already_exists_exception", "reason": "task with id {job-myjob2} already exist"}
    assert error["caused_by"] == cause and error["root_cause"] == [cause]


def test_open_and_close_an_unknown_job(http):
    for path in ("/_ml/anomaly_detectors/nope/_open", "/_ml/anomaly_detectors/nope/_close"):
        es_error(http.post(path), 404, "resource_not_found_exception", "No known job with id 'nope'")


def test_a_lazy_job_no_node_can_take_waits_opening(http):
    put_job(http, "big", **LAZY_BIG)
    assert http.post("/_ml/anomaly_detectors/big/_open").json == {"opened": True, "node": ""}
    stats = stats_of(http, "big")
    assert stats["state"] == "opening"
    assert "node" not in stats and "open_time" not in stats
    assert stats["assignment_explanation"].startswith("Not opening job [big] on node [{mockserver}")
    assert "This node has insufficient available memory." in stats["assignment_explanation"]
    assert http.post("/_ml/anomaly_detectors/big/_close").json == {"closed": True}
    assert stats_of(http, "big")["state"] == "closed"
    # It never ran: no finished_time.
    assert "finished_time" not in http.get("/_ml/anomaly_detectors/big").json["jobs"][0]


def test_a_job_no_node_can_take_does_not_open(http):
    put_job(http, "big", analysis_limits={"model_memory_limit": "3000g"})
    error = es_error(
        http.post("/_ml/anomaly_detectors/big/_open"),
        429,
        "status_exception",
        "Could not open job because no ML nodes with sufficient capacity were found",
    )
    assert error["caused_by"]["type"] == "illegal_state_exception"
    assert error["caused_by"]["reason"].startswith(
        "Could not open job because no suitable nodes were found, allocation explanation [Not opening job [big]"
    )
    assert error["root_cause"][0]["type"] == "status_exception"  # the Java cause is not an Elasticsearch one
    assert stats_of(http, "big")["state"] == "closed"


def test_close_a_closed_job_and_force_close(http):
    assert http.post("/_ml/anomaly_detectors/myjob2/_close").json == {"closed": True}
    http.post("/_ml/anomaly_detectors/myjob2/_open")
    assert http.post("/_ml/anomaly_detectors/myjob2/_close", query={"force": "true"}).json == {"closed": True}
    assert stats_of(http, "myjob2")["state"] == "closed"
    assert http.post("/_ml/anomaly_detectors/myjob2/_close", query={"force": "true"}).json == {"closed": True}


def test_close_by_wildcard_all_and_group(http):
    for job_id in ("x-foo-1", "x-foo-2", "x-bar-1"):
        put_job(http, job_id, groups=["xs"])
        http.post(f"/_ml/anomaly_detectors/{job_id}/_open")
    assert http.post("/_ml/anomaly_detectors/*foo-*/_close").json == {"closed": True}
    states = {j["job_id"]: j["state"] for j in http.get("/_ml/anomaly_detectors/xs/_stats").json["jobs"]}
    assert states == {"x-bar-1": "opened", "x-foo-1": "closed", "x-foo-2": "closed"}
    assert http.post("/_ml/anomaly_detectors/_all/_close").json == {"closed": True}
    assert {j["state"] for j in http.get("/_ml/anomaly_detectors/_stats").json["jobs"]} == {"closed"}


def test_close_with_no_match(http):
    assert http.post("/_ml/anomaly_detectors/missing-*/_close").json == {"closed": True}
    es_error(
        http.post("/_ml/anomaly_detectors/missing-*/_close", query={"allow_no_match": "false"}),
        404,
        "resource_not_found_exception",
        "No known job with id 'missing-*'",
    )
    # A body is read instead of the parameters.
    es_error(
        http.post("/_ml/anomaly_detectors/missing-*/_close", json={"allow_no_match": False}),
        404,
        "resource_not_found_exception",
        "No known job with id 'missing-*'",
    )
    assert http.post("/_ml/anomaly_detectors/missing-*/_close", json={"allow_no_match": True}).json == {"closed": True}


def test_closing_a_job_stops_its_started_datafeed(http):
    feed = http.get("/_ml/datafeeds/datafeed-myjob1").json["datafeeds"][0]
    for index in feed["indices"]:  # what the datafeed searches, with the job's time field mapped
        http.put(f"/{index}", json={"mappings": {"properties": {"timestamp": {"type": "date"}}}})
    assert http.post("/_ml/anomaly_detectors/myjob1/_open").status == 200
    reply = http.post("/_ml/datafeeds/datafeed-myjob1/_start")
    assert reply.status == 200, reply.text
    assert http.post("/_ml/anomaly_detectors/myjob1/_close").json == {"closed": True}
    stats = http.get("/_ml/datafeeds/datafeed-myjob1/_stats").json["datafeeds"][0]
    assert stats["state"] == "stopped"


def test_reopening_clears_the_finished_time(http):
    http.post("/_ml/anomaly_detectors/myjob2/_open")

    def job():
        return http.get("/_ml/anomaly_detectors/myjob2").json["jobs"][0]

    assert "finished_time" not in job()
    http.post("/_ml/anomaly_detectors/myjob2/_close")
    finished = job()
    assert isinstance(finished["finished_time"], int)
    assert list(finished).index("finished_time") == list(finished).index("create_time") + 1
    http.post("/_ml/anomaly_detectors/myjob2/_open")
    assert "finished_time" not in job()


def test_stats_forms(http):
    put_job(http, "alpha-1", groups=["team"])
    put_job(http, "alpha-2", groups=["team"])

    def ids(path, **query):
        reply = http.get(path, query=query)
        assert reply.json["count"] == len(reply.json["jobs"])
        return [j["job_id"] for j in reply.json["jobs"]]

    everything = ["alpha-1", "alpha-2", "myjob1", "myjob2"]
    assert ids("/_ml/anomaly_detectors/_stats") == ids("/_ml/anomaly_detectors/_all/_stats") == everything
    assert ids("/_ml/anomaly_detectors/*/_stats") == everything
    assert ids("/_ml/anomaly_detectors/team/_stats") == ["alpha-1", "alpha-2"]
    assert ids("/_ml/anomaly_detectors/myjob2,alpha-*/_stats") == ["alpha-1", "alpha-2", "myjob2"]
    assert http.get("/_ml/anomaly_detectors/missing-*/_stats").json == {"count": 0, "jobs": []}
    es_error(
        http.get("/_ml/anomaly_detectors/missing-*/_stats", query={"allow_no_match": "false"}),
        404,
        "resource_not_found_exception",
        "No known job with id 'missing-*'",
    )
    es_error(
        http.get("/_ml/anomaly_detectors/unknown-job/_stats"),
        404,
        "resource_not_found_exception",
        "No known job with id 'unknown-job'",
    )


def test_stats_with_no_jobs():
    http = es("9.6.0")
    for job_id in ("myjob1", "myjob2"):
        http.delete(f"/_ml/anomaly_detectors/{job_id}")
    assert http.get("/_ml/anomaly_detectors/_all/_stats").json == {"count": 0, "jobs": []}
    assert http.get("/_ml/anomaly_detectors/_all").json == {"count": 0, "jobs": []}


def test_delete_an_opened_job_needs_force(http):
    http.post("/_ml/anomaly_detectors/myjob2/_open")
    es_error(
        http.delete("/_ml/anomaly_detectors/myjob2"),
        409,
        "status_exception",
        "Cannot delete job [myjob2] because the job is opened",
    )
    assert http.delete("/_ml/anomaly_detectors/myjob2", query={"force": "true"}).json == {"acknowledged": True}
    assert http.get("/_ml/anomaly_detectors/myjob2").status == 404


def test_delete_a_lazy_job_waiting_needs_force(http):
    put_job(http, "big", **LAZY_BIG)
    http.post("/_ml/anomaly_detectors/big/_open")
    es_error(
        http.delete("/_ml/anomaly_detectors/big"),
        409,
        "status_exception",
        "Cannot delete job [big] because the job is opening",
    )


def test_force_delete_of_an_open_job_deletes_its_datafeed(http):
    http.post("/_ml/anomaly_detectors/myjob1/_open")
    assert http.delete("/_ml/anomaly_detectors/myjob1", query={"force": "true"}).json == {"acknowledged": True}
    assert http.get("/_ml/datafeeds/_all").json["count"] == 0
    # A deleted job reopens as a new one: no task is left behind.
    put_job(http, "myjob1")
    assert http.post("/_ml/anomaly_detectors/myjob1/_open").status == 200


@pytest.mark.parametrize("version", ["7.17.0", "8.19.0"])
def test_allow_no_jobs_on_stats_close_and_get_in_7(version):
    http = es(version)
    paths = ("/_ml/anomaly_detectors/missing-*/_stats", "/_ml/anomaly_detectors/missing-*")
    if version.startswith("7"):
        for path in paths:
            reply = http.get(path, query={"allow_no_jobs": "true"})
            assert reply.json["count"] == 0
            assert reply.headers["Warning"] == (
                f"299 Elasticsearch-{version}-{BUILD_HASH} "
                '"Deprecated field [allow_no_jobs] used, expected [allow_no_match] instead"'
            )
            es_error(http.get(path, query={"allow_no_jobs": "false"}), 404, "resource_not_found_exception")
        reply = http.post("/_ml/anomaly_detectors/missing-*/_close", json={"allow_no_jobs": True})
        assert reply.json == {"closed": True} and "allow_no_jobs" in reply.headers["Warning"]
        reply = http.post("/_ml/anomaly_detectors/missing-*/_close", query={"allow_no_jobs": "false"})
        assert reply.status == 404 and "allow_no_jobs" in reply.headers["Warning"]
        return
    # Removed from the 8 API (elastic/elasticsearch#80048); a v7-compatible request may still say it.
    es_error(
        http.get(paths[0], query={"allow_no_jobs": "true"}),
        400,
        "illegal_argument_exception",
        "request [/_ml/anomaly_detectors/missing-*/_stats] contains unrecognized parameter: [allow_no_jobs] "
        "-> did you mean [allow_no_match]?",
    )
    error = es_error(
        http.post("/_ml/anomaly_detectors/missing-*/_close", json={"allow_no_jobs": True}),
        400,
        "x_content_parse_exception",
    )
    assert error["reason"] == "[1:2] [close_job_request] unknown field [allow_no_jobs] did you mean [allow_no_match]?"
    compatible = "application/vnd.elasticsearch+json;compatible-with=7"
    reply = http.get(paths[0], query={"allow_no_jobs": "true"}, headers={"Accept": compatible})
    assert reply.status == 200 and "allow_no_jobs" in reply.headers["Warning"]


def test_security_guards_the_job_actions_and_jobs_carry_no_authorization(tmp_path):
    import base64
    import json

    fixture = tmp_path / "users.json"
    roles = {"ml_watcher": {"cluster": ["monitor_ml"]}}
    users = {"watcher": {"password": "pw-watcher", "roles": ["ml_watcher"]}}
    fixture.write_text(json.dumps({"security": {"users": users, "roles": roles}}))
    http = Http(create_app([fixture], auth="elastic:changeme").test_client())

    def basic(user: str, password: str) -> dict:
        return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}

    admin, watcher = basic("elastic", "changeme"), basic("watcher", "pw-watcher")
    assert http.post("/_ml/anomaly_detectors/myjob2/_open", headers=admin).status == 200
    assert http.get("/_ml/anomaly_detectors/myjob2/_stats", headers=watcher).json["jobs"][0]["state"] == "opened"
    # Job.doXContentBody has no authorization (a datafeed's config does).
    assert "authorization" not in http.get("/_ml/anomaly_detectors/myjob2", headers=admin).json["jobs"][0]
    for method, path, action in (
        (http.post, "/_ml/anomaly_detectors/myjob2/_close", "cluster:admin/xpack/ml/job/close"),
        (http.post, "/_ml/anomaly_detectors/myjob2/_open", "cluster:admin/xpack/ml/job/open"),
        (http.post, "/_ml/anomaly_detectors/myjob2/_update", "cluster:admin/xpack/ml/job/update"),
    ):
        reply = method(path, headers=watcher, json={})
        assert (reply.status, reply.json["error"]["type"]) == (403, "security_exception"), reply.text
        assert reply.json["error"]["reason"].startswith(f"action [{action}] is unauthorized for user [watcher]")


def test_delete_without_waiting_answers_the_task(http):
    """RestDeleteJobAction: wait_for_completion=false answers the deleting task, a new one each time."""
    put_job(http, "doomed-1")
    put_job(http, "doomed-2")
    first = http.delete("/_ml/anomaly_detectors/doomed-1", query={"wait_for_completion": "false"}).json
    second = http.delete("/_ml/anomaly_detectors/doomed-2", query={"wait_for_completion": "false"}).json
    node, number = first["task"].split(":")
    assert second["task"] == f"{node}:{int(number) + 1}"
    assert http.get("/_ml/anomaly_detectors/doomed-1").status == 404


def test_the_node_a_job_runs_on_is_the_one_ml_info_describes(http):
    """One ML node: the ML memory jobs are placed by is what _ml/info counts (30% of the machine, less the
    process and native code overheads for the effective limit), the processors likewise; the stats show
    only the node's ``ml.`` attributes (GetJobsStatsAction)."""
    http.post("/_ml/anomaly_detectors/myjob2/_open")
    attributes = stats_of(http, "myjob2")["node"]["attributes"]
    assert all(k.startswith("ml.") for k in attributes)
    ml_memory = int(attributes["ml.machine_memory"]) * 30 // 100
    limits = http.get("/_ml/info").json["limits"]
    assert limits["total_ml_memory"] == f"{ml_memory // 1024**2}mb"
    assert limits["effective_max_model_memory_limit"] == f"{(ml_memory - 40 * 1024**2) // 1024**2}mb"
    assert limits["total_ml_processors"] == int(attributes["ml.allocated_processors"])


def test_a_job_over_the_nodes_ml_memory_does_not_open(http):
    """A 10 GB job is over what _ml/info says the node has for ML, so it cannot open there."""
    put_job(http, "ten", analysis_limits={"model_memory_limit": "10gb"})
    reply = http.post("/_ml/anomaly_detectors/ten/_open")
    error = es_error(
        reply, 429, "status_exception", "Could not open job because no ML nodes with sufficient capacity were found"
    )
    # ByteSizeValue.toString keeps the first decimal of the double, not rounded: 5153960755 bytes is 4.7gb.
    assert "Available memory for ML [5153960755 (4.7gb)]" in error["caused_by"]["reason"]
    assert "{ml.allocated_processors=2}{ml.config_version=12.0.0}" in error["caused_by"]["reason"]
    fits = put_job(http, "four", analysis_limits={"model_memory_limit": "4gb"})
    assert fits["analysis_limits"]["model_memory_limit"] == "4096mb"
    assert http.post("/_ml/anomaly_detectors/four/_open").json["opened"] is True
