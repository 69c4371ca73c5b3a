"""Trained models: ``/_ml/trained_models``. Each route calls ``call.state.ml.models`` and answers."""

from __future__ import annotations

from ..http import ELASTICSEARCH, ElasticsearchCall

route = ELASTICSEARCH.operation


@route("PUT", "/_ml/trained_models/<model_id>", "ml.put_trained_model")
def ml_put_trained_model(call: ElasticsearchCall):
    return 200, call.state.ml.models.put(call.path["model_id"], call.body)


@route("GET", "/_ml/trained_models", "ml.get_trained_models")
@route("GET", "/_ml/trained_models/<model_id>", "ml.get_trained_models")
def ml_get_trained_model(call: ElasticsearchCall):
    q = call.query
    paging = {"from_": q.get("from", 0), "size": q.get("size", 100)}
    if "tags" in q:
        paging["tags"] = q["tags"]
    return 200, call.state.ml.models.get(call.path.get("model_id"), q.get("allow_no_match", True), **paging)


@route("DELETE", "/_ml/trained_models/<model_id>", "ml.delete_trained_model")
def ml_delete_trained_model(call: ElasticsearchCall):
    call.state.ml.models.delete(call.path["model_id"], force=call.query.get("force", False))
    return 200, {"acknowledged": True}
