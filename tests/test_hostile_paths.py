"""Hostile paths over HTTP: an empty segment is answered in the product's format (never werkzeug's HTML
redirect), and the Kibana space prefix opens Kibana's routes only."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit


def get(url: str, method: str, path: str, body: str | None = None) -> tuple[int, str, dict]:
    address = urlsplit(url)
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers={"Content-Type": "application/json", "kbn-xsrf": "true"})
        reply = conn.getresponse()
        return reply.status, reply.getheader("Content-Type", ""), json.loads(reply.read())
    finally:
        conn.close()


def test_an_empty_segment_is_answered_by_elasticsearch_not_redirected(mockserver_live):
    # RestController's PathTrie matches the empty segment to {connector_id}; the action refuses it
    # (tests/test_hostile_es_values.py has the other routes)
    status, kind, body = get(mockserver_live.url, "PUT", "/_connector//_error", '{"error": "boom"}')
    assert status == 400 and kind.startswith("application/json")
    reason = 'Validation Failed: 1: [connector_id] cannot be [null] or [""].;'
    assert body == {
        "error": {
            "root_cause": [{"type": "action_request_validation_exception", "reason": reason}],
            "type": "action_request_validation_exception",
            "reason": reason,
        },
        "status": 400,
    }


def test_an_empty_segment_under_dashboards_is_its_404(mockserver_live):
    status, kind, body = get(mockserver_live.url, "GET", "/api/saved_objects//dashboard")
    assert status == 404 and body == {"statusCode": 404, "error": "Not Found", "message": "Not Found"}


def test_the_space_prefix_does_not_reach_elasticsearch_or_the_control_api(mockserver_live):
    url = mockserver_live.url
    assert get(url, "GET", "/_connector/connector-1")[0] == 200  # there without the prefix
    status, _, body = get(url, "GET", "/s/space1/_connector/connector-1")
    assert status == 404 and body == {"statusCode": 404, "error": "Not Found", "message": "Not Found"}
    for path in ("/s/a//_mock/state", "/s/a/_mock/state"):
        status, _, body = get(url, "GET", path)
        assert status == 404 and "elasticsearch" not in body, path
    status, _, body = get(url, "GET", "/s/space1/api/ml/saved_objects/sync")  # Kibana's own route, in the space
    assert status == 200 and "savedObjectsCreated" in body
