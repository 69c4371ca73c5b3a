"""Elasticsearch's ML job APIs over HTTP: jobs, datafeeds, data frame analytics, trained models."""

from __future__ import annotations

import pytest
from conftest import es_error

JOB = {
    "analysis_config": {"bucket_span": "15m", "detectors": [{"function": "count"}]},
    "data_description": {"time_field": "timestamp"},
}
DFA = {"source": {"index": "source-index"}, "dest": {"index": "dest-index"}, "analysis": {"outlier_detection": {}}}
MODEL = {"model_type": "pytorch", "inference_config": {"pass_through": {}}, "input": {"field_names": ["text_field"]}}


def put_job(http, job_id: str, **extra):
    reply = http.put(f"/_ml/anomaly_detectors/{job_id}", json={**JOB, **extra})
    assert reply.status == 200, reply.text
    return reply.json


# -- jobs ---------------------------------------------------------------------------------------


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
        ("j", {**JOB, "analysis_config": {"detectors": []}}, 400, "status_exception", "No detectors configured"),
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


# -- datafeeds ----------------------------------------------------------------------------------


def test_put_datafeed_defaults(http):
    feed = http.put("/_ml/datafeeds/datafeed-myjob2", json={"job_id": "myjob2", "indexes": ["logs"]}).json
    assert list(feed) == [
        "datafeed_id",
        "job_id",
        "query_delay",
        "chunking_config",
        "indices_options",
        "query",
        "indices",
        "scroll_size",
        "delayed_data_check_config",
    ]
    assert feed["query"] == {"match_all": {}} and feed["scroll_size"] == 1000 and feed["indices"] == ["logs"]
    assert feed["chunking_config"] == {"mode": "auto"} and feed["delayed_data_check_config"] == {"enabled": True}
    assert feed["indices_options"] == {
        "ignore_unavailable": False,
        "expand_wildcards": ["open"],
        "allow_no_indices": True,
        "ignore_throttled": True,
    }


def test_query_delay_is_derived_from_the_job_id(http):
    put_job(http, "test-job1")
    feed = http.put("/_ml/datafeeds/feed", json={"job_id": "test-job1", "indices": ["x"]}).json
    assert feed["query_delay"] == "61499ms"  # as in Elastic's documented example


@pytest.mark.parametrize(
    "feed_id, body, status, type_, reason",
    [
        ("f", {"indices": ["x"]}, 400, "illegal_argument_exception", "[job_id] must not be null."),
        ("f", {"job_id": "myjob2"}, 400, "status_exception", "Invalid indices value '[]' in datafeed configuration"),
        (
            "f",
            {"job_id": "myjob1", "indices": ["x"]},
            409,
            "status_exception",
            "A datafeed [datafeed-myjob1] already exists for job [myjob1]",
        ),
        ("f", {"job_id": "nope", "indices": ["x"]}, 404, "resource_not_found_exception", "No known job with id 'nope'"),
        (
            "datafeed-myjob1",
            {"job_id": "myjob2", "indices": ["x"]},
            400,
            "resource_already_exists_exception",
            "A datafeed with id [datafeed-myjob1] already exists",
        ),
        ("F!", {"job_id": "myjob2", "indices": ["x"]}, 400, "status_exception", None),
    ],
)
def test_put_datafeed_errors(http, feed_id, body, status, type_, reason):
    es_error(http.put(f"/_ml/datafeeds/{feed_id}", json=body), status, type_, reason)


def test_datafeed_get_and_delete(http):
    assert http.get("/_ml/datafeeds").json["count"] == 1
    assert http.get("/_ml/datafeeds/_all").json["datafeeds"][0]["datafeed_id"] == "datafeed-myjob1"
    assert http.delete("/_ml/datafeeds/datafeed-myjob1").json == {"acknowledged": True}
    es_error(http.delete("/_ml/datafeeds/datafeed-myjob1"), 404, "resource_not_found_exception")
    es_error(http.get("/_ml/datafeeds/x,y"), 404, "resource_not_found_exception", "No datafeed with id [x,y] exists")


# -- data frame analytics -----------------------------------------------------------------------


def test_put_data_frame_analytics_defaults(http):
    config = http.put("/_ml/data_frame/analytics/dfa1", json=DFA).json
    assert list(config) == [
        "id",
        "create_time",
        "version",
        "source",
        "dest",
        "analysis",
        "model_memory_limit",
        "allow_lazy_start",
        "max_num_threads",
    ]
    assert config["source"] == {"index": ["source-index"], "query": {"match_all": {}}}
    assert config["dest"] == {"index": "dest-index", "results_field": "ml"}
    assert config["analysis"] == {
        "outlier_detection": {
            "compute_feature_influence": True,
            "outlier_fraction": 0.05,
            "standardization_enabled": True,
        }
    }
    assert (config["model_memory_limit"], config["allow_lazy_start"], config["max_num_threads"]) == ("1gb", False, 1)


@pytest.mark.parametrize(
    "body, status, type_, reason",
    [
        ({**DFA, "source": None}, 400, "illegal_argument_exception", "[source] must not be null."),
        ({k: v for k, v in DFA.items() if k != "dest"}, 400, "illegal_argument_exception", "[dest] must not be null."),
        (
            {k: v for k, v in DFA.items() if k != "analysis"},
            400,
            "illegal_argument_exception",
            "[analysis] must not be null.",
        ),
        (
            {**DFA, "dest": {"index": "source-index"}},
            400,
            "status_exception",
            "Destination index [source-index] is included in source expression [source-index]",
        ),
        ({**DFA, "create_time": 1}, 400, "x_content_parse_exception", None),
    ],
)
def test_put_data_frame_analytics_errors(http, body, status, type_, reason):
    body = {k: v for k, v in body.items() if v is not None}
    es_error(http.put("/_ml/data_frame/analytics/dfa1", json=body), status, type_, reason)


def test_data_frame_analytics_duplicate_get_page_delete(http):
    for name in ("a1", "a2", "a3"):
        assert http.put(f"/_ml/data_frame/analytics/{name}", json=DFA).status == 200
    es_error(
        http.put("/_ml/data_frame/analytics/a1", json=DFA),
        400,
        "resource_already_exists_exception",
        "A data frame analytics with id [a1] already exists",
    )
    page = http.get("/_ml/data_frame/analytics", query={"from": 1}).json
    assert page["count"] == 3 and [c["id"] for c in page["data_frame_analytics"]] == ["a2", "a3"]
    assert http.get("/_ml/data_frame/analytics/a1,a3").json["count"] == 2
    es_error(
        http.get("/_ml/data_frame/analytics/missing"),
        404,
        "resource_not_found_exception",
        "No known data frame analytics with id [missing]",
    )
    assert http.delete("/_ml/data_frame/analytics/a1").json == {"acknowledged": True}
    es_error(http.delete("/_ml/data_frame/analytics/a1"), 404, "resource_not_found_exception")
    es_error(
        http.get("/_ml/data_frame/analytics", query={"size": -1}),
        400,
        "illegal_argument_exception",
        "Parameter [size] cannot be < 0",
    )


# -- trained models -----------------------------------------------------------------------------


def test_the_cluster_has_lang_ident_model_1(http):
    listed = http.get("/_ml/trained_models").json
    assert listed["count"] == 1
    model = listed["trained_model_configs"][0]
    assert model["model_id"] == "lang_ident_model_1" and model["tags"] == ["lang_ident", "prepackaged"]
    assert http.get("/_ml/trained_models", query={"tags": "prepackaged"}).json["count"] == 1


def test_put_trained_model(http):
    model = http.put("/_ml/trained_models/my-model", json=MODEL).json
    assert list(model) == [
        "model_id",
        "model_type",
        "created_by",
        "version",
        "create_time",
        "model_size_bytes",
        "estimated_operations",
        "license_level",
        "tags",
        "input",
        "inference_config",
        "location",
    ]
    assert (model["created_by"], model["version"], model["license_level"]) == ("api_user", "12.0.0", "platinum")
    assert model["location"] == {"index": {"name": ".ml-inference-native-000002"}}
    assert model["inference_config"]["pass_through"]["tokenization"]["bert"]["max_sequence_length"] == 512
    listed = http.get("/_ml/trained_models").json
    assert [m["model_id"] for m in listed["trained_model_configs"]] == ["lang_ident_model_1", "my-model"]


@pytest.mark.parametrize(
    "model_id, body, status, type_, reason",
    [
        (
            "lang_ident_model_1",
            MODEL,
            400,
            "resource_already_exists_exception",
            "Trained machine learning model [lang_ident_model_1] already exists",
        ),
        (
            "m",
            {"inference_config": {"pass_through": {}}},
            400,
            "action_request_validation_exception",
            "Validation Failed: 1: [model_type] must be set if [definition] is not defined.;",
        ),
        (
            "m",
            {"model_type": "pytorch"},
            400,
            "action_request_validation_exception",
            "Validation Failed: 1: [inference_config] must not be null.;",
        ),
        (
            "m",
            {**MODEL, "created_by": "me"},
            400,
            "action_request_validation_exception",
            "Validation Failed: 1: illegal to set [created_by] at inference model creation;",
        ),
        (
            "m",
            {**MODEL, "model_id": "n"},
            400,
            "illegal_argument_exception",
            "Inconsistent model_id; 'n' specified in the body differs from 'm' specified as a URL argument",
        ),
    ],
)
def test_put_trained_model_errors(http, model_id, body, status, type_, reason):
    es_error(http.put(f"/_ml/trained_models/{model_id}", json=body), status, type_, reason)


def test_trained_model_get_missing_and_delete(http):
    es_error(
        http.get("/_ml/trained_models/nope"),
        404,
        "resource_not_found_exception",
        "No known trained model with model_id [nope]",
    )
    es_error(
        http.delete("/_ml/trained_models/nope"),
        404,
        "resource_not_found_exception",
        "Could not find trained model [nope]",
    )
    es_error(
        http.delete("/_ml/trained_models/lang_ident_model_1", query={"force": "true"}),
        400,
        "status_exception",
        "Unable to delete model [lang_ident_model_1] as it is required by machine learning",
    )
    http.put("/_ml/trained_models/gone", json=MODEL)
    assert http.delete("/_ml/trained_models/gone").json == {"acknowledged": True}


def test_a_tree_model_needs_its_input(http):
    body = {
        "inference_config": {"regression": {}},
        "definition": {
            "trained_model": {
                "tree": {"feature_names": ["a"], "tree_structure": [{"node_index": 0, "leaf_value": 1.0}]}
            }
        },
    }
    es_error(
        http.put("/_ml/trained_models/no-input", json=body),
        400,
        "illegal_argument_exception",
        "[input] must not be null.",
    )
    assert http.get("/_ml/trained_models/no-input").status == 404
