"""A whole sync as Elastic's connectors framework (elastic/connectors, elastic-ingest 9.6.0) runs it,
call for call, with the client it pins (elasticsearch-py 8, compatible-with=8 against the 9.x mock):
preflight, scheduling, a job claimed and run, documents bulk-indexed through search-default-ingestion,
the job and the connector finished through the system indices. The framework itself runs against
`mockserver serve` too (the issue's closing note says how); this is the same conversation, in CI.
"""

from __future__ import annotations

import base64
import socket

import elasticsearch8
import pytest
from elasticsearch8 import helpers

HIDDEN = "hidden"
FILES = {"doc1.txt": "hello file 1\n", "doc2.txt": "hello  file\t2", "notes.txt": "three"}


@pytest.fixture
def es(mockserver_live):
    client = elasticsearch8.Elasticsearch(mockserver_live.url, headers={"X-elastic-product-origin": "connectors"})
    yield client
    client.close()


def docs_of(es, index: str, query: dict) -> list[dict]:
    """ESIndex.get_all_docs: pages of 100 with seq_no_primary_term, expand_wildcards=hidden."""
    hits, offset = [], 0
    while True:
        reply = es.search(
            index=index, query=query, from_=offset, size=100, expand_wildcards=HIDDEN, seq_no_primary_term=True
        )
        hits += reply["hits"]["hits"]
        if len(hits) >= reply["hits"]["total"]["value"]:
            return hits
        offset += len(reply["hits"]["hits"])


def update(es, index: str, doc_id: str, doc: dict, hit: dict | None = None):
    """ESIndex.update, with optimistic concurrency when the caller read the document."""
    guard = {"if_seq_no": hit["_seq_no"], "if_primary_term": hit["_primary_term"]} if hit else {}
    return es.update(index=index, id=doc_id, doc=doc, **guard)


def bulk_operations(index: str, files: dict[str, str]) -> list[dict]:
    """Sink's operations for the dir source's documents (an attachment each, and the pipeline's flags)."""
    operations = []
    for name, text in files.items():
        operations += [
            {"index": {"_index": index, "_id": name}},
            {
                "id": name,
                "path": f"/data/{name}",
                "_timestamp": "2026-12-02T10:00:00+00:00",
                "_attachment": base64.b64encode(text.encode()).decode(),
                "_extract_binary_content": True,
                "_reduce_whitespace": True,
                "_run_ml_inference": True,
            },
        ]
    return operations


def test_a_whole_sync_as_the_framework_runs_it(es):
    # -- preflight -------------------------------------------------------------------------------
    version = es.info()["version"]
    major, minor = (int(p) for p in version["number"].split(".")[:2])
    assert major == 9 and minor >= 6 and version["build_flavor"] == "default"
    for index in (".elastic-connectors-v1", ".elastic-connectors-sync-jobs-v1"):
        if not es.indices.exists(index=index):
            es.indices.create(index=index)
    # The connector, as Kibana (or the connectors CLI) creates it.
    es.connector.put(connector_id="my-dir", index_name="search-dir", service_type="dir", name="dir")

    # -- scheduling: prepare the connector -------------------------------------------------------
    query = {"bool": {"must_not": [{"term": {"deleted": True}}], "filter": [{"terms": {"_id": ["my-dir"]}}]}}
    [hit] = docs_of(es, ".elastic-connectors", query)
    assert hit["_source"]["status"] == "created"
    reloaded = es.get(index=".elastic-connectors", id="my-dir")
    assert reloaded["_seq_no"] == hit["_seq_no"]
    update(
        es,
        ".elastic-connectors",
        "my-dir",
        {
            "configuration": {
                "directory": {"label": "Directory path", "order": 1, "type": "str", "value": "/data"},
                "pattern": {
                    "display": "text",
                    "label": "File glob-like pattern",
                    "order": 2,
                    "type": "str",
                    "value": "**/*.*",
                },
            },
            "status": "needs_configuration",
        },
        reloaded,
    )
    es.connector.check_in(connector_id="my-dir")
    es.connector.update_configuration(connector_id="my-dir", values={"directory": "/data", "pattern": "**/*.txt"})
    assert es.connector.get(connector_id="my-dir")["status"] == "configured"
    update(es, ".elastic-connectors", "my-dir", {"status": "connected", "error": None})

    # -- an on-demand sync, picked up by the job execution service ------------------------------
    job_id = es.connector.sync_job_post(id="my-dir", job_type="full", trigger_method="on_demand")["id"]
    pending = {
        "bool": {
            "must": [
                {"terms": {"status": ["pending", "suspended"]}},
                {"terms": {"connector.id": ["my-dir"]}},
                {"terms": {"job_type": ["full"]}},
            ]
        }
    }
    jobs = es.search(
        index=".elastic-connectors-sync-jobs",
        query=pending,
        sort=[{"created_at": "asc"}],
        expand_wildcards=HIDDEN,
        seq_no_primary_term=True,
    )["hits"]["hits"]
    assert [j["_id"] for j in jobs] == [job_id]
    connector = es.get(index=".elastic-connectors", id="my-dir")
    assert connector["_source"].get("last_sync_status") != "in_progress"
    update(
        es,
        ".elastic-connectors",
        "my-dir",
        {"status": "connected", "error": None, "last_sync_status": "in_progress", "last_sync_error": None},
        connector,
    )
    es.connector.sync_job_claim(connector_sync_job_id=job_id, worker_hostname=socket.gethostname())
    assert es.connector.sync_job_get(connector_sync_job_id=job_id)["status"] == "in_progress"

    # -- the content index and its documents -----------------------------------------------------
    assert es.indices.get(index="search-dir", ignore_unavailable=True).body == {}
    es.indices.create(index="search-dir")
    assert es.indices.exists(index="search-dir")
    existing = list(helpers.scan(es, index="search-dir", _source=["id", "_timestamp"]))
    assert existing == []
    result = es.bulk(operations=bulk_operations("search-dir", FILES), pipeline="search-default-ingestion")
    assert result["errors"] is False and [i["index"]["result"] for i in result["items"]] == ["created"] * 3
    es.connector.sync_job_update_stats(
        connector_sync_job_id=job_id, deleted_document_count=0, indexed_document_count=3, indexed_document_volume=1
    )
    es.indices.refresh(index="search-dir", ignore_unavailable=True)
    assert es.count(index="search-dir", ignore_unavailable=True)["count"] == 3

    # -- the job and the connector finished through the indices (SyncJob._terminate, sync_done) --
    update(
        es,
        ".elastic-connectors-sync-jobs",
        job_id,
        {
            "last_seen": "2026-12-02T10:00:05+00:00",
            "status": "completed",
            "error": None,
            "completed_at": "2026-12-02T10:00:05+00:00",
            "indexed_document_count": 3,
            "indexed_document_volume": 1,
            "deleted_document_count": 0,
            "total_document_count": 3,
        },
    )
    job = es.connector.sync_job_get(connector_sync_job_id=job_id)
    update(
        es,
        ".elastic-connectors",
        "my-dir",
        {
            "last_synced": "2026-12-02T10:00:05+00:00",
            "status": "connected",
            "error": None,
            "last_sync_status": job["status"],
            "last_sync_error": job["error"],
            "sync_cursor": None,
            "last_indexed_document_count": job["indexed_document_count"],
            "last_deleted_document_count": job["deleted_document_count"],
        },
    )

    # -- what the user sees ----------------------------------------------------------------------
    assert (job["status"], job["indexed_document_count"], job["total_document_count"]) == ("completed", 3, 3)
    final = es.connector.get(connector_id="my-dir")
    assert (final["last_sync_status"], final["last_indexed_document_count"], final["status"]) == (
        "completed",
        3,
        "connected",
    )
    bodies = {hit["_id"]: hit["_source"] for hit in es.search(index="search-dir", size=10)["hits"]["hits"]}
    assert {name: doc["body"] for name, doc in bodies.items()} == {
        "doc1.txt": "hello file 1",
        "doc2.txt": "hello file 2",
        "notes.txt": "three",
    }
    assert all(
        not key.startswith(("_attachment", "_extract", "_reduce", "_run")) for doc in bodies.values() for key in doc
    )


def test_the_next_sync_updates_and_deletes(es):
    """A second full sync: the framework compares existing ids (a scan), reindexes the changed files,
    deletes the gone one."""
    es.indices.create(index="search-again")
    es.bulk(operations=bulk_operations("search-again", FILES), pipeline="search-default-ingestion")
    existing = {hit["_id"] for hit in helpers.scan(es, index="search-again", _source=["id", "_timestamp"])}
    assert existing == set(FILES)
    kept = {"doc1.txt": "hello file 1, edited"}
    operations = bulk_operations("search-again", kept)
    operations += [{"delete": {"_index": "search-again", "_id": name}} for name in existing - set(kept) - {"doc2.txt"}]
    operations += [
        {"update": {"_index": "search-again", "_id": "doc2.txt"}},
        {"doc": {"extra": 1}, "doc_as_upsert": True},
    ]
    result = es.bulk(operations=operations, pipeline="search-default-ingestion")
    assert [(op, item["result"]) for entry in result["items"] for op, item in entry.items()] == [
        ("index", "updated"),
        ("delete", "deleted"),
        ("update", "updated"),
    ]
    es.indices.refresh(index="search-again")
    assert es.count(index="search-again")["count"] == 2
    assert es.get(index="search-again", id="doc1.txt")["_source"]["body"] == "hello file 1, edited"


def test_idle_and_orphaned_jobs_are_found(es):
    """JobCleanUpService: jobs in progress whose connector is gone, and jobs idle for five minutes."""
    job_id = es.connector.sync_job_post(id="connector-1")["id"]
    es.connector.sync_job_claim(connector_sync_job_id=job_id, worker_hostname="worker")
    update(es, ".elastic-connectors-sync-jobs", job_id, {"last_seen": "2020-01-01T00:00:00+00:00"})
    idle = {
        "bool": {
            "filter": [
                {"terms": {"connector.id": ["connector-1"]}},
                {"terms": {"status": ["in_progress", "canceling"]}},
                {"range": {"last_seen": {"lte": "now-300s"}}},
            ]
        }
    }
    assert job_id in {hit["_id"] for hit in docs_of(es, ".elastic-connectors-sync-jobs", idle)}
    orphaned = {
        "bool": {
            "must_not": {"terms": {"connector.id": ["connector-1"]}},
            "filter": [{"terms": {"status": ["in_progress", "canceling"]}}],
        }
    }
    assert job_id not in {hit["_id"] for hit in docs_of(es, ".elastic-connectors-sync-jobs", orphaned)}
    update(es, ".elastic-connectors-sync-jobs", job_id, {"status": "error", "error": "The job has not seen any update"})
    assert es.connector.sync_job_get(connector_sync_job_id=job_id)["status"] == "error"
