"""The workspace plugin (``workspace.enabled: true``): its routes, the ``/w/{id}`` prefix and its saved-objects
client wrappers, pinned from OpenSearch Dashboards' own tests (src/plugins/workspace/server/integration_tests/
routes.test.ts and duplicate.test.ts, saved_objects/integration_tests/workspace_id_consumer_wrapper.test.ts and
saved_objects_wrapper_for_check_workspace_conflict.test.ts) and the plugin's sources, under the settings of
routes.test.ts's test server (workspace on, savedObjects.permission.enabled false, migrations.skip false;
osdTestServer.request sends osd-xsrf on every request, which the XSRF setting stands for here)."""

from __future__ import annotations

import io
import json

import pytest
from conftest import Http, boom

from mockserver import create_app

SETTINGS = {
    "workspace.enabled": True,
    "savedObjects.permission.enabled": False,
    "migrations.skip": False,
    "server.xsrf.disableProtection": True,
}
TEST_WORKSPACE = {"name": "test_workspace", "description": "test_workspace_description", "features": ["use-case-all"]}
SO = "/api/saved_objects"
WS = "/api/workspaces"


def dashboards(**config) -> Http:
    return Http(
        create_app(
            products=["dashboards"], default_fixtures=False, dashboards_config={**SETTINGS, **config}
        ).test_client()
    )


@pytest.fixture
def osd() -> Http:
    return dashboards()


def new_workspace(osd: Http, **attributes) -> str:
    reply = osd.post(WS, json={"attributes": {**TEST_WORKSPACE, **attributes}})
    assert reply.status == 200 and reply.json["success"], reply.text
    return reply.json["result"]["id"]


def listed(osd: Http) -> dict:
    reply = osd.post(f"{WS}/_list", json={"page": 1})
    assert reply.status == 200 and reply.json["success"], reply.text
    return reply.json["result"]


def bulk_created(osd: Http, workspace: str, *objects: dict, query: str = "") -> list[dict]:
    reply = osd.post(f"/w/{workspace}{SO}/_bulk_create{query}", json=list(objects))
    assert reply.status == 200, reply.text
    return reply.json["saved_objects"]


def ndjson(*objects: dict) -> dict:
    return {"file": (io.BytesIO("\n".join(json.dumps(o) for o in objects).encode()), "tmp.ndjson")}


DASHBOARD = {"type": "dashboard", "attributes": {}, "references": []}


# -- routes.test.ts: Workspace CRUD APIs ----------------------------------------------------------
def test_create_refuses_an_id_and_answers_the_new_workspaces_id(osd):
    refused = osd.post(WS, json={"attributes": {**TEST_WORKSPACE, "id": "fake_id"}})
    boom(refused, 400, "[request body.attributes.id]: definition for this key is missing")
    created = osd.post(WS, json={"attributes": TEST_WORKSPACE})
    assert created.status == 200 and created.json["success"] is True
    assert set(created.json) == {"success", "result"} and list(created.json["result"]) == ["id"]
    assert len(created.json["result"]["id"]) == 6  # workspace_client.ts WORKSPACE_ID_SIZE


@pytest.mark.parametrize("name", ["", "   "])
def test_create_with_an_empty_or_blank_name(osd, name):
    boom(
        osd.post(WS, json={"attributes": {"name": name}}),
        400,
        "[request body.attributes.name]: can't be empty or blank.",
    )


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ({}, "[request body.attributes.name]: expected value of type [string] but got [undefined]"),
        ({"name": "a"}, "[request body.attributes.features]: expected value of type [array] but got [undefined]"),
        (
            {"name": "a", "features": ["discover"]},
            "[request body.attributes.features]: At least one use case is required. Valid options: use-case-all, "
            "use-case-observability, use-case-security-analytics, use-case-essentials, use-case-search",
        ),
        (
            {"name": "a", "features": ["use-case-all", "use-case-search"]},
            "[request body.attributes.features]: Only one use case is allowed per workspace.",
        ),
        (
            {"name": "x" * 41, "features": ["use-case-all"]},
            "[request body.attributes.name]: value has length [41] but it must have a maximum length of [40].",
        ),
        (
            {"name": "a", "features": ["use-case-all"], "color": "red"},
            "[request body.attributes.color]: invalid workspace color format",
        ),
    ],
)
def test_create_checks_the_attributes_as_the_routes_schema_does(osd, attributes, message):
    boom(osd.post(WS, json={"attributes": attributes}), 400, message)


def test_create_fails_when_the_name_is_taken_but_the_name_is_a_phrase(osd):
    new_workspace(osd)
    again = osd.post(WS, json={"attributes": TEST_WORKSPACE})
    assert again.status == 200
    assert again.json == {
        "success": False,
        "error": "workspace name has already been used, try with a different name",
    }
    # the name is enclosed with double quotes: "test test_workspace" is not "test_workspace"
    assert osd.post(WS, json={"attributes": {**TEST_WORKSPACE, "name": "test test_workspace"}}).json["success"]


def test_get_and_get_when_the_workspace_is_not_found(osd):
    workspace = new_workspace(osd)
    got = osd.get(f"{WS}/{workspace}").json
    assert got["success"] is True
    result = got["result"]
    assert {k: result[k] for k in TEST_WORKSPACE} == TEST_WORKSPACE
    assert result["id"] == workspace and result["lastUpdatedTime"].endswith("Z")
    assert "permissions" not in result  # none without permission control
    missing = osd.get(f"{WS}/non-exist workspace id")
    assert (missing.status, missing.json) == (200, {"success": False, "error": "workspace not found"})


def test_update_and_update_of_a_workspace_that_does_not_exist(osd):
    workspace = new_workspace(osd)
    updated = osd.put(f"{WS}/{workspace}", json={"attributes": {**TEST_WORKSPACE, "name": "updated"}})
    assert (updated.status, updated.json) == (200, {"success": True, "result": True})
    got = osd.get(f"{WS}/{workspace}").json
    assert got["success"] is True and got["result"]["name"] == "updated"
    missing = osd.put(f"{WS}/non-exist workspace id", json={"attributes": {**TEST_WORKSPACE, "name": "updated"}})
    assert (missing.status, missing.json) == (200, {"success": False, "error": "workspace not found"})


def test_update_fails_when_the_new_name_is_taken(osd):
    workspace = new_workspace(osd, name="foo")
    new_workspace(osd, name="bar baz")
    taken = osd.put(f"{WS}/{workspace}", json={"attributes": {**TEST_WORKSPACE, "name": "bar baz"}})
    assert taken.json == {"success": False, "error": "workspace name has already been used, try with a different name"}
    assert osd.put(f"{WS}/{workspace}", json={"attributes": {**TEST_WORKSPACE, "name": "bar"}}).json["success"]
    assert osd.get(f"{WS}/{workspace}").json["result"]["name"] == "bar"


def test_update_with_partial_attributes_keeps_the_others(osd):
    workspace = new_workspace(osd)
    assert osd.put(f"{WS}/{workspace}", json={"attributes": {"name": "updated"}}).json["success"]
    result = osd.get(f"{WS}/{workspace}").json["result"]
    assert result["name"] == "updated" and result["description"] == TEST_WORKSPACE["description"]
    assert result["features"] == TEST_WORKSPACE["features"]


def test_delete_deletes_the_workspace_and_its_saved_objects(osd):
    workspace = new_workspace(osd)
    outside = osd.post(f"{SO}/index-pattern/global", json={"attributes": {"title": "global-*"}})
    assert outside.status == 200
    inside = osd.post(
        f"{SO}/index-pattern/logstash-*", json={"attributes": {"title": "logstash-*"}, "workspaces": [workspace]}
    )
    assert inside.status == 200 and inside.json["workspaces"] == [workspace]
    deleted = osd.delete(f"{WS}/{workspace}")
    assert (deleted.status, deleted.json) == (200, {"success": True, "result": True})
    assert osd.get(f"{WS}/{workspace}").json["success"] is False
    assert osd.get(f"{SO}/index-pattern/logstash-*").status == 404  # deleteByWorkspace
    assert osd.get(f"{SO}/index-pattern/global").status == 200


def test_delete_a_reserved_workspace_and_one_that_does_not_exist(osd):
    reserved = new_workspace(osd, reserved=True)
    refused = osd.delete(f"{WS}/{reserved}")
    assert (refused.status, refused.json) == (
        200,
        {"success": False, "error": f"Reserved workspace {reserved} is not allowed to delete."},
    )
    assert osd.get(f"{WS}/{reserved}").json["success"] is True
    missing = osd.delete(f"{WS}/non-exist workspace id")
    assert (missing.status, missing.json) == (200, {"success": False, "error": "workspace not found"})


def test_list_answers_every_workspace_with_its_permission_mode(osd):
    first = new_workspace(osd)
    second = new_workspace(osd, name="another test workspace")
    result = listed(osd)
    assert (result["page"], result["per_page"], result["total"]) == (1, 20, 2)
    assert [w["id"] for w in result["workspaces"]] == [first, second]
    # translatePermissionsToRole without permission control: every user owns every workspace
    assert all(w["permissionMode"] == "owner" for w in result["workspaces"])
    paged = osd.post(f"{WS}/_list", json={"perPage": 1, "page": 2}).json["result"]
    assert (paged["total"], [w["id"] for w in paged["workspaces"]]) == (2, [second])
    searched = osd.post(f"{WS}/_list", json={"search": "another", "searchFields": ["name"]}).json["result"]
    assert searched["total"] == 0  # name is a keyword: the whole name, not a word of it
    boom(
        osd.post(f"{WS}/_list", json={"perPage": -1}),
        400,
        "[request body.perPage]: Value must be equal to or greater than [0].",
    )


def test_the_saved_objects_api_cannot_reach_a_workspace(osd):
    workspace = new_workspace(osd)
    boom(
        osd.post(f"{SO}/workspace", json={"attributes": {**TEST_WORKSPACE, "name": "another test workspace"}}),
        400,
        "Unsupported saved object type: 'workspace': Bad Request",
    )
    assert osd.get(f"{SO}/workspace/{workspace}").status == 404
    assert osd.put(f"{SO}/workspace/{workspace}", json={"attributes": {"name": "another test workspace"}}).status == 404
    assert osd.delete(f"{SO}/workspace/{workspace}").status == 404
    assert osd.get(f"{SO}/_find?type=workspace").json["total"] == 0
    assert listed(osd)["total"] == 1


# -- routes.test.ts and duplicate.test.ts: Duplicate saved objects APIs ---------------------------
INDEX_PATTERN = {"type": "index-pattern", "id": "my-pattern", "attributes": {"title": "my-pattern-*"}, "references": []}
DASHBOARD_OBJECT = {
    "type": "dashboard",
    "id": "my-dashboard",
    "attributes": {"title": "Look at my dashboard"},
    "references": [],
}
BOTH = [{"type": "index-pattern", "id": "my-pattern"}, {"type": "dashboard", "id": "my-dashboard"}]


def test_duplicate_requires_objects_and_a_target_workspace(osd):
    boom(
        osd.post(f"{WS}/_duplicate_saved_objects", json={}),
        400,
        "[request body.objects]: expected value of type [array] but got [undefined]",
    )
    boom(
        osd.post(f"{WS}/_duplicate_saved_objects", json={"objects": BOTH, "includeReferencesDeep": True}),
        400,
        "[request body.targetWorkspace]: expected value of type [string] but got [undefined]",
    )


def test_duplicate_unsupported_objects_then_a_target_workspace_that_does_not_exist(osd):
    body = {"objects": [{"type": "unknown", "id": "my-pattern"}], "includeReferencesDeep": True}
    boom(
        osd.post(f"{WS}/_duplicate_saved_objects", json={**body, "targetWorkspace": "test_workspace"}),
        400,
        "Trying to duplicate object(s) with unsupported types: unknown:my-pattern",
    )
    body = {"objects": [{"type": "index-pattern", "id": "my-pattern"}], "includeReferencesDeep": True}
    boom(
        osd.post(f"{WS}/_duplicate_saved_objects", json={**body, "targetWorkspace": "test_workspace"}),
        400,
        "Get target workspace error: workspace not found",
    )


def test_duplicate_index_pattern_and_dashboard_into_a_workspace(osd):
    target = new_workspace(osd)
    assert len(osd.post(f"{SO}/_bulk_create", json=[INDEX_PATTERN, DASHBOARD_OBJECT]).json["saved_objects"]) == 2
    reply = osd.post(
        f"{WS}/_duplicate_saved_objects",
        json={"objects": BOTH, "includeReferencesDeep": True, "targetWorkspace": target},
    )
    assert reply.status == 200
    assert (reply.json["success"], reply.json["successCount"]) == (True, 2)
    results = reply.json["successResults"]
    assert [(r["type"], r["id"], r["meta"]) for r in results] == [
        ("index-pattern", "my-pattern", {"title": "my-pattern-*", "icon": "indexPatternApp"}),
        ("dashboard", "my-dashboard", {"title": "Look at my dashboard", "icon": "dashboardApp"}),
    ]
    # new copies (createNewCopies): new ids, in the target workspace; the originals stay where they were
    for result in results:
        copy = osd.get(f"{SO}/{result['type']}/{result['destinationId']}").json
        assert copy["workspaces"] == [target] and "originId" not in copy
    assert "workspaces" not in osd.get(f"{SO}/index-pattern/my-pattern").json


def test_duplicate_of_an_object_whose_reference_is_missing_writes_nothing(osd):
    target = new_workspace(osd)
    visualization = {
        "type": "visualization",
        "id": "my-visualization",
        "attributes": {"title": "Test visualization"},
        "references": [{"name": "ref_0", "type": "index-pattern", "id": "my-pattern"}],
    }
    assert osd.post(f"{SO}/_bulk_create", json=[visualization]).status == 200
    reply = osd.post(
        f"{WS}/_duplicate_saved_objects",
        json={"objects": [{"type": "visualization", "id": "my-visualization"}], "targetWorkspace": target},
    )
    assert reply.status == 200
    assert reply.json == {
        "successCount": 0,
        "success": False,
        "errors": [
            {
                "id": "my-visualization",
                "type": "visualization",
                "title": "Test visualization",
                "meta": {"title": "Test visualization", "icon": "visualizeApp"},
                "error": {"type": "missing_references", "references": [{"type": "index-pattern", "id": "my-pattern"}]},
            }
        ],
    }
    assert osd.get(f"{SO}/_find?type=visualization&workspaces={target}").json["total"] == 0


# -- the /w/{id} prefix and workspace_id_consumer_wrapper.ts ---------------------------------------
def test_create_within_a_workspace_writes_it_but_never_for_config(osd):
    foo = new_workspace(osd, name="foo")
    created = osd.post(f"/w/{foo}{SO}/dashboard", json={"attributes": {}})
    assert created.status == 200 and created.json["workspaces"] == [foo]
    config = osd.post(f"/w/{foo}{SO}/config/3.6.0", json={"attributes": {"legacyConfig": "foo"}})
    assert config.status == 200
    assert "workspaces" not in osd.get(f"{SO}/config/3.6.0").json


def test_create_and_bulk_create_with_a_workspace_that_does_not_exist(osd):
    new_workspace(osd)
    boom(osd.post(f"/w/not_exist_workspace_id{SO}/dashboard", json={"attributes": {}}), 400, "Exist invalid workspaces")
    boom(
        osd.post(f"{SO}/dashboard", json={"attributes": {}, "workspaces": ["not_exist_workspace_id"]}),
        400,
        "Exist invalid workspaces",
    )
    objects = [{**DASHBOARD, "id": "foo"}]
    boom(osd.post(f"/w/not_exist_workspace_id{SO}/_bulk_create", json=objects), 400, "Exist invalid workspaces")
    boom(
        osd.post(f"{SO}/_bulk_create?workspaces=not_exist_workspace_id", json=objects), 400, "Exist invalid workspaces"
    )
    assert osd.get(f"{SO}/dashboard/foo").status == 404


def test_bulk_create_within_a_workspace(osd):
    foo = new_workspace(osd, name="foo")
    created = bulk_created(osd, foo, {**DASHBOARD, "id": "foo"})
    assert not any("error" in item for item in created)
    assert all(item["workspaces"] == [foo] for item in created)


def test_find_within_a_workspace_sees_that_workspaces_objects(osd):
    foo, bar = new_workspace(osd, name="foo"), new_workspace(osd, name="bar")
    bulk_created(osd, foo, {**DASHBOARD, "id": "foo"})
    bulk_created(osd, bar, {**DASHBOARD, "id": "bar"})
    assert osd.post(f"{SO}/dashboard/global", json={"attributes": {}}).status == 200
    found = osd.get(f"/w/{bar}{SO}/_find?type=dashboard").json
    assert found["total"] == 1 and found["saved_objects"][0]["workspaces"] == [bar]
    # the option wins over the request's workspace; "*" stands for none at all
    assert [o["id"] for o in osd.get(f"/w/{bar}{SO}/_find?type=dashboard&workspaces={foo}").json["saved_objects"]] == [
        "foo"
    ]
    assert osd.get(f"/w/{bar}{SO}/_find?type=dashboard&workspaces=*").json["total"] == 3
    assert osd.get(f"{SO}/_find?type=dashboard").json["total"] == 3
    boom(osd.get(f"/w/not_exist_workspace_id{SO}/_find?type=dashboard"), 400, "Exist invalid workspaces")


def test_import_within_a_workspace_and_its_conflicts(osd):
    foo, bar = new_workspace(osd, name="foo"), new_workspace(osd, name="bar")
    bulk_created(osd, foo, {**DASHBOARD, "id": "foo"})
    bulk_created(osd, bar, {**DASHBOARD, "id": "bar"})
    foo_object, bar_object = osd.get(f"{SO}/dashboard/foo").json, osd.get(f"{SO}/dashboard/bar").json
    reply = osd.post(f"/w/{foo}{SO}/_import?overwrite=false", data=ndjson(foo_object, bar_object))
    assert reply.status == 200
    assert reply.json["success"] is False and len(reply.json["errors"]) == 1
    assert (reply.json["errors"][0]["id"], reply.json["errors"][0]["error"]["type"]) == ("foo", "conflict")
    # bar, of another workspace, is an unresolvable conflict: it would be a new copy (nothing is written
    # while a conflict waits to be resolved: create_saved_objects.ts), bar untouched
    (copied,) = reply.json["successResults"]
    assert copied["id"] == "bar" and copied["createNewCopy"] is True
    assert osd.get(f"{SO}/dashboard/{copied['destinationId']}").status == 404
    assert osd.get(f"{SO}/dashboard/bar").json["workspaces"] == [bar]
    alone = osd.post(f"/w/{foo}{SO}/_import?overwrite=false", data=ndjson(bar_object))
    assert alone.json["success"] is True
    (copied,) = alone.json["successResults"]
    assert osd.get(f"{SO}/dashboard/{copied['destinationId']}").json["workspaces"] == [foo]

    fresh = osd.post(f"/w/{foo}{SO}/_import?overwrite=false", data=ndjson({**DASHBOARD, "id": "new"}))
    assert fresh.json["success"] is True
    assert osd.get(f"/w/{foo}{SO}/dashboard/new").json["workspaces"] == [foo]


def test_get_and_bulk_get_within_a_workspace(osd):
    foo, bar = new_workspace(osd, name="foo"), new_workspace(osd, name="bar")
    bulk_created(osd, foo, {**DASHBOARD, "id": "foo"})
    bulk_created(osd, bar, {**DASHBOARD, "id": "bar"})
    assert osd.post(f"{SO}/config/3.6.0", json={"attributes": {"legacyConfig": "foo"}}).status == 200
    mine = osd.get(f"/w/{foo}{SO}/dashboard/foo")
    assert mine.status == 200 and mine.json["workspaces"] == [foo]
    assert osd.get(f"{SO}/dashboard/bar").json["id"] == "bar"
    assert osd.get(f"/w/{foo}{SO}/config/3.6.0").json["id"] == "3.6.0"  # a global object
    boom(osd.get(f"/w/{foo}{SO}/dashboard/bar"), 403, "Saved object does not belong to the workspace")

    payload = [{"id": "foo", "type": "dashboard"}, {"id": "bar", "type": "dashboard"}]
    within = osd.post(f"/w/{foo}{SO}/_bulk_get", json=payload).json["saved_objects"]
    assert within[0]["id"] == "foo" and within[0]["workspaces"] == [foo] and "error" not in within[0]
    assert within[1] == {
        "id": "bar",
        "type": "dashboard",
        "attributes": {},
        "references": [],
        "error": {"statusCode": 403, "error": "Forbidden", "message": "Saved object does not belong to the workspace"},
    }
    without = osd.post(f"{SO}/_bulk_get", json=payload).json["saved_objects"]
    assert [o["workspaces"] for o in without] == [[foo], [bar]]


def test_export_within_a_workspace_exports_that_workspaces_objects(osd):
    foo, bar = new_workspace(osd, name="foo"), new_workspace(osd, name="bar")
    bulk_created(osd, foo, {**DASHBOARD, "id": "foo"})
    bulk_created(osd, bar, {**DASHBOARD, "id": "bar"})
    reply = osd.post(f"/w/{foo}{SO}/_export", json={"type": "dashboard", "excludeExportDetails": True})
    assert reply.status == 200 and [json.loads(line)["id"] for line in reply.text.split("\n")] == ["foo"]


# -- saved_objects_wrapper_for_check_workspace_conflict.ts ----------------------------------------
def test_bulk_overwrite_of_another_workspaces_object_is_refused(osd):
    foo, bar = new_workspace(osd, name="foo"), new_workspace(osd, name="bar")
    bulk_created(osd, bar, {**DASHBOARD, "id": "bar", "attributes": {"title": "bar's"}})
    refused = bulk_created(osd, foo, {**DASHBOARD, "id": "bar"}, {**DASHBOARD, "id": "mine"}, query="?overwrite=true")
    assert refused[0] == {
        "id": "bar",
        "type": "dashboard",
        "attributes": {},
        "references": [],
        "error": {
            "statusCode": 409,
            "error": "Conflict",
            "message": "Saved object [dashboard/bar] conflict",
            "metadata": {"isNotOverwritable": True},
        },
    }
    assert refused[1]["id"] == "mine" and refused[1]["workspaces"] == [foo]
    assert osd.get(f"{SO}/dashboard/bar").json["attributes"] == {"title": "bar's"}
    # an overwrite within the object's own workspace keeps its workspaces
    kept = bulk_created(osd, bar, {**DASHBOARD, "id": "bar", "attributes": {"title": "new"}}, query="?overwrite=true")
    assert kept[0]["workspaces"] == [bar] and kept[0]["attributes"] == {"title": "new"}


def test_overwrite_by_create_of_another_workspaces_object_is_a_conflict(osd):
    foo, bar = new_workspace(osd, name="foo"), new_workspace(osd, name="bar")
    bulk_created(osd, bar, {**DASHBOARD, "id": "bar"})
    boom(
        osd.post(f"/w/{foo}{SO}/dashboard/bar?overwrite=true", json={"attributes": {}}),
        409,
        "Saved object [dashboard/bar] conflict",
    )
    # without a workspace the overwrite keeps the object's workspaces
    assert osd.post(f"{SO}/dashboard/bar?overwrite=true", json={"attributes": {}}).json["workspaces"] == [bar]


def test_config_is_never_written_into_a_workspace(osd):
    foo = new_workspace(osd, name="foo")
    boom(
        osd.post(f"{SO}/config/3.6.0", json={"attributes": {}, "workspaces": [foo]}),
        400,
        "Unsupported type in workspace: 'config' is not allowed to be created in workspace.",
    )
    (refused,) = bulk_created(osd, foo, {"type": "config", "id": "3.6.0", "attributes": {}})
    assert refused["error"] == {
        "statusCode": 400,
        "error": "Bad Request",
        "message": "Unsupported type in workspace: 'config' is not allowed to be imported in workspace.",
        "metadata": {"isNotOverwritable": True},
    }
    assert refused["type"] == "config" and refused["attributes"] == {}


# -- associate / dissociate (2.18 and later) -------------------------------------------------------
def test_associate_and_dissociate_objects_with_a_workspace(osd):
    foo = new_workspace(osd, name="foo")
    assert osd.post(f"{SO}/index-pattern/ip", json={"attributes": {"title": "ip-*"}}).status == 200
    objects = [{"type": "index-pattern", "id": "ip"}, {"type": "index-pattern", "id": "missing"}]
    associated = osd.post(f"{WS}/_associate", json={"workspaceId": foo, "savedObjects": objects})
    assert associated.json == {
        "success": True,
        "result": [{"id": "ip"}, {"id": "missing", "error": "workspace not found"}],
    }
    assert osd.get(f"/w/{foo}{SO}/_find?type=index-pattern").json["total"] == 1
    dissociated = osd.post(f"{WS}/_dissociate", json={"workspaceId": foo, "savedObjects": objects[:1]})
    assert dissociated.json == {"success": True, "result": [{"id": "ip"}]}
    assert osd.get(f"/w/{foo}{SO}/_find?type=index-pattern").json["total"] == 0


def test_associate_is_not_a_route_before_2_18():
    app = create_app(
        products=["dashboards"], default_fixtures=False, dashboards_version="2.17.0", dashboards_config=SETTINGS
    )
    osd = Http(app.test_client())
    boom(osd.post(f"{WS}/_associate", json={"workspaceId": "x", "savedObjects": []}), 404, "Not Found")
    assert osd.post(f"{WS}/_list", json={}).status == 200


# -- the plugin off, and the default fixture -------------------------------------------------------
def test_without_the_plugin_there_is_no_prefix_nor_workspace_route_and_workspaces_options_pass_through():
    osd = Http(
        create_app(
            products=["dashboards"], default_fixtures=False, dashboards_config={"server.xsrf.disableProtection": True}
        ).test_client()
    )
    boom(osd.get(f"/w/ws1{SO}/_find?type=dashboard"), 404, "Not Found")
    boom(osd.post(f"{WS}/_list", json={}), 404, "Not Found")
    # core's routes take workspaces as they are: no workspace need exist
    created = osd.post(f"{SO}/dashboard/d", json={"attributes": {}, "workspaces": ["anything"]})
    assert created.status == 200 and created.json["workspaces"] == ["anything"]
    assert osd.get(f"{SO}/_find?type=dashboard&workspaces=anything").json["total"] == 1


def test_the_default_fixtures_workspace_is_a_workspace_of_the_plugin():
    osd = Http(create_app(products=["dashboards"], dashboards_config=SETTINGS).test_client())
    (workspace,) = listed(osd)["workspaces"]
    assert (workspace["id"], workspace["name"]) == ("9gt4lB", "test-workspace")
    found = osd.get(f"/w/9gt4lB{SO}/_find?type=index-pattern").json
    assert [o["workspaces"] for o in found["saved_objects"]] == [["9gt4lB"]]


def test_update_and_delete_without_an_id_are_refused_by_their_params_schema(osd):
    message = "[request params.id]: expected value of type [string] but got [undefined]"
    boom(osd.put(WS, json={"attributes": {"name": "x"}}), 400, message)
    boom(osd.delete(WS), 400, message)


def test_the_xsrf_allowlist_names_the_optional_id_routes_as_hapi_does():
    osd = Http(
        create_app(
            products=["dashboards"],
            default_fixtures=False,
            dashboards_config={"workspace.enabled": True, "server.xsrf.allowlist": ["/api/workspaces/{id?}"]},
        ).test_client()
    )
    assert osd.delete(f"{WS}/nope").json == {"success": False, "error": "workspace not found"}  # no osd-xsrf needed
    assert osd.post(f"{WS}/_list", json={}).status == 400  # the others still need it


def test_an_unknown_workspace_in_the_path_refuses_writes_and_finds_but_not_gets(osd):
    foo = new_workspace(osd, name="foo")
    bulk_created(osd, foo, {**DASHBOARD, "id": "foo"})
    assert osd.post(f"{SO}/dashboard/global", json={"attributes": {}}).status == 200
    # get and bulk get check no workspace exists: they only hide what the workspace does not hold
    assert osd.get(f"/w/unknown{SO}/dashboard/global").status == 200
    boom(osd.get(f"/w/unknown{SO}/dashboard/foo"), 403, "Saved object does not belong to the workspace")
    boom(osd.post(f"/w/unknown{SO}/_export", json={"type": "dashboard"}), 400, "Exist invalid workspaces")
    boom(osd.post(f"/w/unknown{SO}/_import", data=ndjson({**DASHBOARD, "id": "new"})), 400, "Exist invalid workspaces")
    assert osd.get(f"{SO}/dashboard/new").status == 404
    # the workspace routes take the prefix off too, and do not care
    assert osd.post(f"/w/unknown{WS}/_list", json={}).json["result"]["total"] == 1


def test_workspaces_live_in_the_state_reset_restores(tmp_path):
    app = create_app(products=["dashboards"], default_fixtures=False, dashboards_config=SETTINGS)
    from mockserver.app import runtime_of

    osd = Http(app.test_client())
    kept = new_workspace(osd, name="kept")
    runtime_of(app).store.seed([])  # this state is the one reset comes back to
    gone = new_workspace(osd, name="gone")
    runtime_of(app).store.reset()
    assert osd.get(f"{WS}/{kept}").json["success"] is True
    assert osd.get(f"{WS}/{gone}").json == {"success": False, "error": "workspace not found"}


def test_duplicate_of_objects_that_do_not_exist_is_the_exports_400_and_writes_nothing(osd):
    target = new_workspace(osd)
    reply = osd.post(
        f"{WS}/_duplicate_saved_objects",
        json={"objects": BOTH, "includeReferencesDeep": True, "targetWorkspace": target},
    )
    assert reply.status == 400 and reply.json["error"] == "Bad Request"
    assert [o["id"] for o in reply.json["attributes"]["objects"]] == ["my-pattern", "my-dashboard"]
    assert osd.get(f"/w/{target}{SO}/_find?type=index-pattern&type=dashboard").json["total"] == 0


def test_maximum_workspaces_caps_the_count():
    osd = dashboards(**{"workspace.maximum_workspaces": 1})
    new_workspace(osd, name="one")
    refused = osd.post(WS, json={"attributes": {**TEST_WORKSPACE, "name": "two"}})
    assert refused.json == {"success": False, "error": "Maximum number of workspaces (1) reached"}
    with pytest.raises(ValueError, match=r"\[config validation of \[workspace\].maximum_workspaces\]"):
        dashboards(**{"workspace.maximum_workspaces": "many"})


def at_release(version: str) -> Http:
    return Http(
        create_app(
            products=["dashboards"], default_fixtures=False, dashboards_config=SETTINGS, dashboards_version=version
        ).test_client()
    )


@pytest.mark.parametrize("version", ["2.17.1", "2.18.0", "2.19.0"])
def test_which_calls_check_the_workspaces_exist_follows_the_release(version):
    # The id-consumer wrapper checks a find's workspaces from 2.18 (#8268), a create's from 2.19 (#8739),
    # and keeps get and bulk get to the request's workspace from 2.19 (#8888).
    osd = at_release(version)
    find = osd.get(f"{SO}/_find", query={"type": "visualization", "workspaces": "nowhere"})
    create = osd.post(f"{SO}/visualization/v1", json={"attributes": {"title": "v"}, "workspaces": ["nowhere"]})
    if version >= "2.18":
        boom(find, 400, "Exist invalid workspaces")
    else:
        assert find.status == 200 and find.json["total"] == 0
    if version >= "2.19":
        boom(create, 400, "Exist invalid workspaces")
    else:
        assert create.status == 200 and create.json["workspaces"] == ["nowhere"]
    mine, other = new_workspace(osd), new_workspace(osd, name="other")
    (stored,) = bulk_created(osd, other, {"type": "visualization", "id": "theirs", "attributes": {"title": "t"}})
    got = osd.get(f"/w/{mine}{SO}/visualization/theirs")
    items = osd.post(f"/w/{mine}{SO}/_bulk_get", json=[{"type": "visualization", "id": "theirs"}]).json
    if version >= "2.19":
        boom(got, 403, "Saved object does not belong to the workspace")
        assert items["saved_objects"][0]["error"]["statusCode"] == 403
    else:
        assert got.status == 200 and got.json["workspaces"] == [other] == stored["workspaces"]
        assert "error" not in items["saved_objects"][0]
