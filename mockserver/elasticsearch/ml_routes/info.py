"""``GET _ml/info``: calls ``call.state.ml.info`` and answers."""

from __future__ import annotations

from ..http import ELASTICSEARCH, ElasticsearchCall

route = ELASTICSEARCH.operation


@route("GET", "/_ml/info", "ml.info")
def ml_info(call: ElasticsearchCall):
    return 200, call.state.ml.info.info()
