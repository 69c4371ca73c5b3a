"""Workspace cases of OSD's own tests that tests/test_dashboards_workspaces.py does not pin, each at
the settings of its test server: src/plugins/workspace/server/integration_tests/duplicate.test.ts (the
data source a copy needs, validate_data_sources.ts) and saved_objects/integration_tests/
saved_objects_wrapper_for_check_workspace_conflict.test.ts (``data_source.enabled`` and
``workspace.enabled`` on, ``migrations.skip`` off; osdTestServer.request sends osd-xsrf, which the XSRF
setting stands for here); and the "workspace enabled" case of core's
routes/integration_tests/resolve_import_errors.test.ts."""

from __future__ import annotations

import pytest
from conftest import Http, boom

from mockserver import create_app

SO = "/api/saved_objects"
SETTINGS = {"workspace.enabled": True, "migrations.skip": False, "server.xsrf.disableProtection": True}


def dashboards(version: str | None = None, **config) -> Http:
    app = create_app(
        products=["dashboards"],
        default_fixtures=False,
        dashboards_version=version,
        dashboards_config={**SETTINGS, **config},
    )
    return Http(app.test_client())


def new_workspace(osd: Http, name: str) -> str:
    reply = osd.post("/api/workspaces", json={"attributes": {"name": name, "features": ["use-case-all"]}})
    assert reply.status == 200 and reply.json["success"], reply.text
    return reply.json["result"]["id"]


def duplicated(osd: Http, objects: list[dict], target: str, **body) -> dict:
    reply = osd.post(
        "/api/workspaces/_duplicate_saved_objects", json={"objects": objects, "targetWorkspace": target, **body}
    )
    assert reply.status == 200, reply.text
    return reply.json


def pattern_on_a_data_source(osd: Http) -> None:
    reference = {"name": "dataSource", "type": "data-source", "id": "my-data-source"}
    assert (
        osd.post(
            f"{SO}/index-pattern/my-pattern", json={"attributes": {"title": "my-pattern-*"}, "references": [reference]}
        ).status
        == 200
    )


# -- duplicate.test.ts ----------------------------------------------------------------------------
def test_a_copy_whose_data_source_is_not_in_the_target_workspace_fails_and_writes_nothing():
    osd = dashboards()
    target = new_workspace(osd, "target")
    pattern_on_a_data_source(osd)
    assert duplicated(osd, [{"type": "index-pattern", "id": "my-pattern"}], target) == {
        "successCount": 0,
        "success": False,
        "errors": [
            {
                "id": "my-pattern",
                "type": "index-pattern",
                "title": "my-pattern-*",
                "meta": {"title": "my-pattern-*", "icon": "indexPatternApp"},
                "error": {"type": "missing_data_source", "dataSource": "my-data-source"},
            }
        ],
    }
    assert osd.get(f"{SO}/_find?type=index-pattern&workspaces={target}").json["total"] == 0


def test_the_data_source_is_found_through_the_objects_a_copy_references():
    osd = dashboards()
    target = new_workspace(osd, "target")
    pattern_on_a_data_source(osd)
    reference = {"name": "panel_0", "type": "index-pattern", "id": "my-pattern"}
    assert (
        osd.post(f"{SO}/dashboard/my-dashboard", json={"attributes": {"title": "D"}, "references": [reference]}).status
        == 200
    )
    answer = duplicated(osd, [{"type": "dashboard", "id": "my-dashboard"}], target, includeReferencesDeep=False)
    (error,) = answer["errors"]
    assert (error["id"], error["error"]) == (
        "my-dashboard",
        {"type": "missing_data_source", "dataSource": "my-data-source"},
    )


@pytest.mark.parametrize("version, copied", [("2.18.0", True), ("2.19.0", False)])
def test_the_data_source_check_of_a_copy_is_2_19s(version, copied):
    osd = dashboards(version)
    target = new_workspace(osd, "target")
    pattern_on_a_data_source(osd)
    assert duplicated(osd, [{"type": "index-pattern", "id": "my-pattern"}], target)["success"] is copied


# -- saved_objects_wrapper_for_check_workspace_conflict.test.ts ------------------------------------
@pytest.fixture
def conflict_server() -> Http:
    return dashboards(**{"data_source.enabled": True})


def test_create_with_overwrite_of_an_id_that_does_not_exist_writes_it_into_the_workspace(conflict_server):
    osd = conflict_server
    foo = new_workspace(osd, "foo")
    reply = osd.post(f"{SO}/dashboard/foo?overwrite=true", json={"attributes": {}, "workspaces": [foo]})
    assert reply.status == 200 and (reply.json["id"], reply.json["workspaces"]) == ("foo", [foo])


@pytest.mark.parametrize(
    "so_type, attributes",
    [
        ("data-source", {"title": "test data source"}),
        ("data-connection", {"title": "test data connection"}),
        ("config", {}),
    ],
)
def test_data_sources_data_connections_and_config_are_not_created_in_a_workspace(conflict_server, so_type, attributes):
    osd = conflict_server
    foo = new_workspace(osd, "foo")
    boom(
        osd.post(f"{SO}/{so_type}", json={"attributes": attributes, "workspaces": [foo]}),
        400,
        f"Unsupported type in workspace: '{so_type}' is not allowed to be created in workspace.",
    )


def test_bulk_create_in_a_workspace_refuses_each_disallowed_type(conflict_server):
    osd = conflict_server
    foo = new_workspace(osd, "foo")
    objects = [
        {"type": "data-source", "id": "foo", "attributes": {"title": "test data source"}, "references": []},
        {"type": "config", "id": "3.6.0", "attributes": {}, "references": []},
        {"type": "data-connection", "id": "3.6.0", "attributes": {"title": "test data connection"}, "references": []},
    ]
    reply = osd.post(f"/w/{foo}{SO}/_bulk_create", json=objects)
    assert reply.status == 200
    for item, so_type in zip(reply.json["saved_objects"], ["data-source", "config", "data-connection"]):
        assert item["error"]["statusCode"] == 400
        assert (
            item["error"]["message"]
            == f"Unsupported type in workspace: '{so_type}' is not allowed to be imported in workspace."
        )
    assert osd.get(f"/w/{foo}{SO}/data-source/foo").status == 404
    assert osd.get(f"/w/{foo}{SO}/_find?type=config").json["total"] == 0


def test_bulk_create_of_config_outside_a_workspace_writes_it(conflict_server):
    osd = conflict_server
    reply = osd.post(f"{SO}/_bulk_create", json=[{"type": "config", "id": "3.6.0", "attributes": {}, "references": []}])
    assert reply.status == 200
    (created,) = reply.json["saved_objects"]
    assert created["type"] == "config" and "error" not in created
    assert osd.get(f"{SO}/config/3.6.0").json["id"] == "3.6.0"


# -- routes/integration_tests/resolve_import_errors.test.ts: "workspace enabled" ---------------------
def test_resolve_as_new_copies_with_a_workspaces_option_writes_the_copies_into_it():
    """Core's route takes ``workspaces`` as it is (that test's server has no workspace plugin)."""
    osd = Http(
        create_app(
            products=["dashboards"],
            default_fixtures=False,
            dashboards_config={"server.xsrf.disableProtection": True, "server.maxPayload": 1024},
        ).test_client()
    )
    assert osd.post(f"{SO}/index-pattern/existing", json={"attributes": {"title": "x"}}).status == 200
    lines = [
        '{"type":"visualization","id":"my-vis","attributes":{"title":"Look at my visualization"},'
        '"references":[{"name":"ref_0","type":"index-pattern","id":"my-pattern"}]}',
        '{"type":"dashboard","id":"my-dashboard","attributes":{"title":"Look at my dashboard"},'
        '"references":[{"name":"ref_0","type":"visualization","id":"my-vis"}]}',
    ]
    retries = (
        '[{"type":"visualization","id":"my-vis","replaceReferences":[{"type":"index-pattern","from":"my-pattern",'
        '"to":"existing"}]},{"type":"dashboard","id":"my-dashboard","destinationId":"new-id-2"}]'
    )
    parts = [
        "--E",
        'Content-Disposition: form-data; name="file"; filename="export.ndjson"',
        "Content-Type: application/ndjson",
        "",
        *lines,
        "--E",
        'Content-Disposition: form-data; name="retries"',
        "",
        retries,
        "--E--",
    ]
    reply = osd.request(
        "POST",
        f"{SO}/_resolve_import_errors",
        data="\r\n".join(parts).encode(),
        headers={"Content-Type": "multipart/form-data; boundary=E"},
        query={"createNewCopies": "true", "workspaces": "foo"},
    )
    assert reply.status == 200 and reply.json["successCount"] == 2
    vis, dashboard = reply.json["successResults"]
    assert dashboard["destinationId"] == "new-id-2"
    stored_vis = osd.get(f"{SO}/visualization/{vis['destinationId']}").json
    stored_dashboard = osd.get(f"{SO}/dashboard/new-id-2").json
    assert stored_vis["workspaces"] == stored_dashboard["workspaces"] == ["foo"]
    assert stored_vis["references"] == [{"name": "ref_0", "type": "index-pattern", "id": "existing"}]
    assert stored_dashboard["references"] == [{"name": "ref_0", "type": "visualization", "id": vis["destinationId"]}]
