"""Data frame analytics: ``/_ml/data_frame/analytics``. Each route calls ``call.state.ml.analytics`` and answers."""

from __future__ import annotations

from ..http import ELASTICSEARCH, ElasticsearchCall
from ..ml.analytics import Places

route = ELASTICSEARCH.operation


def _paging(call: ElasticsearchCall) -> dict:
    return {"from_": call.query.get("from", 0), "size": call.query.get("size", 100)}


@route("PUT", "/_ml/data_frame/analytics/<id>", "ml.put_data_frame_analytics")
def ml_put_data_frame_analytics(call: ElasticsearchCall):
    analytics = call.state.ml.analytics
    config = analytics.put(
        call.path["id"],
        call.body,
        principal=call.principal,
        places=Places(call.body_text),
        warn=call.warn,
        holds=call.runtime.store["security"].index_privilege_check(call.principal),
    )
    return 200, config


@route("GET", "/_ml/data_frame/analytics", "ml.get_data_frame_analytics")
@route("GET", "/_ml/data_frame/analytics/<id>", "ml.get_data_frame_analytics")
def ml_get_data_frame_analytics(call: ElasticsearchCall):
    q = call.query
    return 200, call.state.ml.analytics.get(
        call.path.get("id"),
        q.get("allow_no_match", True),
        exclude_generated=q.get("exclude_generated", False),
        **_paging(call),
    )


@route("GET", "/_ml/data_frame/analytics/_stats", "ml.get_data_frame_analytics_stats")
@route("GET", "/_ml/data_frame/analytics/<id>/_stats", "ml.get_data_frame_analytics_stats")
def ml_get_data_frame_analytics_stats(call: ElasticsearchCall):
    return 200, call.state.ml.analytics.stats(
        call.path.get("id"), call.query.get("allow_no_match", True), **_paging(call)
    )


@route("POST", "/_ml/data_frame/analytics/<id>/_start", "ml.start_data_frame_analytics")
def ml_start_data_frame_analytics(call: ElasticsearchCall):
    return 200, call.state.ml.analytics.start(call.path["id"], call.body)


@route("POST", "/_ml/data_frame/analytics/<id>/_stop", "ml.stop_data_frame_analytics")
def ml_stop_data_frame_analytics(call: ElasticsearchCall):
    q = call.query
    return 200, call.state.ml.analytics.stop(
        call.path["id"], q.get("allow_no_match", True), force=q.get("force", False), body=call.body
    )


@route("POST", "/_ml/data_frame/analytics/<id>/_update", "ml.update_data_frame_analytics")
def ml_update_data_frame_analytics(call: ElasticsearchCall):
    analytics = call.state.ml.analytics
    return 200, analytics.update(call.path["id"], call.body, principal=call.principal, places=Places(call.body_text))


@route("DELETE", "/_ml/data_frame/analytics/<id>", "ml.delete_data_frame_analytics")
def ml_delete_data_frame_analytics(call: ElasticsearchCall):
    call.state.ml.analytics.delete(call.path["id"], force=call.query.get("force", False))
    return 200, {"acknowledged": True}
