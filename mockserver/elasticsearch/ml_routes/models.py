"""Trained models: ``/_ml/trained_models``. Each route calls ``call.state.ml.models`` and answers."""

from __future__ import annotations

from ..http import ELASTICSEARCH, ElasticsearchCall
from ..schema_errors import coerce_param

route = ELASTICSEARCH.operation


@route("PUT", "/_ml/trained_models/<model_id>", "ml.put_trained_model")
def ml_put_trained_model(call: ElasticsearchCall):
    defer = call.query.get("defer_definition_decompression", False)
    models = call.state.ml.models
    return 200, models.put(call.path["model_id"], call.body, defer_definition_decompression=defer, warn=call.warn)


@route("GET", "/_ml/trained_models", "ml.get_trained_models")
@route("GET", "/_ml/trained_models/<model_id>", "ml.get_trained_models")
def ml_get_trained_model(call: ElasticsearchCall):
    q = call.query
    return 200, call.state.ml.models.get(
        call.path.get("model_id"),
        q.get("allow_no_match", True),
        q.get("from", 0),
        q.get("size", 100),
        q.get("tags"),
        include=q.get("include", []),
        decompress_definition=q.get("decompress_definition", True),
        exclude_generated=q.get("exclude_generated", False),
    )


@route("DELETE", "/_ml/trained_models/<model_id>", "ml.delete_trained_model")
def ml_delete_trained_model(call: ElasticsearchCall):
    models = call.state.ml.models
    models.delete(
        call.path["model_id"], force=call.query.get("force", False), pipelines=call.state.pipelines.definitions
    )
    return 200, {"acknowledged": True}


@route("GET", "/_ml/trained_models/_stats", "ml.get_trained_models_stats")
@route("GET", "/_ml/trained_models/<model_id>/_stats", "ml.get_trained_models_stats")
def ml_get_trained_models_stats(call: ElasticsearchCall):
    q = call.query
    return 200, call.state.ml.models.stats(
        call.path.get("model_id"),
        q.get("allow_no_match", True),
        q.get("from", 0),
        q.get("size", 100),
        pipelines=call.state.pipelines.definitions,
    )


@route("PUT", "/_ml/trained_models/<model_id>/model_aliases/<model_alias>", "ml.put_trained_model_alias")
def ml_put_trained_model_alias(call: ElasticsearchCall):
    call.state.ml.models.put_alias(
        call.path["model_alias"], call.path["model_id"], call.query.get("reassign", False), warn=call.warn
    )
    return 200, {"acknowledged": True}


@route("DELETE", "/_ml/trained_models/<model_id>/model_aliases/<model_alias>", "ml.delete_trained_model_alias")
def ml_delete_trained_model_alias(call: ElasticsearchCall):
    models = call.state.ml.models
    models.delete_alias(call.path["model_alias"], call.path["model_id"], pipelines=call.state.pipelines.definitions)
    return 200, {"acknowledged": True}


@route("PUT", "/_ml/trained_models/<model_id>/definition/<part>", "ml.put_trained_model_definition_part")
def ml_put_trained_model_definition_part(call: ElasticsearchCall):
    part = coerce_param("part", call.path["part"], {"type": "integer"})  # RestRequest.paramAsInt
    call.state.ml.models.put_definition_part(call.path["model_id"], part, call.body)
    return 200, {"acknowledged": True}


@route("PUT", "/_ml/trained_models/<model_id>/vocabulary", "ml.put_trained_model_vocabulary")
def ml_put_trained_model_vocabulary(call: ElasticsearchCall):
    call.state.ml.models.put_vocabulary(call.path["model_id"], call.body)
    return 200, {"acknowledged": True}


# RestStartTrainedModelDeploymentAction: the body's settings, the query parameters over them.
START_SETTINGS = (
    "deployment_id",
    "number_of_allocations",
    "threads_per_allocation",
    "queue_capacity",
    "cache_size",
    "priority",
    "wait_for",
    "timeout",
    "adaptive_allocations",
)


@route("POST", "/_ml/trained_models/<model_id>/deployment/_start", "ml.start_trained_model_deployment")
def ml_start_trained_model_deployment(call: ElasticsearchCall):
    settings = {k: v for k, v in {**(call.body or {}), **call.query}.items() if k in START_SETTINGS}
    return 200, call.state.ml.models.deployments.start(call.path["model_id"], **settings)


@route("POST", "/_ml/trained_models/<model_id>/deployment/_stop", "ml.stop_trained_model_deployment")
def ml_stop_trained_model_deployment(call: ElasticsearchCall):
    settings = {**(call.body or {}), **call.query}
    models = call.state.ml.models
    return 200, models.deployments.stop(
        call.path["model_id"],
        force=settings.get("force", False),
        allow_no_match=settings.get("allow_no_match", True),
        pipelines=call.state.pipelines.definitions,
    )


@route("POST", "/_ml/trained_models/<model_id>/deployment/_update", "ml.update_trained_model_deployment")
def ml_update_trained_model_deployment(call: ElasticsearchCall):
    settings = {**(call.body or {}), **call.query}
    return 200, call.state.ml.models.deployments.update(
        call.path["model_id"],
        model_id=settings.get("model_id"),
        number_of_allocations=settings.get("number_of_allocations"),
        adaptive_allocations=settings.get("adaptive_allocations"),
    )
