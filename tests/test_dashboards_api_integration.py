"""OpenSearch Dashboards' own API integration tests of saved objects (test/api_integration/apis/saved_objects/
*.js), case by case against the mock, at the release and settings those tests run with: the newest main
(the mock's default version), the functional test server's config (no workspace plugin; supertest sends
the osd-xsrf header, which ``server.xsrf.disableProtection`` stands for here). Their data is the
``saved_objects/basic`` archive (the four objects the tests name, with its dates and attributes) and
``saved_objects/find_edgecases``; "without index" cases (the test deletes ``.kibana`` through OpenSearch)
are a mock with no saved objects. The seq_no a write gets after the archive (``WzgsMV0=``) counts the
archive's documents and is not pinned; migrations.ts drives the IndexMigrator against OpenSearch itself
and has no HTTP case."""

from __future__ import annotations

import base64
import json
import re

import pytest
from conftest import Http, boom

from mockserver import create_app

SO = "/api/saved_objects"
IP = "91200a00-9efd-11e7-acb3-3dab96693fab"
VIS = "dd7caf20-9efd-11e7-acb3-3dab96693fab"
DASH = "be3733a0-9efe-11e7-acb3-3dab96693fab"
ISO_UTC_MS = re.compile(r"^[\d-]{10}T[\d:\.]{12}Z$")  # the tests' "loose ISO8601 UTC time with milliseconds"


def version(seq_no: int, primary_term: int = 1) -> str:
    return base64.b64encode(json.dumps([seq_no, primary_term], separators=(",", ":")).encode()).decode()


# saved_objects/basic as the tests see it (get.js, bulk_get.js, find.js and export.js quote these fields).
BASIC = {
    "config": {
        "7.0.0-alpha1": {
            "attributes": {"buildNum": 8467, "defaultIndex": IP},
            "updated_at": "2017-09-21T18:49:16.302Z",
            "version": version(0),
        }
    },
    "index-pattern": {
        IP: {
            "attributes": {"title": "saved_objects*", "timeFieldName": "@timestamp", "fields": "[]"},
            "updated_at": "2017-09-21T18:49:16.270Z",
            "version": version(1),
        }
    },
    "visualization": {
        VIS: {
            "attributes": {
                "title": "Count of requests",
                "visState": "{}",
                "uiStateJSON": '{"spy":{"mode":{"name":null,"fill":false}}}',
                "description": "",
                "version": 1,
                "kibanaSavedObjectMeta": {"searchSourceJSON": '{"filter":[],"query":{"query":"","language":"lucene"}}'},
            },
            "references": [{"name": "kibanaSavedObjectMeta.searchSourceJSON.index", "type": "index-pattern", "id": IP}],
            "updated_at": "2017-09-21T18:51:23.794Z",
            "version": version(2),
        }
    },
    "dashboard": {
        DASH: {
            "attributes": {
                "title": "Requests",
                "hits": 0,
                "description": "",
                "panelsJSON": '[{"panelRefName":"panel_0"}]',
                "optionsJSON": "{}",
                "version": 1,
                "timeRestore": True,
                "timeTo": "Fri Sep 18 2015 12:24:38 GMT-0700",
                "timeFrom": "Wed Sep 16 2015 22:52:17 GMT-0700",
                "refreshInterval": {"display": "Off", "pause": False, "value": 0},
                "kibanaSavedObjectMeta": {"searchSourceJSON": "{}"},
            },
            "references": [{"name": "panel_0", "type": "visualization", "id": VIS}],
            "updated_at": "2017-09-21T18:57:40.826Z",
            "version": version(3),
        }
    },
}
# saved_objects/find_edgecases (test/api_integration/fixtures/es_archiver/saved_objects/find_edgecases/data.json).
EDGECASES = {
    "visualization": {
        so_id: {"attributes": {"title": title, "visState": "{}", "description": "", "version": 1}}
        for so_id, title in [
            ("title-with-dash", "my-visualization"),
            ("title-with-asterisk", "some*visualization"),
            ("noise-1", "Just some noise in the dataset"),
            ("noise-2", "Just some noise in the dataset"),
        ]
    }
}
# test/api_integration/fixtures/import.ndjson: the basic archive's index pattern, visualization and dashboard.
IMPORT_NDJSON = "\n".join(
    json.dumps(line)
    for line in [
        {"type": "index-pattern", "id": IP, "attributes": {"title": "logstash-*"}, "references": []},
        {
            "type": "visualization",
            "id": VIS,
            "attributes": {"title": "Count of requests", "visState": "{}"},
            "references": [{"name": "kibanaSavedObjectMeta.searchSourceJSON.index", "type": "index-pattern", "id": IP}],
        },
        {
            "type": "dashboard",
            "id": DASH,
            "attributes": {"title": "Requests", "panelsJSON": "[]"},
            "references": [{"name": "panel_0", "type": "visualization", "id": VIS}],
        },
    ]
)
INDEX_PATTERN_META = {"type": "index-pattern", "id": IP, "meta": {"title": "logstash-*", "icon": "indexPatternApp"}}
VIS_META = {"type": "visualization", "id": VIS, "meta": {"title": "Count of requests", "icon": "visualizeApp"}}
DASH_META = {"type": "dashboard", "id": DASH, "meta": {"title": "Requests", "icon": "dashboardApp"}}
ALL_OVERWRITTEN = [{**m, "overwrite": True} for m in (INDEX_PATTERN_META, VIS_META, DASH_META)]


def dashboards(tmp_path, saved_objects: dict | None) -> Http:
    fixtures = []
    if saved_objects is not None:
        path = tmp_path / "archive.json"
        path.write_text(json.dumps({"dashboards": {"saved_objects": saved_objects}}))
        fixtures = [str(path)]
    app = create_app(
        products=["dashboards"],
        default_fixtures=False,
        fixtures=fixtures,
        dashboards_config={"server.xsrf.disableProtection": True},
    )
    return Http(app.test_client())


@pytest.fixture
def basic(tmp_path) -> Http:
    return dashboards(tmp_path, BASIC)


@pytest.fixture
def without_index(tmp_path) -> Http:
    return dashboards(tmp_path, None)


def not_found(so_type: str, so_id: str) -> dict:
    return {"statusCode": 404, "error": "Not Found", "message": f"Saved object [{so_type}/{so_id}] not found"}


def without(obj: dict, *keys: str) -> dict:
    return {k: v for k, v in obj.items() if k not in keys}


def ndjson_lines(reply) -> list[dict]:
    return [json.loads(line) for line in reply.text.split("\n")] if reply.text else []


def upload(osd: Http, path: str, text: str | None, retries: str | None = None, **query):
    """supertest's ``.attach('file', ...)`` and ``.field('retries', ...)``: a multipart body."""
    parts = []
    if text is not None:
        parts += ['Content-Disposition: form-data; name="file"; filename="export.ndjson"\r\n\r\n' + text]
    if retries is not None:
        parts += ['Content-Disposition: form-data; name="retries"\r\n\r\n' + retries]
    body = "".join(f"--B\r\n{part}\r\n" for part in parts) + "--B--\r\n"
    headers = {"Content-Type": "multipart/form-data; boundary=B"}
    return osd.request("POST", path, data=body.encode(), headers=headers, query=query or None)


# -- get.js ---------------------------------------------------------------------------------------
def test_get_answers_the_archived_visualization_in_the_default_namespace(basic):
    reply = basic.get(f"{SO}/visualization/{VIS}")
    assert reply.status == 200
    body = reply.json
    assert without(body, "version", "migrationVersion") == {
        "id": VIS,
        "type": "visualization",
        "updated_at": "2017-09-21T18:51:23.794Z",
        "attributes": BASIC["visualization"][VIS]["attributes"],
        "references": BASIC["visualization"][VIS]["references"],
        "namespaces": ["default"],
    }
    assert body["migrationVersion"]


def test_get_of_a_missing_object_is_the_same_generic_404_with_or_without_the_index(basic, without_index):
    boom(basic.get(f"{SO}/visualization/foobar"), 404, "Saved object [visualization/foobar] not found")
    boom(without_index.get(f"{SO}/visualization/{VIS}"), 404, f"Saved object [visualization/{VIS}] not found")


# -- bulk_get.js ----------------------------------------------------------------------------------
BULK_GET = [
    {"type": "visualization", "id": VIS},
    {"type": "dashboard", "id": "does not exist"},
    {"type": "config", "id": "7.0.0-alpha1"},
]


def test_bulk_get_answers_each_object_or_its_404(basic):
    reply = basic.post(f"{SO}/_bulk_get", json=BULK_GET)
    assert reply.status == 200
    vis, missing, config = reply.json["saved_objects"]
    assert vis["namespaces"] == ["default"] and vis["migrationVersion"]
    assert missing == {"id": "does not exist", "type": "dashboard", "error": not_found("dashboard", "does not exist")}
    assert without(config, "version", "migrationVersion") == {
        "id": "7.0.0-alpha1",
        "type": "config",
        "updated_at": "2017-09-21T18:49:16.302Z",
        "attributes": {"buildNum": 8467, "defaultIndex": IP},
        "namespaces": ["default"],
        "references": [],
    }


def test_bulk_get_without_the_index_answers_a_404_for_each(without_index):
    reply = without_index.post(f"{SO}/_bulk_get", json=BULK_GET)
    assert reply.status == 200
    assert reply.json == {
        "saved_objects": [{**asked, "error": not_found(asked["type"], asked["id"])} for asked in BULK_GET]
    }


# -- create.js ------------------------------------------------------------------------------------
@pytest.mark.parametrize("archive", ["basic", "without_index"])
def test_create_answers_the_new_object_with_a_generated_uuid(request, archive):
    osd = request.getfixturevalue(archive)
    reply = osd.post(f"{SO}/visualization", json={"attributes": {"title": "My favorite vis"}})
    assert reply.status == 200
    body = reply.json
    assert re.match(r"^[0-9a-f-]{36}$", body["id"]) and ISO_UTC_MS.match(body["updated_at"])
    assert without(body, "id", "updated_at", "version", "migrationVersion") == {
        "type": "visualization",
        "attributes": {"title": "My favorite vis"},
        "references": [],
        "namespaces": ["default"],
    }
    assert body["migrationVersion"]
    if archive == "without_index":
        assert body["version"] == "WzAsMV0="  # the first write into a new index: [0, 1]


# -- bulk_create.js -------------------------------------------------------------------------------
BULK_CREATE = [
    {"type": "visualization", "id": VIS, "attributes": {"title": "An existing visualization"}},
    {
        "type": "dashboard",
        "id": "a01b2f57-fcfd-4864-b735-09e28f0d815e",
        "attributes": {"title": "A great new dashboard"},
    },
]
CREATED_KEYS = {"type", "id", "updated_at", "version", "attributes", "migrationVersion", "references", "namespaces"}


def test_bulk_create_answers_a_conflict_for_an_existing_object_and_creates_the_other(basic):
    reply = basic.post(f"{SO}/_bulk_create", json=BULK_CREATE)
    assert reply.status == 200
    conflict, created = reply.json["saved_objects"]
    assert conflict == {
        "type": "visualization",
        "id": VIS,
        "error": {"error": "Conflict", "message": f"Saved object [visualization/{VIS}] conflict", "statusCode": 409},
    }
    assert set(created) == CREATED_KEYS and list(created["migrationVersion"]) == ["dashboard"]
    assert created["attributes"] == {"title": "A great new dashboard"} and created["namespaces"] == ["default"]


def test_bulk_create_without_ids_answers_generated_ones_not_raw_ids(basic):
    reply = basic.post(f"{SO}/_bulk_create", json=[without(o, "id") for o in BULK_CREATE])
    assert reply.status == 200
    assert all(not re.search("visualization|dashboard", o["id"]) for o in reply.json["saved_objects"])


def test_bulk_create_without_the_index_creates_both_in_order(without_index):
    reply = without_index.post(f"{SO}/_bulk_create", json=BULK_CREATE)
    assert reply.status == 200
    first, second = reply.json["saved_objects"]
    assert (first["version"], second["version"]) == ("WzAsMV0=", "WzEsMV0=")
    assert set(first) == set(second) == CREATED_KEYS
    assert list(first["migrationVersion"]) == ["visualization"] and first["references"] == []


# -- update.js ------------------------------------------------------------------------------------
def test_update_answers_the_partial_object_without_references_unless_given(basic):
    reply = basic.put(f"{SO}/visualization/{VIS}", json={"attributes": {"title": "My second favorite vis"}})
    assert reply.status == 200
    assert ISO_UTC_MS.match(reply.json["updated_at"])
    assert without(reply.json, "updated_at", "version") == {
        "id": VIS,
        "type": "visualization",
        "attributes": {"title": "My second favorite vis"},
        "namespaces": ["default"],
    }
    references = [{"id": "foo", "name": "Foo", "type": "visualization"}]
    given = basic.put(f"{SO}/visualization/{VIS}", json={"attributes": {"title": "foo"}, "references": references})
    assert given.json["references"] == references
    empty = basic.put(f"{SO}/visualization/{VIS}", json={"attributes": {"title": "foo"}, "references": []})
    assert empty.json["references"] == []


def test_update_of_an_unknown_id_is_a_generic_404_with_or_without_the_index(basic, without_index):
    body = {"attributes": {"title": "My second favorite vis"}}
    boom(basic.put(f"{SO}/visualization/not an id", json=body), 404, "Saved object [visualization/not an id] not found")
    boom(
        without_index.put(f"{SO}/visualization/{VIS}", json=body), 404, f"Saved object [visualization/{VIS}] not found"
    )


# -- bulk_update.js -------------------------------------------------------------------------------
def test_bulk_update_answers_each_partial_object(basic):
    reply = basic.put(
        f"{SO}/_bulk_update",
        json=[
            {"type": "visualization", "id": VIS, "attributes": {"title": "An existing visualization"}},
            {"type": "dashboard", "id": DASH, "attributes": {"title": "An existing dashboard"}},
        ],
    )
    assert reply.status == 200
    first, second = reply.json["saved_objects"]
    assert ISO_UTC_MS.match(first["updated_at"]) and ISO_UTC_MS.match(second["updated_at"])
    assert without(first, "updated_at", "version") == {
        "id": VIS,
        "type": "visualization",
        "attributes": {"title": "An existing visualization"},
        "namespaces": ["default"],
    }
    assert without(second, "updated_at", "version") == {
        "id": DASH,
        "type": "dashboard",
        "attributes": {"title": "An existing dashboard"},
        "namespaces": ["default"],
    }
    assert json.loads(base64.b64decode(second["version"]))[0] == json.loads(base64.b64decode(first["version"]))[0] + 1


def test_bulk_update_keeps_references_when_omitted_and_takes_given_or_empty_ones(basic):
    pair = [{"type": "visualization", "id": VIS}, {"type": "dashboard", "id": DASH}]
    vis, dash = basic.post(f"{SO}/_bulk_get", json=pair).json["saved_objects"]
    references = [{"id": "foo", "name": "Foo", "type": "visualization"}]
    reply = basic.put(
        f"{SO}/_bulk_update",
        json=[
            {**pair[0], "attributes": {"title": "Changed title but nothing else"}, "version": vis["version"]},
            {**pair[1], "attributes": {"title": "Changed"}, "version": dash["version"], "references": references},
        ],
    )
    assert reply.status == 200 and all("error" not in o for o in reply.json["saved_objects"])
    vis_after, dash_after = basic.post(f"{SO}/_bulk_get", json=pair).json["saved_objects"]
    assert vis_after["references"] == vis["references"] and dash_after["references"] == references
    emptied = [{**pair[0], "attributes": {"title": "t"}, "version": vis_after["version"], "references": []}]
    assert basic.put(f"{SO}/_bulk_update", json=emptied).status == 200
    assert basic.post(f"{SO}/_bulk_get", json=pair[:1]).json["saved_objects"][0]["references"] == []


def test_bulk_update_of_an_unknown_id_is_a_404_in_its_place(basic, without_index):
    updates = [
        {"type": "visualization", "id": "not an id", "attributes": {"title": "An existing visualization"}},
        {"type": "dashboard", "id": DASH, "attributes": {"title": "An existing dashboard"}},
    ]
    missing, updated = basic.put(f"{SO}/_bulk_update", json=updates).json["saved_objects"]
    assert missing == {"type": "visualization", "id": "not an id", "error": not_found("visualization", "not an id")}
    assert without(updated, "updated_at", "version") == {
        "id": DASH,
        "type": "dashboard",
        "attributes": {"title": "An existing dashboard"},
        "namespaces": ["default"],
    }
    updates[0]["id"] = VIS
    reply = without_index.put(f"{SO}/_bulk_update", json=updates)
    assert reply.status == 200
    assert reply.json["saved_objects"] == [
        {"id": u["id"], "type": u["type"], "error": not_found(u["type"], u["id"])} for u in updates
    ]


# -- delete.js ------------------------------------------------------------------------------------
def test_delete_answers_an_empty_object_then_a_generic_404(basic, without_index):
    reply = basic.delete(f"{SO}/dashboard/{DASH}")
    assert (reply.status, reply.json) == (200, {})
    boom(basic.delete(f"{SO}/dashboard/not-a-real-id"), 404, "Saved object [dashboard/not-a-real-id] not found")
    boom(without_index.delete(f"{SO}/dashboard/{DASH}"), 404, f"Saved object [dashboard/{DASH}] not found")


# -- find.js --------------------------------------------------------------------------------------
def found_visualization(reply, attributes: dict) -> None:
    assert reply.status == 200, reply.text
    body = reply.json
    assert without(body, "saved_objects") == {"page": 1, "per_page": 20, "total": 1}
    (only,) = body["saved_objects"]
    assert without(only, "migrationVersion") == {
        "type": "visualization",
        "id": VIS,
        "version": "WzIsMV0=",
        "attributes": attributes,
        "score": 0,
        "namespaces": ["default"],
        "references": BASIC["visualization"][VIS]["references"],
        "updated_at": "2017-09-21T18:51:23.794Z",
    }
    assert only["migrationVersion"]


@pytest.mark.parametrize("namespaces", [None, "default", "*"])
def test_find_answers_the_visualization_in_the_default_namespace(basic, namespaces):
    query = {"type": "visualization", "fields": "title", **({"namespaces": namespaces} if namespaces else {})}
    found_visualization(basic.get(f"{SO}/_find", query=query), {"title": "Count of requests"})


def test_find_with_a_filter_answers_every_attribute(basic):
    reply = basic.get(
        f"{SO}/_find", query={"type": "visualization", "filter": 'visualization.attributes.title:"Count of requests"'}
    )
    found_visualization(reply, BASIC["visualization"][VIS]["attributes"])


def empty_page(page: int = 1, per_page: int = 20, total: int = 0) -> dict:
    return {"page": page, "per_page": per_page, "total": total, "saved_objects": []}


@pytest.mark.parametrize(
    "query, answer",
    [
        ("type=wigwags", empty_page()),
        ("type=visualization&page=100&per_page=100", empty_page(100, 100, 1)),
        ("type=url&search_fields=a", empty_page()),
        ("type=visualization&namespaces=foo", empty_page()),
    ],
)
def test_find_answers_an_empty_page(basic, query, answer):
    reply = basic.get(f"{SO}/_find?{query}")
    assert (reply.status, reply.json) == (200, answer)


@pytest.mark.parametrize(
    "query, answer",
    [
        ("type=visualization", empty_page()),
        ("type=wigwags", empty_page()),
        ("type=visualization&page=100&per_page=100", empty_page(100, 100)),
        ("type=url&search_fields=a", empty_page()),
        ('type=visualization&filter=visualization.attributes.title:"Count of requests"', empty_page()),
    ],
)
def test_find_without_the_index_answers_an_empty_page(without_index, query, answer):
    reply = without_index.get(f"{SO}/_find?{query}")
    assert (reply.status, reply.json) == (200, answer)


def test_find_refuses_a_missing_type_a_filter_on_another_type_and_a_dql_syntax_error(basic, without_index):
    boom(
        without_index.get(f"{SO}/_find"),
        400,
        "[request query.type]: expected at least one defined value but got [undefined]",
    )
    wrong_type = basic.get(f"{SO}/_find", query={"type": "visualization", "filter": "dashboard.attributes.title:foo"})
    boom(wrong_type, 400, "This type dashboard is not allowed: Bad Request")
    syntax = basic.get(f"{SO}/_find", query={"type": "dashboard", "filter": "dashboard.attributes.title:foo<invalid"})
    boom(
        syntax,
        400,
        'DQLSyntaxError: Expected AND, OR, end of input, whitespace but "<" found.\n'
        "dashboard.attributes.title:foo<invalid\n------------------------------^: Bad Request",
    )


@pytest.mark.parametrize(
    "search, titles",
    [
        ("my-vis*", ["my-visualization"]),
        ("my-*", ["my-visualization"]),
        ("some*vi*", ["some*visualization"]),
        ("visuali*", ["my-visualization", "some*visualization"]),
    ],
)
def test_find_searches_for_special_characters(tmp_path, search, titles):
    osd = dashboards(tmp_path, EDGECASES)
    reply = osd.get(f"{SO}/_find", query={"type": "visualization", "search_fields": "title", "search": search})
    assert [o["attributes"]["title"] for o in reply.json["saved_objects"]] == titles


# -- export.js ------------------------------------------------------------------------------------
IN_DEPENDENCY_ORDER = [("index-pattern", IP), ("visualization", VIS), ("dashboard", DASH)]
FOUR_TYPES = ["index-pattern", "search", "visualization", "dashboard"]


@pytest.mark.parametrize(
    "body",
    [
        {"type": FOUR_TYPES},
        {"includeReferencesDeep": True, "objects": [{"type": "dashboard", "id": DASH}]},
        {"includeReferencesDeep": True, "type": ["dashboard"]},
        {"includeReferencesDeep": True, "type": ["dashboard"], "search": "Requests*"},
    ],
)
def test_export_answers_objects_in_dependency_order_then_the_details(basic, body):
    reply = basic.post(f"{SO}/_export", json=body)
    assert reply.status == 200
    *objects, details = ndjson_lines(reply)
    assert [(o["type"], o["id"]) for o in objects] == IN_DEPENDENCY_ORDER
    assert (details["exportedCount"], details["missingRefCount"], details["missingReferences"]) == (3, 0, [])


def test_export_excludes_the_details_if_asked(basic):
    reply = basic.post(f"{SO}/_export", json={"type": FOUR_TYPES, "excludeExportDetails": True})
    assert [(o["type"], o["id"]) for o in ndjson_lines(reply)] == IN_DEPENDENCY_ORDER


@pytest.mark.parametrize(
    "body", [{"type": "dashboard"}, {"type": ["dashboard"]}, {"objects": [{"type": "dashboard", "id": DASH}]}]
)
def test_export_of_the_dashboard_is_an_ndjson_attachment(basic, body):
    reply = basic.post(f"{SO}/_export", json={**body, "excludeExportDetails": True})
    assert reply.status == 200
    assert reply.headers["content-disposition"] == 'attachment; filename="export.ndjson"'
    assert reply.headers["content-type"] == "application/ndjson"
    (dashboard,) = ndjson_lines(reply)
    assert without(dashboard, "version", "migrationVersion") == {
        "attributes": BASIC["dashboard"][DASH]["attributes"],
        "id": DASH,
        "references": [{"id": VIS, "name": "panel_0", "type": "visualization"}],
        "type": "dashboard",
        "updated_at": "2017-09-21T18:57:40.826Z",
    }
    assert dashboard["migrationVersion"] and dashboard["version"]


def test_export_refusals(basic):
    boom(
        basic.post(f"{SO}/_export", json={"objects": [{"type": "dashboard", "id": "1"}]}),
        400,
        "Bad Request",
        attributes={"objects": [{"id": "1", "type": "dashboard", "error": not_found("dashboard", "1")}]},
    )
    boom(
        basic.post(f"{SO}/_export", json={"type": ["wigwags"]}), 400, "Trying to export non-exportable type(s): wigwags"
    )
    boom(
        basic.post(f"{SO}/_export", json={"objects": [{"type": "wigwags", "id": "1"}]}),
        400,
        "Trying to export object(s) with non-exportable types: wigwags:1",
    )
    boom(basic.post(f"{SO}/_export"), 400, "[request body]: expected a plain object value, but found [null] instead.")
    both = {"type": "dashboard", "objects": [{"type": "dashboard", "id": DASH}], "excludeExportDetails": True}
    boom(
        basic.post(f"{SO}/_export", json=both),
        400,
        'Can\'t specify both "types" and "objects" properties when exporting',
    )


def test_export_of_more_than_10000_objects_is_refused(tmp_path):
    osd = dashboards(tmp_path, {"visualization": {str(i): {"attributes": {"title": f"v{i}"}} for i in range(10001)}})
    reply = osd.post(f"{SO}/_export", json={"type": FOUR_TYPES, "excludeExportDetails": True})
    boom(reply, 400, "Can't export more than 10000 objects")


def test_export_without_the_index_is_empty(without_index):
    reply = without_index.post(f"{SO}/_export", json={"type": FOUR_TYPES, "excludeExportDetails": True})
    assert (reply.status, reply.text) == (200, "")


# -- import.js ------------------------------------------------------------------------------------
def conflict(meta: dict) -> dict:
    return {**meta, "title": meta["meta"]["title"], "error": {"type": "conflict"}}


def test_import_without_a_file_is_unsupported_media(basic):
    boom(basic.post(f"{SO}/_import"), 415, "Unsupported Media Type")


def test_import_answers_conflicts_then_overwrites_them(basic):
    reply = upload(basic, f"{SO}/_import", IMPORT_NDJSON)
    assert (reply.status, reply.json) == (
        200,
        {
            "success": False,
            "successCount": 0,
            "errors": [conflict(INDEX_PATTERN_META), conflict(VIS_META), conflict(DASH_META)],
        },
    )
    reply = upload(basic, f"{SO}/_import", IMPORT_NDJSON, overwrite="true")
    assert reply.json == {"success": True, "successCount": 3, "successResults": ALL_OVERWRITTEN}


WIGWAG = '{"id":"1","type":"wigwags","attributes":{"title":"my title"},"references":[]}'
UNSUPPORTED = {
    "success": False,
    "successCount": 0,
    "errors": [
        {
            "id": "1",
            "type": "wigwags",
            "title": "my title",
            "meta": {"title": "my title"},
            "error": {"type": "unsupported_type"},
        }
    ],
}
TEN_THOUSAND_AND_ONE = "\n".join(
    f'{{"type":"visualization","id":"{i}","attributes":{{}},"references":[]}}' for i in range(10001)
)


def test_import_of_an_unsupported_type_and_of_too_many_objects(basic):
    reply = upload(basic, f"{SO}/_import", WIGWAG)
    assert (reply.status, reply.json) == (200, UNSUPPORTED)
    boom(upload(basic, f"{SO}/_import", TEN_THOUSAND_AND_ONE), 400, "Can't import more than 10000 objects")


def test_import_answers_missing_index_patterns_and_searches(basic):
    line = {
        "type": "visualization",
        "id": "1",
        "attributes": {"title": "My visualization"},
        "references": [
            {"name": "ref_0", "type": "index-pattern", "id": "non-existing"},
            {"name": "ref_1", "type": "search", "id": "non-existing-search"},
        ],
    }
    reply = upload(basic, f"{SO}/_import", json.dumps(line))
    missing = [{"type": "index-pattern", "id": "non-existing"}, {"type": "search", "id": "non-existing-search"}]
    assert reply.json == {
        "success": False,
        "successCount": 0,
        "errors": [
            {
                "type": "visualization",
                "id": "1",
                "title": "My visualization",
                "meta": {"title": "My visualization", "icon": "visualizeApp"},
                "error": {"type": "missing_references", "references": missing},
            }
        ],
    }


# -- resolve_import_errors.js ---------------------------------------------------------------------
RESOLVE = f"{SO}/_resolve_import_errors"
OVERWRITE_ALL = json.dumps([{"type": t, "id": i, "overwrite": True} for t, i in IN_DEPENDENCY_ORDER])
FAVORITE_VIS = json.dumps(
    {
        "id": "1",
        "type": "visualization",
        "attributes": {"title": "My favorite vis", "visState": "{}"},
        "references": [{"name": "ref_0", "type": "index-pattern", "id": "2"}],
    }
)


@pytest.mark.parametrize("archive", ["basic", "without_index"])
def test_resolve_with_no_retries_imports_nothing_and_overwriting_all_imports_all(request, archive):
    osd = request.getfixturevalue(archive)
    assert upload(osd, RESOLVE, IMPORT_NDJSON, "[]").json == {"success": True, "successCount": 0}
    reply = upload(osd, RESOLVE, IMPORT_NDJSON, OVERWRITE_ALL)
    assert (reply.status, reply.json) == (200, {"success": True, "successCount": 3, "successResults": ALL_OVERWRITTEN})


def test_resolve_refusals_and_errors_without_the_index(without_index):
    boom(
        upload(without_index, RESOLVE, None, "[]"),
        400,
        "[request body.file]: expected value of type [Stream] but got [undefined]",
    )
    assert upload(without_index, RESOLVE, WIGWAG, json.dumps([{"type": "wigwags", "id": "1"}])).json == UNSUPPORTED
    boom(upload(without_index, RESOLVE, TEN_THOUSAND_AND_ONE, "[]"), 400, "Can't import more than 10000 objects")
    reply = upload(without_index, RESOLVE, FAVORITE_VIS, json.dumps([{"type": "visualization", "id": "1"}]))
    assert reply.json == {
        "success": False,
        "successCount": 0,
        "errors": [
            {
                "id": "1",
                "type": "visualization",
                "title": "My favorite vis",
                "meta": {"title": "My favorite vis", "icon": "visualizeApp"},
                "error": {"type": "missing_references", "references": [{"type": "index-pattern", "id": "2"}]},
            }
        ],
    }


def test_resolve_overwrites_only_what_is_retried_and_replaces_references(basic):
    one = json.dumps([{"id": VIS, "type": "visualization", "overwrite": True}])
    assert upload(basic, RESOLVE, IMPORT_NDJSON, one).json == {
        "success": True,
        "successCount": 1,
        "successResults": [{**VIS_META, "overwrite": True}],
    }
    retries = [
        {"type": "visualization", "id": "1", "replaceReferences": [{"type": "index-pattern", "from": "2", "to": IP}]}
    ]
    reply = upload(basic, RESOLVE, FAVORITE_VIS, json.dumps(retries))
    assert reply.json == {
        "success": True,
        "successCount": 1,
        "successResults": [
            {"type": "visualization", "id": "1", "meta": {"title": "My favorite vis", "icon": "visualizeApp"}}
        ],
    }
    stored = basic.get(f"{SO}/visualization/1").json
    assert stored["references"] == [{"name": "ref_0", "type": "index-pattern", "id": IP}]
