"""Trained model aliases: ``PUT/DELETE _ml/trained_models/{id}/model_aliases/{alias}``, the rules of
PutTrainedModelAliasAction and its transport action, and aliases as ids in GET and _stats."""

from __future__ import annotations

import pytest
from conftest import es_error
from test_es_ml_models_crud import tree_model

ALIASES = "/_ml/trained_models/{model}/model_aliases/{alias}"


@pytest.fixture
def models(http):
    for model_id, kind in (
        ("a-regression-model-0", "regression"),
        ("a-regression-model-1", "regression"),
        ("a-classification-model", "classification"),
    ):
        assert http.put(f"/_ml/trained_models/{model_id}", json=tree_model(kind, [kind])).status == 200
    return http


def ids_of(reply) -> list[str]:
    return [m["model_id"] for m in reply.json["trained_model_configs"]]


def alias(http, model: str, name: str, **query):
    return http.put(ALIASES.format(model=model, alias=name), query={k: str(v).lower() for k, v in query.items()})


def test_an_alias_names_its_model_in_get_and_moves_on_reassign(models):
    assert alias(models, "a-regression-model-1", "regression-model").json == {"acknowledged": True}
    listed = models.get("/_ml/trained_models/regression-model,a-classification-model").json
    assert listed["count"] == 2
    assert [m["model_id"] for m in listed["trained_model_configs"]] == [
        "a-classification-model",
        "a-regression-model-1",
    ]
    assert alias(models, "a-regression-model-0", "regression-model", reassign=True).status == 200
    moved = models.get("/_ml/trained_models/regression-model").json["trained_model_configs"]
    assert [m["model_id"] for m in moved] == ["a-regression-model-0"]
    alias(models, "a-regression-model-0", "regression-model-again")
    first = models.get("/_ml/trained_models/a-regression-model-*", query={"size": "1"}).json["trained_model_configs"][0]
    assert first["metadata"] == {"model_aliases": ["regression-model", "regression-model-again"]}
    # A wildcard matches aliases too; the count is every match, though the ids were exact and the page small.
    assert ids_of(models.get("/_ml/trained_models/regression-model-ag*")) == ["a-regression-model-0"]
    paged = models.get("/_ml/trained_models/a-regression-model-0,a-classification-model", query={"size": "1"}).json
    assert paged["count"] == 2 and len(paged["trained_model_configs"]) == 1
    stats = models.get("/_ml/trained_models/regression-model/_stats").json
    assert [s["model_id"] for s in stats["trained_model_stats"]] == ["a-regression-model-0"]


def test_an_alias_refused(models):
    es_error(
        alias(models, "missing-model", "regression-model"),
        404,
        "resource_not_found_exception",
        "No known trained model with model_id [missing-model]",
    )
    es_error(
        alias(models, "regression-model-123123", "regression-model-123123"),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: model_alias [regression-model-123123] cannot equal model_id [regression-model-123123];"
        "2: Invalid model_alias; 'regression-model-123123' can contain lowercase alphanumeric (a-z and 0-9), "
        "hyphens or underscores; must start with alphanumeric and cannot end with numbers;",
    )
    es_error(
        alias(models, "a-regression-model-0", "a-classification-model"),
        400,
        "status_exception",
        "model_alias cannot be the same as an existing trained model_id",
    )
    alias(models, "a-regression-model-0", "regression-model")
    es_error(
        alias(models, "a-regression-model-1", "regression-model"),
        400,
        "status_exception",
        "cannot assign model_alias [regression-model] to model_id [a-regression-model-1] as model_alias already "
        "refers to [a-regression-model-0]. Set parameter [reassign] to [true] if model_alias should be reassigned.",
    )
    es_error(
        alias(models, "a-classification-model", "regression-model", reassign=True),
        400,
        "status_exception",
        "cannot reassign model_alias [regression-model] to model [a-classification-model] with inference config "
        "type [classification] from model [a-regression-model-0] with type [regression]",
    )
    es_error(
        models.put("/_ml/trained_models/regression-model", json=tree_model("regression", [])),
        400,
        "status_exception",
        "requested model_id [regression-model] is the same as an existing model_alias. Model model_aliases and ids "
        "must be unique",
    )


def test_moving_an_alias_to_a_model_of_other_inputs_warns(models):
    other = {**tree_model("regression", []), "input": {"field_names": ["other1", "other2"]}}
    other["definition"]["trained_model"]["tree"]["feature_names"] = ["other1", "other2"]
    models.put("/_ml/trained_models/other-inputs", json=other)
    alias(models, "a-regression-model-0", "regression-model")
    moved = alias(models, "other-inputs", "regression-model", reassign=True)
    assert moved.status == 200
    assert (
        "The input fields for new model [other-inputs] and for old model [a-regression-model-0] differ "
        "significantly, model results may change drastically." in moved.headers["Warning"]
    )


def test_delete_alias(models):
    alias(models, "a-regression-model-1", "regression-model")
    es_error(
        models.delete(ALIASES.format(model="a-regression-model-0", alias="regression-model")),
        409,
        "status_exception",
        "model_alias [regression-model] does not refer to provided model_id [a-regression-model-0]",
    )
    models.put(
        "/_ingest/pipeline/uses-alias",
        json={"processors": [{"inference": {"model_id": "regression-model", "inference_config": {"regression": {}}}}]},
    )
    es_error(
        models.delete(ALIASES.format(model="a-regression-model-1", alias="regression-model")),
        409,
        "status_exception",
        "Cannot delete model_alias [regression-model] as it is still referenced by ingest processors",
    )
    models.delete("/_ingest/pipeline/uses-alias")
    deleted = models.delete(ALIASES.format(model="a-regression-model-1", alias="regression-model"))
    assert deleted.json == {"acknowledged": True}
    es_error(
        models.get("/_ml/trained_models/regression-model"),
        404,
        "resource_not_found_exception",
        "No known trained model with model_id [regression-model]",
    )
    es_error(
        models.delete(ALIASES.format(model="a-regression-model-1", alias="regression-model")),
        404,
        "status_exception",
        "model_alias [regression-model] could not be found",
    )
