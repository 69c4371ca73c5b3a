"""The request journal and fault injection, over HTTP and from Python (README: "Journal and faults")."""

from __future__ import annotations

import http.client
import json
import time

import pytest

from mockserver import create_app, runtime_of
from mockserver.faults import ConnectionDropped

XSRF = {"osd-xsrf": "true"}


# -- journal --------------------------------------------------------------------------------------


def test_every_answered_request_is_recorded(mockserver_client):
    client = mockserver_client
    client.post("/_connector/_sync_job", json={"id": "connector-1", "job_type": "full"})
    client.get("/s/marketing/api/ml/saved_objects/sync?simulate=true")
    client.get("/api/saved_objects/visualization/nope")
    client.get("/_mock/health")  # the control API is not recorded
    journal = client.get("/_mock/requests").get_json()
    assert journal["total"] == 3
    sync_job, kibana, dashboards = journal["requests"]
    assert (sync_job["product"], sync_job["method"], sync_job["path"], sync_job["status"]) == (
        "elasticsearch",
        "POST",
        "/_connector/_sync_job",
        201,
    )
    assert json.loads(sync_job["request_body"]) == {"id": "connector-1", "job_type": "full"}
    assert (
        "id" in json.loads(sync_job["response_body"])
        and sync_job["response_headers"]["X-elastic-product"] == "Elasticsearch"
    )
    assert (kibana["product"], kibana["path"], kibana["query"]) == (
        "kibana",
        "/s/marketing/api/ml/saved_objects/sync",
        "simulate=true",
    )
    assert (dashboards["product"], dashboards["status"]) == ("dashboards", 404)
    assert sync_job["id"] < kibana["id"] < dashboards["id"]


def test_journal_filters_limit_and_clear(mockserver_client):
    client = mockserver_client
    for _ in range(3):
        client.post("/_connector/_sync_job", json={"id": "connector-1"})
    client.get("/_connector/connector-1")
    assert client.get("/_mock/requests?method=POST").get_json()["total"] == 3
    assert client.get("/_mock/requests?path=/_connector/*").get_json()["total"] == 4
    assert client.get("/_mock/requests?path=/_connector/connector-1").get_json()["total"] == 1
    assert client.get("/_mock/requests?product=kibana").get_json()["total"] == 0
    newest = client.get("/_mock/requests?limit=1").get_json()["requests"]
    assert [e["method"] for e in newest] == ["GET"]
    assert client.delete("/_mock/requests").get_json() == {"acknowledged": True}
    assert client.get("/_mock/requests").get_json() == {"total": 0, "requests": []}
    assert client.get("/_mock/requests?bogus=1").status_code == 400


def test_the_journal_is_bounded_and_can_be_off():
    small = create_app(journal_size=2)
    client = small.test_client()
    for connector in ("connector-1", "my-connector", "connector-id"):
        client.get(f"/_connector/{connector}")
    assert [e.path for e in runtime_of(small).journal.requests()] == [
        "/_connector/my-connector",
        "/_connector/connector-id",
    ]
    off = create_app(journal_size=0)
    off.test_client().get("/_connector/connector-1")
    assert runtime_of(off).journal.requests() == []


def test_python_assertions(mockserver_app, mockserver_client):
    journal = runtime_of(mockserver_app).journal
    mockserver_client.post("/_connector/_sync_job", json={"id": "connector-1", "job_type": "incremental"})
    mockserver_client.post("/_connector/_sync_job", json={"id": "my-connector"})
    assert journal.count("POST", "/_connector/_sync_job") == 2
    journal.assert_called("POST", "/_connector/_sync_job", times=2)
    entries = journal.assert_called("post", "/_connector/_sync_job", body={"job_type": "incremental"}, times=1)
    assert entries[0].json["id"] == "connector-1" and entries[0].response_json["id"]
    journal.assert_called("POST", "/_connector/_sync_job", body=lambda body: body["id"] == "my-connector")
    with pytest.raises(AssertionError, match=r"expected DELETE /_connector/\* at least once, found 0"):
        journal.assert_called("DELETE", "/_connector/*")
    with pytest.raises(AssertionError, match="3 time"):
        journal.assert_called("POST", "/_connector/_sync_job", times=3)


def test_reset_clears_the_journal(mockserver_client):
    mockserver_client.get("/_connector/connector-1")
    mockserver_client.post("/_mock/reset")
    assert mockserver_client.get("/_mock/requests").get_json()["total"] == 0


# -- faults ---------------------------------------------------------------------------------------


def test_a_status_for_the_next_calls_in_the_product_s_own_body(mockserver_client):
    client = mockserver_client
    added = client.post(
        "/_mock/faults",
        json={"product": "elasticsearch", "method": "GET", "path": "/_connector/*", "status": 503, "times": 2},
    ).get_json()["faults"]
    assert added[0]["id"] and added[0]["times"] == 2
    for _ in range(2):
        reply = client.get("/_connector/connector-1")
        assert reply.status_code == 503 and reply.headers["X-elastic-product"] == "Elasticsearch"
        assert reply.get_json() == {
            "error": {
                "root_cause": [{"type": "unavailable_shards_exception", "reason": "injected fault: status [503]"}],
                "type": "unavailable_shards_exception",
                "reason": "injected fault: status [503]",
            },
            "status": 503,
        }
    assert client.get("/_connector/connector-1").status_code == 200
    assert client.get("/_mock/faults").get_json()["faults"][0]["applied"] == 2


def test_boom_products_answer_their_own_body(mockserver_client):
    mockserver_client.post(
        "/_mock/faults",
        json=[
            {"product": "dashboards", "status": 429},
            {"product": "kibana", "status": 500, "message": "Kibana is on fire"},
        ],
    )
    reply = mockserver_client.get("/api/saved_objects/config/3.6.0")
    assert (reply.status_code, reply.get_json()) == (
        429,
        {"statusCode": 429, "error": "Too Many Requests", "message": "Too Many Requests"},
    )
    reply = mockserver_client.get("/s/marketing/api/ml/saved_objects/sync")
    assert reply.get_json() == {"statusCode": 500, "error": "Internal Server Error", "message": "Kibana is on fire"}
    assert mockserver_client.get("/_connector/connector-1").status_code == 200  # other products untouched


def test_latency_and_a_seeded_probability(mockserver_client):
    mockserver_client.post("/_mock/faults", json={"path": "/_connector/connector-1", "latency_ms": 60})
    started = time.perf_counter()
    assert mockserver_client.get("/_connector/connector-1").status_code == 200
    assert time.perf_counter() - started >= 0.06

    def pattern(seed: int) -> list[int]:
        app = create_app(journal_size=0)
        runtime_of(app).faults.add(path="/_connector/*", status=503, probability=0.5, seed=seed)
        client = app.test_client()
        return [client.get("/_connector/connector-1").status_code for _ in range(30)]

    first = pattern(7)
    assert first == pattern(7) and {200, 503} == set(first)


def test_a_dropped_connection(mockserver_client, mockserver_live):
    runtime = mockserver_live.runtime
    runtime.faults.add(path="/_connector/connector-1", drop=True, times=1)
    conn = http.client.HTTPConnection("127.0.0.1", int(mockserver_live.url.rsplit(":", 1)[1]))
    with pytest.raises(http.client.RemoteDisconnected):
        conn.request("GET", "/_connector/connector-1")
        conn.getresponse()
    conn.close()
    assert [e.status for e in runtime.journal.requests()] == [0]
    # In process, the test client hands the drop to the caller.
    runtime.faults.add(path="/_connector/connector-1", drop=True, times=1)
    with pytest.raises(ConnectionDropped):
        mockserver_client.get("/_connector/connector-1")


@pytest.mark.parametrize(
    "rule, message",
    [
        ({"path": "/x"}, "fault rule refused: a fault needs an effect: status, latency_ms or drop"),
        ({"status": 200}, "[request body] /status: 200 is less than the minimum of 400"),
        ({"status": 500, "probability": 2}, "[request body] /probability: 2 is greater than the maximum of 1"),
    ],
)
def test_bad_rules(mockserver_client, rule, message):
    reply = mockserver_client.post("/_mock/faults", json=rule)
    assert reply.status_code == 400 and reply.get_json()["message"] == message
    assert mockserver_client.get("/_mock/faults").get_json() == {"faults": []}


@pytest.mark.mockserver_fault(product="elasticsearch", path="/_connector/connector-1", status=404, times=1)
def test_a_marker_sets_a_fault_for_one_test(mockserver_client):
    assert mockserver_client.get("/_connector/connector-1").status_code == 404
    assert mockserver_client.get("/_connector/connector-1").status_code == 200


def test_the_marker_s_fault_is_gone_in_the_next_test(mockserver_client):
    assert mockserver_client.get("/_mock/faults").get_json() == {"faults": []}


@pytest.mark.parametrize("status", [429, 503])
def test_the_official_client_retries_through_a_fault(mockserver_live, status):
    import elasticsearch9 as elasticsearch

    mockserver_live.faults.add(
        product="elasticsearch", method="GET", path="/_connector/connector-1", status=status, times=2
    )
    es = elasticsearch.Elasticsearch(mockserver_live.url, max_retries=3, retry_on_status=(429, 503))
    assert es.connector.get(connector_id="connector-1")["id"] == "connector-1"
    assert [e.status for e in mockserver_live.journal.requests(path="/_connector/connector-1")] == [status, status, 200]


def test_the_journal_keeps_what_the_app_reads_and_no_more(mockserver_app, mockserver_client):
    journal = runtime_of(mockserver_app).journal
    big = json.dumps([{"type": "url", "id": f"u{i}", "attributes": {"url": "/" + "x" * 100}} for i in range(800)])
    assert (
        mockserver_client.post(
            "/api/saved_objects/_bulk_create", data=big, headers={**XSRF, "Content-Type": "application/json"}
        ).status_code
        == 200
    )
    (entry,) = journal.requests(path="/api/saved_objects/_bulk_create")
    assert entry.truncated and len(entry.request_body) == 64 * 1024 and big.startswith(entry.request_body)
    # A body refused before it is read (over the payload limit) is not read for the journal either.
    huge = b"x" * 2_000_000
    assert (
        mockserver_client.post(
            "/api/spaces/space", data=huge, headers={"kbn-xsrf": "1", "Content-Type": "application/json"}
        ).status_code
        == 413
    )
    (refused,) = journal.requests(path="/api/spaces/space")
    assert (refused.status, refused.request_body) == (413, "")


# -- regressions found in review ---------------------------------------------------------------


def test_a_rule_for_every_product_leaves_the_control_api_alone(mockserver_client):
    mockserver_client.post("/_mock/faults", json={"status": 503})
    assert mockserver_client.get("/_connector/connector-1").status_code == 503
    assert mockserver_client.delete("/_mock/faults").status_code == 200
    assert mockserver_client.get("/_connector/connector-1").status_code == 200


def test_a_status_without_a_standard_phrase(mockserver_client):
    mockserver_client.post("/_mock/faults", json={"product": "kibana", "status": 499})
    reply = mockserver_client.get("/api/spaces/space")
    assert (reply.status_code, reply.get_json()) == (499, {"statusCode": 499, "error": "Unknown", "message": "Unknown"})


@pytest.mark.parametrize(
    "body",
    [
        b'{"latency_ms": 1e300}',
        b'{"latency_ms": NaN}',
        b'{"latency_ms": Infinity}',
        b'{"status": 500, "probability": NaN}',
    ],
)
def test_latency_and_probability_must_be_sane(mockserver_client, body):
    reply = mockserver_client.post("/_mock/faults", data=body, content_type="application/json")
    assert reply.status_code == 400
    assert mockserver_client.get("/_mock/faults").get_json() == {"faults": []}


def test_a_limit_past_the_total(mockserver_client):
    for _ in range(3):
        mockserver_client.get("/_connector/connector-1")
    assert [mockserver_client.get(f"/_mock/requests?limit={n}").get_json()["total"] for n in (0, 2, 3, 5)] == [
        0,
        2,
        3,
        3,
    ]


def test_a_body_answered_unread_is_still_recorded(mockserver_app, mockserver_client):
    journal = runtime_of(mockserver_app).journal
    journal_body = {"attributes": {"title": "retried"}}
    mockserver_client.post("/_mock/faults", json={"product": "dashboards", "status": 503, "times": 1})
    for expected in (503, 200):
        reply = mockserver_client.post("/api/saved_objects/visualization/r1", json=journal_body, headers=XSRF)
        assert reply.status_code == expected
    entries = journal.assert_called("POST", "/api/saved_objects/visualization/r1", times=2, body=journal_body)
    assert [e.status for e in entries] == [503, 200]


def test_space_prefixes_do_not_reach_the_control_api(mockserver_client):
    reply = mockserver_client.delete("/s/marketing/_mock/requests")
    assert (reply.status_code, reply.get_json()["statusCode"]) == (404, 404)


def test_elasticsearch_refuses_an_announced_huge_body_without_reading_it(mockserver_live):
    import socket
    from urllib.parse import urlsplit

    address = urlsplit(mockserver_live.url)
    with socket.create_connection((address.hostname, address.port), timeout=5) as sock:
        sock.sendall(
            b"POST /_connector/_sync_job HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 209715200\r\n\r\n{"
        )
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413")
