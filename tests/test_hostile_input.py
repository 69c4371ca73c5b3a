"""Hostile input: each gets a 4xx in the product's own format (or a clear error at start) and leaves
the state as it was."""

from __future__ import annotations

import io
import json

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from mockserver import FixtureError, create_app, runtime_of

XSRF = {"osd-xsrf": "true", "kbn-xsrf": "true"}
# One writing route per product, and the control API's.
WRITES = {
    "elasticsearch": ("POST", "/_connector/_sync_job"),
    "kibana": ("POST", "/api/spaces/space"),
    "dashboards": ("POST", "/api/saved_objects/_bulk_create"),
    "control": ("POST", "/_mock/state"),
}
DEEP = ("[" * 50_000 + "]" * 50_000).encode()


@pytest.fixture
def hostile(mockserver_app, mockserver_client):
    """Sends a request and checks that it is refused with a 4xx and changes nothing."""
    store = runtime_of(mockserver_app).store

    def send(
        product: str,
        data: bytes | None = None,
        content_type: str | None = "application/json",
        method: str | None = None,
        path: str | None = None,
        headers: dict | None = None,
    ):
        method, path = (method or WRITES[product][0]), (path or WRITES[product][1])
        before = store.dump()
        all_headers = {**XSRF, **(headers or {}), **({"Content-Type": content_type} if content_type else {})}
        reply = mockserver_client.open(path, method=method, data=data, headers=all_headers)
        assert 400 <= reply.status_code < 500, (product, reply.status_code, reply.get_data(as_text=True)[:300])
        assert store.dump() == before
        body = reply.get_json(silent=True)
        if product == "elasticsearch" and body is not None:
            # The error object with its status, or the REST layer's plain text ("no handler found ...").
            assert "error" in body and (isinstance(body["error"], str) or body["status"] == reply.status_code)
            assert reply.headers.get("X-elastic-product") == "Elasticsearch"
        elif body is not None:
            assert set(body) >= {"statusCode", "error", "message"} and body["statusCode"] == reply.status_code
        return reply

    return send


@pytest.mark.parametrize("product", list(WRITES))
@pytest.mark.parametrize("data", [b'{"id": ', b"{'id': 1}", b"[1, 2", b"\x00\x01", b"not json"])
def test_malformed_json(hostile, product, data):
    hostile(product, data)


@pytest.mark.parametrize("product", list(WRITES))
def test_an_empty_body(hostile, product):
    hostile(product, b"")


@pytest.mark.parametrize("product", ["elasticsearch", "kibana", "dashboards"])
@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", None])
def test_a_wrong_or_missing_content_type(hostile, product, content_type):
    hostile(product, b"<connector id='connector-1'/>", content_type)


def test_elasticsearch_names_the_content_type(hostile):
    reply = hostile("elasticsearch", b'{"id": "connector-1"}', "text/plain")
    assert reply.status_code == 406 and "Content-Type header [text/plain] is not supported" in reply.get_json()["error"]


@pytest.mark.parametrize("product", list(WRITES))
def test_deep_nesting(hostile, product):
    reply = hostile(product, DEEP)
    if product == "elasticsearch":
        assert "Document nesting depth (1001) exceeds the maximum allowed (1000" in reply.get_json()["error"]["reason"]


@pytest.mark.parametrize("product", list(WRITES))
def test_invalid_utf8(hostile, product):
    hostile(product, b'{"id": "\xff\xfe\xfd", "name": "x"}')


def test_huge_bodies(hostile, monkeypatch):
    from mockserver.elasticsearch import http as es_http

    monkeypatch.setattr(es_http, "MAX_CONTENT_LENGTH", 1000)
    reply = hostile("elasticsearch", json.dumps({"id": "connector-1", "pad": "x" * 2000}).encode())
    assert (reply.status_code, reply.data) == (413, b"")  # Netty answers it: no body, no product header
    big = json.dumps({"id": "s", "name": "x" * 1_100_000}).encode()
    assert (
        hostile("kibana", big).get_json()["message"] == "Payload content length greater than maximum allowed: 1048576"
    )
    assert (
        hostile("dashboards", big).get_json()["message"]
        == "Payload content length greater than maximum allowed: 1048576"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/_connector/a%2Fb",
        "/_connector/a%20b",
        "/_connector/%E2%9C%93",
        "/_connector/%25",
        "/_connector/..%2F_sync_job",
    ],
)
@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_odd_elasticsearch_ids(hostile, path, method):
    assert hostile("elasticsearch", None, None, method=method, path=path).status_code in (400, 404)


@pytest.mark.parametrize(
    "path",
    [
        "/api/saved_objects/visualization/a%2Fb",
        "/api/saved_objects/visualization/a%20b",
        "/api/saved_objects/visualization/%E2%9C%93",
        "/api/saved_objects/visualization/%25",
        "/api/spaces/space/a%2Fb",
        "/s/%E2%9C%93/api/ml/saved_objects/sync",
        "/s/a%2Fb/api/spaces/space",
    ],
)
def test_odd_kibana_and_dashboards_ids(hostile, path):
    product = "dashboards" if "saved_objects/" in path and "/ml/" not in path else "kibana"
    assert hostile(product, None, None, method="GET", path=path).status_code == 404


def test_bad_ndjson_lines(hostile):
    boundary, body = encode_multipart(
        MultiDict(
            {
                "file": FileStorage(
                    io.BytesIO(b'{"type":"visualization","id":"new","attributes":{"title":"N"}}\n{"type":'),
                    filename="x.ndjson",
                )
            }
        )
    )
    reply = hostile("dashboards", body, f"multipart/form-data; boundary={boundary}", path="/api/saved_objects/_import")
    assert reply.get_json()["message"] == "Unexpected end of JSON input"


def test_a_fixture_with_a_bad_shape_fails_at_start(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"dashboards": {"saved_objects": {"visualization": {"v": {"attributes": []}}}}}))
    with pytest.raises(FixtureError) as raised:
        create_app([bad])
    assert str(bad) in str(raised.value) and "/dashboards/saved_objects/visualization/v/attributes" in str(raised.value)


def test_a_fixture_outside_the_named_folder_is_refused(tmp_path):
    folder, outside = tmp_path / "fixtures", tmp_path / "elsewhere.json"
    folder.mkdir()
    outside.write_text(json.dumps({"elasticsearch": {"connectors": {"sneaky": {"index_name": "search-sneaky"}}}}))
    (folder / "link.json").symlink_to(outside)
    with pytest.raises(FixtureError, match="outside the folder"):
        create_app([folder])
