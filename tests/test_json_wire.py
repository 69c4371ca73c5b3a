"""JSON on the wire as each product writes it.

Kibana and OpenSearch Dashboards are hapi servers on Node: hapi writes a payload with JSON.stringify
(hapi lib/transmit.js, ``JSON.stringify(source, replacer, space)``), and the saved-objects export writes
each line with json-stable-stringify (core's saved_objects/export/get_sorted_objects_for_export.ts via
createListStream/stringify). A number is a double there, written by ECMA-262 Number::toString; a string
is written as the UTF-8 characters themselves, escaping only what JSON.stringify escapes."""

from __future__ import annotations

import json

import pytest

from mockserver.elasticsearch.xcontent import jackson_json, java_double
from mockserver.jsonvalue import js_number, node_json

OSD = {"osd-xsrf": "true", "Content-Type": "application/json"}
KIBANA = {"kbn-xsrf": "true", "Content-Type": "application/json"}


# What Node prints for JSON.stringify(JSON.parse(text)), number by number (V8, Number::toString).
@pytest.mark.parametrize(
    "text, node",
    [
        ("10.0e-1", "1"),
        ("1.0", "1"),
        ("1E21", "1e+21"),
        ("1e20", "100000000000000000000"),
        ("9007199254740993", "9007199254740992"),  # 2**53 + 1 is no double: the nearest even one
        ("9007199254740992", "9007199254740992"),
        ("-0", "0"),
        ("-0.0", "0"),
        ("1.5e-7", "1.5e-7"),
        ("0.000001", "0.000001"),
        ("0.0000015", "0.0000015"),
        ("1e-7", "1e-7"),
        ("0.00001", "0.00001"),
        ("123456789012345680000", "123456789012345680000"),
        ("12345678901234567890", "12345678901234567000"),
        ("1e16", "10000000000000000"),
        ("0.1", "0.1"),
        ("-2.5", "-2.5"),
        ("123.456", "123.456"),
        ("-1.5e300", "-1.5e+300"),
        ("1.7976931348623157e308", "1.7976931348623157e+308"),
        ("5e-324", "5e-324"),
        ("1e400", "null"),  # Infinity to JSON.parse, which JSON.stringify writes as null
        ("-1e400", "null"),
        ("1" + "0" * 400, "null"),
    ],
)
def test_a_number_is_written_as_number_to_string_writes_its_double(text, node):
    assert js_number(json.loads(text)) == node


def test_a_string_escapes_only_what_json_stringify_escapes():
    value = 'café ☃ \U0001f600 \x01\x1f\x7f\u2028\u2029 "\\ \n\r\t\b\f \ud800 \udfff /'
    assert node_json(value) == (
        '"café ☃ \U0001f600 \\u0001\\u001f\x7f\u2028\u2029 \\"\\\\ \\n\\r\\t\\b\\f \\ud800 \\udfff /"'
    )


def test_an_objects_array_index_keys_come_first_ascending_as_in_a_parsed_js_object():
    # OrdinaryOwnPropertyKeys: array indices (up to 2**32 - 2) ascending, then the rest as inserted
    value = json.loads('{"b": 1, "10": 2, "2": 3, "01": 4, "4294967295": 5, "4294967294": 6, "-1": 7, "a": 8}')
    assert node_json(value) == '{"2":3,"10":2,"4294967294":6,"b":1,"01":4,"4294967295":5,"-1":7,"a":8}'


def test_stable_stringify_sorts_keys_by_utf16_code_units():
    # Array.prototype.sort's default order compares UTF-16 code units: an astral character's
    # surrogates (0xD83D) sort before U+FFFF, where code point order has them after.
    assert node_json({"\uffff": 1, "\U0001f600": 2, "b": {"z": 1.0, "10": 2, "9": 3}}, sort_keys=True) == (
        '{"b":{"10":2,"9":3,"z":1},"\U0001f600":2,"\uffff":1}'
    )


NUMBERS = "[10.0e-1, 1E21, 9007199254740993, -0, 1.5e-7, 123456789012345680000, 1e400]"
NODE_NUMBERS = b"[1,1e+21,9007199254740992,0,1.5e-7,123456789012345680000,null]"


def test_dashboards_writes_an_answer_as_json_stringify_does(http):
    body = '{"attributes": {"title": "caf\\u00e9 \\u2603", "numbers": %s, "b": 1, "2": 2, "1": 3}}' % NUMBERS
    reply = http.client.post("/api/saved_objects/index-pattern/wire", data=body, headers=OSD)
    assert reply.status_code == 200, reply.get_data()
    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"
    raw = reply.get_data()
    assert '"title":"café ☃"'.encode() in raw
    assert b'"numbers":' + NODE_NUMBERS in raw
    assert b'"attributes":{"1":3,"2":2,"title"' in raw  # JSON.parse put the array indices first
    got = http.client.get("/api/saved_objects/index-pattern/wire").get_data()
    assert b'"numbers":' + NODE_NUMBERS in got and '"title":"café ☃"'.encode() in got


def test_a_dashboards_export_line_is_written_as_json_stable_stringify_does(http):
    body = '{"attributes": {"title": "caf\\u00e9", "numbers": %s}}' % NUMBERS
    assert http.client.post("/api/saved_objects/index-pattern/wire-export", data=body, headers=OSD).status_code == 200
    reply = http.client.post(
        "/api/saved_objects/_export",
        data=json.dumps({"objects": [{"type": "index-pattern", "id": "wire-export"}], "excludeExportDetails": True}),
        headers=OSD,
    )
    assert reply.status_code == 200, reply.get_data()
    line = reply.get_data().splitlines()[0]
    assert line.startswith(b'{"attributes":{"numbers":' + NODE_NUMBERS + ',"title":"café"}'.encode())


def test_kibana_writes_non_ascii_as_utf8_not_as_escapes(http):
    reply = http.client.post("/api/spaces/space", data='{"id": "wire", "name": "Caf\\u00e9 \\u2603"}', headers=KIBANA)
    assert reply.status_code == 200, reply.get_data()
    assert '"name":"Café ☃"'.encode() in reply.get_data()
    assert b"\\u00e9" not in reply.get_data()


def test_a_boom_error_is_written_as_json_stringify_does(http):
    reply = http.client.get("/api/saved_objects/index-pattern/caf\u00e9")
    assert reply.status_code == 404
    assert reply.get_data().decode("utf-8") == (
        '{"statusCode":404,"error":"Not Found","message":"Saved object [index-pattern/café] not found"}'
    )


# Elasticsearch stores a document's source as the bytes it was sent and writes them into an answer
# unchanged, unless the answer is filtered or pretty printed, which parse and write them again
# (JsonXContentGenerator.writeRawField / writeRawValue, ``mayWriteRawData``).
ES = {"Content-Type": "application/json"}
SENT = '{ "b" : 1.50, "a":1E21,\n "big": 123456789012345678901234567890, "t": "caf\\u00e9", "z": -0.0 }'


def _index(http, text: str = SENT) -> None:
    assert http.put("/wire-docs", json={}).status == 200
    reply = http.client.put("/wire-docs/_doc/1?refresh=true", data=text, headers=ES)
    assert reply.status_code == 201, reply.get_data()


def test_elasticsearch_answers_a_source_as_the_text_it_was_sent(http):
    _index(http)
    got = http.client.get("/wire-docs/_doc/1").get_data(as_text=True)
    assert got.endswith(f'"found":true,"_source":{SENT}}}')
    assert http.client.get("/wire-docs/_source/1").get_data(as_text=True) == SENT
    hits = http.client.post("/wire-docs/_search", data="{}", headers=ES).get_data(as_text=True)
    assert f'"_source":{SENT}}}' in hits


def test_a_bulk_items_source_is_answered_as_its_line_was_sent(http):
    line = '{"n": 1.50,  "m": 2E3}'
    body = '{"index": {"_index": "wire-bulk", "_id": "1"}}\n' + line + "\n"
    reply = http.client.post("/_bulk?refresh=true", data=body, headers={"Content-Type": "application/x-ndjson"})
    assert reply.status_code == 200 and b'"errors":false' in reply.get_data(), reply.get_data()
    assert http.client.get("/wire-bulk/_source/1").get_data(as_text=True) == line


def test_a_filtered_or_pretty_answer_writes_the_source_again(http):
    _index(http)
    filtered = http.client.get("/wire-docs/_doc/1?_source_includes=b,a,t,z").get_data(as_text=True)
    assert filtered.endswith('"_source":{"b":1.5,"a":1.0E21,"t":"café","z":-0.0}}')
    hits = http.client.post("/wire-docs/_search", data='{"_source": ["a"]}', headers=ES).get_data(as_text=True)
    assert '"_source":{"a":1.0E21}' in hits
    pretty = http.client.get("/wire-docs/_source/1?pretty").get_data(as_text=True)
    assert pretty.startswith('{\n  "b" : 1.5,\n  "a" : 1.0E21,\n') and '"t" : "café"' in pretty
    paths = http.client.get("/wire-docs/_doc/1?filter_path=_source.t").get_data(as_text=True)
    assert paths == '{"_source":{"t":"café"}}'


def test_a_source_with_comments_is_answered_as_parsed(http):
    _index(http, '{"n": 1 /* one */}')
    assert http.client.get("/wire-docs/_source/1").get_data(as_text=True) == '{"n":1}'


def test_an_updated_source_is_the_servers_own_writing(http):
    sent = '{ "b" : 1.50, "t": "caf\\u00e9", "z": -0.0 }'
    _index(http, sent)
    reply = http.client.put("/wire-docs/_doc/2?refresh=true", data=sent, headers=ES)
    assert reply.status_code == 201, reply.get_data()
    reply = http.client.post("/wire-docs/_update/1", data='{"doc": {"t": "tea"}}', headers=ES)
    assert reply.status_code == 200, reply.get_data()
    assert http.client.get("/wire-docs/_source/1").get_data(as_text=True) == '{"b":1.5,"t":"tea","z":-0.0}'
    # a noop update leaves the document, and its text, as they were
    reply = http.client.post("/wire-docs/_update/2", data='{"doc": {"t": "caf\\u00e9"}}', headers=ES)
    assert reply.status_code == 200 and b'"result":"noop"' in reply.get_data(), reply.get_data()
    assert http.client.get("/wire-docs/_source/2").get_data(as_text=True) == sent


# What Java prints for Double.toString(Double.parseDouble(text)) (JDK 19+), which Jackson's
# writeNumber(double) writes.
@pytest.mark.parametrize(
    "text, java",
    [
        ("1.50", "1.5"),
        ("1E21", "1.0E21"),
        ("1.0", "1.0"),
        ("100", "100.0"),
        ("-0.0", "-0.0"),
        ("0", "0.0"),
        ("1.5e-7", "1.5E-7"),
        ("0.001", "0.001"),
        ("0.0009", "9.0E-4"),
        ("1e7", "1.0E7"),
        ("9999999.5", "9999999.5"),
        ("1e23", "1.0E23"),
        ("123456789012345680000", "1.2345678901234568E20"),
        ("5e-324", "4.9E-324"),  # Double.MIN_VALUE: two digits, the closer
        ("-2.5e300", "-2.5E300"),
    ],
)
def test_a_double_is_written_again_as_java_writes_it(text, java):
    assert java_double(float(text)) == java


def test_jackson_writes_strings_with_upper_case_escapes_and_utf8_as_it_is():
    assert jackson_json({"k": "é\x01\x1f\\u001f\n\ud800"}) == '{"k":"é\\u0001\\u001F\\\\u001f\\n\\uD800"}'
