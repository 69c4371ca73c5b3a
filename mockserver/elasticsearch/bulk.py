"""``_bulk``: the NDJSON body parsed as BulkRequestParser reads it (a malformed line refuses the whole
request), then each item run through the document functions, its failure reported in its place.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from . import xcontent
from .documents import Documents, doc_id_problems
from .errors import (
    ActionRequestValidation,
    DocumentParsingError,
    ElasticsearchError,
    IllegalArgument,
    IndexNotFound,
    NotMocked,
    XContentParseError,
)
from .json_reader import parse_json

ACTIONS = ("create", "delete", "index", "update")
ACTION_PARAMS = {
    "_index",
    "_id",
    "routing",
    "if_seq_no",
    "if_primary_term",
    "version",
    "version_type",
    "pipeline",
    "require_alias",
    "retry_on_conflict",
    "_source",
    "dynamic_templates",
    "list_executed_pipelines",
    "require_data_stream",
    "op_type",
}
NOT_MOCKED_PARAMS = ("version", "version_type", "routing", "dynamic_templates")
UPDATE_FIELDS = {
    "doc",
    "upsert",
    "doc_as_upsert",
    "detect_noop",
    "scripted_upsert",
    "script",
    "_source",
    "lang",
    "params",
}


class BulkItem:
    __slots__ = ("action", "line", "meta", "source", "source_text")

    def __init__(self, action: str, line: int, meta: dict, source: Any = None, source_text: str = ""):
        self.action, self.line, self.meta, self.source, self.source_text = action, line, meta, source, source_text


def parse_bulk(text: str, default_index: str | None) -> list[BulkItem]:
    if not text:
        raise ParseRequired("request body is required")
    if not text.endswith("\n"):
        raise IllegalArgument("The bulk request must be terminated by a newline [\\n]")
    lines = text.split("\n")
    items: list[BulkItem] = []
    number = 0
    position = 0
    count = len(lines) - 1  # the last "line" is what follows the final newline
    while position < count:
        raw = lines[position]
        position += 1
        number += 1
        if not raw.strip():
            continue
        action_line = _parse_action(raw, number)
        if not isinstance(action_line, dict):
            raise IllegalArgument(
                f"Malformed action/metadata line [{number}], expected START_OBJECT but found "
                f"[{xcontent.token_kind(action_line)}]"
            )
        if len(action_line) != 1:
            if not action_line:
                raise IllegalArgument(
                    f"Malformed action/metadata line [{number}], expected FIELD_NAME but found [END_OBJECT]"
                )
            raise IllegalArgument(
                f"Malformed action/metadata line [{number}], expected END_OBJECT but found [FIELD_NAME]"
            )
        action, meta = next(iter(action_line.items()))
        if action not in ACTIONS:
            raise IllegalArgument(
                f"Malformed action/metadata line [{number}], expected field [create], [delete], "
                f"[index] or [update] but found [{action}]"
            )
        if not isinstance(meta, dict):
            raise IllegalArgument(
                f"Malformed action/metadata line [{number}], expected START_OBJECT or END_OBJECT "
                f"but found [{xcontent.token_kind(meta)}]"
            )
        for key, value in meta.items():
            if key not in ACTION_PARAMS:
                raise IllegalArgument(f"Action/metadata line [{number}] contains an unknown parameter [{key}]")
            if isinstance(value, (dict, list)) and key not in ("_source", "dynamic_templates"):
                raise IllegalArgument(
                    f"Malformed action/metadata line [{number}], expected a simple value for field "
                    f"[{key}] but found [{xcontent.token_kind(value)}]"
                )
        unsupported = next((key for key in NOT_MOCKED_PARAMS if key in meta), None)
        if unsupported is not None:
            raise NotMocked(f"[{unsupported}] in a bulk action")
        if "_index" not in meta:
            meta["_index"] = default_index  # the line's own dict, parsed for this item
        if action == "index" and "op_type" in meta and str(meta["op_type"]).lower() == "create":
            action = "create"  # the item is keyed by the request's op type
        if action == "delete":
            items.append(BulkItem(action, number, meta))
            continue
        if position >= count:
            break  # an action without its source line: the server ignores it, as here
        source_text = lines[position]
        position += 1
        number += 1
        if action == "update":
            source = parse_json(source_text, line=True)
            if not isinstance(source, dict):
                raise XContentParseError(
                    f"[UpdateRequest] Expected START_OBJECT but was: {xcontent.token_kind(source)}", (1, 1)
                )
            for key in source:
                if key not in UPDATE_FIELDS:
                    locations = xcontent.Locations(source_text)
                    raise XContentParseError(f"[UpdateRequest] unknown field [{key}]", locations.key((key,)))
            items.append(BulkItem(action, number, meta, source, source_text))
        else:
            items.append(BulkItem(action, number, meta, None, source_text))
    # BulkRequest.validate(): what each item's own validate() refuses fails the whole request
    problems = []
    for item in items:
        if not item.meta.get("_index"):
            problems.append("index is missing")
        if item.action in ("index", "create") and item.meta.get("_id") is not None:
            problems += doc_id_problems(str(item.meta["_id"]))
    if problems:
        raise ActionRequestValidation(problems)
    return items


class ParseRequired(ElasticsearchError):
    type = "parse_exception"
    status = 400


def _parse_action(raw: str, number: int) -> Any:
    """An action line; the strict parser (9.x) refuses anything after its closing brace."""
    try:
        return parse_json(raw, line=True)
    except ElasticsearchError:
        try:
            value, end = json.JSONDecoder().raw_decode(raw)
        except ValueError:
            raise
        if isinstance(value, dict) and raw[end:].strip():
            raise IllegalArgument(
                f"Malformed action/metadata line [{number}], unexpected data after the closing brace"
            ) from None
        raise


def run_bulk(
    documents: Documents, items: list[BulkItem], params: dict, authorize: Callable[[str, str], None] | None = None
) -> dict:
    """The items in order, each answered on its own; ``authorize`` (an operation and an index name)
    refuses an item the caller may not write, as the bulk shard request's item check does."""
    started = time.perf_counter()
    results = []
    errors = False
    pipelines_before = documents.pipeline_runs
    refresh = params.get("refresh") in ("", "true", True)
    default_pipeline = params.get("pipeline")
    for item in items:
        try:
            if authorize is not None:
                # BulkRequestParser keeps an index an index, with or without an id (unlike the index API).
                authorize(item.action, item.meta["_index"])
            status, body = _run_item(documents, item, params, refresh, default_pipeline)
        except ElasticsearchError as error:
            status = error.status
            body = {
                "_index": _failed_index(documents, item.meta["_index"]),
                "_id": item.meta.get("_id"),
                "status": status,
                "error": error.to_xcontent(),
            }
            errors = True
            results.append({item.action: body})
            continue
        body["status"] = status
        if status >= 400 and item.action != "delete":
            errors = True
        results.append({item.action: body})
    answer: dict[str, Any] = {"errors": errors, "took": int((time.perf_counter() - started) * 1000)}
    if documents.pipeline_runs != pipelines_before:
        answer["ingest_took"] = 0  # the pipelines' share of the time (they are quick here)
    answer["items"] = results
    return answer


def _failed_index(documents: Documents, name: str) -> str:
    index = documents.indices.get(name)
    if index is None:
        targets = documents.indices.alias_targets(name)
        if len(targets) == 1:
            return targets[0].name
    return name


def _run_item(documents: Documents, item: BulkItem, params: dict, refresh: bool, default_pipeline) -> tuple[int, dict]:
    meta = item.meta
    index_name = meta["_index"]
    doc_id = meta.get("_id")
    if doc_id is not None:
        doc_id = str(doc_id)
    if_seq_no = _int_meta(meta, "if_seq_no") if "if_seq_no" in meta else None
    if_primary_term = _int_meta(meta, "if_primary_term") if "if_primary_term" in meta else None
    if item.action == "delete":
        if doc_id is None:
            raise ActionRequestValidation(["id is missing"])
        if documents.indices.get(index_name) is None and not documents.indices.alias_targets(index_name):
            raise IndexNotFound(index_name)
        return documents.delete(
            index_name, doc_id, if_seq_no=if_seq_no, if_primary_term=if_primary_term, refresh=refresh
        )
    if item.action == "update":
        if doc_id is None:
            raise ActionRequestValidation(["id is missing"])
        body = item.source
        source = body.get("_source", meta.get("_source"))
        return documents.update(
            index_name,
            doc_id,
            body,
            if_seq_no=if_seq_no,
            if_primary_term=if_primary_term,
            retry_on_conflict=_int_meta(meta, "retry_on_conflict") or 0,
            refresh=refresh,
            source=True if source is True else None,
            locate=xcontent.Locator(item.source_text),
        )
    source_text = item.source_text
    try:
        source = parse_json(source_text, line=True)
    except ElasticsearchError as cause:  # the document parser's failure, for this item only
        raise DocumentParsingError(f"[1:1] failed to parse: {cause.reason}", caused_by=cause) from None
    return documents.index(
        index_name,
        doc_id,
        source,
        op_type="create" if item.action == "create" else "index",
        if_seq_no=if_seq_no,
        if_primary_term=if_primary_term,
        pipeline=meta.get("pipeline", default_pipeline),
        refresh=refresh,
        locate=xcontent.Locator(source_text),
        source_text=source_text,
    )


def _int_meta(meta: dict, key: str) -> int | None:
    value = meta.get(key)
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise IllegalArgument(f"Failed to parse int parameter [{key}] with value [{value}]") from None
