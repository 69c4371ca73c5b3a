"""The connector system indices as views of the connector and sync job APIs' documents: one store,
two doors. What the connectors framework (elastic/connectors, elastic-ingest) reads and writes through
the indices, the APIs see at once, and the other way round."""

from __future__ import annotations

import pytest
from conftest import Http, es_error, fixture_app

from mockserver import create_app

HIDDEN = {"expand_wildcards": "hidden"}


def source_of(http, index: str, doc_id: str) -> dict:
    reply = http.get(f"/{index}/_doc/{doc_id}")
    assert reply.status == 200, reply.text
    return reply.json


# -- the indices themselves ---------------------------------------------------------------------


def test_connector_index_is_a_hidden_index_from_its_template(http):
    assert http.request("HEAD", "/.elastic-connectors-v1").status == 200
    assert http.request("HEAD", "/.elastic-connectors").status == 200
    body = http.get("/.elastic-connectors").json
    assert list(body) == [".elastic-connectors-v1"]
    index = body[".elastic-connectors-v1"]
    assert index["aliases"] == {".elastic-connectors": {}}
    assert index["mappings"]["dynamic"] == "false"
    assert index["mappings"]["properties"]["index_name"] == {"type": "keyword"}
    settings = index["settings"]["index"]
    assert (
        settings["hidden"],
        settings["number_of_shards"],
        settings["auto_expand_replicas"],
        settings["number_of_replicas"],
    ) == ("true", "1", "0-3", "0")
    assert http.get("/.elastic-connectors-sync-jobs").json[".elastic-connectors-sync-jobs-v1"]["aliases"] == {
        ".elastic-connectors-sync-jobs": {}
    }


def test_hidden_indices_need_expand_wildcards_hidden(tmp_path):
    http = fixture_app(
        tmp_path,
        {"elasticsearch": {"indices": {"visible": {}, ".hidden-one": {"settings": {"index": {"hidden": True}}}}}},
        default_fixtures=False,
    )
    assert set(http.get("/*").json) == {"visible"}
    assert set(http.get("/*", query={"expand_wildcards": "open,hidden"}).json) == {"visible", ".hidden-one"}
    assert http.get("/*", query=HIDDEN).json == {}  # hidden alone adds hidden ones to nothing: it goes with open
    assert set(http.get("/.hid*").json) == {".hidden-one"}  # a dot pattern reaches hidden dot indices
    assert set(http.get("/.hidden-one").json) == {".hidden-one"}  # a name always does


def test_the_connector_aliases_are_not_hidden(http):
    """The templates give the hidden indices plain aliases (no is_hidden): a wildcard matching the alias
    reaches the index (IndexNameExpressionResolver takes an alias's own hidden flag)."""
    assert ".elastic-connectors-v1" in http.get("/*").json
    assert ".elastic-connectors-v1" not in http.get("/*-v1").json  # the index itself is hidden


def test_a_fresh_cluster_has_no_connector_index_until_the_framework_creates_it():
    http = Http(create_app(default_fixtures=False).test_client())
    assert http.request("HEAD", "/.elastic-connectors-v1").status == 404
    assert http.get("/_connector").json == {"count": 0, "results": []}
    created = http.put("/.elastic-connectors-v1")
    assert created.json == {"acknowledged": True, "shards_acknowledged": True, "index": ".elastic-connectors-v1"}
    index = http.get("/.elastic-connectors-v1").json[".elastic-connectors-v1"]
    assert index["aliases"] == {".elastic-connectors": {}} and index["settings"]["index"]["hidden"] == "true"
    again = http.put("/.elastic-connectors-v1")
    error = es_error(again, 400, "resource_already_exists_exception")
    assert error["reason"] == f"index [.elastic-connectors-v1/{error['index_uuid']}] already exists"


def test_the_first_connector_write_creates_the_index_from_the_template():
    http = Http(create_app(default_fixtures=False).test_client())
    assert http.put("/_connector/first", json={"index_name": "search-first", "service_type": "dir"}).status == 201
    assert http.get("/.elastic-connectors-v1").json[".elastic-connectors-v1"]["aliases"] == {".elastic-connectors": {}}


# -- one store, two doors -----------------------------------------------------------------------


def test_a_connector_reads_the_same_through_the_index(http):
    api = http.get("/_connector/connector-1").json
    doc = source_of(http, ".elastic-connectors", "connector-1")
    assert doc["_index"] == ".elastic-connectors-v1" and doc["found"] is True
    assert {"id": "connector-1", **doc["_source"]} == api
    assert "id" not in doc["_source"]  # the stored document carries no id
    assert {"_version", "_seq_no", "_primary_term"} <= set(doc) and doc["_primary_term"] == 1


def test_an_api_write_is_a_write_of_the_document(http):
    before = source_of(http, ".elastic-connectors", "connector-1")
    assert http.put("/_connector/connector-1/_check_in").json == {"result": "updated"}
    after = source_of(http, ".elastic-connectors", "connector-1")
    assert after["_version"] == before["_version"] + 1 and after["_seq_no"] > before["_seq_no"]
    assert after["_source"]["last_seen"] == http.get("/_connector/connector-1").json["last_seen"]


def test_a_sync_job_completed_through_the_index_reads_completed_through_the_api(http):
    job_id = http.post("/_connector/_sync_job", json={"id": "connector-1", "job_type": "full"}).json["id"]
    assert http.put(f"/_connector/_sync_job/{job_id}/_claim", json={"worker_hostname": "me"}).status == 200
    # What the framework's SyncJob._terminate writes: straight to the index, past the state machine.
    update = http.post(
        f"/.elastic-connectors-sync-jobs/_update/{job_id}",
        json={
            "doc": {
                "last_seen": "2026-12-02T10:00:00.000000+00:00",
                "status": "completed",
                "error": None,
                "completed_at": "2026-12-02T10:00:00.000000+00:00",
                "indexed_document_count": 3,
                "indexed_document_volume": 1,
                "deleted_document_count": 0,
                "total_document_count": 3,
            }
        },
    )
    assert update.json["result"] == "updated" and update.json["_index"] == ".elastic-connectors-sync-jobs-v1"
    job = http.get(f"/_connector/_sync_job/{job_id}").json
    assert (job["status"], job["indexed_document_count"], job["total_document_count"], job["error"]) == (
        "completed",
        3,
        3,
        None,
    )
    listed = http.get("/_connector/_sync_job", query={"connector_id": "connector-1", "status": "completed"}).json
    assert job_id in [j["id"] for j in listed["results"]]


def test_last_sync_fields_written_through_the_index_read_through_the_api(http):
    # Connector.sync_done's update of the framework.
    http.post(
        "/.elastic-connectors/_update/connector-1",
        json={
            "doc": {
                "last_synced": "2026-12-02T10:00:00+00:00",
                "status": "connected",
                "error": None,
                "last_sync_status": "completed",
                "last_sync_error": None,
                "last_indexed_document_count": 3,
                "last_deleted_document_count": 0,
            }
        },
    )
    connector = http.get("/_connector/connector-1").json
    assert (connector["last_sync_status"], connector["last_indexed_document_count"], connector["error"]) == (
        "completed",
        3,
        None,
    )
    assert connector["last_synced"] == "2026-12-02T10:00:00+00:00"


def test_the_api_answers_the_stored_source_raw(http):
    """GET and list give the stored source as it is (ConnectorsAPISearchResult): a field the API does
    not know, written through the index, comes back."""
    http.post("/.elastic-connectors/_update/connector-1", json={"doc": {"created_at": "2026-01-01", "x": {"y": 1}}})
    connector = http.get("/_connector/connector-1").json
    assert connector["created_at"] == "2026-01-01" and connector["x"] == {"y": 1}


def test_a_mapped_field_of_the_wrong_type_is_refused(http):
    reply = http.post("/.elastic-connectors/_update/connector-1", json={"doc": {"is_native": "yes"}})
    error = es_error(reply, 400, "document_parsing_exception")
    assert "failed to parse field [is_native] of type [boolean] in document with id 'connector-1'" in error["reason"]
    assert error["caused_by"]["reason"] == "Failed to parse value [yes] as only [true] or [false] are allowed."
    assert http.get("/_connector/connector-1").json["is_native"] is False  # nothing written


def test_a_document_deleted_through_the_index_is_gone_from_the_api(http):
    assert http.delete("/.elastic-connectors/_doc/my-sql-connector").json["result"] == "deleted"
    es_error(
        http.get("/_connector/my-sql-connector"),
        404,
        "resource_not_found_exception",
        "connector [my-sql-connector] not found",
    )
    job_id = http.post("/_connector/_sync_job", json={"id": "connector-1"}).json["id"]
    assert http.delete(f"/_connector/_sync_job/{job_id}").status == 200
    assert http.get(f"/.elastic-connectors-sync-jobs/_doc/{job_id}").json == {
        "_index": ".elastic-connectors-sync-jobs-v1",
        "_id": job_id,
        "found": False,
    }


def test_a_connector_indexed_through_the_index_is_a_connector(http):
    """The framework's CLI writes a whole connector document with `POST .elastic-connectors/_doc`."""
    reply = http.post(
        "/.elastic-connectors/_doc",
        json={
            "index_name": "search-cli",
            "service_type": "dir",
            "status": "configured",
            "is_native": False,
            "name": "cli",
            "configuration": {},
            "deleted": False,
        },
    )
    assert reply.status == 201
    connector = http.get(f"/_connector/{reply.json['_id']}").json
    assert connector["index_name"] == "search-cli" and connector["status"] == "configured"


# -- optimistic concurrency ---------------------------------------------------------------------


def test_seq_no_guarded_update_and_its_conflict(http):
    doc = source_of(http, ".elastic-connectors", "connector-1")
    guard = {"if_seq_no": str(doc["_seq_no"]), "if_primary_term": "1"}
    first = http.post("/.elastic-connectors/_update/connector-1", json={"doc": {"sync_now": True}}, query=guard)
    assert first.status == 200 and first.json["_seq_no"] > doc["_seq_no"]
    stale = http.post("/.elastic-connectors/_update/connector-1", json={"doc": {"sync_now": False}}, query=guard)
    error = es_error(stale, 409, "version_conflict_engine_exception")
    assert error["reason"] == (
        f"[connector-1]: version conflict, required seqNo [{doc['_seq_no']}], primary term [1]. "
        f"current document has seqNo [{first.json['_seq_no']}] and primary term [1]"
    )
    assert list(error)[-3:] == ["index_uuid", "shard", "index"] and error["index"] == ".elastic-connectors-v1"
    assert http.get("/_connector/connector-1").json["sync_now"] is True


def test_an_api_write_in_between_makes_the_framework_conflict(http):
    """The framework reads a connector with its seq_no, the service checks in, the framework's guarded
    update then conflicts (and it retries, with_concurrency_control)."""
    hit = http.post(
        "/.elastic-connectors/_search",
        query={**HIDDEN, "seq_no_primary_term": "true"},
        json={"query": {"ids": {"values": ["connector-1"]}}},
    ).json["hits"]["hits"][0]
    http.put("/_connector/connector-1/_check_in")
    reply = http.post(
        "/.elastic-connectors/_update/connector-1",
        json={"doc": {"last_sync_scheduled_at": "2026-12-02"}},
        query={"if_seq_no": str(hit["_seq_no"]), "if_primary_term": str(hit["_primary_term"])},
    )
    es_error(reply, 409, "version_conflict_engine_exception")


# -- the framework's queries --------------------------------------------------------------------


def test_supported_connectors_query(http):
    query = {
        "bool": {"must_not": [{"term": {"deleted": True}}], "filter": [{"terms": {"_id": ["connector-1", "nope"]}}]}
    }
    reply = http.post(
        "/.elastic-connectors/_search",
        query=HIDDEN,
        json={"from": 0, "query": query, "seq_no_primary_term": True, "size": 100},
    ).json
    assert reply["hits"]["total"] == {"value": 1, "relation": "eq"}
    hit = reply["hits"]["hits"][0]
    assert list(hit) == ["_index", "_id", "_seq_no", "_primary_term", "_score", "_source"]
    assert hit["_id"] == "connector-1" and hit["_score"] == 0.0


def test_pending_jobs_query_sorted_oldest_first(http):
    created = [
        http.post("/_connector/_sync_job", json={"id": "connector-1", "job_type": "incremental"}).json["id"]
        for _ in range(2)
    ]
    query = {
        "bool": {
            "must": [
                {"terms": {"status": ["pending", "suspended"]}},
                {"terms": {"connector.id": ["connector-1"]}},
                {"terms": {"job_type": ["incremental"]}},
            ]
        }
    }
    reply = http.post(
        "/.elastic-connectors-sync-jobs/_search",
        query=HIDDEN,
        json={"from": 0, "query": query, "seq_no_primary_term": True, "size": 100, "sort": [{"created_at": "asc"}]},
    ).json
    ids = [hit["_id"] for hit in reply["hits"]["hits"]]
    assert ids[-2:] == created and reply["hits"]["max_score"] is None
    created_at = [hit["sort"][0] for hit in reply["hits"]["hits"]]
    assert created_at == sorted(created_at) and all(isinstance(v, int) for v in created_at)
    statuses = {hit["_source"]["status"] for hit in reply["hits"]["hits"]}
    assert statuses <= {"pending", "suspended"}


def test_idle_jobs_query_with_date_math(tmp_path):
    http = fixture_app(
        tmp_path,
        {
            "elasticsearch": {
                "sync_jobs": {
                    "stale": {
                        "connector": {"id": "connector-1"},
                        "status": "in_progress",
                        "last_seen": "2020-01-01T00:00:00.000Z",
                    },
                    "fresh": {
                        "connector": {"id": "connector-1"},
                        "status": "in_progress",
                        "last_seen": "2999-01-01T00:00:00.000Z",
                    },
                }
            }
        },
    )
    query = {
        "bool": {
            "filter": [
                {"terms": {"connector.id": ["connector-1"]}},
                {"terms": {"status": ["in_progress", "canceling"]}},
                {"range": {"last_seen": {"lte": "now-300s"}}},
            ]
        }
    }
    hits = http.post("/.elastic-connectors-sync-jobs/_search", query=HIDDEN, json={"query": query}).json["hits"]["hits"]
    ids = {hit["_id"] for hit in hits}
    assert "stale" in ids and "fresh" not in ids


def test_content_index_preparation_of_the_framework(http):
    """prepare_content_index: GET of a missing index with ignore_unavailable answers {}; then PUT."""
    assert http.get("/search-new", query={"ignore_unavailable": "true"}).json == {}
    es_error(http.get("/search-new"), 404, "index_not_found_exception", "no such index [search-new]")
    assert http.put("/search-new").status == 200
    assert list(http.get("/search-new", query={"ignore_unavailable": "true"}).json) == ["search-new"]


def test_state_dump_keeps_connectors_in_their_own_sections(http):
    from mockserver import runtime_of

    dump = runtime_of(http.client.application).store.dump()["elasticsearch"]
    assert "connector-1" in dump["connectors"]
    assert ".elastic-connectors-v1" not in dump["indices"] and ".elastic-connectors-sync-jobs-v1" not in dump["indices"]


@pytest.mark.parametrize("path", ["/.elastic-connectors/_search", "/.elastic-connectors-sync-jobs/_count"])
def test_an_unmocked_query_is_refused_not_answered(http, path):
    reply = http.post(path, query=HIDDEN, json={"query": {"wildcard": {"status": "pend*"}}})
    error = es_error(reply, 501, "mockserver_not_mocked_exception")
    assert error["reason"] == "the [wildcard] query is not mocked by mockserver"
