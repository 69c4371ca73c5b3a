"""The documentation's examples on a fresh server: OpenSearch Dashboards' own README (Server APIs) and
OpenSearch's saved objects API page. Each documented request answers the documented shape; where the
README's story fixes versions, the versions too."""

from __future__ import annotations

import json

import pytest
from conftest import DASHBOARDS_RELEASE, Http, create_app, saved_object_version

XSRF = {"osd-xsrf": "true"}
PATTERN = "619cc200-ecd0-11ee-95b1-e7363f9e289d"
WORKSPACE_PATTERN = "2ffee5da-55b3-49b4-b9e1-c3af5d1adbd3"


def keys(value: dict) -> list[str]:
    return list(value)


def test_readme_get(http):
    got = http.get(f"/api/saved_objects/index-pattern/{PATTERN}").json
    assert keys(got) == [
        "id",
        "type",
        "namespaces",
        "updated_at",
        "version",
        "attributes",
        "references",
        "migrationVersion",
    ]
    assert (got["updated_at"], got["version"], got["migrationVersion"]) == (
        "2024-03-28T06:57:03.008Z",
        "WzksMl0=",
        {"index-pattern": "7.6.0"},
    )
    assert got["attributes"]["title"] == "test*" and len(json.loads(got["attributes"]["fields"])) == 5


def test_readme_bulk_get(http):
    reply = http.post(
        "/api/saved_objects/_bulk_get",
        headers=XSRF,
        json=[{"type": "index-pattern", "id": PATTERN}, {"type": "config", "id": "3.6.0"}],
    )
    pattern, config = reply.json["saved_objects"]
    assert pattern["version"] == "WzksMl0="
    assert config == {
        "id": "3.6.0",
        "type": "config",
        "namespaces": ["default"],
        "updated_at": "2024-03-19T06:11:41.608Z",
        "version": "WzAsMV0=",
        "attributes": {"buildNum": 9007199254740991},
        "references": [],
        "migrationVersion": {"config": "7.9.0"},
    }


def test_readme_find(http):
    found = http.get("/api/saved_objects/_find", query={"type": "index-pattern", "search_fields": "title"}).json
    by_id = {o["id"]: o for o in found["saved_objects"]}
    assert keys(by_id[WORKSPACE_PATTERN]) == [
        "type",
        "id",
        "attributes",
        "references",
        "migrationVersion",
        "updated_at",
        "version",
        "workspaces",
        "namespaces",
        "score",
    ]
    assert by_id[WORKSPACE_PATTERN]["workspaces"] == ["9gt4lB"] and by_id[PATTERN]["score"] == 0
    assert (found["page"], found["per_page"]) == (1, 20)


def test_readme_create_bulk_create_update_delete_in_order(http):
    created = http.post(
        "/api/saved_objects/index-pattern/test-pattern", json={"attributes": {"title": "test-pattern-*"}}, headers=XSRF
    ).json
    assert keys(created) == [
        "type",
        "id",
        "attributes",
        "references",
        "migrationVersion",
        "updated_at",
        "version",
        "namespaces",
    ]
    assert created["version"] == saved_object_version(11)
    bulk = http.post(
        "/api/saved_objects/_bulk_create",
        headers=XSRF,
        json=[{"type": "index-pattern", "id": "test-pattern1", "attributes": {"title": "test-pattern1-*"}}],
    ).json
    assert bulk["saved_objects"][0]["version"] == saved_object_version(12)
    updated = http.put(
        "/api/saved_objects/index-pattern/test-pattern",
        json={"attributes": {"title": "test-pattern-update-*"}},
        headers=XSRF,
    ).json
    assert keys(updated) == ["id", "type", "updated_at", "version", "namespaces", "attributes"]
    assert (updated["version"], updated["attributes"]) == (saved_object_version(13), {"title": "test-pattern-update-*"})
    assert http.delete("/api/saved_objects/index-pattern/test-pattern", headers=XSRF).json == {}


def test_docs_page_find_get_bulk_get(http):
    found = http.get(
        "/api/saved_objects/_find", query={"type": "visualization", "fields": "title", "per_page": "5"}
    ).json
    viz = next(o for o in found["saved_objects"] if o["id"] == "test-viz")
    assert viz["attributes"] == {"title": "Sales by customer"}
    assert viz["references"] == [
        {
            "name": "kibanaSavedObjectMeta.searchSourceJSON.index",
            "type": "index-pattern",
            "id": "ecommerce-test-pattern",
        }
    ]
    assert http.get("/api/saved_objects/visualization/test-viz").status == 200
    bulk = http.post(
        "/api/saved_objects/_bulk_get",
        json=[{"type": "visualization", "id": "test-viz", "fields": ["title"]}],
        headers=XSRF,
    ).json
    assert bulk["saved_objects"][0]["attributes"] == {"title": "Sales by customer"}


def test_docs_page_create_bulk_create_update_delete(http):
    body = {
        "attributes": {
            "title": "Sales by region",
            "visState": '{"type":"pie"}',
            "kibanaSavedObjectMeta": {"searchSourceJSON": "{}"},
        },
        "references": [
            {
                "name": "kibanaSavedObjectMeta.searchSourceJSON.index",
                "type": "index-pattern",
                "id": "ecommerce-test-pattern",
            }
        ],
    }
    created = http.post("/api/saved_objects/visualization/sales-by-region", json=body, headers=XSRF).json
    assert created["attributes"] == body["attributes"] and created["migrationVersion"] == {"visualization": "7.10.0"}
    bulk = http.post(
        "/api/saved_objects/_bulk_create",
        headers=XSRF,
        json=[
            {
                "type": "visualization",
                "id": "sales-by-day",
                "attributes": {
                    "title": "Sales by day",
                    "visState": "{}",
                    "kibanaSavedObjectMeta": {"searchSourceJSON": "{}"},
                },
            }
        ],
    ).json
    assert bulk["saved_objects"][0]["id"] == "sales-by-day"
    updated = http.put(
        "/api/saved_objects/visualization/sales-by-region",
        json={"attributes": {"title": "Sales by region and month"}},
        headers=XSRF,
    ).json
    assert updated["attributes"] == {"title": "Sales by region and month"}
    assert http.delete("/api/saved_objects/visualization/sales-by-day", headers=XSRF).json == {}


def test_dashboard_links_its_objects(http):
    dashboard = http.get("/api/saved_objects/dashboard/web-traffic").json
    for reference in dashboard["references"]:
        target = http.get(f"/api/saved_objects/{reference['type']}/{reference['id']}").json
        assert target["id"] == reference["id"]
    search = http.get("/api/saved_objects/search/web-errors").json
    assert search["references"][0]["id"] == "logs-web"


# -- the wire ---------------------------------------------------------------------------------


def test_headers_and_unknown_routes(mockserver_client):
    reply = mockserver_client.get("/api/saved_objects/config/3.6.0")
    assert reply.headers["osd-name"] == "mockserver"
    assert reply.headers["cache-control"] == "private, no-cache, no-store, must-revalidate"
    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"
    assert "x-content-type-options" not in reply.headers and "X-elastic-product" not in reply.headers
    unknown = mockserver_client.get("/api/saved_objects/visualization")
    assert (unknown.status_code, unknown.json) == (
        404,
        {"statusCode": 404, "error": "Not Found", "message": "Not Found"},
    )
    moved = mockserver_client.get("/api/saved_objects/_find/?type=config")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/api/saved_objects/_find?type=config")


def test_osd_version_header(http):
    reply = http.post("/api/saved_objects/config", json={"attributes": {}}, headers={"osd-version": "1.0.0"})
    expected = DASHBOARDS_RELEASE.version
    assert reply.status == 400 and reply.json["attributes"] == {"expected": expected, "got": "1.0.0"}


@pytest.fixture
def secured():
    return Http(create_app(auth="admin:admin").test_client())


def test_dashboards_needs_credentials(secured):
    import base64

    reply = secured.get("/api/saved_objects/config/3.6.0")
    assert (reply.status, reply.json) == (
        401,
        {"statusCode": 401, "error": "Unauthorized", "message": "Authentication required"},
    )
    bad = secured.get(
        "/api/saved_objects/config/3.6.0", headers={"Authorization": "Basic " + base64.b64encode(b"admin:x").decode()}
    )
    assert bad.json["message"] == "Authentication Exception"
    ok = secured.get(
        "/api/saved_objects/config/3.6.0",
        headers={"Authorization": "Basic " + base64.b64encode(b"admin:admin").decode()},
    )
    assert ok.status == 200
