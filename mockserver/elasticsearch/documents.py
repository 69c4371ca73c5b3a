"""The document APIs: index (and create), get, delete and update one document, as the transport
actions answer them. ``_bulk`` runs its items through the same functions.

Each function returns ``(status, body)`` with the body as DocWriteResponse / GetResult write it.
Documents are visible to searches at once (the mock refreshes on every write).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .clock import IdGenerator
from .errors import (
    ActionRequestValidation,
    DocumentMissing,
    IllegalArgument,
    IndexNotFound,
    NotMocked,
    ResourceNotFound,
)
from .indices import Doc, Index, Indices
from .ingest import Pipelines
from .search import filter_source
from .xcontent import ParsedSource, sent_source

Locate = Callable[[tuple], tuple[int, int]]


def _no_location(path: tuple) -> tuple[int, int]:
    return (1, 1)


def shards_info(index: Index) -> dict:
    """A write's ``_shards``: the primary and its replicas, of which one node holds the primary."""
    return {"total": index.shard_copies, "successful": 1, "failed": 0}


def write_answer(
    index: Index, doc_id: str, doc: Doc, result: str, forced_refresh: bool = False, shards: dict | None = None
) -> dict:
    body: dict[str, Any] = {"_index": index.name, "_id": doc_id, "_version": doc.version, "result": result}
    if forced_refresh:
        body["forced_refresh"] = True
    body["_shards"] = shards if shards is not None else shards_info(index)
    body["_seq_no"] = doc.seq_no
    body["_primary_term"] = index.primary_term
    return body


class Documents:
    """The document operations over a set of indices."""

    def __init__(self, indices: Indices, ids: IdGenerator, pipelines: Pipelines):
        self.indices = indices
        self.ids = ids
        self.pipelines = pipelines
        self.pipeline_runs = 0  # documents put through a pipeline (a bulk answer says ingest_took then)

    def check_pipeline(self, pipeline: str | None) -> None:
        if pipeline == "":
            raise ActionRequestValidation(["pipeline cannot be an empty string"])
        if pipeline and pipeline != "_none" and not self.pipelines.exists(pipeline):
            raise IllegalArgument(f"pipeline with id [{pipeline}] does not exist")

    # -- index / create -------------------------------------------------------------------------
    def index(
        self,
        index_name: str,
        doc_id: str | None,
        source: Any,
        *,
        op_type: str | None = None,
        if_seq_no: int | None = None,
        if_primary_term: int | None = None,
        pipeline: str | None = None,
        refresh: bool = False,
        locate: Locate = _no_location,
        source_text: str | None = None,
    ) -> tuple[int, dict]:
        """``source_text``: the source as sent, which the document keeps to be answered as it was
        sent (where no pipeline rewrote it)."""
        if (
            if_seq_no is not None
            or if_primary_term is not None
            or pipeline == ""
            or (doc_id is not None and len(doc_id) > MAX_ID_BYTES // 4)
        ):  # IndexRequest.validate()
            problems = cas_problems(if_seq_no, if_primary_term)  # (a negative one is refused before)
            if op_type == "create" and (if_seq_no is not None or if_primary_term is not None):
                problems = ["create operations do not support compare and set. use index instead"]  # and no more
            else:
                problems += doc_id_problems(doc_id)
                if pipeline == "":
                    problems.append("pipeline cannot be an empty string")
            if problems:
                raise ActionRequestValidation(problems)
        if doc_id == "":
            raise IllegalArgument("if _id is specified it must not be empty")
        if not isinstance(source, dict):
            raise NotMocked("a document source that is not a JSON object")
        self.check_pipeline(pipeline)
        index = self.indices.for_write(index_name)
        if doc_id is None:
            doc_id = self.ids.new_id()
            op_type = op_type or "create"
        pipeline = pipeline or index.settings.get("index.default_pipeline")
        if pipeline and pipeline != "_none":
            self.pipeline_runs += 1
            source = self.pipelines.run(pipeline, source)
            if source is None:  # dropped by the pipeline: nothing is written
                return 200, {
                    "_index": index.name,
                    "_id": doc_id,
                    "_version": -3,
                    "result": "noop",
                    "_shards": {"total": 0, "successful": 0, "failed": 0},
                }
            locate = _no_location
            source = ParsedSource(source)  # the pipeline's document, written again (IngestService)
        elif source_text is not None:
            source = sent_source(source, source_text)
        if op_type == "create":
            index.check_absent(doc_id)
        index.check_versions(doc_id, if_seq_no, if_primary_term)
        index.mapping.index_document(source, doc_id, locate)
        doc, created = index.write(doc_id, source)
        return (201 if created else 200), write_answer(index, doc_id, doc, "created" if created else "updated", refresh)

    # -- get ------------------------------------------------------------------------------------
    def get(self, index_name: str, doc_id: str, *, source: Any = True) -> tuple[int, dict]:
        index = self.existing(index_name)
        doc = index.docs.get(doc_id)
        if doc is None:
            return 404, {"_index": index.name, "_id": doc_id, "found": False}
        body: dict[str, Any] = {
            "_index": index.name,
            "_id": doc_id,
            "_version": doc.version,
            "_seq_no": doc.seq_no,
            "_primary_term": index.primary_term,
            "found": True,
        }
        if source is not False:
            body["_source"] = doc.source if source is True else filter_source(doc.source, *source)
        return 200, body

    def get_source(self, index_name: str, doc_id: str, *, source: Any = True) -> dict:
        index = self.existing(index_name)
        doc = index.docs.get(doc_id)
        if doc is None:
            raise ResourceNotFound(f"Document not found [{index.name}]/[{doc_id}]")
        return doc.source if source in (True, None) else filter_source(doc.source, *source) if source else {}

    def existing(self, name: str) -> Index:
        """The one index a single-document read goes to (an alias of one index is that index)."""
        index = self.indices.get(name)
        if index is not None:
            return index
        targets = self.indices.alias_targets(name)
        if len(targets) == 1:
            return targets[0]
        if len(targets) > 1:
            raise IllegalArgument(
                f"alias [{name}] has more than one index associated with it "
                f"[{', '.join(sorted(t.name for t in targets))}], can't execute a single index op"
            )
        raise IndexNotFound(name)

    # -- delete ---------------------------------------------------------------------------------
    def delete(
        self,
        index_name: str,
        doc_id: str,
        *,
        if_seq_no: int | None = None,
        if_primary_term: int | None = None,
        refresh: bool = False,
    ) -> tuple[int, dict]:
        problems = cas_problems(if_seq_no, if_primary_term)
        if problems:
            raise ActionRequestValidation(problems)
        index = self.existing(index_name)  # a delete does not create the index
        index.check_versions(doc_id, if_seq_no, if_primary_term)
        removed = index.delete(doc_id)
        if removed is None:  # the delete still takes a sequence number and versions a tombstone
            version = index.tombstones.get(doc_id, 0) + 1
            index.tombstones[doc_id] = version
            return 404, write_answer(index, doc_id, Doc({}, index.seq_no, version), "not_found", refresh)
        return 200, write_answer(index, doc_id, removed, "deleted", refresh)

    # -- update ---------------------------------------------------------------------------------
    def update(
        self,
        index_name: str,
        doc_id: str,
        body: dict,
        *,
        if_seq_no: int | None = None,
        if_primary_term: int | None = None,
        retry_on_conflict: int = 0,
        refresh: bool = False,
        source: Any = None,
        locate: Locate = _no_location,
    ) -> tuple[int, dict]:
        """UpdateHelper: a partial document merged into the stored one (``noop`` when nothing changes),
        or the upsert when there is none."""
        problems = cas_problems(if_seq_no, if_primary_term)
        compare = if_seq_no is not None or if_primary_term is not None
        if compare and retry_on_conflict > 0:
            problems.append("compare and write operations can not be retried")
        if compare and body.get("doc_as_upsert"):
            problems.append("compare and write operations can not be used with upsert")
        if compare and "upsert" in body:
            problems.append("upsert requests don't support `if_seq_no` and `if_primary_term`")
        if "script" not in body and "doc" not in body:
            problems.append("script or doc is missing")
        if "script" in body and "doc" in body:
            problems.append("can't provide both script and doc")
        if body.get("doc_as_upsert") and "doc" not in body:
            problems.append("doc must be specified if doc_as_upsert is enabled")
        if problems:
            raise ActionRequestValidation(problems)
        if "script" in body:
            raise NotMocked("[script] in an update")
        index = self.indices.for_write(index_name)  # the update creates the index it writes to
        existing = index.docs.get(doc_id)
        upsert = body.get("doc") if body.get("doc_as_upsert") else body.get("upsert")
        if existing is None and upsert is None:
            raise DocumentMissing(doc_id, index.name, index.uuid)
        index.check_versions(doc_id, if_seq_no, if_primary_term)
        if existing is None:
            # the request's parser copied the upsert out of the body (UpdateRequest: copyCurrentStructure)
            created_source = ParsedSource(copy.deepcopy(upsert))
            index.mapping.index_document(created_source, doc_id, locate)
            doc, _ = index.write(doc_id, created_source)
            answer = write_answer(index, doc_id, doc, "created", refresh)
            self._add_get(answer, index, doc, source)
            return 201, answer
        merged = copy.deepcopy(existing.source)
        changed = merge_source(merged, body["doc"], body.get("detect_noop", True))
        if not changed:
            answer = write_answer(index, doc_id, existing, "noop", False, {"total": 0, "successful": 0, "failed": 0})
            self._add_get(answer, index, existing, source)
            return 200, answer
        index.mapping.index_document(merged, doc_id, locate)
        doc, _ = index.write(doc_id, ParsedSource(merged))  # UpdateHelper writes the merged map again
        answer = write_answer(index, doc_id, doc, "updated", refresh)
        self._add_get(answer, index, doc, source)
        return 200, answer

    @staticmethod
    def _add_get(answer: dict, index: Index, doc: Doc, source: Any) -> None:
        if source is None or source is False:
            return
        answer["get"] = {
            "_seq_no": doc.seq_no,
            "_primary_term": index.primary_term,
            "found": True,
            "_source": doc.source if source is True else filter_source(doc.source, *source),
        }


MAX_ID_BYTES = 512  # IndexRequest.MAX_DOCUMENT_ID_LENGTH_IN_BYTES


def doc_id_problems(doc_id: str | None) -> list[str]:
    """DocWriteRequest.validateDocIdLength: an id over 512 bytes of UTF-8."""
    size = len(doc_id.encode("utf-8", "replace")) if doc_id is not None and len(doc_id) > MAX_ID_BYTES // 4 else 0
    if size > MAX_ID_BYTES:
        return [f"id [{doc_id}] is too long, must be no longer than {MAX_ID_BYTES} bytes but was: {size}"]
    return []


def cas_problems(if_seq_no: int | None, if_primary_term: int | None) -> list[str]:
    """DocWriteRequest.validateSeqNoBasedCASParams (a negative value is refused by its setter first)."""
    if if_seq_no is not None and if_seq_no < 0:
        raise IllegalArgument(f"sequence numbers must be non negative. got [{if_seq_no}].")
    if if_primary_term is not None and if_primary_term < 0:
        raise IllegalArgument(f"primary term must be non negative. got [{if_primary_term}]")
    if if_seq_no is not None and if_primary_term is None:
        return ["ifSeqNo is set, but primary term is [0]"]
    if if_seq_no is None and if_primary_term is not None:
        return [f"ifSeqNo is unassigned, but primary term is [{if_primary_term}]"]
    return []


def merge_source(target: dict, changes: dict, check: bool = True) -> bool:
    """XContentHelper.update: objects merge key by key, anything else replaces (new keys go last);
    whether anything changed, by Java's equality (1 is not 1.0, true is not 1)."""
    modified = False
    for key, value in changes.items():
        if key not in target:
            target[key] = copy.deepcopy(value)
            modified = True
        elif isinstance(target[key], dict) and isinstance(value, dict):
            modified |= merge_source(target[key], value, check and not modified)
        else:
            old = target[key]
            target[key] = copy.deepcopy(value)
            if modified:
                continue
            modified = True if not check else not java_equal(old, value)
    return modified


def java_equal(a: Any, b: Any) -> bool:
    """Objects.equals over parsed JSON: types must match (Integer, Double, Boolean, String, ...)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(java_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(java_equal(x, y) for x, y in zip(a, b))
    return a == b
