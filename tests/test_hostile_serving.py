"""The serving layer under hostile clients, over real sockets: keep-alive and pipelining, bodies limited
by the bytes read (chunked or not), broken and ambiguous framing refused in each product's format,
cut-short bodies dropped, memory bounded under a chunk attack, slow clients holding no thread, a read
timeout, a bound on connections, and ``mockserver serve`` on the same layer."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest

from mockserver import create_app
from mockserver.server import LiveServer


def connect(live, timeout: float = 5) -> socket.socket:
    sock = socket.create_connection(
        ("127.0.0.1", live.server.port if hasattr(live, "server") else live.port), timeout=timeout
    )
    return sock


def read_answers(sock: socket.socket, count: int | None = None) -> list[tuple[int, dict, bytes]]:
    """The answers on a connection, parsed by their Content-Length: ``count`` of them, or all until
    the server closes (or goes quiet)."""
    data, answers = b"", []
    while count is None or len(answers) < count:
        while b"\r\n\r\n" not in data:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                chunk = b""
            if not chunk:
                return answers
            data += chunk
        head, _, data = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(headers.get("content-length", 0))
        while len(data) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        answers.append((int(lines[0].split()[1]), headers | {":status-line": lines[0]}, data[:length]))
        data = data[length:]
    return answers


def exchange(live, raw: bytes, count: int | None = None) -> list[tuple[int, dict, bytes]]:
    with connect(live) as sock:
        sock.sendall(raw)
        return read_answers(sock, count)


def closed_by_server(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except (TimeoutError, ConnectionResetError):
        return False


def request(method: str, path: str, body: bytes = b"", headers: dict | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: test"] + [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body and "Transfer-Encoding" not in (headers or {}):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def chunked(body: bytes, size: int = 65536) -> bytes:
    pieces = [b"%x\r\n%s\r\n" % (len(body[i : i + size]), body[i : i + size]) for i in range(0, len(body), size)]
    return b"".join(pieces) + b"0\r\n\r\n"


JSON = {"Content-Type": "application/json"}
CHUNKED = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
OSD = {"osd-xsrf": "true"}
KBN = {"kbn-xsrf": "true"}


def status_of(live, method: str, path: str, headers: dict | None = None) -> int:
    return exchange(live, request(method, path, headers=headers), 1)[0][0]


# -- connections -----------------------------------------------------------------------------------
def test_keep_alive_serves_many_requests_on_one_connection(mockserver_live):
    conn = http.client.HTTPConnection("127.0.0.1", mockserver_live.server.port, timeout=5)
    conn.connect()
    first = conn.sock
    for _ in range(5):
        conn.request("GET", "/_connector/connector-1")
        reply = conn.getresponse()
        assert reply.status == 200 and json.loads(reply.read())["id"] == "connector-1"
        assert reply.getheader("Connection") is None  # HTTP/1.1: open unless said otherwise
    assert conn.sock is first  # the same connection all along
    conn.close()


def test_pipelined_requests_are_all_answered_in_order(mockserver_live):
    raw = (
        request("GET", "/_connector/connector-1")
        + request("GET", "/_mock/health")
        + request("GET", "/api/saved_objects/_find?type=config", headers=OSD)
        + request("GET", "/")
    )
    answers = exchange(mockserver_live, raw, 4)
    assert [a[0] for a in answers] == [200, 200, 200, 200]
    assert json.loads(answers[0][2])["id"] == "connector-1"
    assert json.loads(answers[1][2])["status"] == "ready"
    assert "saved_objects" in json.loads(answers[2][2])
    assert "tagline" in json.loads(answers[3][2])


def test_a_hundred_pipelined_requests_on_one_connection(mockserver_live):
    answers = exchange(mockserver_live, request("GET", "/_mock/health") * 100, 100)
    assert len(answers) == 100 and {a[0] for a in answers} == {200}


def test_standard_reason_phrases_and_no_date_from_elasticsearch(mockserver_live):
    ((status, headers, _),) = exchange(mockserver_live, request("GET", "/_connector/nope"), 1)
    assert headers[":status-line"] == "HTTP/1.1 404 Not Found"
    assert "date" not in headers and "server" not in headers  # Netty sends neither
    ((_, kibana, _),) = exchange(mockserver_live, request("GET", "/api/ml/saved_objects/sync"), 1)
    assert "date" in kibana  # Node does


def test_a_204_has_no_content_type(mockserver_live):
    space = json.dumps({"id": "doomed", "name": "Doomed"}).encode()
    assert exchange(mockserver_live, request("POST", "/api/spaces/space", space, {**JSON, **KBN}), 1)[0][0] == 200
    ((status, headers, body),) = exchange(
        mockserver_live, request("DELETE", "/api/spaces/space/doomed", headers=KBN), 1
    )
    assert status == 204 and body == b""
    assert "content-type" not in headers and "connection" not in headers
    with connect(mockserver_live) as sock:  # and the connection stays open for the next request
        sock.sendall(request("POST", "/api/spaces/space", space, {**JSON, **KBN}))
        assert read_answers(sock, 1)[0][0] == 200
        sock.sendall(request("DELETE", "/api/spaces/space/doomed", headers=KBN) + request("GET", "/_mock/health"))
        assert [a[0] for a in read_answers(sock, 2)] == [204, 200]


def test_hapi_reads_no_payload_on_get(mockserver_live):
    raw = request(
        "GET",
        "/internal/ml/saved_objects/status",
        b"<not>json</not>",
        {"Content-Type": "application/xml", "x-elastic-internal-origin": "Kibana"},
    )
    assert exchange(mockserver_live, raw, 1)[0][0] == 200


# -- framing -----------------------------------------------------------------------------------------
def test_two_content_lengths_are_refused_and_change_nothing(mockserver_live):
    body = b'{"index_name": "search-smuggled"}'
    raw = (
        f"PUT /_connector/smuggled HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nContent-Length: 5\r\n\r\n"
    ).encode() + body
    ((status, headers, answer),) = exchange(mockserver_live, raw)
    assert status == 400 and headers["x-elastic-product"] == "Elasticsearch"
    error = json.loads(answer)["error"]
    assert error["type"] == "illegal_argument_exception"
    assert error["reason"] == f"Multiple Content-Length values found: [{len(body)}, 5]"
    assert status_of(mockserver_live, "GET", "/_connector/smuggled") == 404
    # hapi (Node's parser, then the products' clientError handler): a bare 400, then the socket closes.
    raw = (
        b"POST /api/saved_objects/config/smuggled HTTP/1.1\r\nHost: test\r\nosd-xsrf: true\r\n"
        b"Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"
    )
    ((status, headers, answer),) = exchange(mockserver_live, raw)
    assert status == 400 and answer == b"" and "content-type" not in headers
    assert status_of(mockserver_live, "GET", "/api/saved_objects/config/smuggled", OSD) == 404


def test_a_length_beside_chunks(mockserver_live):
    """Netty drops the length and reads the chunks; Node refuses the request."""
    body = b'{"index_name": "search-both"}'
    headers = {**CHUNKED, "Content-Length": "4"}
    ((status, _, answer),) = exchange(mockserver_live, request("PUT", "/_connector/both", chunked(body), headers), 1)
    assert status == 201 and json.loads(answer) == {"id": "both", "result": "created"}
    raw = request("POST", "/api/saved_objects/config/both", chunked(b'{"attributes": {}}'), {**headers, **OSD})
    ((status, _, answer),) = exchange(mockserver_live, raw)
    assert status == 400 and answer == b""
    assert status_of(mockserver_live, "GET", "/api/saved_objects/config/both", OSD) == 404


def test_a_broken_chunk_is_the_products_400_and_changes_nothing(mockserver_live):
    broken = b'f\r\n{"index_name": \r\nzz\r\n'  # a good chunk, then a size that is no number
    ((status, headers, answer),) = exchange(mockserver_live, request("PUT", "/_connector/broken", broken, CHUNKED))
    assert status == 400 and headers["content-type"] == "application/json"
    assert json.loads(answer) == {
        "error": {
            "root_cause": [{"type": "number_format_exception", "reason": "Invalid character in chunk size"}],
            "type": "number_format_exception",
            "reason": "Invalid character in chunk size",
        },
        "status": 400,
    }
    assert status_of(mockserver_live, "GET", "/_connector/broken") == 404
    raw = request("POST", "/api/saved_objects/config/broken", broken, {**CHUNKED, **OSD})
    ((status, _, answer),) = exchange(mockserver_live, raw)
    assert (status, answer) == (400, b"")
    raw = request("POST", "/_mock/state", broken, CHUNKED)
    ((status, _, answer),) = exchange(mockserver_live, raw)
    assert status == 400 and json.loads(answer)["statusCode"] == 400


def test_a_body_cut_short_is_dropped_and_changes_nothing(mockserver_live):
    body = b'{"index_name": "search-cut"}'
    for raw in (
        request("PUT", "/_connector/cut", body, JSON)[:-5],  # a declared length, not all sent
        request("PUT", "/_connector/cut", chunked(body), CHUNKED)[:-5],
    ):  # no last chunk
        with connect(mockserver_live) as sock:
            sock.sendall(raw)
            sock.shutdown(socket.SHUT_WR)  # the client goes away
            assert read_answers(sock) == []  # no answer to a request never finished
    assert status_of(mockserver_live, "GET", "/_connector/cut") == 404


# -- sizes -------------------------------------------------------------------------------------------
def test_chunked_bodies_are_limited_as_declared_ones_are(mockserver_live):
    big = json.dumps({"attributes": {"title": "x" * (3 * 1024 * 1024)}}).encode()
    raw = request("POST", "/api/saved_objects/config/big", chunked(big), {**CHUNKED, **OSD})
    ((status, _, answer),) = exchange(mockserver_live, raw, 1)
    assert status == 413 and json.loads(answer) == {
        "statusCode": 413,
        "error": "Request Entity Too Large",
        "message": "Payload content length greater than maximum allowed: 1048576",
    }
    assert status_of(mockserver_live, "GET", "/api/saved_objects/config/big", OSD) == 404
    big = json.dumps({"name": "x" * (2 * 1024 * 1024)}).encode()
    ((status, _, answer),) = exchange(
        mockserver_live, request("POST", "/api/spaces/space", chunked(big), {**CHUNKED, **KBN}), 1
    )
    assert (
        status == 413
        and json.loads(answer)["message"] == "Payload content length greater than maximum allowed: 1048576"
    )


def test_elasticsearch_refuses_a_body_over_100mb_with_its_bodiless_413(mockserver_live):
    declared = request("PUT", "/_connector/huge", b"", {**JSON, "Content-Length": str(100 * 1024 * 1024 + 1)})
    ((status, headers, answer),) = exchange(mockserver_live, declared)
    assert (status, answer) == (413, b"") and "content-type" not in headers and "x-elastic-product" not in headers
    # Chunked, counted as it comes: refused once 100mb have been read.
    with connect(mockserver_live, timeout=30) as sock:
        sock.sendall(request("PUT", "/_connector/huge", b"", CHUNKED))
        piece = b"%x\r\n%s\r\n" % (1024 * 1024, b" " * (1024 * 1024))
        try:
            for _ in range(101):
                sock.sendall(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before all was sent
        ((status, _, answer),) = read_answers(sock, 1)
    assert (status, answer) == (413, b"")
    assert status_of(mockserver_live, "GET", "/_connector/huge") == 404


def test_the_control_api_has_a_limit_of_its_own(mockserver_live):
    raw = request("POST", "/_mock/state", b"", {**JSON, "Content-Length": str(64 * 1024 * 1024 + 1)})
    with connect(mockserver_live) as sock:
        sock.sendall(raw)
        sock.sendall(b" " * (64 * 1024 * 1024 + 1))
        ((status, _, answer),) = read_answers(sock, 1)
    assert status == 413
    assert json.loads(answer)["message"] == "request body is larger than the control API's limit of 67108864 bytes"


def rss_bytes() -> int:
    with open(f"/proc/{os.getpid()}/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))


def test_a_declared_huge_chunk_allocates_nothing(mockserver_live):
    """Clients that declare 4 GiB chunks, send a little of each and drop the connection cost the
    server (this process) about what they sent, not what they declared (werkzeug's server grew by
    some 300 MiB a second under this)."""
    before = rss_bytes()
    for _ in range(8):
        with connect(mockserver_live) as sock:
            sock.sendall(request("PUT", "/_connector/attack", b"", CHUNKED) + b"ffffffff\r\n" + b"x" * (1024 * 1024))
    time.sleep(1)
    grown = rss_bytes() - before
    assert grown < 64 * 1024 * 1024, f"RSS grew by {grown / 2**20:.0f} MiB"
    assert status_of(mockserver_live, "GET", "/_connector/attack") == 404


# -- the head ---------------------------------------------------------------------------------------
def test_an_overlong_request_line_is_each_products_answer(mockserver_live):
    ((status, headers, answer),) = exchange(mockserver_live, request("GET", "/_connector/" + "a" * 5000))
    assert status == 400 and json.loads(answer)["error"]["root_cause"] == [
        {"type": "too_long_http_line_exception", "reason": "An HTTP line is larger than 4096 bytes."}
    ]
    ((status, headers, answer),) = exchange(mockserver_live, request("GET", "/api/saved_objects/config/" + "a" * 17000))
    assert (status, answer) == (400, b"")


def test_headers_over_elasticsearchs_limit(mockserver_live):
    raw = request("GET", "/_connector/connector-1", headers={"X-Big": "a" * 17000})
    ((status, _, answer),) = exchange(mockserver_live, raw)
    assert status == 400 and json.loads(answer)["error"]["type"] == "too_long_http_header_exception"
    assert json.loads(answer)["error"]["reason"] == "HTTP header is larger than 16384 bytes."


# -- hapi payloads ----------------------------------------------------------------------------------
def test_hapi_reads_text_and_forms_as_subtext_and_config_schema_do(mockserver_live):
    url = "/api/saved_objects/config/typed"
    # text/plain: a string, which config-schema parses as JSON where it takes an object.
    ((status, _, answer),) = exchange(
        mockserver_live, request("POST", url, b"not json", {"Content-Type": "text/plain", **OSD}), 1
    )
    assert (
        status == 400
        and json.loads(answer)["message"] == "[request body]: could not parse object value from json input"
    )
    body = json.dumps({"attributes": {"title": "from text"}}).encode()
    ((status, _, answer),) = exchange(
        mockserver_live, request("POST", url, body, {"Content-Type": "text/plain", **OSD}), 1
    )
    assert status == 200 and json.loads(answer)["attributes"] == {"title": "from text"}
    # A form: its fields, checked as the object they make.
    form = b"attributes=x"
    ((status, _, answer),) = exchange(
        mockserver_live,
        request("POST", url + "2", form, {"Content-Type": "application/x-www-form-urlencoded", **OSD}),
        1,
    )
    assert status == 400
    assert json.loads(answer)["message"] == "[request body.attributes]: could not parse object value from json input"
    # Any other type is not read.
    ((status, _, answer),) = exchange(
        mockserver_live, request("POST", url + "3", body, {"Content-Type": "application/xml", **OSD}), 1
    )
    assert status == 415 and json.loads(answer)["message"] == "Unsupported Media Type"


def test_hapi_decompresses_a_gzip_payload(mockserver_live):
    body = gzip.compress(json.dumps({"attributes": {"title": "zipped"}}).encode())
    headers = {**JSON, "Content-Encoding": "gzip", **OSD}
    ((status, _, answer),) = exchange(
        mockserver_live, request("POST", "/api/saved_objects/config/zipped", body, headers), 1
    )
    assert status == 200 and json.loads(answer)["attributes"] == {"title": "zipped"}
    ((status, _, answer),) = exchange(
        mockserver_live, request("POST", "/api/saved_objects/config/z2", b"\x1f\x8bnot", headers), 1
    )
    assert status == 400 and json.loads(answer)["message"] == "Invalid compressed payload"
    # A bomb: small compressed, over the limit inflated, refused without inflating it all.
    bomb = gzip.compress(b'{"attributes": {"title": "' + b"x" * (8 * 1024 * 1024) + b'"}}')
    assert len(bomb) < 1024 * 1024
    ((status, _, answer),) = exchange(
        mockserver_live, request("POST", "/api/saved_objects/config/z3", bomb, headers), 1
    )
    assert status == 413


def test_a_gzip_encoded_import_is_read(mockserver_live):
    line = json.dumps({"type": "config", "id": "imported", "attributes": {"title": "gz"}, "references": []})
    boundary = "zzboundary"
    form = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="export.ndjson"\r\n'
        f"Content-Type: application/ndjson\r\n\r\n{line}\r\n--{boundary}--\r\n"
    ).encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Encoding": "gzip", **OSD}
    ((status, _, answer),) = exchange(
        mockserver_live, request("POST", "/api/saved_objects/_import", gzip.compress(form), headers), 1
    )
    assert status == 200 and json.loads(answer)["successCount"] == 1
    assert status_of(mockserver_live, "GET", "/api/saved_objects/config/imported", OSD) == 200


# -- threads, timeouts, bounds -------------------------------------------------------------------------
def test_slow_clients_hold_no_thread(mockserver_live):
    before = threading.active_count()
    slow = []
    for _ in range(100):
        sock = connect(mockserver_live)
        sock.sendall(b"GET /_connector/connector-1 HTTP/1.1\r\nHost: sl")  # and then nothing
        slow.append(sock)
    time.sleep(0.3)
    assert threading.active_count() <= before + 1
    conn = http.client.HTTPConnection("127.0.0.1", mockserver_live.server.port, timeout=5)
    conn.request("GET", "/_mock/health")
    assert conn.getresponse().status == 200  # served meanwhile
    conn.close()
    for sock in slow:
        sock.close()


def test_a_silent_connection_is_closed_after_the_read_timeout():
    with LiveServer(create_app(), read_timeout=1) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            started = time.monotonic()
            assert closed_by_server(sock)
            assert time.monotonic() - started < 9


def test_connections_are_bounded():
    with LiveServer(create_app(), connection_limit=6) as server:  # the listener and its wake-up count too
        socks = []
        for _ in range(8):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=0.3)
            sock.sendall(request("GET", "/_mock/health"))
            socks.append(sock)
        time.sleep(0.2)
        answered = [sock for sock in socks if read_answers(sock, 1)]
        assert 0 < len(answered) < len(socks)
        for sock in answered:
            sock.close()
        waiting = [sock for sock in socks if sock not in answered]
        for sock in waiting:  # served once others went away
            sock.settimeout(5)
            assert read_answers(sock, 1)[0][0] == 200
            sock.close()


# -- mockserver serve ------------------------------------------------------------------------------
def test_serve_pipelines_and_warns_beyond_loopback():
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "serve", "--port", "0", "--host", "0.0.0.0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(process.stdout.readline().strip().rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(request("GET", "/_connector/connector-1") + request("GET", "/_mock/health") * 2)
            assert [a[0] for a in read_answers(sock, 3)] == [200, 200, 200]
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    assert "beyond loopback, without --auth" in err


def test_serve_on_loopback_does_not_warn():
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert "serving on http://127.0.0.1:" in process.stdout.readline()
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    assert "warning" not in err


# -- the mock's own bugs -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path, product",
    [
        ("/_connector/connector-1", "elasticsearch"),
        ("/api/saved_objects/config/x", "dashboards"),
        ("/api/ml/saved_objects/sync", "kibana"),
        ("/_mock/health", "mock"),
    ],
)
def test_a_bug_outside_the_routes_is_the_products_500_not_html(mockserver_live, monkeypatch, path, product):
    from mockserver.control import CONTROL

    served = mockserver_live.runtime.products.get(product, CONTROL)

    def broken(req, runtime):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(served, "server_refusal", broken)
    ((status, headers, answer),) = exchange(mockserver_live, request("GET", path, headers={**OSD, **KBN}), 1)
    assert status == 500 and "html" not in headers.get("content-type", "")
    assert "mockserver bug: RuntimeError: kaboom" in answer.decode()
