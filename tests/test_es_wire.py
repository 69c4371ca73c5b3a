"""Elasticsearch on the wire: headers, media types, the REST layer's own errors, universal parameters."""

from __future__ import annotations

import json

import pytest
from conftest import es_error

VND = "application/vnd.elasticsearch+json; compatible-with={}"


def test_root_info_is_pretty_by_default(http):
    reply = http.get("/")
    assert reply.status == 200 and reply.text.endswith("}\n") and '"tagline" : "You Know, for Search"' in reply.text
    body = reply.json
    assert list(body) == ["name", "cluster_name", "cluster_uuid", "version", "tagline"]
    assert list(body["version"]) == [
        "number",
        "build_flavor",
        "build_type",
        "build_hash",
        "build_date",
        "build_snapshot",
        "lucene_version",
        "minimum_wire_compatibility_version",
        "minimum_index_compatibility_version",
    ]
    assert body["version"]["number"].startswith("9.") and body["version"]["build_snapshot"] is False
    compact = http.get("/", query={"pretty": "false"})
    assert compact.text == json.dumps(body, separators=(",", ":"))


def test_head_root_has_no_body_but_the_length_of_get(mockserver_client):
    head, get = mockserver_client.head("/"), mockserver_client.get("/")
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == str(len(get.data))
    assert head.headers["X-elastic-product"] == "Elasticsearch"


@pytest.mark.parametrize("path", ["/", "/_connector/connector-1", "/_connector/nope", "/no/such/thing"])
def test_product_header_on_every_answer(http, path):
    reply = http.get(path)
    assert reply.headers["X-elastic-product"] == "Elasticsearch"
    assert reply.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("major", ["8", "9"])
def test_vendor_media_type_is_json_and_echoed(http, major):
    reply = http.post(
        "/_connector/_sync_job",
        data=json.dumps({"id": "connector-1"}),
        headers={"Content-Type": VND.format(major), "Accept": VND.format(major)},
    )
    assert reply.status == 201
    assert reply.headers["Content-Type"] == f"application/vnd.elasticsearch+json;compatible-with={major}"
    error = http.get("/_connector/nope", headers={"Accept": VND.format(major)})
    assert error.status == 404
    assert error.headers["Content-Type"] == f"application/vnd.elasticsearch+json;compatible-with={major}"


@pytest.mark.parametrize("accept", ["*/*", "text/plain", "application/json, text/plain", "application/json"])
def test_any_accept_gets_json(http, accept):
    reply = http.get("/_connector/connector-1", headers={"Accept": accept})
    assert reply.status == 200 and reply.headers["Content-Type"] == "application/json"


def test_unsupported_compatible_version(http):
    accept = VND.format(7)
    reply = http.get("/_connector/connector-1", headers={"Accept": accept})
    error = es_error(
        reply, 400, "media_type_header_exception", "Invalid media-type value on headers [Accept, Content-Type]"
    )
    assert error["caused_by"] == {
        "type": "status_exception",
        "reason": f"Accept version must be either version 9 or 8, but found 7. Accept={accept}",
    }
    assert error["root_cause"] == [{"type": "media_type_header_exception", "reason": error["reason"]}]
    assert reply.headers["Content-Type"] == "application/json"


def test_compatible_versions_must_match_with_a_body(http):
    reply = http.post(
        "/_connector/_sync_job",
        data='{"id": "connector-1"}',
        headers={"Content-Type": VND.format(8), "Accept": VND.format(9)},
    )
    error = es_error(reply, 400, "media_type_header_exception")
    assert error["caused_by"]["reason"].startswith(
        "A compatible version is required on both Content-Type and Accept "
        "headers if either one has requested a compatible version and the "
        "compatible versions must match."
    )
    reply = http.post("/_connector/_sync_job", data='{"id": "connector-1"}', headers={"Content-Type": VND.format(9)})
    assert "Accept=null" in es_error(reply, 400, "media_type_header_exception")["caused_by"]["reason"]


@pytest.mark.parametrize(
    "value, reason",
    [
        ("foo", "invalid media-type [foo]"),
        ("application/json; charset", "invalid parameters for header [application/json; charset]"),
    ],
)
def test_malformed_content_type(http, value, reason):
    reply = http.post("/_connector/_sync_job", data='{"id": "connector-1"}', headers={"Content-Type": value})
    error = es_error(reply, 400, "media_type_header_exception", "Invalid media-type value on headers [Content-Type]")
    assert error["caused_by"]["reason"] == reason


def test_body_content_type_refused_or_missing(mockserver_client):
    reply = mockserver_client.post("/_connector/_sync_job", data='{"id": "connector-1"}', content_type="text/plain")
    assert (reply.status_code, reply.json) == (
        406,
        {"error": "Content-Type header [text/plain] is not supported", "status": 406},
    )
    reply = mockserver_client.post("/_connector/_sync_job", data='{"id": "connector-1"}', headers={"Content-Type": ""})
    assert reply.status_code in (400, 406)
    environ = {"CONTENT_TYPE": None}
    reply = mockserver_client.open(
        "/_connector/_sync_job", method="POST", data=b'{"id": "connector-1"}', environ_overrides=environ
    )
    assert (reply.status_code, reply.json) == (406, {"error": "Content-Type header is missing", "status": 406})


def test_json_with_a_charset_is_json(http):
    reply = http.post(
        "/_connector/_sync_job",
        data='{"id": "connector-1"}',
        headers={"Content-Type": "application/json; charset=UTF-8"},
    )
    assert reply.status == 201


def test_unknown_path_and_wrong_method(mockserver_client):
    reply = mockserver_client.get("/_nope/x?a=1")
    assert (reply.status_code, reply.json) == (
        400,
        {"error": "no handler found for uri [/_nope/x?a=1] and method [GET]"},
    )
    reply = mockserver_client.post("/_connector/_sync_job/x/_cancel")
    assert reply.status_code == 405
    assert reply.json == {
        "error": "Incorrect HTTP method for uri [/_connector/_sync_job/x/_cancel] and method [POST], allowed: [PUT]",
        "status": 405,
    }
    assert reply.headers["Allow"] == "PUT"
    assert reply.headers["X-elastic-product"] == "Elasticsearch"
    # Every pattern that matches the path counts: /_connector/_sync_job is also /_connector/{connector_id}.
    reply = mockserver_client.patch("/_connector/_sync_job")
    assert (
        reply.json["error"].endswith("allowed: [GET, POST, PUT, DELETE]")
        and reply.headers["Allow"] == "GET,POST,PUT,DELETE"
    )


def test_malformed_json(http):
    reply = http.post(
        "/_connector/_sync_job", data='{"id" "connector-1"}', headers={"Content-Type": "application/json"}
    )
    error = es_error(reply, 400, "x_content_parse_exception")
    assert error["reason"].startswith("[1:7] Unexpected character ('\"' (code 34)): was expecting a colon")
    assert error["caused_by"]["type"] == "json_parse_exception"
    assert error["root_cause"][0]["type"] == "x_content_parse_exception"


def test_truncated_json(http):
    reply = http.post(
        "/_connector/_sync_job", data='{"id": "connector-1"', headers={"Content-Type": "application/json"}
    )
    error = es_error(reply, 400, "x_content_e_o_f_exception", "[1:21] Unexpected end of file")
    assert error["caused_by"]["type"] == "json_e_o_f_exception"


def test_duplicate_field(http):
    reply = http.post(
        "/_connector/_sync_job", data='{"id": "a",\n "id": "b"}', headers={"Content-Type": "application/json"}
    )
    es_error(reply, 400, "x_content_parse_exception", "[2:2] Duplicate field 'id'")


def test_invalid_utf8(http):
    reply = http.post("/_connector/_sync_job", data=b'{"id": "\xff"}', headers={"Content-Type": "application/json"})
    es_error(reply, 400, "x_content_parse_exception")


def test_filter_path(http):
    reply = http.get(
        "/_connector/_sync_job", query={"connector_id": "connector-1", "filter_path": "count,results.status"}
    )
    body = reply.json
    assert list(body) == ["count", "results"] and all(list(j) == ["status"] for j in body["results"])
    assert (
        http.get("/_connector/connector-1", query={"filter_path": "-filtering,-scheduling,-configuration"})
        .json.keys()
        .isdisjoint({"filtering", "scheduling", "configuration"})
    )
    assert http.get("/_connector/connector-1", query={"filter_path": "**.rules.id"}).json == {
        "filtering": [{"active": {"rules": [{"id": "DEFAULT"}]}, "draft": {"rules": [{"id": "DEFAULT"}]}}]
    }
    assert http.get("/_connector/connector-1", query={"filter_path": "nothing.here"}).json == {}
    # Never applied to errors.
    assert (
        http.get("/_connector/nope", query={"filter_path": "status"}).json["error"]["type"]
        == "resource_not_found_exception"
    )


def test_pretty_and_human(http):
    reply = http.get("/_connector/_sync_job/my-connector-sync-job", query={"pretty": "", "human": "true"})
    assert reply.text.startswith('{\n  "id" : "my-connector-sync-job",\n') and reply.text.endswith("\n}\n")
    assert '"metadata" : { }' in reply.text
    error = http.get("/_connector/nope", query={"pretty": "true"})
    assert error.text.startswith('{\n  "error" : {\n    "root_cause" : [\n      {\n')
    es_error(
        http.get("/_connector/connector-1", query={"pretty": "yes"}),
        400,
        "illegal_argument_exception",
        "Failed to parse value [yes] as only [true] or [false] are allowed.",
    )


def test_error_trace(mockserver_client):
    reply = mockserver_client.get("/_connector/nope?error_trace=true")
    error = reply.json["error"]
    assert "stack_trace" in error and "stack_trace" in error["root_cause"][0]
    reply = mockserver_client.get("/_connector/nope?error_trace=maybe")
    assert (reply.status_code, reply.json) == (
        400,
        {"error": "Failed to parse value [maybe] as only [true] or [false] are allowed.", "status": 400},
    )


def test_format_is_a_universal_parameter(http):
    assert http.get("/_connector/connector-1", query={"format": "json"}).status == 200


def test_head_only_where_the_server_registers_it(mockserver_client):
    reply = mockserver_client.head("/_connector/connector-1")
    assert reply.status_code == 405 and reply.headers["Allow"] == "GET,PUT,DELETE"


@pytest.mark.parametrize(
    "path, allow", [("/_connector/connector-1", "GET,PUT,DELETE"), ("/", "GET,HEAD"), ("/no/such/path", None)]
)
def test_options_is_answered_by_the_rest_layer(mockserver_client, path, allow):
    reply = mockserver_client.options(path)
    assert reply.status_code == 200 and reply.data == b""
    assert reply.headers["Content-Type"] == "text/plain; charset=UTF-8"
    assert reply.headers.get("Allow") == allow
