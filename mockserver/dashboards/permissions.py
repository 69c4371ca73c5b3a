"""The workspace plugin's permission control (``workspace.enabled`` with ``savedObjects.permission.enabled``):
who is asking, who is a dashboard admin, what an object's ACL grants, and the saved objects client the
routes use for a user who is not an admin, which checks each call before the repository runs it.

Facts from src/plugins/workspace/server (saved_objects/workspace_saved_objects_client_wrapper.ts,
permission_control/client.ts, utils.ts, plugin.ts), src/core/server/saved_objects/permission_control/acl.ts
and src/core/server/utils/auth_info.ts; the cases of the wrapper's integration test
(saved_objects/integration_tests/workspace_saved_objects_client_wrapper.test.ts). Notes with versions and
commits: /work/notes/permissions.md.

An ACL is a saved object's top-level ``permissions``: ``{mode: {"users": [...], "groups": [...]}}``. A
workspace's own ACL decides what its members may do with the objects in it (``library_read``,
``library_write``) and with the workspace itself (``read``, ``write``); an object with an ACL of its own
answers to that too. Plain Python: the errors are raised here and rendered by the HTTP layer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..boom import boom_body
from .errors import (
    DashboardAdminRequired,
    SavedObjectsPermissionInvalid,
    WorkspacePermissionInvalid,
    WorkspacePermissionUnauthorized,
)
from .repository import Repository
from .types import TypeRegistry
from .versions import Release
from .workspaces import DATA_SOURCE_TYPES, WORKSPACE, WorkspaceClient, outcome

READ, WRITE, LIBRARY_READ, LIBRARY_WRITE = "read", "write", "library_read", "library_write"
# WorkspacePermissionMode: the modes a workspace's ACL may name (the workspace routes' schema takes no other).
MODES = (READ, WRITE, LIBRARY_READ, LIBRARY_WRITE)
PRINCIPAL_TYPES = ("users", "groups")
# common/constants.ts: CURRENT_USER_PLACEHOLDER, and OSD_ADMIN_WILDCARD_MATCH_ALL of dashboardAdmin.users.
CURRENT_USER = "%me%"
EVERYONE = "*"


@dataclass(frozen=True)
class Principals:
    """auth_info.ts getPrincipalsFromRequest: the user's name and the security plugin's backend roles
    (``groups``); nothing at all without an authentication provider."""

    users: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    @property
    def anonymous(self) -> bool:
        return not self.users and not self.groups


def principals_of(username: str | None, backend_roles: Iterable[str] = ()) -> Principals:
    if username is None:
        return Principals()
    return Principals((username,), tuple(backend_roles))


def acl_grants(permissions: dict | None, modes: Iterable[str], principals: Principals) -> bool:
    """acl.ts ACL.hasPermission: any of the modes lists one of the principal's users or groups, or
    ``*`` for a kind of principal the request has at all."""
    if not permissions or not modes:
        return False
    for mode in modes:
        allowed = permissions.get(mode) or {}
        for kind, mine in (("users", principals.users), ("groups", principals.groups)):
            listed = allowed.get(kind)
            if listed and mine and (EVERYONE in listed or any(p in listed for p in mine)):
                return True
    return False


def with_current_user(permissions: dict | None, principals: Principals) -> dict | None:
    """utils.ts transferCurrentUserInPermissions: ``%me%`` among a mode's users becomes the caller's
    name (the workspace routes do it only for a caller who has one)."""
    if permissions is None or not principals.users:
        return permissions
    me = principals.users[0]
    return {
        mode: {
            **given,
            **({"users": [me if u == CURRENT_USER else u for u in given["users"]]} if "users" in given else {}),
        }
        for mode, given in permissions.items()
    }


def is_dashboard_admin(principals: Principals, users: list[str], groups: list[str], release: Release) -> bool:
    """utils.ts updateDashboardAdminStateForRequest, from 2.15 (#6829, the backport of #6554): a request
    without principals (no security plugin) is the admin's. Before 2.18 no admin configured makes
    everyone one; from 2.18 (#8617) nobody, and ``*`` among the users makes everyone one.

    2.14 has no dashboard admin: its wrapper checks every request, and permission_control/client.ts
    validates the ACLs with the principals as they are, none for a request without a security plugin
    (so that request reads only the objects with neither workspaces nor an ACL). #6554's review made
    such a request the admin's for 2.15."""
    if not release.at_least(2, 15):
        return False
    if principals.anonymous:
        return True
    if not release.at_least(2, 18) and not users and not groups:
        return True
    if release.at_least(2, 18) and EVERYONE in users:
        return True
    return any(g in groups for g in principals.groups) or any(u in users for u in principals.users)


def permission_mode(permissions: dict | None, principals: Principals, controlled: bool) -> str:
    """utils.ts translatePermissionsToRole, the ``permissionMode`` of each workspace ``_list`` answers:
    from the caller's first user and first group, library_write with write is ``owner``, library_write
    alone ``read+write``, anything else ``read``; without permission control, ``read``."""
    if not controlled or permissions is None:
        return "read"
    user = principals.users[0] if principals.users else ""
    group = principals.groups[0] if principals.groups else ""
    held = {
        mode
        for mode in MODES
        if mode in permissions
        and (user in (permissions[mode].get("users") or []) or group in (permissions[mode].get("groups") or []))
    }
    if {LIBRARY_WRITE, WRITE} <= held:
        return "owner"
    return "read+write" if LIBRARY_WRITE in held else "read"


class PermissionControl:
    """The checks of one request by a user who is not a dashboard admin, on the objects the repository
    holds (read where they are: the workspaces' ACLs are their ``permissions``, never a copy)."""

    def __init__(self, repository: Repository, principals: Principals, release: Release):
        self.repository = repository
        self.principals = principals
        self.release = release

    # -- permission_control/client.ts -------------------------------------------------------------
    def workspace_grants(self, workspace_id: str, modes: Iterable[str]) -> bool:
        """``validate`` on one workspace: it is fetched without permission checks; a missing one grants
        nothing, one without an ACL grants everything (validateSavedObjectsACL passes it)."""
        workspace = self.repository.stored(WORKSPACE, workspace_id)
        if workspace is None:
            return False
        return workspace.get("permissions") is None or acl_grants(workspace["permissions"], modes, self.principals)

    def permitted(
        self, doc: dict, workspace_modes: tuple[str, ...], object_modes: tuple[str, ...], *, every_workspace: bool
    ) -> bool:
        """validateWorkspacesAndSavedObjectsPermissions: an object with neither workspaces nor an ACL is
        public; else one of the workspace modes on every (or some) workspace of it, or, failing that, one
        of the object modes in its own ACL."""
        workspaces, permissions = doc.get("workspaces"), doc.get("permissions")
        if workspaces is None and permissions is None:
            return True
        if workspaces is not None and workspace_modes:
            grants = [self.workspace_grants(w, workspace_modes) for w in workspaces]
            if grants and (all(grants) if every_workspace else any(grants)):
                return True
        return permissions is not None and acl_grants(permissions, object_modes, self.principals)

    def permitted_workspaces(self) -> set[str]:
        """The find of workspaces whose ACL grants library_read or library_write (an ACL query: a
        workspace without an ACL is not among them)."""
        return {
            so_id
            for so_id, workspace in self.repository.by_type.get(WORKSPACE, {}).items()
            if acl_grants(workspace.get("permissions"), (LIBRARY_READ, LIBRARY_WRITE), self.principals)
        }

    # -- what each call needs -------------------------------------------------------------------
    def may_read(self, doc: dict) -> bool:
        return self.permitted(doc, (LIBRARY_READ, LIBRARY_WRITE), (READ, WRITE), every_workspace=False)

    def may_write(self, doc: dict) -> bool:
        return self.permitted(doc, (LIBRARY_WRITE,), (WRITE,), every_workspace=False)

    def may_delete(self, doc: dict) -> bool:
        return self.permitted(doc, (LIBRARY_WRITE,), (WRITE,), every_workspace=True)

    def require_library_write(self, workspaces: list[str]) -> None:
        """A write into workspaces needs library_write on every one of them."""
        if not all(self.workspace_grants(w, (LIBRARY_WRITE,)) for w in workspaces):
            raise WorkspacePermissionInvalid()

    def find_scope(self, workspaces: list[str] | None) -> Callable[[dict], bool]:
        """What a find shows. From 2.16 (#7125): without workspaces, the objects in a permitted workspace
        or whose ACL grants read or write; with some, those in the permitted ones among them. Before,
        without workspaces the ACL alone, and with none of them permitted a 401."""
        permitted = self.permitted_workspaces()
        if workspaces is not None:
            kept = {w for w in workspaces if w in permitted}
            if not kept and not self.release.at_least(2, 16):
                raise WorkspacePermissionUnauthorized()
            return lambda doc: bool(kept & set(doc.get("workspaces") or ()))
        if not self.release.at_least(2, 16):
            return lambda doc: acl_grants(doc.get("permissions"), (READ, WRITE), self.principals)
        return lambda doc: (
            bool(permitted & set(doc.get("workspaces") or ()))
            or acl_grants(doc.get("permissions"), (READ, WRITE), self.principals)
        )


class PermittedSavedObjects:
    """workspace_saved_objects_client_wrapper.ts for a user who is not a dashboard admin: the
    repository's calls, each checked as the wrapper does before (or, for reads, after) the repository
    answers; the rest of the repository as it is."""

    def __init__(self, repository: Repository, control: PermissionControl):
        self.repository = repository
        self.control = control

    def __getattr__(self, name: str) -> Any:
        return getattr(self.repository, name)

    def _existing(self, so_type: str, so_id: str) -> dict | None:
        return self.repository.stored(so_type, so_id)

    # -- reading ------------------------------------------------------------------------------------
    def get(self, types: TypeRegistry, so_type: str, so_id: str) -> dict:
        found = self.repository.get(types, so_type, so_id)  # a missing object stays a 404
        if not self.control.may_read(self._existing(so_type, so_id)):
            raise SavedObjectsPermissionInvalid()
        return found

    def bulk_get(self, types: TypeRegistry, requests: list[dict]) -> dict:
        """Before 2.19 one refused object refuses the request; from 2.19 (#8906) it is an item error,
        the object kept with no workspaces and no attributes."""
        answer = self.repository.bulk_get(types, requests)
        items = []
        for item in answer["saved_objects"]:
            doc = None if "error" in item else self._existing(item["type"], item["id"])
            if doc is None or self.control.may_read(doc):
                items.append(item)
            elif not self.control.release.at_least(2, 19):
                raise SavedObjectsPermissionInvalid()
            else:
                items.append(
                    {**item, "workspaces": [], "attributes": {}, "error": boom_body(SavedObjectsPermissionInvalid())}
                )
        return {"saved_objects": items}

    def find(self, types: TypeRegistry, *, workspaces: list[str] | None = None, **options) -> dict:
        if self.control.release.at_least(2, 17) and options.get("type") == ["config"]:
            if options.get("sort_field") == "buildNum":
                # The 2.17 workaround for uiSettings' get_upgradeable_config.ts: every global config,
                # less the user-level ones (those without a buildNum).
                return self.repository.find(
                    types, visible=lambda doc: bool(doc["attributes"].get("buildNum")), **options
                )
        return self.repository.find(types, visible=self.control.find_scope(workspaces), **options)

    # -- writing ------------------------------------------------------------------------------------
    def _check_targets_or_overwrite(
        self, types: TypeRegistry, objects: list[dict], targets: list[str] | None, overwrite: bool
    ) -> None:
        """The wrapper's create and bulkCreate: with target workspaces (the call's ``workspaces`` option, as
        the wrappers outside it leave it) library_write on every one of them, and nothing else; without
        them, an overwrite of an object that exists needs its write (library_write on one of its
        workspaces, or write in its ACL). The same in every release (workspace_saved_objects_client_wrapper.ts
        createWithWorkspacePermissionControl / bulkCreateWithWorkspacePermissionControl, 2.14 to 3.x)."""
        if targets:
            self.control.require_library_write(targets)
            return
        if not overwrite:
            return
        for obj in objects:
            so_type, so_id = obj["type"], obj.get("id")
            existing = self.repository.stored(so_type, so_id) if so_id and types.get(so_type) else None
            if existing is not None and not self.control.may_write(existing):
                raise WorkspacePermissionInvalid()

    def create(
        self,
        types: TypeRegistry,
        so_type: str,
        body: dict,
        *,
        overwrite: bool = False,
        workspaces: list[str] | None = None,
    ) -> dict:
        """Only a dashboard admin creates a workspace (2.16, #6831; overwriting one with its id is an
        update). The target workspaces are the body's: the conflict wrapper, outside this one
        (PRIORITY_FOR_WORKSPACE_CONFLICT_CONTROL_WRAPPER -1 against 0), has made an overwritten object's
        own workspaces the call's, so library_write is needed on every one of them. An overwrite without
        target workspaces fetches the object first: a missing one is a 404."""
        targets = body.get("workspaces") or workspaces
        if so_type == WORKSPACE and not (body.get("id") and overwrite) and self.control.release.at_least(2, 16):
            raise DashboardAdminRequired()
        if overwrite and body.get("id") and not targets:
            self.repository.get(types, so_type, body["id"])
        self._check_targets_or_overwrite(types, [{**body, "type": so_type}], targets, overwrite)
        return self.repository.create(types, so_type, body, overwrite=overwrite, workspaces=workspaces)

    def bulk_create(
        self,
        types: TypeRegistry,
        objects: list[dict],
        *,
        overwrite: bool = False,
        workspaces: list[str] | None = None,
        owned: bool = False,
    ) -> dict:
        """The target workspaces are the call's option only (the conflict wrapper rewrites each object's
        ``workspaces``, not the option). An overwrite skips the objects that do not exist yet (the
        wrapper's get of each is a 404 it passes over)."""
        created = [o for o in objects if not (overwrite and o.get("id"))]
        if any(o.get("type") == WORKSPACE for o in created) and self.control.release.at_least(2, 16):
            raise DashboardAdminRequired()
        self._check_targets_or_overwrite(types, objects, workspaces, overwrite)
        return self.repository.bulk_create(types, objects, overwrite=overwrite, workspaces=workspaces, owned=owned)

    def workspaces_exist(self, workspaces: list[str]) -> bool:
        """checkWorkspacesExist as this caller sees it: one workspace by the workspace client's get (the
        wrapper's get: read or write in its ACL, or no ACL), several by its list (a find by ACL)."""
        stored = self.repository.by_type.get(WORKSPACE, {})
        if len(workspaces) == 1:
            return workspaces[0] in stored and self.control.may_read(stored[workspaces[0]])
        return all(
            w in stored and acl_grants(stored[w].get("permissions"), (READ, WRITE), self.control.principals)
            for w in workspaces
        )

    def update(self, types: TypeRegistry, so_type: str, so_id: str, body: dict) -> dict:
        self.repository.get(types, so_type, so_id)  # a missing object stays a 404
        if not self.control.may_write(self._existing(so_type, so_id)):
            raise SavedObjectsPermissionInvalid()
        return self.repository.update(types, so_type, so_id, body)

    def bulk_update(self, types: TypeRegistry, objects: list[dict]) -> dict:
        for o in objects:
            existing = self._existing(o["type"], o["id"]) if types.get(o["type"]) else None
            if existing is not None and not self.control.may_write(existing):
                raise SavedObjectsPermissionInvalid()
        return self.repository.bulk_update(types, objects)

    def delete(self, types: TypeRegistry, so_type: str, so_id: str) -> dict:
        self.repository.get(types, so_type, so_id)  # a missing object stays a 404
        if not self.control.may_delete(self._existing(so_type, so_id)):
            raise SavedObjectsPermissionInvalid()
        return self.repository.delete(types, so_type, so_id)


def saved_objects_client(state, principals: Principals) -> Repository | PermittedSavedObjects:
    """The client a request's routes use (``state`` a DashboardsState): the repository itself without
    permission control (plugin.ts registers the wrapper only with both workspace.enabled and
    savedObjects.permission.enabled) or for a dashboard admin (the wrapper hands an admin the unwrapped
    client), else the permission-checked one."""
    repository, release = state.repository, state.release
    if not (state.config_value("workspace.enabled") and state.config_value("savedObjects.permission.enabled")):
        return repository
    admins = (
        state.config_value("opensearchDashboards.dashboardAdmin.users"),
        state.config_value("opensearchDashboards.dashboardAdmin.groups"),
    )
    if is_dashboard_admin(principals, *admins, release):
        return repository
    return PermittedSavedObjects(repository, PermissionControl(repository, principals, release))


class PermittedWorkspaceClient(WorkspaceClient):
    """The workspace client with permission control on (routes/index.ts with isPermissionControlEnabled):
    a create keeps ``settings.permissions`` as the workspace's ACL (``%me%`` the caller), an update
    replaces it (an update without it leaves none); a list shows each workspace's ``permissionMode`` for
    the caller. For a user who is not a dashboard admin (``control``), every call goes through the
    wrapper's checks on the workspace object, whose failures the client answers as ``{success: false,
    error}``."""

    def __init__(self, state, principals: Principals, control: PermissionControl | None):
        super().__init__(state)
        self.principals = principals
        self.control = control

    def _readable(self, workspace_id: str) -> dict:
        """The client's get through the wrapper: a missing workspace first, then read or write in its ACL."""
        doc = self.stored(workspace_id)
        if self.control is not None and not self.control.may_read(doc):
            raise SavedObjectsPermissionInvalid()
        return doc

    def create(self, attributes: dict, settings: dict, permissions: dict | None = None) -> dict:
        # The name is checked before the create the wrapper refuses to all but an admin (2.16, #6831).
        if (
            self.control is not None
            and self.control.release.at_least(2, 16)
            and not self._name_taken(attributes["name"])
        ):
            return {"success": False, "error": DashboardAdminRequired().message}
        return super().create(attributes, settings, with_current_user(settings.get("permissions"), self.principals))

    def get(self, workspace_id: str) -> dict:
        return outcome(lambda: self.flattened(self._readable(workspace_id)))

    def update(self, workspace_id: str, attributes: dict, settings: dict, permissions: dict | None = None) -> dict:
        def checked() -> dict:
            # The client gets the workspace, then overwrites it: the overwrite needs write in its ACL.
            doc = self._readable(workspace_id)
            if self.control is not None and not self.control.may_write(doc):
                raise WorkspacePermissionInvalid()
            return doc

        refused = outcome(checked)
        if not refused["success"]:
            return refused
        # routes/index.ts passes settings.permissions as it is, and workspace_client.ts overwrites the
        # workspace with it (create with overwrite: true, an index of the whole document): without
        # ``settings.permissions`` the workspace is left with no ACL at all (2.14 to 3.x).
        return super().update(workspace_id, attributes, settings, settings.get("permissions"))

    def delete(self, workspace_id: str) -> dict:
        def checked() -> dict:
            # get, then (past the reserved check) deleteByWorkspace (library_write), then the delete (write).
            doc = self._readable(workspace_id)
            if self.control is not None and not doc["attributes"].get("reserved"):
                if not self.control.workspace_grants(workspace_id, (LIBRARY_WRITE,)):
                    raise WorkspacePermissionInvalid()
                if not self.control.may_delete(doc):
                    raise SavedObjectsPermissionInvalid()
            return doc

        refused = outcome(checked)
        return refused if not refused["success"] else super().delete(workspace_id)

    def listable(self, options: dict):
        """A find of workspaces through the wrapper: those whose ACL grants the caller read or write (or
        the ``permissionModes`` asked)."""
        if self.control is None:
            return None
        modes = tuple(options.get("permissionModes") or (READ, WRITE))
        return lambda doc: acl_grants(doc.get("permissions"), modes, self.principals)

    def permission_mode(self, doc: dict) -> str:
        return permission_mode(doc.get("permissions"), self.principals, True)

    def add_to_workspaces(self, so_type: str, so_id: str, workspaces: list[str]) -> None:
        # Only a dashboard admin assigns a data source (or data connection) to a workspace.
        if self.control is not None and so_type in DATA_SOURCE_TYPES:
            raise DashboardAdminRequired()
        super().add_to_workspaces(so_type, so_id, workspaces)

    def delete_from_workspaces(self, so_type: str, so_id: str, workspaces: list[str]) -> None:
        if self.control is not None and so_type in DATA_SOURCE_TYPES:
            raise DashboardAdminRequired()
        super().delete_from_workspaces(so_type, so_id, workspaces)


def workspace_client(state, principals: Principals) -> WorkspaceClient:
    """The workspace routes' client: the plain one without permission control, else the one above
    (unchecked for a dashboard admin)."""
    if not state.config_value("savedObjects.permission.enabled"):
        return WorkspaceClient(state)
    client = saved_objects_client(state, principals)
    return PermittedWorkspaceClient(state, principals, getattr(client, "control", None))
