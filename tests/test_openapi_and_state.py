"""The generated OpenAPI document, and per-test state: markers, loading, saving the state as a fixture."""

from __future__ import annotations

import json
import re

import pytest
from openapi_spec_validator import validate

from mockserver import create_app, runtime_of

RULE_PARAMETER = re.compile(r"<(?:[a-z]+(?:\([^)]*\))?:)?(\w+)>")


def served_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"OPTIONS"}:
            routes.add((RULE_PARAMETER.sub(r"{\1}", rule.rule), method.lower()))
    return routes


def test_the_openapi_document_is_valid_and_covers_every_route(mockserver_app, mockserver_client):
    reply = mockserver_client.get("/_mock/openapi.json")
    document = reply.get_json()
    validate(document)  # OpenAPI 3.1, with its JSON Schema 2020-12 schemas
    assert document["openapi"] == "3.1.0"
    missing = sorted(
        route for route in served_routes(mockserver_app) if route[1] not in document["paths"].get(route[0], {})
    )
    assert not missing, missing
    assert {
        "/_mock/openapi.json",
        "/_mock/requests",
        "/_mock/faults",
        "/_connector/_sync_job/{connector_sync_job_id}",
        "/s/{space_id}/api/ml/saved_objects/sync",
        "/api/saved_objects/_import",
    } <= set(document["paths"])


def test_the_document_follows_the_schemas(mockserver_client):
    document = mockserver_client.get("/_mock/openapi.json").get_json()
    sync_job = document["paths"]["/_connector/_sync_job"]["post"]
    body = sync_job["requestBody"]["content"]["application/json"]["schema"]
    assert "id" in body["properties"] and "201" in sync_job["responses"]
    error = sync_job["responses"]["400"]["content"]["application/json"]["schema"]
    target = error["$ref"].rsplit("/", 1)[-1]
    assert error["$ref"].startswith("#/components/schemas/") and target in document["components"]["schemas"]
    import_route = document["paths"]["/api/saved_objects/_import"]["post"]
    assert "multipart/form-data" in import_route["requestBody"]["content"]
    assert [p["name"] for p in import_route["parameters"]][:2] == ["overwrite", "createNewCopies"]
    export = document["paths"]["/api/saved_objects/_export"]["post"]["responses"]["200"]["content"]
    assert list(export) == ["application/ndjson"]
    # An id route and the id-less route sharing a schema file name only their own path parameters.
    assert "parameters" not in document["paths"]["/_connector"]["put"] or all(
        p["in"] != "path" for p in document["paths"]["/_connector"]["put"]["parameters"]
    )


def test_a_product_subset_is_documented_alone():
    app = create_app(products=["elasticsearch"])
    paths = app.test_client().get("/_mock/openapi.json").get_json()["paths"]
    assert "/_connector" in paths and not any(p.startswith(("/api/", "/s/")) for p in paths)


# -- per-test state -------------------------------------------------------------------------------

EXTRA = {
    "elasticsearch": {
        "connectors": {"marked-connector": {"index_name": "search-marked", "service_type": "google_drive"}}
    }
}


@pytest.mark.mockserver_state(EXTRA, "fixtures/extra-dashboards.json")
def test_a_marker_loads_dicts_and_files_for_one_test(mockserver_client):
    assert mockserver_client.get("/_connector/marked-connector").get_json()["index_name"] == "search-marked"
    assert mockserver_client.get("/api/saved_objects/url/marked-url").status_code == 200


def test_what_a_marker_loaded_is_gone_in_the_next_test(mockserver_client):
    assert mockserver_client.get("/_connector/marked-connector").status_code == 404
    assert mockserver_client.get("/api/saved_objects/url/marked-url").status_code == 404


def test_the_state_saves_as_a_fixture_that_loads_to_the_same_state(mockserver_live, tmp_path):
    import urllib.request

    mockserver_live.load(EXTRA)
    urllib.request.urlopen(
        urllib.request.Request(
            f"{mockserver_live.url}/_connector/_sync_job",
            method="POST",
            data=b'{"id": "marked-connector"}',
            headers={"Content-Type": "application/json"},
        )
    )
    saved = mockserver_live.save_state(tmp_path / "state.json")
    again = create_app([saved], default_fixtures=False)
    assert runtime_of(again).store.dump() == mockserver_live.runtime.store.dump()
    # The same over HTTP: GET /_mock/state into POST /_mock/state of an empty app.
    empty = create_app(default_fixtures=False).test_client()
    dumped = urllib.request.urlopen(f"{mockserver_live.url}/_mock/state").read()
    assert empty.post("/_mock/state", data=dumped, content_type="application/json").status_code == 200
    assert empty.get("/_mock/state").get_json() == json.loads(dumped)


def test_the_document_from_python():
    from mockserver.control import CONTROL
    from mockserver.openapi import openapi_document

    app = create_app(products=["dashboards"])
    document = openapi_document(runtime_of(app), CONTROL)
    assert set(document["paths"]) == {path for path, _ in served_routes(app)}
    assert all(
        op["operationId"].split(".")[0] in ("mock", "dashboards")
        for item in document["paths"].values()
        for op in item.values()
    )
