"""Data frame analytics: ``/_ml/data_frame/analytics``. Each route calls ``call.state.ml.analytics`` and answers."""

from __future__ import annotations

from ..http import ELASTICSEARCH, ElasticsearchCall

route = ELASTICSEARCH.operation


@route("PUT", "/_ml/data_frame/analytics/<id>", "ml.put_data_frame_analytics")
def ml_put_data_frame_analytics(call: ElasticsearchCall):
    return 200, call.state.ml.analytics.put(call.path["id"], call.body)


@route("GET", "/_ml/data_frame/analytics", "ml.get_data_frame_analytics")
@route("GET", "/_ml/data_frame/analytics/<id>", "ml.get_data_frame_analytics")
def ml_get_data_frame_analytics(call: ElasticsearchCall):
    q = call.query
    paging = {"from_": q.get("from", 0), "size": q.get("size", 100)}
    return 200, call.state.ml.analytics.get(call.path.get("id"), q.get("allow_no_match", True), **paging)


@route("DELETE", "/_ml/data_frame/analytics/<id>", "ml.delete_data_frame_analytics")
def ml_delete_data_frame_analytics(call: ElasticsearchCall):
    call.state.ml.analytics.delete(call.path["id"], force=call.query.get("force", False))
    return 200, {"acknowledged": True}
