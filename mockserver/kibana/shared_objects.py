"""Sharing saved objects between spaces, for the objects the mock holds (the ML ``ml-job`` and
``ml-trained-model`` objects): what ``POST /api/spaces/_update_objects_spaces`` and
``POST /api/spaces/_get_shareable_references`` do (Kibana 7.14 and later, elastic/kibana#94383).

Facts from core's saved-objects repository, src/core/packages/saved-objects/api-server-internal/src/lib/
apis/internals/{update_objects_spaces,collect_multi_namespace_references}.ts, SavedObjectsErrorHelpers
(a bad request's message is ``<reason>: Bad Request``), and the security extension's
authorizeUpdateSpaces / authorizeAndRedactMultiNamespaceReferences (``Unable to share_to_space
<types>``; spaces the user may not see are ``?``, listed last).

The mock's types: the two ML types are shareable (namespaceType ``multiple``); ``index-pattern`` is
too from 8.2 (elastic/kibana#123991), though the mock holds none; a few of Kibana's other types are
known not to be shareable; any other type is one this Kibana does not have.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..boom import BoomError, boom_body
from .errors import SavedObjectBadRequest, SavedObjectNotFound, UnableToShare
from .saved_objects import ALL_SPACES

if TYPE_CHECKING:
    from .saved_objects import MlSavedObjects, SavedObject

SHAREABLE_TYPES = {"ml-job": (7, 11), "ml-trained-model": (7, 11), "index-pattern": (8, 2)}
# Types of Kibana's own that are single-space or isolated (namespaceType single / multiple-isolated).
ISOLATED_TYPES = ("config", "url", "dashboard", "visualization", "search", "lens", "map", "index-pattern")
# spacesWithMatchingOrigins: by 8.2 it listed the object's own spaces too (elastic/kibana#133149
# documents it); from 8.11 an object no longer matches itself (elastic/kibana#168655).
ORIGINS_SINCE = (8, 2)
ORIGINS_EXCLUDE_SELF_SINCE = (8, 11)
UNKNOWN_SPACE = "?"

# may_share(type, space): whether the user may share objects of that type in that space ("*": in
# all of them). None: no security, everything is allowed and nothing redacted.
MayShare = Callable[[str, str], bool] | None


def check_disjoint(to_add: list[str], to_remove: list[str]) -> None:
    """updateObjectsSpaces refuses a space both added and removed, whoever calls it (ML's spaces
    routes call it too)."""
    if set(to_add) & set(to_remove):
        raise SavedObjectBadRequest("spacesToAdd and spacesToRemove cannot contain any of the same strings")


class SharedObjects:
    """The saved objects as the repository sees them from one space, at one Kibana version."""

    def __init__(self, objects: MlSavedObjects, space: str, version: tuple[int, ...], may_share: MayShare = None):
        self.objects = objects
        self.space = space
        self.version = version
        self.may_share = may_share

    # -- the type registry ------------------------------------------------------------------------
    def is_shareable(self, so_type: str) -> bool:
        since = SHAREABLE_TYPES.get(so_type)
        return since is not None and self.version >= since

    def is_allowed(self, so_type: str) -> bool:
        """A type this Kibana registers (the repository's allowedTypes)."""
        return self.is_shareable(so_type) or so_type in ISOLATED_TYPES

    def found(self, so_type: str, so_id: str) -> SavedObject | None:
        """The object, if it is in the request's space (rawDocExistsInNamespace)."""
        so = self.objects.get(so_type, so_id)
        return so if so is not None and so.visible_in({self.space}) else None

    # -- security ---------------------------------------------------------------------------------
    def authorize(self, types: list[str], spaces: set[str]) -> None:
        if self.may_share is None:
            return
        if not all(self.may_share(t, s) for t in set(types) for s in spaces):
            raise UnableToShare(types)

    def redacted(self, so_type: str, spaces: list[str]) -> list[str]:
        if self.may_share is None:
            return list(spaces)
        shown = [s if s == ALL_SPACES or self.may_share(so_type, s) else UNKNOWN_SPACE for s in spaces]
        return sorted(shown, key=lambda s: s == UNKNOWN_SPACE)  # stable: the unknown ones go last

    # -- _update_objects_spaces -------------------------------------------------------------------
    def update_spaces(self, objects: list[dict], to_add: list[str], to_remove: list[str]) -> dict:
        """Adds each object to ``to_add`` and takes it out of ``to_remove``; an object left in no space
        is deleted. Per object: its spaces, or the error that stopped it."""
        if not to_add and not to_remove:
            raise SavedObjectBadRequest("spacesToAdd and/or spacesToRemove must be a non-empty array of strings")
        check_disjoint(to_add, to_remove)
        results: list[dict[str, Any] | None] = []
        valid: list[tuple[int, str, str]] = []
        for i, obj in enumerate(objects):
            so_type, so_id = obj["type"], obj["id"]
            if not self.is_allowed(so_type):
                results.append(_failed(so_type, so_id, SavedObjectNotFound(so_type, so_id)))
            elif not self.is_shareable(so_type):
                error = SavedObjectBadRequest(f"{so_type} doesn't support multiple namespaces")
                results.append(_failed(so_type, so_id, error))
            else:
                results.append(None)
                valid.append((i, so_type, so_id))
        if not valid:
            return {"objects": results}
        self.authorize([t for _, t, _ in valid], {self.space, *to_add, *to_remove})
        for i, so_type, so_id in valid:
            so = self.found(so_type, so_id)
            if so is None:
                results[i] = _failed(so_type, so_id, SavedObjectNotFound(so_type, so_id))
                continue
            updated = [s for s in so.namespaces if s not in to_remove]
            updated += [s for s in dict.fromkeys(to_add) if s not in so.namespaces]
            if updated != so.namespaces:
                if updated:
                    so.namespaces = updated
                else:
                    self.objects.delete(so_type, so_id)
            results[i] = {"id": so_id, "type": so_type, "spaces": self.redacted(so_type, updated)}
        return {"objects": results}

    # -- _get_shareable_references ----------------------------------------------------------------
    def shareable_references(self, objects: list[dict]) -> dict:
        """Each object (once), with its spaces, or ``isMissing`` when its type is shareable but it is
        not in this space; a type that is not shareable gets no spaces. The mock's objects refer to
        nothing, and it keeps no legacy URL aliases."""
        if not objects:
            return {"objects": []}
        self.authorize([o["type"] for o in objects], {self.space})
        keys = list(dict.fromkeys((o["type"], o["id"]) for o in objects))
        answer = []
        for so_type, so_id in keys:
            so = self.found(so_type, so_id) if self.is_shareable(so_type) else None
            entry: dict[str, Any] = {"type": so_type, "id": so_id}
            entry["spaces"] = self.redacted(so_type, so.namespaces) if so is not None else []
            entry["inboundReferences"] = []
            if so is None and self.is_shareable(so_type):
                entry["isMissing"] = True
            origins = self.matching_origins(so) if so is not None else None
            if origins:
                entry["spacesWithMatchingOrigins"] = self.redacted(so_type, origins)
            answer.append(entry)
        return {"objects": answer}

    def matching_origins(self, so: SavedObject) -> list[str] | None:
        """findSharedOriginObjects: the spaces of the objects of the same origin (the mock's objects
        have no originId, so only the object itself, while it still counted)."""
        if self.version < ORIGINS_SINCE or self.version >= ORIGINS_EXCLUDE_SELF_SINCE:
            return None
        return [ALL_SPACES] if ALL_SPACES in so.namespaces else sorted(so.namespaces)


def _failed(so_type: str, so_id: str, error: BoomError) -> dict:
    return {"id": so_id, "type": so_type, "spaces": [], "error": boom_body(error)}
