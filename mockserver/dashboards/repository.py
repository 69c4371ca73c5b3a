"""Saved objects: what get, bulk get, create, bulk create, update, bulk update and delete do.

Facts from src/core/server/saved_objects/service/lib/repository.ts and its api-integration tests
(../shared/specs/dashboards-saved-objects.md §1.5, §2–§5, §7–§9). Objects are kept by type, then id,
so that a call about one type never pays for the others.
"""

from __future__ import annotations

import base64
import copy
import json
import uuid
from datetime import datetime, timezone
from typing import Any

from ..boom import BoomError
from .types import SavedObjectsType, TypeRegistry, semver

DEFAULT_NAMESPACE = "default"


def not_found(so_type: str, so_id: str) -> BoomError:
    return BoomError(f"Saved object [{so_type}/{so_id}] not found", 404)


def conflict(so_type: str, so_id: str) -> BoomError:
    return BoomError(f"Saved object [{so_type}/{so_id}] conflict", 409)


def encode_version(seq_no: int, primary_term: int) -> str:
    return base64.b64encode(json.dumps([seq_no, primary_term], separators=(",", ":")).encode()).decode()


def decode_version(version: str) -> tuple[int, int]:
    try:
        seq_no, primary_term = json.loads(base64.b64decode(version, validate=True))
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (seq_no, primary_term)):
            raise ValueError
    except (ValueError, TypeError):
        raise BoomError(f"Invalid version [{version}]", 400) from None
    return seq_no, primary_term


def item_error(so_type: str, so_id: str, error: BoomError) -> dict:
    from ..boom import boom_body

    body = boom_body(error)
    return {"id": so_id, "type": so_type, "error": {"error": body["error"], "message": body["message"],
                                                    "statusCode": body["statusCode"]}}


def deep_merge(target: dict, changes: dict) -> None:
    """An OpenSearch partial update: objects merge key by key; anything else is replaced."""
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            deep_merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


class Repository:
    def __init__(self):
        self.by_type: dict[str, dict[str, dict]] = {}
        self.seq_no = -1  # the next write is seq_no 0, as in a fresh index
        self.primary_term = 1

    # -- storage ---------------------------------------------------------------------------
    def stored(self, so_type: str, so_id: str) -> dict | None:
        return self.by_type.get(so_type, {}).get(so_id)

    def write(self, doc: dict) -> dict:
        self.seq_no += 1
        previous = self.stored(doc["type"], doc["id"])
        doc["_seq_no"] = self.seq_no
        doc["_primary_term"] = self.primary_term
        doc["_version"] = previous["_version"] + 1 if previous else 1
        self.by_type.setdefault(doc["type"], {})[doc["id"]] = doc
        return doc

    def remove(self, so_type: str, so_id: str) -> None:
        objects = self.by_type.get(so_type, {})
        objects.pop(so_id, None)
        if not objects:
            self.by_type.pop(so_type, None)

    def count(self) -> int:
        return sum(len(objects) for objects in self.by_type.values())

    # -- representation --------------------------------------------------------------------
    @staticmethod
    def namespaces(doc: dict, saved_type: SavedObjectsType) -> list[str]:
        if saved_type.namespace_type == "agnostic":
            return []
        if saved_type.namespace_type == "multiple":
            return list(doc.get("namespaces") or [DEFAULT_NAMESPACE])
        return [DEFAULT_NAMESPACE]

    def represent(self, doc: dict, saved_type: SavedObjectsType, fields: list[str] | None = None) -> dict:
        """An object as get, bulk get and find show it (§1.5)."""
        attributes = doc["attributes"]
        if fields is not None:
            attributes = {k: v for k, v in attributes.items() if k in fields}
        shown: dict[str, Any] = {"id": doc["id"], "type": doc["type"], "namespaces": self.namespaces(doc, saved_type)}
        for optional in ("originId", "updated_at", "workspaces", "permissions"):
            if doc.get(optional) is not None:
                shown[optional] = copy.deepcopy(doc[optional])
        shown["version"] = encode_version(doc["_seq_no"], doc["_primary_term"])
        shown["attributes"] = copy.deepcopy(attributes)
        shown["references"] = copy.deepcopy(doc.get("references", []))
        if doc.get("migrationVersion"):
            shown["migrationVersion"] = dict(doc["migrationVersion"])
        return shown

    def represent_created(self, doc: dict, saved_type: SavedObjectsType) -> dict:
        """What create and bulk create answer (no ``namespaces`` for a namespace-agnostic type)."""
        shown: dict[str, Any] = {"id": doc["id"], "type": doc["type"]}
        if doc.get("migrationVersion"):
            shown["migrationVersion"] = dict(doc["migrationVersion"])
        shown["updated_at"] = doc["updated_at"]
        shown["version"] = encode_version(doc["_seq_no"], doc["_primary_term"])
        for optional in ("originId", "workspaces", "permissions"):
            if doc.get(optional) is not None:
                shown[optional] = copy.deepcopy(doc[optional])
        shown["attributes"] = copy.deepcopy(doc["attributes"])
        shown["references"] = copy.deepcopy(doc.get("references", []))
        if saved_type.namespace_type != "agnostic":
            shown["namespaces"] = self.namespaces(doc, saved_type)
        return shown

    # -- reading ---------------------------------------------------------------------------
    def get(self, types: TypeRegistry, so_type: str, so_id: str) -> dict:
        saved_type = types.get(so_type)
        doc = self.stored(so_type, so_id) if saved_type else None
        if doc is None:  # an unknown or hidden type is "not found" too
            raise not_found(so_type, so_id)
        return self.represent(doc, saved_type)

    def bulk_get(self, types: TypeRegistry, requests: list[dict]) -> dict:
        results = []
        for request in requests:
            so_type, so_id = request["type"], request["id"]
            saved_type = types.get(so_type)
            if saved_type is None:
                results.append(item_error(so_type, so_id, BoomError(f"Unsupported saved object type: '{so_type}': "
                                                                    "Bad Request", 400)))
                continue
            doc = self.stored(so_type, so_id)
            if doc is None:
                results.append(item_error(so_type, so_id, not_found(so_type, so_id)))
            else:
                results.append(self.represent(doc, saved_type, request.get("fields")))
        return {"saved_objects": results}

    # -- writing ---------------------------------------------------------------------------
    def new_document(self, types: TypeRegistry, so_type: str, body: dict, now: str, *,
                     workspaces: list[str] | None = None) -> tuple[dict, SavedObjectsType]:
        """A document ready to write: checked, migrated and stamped (nothing is written yet)."""
        saved_type = types.require(so_type)
        if body.get("initialNamespaces") is not None and saved_type.namespace_type != "multiple":
            raise BoomError('"options.initialNamespaces" can only be used on multi-namespace types: Bad Request', 400)
        doc = {
            "id": body.get("id") or str(uuid.uuid1()),
            "type": so_type,
            "attributes": copy.deepcopy(body["attributes"]),
            "references": copy.deepcopy(body.get("references") or []),
        }
        if body.get("migrationVersion") is not None:
            doc["migrationVersion"] = dict(body["migrationVersion"])
        doc = migrate(doc, saved_type)
        doc["updated_at"] = now
        if saved_type.namespace_type == "multiple":
            doc["namespaces"] = list(body.get("initialNamespaces") or [DEFAULT_NAMESPACE])
        for optional in ("originId", "permissions"):
            if body.get(optional) is not None:
                doc[optional] = copy.deepcopy(body[optional])
        chosen_workspaces = body.get("workspaces") or workspaces
        if chosen_workspaces:
            doc["workspaces"] = list(chosen_workspaces)
        return doc, saved_type

    def create(self, types: TypeRegistry, so_type: str, body: dict, *, overwrite: bool = False,
               workspaces: list[str] | None = None) -> dict:
        """``POST /api/saved_objects/{type}[/{id}]``: refuses an existing id unless ``overwrite``,
        which replaces the object whole."""
        doc, saved_type = self.new_document(types, so_type, body, now_iso(), workspaces=workspaces)
        existing = self.stored(so_type, doc["id"])
        if existing is not None and not overwrite:
            raise BoomError(f"[{so_type}:{doc['id']}]: version conflict, document already exists (current version "
                            f"[{existing['_version']}]): version_conflict_engine_exception", 409)
        return self.represent_created(self.write(doc), saved_type)

    def bulk_create(self, types: TypeRegistry, objects: list[dict], *, overwrite: bool = False,
                    workspaces: list[str] | None = None) -> dict:
        now = now_iso()
        prepared: list[tuple[dict, Any]] = []
        for body in objects:
            try:
                prepared.append(self.new_document(types, body["type"], body, now, workspaces=workspaces))
            except BoomError as error:
                if error.status in (422, 500):  # migration failures: not caught per item by the repository
                    raise
                prepared.append((body, error))
        results = []
        for doc, outcome in prepared:
            if isinstance(outcome, BoomError):
                results.append(item_error(doc["type"], doc.get("id"), outcome))
            elif self.stored(doc["type"], doc["id"]) is not None and not overwrite:
                results.append(item_error(doc["type"], doc["id"], conflict(doc["type"], doc["id"])))
            else:
                results.append(self.represent_created(self.write(doc), outcome))
        return {"saved_objects": results}

    def _update_one(self, types: TypeRegistry, so_type: str, so_id: str, body: dict, now: str,
                    conflict_error) -> dict:
        saved_type = types.get(so_type)
        doc = self.stored(so_type, so_id) if saved_type else None
        if doc is None:
            raise not_found(so_type, so_id)
        if body.get("version") is not None:
            seq_no, primary_term = decode_version(body["version"])
            if (seq_no, primary_term) != (doc["_seq_no"], doc["_primary_term"]):
                raise conflict_error(seq_no, primary_term, doc)
        updated = copy.deepcopy(doc)
        deep_merge(updated["attributes"], body["attributes"])
        if body.get("references") is not None:
            updated["references"] = copy.deepcopy(body["references"])
        updated["updated_at"] = now
        written = self.write(updated)
        answer: dict[str, Any] = {"id": so_id, "type": so_type, "updated_at": now,
                                  "version": encode_version(written["_seq_no"], written["_primary_term"]),
                                  "namespaces": self.namespaces(written, saved_type)}
        if written.get("originId") is not None:
            answer["originId"] = written["originId"]
        if body.get("references") is not None:
            answer["references"] = copy.deepcopy(body["references"])
        answer["attributes"] = copy.deepcopy(body["attributes"])
        return answer

    def update(self, types: TypeRegistry, so_type: str, so_id: str, body: dict) -> dict:
        """``PUT /api/saved_objects/{type}/{id}``: merges the attributes sent, answers only them."""
        def stale(seq_no, primary_term, doc):
            return BoomError(f"[{so_type}:{so_id}]: version conflict, required seqNo [{seq_no}], primary term "
                             f"[{primary_term}]. current document has seqNo [{doc['_seq_no']}] and primary term "
                             f"[{doc['_primary_term']}]: version_conflict_engine_exception", 409)
        return self._update_one(types, so_type, so_id, body, now_iso(), stale)

    def bulk_update(self, types: TypeRegistry, objects: list[dict]) -> dict:
        now = now_iso()
        results = []
        for body in objects:
            so_type, so_id = body["type"], body["id"]
            try:
                results.append(self._update_one(types, so_type, so_id, body, now,
                                                lambda *_, t=so_type, i=so_id: conflict(t, i)))
            except BoomError as error:
                results.append(item_error(so_type, so_id, error))
        return {"saved_objects": results}

    def delete(self, types: TypeRegistry, so_type: str, so_id: str) -> dict:
        if types.get(so_type) is None or self.stored(so_type, so_id) is None:
            raise not_found(so_type, so_id)
        self.remove(so_type, so_id)
        self.seq_no += 1
        return {}


def migrate(doc: dict, saved_type: SavedObjectsType) -> dict:
    """DocumentMigrator.migrateDocument, for the document's type.

    Without a ``migrationVersion`` the document is taken as current: it is only stamped with its type's
    newest migration version. With one (even ``{}``), the migrations newer than its entry for the type
    run, oldest first. An entry newer than the type knows is refused (422); an empty map is dropped.
    """
    latest = saved_type.latest_migration
    versions = doc.get("migrationVersion")
    current = (versions or {}).get(saved_type.name)
    if current is not None and (latest is None or semver(current) > semver(latest)):
        raise BoomError(f'Document "{doc["id"]}" has property "{saved_type.name}" which belongs to a more recent '
                        f"version of OpenSearch Dashboards [{current}]. The last known version is "
                        f"[{latest or 'undefined'}]", 422)
    if versions is not None:
        for version in sorted(saved_type.migrations, key=semver):
            if current is None or semver(version) > semver(current):
                try:
                    doc = saved_type.migrations[version](doc)
                except BoomError:
                    raise
                except Exception:  # logged by the server, answered as its generic 500
                    raise BoomError("An internal server error occurred.", 500) from None
    versions = dict(doc.get("migrationVersion") or {})
    if latest is not None:
        versions[saved_type.name] = latest
    if versions:
        doc["migrationVersion"] = versions
    else:
        doc.pop("migrationVersion", None)
    return doc


def now_iso() -> str:
    moment = datetime.now(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
