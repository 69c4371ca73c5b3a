"""OpenSearch Dashboards' own route integration tests (src/core/server/saved_objects/routes/integration_tests/
*.test.ts), made true of the mock: each route answers what its test expects, with the settings of the test's
server (http/test_utils.ts: ``server.xsrf.disableProtection: true``, ``server.maxPayload: 1024``). Those
tests mock the saved objects client; where they assert what it was called with, these assert the
consequence a caller sees (a default that changes the answer, an object written or not). Grouped by the
route file; cases other tests already pin (tests/test_dashboards_*.py) are not repeated here."""

from __future__ import annotations

import base64
import json

import pytest
from conftest import Http, boom, create_app, fixture_app

# http/test_utils.ts's server: no XSRF check, a 1 KiB payload limit (the import routes have their own).
TEST_SERVER = {"server.xsrf.disableProtection": True, "server.maxPayload": 1024}
SO = "/api/saved_objects"


@pytest.fixture
def osd() -> Http:
    return Http(
        create_app(products=["dashboards"], default_fixtures=False, dashboards_config=TEST_SERVER).test_client()
    )


def created(osd, so_type: str, so_id: str, attributes: dict, references: list | None = None) -> dict:
    reply = osd.post(f"{SO}/{so_type}/{so_id}", json={"attributes": attributes, "references": references or []})
    assert reply.status == 200, reply.text
    return reply.json


def stored(osd, so_type: str, so_id: str) -> dict | None:
    reply = osd.get(f"{SO}/{so_type}/{so_id}")
    return reply.json if reply.status == 200 else None


def multipart(osd, path: str, lines: list[str], retries: str | None = None, boundary="EXAMPLE", **query):
    """The request the route tests write by hand: a file part, then the retries part."""
    parts = [
        f"--{boundary}",
        'Content-Disposition: form-data; name="file"; filename="export.ndjson"',
        "Content-Type: application/ndjson",
        "",
        *lines,
    ]
    if retries is not None:
        parts += [f"--{boundary}", 'Content-Disposition: form-data; name="retries"', "", retries]
    body = "\r\n".join([*parts, f"--{boundary}--"]).encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    return osd.request("POST", path, data=body, headers=headers, query=query or None)


IP = '{"type":"index-pattern","id":"my-pattern","attributes":{"title":"my-pattern-*"}}'
DASHBOARD = '{"type":"dashboard","id":"my-dashboard","attributes":{"title":"Look at my dashboard"}}'
VIS = (
    '{"type":"visualization","id":"my-vis","attributes":{"title":"my-vis"},'
    '"references":[{"name":"ref_0","type":"index-pattern","id":"my-pattern"}]}'
)
DASHBOARD_OF_VIS = (
    '{"type":"dashboard","id":"my-dashboard","attributes":{"title":"Look at my dashboard"},'
    '"references":[{"name":"ref_0","type":"visualization","id":"my-vis"}]}'
)
IP_RESULT = {"type": "index-pattern", "id": "my-pattern", "meta": {"title": "my-pattern-*", "icon": "indexPatternApp"}}
DASHBOARD_RESULT = {
    "type": "dashboard",
    "id": "my-dashboard",
    "meta": {"title": "Look at my dashboard", "icon": "dashboardApp"},
}
VIS_META = {"title": "my-vis", "icon": "visualizeApp"}
MISSING_PATTERN = {"type": "missing_references", "references": [{"type": "index-pattern", "id": "my-pattern"}]}


# -- bulk_create.test.ts ----------------------------------------------------------------------------------


def test_bulk_create_writes_the_docs_as_sent_without_an_xsrf_header(osd):
    docs = [
        {"id": "abc123", "type": "index-pattern", "attributes": {"title": "foo"}, "references": []},
        {"id": "abc1234", "type": "index-pattern", "attributes": {"title": "bar"}, "references": []},
    ]
    reply = osd.post(f"{SO}/_bulk_create", json=docs)
    assert reply.status == 200, reply.text
    assert [(o["id"], o["attributes"]) for o in reply.json["saved_objects"]] == [
        ("abc123", {"title": "foo"}),
        ("abc1234", {"title": "bar"}),
    ]
    assert stored(osd, "index-pattern", "abc1234")["attributes"] == {"title": "bar"}


def test_bulk_create_passes_overwrite_on(osd):
    created(osd, "index-pattern", "abc1234", {"title": "old"})
    doc = [{"id": "abc1234", "type": "index-pattern", "attributes": {"title": "foo"}, "references": []}]
    refused = osd.post(f"{SO}/_bulk_create", json=doc).json["saved_objects"][0]
    assert refused["error"]["statusCode"] == 409
    assert osd.post(f"{SO}/_bulk_create", json=doc, query={"overwrite": "true"}).status == 200
    assert stored(osd, "index-pattern", "abc1234")["attributes"] == {"title": "foo"}


@pytest.mark.parametrize(("method", "path"), [("POST", "_bulk_create"), ("POST", "_bulk_get"), ("PUT", "_bulk_update")])
def test_a_bulk_item_without_a_type_is_refused_naming_its_index(osd, method, path):
    item = {"id": "abc123", "attributes": {}}
    boom(
        osd.request(method, f"{SO}/{path}", json=[item]),
        400,
        "[request body.0.type]: expected value of type [string] but got [undefined]",
    )


# -- bulk_get.test.ts -------------------------------------------------------------------------------------


def test_bulk_get_answers_each_object_asked_for(osd):
    created(osd, "index-pattern", "abc123", {"title": "logstash-*"})
    reply = osd.post(f"{SO}/_bulk_get", json=[{"id": "abc123", "type": "index-pattern"}])
    assert reply.status == 200
    (found,) = reply.json["saved_objects"]
    assert (found["id"], found["type"], found["attributes"], found["references"]) == (
        "abc123",
        "index-pattern",
        {"title": "logstash-*"},
        [],
    )


# -- bulk_update.test.ts ----------------------------------------------------------------------------------


def test_bulk_update_answers_each_update_as_sent(osd):
    created(osd, "visualization", "dd7caf20-9efd-11e7-acb3-3dab96693fab", {"title": "v", "visState": "{}"})
    created(osd, "dashboard", "be3733a0-9efe-11e7-acb3-3dab96693fab", {"title": "d"})
    updates = [
        {"type": "visualization", "id": "dd7caf20-9efd-11e7-acb3-3dab96693fab", "attributes": {"title": "V2"}},
        {"type": "dashboard", "id": "be3733a0-9efe-11e7-acb3-3dab96693fab", "attributes": {"title": "D2"}},
    ]
    reply = osd.put(f"{SO}/_bulk_update", json=updates)
    assert reply.status == 200
    answered = reply.json["saved_objects"]
    assert [(o["type"], o["id"], o["attributes"]) for o in answered] == [
        (u["type"], u["id"], u["attributes"]) for u in updates
    ]
    assert all("references" not in o and "updated_at" in o and "version" in o for o in answered)
    assert stored(osd, "visualization", updates[0]["id"])["attributes"] == {"title": "V2", "visState": "{}"}


# -- create.test.ts ---------------------------------------------------------------------------------------


def test_create_without_an_id_generates_one_and_overwrite_defaults_to_false(osd):
    reply = osd.post(f"{SO}/index-pattern", json={"attributes": {"title": "Testing"}})
    assert reply.status == 200
    assert reply.json["attributes"] == {"title": "Testing"} and len(reply.json["id"]) == 36
    created(osd, "index-pattern", "logstash-*", {"title": "Testing"})
    # overwrite: false unless asked: the same id again is OpenSearch's conflict
    again = osd.post(f"{SO}/index-pattern/logstash-*", json={"attributes": {"title": "Again"}})
    assert again.status == 409 and stored(osd, "index-pattern", "logstash-*")["attributes"] == {"title": "Testing"}


def test_create_requires_attributes(osd):
    boom(
        osd.post(f"{SO}/index-pattern", json={}),
        400,
        "[request body.attributes]: expected value of type [object] but got [undefined]",
    )


# -- delete.test.ts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [None, {"force": "true"}])
def test_delete_answers_an_empty_object_with_or_without_force(osd, query):
    created(osd, "index-pattern", "logstash-*", {"title": "logstash-*"})
    reply = osd.delete(f"{SO}/index-pattern/logstash-*", query=query)
    assert (reply.status, reply.json) == (200, {})
    assert stored(osd, "index-pattern", "logstash-*") is None


def test_delete_force_is_a_boolean(osd):
    boom(
        osd.delete(f"{SO}/index-pattern/logstash-*", query={"force": "yes"}),
        400,
        "[request query.force]: expected value of type [boolean] but got [string]",
    )


# -- export.test.ts ---------------------------------------------------------------------------------------


def test_export_by_a_type_string_with_search_and_deep_references(osd):
    created(osd, "index-pattern", "1", {"title": "logs-*"})
    ref = [{"name": "ref_0", "type": "index-pattern", "id": "1"}]
    created(osd, "search", "2", {"title": "my search string"}, ref)
    reply = osd.post(f"{SO}/_export", json={"type": "search", "search": "my", "includeReferencesDeep": True})
    assert reply.status == 200
    assert reply.headers["Content-Disposition"] == 'attachment; filename="export.ndjson"'
    assert reply.headers["Content-Type"] == "application/ndjson"
    lines = [json.loads(line) for line in reply.text.split("\n")]
    # the search's index pattern first (deep, in dependency order), the details line last
    # (excludeExportDetails defaults to false)
    assert [(o.get("type"), o.get("id")) for o in lines[:2]] == [("index-pattern", "1"), ("search", "2")]
    assert lines[2] == {"exportedCount": 2, "missingRefCount": 0, "missingReferences": []}


# -- find.test.ts -----------------------------------------------------------------------------------------


def test_find_without_type_is_refused(osd):
    reply = osd.get(f"{SO}/_find")
    assert reply.status == 400
    assert "[request query.type]: expected at least one defined value" in reply.json["message"]


@pytest.mark.parametrize(
    ("query", "page", "per_page"),
    [("type=foo&type=bar", 1, 20), ("type=foo&per_page=10&page=50", 50, 10)],
)
def test_find_defaults_and_paging_are_echoed(osd, query, page, per_page):
    reply = osd.get(f"{SO}/_find?{query}")
    assert (reply.status, reply.json) == (200, {"page": page, "per_page": per_page, "total": 0, "saved_objects": []})


def test_find_has_reference_is_json_and_absent_means_everything(osd):
    created(osd, "visualization", "a", {"title": "a"}, [{"name": "r", "type": "reference", "id": "1"}])
    created(osd, "visualization", "b", {"title": "b"})
    every = osd.get(f"{SO}/_find", query={"type": "visualization"}).json
    assert every["total"] == 2
    ref = json.dumps({"id": "1", "type": "reference"})
    only = osd.get(f"{SO}/_find", query={"type": "visualization", "has_reference": ref}).json
    assert [o["id"] for o in only["saved_objects"]] == ["a"]


def test_find_search_fields_and_fields_as_a_string_or_an_array(osd):
    created(osd, "visualization", "a", {"title": "alpha", "description": "beta", "visState": "{}"})
    by_title = osd.get(f"{SO}/_find?type=visualization&search=beta&search_fields=title").json
    assert by_title["total"] == 0
    one = osd.get(f"{SO}/_find?type=visualization&fields=title").json["saved_objects"][0]
    assert one["attributes"] == {"title": "alpha"}
    two = osd.get(f"{SO}/_find?type=visualization&fields=title&fields=description").json["saved_objects"][0]
    assert two["attributes"] == {"title": "alpha", "description": "beta"}


def test_find_type_as_a_string_or_an_array(osd):
    created(osd, "index-pattern", "p", {"title": "p"})
    created(osd, "visualization", "v", {"title": "v"})
    assert osd.get(f"{SO}/_find?type=index-pattern").json["total"] == 1
    assert osd.get(f"{SO}/_find?type=index-pattern&type=visualization").json["total"] == 2


def test_find_namespaces_as_a_string_or_an_array(osd):
    created(osd, "index-pattern", "p", {"title": "p"})
    assert osd.get(f"{SO}/_find?type=index-pattern&namespaces=foo").json["total"] == 0
    assert osd.get(f"{SO}/_find?type=index-pattern&namespaces=default&namespaces=foo").json["total"] == 1


# -- get.test.ts / update.test.ts --------------------------------------------------------------------------


def test_get_answers_the_stored_object(osd):
    made = created(osd, "index-pattern", "logstash-*", {"title": "logstash-*", "timeFieldName": "@timestamp"})
    got = osd.get(f"{SO}/index-pattern/logstash-*").json
    assert {k: got[k] for k in ("id", "type", "attributes", "references", "version")} == {
        k: made[k] for k in ("id", "type", "attributes", "references", "version")
    }


def test_update_answers_what_was_sent_and_checks_the_version(osd):
    created(osd, "index-pattern", "logstash-*", {"title": "logstash-*"})
    reply = osd.put(f"{SO}/index-pattern/logstash-*", json={"attributes": {"title": "Testing"}, "references": []})
    assert reply.status == 200
    assert (reply.json["attributes"], reply.json["references"]) == ({"title": "Testing"}, [])
    # the version is passed on to the repository, which decodes it
    stale = osd.put(f"{SO}/index-pattern/logstash-*", json={"attributes": {"title": "Testing"}, "version": "foo"})
    boom(stale, 400, "Invalid version [foo]")


# -- import.test.ts ---------------------------------------------------------------------------------------

IMPORT = f"{SO}/_import"


def test_import_of_an_empty_file(osd):
    reply = multipart(osd, IMPORT, [""], boundary="BOUNDARY")
    assert (reply.status, reply.json) == (200, {"success": True, "successCount": 0})


def test_import_migrates_what_has_no_migration_version(osd):
    reply = multipart(osd, IMPORT, [IP])
    assert reply.json == {"success": True, "successCount": 1, "successResults": [IP_RESULT]}
    # migrationVersion {} is given to bulkCreate: every migration of the type runs
    assert stored(osd, "index-pattern", "my-pattern")["migrationVersion"] == {"index-pattern": "7.6.0"}


def test_import_ignores_empty_lines(osd):
    reply = multipart(osd, IMPORT, [IP, "", "", "", DASHBOARD])
    assert reply.json == {"success": True, "successCount": 2, "successResults": [IP_RESULT, DASHBOARD_RESULT]}
    assert stored(osd, "dashboard", "my-dashboard") is not None


def test_import_a_conflict_writes_nothing(osd):
    created(osd, "index-pattern", "my-pattern", {"title": "old"})
    reply = multipart(osd, IMPORT, [IP, DASHBOARD])
    conflict = {**IP_RESULT, "title": "my-pattern-*", "error": {"type": "conflict"}}
    assert reply.json == {
        "success": False,
        "successCount": 1,
        "successResults": [DASHBOARD_RESULT],
        "errors": [conflict],
    }
    assert stored(osd, "dashboard", "my-dashboard") is None


def test_import_a_conflict_with_overwrite(osd):
    created(osd, "index-pattern", "my-pattern", {"title": "old"})
    reply = multipart(osd, IMPORT, [IP, DASHBOARD], overwrite="true")
    assert reply.json == {
        "success": True,
        "successCount": 2,
        "successResults": [{**IP_RESULT, "overwrite": True}, DASHBOARD_RESULT],
    }
    assert stored(osd, "index-pattern", "my-pattern")["attributes"] == {"title": "my-pattern-*"}


def test_import_missing_references_write_nothing(osd):
    reply = multipart(osd, IMPORT, [VIS, DASHBOARD_OF_VIS])
    missing = {"id": "my-vis", "type": "visualization", "title": "my-vis", "meta": VIS_META, "error": MISSING_PATTERN}
    assert reply.json == {
        "success": False,
        "successCount": 1,
        "successResults": [DASHBOARD_RESULT],
        "errors": [missing],
    }
    assert stored(osd, "dashboard", "my-dashboard") is None


@pytest.mark.parametrize("overwrite", [False, True])
def test_import_missing_references_and_a_conflict(osd, overwrite):
    created(osd, "visualization", "my-vis", {"title": "old"})
    reply = multipart(osd, IMPORT, [VIS, DASHBOARD_OF_VIS], **({"overwrite": "true"} if overwrite else {}))
    entry = {"id": "my-vis", "type": "visualization", "title": "my-vis", "meta": VIS_META}
    if overwrite:  # the conflict is overwritten; the missing reference stays, saying so
        errors = [{**entry, "overwrite": True, "error": MISSING_PATTERN}]
    else:
        errors = [{**entry, "error": MISSING_PATTERN}, {**entry, "error": {"type": "conflict"}}]
    assert reply.json == {"success": False, "successCount": 1, "successResults": [DASHBOARD_RESULT], "errors": errors}
    assert stored(osd, "visualization", "my-vis")["attributes"] == {"title": "old"}


def test_import_as_new_copies_regenerates_ids_and_references_within_the_file(osd):
    created(osd, "index-pattern", "my-pattern", {"title": "my-pattern-*"})
    reply = multipart(osd, IMPORT, [VIS, DASHBOARD_OF_VIS], createNewCopies="true")
    assert reply.json["success"] is True and reply.json["successCount"] == 2
    vis, dashboard = reply.json["successResults"]
    assert (vis["id"], dashboard["id"]) == ("my-vis", "my-dashboard")
    new_vis = stored(osd, "visualization", vis["destinationId"])
    new_dashboard = stored(osd, "dashboard", dashboard["destinationId"])
    assert new_vis["references"] == [{"name": "ref_0", "type": "index-pattern", "id": "my-pattern"}]
    assert new_dashboard["references"] == [{"name": "ref_0", "type": "visualization", "id": vis["destinationId"]}]
    assert "originId" not in new_vis and "originId" not in new_dashboard


def test_import_takes_config_objects_when_advanced_settings_may_be_saved(osd):
    # import.test.ts "config type capability gating": a config object is imported only when the
    # advancedSettings.save capability is true; a stock OSD's is (advanced_settings registers it).
    config = '{"type":"config","id":"test-config","attributes":{"dismissedAt":"2026-01-01T00:00:00Z"}}'
    reply = multipart(osd, IMPORT, [config, DASHBOARD], boundary="BOUNDARY")
    assert (reply.json["success"], reply.json["successCount"]) == (True, 2)
    assert "errors" not in reply.json


def test_import_has_its_own_payload_limit_over_the_servers(osd):
    big = json.dumps({"type": "dashboard", "id": "big", "attributes": {"title": "x" * 2000}})
    assert multipart(osd, IMPORT, [big]).json["successCount"] == 1
    too_big = osd.post(f"{SO}/dashboard/big2", json={"attributes": {"title": "x" * 2000}})
    boom(too_big, 413, "Payload content length greater than maximum allowed: 1024")


# -- resolve_import_errors.test.ts -------------------------------------------------------------------------

RESOLVE = f"{SO}/_resolve_import_errors"
VIS_MISSING = (
    '{"type":"visualization","id":"my-vis","attributes":{"title":"Look at my visualization"},'
    '"references":[{"name":"ref_0","type":"index-pattern","id":"missing"}]}'
)
VIS_RESULT = {
    "type": "visualization",
    "id": "my-vis",
    "meta": {"title": "Look at my visualization", "icon": "visualizeApp"},
}


def test_resolve_with_no_retries(osd):
    reply = multipart(osd, RESOLVE, [""], retries="[]", boundary="BOUNDARY")
    assert (reply.status, reply.json) == (200, {"success": True, "successCount": 0})


def test_resolve_retries_a_dashboard_with_a_migration(osd):
    reply = multipart(osd, RESOLVE, [DASHBOARD], retries='[{"type":"dashboard","id":"my-dashboard"}]')
    assert reply.json == {"success": True, "successCount": 1, "successResults": [DASHBOARD_RESULT]}
    assert stored(osd, "dashboard", "my-dashboard")["migrationVersion"] == {"dashboard": "7.9.3"}


def test_resolve_overwrites_a_conflict_and_leaves_what_is_not_retried(osd):
    created(osd, "dashboard", "my-dashboard", {"title": "old"})
    retries = '[{"type":"dashboard","id":"my-dashboard","overwrite":true}]'
    reply = multipart(osd, RESOLVE, [IP, DASHBOARD], retries=retries)
    assert reply.json == {
        "success": True,
        "successCount": 1,
        "successResults": [{**DASHBOARD_RESULT, "overwrite": True}],
    }
    assert stored(osd, "dashboard", "my-dashboard")["attributes"] == {"title": "Look at my dashboard"}
    assert stored(osd, "index-pattern", "my-pattern") is None


def test_resolve_replaces_missing_references(osd):
    created(osd, "index-pattern", "existing", {"title": "e"})
    retries = (
        '[{"type":"visualization","id":"my-vis",'
        '"replaceReferences":[{"type":"index-pattern","from":"missing","to":"existing"}]}]'
    )
    reply = multipart(osd, RESOLVE, [VIS_MISSING], retries=retries)
    assert reply.json == {"success": True, "successCount": 1, "successResults": [VIS_RESULT]}
    assert stored(osd, "visualization", "my-vis")["references"] == [
        {"name": "ref_0", "type": "index-pattern", "id": "existing"}
    ]


def test_resolve_ignores_missing_references(osd):
    retries = '[{"type":"visualization","id":"my-vis","ignoreMissingReferences":true}]'
    reply = multipart(osd, RESOLVE, [VIS_MISSING], retries=retries)
    assert reply.json == {"success": True, "successCount": 1, "successResults": [VIS_RESULT]}
    assert stored(osd, "visualization", "my-vis")["references"] == [
        {"name": "ref_0", "type": "index-pattern", "id": "missing"}
    ]


def test_resolve_as_new_copies_keeps_a_given_destination_id(osd):
    created(osd, "index-pattern", "existing", {"title": "e"})
    vis = VIS.replace('"my-vis"}', '"Look at my visualization"}')
    retries = (
        '[{"type":"visualization","id":"my-vis","replaceReferences":'
        '[{"type":"index-pattern","from":"my-pattern","to":"existing"}]},'
        '{"type":"dashboard","id":"my-dashboard","destinationId":"new-id-2"}]'
    )
    reply = multipart(osd, RESOLVE, [vis, DASHBOARD_OF_VIS], retries=retries, createNewCopies="true")
    vis_result, dashboard_result = reply.json["successResults"]
    assert dashboard_result == {**DASHBOARD_RESULT, "destinationId": "new-id-2"}
    assert vis_result["destinationId"] not in ("my-vis", "new-id-2")
    new_vis = stored(osd, "visualization", vis_result["destinationId"])
    assert new_vis["references"] == [{"name": "ref_0", "type": "index-pattern", "id": "existing"}]
    assert stored(osd, "dashboard", "new-id-2")["references"] == [
        {"name": "ref_0", "type": "visualization", "id": vis_result["destinationId"]}
    ]
    assert "originId" not in new_vis


# -- migrate_authz.test.ts --------------------------------------------------------------------------------

MIGRATE = "/internal/saved_objects/_migrate"


# The route's check of migrations.adminRoles is newer than 3.9.0 (config.MIGRATE_NEEDS_ADMIN_ROLE_SINCE).
AUTHZ_RELEASE = "3.10.0"


def secured(tmp_path, users: dict, version: str = AUTHZ_RELEASE, **config) -> Http:
    document = {"security": {"enabled": True, "users": users}}
    return fixture_app(
        tmp_path,
        document,
        products=["dashboards"],
        dashboards_version=version,
        dashboards_config={**TEST_SERVER, **config},
    )


def basic(user: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:pw".encode()).decode()}


USERS = {
    "admin": {"password": "pw", "roles": ["own_index", "all_access"]},
    "reader": {"password": "pw", "roles": ["own_index", "opensearch_dashboards_user"]},
    "nobody": {"password": "pw", "roles": []},
    "super": {"password": "pw", "roles": ["superuser"]},
}


def test_migrate_without_an_auth_provider_is_anyones(osd):
    assert osd.post(MIGRATE, json={}).json == {"success": True}


@pytest.mark.parametrize("user", ["admin", "super"])
def test_migrate_by_a_user_with_an_admin_role(tmp_path, user):
    # the mock's superuser is, to OSD's security plugin, OpenSearch's admin: all_access
    assert secured(tmp_path, USERS).post(MIGRATE, json={}, headers=basic(user)).json == {"success": True}


@pytest.mark.parametrize("user", ["reader", "nobody"])
def test_migrate_by_a_user_without_an_admin_role_is_forbidden(tmp_path, user):
    boom(secured(tmp_path, USERS).post(MIGRATE, json={}, headers=basic(user)), 403, "Forbidden")


@pytest.mark.parametrize("version", ["2.14.0", "2.19.4", "3.9.0"])  # (the matrix may add workspace.enabled)
@pytest.mark.parametrize("user", ["reader", "nobody"])
def test_before_the_admin_roles_check_any_user_may_migrate(tmp_path, version, user):
    """migrate.ts of the releases (d7004dc5, 7c87c3aa): the route has no authorization of its own."""
    assert secured(tmp_path, USERS, version).post(MIGRATE, json={}, headers=basic(user)).json == {"success": True}


def test_migrations_admin_roles_is_no_key_before_its_check(tmp_path):
    with pytest.raises(ValueError, match=r"\[config validation of \[migrations\]\.adminRoles\]: definition for"):
        secured(tmp_path, USERS, "3.9.0", **{"migrations.adminRoles": ["all_access"]})


def test_migrate_admin_roles_are_configured(tmp_path):
    http = secured(tmp_path, USERS, **{"migrations.adminRoles": ["opensearch_dashboards_user"]})
    assert http.post(MIGRATE, json={}, headers=basic("reader")).status == 200
    assert http.post(MIGRATE, json={}, headers=basic("admin")).status == 403
