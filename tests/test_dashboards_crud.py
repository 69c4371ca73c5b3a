"""OpenSearch Dashboards saved objects over HTTP: get, bulk get, create, bulk create, update, bulk
update, delete, with versions, types and migrations (../shared/specs/dashboards-saved-objects.md)."""

from __future__ import annotations

import base64
import json
import re

import pytest
from conftest import Http, boom, create_app

from mockserver.dashboards import SavedObjectsType

XSRF = {"osd-xsrf": "true"}
UUID = re.compile(r"^[0-9a-f-]{36}$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def create(http, so_type: str, body: dict, so_id: str | None = None, **query) -> dict:
    path = f"/api/saved_objects/{so_type}" + (f"/{so_id}" if so_id else "")
    reply = http.post(path, json=body, headers=XSRF, query=query or None)
    assert reply.status == 200, reply.text
    return reply.json


def version_of(encoded: str) -> list[int]:
    return json.loads(base64.b64decode(encoded))


def test_create_answers_the_documented_shape(http):
    created = create(http, "visualization", {"attributes": {"title": "My vis"}})
    # The serializer's order, as the documentation's real answers show it.
    assert list(created) == [
        "type",
        "id",
        "attributes",
        "references",
        "migrationVersion",
        "updated_at",
        "version",
        "namespaces",
    ]
    assert UUID.match(created["id"]) and TIMESTAMP.match(created["updated_at"])
    assert created["migrationVersion"] == {"visualization": "7.10.0"}
    assert (created["references"], created["namespaces"]) == ([], ["default"])
    assert len(version_of(created["version"])) == 2


def test_get_shows_the_object(http):
    created = create(
        http,
        "dashboard",
        {"attributes": {"title": "D"}, "references": [{"name": "panel_0", "type": "visualization", "id": "v1"}]},
        "d1",
    )
    got = http.get("/api/saved_objects/dashboard/d1").json
    assert list(got) == [
        "id",
        "type",
        "namespaces",
        "updated_at",
        "version",
        "attributes",
        "references",
        "migrationVersion",
    ]
    assert got["version"] == created["version"] and got["references"][0]["id"] == "v1"


@pytest.mark.parametrize("path", ["/api/saved_objects/visualization/foobar", "/api/saved_objects/nosuchtype/foobar"])
def test_get_missing_or_unknown_type_is_404(http, path):
    so_type, so_id = path.split("/")[-2:]
    boom(http.get(path), 404, f"Saved object [{so_type}/{so_id}] not found")


def test_create_errors(http):
    boom(
        http.post("/api/saved_objects/visualization", json={"attributes": {}}),
        400,
        "Request must contain a osd-xsrf header.",
    )
    boom(
        http.post("/api/saved_objects/visualization", json={}, headers=XSRF),
        400,
        "[request body.attributes]: expected value of type [object] but got [undefined]",
    )
    boom(
        http.post("/api/saved_objects/visualization", headers=XSRF),
        400,
        "[request body]: expected a plain object value, but found [null] instead.",
    )
    boom(
        http.post("/api/saved_objects/wigwag", json={"attributes": {}}, headers=XSRF),
        400,
        "Unsupported saved object type: 'wigwag': Bad Request",
    )
    boom(
        http.post(
            "/api/saved_objects/visualization", json={"attributes": {}, "initialNamespaces": ["a"]}, headers=XSRF
        ),
        400,
        '"options.initialNamespaces" can only be used on multi-namespace types: Bad Request',
    )
    boom(
        http.post(
            "/api/saved_objects/visualization", json={"attributes": {}, "references": [{"name": "x"}]}, headers=XSRF
        ),
        400,
        "[request body.references.0.type]: expected value of type [string] but got [undefined]",
    )
    boom(
        http.post("/api/saved_objects/visualization", json={"attributes": {}}, query={"nope": "1"}, headers=XSRF),
        400,
        "[request query.nope]: definition for this key is missing",
    )


def test_create_existing_id_conflicts_and_overwrite_replaces(http):
    first = create(http, "visualization", {"attributes": {"title": "A", "description": "kept?"}}, "v1")
    reply = http.post("/api/saved_objects/visualization/v1", json={"attributes": {"title": "B"}}, headers=XSRF)
    assert reply.status == 409 and reply.json["error"] == "Conflict" and "[visualization:v1]" in reply.json["message"]
    replaced = create(http, "visualization", {"attributes": {"title": "B"}}, "v1", overwrite="true")
    assert replaced["version"] != first["version"]
    assert http.get("/api/saved_objects/visualization/v1").json["attributes"] == {"title": "B"}


def test_update_merges_and_answers_only_what_was_sent(http):
    create(
        http,
        "visualization",
        {
            "attributes": {"title": "A", "description": "d", "uiStateJSON": "{}"},
            "references": [{"name": "r", "type": "index-pattern", "id": "ip"}],
        },
        "v1",
    )
    reply = http.put("/api/saved_objects/visualization/v1", json={"attributes": {"title": "B"}}, headers=XSRF)
    assert list(reply.json) == ["id", "type", "updated_at", "version", "namespaces", "attributes"]
    assert reply.json["attributes"] == {"title": "B"}
    got = http.get("/api/saved_objects/visualization/v1").json
    assert got["attributes"] == {"title": "B", "description": "d", "uiStateJSON": "{}"}
    assert got["references"] == [{"name": "r", "type": "index-pattern", "id": "ip"}]
    cleared = http.put("/api/saved_objects/visualization/v1", json={"attributes": {}, "references": []}, headers=XSRF)
    assert cleared.json["references"] == [] and http.get("/api/saved_objects/visualization/v1").json["references"] == []


def test_update_versions(http):
    created = create(http, "visualization", {"attributes": {"title": "A"}}, "v1")
    ok = http.put(
        "/api/saved_objects/visualization/v1",
        json={"attributes": {"title": "B"}, "version": created["version"]},
        headers=XSRF,
    )
    assert ok.status == 200 and version_of(ok.json["version"])[0] > version_of(created["version"])[0]
    stale = http.put(
        "/api/saved_objects/visualization/v1",
        json={"attributes": {"title": "C"}, "version": created["version"]},
        headers=XSRF,
    )
    assert stale.status == 409 and stale.json["error"] == "Conflict"
    assert "version conflict, required seqNo" in stale.json["message"]
    boom(
        http.put("/api/saved_objects/visualization/v1", json={"attributes": {}, "version": "garbage"}, headers=XSRF),
        400,
        "Invalid version [garbage]",
    )
    boom(
        http.put("/api/saved_objects/visualization/not an id", json={"attributes": {}}, headers=XSRF),
        404,
        "Saved object [visualization/not an id] not found",
    )


def test_delete(http):
    create(http, "visualization", {"attributes": {}}, "v1")
    reply = http.delete("/api/saved_objects/visualization/v1", headers=XSRF)
    assert (reply.status, reply.json) == (200, {})
    boom(
        http.delete("/api/saved_objects/visualization/v1", headers=XSRF),
        404,
        "Saved object [visualization/v1] not found",
    )
    boom(http.delete("/api/saved_objects/visualization/v1"), 400, "Request must contain a osd-xsrf header.")


def test_bulk_get(http):
    create(http, "visualization", {"attributes": {"title": "T", "description": "D"}}, "v1")
    reply = http.post(
        "/api/saved_objects/_bulk_get",
        headers=XSRF,
        json=[
            {"type": "visualization", "id": "v1", "fields": ["title"]},
            {"type": "visualization", "id": "missing"},
            {"type": "wigwag", "id": "x"},
        ],
    )
    first, missing, unknown = reply.json["saved_objects"]
    assert first["attributes"] == {"title": "T"} and first["migrationVersion"] == {"visualization": "7.10.0"}
    assert missing == {
        "id": "missing",
        "type": "visualization",
        "error": {"error": "Not Found", "message": "Saved object [visualization/missing] not found", "statusCode": 404},
    }
    assert unknown["error"]["statusCode"] == 400
    assert http.post("/api/saved_objects/_bulk_get", json=[], headers=XSRF).json == {"saved_objects": []}


def test_bulk_create_in_input_order(http):
    create(http, "visualization", {"attributes": {}}, "exists")
    reply = http.post(
        "/api/saved_objects/_bulk_create",
        headers=XSRF,
        json=[
            {"type": "visualization", "id": "exists", "attributes": {}},
            {"type": "dashboard", "attributes": {"title": "new"}},
            {"type": "wigwag", "id": "w", "attributes": {}},
        ],
    )
    conflict, created, unknown = reply.json["saved_objects"]
    assert conflict == {
        "id": "exists",
        "type": "visualization",
        "error": {"error": "Conflict", "message": "Saved object [visualization/exists] conflict", "statusCode": 409},
    }
    assert UUID.match(created["id"]) and created["attributes"] == {"title": "new"}
    assert unknown["error"]["message"] == "Unsupported saved object type: 'wigwag': Bad Request"
    again = http.post(
        "/api/saved_objects/_bulk_create",
        json=[{"type": "visualization", "id": "exists", "attributes": {"a": 1}}],
        headers=XSRF,
        query={"overwrite": "true"},
    )
    assert again.json["saved_objects"][0]["attributes"] == {"a": 1}
    boom(
        http.post("/api/saved_objects/_bulk_create", json=[{"type": "visualization"}], headers=XSRF),
        400,
        "[request body.0.attributes]: expected value of type [object] but got [undefined]",
    )


def test_bulk_update(http):
    created = create(http, "visualization", {"attributes": {"title": "A", "description": "d"}}, "v1")
    create(http, "visualization", {"attributes": {}}, "v2")
    http.put("/api/saved_objects/visualization/v2", json={"attributes": {"x": 1}}, headers=XSRF)
    reply = http.put(
        "/api/saved_objects/_bulk_update",
        headers=XSRF,
        json=[
            {"type": "visualization", "id": "v1", "attributes": {"title": "B"}},
            {"type": "visualization", "id": "nope", "attributes": {}},
            {"type": "visualization", "id": "v2", "attributes": {}, "version": created["version"]},
        ],
    )
    updated, missing, stale = reply.json["saved_objects"]
    assert updated["attributes"] == {"title": "B"} and "references" not in updated
    assert missing["error"]["statusCode"] == 404
    assert stale["error"] == {
        "error": "Conflict",
        "message": "Saved object [visualization/v2] conflict",
        "statusCode": 409,
    }
    assert http.get("/api/saved_objects/visualization/v1").json["attributes"] == {"title": "B", "description": "d"}


def test_every_write_gets_a_new_version(http):
    versions = [create(http, "visualization", {"attributes": {}}, "v")["version"]]
    for _ in range(3):
        versions.append(
            http.put("/api/saved_objects/visualization/v", json={"attributes": {}}, headers=XSRF).json["version"]
        )
    assert len(set(versions)) == 4


# -- types and migrations -----------------------------------------------------------------------


def add_owner(doc: dict) -> dict:
    doc["attributes"].setdefault("owner", "nobody")
    return doc


def rename_title(doc: dict) -> dict:
    doc["attributes"]["name"] = doc["attributes"].pop("title", None)
    return doc


def custom_app(*fixtures):
    notes = SavedObjectsType(
        "note",
        icon="notesApp",
        default_search_field="name",
        title_attribute="name",
        migrations={"1.0.0": add_owner, "2.0.0": rename_title},
    )
    return Http(create_app(list(fixtures), saved_object_types=[notes]).test_client())


def test_python_type_migrations_run_on_create():
    http = custom_app()
    every = create(http, "note", {"attributes": {"title": "hello"}, "migrationVersion": {}})
    assert every["attributes"] == {"owner": "nobody", "name": "hello"}
    assert every["migrationVersion"] == {"note": "2.0.0"}
    partly = create(http, "note", {"attributes": {"name": "n", "owner": "me"}, "migrationVersion": {"note": "1.0.0"}})
    assert partly["attributes"] == {"name": None, "owner": "me"}  # only 2.0.0 ran
    # Without a migrationVersion the document is taken as current: stamped, not transformed.
    current = create(http, "note", {"attributes": {"title": "t"}})
    assert current["attributes"] == {"title": "t"} and current["migrationVersion"] == {"note": "2.0.0"}


def test_a_pre_release_comes_before_its_release():
    # semver: 1.0.0-beta < 1.0.0, so an object migrated to the beta still takes 1.0.0's migration.
    http = custom_app()
    beta = create(http, "note", {"attributes": {"title": "b"}, "migrationVersion": {"note": "1.0.0-beta"}})
    assert beta["attributes"] == {"owner": "nobody", "name": "b"} and beta["migrationVersion"] == {"note": "2.0.0"}
    # And a pre-release of a version the type does not know yet is already too new.
    reply = http.post(
        "/api/saved_objects/note/n1", json={"attributes": {}, "migrationVersion": {"note": "2.0.1-rc.1"}}, headers=XSRF
    )
    assert reply.status == 422, reply.text


def test_versions_order_as_semver_orders_them():
    from mockserver.versions import order_key, release_numbers

    ordered = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "1.0.1",
        "1.10.0",
        "2.0.0+build.7",
    ]
    assert sorted(reversed(ordered), key=order_key) == ordered
    assert order_key("1.0.0+a") == order_key("1.0.0+b")
    assert release_numbers("9.1.0-SNAPSHOT") == (9, 1, 0) and release_numbers("7.x") == (7, 0, 0)
    with pytest.raises(ValueError):
        release_numbers("9.1", strict=True)


def test_a_type_without_migrations_has_no_migration_version(http):
    created = create(http, "query", {"attributes": {"title": "q"}})
    assert "migrationVersion" not in created
    assert "migrationVersion" not in http.get(f"/api/saved_objects/query/{created['id']}").json


def test_a_failing_migration_is_a_500():
    def broken(doc):
        raise RuntimeError("Dang diggity!")

    http = Http(
        create_app(saved_object_types=[SavedObjectsType("fragile", migrations={"1.0.0": broken})]).test_client()
    )
    boom(
        http.post("/api/saved_objects/fragile", json={"attributes": {}, "migrationVersion": {}}, headers=XSRF),
        500,
        "An internal server error occurred.",
    )


def test_an_object_from_a_newer_version_is_refused():
    http = custom_app()
    boom(
        http.post(
            "/api/saved_objects/note/n1", json={"attributes": {}, "migrationVersion": {"note": "3.0.0"}}, headers=XSRF
        ),
        422,
        'Document "n1" has property "note" which belongs to a more recent version of OpenSearch Dashboards [3.0.0]. '
        "The last known version is [2.0.0]",
    )
    boom(
        http.post(
            "/api/saved_objects/visualization/v",
            json={"attributes": {}, "migrationVersion": {"visualization": "7.11.0"}},
            headers=XSRF,
        ),
        422,
        'Document "v" has property "visualization" which belongs to a more recent version of OpenSearch Dashboards '
        "[7.11.0]. The last known version is [7.10.0]",
    )
    boom(
        http.post(
            "/api/saved_objects/url/u", json={"attributes": {}, "migrationVersion": {"url": "1.0.0"}}, headers=XSRF
        ),
        422,
        'Document "u" has property "url" which belongs to a more recent version of OpenSearch Dashboards [1.0.0]. '
        "The last known version is [undefined]",
    )
    # In a bulk create it fails the whole request, and nothing is written.
    reply = http.post(
        "/api/saved_objects/_bulk_create",
        headers=XSRF,
        json=[
            {"type": "note", "id": "ok", "attributes": {}},
            {"type": "note", "id": "new", "attributes": {}, "migrationVersion": {"note": "9.0.0"}},
        ],
    )
    assert reply.status == 422
    assert http.get("/api/saved_objects/note/ok").status == 404


def test_migrations_run_on_fixture_load(tmp_path):
    fixture = tmp_path / "notes.json"
    fixture.write_text(
        json.dumps(
            {
                "dashboards": {
                    "saved_objects": {
                        "note": {
                            "n1": {"attributes": {"title": "old"}, "migrationVersion": {"note": "1.0.0"}},
                            "n2": {"attributes": {"title": "current"}},
                        }
                    }
                }
            }
        )
    )
    http = custom_app(fixture)
    got = http.get("/api/saved_objects/note/n1").json
    assert got["attributes"] == {"name": "old"} and got["migrationVersion"] == {"note": "2.0.0"}
    assert http.get("/api/saved_objects/note/n2").json["attributes"] == {"title": "current"}


def test_types_from_fixtures(tmp_path):
    fixture = tmp_path / "types.json"
    fixture.write_text(
        json.dumps(
            {
                "dashboards": {
                    "types": {
                        "widget": {
                            "namespaceType": "multiple",
                            "management": {"importableAndExportable": True, "icon": "widgetApp"},
                            "mappings": {"properties": {"title": {"type": "text"}}},
                            "migrationVersions": ["1.1.0"],
                        }
                    }
                }
            }
        )
    )
    http = Http(create_app([fixture]).test_client())
    created = create(http, "widget", {"attributes": {"title": "w"}, "initialNamespaces": ["a", "b"]})
    assert created["migrationVersion"] == {"widget": "1.1.0"} and created["namespaces"] == ["a", "b"]


def test_a_type_registered_twice_fails_at_start():
    with pytest.raises(ValueError, match="already registered"):
        create_app(saved_object_types=[SavedObjectsType("dashboard")])


def test_reset_keeps_python_types():
    app = create_app(saved_object_types=[SavedObjectsType("note", migrations={"1.0.0": add_owner})])
    client = app.test_client()
    client.post("/_mock/reset")
    reply = client.post("/api/saved_objects/note", json={"attributes": {}, "migrationVersion": {}}, headers=XSRF)
    assert reply.status_code == 200 and reply.json["attributes"] == {"owner": "nobody"}


def test_bulk_item_errors_are_boom_payloads_in_booms_order(http):
    # errorContent(error) is the Boom error's output.payload: statusCode, error, message, in that order.
    create(http, "visualization", {"attributes": {}}, "exists")
    got = http.post(
        "/api/saved_objects/_bulk_get",
        json=[{"type": "visualization", "id": "missing"}, {"type": "wigwag", "id": "x"}],
        headers=XSRF,
    )
    created = http.post(
        "/api/saved_objects/_bulk_create",
        json=[{"type": "visualization", "id": "exists", "attributes": {}}, {"type": "wigwag", "attributes": {}}],
        headers=XSRF,
    )
    updated = http.put(
        "/api/saved_objects/_bulk_update",
        json=[{"type": "visualization", "id": "nope", "attributes": {}}],
        headers=XSRF,
    )
    items = [*got.json["saved_objects"], *created.json["saved_objects"], *updated.json["saved_objects"]]
    for item in items:
        assert list(item["error"]) == ["statusCode", "error", "message"], item
    assert '"error":{"statusCode":404,"error":"Not Found","message":"Saved object [visualization/missing] not ' in (
        got.text
    )
    # An object sent without an id has none in its error either (id: object.id, undefined, left out of JSON).
    assert created.json["saved_objects"][1] == {
        "type": "wigwag",
        "error": {
            "statusCode": 400,
            "error": "Bad Request",
            "message": "Unsupported saved object type: 'wigwag': Bad Request",
        },
    }
