"""OpenSearch Dashboards import and resolve import errors over HTTP: the multipart request, the NDJSON
file, conflicts, references, new copies, data sources, workspaces and every error
(../shared/specs/dashboards-saved-objects.md §11–§12)."""

from __future__ import annotations

import io
import json
import re

import pytest
from conftest import DASHBOARDS_CONFIG, DASHBOARDS_RELEASE, Http, boom, create_app, fixture_app
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from mockserver.dashboards import SavedObjectsType

XSRF = {"osd-xsrf": "true"}
IMPORT = "/api/saved_objects/_import"
RESOLVE = "/api/saved_objects/_resolve_import_errors"
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def ndjson(*objects: dict) -> str:
    return "\n".join(json.dumps(o) for o in objects)


def upload(
    http,
    path: str,
    text: str | bytes,
    *,
    filename: str | None = "export.ndjson",
    query: dict | None = None,
    retries=None,
    headers: dict | None = XSRF,
    **parts,
):
    data = text.encode() if isinstance(text, str) else text
    form = {
        "file": FileStorage(io.BytesIO(data), filename=filename) if filename is not None else data.decode(),
        **parts,
    }
    if retries is not None:
        form["retries"] = retries if isinstance(retries, str) else json.dumps(retries)
    # Always multipart, even with no file part (the test client would send a form otherwise).
    boundary, body = encode_multipart(MultiDict(form))
    return http.request(
        "POST",
        path,
        data=body,
        query=query,
        headers={**(headers or {}), "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )


def imported(http, text: str, **query) -> dict:
    reply = upload(http, IMPORT, text, query=query or None)
    assert reply.status == 200, reply.text
    return reply.json


def resolved(http, text: str, retries: list[dict], **query) -> dict:
    reply = upload(http, RESOLVE, text, retries=retries, query=query or None)
    assert reply.status == 200, reply.text
    return reply.json


def stored(http, so_type: str, so_id: str) -> dict | None:
    reply = http.get(f"/api/saved_objects/{so_type}/{so_id}")
    return reply.json if reply.status == 200 else None


def viz(so_id: str, title: str, *references: tuple[str, str], **extra) -> dict:
    return {
        "type": "visualization",
        "id": so_id,
        "attributes": {"title": title},
        "references": [{"name": f"ref_{i}", "type": t, "id": i} for t, i in references],
        **extra,
    }


# -- the documented examples ----------------------------------------------------------------------


def test_docs_import_with_overwrite(http):
    exported = http.post(
        "/api/saved_objects/_export",
        headers=XSRF,
        json={"objects": [{"type": "visualization", "id": "test-viz"}], "includeReferencesDeep": True},
    ).text
    assert imported(http, exported, overwrite="true") == {
        "successCount": 2,
        "success": True,
        "successResults": [
            {
                "type": "index-pattern",
                "id": "ecommerce-test-pattern",
                "meta": {"title": "ecommerce-test", "icon": "indexPatternApp"},
                "overwrite": True,
            },
            {
                "type": "visualization",
                "id": "test-viz",
                "meta": {"title": "Sales by customer", "icon": "visualizeApp"},
                "overwrite": True,
            },
        ],
    }


ORPHAN = viz("orphan-viz", "Orphan", ("index-pattern", "does-not-exist"))


def test_docs_missing_references_then_resolve(http):
    assert imported(http, ndjson(ORPHAN)) == {
        "successCount": 0,
        "success": False,
        "errors": [
            {
                "id": "orphan-viz",
                "type": "visualization",
                "title": "Orphan",
                "meta": {"title": "Orphan", "icon": "visualizeApp"},
                "error": {
                    "type": "missing_references",
                    "references": [{"type": "index-pattern", "id": "does-not-exist"}],
                },
            }
        ],
    }
    assert stored(http, "visualization", "orphan-viz") is None
    answer = resolved(
        http, ndjson(ORPHAN), [{"type": "visualization", "id": "orphan-viz", "ignoreMissingReferences": True}]
    )
    assert answer == {
        "successCount": 1,
        "success": True,
        "successResults": [
            {"type": "visualization", "id": "orphan-viz", "meta": {"title": "Orphan", "icon": "visualizeApp"}}
        ],
    }
    assert stored(http, "visualization", "orphan-viz")["references"][0]["id"] == "does-not-exist"


def test_readme_import_as_new_copies(http):
    exported = http.post("/api/saved_objects/_export", headers=XSRF, json={"type": "index-pattern"}).text
    answer = imported(http, exported, createNewCopies="true")
    patterns = [json.loads(line) for line in exported.split("\n")[:-1]]
    assert answer["success"] and answer["successCount"] == len(patterns)
    for result, pattern in zip(answer["successResults"], patterns):
        assert list(result) == ["type", "id", "meta", "destinationId"]
        assert (result["id"], result["meta"]) == (
            pattern["id"],
            {"title": pattern["attributes"]["title"], "icon": "indexPatternApp"},
        )
        assert UUID4.match(result["destinationId"])
        copy = stored(http, "index-pattern", result["destinationId"])
        assert copy["attributes"] == pattern["attributes"] and "originId" not in copy


def test_readme_resolve_of_an_object_not_in_the_file(http):
    exported = http.post("/api/saved_objects/_export", headers=XSRF, json={"type": "index-pattern"}).text
    assert resolved(
        http, exported, [{"type": "index-pattern", "id": "my-pattern", "overwrite": True}], createNewCopies="true"
    ) == {"successCount": 0, "success": True}


def test_empty_files(http):
    for text in ("", "\n \n\t\r\n", '{"exportedCount":3,"missingRefCount":0,"missingReferences":[]}'):
        assert imported(http, text) == {"success": True, "successCount": 0}
    assert resolved(http, ndjson(ORPHAN), []) == {"successCount": 0, "success": True}


# -- import ---------------------------------------------------------------------------------------


def test_a_conflict_blocks_every_write_but_answers_what_would_be_written(http):
    answer = imported(http, ndjson(viz("test-viz", "Changed"), viz("brand-new", "New")))
    assert answer == {
        "successCount": 1,
        "success": False,
        "successResults": [
            {"type": "visualization", "id": "brand-new", "meta": {"title": "New", "icon": "visualizeApp"}}
        ],
        "errors": [
            {
                "type": "visualization",
                "id": "test-viz",
                "title": "Changed",
                "meta": {"title": "Changed", "icon": "visualizeApp"},
                "error": {"type": "conflict"},
            }
        ],
    }
    assert stored(http, "visualization", "brand-new") is None
    assert stored(http, "visualization", "test-viz")["attributes"]["title"] == "Sales by customer"


def test_overwrite_replaces_and_marks_only_what_existed(http):
    answer = imported(http, ndjson(viz("test-viz", "Changed"), viz("brand-new", "New")), overwrite="true")
    assert [r.get("overwrite") for r in answer["successResults"]] == [True, None]
    assert stored(http, "visualization", "test-viz")["attributes"] == {"title": "Changed"}
    assert stored(http, "visualization", "brand-new") is not None


def test_an_object_can_have_two_errors(http):
    answer = imported(http, ndjson(viz("test-viz", "T", ("search", "gone"))))
    assert [e["error"]["type"] for e in answer["errors"]] == ["missing_references", "conflict"]


def test_unsupported_types_do_not_block_the_rest(http):
    answer = imported(
        http,
        ndjson(
            {"type": "bogus", "id": "b1", "attributes": {"title": "B"}},
            {"type": "workspace", "id": "w1", "attributes": {"name": "W"}},
            viz("fine", "Fine"),
        ),
    )
    assert answer["errors"] == [
        {"id": "b1", "type": "bogus", "title": "B", "meta": {"title": "B"}, "error": {"type": "unsupported_type"}},
        {"id": "w1", "type": "workspace", "meta": {}, "error": {"type": "unsupported_type"}},
    ]
    assert (answer["success"], answer["successCount"]) == (False, 1)
    assert stored(http, "visualization", "fine") is not None


def test_a_title_is_shown_whatever_its_type(http):
    answer = imported(http, ndjson(viz("test-viz", 5), {"type": "url", "id": "u", "attributes": {"url": "/x"}}))
    assert answer["errors"][0]["title"] == 5 and answer["errors"][0]["meta"]["title"] == 5
    assert answer["successResults"][0]["meta"] == {"icon": "link"}


def test_only_index_pattern_and_search_references_are_checked(http):
    answer = imported(
        http,
        ndjson(
            {
                "type": "dashboard",
                "id": "d",
                "attributes": {"title": "D"},
                "references": [
                    {"name": "p", "type": "visualization", "id": "nowhere"},
                    {"name": "s", "type": "search", "id": "s1"},
                ],
            },
            {
                "type": "search",
                "id": "s1",
                "attributes": {"title": "S"},
                "references": [{"name": "i", "type": "index-pattern", "id": "logs-web"}],
            },
        ),
    )
    assert answer["success"] and answer["successCount"] == 2


def test_new_copies_rewrite_references_within_the_file(http):
    pattern = {"type": "index-pattern", "id": "p1", "attributes": {"title": "p1*"}, "references": []}
    answer = imported(
        http,
        ndjson(pattern, viz("v1", "V", ("index-pattern", "p1"), ("index-pattern", "ecommerce-test-pattern"))),
        createNewCopies="true",
    )
    new_id = {r["id"]: r["destinationId"] for r in answer["successResults"]}
    copy = stored(http, "visualization", new_id["v1"])
    assert [r["id"] for r in copy["references"]] == [new_id["p1"], "ecommerce-test-pattern"]
    assert stored(http, "index-pattern", "p1") is None and stored(http, "visualization", "v1") is None


def test_the_file_version_and_timestamps_are_not_kept_but_origin_id_is(http):
    line = viz("v9", "V", version="WzEwMCwxMF0=", updated_at="2001-01-01T00:00:00.000Z", originId="first")
    imported(http, ndjson(line))
    got = stored(http, "visualization", "v9")
    assert got["version"] != "WzEwMCwxMF0=" and not got["updated_at"].startswith("2001")
    assert got["originId"] == "first"


def test_duplicates_and_the_object_limit(tmp_path, http):
    boom(
        upload(http, IMPORT, ndjson(viz("a", "A"), viz("b", "B"), viz("a", "A2"), viz("b", "B"))),
        400,
        "Non-unique import objects detected: [visualization:a,visualization:b]: Bad Request",
    )
    small = fixture_app(tmp_path, {"dashboards": {"settings": {"config": {"savedObjects.maxImportExportSize": 2}}}})
    boom(
        upload(small, IMPORT, ndjson(viz("a", "A"), viz("b", "B"), viz("c", "C"))),
        400,
        "Can't import more than 2 objects",
    )
    assert imported(small, ndjson(viz("a", "A"), viz("b", "B")))["successCount"] == 2


def add_owner(doc: dict) -> dict:
    doc["attributes"]["owner"] = "imported"
    return doc


def test_migrations_run_on_imported_objects():
    http = Http(
        create_app(
            saved_object_types=[SavedObjectsType("note", icon="noteApp", migrations={"1.0.0": add_owner})]
        ).test_client()
    )
    answer = imported(http, ndjson({"type": "note", "id": "n1", "attributes": {"title": "N"}}))
    assert answer["successResults"][0]["meta"] == {"title": "N", "icon": "noteApp"}
    got = stored(http, "note", "n1")
    assert (got["attributes"], got["migrationVersion"]) == ({"title": "N", "owner": "imported"}, {"note": "1.0.0"})


def test_an_object_from_a_newer_version_fails_the_whole_import(http):
    newer = viz("future", "F", migrationVersion={"visualization": "7.11.0"})
    boom(
        upload(http, IMPORT, ndjson(viz("fine", "Fine"), newer)),
        422,
        'Document "future" has property "visualization" which belongs to a more recent version of OpenSearch '
        "Dashboards [7.11.0]. The last known version is [7.10.0]",
    )
    assert stored(http, "visualization", "fine") is None


def test_workspaces(http):
    if not DASHBOARDS_RELEASE.at_least(2, 14):  # import's workspaces: 2.14.0 (versions.py)
        reply = upload(http, IMPORT, ndjson(viz("new-viz", "New")), query={"workspaces": "9gt4lB"})
        boom(reply, 400, "[request query.workspaces]: definition for this key is missing")
        return
    # A create puts the object in the request's workspaces (or none); an overwrite keeps those of the file.
    imported(http, ndjson(viz("new-viz", "New", workspaces=["elsewhere"])), workspaces="9gt4lB")
    assert stored(http, "visualization", "new-viz")["workspaces"] == ["9gt4lB"]
    imported(http, ndjson(viz("plain", "P", workspaces=["elsewhere"])))
    assert "workspaces" not in stored(http, "visualization", "plain")
    result = imported(
        http, ndjson(viz("test-viz", "Mine", workspaces=["elsewhere"])), workspaces="9gt4lB", overwrite="true"
    )
    if DASHBOARDS_CONFIG.get("workspace.enabled"):
        # The workspace plugin's conflict check: test-viz is stored outside 9gt4lB, so it is not
        # overwritten; the importer writes a new copy into the workspace (check_conflicts.ts).
        assert "workspaces" not in stored(http, "visualization", "test-viz")
        (success,) = result["successResults"]
        assert success["createNewCopy"] is True and success["destinationId"] != "test-viz"
        assert stored(http, "visualization", success["destinationId"])["workspaces"] == ["9gt4lB"]
        return
    assert stored(http, "visualization", "test-viz")["workspaces"] == ["elsewhere"]


DATA_SOURCE = "3b4a7c1e-0c5d-4a58-9e7a-1f3c3a3c9d11"


@pytest.fixture
def with_data_source(tmp_path) -> Http:
    # The data_source plugin's own type (types.data_source_type), on with data_source.enabled; before 2.4.0
    # there is no such plugin, so no data source to hold (those releases' tests stop at the parameter).
    # (the setting in the fixture's own settings: its objects load before create_app's options apply)
    if not DASHBOARDS_RELEASE.at_least(2, 4):
        return fixture_app(tmp_path, {"dashboards": {}})
    objects = {"data-source": {DATA_SOURCE: {"attributes": {"title": "remote"}}}}
    settings = {"config": {"data_source.enabled": True}}
    return fixture_app(tmp_path, {"dashboards": {"settings": settings, "saved_objects": objects}})


def test_data_source_rewrites(with_data_source):
    http = with_data_source
    if not DASHBOARDS_RELEASE.at_least(2, 15):  # import's dataSourceId: 2.12.0, dataSourceEnabled: 2.15.0
        query = {"dataSourceId": DATA_SOURCE, "dataSourceEnabled": "true"}
        missing = "dataSourceEnabled" if DASHBOARDS_RELEASE.at_least(2, 12) else "dataSourceId"
        reply = upload(http, IMPORT, ndjson(viz("a", "A")), query=query)
        boom(reply, 400, f"[request query.{missing}]: definition for this key is missing")
        return
    pattern = {
        "type": "index-pattern",
        "id": "p1",
        "attributes": {"title": "p*"},
        "references": [{"name": "x", "type": "data-source", "id": "old"}],
    }
    source = {
        "type": "search",
        "id": "s1",
        "attributes": {
            "title": "S",
            "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps({"index": "old_p1", "query": {"query": ""}})},
        },
        "references": [],
    }
    answer = imported(
        http,
        ndjson(pattern, source, {"type": "data-source", "id": "other", "attributes": {"title": "o"}}),
        dataSourceId=DATA_SOURCE,
        dataSourceEnabled="true",
    )
    assert [(r["id"], r["meta"].get("title")) for r in answer["successResults"]] == [("p1", "p*"), ("s1", "S_remote")]
    assert stored(http, "index-pattern", "p1")["references"] == [
        {"id": DATA_SOURCE, "type": "data-source", "name": "dataSource"}
    ]
    search = stored(http, "search", "s1")["attributes"]
    assert json.loads(search["kibanaSavedObjectMeta"]["searchSourceJSON"])["index"] == f"{DATA_SOURCE}_p1"
    assert stored(http, "data-source", "other") is None
    copies = imported(http, ndjson(pattern), dataSourceId=DATA_SOURCE, createNewCopies="true")
    assert copies["successResults"][0]["destinationId"].startswith(f"{DATA_SOURCE}_")


def test_data_source_errors(with_data_source, http):
    if not DASHBOARDS_RELEASE.at_least(2, 12):  # import's dataSourceId: 2.12.0 (versions.py)
        reply = upload(http, IMPORT, ndjson(viz("a", "A")), query={"dataSourceId": "nope"})
        boom(reply, 400, "[request query.dataSourceId]: definition for this key is missing")
        return
    boom(
        upload(http, IMPORT, ndjson(viz("a", "A")), query={"dataSourceId": "nope"}),
        404,
        "Saved object [data-source/nope] not found",
    )
    scoped = viz(f"{DATA_SOURCE}_{DATA_SOURCE}", "Scoped")
    if not DASHBOARDS_RELEASE.at_least(2, 15):  # validate_object_id.ts: 2.15.0 (#6913, imports.py)
        assert imported(with_data_source, ndjson(scoped))["success"] is True
        return
    assert imported(with_data_source, ndjson(viz("a", "A"), scoped)) == {
        "successCount": 0,
        "success": False,
        "errors": [
            {
                "error": {"type": "unsupported_type"},
                "type": "visualization",
                "id": scoped["id"],
                "title": "Scoped",
                "meta": {"title": "Scoped"},
            }
        ],
    }
    assert stored(with_data_source, "visualization", "a") is None


# -- the request ----------------------------------------------------------------------------------


def test_the_file_name_must_end_in_ndjson(http):
    for name, extension in (("export.json", ".json"), ("export", ""), (".ndjson", ""), ("", ""), ("a.b.TXT", ".txt")):
        boom(upload(http, IMPORT, "", filename=name), 400, f"Invalid file extension {extension}")
    assert upload(http, IMPORT, "", filename="EXPORT.NDJSON").status == 200


def test_request_errors(http):
    boom(
        upload(http, IMPORT, "", query={"overwrite": "true", "createNewCopies": "true"}),
        400,
        "[request query]: cannot use [overwrite] with [createNewCopies]",
    )
    boom(
        upload(http, IMPORT, "", query={"bogus": "1"}), 400, "[request query.bogus]: definition for this key is missing"
    )
    boom(upload(http, IMPORT, "", retries=[]), 400, "[request body.retries]: definition for this key is missing")
    boom(
        upload(http, IMPORT, "x", filename=None),
        400,
        "[request body.file]: expected value of type [Stream] but got [string]",
    )
    boom(
        http.request(
            "POST", IMPORT, data=b"--b--\r\n", headers={**XSRF, "Content-Type": "multipart/form-data; boundary=b"}
        ),
        400,
        "[request body.file]: expected value of type [Stream] but got [undefined]",
    )
    two = {"file": [(io.BytesIO(b""), "a.ndjson"), (io.BytesIO(b""), "b.ndjson")]}
    boom(
        http.request("POST", IMPORT, data=two, headers=XSRF),
        400,
        "[request body.file]: expected value of type [Stream] but got [Array]",
    )
    boom(upload(http, IMPORT, "", headers={}), 400, "Request must contain a osd-xsrf header.")


def test_the_payload_is_read_before_the_xsrf_check(tmp_path, http):
    boom(http.post(IMPORT, json={}), 415, "Unsupported Media Type")
    boom(http.request("POST", IMPORT, headers=XSRF), 415, "Unsupported Media Type")
    boom(
        http.request("POST", IMPORT, data=b"x", headers={**XSRF, "Content-Type": "multipart/form-data"}),
        400,
        "Invalid content-type header: multipart missing boundary",
    )
    boom(
        http.request("POST", IMPORT, data=b"--b\r\n", headers={"Content-Type": "multipart/form-data; boundary=b"}),
        400,
        "Invalid multipart payload format",
    )
    small = fixture_app(
        tmp_path,
        {
            "dashboards": {
                "settings": {"config": {"savedObjects.maxImportPayloadBytes": 100, "server.maxPayloadBytes": 50}}
            }
        },
    )
    boom(upload(small, IMPORT, "x" * 200, headers={}), 413, "Payload content length greater than maximum allowed: 100")
    boom(
        small.post("/api/saved_objects/_bulk_create", json=[viz("a", "A" * 100)], headers=XSRF),
        413,
        "Payload content length greater than maximum allowed: 50",
    )


# The line's own SyntaxError message, as JSON.parse words it on the Node.js the release runs on: Node 10
# to 18 (OSD 1.x, 2.x), 20 (OSD 3.0 to 3.4), 22 (OSD 3.5 on). Each message is that Node's own.
NOT_JSON = [
    (
        "not json",
        "Unexpected token o in JSON at position 1",
        "Unexpected token 'o', \"not json\" is not valid JSON",
        "Unexpected token 'o', \"not json\" is not valid JSON",
    ),
    (
        "not json at all, not at all",
        "Unexpected token o in JSON at position 1",
        "Unexpected token 'o', \"not json at\"... is not valid JSON",
        "Unexpected token 'o', \"not json at\"... is not valid JSON",
    ),
    ('{"a":', "Unexpected end of JSON input", "Unexpected end of JSON input", "Unexpected end of JSON input"),
    (
        '{"a":1}}',
        "Unexpected token } in JSON at position 7",
        "Unexpected non-whitespace character after JSON at position 7",
        "Unexpected non-whitespace character after JSON at position 7 (line 1 column 8)",
    ),
    (
        "{",
        "Unexpected end of JSON input",
        "Expected property name or '}' in JSON at position 1",
        "Expected property name or '}' in JSON at position 1 (line 1 column 2)",
    ),
    (
        "{'a':1}",
        "Unexpected token ' in JSON at position 1",
        "Expected property name or '}' in JSON at position 1",
        "Expected property name or '}' in JSON at position 1 (line 1 column 2)",
    ),
    (
        '{"a":1,}',
        "Unexpected token } in JSON at position 7",
        "Expected double-quoted property name in JSON at position 7",
        "Expected double-quoted property name in JSON at position 7 (line 1 column 8)",
    ),
    (
        '{"type":"x"',
        "Unexpected end of JSON input",
        "Expected ',' or '}' after property value in JSON at position 11",
        "Expected ',' or '}' after property value in JSON at position 11 (line 1 column 12)",
    ),
    (
        "[1,2",
        "Unexpected end of JSON input",
        "Expected ',' or ']' after array element in JSON at position 4",
        "Expected ',' or ']' after array element in JSON at position 4 (line 1 column 5)",
    ),
    (
        '{"a" 1}',
        "Unexpected number in JSON at position 5",
        "Expected ':' after property name in JSON at position 5",
        "Expected ':' after property name in JSON at position 5 (line 1 column 6)",
    ),
    (
        '{"a":"x" "b":1}',
        "Unexpected string in JSON at position 9",
        "Expected ',' or '}' after property value in JSON at position 9",
        "Expected ',' or '}' after property value in JSON at position 9 (line 1 column 10)",
    ),
    (
        '"abc',
        "Unexpected end of JSON input",
        "Unterminated string in JSON at position 4",
        "Unterminated string in JSON at position 4 (line 1 column 5)",
    ),
    (
        '{"a":01}',
        "Unexpected number in JSON at position 6",
        "Unexpected number in JSON at position 6",
        "Unexpected number in JSON at position 6 (line 1 column 7)",
    ),
    (
        '{"a":tru}',
        "Unexpected token } in JSON at position 8",
        'Unexpected token \'}\', "{"a":tru}" is not valid JSON',
        'Unexpected token \'}\', "{"a":tru}" is not valid JSON',
    ),
    ("nul", "Unexpected end of JSON input", "Unexpected end of JSON input", "Unexpected end of JSON input"),
    (
        "undefined",
        "Unexpected token u in JSON at position 0",
        '"undefined" is not valid JSON',
        '"undefined" is not valid JSON',
    ),
    ("NaN", "Unexpected token N in JSON at position 0", '"NaN" is not valid JSON', '"NaN" is not valid JSON'),
    (
        '{"a":-}',
        "Unexpected token } in JSON at position 6",
        "No number after minus sign in JSON at position 6",
        "No number after minus sign in JSON at position 6 (line 1 column 7)",
    ),
    (
        '{"a":1.}',
        "Unexpected token } in JSON at position 7",
        "Unterminated fractional number in JSON at position 7",
        "Unterminated fractional number in JSON at position 7 (line 1 column 8)",
    ),
    (
        '{"a":1e}',
        "Unexpected token } in JSON at position 7",
        "Exponent part is missing a number in JSON at position 7",
        "Exponent part is missing a number in JSON at position 7 (line 1 column 8)",
    ),
    (
        '{"a":"\\x"}',
        "Unexpected token x in JSON at position 7",
        "Bad escaped character in JSON at position 7",
        "Bad escaped character in JSON at position 7 (line 1 column 8)",
    ),
    (
        '{"a":"\\u12"}',
        "Unexpected string in JSON at position 10",
        "Bad Unicode escape in JSON at position 10",
        "Bad Unicode escape in JSON at position 10 (line 1 column 11)",
    ),
    (
        '{"a":"\t"}',
        "Unexpected token \t in JSON at position 6",
        "Bad control character in string literal in JSON at position 6",
        "Bad control character in string literal in JSON at position 6 (line 1 column 7)",
    ),
    (
        '{"a":1} x',
        "Unexpected token x in JSON at position 8",
        "Unexpected non-whitespace character after JSON at position 8",
        "Unexpected non-whitespace character after JSON at position 8 (line 1 column 9)",
    ),
    (
        "\ufeff{}",
        "Unexpected token \ufeff in JSON at position 0",
        "Unexpected token '\ufeff', \"\ufeff{}\" is not valid JSON",
        "Unexpected token '\ufeff', \"\ufeff{}\" is not valid JSON",
    ),  # a byte order mark is not whitespace
    (
        '{"a":"😀",}',
        "Unexpected token } in JSON at position 10",
        "Expected double-quoted property name in JSON at position 10",
        "Expected double-quoted property name in JSON at position 10 (line 1 column 11)",
    ),  # UTF-16 positions
    (
        '{"a":1}\r{"b":2}',
        "Unexpected token { in JSON at position 8",
        "Unexpected non-whitespace character after JSON at position 8",
        "Unexpected non-whitespace character after JSON at position 8 (line 2 column 1)",
    ),  # a lone CR breaks a line
]


@pytest.mark.parametrize("line, node18, node20, node22", NOT_JSON)
def test_a_line_that_is_not_json(http, line, node18, node20, node22):
    node = DASHBOARDS_RELEASE.node_major
    message = node22 if node >= 22 else node20 if node >= 20 else node18
    boom(upload(http, IMPORT, ndjson(viz("fine", "F")) + "\n" + line), 400, message)
    assert stored(http, "visualization", "fine") is None


def test_a_line_that_is_not_a_saved_object(http):
    boom(upload(http, IMPORT, "[1]"), 400, "Invalid saved object on line 1 of the file: expected a JSON object")
    boom(
        upload(http, IMPORT, '\n{"type":"visualization","id":"x"}'),
        400,
        'Invalid saved object on line 2 of the file: expected "attributes" to be an object',
    )
    # Falsy lines are dropped, as JavaScript drops them.
    assert imported(http, 'null\n0\nfalse\n""') == {"success": True, "successCount": 0}


# -- resolve import errors -----------------------------------------------------------------------


def test_resolve_overwrites_in_a_first_batch(http):
    text = ndjson(viz("test-viz", "Replaced"), viz("fresh", "Fresh"))
    assert resolved(
        http,
        text,
        [{"type": "visualization", "id": "fresh"}, {"type": "visualization", "id": "test-viz", "overwrite": True}],
    ) == {
        "successCount": 2,
        "success": True,
        "successResults": [
            {
                "type": "visualization",
                "id": "test-viz",
                "meta": {"title": "Replaced", "icon": "visualizeApp"},
                "overwrite": True,
            },
            {"type": "visualization", "id": "fresh", "meta": {"title": "Fresh", "icon": "visualizeApp"}},
        ],
    }
    assert stored(http, "visualization", "test-viz")["attributes"] == {"title": "Replaced"}


def test_resolve_conflict_without_overwrite(http):
    answer = resolved(http, ndjson(viz("x", "X")), [{"type": "visualization", "id": "x", "destinationId": "test-viz"}])
    assert answer["errors"] == [
        {
            "type": "visualization",
            "id": "x",
            "title": "X",
            "meta": {"title": "X", "icon": "visualizeApp"},
            "error": {"type": "conflict", "destinationId": "test-viz"},
        }
    ]


def test_resolve_to_another_id(http):
    answer = resolved(
        http,
        ndjson(viz("a", "A"), viz("b", "B")),
        [
            {"type": "visualization", "id": "a", "destinationId": "a2"},
            {"type": "visualization", "id": "b", "destinationId": "b2", "createNewCopy": True},
        ],
    )
    assert answer["successResults"] == [
        {"type": "visualization", "id": "a", "meta": {"title": "A", "icon": "visualizeApp"}, "destinationId": "a2"},
        {
            "type": "visualization",
            "id": "b",
            "meta": {"title": "B", "icon": "visualizeApp"},
            "destinationId": "b2",
            "createNewCopy": True,
        },
    ]
    assert stored(http, "visualization", "a2")["originId"] == "a"
    assert "originId" not in stored(http, "visualization", "b2") and stored(http, "visualization", "a") is None


def test_resolve_replaces_references(http):
    answer = resolved(
        http,
        ndjson(ORPHAN),
        [
            {
                "type": "visualization",
                "id": "orphan-viz",
                "replaceReferences": [{"type": "index-pattern", "from": "does-not-exist", "to": "logs-web"}],
            }
        ],
    )
    assert answer["success"]
    assert stored(http, "visualization", "orphan-viz")["references"] == [
        {"name": "ref_does-not-exist", "type": "index-pattern", "id": "logs-web"}
    ]


def test_resolve_as_new_copies(http):
    answer = resolved(
        http,
        ndjson(viz("copy", "Again"), viz("chosen", "C")),
        [{"type": "visualization", "id": "copy"}, {"type": "visualization", "id": "chosen", "destinationId": "mine"}],
        createNewCopies="true",
    )
    regenerated, chosen = answer["successResults"]
    assert UUID4.match(regenerated["destinationId"]) and "createNewCopy" not in regenerated
    assert "originId" not in stored(http, "visualization", regenerated["destinationId"])
    assert chosen["destinationId"] == "mine" and stored(http, "visualization", "copy") is None
    # The conflict check looks at the id in the file (or the retry's destination), new copies or not.
    conflict = resolved(
        http, ndjson(viz("test-viz", "T")), [{"type": "visualization", "id": "test-viz"}], createNewCopies="true"
    )
    assert conflict["errors"][0]["error"] == {"type": "conflict"}


def test_resolve_reports_unsupported_types_of_the_whole_file_and_refuses_config(http):
    text = ndjson({"type": "bogus", "id": "b", "attributes": {}}, viz("v", "V"))
    answer = resolved(http, text, [{"type": "visualization", "id": "v"}])
    assert answer["errors"][0]["error"] == {"type": "unsupported_type"} and answer["successCount"] == 1
    config = ndjson({"type": "config", "id": "3.6.0", "attributes": {"buildNum": 1}}, viz("w", "W"))
    assert resolved(
        http, config, [{"type": "config", "id": "3.6.0", "overwrite": True}, {"type": "visualization", "id": "w"}]
    ) == {
        "successCount": 0,
        "success": False,
        "errors": [
            {
                "error": {"type": "unsupported_type"},
                "type": "config",
                "id": "3.6.0",
                "title": "3.6.0",
                "meta": {"title": "3.6.0"},
            }
        ],
    }
    assert stored(http, "visualization", "w") is None


def test_resolve_errors_carry_the_overwrite_they_asked_for(http):
    answer = resolved(
        http,
        ndjson(viz("test-viz", "T", ("index-pattern", "gone"))),
        [{"type": "visualization", "id": "test-viz", "overwrite": True}],
    )
    assert answer["errors"][0]["overwrite"] is True and answer["errors"][0]["error"]["type"] == "missing_references"


@pytest.mark.parametrize(
    "retries, message",
    [
        ([{"type": "a", "id": "1"}, {"type": "a", "id": "1"}], "Non-unique retry objects: [a:1]: Bad Request"),
        (
            [{"type": "a", "id": "1", "destinationId": "x"}, {"type": "a", "id": "2", "destinationId": "x"}],
            "Non-unique retry destinations: [a:x]: Bad Request",
        ),
        ("[{", "[request body.retries]: could not parse array value from json input"),
        ("{}", "[request body.retries]: expected value of type [array] but got [Object]"),
        ([{"type": "a"}], "[request body.retries.0.id]: expected value of type [string] but got [undefined]"),
        ([{"type": "a", "id": "1", "bogus": 1}], "[request body.retries.0.bogus]: definition for this key is missing"),
    ],
)
def test_resolve_request_errors(http, retries, message):
    boom(upload(http, RESOLVE, "", retries=retries), 400, message)


def test_resolve_needs_retries(http):
    boom(upload(http, RESOLVE, ""), 400, "[request body.retries]: expected value of type [array] but got [undefined]")
    boom(upload(http, RESOLVE, "", filename="x.json", retries=[]), 400, "Invalid file extension .json")


def test_export_and_import_over_a_live_server(mockserver_live):
    """The documented curl calls over a socket: the export saved to a file, imported as new copies."""
    import http.client
    from urllib.parse import urlsplit

    address = urlsplit(mockserver_live.url)
    conn = http.client.HTTPConnection(address.hostname, address.port)
    conn.request(
        "POST",
        "/api/saved_objects/_export",
        body='{"type": "index-pattern"}',
        headers={**XSRF, "Content-Type": "application/json"},
    )
    exported = conn.getresponse()
    text = exported.read().decode()
    assert exported.status == 200 and exported.getheader("Content-Type") == "application/ndjson"
    boundary, body = encode_multipart(
        MultiDict({"file": FileStorage(io.BytesIO(text.encode()), filename="export.ndjson")})
    )
    conn.request(
        "POST",
        "/api/saved_objects/_import?createNewCopies=true",
        body=body,
        headers={**XSRF, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    reply = conn.getresponse()
    answer = json.loads(reply.read())
    conn.close()
    assert reply.status == 200 and answer["success"] and answer["successCount"] == text.count("\n")
    patterns = mockserver_live.state("dashboards").repository.by_type["index-pattern"]
    assert all(r["destinationId"] in patterns for r in answer["successResults"])


@pytest.mark.parametrize(
    "line, problem",
    [
        (
            {"type": "visualization", "id": "x", "attributes": {}, "migrationVersion": "x"},
            'expected "migrationVersion" to be an object of version strings',
        ),
        (
            {"type": "visualization", "id": "x", "attributes": {}, "migrationVersion": {"visualization": 5}},
            'expected "migrationVersion" to be an object of version strings',
        ),
        (
            {"type": "visualization", "id": "x", "attributes": {}, "workspaces": 5},
            'expected "workspaces" to be an array of strings',
        ),
        ({}, 'expected "type" to be a non-empty string'),
        ([], "expected a JSON object"),
    ],
)
def test_malformed_saved_objects_are_named(http, line, problem):
    for query in (None, {"overwrite": "true"}, {"createNewCopies": "true"}):
        boom(
            upload(http, IMPORT, json.dumps(line), query=query),
            400,
            f"Invalid saved object on line 1 of the file: {problem}",
        )
