import json
import urllib.request

import pytest
from elasticsearch9 import Elasticsearch


def test_the_service_starts_a_full_sync(client, mockserver_live):
    reply = client.post("/sync/connector-1")
    assert reply.status_code == 200
    job = mockserver_live.state("elasticsearch").sync_jobs.docs[reply.json["job_id"]]
    assert job["job_type"] == "full"
    mockserver_live.journal.assert_called("POST", "/_connector/_sync_job", times=1, body={"id": "connector-1"})


@pytest.mark.mockserver_fault(product="elasticsearch", path="/_connector/_sync_job", status=503, times=2)
def test_the_service_rides_out_two_503s(client, mockserver_live):
    assert client.post("/sync/connector-1").status_code == 200
    assert [e.status for e in mockserver_live.journal.requests(path="/_connector/_sync_job")] == [503, 503, 201]


@pytest.mark.mockserver_state(
    "fixtures/extra.json", {"elasticsearch": {"connectors": {"inline": {"index_name": "search-inline"}}}}
)
def test_per_test_state_from_a_file_and_a_dict(mockserver_client):
    for connector in ("downstream", "inline"):
        assert mockserver_client.get(f"/_connector/{connector}").status_code == 200


def test_the_in_process_client_is_authenticated(mockserver_client):
    assert mockserver_client.get("/_security/_authenticate").json["username"] == "elastic"
    assert mockserver_client.get("/api/saved_objects/_find?type=config").status_code == 200


def test_the_official_client_with_the_live_servers_credentials(mockserver_live, es_url):
    assert es_url == mockserver_live.url
    es = Elasticsearch(mockserver_live.url, basic_auth=mockserver_live.auth)
    assert es.connector.get(connector_id="downstream")["index_name"] == "search-downstream"
    request = urllib.request.Request(
        mockserver_live.url + "/api/ml/saved_objects/sync?simulate=true", headers=mockserver_live.headers
    )
    assert "savedObjectsCreated" in json.loads(urllib.request.urlopen(request).read())
    # Without credentials, Elasticsearch's own 401.
    assert Elasticsearch(mockserver_live.url).options(ignore_status=401).info().meta.status == 401


def test_state_seeded_by_a_fixture_survives_the_other_fixtures(seeded, mockserver_client):
    assert mockserver_client.get("/_connector/seeded").status_code == 200


@pytest.fixture
def seeded(mockserver_live):
    mockserver_live.load({"elasticsearch": {"connectors": {"seeded": {"index_name": "search-seeded"}}}})
