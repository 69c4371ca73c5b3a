"""Export: saved objects to an NDJSON file.

Facts from src/core/server/saved_objects/export/ and routes/export.ts
(../shared/specs/dashboards-saved-objects.md §10).
"""

from __future__ import annotations

from typing import Any

from ..boom import InternalError
from ..jsonvalue import clone, node_json, node_json_lines
from .errors import (
    BothSearchAndObjects,
    BothTypesAndObjects,
    CircularReference,
    ExportLimitExceeded,
    ExportObjectsMissing,
    NonExportableObjects,
    NonExportableTypes,
    TooManyObjectsToExport,
    TypeOrObjectsRequired,
)
from .repository import DEFAULT_NAMESPACE, MAX_RESULT_WINDOW, Repository, shown_stored
from .types import DATA_SOURCE, TypeRegistry

DEFAULT_SIZE_LIMIT = 10000
DROPPED_ON_EXPORT = frozenset({"namespaces", "score", "sort"})
# export/get_sorted_objects_for_export.ts DATA_SOURCE_CREDENTIALS_PLACEHOLDER, from 2.15.0 ("[MD]Use
# placeholder for data source credentials fields when export saved object", #6928, labelled v2.15.0).
CREDENTIALS_PLACEHOLDER = "pleaseUpdateCredentials"
REDACTS_CREDENTIALS_SINCE = (2, 15)


def stable_json(value: Any) -> str:
    """json-stable-stringify: compact, keys sorted at every level, the rest as JSON.stringify."""
    return node_json(value, sort_keys=True)


def export(
    repository: Repository,
    types: TypeRegistry,
    *,
    type: list[str] | None = None,
    objects: list[dict] | None = None,
    search: str | None = None,
    include_references_deep: bool = False,
    exclude_export_details: bool = False,
    workspaces: list[str] | None = None,
    size_limit: int = DEFAULT_SIZE_LIMIT,
    redact_credentials: bool = False,
) -> tuple[list[dict], dict | None]:
    """``POST /api/saved_objects/_export``: the objects, referenced ones first, and the details line.
    ``redact_credentials``: the release's exporter hides data sources' credentials (without_credentials)."""
    exportable = set(types.exportable())
    if type:
        refused = [t for t in type if t not in exportable]
        if refused:
            raise NonExportableTypes(refused)
    if objects:
        refused = [f"{o['type']}:{o['id']}" for o in objects if o["type"] not in exportable]
        if refused:
            raise NonExportableObjects(refused)
    if type and objects:
        raise BothTypesAndObjects()
    if objects and search is not None:  # typeof search === "string": even ""
        raise BothSearchAndObjects()
    if objects:
        if len(objects) > size_limit:  # the route's schema (maxSize) refuses it before the exporter could
            raise TooManyObjectsToExport(len(objects), size_limit)
        fetched = fetched_lines(repository, types, [{"type": o["type"], "id": o["id"]} for o in objects])
        missing = [o for o in fetched if "error" in o]
        if missing:
            raise ExportObjectsMissing(missing)
        roots = fetched
    elif type and not search and repository.__class__ is Repository and size_limit <= MAX_RESULT_WINDOW:
        # What the find below answers, met in the stored documents themselves: no copy of each
        # object, since a stored document is a value and the file is written from it at once.
        hits = stored_of_types(repository, types, type, workspaces)
        if len(hits) > size_limit:
            raise ExportLimitExceeded(size_limit)
        roots = [shown_stored(doc) for doc in sorted_by_id(hits)]
    elif type:
        # fetchObjectsToExport asks one page of the limit itself: over 10000, OpenSearch refuses the window.
        found = repository.find(types, type=type, search=search, per_page=size_limit, workspaces=workspaces)
        if found["total"] > size_limit:
            raise ExportLimitExceeded(size_limit)
        roots = sorted_by_id(found["saved_objects"])
    else:
        raise TypeOrObjectsRequired()
    exported, missing_references = list(roots), []
    if include_references_deep:
        exported, missing_references = with_references(repository, types, roots)
    ordered = dependency_order(exported)
    lines = [
        obj if DROPPED_ON_EXPORT.isdisjoint(obj) else {k: v for k, v in obj.items() if k not in DROPPED_ON_EXPORT}
        for obj in ordered
    ]
    if redact_credentials:
        lines = [without_credentials(line) if line["type"] == DATA_SOURCE else line for line in lines]
    details = (
        None
        if exclude_export_details
        else {
            "exportedCount": len(lines),
            "missingRefCount": len(missing_references),
            "missingReferences": missing_references,
        }
    )
    return lines, details


def without_credentials(obj: dict) -> dict:
    """get_sorted_objects_for_export.ts: a data source's ``auth`` becomes ``{type}``, with each key of its
    ``credentials`` (when it has some) set to the placeholder; ``auth`` goes after the other attributes.
    A data source with no ``auth`` makes the exporter read ``auth.type`` of undefined: a TypeError, the
    route's generic 500."""
    attributes = dict(obj["attributes"])
    auth = attributes.pop("auth", None)
    if not isinstance(auth, dict):
        if auth is None:
            raise InternalError()
        auth = {}  # a string or number: reading its properties gives undefined, as JavaScript does
    credentials = auth.get("credentials")
    redacted: dict = {"type": clone(auth.get("type"))} if "type" in auth else {}
    if credentials not in (None, False, 0, ""):  # JavaScript's truthiness (``auth && auth.credentials``)
        redacted["credentials"] = {key: CREDENTIALS_PLACEHOLDER for key in _object_keys(credentials)}
    return {**obj, "attributes": {**attributes, "auth": redacted}}


def _object_keys(value: Any) -> list[str]:
    """``Object.keys``: an object's keys, an array's or a string's indexes, nothing for the rest."""
    if isinstance(value, dict):
        return list(value)
    if isinstance(value, (list, str)):
        return [str(i) for i in range(len(value))]
    return []


def with_references(repository: Repository, types: TypeRegistry, roots: list[dict]) -> tuple[list[dict], list[dict]]:
    """inject_nested_depdendencies: every object the roots reference, of any type, transitively."""
    collected = {(o["type"], o["id"]): o for o in roots}
    missing: list[dict] = []
    frontier = roots
    while frontier:
        wanted, seen = [], set()
        for obj in frontier:
            for reference in obj.get("references", []):
                key = (reference["type"], reference["id"])
                if key not in collected and key not in seen:
                    seen.add(key)
                    wanted.append({"type": reference["type"], "id": reference["id"]})
        if not wanted:
            break
        fetched = fetched_lines(repository, types, wanted)
        frontier = []
        for obj in fetched:
            if "error" in obj:
                missing.append({"id": obj["id"], "type": obj["type"]})
            else:
                collected[(obj["type"], obj["id"])] = obj
                frontier.append(obj)
    return list(collected.values()), missing


def dependency_order(objects: list[dict]) -> list[dict]:
    """sort_objects.ts: each object after those it references (depth first, in reference order)."""
    by_key = {(o["type"], o["id"]): o for o in objects}
    done: set = set()
    ordered: list[dict] = []
    path: list[tuple] = []  # the objects being visited, outermost first (on_path: the same, to ask)
    on_path: set = set()

    def visit(key: tuple) -> None:
        obj = by_key[key]
        references = obj.get("references")
        if references:  # an object without any is never on the path: nothing to go through
            if key in on_path:
                raise CircularReference(path[path.index(key) :] + [key])
            path.append(key)
            on_path.add(key)
            for reference in references:
                target = (reference["type"], reference["id"])
                if target in by_key and target not in done:
                    visit(target)
            path.pop()
            on_path.discard(key)
        done.add(key)
        ordered.append(obj)

    for obj in objects:
        key = (obj["type"], obj["id"])
        if key not in done:
            visit(key)
    return ordered


def stored_of_types(
    repository: Repository, types: TypeRegistry, type_names: list[str], workspaces: list[str] | None
) -> list[dict]:
    """The stored documents ``Repository.find`` finds for ``type_names`` without a search, in its order
    (the index's, by ``_seq_no``): those of the default namespace, in ``workspaces`` when given."""
    wanted_namespaces = {DEFAULT_NAMESPACE}
    wanted_workspaces = frozenset(workspaces) if workspaces and "*" not in workspaces else None
    hits: list[dict] = []
    for so_type in type_names:
        saved_type = types.get(so_type)
        if saved_type is None:
            continue
        objects = repository.by_type.get(so_type, {}).values()
        checks = Repository._hit_checks(saved_type, wanted_namespaces, wanted_workspaces, None, None, None)
        if checks:
            hits.extend(doc for doc in objects if all(check(doc) for check in checks))
        else:
            hits.extend(objects)
    hits.sort(key=lambda doc: doc["_seq_no"])
    return hits


def sorted_by_id(objects: list[dict]) -> list[dict]:
    """The objects by id in JavaScript's order (UTF-16 code units; code points are the same order for
    ASCII ids), ties as they came."""
    if all(o["id"].isascii() for o in objects):
        return sorted(objects, key=lambda o: o["id"])
    return sorted(objects, key=lambda o: o["id"].encode("utf-16-be"))


def fetched_lines(repository: Repository, types: TypeRegistry, wanted: list[dict]) -> list[dict]:
    """``bulk_get``'s objects for ``wanted`` (each ``{type, id}``); from the repository itself, those it
    finds as :func:`repository.shown_stored` gives them (bulk get's representation, less ``namespaces``, without
    copies), the others as bulk get answers them."""
    if repository.__class__ is not Repository:
        return repository.bulk_get(types, wanted)["saved_objects"]
    results = []
    for request in wanted:
        saved_type = types.get(request["type"])
        doc = repository.stored(request["type"], request["id"]) if saved_type is not None else None
        if doc is None:
            results.append(repository.bulk_get(types, [request])["saved_objects"][0])
        else:
            results.append(shown_stored(doc))
    return results


def export_ndjson(lines: list[dict], details: dict | None) -> str:
    """The file: one object a line, the details line last, no newline at the end."""
    return node_json_lines([*lines, *([details] if details else [])], sort_keys=True)


__all__ = ["export", "export_ndjson", "stable_json"]
