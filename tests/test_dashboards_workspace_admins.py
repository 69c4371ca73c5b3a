"""Dashboard admins (``opensearchDashboards.dashboardAdmin.users`` / ``.groups``) under the workspace
plugin's permission control, by release, and the writes they make that nobody else may.

From src/plugins/workspace/server of opensearch-project/OpenSearch-Dashboards: utils.ts
updateDashboardAdminStateForRequest (2.15, #6829 the backport of #6554: a request without principals is
the admin's, and so is everyone while no admin is configured; 2.18, #8617: nobody then, and a ``*`` among
the users is everyone), plugin.ts (onPostAuth sets the request's isDashboardAdmin from the principals and
the yml's opensearchDashboards.dashboardAdmin), saved_objects/workspace_saved_objects_client_wrapper.ts
(an admin's request gets the client unwrapped) and its integration test's "Dashboard admin" cases (get,
bulkGet, find, create, overwrite, bulkCreate, update, bulkUpdate, delete all succeed); 2.14 has none of
it (its wrapper checks every request; permission_control/client.ts takes the principals as they are).
"""

from __future__ import annotations

import pytest
from conftest import boom
from test_dashboards_workspace_permissions import ACL, FIXTURE, INNER, PUBLIC, XSRF, As, fixture_app

ON = {"workspace.enabled": True, "savedObjects.permission.enabled": True}
NEW = {"attributes": {"title": "new"}, "workspaces": ["workspace-1"]}
WITH_ADMIN = ("2.15.0", "2.17.1", "2.18.0", "2.19.4", "3.6.0")


def app(tmp_path, version: str, security: bool = True, **config):
    where = tmp_path / f"{version}-{len(list(tmp_path.iterdir()))}"
    where.mkdir()
    document = FIXTURE if security else {"dashboards": FIXTURE["dashboards"]}
    return fixture_app(
        where, document, products=["dashboards"], dashboards_config={**ON, **config}, dashboards_version=version
    )


class Anonymous:
    """Requests without credentials (the app has no security plugin)."""

    def __init__(self, http):
        self.http = http

    def __getattr__(self, method: str):
        return lambda path, **kw: getattr(self.http, method)(path, headers=XSRF, **kw)


def writes(client) -> list:
    """The integration test's admin writes, over HTTP: create into a workspace, overwrite, bulk create
    into a workspace, bulk overwrite, update, bulk update, delete (their replies, in that order)."""
    inner = {"type": "dashboard", "id": "inner-workspace-dashboard-1", "attributes": {"title": "b"}}
    return [
        client.post("/api/saved_objects/dashboard", json=NEW),
        client.post(INNER, json={"attributes": {"title": "o"}}, query={"overwrite": "true"}),
        client.post(
            "/api/saved_objects/_bulk_create",
            json=[{"type": "dashboard", "attributes": {}}],
            query={"workspaces": "workspace-1"},
        ),
        client.post("/api/saved_objects/_bulk_create", json=[inner], query={"overwrite": "true"}),
        client.put(ACL, json={"attributes": {"title": "u"}}),
        client.put("/api/saved_objects/_bulk_update", json=[{**inner, "attributes": {"title": "bu"}}]),
        client.delete(ACL),
    ]


def assert_all_written(replies: list) -> None:
    for reply in replies:
        assert reply.status == 200, reply.text
        for item in reply.json.get("saved_objects", []):
            assert "error" not in item, reply.text


REFUSED = [
    (403, "Invalid workspace permission"),  # create into workspace-1
    (403, "Invalid workspace permission"),  # overwrite
    (403, "Invalid workspace permission"),  # bulk create into workspace-1
    (403, "Invalid workspace permission"),  # bulk overwrite
    (403, "Invalid saved objects permission"),  # update
    (403, "Invalid saved objects permission"),  # bulk update
    (403, "Invalid saved objects permission"),  # delete
]


def assert_all_refused(replies: list) -> None:
    for reply, (status, message) in zip(replies, REFUSED, strict=True):
        boom(reply, status, message)


@pytest.mark.parametrize("version", WITH_ADMIN)
def test_a_configured_admin_writes_what_no_acl_lets_it_and_a_user_who_is_not_one_may_not(tmp_path, version):
    # reader only reads workspace-1's library; bar nothing at all: as an admin by name each writes.
    assert_all_written(
        writes(As(app(tmp_path, version, **{"opensearchDashboards.dashboardAdmin.users": ["bar"]}), "bar"))
    )
    by_group = app(tmp_path, version, **{"opensearchDashboards.dashboardAdmin.groups": ["readers"]})
    assert_all_written(writes(As(by_group, "reader")))
    # ...and the same writes by a user the config does not name are checked.
    assert_all_refused(
        writes(As(app(tmp_path, version, **{"opensearchDashboards.dashboardAdmin.users": ["boss"]}), "reader"))
    )
    # An admin reads what no ACL lets it: get, bulk get, find.
    admin = As(app(tmp_path, version, **{"opensearchDashboards.dashboardAdmin.users": ["bar"]}), "bar")
    assert admin.get(INNER).status == 200 and admin.get(ACL).status == 200
    wanted = [
        {"type": "dashboard", "id": "inner-workspace-dashboard-1"},
        {"type": "dashboard", "id": "public-dashboard"},
    ]
    items = admin.post("/api/saved_objects/_bulk_get", json=wanted).json["saved_objects"]
    assert [i.get("error") for i in items] == [None, None]
    found = admin.get("/api/saved_objects/_find", query={"type": "dashboard", "per_page": 100}).json
    assert {o["id"] for o in found["saved_objects"]} >= {"inner-workspace-dashboard-1", "acl-controlled-dashboard-2"}


@pytest.mark.parametrize(
    ("version", "everyone"), [("2.15.0", True), ("2.17.1", True), ("2.18.0", False), ("3.6.0", False)]
)
def test_no_admin_configured_is_everyone_before_2_18_and_nobody_from_it(tmp_path, version, everyone):
    replies = writes(As(app(tmp_path, version), "reader"))
    assert_all_written(replies) if everyone else assert_all_refused(replies)


@pytest.mark.parametrize("version", ("2.18.0", "3.6.0"))
def test_a_wildcard_among_the_admin_users_is_everyone_from_2_18_and_not_among_the_groups(tmp_path, version):
    assert_all_written(
        writes(As(app(tmp_path, version, **{"opensearchDashboards.dashboardAdmin.users": ["*"]}), "reader"))
    )
    assert_all_refused(
        writes(As(app(tmp_path, version, **{"opensearchDashboards.dashboardAdmin.groups": ["*"]}), "reader"))
    )


def test_before_2_18_a_wildcard_is_a_user_named_star(tmp_path):
    assert_all_refused(
        writes(As(app(tmp_path, "2.17.1", **{"opensearchDashboards.dashboardAdmin.users": ["*"]}), "reader"))
    )


@pytest.mark.parametrize("version", WITH_ADMIN)
def test_without_a_security_plugin_every_request_is_the_admins_from_2_15(tmp_path, version):
    http = app(tmp_path, version, security=False, **{"opensearchDashboards.dashboardAdmin.users": ["boss"]})
    assert_all_written(writes(Anonymous(http)))


def test_2_14_has_no_dashboard_admin(tmp_path):
    # Its opensearchDashboards schema has no dashboardAdmin yet (config.DASHBOARD_ADMIN_SINCE): refused at start...
    with pytest.raises(
        ValueError, match=r"\[opensearchDashboards\]\.dashboardAdmin\]: definition for this key is missing"
    ):
        app(tmp_path, "2.14.0", **{"opensearchDashboards.dashboardAdmin.users": ["bar"]})
    # ...so bar is checked like anybody...
    assert_all_refused(writes(As(app(tmp_path, "2.14.0"), "bar")))
    # ...and a request without a security plugin has no principals: only the objects with neither
    # workspaces nor an ACL are its own.
    anonymous = Anonymous(app(tmp_path, "2.14.0", security=False))
    boom(anonymous.get(INNER), 403, "Invalid saved objects permission")
    boom(anonymous.get(ACL), 403, "Invalid saved objects permission")
    assert anonymous.get(PUBLIC).status == 200
    assert_all_refused(writes(anonymous))
    # Its find is the ACL alone before 2.16: nothing is found.
    assert anonymous.get("/api/saved_objects/_find", query={"type": "dashboard"}).json["total"] == 0
    # The same requests from 2.15 on are the admin's.
    assert app(tmp_path, "2.15.0", security=False).get(INNER).status == 200
