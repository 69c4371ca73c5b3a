"""What an overwrite needs under the workspace plugin's permission control, and what a workspace update
does to the workspace's ACL, in every release that has them.

From src/plugins/workspace/server of opensearch-project/OpenSearch-Dashboards:
saved_objects/workspace_saved_objects_client_wrapper.ts (createWithWorkspacePermissionControl,
bulkCreateWithWorkspacePermissionControl: target workspaces, the ``workspaces`` option, need
library_write on every one and nothing else; without them an overwrite of an object that exists needs
library_write on one of its workspaces or write in its own ACL), the same at every stored version from
2.14 on; saved_objects_wrapper_for_check_workspace_conflict.ts (an overwrite's create gets the stored
object's workspaces as its option; a bulk create's objects get them, the option stays), which runs
outside the permission wrapper (common/constants.ts PRIORITY_FOR_WORKSPACE_CONFLICT_CONTROL_WRAPPER -1,
PRIORITY_FOR_PERMISSION_CONTROL_WRAPPER 0; core's SavedObjectsClientProvider wraps in ascending
priority with reduceRight, the smallest outermost); routes/index.ts and workspace_client.ts (update:
``permissions: settings.permissions`` into a create with overwrite, which indexes the whole document).
"""

from __future__ import annotations

import io
import json

import pytest
from conftest import boom
from test_dashboards_workspace_permissions import FIXTURE, As, fixture_app

ON = {
    "workspace.enabled": True,
    "savedObjects.permission.enabled": True,
}
# Somebody else is the admin: before 2.18 no admin configured made every user one (utils.ts); 2.14 has
# neither the key nor the admin (config.DASHBOARD_ADMIN_SINCE).
ADMIN = {"opensearchDashboards.dashboardAdmin.users": ["boss"]}
# Each case holds from the first release with the plugin on to the newest.
RELEASES = ("2.14.0", "2.17.1", "2.19.4", "3.6.0")


def document() -> dict:
    doc = json.loads(json.dumps(FIXTURE))
    saved = doc["dashboards"]["saved_objects"]
    saved["workspace"]["ws-a"] = {
        "attributes": {"name": "ws-a"},
        "permissions": {"library_write": {"users": ["foo"]}, "write": {"users": ["foo"]}},
    }
    saved["workspace"]["ws-b"] = {
        "attributes": {"name": "ws-b"},
        # foo sees ws-b (read) but may not write into it.
        "permissions": {"library_write": {"users": ["bar"]}, "write": {"users": ["bar"]}, "read": {"users": ["foo"]}},
    }
    saved["dashboard"]["shared"] = {"attributes": {"title": "shared"}, "workspaces": ["ws-a", "ws-b"]}
    saved["dashboard"]["acl-in-b"] = {
        "attributes": {"title": "acl in b"},
        "workspaces": ["ws-b"],
        "permissions": {"write": {"users": ["foo"]}, "read": {"users": ["foo"]}},
    }
    return doc


def app(tmp_path, version: str):
    (tmp_path / version).mkdir()
    return fixture_app(
        tmp_path / version,
        document(),
        products=["dashboards"],
        dashboards_config={**ON, **({} if version == "2.14.0" else ADMIN)},
        dashboards_version=version,
    )


SHARED = "/api/saved_objects/dashboard/shared"
ACL_IN_B = "/api/saved_objects/dashboard/acl-in-b"
OVERWRITE = {"overwrite": "true"}


def bulk(client, so_id: str, **query):
    objects = [{"type": "dashboard", "id": so_id, "attributes": {"title": "over"}}]
    return client.post("/api/saved_objects/_bulk_create", json=objects, query={"overwrite": "true", **query})


@pytest.mark.parametrize("version", RELEASES)
def test_a_create_overwrite_needs_library_write_on_every_workspace_the_object_is_in(tmp_path, version):
    foo = As(app(tmp_path, version), "foo")
    # The conflict wrapper makes ws-a and ws-b the call's workspaces: library_write on one is not enough...
    boom(foo.post(SHARED, json={"attributes": {"title": "over"}}, query=OVERWRITE), 403, "Invalid workspace permission")
    # ...and write in the object's own ACL is not asked once it has workspaces.
    boom(
        foo.post(ACL_IN_B, json={"attributes": {"title": "over"}}, query=OVERWRITE), 403, "Invalid workspace permission"
    )
    # The ACL dashboard outside any workspace: no target workspaces, so its ACL decides.
    acl = "/api/saved_objects/dashboard/acl-controlled-dashboard-2"
    assert foo.post(acl, json={"attributes": {"title": "over"}}, query=OVERWRITE).status == 200


@pytest.mark.parametrize("version", RELEASES)
def test_a_bulk_overwrite_without_targets_needs_one_workspace_or_the_objects_acl(tmp_path, version):
    foo = As(app(tmp_path, version), "foo")
    # No option: each existing object's write, library_write on one of its workspaces...
    shared = bulk(foo, "shared")
    assert shared.status == 200 and "error" not in shared.json["saved_objects"][0], shared.text
    # ...kept in both (the conflict wrapper puts the stored workspaces back).
    assert shared.json["saved_objects"][0]["workspaces"] == ["ws-a", "ws-b"]
    # ...or write in its ACL.
    assert "error" not in bulk(foo, "acl-in-b").json["saved_objects"][0]
    boom(bulk(As(foo.http, "reader"), "shared"), 403, "Invalid workspace permission")


@pytest.mark.parametrize("version", RELEASES)
def test_a_bulk_overwrite_into_target_workspaces_needs_their_library_write_only(tmp_path, version):
    http = app(tmp_path, version)
    # library_write on the target, whatever the object's other workspaces: foo into ws-a, bar into ws-b.
    into_a = bulk(As(http, "foo"), "shared", workspaces="ws-a")
    assert "error" not in into_a.json["saved_objects"][0], into_a.text
    assert into_a.json["saved_objects"][0]["workspaces"] == ["ws-a", "ws-b"]
    # The object's ACL grants foo write, but the target ws-b is not foo's to write into.
    boom(bulk(As(http, "foo"), "acl-in-b", workspaces="ws-b"), 403, "Invalid workspace permission")
    assert "error" not in bulk(As(http, "bar"), "acl-in-b", workspaces="ws-b").json["saved_objects"][0]
    # (The overwrite wrote no ACL: the bulk create's objects carry none, so the dashboard has none left.)
    assert "permissions" not in As(http, "bar").get(ACL_IN_B).json


@pytest.mark.parametrize("version", RELEASES)
def test_an_import_with_overwrite_is_a_bulk_create_with_the_imports_workspaces(tmp_path, version):
    foo = As(app(tmp_path, version), "foo")
    line = json.dumps({"type": "dashboard", "id": "acl-in-b", "attributes": {"title": "i"}, "references": []})

    def imported(**query):
        files = {"file": (io.BytesIO(line.encode()), "export.ndjson")}
        return foo.post("/api/saved_objects/_import", data=files, query={"overwrite": "true", **query})

    boom(imported(workspaces="ws-b"), 403, "Invalid workspace permission")
    # Without target workspaces the object's ACL lets foo overwrite it.
    reply = imported()
    assert reply.status == 200 and reply.json["success"] and reply.json["successCount"] == 1, reply.text


# -- a workspace update and its ACL (routes/index.ts, workspace_client.ts) -------------------------------
WS = "/api/workspaces"


@pytest.mark.parametrize("version", ("2.17.1", "3.6.0"))
def test_a_workspace_update_without_settings_permissions_leaves_it_without_an_acl(tmp_path, version):
    http = app(tmp_path, version)
    foo, bar = As(http, "foo"), As(http, "bar")
    boom(bar.get("/api/saved_objects/dashboard/inner-workspace-dashboard-1"), 403, "Invalid saved objects permission")
    rename = {"attributes": {"name": "renamed"}, "settings": {}}
    assert foo.put(f"{WS}/workspace-1", json=rename).json == {"success": True, "result": True}
    workspace = foo.get(f"{WS}/workspace-1").json["result"]
    assert workspace["name"] == "renamed" and "permissions" not in workspace
    # A workspace without an ACL grants everybody what is in it (client.ts validateSavedObjectsACL
    # passes an object with no permissions), and everybody gets it.
    assert bar.get("/api/saved_objects/dashboard/inner-workspace-dashboard-1").status == 200
    assert bar.get(f"{WS}/workspace-1").json["success"]
    # Given, settings.permissions is the ACL after the update as it is (no %me% here: only a create
    # turns it into the caller).
    given = {"write": {"users": ["%me%", "foo"]}}
    assert bar.put(f"{WS}/workspace-1", json={"attributes": {}, "settings": {"permissions": given}}).json["success"]
    assert foo.get(f"{WS}/workspace-1").json["result"]["permissions"] == given
