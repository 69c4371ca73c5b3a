"""Elasticsearch's ML APIs over HTTP: trained models."""

from __future__ import annotations

import pytest
from conftest import es_error
from ml_bodies import MODEL


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
