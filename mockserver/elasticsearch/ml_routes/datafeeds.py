"""Datafeeds: ``/_ml/datafeeds``. Each route calls ``call.state.ml.datafeeds`` and answers."""

from __future__ import annotations

from ..http import ELASTICSEARCH, ElasticsearchCall

route = ELASTICSEARCH.operation


@route("PUT", "/_ml/datafeeds/<datafeed_id>", "ml.put_datafeed")
def ml_put_datafeed(call: ElasticsearchCall):
    return 200, call.state.ml.datafeeds.put(call.path["datafeed_id"], call.body)


@route("GET", "/_ml/datafeeds", "ml.get_datafeeds")
@route("GET", "/_ml/datafeeds/<datafeed_id>", "ml.get_datafeeds")
def ml_get_datafeed(call: ElasticsearchCall):
    q = call.query
    return 200, call.state.ml.datafeeds.get(call.path.get("datafeed_id"), q.get("allow_no_match", True))


@route("DELETE", "/_ml/datafeeds/<datafeed_id>", "ml.delete_datafeed")
def ml_delete_datafeed(call: ElasticsearchCall):
    call.state.ml.datafeeds.delete(call.path["datafeed_id"], force=call.query.get("force", False))
    return 200, {"acknowledged": True}
