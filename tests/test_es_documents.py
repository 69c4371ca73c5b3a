"""Elasticsearch's document store over HTTP: indices, documents, update, bulk, refresh, mapping,
aliases, ingest pipelines, the license and fixture seeding, as real Elasticsearch 9.x answers them.

The behaviour pinned here is the one in /work/notes/es-documents.md (cited as "§n") and
/work/notes/es-connectors-internals.md §5 (the search-default-ingestion pipeline) and §6 (license).
Where the mock disagrees with that spec the test still asserts the spec and is marked
``xfail(strict=True)`` with what the mock does instead.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC

import pytest
from conftest import es_error, fixture_app

NDJSON = {"Content-Type": "application/x-ndjson"}
SHARDS = {"total": 2, "successful": 1, "failed": 0}  # one node, the default one replica (§0.4)
NO_SHARDS = {"total": 0, "successful": 0, "failed": 0}  # a noop update
FORBIDDEN = "must not contain the following characters [' ','\"','*',',','/','<','>','?','\\','|']"
UUID22 = re.compile(r"[A-Za-z0-9_-]{22}\Z")
DOC_ID20 = re.compile(r"[A-Za-z0-9_-]{20}\Z")
DESTRUCTIVE = "Wildcard expressions or all indices are not allowed"
NO_WRITE_INDEX = (
    "no write index is defined for alias [{}]. The write index may be explicitly disabled using "
    "is_write_index=false or the alias points to multiple indices without one being designated as a "
    "write index"
)


# -- helpers ------------------------------------------------------------------------------------
def create(http, name: str, body: dict | None = None):
    reply = http.put(f"/{name}", json=body)
    assert reply.status == 200, reply.text
    return reply


def put_doc(http, index: str, doc_id: str, source: dict, **query):
    reply = http.put(f"/{index}/_doc/{doc_id}", json=source, query=query or None)
    assert reply.status in (200, 201), reply.text
    return reply.json


def get_source(http, index: str, doc_id: str) -> dict:
    reply = http.get(f"/{index}/_doc/{doc_id}")
    assert reply.status == 200, reply.text
    return reply.json["_source"]


def update(http, index: str, doc_id: str, body: dict, **query):
    return http.post(f"/{index}/_update/{doc_id}", json=body, query=query or None)


def uuid_of(http, index: str) -> str:
    return http.get(f"/{index}").json[index]["settings"]["index"]["uuid"]


def index_settings(http, index: str, **query) -> dict:
    reply = http.get(f"/{index}", query=query or None)
    assert reply.status == 200, reply.text
    return reply.json[index]["settings"]["index"]


def ndjson(*lines) -> str:
    return "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)


def bulk(http, *lines, path: str = "/_bulk", method: str = "POST", **query):
    return http.request(method, path, data=ndjson(*lines), headers=NDJSON, query=query or None)


def items(reply) -> list[tuple[str, dict]]:
    assert reply.status == 200, reply.text
    return [next(iter(item.items())) for item in reply.json["items"]]


def exact_error(reply, status: int, cause: dict) -> None:
    """The whole error body (§0.1): root_cause holds the cause, then the cause's own keys, in order."""
    es_error(reply, status, cause["type"], cause["reason"])
    assert reply.json == {"error": {"root_cause": [cause], **cause}, "status": status}, reply.text
    assert list(reply.json["error"]) == ["root_cause", *cause]
    assert list(reply.json["error"]["root_cause"][0]) == list(cause)


def plain(type_: str, reason: str) -> dict:
    return {"type": type_, "reason": reason}


def not_found_cause(name: str, reason: str | None = None) -> dict:
    return {
        "type": "index_not_found_exception",
        "reason": reason or f"no such index [{name}]",
        "resource.type": "index_or_alias",
        "resource.id": name,
        "index_uuid": "_na_",
        "index": name,
    }


def shard_cause(type_: str, reason: str, index: str, uuid: str) -> dict:
    return {"type": type_, "reason": reason, "index_uuid": uuid, "shard": "0", "index": index}


def validation(reply, *messages: str) -> None:
    numbered = "".join(f"{i}: {m};" for i, m in enumerate(messages, start=1))
    exact_error(reply, 400, plain("action_request_validation_exception", f"Validation Failed: {numbered}"))


def written(index: str, doc_id: str, version: int, result: str, seq_no: int, shards: dict = SHARDS) -> dict:
    return {
        "_index": index,
        "_id": doc_id,
        "_version": version,
        "result": result,
        "_shards": shards,
        "_seq_no": seq_no,
        "_primary_term": 1,
    }


WRITE_KEYS = ["_index", "_id", "_version", "result", "_shards", "_seq_no", "_primary_term"]


# -- PUT /{index} ---------------------------------------------------------------------------------
def test_create_index_settings_are_normalised_to_index_prefix_and_strings(http):
    create(http, "conf", {"settings": {"number_of_shards": 3, "index": {"number_of_replicas": 0}}})
    settings = index_settings(http, "conf")
    assert (settings["number_of_shards"], settings["number_of_replicas"]) == ("3", "0")
    assert put_doc(http, "conf", "1", {"a": 1})["_shards"] == {"total": 1, "successful": 1, "failed": 0}


def test_create_answer_then_get_layout_and_default_settings_in_hashmap_order(http):
    created = http.put("/test")
    assert created.json == {"acknowledged": True, "shards_acknowledged": True, "index": "test"}
    assert list(created.json) == ["acknowledged", "shards_acknowledged", "index"]
    body = http.get("/test").json
    assert list(body) == ["test"] and list(body["test"]) == ["aliases", "mappings", "settings"]
    assert (body["test"]["aliases"], body["test"]["mappings"]) == ({}, {})
    settings = body["test"]["settings"]
    assert list(settings) == ["index"]
    index = settings["index"]
    assert list(index) == [
        "routing",
        "number_of_shards",
        "provided_name",
        "creation_date",
        "number_of_replicas",
        "uuid",
        "version",
    ]
    assert index["routing"] == {"allocation": {"include": {"_tier_preference": "data_content"}}}
    assert (index["number_of_shards"], index["number_of_replicas"], index["provided_name"]) == ("1", "1", "test")
    assert index["creation_date"].isdigit() and UUID22.match(index["uuid"])
    assert list(index["version"]) == ["created"] and index["version"]["created"].isdigit()


@pytest.mark.parametrize(
    "settings, order",
    [
        (
            {"index.hidden": True},
            [
                "routing",
                "hidden",
                "number_of_shards",
                "provided_name",
                "creation_date",
                "number_of_replicas",
                "uuid",
                "version",
            ],
        ),
        (
            {"refresh_interval": "1s"},
            [
                "routing",
                "refresh_interval",
                "number_of_shards",
                "provided_name",
                "creation_date",
                "number_of_replicas",
                "uuid",
                "version",
            ],
        ),
        (
            {"analysis": {"analyzer": {"my": {"type": "standard"}}}},
            [
                "routing",
                "number_of_shards",
                "provided_name",
                "creation_date",
                "analysis",
                "number_of_replicas",
                "uuid",
                "version",
            ],
        ),
    ],
    ids=["hidden", "refresh_interval", "analysis"],
)
def test_settings_key_order_follows_java_hashmap_with_more_keys(http, settings, order):
    create(http, "ordered", {"settings": settings})
    assert list(index_settings(http, "ordered")) == order


def test_flat_settings_are_dotted_keys_in_alphabetical_order(http):
    create(http, "flat")
    settings = http.get("/flat", query={"flat_settings": "true"}).json["flat"]["settings"]
    assert list(settings) == sorted(settings) and settings["index.number_of_shards"] == "1"


def test_features_leave_out_what_was_not_asked_for(http):
    create(http, "feat", {"mappings": {"properties": {"a": {"type": "keyword"}}}})
    body = http.get("/feat", query={"features": "aliases,settings"}).json["feat"]
    assert body["mappings"] == {} and body["settings"]["index"]["provided_name"] == "feat"


def test_create_index_whose_name_is_taken_by_an_index_or_an_alias(http):
    create(http, "test", {"aliases": {"al": {}}})
    uuid = uuid_of(http, "test")
    exact_error(
        http.put("/test"),
        400,
        {
            "type": "resource_already_exists_exception",
            "reason": f"index [test/{uuid}] already exists",
            "index_uuid": uuid,
            "index": "test",
        },
    )
    exact_error(
        http.put("/al"),
        400,
        {
            "type": "invalid_index_name_exception",
            "reason": "Invalid index name [al], already exists as alias",
            "index_uuid": "_na_",
            "index": "al",
        },
    )


@pytest.mark.parametrize(
    "path, name, desc",
    [
        ("a%20b", "a b", FORBIDDEN),
        ("a%22b", 'a"b', FORBIDDEN),
        ("a*b", "a*b", FORBIDDEN),
        ("a%2Cb", "a,b", FORBIDDEN),
        ("a%5Cb", "a\\b", FORBIDDEN),
        ("a%3Cb", "a<b", FORBIDDEN),
        ("a%3Eb", "a>b", FORBIDDEN),
        ("a%3Fb", "a?b", FORBIDDEN),
        ("a%7Cb", "a|b", FORBIDDEN),
        ("a%23b", "a#b", "must not contain '#'"),
        ("a:b", "a:b", "must not contain ':'"),
        ("_a", "_a", "must not start with '_', '-', or '+'"),
        ("-a", "-a", "must not start with '_', '-', or '+'"),
        ("%2Ba", "+a", "must not start with '_', '-', or '+'"),
        ("a" * 256, "a" * 256, "index name is too long, (256 > 255)"),
        ("é" * 128, "é" * 128, "index name is too long, (256 > 255)"),  # bytes, not characters
        (".", ".", "must not be '.' or '..'"),
        ("..", "..", "must not be '.' or '..'"),
        ("Foo", "Foo", "must be lowercase"),
        ("Ab%23", "Ab#", "must not contain '#'"),  # the first failing rule wins:
        ("_a:b", "_a:b", "must not contain ':'"),  # ':' is checked before the first character,
        ("_Ab", "_Ab", "must not start with '_', '-', or '+'"),  # which is checked before the case
    ],
)
def test_invalid_index_names_each_rule_and_its_message(http, path, name, desc):
    exact_error(
        http.put(f"/{path}"),
        400,
        {
            "type": "invalid_index_name_exception",
            "reason": f"Invalid index name [{name}], {desc}",
            "index_uuid": "_na_",
            "index": name,
        },
    )


@pytest.mark.parametrize(
    "body, reason",
    [
        ({"foo": {}}, "unknown key [foo] for create index"),
        ({"settings": "x"}, "key [settings] must be an object"),
        ({"mappings": "x"}, "key [mappings] must be an object"),
        ({"aliases": "x"}, "key [aliases] must be an object"),
    ],
)
def test_create_index_body_errors(http, body, reason):
    exact_error(http.put("/bad", json=body), 400, plain("parse_exception", reason))


def test_create_index_with_string_properties_is_bad_request(http):
    assert http.put("/bad", json={"mappings": {"properties": "x"}}).status == 400


def test_create_index_with_unknown_field_type(http):
    reply = http.put("/bad", json={"mappings": {"properties": {"content": {"type": "invalid"}}}})
    es_error(
        reply,
        400,
        "mapper_parsing_exception",
        "Failed to parse mapping: The mapper type [invalid] declared on field [content] does not exist. It might "
        "have been created within a future version or requires a plugin to be installed. Check the documentation.",
    )


def test_create_index_with_empty_field_name_is_illegal_argument(http):
    es_error(
        http.put("/bad", json={"mappings": {"properties": {"": {"type": "text"}}}}), 400, "illegal_argument_exception"
    )


@pytest.mark.parametrize(
    "spec, message",
    [
        (
            {"is_write_index": "true"},
            "Unsupported String type value [true] for field [is_write_index] in alias [test_alias]",
        ),
        ({"routing": True}, "Unsupported boolean type value [true] for field [routing] in alias [test_alias]"),
    ],
    ids=["is_write_index-string", "routing-boolean"],
)
def test_create_index_alias_with_value_of_wrong_type(http, spec, message):
    reply = http.put("/bad", json={"aliases": {"test_alias": spec}})
    assert reply.status == 400 and message in reply.text, reply.text


def test_create_index_with_aliases_routing_sets_both_routings_and_keeps_filter(http):
    create(
        http,
        "test_index",
        {
            "aliases": {
                "test_alias": {},
                "test_blias": {"routing": "b"},
                "test_clias": {"filter": {"term": {"field": "value"}}},
            }
        },
    )
    assert http.get("/test_index").json["test_index"]["aliases"] == {
        "test_alias": {},
        "test_blias": {"index_routing": "b", "search_routing": "b"},
        "test_clias": {"filter": {"term": {"field": "value"}}},
    }


# -- HEAD /{index} --------------------------------------------------------------------------------
def test_head_index_is_200_or_404_with_an_empty_body(http):
    create(http, "there")
    present, absent = http.request("HEAD", "/there"), http.request("HEAD", "/absent")
    assert (present.status, present.text, absent.status, absent.text) == (200, "", 404, "")


# -- GET /{index}: errors and options ---------------------------------------------------------------
def test_get_missing_index_is_index_not_found(http):
    exact_error(http.get("/missing"), 404, not_found_cause("missing"))


def test_get_index_options_ignore_unavailable_allow_no_indices_expand_wildcards(http):
    missing = http.get("/missing", query={"ignore_unavailable": "true"})  # what the connectors framework relies on
    assert (missing.status, missing.json) == (200, {})
    assert http.get("/nomatch*").json == {}
    exact_error(http.get("/nomatch*", query={"allow_no_indices": "false"}), 404, not_found_cause("nomatch*"))
    exact_error(
        http.get("/x*", query={"expand_wildcards": "bogus"}),
        400,
        plain("illegal_argument_exception", "No valid expand wildcard value [bogus]"),
    )


def test_get_several_indices_in_alphabetical_order_and_exclusions(http):
    for name in ("idx-b", "idx-a", "idx-c"):
        create(http, name)
    assert list(http.get("/idx-c,idx-a,idx-b").json) == ["idx-a", "idx-b", "idx-c"]
    assert list(http.get("/idx-*").json) == ["idx-a", "idx-b", "idx-c"]
    assert list(http.get("/idx-*,-idx-b").json) == ["idx-a", "idx-c"]  # an exclusion after a wildcard


def test_single_exclusion_expression_explains_itself(http):
    create(http, "ex")
    reason = (
        "no such index [-ex] and if you intended to exclude this index, ensure that you use wildcards that "
        "include it before explicitly excluding it"
    )
    exact_error(http.get("/-ex"), 404, not_found_cause("-ex", reason))


# -- hidden indices and wildcards (§1.6) ----------------------------------------------------------
def test_wildcards_do_not_match_hidden_indices_by_default(http):
    create(http, "index1", {"settings": {"index.hidden": True}})
    create(http, ".dotted")  # a leading dot is allowed and does not hide an index
    assert http.get("/index*").json == {}
    assert list(http.get("/*otted").json) == [".dotted"]


@pytest.mark.parametrize("expand", ["open,hidden", "all"])
def test_wildcards_match_hidden_indices_when_asked(http, expand):
    create(http, "index1", {"settings": {"index": {"hidden": True}}})
    assert list(http.get("/index*", query={"expand_wildcards": expand}).json) == ["index1"]


def test_dot_wildcards_explicit_names_and_aliases_resolve_hidden_indices(http):
    create(http, ".index1", {"settings": {"index.hidden": True}})
    create(http, "index1", {"settings": {"index.hidden": True}, "aliases": {"alias1": {}}})
    assert list(http.get("/.index*").json) == [".index1"]
    assert list(http.get("/index1").json) == ["index1"]
    assert list(http.get("/alias1").json) == ["index1"]


# -- DELETE /{index} ------------------------------------------------------------------------------
def test_delete_index_acknowledges_and_removes_it(http):
    create(http, "gone")
    assert http.delete("/gone").json == {"acknowledged": True}
    assert http.request("HEAD", "/gone").status == 404


def test_delete_missing_index_unless_ignore_unavailable(http):
    exact_error(http.delete("/index3"), 404, not_found_cause("index3"))
    reply = http.delete("/index3", query={"ignore_unavailable": "true"})
    assert (reply.status, reply.json) == (200, {"acknowledged": True})


@pytest.mark.parametrize("expression", ["*", "_all", "te*", "test,te*", "*,-test"])
def test_delete_refuses_wildcards_and_all(http, expression):
    create(http, "test")
    exact_error(http.delete(f"/{expression}"), 400, plain("illegal_argument_exception", DESTRUCTIVE))
    assert http.request("HEAD", "/test").status == 200


def test_delete_through_an_alias_is_refused_unless_ignore_unavailable(http):
    create(http, "index1", {"aliases": {"alias": {}}})
    create(http, "index2")
    reason = "The provided expression [alias] matches an alias, specify the corresponding concrete indices instead."
    exact_error(http.delete("/alias"), 400, plain("illegal_argument_exception", reason))
    exact_error(http.delete("/alias,index2"), 400, plain("illegal_argument_exception", reason))
    assert [http.request("HEAD", f"/{n}").status for n in ("index1", "index2")] == [200, 200]
    # ignore_unavailable skips the alias and deletes the rest
    assert http.delete("/alias,index2", query={"ignore_unavailable": "true"}).json == {"acknowledged": True}
    assert [http.request("HEAD", f"/{n}").status for n in ("index1", "index2")] == [200, 404]


# -- PUT|POST /{index}/_doc, _create --------------------------------------------------------------
def test_index_new_document_is_201_with_location(http):
    reply = http.put("/test-weird-index-中文/_doc/1", json={"foo": "bar"})
    assert reply.status == 201
    assert reply.json == written("test-weird-index-中文", "1", 1, "created", 0)
    assert list(reply.json) == WRITE_KEYS
    assert http.get("/test-weird-index-中文/_doc/1").json["_source"] == {"foo": "bar"}


def test_created_answers_carry_a_location_with_the_id_url_encoded(http):
    assert http.put("/test/_doc/a:b", json={"x": 1}).headers["Location"] == "/test/_doc/a%3Ab"
    created = http.put("/test/_create/2", json={"x": 1})
    assert (created.status, created.json["result"], created.headers["Location"]) == (201, "created", "/test/_doc/2")


def test_reindex_is_200_updated_with_next_version_and_seq_no(http):
    put_doc(http, "test", "1", {"foo": "bar"})
    reply = http.put("/test/_doc/1", json={"foo": "baz"}, query={"op_type": "index"})
    assert (reply.status, reply.json) == (200, written("test", "1", 2, "updated", 1))
    assert "Location" not in reply.headers
    assert put_doc(http, "test", "2", {"foo": "x"})["_seq_no"] == 2  # one counter per index, every id
    assert put_doc(http, "other", "1", {"foo": "x"})["_seq_no"] == 0


def test_post_without_id_generates_one_and_creates(http):
    reply = http.post("/test/_doc", json={"foo": "bar"})
    doc_id = reply.json["_id"]
    assert (reply.status, reply.json) == (201, written("test", doc_id, 1, "created", 0))
    assert DOC_ID20.match(doc_id) and reply.headers["Location"] == f"/test/_doc/{doc_id}"


@pytest.mark.parametrize(
    "path, query",
    [("/test/_doc/1", {"op_type": "create"}), ("/test/_doc/1", {"op_type": "CREATE"}), ("/test/_create/1", None)],
)
def test_create_on_existing_document_is_a_version_conflict(http, path, query):
    put_doc(http, "test", "1", {"foo": "bar"})
    reply = http.put(path, json={"foo": "baz"}, query=query)
    exact_error(
        reply,
        409,
        shard_cause(
            "version_conflict_engine_exception",
            "[1]: version conflict, document already exists (current version [1])",
            "test",
            uuid_of(http, "test"),
        ),
    )


@pytest.mark.parametrize(
    "path, op_type, reason",
    [
        ("/test/_create/1", "index", "opType must be 'create', found: [index]"),
        ("/test/_doc/1", "bogus", "opType must be 'create' or 'index', found: [bogus]"),
    ],
)
def test_bad_op_type(http, path, op_type, reason):
    exact_error(
        http.put(path, json={"a": 1}, query={"op_type": op_type}), 400, plain("illegal_argument_exception", reason)
    )


def test_compare_and_set_on_seq_no_and_primary_term(http):
    put_doc(http, "test_1", "1", {"foo": "bar"})
    uuid = uuid_of(http, "test_1")
    wrong_seq = http.put("/test_1/_doc/1", json={"foo": "x"}, query={"if_seq_no": "10000", "if_primary_term": "1"})
    exact_error(
        wrong_seq,
        409,
        shard_cause(
            "version_conflict_engine_exception",
            "[1]: version conflict, required seqNo [10000], primary term [1]. current "
            "document has seqNo [0] and primary term [1]",
            "test_1",
            uuid,
        ),
    )
    wrong_term = http.put("/test_1/_doc/1", json={"foo": "x"}, query={"if_seq_no": "0", "if_primary_term": "1000"})
    es_error(
        wrong_term,
        409,
        "version_conflict_engine_exception",
        "[1]: version conflict, required seqNo [0], primary term [1000]. current document has seqNo [0] and "
        "primary term [1]",
    )
    right = http.put("/test_1/_doc/1", json={"foo": "y"}, query={"if_seq_no": "0", "if_primary_term": "1"})
    assert (right.status, right.json["_version"], right.json["_seq_no"]) == (200, 2, 1)


def test_compare_and_set_on_a_missing_document(http):
    create(http, "test_1")
    reply = http.put("/test_1/_doc/9", json={"a": 1}, query={"if_seq_no": "0", "if_primary_term": "1"})
    exact_error(
        reply,
        409,
        shard_cause(
            "version_conflict_engine_exception",
            "[9]: version conflict, required seqNo [0], primary term [1]. but no document was found",
            "test_1",
            uuid_of(http, "test_1"),
        ),
    )


@pytest.mark.parametrize(
    "path, query, message",
    [
        (
            "/test/_create/1",
            {"if_seq_no": "0", "if_primary_term": "1"},
            "create operations do not support compare and set. use index instead",
        ),
        ("/test/_doc/1", {"if_seq_no": "0"}, "ifSeqNo is set, but primary term is [0]"),
        ("/test/_doc/1", {"if_primary_term": "3"}, "ifSeqNo is unassigned, but primary term is [3]"),
        ("/test/_doc/1", {"pipeline": ""}, "pipeline cannot be an empty string"),
        (
            "/test/_doc/" + "x" * 513,
            None,
            f"id [{'x' * 513}] is too long, must be no longer than 512 bytes but was: 513",
        ),
    ],
    ids=["create-cas", "seq-no-alone", "term-alone", "empty-pipeline", "id-too-long"],
)
def test_index_validation_messages(http, path, query, message):
    validation(http.put(path, json={"a": 1}, query=query), message)


@pytest.mark.parametrize(
    "query, reason",
    [
        ({"if_seq_no": "-1", "if_primary_term": "1"}, "sequence numbers must be non negative. got [-1]."),
        # The spec (§2.3) writes "got [-1]." from OpenSearch-measured mocks; the ES setters have no final period.
        ({"if_seq_no": "0", "if_primary_term": "-1"}, "primary term must be non negative. got [-1]"),
    ],
    ids=["seq-no", "primary-term"],
)
def test_negative_compare_and_set_values(http, query, reason):
    put_doc(http, "test", "1", {"a": 1})
    exact_error(http.put("/test/_doc/1", json={"a": 2}, query=query), 400, plain("illegal_argument_exception", reason))


@pytest.mark.parametrize(
    "body, query, cause",
    [
        (None, None, plain("parse_exception", "request body is required")),
        ({"a": 1}, {"pipeline": "nope"}, plain("illegal_argument_exception", "pipeline with id [nope] does not exist")),
        ({"a": 1}, {"refresh": "bogus"}, plain("illegal_argument_exception", "Unknown value for refresh: [bogus].")),
    ],
    ids=["no-body", "unknown-pipeline", "bad-refresh"],
)
def test_index_request_errors(http, body, query, cause):
    exact_error(http.put("/test/_doc/1", json=body, query=query), 400, cause)


@pytest.mark.parametrize("refresh, forced", [("true", True), ("", True), ("wait_for", False), ("false", False)])
def test_forced_refresh_only_for_immediate_refresh(http, refresh, forced):
    body = put_doc(http, "test", "1", {"a": 1}, refresh=refresh)
    assert ("forced_refresh" in body) is forced
    if forced:
        assert (
            list(body)
            == ["_index", "_id", "_version", "result", "forced_refresh", "_shards", "_seq_no", "_primary_term"]
            and body["forced_refresh"] is True
        )


def test_write_auto_creates_the_index_with_defaults_and_validates_its_name(http):
    put_doc(http, "auto1", "1", {"a": 1})
    body = http.get("/auto1").json["auto1"]
    assert body["settings"]["index"]["number_of_replicas"] == "1"
    assert body["mappings"] == {"properties": {"a": {"type": "long"}}}
    es_error(
        http.put("/Auto/_doc/1", json={"a": 1}),
        400,
        "invalid_index_name_exception",
        "Invalid index name [Auto], must be lowercase",
    )


# -- writing and reading through aliases (§6.7) ---------------------------------------------------
def test_write_through_a_single_index_alias_names_the_concrete_index(http):
    create(http, "concrete", {"aliases": {"one": {}}})
    assert put_doc(http, "one", "1", {"a": 1})["_index"] == "concrete"
    assert http.get("/one/_doc/1").json["_index"] == "concrete"


def test_write_and_read_through_an_alias_of_several_indices(http):
    create(http, "i1", {"aliases": {"multi": {}}})
    create(http, "i2", {"aliases": {"multi": {}}})
    exact_error(
        http.put("/multi/_doc/1", json={"a": 1}),
        400,
        plain("illegal_argument_exception", NO_WRITE_INDEX.format("multi")),
    )
    http.put("/i2/_alias/multi", json={"is_write_index": True})
    assert put_doc(http, "multi", "1", {"a": 1})["_index"] == "i2"
    reason = "alias [multi] has more than one index associated with it [i1, i2], can't execute a single index op"
    exact_error(http.get("/multi/_doc/1"), 400, plain("illegal_argument_exception", reason))


# -- GET|HEAD /{index}/_doc/{id} ------------------------------------------------------------------
def test_get_found_document(http):
    put_doc(http, "test_1", "1", {"foo": "bar"})
    reply = http.get("/test_1/_doc/1")
    assert reply.json == {
        "_index": "test_1",
        "_id": "1",
        "_version": 1,
        "_seq_no": 0,
        "_primary_term": 1,
        "found": True,
        "_source": {"foo": "bar"},
    }
    assert list(reply.json) == ["_index", "_id", "_version", "_seq_no", "_primary_term", "found", "_source"]


def test_get_missing_document_and_missing_index(http):
    create(http, "test_1")
    reply = http.get("/test_1/_doc/1")
    assert (reply.status, reply.json) == (404, {"_index": "test_1", "_id": "1", "found": False})
    exact_error(http.get("/nope/_doc/1"), 404, not_found_cause("nope"))


def test_head_document_is_200_or_404_with_an_empty_body(http):
    put_doc(http, "test", "1", {"a": 1})
    present, absent = http.request("HEAD", "/test/_doc/1"), http.request("HEAD", "/test/_doc/2")
    assert (present.status, present.text, absent.status, absent.text) == (200, "", 404, "")


SOURCE = {"include": {"field1": "v1", "field2": "v2"}, "count": 1, "c": {"x": {"y": 1}}}


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"_source": "false"}, None),
        ({"_source": "true"}, SOURCE),
        ({"_source": "include.field1,count"}, {"include": {"field1": "v1"}, "count": 1}),
        ({"_source_includes": "include", "_source_excludes": "*.field2"}, {"include": {"field1": "v1"}}),
        ({"_source_includes": "c"}, {"c": {"x": {"y": 1}}}),
        ({"_source_excludes": "include"}, {"count": 1, "c": {"x": {"y": 1}}}),
    ],
    ids=["false", "true", "list", "includes-excludes", "object-subtree", "excludes"],
)
def test_get_source_filtering(http, query, expected):
    put_doc(http, "test_1", "1", SOURCE)
    body = http.get("/test_1/_doc/1", query=query).json
    assert body["found"] is True and body.get("_source") == expected and ("_source" in body) is (expected is not None)


# -- GET|HEAD /{index}/_source/{id} ---------------------------------------------------------------
def test_get_source_endpoint_answers_the_raw_source_or_404(http):
    put_doc(http, "test_1", "1", SOURCE)
    assert http.get("/test_1/_source/1").json == SOURCE
    assert http.get("/test_1/_source/1", query={"_source_excludes": "include,c"}).json == {"count": 1}
    exact_error(
        http.get("/test_1/_source/9"), 404, plain("resource_not_found_exception", "Document not found [test_1]/[9]")
    )
    assert http.request("HEAD", "/test_1/_source/9").status == 404


# -- DELETE /{index}/_doc/{id} --------------------------------------------------------------------
def test_delete_document_answers_deleted(http):
    put_doc(http, "test_1", "1", {"foo": "bar"})
    reply = http.delete("/test_1/_doc/1")
    assert (reply.status, reply.json) == (200, written("test_1", "1", 2, "deleted", 1))
    assert list(reply.json) == WRITE_KEYS
    assert http.get("/test_1/_doc/1").status == 404
    again = put_doc(http, "test_1", "1", {"a": 2})  # the tombstone keeps the version
    assert (again["result"], again["_version"]) == ("created", 3)


def test_delete_missing_document_is_404_not_found_and_takes_a_seq_no(http):
    put_doc(http, "test_1", "1", {"foo": "bar"})
    reply = http.delete("/test_1/_doc/2")
    assert (reply.status, reply.json) == (404, written("test_1", "2", 1, "not_found", 1))
    assert put_doc(http, "test_1", "3", {"a": 1})["_seq_no"] == 2


def test_delete_in_missing_index_does_not_create_it(http):
    exact_error(http.delete("/nope/_doc/1"), 404, not_found_cause("nope"))
    assert http.request("HEAD", "/nope").status == 404


def test_delete_compare_and_set(http):
    put_doc(http, "test_1", "1", {"foo": "bar"})
    es_error(
        http.delete("/test_1/_doc/1", query={"if_seq_no": "2", "if_primary_term": "1"}),
        409,
        "version_conflict_engine_exception",
        "[1]: version conflict, required seqNo [2], primary term [1]. current document has seqNo [0] and primary "
        "term [1]",
    )
    reply = http.delete("/test_1/_doc/1", query={"if_seq_no": "0", "if_primary_term": "1"})
    assert (reply.status, reply.json["_seq_no"]) == (200, 1)


# -- POST /{index}/_update/{id} -------------------------------------------------------------------
def test_update_merges_a_partial_document(http):
    put_doc(http, "test_1", "1", {"foo": "bar", "count": 1, "nested": {"one": 1, "two": 2}})
    reply = update(http, "test_1", "1", {"doc": {"foo": "baz", "nested": {"one": 3}}})
    assert (reply.status, reply.json) == (200, written("test_1", "1", 2, "updated", 1))
    assert get_source(http, "test_1", "1") == {"foo": "baz", "count": 1, "nested": {"one": 3, "two": 2}}


def test_update_replaces_arrays_keeps_nulls_and_appends_new_keys(http):
    put_doc(http, "test_1", "1", {"arr": [1, 2], "foo": "bar", "keep": 1})
    update(http, "test_1", "1", {"doc": {"new": "n", "arr": [3], "foo": None}})
    source = get_source(http, "test_1", "1")
    assert source == {"arr": [3], "foo": None, "keep": 1, "new": "n"}
    assert list(source) == ["arr", "foo", "keep", "new"]


def test_update_scalars_and_objects_replace_each_other_and_dotted_keys_are_literal(http):
    create(http, "loose", {"mappings": {"dynamic": False}})  # nothing mapped, so no type clashes
    put_doc(http, "loose", "1", {"a": {"x": 1}, "b": 5, "o": {"k": 1}})
    update(http, "loose", "1", {"doc": {"a": 7, "b": {"y": 2}, "o.k": 2}})
    assert get_source(http, "loose", "1") == {"a": 7, "b": {"y": 2}, "o": {"k": 1}, "o.k": 2}


def test_update_noop_changes_nothing_unless_detect_noop_is_false(http):
    put_doc(http, "test_1", "1", {"foo": "bar", "o": {"a": 1, "b": 2}})
    reply = update(http, "test_1", "1", {"doc": {"foo": "bar", "o": {"b": 2, "a": 1}}})
    assert (reply.status, reply.json) == (200, written("test_1", "1", 1, "noop", 0, NO_SHARDS))
    assert list(reply.json) == WRITE_KEYS
    assert http.get("/test_1/_doc/1").json["_version"] == 1
    forced = update(http, "test_1", "1", {"doc": {"foo": "bar"}, "detect_noop": False})
    assert (forced.json["result"], forced.json["_version"], forced.json["_seq_no"]) == ("updated", 2, 1)


@pytest.mark.parametrize(
    "stored, given",
    [(1, 1.0), (True, 1), (1, "1"), ([1], [1.0])],
    ids=["int-vs-float", "bool-vs-int", "int-vs-string", "in-arrays"],
)
def test_update_noop_detection_is_type_strict(http, stored, given):
    create(http, "loose", {"mappings": {"dynamic": False}})
    put_doc(http, "loose", "1", {"v": stored})
    reply = update(http, "loose", "1", {"doc": {"v": given}})
    assert (reply.json["result"], reply.json["_version"]) == ("updated", 2)
    assert get_source(http, "loose", "1") == {"v": given} and type(get_source(http, "loose", "1")["v"]) is type(given)


def test_update_doc_as_upsert_creates_then_merges(http):
    first = update(http, "test_1", "1", {"doc": {"foo": "bar"}, "doc_as_upsert": True})
    assert (first.status, first.json) == (201, written("test_1", "1", 1, "created", 0))
    second = update(http, "test_1", "1", {"doc": {"count": 2}, "doc_as_upsert": True})
    assert (second.status, second.json["result"]) == (200, "updated")
    assert get_source(http, "test_1", "1") == {"foo": "bar", "count": 2}


def test_update_upsert_creates_from_upsert_then_merges_doc(http):
    first = update(http, "test_1", "1", {"doc": {"foo": "bar", "count": 1}, "upsert": {"foo": "baz"}})
    assert (first.status, first.json["result"]) == (201, "created")
    assert get_source(http, "test_1", "1") == {"foo": "baz"}
    update(http, "test_1", "1", {"doc": {"foo": "bar", "count": 1}, "upsert": {"foo": "baz"}})
    assert get_source(http, "test_1", "1") == {"foo": "bar", "count": 1}


def test_update_of_missing_document_auto_creates_the_index_then_404(http):
    reply = update(http, "fresh", "1", {"doc": {"a": 1}})
    exact_error(
        reply, 404, shard_cause("document_missing_exception", "[1]: document missing", "fresh", uuid_of(http, "fresh"))
    )
    assert http.request("HEAD", "/fresh").status == 200


def test_update_with_if_seq_no_of_missing_document_is_404(http):
    create(http, "test_1")
    es_error(
        update(http, "test_1", "1", {"doc": {"a": 1}}, if_seq_no="0", if_primary_term="1"),
        404,
        "document_missing_exception",
        "[1]: document missing",
    )


def test_update_compare_and_set(http):
    put_doc(http, "test_1", "1", {"foo": "bar"})
    es_error(
        update(http, "test_1", "1", {"doc": {"foo": "baz"}}, if_seq_no="1", if_primary_term="1"),
        409,
        "version_conflict_engine_exception",
        "[1]: version conflict, required seqNo [1], primary term [1]. current document has seqNo [0] and primary "
        "term [1]",
    )
    right = update(http, "test_1", "1", {"doc": {"foo": "baz"}}, if_seq_no="0", if_primary_term="1")
    assert (right.status, right.json["result"], right.json["_seq_no"]) == (200, "updated", 1)


@pytest.mark.parametrize(
    "body, query, messages",
    [
        ({}, {}, ["script or doc is missing"]),
        ({"doc": {}, "script": "x"}, {}, ["can't provide both script and doc"]),
        (
            {"doc_as_upsert": True},
            {},
            ["script or doc is missing", "doc must be specified if doc_as_upsert is enabled"],
        ),
        ({"doc": {"a": 1}}, {"if_seq_no": "0"}, ["ifSeqNo is set, but primary term is [0]"]),
        (
            {"doc": {"a": 1}},
            {"version": "2"},
            [
                "internal versioning can not be used for optimistic concurrency control. "
                "Please use `if_seq_no` and `if_primary_term` instead"
            ],
        ),
        (
            {"doc_as_upsert": True, "upsert": {}},
            {"if_seq_no": "1", "if_primary_term": "1", "retry_on_conflict": "2"},
            [
                "compare and write operations can not be retried",
                "compare and write operations can not be used with upsert",
                "upsert requests don't support `if_seq_no` and `if_primary_term`",
                "script or doc is missing",
                "doc must be specified if doc_as_upsert is enabled",
            ],
        ),
    ],
    ids=["nothing", "script-and-doc", "doc-as-upsert-without-doc", "seq-no-alone", "version", "all-in-order"],
)
def test_update_validation_messages_in_order(http, body, query, messages):
    put_doc(http, "test_1", "1", {"a": 1})
    validation(update(http, "test_1", "1", body, **query), *messages)


def test_update_misspelled_field_suggests_the_right_one(http):
    reply = update(http, "test_1", "1", {"dac": {"a": 1}})
    es_error(reply, 400, "x_content_parse_exception")
    assert re.fullmatch(
        r"\[1:\d+\] \[UpdateRequest\] unknown field \[dac\] did you mean \[doc\]\?", reply.error["reason"]
    ), reply.error["reason"]


def test_update_doc_must_be_an_object(http):
    reply = update(http, "test_1", "1", {"doc": 1})
    es_error(reply, 400, "x_content_parse_exception")
    assert reply.error["reason"].endswith("[UpdateRequest] doc doesn't support values of type: VALUE_NUMBER")


def test_update_body_is_required(http):
    exact_error(http.post("/test_1/_update/1"), 400, plain("parse_exception", "request body is required"))


def test_update_script_is_not_mocked(http):
    put_doc(http, "test_1", "1", {"a": 1})
    reply = update(http, "test_1", "1", {"script": {"source": "ctx._source.a = 2"}})
    es_error(reply, 501, "mockserver_not_mocked_exception")
    assert get_source(http, "test_1", "1") == {"a": 1}


def test_update_source_returns_get_with_post_update_source_only_when_asked(http):
    put_doc(http, "test_1", "1", {"foo": "bar", "count": 1})
    reply = update(http, "test_1", "1", {"doc": {"count": 2}, "_source": True})
    assert reply.json == {
        **written("test_1", "1", 2, "updated", 1),
        "get": {"_seq_no": 1, "_primary_term": 1, "found": True, "_source": {"foo": "bar", "count": 2}},
    }
    assert list(reply.json) == [*WRITE_KEYS, "get"]
    assert "get" not in update(http, "test_1", "1", {"doc": {"count": 3}}).json


def test_update_source_filter_on_upsert_and_noop(http):
    created = update(http, "test_1", "1", {"doc": {"foo": "baz"}, "upsert": {"foo": "bar"}}, _source="foo,bar")
    assert created.json["get"]["_source"] == {"foo": "bar"}
    noop = update(http, "test_1", "1", {"doc": {"foo": "bar"}}, _source="foo")
    assert (noop.json["result"], noop.json["get"]["_source"]) == ("noop", {"foo": "bar"})


# -- _bulk: parsing (the whole request fails) -----------------------------------------------------
@pytest.mark.parametrize(
    "data, cause",
    [
        (
            '{"index":{"_index":"b"}}\n{"a":1}',
            plain("illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]"),
        ),
        ("", plain("parse_exception", "request body is required")),
        ("\n\n", plain("action_request_validation_exception", "Validation Failed: 1: no requests added;")),
    ],
    ids=["no-final-newline", "empty", "blank-lines-only"],
)
def test_bulk_refused_bodies(http, data, cause):
    exact_error(http.post("/_bulk", data=data, headers=NDJSON), 400, cause)
    assert http.request("HEAD", "/b").status == 404


@pytest.mark.parametrize(
    "lines, reason",
    [
        (
            ['{"index":{"_index":"b","_id":"1"}}', '{"a":1}', "{}"],
            "Malformed action/metadata line [3], expected FIELD_NAME but found [END_OBJECT]",
        ),
        (
            ["", '{"index":{"_index":"b"}}', '{"a":1}', "{}"],  # a blank line still counts
            "Malformed action/metadata line [4], expected FIELD_NAME but found [END_OBJECT]",
        ),
        (
            ['{"bogus":{}}'],
            "Malformed action/metadata line [1], expected field [create], [delete], [index] or "
            "[update] but found [bogus]",
        ),
        (
            ['{"index":{"_index":"b","_type":"x"}}', "{}"],
            "Action/metadata line [1] contains an unknown parameter [_type]",
        ),
        (['{"index":{"foo":"x"}}', "{}"], "Action/metadata line [1] contains an unknown parameter [foo]"),
        (
            ['{"index":{"_id":[1]}}', "{}"],
            "Malformed action/metadata line [1], expected a simple value for field [_id] but found [START_ARRAY]",
        ),
        (
            ['{"index":{"_id":{"a":1}}}', "{}"],
            "Malformed action/metadata line [1], expected a simple value for field [_id] but found [START_OBJECT]",
        ),
        (
            ['{"index":{"_index":"b"},"x":1}', "{}"],
            "Malformed action/metadata line [1], expected END_OBJECT but found [FIELD_NAME]",
        ),
    ],
    ids=[
        "empty-action",
        "blank-line-counted",
        "unknown-action",
        "_type",
        "unknown-param",
        "array-value",
        "object-value",
        "second-key",
    ],
)
def test_bulk_malformed_action_lines(http, lines, reason):
    exact_error(bulk(http, *lines), 400, plain("illegal_argument_exception", reason))
    assert http.request("HEAD", "/b").status == 404  # nothing ran


@pytest.mark.parametrize(
    "line, reason",
    [
        ('"x"', "Malformed action/metadata line [1], expected START_OBJECT but found [VALUE_STRING]"),
        ("[1]", "Malformed action/metadata line [1], expected START_OBJECT but found [START_ARRAY]"),
        (
            '{"index":"x"}',
            "Malformed action/metadata line [1], expected START_OBJECT or END_OBJECT but found [VALUE_STRING]",
        ),
    ],
    ids=["string-line", "array-line", "string-action-value"],
)
def test_bulk_action_line_token_errors(http, line, reason):
    exact_error(bulk(http, line), 400, plain("illegal_argument_exception", reason))


def test_bulk_trailing_data_after_the_action(http):
    exact_error(
        bulk(http, '{"index":{"_index":"b"}} 1', '{"a":1}'),
        400,
        plain(
            "illegal_argument_exception", "Malformed action/metadata line [1], unexpected data after the closing brace"
        ),
    )


def test_bulk_unknown_update_field_fails_the_whole_request(http):
    reply = bulk(
        http,
        {"index": {"_index": "b", "_id": "1"}},
        {"a": 1},
        {"update": {"_index": "b", "_id": "1"}},
        {"doc": {"a": 2}, "dac": 1},
    )
    es_error(reply, 400, "x_content_parse_exception")
    assert "[UpdateRequest] unknown field [dac]" in reply.error["reason"]
    assert http.request("HEAD", "/b").status == 404


# -- _bulk: items ---------------------------------------------------------------------------------
def test_bulk_items_answer_and_errors_flag(http):
    reply = bulk(
        http,
        {"index": {"_index": "b", "_id": "1"}},
        {"a": 1},
        {"create": {"_index": "b", "_id": "1"}},
        {"a": 2},
        {"delete": {"_index": "b", "_id": "zz"}},
    )
    assert list(reply.json) == ["errors", "took", "items"]
    assert reply.json["errors"] is True and isinstance(reply.json["took"], int) and reply.json["took"] >= 0
    (op1, first), (op2, second), (op3, third) = items(reply)
    assert (op1, first) == ("index", {**written("b", "1", 1, "created", 0), "status": 201})
    assert list(first) == [*WRITE_KEYS, "status"]
    assert (op2, second) == (
        "create",
        {
            "_index": "b",
            "_id": "1",
            "status": 409,
            "error": shard_cause(
                "version_conflict_engine_exception",
                "[1]: version conflict, document already exists (current version [1])",
                "b",
                uuid_of(http, "b"),
            ),
        },
    )
    assert list(second) == ["_index", "_id", "status", "error"]
    assert (op3, third) == ("delete", {**written("b", "zz", 1, "not_found", 1), "status": 404})


def test_bulk_delete_of_missing_document_is_not_an_error(http):
    put_doc(http, "b", "1", {"a": 1})
    reply = bulk(http, {"delete": {"_index": "b", "_id": "1"}}, {"delete": {"_index": "b", "_id": "1"}})
    assert reply.json["errors"] is False
    assert [(body["result"], body["status"]) for _, body in items(reply)] == [("deleted", 200), ("not_found", 404)]


def test_bulk_index_with_op_type_create_is_keyed_create(http):
    reply = bulk(http, {"index": {"_index": "b", "_id": "1", "op_type": "create"}}, {"a": 1})
    assert [op for op, _ in items(reply)] == ["create"]


def test_bulk_index_with_op_type_create_conflicts_on_existing(http):
    put_doc(http, "b", "1", {"a": 1})
    ((_, body),) = items(bulk(http, {"index": {"_index": "b", "_id": "1", "op_type": "create"}}, {"a": 2}))
    assert (body["status"], body["error"]["type"]) == (409, "version_conflict_engine_exception")


def test_bulk_empty_id_fails_only_its_item(http):
    reply = bulk(
        http,
        {"index": {"_index": "b", "_id": ""}},
        {"f1": "v1"},
        {"index": {"_index": "b", "_id": "id"}},
        {"f1": "v2"},
        {"index": {"_index": "b"}},
        {"f1": "v3"},
    )
    (_, empty), (_, named), (_, auto) = items(reply)
    assert empty == {
        "_index": "b",
        "_id": "",
        "status": 400,
        "error": plain("illegal_argument_exception", "if _id is specified it must not be empty"),
    }
    assert (named["result"], auto["result"], reply.json["errors"]) == ("created", "created", True)
    assert DOC_ID20.match(auto["_id"])


def test_bulk_delete_in_missing_index_fails_and_creates_nothing(http):
    ((op, body),) = items(bulk(http, {"delete": {"_index": "nope", "_id": "1"}}))
    assert (op, body) == ("delete", {"_index": "nope", "_id": "1", "status": 404, "error": not_found_cause("nope")})
    assert http.request("HEAD", "/nope").status == 404


def test_bulk_update_items_as_the_connectors_framework_sends_them(http):
    doc = {"id": "1", "title": "first"}

    def upsert(source):
        return bulk(
            http,
            {"update": {"_index": "search-c", "_id": "1"}},
            {"doc": source, "doc_as_upsert": True},
            method="PUT",
            pipeline="search-default-ingestion",
        )

    created, updated, noop = items(upsert(doc)), items(upsert({"title": "second"})), items(upsert({"title": "second"}))
    assert created == [("update", {**written("search-c", "1", 1, "created", 0), "status": 201})]
    assert updated == [("update", {**written("search-c", "1", 2, "updated", 1), "status": 200})]
    assert noop == [("update", {**written("search-c", "1", 2, "noop", 1, NO_SHARDS), "status": 200})]
    assert get_source(http, "search-c", "1")["title"] == "second"


def test_bulk_update_item_errors(http):
    put_doc(http, "b", "1", {"a": 1})
    reply = bulk(
        http,
        {"update": {"_index": "b", "_id": "u1"}},
        {"doc": {"x": 1}},
        {"update": {"_index": "b", "_id": "1", "if_seq_no": 10, "if_primary_term": 1}},
        {"doc": {"a": 2}},
    )
    (op, missing), (_, conflict) = items(reply)
    assert (op, missing) == (
        "update",
        {
            "_index": "b",
            "_id": "u1",
            "status": 404,
            "error": shard_cause("document_missing_exception", "[u1]: document missing", "b", uuid_of(http, "b")),
        },
    )
    assert (reply.json["errors"], conflict["status"], conflict["error"]["reason"]) == (
        True,
        409,
        "[1]: version conflict, required seqNo [10], primary term [1]. current document has seqNo [0] and "
        "primary term [1]",
    )


def test_bulk_update_source_gives_get(http):
    put_doc(http, "b", "1", {"a": 1})
    ((_, body),) = items(bulk(http, {"update": {"_index": "b", "_id": "1", "_source": True}}, {"doc": {"a": 2}}))
    assert body["get"] == {"_seq_no": 1, "_primary_term": 1, "found": True, "_source": {"a": 2}}
    assert list(body)[-2:] == ["get", "status"]


def test_bulk_default_index_from_the_path_and_crlf_lines(http):
    ((_, body),) = items(bulk(http, {"index": {"_id": "3"}}, {"a": 1}, path="/dflt/_bulk"))
    assert (body["_index"], body["result"]) == ("dflt", "created")
    reply = http.post("/_bulk", data='{"index":{"_index":"b","_id":"1"}}\r\n{"a":1}\r\n', headers=NDJSON)
    assert [op for op, _ in items(reply)] == ["index"] and get_source(http, "b", "1") == {"a": 1}


def test_bulk_refresh_true_marks_each_item(http):
    # §9.5 marks this unconfirmed; BulkShardResponse.setForcedRefresh makes it plausible.
    ((_, body),) = items(bulk(http, {"index": {"_index": "b", "_id": "1"}}, {"a": 1}, refresh="true"))
    assert body["forced_refresh"] is True


def test_bulk_unknown_pipeline_fails_the_item(http):
    ((_, body),) = items(bulk(http, {"index": {"_index": "b", "_id": "1"}}, {"a": 1}, pipeline="nope"))
    assert (body["status"], body["error"]) == (
        400,
        plain("illegal_argument_exception", "pipeline with id [nope] does not exist"),
    )


# -- _bulk with pipeline=search-default-ingestion (internals §5) ----------------------------------
def framework_doc(doc_id: str, **fields) -> dict:
    """A document as the connectors framework prepares it (sync_job_runner.prepare_docs)."""
    return {
        "id": doc_id,
        **fields,
        "_extract_binary_content": True,
        "_reduce_whitespace": True,
        "_run_ml_inference": False,
    }


def ingest(http, doc: dict):
    return bulk(
        http,
        {"index": {"_index": "search-x", "_id": doc["id"]}},
        doc,
        method="PUT",
        pipeline="search-default-ingestion",
    )


def test_pipeline_extracts_text_attachment_squashes_whitespace_and_drops_meta_fields(http):
    text = "  Hello   world\n\n\tagain  "
    doc = framework_doc(
        "d1", title="T", _attachment=base64.b64encode(text.encode()).decode(), _attachment_indexed_chars=100000
    )
    assert items(ingest(http, doc))[0][1]["result"] == "created"
    assert get_source(http, "search-x", "d1") == {"id": "d1", "title": "T", "body": "Hello world again"}


def test_pipeline_squashes_an_existing_body_without_extraction(http):
    doc = {**framework_doc("d3", body="  a \t b\n c  "), "_extract_binary_content": False}
    ingest(http, doc)
    assert get_source(http, "search-x", "d3") == {"id": "d3", "body": "a b c"}


def test_pipeline_records_ingestion_errors_for_a_non_text_attachment(http):
    doc = framework_doc("d2", _attachment=base64.b64encode(b"\x89PNG\r\n\x1a\n\x00\xff\xfe").decode())
    ((_, body),) = items(ingest(http, doc))
    assert body["result"] == "created"
    source = get_source(http, "search-x", "d2")
    assert set(source) == {"id", "_ingestion_errors"}
    (error,) = source["_ingestion_errors"]
    assert error.startswith("Processor 'attachment' in pipeline 'search-default-ingestion' failed with message '")


def test_bulk_answer_has_ingest_took_when_a_pipeline_ran(http):
    reply = ingest(http, framework_doc("d4", body="x"))
    assert list(reply.json) == ["errors", "took", "ingest_took", "items"]


# -- _refresh (§5.1) ------------------------------------------------------------------------------
def test_refresh_shards_arithmetic(http):
    for name in ("r1", "r2"):
        create(http, name, {"settings": {"number_of_shards": 5, "number_of_replicas": 0}})
    create(http, "r3", {"settings": {"number_of_shards": 2}})
    assert http.post("/r1,r2/_refresh").json == {"_shards": {"total": 10, "successful": 10, "failed": 0}}
    assert http.get("/r3/_refresh").json == {"_shards": {"total": 4, "successful": 2, "failed": 0}}
    assert http.post("/r*/_refresh").json == {"_shards": {"total": 14, "successful": 12, "failed": 0}}
    assert http.post("/bla*/_refresh").json == {"_shards": {"total": 0, "successful": 0, "failed": 0}}
    exact_error(http.post("/nope/_refresh"), 404, not_found_cause("nope"))


# -- _mapping (§5.2–5.5) --------------------------------------------------------------------------
TEXT = {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}}


def mapping(http, index: str) -> dict:
    reply = http.get(f"/{index}/_mapping")
    assert reply.status == 200, reply.text
    return reply.json[index]["mappings"]


def test_get_mapping_of_index_without_mappings_and_of_missing_index(http):
    create(http, "t")
    assert http.get("/t/_mapping").json == {"t": {"mappings": {}}}
    exact_error(http.get("/nope/_mapping"), 404, not_found_cause("nope"))
    exact_error(http.put("/nope/_mapping", json={"properties": {}}), 404, not_found_cause("nope"))


def test_dynamic_mapping_of_the_spec_example(http):
    put_doc(http, "m", "1", {"title": "hi", "n": 3, "f": 1.5, "ok": True, "d": "2024-01-02", "o": {"a": "x"}})
    mappings = mapping(http, "m")
    assert mappings == {
        "properties": {
            "d": {"type": "date"},
            "f": {"type": "float"},
            "n": {"type": "long"},
            "o": {"properties": {"a": TEXT}},
            "ok": {"type": "boolean"},
            "title": TEXT,
        }
    }
    assert list(mappings["properties"]) == ["d", "f", "n", "o", "ok", "title"]


def test_dynamic_mapping_skips_nulls_and_empty_arrays_and_uses_the_first_element(http):
    put_doc(
        http,
        "m",
        "1",
        {"nothing": None, "empty": [], "tags": [None, "x"], "nums": [1, 2], "dt": "2024-01-02T10:11:12Z"},
    )
    assert mapping(http, "m") == {"properties": {"dt": {"type": "date"}, "nums": {"type": "long"}, "tags": TEXT}}


def test_numeric_strings_are_never_dates(http):
    put_doc(http, "m", "1", {"year": "2024", "num": "12"})
    assert mapping(http, "m") == {"properties": {"num": TEXT, "year": TEXT}}


def test_empty_object_maps_as_type_object(http):
    put_doc(http, "m", "1", {"e": {}})
    assert mapping(http, "m") == {"properties": {"e": {"type": "object"}}}


def test_dynamic_false_keeps_source_but_maps_nothing(http):
    create(http, "df", {"mappings": {"dynamic": False}})
    put_doc(http, "df", "1", {"a": "x"})
    assert "properties" not in mapping(http, "df") and get_source(http, "df", "1") == {"a": "x"}


def test_documents_never_change_an_existing_field_mapping(http):
    create(http, "pm", {"mappings": {"properties": {"a": {"type": "keyword"}}}})
    put_doc(http, "pm", "1", {"a": 12, "b": 1})
    assert mapping(http, "pm") == {"properties": {"a": {"type": "keyword"}, "b": {"type": "long"}}}


def test_put_mapping_merges_and_expands_dotted_names(http):
    create(http, "pm", {"mappings": {"properties": {"a": {"type": "keyword"}}}})
    reply = http.put("/pm/_mapping", json={"properties": {"sub.text3": {"type": "text"}, "b": {"type": "long"}}})
    assert (reply.status, reply.json) == (200, {"acknowledged": True})
    assert mapping(http, "pm") == {
        "properties": {
            "a": {"type": "keyword"},
            "b": {"type": "long"},
            "sub": {"properties": {"text3": {"type": "text"}}},
        }
    }


@pytest.mark.parametrize(
    "body, cause",
    [
        (
            {"_doc": {"properties": {}}},
            plain("illegal_argument_exception", "Types cannot be provided in put mapping requests"),
        ),
        (None, plain("parse_exception", "request body is required")),
    ],
    ids=["type-wrapper", "no-body"],
)
def test_put_mapping_refused(http, body, cause):
    create(http, "pm")
    exact_error(http.put("/pm/_mapping", json=body), 400, cause)


def test_put_mapping_with_empty_field_name_is_illegal_argument(http):
    create(http, "pm")
    es_error(http.put("/pm/_mapping", json={"properties": {"": {"type": "text"}}}), 400, "illegal_argument_exception")


def test_put_mapping_with_string_properties_is_bad_request(http):
    create(http, "pm")
    assert http.put("/pm/_mapping", json={"properties": "x"}).status == 400


# -- aliases (§6) ---------------------------------------------------------------------------------
def test_get_alias_of_an_index_shows_routing_and_filter(http):
    create(http, "test_index", {"aliases": {"ca": {"routing": "b", "filter": {"term": {"a": "b"}}}}})
    create(http, "test_index_2")
    assert http.get("/test_index/_alias").json == {
        "test_index": {"aliases": {"ca": {"filter": {"term": {"a": "b"}}, "index_routing": "b", "search_routing": "b"}}}
    }
    assert http.get("/test_index_2/_alias").json == {"test_index_2": {"aliases": {}}}


def test_put_alias_answer_and_is_write_index_only_when_given(http):
    create(http, "test_index")
    assert http.put("/test_index/_alias/plain").json == {"acknowledged": True, "errors": False}
    assert http.post("/test_index/_aliases/writer", json={"is_write_index": True}).json == {
        "acknowledged": True,
        "errors": False,
    }
    assert http.get("/test_index/_alias").json == {
        "test_index": {"aliases": {"plain": {}, "writer": {"is_write_index": True}}}
    }


def test_get_alias_by_name_lists_only_indices_that_have_it(http):
    create(http, "test_index", {"aliases": {"test_alias": {}}})
    create(http, "test_index_2")
    assert http.get("/_alias/test_alias").json == {"test_index": {"aliases": {"test_alias": {}}}}
    assert http.get("/_alias/test_*").json == {"test_index": {"aliases": {"test_alias": {}}}}


def test_get_missing_alias_is_404_with_a_string_error_then_the_found_indices(http):
    create(http, "test_index", {"aliases": {"test_alias": {}}})
    alone = http.get("/_alias/non-existent")
    assert (alone.status, alone.json) == (404, {"error": "alias [non-existent] missing", "status": 404})
    mixed = http.get("/_alias/test_alias,non-existent,another-non-existent")
    assert (mixed.status, mixed.json) == (
        404,
        {
            "error": "aliases [another-non-existent,non-existent] missing",
            "status": 404,
            "test_index": {"aliases": {"test_alias": {}}},
        },
    )
    assert list(mixed.json) == ["error", "status", "test_index"]


def test_get_and_put_alias_on_missing_index(http):
    exact_error(http.get("/nope/_alias"), 404, not_found_cause("nope"))
    exact_error(http.put("/nope/_alias/x"), 404, not_found_cause("nope"))


def test_head_alias_is_200_or_404_with_an_empty_body(http):
    create(http, "test_index", {"aliases": {"test_alias": {}}})
    create(http, "test_index_2")
    paths = ("/_alias/test_alias", "/_alias/nope", "/test_index_2/_alias/test_alias")
    replies = [http.request("HEAD", path) for path in paths]
    assert [(r.status, r.text) for r in replies] == [(200, ""), (404, ""), (404, "")]


def test_put_alias_with_invalid_characters_or_the_name_of_an_index(http):
    create(http, "test_index")
    reply = http.put("/test_index/_alias/test_*")
    es_error(reply, 400, "invalid_alias_name_exception", f"Invalid alias name [test_*]: {FORBIDDEN}")
    create(http, "foo")
    es_error(
        http.put("/test_index/_alias/foo"),
        400,
        "invalid_alias_name_exception",
        "Invalid alias name [foo]: an index or data stream exists with the same name as the alias",
    )


def test_delete_alias_then_get_and_delete_again_are_404(http):
    create(http, "testind", {"aliases": {"testali": {"routing": "routing value"}}})
    assert http.delete("/testind/_alias/testali").json == {"acknowledged": True, "errors": False}
    reply = http.get("/testind/_alias/testali")
    assert (reply.status, reply.json) == (404, {"error": "alias [testali] missing", "status": 404})
    exact_error(
        http.delete("/testind/_alias/testali"),
        404,
        {
            "type": "aliases_not_found_exception",
            "reason": "aliases [testali] missing",
            "resource.type": "aliases",
            "resource.id": "testali",
        },
    )


def test_update_aliases_partial_failure_reports_every_action(http):
    create(http, "test_index")
    reply = http.post(
        "/_aliases",
        json={
            "actions": [
                {"add": {"index": "test_index", "alias": "test_alias1"}},
                {"remove": {"index": "test_index", "alias": "test_non_existing"}},
            ]
        },
    )
    assert (reply.status, reply.json) == (
        200,
        {
            "acknowledged": True,
            "errors": True,
            "action_results": [
                {"action": {"type": "add", "indices": ["test_index"], "aliases": ["test_alias1"]}, "status": 200},
                {
                    "action": {"type": "remove", "indices": ["test_index"], "aliases": ["test_non_existing"]},
                    "status": 404,
                    "error": {
                        "type": "aliases_not_found_exception",
                        "reason": "aliases [test_non_existing] missing",
                        "resource.type": "aliases",
                        "resource.id": "test_non_existing",
                    },
                },
            ],
        },
    )
    assert http.request("HEAD", "/_alias/test_alias1").status == 200


def test_update_aliases_swap_is_atomic(http):
    create(http, "old", {"aliases": {"current": {}}})
    create(http, "new")
    reply = http.post(
        "/_aliases",
        json={
            "actions": [{"remove": {"index": "old", "alias": "current"}}, {"add": {"index": "new", "alias": "current"}}]
        },
    )
    assert reply.json == {"acknowledged": True, "errors": False}
    assert http.get("/_alias/current").json == {"new": {"aliases": {"current": {}}}}


def test_update_aliases_must_exist_fails_the_whole_request(http):
    create(http, "test_index")
    reply = http.post(
        "/_aliases",
        json={
            "actions": [
                {"add": {"index": "test_index", "alias": "test_alias3"}},
                {"remove": {"index": "test_index", "alias": "missing", "must_exist": True}},
            ]
        },
    )
    es_error(reply, 404, "aliases_not_found_exception", "aliases [missing] missing")
    assert http.request("HEAD", "/_alias/test_alias3").status == 404


@pytest.mark.parametrize(
    "action, reason",
    [
        ({"add": {"alias": "a"}}, "One of [index] or [indices] is required"),
        ({"add": {"index": "test_index"}}, "One of [alias] or [aliases] is required"),
        ({"add": {"index": "", "alias": "a"}}, "[index] can't be empty string"),
        ({"add": {"indices": [], "alias": "a"}}, "[indices] can't be empty"),
        ({"add": {"index": "test_index", "alias": "a", "must_exist": True}}, "must_exist"),  # only remove takes it
    ],
)
def test_update_aliases_action_errors(http, action, reason):
    # §6.6: the x_content_parse_exception wrapping is unconfirmed, so only the status and the message.
    create(http, "test_index")
    reply = http.post("/_aliases", json={"actions": [action]})
    assert reply.status == 400 and reason in reply.error["reason"], reply.text


def test_update_aliases_remove_index_deletes_the_index(http):
    create(http, "test")
    create(http, "other", {"aliases": {"keep": {}}})
    reply = http.post("/_aliases", json={"actions": [{"remove_index": {"index": "test"}}]})
    assert reply.json == {"acknowledged": True, "errors": False}
    assert http.request("HEAD", "/test").status == 404


def test_update_aliases_remove_index_then_the_alias_takes_its_name(http):
    create(http, "test")
    create(http, "test_2")
    reply = http.post(
        "/_aliases",
        json={"actions": [{"add": {"index": "test_2", "alias": "test"}}, {"remove_index": {"index": "test"}}]},
    )
    assert reply.json == {"acknowledged": True, "errors": False}
    assert put_doc(http, "test", "1", {"a": 1})["_index"] == "test_2"


def test_update_aliases_removing_nothing_lists_every_alias(http):
    create(http, "test_index")
    reply = http.post(
        "/_aliases",
        json={
            "actions": [
                {"remove": {"index": "test_index", "alias": "q1"}},
                {"remove": {"index": "test_index", "alias": "q2"}},
            ]
        },
    )
    exact_error(
        reply,
        404,
        {
            "type": "aliases_not_found_exception",
            "reason": "aliases [q1, q2] missing",
            "resource.type": "aliases",
            "resource.id": ["q1", "q2"],
        },
    )


def test_update_aliases_with_a_number_as_alias_is_bad_request(http):
    create(http, "test_index")
    assert http.post("/_aliases", json={"actions": [{"add": {"index": "test_index", "alias": 5}}]}).status == 400


# -- _ingest/pipeline (internals §5) --------------------------------------------------------------
def test_get_missing_pipeline_is_404_empty_object(http):
    for path in ("/_ingest/pipeline/nope", "/_ingest/pipeline/nomatch*"):
        reply = http.get(path)
        assert (reply.status, reply.json) == (404, {})


def test_search_default_ingestion_is_installed_as_the_registry_writes_it(http):
    definition = http.get("/_ingest/pipeline/search-default-ingestion").json["search-default-ingestion"]
    assert list(definition)[:4] == ["version", "description", "_meta", "processors"]
    assert (definition["version"], definition["description"], definition["_meta"]) == (
        1,
        "Default search ingest pipeline",
        {"managed_by": "Search", "managed": True},
    )
    processors = definition["processors"]
    assert [(next(iter(p)), next(iter(p.values())).get("tag")) for p in processors] == [
        ("attachment", None),
        ("set", "set_body"),
        ("gsub", "remove_replacement_chars"),
        ("gsub", "remove_extra_whitespace"),
        ("trim", None),
        ("remove", "remove_meta_fields"),
    ]
    assert processors[2]["gsub"]["pattern"] == "\ufffd" and processors[3]["gsub"]["pattern"] == "\\s+"
    assert processors[5]["remove"]["field"] == [
        "_attachment",
        "_attachment_indexed_chars",
        "_extracted_attachment",
        "_extract_binary_content",
        "_reduce_whitespace",
        "_run_ml_inference",
    ]
    assert processors[0]["attachment"]["on_failure"] == [
        {
            "append": {
                "description": "Record error information",
                "field": "_ingestion_errors",
                "value": "Processor 'attachment' in pipeline '{{ _ingest.on_failure_pipeline }}' failed with message "
                "'{{ _ingest.on_failure_message }}'",
            }
        }
    ]


def test_put_pipeline_without_processors(http):
    exact_error(
        http.put("/_ingest/pipeline/p", json={"description": "x"}),
        400,
        {
            "type": "parse_exception",
            "reason": "[processors] required property is missing",
            "property_name": "processors",
        },
    )


def test_put_get_run_and_delete_a_pipeline(http):
    body = {"description": "d", "processors": [{"set": {"field": "x", "value": "y"}}]}
    assert http.put("/_ingest/pipeline/p1", json=body).json == {"acknowledged": True}
    stored = http.get("/_ingest/pipeline/p1").json
    assert list(stored) == ["p1"] and {k: stored["p1"][k] for k in body} == body
    assert list(stored["p1"])[:2] == ["description", "processors"]
    put_doc(http, "pi", "1", {"a": 1}, pipeline="p1")
    assert get_source(http, "pi", "1") == {"a": 1, "x": "y"}
    assert http.delete("/_ingest/pipeline/p1").json == {"acknowledged": True}
    assert http.get("/_ingest/pipeline/p1").status == 404


def test_put_pipeline_with_unknown_key(http):
    es_error(
        http.put("/_ingest/pipeline/p1", json={"foo": 1, "processors": []}),
        400,
        "parse_exception",
        "pipeline [p1] doesn't support one or more provided configuration parameters [foo]",
    )


@pytest.mark.parametrize(
    "body, reason, metadata",
    [
        (
            {"processors": "x"},
            "[processors] property isn't a list, but of type [java.lang.String]",
            {"property_name": "processors"},
        ),
        ({"processors": [{"nope": {}}]}, "No processor type exists with name [nope]", {"processor_type": "nope"}),
    ],
    ids=["not-a-list", "unknown-processor"],
)
def test_put_pipeline_definition_errors(http, body, reason, metadata):
    reply = http.put("/_ingest/pipeline/p1", json=body)
    es_error(reply, 400, "parse_exception", reason)
    assert {k: reply.error[k] for k in metadata} == metadata


# -- GET /_license (internals §6) -----------------------------------------------------------------
def test_license_is_an_active_trial_by_default_in_rest_view_order(http):
    reply = http.get("/_license")
    assert list(reply.json) == ["license"]
    lic = reply.json["license"]
    assert list(lic) == [
        "status",
        "uid",
        "type",
        "issue_date",
        "issue_date_in_millis",
        "expiry_date",
        "expiry_date_in_millis",
        "max_nodes",
        "max_resource_units",
        "issued_to",
        "issuer",
        "start_date_in_millis",
    ]
    assert (
        lic["status"],
        lic["type"],
        lic["max_nodes"],
        lic["max_resource_units"],
        lic["issuer"],
        lic["start_date_in_millis"],
    ) == ("active", "trial", 1000, None, "elasticsearch", -1)
    assert lic["expiry_date_in_millis"] - lic["issue_date_in_millis"] == 30 * 86_400_000
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", lic["uid"])
    millis = lic["issue_date_in_millis"]
    from datetime import datetime

    moment = datetime.fromtimestamp(millis / 1000, tz=UTC)
    assert lic["issue_date"] == moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis % 1000:03d}Z"


# -- fixtures: elasticsearch.indices ---------------------------------------------------------------
SEEDED = {
    "elasticsearch": {
        "indices": {
            "seeded": {
                "settings": {"number_of_replicas": 0},
                "mappings": {"properties": {"t": {"type": "keyword"}}},
                "aliases": {"seed-alias": {}},
                "documents": {"1": {"t": "a"}, "2": {"t": "b", "n": 1}},
            }
        }
    }
}


def test_fixture_seeds_an_index_with_settings_mappings_aliases_and_documents(tmp_path):
    http = fixture_app(tmp_path, SEEDED)
    body = http.get("/seeded").json["seeded"]
    assert body["aliases"] == {"seed-alias": {}}
    assert body["mappings"] == {"properties": {"n": {"type": "long"}, "t": {"type": "keyword"}}}
    assert body["settings"]["index"]["number_of_replicas"] == "0"
    assert http.get("/seeded/_doc/2").json == {
        "_index": "seeded",
        "_id": "2",
        "_version": 1,
        "_seq_no": 1,
        "_primary_term": 1,
        "found": True,
        "_source": {"t": "b", "n": 1},
    }
    assert http.get("/seed-alias/_doc/1").json["_source"] == {"t": "a"}


def test_fixture_index_goes_on_from_its_documents_and_reset_restores_it(tmp_path):
    http = fixture_app(tmp_path, SEEDED)
    body = put_doc(http, "seeded", "3", {"t": "c"})
    assert (body["_seq_no"], body["_shards"]) == (2, {"total": 1, "successful": 1, "failed": 0})
    assert http.post("/_mock/reset").status == 200
    assert http.get("/seeded/_doc/3").status == 404 and http.get("/seeded/_doc/1").status == 200


@pytest.mark.parametrize(
    "indices, place, message",
    [
        ({"Bad": {}}, "/elasticsearch/indices/Bad", "Invalid index name [Bad], must be lowercase"),
        (
            {"ok": {"mappings": {"properties": {"n": {"type": "long"}}}, "documents": {"1": {"n": "abc"}}}},
            "/elasticsearch/indices/ok/documents/1",
            "failed to parse field [n] of type [long]",
        ),
    ],
    ids=["bad-name", "bad-document"],
)
def test_fixture_errors_name_the_place(tmp_path, indices, place, message):
    from mockserver.errors import FixtureError

    with pytest.raises(FixtureError) as caught:
        fixture_app(tmp_path, {"elasticsearch": {"indices": indices}})
    assert f"at {place}:" in str(caught.value) and message in str(caught.value)
