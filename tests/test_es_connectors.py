"""Connectors over HTTP: create, read, list, delete, and every update call with its errors."""

from __future__ import annotations

from datetime import datetime

import pytest
from conftest import es_error


def connector(http, connector_id: str) -> dict:
    reply = http.get(f"/_connector/{connector_id}")
    assert reply.status == 200, reply.text
    return reply.json


def update(http, connector_id: str, suffix: str, body=None) -> dict:
    reply = http.put(f"/_connector/{connector_id}/{suffix}", json=body)
    assert reply.status == 200, reply.text
    return reply.json


# -- create and read --------------------------------------------------------------------------


def test_put_creates_with_defaults_in_the_servers_order(http):
    reply = http.put(
        "/_connector/new-one",
        json={"index_name": "search-new", "name": "New", "service_type": "gmail", "description": "d", "language": "en"},
    )
    assert (reply.status, reply.json) == (201, {"id": "new-one", "result": "created"})
    doc = connector(http, "new-one")
    assert list(doc) == [
        "id",
        "configuration",
        "custom_scheduling",
        "description",
        "filtering",
        "index_name",
        "is_native",
        "language",
        "name",
        "scheduling",
        "service_type",
        "status",
        "sync_now",
        "deleted",
    ]
    assert doc["status"] == "created" and doc["is_native"] is False and doc["sync_now"] is False
    assert doc["scheduling"] == {
        kind: {"enabled": False, "interval": "0 0 0 * * ?"} for kind in ("access_control", "full", "incremental")
    }
    assert doc["configuration"] == {} and doc["custom_scheduling"] == {}
    filtering = doc["filtering"]
    assert len(filtering) == 1 and list(filtering[0]) == ["active", "domain", "draft"]
    assert filtering[0]["domain"] == "DEFAULT" and filtering[0]["active"] == filtering[0]["draft"]
    rule = filtering[0]["active"]["rules"][0]
    assert list(rule) == ["created_at", "field", "id", "order", "policy", "rule", "updated_at", "value"]
    assert {k: rule[k] for k in ("field", "id", "order", "policy", "rule", "value")} == {
        "field": "_",
        "id": "DEFAULT",
        "order": 0,
        "policy": "include",
        "rule": "regex",
        "value": ".*",
    }
    assert filtering[0]["active"]["validation"] == {"errors": [], "state": "valid"}


def test_put_without_body_and_without_id(http):
    assert http.put("/_connector/bare").status == 201
    doc = connector(http, "bare")
    assert doc["name"] == "" and "index_name" not in doc and "service_type" not in doc
    for method in ("put", "post"):
        reply = getattr(http, method)("/_connector", json={"name": "generated"})
        assert reply.status == 201 and reply.json["result"] == "created" and len(reply.json["id"]) == 20
        assert connector(http, reply.json["id"])["name"] == "generated"


def test_native_connector_needs_configuration(http):
    http.put("/_connector/native", json={"is_native": True, "index_name": "content-native"})
    assert connector(http, "native")["status"] == "needs_configuration"


def test_put_again_overwrites_with_defaults(http):
    update(
        http,
        "my-connector",
        "_pipeline",
        {
            "pipeline": {
                "extract_binary_content": True,
                "name": "p",
                "reduce_whitespace": True,
                "run_ml_inference": False,
            }
        },
    )
    reply = http.put("/_connector/my-connector", json={"index_name": "search-google-drive", "name": "Again"})
    assert (reply.status, reply.json) == (200, {"id": "my-connector", "result": "updated"})
    doc = connector(http, "my-connector")
    assert doc["name"] == "Again" and "pipeline" not in doc and "service_type" not in doc


@pytest.mark.parametrize(
    "name, problem",
    [
        ("_bad", "must not start with '_', '-', or '+'"),
        ("-bad", "must not start with '_', '-', or '+'"),
        ("a b", "must not contain the following characters [' ','\"','*',',','/','<','>','?','\\','|']"),
        ("a#b", "must not contain '#'"),
        ("a:b", "must not contain ':'"),
        ("..", "must not be '.' or '..'"),
        ("", "must not be empty"),
    ],
)
def test_put_invalid_index_name(http, name, problem):
    es_error(
        http.put("/_connector/x", json={"index_name": name}),
        400,
        "action_request_validation_exception",
        f"Validation Failed: 1: [{name}] InvalidIndexNameException[Invalid index name [{name}], {problem}];",
    )


def test_put_upper_case_index_name_is_accepted(http):
    assert http.put("/_connector/x", json={"index_name": "Search-Upper"}).status == 201


def test_put_native_index_must_be_content_prefixed(http):
    es_error(
        http.put("/_connector/x", json={"is_native": True, "index_name": "_bad"}),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: [_bad] InvalidIndexNameException[Invalid index name [_bad], must not start with "
        "'_', '-', or '+'];2: Index [_bad] is invalid. Index attached to an Elastic-managed connector must start "
        "with the prefix: [content-];",
    )


def test_put_index_name_in_use(http):
    es_error(
        http.put("/_connector/x", json={"index_name": "search-connector-1"}),
        400,
        "status_exception",
        "Index name [search-connector-1] is used by another connector.",
    )
    assert http.put("/_connector/connector-1", json={"index_name": "search-connector-1"}).status == 200


def test_put_body_errors(http):
    es_error(
        http.put("/_connector/x", json={"nam": "x"}),
        400,
        "x_content_parse_exception",
        "[1:2] [connector_put_request] unknown field [nam] did you mean [name]?",
    )
    es_error(
        http.put("/_connector/x", data='{"name": null}', headers={"Content-Type": "application/json"}),
        400,
        "x_content_parse_exception",
        "[1:10] [connector_put_request] name doesn't support values of type: VALUE_NULL",
    )
    es_error(http.put("/_connector/x", json={"is_native": "yes"}), 400, "x_content_parse_exception")
    es_error(
        http.put("/_connector/x", json=[1]),
        400,
        "x_content_parse_exception",
        "[1:1] [connector_put_request] Expected START_OBJECT but was: START_ARRAY",
    )


def test_get_missing(http):
    es_error(http.get("/_connector/nope"), 404, "resource_not_found_exception", "connector [nope] not found")


# -- list -------------------------------------------------------------------------------------


def test_list_sorted_by_index_name_and_paged(http):
    all_ = http.get("/_connector").json
    names = [c["index_name"] for c in all_["results"]]
    assert names == sorted(names) and all_["count"] == len(names) >= 7
    page = http.get("/_connector", query={"from": 1, "size": 2}).json
    assert page["count"] == all_["count"] and page["results"] == all_["results"][1:3]


def test_list_filters(http):
    def ids(**query):
        return sorted(c["id"] for c in http.get("/_connector", query=query).json["results"])

    assert ids(index_name="search-connector-1,search-mysql") == ["connector-1", "my-sql-connector"]
    assert ids(connector_name="Connector 1") == ["connector-1"]
    assert ids(service_type="sharepoint_online") == ["connector-id", "my-spo-connector"]
    assert ids(service_type="google_drive", connector_name="My Connector") == ["my-connector"]
    assert ids(query="google") == ["my-connector"]
    assert ids(query="search-my") == ["my-connector-id", "my-sql-connector"]
    assert ids(query="EXAMPLE") == ["connector-id"]  # a word of the description, which is lower-cased
    assert ids(query="sync job") == []  # a wildcard on a text field meets one word at a time


@pytest.mark.parametrize(
    "query, type_, reason",
    [
        ({"from": -1}, "illegal_argument_exception", "Parameter [from] cannot be < 0"),
        ({"size": -2}, "illegal_argument_exception", "Parameter [size] cannot be < 0"),
        (
            {"index_name": "_x"},
            "action_request_validation_exception",
            "Validation Failed: 1: [_x] InvalidIndexNameException[Invalid index name [_x], must not "
            "start with '_', '-', or '+'];",
        ),
        (
            {"include_deleted": "maybe"},
            "illegal_argument_exception",
            "Failed to parse value [maybe] as only [true] or [false] are allowed.",
        ),
        (
            {"serivce_type": "x"},
            "illegal_argument_exception",
            "request [/_connector] contains unrecognized parameter: [serivce_type] -> did you mean [service_type]?",
        ),
    ],
)
def test_list_parameter_errors(http, query, type_, reason):
    es_error(http.get("/_connector", query=query), 400, type_, reason)


# -- delete -----------------------------------------------------------------------------------


def test_soft_delete_hides_and_frees_the_index_name(http):
    assert http.delete("/_connector/connector-1").json == {"acknowledged": True}
    es_error(http.get("/_connector/connector-1"), 404, "resource_not_found_exception")
    deleted = http.get("/_connector/connector-1", query={"include_deleted": "true"}).json
    assert deleted["deleted"] is True
    assert "connector-1" not in [c["id"] for c in http.get("/_connector").json["results"]]
    assert "connector-1" in [
        c["id"] for c in http.get("/_connector", query={"include_deleted": "true"}).json["results"]
    ]
    es_error(
        http.delete("/_connector/connector-1"), 404, "resource_not_found_exception", "connector [connector-1] not found"
    )
    assert http.put("/_connector/other", json={"index_name": "search-connector-1"}).status == 201


def test_hard_delete(http):
    assert http.delete("/_connector/connector-1", query={"hard": "true"}).status == 200
    es_error(
        http.get("/_connector/connector-1", query={"include_deleted": "true"}), 404, "resource_not_found_exception"
    )
    es_error(http.delete("/_connector/connector-1", query={"hard": "true"}), 404, "resource_not_found_exception")


# -- updates ----------------------------------------------------------------------------------


def test_check_in_and_missing_document(http):
    assert update(http, "my-connector", "_check_in") == {"result": "updated"}
    doc = connector(http, "my-connector")
    assert list(doc)[-1] == "last_seen"  # a field first written by an update comes last
    error = es_error(
        http.put("/_connector/nope/_check_in"), 404, "document_missing_exception", "[nope]: document missing"
    )
    assert error["index"] == ".elastic-connectors-v1" and error["shard"] == "0"


def test_updates_that_skip_the_lookup_reach_soft_deleted_connectors(http):
    http.delete("/_connector/my-connector")
    assert update(http, "my-connector", "_name", {"name": "still here"}) == {"result": "updated"}
    es_error(
        http.put("/_connector/my-connector/_status", json={"status": "needs_configuration"}),
        404,
        "resource_not_found_exception",
        "connector [my-connector] not found",
    )


@pytest.mark.parametrize(
    "error, status", [("Houston, we have a problem!", "error"), ("", "connected"), (None, "connected")]
)
def test_error(http, error, status):
    update(http, "my-connector", "_error", {"error": error})
    doc = connector(http, "my-connector")
    assert (doc["error"], doc["status"]) == (error, status)


def test_error_requires_the_key(http):
    es_error(
        http.put("/_connector/my-connector/_error", json={}), 400, "illegal_argument_exception", "Required [error]"
    )


def test_name_and_description(http):
    update(
        http, "my-connector", "_name", {"name": "Custom connector", "description": "This is my customized connector"}
    )
    doc = connector(http, "my-connector")
    assert (doc["name"], doc["description"]) == ("Custom connector", "This is my customized connector")
    update(http, "my-connector", "_name", {"description": "only this", "name": None})
    assert connector(http, "my-connector")["name"] == "Custom connector"
    assert update(http, "my-connector", "_name", {"description": "only this"}) == {"result": "noop"}
    es_error(
        http.put("/_connector/my-connector/_name", json={}),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: [name] and [description] cannot both be [null]. "
        "Please provide a value for at least one of them.;",
    )
    es_error(http.put("/_connector/nope/_name", json={"name": "x"}), 404, "document_missing_exception")


def test_index_name(http):
    assert update(http, "my-connector", "_index_name", {"index_name": "data-from-my-google-drive"}) == {
        "result": "updated"
    }
    assert update(http, "my-connector", "_index_name", {"index_name": "data-from-my-google-drive"}) == {
        "result": "noop"
    }
    assert connector(http, "my-connector")["status"] == "created"
    update(http, "my-connector", "_index_name", {"index_name": None})
    assert connector(http, "my-connector")["index_name"] is None
    es_error(
        http.put("/_connector/my-connector/_index_name", json={"index_name": "search-connector-1"}),
        400,
        "status_exception",
        "Index name [search-connector-1] is used by another connector.",
    )
    # The in-use check comes before the lookup.
    es_error(
        http.put("/_connector/nope/_index_name", json={"index_name": "search-connector-1"}), 400, "status_exception"
    )
    es_error(
        http.put("/_connector/nope/_index_name", json={"index_name": "free"}),
        404,
        "resource_not_found_exception",
        "connector [nope] not found",
    )
    es_error(
        http.put("/_connector/my-connector/_index_name", json={}),
        400,
        "illegal_argument_exception",
        "Required [index_name]",
    )
    es_error(
        http.put("/_connector/my-connector/_index_name", json={"index_name": "a,b"}),
        400,
        "action_request_validation_exception",
    )


def test_index_name_of_a_native_connector(http):
    http.put("/_connector/native", json={"is_native": True, "index_name": "content-a"})
    es_error(
        http.put("/_connector/native/_index_name", json={"index_name": "search-b"}),
        400,
        "status_exception",
        "Index attached to an Elastic-managed connector must start with the prefix: [content-]. "
        "The index name in the payload [search-b] doesn't comply with this requirement.",
    )


def test_service_type(http):
    update(http, "my-connector", "_service_type", {"service_type": "sharepoint_online"})
    assert connector(http, "my-connector")["status"] == "created"
    update(http, "connector-1", "_service_type", {"service_type": "sharepoint_online"})
    assert connector(http, "connector-1")["status"] == "needs_configuration"
    es_error(
        http.put("/_connector/my-connector/_service_type", json={"service_type": ""}),
        400,
        "action_request_validation_exception",
        'Validation Failed: 1: [service_type] cannot be [null] or [""].;',
    )
    es_error(
        http.put("/_connector/nope/_service_type", json={"service_type": "x"}), 404, "resource_not_found_exception"
    )


def test_native(http):
    http.put("/_connector/n", json={"index_name": "content-n"})
    http.put("/_connector/n/_status", json={"status": "needs_configuration"})
    http.put("/_connector/n/_configuration", json={"configuration": {}})
    http.put("/_connector/n/_status", json={"status": "connected"})
    update(http, "n", "_native", {"is_native": True})
    doc = connector(http, "n")
    assert (doc["is_native"], doc["status"]) == (True, "configured")
    es_error(
        http.put("/_connector/my-connector/_native", json={"is_native": True}),
        400,
        "status_exception",
        "The index name [search-google-drive-my-connector] attached to the connector [my-connector] must start "
        "with the required prefix: [content-] to be Elastic-managed. Please update the attached index first to "
        "comply with this requirement.",
    )
    es_error(
        http.put("/_connector/my-connector/_native", json={}), 400, "illegal_argument_exception", "Required [is_native]"
    )


def test_status_follows_the_state_machine(http):
    assert update(http, "my-connector", "_status", {"status": "needs_configuration"}) == {"result": "updated"}
    assert update(http, "my-connector", "_status", {"status": "configured"}) == {"result": "updated"}
    assert update(http, "my-connector", "_status", {"status": "configured"}) == {"result": "noop"}
    assert update(http, "my-connector", "_status", {"status": "CONNECTED"}) == {"result": "updated"}
    reason = (
        "Invalid transition attempt from [connected] to [needs_configuration]. "
        "Such a status transition is not supported by the Connector Protocol."
    )
    error = es_error(
        http.put("/_connector/my-connector/_status", json={"status": "needs_configuration"}),
        400,
        "status_exception",
        reason,
    )
    assert error["caused_by"] == {"type": "connector_invalid_status_transition_exception", "reason": reason}
    es_error(http.put("/_connector/connector-id/_status", json={"status": "created"}), 400, "status_exception")


def test_status_errors(http):
    error = es_error(
        http.put("/_connector/my-connector/_status", json={"status": "bogus"}),
        400,
        "x_content_parse_exception",
        "[1:12] [connector_update_status_request] failed to parse field [status]",
    )
    assert error["caused_by"] == {"type": "illegal_argument_exception", "reason": "Unknown ConnectorStatus [bogus]."}
    es_error(
        http.put("/_connector/my-connector/_status", json={}),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: [status] cannot be [null].;",
    )
    es_error(http.put("/_connector/nope/_status", json={"status": "error"}), 404, "resource_not_found_exception")


def test_configuration_replaced_whole(http):
    body = {"configuration": {"host": {"label": "Host", "order": 1, "type": "str", "display": "TEXT", "extra": 1}}}
    assert update(http, "my-connector", "_configuration", body) == {"result": "updated"}
    doc = connector(http, "my-connector")
    assert doc["status"] == "configured"
    assert doc["configuration"] == {
        "host": {
            "default_value": None,
            "display": "text",
            "label": "Host",
            "order": 1,
            "required": False,
            "sensitive": False,
            "type": "str",
            "value": None,
        }
    }


def test_configuration_values_of_known_fields(http):
    values = {
        "tenant_id": "my-tenant-id",
        "tenant_name": "my-sharepoint-site",
        "client_id": "foo",
        "secret_value": "bar",
        "site_collections": "*",
    }
    update(http, "my-spo-connector", "_configuration", {"values": values})
    doc = connector(http, "my-spo-connector")
    assert {k: v["value"] for k, v in doc["configuration"].items()} == values
    assert doc["configuration"]["secret_value"]["sensitive"] is True and doc["status"] == "configured"
    update(http, "my-spo-connector", "_configuration", {"values": {"secret_value": "foo-bar"}})
    assert connector(http, "my-spo-connector")["configuration"]["client_id"]["value"] == "foo"


def test_configuration_errors(http):
    url = "/_connector/my-spo-connector/_configuration"
    es_error(
        http.put(url, json={}),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: [configuration] and [values] cannot both be null.;",
    )
    es_error(
        http.put(url, json={"configuration": {}, "values": {}}),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: [configuration] and [values] cannot both be provided in the same request.;",
    )
    es_error(
        http.put(url, json={"values": {"nope": 1, "nada": 2}}),
        400,
        "status_exception",
        "Unknown [configuration] fields in the request payload: [nope, nada]. "
        "Remove them from request or register their schema first.",
    )
    error = es_error(http.put(url, json={"configuration": {"a": {"order": 1}}}), 400, "x_content_parse_exception")
    assert error["caused_by"] == {"type": "illegal_argument_exception", "reason": "Required [label]"}
    es_error(http.put("/_connector/nope/_configuration", json={"values": {}}), 404, "resource_not_found_exception")


def test_scheduling_merges_per_kind(http):
    update(http, "my-connector", "_scheduling", {"scheduling": {"full": {"enabled": True, "interval": "0 10 0 * * ?"}}})
    scheduling = connector(http, "my-connector")["scheduling"]
    assert scheduling["full"] == {"enabled": True, "interval": "0 10 0 * * ?"}
    assert scheduling["incremental"] == {"enabled": False, "interval": "0 0 0 * * ?"}


def test_scheduling_errors(http):
    reason = (
        "Validation Failed: 1: [scheduling] object needs to define at least one schedule type: "
        "[full | incremental | access_control];"
    )
    url = "/_connector/my-connector/_scheduling"
    es_error(http.put(url, json={"scheduling": {}}), 400, "action_request_validation_exception", reason)
    # The server never checks access_control alone (it checks incremental twice).
    es_error(
        http.put(url, json={"scheduling": {"access_control": {"enabled": True, "interval": "0 0 0 * * ?"}}}),
        400,
        "action_request_validation_exception",
        reason,
    )
    es_error(http.put(url, json={}), 400, "illegal_argument_exception", "Required [scheduling]")
    error = es_error(http.put(url, json={"scheduling": {"full": {"enabled": True}}}), 400, "x_content_parse_exception")
    assert error["caused_by"]["reason"] == "Required [interval]"
    es_error(
        http.put("/_connector/nope/_scheduling", json={"scheduling": {"full": {"enabled": True, "interval": "x"}}}),
        404,
        "document_missing_exception",
    )


def test_pipeline(http):
    pipeline = {
        "extract_binary_content": True,
        "name": "my-connector-pipeline",
        "reduce_whitespace": True,
        "run_ml_inference": True,
    }
    update(http, "my-connector", "_pipeline", {"pipeline": pipeline})
    assert connector(http, "my-connector")["pipeline"] == pipeline
    error = es_error(
        http.put("/_connector/my-connector/_pipeline", json={"pipeline": {"name": "p"}}),
        400,
        "x_content_parse_exception",
    )
    assert error["caused_by"]["reason"] == "Required [extract_binary_content, reduce_whitespace, run_ml_inference]"
    es_error(
        http.put("/_connector/my-connector/_pipeline", json={}),
        400,
        "illegal_argument_exception",
        "Required [pipeline]",
    )


def test_filtering_draft_then_validation_then_activation(http):
    rules = [
        {
            "field": "file_extension",
            "id": "exclude-txt-files",
            "order": 0,
            "policy": "exclude",
            "rule": "equals",
            "value": "txt",
        },
        {"field": "_", "id": "DEFAULT", "order": 1, "policy": "include", "rule": "regex", "value": ".*"},
    ]
    update(http, "my-g-drive-connector", "_filtering", {"rules": rules})
    filtering = connector(http, "my-g-drive-connector")["filtering"][0]
    draft = filtering["draft"]
    assert [r["id"] for r in draft["rules"]] == ["exclude-txt-files", "DEFAULT"]
    assert draft["rules"][1]["order"] == 1 and draft["validation"] == {"errors": [], "state": "edited"}
    assert [r["id"] for r in filtering["active"]["rules"]] == ["DEFAULT"]

    es_error(
        http.put("/_connector/my-g-drive-connector/_filtering/_activate"),
        400,
        "status_exception",
        "Filtering draft needs to be validated by the connector service before activation. "
        "Current filtering draft validation state [edited] is not equal to [valid].",
    )
    update(http, "my-g-drive-connector", "_filtering/_validation", {"validation": {"errors": [], "state": "valid"}})
    update(http, "my-g-drive-connector", "_filtering/_activate")
    filtering = connector(http, "my-g-drive-connector")["filtering"][0]
    assert filtering["active"] == filtering["draft"]
    reply = http.post("/_connector/_sync_job", json={"id": "my-g-drive-connector"})
    job = http.get(f"/_connector/_sync_job/{reply.json['id']}").json
    assert [r["id"] for r in job["connector"]["filtering"]["rules"]] == ["exclude-txt-files", "DEFAULT"]


def test_filtering_rules_sorted_with_default_last(http):
    rules = [
        {"field": "b", "id": "second", "order": 5, "policy": "include", "rule": "contains", "value": "x"},
        {"field": "a", "id": "first", "order": 2, "policy": "EXCLUDE", "rule": "starts_with", "value": "y"},
    ]
    update(http, "my-connector", "_filtering", {"rules": rules})
    draft = connector(http, "my-connector")["filtering"][0]["draft"]
    assert [(r["id"], r["order"], r["policy"]) for r in draft["rules"]] == [
        ("first", 2, "exclude"),
        ("second", 5, "include"),
        ("DEFAULT", 6, "include"),
    ]


def test_filtering_advanced_snippet(http):
    snippet = {"value": [{"tables": ["users", "orders"], "query": "SELECT 1"}]}
    update(http, "my-sql-connector", "_filtering", {"advanced_snippet": snippet})
    draft = connector(http, "my-sql-connector")["filtering"][0]["draft"]
    assert draft["advanced_snippet"]["value"] == snippet["value"]
    assert [r["id"] for r in draft["rules"]] == ["DEFAULT"]


def test_filtering_errors(http):
    url = "/_connector/my-connector/_filtering"
    es_error(
        http.put(url, json={}),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: [advanced_snippet] and [rules] cannot be both [null].;",
    )
    es_error(
        http.put(url, json={"filtering": [], "rules": []}),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: If [filtering] is specified, [rules] and [advanced_snippet] should not be present "
        "in the request body.;",
    )
    bad_rule = {"field": "a", "id": "r", "order": 0, "policy": "include", "rule": "like", "value": "x"}
    error = es_error(
        http.put(url, json={"rules": [bad_rule]}),
        400,
        "x_content_parse_exception",
        "[1:11] [connector_update_filtering_request] failed to parse field [rules]",
    )
    assert error["caused_by"]["reason"] == "Unknown FilteringRuleCondition [like]."
    es_error(http.put("/_connector/nope/_filtering", json={"rules": []}), 404, "resource_not_found_exception")


def test_filtering_whole_list(http):
    now = "2026-01-01T00:00:00.000Z"
    block = {
        "advanced_snippet": {"value": {}},
        "validation": {"errors": [], "state": "valid"},
        "rules": [
            {
                "field": "_",
                "id": "DEFAULT",
                "order": 0,
                "policy": "include",
                "rule": "regex",
                "value": ".*",
                "created_at": now,
                "updated_at": now,
            }
        ],
    }
    update(http, "my-connector", "_filtering", {"filtering": [{"active": block, "draft": block, "domain": "TEST"}]})
    filtering = connector(http, "my-connector")["filtering"]
    assert filtering[0]["domain"] == "DEFAULT" and filtering[0]["active"]["rules"][0]["created_at"] == now
    es_error(http.put("/_connector/nope/_filtering", json={"filtering": []}), 404, "document_missing_exception")


def test_filtering_validation_errors(http):
    url = "/_connector/my-connector/_filtering/_validation"
    update(
        http,
        "my-connector",
        "_filtering/_validation",
        {"validation": {"errors": [{"ids": ["r1"], "messages": ["bad"]}], "state": "INVALID"}},
    )
    assert connector(http, "my-connector")["filtering"][0]["draft"]["validation"] == {
        "errors": [{"ids": ["r1"], "messages": ["bad"]}],
        "state": "invalid",
    }
    es_error(http.put(url, json={}), 400, "illegal_argument_exception", "Required [validation]")
    error = es_error(
        http.put(url, json={"validation": {"errors": [], "state": "meh"}}), 400, "x_content_parse_exception"
    )
    assert error["caused_by"]["reason"] == "Unknown FilteringValidationState [meh]."


def test_last_sync(http):
    body = {
        "last_sync_status": "completed",
        "last_synced": "2023-05-25T12:30:00.000Z",
        "last_indexed_document_count": 5,
        "last_sync_error": None,
        "sync_cursor": {"page": 3},
    }
    update(http, "my-connector", "_last_sync", body)
    doc = connector(http, "my-connector")
    assert (doc["last_sync_status"], doc["last_synced"], doc["last_indexed_document_count"], doc["sync_cursor"]) == (
        "completed",
        "2023-05-25T12:30:00.000Z",
        5,
        {"page": 3},
    )
    assert "last_sync_error" not in doc
    update(http, "my-connector", "_last_sync", {"last_access_control_sync_status": "error"})
    assert connector(http, "my-connector")["last_sync_status"] == "completed"
    error = es_error(
        http.put("/_connector/my-connector/_last_sync", json={"last_sync_status": "nope"}),
        400,
        "x_content_parse_exception",
    )
    assert error["caused_by"]["reason"] == "Unknown ConnectorSyncStatus [nope]."
    es_error(http.put("/_connector/nope/_last_sync", json={}), 404, "document_missing_exception")


def test_api_key_id(http):
    update(
        http,
        "my-connector",
        "_api_key_id",
        {"api_key_id": "my-api-key-id", "api_key_secret_id": "my-connector-secret-id"},
    )
    doc = connector(http, "my-connector")
    assert (doc["api_key_id"], doc["api_key_secret_id"]) == ("my-api-key-id", "my-connector-secret-id")
    es_error(
        http.put("/_connector/my-connector/_api_key_id", json={}),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: [api_key_id] and [api_key_secret_id] cannot both be [null]. "
        "Please provide a value for at least one of them.;",
    )


def test_features_merge(http):
    update(http, "my-connector", "_features", {"features": {"document_level_security": {"enabled": True}}})
    update(http, "my-connector", "_features", {"features": {"sync_rules": {"basic": {"enabled": True}}}})
    assert connector(http, "my-connector")["features"] == {
        "document_level_security": {"enabled": True},
        "sync_rules": {"basic": {"enabled": True}},
    }
    es_error(
        http.put("/_connector/my-connector/_features", json={"featuresss": {}}),
        400,
        "x_content_parse_exception",
        "[1:2] [connector_update_features_request] unknown field [featuresss] did you mean [features]?",
    )


def test_timestamps_are_utc_instants(http):
    http.put("/_connector/my-connector/_check_in")
    seen = connector(http, "my-connector")["last_seen"]
    assert seen.endswith("Z") and datetime.fromisoformat(seen).tzinfo is not None
