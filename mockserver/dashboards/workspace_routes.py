"""The workspace plugin's routes (src/plugins/workspace/server/routes/index.ts and duplicate.ts), there
only with ``workspace.enabled: true``: each parses, asks :class:`~mockserver.dashboards.workspaces.WorkspaceClient`
and answers its ``{success, result}`` or ``{success: false, error}`` with a 200 (handleLegacyErrors
answers only what is thrown: a request the schemas refuse, the duplicate route's own 400s)."""

from __future__ import annotations

from . import exports, imports, permissions, workspaces
from .errors import MissingWorkspaceId
from .http import DASHBOARDS, DashboardsCall, request_principals, workspace_scope

BASE = "/api/workspaces"


def route(method: str, rule: str, schema: str, since: tuple[int, int] | None = None):
    def available(runtime) -> bool:
        state = runtime.store.products[DASHBOARDS.name]
        return workspaces.enabled(state) and (since is None or state.release.at_least(*since))

    return DASHBOARDS.operation(method, rule, schema, available=available)


def _client(call: DashboardsCall) -> workspaces.WorkspaceClient:
    return permissions.workspace_client(call.state, request_principals(call.principal))


@route("POST", f"{BASE}/_list", "workspaces.list")
def list_workspaces(call: DashboardsCall):
    body = {"perPage": 20, "page": 1, **call.body}
    return 200, _client(call).list(body)


@route("POST", f"{BASE}/_duplicate_saved_objects", "workspaces.duplicate_saved_objects")
def duplicate_saved_objects(call: DashboardsCall):
    body = call.body
    state = call.state
    target_workspace = body["targetWorkspace"]
    limit = state.settings["max_import_export_size"]
    scope = workspace_scope(call)  # the plugin is on: the route exists only then

    def copy() -> dict:
        # exportSavedObjectsToStream with the request's client, then importSavedObjectsFromStream as
        # new copies (createNewCopies: true, overwrite: false) into the target workspace.
        lines, _ = exports.export(
            scope,
            state.types,
            objects=body["objects"],
            include_references_deep=body.get("includeReferencesDeep", True),
            exclude_export_details=True,
            size_limit=limit,
        )
        target = imports.ImportTarget(scope.repository, state.types, workspaces=[target_workspace], scope=scope)
        file = {"filename": "duplicate.ndjson", "text": exports.export_ndjson(lines, None)}
        return imports.import_objects(
            target,
            file,
            create_new_copies=True,
            data_source_enabled=bool(state.config_value("data_source.enabled")),
            # duplicate.ts passes isCopy since 2.19.0 (#7690: a copy needs its data sources in the target).
            is_copy=state.release.at_least(2, 19),
            limit=limit,
        )

    return 200, _client(call).duplicate(body["objects"], target_workspace, copy)


# routes/index.ts has them from 2.18: they came with the data source association of #8545 (2.18.0
# release notes), after #8200 (2.18) whose routes file has no _associate yet.
@route("POST", f"{BASE}/_associate", "workspaces.associate", since=(2, 18))
def associate(call: DashboardsCall):
    return 200, _client(call).associate(call.body["workspaceId"], call.body["savedObjects"])


@route("POST", f"{BASE}/_dissociate", "workspaces.dissociate", since=(2, 18))
def dissociate(call: DashboardsCall):
    return 200, _client(call).dissociate(call.body["workspaceId"], call.body["savedObjects"])


@route("GET", f"{BASE}/<id>", "workspaces.get")
def get(call: DashboardsCall):
    return 200, _client(call).get(call.path["id"])


@route("POST", BASE, "workspaces.create")
def create(call: DashboardsCall):
    attributes = workspaces.checked_attributes(
        call.body.get("attributes", {}), creating=True, release=call.state.release
    )
    return 200, _client(call).create(attributes, call.body.get("settings") or {})


@route("PUT", BASE, "workspaces.update")
@route("PUT", f"{BASE}/<id>", "workspaces.update")
def update(call: DashboardsCall):
    if "id" not in call.path:
        raise MissingWorkspaceId()
    attributes = workspaces.checked_attributes(
        call.body.get("attributes", {}), creating=False, release=call.state.release
    )
    return 200, _client(call).update(call.path["id"], attributes, call.body.get("settings") or {})


@route("DELETE", BASE, "workspaces.delete")
@route("DELETE", f"{BASE}/<id>", "workspaces.delete")
def delete(call: DashboardsCall):
    if "id" not in call.path:
        raise MissingWorkspaceId()
    return 200, _client(call).delete(call.path["id"])
