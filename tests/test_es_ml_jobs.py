"""Elasticsearch's ML APIs over HTTP: anomaly detection jobs."""

from __future__ import annotations

import pytest
from conftest import es_error
from ml_bodies import JOB, put_job


def test_put_job_writes_the_servers_defaults_in_order(http):
    job = put_job(http, "j1")
    assert list(job) == [
        "job_id",
        "job_type",
        "job_version",
        "create_time",
        "analysis_config",
        "analysis_limits",
        "data_description",
        "model_snapshot_retention_days",
        "daily_model_snapshot_retention_after_days",
        "results_index_name",
        "allow_lazy_open",
    ]
    assert job["analysis_config"] == {
        "bucket_span": "15m",
        "detectors": [{"detector_description": "count", "function": "count", "detector_index": 0}],
        "influencers": [],
        "model_prune_window": "30d",
    }
    assert job["analysis_limits"] == {"model_memory_limit": "1024mb", "categorization_examples_limit": 4}
    assert job["data_description"] == {"time_field": "timestamp", "time_format": "epoch_ms"}
    assert (job["job_type"], job["job_version"], job["results_index_name"]) == ("anomaly_detector", "12.0.0", "shared")
    assert isinstance(job["create_time"], int)


def test_detector_descriptions_and_limits(http):
    job = put_job(
        http,
        "j2",
        analysis_config={"detectors": [{"function": "mean", "field_name": "responsetime", "by_field_name": "airline"}]},
        analysis_limits={"model_memory_limit": "2gb"},
        results_index_name="mine",
    )
    assert job["analysis_config"]["detectors"][0]["detector_description"] == "mean(responsetime) by airline"
    assert job["analysis_config"]["bucket_span"] == "5m"
    assert job["analysis_limits"]["model_memory_limit"] == "2048mb"
    assert job["results_index_name"] == "custom-mine"


@pytest.mark.parametrize(
    "job_id, body, status, type_, reason",
    [
        ("j", {"data_description": {}}, 400, "illegal_argument_exception", "An analysis_config must be set"),
        (
            "j",
            {"analysis_config": {"detectors": [{"function": "count"}]}},
            400,
            "illegal_argument_exception",
            "A data_description must be set",
        ),
        (
            "j",
            {**JOB, "job_id": "other"},
            400,
            "illegal_argument_exception",
            "Inconsistent job_id; 'other' specified in the body differs from 'j' specified as a URL argument",
        ),
        (
            "Bad_Id",
            JOB,
            400,
            "illegal_argument_exception",
            "Invalid job_id; 'Bad_Id' can contain lowercase alphanumeric "
            "(a-z and 0-9), hyphens or underscores; must start and end with alphanumeric",
        ),
        ("a" * 65, JOB, 400, "illegal_argument_exception", "The job id cannot contain more than 64 characters."),
        (
            "myjob1",
            JOB,
            400,
            "resource_already_exists_exception",
            "The job cannot be created with the Id 'myjob1'. The Id is already used.",
        ),
        (
            "j",
            {**JOB, "create_time": 1},
            400,
            "illegal_argument_exception",
            "The job is configured with fields [create_time] that are illegal to set at job creation",
        ),
        ("j", {**JOB, "colour": 1}, 400, "x_content_parse_exception", None),
    ],
)
def test_put_job_errors(http, job_id, body, status, type_, reason):
    es_error(http.put(f"/_ml/anomaly_detectors/{job_id}", json=body), status, type_, reason)


def test_put_job_without_detectors_key(http):
    error = es_error(
        http.put("/_ml/anomaly_detectors/j", json={**JOB, "analysis_config": {}}), 400, "x_content_parse_exception"
    )
    assert error["reason"].endswith("[job_details] failed to parse field [analysis_config]")
    assert error["caused_by"] == {"type": "illegal_argument_exception", "reason": "Required [detectors]"}


def test_what_the_analysis_config_builder_refuses_is_a_failure_to_parse_it(http):
    # Job.Builder.setAnalysisConfig builds the config as the parser reads it; ObjectParser wraps.
    error = es_error(
        http.put("/_ml/anomaly_detectors/j", json={**JOB, "analysis_config": {"detectors": []}}),
        400,
        "x_content_parse_exception",
    )
    # Placed where the parser stood when the builder failed: the object's closing brace.
    assert error["reason"] == "[1:37] [job_details] failed to parse field [analysis_config]"
    assert error["caused_by"] == {"type": "status_exception", "reason": "No detectors configured"}
    assert error["root_cause"] == [error["caused_by"]]


def test_get_jobs_forms(http):
    put_job(http, "alpha-1", groups=["team"])
    put_job(http, "alpha-2", groups=["team"])

    def ids(path, **query):
        return [j["job_id"] for j in http.get(path, query=query).json["jobs"]]

    assert ids("/_ml/anomaly_detectors") == ["alpha-1", "alpha-2", "myjob1", "myjob2"]
    assert ids("/_ml/anomaly_detectors/_all") == ids("/_ml/anomaly_detectors/*") == ids("/_ml/anomaly_detectors")
    assert ids("/_ml/anomaly_detectors/alpha-*") == ["alpha-1", "alpha-2"]
    assert ids("/_ml/anomaly_detectors/myjob2,alpha-1") == ["alpha-1", "myjob2"]
    assert ids("/_ml/anomaly_detectors/team") == ["alpha-1", "alpha-2"]
    assert http.get("/_ml/anomaly_detectors/nothing-*").json == {"count": 0, "jobs": []}
    es_error(
        http.get("/_ml/anomaly_detectors/nothing-*", query={"allow_no_match": "false"}),
        404,
        "resource_not_found_exception",
        "No known job with id 'nothing-*'",
    )
    es_error(
        http.get("/_ml/anomaly_detectors/a,alpha-1,b"),
        404,
        "resource_not_found_exception",
        "No known job with id 'a,b'",
    )


def test_get_job_embeds_its_datafeed(http):
    job = http.get("/_ml/anomaly_detectors/myjob1").json["jobs"][0]
    assert job["datafeed_config"]["datafeed_id"] == "datafeed-myjob1"
    assert "datafeed_config" not in http.get("/_ml/anomaly_detectors/myjob2").json["jobs"][0]


def test_delete_job_deletes_its_datafeed_first(http):
    assert http.delete("/_ml/anomaly_detectors/myjob1").json == {"acknowledged": True}
    es_error(
        http.get("/_ml/datafeeds/datafeed-myjob1"),
        404,
        "resource_not_found_exception",
        "No datafeed with id [datafeed-myjob1] exists",
    )
    es_error(
        http.delete("/_ml/anomaly_detectors/myjob1"),
        404,
        "resource_not_found_exception",
        "No known job with id 'myjob1'",
    )
    assert http.delete("/_ml/anomaly_detectors/myjob2", query={"force": "true"}).status == 200


def test_put_job_with_an_embedded_datafeed(http):
    job = put_job(http, "withfeed", datafeed_config={"indices": ["logs"]})
    assert job["datafeed_config"]["datafeed_id"] == "withfeed"
    assert http.get("/_ml/datafeeds/withfeed").json["datafeeds"][0]["job_id"] == "withfeed"
