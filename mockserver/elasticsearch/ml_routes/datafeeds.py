"""Datafeeds: ``/_ml/datafeeds``. Each route calls ``call.state.ml.datafeeds`` and answers."""

from __future__ import annotations

from ..http import ELASTICSEARCH, ElasticsearchCall
from ..ml.datafeeds import IGNORE_THROTTLED_DEPRECATION, INDICES_OPTION_NAMES

route = ELASTICSEARCH.operation


def url_indices_options(call: ElasticsearchCall) -> dict | None:
    """RestPutDatafeedAction / RestUpdateDatafeedAction (and RestPutJobAction for a job's datafeed):
    indices options given as URL parameters (IndicesOptions.fromRequest, which warns of ignore_throttled)."""
    given = {name: call.query[name] for name in INDICES_OPTION_NAMES if name in call.query}
    if "ignore_throttled" in given:
        call.warn(IGNORE_THROTTLED_DEPRECATION)
    return given or None


@route("PUT", "/_ml/datafeeds/<datafeed_id>", "ml.put_datafeed")
def ml_put_datafeed(call: ElasticsearchCall):
    return 200, call.state.ml.datafeeds.put(
        call.path["datafeed_id"],
        call.body,
        principal=call.principal,
        options=url_indices_options(call),
        text=call.body_text,
    )


@route("POST", "/_ml/datafeeds/<datafeed_id>/_update", "ml.update_datafeed")
def ml_update_datafeed(call: ElasticsearchCall):
    return 200, call.state.ml.datafeeds.update(
        call.path["datafeed_id"],
        call.body,
        principal=call.principal,
        options=url_indices_options(call),
        text=call.body_text,
    )


@route("GET", "/_ml/datafeeds", "ml.get_datafeeds")
@route("GET", "/_ml/datafeeds/<datafeed_id>", "ml.get_datafeeds")
def ml_get_datafeed(call: ElasticsearchCall):
    q = call.query
    return 200, call.state.ml.datafeeds.get(
        call.path.get("datafeed_id"), q.get("allow_no_match", True), q.get("exclude_generated", False)
    )


@route("GET", "/_ml/datafeeds/_stats", "ml.get_datafeed_stats")
@route("GET", "/_ml/datafeeds/<datafeed_id>/_stats", "ml.get_datafeed_stats")
def ml_get_datafeed_stats(call: ElasticsearchCall):
    return 200, call.state.ml.datafeeds.stats(call.path.get("datafeed_id"), call.query.get("allow_no_match", True))


@route("POST", "/_ml/datafeeds/<datafeed_id>/_start", "ml.start_datafeed")
def ml_start_datafeed(call: ElasticsearchCall):
    """RestStartDatafeedAction: the parameters from the body when there is one, else from the URL."""
    given = call.body if call.body else call.query
    return 200, call.state.ml.datafeeds.start(call.path["datafeed_id"], given.get("start"), given.get("end"))


@route("POST", "/_ml/datafeeds/<datafeed_id>/_stop", "ml.stop_datafeed")
def ml_stop_datafeed(call: ElasticsearchCall):
    """RestStopDatafeedAction: the parameters from the body when there is one, else from the URL."""
    given = call.body if call.body else call.query
    return 200, call.state.ml.datafeeds.stop(
        call.path["datafeed_id"], given.get("allow_no_match", True), force=given.get("force", False)
    )


@route("DELETE", "/_ml/datafeeds/<datafeed_id>", "ml.delete_datafeed")
def ml_delete_datafeed(call: ElasticsearchCall):
    call.state.ml.datafeeds.delete(call.path["datafeed_id"], force=call.query.get("force", False))
    return 200, {"acknowledged": True}
