"""``GET _ml/info`` and ``POST _ml/set_upgrade_mode``: call ``call.state.ml.info`` and answer."""

from __future__ import annotations

from ..http import ELASTICSEARCH, ElasticsearchCall

route = ELASTICSEARCH.operation


@route("GET", "/_ml/info", "ml.info")
def ml_info(call: ElasticsearchCall):
    return 200, call.state.ml.info.info()


@route("POST", "/_ml/set_upgrade_mode", "ml.set_upgrade_mode")
def ml_set_upgrade_mode(call: ElasticsearchCall):
    return 200, call.state.ml.info.set_upgrade_mode(
        call.query.get("enabled", False)
    )  # paramAsBoolean("enabled", false)
