"""Kibana's own ML routes that create and delete jobs, datafeeds, data frame analytics jobs and trained
models: Elasticsearch and the ML saved object in the request's space change together, and
Elasticsearch's refusals come back as Kibana's ML routes wrap them (ml_client.ts, saved_objects/
service.ts, client/error_wrapper.ts). The cases of Kibana's API integration tests under
x-pack/platform/test/api_integration/apis/ml/ are pinned here from those facts."""

from __future__ import annotations

import base64
import gzip
import json

import pytest
from conftest import Http, boom

from mockserver import create_app

# The /internal routes of 9.0 and later want the internal origin header (and every change, kbn-xsrf).
H = {"kbn-xsrf": "true", "x-elastic-internal-origin": "kibana"}
EMPTY_SYNC = {"savedObjectsCreated": {}, "savedObjectsDeleted": {}, "datafeedsAdded": {}, "datafeedsRemoved": {}}

# create.ts's single metric job (the farequote one).
FQ_JOB = {
    "description": "Single metric job based on the farequote dataset with 30m bucketspan and mean(responsetime)",
    "groups": ["automated", "farequote", "single-metric"],
    "analysis_config": {
        "bucket_span": "30m",
        "detectors": [{"function": "mean", "field_name": "responsetime"}],
        "influencers": [],
        "summary_count_field_name": "doc_count",
    },
    "data_description": {"time_field": "@timestamp"},
    "analysis_limits": {"model_memory_limit": "11MB"},
    "model_plot_config": {"enabled": True},
}
DFA_ANALYSES = {
    "classification": {"dependent_variable": "y", "training_percent": 20},
    "regression": {"dependent_variable": "y", "training_percent": 20},
    "outlier_detection": {"compute_feature_influence": True, "standardization_enabled": True},
}


def dfa_job(analysis_id: str, kind: str = "classification") -> dict:
    return {
        "description": f"Test {kind} job",
        "source": {"index": ["ft_bank_marketing"], "query": {"match_all": {}}},
        "dest": {"index": f"user-{analysis_id}", "results_field": "ml"},
        "analysis": {kind: DFA_ANALYSES[kind]},
        "analyzed_fields": {"includes": [], "excludes": []},
        "model_memory_limit": "60mb",
        "allow_lazy_start": False,
        "max_num_threads": 1,
    }


MODEL = {
    "model_type": "tree_ensemble",
    "inference_config": {"regression": {}},
    "input": {"field_names": ["common_field"]},
    # InferenceToXContentCompressor's form: the definition's JSON, gzipped, in base64.
    "compressed_definition": base64.b64encode(
        gzip.compress(
            json.dumps(
                {
                    "preprocessors": [],
                    "trained_model": {
                        "tree": {
                            "feature_names": ["common_field"],
                            "tree_structure": [{"node_index": 0, "leaf_value": 1}],
                            "target_type": "regression",
                        }
                    },
                }
            ).encode()
        )
    ).decode(),
}


def so_status(http: Http) -> dict:
    reply = http.get("/internal/ml/saved_objects/status", headers=H)
    assert reply.status == 200, reply.text
    return reply.json["savedObjects"]


def job_objects(http: Http, job_type: str = "anomaly-detector") -> dict:
    return {o["jobId"]: (o["namespaces"], o.get("datafeedId")) for o in so_status(http)[job_type]}


def sync(http: Http, space: str | None = None) -> dict:
    prefix = f"/s/{space}" if space else ""
    reply = http.get(f"{prefix}/api/ml/saved_objects/sync")
    assert reply.status == 200, reply.text
    return reply.json


@pytest.fixture
def spaced(http):
    """The default state with space1 and space2, the data frame analytics jobs' source index (the
    esArchiver data Kibana's tests load first), and Kibana and Elasticsearch in agreement."""
    mappings = {"properties": {"y": {"type": "keyword"}, "age": {"type": "integer"}}}
    assert http.put("/ft_bank_marketing", json={"mappings": mappings}).status == 200
    for space in ("space1", "space2"):
        assert http.post("/api/spaces/space", json={"id": space, "name": space}, headers=H).status == 200
    sync(http)
    return http


# -- anomaly detection jobs --------------------------------------------------------------------------
def test_poweruser_creates_a_single_metric_job(spaced):
    # create.ts "ML Poweruser creates a single metric job": Elasticsearch's job, with its defaults.
    reply = spaced.put(
        "/internal/ml/anomaly_detectors/fq_single_1", json={"job_id": "fq_single_1", **FQ_JOB}, headers=H
    )
    assert reply.status == 200, reply.text
    assert reply.headers["elastic-api-version"] == "1"
    job = reply.json
    assert job["job_id"] == "fq_single_1" and job["job_type"] == "anomaly_detector"
    assert job["groups"] == ["automated", "farequote", "single-metric"]
    assert job["analysis_config"]["bucket_span"] == "30m"
    assert job["analysis_config"]["detectors"] == [
        {
            "detector_description": "mean(responsetime)",
            "function": "mean",
            "field_name": "responsetime",
            "detector_index": 0,
        }
    ]
    assert job["analysis_limits"] == {"model_memory_limit": "11mb", "categorization_examples_limit": 4}
    assert job["data_description"] == {"time_field": "@timestamp", "time_format": "epoch_ms"}
    # ... and its saved object, in the request's space, naming no datafeed: no sync is needed after.
    assert job_objects(spaced)["fq_single_1"] == (["default"], None)
    assert sync(spaced) == EMPTY_SYNC


def test_a_job_made_in_a_space_is_in_that_space_only(spaced):
    # create_with_spaces.ts "should create a job in the current space".
    assert spaced.put("/s/space1/internal/ml/anomaly_detectors/fq_single_space1", json=FQ_JOB, headers=H).status == 200
    jobs_spaces = spaced.get("/internal/ml/saved_objects/jobs_spaces", headers=H).json
    assert jobs_spaces["anomaly-detector"]["fq_single_space1"] == ["space1"]


def test_a_job_with_its_datafeed(spaced):
    # create_with_datafeed.ts: the answer carries the datafeed Elasticsearch made with the job.
    body = {**FQ_JOB, "datafeed_config": {"datafeed_id": "datafeed-fq_1", "indices": ["farequote-*"]}}
    reply = spaced.put("/internal/ml/anomaly_detectors/fq_1", json=body, headers=H)
    assert reply.status == 200, reply.text
    feed = reply.json["datafeed_config"]
    assert (feed["datafeed_id"], feed["job_id"], feed["indices"]) == ("datafeed-fq_1", "fq_1", ["farequote-*"])
    assert feed["query"] == {"match_all": {}}
    # putJob creates the object with no datafeed id (service.ts createAnomalyDetectionJob(jobId)):
    # the next sync fills it in.
    assert job_objects(spaced)["fq_1"] == (["default"], None)
    assert sync(spaced)["datafeedsAdded"] == {"anomaly-detector": {"fq_1": {"success": True}}}


def test_elasticsearch_refusal_as_kibana_wraps_it(spaced):
    assert spaced.put("/internal/ml/anomaly_detectors/dup", json=FQ_JOB, headers=H).status == 200
    reason = "The job cannot be created with the Id 'dup'. The Id is already used."
    es_body = {
        "error": {
            "root_cause": [{"type": "resource_already_exists_exception", "reason": reason}],
            "type": "resource_already_exists_exception",
            "reason": reason,
        },
        "status": 400,
    }
    boom(
        spaced.put("/internal/ml/anomaly_detectors/dup", json=FQ_JOB, headers=H),
        400,
        f"resource_already_exists_exception\n\tRoot causes:\n\t\tresource_already_exists_exception: {reason}",
        attributes={"body": es_body},
    )


def test_recreating_a_job_replaces_its_left_over_object(spaced):
    # A job deleted by this route keeps its object (below); made again from another space, the old
    # object goes and the new one is in that space only (service.ts _createJob).
    assert spaced.put("/s/space1/internal/ml/anomaly_detectors/again", json=FQ_JOB, headers=H).status == 200
    assert spaced.delete("/s/space1/internal/ml/anomaly_detectors/again", headers=H).status == 200
    assert spaced.put("/s/space2/internal/ml/anomaly_detectors/again", json=FQ_JOB, headers=H).status == 200
    assert job_objects(spaced)["again"] == (["space2"], None)


def test_kibanas_own_body_validation(spaced):
    body = {**FQ_JOB, "analysis_config": {"bucket_span": "30m", "detectors": []}}
    boom(
        spaced.put("/internal/ml/anomaly_detectors/bad", json=body, headers=H),
        400,
        "[request body.analysis_config.influencers]: expected value of type [array] but got [undefined]",
    )
    boom(
        spaced.put("/internal/ml/anomaly_detectors/bad", json={**FQ_JOB, "bogus": 1}, headers=H),
        400,
        "[request body.bogus]: definition for this key is missing",
    )


def test_delete_job_from_its_space_and_not_from_another(spaced):
    # delete_with_spaces.ts: 404 from a space that does not have the job, which stays.
    assert spaced.put("/s/space1/internal/ml/anomaly_detectors/fq_single_space1", json=FQ_JOB, headers=H).status == 200
    boom(
        spaced.delete("/s/space2/internal/ml/anomaly_detectors/fq_single_space1", headers=H),
        404,
        "No known job with id 'fq_single_space1'",
    )
    assert spaced.get("/_ml/anomaly_detectors/fq_single_space1").status == 200
    reply = spaced.delete("/s/space1/internal/ml/anomaly_detectors/fq_single_space1", headers=H)
    assert reply.status == 200, reply.text
    node, _, task = reply.json["task"].partition(":")  # asked with wait_for_completion=false
    assert node and task.isdigit()
    assert spaced.get("/_ml/anomaly_detectors/fq_single_space1").status == 404
    # The ML client leaves the job's object to the next sync ("could still fail", ml_client.ts).
    assert sync(spaced, "space1")["savedObjectsDeleted"] == {
        "anomaly-detector": {"fq_single_space1": {"success": True}}
    }


# -- datafeeds --------------------------------------------------------------------------------------
def test_datafeed_put_names_it_on_the_job_object_and_delete_clears_it(spaced):
    # datafeeds/delete.ts: delete in the job's space (200, gone), from another space (404).
    assert spaced.put("/s/space1/internal/ml/anomaly_detectors/fq_single_space1", json=FQ_JOB, headers=H).status == 200
    feed = {"job_id": "fq_single_space1", "indices": ["ft_farequote"], "query": {"match_all": {}}}
    reply = spaced.put("/s/space1/internal/ml/datafeeds/datafeed-fq_single_space1", json=feed, headers=H)
    assert reply.status == 200, reply.text
    assert reply.json["datafeed_id"] == "datafeed-fq_single_space1"
    assert job_objects(spaced)["fq_single_space1"] == (["space1"], "datafeed-fq_single_space1")
    assert sync(spaced, "space1") == EMPTY_SYNC
    boom(
        spaced.delete("/s/space2/internal/ml/datafeeds/datafeed-fq_single_space1", headers=H),
        404,
        "No known datafeed with id 'datafeed-fq_single_space1'",
    )
    reply = spaced.delete("/s/space1/internal/ml/datafeeds/datafeed-fq_single_space1", headers=H)
    assert (reply.status, reply.json) == (200, {"acknowledged": True})
    assert spaced.get("/_ml/datafeeds/datafeed-fq_single_space1").status == 404
    assert job_objects(spaced)["fq_single_space1"] == (["space1"], None)
    assert sync(spaced, "space1") == EMPTY_SYNC


def test_datafeed_for_a_job_of_another_space_is_made_and_answers_404(spaced):
    # service.ts addDatafeed runs after Elasticsearch made the datafeed.
    assert spaced.put("/s/space1/internal/ml/anomaly_detectors/j1", json=FQ_JOB, headers=H).status == 200
    boom(
        spaced.put("/s/space2/internal/ml/datafeeds/feed1", json={"job_id": "j1", "indices": ["x"]}, headers=H),
        404,
        "'feed1' not found",
    )
    assert spaced.get("/_ml/datafeeds/feed1").status == 200


# -- data frame analytics ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(DFA_ANALYSES))
def test_dfa_job_created_with_its_object(spaced, kind):
    # create_job.ts "should create {type} job with given config".
    reply = spaced.put(f"/internal/ml/data_frame/analytics/bm_{kind}", json=dfa_job(f"bm_{kind}", kind), headers=H)
    assert reply.status == 200, reply.text
    assert reply.json == {
        "dataFrameAnalyticsJobsCreated": [{"id": f"bm_{kind}"}],
        "dataFrameAnalyticsJobsErrors": [],
        "dataViewsCreated": [],
        "dataViewsErrors": [],
    }
    assert job_objects(spaced, "data-frame-analytics")[f"bm_{kind}"] == (["default"], None)
    assert sync(spaced) == EMPTY_SYNC


ALREADY_EXISTS = "resource_already_exists_exception\n\tRoot causes:\n\t\tresource_already_exists_exception: {reason}"


def test_dfa_put_lists_elasticsearch_refusal_with_200(spaced):
    assert spaced.put("/internal/ml/data_frame/analytics/bm", json=dfa_job("bm"), headers=H).status == 200
    reply = spaced.put("/internal/ml/data_frame/analytics/bm", json=dfa_job("bm"), headers=H)
    assert reply.status == 200
    [failure] = reply.json["dataFrameAnalyticsJobsErrors"]
    assert failure["id"] == "bm" and failure["error"]["statusCode"] == 400
    reason = "A data frame analytics with id [bm] already exists"
    assert failure["error"]["body"]["attributes"]["body"]["error"]["reason"] == reason
    assert failure["error"]["body"]["message"]["output"]["payload"] == {
        "statusCode": 400,
        "error": "Bad Request",
        "message": ALREADY_EXISTS.format(reason=reason),
    }
    assert reply.json["dataFrameAnalyticsJobsCreated"] == []


def test_dfa_with_data_view_is_refused_as_not_modelled(spaced):
    # create_job.ts "should create {type} job and data view": the mock keeps no data views.
    reply = spaced.put(
        "/internal/ml/data_frame/analytics/dv", json=dfa_job("dv"), query={"createDataView": "true"}, headers=H
    )
    assert reply.status == 501
    assert spaced.get("/_ml/data_frame/analytics/dv").status == 404


def test_dfa_delete(spaced):
    # delete.ts "should delete analytics jobs by id" and "should show 404 error if job does not exist".
    assert spaced.put("/internal/ml/data_frame/analytics/bm_1", json=dfa_job("bm_1"), headers=H).status == 200
    reply = spaced.delete("/internal/ml/data_frame/analytics/bm_1", headers=H)
    assert (reply.status, reply.json) == (
        200,
        {
            "analyticsJobDeleted": {"success": True},
            "destIndexDeleted": {"success": False},
            "destDataViewDeleted": {"success": False},
        },
    )
    assert spaced.get("/_ml/data_frame/analytics/bm_1").status == 404
    boom(
        spaced.delete("/internal/ml/data_frame/analytics/bm_invalid", headers=H),
        404,
        "No known job with id 'bm_invalid'",
    )


def test_dfa_delete_with_its_destination_index(spaced):
    # delete.ts "should delete job and destination index by id".
    assert spaced.put("/internal/ml/data_frame/analytics/bm_2", json=dfa_job("bm_2"), headers=H).status == 200
    assert spaced.put("/user-bm_2").status == 200
    reply = spaced.delete("/internal/ml/data_frame/analytics/bm_2", query={"deleteDestIndex": "true"}, headers=H)
    assert reply.status == 200, reply.text
    assert reply.json["analyticsJobDeleted"] == {"success": True}
    assert reply.json["destIndexDeleted"] == {"success": True}
    assert reply.json["destDataViewDeleted"] == {"success": False}
    assert spaced.get("/user-bm_2").status == 404


def test_dfa_delete_from_another_space_is_404(spaced):
    assert spaced.put("/s/space1/internal/ml/data_frame/analytics/d1", json=dfa_job("d1"), headers=H).status == 200
    boom(spaced.delete("/s/space2/internal/ml/data_frame/analytics/d1", headers=H), 404, "No known job with id 'd1'")
    assert spaced.get("/_ml/data_frame/analytics/d1").status == 200


# -- trained models ---------------------------------------------------------------------------------
def test_trained_model_put_and_delete(spaced):
    # put_model.ts "puts trained model by id", delete_model.ts "deletes trained model by id" and
    # "returns 404 if requested trained model does not exist".
    reply = spaced.put("/internal/ml/trained_models/dfa_regression_model_n_0", json=MODEL, headers=H)
    assert reply.status == 200, reply.text
    assert reply.json["model_id"] == "dfa_regression_model_n_0"
    assert reply.json["input"] == {"field_names": ["common_field"]}
    spaces = spaced.get("/internal/ml/saved_objects/trained_models_spaces", headers=H).json["trainedModels"]
    assert spaces["dfa_regression_model_n_0"] == ["default"]
    assert sync(spaced) == EMPTY_SYNC
    reply = spaced.delete("/internal/ml/trained_models/dfa_regression_model_n_0", headers=H)
    assert (reply.status, reply.json) == (200, {"acknowledged": True})
    assert spaced.get("/_ml/trained_models/dfa_regression_model_n_0").status == 404
    boom(
        spaced.delete("/internal/ml/trained_models/not_existing_model", headers=H),
        404,
        "No known model with id 'not_existing_model'",
    )


def test_a_model_of_a_dfa_job_goes_to_the_jobs_spaces(spaced):
    assert spaced.put("/s/space1/internal/ml/data_frame/analytics/d1", json=dfa_job("d1"), headers=H).status == 200
    model = {**MODEL, "metadata": {"analytics_config": {"id": "d1", "create_time": 1}}}
    assert spaced.put("/s/space2/internal/ml/trained_models/m_d1", json=model, headers=H).status == 200
    spaces = spaced.get("/internal/ml/saved_objects/trained_models_spaces", headers=H).json["trainedModels"]
    assert spaces["m_d1"] == ["space1"]


# -- versions ---------------------------------------------------------------------------------------
def test_before_8_9_the_routes_are_under_api_ml():
    http = Http(create_app(kibana_version="8.8.2").test_client())
    assert http.put("/internal/ml/anomaly_detectors/old", json=FQ_JOB, headers=H).status == 404
    reply = http.put("/api/ml/anomaly_detectors/old", json=FQ_JOB, headers=H)
    assert reply.status == 200, reply.text
    assert "elastic-api-version" not in reply.headers
    assert http.delete("/api/ml/anomaly_detectors/old", headers=H).status == 200


def test_from_8_9_api_ml_has_them_no_more(http):
    assert http.put("/api/ml/anomaly_detectors/new", json=FQ_JOB, headers=H).status == 404


# -- security ---------------------------------------------------------------------------------------
ROLES = {
    # Kibana's ft_ml_poweruser with ft_ml_source and a destination role short of delete_index.
    "ml_all": {
        "cluster": ["manage_ml"],
        "indices": [
            {"names": ["ft_*"], "privileges": ["read", "view_index_metadata"]},
            {"names": ["user-*"], "privileges": ["read", "index", "create_index"]},
        ],
        "kibana": [{"spaces": ["*"], "feature": {"ml": ["all"]}}],
    },
    "ml_read": {"cluster": ["monitor_ml"], "kibana": [{"spaces": ["*"], "feature": {"ml": ["read"]}}]},
    "no_ml": {"kibana": [{"spaces": ["*"], "feature": {"discover": ["all"]}}]},
}
USERS = {
    "ml_poweruser": {"password": "pw-power", "roles": ["ml_all"]},
    "ml_viewer": {"password": "pw-view", "roles": ["ml_read"]},
    "ml_unauthorized": {"password": "pw-none", "roles": ["no_ml"]},
}


def auth(user: str) -> dict:
    password = USERS[user]["password"]
    return {**H, "Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.fixture
def secured(tmp_path):
    fixture = tmp_path / "users.json"
    source = {"ft_bank_marketing": {"mappings": {"properties": {"y": {"type": "keyword"}, "age": {"type": "integer"}}}}}
    fixture.write_text(json.dumps({"security": {"users": USERS, "roles": ROLES}, "elasticsearch": {"indices": source}}))
    return Http(create_app([fixture], auth="elastic:changeme").test_client())


@pytest.mark.parametrize(
    "method, path, body, privilege",
    [
        ("PUT", "/internal/ml/anomaly_detectors/v1", FQ_JOB, "ml:canCreateJob"),
        ("PUT", "/internal/ml/data_frame/analytics/v1", dfa_job("v1"), "ml:canCreateDataFrameAnalytics"),
        ("PUT", "/internal/ml/trained_models/v1", MODEL, "ml:canCreateTrainedModels"),
        ("DELETE", "/internal/ml/data_frame/analytics/v1", None, "ml:canDeleteDataFrameAnalytics"),
        ("DELETE", "/internal/ml/trained_models/v1", None, "ml:canDeleteTrainedModels"),
        ("DELETE", "/internal/ml/datafeeds/v1", None, "ml:canDeleteDatafeed"),
    ],
)
@pytest.mark.parametrize("user", ["ml_viewer", "ml_unauthorized"])
def test_viewers_and_the_unauthorized_are_forbidden(secured, user, method, path, body, privilege):
    # "ML viewer cannot create a job", "should not allow analytics job creation for unauthorized
    # user", "does not allow to put/delete trained model if the user does not have required permissions".
    reply = secured.request(method, path, json=body, headers=auth(user))
    boom(
        reply,
        403,
        f"API [{method} {path}] is unauthorized for user, this action is granted by the Kibana privileges "
        f"[{privilege}]",
    )


def test_the_poweruser_creates_and_deletes(secured):
    for method, path, body in [
        ("PUT", "/internal/ml/anomaly_detectors/p1", FQ_JOB),
        ("PUT", "/internal/ml/datafeeds/datafeed-p1", {"job_id": "p1", "indices": ["x"]}),
        ("DELETE", "/internal/ml/datafeeds/datafeed-p1", None),
        ("DELETE", "/internal/ml/anomaly_detectors/p1", None),
        ("PUT", "/internal/ml/data_frame/analytics/p1", dfa_job("p1")),
        ("DELETE", "/internal/ml/data_frame/analytics/p1", None),
        ("PUT", "/internal/ml/trained_models/p1", MODEL),
        ("DELETE", "/internal/ml/trained_models/p1", None),
    ]:
        reply = secured.request(method, path, json=body, headers=auth("ml_poweruser"))
        assert reply.status == 200, (path, reply.text)


def test_dfa_destination_index_needs_delete_index(secured):
    # userCanDeleteIndex: without delete_index on the destination, a bare 403 and nothing deleted.
    power = auth("ml_poweruser")
    assert secured.put("/internal/ml/data_frame/analytics/p2", json=dfa_job("p2"), headers=power).status == 200
    reply = secured.delete("/internal/ml/data_frame/analytics/p2", query={"deleteDestIndex": "true"}, headers=power)
    boom(reply, 403, "Forbidden")
    reply = secured.delete("/internal/ml/data_frame/analytics/p2", headers=power)
    assert reply.json["analyticsJobDeleted"] == {"success": True}


# -- reading what was made ----------------------------------------------------------------------------
def test_get_jobs_of_the_space(spaced):
    # anomaly_detectors/get.ts: all jobs, one by id, several by ids (in job id order); a job of
    # another space is not known here, and Elasticsearch's 404 is worded as the ML client words it.
    for n in (1, 2):
        assert spaced.put(f"/internal/ml/anomaly_detectors/fq_{n}", json=FQ_JOB, headers=H).status == 200
    assert spaced.put("/s/space1/internal/ml/anomaly_detectors/fq_space1", json=FQ_JOB, headers=H).status == 200
    sync(spaced)  # the seed document's myjob1 and myjob2 get their objects (in all spaces)
    listed = spaced.get("/internal/ml/anomaly_detectors", headers=H).json
    assert [j["job_id"] for j in listed["jobs"]] == ["fq_1", "fq_2", "myjob1", "myjob2"]
    assert listed["count"] == 4
    one = spaced.get("/internal/ml/anomaly_detectors/fq_1", headers=H).json
    assert (one["count"], [j["job_id"] for j in one["jobs"]]) == (1, ["fq_1"])
    two = spaced.get("/internal/ml/anomaly_detectors/fq_2,fq_1", headers=H).json
    assert [j["job_id"] for j in two["jobs"]] == ["fq_1", "fq_2"]
    boom(spaced.get("/internal/ml/anomaly_detectors/fq_space1", headers=H), 404, "No known job with id 'fq_space1'")
    boom(spaced.get("/internal/ml/anomaly_detectors/nope", headers=H), 404, "No known job or group with id 'nope'")
    boom(
        spaced.get("/internal/ml/anomaly_detectors/nope,nada", headers=H),
        404,
        "No known job or group with ids 'nope', 'nada'",
    )
    in_space1 = spaced.get("/s/space1/internal/ml/anomaly_detectors/farequote", headers=H).json  # a group
    assert [j["job_id"] for j in in_space1["jobs"]] == ["fq_space1"]


def test_get_dfa_jobs_of_the_space(spaced):
    assert spaced.put("/internal/ml/data_frame/analytics/d1", json=dfa_job("d1"), headers=H).status == 200
    assert spaced.put("/s/space1/internal/ml/data_frame/analytics/d2", json=dfa_job("d2"), headers=H).status == 200
    listed = spaced.get("/internal/ml/data_frame/analytics", headers=H).json
    assert (listed["count"], [j["id"] for j in listed["data_frame_analytics"]]) == (1, ["d1"])
    assert spaced.get("/internal/ml/data_frame/analytics/d1", headers=H).json["data_frame_analytics"][0]["id"] == "d1"
    boom(spaced.get("/internal/ml/data_frame/analytics/d2", headers=H), 404, "No known job with id 'd2'")


def test_viewers_read_and_the_unauthorized_may_not(secured):
    assert secured.put("/internal/ml/anomaly_detectors/v1", json=FQ_JOB, headers=auth("ml_poweruser")).status == 200
    reply = secured.get("/internal/ml/anomaly_detectors/v1", headers=auth("ml_viewer"))
    assert reply.status == 200 and reply.json["count"] == 1
    boom(
        secured.get("/internal/ml/anomaly_detectors", headers=auth("ml_unauthorized")),
        403,
        "API [GET /internal/ml/anomaly_detectors] is unauthorized for user, this action is granted by the Kibana "
        "privileges [ml:canGetJobs]",
    )
