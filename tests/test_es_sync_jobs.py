"""Connector sync jobs over HTTP: every endpoint and every error case of the spec
(../shared/specs/elasticsearch-connectors.md §2, §3, §5, §6)."""

from __future__ import annotations

import time
from datetime import datetime

import pytest
from conftest import es_error

TRANSITION = (
    "Invalid transition attempt from [{}] to [{}]. "
    "Such a ConnectorSyncStatus transition is not supported by the Connector Protocol."
)


def create(http, **body) -> str:
    reply = http.post("/_connector/_sync_job", json={"id": "connector-1", **body})
    assert reply.status == 201, reply.text
    assert list(reply.json) == ["id"]
    return reply.json["id"]


def job(http, job_id: str) -> dict:
    reply = http.get(f"/_connector/_sync_job/{job_id}")
    assert reply.status == 200, reply.text
    return reply.json


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


# -- create -----------------------------------------------------------------------------------


def test_create_gives_a_pending_job_with_defaults_and_a_connector_snapshot(http):
    job_id = create(http)
    assert len(job_id) == 20
    doc = job(http, job_id)
    assert list(doc)[0] == "id" and doc["id"] == job_id
    assert {
        k: doc[k]
        for k in (
            "status",
            "job_type",
            "trigger_method",
            "deleted_document_count",
            "indexed_document_count",
            "indexed_document_volume",
            "total_document_count",
            "metadata",
        )
    } == {
        "status": "pending",
        "job_type": "full",
        "trigger_method": "on_demand",
        "deleted_document_count": 0,
        "indexed_document_count": 0,
        "indexed_document_volume": 0,
        "total_document_count": 0,
        "metadata": {},
    }
    assert doc["created_at"] == doc["last_seen"] and doc["created_at"].endswith("Z")
    for absent in ("cancelation_requested_at", "canceled_at", "completed_at", "error", "started_at", "worker_hostname"):
        assert absent not in doc
    connector = http.get("/_connector/connector-1").json
    snapshot = doc["connector"]
    assert list(snapshot) == ["id", "filtering", "index_name", "language", "service_type", "configuration"]
    assert snapshot["id"] == "connector-1"
    assert snapshot["filtering"] == connector["filtering"][0]["active"]
    assert snapshot["index_name"] == connector["index_name"]
    assert snapshot["service_type"] == connector["service_type"]


def test_create_takes_job_type_and_trigger_method_case_insensitively(http):
    doc = job(http, create(http, job_type="INCREMENTAL", trigger_method="Scheduled"))
    assert (doc["job_type"], doc["trigger_method"]) == ("incremental", "scheduled")


def test_access_control_job_points_at_the_acl_index(http):
    doc = job(http, create(http, job_type="access_control"))
    assert doc["connector"]["index_name"] == ".search-acl-filter-search-connector-1"


def test_snapshot_does_not_follow_later_connector_changes(http):
    job_id = create(http)
    assert http.put("/_connector/connector-1/_index_name", json={"index_name": "renamed"}).status == 200
    assert job(http, job_id)["connector"]["index_name"] == "search-connector-1"


def test_create_without_body(http):
    es_error(http.post("/_connector/_sync_job"), 400, "parse_exception", "request body is required")


@pytest.mark.parametrize(
    "method, path",
    [
        ("POST", "/_connector/_sync_job"),
        ("PUT", "/_connector/_sync_job/my-connector-sync-job/_claim"),
        ("PUT", "/_connector/_sync_job/my-connector-sync-job/_error"),
        ("PUT", "/_connector/_sync_job/my-connector-sync-job/_stats"),
    ],
)
def test_calls_that_need_a_body(http, method, path):
    es_error(http.request(method, path), 400, "parse_exception", "request body is required")


def test_create_with_unknown_field_names_its_place(http):
    reply = http.post(
        "/_connector/_sync_job", data='{"id": "connector-1", "nope": 1}', headers={"Content-Type": "application/json"}
    )
    error = es_error(
        reply, 400, "x_content_parse_exception", "[1:23] [connector_sync_job_post_request] unknown field [nope]"
    )
    assert error["root_cause"] == [{"type": "x_content_parse_exception", "reason": error["reason"]}]


def test_create_without_id(http):
    es_error(
        http.post("/_connector/_sync_job", json={"job_type": "full"}),
        400,
        "illegal_argument_exception",
        "Required [id]",
    )


def test_create_with_null_id(http):
    es_error(
        http.post("/_connector/_sync_job", data='{"id": null}', headers={"Content-Type": "application/json"}),
        400,
        "x_content_parse_exception",
        "[1:8] [connector_sync_job_post_request] id doesn't support values of type: VALUE_NULL",
    )


def test_create_with_empty_id(http):
    es_error(
        http.post("/_connector/_sync_job", json={"id": ""}),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: [id] of the connector cannot be null or empty;",
    )


def test_invalid_job_type_with_every_field_fails_when_the_last_arrives(http):
    body = '{"id": "connector-1", "job_type": "bogus", "trigger_method": "on_demand"}'
    error = es_error(
        http.post("/_connector/_sync_job", data=body, headers={"Content-Type": "application/json"}),
        400,
        "x_content_parse_exception",
        "[1:62] [connector_sync_job_post_request] failed to parse field [trigger_method]",
    )
    assert error["caused_by"] == {
        "type": "x_content_parse_exception",
        "reason": "Failed to build [connector_sync_job_post_request] after last required field arrived",
        "caused_by": {"type": "illegal_argument_exception", "reason": "Unknown ConnectorSyncJobType [bogus]."},
    }
    assert error["root_cause"] == [
        {
            "type": "x_content_parse_exception",
            "reason": "Failed to build [connector_sync_job_post_request] after last required field arrived",
        }
    ]


def test_invalid_trigger_method_without_every_field_fails_at_the_end(http):
    error = es_error(
        http.post("/_connector/_sync_job", json={"id": "connector-1", "trigger_method": "sometimes"}),
        400,
        "x_content_parse_exception",
        "Failed to build [connector_sync_job_post_request] after last required field arrived",
    )
    assert error["caused_by"] == {
        "type": "illegal_argument_exception",
        "reason": "Unknown ConnectorSyncJobTriggerMethod [sometimes].",
    }


def test_create_for_a_missing_connector(http):
    es_error(
        http.post("/_connector/_sync_job", json={"id": "nope"}),
        404,
        "resource_not_found_exception",
        "Connector with id 'nope' does not exist.",
    )


def test_create_for_a_connector_without_index(http):
    assert http.put("/_connector/no-index", json={"service_type": "gmail"}).status == 201
    es_error(
        http.post("/_connector/_sync_job", json={"id": "no-index"}),
        400,
        "status_exception",
        "Cannot start a sync for connector [no-index] with no index attached. "
        "Set the [index_name] property for the connector to enable syncing data.",
    )
    # An access control job has the ACL index, so the same connector passes that check.
    reply = http.post("/_connector/_sync_job", json={"id": "no-index", "job_type": "access_control"})
    assert reply.status == 201
    assert job(http, reply.json["id"])["connector"]["index_name"] == ".search-acl-filter-null"


def test_create_for_a_connector_without_service_type(http):
    assert http.put("/_connector/no-type", json={"index_name": "search-no-type"}).status == 201
    es_error(
        http.post("/_connector/_sync_job", json={"id": "no-type"}),
        400,
        "status_exception",
        "Cannot start a sync for connector [no-type] with [service_type] not defined. "
        "Set the service type of your connector before starting the sync.",
    )


def test_create_for_a_soft_deleted_connector(http):
    assert http.delete("/_connector/connector-id").status == 200
    es_error(http.post("/_connector/_sync_job", json={"id": "connector-id"}), 404, "resource_not_found_exception")


# -- get, list, delete ------------------------------------------------------------------------


def test_get_missing_job_reason_is_the_id(http):
    es_error(http.get("/_connector/_sync_job/nope"), 404, "resource_not_found_exception", "nope")


def test_before_any_job_exists_a_missing_job_is_worded_as_missing_index(mockserver_client):
    from conftest import Http

    from mockserver import create_app

    fresh = Http(create_app(default_fixtures=False, strict=True).test_client())
    es_error(
        fresh.get("/_connector/_sync_job/nope"),
        404,
        "resource_not_found_exception",
        "connector sync job [nope] not found",
    )
    assert fresh.get("/_connector/_sync_job").json == {"count": 0, "results": []}


def test_fresh_server_lists_seeded_jobs_by_status_and_connector(http):
    pending = http.get("/_connector/_sync_job", query={"status": "pending"}).json
    assert pending["count"] >= 3 and all(j["status"] == "pending" for j in pending["results"])
    mine = http.get("/_connector/_sync_job", query={"connector_id": "connector-1"}).json
    assert mine["count"] >= 5
    assert {j["status"] for j in mine["results"]} >= {"pending", "in_progress", "completed", "error", "canceled"}
    assert {j["job_type"] for j in mine["results"]} == {"full", "incremental", "access_control"}


def test_list_is_newest_first_and_pages(http):
    ids = []
    for _ in range(3):
        ids.append(create(http))
        time.sleep(0.002)  # created_at is a date field: millisecond resolution
    listed = http.get("/_connector/_sync_job").json
    assert [j["id"] for j in listed["results"][:3]] == ids[::-1]
    created = [instant(j["created_at"]) for j in listed["results"]]
    assert created == sorted(created, reverse=True)
    page = http.get("/_connector/_sync_job", query={"from": 1, "size": 1}).json
    assert page["count"] == listed["count"] and [j["id"] for j in page["results"]] == [ids[1]]
    empty = http.get("/_connector/_sync_job", query={"size": 0}).json
    assert empty == {"count": listed["count"], "results": []}


def test_list_ties_keep_the_order_of_writes(tmp_path):
    """Jobs created in the same millisecond tie on created_at (a date field): like Lucene, the
    tie keeps the index order (oldest write first), whatever the sort's direction."""
    from conftest import fixture_app

    same = "2026-01-05T09:00:00.000Z"
    http = fixture_app(
        tmp_path,
        {
            "elasticsearch": {
                "sync_jobs": {
                    job: {"connector": {"id": "connector-1"}, "created_at": same} for job in ("tie-a", "tie-b", "tie-c")
                }
            }
        },
    )
    listed = [j["id"] for j in http.get("/_connector/_sync_job", query={"connector_id": "connector-1"}).json["results"]]
    ties = [j for j in listed if j.startswith("tie-")]
    assert ties == ["tie-a", "tie-b", "tie-c"]


def test_list_filters_combine(http):
    create(http, job_type="incremental")
    reply = http.get(
        "/_connector/_sync_job",
        query={"connector_id": "connector-1", "status": "PENDING", "job_type": "incremental,access_control"},
    ).json
    assert reply["count"] >= 2
    for j in reply["results"]:
        assert (j["connector"]["id"], j["status"]) == ("connector-1", "pending")
        assert j["job_type"] in ("incremental", "access_control")


@pytest.mark.parametrize(
    "query, reason",
    [
        ({"status": "bogus"}, "Unknown ConnectorSyncStatus [bogus]."),
        ({"job_type": "full,bogus"}, "Unknown ConnectorSyncJobType [bogus]."),
        ({"from": -1}, "Parameter [from] cannot be < 0"),
        ({"size": -1}, "Parameter [size] cannot be < 0"),
        ({"size": "abc"}, "Failed to parse int parameter [size] with value [abc]"),
        ({"nope": "1"}, "request [/_connector/_sync_job] contains unrecognized parameter: [nope]"),
        (
            {"sizee": "1"},
            "request [/_connector/_sync_job] contains unrecognized parameter: [sizee] -> did you mean [size]?",
        ),
        ({"a": "1", "b": "2"}, "request [/_connector/_sync_job] contains unrecognized parameters: [a], [b]"),
        # A bad value is reported before an unknown parameter.
        ({"status": "bogus", "nope": "1"}, "Unknown ConnectorSyncStatus [bogus]."),
    ],
)
def test_list_parameter_errors(http, query, reason):
    es_error(http.get("/_connector/_sync_job", query=query), 400, "illegal_argument_exception", reason)


def test_delete_any_status_and_missing(http):
    for job_id in ("connector-1-full-completed", "connector-1-incremental-in-progress"):
        assert http.delete(f"/_connector/_sync_job/{job_id}").json == {"acknowledged": True}
        es_error(http.get(f"/_connector/_sync_job/{job_id}"), 404, "resource_not_found_exception")
    es_error(http.delete("/_connector/_sync_job/nope"), 404, "resource_not_found_exception", "nope")


# -- lifecycle --------------------------------------------------------------------------------


def test_cancel_pending_is_canceled_at_once(http):
    job_id = create(http)
    assert http.put(f"/_connector/_sync_job/{job_id}/_cancel").json == {"result": "updated"}
    doc = job(http, job_id)
    assert doc["status"] == "canceled"
    assert doc["cancelation_requested_at"] == doc["canceled_at"] == doc["completed_at"]


def test_cancel_in_progress_asks_to_cancel_then_error_ends_it(http):
    job_id = "connector-1-incremental-in-progress"
    assert http.put(f"/_connector/_sync_job/{job_id}/_cancel").status == 200
    doc = job(http, job_id)
    assert doc["status"] == "canceling" and "canceled_at" not in doc and "cancelation_requested_at" in doc
    error = es_error(
        http.put(f"/_connector/_sync_job/{job_id}/_cancel"),
        400,
        "status_exception",
        TRANSITION.format("canceling", "canceling"),
    )
    assert error["caused_by"] == {
        "type": "connector_sync_job_invalid_status_transition_exception",
        "reason": TRANSITION.format("canceling", "canceling"),
    }
    assert error["root_cause"][0]["type"] == "status_exception"
    assert http.put(f"/_connector/_sync_job/{job_id}/_error", json={"error": "stopped"}).status == 200
    assert job(http, job_id)["status"] == "error"


@pytest.mark.parametrize(
    "job_id, status",
    [
        ("connector-1-full-canceled", "canceled"),
        ("connector-1-full-completed", "completed"),
        ("connector-1-access-control-error", "error"),
    ],
)
def test_cancel_of_a_finished_job_is_refused(http, job_id, status):
    es_error(
        http.put(f"/_connector/_sync_job/{job_id}/_cancel"),
        400,
        "status_exception",
        TRANSITION.format(status, "canceling"),
    )
    assert job(http, job_id)["status"] == status


def test_cancel_missing(http):
    es_error(http.put("/_connector/_sync_job/nope/_cancel"), 404, "resource_not_found_exception", "nope")


def test_check_in_moves_last_seen_only(http):
    job_id = create(http)
    before = job(http, job_id)
    assert http.put(f"/_connector/_sync_job/{job_id}/_check_in").json == {"result": "updated"}
    after = job(http, job_id)
    assert instant(after["last_seen"]) > instant(before["last_seen"])
    assert {k: v for k, v in after.items() if k != "last_seen"} == {k: v for k, v in before.items() if k != "last_seen"}
    es_error(
        http.put("/_connector/_sync_job/nope/_check_in"),
        404,
        "resource_not_found_exception",
        "connector sync job [nope] not found",
    )


def test_check_in_refuses_a_body(http):
    es_error(
        http.put("/_connector/_sync_job/my-connector-sync-job/_check_in", json={}),
        400,
        "illegal_argument_exception",
        "request [PUT /_connector/_sync_job/my-connector-sync-job/_check_in] does not support having a body",
    )


def test_claim_starts_the_job_and_keeps_the_cursor_in_the_snapshot(http):
    job_id = create(http)
    reply = http.put(
        f"/_connector/_sync_job/{job_id}/_claim", json={"worker_hostname": "host-1", "sync_cursor": {"page": 2}}
    )
    assert reply.json == {"result": "updated"}
    doc = job(http, job_id)
    assert (doc["status"], doc["worker_hostname"], doc["connector"]["sync_cursor"]) == (
        "in_progress",
        "host-1",
        {"page": 2},
    )
    assert doc["started_at"] == doc["last_seen"]
    assert "sync_cursor" not in http.get("/_connector/connector-1").json


def test_claim_has_no_state_check(http):
    assert (
        http.put("/_connector/_sync_job/connector-1-full-canceled/_claim", json={"worker_hostname": "w"}).status == 200
    )
    assert job(http, "connector-1-full-canceled")["status"] == "in_progress"


def test_claim_errors(http):
    url = "/_connector/_sync_job/my-connector-sync-job-id/_claim"
    es_error(http.put(url), 400, "parse_exception", "request body is required")
    es_error(http.put(url, json={}), 400, "illegal_argument_exception", "Required [worker_hostname]")
    es_error(
        http.put(url, data='{"worker_hostname": null}', headers={"Content-Type": "application/json"}),
        400,
        "x_content_parse_exception",
        "[1:21] [claim_connector_sync_job] worker_hostname doesn't support values of type: VALUE_NULL",
    )
    es_error(http.put(url, json={"worker_hostname": "w", "x": 1}), 400, "x_content_parse_exception")
    es_error(
        http.put("/_connector/_sync_job/nope/_claim", json={"worker_hostname": "w"}),
        404,
        "resource_not_found_exception",
        "nope",
    )


def test_error_only_from_running_jobs(http):
    es_error(
        http.put("/_connector/_sync_job/my-connector-sync-job-id/_error", json={"error": "x"}),
        400,
        "status_exception",
        TRANSITION.format("pending", "error"),
    )
    assert http.put("/_connector/_sync_job/my-connector-sync-job/_error", json={"error": "boom"}).status == 200
    doc = job(http, "my-connector-sync-job")
    assert (doc["status"], doc["error"]) == ("error", "boom")


def test_error_errors_in_order(http):
    url = "/_connector/_sync_job/my-connector-sync-job/_error"
    es_error(http.put(url, json={}), 400, "illegal_argument_exception", "Required [error]")
    es_error(
        http.put(url, json={"error": ""}),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: [error] of the connector sync job cannot be null or empty;",
    )
    # Validation comes before the lookup.
    es_error(
        http.put("/_connector/_sync_job/nope/_error", json={"error": ""}), 400, "action_request_validation_exception"
    )
    es_error(
        http.put("/_connector/_sync_job/nope/_error", json={"error": "x"}), 404, "resource_not_found_exception", "nope"
    )
    es_error(http.put(url, json={"error": {"a": 1}}), 400, "x_content_parse_exception")


def test_stats_sets_counters_and_metadata(http):
    url = "/_connector/_sync_job/my-connector-sync-job/_stats"
    reply = http.put(
        url,
        json={
            "deleted_document_count": 1,
            "indexed_document_count": 20,
            "indexed_document_volume": 300,
            "total_document_count": 21,
            "last_seen": "2026-02-01T10:00:00Z",
            "metadata": {"foo": {"bar": 1}},
        },
    )
    assert reply.json == {"result": "updated"}
    doc = job(http, "my-connector-sync-job")
    assert {
        k: doc[k]
        for k in (
            "deleted_document_count",
            "indexed_document_count",
            "indexed_document_volume",
            "total_document_count",
            "last_seen",
            "metadata",
        )
    } == {
        "deleted_document_count": 1,
        "indexed_document_count": 20,
        "indexed_document_volume": 300,
        # the Instant as XContentBuilder writes it back (strict_date_optional_time_nanos: 3 to 9 digits)
        "total_document_count": 21,
        "last_seen": "2026-02-01T10:00:00.000Z",
        "metadata": {"foo": {"bar": 1}},
    }
    assert doc["status"] == "in_progress"
    http.put(url, json={"deleted_document_count": 0, "indexed_document_count": 0, "indexed_document_volume": 0})
    doc = job(http, "my-connector-sync-job")
    assert doc["total_document_count"] == 21 and doc["metadata"] == {"foo": {"bar": 1}}
    assert doc["last_seen"] != "2026-02-01T10:00:00.000Z"


def test_stats_errors(http):
    url = "/_connector/_sync_job/my-connector-sync-job/_stats"
    es_error(
        http.put(url, json={"indexed_document_count": 1}),
        400,
        "illegal_argument_exception",
        "Required [deleted_document_count, indexed_document_volume]",
    )
    es_error(
        http.put(
            url,
            json={
                "deleted_document_count": -1,
                "indexed_document_count": 0,
                "indexed_document_volume": -5,
                "total_document_count": -2,
            },
        ),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: [deleted_document_count] cannot be negative.;"
        "2: [indexed_document_volume] cannot be negative.;3: [total_document_count] cannot be negative.;",
    )
    es_error(
        http.put(
            url,
            json={
                "deleted_document_count": 0,
                "indexed_document_count": 0,
                "indexed_document_volume": 0,
                "metadata": "x",
            },
        ),
        400,
        "x_content_parse_exception",
    )
    es_error(
        http.put(
            "/_connector/_sync_job/nope/_stats",
            json={"deleted_document_count": 0, "indexed_document_count": 0, "indexed_document_volume": 0},
        ),
        404,
        "resource_not_found_exception",
        "connector sync job [nope] not found",
    )


def test_delete_connector_with_its_jobs(http):
    assert http.delete("/_connector/connector-1", query={"delete_sync_jobs": "true"}).status == 200
    assert http.get("/_connector/_sync_job", query={"connector_id": "connector-1"}).json["count"] == 0


def test_delete_connector_keeps_its_jobs_by_default(http):
    assert http.delete("/_connector/connector-1").status == 200
    assert http.get("/_connector/_sync_job", query={"connector_id": "connector-1"}).json["count"] >= 5
