"""``POST /_mock/state`` over a live server: the document is read and checked without the state lock
(other routes go on meanwhile), and what is too big or too deep is refused with a clear error."""

from __future__ import annotations

import http.client
import json
import threading


def post(url_port: int, path: str, body: bytes, timeout: float = 30) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", url_port, timeout=timeout)
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
        reply = conn.getresponse()
        return reply.status, json.loads(reply.read())
    finally:
        conn.close()


def get_status(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        reply = conn.getresponse()
        reply.read()
        return reply.status
    finally:
        conn.close()


def test_other_routes_are_served_while_a_state_document_is_checked(mockserver_live, monkeypatch):
    store = mockserver_live.runtime.store
    port = mockserver_live.server.port
    served_meanwhile = threading.Event()
    seen = {}
    real_check = store.check

    def slow_check(document, source):
        seen["lock held"] = store.lock._is_owned()
        # Another client's request, answered while this document is being checked.
        seen["other status"] = get_status(port, "/_connector/connector-1")
        served_meanwhile.set()
        real_check(document, source)

    monkeypatch.setattr(store, "check", slow_check)
    document = {"elasticsearch": {"connectors": {"loaded": {"index_name": "search-loaded"}}}}
    status, body = post(port, "/_mock/state", json.dumps(document).encode())
    assert (status, body) == (200, {"acknowledged": True})
    assert served_meanwhile.is_set() and seen == {"lock held": False, "other status": 200}
    assert get_status(port, "/_connector/loaded") == 200


def test_a_document_too_deep_is_refused_clearly(mockserver_live):
    deep = b'{"elasticsearch": {"connectors": {"x": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5000 + b"}}}"
    status, body = post(mockserver_live.server.port, "/_mock/state", deep)
    assert status == 400
    assert body["message"] == "request body nests too deeply for the control API to read"
    assert get_status(mockserver_live.server.port, "/_mock/health") == 200


def test_a_document_the_fixture_check_cannot_follow_is_refused_clearly(mockserver_live):
    # Shallow enough for the JSON parser, too deep for the fixture check that walks it.
    deep = (
        b'{"elasticsearch": {"connectors": {"x": {"index_name": "i", "configuration": '
        + b'{"a": ' * 900
        + b"1"
        + b"}" * 900
        + b"}}}}"
    )
    status, body = post(mockserver_live.server.port, "/_mock/state", deep)
    assert (status, body["message"]) == (400, "request body nests too deeply for the control API to read")
    shallow = (
        b'{"elasticsearch": {"connectors": {"x": {"index_name": "i", "configuration": '
        + b'{"a": ' * 50
        + b"1"
        + b"}" * 50
        + b"}}}}"
    )
    assert post(mockserver_live.server.port, "/_mock/state", shallow)[0] == 200
