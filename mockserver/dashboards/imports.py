"""Import and resolve import errors: saved objects from an NDJSON file.

Facts from src/core/server/saved_objects/import/ and routes/{import,resolve_import_errors,utils}.ts
(../shared/specs/dashboards-saved-objects.md §11–§12). Both calls go through the same steps: collect
the file's objects, check their references, check conflicts, then write them in one bulk create,
or write nothing when any error could still be resolved by the user.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from ..jsonvalue import clone, node_json
from .errors import (
    ImportLimitExceeded,
    InvalidFileExtension,
    InvalidSavedObjectLine,
    NonUniqueImportObjects,
    NonUniqueRetryDestinations,
    NonUniqueRetryObjects,
    SavedObjectNotFound,
)
from .jsparse import NEWEST_NODE, js_json_parse
from .repository import Repository
from .types import DATA_SOURCE, TypeRegistry

RESOLVABLE_ERRORS = ("conflict", "ambiguous_conflict", "missing_references")
VALIDATED_REFERENCE_TYPES = ("index-pattern", "search")  # validate_references.ts REF_TYPES_TO_VALIDATE
TITLED_FOR_DATA_SOURCE = ("dashboard", "visualization", "search")
UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
DATA_SOURCE_SCOPED_ID = re.compile(f"^{UUID}_{UUID}$", re.IGNORECASE)  # validate_object_id.ts
# The refusal of data sources (and of objects scoped to one) by an import without dataSourceEnabled came
# with that parameter: "Do not support import data source object to Local cluster when not enable data
# source" (#6395, its 2.x backport #6913 labelled v2.15.0). Before, an import takes them as any type.
REFUSES_DATA_SOURCE_OBJECTS_SINCE = (2, 15)
JS_WHITESPACE = (
    " \t\n\r\v\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)

Key = tuple[str, str]
_NOT_READ = object()


def extname(filename: str) -> str:
    """Node's ``path.extname``: from the last dot of the base name, unless that dot begins it."""
    base = filename.rsplit("/", 1)[-1]
    stripped = base.lstrip(".")
    dot = stripped.rfind(".")
    return "" if dot < 0 else stripped[dot:]


# orjson reads JSON as json.loads does (the same values, doubles to the last bit, the last of duplicate
# keys where the first was), but for an integer past 64 bits, which it makes a double; everything else
# it reads otherwise it refuses (1e400, a lone surrogate's escape, NaN, nesting past 1024, what is not
# JSON), and then js_json_parse reads the line or words its refusal. Nineteen digits in a row are the
# sign of such an integer (or of a long fraction, or of digits in a string): then js_json_parse reads
# the file.
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_NINETEEN_DIGITS = b"0" * 19


def _read_by_orjson(text: str) -> bool:
    return _NINETEEN_DIGITS not in text.encode("utf-8", "surrogatepass").translate(_DIGITS_AS_ZERO)


def read_ndjson(text: str, node_major: int = NEWEST_NODE) -> list[dict]:
    """createSavedObjectsStreamFromNdJson: one JSON value a line (JSON.parse of the Node ``node_major``
    the release runs on), blank lines skipped, the export details line (a truthy ``exportedCount``)
    dropped."""
    objects = []
    fast = orjson.loads if _read_by_orjson(text) else None
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip(JS_WHITESPACE) == "":
            continue
        value = _NOT_READ
        if fast is not None:
            try:
                value = fast(line)
            except ValueError:  # orjson.JSONDecodeError: js_json_parse reads it, or words its refusal
                pass
        if value is _NOT_READ:
            value = js_json_parse(line, node_major)
        if (
            value is None
            or value is False
            or value == ""
            or (type(value) in (int, float) and value == 0)
            or (isinstance(value, dict) and value.get("exportedCount"))
        ):
            continue  # JavaScript's falsy values (null, false, "", 0) and the details line
        problem = _not_a_saved_object(value)
        if problem:
            # Upstream such a line fails later with a TypeError (a 500); here it is named.
            raise InvalidSavedObjectLine(number, problem)
        objects.append(value)
    return objects


def _not_a_saved_object(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "expected a JSON object"
    for key in ("type", "id"):
        if not isinstance(value.get(key), str) or not value[key]:
            return f'expected "{key}" to be a non-empty string'
    if not isinstance(value.get("attributes"), dict):
        return 'expected "attributes" to be an object'
    references = value.get("references")
    if references is not None and not (isinstance(references, list) and _all_references(references)):
        return 'expected "references" to be an array of {"name", "type", "id"} objects'
    versions = value.get("migrationVersion")
    if versions is not None and not (isinstance(versions, dict) and all(isinstance(v, str) for v in versions.values())):
        return 'expected "migrationVersion" to be an object of version strings'
    workspaces = value.get("workspaces")
    if workspaces is not None and not (isinstance(workspaces, list) and all(isinstance(w, str) for w in workspaces)):
        return 'expected "workspaces" to be an array of strings'
    if value.get("originId") is not None and not isinstance(value["originId"], str):
        return 'expected "originId" to be a string'
    return None


def _all_references(references: list) -> bool:
    for r in references:  # a loop, not all() over a generator: this runs for every line of a file
        if not (isinstance(r, dict) and isinstance(r.get("type"), str) and isinstance(r.get("id"), str)):
            return False
    return True


def key_of(obj: dict) -> Key:
    return obj["type"], obj["id"]


def _title(obj: dict) -> Any:
    return (obj.get("attributes") or {}).get("title")


def _entry(obj: dict, error: dict, *, type_first: bool = False) -> dict:
    """An error entry: ``{id, type, title, meta: {title}, error}`` (check_conflicts puts ``type`` first)."""
    title = _title(obj)
    head = {"type": obj["type"], "id": obj["id"]} if type_first else {"id": obj["id"], "type": obj["type"]}
    return {
        **head,
        **({"title": title} if title is not None else {}),
        "meta": {"title": title} if title is not None else {},
        "error": error,
    }


def non_unique(entries: list[Key]) -> list[str]:
    counts: dict[Key, int] = {}
    for key in entries:
        counts[key] = counts.get(key, 0) + 1
    return [f"{t}:{i}" for (t, i), n in counts.items() if n > 1]


@dataclass
class ImportTarget:
    """Where objects go: the repository, the registry, and the request's options that shape every write."""

    repository: Repository
    types: TypeRegistry
    workspaces: list[str] | None = None
    data_source_id: str | None = None
    data_source: dict | None = None  # {"id", "title"}, looked up once the file is accepted
    node_major: int = NEWEST_NODE  # the Node.js whose JSON.parse reads the file (Release.node_major)
    # The saved-objects client as the workspace plugin wraps it (mockserver.dashboards.workspaces), when on.
    scope: Any = None

    @property
    def supported(self) -> set[str]:
        return set(self.types.exportable())

    def accept(self, file: dict) -> None:
        """The route's checks before the file is read: its extension, then the data source."""
        extension = extname(file["filename"]).lower()
        if extension != ".ndjson":
            raise InvalidFileExtension(extension)
        if self.data_source_id:
            doc = self.repository.stored(DATA_SOURCE, self.data_source_id) if self.types.get(DATA_SOURCE) else None
            if doc is None:
                raise SavedObjectNotFound(DATA_SOURCE, self.data_source_id)
            self.data_source = {"id": self.data_source_id, "title": doc["attributes"].get("title", "")}


@dataclass
class ImportRun:
    """What one import (or resolve) has gathered: the objects, their new ids, the errors so far."""

    objects: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    id_map: dict[Key, dict] = field(default_factory=dict)  # (type, file id) -> {"id": new id, "omit_origin": bool}
    pending_overwrites: set[Key] = field(default_factory=set)


# -- the steps -----------------------------------------------------------------------------------


def collect(
    target: ImportTarget, objects: list[dict], limit: int, wanted: Callable[[dict], bool] | None = None
) -> ImportRun:
    """collect_saved_objects.ts: the limit, unsupported types, then the duplicate check."""
    run = ImportRun()
    supported = target.supported
    seen: list[Key] = []
    for count, obj in enumerate(objects):
        if count >= limit:
            raise ImportLimitExceeded(limit)
        seen.append(key_of(obj))
        if obj["type"] not in supported:
            run.errors.append(_entry(obj, {"type": "unsupported_type"}))
            continue
        if wanted is not None and not wanted(obj):
            continue
        # migrationVersion defaults to {} so that every migration runs. (The parsed objects are the
        # call's own: nothing to copy.)
        run.objects.append({"migrationVersion": {}, **obj})
    duplicates = non_unique(seen)
    if duplicates:
        raise NonUniqueImportObjects(duplicates)
    return run


def validate_references(target: ImportTarget, run: ImportRun, skipped: set[Key] = frozenset()) -> None:
    """validate_references.ts: an index-pattern or search reference must be in the file or stored."""
    in_file = {key_of(o) for o in run.objects}
    checked = [o for o in run.objects if key_of(o) not in skipped]
    missing: set[Key] = set()
    for obj in checked:
        for reference in obj.get("references") or []:
            target_key = (reference["type"], reference["id"])
            if (
                reference["type"] in VALIDATED_REFERENCE_TYPES
                and target_key not in in_file
                and target.repository.stored(*target_key) is None
            ):
                missing.add(target_key)
    if not missing:
        return
    for obj in checked:
        absent = [
            {"type": r["type"], "id": r["id"]}
            for r in obj.get("references") or []
            if r["type"] in VALIDATED_REFERENCE_TYPES and (r["type"], r["id"]) in missing
        ]
        if absent:
            run.errors.append(_entry(obj, {"type": "missing_references", "references": absent}))


def validate_data_sources(target: ImportTarget, run: ImportRun) -> None:
    """validate_data_sources.ts (a copy into a workspace, 2.19 on): each object not yet in error whose
    references reach a data source (directly, or through the objects it references: utils.ts
    findReferenceDataSourceForObject) that is not assigned to the target workspaces fails with
    ``missing_data_source``, naming those data sources by title (else id), comma-joined."""
    failed = {(e["type"], e["id"]) for e in run.errors}
    checked = [o for o in run.objects if key_of(o) not in failed]
    if not checked:
        return
    wanted = set(target.workspaces or ())
    assigned = {
        so_id
        for so_id, doc in (
            target.repository.by_type.get(DATA_SOURCE, {}) if target.types.get(DATA_SOURCE) else {}
        ).items()
        if wanted & set(doc.get("workspaces") or ())
    }
    # fetchNestedDependencies: the objects and, recursively, the stored objects they reference, by id
    # (inject_nested_depdendencies.ts keys its map by id alone).
    by_id: dict[str, dict] = {}
    pending = list(checked)
    while pending:
        obj = pending.pop(0)
        if obj["id"] in by_id:
            continue
        by_id[obj["id"]] = obj
        for reference in obj.get("references") or []:
            stored = (
                target.repository.stored(reference["type"], reference["id"])
                if target.types.get(reference["type"])
                else None
            )
            if stored is not None and reference["id"] not in by_id:
                pending.append(stored)
    titles = {o["id"]: _title(o) or o["id"] for o in by_id.values() if o["type"] == DATA_SOURCE}

    def data_sources_of(obj: dict, visited: set[str]) -> list[str]:
        visited.add(obj["id"])
        found: list[str] = []
        for reference in obj.get("references") or []:
            if reference["type"] == DATA_SOURCE:
                found.append(reference["id"])
            elif reference["id"] not in visited and reference["id"] in by_id:
                found.extend(data_sources_of(by_id[reference["id"]], visited))
        return list(dict.fromkeys(found))

    for obj in checked:
        missing = [d for d in data_sources_of(obj, set()) if d not in assigned]
        if missing:
            data_source = ", ".join(titles.get(d, d) for d in missing)
            run.errors.append(_entry(obj, {"type": "missing_data_source", "dataSource": data_source}))


def regenerate_ids(target: ImportTarget, run: ImportRun) -> None:
    """regenerate_ids.ts: every object a new uuid v4 (prefixed with the data source's id, if any)."""
    prefix = f"{target.data_source['id']}_" if target.data_source else ""
    for obj in run.objects:
        run.id_map[key_of(obj)] = {"id": prefix + str(uuid.uuid4()), "omit_origin": True}


def check_conflicts(
    target: ImportTarget, run: ImportRun, *, overwrite: bool = False, retries: dict[Key, dict] | None = None
) -> list[dict]:
    """check_conflicts.ts: an object whose destination exists is a conflict, unless overwritten.
    Answers the objects that may go on."""
    retries = retries or {}
    going_on = []
    # The workspace plugin's wrappers answer first (checkConflicts' own errors, isUnresolvableConflict):
    # an object stored outside the target workspaces goes in under a new id; config and data sources
    # into a workspace are unknown errors.
    refused = target.scope.check_conflicts(run.objects, target.workspaces) if target.scope else {}
    for obj in run.objects:
        error = refused.get(key_of(obj))
        if error is not None:
            if error["statusCode"] == 409:
                run.id_map[key_of(obj)] = {"id": str(uuid.uuid4()), "omit_origin": True}
                going_on.append(obj)
            else:
                run.errors.append(_entry(obj, {**error, "type": "unknown"}, type_first=True))
            continue
        retry = retries.get(key_of(obj), {})
        destination = retry.get("destinationId") or obj["id"]
        exists = target.repository.stored(obj["type"], destination) is not None
        if exists and not overwrite and not retry.get("overwrite"):
            error = {
                "type": "conflict",
                **({"destinationId": retry["destinationId"]} if retry.get("destinationId") else {}),
            }
            run.errors.append(_entry(obj, error, type_first=True))
            continue
        going_on.append(obj)
        if exists:
            run.pending_overwrites.add(key_of(obj))
    return going_on


def create(
    target: ImportTarget, run: ImportRun, objects: list[dict], accumulated: list[dict], *, overwrite: bool
) -> list[dict]:
    """create_saved_objects.ts: writes the objects without errors in one bulk create, under their
    new ids with references rewritten, unless a resolvable error is pending (then nothing is written,
    and what would have been written is answered). Answers the created objects (with the file's id
    and a ``destinationId``); create errors join ``run.errors``."""
    failed = {(e["type"], e.get("id")) for e in accumulated}
    remaining = [
        o for o in objects if key_of(o) not in failed and not (target.data_source and o["type"] == DATA_SOURCE)
    ]  # never written under another data source
    if not remaining:
        return []
    by_written_key: dict[Key, dict] = {key_of(o): o for o in remaining}
    to_create = []
    for obj in remaining:
        # The file's version is not kept; its workspaces only where the write overwrites (repository's "index").
        prepared = {k: v for k, v in obj.items() if k != "version" and (overwrite or k != "workspaces")}
        if obj.get("references") is not None:
            prepared["references"] = [
                {**r, "id": run.id_map[(r["type"], r["id"])]["id"]} if (r["type"], r["id"]) in run.id_map else dict(r)
                for r in obj["references"]
            ]
        entry = run.id_map.get(key_of(obj))
        if entry:
            by_written_key[(obj["type"], entry["id"])] = obj
            prepared["id"] = entry["id"]
            prepared.pop("originId", None)
            if not entry["omit_origin"]:
                prepared["originId"] = obj.get("originId") if obj.get("originId") is not None else obj["id"]
        if target.data_source:
            _for_data_source(prepared, target.data_source)
        to_create.append(prepared)
    if any(e["error"]["type"] in RESOLVABLE_ERRORS for e in accumulated):
        results = to_create
    elif target.scope is not None:
        results = target.scope.bulk_create(
            target.types, to_create, overwrite=overwrite, workspaces=target.workspaces, owned=True
        )["saved_objects"]
    else:  # the objects were parsed from the file for this call: the documents take their values
        results = target.repository.bulk_create(
            target.types,
            to_create,
            overwrite=overwrite,
            workspaces=None if overwrite else target.workspaces,
            owned=True,
        )["saved_objects"]
    created = []
    for result in results:
        original = by_written_key[(result["type"], result["id"])]
        remapped = {**result, "id": original["id"]}
        if original["id"] != result["id"]:
            remapped["destinationId"] = result["id"]
        if "error" not in result:
            created.append(remapped)
            continue
        # extract_errors.ts: a 409 is a conflict, anything else an unknown error.
        error = (
            {
                "type": "conflict",
                **({"destinationId": remapped["destinationId"]} if "destinationId" in remapped else {}),
            }
            if result["error"].get("statusCode") == 409
            else {**result["error"], "type": "unknown"}
        )
        run.errors.append(_entry(original, error))
    return created


def _for_data_source(obj: dict, data_source: dict) -> None:
    """With ?dataSourceId= (create_saved_objects.ts): titles name the data source, index patterns
    point to it, and index pattern ids in search sources and controls are scoped to it."""
    attributes = obj["attributes"] = clone(obj["attributes"])
    if obj["type"] in TITLED_FOR_DATA_SOURCE and attributes.get("title") and data_source["title"]:
        attributes["title"] = f"{attributes['title']}_{data_source['title']}"
    if obj["type"] == "index-pattern":
        obj["references"] = [{"id": data_source["id"], "type": DATA_SOURCE, "name": "dataSource"}]
    if obj["type"] not in ("visualization", "search"):
        return

    def scoped(index_pattern_id: str) -> str:
        return f"{data_source['id']}_{index_pattern_id.split('_')[-1]}"

    meta = attributes.get("kibanaSavedObjectMeta")
    source = _json_attribute(meta, "searchSourceJSON")
    if isinstance(source, dict) and isinstance(source.get("index"), str):
        source["index"] = scoped(source["index"])
        meta["searchSourceJSON"] = _js_stringify(source)
    state = _json_attribute(attributes, "visState")
    controls = state.get("params", {}).get("controls") if isinstance(state, dict) else None
    if isinstance(controls, list):
        for control in controls:
            if isinstance(control, dict) and isinstance(control.get("indexPattern"), str):
                control["indexPattern"] = scoped(control["indexPattern"])
        attributes["visState"] = _js_stringify(state)


def _json_attribute(holder: Any, key: str) -> Any:
    if not isinstance(holder, dict) or not isinstance(holder.get(key), str):
        return None
    try:
        return json.loads(holder[key])
    except ValueError:
        return None


def _js_stringify(value: Any) -> str:
    return node_json(value)


def _refusal(so_type: str, so_id: str, title: Any) -> dict:
    """The early answers' entry (the data source and config guards): ``error`` first, no icon."""
    return {
        "error": {"type": "unsupported_type"},
        "type": so_type,
        "id": so_id,
        **({"title": title} if title is not None else {}),
        "meta": {"title": title} if title is not None else {},
    }


def _meta(types: TypeRegistry, so_type: str, title: Any) -> dict:
    saved_type = types.get(so_type)
    icon = saved_type.icon if saved_type else None
    return {**({"title": title} if title is not None else {}), **({"icon": icon} if icon else {})}


def _success(types: TypeRegistry, created: dict, *, overwrite: bool, create_new_copies: bool) -> dict:
    destination = created.get("destinationId")
    return {
        "type": created["type"],
        "id": created["id"],
        "meta": _meta(types, created["type"], _title(created)),
        **({"overwrite": True} if overwrite else {}),
        **({"destinationId": destination} if destination else {}),
        **({"createNewCopy": True} if destination and not created.get("originId") and not create_new_copies else {}),
    }


def _result(types: TypeRegistry, run: ImportRun, successes: list[dict]) -> dict:
    errors = [
        {
            **e,
            "meta": _meta(types, e["type"], e["meta"].get("title")),
            **({"overwrite": True} if (e["type"], e.get("id")) in run.pending_overwrites else {}),
        }
        for e in run.errors
    ]
    return {
        "successCount": len(successes),
        "success": not run.errors,
        **({"successResults": successes} if successes else {}),
        **({"errors": errors} if errors else {}),
    }


# -- the two calls -------------------------------------------------------------------------------


def import_objects(
    target: ImportTarget,
    file: dict,
    *,
    overwrite: bool = False,
    create_new_copies: bool = False,
    data_source_enabled: bool = False,
    is_copy: bool = False,
    limit: int,
) -> dict:
    """``POST /api/saved_objects/_import`` (import_saved_objects.ts); ``is_copy`` for the workspace
    plugin's duplicate, which checks the data sources the copies need."""
    target.accept(file)
    run = collect(target, read_ndjson(file["text"], target.node_major), limit)
    if not data_source_enabled:
        # Objects of a data source (or scoped to one) come in only where data sources are enabled.
        refused = [
            _refusal(o["type"], o["id"], _title(o))
            for o in run.objects
            if o["type"] == DATA_SOURCE or DATA_SOURCE_SCOPED_ID.match(o["id"])
        ]
        if refused:
            return {"successCount": 0, "success": False, "errors": refused}
    validate_references(target, run)
    if is_copy:
        # Data sources are assigned to workspaces, never copied between them (import_saved_objects.ts).
        run.objects = [o for o in run.objects if o["type"] != DATA_SOURCE]
        validate_data_sources(target, run)
    going_on = run.objects
    if create_new_copies:
        regenerate_ids(target, run)
    else:
        going_on = check_conflicts(target, run, overwrite=overwrite)
    created = create(target, run, going_on, list(run.errors), overwrite=overwrite)
    successes = [
        _success(target.types, c, overwrite=key_of(c) in run.pending_overwrites, create_new_copies=create_new_copies)
        for c in created
    ]
    return _result(target.types, run, successes)


def resolve_import_errors(
    target: ImportTarget, file: dict, retries: list[dict], *, create_new_copies: bool = False, limit: int
) -> dict:
    """``POST /api/saved_objects/_resolve_import_errors`` (resolve_import_errors.ts): only the objects
    the retries name, each resolved as its retry says."""
    target.accept(file)
    duplicates = non_unique([(r["type"], r["id"]) for r in retries])
    if duplicates:
        raise NonUniqueRetryObjects(duplicates)
    duplicates = non_unique([(r["type"], r["destinationId"]) for r in retries if r.get("destinationId") is not None])
    if duplicates:
        raise NonUniqueRetryDestinations(duplicates)
    by_key = {(r["type"], r["id"]): r for r in retries}
    run = collect(target, read_ndjson(file["text"], target.node_major), limit, wanted=lambda o: key_of(o) in by_key)
    configs = [_refusal("config", o["id"], o["id"]) for o in run.objects if o["type"] == "config"]
    if configs:  # advanced settings are not resolved: the call answers only that
        return {"successCount": 0, "success": False, "errors": configs}
    for obj in run.objects:
        replacements = {(r["type"], r["from"]): r["to"] for r in by_key[key_of(obj)].get("replaceReferences", [])}
        for reference in obj.get("references") or []:
            reference["id"] = replacements.get((reference["type"], reference["id"]), reference["id"])
    validate_references(target, run, skipped={k for k, r in by_key.items() if r.get("ignoreMissingReferences")})
    if create_new_copies:
        regenerate_ids(target, run)
    going_on = check_conflicts(target, run, retries=by_key)
    for obj in going_on:  # getImportIdMapForRetries: a retry's destinationId wins over a regenerated id
        retry = by_key[key_of(obj)]
        if retry.get("destinationId") and retry["destinationId"] != obj["id"]:
            run.id_map[key_of(obj)] = {
                "id": retry["destinationId"],
                "omit_origin": create_new_copies or bool(retry.get("createNewCopy")),
            }
    accumulated = list(run.errors)
    successes = []
    for overwrite in (True, False):  # two bulk creates: the overwrites first
        batch = [o for o in run.objects if bool(by_key[key_of(o)].get("overwrite")) == overwrite]
        created = create(target, run, batch, accumulated, overwrite=overwrite)
        successes += [
            _success(target.types, c, overwrite=overwrite, create_new_copies=create_new_copies) for c in created
        ]
    # An error is marked as an overwrite where its retry asked for one.
    run.pending_overwrites = {k for k, r in by_key.items() if r.get("overwrite")}
    return _result(target.types, run, successes)
