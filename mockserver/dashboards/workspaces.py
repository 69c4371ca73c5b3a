"""The workspace plugin (``workspace.enabled: true``): workspaces, and saved objects within one.

Facts from src/plugins/workspace/server of opensearch-project/OpenSearch-Dashboards: workspace_client.ts
(the workspaces, each a saved object of the hidden type ``workspace`` in the same repository: one truth),
routes/index.ts and routes/duplicate.ts (their bodies, the ``{success, result}``/``{success: false, error}``
answers), plugin.ts (the ``/w/{id}`` prefix, taken off before routing: ``mockserver.dashboards.http``), and
the saved-objects client wrappers it adds: workspace_id_consumer_wrapper.ts (the request's workspace as
the ``workspaces`` option, unknown workspaces refused, objects of other workspaces hidden from a get) and
saved_objects_wrapper_for_check_workspace_conflict.ts (no overwrite of another workspace's object, no
config or data source written into a workspace). Checked against integration_tests/routes.test.ts,
duplicate.test.ts and saved_objects/integration_tests/*.test.ts.

Permission control (``savedObjects.permission.enabled``, workspace_saved_objects_client_wrapper.ts) is
not here: with it off, as here, every user owns every workspace (``permissionMode: "owner"``).
"""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass, replace
from typing import Any

from ..boom import BoomError, boom_body
from ..jsonvalue import clone
from .errors import (
    DuplicateTargetWorkspace,
    DuplicateUnsupportedTypes,
    InvalidWorkspaces,
    NotInWorkspace,
    SavedObjectConflict,
    SavedObjectNotFound,
    UnsupportedType,
    UnsupportedTypeInWorkspace,
    WorkspaceAttributeInvalid,
)
from .repository import now_iso
from .types import DATA_SOURCE, SavedObjectsType, TypeRegistry
from .versions import Release

WORKSPACE = "workspace"
# saved_objects/workspace.ts; hidden since the client reads it through includedHiddenTypes, so that the
# saved objects API neither lists nor writes a workspace (routes.test.ts "unable to perform operations on
# workspace by calling saved objects APIs").
WORKSPACE_TYPE = SavedObjectsType(
    WORKSPACE,
    namespace_type="agnostic",
    hidden=True,
    importable_and_exportable=False,
    title_attribute="name",
    mappings={
        "name": {"type": "keyword"},
        "description": {"type": "text"},
        "features": {"type": "text"},
        "color": {"type": "text"},
        "icon": {"type": "text"},
        "defaultVISTheme": {"type": "text"},
        "reserved": {"type": "boolean"},
    },
)
# What the workspace client sees (getScopedClient's includedHiddenTypes: [WORKSPACE_TYPE]).
WORKSPACE_TYPES = TypeRegistry((replace(WORKSPACE_TYPE, hidden=False),))

WORKSPACE_ID_SIZE = 6  # workspace_client.ts
MAX_NAME_LENGTH = 40  # common/constants.ts MAX_WORKSPACE_NAME_LENGTH
MAX_DESCRIPTION_LENGTH = 200  # MAX_WORKSPACE_DESCRIPTION_LENGTH
# routes/index.ts featuresSchema: getUseCaseFeatureConfig of DEFAULT_NAV_GROUPS all, observability,
# security-analytics, essentials and search.
USE_CASES = (
    "use-case-all",
    "use-case-observability",
    "use-case-security-analytics",
    "use-case-essentials",
    "use-case-search",
)
COLOR = re.compile(r"^#([0-9a-f]{3}){1,2}$", re.IGNORECASE)  # common/utils.ts validateWorkspaceColor
DATA_SOURCE_TYPES = (DATA_SOURCE, "data-connection")  # validateIsWorkspaceDataSourceAndConnectionObjectType
CONFIG_TYPE = "config"

NOT_FOUND = "workspace not found"
DUPLICATE_NAME = "workspace name has already been used, try with a different name"
OWNER = "owner"  # PermissionModeId.Owner: translatePermissionsToRole without permission control


class WorkspaceClientError(Exception):
    """A failure the workspace client answers as ``{success: false, error}`` (still a 200)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# The releases (release notes) from which the id-consumer wrapper checks the workspaces a call names
# exist, and keeps get and bulk get to the request's workspace.
FIND_CHECKS_WORKSPACES = (2, 18)
CREATE_CHECKS_WORKSPACES = (2, 19)
GET_KEEPS_TO_WORKSPACE = (2, 19)


def enabled(state) -> bool:
    return bool(state.config_value("workspace.enabled"))


def random_id(size: int = WORKSPACE_ID_SIZE) -> str:
    """utils.ts generateRandomId: random bytes in base64url, cut to ``size`` characters."""
    return base64.urlsafe_b64encode(secrets.token_bytes(size)).decode().rstrip("=")[:size]


def outcome(action) -> dict:
    """The client's answer: its result, or its failure's text (formatError: any not-found is the
    workspace's)."""
    try:
        return {"success": True, "result": action()}
    except WorkspaceClientError as e:
        return {"success": False, "error": e.message}
    except BoomError as e:
        return {"success": False, "error": NOT_FOUND if e.status == 404 else e.message}


def outside_of(targets: list[str] | None, base: list[str] | None) -> list[str]:
    """filterWorkspacesAccordingToSourceWorkspaces: the target workspaces ``base`` does not hold."""
    return [w for w in targets or () if w not in (base or ())]


# -- request validation ---------------------------------------------------------------------------
# The release from which routes/index.ts checks the attributes' values (2.17.0 release notes: features
# must hold one use case, #7884; name and description lengths, #7656; a blank name, #7512; the color,
# #7671). Before, its schema takes any strings and asks only for a name on create.
ATTRIBUTES_CHECKED = (2, 17)


def checked_attributes(attributes: dict, *, creating: bool, release: Release) -> dict:
    """routes/index.ts create/updateWorkspaceAttributesSchema, key by key as config-schema checks them
    (the JSON schema has checked the kinds and refused unknown keys)."""
    name = attributes.get("name")
    if creating and name is None:
        raise WorkspaceAttributeInvalid("name", "expected value of type [string] but got [undefined]")
    if not release.at_least(*ATTRIBUTES_CHECKED):
        return attributes
    if name is not None or creating:
        if len(name) > MAX_NAME_LENGTH:
            raise WorkspaceAttributeInvalid(
                "name", f"value has length [{len(name)}] but it must have a maximum length of [{MAX_NAME_LENGTH}]."
            )
        if not name.strip():
            raise WorkspaceAttributeInvalid("name", "can't be empty or blank.")
    features = attributes.get("features")
    if features is not None or creating:
        if features is None:
            raise WorkspaceAttributeInvalid("features", "expected value of type [array] but got [undefined]")
        if not features:
            raise WorkspaceAttributeInvalid("features", "array size is [0], but cannot be smaller than [1]")
        use_cases = [f for f in features if f in USE_CASES]
        if not use_cases:
            raise WorkspaceAttributeInvalid(
                "features", f"At least one use case is required. Valid options: {', '.join(USE_CASES)}"
            )
        if len(use_cases) > 1:
            raise WorkspaceAttributeInvalid("features", "Only one use case is allowed per workspace.")
    description = attributes.get("description")
    if description is not None and len(description) > MAX_DESCRIPTION_LENGTH:
        raise WorkspaceAttributeInvalid(
            "description",
            f"value has length [{len(description)}] but it must have a maximum length of [{MAX_DESCRIPTION_LENGTH}].",
        )
    if attributes.get("color") is not None and not COLOR.match(attributes["color"]):
        raise WorkspaceAttributeInvalid("color", "invalid workspace color format")
    return attributes


# -- the workspace client -------------------------------------------------------------------------
class WorkspaceClient:
    """workspace_client.ts: the workspaces, as saved objects of the state's repository."""

    def __init__(self, state):
        self.state = state
        self.repository = state.repository

    def workspaces(self) -> dict[str, dict]:
        return self.repository.by_type.get(WORKSPACE, {})

    def stored(self, workspace_id: str) -> dict:
        doc = self.workspaces().get(workspace_id)
        if doc is None:
            raise SavedObjectNotFound(WORKSPACE, workspace_id)
        return doc

    @staticmethod
    def flattened(doc: dict) -> dict:
        """getFlattenedResultWithSavedObject: the attributes, lastUpdatedTime, id (and permissions when set)."""
        shown = {**clone(doc["attributes"]), "lastUpdatedTime": doc.get("updated_at"), "id": doc["id"]}
        if doc.get("permissions") is not None:
            shown["permissions"] = clone(doc["permissions"])
        return shown

    def _name_taken(self, name: str) -> bool:
        # find({search: `"${name}"`, searchFields: ['name']}): a phrase on a keyword field, the whole name.
        return any(doc["attributes"].get("name") == name for doc in self.workspaces().values())

    def _write(self, workspace_id: str, attributes: dict, permissions: dict | None) -> dict:
        doc: dict[str, Any] = {"id": workspace_id, "type": WORKSPACE, "attributes": attributes, "references": []}
        if permissions is not None:
            doc["permissions"] = clone(permissions)
        doc["updated_at"] = now_iso()
        return self.repository.write(doc, WORKSPACE_TYPE)

    # -- the routes' calls
    def create(self, attributes: dict, settings: dict, permissions: dict | None = None) -> dict:
        def create():
            workspace_id = random_id()
            if self._name_taken(attributes["name"]):
                raise WorkspaceClientError(DUPLICATE_NAME)
            maximum = self.state.config_value("workspace.maximum_workspaces")
            if maximum and len(self.workspaces()) >= maximum:
                raise WorkspaceClientError(f"Maximum number of workspaces ({maximum}) reached")
            for so_type, key in zip(DATA_SOURCE_TYPES, ("dataSources", "dataConnections"), strict=True):
                for so_id in settings.get(key) or ():
                    self.add_to_workspaces(so_type, so_id, [workspace_id])
            return {"id": self._write(workspace_id, clone(attributes), permissions)["id"]}

        return outcome(create)

    def get(self, workspace_id: str) -> dict:
        return outcome(lambda: self.flattened(self.stored(workspace_id)))

    # What permission control (mockserver.dashboards.permissions) changes in a list: none here.
    def listable(self, options: dict):
        return None

    def permission_mode(self, doc: dict) -> str:
        return OWNER

    def list(self, options: dict) -> dict:
        def listed():
            found = self.repository.find(
                WORKSPACE_TYPES,
                type=[WORKSPACE],
                per_page=options.get("perPage", 20),
                page=options.get("page", 1),
                search=options.get("search"),
                search_fields=options.get("searchFields"),
                sort_field=options.get("sortField"),
                visible=self.listable(options),
            )
            by_id = self.workspaces()
            return {
                "page": found["page"],
                "per_page": found["per_page"],
                "total": found["total"],
                # routes/index.ts enriches each with its permissionMode
                "workspaces": [
                    {**self.flattened(by_id[so["id"]]), "permissionMode": self.permission_mode(by_id[so["id"]])}
                    for so in found["saved_objects"]
                ],
            }

        return outcome(listed)

    def update(self, workspace_id: str, attributes: dict, settings: dict, permissions: dict | None = None) -> dict:
        def update():
            doc = self.stored(workspace_id)
            name = attributes.get("name")
            # `"${attributes.name}"`: without a new name the search is for "undefined"
            if doc["attributes"].get("name") != name and self._name_taken("undefined" if name is None else name):
                raise WorkspaceClientError(DUPLICATE_NAME)
            for so_type, key in zip(DATA_SOURCE_TYPES, ("dataSources", "dataConnections"), strict=True):
                wanted = settings.get(key)
                if wanted is None:
                    continue
                assigned = [so_id for so_id, o in self._of_type(so_type) if workspace_id in (o.get("workspaces") or ())]
                for so_id in assigned:
                    if so_id not in wanted:
                        self.delete_from_workspaces(so_type, so_id, [workspace_id])
                for so_id in wanted:
                    if so_id not in assigned:
                        self.add_to_workspaces(so_type, so_id, [workspace_id])
            # create(..., {overwrite: true}): the stored attributes with the given ones over them
            self._write(workspace_id, {**doc["attributes"], **clone(attributes)}, permissions)
            return True

        return outcome(update)

    def delete(self, workspace_id: str) -> dict:
        def delete():
            doc = self.stored(workspace_id)
            if doc["attributes"].get("reserved"):
                raise WorkspaceClientError(f"Reserved workspace {workspace_id} is not allowed to delete.")
            # The data sources assigned to it are unassigned first, then deleteByWorkspace removes every
            # object the workspace holds, then the workspace itself goes.
            for so_type in DATA_SOURCE_TYPES:
                for so_id, o in list(self._of_type(so_type)):
                    if workspace_id in (o.get("workspaces") or ()):
                        self.delete_from_workspaces(so_type, so_id, [workspace_id])
            for so_type, objects in list(self.repository.by_type.items()):
                for so_id, o in list(objects.items()):
                    if workspace_id in (o.get("workspaces") or ()):
                        self.repository.remove(so_type, so_id)
            self.repository.remove(WORKSPACE, workspace_id)
            self.repository.seq_no += 1
            return True

        return outcome(delete)

    def associate(self, workspace_id: str, objects: list[dict]) -> dict:
        return self._each(objects, lambda o: self.add_to_workspaces(o["type"], o["id"], [workspace_id]))

    def dissociate(self, workspace_id: str, objects: list[dict]) -> dict:
        return self._each(objects, lambda o: self.delete_from_workspaces(o["type"], o["id"], [workspace_id]))

    def _each(self, objects: list[dict], act) -> dict:
        results = []
        for obj in objects:
            try:
                act(obj)
                results.append({"id": obj["id"]})
            except BoomError as e:
                results.append({"id": obj["id"], "error": NOT_FOUND if e.status == 404 else e.message})
        return {"success": True, "result": results}

    # -- the repository's addToWorkspaces / deleteFromWorkspaces
    def _of_type(self, so_type: str):
        return self.repository.by_type.get(so_type, {}).items()

    def _assignable(self, so_type: str, so_id: str) -> tuple[dict, SavedObjectsType]:
        saved_type = self.state.types.get(so_type)
        if saved_type is None:
            raise UnsupportedType(so_type)
        doc = self.repository.stored(so_type, so_id)
        if doc is None:
            raise SavedObjectNotFound(so_type, so_id)
        return doc, saved_type

    def add_to_workspaces(self, so_type: str, so_id: str, workspaces: list[str]) -> None:
        doc, saved_type = self._assignable(so_type, so_id)
        merged = list(dict.fromkeys([*(doc.get("workspaces") or []), *workspaces]))
        self.repository.write({**doc, "workspaces": merged, "updated_at": now_iso()}, saved_type)

    def delete_from_workspaces(self, so_type: str, so_id: str, workspaces: list[str]) -> None:
        doc, saved_type = self._assignable(so_type, so_id)
        kept = [w for w in doc.get("workspaces") or [] if w not in workspaces]
        self.repository.write({**doc, "workspaces": kept, "updated_at": now_iso()}, saved_type)

    # -- routes/duplicate.ts
    def duplicate(self, objects: list[dict], target_workspace: str, copy) -> dict:
        """``POST /api/workspaces/_duplicate_saved_objects``: the objects (and, deep, what they
        reference) exported, then imported as new copies into the target workspace; ``copy`` does the
        export and import."""
        supported = set(self.state.types.exportable())
        refused = [f"{o['type']}:{o['id']}" for o in objects if o["type"] not in supported]
        if refused:
            raise DuplicateUnsupportedTypes(refused)
        target = self.get(target_workspace)
        if not target["success"]:
            raise DuplicateTargetWorkspace(target["error"])
        return copy()


# -- the saved-objects client, as the plugin's wrappers make it for one request --------------------
@dataclass
class WorkspaceScope:
    """A request's saved-objects calls through workspace_id_consumer_wrapper.ts (outer: the request's
    ``/w/{id}`` as the ``workspaces`` option, unknown workspaces refused) and
    saved_objects_wrapper_for_check_workspace_conflict.ts (inner) to the repository. It takes the
    repository's calls (find, bulk_get) so that export and import go through it as they go through the
    client."""

    state: Any
    request_workspace: str | None = None
    # The client under the wrappers: the repository, or the permission control's (mockserver.dashboards.permissions).
    client: Any = None

    @property
    def repository(self):
        return self.state.repository if self.client is None else self.client

    def workspaces_for(self, given: list[str] | None) -> list[str] | None:
        """formatWorkspaceIdParams: the option's workspaces (``*`` dropped) when given, else the
        request's; None for none at all."""
        if given is not None:
            chosen = [w for w in given if w != "*"]
        else:
            chosen = [self.request_workspace] if self.request_workspace else []
        return chosen or None

    def check_exist(self, workspaces: list[str] | None, since: tuple[int, int]) -> None:
        """checkWorkspacesExist, from the release that added it to the call (``since``: find 2.18, #8268;
        create and bulk create 2.19, #8739); before, an unknown workspace is one that holds nothing."""
        if not self.state.release.at_least(*since):
            return
        # With permission control a workspace the caller may not read does not exist for it (workspaces_exist).
        known = getattr(self.repository, "workspaces_exist", None)
        stored = self.state.repository.by_type.get(WORKSPACE, {})
        if workspaces and not (known(workspaces) if known else all(w in stored for w in workspaces)):
            raise InvalidWorkspaces()

    # -- create, bulk create
    def create(self, types: TypeRegistry, so_type: str, body: dict, *, overwrite: bool = False) -> dict:
        given = body.get("workspaces")
        workspaces = given if so_type == CONFIG_TYPE else self.workspaces_for(given)
        self.check_exist(workspaces, since=CREATE_CHECKS_WORKSPACES)
        if workspaces and never_in_workspace(so_type):
            raise UnsupportedTypeInWorkspace(so_type, "created")
        if body.get("id") and overwrite:
            current = self.repository.stored(so_type, body["id"]) if types.get(so_type) else None
            if current is not None:
                if outside_of(workspaces, current.get("workspaces")):
                    raise SavedObjectConflict(so_type, body["id"])
                workspaces = current.get("workspaces")
        written = {k: v for k, v in body.items() if k != "workspaces"}
        if workspaces:
            written["workspaces"] = workspaces
        return self.repository.create(types, so_type, written, overwrite=overwrite)

    def bulk_create(
        self,
        types: TypeRegistry,
        objects: list[dict],
        *,
        overwrite: bool = False,
        workspaces: list[str] | None = None,
        owned: bool = False,
    ) -> dict:
        workspaces = self.workspaces_for(workspaces)
        self.check_exist(workspaces, since=CREATE_CHECKS_WORKSPACES)
        refused, allowed = [], []
        for obj in objects:
            into_workspace = workspaces or obj.get("workspaces")
            if into_workspace and never_in_workspace(obj["type"]):
                refused.append(
                    {**obj, "error": unresolvable(boom_body(UnsupportedTypeInWorkspace(obj["type"], "imported")))}
                )
            else:
                allowed.append(obj)
        conflicts, payload = [], []
        for obj in allowed:
            # The repository writes a new object into the option's workspaces and an overwrite (an
            # "index") into the object's own: the conflict wrapper keeps the stored object's there.
            written = {k: v for k, v in obj.items() if k != "workspaces"}
            if overwrite and obj.get("id"):
                current = self.repository.stored(obj["type"], obj["id"]) if types.get(obj["type"]) else None
                if current is None:
                    keep = workspaces or obj.get("workspaces")
                elif outside_of(workspaces, current.get("workspaces")):
                    conflicts.append(
                        refused_item(obj, unresolvable(boom_body(SavedObjectConflict(obj["type"], obj["id"]))))
                    )
                    continue
                else:
                    keep = current.get("workspaces") or obj.get("workspaces")
            else:
                keep = workspaces
            if keep:
                written["workspaces"] = keep
            payload.append(written)
        # The option goes on as it came (the permission wrapper inside checks library_write on it); each
        # object already carries the workspaces it is written into, which the repository prefers.
        created = self.repository.bulk_create(types, payload, overwrite=overwrite, workspaces=workspaces, owned=owned)[
            "saved_objects"
        ]
        return {"saved_objects": [*conflicts, *refused, *created]}

    def check_conflicts(self, objects: list[dict], workspaces: list[str] | None) -> dict[tuple[str, str], dict]:
        """checkConflicts' errors the wrappers add for an import: an object stored outside the target
        workspaces is an unresolvable conflict (the importer gives it a new id), config and data
        sources are refused."""
        workspaces = self.workspaces_for(workspaces)
        errors: dict[tuple[str, str], dict] = {}
        types = self.state.types
        for obj in objects:
            key = (obj["type"], obj["id"])
            if workspaces and never_in_workspace(obj["type"]):
                errors[key] = unresolvable(boom_body(UnsupportedTypeInWorkspace(obj["type"], "imported")))
            elif workspaces and types.get(obj["type"]) is not None:
                current = self.repository.stored(*key)
                if current is not None and outside_of(workspaces, current.get("workspaces")):
                    errors[key] = unresolvable(boom_body(SavedObjectConflict(*key)))
        return errors

    # -- reading
    def find(self, types: TypeRegistry, **options) -> dict:
        workspaces = self.workspaces_for(options.pop("workspaces", None))
        self.check_exist(workspaces, since=FIND_CHECKS_WORKSPACES)
        return self.repository.find(types, workspaces=workspaces, **options)

    def _single_workspace(self) -> str | None:
        """The request's one workspace that get and bulk get keep to (from 2.19, #8888; before, they
        answer any object)."""
        if not self.state.release.at_least(*GET_KEEPS_TO_WORKSPACE):
            return None
        workspaces = self.workspaces_for(None)
        return workspaces[0] if workspaces else None

    def visible(self, doc: dict, workspace: str) -> bool:
        """validateObjectInAWorkspace: an object of the workspace, or a global one (never a global data
        source: no user is a data source admin without permission control)."""
        if doc.get("error"):
            return True
        if doc["type"] in DATA_SOURCE_TYPES and not doc.get("workspaces"):
            return False
        return not doc.get("workspaces") or workspace in doc["workspaces"]

    def get(self, types: TypeRegistry, so_type: str, so_id: str) -> dict:
        workspace = self._single_workspace()
        found = self.repository.get(types, so_type, so_id)
        if workspace is not None and not self.visible(found, workspace):
            raise NotInWorkspace()
        return found

    def bulk_get(self, types: TypeRegistry, requests: list[dict]) -> dict:
        workspace = self._single_workspace()
        answer = self.repository.bulk_get(types, requests)
        if workspace is None:
            return answer
        return {
            "saved_objects": [
                o if self.visible(o, workspace) else refused_item(o, boom_body(NotInWorkspace()))
                for o in answer["saved_objects"]
            ]
        }


def never_in_workspace(so_type: str) -> bool:
    """Config and data sources (and data connections) are never written into a workspace."""
    return so_type == CONFIG_TYPE or so_type in DATA_SOURCE_TYPES


def refused_item(obj: dict, error: dict) -> dict:
    """A bulk answer's item for an object a wrapper refused: its id and type, no content, the error."""
    return {"id": obj["id"], "type": obj["type"], "attributes": {}, "references": [], "error": error}


def unresolvable(payload: dict) -> dict:
    """An item's error the importer may not resolve by overwriting (``metadata.isNotOverwritable``)."""
    return {**payload, "metadata": {"isNotOverwritable": True}}
