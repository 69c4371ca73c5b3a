"""The official Python client, at majors 8 and 9, drives the live server unchanged."""

from __future__ import annotations

import importlib

import pytest

CLIENTS = ["elasticsearch8", "elasticsearch9"]


@pytest.fixture(params=CLIENTS)
def es_module(request):
    return importlib.import_module(request.param)


@pytest.fixture
def es(es_module, mockserver_live):
    client = es_module.Elasticsearch(mockserver_live.url)
    yield client
    client.close()


def test_product_check_info_and_ping(es, es_module):
    assert es.ping() is True
    info = es.info()
    assert info["tagline"] == "You Know, for Search"
    assert info.meta.headers["content-type"].startswith("application/vnd.elasticsearch+json;compatible-with=")
    assert info.meta.headers["content-type"].endswith(es_module.__versionstr__.split(".")[0])


def test_sync_job_lifecycle(es, es_module):
    created = es.connector.sync_job_post(id="connector-1", job_type="incremental", trigger_method="scheduled")
    assert created.meta.status == 201
    job_id = created["id"]
    job = es.connector.sync_job_get(connector_sync_job_id=job_id)
    assert (job["status"], job["job_type"], job["trigger_method"]) == ("pending", "incremental", "scheduled")
    listed = es.connector.sync_job_list(connector_id="connector-1", job_type=["incremental", "full"], size=50)
    assert listed["results"][0]["id"] == job_id
    assert all(j["job_type"] in ("incremental", "full") for j in listed["results"])
    assert es.connector.sync_job_claim(connector_sync_job_id=job_id, worker_hostname="host")["result"] == "updated"
    assert es.connector.sync_job_check_in(connector_sync_job_id=job_id)["result"] == "updated"
    es.connector.sync_job_update_stats(
        connector_sync_job_id=job_id, deleted_document_count=0, indexed_document_count=7, indexed_document_volume=70
    )
    assert es.connector.sync_job_cancel(connector_sync_job_id=job_id)["result"] == "updated"
    assert es.connector.sync_job_get(connector_sync_job_id=job_id)["status"] == "canceling"
    assert es.connector.sync_job_error(connector_sync_job_id=job_id, error="stopped")["result"] == "updated"
    with pytest.raises(es_module.BadRequestError) as caught:
        es.connector.sync_job_cancel(connector_sync_job_id=job_id)
    assert caught.value.message == "status_exception" and caught.value.meta.status == 400
    assert es.connector.sync_job_delete(connector_sync_job_id=job_id)["acknowledged"] is True
    with pytest.raises(es_module.NotFoundError) as caught:
        es.connector.sync_job_get(connector_sync_job_id=job_id)
    assert caught.value.message == "resource_not_found_exception"


def test_list_by_status(es):
    pending = es.connector.sync_job_list(status="pending")
    assert pending["count"] >= 3 and {j["status"] for j in pending["results"]} == {"pending"}


def test_errors_come_back_as_the_clients_exceptions(es, es_module):
    with pytest.raises(es_module.NotFoundError) as caught:
        es.connector.sync_job_post(id="nope")
    assert caught.value.body["error"]["reason"] == "Connector with id 'nope' does not exist."
    with pytest.raises(es_module.BadRequestError) as caught:
        es.connector.sync_job_list(status="bogus")
    assert caught.value.body["error"]["reason"] == "Unknown ConnectorSyncStatus [bogus]."


def test_connector_calls(es, es_module):
    assert (
        es.connector.put(
            connector_id="client-made", index_name="search-client", name="Client", service_type="google_drive"
        )["result"]
        == "created"
    )
    es.connector.update_name(connector_id="client-made", name="Renamed", description="by the client")
    es.connector.update_status(connector_id="client-made", status="needs_configuration")
    es.connector.update_scheduling(
        connector_id="client-made", scheduling={"full": {"enabled": True, "interval": "0 0 * * * ?"}}
    )
    es.connector.update_pipeline(
        connector_id="client-made",
        pipeline={"extract_binary_content": True, "name": "p", "reduce_whitespace": True, "run_ml_inference": False},
    )
    es.connector.check_in(connector_id="client-made")
    doc = es.connector.get(connector_id="client-made")
    assert (doc["name"], doc["status"], doc["scheduling"]["full"]["enabled"]) == (
        "Renamed",
        "needs_configuration",
        True,
    )
    found = es.connector.list(service_type="google_drive", query="client")
    assert [c["id"] for c in found["results"]] == ["client-made"]
    assert es.connector.delete(connector_id="client-made", delete_sync_jobs=True)["acknowledged"] is True
    with pytest.raises(es_module.NotFoundError):
        es.connector.get(connector_id="client-made")


def test_the_live_fixture_shares_state_with_the_test(es, mockserver_live):
    es.connector.sync_job_post(id="connector-id")
    jobs = mockserver_live.state("elasticsearch").sync_jobs.docs
    assert sum(1 for doc in jobs.values() if doc["connector"]["id"] == "connector-id") == 2
