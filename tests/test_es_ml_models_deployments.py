"""Pytorch models: their definition parts and vocabulary, deployments (start, stop, update) and the
trained model stats. Facts from StartTrainedModelDeploymentAction, TransportStartTrainedModelDeploymentAction,
TransportStopTrainedModelDeploymentAction, UpdateTrainedModelDeploymentAction, TrainedModelAssignment,
AssignmentStats and GetTrainedModelsStatsAction (cases of 3rd_party_deployment.yml,
update_trained_model_deployment.yml and get_trained_model_stats.yml)."""

from __future__ import annotations

import base64
import json

import pytest
from conftest import Http, es_error
from test_es_ml_models_crud import tree_model

from mockserver import create_app

DEFINITION = base64.b64encode(bytes(range(256)) * 6 + bytes(94)).decode()  # 1630 bytes
PASS_THROUGH = {
    "description": "simple model for testing",
    "model_type": "pytorch",
    "inference_config": {"pass_through": {"tokenization": {"bert": {"with_special_tokens": False}}}},
}
START = "/_ml/trained_models/{}/deployment/_start"
STOP = "/_ml/trained_models/{}/deployment/_stop"


def defined_model(http, model_id: str) -> None:
    assert http.put(f"/_ml/trained_models/{model_id}", json=PASS_THROUGH).status == 200
    vocabulary = {"vocabulary": ["[PAD]", "[UNK]", "these", "are", "my", "words"]}
    assert http.put(f"/_ml/trained_models/{model_id}/vocabulary", json=vocabulary).json == {"acknowledged": True}
    part = {"total_definition_length": 1630, "definition": DEFINITION, "total_parts": 1}
    assert http.put(f"/_ml/trained_models/{model_id}/definition/0", json=part).json == {"acknowledged": True}


@pytest.fixture
def models(http):
    defined_model(http, "test_model")
    defined_model(http, "another_test_model")
    return http


def start(http, model_id: str, **query):
    return http.post(START.format(model_id), query={k: str(v) for k, v in query.items()})


def test_a_started_deployment_and_its_stop(models):
    started = start(models, "test_model", cache_size="0", wait_for="started")
    assert started.status == 200, started.text
    assignment = started.json["assignment"]
    assert list(assignment) == [
        "task_parameters",
        "routing_table",
        "assignment_state",
        "start_time",
        "max_assigned_allocations",
        "adaptive_allocations",
    ]
    assert assignment["assignment_state"] == "started"
    assert assignment["task_parameters"] == {
        "model_id": "test_model",
        "deployment_id": "test_model",
        "model_bytes": 1630,
        "threads_per_allocation": 1,
        "number_of_allocations": 1,
        "queue_capacity": 1024,
        "cache_size": "0",
        "priority": "normal",
        "per_deployment_memory_bytes": 0,
        "per_allocation_memory_bytes": 0,
    }
    [routing] = assignment["routing_table"].values()
    assert routing == {"current_allocations": 1, "target_allocations": 1, "routing_state": "started", "reason": ""}
    stats = models.get("/_ml/trained_models/test_model/_stats").json["trained_model_stats"][0]["deployment_stats"]
    assert stats["cache_size"] == "0b"  # ByteSizeValue.toString, where the task parameters have getStringRep
    assert models.post(STOP.format("test_model")).json == {"stopped": True}
    again = start(models, "test_model", cache_size="10kb", priority="low")
    params = again.json["assignment"]["task_parameters"]
    assert (params["cache_size"], params["priority"]) == ("10kb", "low")


@pytest.mark.parametrize(
    "query, problem",
    [
        ({"priority": "low", "number_of_allocations": 3}, "[number_of_allocations] must be 1 when [priority] is low"),
        ({"priority": "low", "threads_per_allocation": 4}, "[threads_per_allocation] must be 1 when [priority] is low"),
        ({"threads_per_allocation": 3}, "[threads_per_allocation] must be a power of 2 less than or equal to 32"),
        ({"timeout": "0s"}, "[timeout] must be positive"),
    ],
)
def test_start_request_checks(models, query, problem):
    es_error(
        start(models, "test_model", **query),
        400,
        "action_request_validation_exception",
        f"Validation Failed: 1: {problem};",
    )


def test_start_parameters_the_enums_and_units_refuse(models):
    es_error(
        start(models, "test_model", wait_for="stopping"),
        400,
        "illegal_argument_exception",
        "No enum constant org.elasticsearch.xpack.core.ml.inference.assignment.AllocationStatus.State.STOPPING",
    )
    es_error(
        start(models, "test_model", cache_size="1024"),
        400,
        "illegal_argument_exception",
        "failed to parse setting [cache_size] with value [1024] as a size in bytes: unit is missing or unrecognized",
    )


def test_an_update_naming_another_model_in_its_body_is_refused(models):
    start(models, "test_model")
    es_error(
        models.post("/_ml/trained_models/test_model/deployment/_update", json={"model_id": "other"}),
        400,
        "status_exception",
        "Inconsistent model_id; 'other' specified in the body differs from 'test_model' specified as a URL argument",
    )


def test_a_fractional_cache_size_is_taken_in_bytes(models):
    reply = start(models, "test_model", cache_size="1.5kb")
    assert reply.status == 200, reply.text
    assert reply.json["assignment"]["task_parameters"]["cache_size"] == "1536b"


def test_a_fractional_timeout_is_refused(models):
    es_error(
        start(models, "test_model", timeout="1.5s"),
        400,
        "illegal_argument_exception",
        "failed to parse [1.5s], fractional time values are not supported",
    )


def test_start_refusals(models):
    models.put("/_ml/trained_models/no-definition", json={"model_type": "pytorch", "inference_config": {"ner": {}}})
    es_error(
        start(models, "no-definition"),
        404,
        "resource_not_found_exception",
        "Could not find trained model definition [no-definition]",
    )
    es_error(
        start(models, "*test_model"),
        400,
        "status_exception",
        "cannot deploy more than one model at the same time; [*test_model] matches models "
        "[[another_test_model, test_model]]",
    )
    models.put("/_ml/trained_models/tree", json=tree_model("regression", []))
    es_error(
        start(models, "tree"),
        400,
        "status_exception",
        "model [tree] of type [tree_ensemble] cannot be deployed. Only PyTorch models can be deployed",
    )
    es_error(
        start(models, "test_model", deployment_id="another_test_model"),
        400,
        "status_exception",
        "Deployment id [another_test_model] is the same as an another model which is not the model being deployed. "
        "Deployment id can be the same as the model being deployed but cannot match a different model",
    )
    assert start(models, "test_model", deployment_id="test_model_deployment").status == 200
    es_error(
        start(models, "test_model", deployment_id="test_model_deployment"),
        400,
        "status_exception",
        "Could not start model deployment because an existing deployment with the same id "
        "[test_model_deployment] exist",
    )
    es_error(
        models.put(
            "/_ml/trained_models/test_model_deployment", json={"model_type": "pytorch", "inference_config": {"ner": {}}}
        ),
        400,
        "status_exception",
        "Cannot create model [test_model_deployment] the id is the same as an current model deployment",
    )


def test_update_and_stop_by_deployment_id(models):
    start(models, "test_model", deployment_id="test_model_for_search")
    updated = models.post(
        "/_ml/trained_models/test_model_for_search/deployment/_update", json={"number_of_allocations": 2}
    )
    assignment = updated.json["assignment"]
    assert assignment["task_parameters"]["model_id"] == "test_model"
    assert assignment["task_parameters"]["number_of_allocations"] == 2
    assert assignment["max_assigned_allocations"] == 2
    assert models.post(STOP.format("test_model_for_search")).json == {"stopped": True}
    es_error(
        models.post(STOP.format("test_model_for_search"), query={"allow_no_match": "false"}),
        404,
        "resource_not_found_exception",
        "No known model deployment with id [test_model_for_search]",
    )
    assert models.post(STOP.format("test_model_for_search"), query={"allow_no_match": "true"}).json == {"stopped": True}
    es_error(
        models.post("/_ml/trained_models/missing-model/deployment/_update", json={"number_of_allocations": 4}),
        404,
        "resource_not_found_exception",
        "No known model deployment with id [missing-model]",
    )


def test_a_deployment_a_pipeline_uses_stops_by_force_and_its_model_deletes_by_force(models):
    start(models, "test_model")
    models.put("/_ingest/pipeline/uses", json={"processors": [{"inference": {"model_id": "test_model"}}]})
    es_error(
        models.post(STOP.format("test_model")),
        409,
        "status_exception",
        "Cannot stop deployment [test_model] as it is referenced by ingest processors; use force to stop the "
        "deployment",
    )
    models.delete("/_ingest/pipeline/uses")
    es_error(
        models.delete("/_ml/trained_models/test_model"),
        409,
        "status_exception",
        "Cannot delete model [test_model] as it is currently deployed; use force to delete the model",
    )
    assert models.delete("/_ml/trained_models/test_model", query={"force": "true"}).json == {"acknowledged": True}
    assert models.post(STOP.format("test_model"), query={"allow_no_match": "false"}).status == 404


def test_a_deployment_a_pipeline_names_by_alias_stops_by_force(models):
    start(models, "test_model")
    models.put("/_ml/trained_models/test_model/model_aliases/pytorch")
    models.put("/_ingest/pipeline/uses", json={"processors": [{"inference": {"model_id": "pytorch"}}]})
    es_error(
        models.post(STOP.format("test_model")),
        409,
        "status_exception",
        "Cannot stop deployment [test_model] as it has a model_alias [pytorch] that is still referenced by ingest "
        "processors; use force to stop the deployment",
    )
    assert models.post(STOP.format("test_model"), query={"force": "true"}).json == {"stopped": True}


def test_an_alias_stays_on_a_deployed_model(models):
    start(models, "test_model")
    models.put("/_ml/trained_models/test_model/model_aliases/pytorch")
    es_error(
        models.put("/_ml/trained_models/another_test_model/model_aliases/pytorch", query={"reassign": "true"}),
        400,
        "status_exception",
        "cannot reassign model_alias [pytorch] to model [another_test_model] from model [test_model] as it is not "
        "yet deployed",
    )
    start(models, "another_test_model")
    assert (
        models.put("/_ml/trained_models/another_test_model/model_aliases/pytorch", query={"reassign": "true"}).status
        == 200
    )


def test_definition_parts_and_status(models):
    status = models.get("/_ml/trained_models/test_model", query={"include": "definition_status"}).json
    assert status["trained_model_configs"][0]["fully_defined"] is True
    models.put("/_ml/trained_models/half", json=PASS_THROUGH)
    half = {"total_definition_length": 3260, "definition": DEFINITION, "total_parts": 2}
    models.put("/_ml/trained_models/half/definition/0", json=half)
    assert (
        models.get("/_ml/trained_models/half", query={"include": "definition_status"}).json["trained_model_configs"][0][
            "fully_defined"
        ]
        is False
    )
    es_error(
        start(models, "half"),
        400,
        "status_exception",
        "Model definition truncated. Unable to deserialize trained model definition [half]",
    )
    es_error(
        models.put("/_ml/trained_models/half/definition/0", json=half),
        400,
        "resource_already_exists_exception",
        "Trained machine learning model chunked doc [half][0] already exists",
    )
    es_error(
        models.put("/_ml/trained_models/half/definition/2", json=half),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: [part] must be less than total_parts;",
    )


def test_vocabulary_is_for_nlp_models(models):
    models.put("/_ml/trained_models/tree", json=tree_model("regression", []))
    es_error(
        models.put("/_ml/trained_models/tree/vocabulary", json={"vocabulary": ["a"]}),
        400,
        "status_exception",
        "cannot put vocabulary for model [tree] as it is not an NLP model",
    )
    roberta = {"model_type": "pytorch", "inference_config": {"fill_mask": {"tokenization": {"roberta": {}}}}}
    model = models.put("/_ml/trained_models/roberta", json=roberta).json
    assert model["inference_config"]["fill_mask"]["mask_token"] == "<mask>"
    es_error(
        models.put("/_ml/trained_models/roberta/vocabulary", json={"vocabulary": ["a"]}),
        400,
        "status_exception",
        "cannot put vocabulary for model [roberta] as tokenizer type [roberta] requires [merges] to be provided "
        "and non-empty",
    )


def test_tokenization_defaults_fill_in_what_was_not_given(models):
    config = models.get("/_ml/trained_models/test_model").json["trained_model_configs"][0]["inference_config"]
    assert config["pass_through"]["tokenization"] == {
        "bert": {
            "do_lower_case": False,
            "with_special_tokens": False,
            "max_sequence_length": 512,
            "truncate": "first",
            "span": -1,
        }
    }


def test_stats_of_models_deployed_or_not(models):
    models.put("/_ml/trained_models/a-unused-regression-model", json=tree_model("regression", []))
    start(models, "test_model", deployment_id="test_model_for_search", priority="low")
    start(models, "test_model", deployment_id="test_model_for_ingest", priority="low")
    stats = models.get("/_ml/trained_models/_stats").json
    assert stats["count"] == 4  # models, not entries
    entries = {
        (s["model_id"], s.get("deployment_stats", {}).get("deployment_id")): s for s in stats["trained_model_stats"]
    }
    assert [key for key in entries] == [
        ("a-unused-regression-model", None),
        ("another_test_model", None),
        ("lang_ident_model_1", None),
        ("test_model", "test_model_for_ingest"),
        ("test_model", "test_model_for_search"),
    ]
    tree = entries[("a-unused-regression-model", None)]
    assert list(tree) == ["model_id", "model_size_stats", "pipeline_count", "inference_stats"]
    assert tree["pipeline_count"] == 0 and tree["model_size_stats"]["required_native_memory_bytes"] == 0
    assert entries[("another_test_model", None)]["model_size_stats"] == {
        "model_size_bytes": 1630,
        "required_native_memory_bytes": 240 * 1024 * 1024 + 2 * 1630,
    }
    deployed = entries[("test_model", "test_model_for_search")]["deployment_stats"]
    assert deployed["state"] == "started" and deployed["priority"] == "low"
    assert deployed["allocation_status"] == {
        "allocation_count": 1,
        "target_allocation_count": 1,
        "state": "fully_allocated",
    }
    assert deployed["cache_size"] == "1.5kb"  # the model's size when no cache_size is asked for
    assert deployed["nodes"][0]["routing_state"] == {"routing_state": "started"}
    assert deployed["nodes"][0]["inference_count"] == 0


def test_stats_count_the_pipelines_naming_a_model_or_its_alias(models):
    models.put("/_ml/trained_models/a-unused-regression-model1", json=tree_model("regression", []))
    models.put("/_ml/trained_models/a-unused-regression-model1/model_aliases/my-regression")
    processor = {"inference": {"model_id": "my-regression", "inference_config": {"regression": {}}}}
    models.put("/_ingest/pipeline/by-alias", json={"processors": [processor]})
    stats = models.get("/_ml/trained_models/my-regression/_stats").json["trained_model_stats"][0]
    assert stats["pipeline_count"] == 1
    assert list(stats["ingest"]) == ["total", "pipelines"]
    assert stats["ingest"]["pipelines"]["by-alias"]["processors"] == [
        {"inference": {"type": "inference", "stats": {"count": 0, "time_in_millis": 0, "current": 0, "failed": 0}}}
    ]
    es_error(
        models.get("/_ml/trained_models/missing-trained-model*/_stats", query={"allow_no_match": "false"}),
        404,
        "resource_not_found_exception",
        "No known trained model with model_id [missing-trained-model*]",
    )
    assert models.get("/_ml/trained_models/missing-trained-model*/_stats").json == {
        "count": 0,
        "trained_model_stats": [],
    }


def test_a_monitor_ml_user_reads_stats_but_starts_no_deployment(tmp_path):
    fixture = tmp_path / "users.json"
    users = {"ml_reader": {"password": "pw-ml", "roles": ["ml_reader"]}}
    fixture.write_text(json.dumps({"security": {"users": users, "roles": {"ml_reader": {"cluster": ["monitor_ml"]}}}}))
    secured = Http(create_app([fixture], auth="elastic:changeme").test_client())
    reader = {"Authorization": "Basic " + base64.b64encode(b"ml_reader:pw-ml").decode()}
    assert secured.get("/_ml/trained_models/_stats", headers=reader).status == 200
    denied = secured.post(START.format("test_model"), headers=reader)
    assert denied.status == 403
    assert denied.json["error"]["reason"] == (
        "action [cluster:admin/xpack/ml/trained_models/deployment/start] is unauthorized for user [ml_reader] with "
        "effective roles [ml_reader], this action is granted by the cluster privileges [manage_ml,manage,all]"
    )


def test_adaptive_allocations_on_start_and_update(models):
    adaptive = {"enabled": True, "min_number_of_allocations": 2, "max_number_of_allocations": 4}
    started = models.post(START.format("test_model"), json={"adaptive_allocations": adaptive}).json["assignment"]
    assert started["adaptive_allocations"] == adaptive
    assert started["task_parameters"]["number_of_allocations"] == 2  # the minimum, when no number is asked for
    update = "/_ml/trained_models/test_model/deployment/_update"
    es_error(
        models.post(update, json={"number_of_allocations": 3, "adaptive_allocations": {"enabled": True}}),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: [number_of_allocations] cannot be set if adaptive allocations is enabled;",
    )
    es_error(
        models.post(
            update, json={"adaptive_allocations": {"min_number_of_allocations": 5, "max_number_of_allocations": 4}}
        ),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: [min_number_of_allocations] must not be larger than [max_number_of_allocations];",
    )
    merged = models.post(update, json={"adaptive_allocations": {"enabled": False, "max_number_of_allocations": -1}})
    assert merged.json["assignment"]["adaptive_allocations"] == {"enabled": False, "min_number_of_allocations": 2}


def test_the_size_stats_of_pytorch_models(models):
    models.put("/_ml/trained_models/half", json=PASS_THROUGH)
    half = {"total_definition_length": 3260, "definition": DEFINITION, "total_parts": 2}
    models.put("/_ml/trained_models/half/definition/0", json=half)
    sized = {
        **PASS_THROUGH,
        "metadata": {"per_deployment_memory_bytes": 300 * 2**20, "per_allocation_memory_bytes": 10},
    }
    models.put("/_ml/trained_models/sized", json=sized)
    part = {"total_definition_length": 1630, "definition": DEFINITION, "total_parts": 1}
    models.put("/_ml/trained_models/sized/definition/0", json=part)
    stats = {
        s["model_id"]: s["model_size_stats"]
        for s in models.get("/_ml/trained_models/_stats").json["trained_model_stats"]
    }
    # The first part's total_definition_length, complete or not; the memory: overhead and twice the model, or
    # what the metadata says a deployment and an allocation need (and the model once), if more.
    assert stats["half"] == {"model_size_bytes": 3260, "required_native_memory_bytes": 240 * 2**20 + 2 * 3260}
    assert stats["sized"] == {"model_size_bytes": 1630, "required_native_memory_bytes": 300 * 2**20 + 10 + 1630}


def test_fill_mask_takes_the_tokenizer_mask_token_only(models):
    bert = {"model_type": "pytorch", "inference_config": {"fill_mask": {"tokenization": {"bert": {}}}}}
    config = models.put("/_ml/trained_models/bert_fill_mask_model", json=bert).json["inference_config"]["fill_mask"]
    assert list(config) == ["vocabulary", "tokenization", "num_top_classes", "mask_token"]
    assert (config["num_top_classes"], config["mask_token"]) == (5, "[MASK]")
    wrong = {"fill_mask": {"tokenization": {"bert": {}}, "mask_token": "<mask>"}}
    error = es_error(
        models.put("/_ml/trained_models/incorrect_mask_token", json={**bert, "inference_config": wrong}),
        400,
        "x_content_parse_exception",
        "[trained_model_config] failed to parse field [inference_config]",
    )
    assert error["caused_by"] == {
        "type": "illegal_argument_exception",
        "reason": "Mask token requested was [<mask>] but must be [[MASK]] for this model",
    }
