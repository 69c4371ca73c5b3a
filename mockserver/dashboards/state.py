"""OpenSearch Dashboards' state: its saved objects, and the types they may have.

Fixture section::

    {"types": {"my-type": {"namespaceType": "single", "management": {"importableAndExportable": true,
                                                                     "icon": "myApp", "defaultSearchField": "title"},
                           "mappings": {"properties": {"title": {"type": "text"}}}}},
     "saved_objects": {"index-pattern": {"<id>": {"attributes": {...}, "references": [...],
                                                   "migrationVersion": {...}, "updated_at": "..."}}},
     "settings": {"version": "3.6.0", "config": {"server.xsrf.disableProtection": true}}}

``settings.version`` is the OSD version to behave as (``osd-version``, the ``config`` object's id);
``settings.config`` takes opensearch_dashboards.yml's settings by their names (``mockserver.dashboards.config``).

Objects are migrated as they load. Types with migration functions are registered from Python
(``create_app(saved_object_types=[...])``); functions are code, not state, so they are kept out of the
snapshot that reset restores.
"""

from __future__ import annotations

import re

from ..boom import BoomError
from ..errors import FixtureError
from ..jsonvalue import clone
from ..versions import order_key
from . import config, workspaces
from .errors import MigrationNeedsAdminRole
from .repository import Repository, decode_version, migrate, now_iso
from .types import BUILT_IN_TYPES, SavedObjectsType, TypeRegistry, built_in_types, type_from_fixture
from .versions import DEFAULT_VERSION, Release, checked_version

# A development build's buildNum (Number.MAX_SAFE_INTEGER), as the default fixture's config has it.
BUILD_NUM = 9007199254740991


class DashboardsState:
    def __init__(self, python_types: tuple[SavedObjectsType, ...] = ()):
        self.repository = Repository()
        # savedObjects.maxImportExportSize and maxImportPayloadBytes, server.maxPayloadBytes and
        # opensearchDashboards.index, as OSD's config has them; "config" the settings given by their
        # opensearch_dashboards.yml names (mockserver.dashboards.config).
        self.settings = {
            "version": DEFAULT_VERSION,
            "max_import_export_size": 10000,
            "max_import_payload_bytes": 26214400,
            "max_payload_bytes": 1048576,
            "index": ".kibana",
            "config": {},
        }
        self.fixture_types: dict[str, dict] = {}
        self.types_generation = 0
        self._python_types = tuple(python_types)
        self._registry: tuple[tuple[int, str], TypeRegistry] | None = None
        TypeRegistry((*BUILT_IN_TYPES, *self._python_types))  # a type registered twice fails at start

    def __getstate__(self) -> dict:
        # The snapshot holds data only: the Python types (and the registry built from them) stay live.
        return {k: v for k, v in self.__dict__.items() if k not in ("_python_types", "_registry")}

    @property
    def types(self) -> TypeRegistry:
        """The release's built-in types (``types.built_in_types``; ``data-source`` with the data_source
        plugin on), then those given from Python and fixtures. With the workspace plugin on, its own
        (hidden) workspace type stands for the built-in one."""
        data_source_enabled = bool(self.config_value("data_source.enabled"))
        built_for = (self.types_generation, self.settings["version"], workspaces.enabled(self), data_source_enabled)
        if self._registry is None or self._registry[0] != built_for:
            fixture_types = tuple(type_from_fixture(n, spec) for n, spec in self.fixture_types.items())
            built_in = built_in_types(self.release, data_source_enabled=data_source_enabled)
            if built_for[2]:
                built_in = (*(t for t in built_in if t.name != workspaces.WORKSPACE), workspaces.WORKSPACE_TYPE)
            self._registry = (built_for, TypeRegistry((*built_in, *self._python_types, *fixture_types)))
        return self._registry[1]

    @property
    def release(self) -> Release:
        """The version the mock behaves as: ask ``release.at_least(2, 18)`` for what differs by version."""
        return Release(self.settings["version"])

    def config_value(self, key: str):
        """An opensearch_dashboards.yml setting: as given, else OSD's default."""
        return config.value_of(self.settings["config"], key)

    def authorize_migration(self, roles: list[str] | None) -> None:
        """migrate_authz.test.ts: with an auth provider (the security plugin; ``roles`` the user's) only a
        user with one of ``migrations.adminRoles`` (saved_objects_config.ts, default ``all_access``) may
        rerun the migrations, else 403; without one (``roles`` None) anyone may. Only in the releases
        after 3.9 (config.MIGRATE_NEEDS_ADMIN_ROLE_SINCE); before, any user may."""
        if not self.release.has(config.MIGRATE_NEEDS_ADMIN_ROLE_SINCE):
            return
        if roles is not None and not any(role in self.config_value("migrations.adminRoles") for role in roles):
            raise MigrationNeedsAdminRole()

    def load(self, section: dict, source: str) -> None:
        settings = dict(section.get("settings", {}))
        if "version" in settings:
            try:
                checked_version(settings["version"], "dashboards.settings.version")
            except ValueError as e:
                raise FixtureError(source, "/dashboards/settings/version", str(e)) from None
        if "config" in settings:
            try:
                given = config.validated(
                    {**self.settings["config"], **config.flattened(settings.pop("config"))},
                    settings.get("version", self.settings["version"]),
                )
            except ValueError as e:
                raise FixtureError(source, "/dashboards/settings/config", str(e)) from None
            settings = {**settings, "config": given, **config.settings_of(given)}
        self.settings.update(settings)
        if section.get("types"):
            self.fixture_types.update(section["types"])
            self.types_generation += 1
        try:
            # builds the registry: a type registered twice (a fixture's, a Python one, the one a setting's
            # plugin registers: data_source.enabled) refuses the fixture
            types = self.types
        except ValueError as e:
            raise FixtureError(source, "/dashboards/types", str(e)) from None
        loaded_at = None  # one load is one moment: its objects without an updated_at share it
        for so_type, objects in section.get("saved_objects", {}).items():
            saved_type = types.types.get(so_type)  # a hidden type's objects are in the index too
            if saved_type is None:
                raise FixtureError(
                    source, f"/dashboards/saved_objects/{so_type}", f"unknown saved object type [{so_type}]"
                )
            for so_id, stored in objects.items():
                place = f"/dashboards/saved_objects/{so_type}/{so_id}"
                # The store hands a load a document of its own (StateStore.load): its parts are kept.
                doc = {
                    "id": so_id,
                    "type": so_type,
                    "attributes": stored["attributes"],
                    "references": stored.get("references", []),
                }
                if stored.get("migrationVersion") is not None:
                    doc["migrationVersion"] = dict(stored["migrationVersion"])
                try:
                    doc = migrate(doc, saved_type)
                except BoomError as e:
                    raise FixtureError(source, place, e.message) from None
                updated_at = stored.get("updated_at")
                if not updated_at:
                    updated_at = loaded_at = loaded_at or now_iso()
                doc["updated_at"] = updated_at
                for optional in ("namespaces", "originId", "workspaces", "permissions"):
                    if stored.get(optional) is not None:
                        doc[optional] = stored[optional]
                counter = self.repository.seq_no
                written = self.repository.write(doc, saved_type)
                if stored.get("version"):  # a dump, or a documented object: it keeps its version
                    try:
                        written["_seq_no"], written["_primary_term"] = decode_version(stored["version"])
                    except BoomError as e:
                        raise FixtureError(source, f"{place}/version", e.message) from None
                    # Later writes go on after the highest seq_no seen, in the newest primary term.
                    self.repository.seq_no = max(counter, written["_seq_no"])
                    self.repository.primary_term = max(self.repository.primary_term, written["_primary_term"])

    def upgrade_config(self) -> None:
        """The ``config`` object of the running version, as uiSettings' createOrUpgradeSavedConfig
        writes it when missing, in a state that holds config objects (one with none stands for an
        instance no browser has opened yet, so it stays empty): the attributes of the newest older
        release's config (get_upgradeable_config.ts: by buildNum, not a newer version, no
        alpha/beta/snapshot), with this build's buildNum."""
        version = self.settings["version"]
        configs = self.repository.by_type.get("config", {})
        if not configs or version in configs:
            return
        current = order_key(version)
        older = [
            doc
            for so_id, doc in configs.items()
            if re.fullmatch(r"\d+\.\d+\.\d+(-rc\d+)?", so_id) and order_key(so_id) < current
        ]
        older.sort(key=lambda doc: -(doc["attributes"].get("buildNum") or 0))
        attributes = {**(clone(older[0]["attributes"]) if older else {}), "buildNum": BUILD_NUM}
        saved_type = self.types.get("config")
        doc = migrate({"id": version, "type": "config", "attributes": attributes, "references": []}, saved_type)
        doc["updated_at"] = now_iso()
        self.repository.write(doc, saved_type)

    def dump(self) -> dict:
        from .repository import encode_version

        objects: dict[str, dict] = {}
        for so_type, by_id in self.repository.by_type.items():
            for so_id, doc in by_id.items():
                entry = {
                    k: clone(doc[k]) for k in ("attributes", "references", "migrationVersion", "updated_at") if k in doc
                }
                for optional in ("namespaces", "originId", "workspaces", "permissions"):
                    if doc.get(optional) is not None:
                        entry[optional] = clone(doc[optional])
                entry["version"] = encode_version(doc["_seq_no"], doc["_primary_term"])
                objects.setdefault(so_type, {})[so_id] = entry
        # The settings as a user gives them: the version and opensearch_dashboards.yml's keys (the rest
        # is derived from those).
        settings = {"version": self.settings["version"], "config": clone(self.settings["config"])}
        return {"settings": settings, "types": clone(self.fixture_types), "saved_objects": objects}
