"""OpenSearch Dashboards export over HTTP: selection, deep references, dependency order, the NDJSON
lines as the real server writes them, limits and errors (../shared/specs/dashboards-saved-objects.md §10)."""

from __future__ import annotations

import json

import pytest
from conftest import DASHBOARDS_RELEASE, boom, fixture_app, saved_object_version

XSRF = {"osd-xsrf": "true"}
EXPORT = "/api/saved_objects/_export"


def export(http, body: dict) -> tuple[list[dict], object]:
    reply = http.post(EXPORT, json=body, headers=XSRF)
    assert reply.status == 200, reply.text
    return [json.loads(line) for line in reply.text.split("\n") if line], reply


def test_readme_export_lines_exactly(http):
    # The README's story: E4 creates, E5 bulk creates, E6 updates, E7 deletes; then E8 exports.
    http.post(
        "/api/saved_objects/index-pattern/test-pattern", json={"attributes": {"title": "test-pattern-*"}}, headers=XSRF
    )
    http.post(
        "/api/saved_objects/_bulk_create",
        headers=XSRF,
        json=[{"type": "index-pattern", "id": "test-pattern1", "attributes": {"title": "test-pattern1-*"}}],
    )
    http.put("/api/saved_objects/index-pattern/test-pattern", json={"attributes": {"title": "x"}}, headers=XSRF)
    http.delete("/api/saved_objects/index-pattern/test-pattern", headers=XSRF)
    reply = http.post(EXPORT, json={"type": "index-pattern"}, headers=XSRF)
    lines = reply.text.split("\n")
    fields = json.dumps(
        http.get("/api/saved_objects/index-pattern/619cc200-ecd0-11ee-95b1-e7363f9e289d").json["attributes"]["fields"]
    )
    documented = [
        '{"attributes":{"fields":%s,"title":"test*"},"id":"2ffee5da-55b3-49b4-b9e1-c3af5d1adbd3","migrationVersion":'
        '{"index-pattern":"7.6.0"},"references":[],"type":"index-pattern","updated_at":"2024-03-28T07:10:13.513Z",'
        '"version":"WzEwLDJd","workspaces":["9gt4lB"]}' % fields,
        '{"attributes":{"fields":%s,"title":"test*"},"id":"619cc200-ecd0-11ee-95b1-e7363f9e289d","migrationVersion":'
        '{"index-pattern":"7.6.0"},"references":[],"type":"index-pattern","updated_at":"2024-03-28T06:57:03.008Z",'
        '"version":"WzksMl0="}' % fields,
    ]
    assert lines[:2] == documented
    created = next(line for line in lines if '"id":"test-pattern1"' in line)
    assert created.startswith(
        '{"attributes":{"title":"test-pattern1-*"},"id":"test-pattern1","migrationVersion":'
        '{"index-pattern":"7.6.0"},"references":[],"type":"index-pattern","updated_at":"'
    )
    assert created.endswith('","version":"%s"}' % saved_object_version(12))
    # By type: sorted by id; the details line last, with no newline after it.
    ids = [json.loads(line).get("id") for line in lines[:-1]]
    assert ids == sorted(ids) and "test-pattern" not in ids
    assert lines[-1] == '{"exportedCount":%d,"missingRefCount":0,"missingReferences":[]}' % (len(lines) - 1)
    assert not reply.text.endswith("\n")
    assert reply.headers["Content-Type"] == "application/ndjson"
    assert reply.headers["Content-Disposition"] == 'attachment; filename="export.ndjson"'


def test_docs_deep_export_puts_references_first(http):
    lines, _ = export(http, {"objects": [{"type": "visualization", "id": "test-viz"}], "includeReferencesDeep": True})
    assert [(o.get("type"), o.get("id")) for o in lines[:-1]] == [
        ("index-pattern", "ecommerce-test-pattern"),
        ("visualization", "test-viz"),
    ]
    assert lines[-1] == {"exportedCount": 2, "missingRefCount": 0, "missingReferences": []}
    assert all("namespaces" not in o and "score" not in o for o in lines)


def test_deep_export_of_a_dashboard_orders_every_dependency(http):
    lines, _ = export(http, {"objects": [{"type": "dashboard", "id": "web-traffic"}], "includeReferencesDeep": True})
    order = [(o["type"], o["id"]) for o in lines[:-1]]
    position = {key: i for i, key in enumerate(order)}
    for obj in lines[:-1]:
        for reference in obj["references"]:
            assert position[(reference["type"], reference["id"])] < position[(obj["type"], obj["id"])]
    assert order[-1] == ("dashboard", "web-traffic") and ("index-pattern", "logs-web") in position


def test_missing_references_are_reported_only_when_deep(http):
    http.post(
        "/api/saved_objects/dashboard/d1",
        headers=XSRF,
        json={
            "attributes": {"title": "D"},
            "references": [
                {"name": "panel_0", "type": "visualization", "id": "gone"},
                {"name": "panel_1", "type": "visualization", "id": "test-viz"},
            ],
        },
    )
    shallow, _ = export(http, {"objects": [{"type": "dashboard", "id": "d1"}]})
    assert len(shallow) == 2 and shallow[-1] == {"exportedCount": 1, "missingRefCount": 0, "missingReferences": []}
    deep, _ = export(http, {"objects": [{"type": "dashboard", "id": "d1"}], "includeReferencesDeep": True})
    assert deep[-1] == {
        "exportedCount": 3,
        "missingRefCount": 1,
        "missingReferences": [{"id": "gone", "type": "visualization"}],
    }


def test_objects_keep_request_order_and_details_can_be_left_out(http):
    lines, reply = export(
        http,
        {
            "objects": [{"type": "visualization", "id": "test-viz"}, {"type": "index-pattern", "id": "logs-web"}],
            "excludeExportDetails": True,
        },
    )
    assert [o["id"] for o in lines] == ["test-viz", "logs-web"] and "exportedCount" not in reply.text


def test_search_and_an_empty_export(http):
    lines, _ = export(http, {"type": ["visualization", "dashboard"], "search": "web*"})
    assert {o["id"] for o in lines[:-1]} == {"web-errors-by-status", "web-requests-over-time", "web-traffic"}
    reply = http.post(EXPORT, json={"type": "url", "excludeExportDetails": True}, headers=XSRF)
    assert (reply.status, reply.text) == (200, "")
    reply = http.post(EXPORT, json={"type": "url"}, headers=XSRF)
    assert reply.text == '{"exportedCount":0,"missingRefCount":0,"missingReferences":[]}'


def test_workspaces_select(http):
    if not DASHBOARDS_RELEASE.at_least(2, 14):  # export's workspaces: 2.14.0 (versions.py)
        reply = http.post(EXPORT, json={"type": "index-pattern", "workspaces": ["9gt4lB"]}, headers=XSRF)
        boom(reply, 400, "[request body.workspaces]: definition for this key is missing")
        return
    lines, _ = export(http, {"type": "index-pattern", "workspaces": ["9gt4lB"]})
    assert [o["id"] for o in lines[:-1]] == ["2ffee5da-55b3-49b4-b9e1-c3af5d1adbd3"]


@pytest.mark.parametrize(
    "body, message",
    [
        ({"type": "bogus-type"}, "Trying to export non-exportable type(s): bogus-type"),
        ({"type": ["workspace", "dashboard", "nope"]}, "Trying to export non-exportable type(s): workspace, nope"),
        (
            {"objects": [{"type": "wigwags", "id": "1"}]},
            "Trying to export object(s) with non-exportable types: wigwags:1",
        ),
        (
            {"type": "dashboard", "objects": [{"type": "dashboard", "id": "1"}]},
            'Can\'t specify both "types" and "objects" properties when exporting',
        ),
        (
            {"objects": [{"type": "dashboard", "id": "1"}], "search": "x"},
            'Can\'t specify both "search" and "objects" properties when exporting',
        ),
        (
            {"objects": [{"type": "dashboard", "id": "1"}], "search": ""},
            'Can\'t specify both "search" and "objects" properties when exporting',
        ),
        ({}, "Either `type` or `objects` are required."),
        ({"type": []}, "Either `type` or `objects` are required."),
        (
            {"type": "dashboard", "workspaces": "w"},
            "[request body.workspaces]: expected value of type [array] but got [string]",
        ),
        ({"type": "dashboard", "bogus": 1}, "[request body.bogus]: definition for this key is missing"),
    ],
)
def test_export_errors(http, body, message):
    boom(http.post(EXPORT, json=body, headers=XSRF), 400, message)


def test_no_body_and_no_xsrf(http):
    boom(
        http.post(EXPORT, headers=XSRF), 400, "[request body]: expected a plain object value, but found [null] instead."
    )
    boom(http.post(EXPORT, json={"type": "dashboard"}), 400, "Request must contain a osd-xsrf header.")


def test_a_missing_object_is_named(http):
    boom(
        http.post(EXPORT, json={"objects": [{"type": "dashboard", "id": "1"}]}, headers=XSRF),
        400,
        "Bad Request",
        attributes={
            "objects": [
                {
                    "id": "1",
                    "type": "dashboard",
                    "error": {
                        "statusCode": 404,
                        "error": "Not Found",
                        "message": "Saved object [dashboard/1] not found",
                    },
                }
            ]
        },
    )


def test_the_size_limit(tmp_path):
    http = fixture_app(
        tmp_path,
        {
            "dashboards": {
                "settings": {"config": {"savedObjects.maxImportExportSize": 2}},
                "saved_objects": {"url": {str(i): {"attributes": {"url": f"/{i}"}} for i in range(3)}},
            }
        },
        default_fixtures=False,
    )
    boom(http.post(EXPORT, json={"type": "url"}, headers=XSRF), 400, "Can't export more than 2 objects")
    # Too many objects is refused by the route's schema (its maxSize), before the exporter's own check.
    boom(
        http.post(EXPORT, json={"objects": [{"type": "url", "id": str(i)} for i in range(3)]}, headers=XSRF),
        400,
        "[request body.objects]: array size is [3], but cannot be greater than [2]",
    )
    lines, _ = export(http, {"objects": [{"type": "url", "id": "0"}, {"type": "url", "id": "1"}]})
    assert len(lines) == 3


def test_a_reference_cycle_is_refused(tmp_path):
    http = fixture_app(
        tmp_path,
        {
            "dashboards": {
                "saved_objects": {
                    "search": {
                        "a": {"attributes": {"title": "a"}, "references": [{"name": "r", "type": "search", "id": "b"}]},
                        "b": {"attributes": {"title": "b"}, "references": [{"name": "r", "type": "search", "id": "a"}]},
                    }
                }
            }
        },
        default_fixtures=False,
    )
    boom(
        http.post(EXPORT, json={"type": "search"}, headers=XSRF),
        400,
        "circular reference: [search:a] ref-> [search:b] ref-> [search:a]",
    )


def test_docs_export_of_every_type_with_references(http):
    lines, _ = export(
        http,
        {
            "type": ["config", "index-pattern", "search", "visualization", "dashboard", "url", "query"],
            "includeReferencesDeep": True,
        },
    )
    details = lines[-1]
    assert details["exportedCount"] == len(lines) - 1 and details["missingRefCount"] == 0
    assert {"config", "index-pattern", "search", "visualization", "dashboard"} <= {o["type"] for o in lines[:-1]}


def test_an_export_limit_past_the_result_window_fails_as_the_search_does(tmp_path):
    # fetchObjectsToExport asks find for one page of the limit itself (perPage: exportSizeLimit):
    # over 10000, OpenSearch refuses the window and the repository decorates its 400.
    http = fixture_app(tmp_path, {"dashboards": {"settings": {"config": {"savedObjects.maxImportExportSize": 10001}}}})
    boom(
        http.post(EXPORT, json={"type": "config"}, headers=XSRF),
        400,
        "all shards failed: search_phase_execution_exception: [illegal_argument_exception] Reason: Result window is "
        "too large, from + size must be less than or equal to: [10000] but was [10001]. See the scroll api for a "
        "more efficient way to request large data sets. This limit can be set by changing the "
        "[index.max_result_window] index level setting.",
    )
    lines, _ = export(http, {"objects": [{"type": "config", "id": "3.6.0"}]})
    assert len(lines) == 2
