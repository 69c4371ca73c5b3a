"""Hostile values for Elasticsearch over HTTP: what its parsers and validators refuse, the mock refuses
with the very same error (status, type, reason, root_cause, caused_by), and what they take, it
stores as the server writes it back.

- numbers beyond the Java type a parser reads (ObjectParser's declareLong / declareInt, Jackson's
  ``Numeric value (..) out of range of long``), in bodies and in query parameters (paramAsInt);
- ``_id``s over 512 bytes of UTF-8 (DocWriteRequest.validateDocIdLength), connector ids included;
- connector timestamps, read as instants (ConnectorUtils.parseInstant): a non-instant is refused,
  an instant is stored as XContentBuilder writes an Instant (UTC, ``Z``, 3 to 9 fraction digits);
- an empty id segment (``/_connector//_error``): RestController's PathTrie routes it, with an empty
  id the action's validate() refuses.
"""

from __future__ import annotations

import http.client
import json
from urllib.parse import quote, urlsplit

import pytest

JSON = {"Content-Type": "application/json"}
SOURCE = "(org.elasticsearch.common.io.stream.ByteBufferStreamInput)"
LONG = "(-9223372036854775808 - 9223372036854775807)"
INT = "(-2147483648 - 2147483647)"
JOB = "my-connector-sync-job"  # in_progress, in the default fixtures
COUNTERS = '"indexed_document_count": 1, "indexed_document_volume": 1'


def call(url: str, method: str, path: str, body: str | None = None, headers=JSON) -> tuple[int, dict]:
    address = urlsplit(url)
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        conn.request(
            method, path, body=body.encode() if body is not None else None, headers=headers if body is not None else {}
        )
        reply = conn.getresponse()
        raw = reply.read()
        assert reply.getheader("X-elastic-product") == "Elasticsearch", raw[:300]
        return reply.status, json.loads(raw) if raw else None
    finally:
        conn.close()


def error_body(type_: str, reason: str, root: tuple[str, str] | None = None, caused_by: dict | None = None) -> dict:
    """An Elasticsearch error body: the root cause is the error itself unless given."""
    root_type, root_reason = root or (type_, reason)
    error = {"root_cause": [{"type": root_type, "reason": root_reason}], "type": type_, "reason": reason}
    if caused_by is not None:
        error["caused_by"] = caused_by
    return {"error": error, "status": 400}


def cause(type_: str, reason: str, caused_by: dict | None = None) -> dict:
    return {"type": type_, "reason": reason, **({"caused_by": caused_by} if caused_by else {})}


def overflow(literal: str, java: str, line: int, column: int) -> dict:
    """Jackson's input_coercion_exception under the x-content parser's x_content_parse_exception."""
    jackson = (
        f"Numeric value ({literal}) out of range of {java} {LONG if java == 'long' else INT}\n"
        f" at [Source: {SOURCE}; line: {line}, column: {column}]"
    )
    return cause(
        "x_content_parse_exception", f"[{line}:{column}] {jackson}", cause("input_coercion_exception", jackson)
    )


def failed_to_parse(parser: str, field: str, at: int, inner: dict) -> dict:
    return cause("x_content_parse_exception", f"[1:{at}] [{parser}] failed to parse field [{field}]", inner)


def as_error(chain: dict) -> dict:
    """The body of an error whose top is ``chain``: the root cause is its innermost x-content
    parse error (the unwrapping stops above a plain Java exception)."""
    root = chain
    while "caused_by" in root and root["caused_by"]["type"] == "x_content_parse_exception":
        root = root["caused_by"]
    return error_body(chain["type"], chain["reason"], (root["type"], root["reason"]), chain.get("caused_by"))


def validation(*messages: str) -> dict:
    numbered = "".join(f"{i}: {m};" for i, m in enumerate(messages, start=1))
    return error_body("action_request_validation_exception", f"Validation Failed: {numbered}")


# -- numbers beyond the Java type -------------------------------------------------------------


def test_a_sync_job_counter_beyond_a_long_is_jacksons_overflow_under_the_field(mockserver_live):
    url = mockserver_live.url
    path = f"/_connector/_sync_job/{JOB}/_stats"
    status, body = call(url, "PUT", path, f'{{"deleted_document_count": 9223372036854775808, {COUNTERS}}}')
    assert (status, body) == (
        400,
        as_error(
            failed_to_parse(
                "connector_sync_job_update_ingestion_stats",
                "deleted_document_count",
                28,
                overflow("9223372036854775808", "long", 1, 47),
            )
        ),
    )
    status, body = call(url, "GET", f"/_connector/_sync_job/{JOB}")
    assert body["deleted_document_count"] == 0  # nothing written
    # the long's own bounds are taken
    body = f'{{"deleted_document_count": 9223372036854775807, {COUNTERS}}}'
    assert call(url, "PUT", path, body) == (200, {"result": "updated"})
    assert call(url, "GET", f"/_connector/_sync_job/{JOB}")[1]["deleted_document_count"] == 9223372036854775807


@pytest.mark.parametrize("field", ["indexed_document_count", "indexed_document_volume", "total_document_count"])
def test_every_sync_job_counter_is_a_long(mockserver_live, field):
    counters = {"deleted_document_count": 1, "indexed_document_count": 1, "indexed_document_volume": 1}
    text = json.dumps({**counters, field: 0})[:-1].replace(f'"{field}": 0', f'"{field}": -9223372036854775809') + "}"
    start = text.index("-9223372036854775809") + 1
    status, body = call(mockserver_live.url, "PUT", f"/_connector/_sync_job/{JOB}/_stats", text)
    assert (status, body) == (
        400,
        as_error(
            failed_to_parse(
                "connector_sync_job_update_ingestion_stats",
                field,
                start,
                overflow("-9223372036854775809", "long", 1, start + 20),
            )
        ),
    )


def test_last_sync_counters_are_longs(mockserver_live):
    text = '{\n  "last_indexed_document_count": 123456789012345678901234567890\n}'
    status, body = call(mockserver_live.url, "PUT", "/_connector/connector-1/_last_sync", text)
    inner = overflow("123456789012345678901234567890", "long", 2, 64)  # line 2, where the number ends
    assert (status, body) == (
        400,
        as_error(
            cause(
                "x_content_parse_exception",
                "[2:34] [connector_update_last_sync_stats_request] failed to parse field [last_indexed_document_count]",
                inner,
            )
        ),
    )


def test_a_filtering_rule_order_beyond_an_int_is_wrapped_by_each_parser_on_the_way(mockserver_live):
    text = (
        '{"rules": [{"field": "a", "id": "r1", "order": 3000000000, "policy": "include", "rule": "equals", '
        '"value": "x"}]}'
    )
    start = text.index("3000000000") + 1
    status, body = call(mockserver_live.url, "PUT", "/_connector/connector-1/_filtering", text)
    # every wrapper is placed where the number starts: the parser has not moved when it goes up
    assert (status, body) == (
        400,
        as_error(
            failed_to_parse(
                "connector_update_filtering_request",
                "rules",
                start,
                failed_to_parse(
                    "connector_filtering_rule", "order", start, overflow("3000000000", "int", 1, start + 10)
                ),
            )
        ),
    )


def test_a_configuration_order_beyond_an_int_under_a_map_key(mockserver_live):
    text = '{"configuration": {"host": {"label": "Host", "order": 2147483648}}}'
    start = text.index("2147483648") + 1
    status, body = call(mockserver_live.url, "PUT", "/_connector/connector-1/_configuration", text)
    # the map's keys are read by no object parser: no wrapper for [host]
    assert (status, body) == (
        400,
        as_error(
            failed_to_parse(
                "connector_update_configuration_request",
                "configuration",
                start,
                failed_to_parse(
                    "connector_configuration", "order", start, overflow("2147483648", "int", 1, start + 10)
                ),
            )
        ),
    )


def test_a_search_size_beyond_an_int_is_jacksons_error_itself(mockserver_live):
    # SearchSourceBuilder reads size with parser.intValue(), no ObjectParser around it
    status, body = call(mockserver_live.url, "POST", "/hostile-search/_search", '{"size": 2147483648}')
    assert (status, body) == (400, as_error(overflow("2147483648", "int", 1, 20)))
    status, body = call(mockserver_live.url, "POST", "/hostile-search/_search", '{"from": "3000000000"}')
    assert (status, body) == (
        400,
        error_body("illegal_argument_exception", "Value [3000000000] is out of range for an integer"),
    )


def test_ml_fields_read_as_longs_and_ints(mockserver_live):
    url = mockserver_live.url
    job = (
        '{"analysis_config": {"bucket_span": "15m", "detectors": [{"function": "count"}]}, '
        '"data_description": {}, "results_retention_days": 99999999999999999999}'
    )
    start = job.index("99999999999999999999") + 1
    status, body = call(url, "PUT", "/_ml/anomaly_detectors/hostile-job", job)
    assert (status, body) == (
        400,
        as_error(
            failed_to_parse(
                "job_details", "results_retention_days", start, overflow("99999999999999999999", "long", 1, start + 20)
            )
        ),
    )
    assert call(url, "GET", "/_ml/anomaly_detectors/hostile-job")[0] == 404
    feed = '{"job_id": "whatever", "indices": ["i"], "scroll_size": 2147483648}'
    start = feed.index("2147483648") + 1
    status, body = call(url, "PUT", "/_ml/datafeeds/hostile-feed", feed)
    assert (status, body) == (
        400,
        as_error(
            failed_to_parse("datafeed_config", "scroll_size", start, overflow("2147483648", "int", 1, start + 10))
        ),
    )


def test_an_update_body_seq_no_beyond_a_long(mockserver_live):
    text = '{"doc": {"a": 1}, "if_seq_no": 9223372036854775808, "if_primary_term": 1}'
    status, body = call(mockserver_live.url, "POST", "/hostile-update/_update/1", text)
    assert (status, body) == (
        400,
        as_error(failed_to_parse("UpdateRequest", "if_seq_no", 32, overflow("9223372036854775808", "long", 1, 51))),
    )


@pytest.mark.parametrize(
    "path, java, name, value",
    [
        ("/_connector?size=2147483648", "int", "size", "2147483648"),
        ("/_connector/_sync_job?from=-2147483649", "int", "from", "-2147483649"),
        ("/_ml/trained_models?size=99999999999999999999", "int", "size", "99999999999999999999"),
        ("/hostile-search/_search?size=1e3", "int", "size", "1e3"),
        (
            "/hostile-docs/_doc/1?if_seq_no=9223372036854775808&if_primary_term=1",
            "long",
            "if_seq_no",
            "9223372036854775808",
        ),
        ("/hostile-docs/_doc/1?version=abc", "long", "version", "abc"),
    ],
)
def test_query_parameters_parsed_as_java_integers(mockserver_live, path, java, name, value):
    """RestRequest.paramAsInt / paramAsLong: Integer.parseInt's NumberFormatException under the
    illegal_argument_exception."""
    method = "GET" if "_doc" not in path else "PUT"
    status, body = call(mockserver_live.url, method, path, '{"a": 1}' if method == "PUT" else None)
    reason = f"Failed to parse {java} parameter [{name}] with value [{value}]"
    assert (status, body) == (
        400,
        error_body(
            "illegal_argument_exception",
            reason,
            caused_by=cause("number_format_exception", f'For input string: "{value}"'),
        ),
    )


# -- ids over 512 bytes -----------------------------------------------------------------------


def too_long(doc_id: str) -> str:
    return f"id [{doc_id}] is too long, must be no longer than 512 bytes but was: {len(doc_id.encode())}"


def test_a_connector_id_over_512_bytes_is_refused_by_its_index_request(mockserver_live):
    url = mockserver_live.url
    for connector_id in ("c" * 513, "é" * 257):  # bytes of UTF-8, not characters: 257 characters are 514 bytes
        status, body = call(url, "PUT", "/_connector/" + quote(connector_id), '{"name": "long"}')
        assert (status, body) == (400, validation(too_long(connector_id)))
        assert call(url, "GET", "/_connector/" + quote(connector_id))[0] == 404
    assert call(url, "PUT", "/_connector/" + "c" * 512, '{"name": "long"}') == (
        201,
        {"id": "c" * 512, "result": "created"},
    )
    # the put action's own validate() (the index name) and the index name check come first
    status, body = call(url, "PUT", "/_connector/" + "c" * 513, '{"index_name": "Bad*"}')
    assert status == 400 and body["error"]["reason"].startswith("Validation Failed: 1: [Bad*] InvalidIndexName")
    assert "is too long" not in body["error"]["reason"]


def test_a_bulk_item_id_over_512_bytes_refuses_the_whole_bulk(mockserver_live):
    """BulkRequest.validate() runs every item's validate(): no item is written."""
    url = mockserver_live.url
    long_id = "é" * 300
    lines = (
        json.dumps({"index": {"_index": "hostile-bulk", "_id": "1"}})
        + '\n{"a": 1}\n'
        + json.dumps({"create": {"_id": long_id}}, ensure_ascii=False)
        + '\n{"a": 2}\n'
    )
    status, body = call(url, "POST", "/_bulk", lines, {"Content-Type": "application/x-ndjson"})
    assert (status, body) == (400, validation("index is missing", too_long(long_id)))
    assert call(url, "GET", "/hostile-bulk/_doc/1")[0] == 404


def test_a_document_id_is_counted_in_bytes_and_listed_with_the_other_problems(mockserver_live):
    url = mockserver_live.url
    long_id = "€" * 171  # 513 bytes
    status, body = call(url, "PUT", f"/hostile-docs/_doc/{quote(long_id)}?pipeline=", '{"a": 1}')
    assert (status, body) == (400, validation(too_long(long_id), "pipeline cannot be an empty string"))
    # a create with compare-and-set is refused for that alone (IndexRequest.validate returns there)
    status, body = call(url, "PUT", f"/hostile-docs/_create/{quote(long_id)}?if_seq_no=1", '{"a": 1}')
    assert (status, body) == (400, validation("create operations do not support compare and set. use index instead"))


# -- instants ---------------------------------------------------------------------------------


def date_refusal(text: str) -> dict:
    return cause(
        "illegal_argument_exception",
        f"failed to parse date field [{text}] with format [strict_date_optional_time||epoch_millis]",
        cause("date_time_parse_exception", "Failed to parse with all enclosed parsers"),
    )


@pytest.mark.parametrize(
    "field",
    [
        "last_sync_scheduled_at",
        "last_access_control_sync_scheduled_at",
        "last_incremental_sync_scheduled_at",
        "last_synced",
    ],
)
def test_a_last_sync_timestamp_that_is_no_instant_is_refused(mockserver_live, field):
    text = f'{{"{field}": "not-a-date"}}'
    status, body = call(mockserver_live.url, "PUT", "/_connector/connector-1/_last_sync", text)
    assert (status, body) == (
        400,
        as_error(
            failed_to_parse(
                "connector_update_last_sync_stats_request", field, len(field) + 6, date_refusal("not-a-date")
            )
        ),
    )


@pytest.mark.parametrize(
    "text",
    ["2024-02-30T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01 10:00:00Z", "2024-01-01T10:00:00z", "yesterday"],
)
def test_a_calendar_impossible_or_misspelt_instant_is_refused(mockserver_live, text):
    status, body = call(
        mockserver_live.url, "PUT", "/_connector/connector-1/_last_sync", json.dumps({"last_synced": text})
    )
    assert status == 400 and body["error"]["caused_by"] == date_refusal(text)


def test_an_empty_timestamp_is_refused_as_an_empty_date(mockserver_live):
    status, body = call(mockserver_live.url, "PUT", "/_connector/connector-1/_last_sync", '{"last_synced": ""}')
    assert (status, body) == (
        400,
        as_error(
            failed_to_parse(
                "connector_update_last_sync_stats_request",
                "last_synced",
                17,
                cause("illegal_argument_exception", "cannot parse empty date"),
            )
        ),
    )


def test_last_sync_instants_are_stored_as_the_server_writes_an_instant(mockserver_live):
    url = mockserver_live.url
    sent = {
        "last_sync_scheduled_at": "2024-01-16T12:06:40.233382+01:00",  # offset: converted to UTC
        "last_access_control_sync_scheduled_at": "2024-01-16T11:06:40Z",  # no fraction: three zeros
        "last_incremental_sync_scheduled_at": "1705403200000",  # epoch millis
        "last_synced": "2024-01-16T11:06:40.123456789Z",  # nanoseconds kept
        "last_sync_status": "completed",
    }
    assert call(url, "PUT", "/_connector/connector-1/_last_sync", json.dumps(sent)) == (200, {"result": "updated"})
    connector = call(url, "GET", "/_connector/connector-1")[1]
    assert {k: connector[k] for k in sent} == {
        "last_sync_scheduled_at": "2024-01-16T11:06:40.233382Z",
        "last_access_control_sync_scheduled_at": "2024-01-16T11:06:40.000Z",
        "last_incremental_sync_scheduled_at": "2024-01-16T11:06:40.000Z",
        "last_synced": "2024-01-16T11:06:40.123456789Z",
        "last_sync_status": "completed",
    }


def test_an_advanced_snippet_timestamp_is_an_instant(mockserver_live):
    url = mockserver_live.url
    text = '{"advanced_snippet": {"value": {}, "updated_at": "soon"}}'
    status, body = call(url, "PUT", "/_connector/connector-1/_filtering", text)
    start = text.index('"soon"') + 1
    assert (status, body) == (
        400,
        as_error(
            failed_to_parse(
                "connector_update_filtering_request",
                "advanced_snippet",
                start,
                failed_to_parse("connector_filtering_advanced_snippet", "updated_at", start, date_refusal("soon")),
            )
        ),
    )
    text = json.dumps(
        {
            "advanced_snippet": {
                "value": {"q": 1},
                "created_at": "2024-03-01T00:00:00+02:00",
                "updated_at": "2024-03-01T10:00:00.5Z",
            }
        }
    )
    assert call(url, "PUT", "/_connector/connector-1/_filtering", text) == (200, {"result": "updated"})
    snippet = call(url, "GET", "/_connector/connector-1")[1]["filtering"][0]["draft"]["advanced_snippet"]
    assert snippet == {
        "created_at": "2024-02-29T22:00:00.000Z",
        "updated_at": "2024-03-01T10:00:00.500Z",
        "value": {"q": 1},
    }


def test_a_filtering_rule_timestamp_is_an_instant(mockserver_live):
    rule = {
        "field": "a",
        "id": "r1",
        "order": 1,
        "policy": "include",
        "rule": "equals",
        "value": "x",
        "created_at": "2024-13-01T00:00:00Z",
    }
    text = json.dumps({"rules": [rule]})
    start = text.index('"2024-13-01') + 1
    status, body = call(mockserver_live.url, "PUT", "/_connector/connector-1/_filtering", text)
    assert (status, body) == (
        400,
        as_error(
            failed_to_parse(
                "connector_update_filtering_request",
                "rules",
                start,
                failed_to_parse("connector_filtering_rule", "created_at", start, date_refusal("2024-13-01T00:00:00Z")),
            )
        ),
    )


def test_a_sync_job_last_seen_is_an_instant(mockserver_live):
    url = mockserver_live.url
    path = f"/_connector/_sync_job/{JOB}/_stats"
    text = f'{{"deleted_document_count": 1, {COUNTERS}, "last_seen": "later"}}'
    status, body = call(url, "PUT", path, text)
    assert (status, body) == (
        400,
        as_error(
            failed_to_parse(
                "connector_sync_job_update_ingestion_stats",
                "last_seen",
                text.index('"later"') + 1,
                date_refusal("later"),
            )
        ),
    )
    text = f'{{"deleted_document_count": 1, {COUNTERS}, "last_seen": "2024-05-01T08:00:00-04:00"}}'
    assert call(url, "PUT", path, text) == (200, {"result": "updated"})
    assert call(url, "GET", f"/_connector/_sync_job/{JOB}")[1]["last_seen"] == "2024-05-01T12:00:00.000Z"


# -- empty id segments ------------------------------------------------------------------------

EMPTY_CONNECTOR_ID = '[connector_id] cannot be [null] or [""].'
EMPTY_JOB_ID = "[connector_sync_job_id] of the connector sync job cannot be null or empty."
PIPELINE = {"extract_binary_content": True, "name": "p", "reduce_whitespace": True, "run_ml_inference": True}


@pytest.mark.parametrize(
    "suffix, body",
    [
        ("_check_in", None),
        ("_error", {"error": "boom"}),
        ("_name", {"name": "n"}),
        ("_index_name", {"index_name": "search-empty"}),
        ("_service_type", {"service_type": "s"}),
        ("_native", {"is_native": False}),
        ("_status", {"status": "connected"}),
        ("_configuration", {"values": {}}),
        ("_scheduling", {"scheduling": {"full": {"enabled": True, "interval": "0 0 0 * * ?"}}}),
        ("_pipeline", {"pipeline": PIPELINE}),
        ("_filtering", {"advanced_snippet": {"value": {}}}),
        ("_filtering/_validation", {"validation": {"errors": [], "state": "valid"}}),
        ("_filtering/_activate", None),
        ("_last_sync", {"last_sync_status": "completed"}),
        ("_api_key_id", {"api_key_id": "k"}),
        ("_features", {"features": {"incremental_sync": {"enabled": True}}}),
    ],
)
def test_an_empty_connector_id_segment_reaches_the_action_which_refuses_it(mockserver_live, suffix, body):
    status, answer = call(
        mockserver_live.url, "PUT", f"/_connector//{suffix}", json.dumps(body) if body is not None else None
    )
    assert (status, answer) == (400, validation(EMPTY_CONNECTOR_ID))


@pytest.mark.parametrize(
    "suffix, body",
    [
        ("_cancel", None),
        ("_check_in", None),
        ("_claim", {"worker_hostname": "h"}),
        ("_error", {"error": "e"}),
        ("_stats", {"deleted_document_count": 0, "indexed_document_count": 0, "indexed_document_volume": 0}),
    ],
)
def test_an_empty_sync_job_id_segment_reaches_the_action_which_refuses_it(mockserver_live, suffix, body):
    status, answer = call(
        mockserver_live.url, "PUT", f"/_connector/_sync_job//{suffix}", json.dumps(body) if body is not None else None
    )
    assert (status, answer) == (400, validation(EMPTY_JOB_ID))


def test_an_empty_id_is_listed_first_with_the_actions_other_problems(mockserver_live):
    url = mockserver_live.url
    assert call(url, "PUT", "/_connector//_name", "{}") == (
        400,
        validation(
            EMPTY_CONNECTOR_ID,
            "[name] and [description] cannot both be [null]. Please provide a value for at least one of them.",
        ),
    )
    assert call(url, "PUT", "/_connector//_index_name", '{"index_name": "Bad*"}')[1]["error"]["reason"].startswith(
        f"Validation Failed: 1: {EMPTY_CONNECTOR_ID};2: [Bad*] InvalidIndexNameException"
    )
    body = '{"deleted_document_count": -1, "indexed_document_count": 0, "indexed_document_volume": 0}'
    assert call(url, "PUT", "/_connector/_sync_job//_stats", body) == (
        400,
        validation(EMPTY_JOB_ID, "[deleted_document_count] cannot be negative."),
    )
    assert call(url, "PUT", "/_connector/_sync_job//_error", '{"error": ""}') == (
        400,
        validation(EMPTY_JOB_ID, "[error] of the connector sync job cannot be null or empty"),
    )


def test_the_body_is_parsed_before_the_empty_id_is_refused(mockserver_live):
    # the REST handler parses the body; the transport action validates the request after
    status, body = call(mockserver_live.url, "PUT", "/_connector//_error", '{"eror": "boom"}')
    assert status == 400 and body["error"]["type"] == "x_content_parse_exception"
    assert "unknown field [eror]" in body["error"]["reason"]


@pytest.mark.parametrize(
    "indices, where, token",
    [(None, "[1:33]", "VALUE_NULL"), ({"a": 1}, "[1:33]", "START_OBJECT"), (["a", None], "[1:39]", "VALUE_NULL")],
)
def test_a_field_of_two_forms_refuses_a_value_of_neither_in_the_parsers_words(http, indices, where, token):
    """indices is a string or an array of strings: a value of neither form (or a bad item) is refused as
    ObjectParser refuses a token, never in the schema validator's words."""
    reply = http.put("/_ml/datafeeds/f1", json={"job_id": "myjob2", "indices": indices})
    assert reply.status == 400
    assert "valid under" not in reply.text and "None" not in reply.text
    assert f"{where} [datafeed_config] indices doesn't support values of type: {token}" in reply.text
