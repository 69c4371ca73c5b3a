"""Trained model CRUD past the basics: what PUT checks in a definition and fills in, GET's paging, tags
and includes, and DELETE against the pipelines that use a model. Facts from TrainedModelConfig,
TransportPutTrainedModelAction, TransportGetTrainedModelsAction, TransportDeleteTrainedModelAction and
Tree/Ensemble (cases of x-pack/.../test/ml/inference_crud.yml)."""

from __future__ import annotations

import base64
import gzip
import json

import pytest
from conftest import es_error

LEAF_TREE = {"feature_names": ["field1", "field2"], "tree_structure": [{"node_index": 0, "leaf_value": 1}]}


def tree_model(kind: str, tags: list[str]) -> dict:
    tree = {**LEAF_TREE, "target_type": kind}
    if kind == "classification":
        tree["classification_labels"] = ["no", "yes"]
    return {
        "description": "empty model for tests",
        "tags": tags,
        "input": {"field_names": ["field1", "field2"]},
        "inference_config": {kind: {}},
        "definition": {"preprocessors": [], "trained_model": {"tree": tree}},
    }


SPLIT_TREE = {
    "feature_names": ["field1", "field2"],
    "tree_structure": [
        {"node_index": 0, "threshold": 2, "left_child": 1, "right_child": 2},
        {"node_index": 1, "leaf_value": 0},
        {"node_index": 2, "leaf_value": 1},
    ],
    "target_type": "regression",
}


def ensemble_model(config: str = "regression") -> dict:
    return {
        "description": "model for tests",
        "input": {"field_names": ["field1", "field2"]},
        "inference_config": {config: {}},
        "definition": {
            "preprocessors": [],
            "trained_model": {
                "ensemble": {
                    "target_type": "regression",
                    "trained_models": [{"tree": SPLIT_TREE}, {"tree": SPLIT_TREE}],
                }
            },
        },
    }


def ensemble_of(trees: list[dict], field_names="fieldy_mc_fieldname") -> dict:
    return {
        "input": {"field_names": field_names},
        "inference_config": {"regression": {}},
        "definition": {"trained_model": {"ensemble": {"feature_names": [], "trained_models": trees}}},
    }


@pytest.fixture
def models(http):
    """inference_crud.yml's setup: two regression and twelve classification trees."""
    http.put("/_ml/trained_models/a-regression-model-0", json=tree_model("regression", ["regression", "tag1"]))
    http.put("/_ml/trained_models/a-regression-model-1", json=tree_model("regression", ["regression", "tag2"]))
    for letter in "abcdefghijk":
        reply = http.put(
            f"/_ml/trained_models/{letter}-classification-model",
            json=tree_model("classification", ["classification", "tag2"]),
        )
        assert reply.status == 200, reply.text
    for letter in "yz":
        http.put(
            f"/_ml/trained_models/{letter}-classification-model",
            json=tree_model("classification", ["classification", "tag3"]),
        )
    return http


def ids(reply) -> list[str]:
    return [m["model_id"] for m in reply.json["trained_model_configs"]]


def test_paging_counts_every_match_and_orders_by_id(models):
    page = models.get("/_ml/trained_models/*", query={"from": "13", "size": "2"}).json
    assert page["count"] == 16 and ids_of(page) == ["lang_ident_model_1", "y-classification-model"]
    page = models.get("/_ml/trained_models/a-*,lang*,z*", query={"from": "3", "size": "1"}).json
    assert page["count"] == 5 and ids_of(page) == ["lang_ident_model_1"]
    assert ids(models.get("/_ml/trained_models/*", query={"from": "2", "size": "2"})) == [
        "a-regression-model-1",
        "b-classification-model",
    ]


def ids_of(body: dict) -> list[str]:
    return [m["model_id"] for m in body["trained_model_configs"]]


def test_tags_narrow_the_models_every_tag_must_match(models):
    assert ids(models.get("/_ml/trained_models/*", query={"tags": "regression,tag1"})) == ["a-regression-model-0"]
    page = models.get("/_ml/trained_models/*", query={"tags": "tag2", "from": "1", "size": "1"}).json
    assert page["count"] == 12 and ids_of(page) == ["a-regression-model-1"]


def test_put_ensemble_estimates_operations_and_size_and_keeps_no_definition(http):
    model = http.put("/_ml/trained_models/my-regression-model", json=ensemble_model()).json
    # Each tree: ceil(ln 3 nodes) + 2 features = 4; the ensemble: their average + 2 per model after the first.
    assert model["estimated_operations"] == 6
    assert model["model_size_bytes"] > 0 and model["model_type"] == "tree_ensemble"
    assert "definition" not in model and "compressed_definition" not in model and "location" not in model
    assert list(model)[:10] == [
        "model_id",
        "model_type",
        "created_by",
        "version",
        "create_time",
        "model_size_bytes",
        "estimated_operations",
        "license_level",
        "description",
        "tags",
    ]


def test_a_lone_string_is_an_array_of_one(http):
    stump = {"tree": {"feature_names": [], "tree_structure": [{"node_index": 0, "leaf_value": 12.0}]}}
    model = http.put("/_ml/trained_models/ensemble_tree_empty_feature_names", json=ensemble_of([stump])).json
    assert model["input"] == {"field_names": ["fieldy_mc_fieldname"]} and model["estimated_operations"] == 0
    tagged = http.put("/_ml/trained_models/tagged", json={**tree_model("regression", []), "tags": "solo"}).json
    assert tagged["tags"] == ["solo"]


SPLIT_NODE = {"node_index": 0, "split_gain": 12.0, "threshold": 10.0, "left_child": 1, "right_child": 2}


@pytest.mark.parametrize(
    "body, cause",
    [
        (ensemble_of([]), "[trained_models] must not be empty"),
        (
            ensemble_of([{"tree": {"feature_names": [], "tree_structure": [{**SPLIT_NODE, "split_feature": 1}]}}]),
            "feature index [1] is out of bounds for the [feature_names] array",
        ),
        (
            ensemble_of([{"tree": {"feature_names": ["f"], "tree_structure": [{**SPLIT_NODE, "split_feature": 0}]}}]),
            "[tree] contains missing nodes [1, 2]",
        ),
    ],
)
def test_a_definition_that_fails_its_checks(http, body, cause):
    error = es_error(
        http.put("/_ml/trained_models/bad", json=body),
        400,
        "status_exception",
        "Definition for [bad] has validation failures.",
    )
    assert error["caused_by"] == {"type": "status_exception", "reason": cause}
    assert http.get("/_ml/trained_models/bad").status == 404


def test_empty_field_names_fail_validation_before_the_definition_is_checked(http):
    tree = {"tree": {"feature_names": [], "tree_structure": [{**SPLIT_NODE, "split_feature": 0}]}}
    es_error(
        http.put("/_ml/trained_models/missing_model_ensembles", json=ensemble_of([tree], field_names=[])),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: [input.field_names] must not be empty;",
    )


def test_the_inference_config_must_support_the_definition_target_type(http):
    es_error(
        http.put("/_ml/trained_models/my-regression-model", json=ensemble_model("classification")),
        400,
        "status_exception",
        "Model [my-regression-model] inference config type [classification] does not support definition "
        "target type [regression]",
    )


def test_exclude_generated_and_the_compressed_definition(models):
    reply = models.get(
        "/_ml/trained_models/a-regression-model-1",
        query={"exclude_generated": "true", "include": "definition", "decompress_definition": "false"},
    )
    model = reply.json["trained_model_configs"][0]
    for generated in ("created_by", "version", "create_time", "estimated_operations", "license_level"):
        assert generated not in model
    assert model["description"] == "empty model for tests" and model["tags"] == ["regression", "tag2"]
    # InferenceToXContentCompressor: the definition's JSON, gzipped, in base64.
    assert model["compressed_definition"].startswith("H4sI")
    inflated = json.loads(gzip.decompress(base64.b64decode(model["compressed_definition"])))
    assert inflated["trained_model"]["tree"]["target_type"] == "regression"
    full = models.get("/_ml/trained_models/a-regression-model-1", query={"include": "definition"}).json
    assert full["trained_model_configs"][0]["definition"]["trained_model"]["tree"]["feature_names"] == [
        "field1",
        "field2",
    ]
    es_error(
        models.get("/_ml/trained_models/a-regression*", query={"include": "definition"}),
        400,
        "status_exception",
        "Getting model definition is not supported when getting more than one model",
    )


def test_deferred_decompression_needs_a_model_size(http):
    body = {
        "description": "model for tests",
        "input": {"field_names": ["field1", "field2"]},
        "inference_config": {"classification": {}},
        "compressed_definition": "H4sIAAAAAAAAAEy92a5mW26l9y55HWdj9o3u9RS+SMil4yrBUgpIpywY9fLmR3LMFSpI",
    }
    es_error(
        http.put("/_ml/trained_models/no-size", json=body, query={"defer_definition_decompression": "true"}),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: when [defer_definition_decompression] is true and a compressed definition is "
        "provided, model_size_bytes must be set;",
    )
    deferred = http.put(
        "/_ml/trained_models/bad-compressed",
        json={**body, "model_size_bytes": 1024},
        query={"defer_definition_decompression": "true"},
    )
    assert deferred.status == 200, deferred.text
    assert deferred.json["model_size_bytes"] == 1024
    assert deferred.json["location"] == {"index": {"name": ".ml-inference-000005"}}
    # Without deferring, the definition is inflated at once, and this one does not inflate.
    error = es_error(
        http.put("/_ml/trained_models/inflated-now", json={**body, "model_size_bytes": 1024}),
        400,
        "status_exception",
        "Failed to parse definition for [inflated-now]",
    )
    assert error["caused_by"] == {"type": "e_o_f_exception", "reason": "Unexpected end of ZLIB input stream"}
    not_gzip = {**body, "compressed_definition": base64.b64encode(b"{}").decode()}
    error = es_error(http.put("/_ml/trained_models/not-gzip", json=not_gzip), 400, "status_exception")
    assert error["caused_by"] == {"type": "zip_exception", "reason": "Not in GZIP format"}
    not_base64 = {**body, "compressed_definition": "not-base64"}
    error = es_error(
        http.put("/_ml/trained_models/not-base64", json=not_base64),
        400,
        "x_content_parse_exception",
        "[trained_model_config] failed to parse field [compressed_definition]",
    )
    assert error["caused_by"]["reason"] == "Illegal base64 character 2d"


def test_an_nlp_config_may_not_name_its_vocabulary(http):
    body = {"model_type": "pytorch", "inference_config": {"ner": {"vocabulary": {"index": ".ml-inference-native"}}}}
    error = es_error(
        http.put("/_ml/trained_models/distilbert-finetuned-sst", json=body),
        400,
        "x_content_parse_exception",
        "[trained_model_config] failed to parse field [inference_config]",
    )
    assert error["caused_by"]["reason"] == "illegal setting [vocabulary] on inference model creation"


def test_definition_status_is_for_one_pytorch_model(models):
    models.put(
        "/_ml/trained_models/model-without-definition",
        json={"model_type": "pytorch", "inference_config": {"ner": {}}, "platform_architecture": "windows-x86_64"},
    )
    status = models.get("/_ml/trained_models/model-without-definition", query={"include": "definition_status"})
    assert status.json["trained_model_configs"][0]["fully_defined"] is False
    plain = models.get("/_ml/trained_models/model-without-definition").json["trained_model_configs"][0]
    assert "fully_defined" not in plain and plain["platform_architecture"] == "windows-x86_64"
    es_error(
        models.get("/_ml/trained_models/_all", query={"include": "definition_status"}),
        400,
        "status_exception",
        "Getting the model download status is not supported when getting more than one model",
    )
    es_error(
        models.get("/_ml/trained_models/a-regression-model-0", query={"include": "definition_status"}),
        400,
        "status_exception",
        "Definition status is only relevant to PyTorch model types",
    )


def pipeline_using(http, pipeline_id: str, model_id: str) -> None:
    processor = {
        "inference": {"model_id": model_id, "target_field": "infer_result", "inference_config": {"classification": {}}}
    }
    assert http.put(f"/_ingest/pipeline/{pipeline_id}", json={"processors": [processor]}).status == 200


def test_delete_refuses_a_model_a_pipeline_uses_unless_forced(models):
    pipeline_using(models, "uses-model", "a-classification-model")
    es_error(
        models.delete("/_ml/trained_models/a-classification-model"),
        409,
        "status_exception",
        "Cannot delete model [a-classification-model] as it is still referenced by ingest processors; use force to "
        "delete the model",
    )
    deleted = models.delete("/_ml/trained_models/a-classification-model", query={"force": "true"})
    assert deleted.json == {"acknowledged": True}
    # Gone is a 404, with or without force, though the pipeline still names it.
    for query in ({}, {"force": "true"}):
        es_error(
            models.delete("/_ml/trained_models/a-classification-model", query=query),
            404,
            "resource_not_found_exception",
            "Could not find trained model [a-classification-model]",
        )


def test_delete_refuses_a_model_whose_alias_a_pipeline_uses(models):
    models.put("/_ml/trained_models/a-classification-model/model_aliases/alias-to-a-classification-model")
    pipeline_using(models, "uses-alias", "alias-to-a-classification-model")
    es_error(
        models.delete("/_ml/trained_models/a-classification-model"),
        409,
        "status_exception",
        "Cannot delete model [a-classification-model] as it has a model_alias [alias-to-a-classification-model] "
        "that is still referenced by ingest processors; use force to delete the model",
    )
    assert models.delete("/_ml/trained_models/a-classification-model", query={"force": "true"}).status == 200
    # The alias went with its model.
    assert models.get("/_ml/trained_models/alias-to-a-classification-model").status == 404


def test_an_unknown_include_is_refused(models):
    es_error(
        models.get("/_ml/trained_models/a-regression-model-0", query={"include": "definition,nope"}),
        400,
        "status_exception",
        "unknown [include] parameters [nope]. Valid options are [hyperparameters, definition, "
        "feature_importance_baseline, definition_status, total_feature_importance]",
    )


def test_the_old_name_of_model_size_bytes_warns(http):
    body = {"model_type": "pytorch", "inference_config": {"ner": {}}, "estimated_heap_memory_usage_bytes": 1000}
    reply = http.put("/_ml/trained_models/old-size-name", json=body)
    assert reply.json["model_size_bytes"] == 1000
    assert (
        "Deprecated field [estimated_heap_memory_usage_bytes] used, expected [model_size_bytes] instead"
        in (reply.headers["Warning"])
    )


def test_an_inference_config_names_one_kind(http):
    for config in ({}, {"regression": {}, "classification": {}}):
        es_error(
            http.put(
                "/_ml/trained_models/two-kinds", json={**tree_model("regression", []), "inference_config": config}
            ),
            400,
            "x_content_parse_exception",
            "[trained_model_config] failed to parse field [inference_config]",
        )


def test_a_definition_needs_its_trained_model(http):
    body = {**tree_model("regression", []), "definition": {"preprocessors": []}}
    error = es_error(
        http.put("/_ml/trained_models/no-trained-model", json=body),
        400,
        "x_content_parse_exception",
        "[trained_model_config] failed to parse field [definition]",
    )
    assert error["caused_by"] == {"type": "illegal_argument_exception", "reason": "[trained_model] must not be null."}
