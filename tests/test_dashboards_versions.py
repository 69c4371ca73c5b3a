"""What changes between OpenSearch Dashboards releases (mockserver/dashboards/versions.py, types.py,
jsparse.py): the Node.js whose JSON.parse words an import's bad line, the route parameters each release
validates, the built-in types it registers; and the test matrix that runs the Dashboards tests as another
release. Each app here names its release; the matrix's own is DASHBOARDS_RELEASE."""

from __future__ import annotations

import io
import json

import pytest
from conftest import DASHBOARDS_CONFIG, DASHBOARDS_RELEASE, Http, boom
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from mockserver import create_app, runtime_of
from mockserver.dashboards.jsparse import v8_syntax_error
from mockserver.dashboards.versions import Release
from mockserver.errors import FixtureError

XSRF = {"osd-xsrf": "true"}
IMPORT = "/api/saved_objects/_import"
RESOLVE = "/api/saved_objects/_resolve_import_errors"


def release(version: str) -> Http:
    return Http(create_app(products=["dashboards"], dashboards_version=version).test_client())


def missing(part: str, key: str) -> str:
    return f"[request {part}.{key}]: definition for this key is missing"


def upload(http: Http, path: str, text: str, query: dict | None = None, retries: list | None = None):
    form = {"file": FileStorage(io.BytesIO(text.encode()), filename="export.ndjson")}
    if retries is not None:
        form["retries"] = json.dumps(retries)
    boundary, body = encode_multipart(MultiDict(form))
    headers = {**XSRF, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    return http.request("POST", path, data=body, query=query, headers=headers)


VIZ = json.dumps({"type": "visualization", "id": "v", "attributes": {"title": "V"}})


# -- Node.js, and its JSON.parse -------------------------------------------------------------------


@pytest.mark.parametrize(
    "version, node",
    [
        ("1.0.0", 10),
        ("1.3.20", 10),  # 1.x stayed on Node 10.24.1; Node 14 came with 2.0.0
        ("2.0.0", 14),
        ("2.9.0", 14),
        ("2.10.0", 18),  # "Bump OpenSearch-Dashboards 2.10.0 to use nodejs 18.16.0" (#4948)
        ("2.19.4", 18),
        ("3.0.0", 20),  # .node-version 20.18.3
        ("3.4.0", 20),
        ("3.5.0", 22),  # "Update node to 22.21.1" (#11076), shipped with 3.5.0
        ("3.6.0", 22),
    ],
)
def test_the_node_each_release_runs_on(version, node):
    assert Release(version).node_major == node


# Each message is the one that Node's JSON.parse gives (10.24.1, 14.21.3 and 18.20.4 alike; 20; 22).
@pytest.mark.parametrize(
    "text, node18, node20, node22",
    [
        (
            '{"a":1}}',
            "Unexpected token } in JSON at position 7",
            "Unexpected non-whitespace character after JSON at position 7",
            "Unexpected non-whitespace character after JSON at position 7 (line 1 column 8)",
        ),
        (
            "{a",
            "Unexpected token a in JSON at position 1",
            "Expected property name or '}' in JSON at position 1",
            "Expected property name or '}' in JSON at position 1 (line 1 column 2)",
        ),
        (
            '"abc',
            "Unexpected end of JSON input",
            "Unterminated string in JSON at position 4",
            "Unterminated string in JSON at position 4 (line 1 column 5)",
        ),
        (
            "-",
            "Unexpected end of JSON input",
            "No number after minus sign in JSON at position 1",
            "No number after minus sign in JSON at position 1 (line 1 column 2)",
        ),
        (
            "[1 2]",
            "Unexpected number in JSON at position 3",
            "Expected ',' or ']' after array element in JSON at position 3",
            "Expected ',' or ']' after array element in JSON at position 3 (line 1 column 4)",
        ),
        (
            '{"a":1 "b"}',
            "Unexpected string in JSON at position 7",
            "Expected ',' or '}' after property value in JSON at position 7",
            "Expected ',' or '}' after property value in JSON at position 7 (line 1 column 8)",
        ),
        (
            '"a\nb"',
            "Unexpected token \n in JSON at position 2",  # the control character itself, as it is
            "Bad control character in string literal in JSON at position 2",
            "Bad control character in string literal in JSON at position 2 (line 1 column 3)",
        ),
        (
            "undefined",
            "Unexpected token u in JSON at position 0",
            '"undefined" is not valid JSON',
            '"undefined" is not valid JSON',
        ),
        (
            '{"abcdefghijklmnopqrstuvwxyz": }',
            "Unexpected token } in JSON at position 31",
            'Unexpected token \'}\', ..."tuvwxyz": }" is not valid JSON',  # no position: no line either
            'Unexpected token \'}\', ..."tuvwxyz": }" is not valid JSON',
        ),
        ('"\\', "Unexpected end of JSON input", "Unexpected end of JSON input", "Unexpected end of JSON input"),
        (
            '"\\u12"',
            "Unexpected string in JSON at position 5",
            "Bad Unicode escape in JSON at position 5",
            "Bad Unicode escape in JSON at position 5 (line 1 column 6)",
        ),
        # Lines break at LF, CR and CRLF (one break); columns count UTF-16 units from 1.
        (
            "[1,\n2,\r\n3 4]",
            "Unexpected number in JSON at position 10",
            "Expected ',' or ']' after array element in JSON at position 10",
            "Expected ',' or ']' after array element in JSON at position 10 (line 3 column 3)",
        ),
        (
            '{"a":1}\r{',
            "Unexpected token { in JSON at position 8",
            "Unexpected non-whitespace character after JSON at position 8",
            "Unexpected non-whitespace character after JSON at position 8 (line 2 column 1)",
        ),
        (
            '"\U0001f600\U0001f600" x',
            "Unexpected token x in JSON at position 7",
            "Unexpected non-whitespace character after JSON at position 7",
            "Unexpected non-whitespace character after JSON at position 7 (line 1 column 8)",
        ),
        # V8 names one UTF-16 unit as the token (an emoji's high surrogate) and quotes ten units each side.
        (
            "\U0001f600" * 11 + "x",
            "Unexpected token \ud83d in JSON at position 0",
            "Unexpected token '\ud83d', \"" + "\U0001f600" * 5 + '"... is not valid JSON',
            "Unexpected token '\ud83d', \"" + "\U0001f600" * 5 + '"... is not valid JSON',
        ),
    ],
)
def test_json_parse_words_its_errors_as_each_node_does(text, node18, node20, node22):
    assert [v8_syntax_error(text, node) for node in (10, 14, 18, 20, 22)] == [node18] * 3 + [node20, node22]


@pytest.mark.parametrize(
    "version, message",
    [
        ("1.3.20", "Unexpected token } in JSON at position 7"),
        ("2.17.1", "Unexpected token } in JSON at position 7"),
        ("3.4.0", "Unexpected non-whitespace character after JSON at position 7"),
        ("3.6.0", "Unexpected non-whitespace character after JSON at position 7 (line 1 column 8)"),
    ],
)
def test_an_import_line_that_is_not_json_is_worded_by_the_release_node(version, message):
    http = release(version)
    boom(upload(http, IMPORT, VIZ + '\n{"a":1}}'), 400, message)
    boom(upload(http, RESOLVE, '{"a":1}}', retries=[]), 400, message)


# -- route parameters ------------------------------------------------------------------------------


def find(http: Http, **query):
    return http.get("/api/saved_objects/_find", query={"type": "visualization", **query})


def create(http: Http, body: dict):
    return http.post("/api/saved_objects/visualization/new", json={"attributes": {"title": "N"}, **body}, headers=XSRF)


def bulk_create(http: Http, **query):
    body = [{"type": "visualization", "id": "b", "attributes": {"title": "B"}}]
    return http.post("/api/saved_objects/_bulk_create", json=body, query=query, headers=XSRF)


def export(http: Http, body: dict):
    return http.post("/api/saved_objects/_export", json={"type": "visualization", **body}, headers=XSRF)


WORKSPACE = "9gt4lB"  # the default fixture's workspace object
PARAMETERS = [
    # (name, the release that added it, the request with it, where the route reads it)
    ("find workspaces", "2.14.0", lambda h: find(h, workspaces=WORKSPACE), ("query", "workspaces")),
    ("create workspaces", "2.14.0", lambda h: create(h, {"workspaces": [WORKSPACE]}), ("body", "workspaces")),
    ("bulk_create workspaces", "2.14.0", lambda h: bulk_create(h, workspaces=WORKSPACE), ("query", "workspaces")),
    ("export workspaces", "2.14.0", lambda h: export(h, {"workspaces": [WORKSPACE]}), ("body", "workspaces")),
    (
        "import workspaces",
        "2.14.0",
        lambda h: upload(h, IMPORT, VIZ, {"workspaces": WORKSPACE}),
        ("query", "workspaces"),
    ),
    (
        "resolve_import_errors workspaces",
        "2.14.0",
        lambda h: upload(h, RESOLVE, VIZ, {"workspaces": WORKSPACE}, retries=[]),
        ("query", "workspaces"),
    ),
    ("import dataSourceEnabled", "2.15.0", lambda h: upload(h, IMPORT, VIZ, {"dataSourceEnabled": "false"}), None),
    ("import dataSourceId", "2.12.0", lambda h: upload(h, IMPORT, VIZ, {"dataSourceId": ""}), None),
    (
        "resolve_import_errors dataSourceId",
        "2.12.0",
        lambda h: upload(h, RESOLVE, VIZ, {"dataSourceId": ""}, retries=[]),
        None,
    ),
]
BEFORE = {"2.15.0": "2.14.0", "2.14.0": "2.13.0", "2.12.0": "2.11.1"}


@pytest.mark.parametrize("name, since, send, where", PARAMETERS, ids=[p[0] for p in PARAMETERS])
def test_a_parameter_exists_from_the_release_that_added_it(name, since, send, where):
    key = name.split()[-1]
    part = "body" if where and where[0] == "body" else "query"
    for version in ("1.3.20", BEFORE[since]):
        boom(send(release(version)), 400, missing(part, key))
    for version in (since, "3.6.0"):
        reply = send(release(version))
        assert reply.status == 200, (version, reply.text)


def test_a_known_parameter_is_checked_before_one_the_release_lacks():
    # Joi validates the keys an object schema defines, then refuses one it does not define.
    reply = find(release("1.3.20"), per_page="-1", workspaces=WORKSPACE)
    boom(reply, 400, "[request query.per_page]: Value must be equal to or greater than [0].")


@pytest.mark.parametrize("version", ["1.3.20", "2.17.1", "3.6.0"])
def test_every_route_is_there_from_1_0(version):
    # routes/index.ts registers the same routes from the Kibana 7.10.2 fork on.
    http = release(version)
    assert http.post("/api/saved_objects/_log_legacy_import", headers=XSRF).json == {"success": True}
    assert http.post("/internal/saved_objects/_migrate", headers=XSRF).json == {"success": True}
    assert http.get("/api/saved_objects/_find", query={"type": "config"}).json["total"] >= 1
    assert http.post("/api/saved_objects/_bulk_get", json=[], headers=XSRF).json == {"saved_objects": []}


# -- built-in types --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "so_type, before, since",
    [
        ("augment-vis", "2.8.0", "2.9.0"),  # vis_augmenter #4361
        ("workspace", "2.13.0", "2.14.0"),  # workspace #5075
        ("visualization-visbuilder", "2.3.0", "2.4.0"),  # vis_builder #2673 (the rename from wizard), #2725
    ],
)
def test_a_type_exists_from_the_release_that_registers_it(so_type, before, since):
    def registered(version: str) -> bool:
        app = create_app(products=["dashboards"], dashboards_version=version)
        return so_type in runtime_of(app).store.products["dashboards"].types.types

    assert (registered(before), registered(since), registered("3.6.0")) == (False, True, True)
    older = release(before)
    boom(
        older.post(f"/api/saved_objects/{so_type}/x", json={"attributes": {"title": "t"}}, headers=XSRF),
        400,
        f"Unsupported saved object type: '{so_type}': Bad Request",
    )
    # find leaves out the types the repository does not serve (repository.ts: allowedTypes), here all.
    empty = older.get("/api/saved_objects/_find", query={"type": so_type})
    assert (empty.status, empty.json["total"]) == (200, 0)


def test_augment_vis_objects_are_written_from_2_9():
    body = {"attributes": {"title": "A", "visName": "v"}}
    assert release("2.9.0").post("/api/saved_objects/augment-vis/a", json=body, headers=XSRF).status == 200


def test_vis_builder_objects_are_found_and_exported_from_2_4():
    # vis_builder_app.ts: importable and exportable, searched by title, no migrations of its own.
    http = release("2.4.0")
    attributes = {"title": "Bars", "visualizationState": "{}", "styleState": "{}", "uiState": "{}", "version": 3}
    created = http.post("/api/saved_objects/visualization-visbuilder/vb", json={"attributes": attributes}, headers=XSRF)
    assert (created.status, created.json["attributes"], "migrationVersion" in created.json) == (200, attributes, False)
    found = http.get("/api/saved_objects/_find", query={"type": "visualization-visbuilder", "search": "Bars"})
    assert [o["id"] for o in found.json["saved_objects"]] == ["vb"]
    exported = http.post("/api/saved_objects/_export", json={"type": ["visualization-visbuilder"]}, headers=XSRF)
    lines = [json.loads(line) for line in exported.text.splitlines()]
    assert [(o["type"], o["id"]) for o in lines[:-1]] == [("visualization-visbuilder", "vb")]
    assert lines[-1]["exportedCount"] == 1


def test_before_2_4_vis_builder_objects_cannot_be_exported():
    reply = release("2.3.0").post(
        "/api/saved_objects/_export", json={"type": ["visualization-visbuilder"]}, headers=XSRF
    )
    assert reply.status == 400, reply.text
    assert reply.json["message"] == "Trying to export non-exportable type(s): visualization-visbuilder"


def test_a_fixture_object_of_a_type_newer_than_the_release_is_refused(tmp_path):
    path = tmp_path / "fixture.json"
    objects = {"augment-vis": {"a": {"attributes": {"title": "A"}}}}
    path.write_text(json.dumps({"dashboards": {"settings": {"version": "2.8.0"}, "saved_objects": objects}}))
    with pytest.raises(FixtureError, match=r"unknown saved object type \[augment-vis\]"):
        create_app([path], products=["dashboards"], default_fixtures=False)
    path.write_text(json.dumps({"dashboards": {"settings": {"version": "2.9.0"}, "saved_objects": objects}}))
    create_app([path], products=["dashboards"], default_fixtures=False)


@pytest.mark.parametrize("version", ["1.3.20", "2.17.1", "3.6.0"])
def test_the_built_in_migration_versions_are_those_of_every_release(version):
    http = release(version)
    expected = {
        "index-pattern": "7.6.0",
        "visualization": "7.10.0",
        "dashboard": "7.9.3",
        "search": "7.9.3",
        "config": "7.9.0",
    }
    for so_type, migration in expected.items():
        reply = http.post(f"/api/saved_objects/{so_type}", json={"attributes": {}}, headers=XSRF)
        assert reply.json["migrationVersion"] == {so_type: migration}, reply.text


def test_the_types_follow_a_version_a_fixture_loads_later():
    # The registry is the release's: a fixture that changes the version changes the types.
    app = create_app(products=["dashboards"], dashboards_version="2.8.0")
    http = Http(app.test_client())
    assert create_status(http, "augment-vis") == 400
    runtime_of(app).store.load({"dashboards": {"settings": {"version": "2.9.0"}}}, "test")
    assert create_status(http, "augment-vis") == 200


def create_status(http: Http, so_type: str) -> int:
    return http.post(f"/api/saved_objects/{so_type}", json={"attributes": {"title": "t"}}, headers=XSRF).status


# -- the test matrix -------------------------------------------------------------------------------


def test_the_plugin_app_is_the_matrix_release(http, mockserver_app):
    state = runtime_of(mockserver_app).store.products["dashboards"]
    assert state.settings["version"] == DASHBOARDS_RELEASE.version
    assert {k: state.settings["config"].get(k) for k in DASHBOARDS_CONFIG} == DASHBOARDS_CONFIG
    # Its config object is there from the start, and its browser client is the one accepted.
    assert http.get(f"/api/saved_objects/config/{DASHBOARDS_RELEASE.version}").status == 200
    headers = {"osd-version": DASHBOARDS_RELEASE.version}
    assert http.post("/api/saved_objects/config", json={"attributes": {}}, headers=headers).status == 200


def test_conftest_create_app_is_the_matrix_release_unless_told_otherwise():
    from conftest import create_app as matrix_app

    def version_of(app) -> str:
        return runtime_of(app).store.products["dashboards"].settings["version"]

    assert version_of(matrix_app(products=["dashboards"])) == DASHBOARDS_RELEASE.version
    assert version_of(matrix_app(products=["dashboards"], dashboards_version="2.15.0")) == "2.15.0"


def test_the_parameters_newer_than_1_0_are_these():
    # Every x-osd-since of the route schemas, so that a parameter added to a schema says its release.
    from pathlib import Path

    found = {}
    for path in sorted((Path(__file__).parents[1] / "schemas" / "dashboards").glob("saved_objects.*.json")):
        request = json.loads(path.read_text(encoding="utf-8")).get("request", {})
        for part in ("query", "body"):
            for key, spec in (request.get(part) or {}).get("properties", {}).items():
                if "x-osd-since" in spec:
                    found[f"{path.stem.split('.', 1)[1]} {part}.{key}"] = spec["x-osd-since"]
    assert found == {
        "bulk_create query.workspaces": "2.14.0",
        "create body.workspaces": "2.14.0",
        "export body.workspaces": "2.14.0",
        "find query.workspaces": "2.14.0",
        "import query.dataSourceId": "2.12.0",
        "import query.dataSourceEnabled": "2.15.0",
        "import query.workspaces": "2.14.0",
        "resolve_import_errors query.dataSourceId": "2.12.0",
        "resolve_import_errors query.workspaces": "2.14.0",
    }


# -- settings that came with the workspace plugin (config.py NAMESPACE_SINCE, KEY_SINCE) ---------------


@pytest.mark.parametrize("key", ["workspace.enabled", "workspace.maximum_workspaces"])
def test_a_workspace_key_is_unknown_before_2_14(key):
    with pytest.raises(ValueError, match=rf'Unknown configuration key\(s\): "{key}"'):
        create_app(products=["dashboards"], dashboards_version="2.13.0", dashboards_config={key: True})
    create_app(products=["dashboards"], dashboards_version="2.14.0", dashboards_config={"workspace.enabled": True})


def test_saved_objects_permission_is_missing_from_the_schema_before_2_14():
    with pytest.raises(ValueError, match=r"\[config validation of \[savedObjects\]\.permission\]: definition"):
        create_app(
            products=["dashboards"],
            dashboards_version="1.3.20",
            dashboards_config={"savedObjects.permission.enabled": True},
        )
    create_app(
        products=["dashboards"],
        dashboards_version="2.14.0",
        dashboards_config={"savedObjects.permission.enabled": True},
    )
