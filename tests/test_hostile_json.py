"""Hostile JSON over HTTP: each product's reader refuses what the real one refuses (NaN, Infinity),
takes what it takes (Elasticsearch's comments, lone surrogates), and whatever it stores is answered,
exported and dumped as valid JSON that loads back."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest

JSON = {"Content-Type": "application/json", "osd-xsrf": "true", "kbn-xsrf": "true"}
JACKSON_NAN = "Non-standard token '{}': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow"


def call(url: str, method: str, path: str, body: str | bytes | None = None, headers=JSON) -> tuple[int, dict, bytes]:
    address = urlsplit(url)
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        reply = conn.getresponse()
        raw = reply.read()
        return reply.status, dict(reply.getheaders()), raw
    finally:
        conn.close()


def strict(raw: bytes):
    """The answer as a standard parser reads it: UTF-8, no NaN (a bare NaN fails here)."""

    def refuse(token):
        raise ValueError(f"non-standard token {token}")

    return json.loads(raw.decode("utf-8"), parse_constant=refuse)


CONNECTOR = '{{"index_name": "search-hostile", "name": {}}}'


@pytest.mark.parametrize("token, column", [("NaN", 45), ("Infinity", 50), ("-Infinity", 51)])
def test_elasticsearch_refuses_non_numeric_numbers_as_jackson_does(mockserver_live, token, column):
    status, _, raw = call(mockserver_live.url, "PUT", "/_connector/hostile", CONNECTOR.format(token))
    error = strict(raw)["error"]
    assert status == 400 and error["type"] == "x_content_parse_exception"
    assert error["reason"].startswith(f"[1:{column}] " + JACKSON_NAN.format(token))
    assert error["caused_by"]["type"] == "json_parse_exception"
    assert call(mockserver_live.url, "GET", "/_connector/hostile")[0] == 404  # nothing stored


def test_elasticsearch_refuses_non_numeric_numbers_in_a_bulk_item(mockserver_live):
    lines = '{"index":{"_index":"hostile","_id":"1"}}\n{"n": NaN}\n{"index":{"_index":"hostile","_id":"2"}}\n{"n": 2}\n'
    status, _, raw = call(mockserver_live.url, "POST", "/_bulk", lines, {"Content-Type": "application/x-ndjson"})
    answer = strict(raw)
    assert status == 200 and answer["errors"] is True
    first, second = (item["index"] for item in answer["items"])
    assert first["status"] == 400 and JACKSON_NAN.format("NaN") in first["error"]["reason"]
    assert second["status"] == 201


def test_elasticsearch_takes_comments_as_its_parser_allows_them(mockserver_live):
    body = (
        '{\n  // the index the connector writes to\n  "index_name": "search-commented", /* and its name */\n'
        '  "name": "a // not a comment /* nor this */"\n}'
    )
    status, _, raw = call(mockserver_live.url, "PUT", "/_connector/commented", body)
    assert status == 201, raw
    connector = strict(call(mockserver_live.url, "GET", "/_connector/commented")[2])
    assert connector["index_name"] == "search-commented"
    assert connector["name"] == "a // not a comment /* nor this */"
    # A schema error after a comment is still placed where the field stands.
    status, _, raw = call(
        mockserver_live.url, "PUT", "/_connector/commented2", '{ /* x */ "index_name": "search-c2", "nonsense": 1}'
    )
    assert status == 400 and strict(raw)["error"]["reason"].startswith("[1:38] [connector_put_request] unknown field")


def test_a_lone_surrogate_in_elasticsearch_is_stored_and_answered_as_an_escape(mockserver_live):
    url = mockserver_live.url
    status, _, raw = call(url, "PUT", "/_connector/lone", CONNECTOR.format('"half \\ud800 a pair"'))
    assert status == 201, raw
    for path in (
        "/_connector/lone",
        "/_connector",
        "/_connector/lone?pretty",
        "/.elastic-connectors/_doc/lone",
        "/.elastic-connectors/_search?expand_wildcards=hidden",
    ):
        status, headers, raw = call(url, "GET", path)
        assert status == 200 and headers["Content-Type"].startswith("application/json"), (path, raw[:200])
        assert b"\\uD800" in raw  # Jackson's generator escapes it, upper case
        strict(raw)
    assert strict(call(url, "GET", "/_connector/lone")[2])["name"] == "half \ud800 a pair"
    status, _, raw = call(
        url,
        "PUT",
        "/_ml/anomaly_detectors/lone",
        json.dumps(
            {
                "description": "\ud800",
                "analysis_config": {"bucket_span": "15m", "detectors": [{"function": "count"}]},
                "data_description": {},
            }
        ),
    )
    assert status == 200 and strict(raw)["description"] == "\ud800"


def test_the_state_dump_with_a_lone_surrogate_loads_back(mockserver_live):
    url = mockserver_live.url
    assert call(url, "PUT", "/_connector/lone", CONNECTOR.format('"\\udfff"'))[0] == 201
    status, _, dumped = call(url, "GET", "/_mock/state")
    assert status == 200
    strict(dumped)
    assert call(url, "POST", "/_mock/reset")[0] == 200
    assert call(url, "GET", "/_connector/lone")[0] == 404
    status, _, raw = call(url, "POST", "/_mock/state", dumped)
    assert status == 200, raw
    assert strict(call(url, "GET", "/_connector/lone")[2])["name"] == "\udfff"


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/saved_objects/index-pattern/nan", '{"attributes": {"title": NaN}}'),
        ("/api/saved_objects/index-pattern/inf", '{"attributes": {"title": "t", "fields": Infinity}}'),
    ],
)
def test_dashboards_refuses_non_numeric_numbers_as_json_parse_does(mockserver_live, path, body):
    status, _, raw = call(mockserver_live.url, "POST", path, body)
    assert status == 400
    assert strict(raw) == {"statusCode": 400, "error": "Bad Request", "message": "Invalid request payload JSON format"}
    assert call(mockserver_live.url, "GET", path)[0] == 404


def test_kibana_refuses_non_numeric_numbers_as_json_parse_does(mockserver_live):
    status, _, raw = call(mockserver_live.url, "POST", "/api/spaces/space", '{"id": "nan", "name": NaN}')
    assert status == 400
    assert strict(raw)["message"] == "Invalid request payload JSON format"
    assert call(mockserver_live.url, "GET", "/api/spaces/space/nan")[0] == 404


def test_a_dashboards_export_with_a_lone_surrogate_imports_again(mockserver_live):
    url = mockserver_live.url
    status, _, raw = call(
        url, "POST", "/api/saved_objects/index-pattern/lone", '{"attributes": {"title": "half \\ud800 a pair"}}'
    )
    assert status == 200 and strict(raw)["attributes"]["title"] == "half \ud800 a pair"
    status, _, exported = call(
        url,
        "POST",
        "/api/saved_objects/_export",
        '{"objects": [{"type": "index-pattern", "id": "lone"}], "excludeExportDetails": true}',
    )
    assert status == 200 and b"\\ud800" in exported  # JSON.stringify's well-formed escape
    line = strict(exported.splitlines()[0])
    assert line["attributes"]["title"] == "half \ud800 a pair"
    assert call(url, "DELETE", "/api/saved_objects/index-pattern/lone")[0] == 200
    boundary = "hostileboundary"
    form = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="export.ndjson"\r\n'
            "Content-Type: application/ndjson\r\n\r\n"
        ).encode()
        + exported
        + f"\r\n--{boundary}--\r\n".encode()
    )
    status, _, raw = call(
        url,
        "POST",
        "/api/saved_objects/_import",
        form,
        {"osd-xsrf": "true", "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert status == 200 and strict(raw)["success"] is True, raw
    assert (
        strict(call(url, "GET", "/api/saved_objects/index-pattern/lone")[2])["attributes"]["title"]
        == "half \ud800 a pair"
    )
