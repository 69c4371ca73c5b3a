"""POST _ml/anomaly_detectors/{id}/_update: JobUpdate.mergeWithJob and JobManager.updateJob's checks."""

from __future__ import annotations

import pytest
from conftest import es_error
from ml_bodies import put_job

UPDATABLE = {
    "description": "Pre update description",
    "analysis_config": {
        "detectors": [
            {"function": "mean", "field_name": "responsetime", "by_field_name": "airline"},
            {"function": "count", "by_field_name": "mlcategory"},
        ],
        "categorization_field_name": "some_category",
        "categorization_filters": ["cat1.*", "cat2.*"],
        "model_prune_window": "30d",
    },
    "data_description": {},
    "model_plot_config": {"enabled": True, "terms": "foo,bar"},
    "analysis_limits": {"model_memory_limit": "10mb"},
    "renormalization_window_days": 1,
    "background_persist_interval": "2h",
    "model_snapshot_retention_days": 3,
    "daily_model_snapshot_retention_after_days": 2,
    "results_retention_days": 4,
    "system_annotations_retention_days": 5,
    "custom_settings": {"setting1": "custom1", "setting2": "custom2"},
}


@pytest.fixture
def job(http):
    reply = http.put("/_ml/anomaly_detectors/upd", json=UPDATABLE)
    assert reply.status == 200, reply.text
    return reply.json


def update(http, body: dict, job_id: str = "upd"):
    return http.post(f"/_ml/anomaly_detectors/{job_id}/_update", json=body)


def test_update_of_an_open_job_answers_the_whole_job(http, job):
    http.post("/_ml/anomaly_detectors/upd/_open")
    reply = update(
        http,
        {
            "groups": ["group-1", "group-2"],
            "description": "Post update description",
            "detectors": [
                {
                    "detector_index": 0,
                    "custom_rules": [{"conditions": [{"applies_to": "actual", "operator": "gt", "value": 10}]}],
                },
                {"detector_index": 1, "description": "updated description"},
            ],
            "model_prune_window": "60d",
            "model_plot_config": {"enabled": False, "terms": "foobar"},
            "renormalization_window_days": 10,
            "background_persist_interval": "3h",
            "model_snapshot_retention_days": 30,
            "results_retention_days": 40,
            "system_annotations_retention_days": 50,
            "custom_settings": {"setting3": "custom3"},
        },
    )
    assert reply.status == 200, reply.text
    updated = reply.json
    assert (updated["job_id"], updated["groups"], updated["description"]) == (
        "upd",
        ["group-1", "group-2"],
        "Post update description",
    )
    assert updated["model_plot_config"] == {"enabled": False, "terms": "foobar", "annotations_enabled": False}
    detectors = updated["analysis_config"]["detectors"]
    assert detectors[0]["custom_rules"] == [
        {"actions": ["skip_result"], "conditions": [{"applies_to": "actual", "operator": "gt", "value": 10}]}
    ]
    assert (detectors[0]["detector_index"], detectors[1]["detector_index"]) == (0, 1)
    assert detectors[1]["detector_description"] == "updated description"
    assert detectors[0]["detector_description"] == "mean(responsetime) by airline"
    assert (updated["renormalization_window_days"], updated["background_persist_interval"]) == (10, "3h")
    assert (updated["model_snapshot_retention_days"], updated["daily_model_snapshot_retention_after_days"]) == (30, 2)
    assert (updated["results_retention_days"], updated["system_annotations_retention_days"]) == (40, 50)
    assert updated["analysis_config"]["bucket_span"] == "5m"
    assert updated["analysis_config"]["model_prune_window"] == "60d"
    assert updated["custom_settings"] == {"setting3": "custom3"}  # replaced, not merged
    assert updated["create_time"] == job["create_time"]
    assert http.get("/_ml/anomaly_detectors/group-1").json["jobs"][0] == updated


def test_analysis_limits_wait_for_the_job_to_close(http, job):
    http.post("/_ml/anomaly_detectors/upd/_open")
    es_error(
        update(http, {"analysis_limits": {"model_memory_limit": "20mb"}}),
        400,
        "status_exception",
        "Cannot update analysis_limits while the job is open",
    )
    http.post("/_ml/anomaly_detectors/upd/_close")
    limits = update(http, {"analysis_limits": {"model_memory_limit": "20mb"}}).json["analysis_limits"]
    assert limits == {"model_memory_limit": "20mb", "categorization_examples_limit": 4}
    assert (
        update(http, {"analysis_limits": {"model_memory_limit": "15mb"}}).json["analysis_limits"]["model_memory_limit"]
        == "15mb"
    )


def test_durations_in_messages_are_cut_to_one_decimal(http, job):
    """TimeValue.toString keeps the first decimal, not rounded: 100s is 1.6m, not 1.7m."""
    es_error(
        update(http, {"model_prune_window": "100s"}),
        400,
        "status_exception",
        "model_prune_window [1.6m] must be a multiple of bucket_span [5m]",
    )


def test_model_prune_window_updates(http, job):
    assert update(http, {"model_prune_window": "12h"}).json["analysis_config"]["model_prune_window"] == "12h"
    es_error(
        update(http, {"model_prune_window": "5m"}),
        400,
        "status_exception",
        "model_prune_window [5m] must be at least 2 times greater than bucket_span [5m]",
    )
    es_error(
        update(http, {"model_prune_window": "2m"}),
        400,
        "status_exception",
        "model_prune_window [2m] must be a multiple of bucket_span [5m]",
    )
    error = es_error(update(http, {"model_prune_window": "8w"}), 400, "x_content_parse_exception")
    assert error["reason"] == "[1:24] [job_update] failed to parse field [model_prune_window]"
    assert error["caused_by"] == {
        "type": "illegal_argument_exception",
        "reason": "failed to parse setting [model_prune_window] with value [8w] as a time value: "
        "unit is missing or unrecognized",
    }
    assert http.get("/_ml/anomaly_detectors/upd").json["jobs"][0]["analysis_config"]["model_prune_window"] == "12h"


def test_retention_settings_stay_consistent(http, job):
    update(http, {"model_snapshot_retention_days": 30})
    es_error(
        update(http, {"daily_model_snapshot_retention_after_days": 31}),
        400,
        "illegal_argument_exception",
        "The value of daily_model_snapshot_retention_after_days [31] cannot be greater than "
        "model_snapshot_retention_days [30]",
    )
    es_error(
        update(http, {"model_snapshot_retention_days": 1}),
        400,
        "illegal_argument_exception",
        "The value of daily_model_snapshot_retention_after_days [2] cannot be greater than "
        "model_snapshot_retention_days [1]",
    )


def test_update_refusals(http, job):
    es_error(
        update(http, {"description": "Can't update all description"}, "_all"),
        400,
        "status_exception",
        "Cannot update more than 1 job at a time",
    )
    es_error(
        update(http, {"description": "x"}, "nope"), 404, "resource_not_found_exception", "No known job with id 'nope'"
    )
    es_error(
        update(http, {"groups": ["myjob2"]}),
        400,
        "resource_already_exists_exception",
        "job and group names must be unique but job [myjob2] and group [myjob2] have the same name",
    )
    es_error(
        update(http, {"detectors": [{"detector_index": 2, "description": "x"}]}),
        400,
        "status_exception",
        "Supplied detector_index [2] is >= the number of detectors [2]",
    )
    # Only the upper bound is checked: a negative index fails in the list lookup, never edits the last.
    es_error(
        update(http, {"detectors": [{"detector_index": -1, "description": "x"}]}),
        500,
        "index_out_of_bounds_exception",
        "Index -1 out of bounds for length 2",
    )
    es_error(
        update(http, {"categorization_filters": ["x"]}),
        400,
        "status_exception",
        "categorization_filters cannot be used with categorization_analyzer - "
        "instead specify them as pattern_replace char_filters in the analyzer",
    )
    error = es_error(update(http, {"bucket_span": "1h"}), 400, "x_content_parse_exception")
    assert error["reason"] == "[1:2] [job_update] unknown field [bucket_span]"


def test_groups_as_a_single_string(http, job):
    assert update(http, {"groups": "solo"}).json["groups"] == ["solo"]
    assert update(http, {"groups": []}).json.get("groups") is None


def test_stats_are_still_there_after_an_update(http, job):
    update(http, {"description": "again"})
    assert http.get("/_ml/anomaly_detectors/upd/_stats").json["jobs"][0]["state"] == "closed"


def test_update_keeps_the_datafeed_apart(http):
    put_job(http, "fed", datafeed_config={"indices": ["logs"]})
    assert "datafeed_config" not in update(http, {"description": "d"}, "fed").json
    assert http.get("/_ml/anomaly_detectors/fed").json["jobs"][0]["datafeed_config"]["datafeed_id"] == "fed"
