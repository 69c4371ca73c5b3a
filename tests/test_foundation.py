"""The shared machinery: app factory, fixtures, state store and reset, control API, strict mode."""

from __future__ import annotations

import json
import threading

import pytest

from mockserver import FixtureError, create_app, runtime_of
from mockserver.server import LiveServer


def write(tmp_path, name: str, content) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


# -- create_app and fixtures -----------------------------------------------------------------


def test_products_option():
    with pytest.raises(ValueError, match="unknown product"):
        create_app(products=["nope"])
    app = create_app(products=["elasticsearch"])
    assert list(runtime_of(app).products) == ["elasticsearch"]
    assert app.test_client().get("/api/ml/saved_objects/sync").status_code == 400  # not Kibana's: no such route
    # Kibana reads Elasticsearch's ML jobs, so it brings Elasticsearch along.
    assert list(runtime_of(create_app(products=["kibana"])).products) == ["elasticsearch", "kibana"]


def test_without_default_fixtures_the_state_is_empty():
    client = create_app(default_fixtures=False).test_client()
    assert client.get("/_connector").json == {"count": 0, "results": []}


def test_fixture_files_and_folders_load_after_the_defaults(tmp_path):
    folder = tmp_path / "more"
    folder.mkdir()
    write(folder, "b.json", {"elasticsearch": {"connectors": {"b": {"index_name": "search-b", "service_type": "x"}}}})
    write(folder, "a.json", {"elasticsearch": {"connectors": {"b": {"index_name": "search-first"}}}})
    file = write(
        tmp_path, "job.json", {"elasticsearch": {"sync_jobs": {"j": {"connector": {"id": "b"}, "status": "suspended"}}}}
    )
    client = create_app([folder, file]).test_client()
    connector = client.get("/_connector/b").json
    assert connector["index_name"] == "search-b" and connector["status"] == "created"  # b.json came after a.json
    job = client.get("/_connector/_sync_job/j").json
    assert job["status"] == "suspended" and job["connector"]["index_name"] == "search-b"
    assert job["job_type"] == "full" and job["indexed_document_count"] == 0
    assert client.get("/_connector/connector-1").status_code == 200  # the defaults are there too


@pytest.mark.parametrize(
    "content, place, problem",
    [
        ('{"elasticsearch": {', "line 1 column 20", "invalid JSON"),
        ("[1]", "/", "a fixture document is a JSON object"),
        (
            {"elasticsearch": {"connectors": {"c": {"status": "bogus"}}}},
            "/elasticsearch/connectors/c/status",
            "'bogus' is not one of",
        ),
        ({"elasticsearch": {"connectors": {"c": {"colour": "red"}}}}, "/elasticsearch/connectors/c", "colour"),
        ({"kibana2": {}}, "/", "kibana2"),
        (
            {"elasticsearch": {"sync_jobs": {"j": {"connector": {"id": "ghost"}}}}},
            "/elasticsearch/sync_jobs/j/connector/id",
            "connector [ghost] is not in the fixtures",
        ),
    ],
)
def test_a_bad_fixture_fails_at_start_naming_file_place_and_problem(tmp_path, content, place, problem):
    path = write(tmp_path, "bad.json", content)
    with pytest.raises(FixtureError) as caught:
        create_app([path])
    error = caught.value
    assert error.source == path and error.place in (place, "") and problem in str(error)
    assert path in str(error) and (place in str(error) or place == "/")


def test_a_missing_fixture_path(tmp_path):
    with pytest.raises(FixtureError, match="no such file or folder"):
        create_app([tmp_path / "nope.json"])


# -- reset and state --------------------------------------------------------------------------


def test_reset_restores_the_seeded_state_exactly(mockserver_client):
    runtime = runtime_of(mockserver_client.application)
    seeded = runtime.store.dump()
    mockserver_client.post("/_connector/_sync_job", json={"id": "connector-1"})
    mockserver_client.put("/_connector/connector-1/_name", json={"name": "changed"})
    mockserver_client.delete("/_connector/my-connector", query_string={"hard": "true"})
    assert runtime.store.dump() != seeded
    assert mockserver_client.post("/_mock/reset").json == {"acknowledged": True}
    assert runtime.store.dump() == seeded


def test_state_dump_loads_again_to_the_same_state(mockserver_client, tmp_path):
    job = mockserver_client.post("/_connector/_sync_job", json={"id": "connector-id", "job_type": "incremental"}).json
    mockserver_client.put(f"/_connector/_sync_job/{job['id']}/_cancel")
    mockserver_client.put("/_connector/connector-id/_error", json={"error": None})
    mockserver_client.put("/_connector/connector-id/_index_name", json={"index_name": None})
    mockserver_client.put("/_connector/connector-id/_check_in")
    dumped = mockserver_client.get("/_mock/state").get_data(as_text=True)
    path = write(tmp_path, "dump.json", dumped)
    again = create_app([path], default_fixtures=False)
    # The same state to the letter: nulls kept, and the keys in the order updates left them.
    assert json.dumps(runtime_of(again).store.dump()) == json.dumps(json.loads(dumped))
    connector = again.test_client().get("/_connector/connector-id").json
    assert connector["index_name"] is None and list(connector)[-2:] == ["error", "last_seen"]


def test_state_load_at_run_time(mockserver_client):
    doc = {"elasticsearch": {"connectors": {"loaded": {"index_name": "search-loaded", "service_type": "x"}}}}
    assert mockserver_client.post("/_mock/state", json=doc).json == {"acknowledged": True}
    assert mockserver_client.get("/_connector/loaded").status_code == 200
    bad = mockserver_client.post("/_mock/state", json={"elasticsearch": {"connectors": {"x": {"is_native": "no"}}}})
    assert bad.status_code == 400
    assert bad.json["statusCode"] == 400 and "/elasticsearch/connectors/x/is_native" in bad.json["message"]
    assert mockserver_client.get("/_connector/x").status_code == 404
    assert mockserver_client.post("/_mock/state", data="nope", content_type="application/json").status_code == 400


def test_health_and_unknown_control_route(mockserver_client):
    assert mockserver_client.get("/_mock/health").json == {
        "status": "ready",
        "products": ["elasticsearch", "dashboards", "kibana"],
    }
    reply = mockserver_client.get("/_mock/nope")
    assert reply.status_code == 404 and reply.json["error"] == "Not Found"
    assert mockserver_client.get("/_mock/reset").status_code == 405


# -- strict mode ------------------------------------------------------------------------------


def test_a_response_that_breaks_its_schema_is_a_500_naming_schema_and_violation(monkeypatch):
    app = create_app(strict=True)
    state = runtime_of(app).store["elasticsearch"]
    monkeypatch.setattr(type(state.sync_jobs), "get", lambda self, job_id: {"id": job_id, "status": "weird"})
    reply = app.test_client().get("/_connector/_sync_job/x")
    assert reply.status_code == 500
    reason = reply.json["error"]["reason"]
    assert "elasticsearch/connector.sync_job_get" in reason and "/status: 'weird'" in reason
    # Without strict, the same answer goes out as it is.
    loose = create_app(strict=False)
    monkeypatch.setattr(
        type(runtime_of(loose).store["elasticsearch"].sync_jobs),
        "get",
        lambda self, job_id: {"id": job_id, "status": "weird"},
    )
    assert loose.test_client().get("/_connector/_sync_job/x").json == {"id": "x", "status": "weird"}


def test_every_route_names_schemas_that_exist():
    runtime = runtime_of(create_app())
    for product in runtime.products.values():
        for op in product.operations:
            schemas = runtime.schemas.operation(op.schema)
            assert schemas.responses, op.schema
            assert "query" in schemas.document["request"], op.schema


# -- one lock: the threaded server is safe ----------------------------------------------------


def test_concurrent_writes_lose_nothing():
    import http.client

    app = create_app(default_fixtures=True)
    before = runtime_of(app).store["elasticsearch"].sync_jobs.docs.copy()
    created: list[str] = []
    lock = threading.Lock()
    with LiveServer(app) as server:

        def worker():
            conn = http.client.HTTPConnection("127.0.0.1", server.port)
            for _ in range(25):
                conn.request(
                    "POST",
                    "/_connector/_sync_job",
                    body='{"id": "connector-1"}',
                    headers={"Content-Type": "application/json"},
                )
                reply = conn.getresponse()
                body = json.loads(reply.read())
                assert reply.status == 201
                with lock:
                    created.append(body["id"])
            conn.close()

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    docs = runtime_of(app).store["elasticsearch"].sync_jobs.docs
    assert len(created) == len(set(created)) == 200
    assert len(docs) == len(before) + 200 and set(created) <= set(docs)
