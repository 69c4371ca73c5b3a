"""Built-in saved-object types that differ by release and setting, each pinned at explicit releases (so the
test matrix's legs do not change what is asserted).

* ``data-source``: the data_source plugin's type (src/plugins/data_source/server/saved_objects/
  data_source.ts, registered by the plugin's setup in plugin.ts), only with ``data_source.enabled: true``
  (its config.ts, default false; disabled, the plugin is not set up), from 2.4.0 (the "[Multi DataSource]"
  entries of the 2.4.0 release notes). Stored versions read: d43cbbc8 (agnostic, icon ``apps``, title
  only in the mappings, no migrations) and the one with ``migrations: {'2.4.0': migrateDataSource}``
  (#6025, labelled v2.13.0).
* Export hides a data source's credentials from 2.15.0 (export/get_sorted_objects_for_export.ts,
  #6928, labelled v2.15.0).
* ``visualization-visbuilder`` has no migrations in any release (vis_builder_app.ts ``migrations: {}``;
  #2740: no VisBuilder migration step in 2.4).
* A type without migrations: DocumentMigrator's transform deletes an empty ``migrationVersion``
  (migrations/core/document_migrator.ts buildDocumentTransform, commit 08d1c138), so create, get and find
  answer none, whatever the client sent.
"""

from __future__ import annotations

import io
import json

import pytest
from conftest import Http, boom, fixture_app

from mockserver import create_app
from mockserver.errors import FixtureError

SO = "/api/saved_objects"
NO_XSRF = {"server.xsrf.disableProtection": True}
CREDENTIALS = {"type": "username_password", "credentials": {"username": "admin", "password": "secret"}}
DATA_SOURCE = {"title": "remote", "endpoint": "https://remote.example:9200", "auth": CREDENTIALS}


def dashboards(version: str, **config) -> Http:
    """An OSD of exactly this release and these settings (the matrix's own are not merged in)."""
    app = create_app(
        products=["dashboards"],
        default_fixtures=False,
        dashboards_version=version,
        dashboards_config={**NO_XSRF, **config},
    )
    return Http(app.test_client())


def with_data_sources(version: str) -> Http:
    return dashboards(version, **{"data_source.enabled": True})


def created(osd: Http, so_type: str, so_id: str, attributes: dict, **body) -> dict:
    reply = osd.post(f"{SO}/{so_type}/{so_id}", json={"attributes": attributes, **body})
    assert reply.status == 200, reply.text
    return reply.json


def exported(osd: Http, body: dict) -> list[dict]:
    reply = osd.post(f"{SO}/_export", json=body)
    assert reply.status == 200, reply.text
    return [json.loads(line) for line in reply.text.splitlines()]


# -- data-source: which releases and settings register it -----------------------------------------------
@pytest.mark.parametrize(
    "version, config",
    [("3.6.0", {}), ("2.19.0", {"data_source.enabled": False}), ("2.3.0", {})],
)
def test_without_the_plugin_data_source_is_an_unknown_type(version, config):
    """Setting off (or a release before the plugin): repository.ts's answers for a type it does not serve."""
    osd = dashboards(version, **config)
    # find of only unknown types: SavedObjectsUtils.createEmptyFindResponse
    assert osd.get(f"{SO}/_find?type=data-source").json == {"page": 1, "per_page": 20, "total": 0, "saved_objects": []}
    boom(
        osd.post(f"{SO}/data-source/ds-1", json={"attributes": DATA_SOURCE}),
        400,
        "Unsupported saved object type: 'data-source': Bad Request",
    )
    boom(osd.get(f"{SO}/data-source/ds-1"), 404, "Saved object [data-source/ds-1] not found")
    boom(
        osd.post(f"{SO}/_export", json={"type": ["data-source"]}),
        400,
        "Trying to export non-exportable type(s): data-source",
    )


def settings(version: str, **config) -> dict:
    """A fixture's own settings: the types its objects need are those of its release and config (a
    fixture loads before create_app's options are applied)."""
    return {"version": version, "config": {**NO_XSRF, **config}}


def test_a_fixture_object_of_data_source_needs_the_plugin(tmp_path):
    objects = {"data-source": {"ds-1": {"attributes": {"title": "t"}}}}
    document = {"dashboards": {"settings": settings("2.19.0"), "saved_objects": objects}}
    with pytest.raises(FixtureError, match=r"unknown saved object type \[data-source\]"):
        fixture_app(tmp_path, document)
    document["dashboards"]["settings"] = settings("2.19.0", **{"data_source.enabled": True})
    http = fixture_app(tmp_path, document)
    assert http.get(f"{SO}/data-source/ds-1").json["attributes"] == {"title": "t"}


def test_a_fixture_cannot_register_data_source_beside_the_plugin(tmp_path):
    """SavedObjectTypeRegistry.registerType: a name registered twice throws (the plugin registers it)."""
    document = {
        "dashboards": {
            "settings": settings("2.19.0", **{"data_source.enabled": True}),
            "types": {"data-source": {"namespaceType": "agnostic"}},
        }
    }
    with pytest.raises(FixtureError, match="already registered"):
        fixture_app(tmp_path, document)


# -- data-source: the type as data_source.ts has it ---------------------------------------------------
@pytest.mark.parametrize("version", ["2.4.0", "2.12.0", "2.13.0", "3.6.0"])
def test_data_source_is_namespace_agnostic_and_found_by_title(version):
    osd = with_data_sources(version)
    answer = created(osd, "data-source", "ds-1", DATA_SOURCE)
    assert "namespaces" not in answer  # rawToSavedObject: none for an agnostic type
    assert osd.get(f"{SO}/data-source/ds-1").json["namespaces"] == []  # repository.get: [] when agnostic
    # defaultSearchField title: a search without search_fields looks in the title
    found = osd.get(f"{SO}/_find?type=data-source&search=remote").json
    assert [o["id"] for o in found["saved_objects"]] == ["ds-1"]


def test_data_source_maps_only_its_title():
    """mappings {dynamic: false, properties: {title: text}}: a filter on another attribute is refused by
    validateConvertFilterToKueryNode, and a sort on it by the index (a field it does not map)."""
    osd = with_data_sources("2.19.0")
    created(osd, "data-source", "ds-1", DATA_SOURCE)
    boom(
        osd.get(f"{SO}/_find?type=data-source&filter=data-source.attributes.endpoint:x"),
        400,
        "This key 'data-source.attributes.endpoint' does NOT exist in data-source saved object index patterns: "
        "Bad Request",
    )
    found = osd.get(f"{SO}/_find?type=data-source&filter=data-source.attributes.title:remote").json
    assert found["total"] == 1


@pytest.mark.parametrize("version, stamp", [("2.4.0", None), ("2.12.0", None), ("2.13.0", "2.4.0"), ("3.6.0", "2.4.0")])
def test_the_data_source_migration_is_2_13s(version, stamp):
    """#6025 (v2.13.0) adds migrations {'2.4.0': migrateDataSource}: every data source written is stamped
    with it; before, the type has none and its objects carry no migrationVersion."""
    osd = with_data_sources(version)
    expected = {"data-source": stamp} if stamp else None
    assert created(osd, "data-source", "ds-1", DATA_SOURCE).get("migrationVersion") == expected
    assert osd.get(f"{SO}/data-source/ds-1").json.get("migrationVersion") == expected
    (found,) = osd.get(f"{SO}/_find?type=data-source").json["saved_objects"]
    assert found.get("migrationVersion") == expected


def test_an_imported_data_source_is_titled_and_iconed_as_the_type_says():
    """getTitle: attributes.title; management icon 'apps' (data_source.ts)."""
    osd = with_data_sources("2.19.0")
    line = json.dumps({"type": "data-source", "id": "ds-9", "attributes": DATA_SOURCE, "references": []})
    # dataSourceEnabled (2.15.0 on): without it the importer refuses data sources as unsupported types
    reply = osd.post(
        f"{SO}/_import?dataSourceEnabled=true", data={"file": (io.BytesIO(line.encode()), "export.ndjson")}
    )
    assert reply.json["successResults"] == [
        {"type": "data-source", "id": "ds-9", "meta": {"title": "remote", "icon": "apps"}}
    ]
    assert osd.get(f"{SO}/data-source/ds-9").json["migrationVersion"] == {"data-source": "2.4.0"}


# -- data-source: export hides the credentials from 2.15.0 ----------------------------------------------
def test_export_replaces_each_credential_with_the_placeholder_from_2_15():
    osd = with_data_sources("2.15.0")
    created(osd, "data-source", "ds-1", {**DATA_SOURCE, "description": "d"})
    (line, _details) = exported(osd, {"type": ["data-source"]})
    assert line["attributes"] == {
        "title": "remote",
        "endpoint": "https://remote.example:9200",
        "description": "d",
        "auth": {
            "type": "username_password",
            "credentials": {"username": "pleaseUpdateCredentials", "password": "pleaseUpdateCredentials"},
        },
    }
    assert osd.get(f"{SO}/data-source/ds-1").json["attributes"]["auth"] == CREDENTIALS  # the stored one stays


def test_export_of_a_data_source_without_credentials_keeps_only_its_auth_type():
    osd = with_data_sources("2.19.0")
    created(osd, "data-source", "ds-1", {"title": "open", "auth": {"type": "no_auth", "extra": 1}})
    (line, _details) = exported(osd, {"objects": [{"type": "data-source", "id": "ds-1"}]})
    assert line["attributes"] == {"title": "open", "auth": {"type": "no_auth"}}


def test_export_of_a_data_source_without_auth_fails_from_2_15():
    """The exporter reads auth.type of an undefined auth: a TypeError, the route's generic 500."""
    osd = with_data_sources("2.15.0")
    created(osd, "data-source", "ds-1", {"title": "bare"})
    boom(osd.post(f"{SO}/_export", json={"type": ["data-source"]}), 500, "An internal server error occurred.")


def test_export_before_2_15_carries_the_credentials_as_stored():
    osd = with_data_sources("2.14.0")
    created(osd, "data-source", "ds-1", DATA_SOURCE)
    created(osd, "data-source", "ds-2", {"title": "bare"})
    lines = exported(osd, {"type": ["data-source"]})
    assert [line["attributes"].get("auth") for line in lines[:-1]] == [CREDENTIALS, None]


# -- types without migrations: no migrationVersion in the answers ------------------------------------
@pytest.mark.parametrize("version", ["2.4.0", "2.17.1", "3.6.0"])
def test_visualization_visbuilder_has_no_migration_in_any_release(version):
    osd = dashboards(version)
    answer = created(osd, "visualization-visbuilder", "vb-1", {"title": "VB"})
    assert "migrationVersion" not in answer
    assert "migrationVersion" not in osd.get(f"{SO}/visualization-visbuilder/vb-1").json


@pytest.mark.parametrize("given", [None, {}, {"visualization": "7.10.0"}])
def test_a_type_without_migrations_answers_no_migration_version(given):
    """document_migrator.ts: ``if (_.isEmpty(result.migrationVersion)) delete result.migrationVersion``;
    an entry for another type is kept (nothing migrates it)."""
    osd = dashboards("2.17.1")
    body = {} if given is None else {"migrationVersion": given}
    answer = created(osd, "query", "q-1", {"title": "Q", "query": {"query": "", "language": "kuery"}}, **body)
    expected = given or None
    assert answer.get("migrationVersion") == expected
    assert osd.get(f"{SO}/query/q-1").json.get("migrationVersion") == expected
    bulk = osd.post(f"{SO}/_bulk_create", json=[{"type": "url", "id": "u-1", "attributes": {"url": "/app"}, **body}])
    assert bulk.json["saved_objects"][0].get("migrationVersion") == expected


# -- import: data sources without dataSourceEnabled --------------------------------------------------
@pytest.mark.parametrize("version, refused", [("2.14.0", False), ("2.15.0", True), ("3.6.0", True)])
def test_an_import_refuses_data_sources_without_data_source_enabled_from_2_15(version, refused):
    """#6395 (backport #6913, v2.15.0): an import without dataSourceEnabled refuses data-source objects as
    unsupported types; before, the importer takes them as any other type."""
    osd = with_data_sources(version)
    line = json.dumps({"type": "data-source", "id": "ds-9", "attributes": DATA_SOURCE, "references": []})
    answer = osd.post(f"{SO}/_import", data={"file": (io.BytesIO(line.encode()), "export.ndjson")}).json
    if refused:
        assert answer["success"] is False and answer["errors"][0]["error"] == {"type": "unsupported_type"}
        assert osd.get(f"{SO}/data-source/ds-9").status == 404
    else:
        assert answer["successResults"] == [
            {"type": "data-source", "id": "ds-9", "meta": {"title": "remote", "icon": "apps"}}
        ]


def test_a_python_type_named_data_source_is_refused_once_the_plugin_registers_it():
    from mockserver.dashboards.types import SavedObjectsType

    own = SavedObjectsType("data-source", namespace_type="agnostic")
    app = create_app(products=["dashboards"], default_fixtures=False, saved_object_types=[own])  # plugin off
    assert Http(app.test_client()).get(f"{SO}/_find?type=data-source").json["total"] == 0
    with pytest.raises(FixtureError, match="Type 'data-source' is already registered"):
        create_app(
            products=["dashboards"],
            default_fixtures=False,
            saved_object_types=[own],
            dashboards_config={"data_source.enabled": True},
        )
