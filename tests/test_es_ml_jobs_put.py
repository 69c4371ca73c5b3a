"""What PUT _ml/anomaly_detectors checks and fills in (Job.Builder, AnalysisConfig.Builder, Detector,
DetectionRule, CategorizationAnalyzerConfig, JobManager.putJob), and GET's exclude_generated."""

from __future__ import annotations

import pytest
from conftest import Http, es_error
from ml_bodies import JOB, put_job

from mockserver import create_app

CATEGORIZING = {
    "detectors": [
        {"function": "mean", "field_name": "responsetime", "by_field_name": "airline"},
        {"function": "count", "by_field_name": "mlcategory"},
    ],
    "categorization_field_name": "some_category",
}


def es(version: str) -> Http:
    return Http(create_app(elasticsearch_version=version).test_client())


def put_error(http, body: dict, job_id: str = "j") -> dict:
    reply = http.put(f"/_ml/anomaly_detectors/{job_id}", json=body)
    assert reply.status == 400, reply.text
    return reply.json["error"]


def test_model_prune_window_must_be_a_multiple_of_two_buckets_or_more(http):
    job = put_job(
        http,
        "p",
        analysis_config={"bucket_span": "15m", "detectors": [{"function": "count"}], "model_prune_window": "14d"},
    )
    assert (job["analysis_config"]["bucket_span"], job["analysis_config"]["model_prune_window"]) == ("15m", "14d")
    for window, reason in (
        ("29m", "model_prune_window [29m] must be a multiple of bucket_span [15m]"),
        ("15m", "model_prune_window [15m] must be at least 2 times greater than bucket_span [15m]"),
        # TimeValue.toString, not the text given: 5400s is 1.5h
        ("5400s", None),
        ("3000s", "model_prune_window [50m] must be a multiple of bucket_span [15m]"),
    ):
        body = {
            **JOB,
            "analysis_config": {
                "bucket_span": "15m",
                "detectors": [{"function": "count"}],
                "model_prune_window": window,
            },
        }
        reply = http.put("/_ml/anomaly_detectors/q", json=body)
        if reason is None:
            assert reply.json["analysis_config"]["model_prune_window"] == "5400s"
            http.delete("/_ml/anomaly_detectors/q")
            continue
        error = es_error(reply, 400, "x_content_parse_exception")
        assert error["reason"].endswith("[job_details] failed to parse field [analysis_config]")
        assert error["caused_by"] == {"type": "status_exception", "reason": reason}


def test_a_duration_that_does_not_parse(http):
    error = put_error(http, {**JOB, "analysis_config": {"bucket_span": "1w", "detectors": [{"function": "count"}]}})
    assert error["reason"] == "[1:37] [job_details] failed to parse field [analysis_config]"
    assert error["caused_by"]["reason"] == "[1:37] [analysis_config] failed to parse field [bucket_span]"
    assert error["caused_by"]["caused_by"] == {
        "type": "illegal_argument_exception",
        "reason": "failed to parse setting [bucket_span] with value [1w] as a time value: "
        "unit is missing or unrecognized",
    }


def test_default_model_prune_window_since_8_1():
    assert "model_prune_window" not in put_job(es("8.0.0"), "j")["analysis_config"]
    assert put_job(es("8.1.0"), "j")["analysis_config"]["model_prune_window"] == "30d"


def test_categorization_field_gets_the_standard_analyzer_with_the_filters_as_char_filters(http):
    job = put_job(http, "c", analysis_config={**CATEGORIZING, "categorization_filters": ["cat1.*", "cat2.*"]})
    analysis = job["analysis_config"]
    assert "categorization_filters" not in analysis
    analyzer = analysis["categorization_analyzer"]
    assert list(analyzer) == ["char_filter", "tokenizer", "filter"]
    assert analyzer["char_filter"] == [
        "first_line_with_letters",
        {"pattern": "cat1.*", "type": "pattern_replace"},
        {"pattern": "cat2.*", "type": "pattern_replace"},
    ]
    assert analyzer["tokenizer"] == "ml_standard"
    assert len(analyzer["filter"]) == 1 and list(analyzer["filter"][0]) == ["type", "stopwords"]
    assert analyzer["filter"][0]["stopwords"][:2] == ["Monday", "Tuesday"]
    assert analyzer["filter"][0]["stopwords"][-2:] == ["GMT", "UTC"]
    assert analysis["per_partition_categorization"] == {"enabled": False}
    assert list(analysis).index("per_partition_categorization") == list(analysis).index("categorization_analyzer") + 1
    assert http.get("/_ml/anomaly_detectors/c").json["jobs"][0]["analysis_config"] == analysis


def test_named_and_custom_analyzers_are_kept(http):
    named = put_job(http, "n", analysis_config={**CATEGORIZING, "categorization_analyzer": "standard"})
    assert named["analysis_config"]["categorization_analyzer"] == "standard"
    custom = {"char_filter": ["html_strip"], "tokenizer": "classic", "filter": ["stop"]}
    job = put_job(http, "k", analysis_config={**CATEGORIZING, "categorization_analyzer": custom})
    assert job["analysis_config"]["categorization_analyzer"] == custom


@pytest.mark.parametrize(
    "analysis, reason",
    [
        (
            {**CATEGORIZING, "categorization_analyzer": {"tokenizer": "classic"}, "categorization_filters": ["a"]},
            "categorization_filters cannot be used with categorization_analyzer - "
            "instead specify them as pattern_replace char_filters in the analyzer",
        ),
        (
            {"detectors": [{"function": "count"}], "categorization_field_name": "msg"},
            "categorization_field_name is set but mlcategory is not used in any detector by/over/partition field",
        ),
        (
            {"detectors": [{"function": "count", "by_field_name": "mlcategory"}]},
            "categorization_field_name must be set for mlcategory to be available",
        ),
        ({**CATEGORIZING, "categorization_filters": ["a", "a"]}, "categorization_filters contain duplicates"),
        (
            {**CATEGORIZING, "categorization_filters": ["("]},
            "categorization_filters contains invalid regular expression '('",
        ),
    ],
)
def test_categorization_checks(http, analysis, reason):
    error = put_error(http, {**JOB, "analysis_config": analysis})
    assert error["type"] == "x_content_parse_exception"
    assert error["caused_by"] == {"type": "status_exception", "reason": reason}


def test_function_shortcuts_are_read_as_their_functions(http):
    job = put_job(
        http,
        "f",
        analysis_config={
            "bucket_span": "1h",
            "detectors": [
                {"function": "nzc", "by_field_name": "airline"},
                {"function": "avg", "field_name": "responsetime"},
                {"function": "high_dc", "field_name": "user"},
            ],
        },
    )
    detectors = job["analysis_config"]["detectors"]
    assert [d["function"] for d in detectors] == ["non_zero_count", "mean", "high_distinct_count"]
    assert detectors[0]["detector_description"] == "non_zero_count by airline"


def test_custom_rules_take_their_defaults(http):
    rule = {
        "scope": {"country": {"filter_id": "safe_countries"}},
        "conditions": [{"value": 33.3, "applies_to": "actual", "operator": "lt"}],
    }
    put_job(
        http,
        "r",
        analysis_config={"detectors": [{"function": "count", "by_field_name": "country", "custom_rules": [rule]}]},
    )
    detector = http.get("/_ml/anomaly_detectors/r").json["jobs"][0]["analysis_config"]["detectors"][0]
    assert detector["custom_rules"] == [
        {
            "actions": ["skip_result"],
            "scope": {"country": {"filter_id": "safe_countries", "filter_type": "include"}},
            "conditions": [{"applies_to": "actual", "operator": "lt", "value": 33.3}],
        }
    ]
    assert list(detector["custom_rules"][0]) == ["actions", "scope", "conditions"]
    assert list(detector["custom_rules"][0]["conditions"][0]) == ["applies_to", "operator", "value"]


@pytest.mark.parametrize(
    "extra, reason",
    [
        (
            {"model_snapshot_retention_days": 3, "daily_model_snapshot_retention_after_days": 4},
            "The value of daily_model_snapshot_retention_after_days [4] cannot be greater than "
            "model_snapshot_retention_days [3]",
        ),
        (
            {"model_snapshot_retention_days": 3, "daily_model_snapshot_retention_after_days": -1},
            "daily_model_snapshot_retention_after_days cannot be less than 0. Value = -1",
        ),
        ({"results_retention_days": 0}, "results_retention_days cannot be less than 1. Value = 0"),
        # MessageFormat's {2,number} groups digits
        ({"renormalization_window_days": -1000}, "renormalization_window_days cannot be less than 0. Value = -1,000"),
        (
            {"analysis_config": {"bucket_span": "1h", "detectors": [{"function": "mean", "field_name": "time"}]}},
            "data_description.time_field may not be used in the analysis_config",
        ),
        (
            {
                "analysis_config": {"detectors": [{"function": "rare", "by_field_name": "@timestamp"}]},
                "data_description": {"time_field": "@timestamp"},
            },
            "data_description.time_field may not be used in the analysis_config",
        ),
        (
            {"groups": ["Bad"]},
            "Invalid group id 'Bad'; must be non-empty string and may contain lowercase alphanumeric "
            "(a-z and 0-9), hyphens or underscores; must start and end with alphanumeric",
        ),
        (
            {"results_index_name": "Mine"},
            "Invalid results_index_name; 'Mine' can contain lowercase alphanumeric (a-z and 0-9), hyphens or "
            "underscores; must start and end with alphanumeric",
        ),
    ],
)
def test_field_checks(http, extra, reason):
    body = {"analysis_config": {"bucket_span": "1h", "detectors": [{"function": "count"}]}, "data_description": {}}
    es_error(http.put("/_ml/anomaly_detectors/j", json={**body, **extra}), 400, "illegal_argument_exception", reason)


def test_a_single_string_where_a_string_array_is_taken(http):
    job = put_job(
        http,
        "s",
        groups="one",
        analysis_config={**CATEGORIZING, "influencers": "airline", "categorization_filters": "cat1.*"},
    )
    assert job["groups"] == ["one"]
    assert job["analysis_config"]["influencers"] == ["airline"]
    assert job["analysis_config"]["categorization_analyzer"]["char_filter"][1]["pattern"] == "cat1.*"
    assert http.get("/_ml/anomaly_detectors/one").json["count"] == 1


def test_model_plot_config_annotations_follow_enabled(http):
    job = put_job(http, "m", model_plot_config={"enabled": True, "terms": "foo,bar"})
    assert job["model_plot_config"] == {"enabled": True, "terms": "foo,bar", "annotations_enabled": True}


def test_exclude_generated():
    for version in ("7.17.0", "9.6.0"):
        http = es(version)
        put_job(http, "g", custom_settings={"created_by": "ml-module", "mine": 1}, datafeed_config={"indices": ["x"]})
        job = http.get("/_ml/anomaly_detectors/g", query={"exclude_generated": "true"}).json["jobs"][0]
        for generated in ("job_type", "job_version", "create_time"):
            assert generated not in job
        assert job["custom_settings"] == {"mine": 1}
        assert "datafeed_config" not in job, version
        full = http.get("/_ml/anomaly_detectors/g").json["jobs"][0]
        assert full["custom_settings"] == {"created_by": "ml-module", "mine": 1} and "create_time" in full


def test_the_datafeed_takes_the_indices_options_of_the_request(http):
    reply = http.put(
        "/_ml/anomaly_detectors/fed",
        query={"ignore_throttled": "false"},
        json={**JOB, "datafeed_config": {"indexes": ["index-foo"]}},
    )
    assert reply.json["datafeed_config"]["indices_options"]["ignore_throttled"] is False
    assert "[ignore_throttled] parameter is deprecated" in reply.headers["Warning"]  # IndicesOptions.fromRequest
    datafeed = http.get("/_ml/datafeeds/fed").json["datafeeds"][0]
    assert datafeed["indices_options"] == {
        "ignore_unavailable": False,
        "expand_wildcards": ["open"],
        "allow_no_indices": True,
        "ignore_throttled": False,
    }


def test_model_memory_limit_as_a_number_is_megabytes(http):
    assert (
        put_job(http, "n", analysis_limits={"model_memory_limit": 2048})["analysis_limits"]["model_memory_limit"]
        == "2048mb"
    )


def test_model_memory_limit_as_a_string_is_a_byte_size_with_a_unit(http):
    """ByteSizeValue.parseBytesSizeValue: a fractional size is taken in bytes, a string without a unit refused."""
    limits = put_job(http, "f", analysis_limits={"model_memory_limit": "1.5gb"})["analysis_limits"]
    assert limits["model_memory_limit"] == "1536mb"
    reply = http.put("/_ml/anomaly_detectors/u", json={**JOB, "analysis_limits": {"model_memory_limit": "12"}})
    assert reply.status == 400
    assert "failed to parse setting [model_memory_limit] with value [12] as a size in bytes" in reply.text


def test_duplicate_detectors_even_with_their_indices(http):
    detectors = [
        {"function": "max", "field_name": "responsetime", "detector_index": 0},
        {"function": "max", "field_name": "responsetime", "detector_index": 1},
    ]
    es_error(
        http.put("/_ml/anomaly_detectors/d", json={**JOB, "analysis_config": {"detectors": detectors}}),
        400,
        "illegal_argument_exception",
        "Duplicate detectors are not allowed: [max(responsetime)]",
    )


def test_a_job_whose_datafeed_is_refused_is_not_kept(http):
    """DatafeedJobValidator refuses an aggregated datafeed for a job without summary_count_field_name:
    the job put with it fails whole, and the job id stays free."""
    aggregations = {
        "buckets": {
            "date_histogram": {"field": "time", "fixed_interval": "1h"},
            "aggs": {"time": {"max": {"field": "time"}}},
        }
    }
    body = {**JOB, "datafeed_config": {"indices": ["x"], "aggregations": aggregations}}
    reply = http.put("/_ml/anomaly_detectors/half-made", json=body)
    assert reply.status == 400, reply.text
    assert http.get("/_ml/anomaly_detectors/half-made").status == 404
    assert http.get("/_ml/datafeeds/half-made").status == 404
