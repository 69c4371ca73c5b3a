"""Saved objects: what get, bulk get, create, bulk create, update, bulk update and delete do.

Facts from src/core/server/saved_objects/service/lib/repository.ts and its api-integration tests
(../shared/specs/dashboards-saved-objects.md §1.5, §2–§5, §7–§9). Objects are kept by type, then id,
so that a call about one type never pays for the others.
"""

from __future__ import annotations

import base64
import heapq
import json
import pickle
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ..boom import BoomError, boom_body
from ..jsonvalue import clone
from ..state import Seeded
from ..versions import order_key
from . import kql
from .errors import (
    InitialNamespacesOnSingleNamespaceType,
    InvalidVersion,
    MigrationFailed,
    MigrationTooNew,
    ResultWindowTooLarge,
    SavedObjectConflict,
    SavedObjectNotFound,
    SortOnTextField,
    SortWithoutFielddata,
    UnknownSortField,
    UnsortableAcrossTypes,
    UnsupportedType,
    VersionConflict,
)
from .search import Searcher, TypeIndex, parse_simple_query, phrase_prefix, values_at
from .types import ROOT_FIELDS, SavedObjectsType, TypeRegistry, keep_document

DEFAULT_NAMESPACE = "default"
MAX_RESULT_WINDOW = 10000  # the saved objects index's index.max_result_window (OpenSearch's IndexSettings default)


def encode_version(seq_no: int, primary_term: int) -> str:
    """base64 of ``[seq_no,primary_term]`` as JSON (both are integers: the repository's counters, or
    what :func:`decode_version` read)."""
    return base64.b64encode(f"[{seq_no:d},{primary_term:d}]".encode()).decode()


def shown_stored(doc: dict) -> dict:
    """A stored object as create and bulk get show it, less ``namespaces``, its members the document's
    own (not copied: a stored document is never changed in place)."""
    shown: dict[str, Any] = {"type": doc["type"], "id": doc["id"]}
    if doc.get("originId") is not None:
        shown["originId"] = doc["originId"]
    shown["attributes"] = doc["attributes"]
    shown["references"] = doc.get("references", [])
    if doc.get("migrationVersion"):
        shown["migrationVersion"] = doc["migrationVersion"]
    shown["updated_at"] = doc["updated_at"]
    shown["version"] = encode_version(doc["_seq_no"], doc["_primary_term"])
    if doc.get("workspaces") is not None:
        shown["workspaces"] = doc["workspaces"]
    if doc.get("permissions") is not None:
        shown["permissions"] = doc["permissions"]
    return shown


def decode_version(version: str) -> tuple[int, int]:
    try:
        seq_no, primary_term = json.loads(base64.b64decode(version, validate=True))
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (seq_no, primary_term)):
            raise ValueError
    except (ValueError, TypeError):
        raise InvalidVersion(version) from None
    return seq_no, primary_term


def item_error(so_type: str, so_id: str | None, error: BoomError) -> dict:
    """A bulk answer's failed item: the repository's ``errorContent``, the Boom error's output payload
    (statusCode, error, message, in Boom's order), without attributes. An object sent without an id
    has none here either (``id: object.id`` is undefined, which JSON leaves out)."""
    body = boom_body(error)
    item: dict[str, Any] = {} if so_id is None else {"id": so_id}
    item["type"] = so_type
    item["error"] = {"statusCode": body["statusCode"], "error": body["error"], "message": body["message"]}
    return item


def deep_merge(target: dict, changes: dict) -> None:
    """An OpenSearch partial update: objects merge key by key; anything else is replaced."""
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            deep_merge(target[key], value)
        else:
            target[key] = clone(value)


class Repository(Seeded):
    """The saved objects. A stored document is a value: a write replaces it, never changes it in place
    (an update writes a changed copy), which is what lets the seed share the objects it holds."""

    def __init__(self):
        self.by_type: dict[str, dict[str, dict]] = {}
        self.indexes: dict[str, TypeIndex] = {}  # what search reaches, per type, kept up to date on writes
        self.seq_no = -1  # the next write is seq_no 0, as in a fresh index
        self.primary_term = 1
        # Reset's copy-on-write (see seed): the seed's objects by type (the same documents), and what
        # was written or removed since.
        self._seeded: tuple[dict[str, dict[str, dict]], dict[str, TypeIndex], bytes] = ({}, {}, b"")
        self._touched: set[tuple[str, str]] = set()
        self._reordered: set[str] = set()  # types a seeded object left (re-adding it moves it to the end)

    # -- storage ---------------------------------------------------------------------------
    def stored(self, so_type: str, so_id: str) -> dict | None:
        return self.by_type.get(so_type, {}).get(so_id)

    def write(self, doc: dict, saved_type: SavedObjectsType) -> dict:
        self.seq_no += 1
        previous = self.stored(doc["type"], doc["id"])
        doc["_seq_no"] = self.seq_no
        doc["_primary_term"] = self.primary_term
        doc["_version"] = previous["_version"] + 1 if previous else 1
        index = self.indexes.get(doc["type"])
        if index is None:
            index = self.indexes[doc["type"]] = TypeIndex(saved_type)
        if previous is not None:
            index.remove(doc["id"], previous["attributes"])
        else:
            index.placed(doc["id"])
        index.add(doc["id"], doc["attributes"])
        self.by_type.setdefault(doc["type"], {})[doc["id"]] = doc
        self._touched.add((doc["type"], doc["id"]))
        return doc

    def remove(self, so_type: str, so_id: str) -> None:
        objects = self.by_type.get(so_type, {})
        doc = objects.pop(so_id, None)
        self._touched.add((so_type, so_id))
        if so_id in self._seeded[0].get(so_type, ()):
            self._reordered.add(so_type)
        if doc is not None and so_type in self.indexes:
            self.indexes[so_type].remove(so_id, doc["attributes"])
            self.indexes[so_type].positions.pop(so_id, None)
        if not objects:
            self.by_type.pop(so_type, None)

    def count(self) -> int:
        return sum(len(objects) for objects in self.by_type.values())

    # -- reset ---------------------------------------------------------------------------------
    def seed(self) -> None:
        """Keeps the objects by reference (documents are never changed in place, so the seed's stay
        as they are), the indexes' objects, and the rest pickled."""
        rest = {
            k: v for k, v in vars(self).items() if k not in ("by_type", "indexes", "_seeded", "_touched", "_reordered")
        }
        self._seeded = (
            {so_type: dict(objects) for so_type, objects in self.by_type.items()},
            dict(self.indexes),
            pickle.dumps(rest, protocol=pickle.HIGHEST_PROTOCOL),
        )
        self._touched = set()
        self._reordered = set()

    def rollback(self) -> None:
        """Each object written or removed since the seed gets its seeded document back (or goes), in
        the indexes too; each type's objects in their seeded order."""
        by_type, indexes, rest = self._seeded
        touched_ids: dict[str, list[str]] = {}
        for so_type, so_id in self._touched:
            touched_ids.setdefault(so_type, []).append(so_id)
        for so_type, ids in touched_ids.items():
            seeded_objects, live = by_type.get(so_type), self.by_type.get(so_type)
            index = indexes.get(so_type)  # an index made since the seed goes whole
            if index is not None:
                for so_id in ids:
                    current, seeded = (live or {}).get(so_id), (seeded_objects or {}).get(so_id)
                    if current is not seeded:
                        if current is not None:
                            index.remove(so_id, current["attributes"])
                        if seeded is not None:
                            index.add(so_id, seeded["attributes"])
            if seeded_objects is None:
                self.by_type.pop(so_type, None)
            elif live is None or so_type in self._reordered:
                self.by_type[so_type] = live = live if live is not None else {}
                live.clear()
                live.update(seeded_objects)
                if index is not None:  # the seeded order is met again: its places are counted anew
                    index.positions = dict(zip(live, range(len(live))))
                    index.next_position = len(live)
            else:  # only writes: each seeded object is where it was
                for so_id in ids:
                    if so_id in seeded_objects:
                        live[so_id] = seeded_objects[so_id]
                    else:
                        live.pop(so_id, None)
                        if index is not None:
                            index.positions.pop(so_id, None)
        if list(self.by_type) != list(by_type):
            ordered = {so_type: self.by_type[so_type] for so_type in by_type}
            self.by_type.clear()
            self.by_type.update(ordered)
        if self.indexes.keys() != indexes.keys():
            self.indexes.clear()
            self.indexes.update(indexes)
        vars(self).update(pickle.loads(rest))
        self._touched, self._reordered = set(), set()

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
                shown[optional] = clone(doc[optional])
        shown["version"] = encode_version(doc["_seq_no"], doc["_primary_term"])
        shown["attributes"] = clone(attributes)
        shown["references"] = clone(doc.get("references", []))
        if doc.get("migrationVersion"):
            shown["migrationVersion"] = dict(doc["migrationVersion"])
        return shown

    def represent_created(
        self, doc: dict, saved_type: SavedObjectsType, fields: list[str] | None = None, *, shared: bool = False
    ) -> dict:
        """An object in the serializer's order (rawToSavedObject), as create, bulk create and find
        answer it; no ``namespaces`` for a namespace-agnostic type. ``shared``: the answer holds the
        stored document's values themselves (a stored document is never changed in place), for a
        caller that only reads or writes out the answer."""
        if shared and fields is None:
            return self._shown_created(doc, saved_type)
        shown: dict[str, Any] = {"type": doc["type"], "id": doc["id"]}
        if doc.get("originId") is not None:
            shown["originId"] = doc["originId"]
        attributes = doc["attributes"]
        if fields is not None:
            attributes = {k: v for k, v in attributes.items() if k in fields}
        if fields is None or attributes:  # none of the fields asked for: no attributes at all
            shown["attributes"] = clone(attributes)
        shown["references"] = clone(doc.get("references", []))
        if doc.get("migrationVersion"):
            shown["migrationVersion"] = dict(doc["migrationVersion"])
        shown["updated_at"] = doc["updated_at"]
        shown["version"] = encode_version(doc["_seq_no"], doc["_primary_term"])
        if doc.get("workspaces") is not None:
            shown["workspaces"] = list(doc["workspaces"])  # strings: a copy of the list is a deep one
        if doc.get("permissions") is not None and fields is None:
            shown["permissions"] = clone(doc["permissions"])
        if saved_type.namespace_type != "agnostic":
            shown["namespaces"] = self.namespaces(doc, saved_type)
        return shown

    def _shown_created(self, doc: dict, saved_type: SavedObjectsType) -> dict:
        """:meth:`represent_created` of the whole object, its values not copied."""
        shown = shown_stored(doc)
        if saved_type.namespace_type != "agnostic":
            shown["namespaces"] = self.namespaces(doc, saved_type)
        return shown

    # -- reading ---------------------------------------------------------------------------
    def get(self, types: TypeRegistry, so_type: str, so_id: str) -> dict:
        saved_type = types.get(so_type)
        doc = self.stored(so_type, so_id) if saved_type else None
        if doc is None:  # an unknown or hidden type is "not found" too
            raise SavedObjectNotFound(so_type, so_id)
        return self.represent(doc, saved_type)

    def bulk_get(self, types: TypeRegistry, requests: list[dict]) -> dict:
        results = []
        for request in requests:
            so_type, so_id = request["type"], request["id"]
            saved_type = types.get(so_type)
            if saved_type is None:
                results.append(item_error(so_type, so_id, UnsupportedType(so_type)))
                continue
            doc = self.stored(so_type, so_id)
            if doc is None:
                results.append(item_error(so_type, so_id, SavedObjectNotFound(so_type, so_id)))
            else:
                results.append(self.represent(doc, saved_type, request.get("fields")))
        return {"saved_objects": results}

    # -- writing ---------------------------------------------------------------------------
    def new_document(
        self,
        types: TypeRegistry,
        so_type: str,
        body: dict,
        now: str,
        *,
        workspaces: list[str] | None = None,
        owned: bool = False,
    ) -> tuple[dict, SavedObjectsType]:
        """A document ready to write: checked, migrated and stamped (nothing is written yet). ``owned``:
        the body's values are the caller's to give (parsed for this call, kept by nobody), so the
        document takes them as they are, unless a migration of the type's could change them in place."""
        saved_type = types.require(so_type)
        if body.get("initialNamespaces") is not None and saved_type.namespace_type != "multiple":
            raise InitialNamespacesOnSingleNamespaceType()
        copy = clone if not owned or _migrates(saved_type) else _as_it_is
        doc = {
            "id": body.get("id") or str(uuid.uuid1()),
            "type": so_type,
            "attributes": copy(body["attributes"]),
            "references": copy(body.get("references") or []),
        }
        if body.get("migrationVersion") is not None:
            doc["migrationVersion"] = dict(body["migrationVersion"])
        doc = migrate(doc, saved_type)
        doc["updated_at"] = now
        if saved_type.namespace_type == "multiple":
            doc["namespaces"] = list(body.get("initialNamespaces") or [DEFAULT_NAMESPACE])
        for optional in ("originId", "permissions"):
            if body.get(optional) is not None:
                doc[optional] = copy(body[optional])
        chosen_workspaces = body.get("workspaces") or workspaces
        if chosen_workspaces:
            doc["workspaces"] = list(chosen_workspaces)
        return doc, saved_type

    def create(
        self,
        types: TypeRegistry,
        so_type: str,
        body: dict,
        *,
        overwrite: bool = False,
        workspaces: list[str] | None = None,
    ) -> dict:
        """``POST /api/saved_objects/{type}[/{id}]``: refuses an existing id unless ``overwrite``,
        which replaces the object whole."""
        doc, saved_type = self.new_document(types, so_type, body, now_iso(), workspaces=workspaces)
        existing = self.stored(so_type, doc["id"])
        if existing is not None and not overwrite:
            raise VersionConflict.exists(so_type, doc["id"], existing["_version"])
        return self.represent_created(self.write(doc, saved_type), saved_type, shared=True)

    def bulk_create(
        self,
        types: TypeRegistry,
        objects: list[dict],
        *,
        overwrite: bool = False,
        workspaces: list[str] | None = None,
        owned: bool = False,
    ) -> dict:
        """``owned``: the objects are the caller's to give (:meth:`new_document`)."""
        now = now_iso()
        prepared: list[tuple[dict, Any]] = []
        for body in objects:
            try:
                prepared.append(self.new_document(types, body["type"], body, now, workspaces=workspaces, owned=owned))
            except BoomError as error:
                if error.status in (422, 500):  # a migration's failure: not caught per item by the repository
                    raise
                prepared.append((body, error))
        results = []
        for doc, outcome in prepared:
            if isinstance(outcome, BoomError):
                results.append(item_error(doc["type"], doc.get("id"), outcome))
            elif self.stored(doc["type"], doc["id"]) is not None and not overwrite:
                results.append(item_error(doc["type"], doc["id"], SavedObjectConflict(doc["type"], doc["id"])))
            else:
                results.append(self.represent_created(self.write(doc, outcome), outcome, shared=True))
        return {"saved_objects": results}

    def _update_one(self, types: TypeRegistry, so_type: str, so_id: str, body: dict, now: str, conflict_error) -> dict:
        saved_type = types.get(so_type)
        doc = self.stored(so_type, so_id) if saved_type else None
        if doc is None:
            raise SavedObjectNotFound(so_type, so_id)
        if body.get("version") is not None:
            seq_no, primary_term = decode_version(body["version"])
            if (seq_no, primary_term) != (doc["_seq_no"], doc["_primary_term"]):
                raise conflict_error(seq_no, primary_term, doc)
        updated = clone(doc)
        deep_merge(updated["attributes"], body["attributes"])
        if body.get("references") is not None:
            updated["references"] = clone(body["references"])
        updated["updated_at"] = now
        written = self.write(updated, saved_type)
        answer: dict[str, Any] = {
            "id": so_id,
            "type": so_type,
            "updated_at": now,
            "version": encode_version(written["_seq_no"], written["_primary_term"]),
            "namespaces": self.namespaces(written, saved_type),
        }
        if written.get("originId") is not None:
            answer["originId"] = written["originId"]
        if body.get("references") is not None:
            answer["references"] = clone(body["references"])
        answer["attributes"] = clone(body["attributes"])
        return answer

    def update(self, types: TypeRegistry, so_type: str, so_id: str, body: dict) -> dict:
        """``PUT /api/saved_objects/{type}/{id}``: merges the attributes sent, answers only them."""

        def stale(seq_no, primary_term, doc):
            return VersionConflict.stale(so_type, so_id, seq_no, primary_term, doc["_seq_no"], doc["_primary_term"])

        return self._update_one(types, so_type, so_id, body, now_iso(), stale)

    def bulk_update(self, types: TypeRegistry, objects: list[dict]) -> dict:
        now = now_iso()
        results = []
        for body in objects:
            so_type, so_id = body["type"], body["id"]
            try:
                results.append(
                    self._update_one(
                        types, so_type, so_id, body, now, lambda *_, t=so_type, i=so_id: SavedObjectConflict(t, i)
                    )
                )
            except BoomError as error:
                results.append(item_error(so_type, so_id, error))
        return {"saved_objects": results}

    def delete(self, types: TypeRegistry, so_type: str, so_id: str) -> dict:
        if types.get(so_type) is None or self.stored(so_type, so_id) is None:
            raise SavedObjectNotFound(so_type, so_id)
        self.remove(so_type, so_id)
        self.seq_no += 1
        return {}

    # -- find ---------------------------------------------------------------------------------
    def find(
        self,
        types: TypeRegistry,
        *,
        type: list[str],
        per_page: int = 20,
        page: int = 1,
        search: str | None = None,
        default_search_operator: str = "OR",
        search_fields: list[str] | None = None,
        sort_field: str | None = None,
        has_reference: dict | None = None,
        fields: list[str] | None = None,
        filter: str | None = None,
        namespaces: list[str] | None = None,
        workspaces: list[str] | None = None,
        visible: Callable[[dict], bool] | None = None,
    ) -> dict:
        """``GET /api/saved_objects/_find``: the objects of the requested types that every given
        condition keeps, by relevance with a search, by ``sort_field`` ascending, else in index order;
        ``visible``, when given, is what the caller may see (the permission control's scope)."""
        allowed = [t for t in type if types.get(t) is not None]
        empty = {"page": page, "per_page": per_page, "total": 0, "saved_objects": []}
        if not allowed:
            return empty
        tree = self._checked_filter(filter, allowed, types) if filter else None
        keep = kql.predicate(tree, types) if tree is not None else None
        sort_key = self._sort_key(sort_field, allowed, types) if sort_field else None
        # The search asks from = per_page * (page - 1) and size = per_page; OpenSearch checks the window
        # once the query and sort are parsed (DefaultSearchContext.preProcess), whatever would match.
        if per_page * page > MAX_RESULT_WINDOW:
            raise ResultWindowTooLarge(per_page * page, MAX_RESULT_WINDOW)
        wanted_namespaces = {DEFAULT_NAMESPACE if n == "*" else n for n in (namespaces or [DEFAULT_NAMESPACE])}
        wanted_workspaces = frozenset(workspaces) if workspaces and "*" not in workspaces else None
        # The hits of each type, as (objects, ids that are hits, their scores or None), counted
        # here; a hit's (document, score) pair is only made as the ranking below meets it, so that a
        # find leaves no container per hit behind for the garbage collector to go through.
        matched: list[tuple[dict, Any, dict | None]] = []
        total = 0
        for so_type in allowed:
            saved_type = types.get(so_type)
            objects = self.by_type.get(so_type, {})
            scores = (
                self._search(so_type, saved_type, objects, search, default_search_operator, search_fields)
                if search
                else None
            )
            if saved_type.namespace_type == "single" and DEFAULT_NAMESPACE not in wanted_namespaces:
                continue  # the type's objects are all in the default namespace
            if scores is not None:
                ids: Any = scores
            else:
                index = self.indexes.get(so_type)
                found = kql.candidates(tree, so_type, index, types) if tree is not None else None
                if found is None:
                    ids = objects
                else:  # what the index says the filter may keep, met in the order a scan meets it
                    ids = index.in_stored_order(i for i in found if i in objects) if found else ()
            checks = self._hit_checks(saved_type, wanted_namespaces, wanted_workspaces, has_reference, keep, visible)
            if checks:
                ids = [i for i in ids if all(check(objects[i]) for check in checks)]
            total += len(ids)
            matched.append((objects, ids, scores))
        start = per_page * (page - 1)
        if sort_key is not None:
            ranked = [(objects[i], 0) for objects, ids, _ in matched for i in ids]
            ranked.sort(key=lambda hit: (sort_key(hit[0]), hit[0]["_seq_no"]))
        else:
            window = isinstance(start, int) and isinstance(per_page, int) and start >= 0
            ranked = self._best_scored(matched, start + per_page, total) if search and window else None
            if ranked is None:
                if search:
                    hits: Any = ((objects[i], scores[i]) for objects, ids, scores in matched for i in ids)
                    rank: Any = lambda hit: (-hit[1], hit[0]["_seq_no"])  # noqa: E731
                else:
                    hits = ((objects[i], 0) for objects, ids, _ in matched for i in ids)
                    rank = lambda hit: hit[0]["_seq_no"]  # noqa: E731
                if window:
                    # The page of a full sort without sorting every hit: nsmallest is sorted(...)[:n],
                    # ties kept in the order met, as the sort is stable.
                    ranked = heapq.nsmallest(start + per_page, hits, key=rank)
                else:  # a page or per_page the slice below refuses or counts from the end: as before
                    ranked = sorted(hits, key=rank)
        shown = []
        for doc, score in ranked[start : start + per_page]:
            item = self.represent_created(doc, types.get(doc["type"]), fields)
            item["score"] = None if sort_key is not None else whole_as_int(score)
            if sort_key is not None:
                item["sort"] = [sort_key(doc)[1]]
            shown.append(item)
        return {**empty, "total": total, "saved_objects": shown}

    @staticmethod
    def _best_scored(matched: list[tuple[dict, Any, dict]], count: int, total: int) -> list[tuple[dict, float]] | None:
        """The first ``count`` hits by (score descending, _seq_no), as the full sort puts them, from a
        few passes over the scores that call nothing per hit: the ``count``-th best score, the hits
        above it, and of those at it (often most of them: a term scores alike in titles alike) the ones
        whose _seq_no is among the lowest. None when the page reaches every hit, or when _seq_nos
        repeat at the cut (a fixture's versions may), where only the order met can say."""
        if count <= 0 or count >= total:
            return None
        values = [score for _, ids, scores in matched for score in map(scores.__getitem__, ids)]
        values.sort(reverse=True)
        cut = values[count - 1]
        above: list[tuple[dict, float]] = []
        at: list[tuple[dict, list[str]]] = []
        for objects, ids, scores in matched:
            above.extend((objects[i], scores[i]) for i in ids if scores[i] > cut)
            tied = [i for i in ids if scores[i] == cut]
            if tied:
                at.append((objects, tied))
        wanted = count - len(above)
        tied_seq_nos = [[objects[i]["_seq_no"] for i in tied] for objects, tied in at]
        seq_nos = sorted(seq_no for each in tied_seq_nos for seq_no in each)
        last = seq_nos[wanted - 1]
        if wanted < len(seq_nos) and seq_nos[wanted] == last:
            return None
        for (objects, tied), each in zip(at, tied_seq_nos):
            above.extend((objects[i], cut) for i, seq_no in zip(tied, each) if seq_no <= last)
        above.sort(key=lambda hit: (-hit[1], hit[0]["_seq_no"]))
        return above

    @staticmethod
    def _hit_checks(
        saved_type: SavedObjectsType,
        wanted_namespaces: set[str],
        wanted_workspaces: frozenset[str] | None,
        has_reference: dict | None,
        keep: Callable[[dict], bool] | None,
        visible: Callable[[dict], bool] | None,
    ) -> list[Callable[[dict], bool]]:
        """What each object of the type must pass to be a hit, in the order they are asked; none
        that every object of the type passes alike (the namespace of a single-namespace type)."""
        checks: list[Callable[[dict], bool]] = []
        if saved_type.namespace_type == "multiple":
            checks.append(lambda doc: Repository._in_namespaces(doc, saved_type, wanted_namespaces))
        if wanted_workspaces is not None:
            checks.append(lambda doc: not wanted_workspaces.isdisjoint(doc.get("workspaces") or ()))
        if has_reference:
            wanted_type, wanted_id = has_reference.get("type"), has_reference.get("id")
            checks.append(
                lambda doc: any(
                    r.get("type") == wanted_type and r.get("id") == wanted_id for r in doc.get("references", [])
                )
            )
        if keep is not None:
            checks.append(keep)
        if visible is not None:
            checks.append(visible)
        return checks

    @staticmethod
    def _checked_filter(expression: str, allowed: list[str], types: TypeRegistry):
        node = kql.parse(expression)
        kql.validate(node, allowed, types)
        return node

    @staticmethod
    def _in_namespaces(doc: dict, saved_type: SavedObjectsType, wanted: set[str]) -> bool:
        if saved_type.namespace_type == "agnostic":
            return True
        if saved_type.namespace_type == "multiple":
            return bool(wanted & set(doc.get("namespaces") or [DEFAULT_NAMESPACE])) or "*" in (
                doc.get("namespaces") or []
            )
        return DEFAULT_NAMESPACE in wanted

    def _search(
        self,
        so_type: str,
        saved_type: SavedObjectsType,
        objects: dict,
        search: str,
        operator: str,
        search_fields: list[str] | None,
    ) -> dict[str, float]:
        index = self.indexes.get(so_type) or TypeIndex(saved_type)
        if search_fields:
            fields = [(f.partition("^")[0], float(f.partition("^")[2] or 1)) for f in search_fields]
        else:
            fields = [(name, 1.0) for name in index.fields]
        attributes_of = lambda so_id: objects[so_id]["attributes"]  # noqa: E731
        searcher = Searcher(index, objects, fields, attributes_of, operator, include_type_field=not search_fields)
        scores = searcher.run(parse_simple_query(search, operator))
        if search.strip().endswith("*"):
            # The repository adds match_phrase_prefix clauses: either part may match.
            query = search.strip()[:-1]
            prefix_fields = (
                [
                    (f.partition("^")[0], int(float(f.partition("^")[2] or 1)))
                    for f in search_fields
                    if "*" not in f.partition("^")[0]
                ]
                if search_fields
                else [(saved_type.default_search_field, 1)]
                if saved_type.default_search_field
                else []
            )
            for name, boost in prefix_fields:
                for so_id, score in phrase_prefix(index, name, query, boost, attributes_of).items():
                    scores[so_id] = scores.get(so_id, 0.0) + score
        return scores

    @staticmethod
    def _sort_key(sort_field: str, allowed: list[str], types: TypeRegistry):
        """sorting_params.ts: the type's field with one type, else a root field; ascending."""
        mapping = None
        if len(allowed) == 1:
            mappings = types.get(allowed[0]).mappings
            base, _, sub = sort_field.rpartition(".")
            mapping = mappings.get(sort_field) or (mappings.get(base, {}).get("fields", {}).get(sub) if base else None)
            source = ("attributes", base if mapping is not None and sort_field not in mappings else sort_field)
        if mapping is None:
            if sort_field not in ROOT_FIELDS:
                if len(allowed) == 1:
                    raise UnknownSortField(sort_field)
                raise UnsortableAcrossTypes(sort_field)
            mapping, source = ROOT_FIELDS[sort_field], ("root", sort_field)
        kind = mapping.get("type")
        field_name = f"{allowed[0]}.{sort_field}" if source[0] == "attributes" else sort_field
        if kind == "text" and not mapping.get("fielddata"):
            raise SortOnTextField(field_name)
        if mapping.get("doc_values") is False:
            raise SortWithoutFielddata(field_name, kind)

        def key(doc: dict) -> tuple:
            found = (
                values_at(doc["attributes"], source[1])
                if source[0] == "attributes"
                else ([doc.get(source[1])] if doc.get(source[1]) is not None else [])
            )
            if not found:
                return (1, None)  # missing values sort last
            value = found[0]
            if kind == "date":
                moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
                value = int(moment.timestamp() * 1000)
            return (0, value)

        return key


def whole_as_int(score: float) -> float | int:
    """A whole score (a prefix's boost, a match-all's 1) as the integer JSON.stringify writes it
    ("2", not "2.0"), so that the answer holds no double the fast writers would write otherwise."""
    if type(score) is float and score.is_integer() and abs(score) < 2**53:
        return int(score)
    return score


def _as_it_is(value: Any) -> Any:
    return value


def _migrates(saved_type: SavedObjectsType) -> bool:
    """Whether a migration of the type's may change a document (the built-in types' leave it as it is)."""
    return any(migration is not keep_document for migration in saved_type.migrations.values())


def migrate(doc: dict, saved_type: SavedObjectsType) -> dict:
    """DocumentMigrator.migrateDocument, for the document's type.

    Without a ``migrationVersion`` the document is taken as current: it is only stamped with its type's
    newest migration version. With one (even ``{}``), the migrations newer than its entry for the type
    run, oldest first. An entry newer than the type knows is refused (422); an empty map is dropped.
    """
    latest = saved_type.latest_migration
    versions = doc.get("migrationVersion")
    current = (versions or {}).get(saved_type.name)
    if current is not None and (latest is None or order_key(current) > order_key(latest)):
        raise MigrationTooNew(doc["id"], saved_type.name, current, latest)
    if versions is not None:
        for version in sorted(saved_type.migrations, key=order_key):
            if current is None or order_key(version) > order_key(current):
                try:
                    doc = saved_type.migrations[version](doc)
                except BoomError:
                    raise
                except Exception:  # logged by the server, answered as its generic 500
                    raise MigrationFailed() from None
    versions = dict(doc.get("migrationVersion") or {})
    if latest is not None:
        versions[saved_type.name] = latest
    if versions:
        doc["migrationVersion"] = versions
    else:
        doc.pop("migrationVersion", None)
    return doc


def now_iso() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
