"""OpenSearch Dashboards' saved objects routes: each calls the repository and answers.

The ``_`` routes come before ``{type}/{id}``: hapi routes a literal segment before a parameter, and
so does werkzeug.
"""

from __future__ import annotations

from ..jsonvalue import collection_paused
from ..product import Raw
from . import exports, imports
from .http import DASHBOARDS, DashboardsCall, saved_objects_client, security_plugin_roles, workspace_scope

route = DASHBOARDS.operation
BASE = "/api/saved_objects"


def _client(call: DashboardsCall):
    """The saved-objects client of the request: the repository, through the workspace plugin's
    wrappers when it is on (the same calls)."""
    scope = workspace_scope(call)
    return saved_objects_client(call) if scope is None else scope


@route("POST", f"{BASE}/_bulk_get", "saved_objects.bulk_get")
def bulk_get(call: DashboardsCall):
    return 200, _client(call).bulk_get(call.state.types, call.body)


@route("POST", f"{BASE}/_bulk_create", "saved_objects.bulk_create")
def bulk_create(call: DashboardsCall):
    q = call.query
    with collection_paused():
        return 200, _client(call).bulk_create(
            call.state.types,
            call.body,
            overwrite=q.get("overwrite", False),
            workspaces=_list(q.get("workspaces")),
            owned=True,  # the body parsed for this call
        )


@route("PUT", f"{BASE}/_bulk_update", "saved_objects.bulk_update")
def bulk_update(call: DashboardsCall):
    return 200, saved_objects_client(call).bulk_update(call.state.types, call.body)


@route("GET", f"{BASE}/_find", "saved_objects.find")
def find(call: DashboardsCall):
    q = call.query
    return 200, _client(call).find(
        call.state.types,
        type=_list(q["type"]),
        per_page=q.get("per_page", 20),
        page=q.get("page", 1),
        search=q.get("search"),
        default_search_operator=q.get("default_search_operator", "OR"),
        search_fields=_list(q.get("search_fields")),
        sort_field=q.get("sort_field"),
        has_reference=q.get("has_reference"),
        fields=_list(q.get("fields")),
        filter=q.get("filter"),
        namespaces=_list(q.get("namespaces")),
        workspaces=_list(q.get("workspaces")),
    )


@route("POST", f"{BASE}/_export", "saved_objects.export")
def export(call: DashboardsCall):
    body = call.body
    lines, details = exports.export(
        _client(call),
        call.state.types,
        type=_list(body.get("type")),
        objects=body.get("objects"),
        search=body.get("search"),
        include_references_deep=body.get("includeReferencesDeep", False),
        exclude_export_details=body.get("excludeExportDetails", False),
        workspaces=_list(body.get("workspaces")),
        size_limit=call.state.settings["max_import_export_size"],
        redact_credentials=call.state.release.at_least(*exports.REDACTS_CREDENTIALS_SINCE),
    )
    content = exports.export_ndjson(lines, details)
    return 200, Raw(
        content,
        "application/ndjson",
        {"Content-Disposition": 'attachment; filename="export.ndjson"'},
        checked=[*lines, *([details] if details else [])],
    )


@route("POST", f"{BASE}/_import", "saved_objects.import")
def import_objects(call: DashboardsCall):
    q = call.query
    with collection_paused():
        return 200, imports.import_objects(
            _import_target(call),
            call.body["file"],
            overwrite=q.get("overwrite", False),
            create_new_copies=q.get("createNewCopies", False),
            data_source_enabled=q.get("dataSourceEnabled", False)
            or not call.state.release.at_least(*imports.REFUSES_DATA_SOURCE_OBJECTS_SINCE),
            limit=call.state.settings["max_import_export_size"],
        )


@route("POST", f"{BASE}/_resolve_import_errors", "saved_objects.resolve_import_errors")
def resolve_import_errors(call: DashboardsCall):
    with collection_paused():
        return 200, imports.resolve_import_errors(
            _import_target(call),
            call.body["file"],
            call.body["retries"],
            create_new_copies=call.query.get("createNewCopies", False),
            limit=call.state.settings["max_import_export_size"],
        )


def _import_target(call: DashboardsCall) -> imports.ImportTarget:
    client = saved_objects_client(call)
    return imports.ImportTarget(
        client,
        call.state.types,
        workspaces=_list(call.query.get("workspaces")),
        data_source_id=call.query.get("dataSourceId") or None,
        node_major=call.state.release.node_major,
        scope=workspace_scope(call, client),
    )


@route("POST", f"{BASE}/_log_legacy_import", "saved_objects.log_legacy_import")
def log_legacy_import(call: DashboardsCall):
    # log_legacy_import.ts: validates nothing, logs a deprecation warning (the server's log) and
    # answers; the objects of a legacy .json import are written by the browser, one create each.
    return 200, {"success": True}


@route("POST", "/internal/saved_objects/_migrate", "saved_objects.migrate")
def migrate(call: DashboardsCall):
    # migrate.ts: runMigrations({rerun: true}). The mock migrates every object as it is written, so
    # the saved objects index never holds an out-of-date document: the migrator skips it.
    # (migrate.ts's 409 for a second call while one runs: the mock's run is instant.)
    call.state.authorize_migration(None if call.principal is None else security_plugin_roles(call.principal))
    return 200, {"success": True}


@route("GET", f"{BASE}/<type>/<id>", "saved_objects.get")
def get(call: DashboardsCall):
    return 200, _client(call).get(call.state.types, call.path["type"], call.path["id"])


@route("POST", f"{BASE}/<type>", "saved_objects.create")
@route("POST", f"{BASE}/<type>/<id>", "saved_objects.create")
def create(call: DashboardsCall):
    body = {**call.body, "id": call.path.get("id")}
    return 200, _client(call).create(
        call.state.types, call.path["type"], body, overwrite=call.query.get("overwrite", False)
    )


@route("PUT", f"{BASE}/<type>/<id>", "saved_objects.update")
def update(call: DashboardsCall):
    return 200, saved_objects_client(call).update(call.state.types, call.path["type"], call.path["id"], call.body)


@route("DELETE", f"{BASE}/<type>/<id>", "saved_objects.delete")
def delete(call: DashboardsCall):
    return 200, saved_objects_client(call).delete(call.state.types, call.path["type"], call.path["id"])


def _list(value) -> list[str] | None:
    if value is None:
        return None
    return value if isinstance(value, list) else [value]
