"""Saved-object types: the built-in ones, and those registered from Python or fixtures.

A type is what a plugin's ``registerType`` gives OpenSearch Dashboards (src/core/server/saved_objects/
saved_objects_type_registry.ts): a name, a namespace type, whether it is hidden, management flags
(importable and exportable, icon, default search field), mappings, and migrations (a function per
version). Migrations are applied to every object created or loaded from fixtures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..versions import order_key
from .errors import UnsupportedType
from .versions import Release

Migration = Callable[[dict], dict]

TEXT = {"type": "text"}
KEYWORD = {"type": "keyword"}
INTEGER = {"type": "integer"}


@dataclass
class SavedObjectsType:
    """What ``registerType`` takes. ``migrations`` maps a version (``"7.9.3"``) to a function that
    receives a saved-object document (``{id, type, attributes, references, migrationVersion}``) and
    returns it migrated."""

    name: str
    namespace_type: str = "single"  # "single" | "multiple" | "agnostic"
    hidden: bool = False
    importable_and_exportable: bool = True
    icon: str | None = None
    default_search_field: str | None = None
    title_attribute: str | None = "title"
    mappings: dict[str, dict] = field(default_factory=dict)  # attribute (dotted path) -> {"type": ...}
    migrations: dict[str, Migration] = field(default_factory=dict)

    @property
    def latest_migration(self) -> str | None:
        return max(self.migrations, key=order_key, default=None)

    def title_of(self, attributes: dict[str, Any], object_id: str) -> str | None:
        if self.name == "config":
            return f"Advanced Settings [{object_id}]"
        return attributes.get(self.title_attribute) if self.title_attribute else None


def keep_document(doc: dict) -> dict:
    """The built-in types' migrations are not replayed here: an object comes out unchanged, marked
    with the version its type's newest migration has (the repository asks for this function: such a
    migration changes nothing it must copy first)."""
    return doc


def _builtin(
    name: str,
    icon: str | None,
    latest: str | None,
    mappings: dict,
    search_field: str | None = "title",
    title: str | None = "title",
) -> SavedObjectsType:
    return SavedObjectsType(
        name,
        icon=icon,
        default_search_field=search_field,
        title_attribute=title,
        mappings=mappings,
        migrations={latest: keep_document} if latest else {},
    )


NOT_INDEXED = {"type": "text", "index": False}
DISABLED = {"type": "object", "enabled": False}


def no_doc_values(kind: str) -> dict:
    return {"type": kind, "index": False, "doc_values": False}


# Mapped attributes (dotted paths) of the built-in types: what search, filter and sort can reach.
SEARCH_SOURCE = {"kibanaSavedObjectMeta.searchSourceJSON": NOT_INDEXED}
BUILT_IN_TYPES = (
    _builtin("index-pattern", "indexPatternApp", "7.6.0", {"title": TEXT, "type": KEYWORD, "dataSource": KEYWORD}),
    _builtin(
        "visualization",
        "visualizeApp",
        "7.10.0",
        {
            "description": TEXT,
            **SEARCH_SOURCE,
            "savedSearchRefName": no_doc_values("keyword"),
            "title": TEXT,
            "uiStateJSON": NOT_INDEXED,
            "version": INTEGER,
            "visState": NOT_INDEXED,
        },
    ),
    _builtin(
        "dashboard",
        "dashboardApp",
        "7.9.3",
        {
            "description": TEXT,
            "hits": no_doc_values("integer"),
            **SEARCH_SOURCE,
            "optionsJSON": NOT_INDEXED,
            "panelsJSON": NOT_INDEXED,
            "refreshInterval.display": no_doc_values("keyword"),
            "refreshInterval.pause": no_doc_values("boolean"),
            "refreshInterval.section": no_doc_values("integer"),
            "refreshInterval.value": no_doc_values("integer"),
            "timeFrom": no_doc_values("keyword"),
            "timeRestore": no_doc_values("boolean"),
            "timeTo": no_doc_values("keyword"),
            "title": TEXT,
            "version": INTEGER,
        },
    ),
    _builtin(
        "search",
        "discoverApp",
        "7.9.3",
        {
            "columns": no_doc_values("keyword"),
            "description": TEXT,
            "hits": no_doc_values("integer"),
            **SEARCH_SOURCE,
            "sort": no_doc_values("keyword"),
            "columnWidths": DISABLED,
            "title": TEXT,
            "version": INTEGER,
        },
    ),
    _builtin("config", None, "7.9.0", {"buildNum": KEYWORD}, search_field=None, title=None),
    _builtin(
        "query",
        "search",
        None,
        {
            "title": TEXT,
            "description": TEXT,
            "query.language": KEYWORD,
            "query.query": {"type": "keyword", "index": False},
            "filters": DISABLED,
            "timefilter": DISABLED,
        },
    ),
    _builtin(
        "url",
        "link",
        None,
        {
            "accessCount": {"type": "long"},
            "accessDate": {"type": "date"},
            "createDate": {"type": "date"},
            "url": {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 2048}}},
        },
        search_field="url",
        title="url",
    ),
    _builtin(
        "augment-vis",
        None,
        None,
        {
            "description": TEXT,
            "pluginResourceId": TEXT,
            "visName": no_doc_values("keyword"),
            "visLayerExpressionFn.name": TEXT,
            "visLayerExpressionFn.args": {"type": "object"},
            "version": INTEGER,
        },
        search_field=None,
    ),
    # The vis_builder plugin's type (vis_builder_app.ts): no icon (a TODO there), the title by getTitle,
    # searched by title, and no migrations of its own (``migrations: {}``) in any release: the 2.3.0
    # wizard's '2.3.0' migrateIndexPattern (vis_builder_migration.ts) was left out of 2.4.0 with the
    # rename ("we decided to not include any migration steps for VisBuilder in the 2.4 release", #2740).
    _builtin(
        "visualization-visbuilder",
        None,
        None,
        {
            "title": TEXT,
            "description": TEXT,
            "visualizationState": NOT_INDEXED,
            "styleState": NOT_INDEXED,
            "uiState": NOT_INDEXED,
            "version": INTEGER,
            **SEARCH_SOURCE,
        },
    ),
    SavedObjectsType(
        "workspace",
        namespace_type="agnostic",
        importable_and_exportable=False,
        title_attribute="name",
        mappings={"name": KEYWORD, "description": TEXT, "features": KEYWORD},
    ),
)

# The first release that registers a built-in type (the others are there from 1.0, the Kibana 7.10.2
# fork's: index-pattern, visualization, dashboard, search, config, query, url). augment-vis: the
# vis_augmenter plugin, "Enable plugins to augment visualizations with additional data and context"
# (#4361, 2.9.0 release notes); workspace: the workspace plugin, "Setup workspace skeleton and implement
# basic CRUD API" (#5075, 2.14.0 release notes); visualization-visbuilder: the vis_builder plugin, "Change
# save object type, wizard id and name to visBuilder" (#2673) and "Enable VisBuilder by default" (#2725),
# both 2.4.0 release notes (before, the experimental plugin's type was ``wizard``, off by default).
# The built-in types' migrations are the same
# in every release (dashboard_migrations.ts ends at 7.9.3 from the fork on; OSD added none to them).
# data-source: the data_source plugin, "[Multi DataSource]" of the 2.4.0 release notes (#2448 its README,
# #2204, #2510, ...; none in 2.3.0's), registered only with ``data_source.enabled`` (data_source_type).
DATA_SOURCE = "data-source"
INTRODUCED_IN = {
    "augment-vis": "2.9.0",
    "workspace": "2.14.0",
    "visualization-visbuilder": "2.4.0",
    DATA_SOURCE: "2.4.0",
}

# The data_source plugin's own migration (#6025, "Create a migration function for datasource to add
# migrationVersion field", labelled v2.13.0): '2.4.0', a function that returns the document unchanged,
# so that a data source is stamped ``{"data-source": "2.4.0"}``; before, it carried no migrationVersion.
DATA_SOURCE_MIGRATION = ("2.13.0", "2.4.0")


def data_source_type(release: Release) -> SavedObjectsType:
    """src/plugins/data_source/server/saved_objects/data_source.ts as the release registers it: namespace
    agnostic, not hidden, icon ``apps`` (a "pending ux #2034" todo), searched and titled by ``title``,
    importable and exportable, ``mappings: {dynamic: false, properties: {title: {type: 'text'}}}`` (the
    feature branch's ``endpoint``/``version`` mappings, d43cbbc8's predecessors, predate the 2.4.0 release,
    which has the management URLs of #2209 and the title-only mapping), and the release's migrations."""
    since, version = DATA_SOURCE_MIGRATION
    return SavedObjectsType(
        DATA_SOURCE,
        namespace_type="agnostic",
        icon="apps",
        default_search_field="title",
        title_attribute="title",
        mappings={"title": TEXT},
        migrations={version: keep_document} if release.has(since) else {},
    )


def built_in_types(release: Release, *, data_source_enabled: bool = False) -> tuple[SavedObjectsType, ...]:
    """The built-in types a release registers: a newer type does not exist there (its objects are of an
    unknown type). The data_source plugin (``data_source.enabled``, default false: its config.ts) registers
    ``data-source`` in its setup; disabled, OSD's plugin service does not set it up at all."""
    types = tuple(t for t in BUILT_IN_TYPES if release.has(INTRODUCED_IN.get(t.name)))
    if data_source_enabled and release.has(INTRODUCED_IN[DATA_SOURCE]):
        types = (*types, data_source_type(release))
    return types


# Root fields every saved object has in the index (build_active_mappings.ts).
ROOT_FIELDS = {
    "type": KEYWORD,
    "namespace": KEYWORD,
    "namespaces": KEYWORD,
    "originId": KEYWORD,
    "updated_at": {"type": "date"},
    "references": {"type": "nested"},
    "migrationVersion": {"type": "object"},
    "workspaces": KEYWORD,
}


def flatten_mappings(properties: dict, prefix: str = "") -> dict[str, dict]:
    """``{"a": {"properties": {"b": {...}}}}`` as ``{"a.b": {...}}``; leaves keep their spec."""
    flat = {}
    for name, spec in properties.items():
        path = f"{prefix}{name}"
        if isinstance(spec, dict) and "properties" in spec:
            flat.update(flatten_mappings(spec["properties"], f"{path}."))
        else:
            flat[path] = spec
    return flat


class TypeRegistry:
    def __init__(self, types: tuple[SavedObjectsType, ...] = BUILT_IN_TYPES):
        self.types: dict[str, SavedObjectsType] = {}
        for saved_type in types:
            self.register(saved_type)

    def register(self, saved_type: SavedObjectsType) -> None:
        if saved_type.name in self.types:
            raise ValueError(f"Type '{saved_type.name}' is already registered")
        self.types[saved_type.name] = saved_type

    def get(self, name: str) -> SavedObjectsType | None:
        saved_type = self.types.get(name)
        return None if saved_type is None or saved_type.hidden else saved_type

    def require(self, name: str) -> SavedObjectsType:
        """The type, or the repository's 400 for a type it does not serve."""
        saved_type = self.get(name)
        if saved_type is None:
            raise UnsupportedType(name)
        return saved_type

    def exportable(self) -> list[str]:
        return [name for name, t in self.types.items() if t.importable_and_exportable and not t.hidden]


def type_from_fixture(name: str, spec: dict) -> SavedObjectsType:
    """A type a fixture registers: flags and mappings (its migrations can only come from Python)."""
    management = spec.get("management", {})
    return SavedObjectsType(
        name=name,
        namespace_type=spec.get("namespaceType", "single"),
        hidden=spec.get("hidden", False),
        importable_and_exportable=management.get("importableAndExportable", False),
        icon=management.get("icon"),
        default_search_field=management.get("defaultSearchField"),
        title_attribute=management.get("titleAttribute", "title"),
        mappings=flatten_mappings(spec.get("mappings", {}).get("properties", {})),
        migrations={version: keep_document for version in spec.get("migrationVersions", [])},
    )
