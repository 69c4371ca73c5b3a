"""Search over the document store: ``_search`` (with sort, paging, ``_source`` filtering and
``track_total_hits``), scrolls, ``_count`` and ``_delete_by_query``.

Every index has one shard, so an answer's ``_shards`` counts one per index (or its
``number_of_shards``), and ties sort by the order of the last writes (Lucene's doc order).
A part of a search request that the mock does not answer is refused as not mocked.
"""

from __future__ import annotations

import base64
import re
import time
from dataclasses import dataclass, field
from typing import Any

from .errors import (
    ElasticsearchError,
    IllegalArgument,
    NotMocked,
    ParsingError,
    QueryShardError,
    SearchContextMissing,
    SearchPhaseExecution,
    XContentParseError,
    shard_failure,
)
from .indices import Doc, Index
from .query import Locate, MatchAll, Query, float32, parse_query
from .xcontent import ParsedSource, in_java_range, number_out_of_range, token_kind

MAX_RESULT_WINDOW = 10000
DEFAULT_TRACK_TOTAL_HITS = 10000
LONG_MAX, LONG_MIN = 2**63 - 1, -(2**63)
# Search body parts the mock answers, and the ones it knows but does not answer.
ANSWERED = {
    "query",
    "from",
    "size",
    "sort",
    "_source",
    "track_total_hits",
    "seq_no_primary_term",
    "version",
    "timeout",
    "track_scores",
    "search_after",
    "min_score",
    "terminate_after",
    "stats",
}
NOT_ANSWERED = {
    "aggs",
    "aggregations",
    "highlight",
    "suggest",
    "post_filter",
    "collapse",
    "rescore",
    "knn",
    "pit",
    "runtime_mappings",
    "script_fields",
    "docvalue_fields",
    "fields",
    "stored_fields",
    "profile",
    "explain",
    "slice",
    "indices_boost",
    "rank",
    "retriever",
    "ext",
}
_TIME_VALUE = re.compile(r"^(-?\d+)(nanos|micros|ms|s|m|h|d)$")
_UNIT_SECONDS = {"nanos": 1e-9, "micros": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600, "d": 86400}
ID_FIELDDATA = (
    "Fielddata access on the _id field is disallowed, you can re-enable it by updating the dynamic cluster "
    "setting: indices.id_field_data.enabled"
)
FIELDDATA = (
    "Fielddata is disabled on [{field}] in [{index}]. Text fields are not optimised for operations that "
    "require per-document field data like aggregations and sorting, so these operations are disabled by "
    "default. Please use a keyword field instead. Alternatively, set fielddata=true on [{field}] in order to "
    "load field data by uninverting the inverted index. Note that this can use significant memory."
)


def time_value_seconds(text: str, setting: str) -> float:
    """TimeValue.parseTimeValue."""
    match = _TIME_VALUE.match(str(text).strip())
    if match is None:
        raise ParseProblem(
            f"failed to parse setting [{setting}] with value [{text}] as a time value: unit is missing or unrecognized"
        )
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


class ParseProblem(ElasticsearchError):
    type = "parse_exception"
    status = 400


# -- the request --------------------------------------------------------------------------------


@dataclass
class SortKey:
    field: str  # a field, "_score" or "_doc"
    descending: bool
    missing_first: bool = False
    unmapped_type: str | None = None
    mode: str | None = None
    format: str | None = None


@dataclass
class SearchRequest:
    query: Query = field(default_factory=MatchAll)
    from_: int = 0
    size: int = 10
    sort: list[SortKey] = field(default_factory=list)
    source: Any = True  # True, False, or (includes, excludes)
    track_total_hits: int | bool | None = None  # None: not asked, counted up to the default 10,000
    seq_no_primary_term: bool = False
    version: bool = False
    track_scores: bool = False
    search_after: list | None = None
    min_score: float | None = None
    terminate_after: int | None = None
    total_as_int: bool = False


def parse_search_body(body: dict | None, locate: Locate, params: dict, uri: str = "") -> SearchRequest:
    """SearchSourceBuilder.parseXContent for the parts the mock answers, then the URL parameters
    (which win, as RestSearchAction applies them after the body)."""
    request = SearchRequest()
    body = body or {}
    for key, value in body.items():
        at = (key,)
        if key in NOT_ANSWERED:
            raise NotMocked(f"[{key}] in a search request")
        if key not in ANSWERED:
            raise ParsingError(f"Unknown key for a {token_kind(value)} in [{key}].", locate(at))
        if key == "query":
            request.query = parse_query(value, at, locate)
        elif key in ("from", "size"):
            setattr(request, "from_" if key == "from" else "size", _int_field(key, value, at, locate))
        elif key == "sort":
            request.sort = parse_sort(value, locate, at)
        elif key == "_source":
            request.source = parse_source(value, locate, at)
        elif key == "track_total_hits":
            request.track_total_hits = _track_total_hits(value)
        elif key in ("seq_no_primary_term", "version", "track_scores"):
            if not isinstance(value, bool):
                raise ParsingError(f"[{key}] doesn't support values of type: {token_kind(value)}", locate(at))
            setattr(request, key, value)
        elif key == "search_after":
            if not isinstance(value, list):
                raise ParsingError(f"Unknown key for a {token_kind(value)} in [{key}].", locate(at))
            request.search_after = value
        elif key == "min_score":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ParsingError(f"[{key}] doesn't support values of type: {token_kind(value)}", locate(at))
            request.min_score = float(value)
        elif key == "terminate_after":
            request.terminate_after = _int_field(key, value, at, locate)
    apply_search_params(request, params, locate, uri)
    return request


QUERY_STRING_PARAMS = ("df", "analyzer", "analyze_wildcard", "lenient", "default_operator")


def apply_search_params(request: SearchRequest, params: dict, locate: Locate, uri: str = "") -> None:
    if "q" in params:
        raise NotMocked("the [q] parameter (URI search)")
    strays = [name for name in QUERY_STRING_PARAMS if name in params]
    if strays:
        raise IllegalArgument(
            f"request [{uri}] contains parameters [{', '.join(strays)}] but missing query string parameter 'q'."
        )
    for name in ("stored_fields", "docvalue_fields", "suggest_field", "explain"):
        if name in params:
            raise NotMocked(f"the [{name}] parameter")
    if "from" in params:
        request.from_ = params["from"]
    if "size" in params:
        request.size = params["size"]
    if "sort" in params:
        request.sort = []
        for part in params["sort"]:
            name, _, order = part.partition(":")
            request.sort.append(_sort_key(name, {"order": order} if order else {}, locate, ()))
    source = source_param(params)
    if source is not None:
        request.source = source
    if "track_total_hits" in params:
        request.track_total_hits = _track_total_hits(params["track_total_hits"])
    for flag in ("seq_no_primary_term", "version", "track_scores"):
        if flag in params:
            setattr(request, flag, params[flag])
    if "terminate_after" in params:
        request.terminate_after = params["terminate_after"]
    if request.terminate_after is not None and request.terminate_after <= 0:
        if request.terminate_after < 0:
            raise IllegalArgument("terminateAfter must be > 0")
        request.terminate_after = None  # 0: no limit
    request.total_as_int = bool(params.get("rest_total_hits_as_int", False))
    if request.total_as_int:  # RestSearchAction.checkRestTotalHits: an exact count, or none
        if request.track_total_hits is None:
            request.track_total_hits = True
        elif request.track_total_hits not in (True, False):
            raise IllegalArgument(
                "[rest_total_hits_as_int] cannot be used if the tracking of total hits is not "
                f"accurate, got {request.track_total_hits}"
            )
    if request.from_ < 0:
        raise IllegalArgument(f"[from] parameter cannot be negative but was [{request.from_}]")
    if request.size < 0:
        raise IllegalArgument(f"[size] parameter cannot be negative, found [{request.size}]")


def source_param(params: dict) -> Any:
    """FetchSourceContext.parseFromRestRequest: ``_source`` (a flag, or includes), ``_source_includes``,
    ``_source_excludes``; None when none is given."""
    source, includes, excludes = (params.get("_source"), params.get("_source_includes"), params.get("_source_excludes"))
    if source is None and includes is None and excludes is None:
        return None
    fetch: bool | None = None
    if isinstance(source, bool):
        fetch = source
    elif isinstance(source, str):
        if source.lower() in ("true", "false"):
            fetch = source.lower() == "true"
        elif source:
            includes = [p for p in source.split(",") if p]
    elif isinstance(source, list):
        includes = source
    if fetch is False:
        return False
    if includes or excludes:
        return (list(includes or []), list(excludes or []))
    return True


def _int_field(name: str, value: Any, at: tuple, locate: Locate) -> int:
    """XContentParser.intValue, as SearchSourceBuilder reads ``from``, ``size``, ``terminate_after``:
    Jackson refuses a number beyond an int; a string is read as a double, then checked."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ParsingError(f"[{name}] doesn't support values of type: {token_kind(value)}", locate(at))
    if isinstance(value, int):
        if not in_java_range(value, "int32"):
            raise number_out_of_range(str(value), locate(at), "int32")
        return value
    try:
        number = int(value)
    except ValueError:
        raise ParsingError(f"[{name}] failed to parse field", locate(at)) from None
    if not in_java_range(number, "int32"):
        raise IllegalArgument(f"Value [{value}] is out of range for an integer")
    return number


def _track_total_hits(value: Any) -> int | bool:
    if isinstance(value, bool):
        return value
    try:
        number = int(value)
    except (TypeError, ValueError):
        if str(value).lower() in ("true", "false"):
            return str(value).lower() == "true"
        raise IllegalArgument(f"Failed to parse value [{value}] as only [true] or [false] are allowed.") from None
    if number < -1:
        raise IllegalArgument(f"[track_total_hits] parameter must be positive or equals to -1, got {number}")
    return True if number == -1 else number


def parse_sort(value: Any, locate: Locate, at: tuple) -> list[SortKey]:
    items = value if isinstance(value, list) else [value]
    keys = []
    for position, item in enumerate(items):
        where = at + (position,) if isinstance(value, list) else at
        if isinstance(item, str):
            keys.append(_sort_key(item, {}, locate, where))
        elif isinstance(item, dict):
            for name, spec in item.items():
                if isinstance(spec, str):
                    spec = {"order": spec}
                if not isinstance(spec, dict):
                    raise ParsingError(f"[{name}] unknown token [{token_kind(spec)}]", locate(where + (name,)))
                keys.append(_sort_key(name, spec, locate, where + (name,)))
        else:
            raise ParsingError(f"unexpected token [{token_kind(item)}]", locate(where))
    return keys


SORT_OPTIONS = ("missing", "unmapped_type", "order", "mode", "nested", "numeric_type", "format")


def _sort_key(name: str, spec: dict, locate: Locate, at: tuple) -> SortKey:
    for key in spec:
        if key not in SORT_OPTIONS:
            from .query import did_you_mean

            # FieldSortBuilder is an ObjectParser: its unknown field error, with suggestions.
            raise XContentParseError(
                f"[field_sort] unknown field [{key}]{did_you_mean(key, SORT_OPTIONS)}",
                getattr(locate, "key", locate)(at + (key,)),
            )
        if key in ("nested", "numeric_type"):
            raise NotMocked(f"[{key}] in a sort")
    order = str(spec.get("order", "desc" if name == "_score" else "asc")).lower()
    if order not in ("asc", "desc"):
        raise IllegalArgument(f"Unknown SortOrder [{spec.get('order')}]")
    missing = spec.get("missing", "_last")
    if missing not in ("_last", "_first"):
        raise NotMocked("a [missing] value other than _first and _last in a sort")
    return SortKey(
        name, order == "desc", missing == "_first", spec.get("unmapped_type"), spec.get("mode"), spec.get("format")
    )


def parse_source(value: Any, locate: Locate, at: tuple) -> Any:
    """``_source``: a flag, a pattern, patterns, or includes and excludes."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return ([value], [])
    if isinstance(value, list):
        return ([str(v) for v in value], [])
    if isinstance(value, dict):
        includes, excludes = [], []
        for key, item in value.items():
            patterns = [item] if isinstance(item, str) else list(item) if isinstance(item, list) else None
            if patterns is None:
                raise ParsingError(f"Unknown key for a {token_kind(item)} in [{key}].", locate(at + (key,)))
            if key in ("includes", "include"):
                includes = patterns
            elif key in ("excludes", "exclude"):
                excludes = patterns
            else:
                raise ParsingError(f"Unknown key for a {token_kind(item)} in [{key}].", locate(at + (key,)))
        return (includes, excludes)
    raise ParsingError(f"Unknown key for a {token_kind(value)} in [_source].", locate(at))


# -- _source filtering ----------------------------------------------------------------------------


def _pattern(text: str) -> re.Pattern:
    return re.compile("".join(".*" if c == "*" else re.escape(c) for c in text) + r"\Z", re.DOTALL)


def filter_source(source: dict, includes: list[str], excludes: list[str]) -> dict:
    """XContentMapValues.filter: a field is kept when its path (or a parent's) matches an include
    and neither it nor a parent matches an exclude; objects left empty by the filter are dropped."""
    include_patterns = [_pattern(p) for p in includes]
    exclude_patterns = [_pattern(p) for p in excludes]

    def may_include(path: str) -> bool:  # some include could match below this path
        return any(p.startswith(path + ".") or "*" in p for p in includes)

    def walk(value: dict, prefix: str, included: bool) -> dict:
        out = {}
        for key, item in value.items():
            path = prefix + key
            if any(p.match(path) for p in exclude_patterns):
                continue
            here = included or not include_patterns or any(p.match(path) for p in include_patterns)
            if isinstance(item, dict):
                if here or may_include(path):
                    child = walk(item, path + ".", here)
                    if child or (here and not item):
                        out[key] = child
            elif isinstance(item, list) and any(isinstance(v, dict) for v in item) and (here or may_include(path)):
                kept = [walk(v, path + ".", here) if isinstance(v, dict) else v for v in item]
                kept = [v for v in kept if not isinstance(v, dict) or v]
                if kept or here:
                    out[key] = kept
            elif here:
                out[key] = item
        return out

    return ParsedSource(walk(source, "", False))  # written again, by Jackson


# -- running a search -------------------------------------------------------------------------


@dataclass
class Hit:
    index: Index
    doc_id: str
    doc: Doc
    score: float | None
    sort_values: list | None = None
    key: tuple = ()


class Searcher:
    """Runs a parsed search over resolved indices, one shard each: a shard that fails is left out and
    reported (``failures``); when every one fails, the search does (``all shards failed``)."""

    def __init__(self, indices: list[Index]):
        self.indices = list(indices)
        self.failures: list[tuple[Index, ElasticsearchError]] = []

    def fail(self, index: Index, error: ElasticsearchError) -> None:
        if isinstance(error, QueryShardError):  # names its shard's index
            error.metadata = {**error.metadata, "index_uuid": index.uuid, "index": index.name}
        self.failures.append((index, error))
        self.indices = [i for i in self.indices if i is not index]
        if not self.indices:
            raise SearchPhaseExecution(
                self.failures[0][1], self.failures[0][0].name, failures=[(i.name, e) for i, e in self.failures]
            )

    def each_index(self, check) -> None:
        """Runs a shard-level check on each index, failing the shards it refuses."""
        for index in list(self.indices):
            try:
                check(index)
            except (QueryShardError, IllegalArgument) as error:
                self.fail(index, error)

    def matches(self, query: Query, terminate_after: int | None = None) -> list[tuple[Index, dict[str, float]]]:
        results = []
        for index in list(self.indices):
            try:
                scores = query.run(index)
            except (QueryShardError, IllegalArgument) as error:
                self.fail(index, error)
                continue
            if terminate_after is not None and len(scores) > terminate_after:
                self.terminated_early = True
                scores = dict(sorted(scores.items(), key=lambda item: index.docs[item[0]].seq_no)[:terminate_after])
            results.append((index, scores))
        return results

    terminated_early = False

    def hits(self, request: SearchRequest, after_query=None) -> tuple[list[Hit], int, float | None]:
        """Every hit in order (the page is cut by the caller), the total and the max score.
        ``after_query(index)``: a shard-level check made once the query is built (the result window)."""
        views = self._sort_views(request) if request.sort else {}
        matched = self.matches(request.query, request.terminate_after)
        if after_query is not None:
            self.each_index(after_query)
            matched = [(index, scores) for index, scores in matched if index in self.indices]
        hits: list[Hit] = []
        scoring = not request.sort or request.track_scores or any(k.field == "_score" for k in request.sort)
        for index, scores in matched:
            docs = index.docs
            for doc_id, score in scores.items():
                if request.min_score is not None and score < request.min_score:
                    continue
                hits.append(Hit(index, doc_id, docs[doc_id], float32(score) if scoring else None))
        total = len(hits)
        max_score = max((h.score for h in hits), default=None) if scoring else None
        order = {index.name: i for i, index in enumerate(self.indices)}
        if not request.sort:
            for hit in hits:
                hit.key = (-(hit.score or 0.0), order[hit.index.name], hit.doc.seq_no)
            hits.sort(key=lambda h: h.key)
        else:
            self._sort(hits, request, views, order)
        if request.search_after is not None:
            hits = self._after(hits, request)
        if request.sort and not request.track_scores and not any(k.field == "_score" for k in request.sort):
            max_score = None
        return hits, total, max_score

    def _sort_views(self, request: SearchRequest) -> dict:
        """The field each sort key reads, per index; an index that cannot sort on it fails its shard."""
        views = {}
        for key in request.sort:
            if key.field in ("_score", "_doc"):
                continue
            for index in list(self.indices):
                field = index.field(key.field)
                try:
                    if key.field == "_id":
                        raise IllegalArgument(ID_FIELDDATA)
                    if field is None:
                        if key.unmapped_type is None:
                            raise QueryShardError(f"No mapping found for [{key.field}] in order to sort on")
                        continue
                    if field.kind == "text":
                        raise IllegalArgument(FIELDDATA.format(field=key.field, index=index.name))
                    if field.kind is None:
                        raise NotMocked(f"sorting on the [{field.type}] field [{key.field}]")
                    if key.mode in ("avg", "sum", "median") and field.kind not in ("number", "date"):
                        raise QueryShardError("we only support AVG, MEDIAN and SUM on number based fields")
                    if key.format is not None and field.kind not in ("date",):
                        raise NotMocked(f"[format] of a sort on the [{field.type}] field [{key.field}]")
                except (QueryShardError, IllegalArgument) as error:
                    self.fail(index, error)
                    continue
                views[(index.name, key.field)] = index.field_index(key.field)
        return views

    def _sort(self, hits: list[Hit], request: SearchRequest, views: dict, order: dict) -> None:
        def sort_key(hit: Hit) -> tuple:
            parts, shown = [], []
            for key in request.sort:
                if key.field == "_score":
                    value = hit.score or 0.0
                    parts.append((0, -value if key.descending else value))
                    shown.append(value)
                    continue
                if key.field == "_doc":
                    value = hit.doc.seq_no
                    parts.append((0, -value if key.descending else value))
                    shown.append(value)
                    continue
                view = views.get((hit.index.name, key.field))
                values = view.values.get(hit.doc_id) if view is not None else None
                kind = view.kind if view is not None else _unmapped_kind(key.unmapped_type)
                if not values:
                    missing_rank = 0 if key.missing_first else 2
                    parts.append((missing_rank, 0))
                    shown.append(None if key.format is not None else _missing_value(kind, key.descending))
                    continue
                chosen = _mode_value(values, key)
                rank_value = _negate(chosen) if key.descending else chosen
                parts.append((1, rank_value))
                shown.append(_shown_value(kind, chosen, view, key.format))
            hit.sort_values = shown
            return (*parts, order[hit.index.name], hit.doc.seq_no)

        for hit in hits:
            hit.key = sort_key(hit)
        hits.sort(key=lambda h: h.key)

    def _after(self, hits: list[Hit], request: SearchRequest) -> list[Hit]:
        after = request.search_after
        if len(after) != len(request.sort):
            raise SearchPhaseExecution(
                IllegalArgument(f"search_after has {len(after)} value(s) but sort has {len(request.sort)}."),
                self.indices[0].name if self.indices else "",
            )

        def compare(hit: Hit) -> bool:
            for key, value, shown in zip(request.sort, after, hit.sort_values or []):
                if shown == value:
                    continue
                if shown is None or value is None:
                    return shown is None
                try:
                    greater = shown > value
                except TypeError:
                    greater = str(shown) > str(value)
                return greater != key.descending
            return False

        return [h for h in hits if compare(h)]


class _Reversed:
    """A string sorting backwards (descending keyword sorts)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __lt__(self, other: _Reversed) -> bool:
        return self.text > other.text

    def __eq__(self, other) -> bool:
        return isinstance(other, _Reversed) and self.text == other.text


def _negate(value: Any) -> Any:
    if isinstance(value, str):
        return _Reversed(value)
    return -value


def _mode_value(values: tuple, key: SortKey) -> Any:
    mode = key.mode or ("max" if key.descending else "min")
    if mode == "min":
        return min(values)
    if mode == "max":
        return max(values)
    if mode in ("avg", "sum", "median"):
        numbers = [float(v) for v in values]
        if mode == "sum":
            return sum(numbers)
        if mode == "median":
            numbers.sort()
            mid = len(numbers) // 2
            return numbers[mid] if len(numbers) % 2 else (numbers[mid - 1] + numbers[mid]) / 2
        return sum(numbers) / len(numbers)
    raise IllegalArgument(f"Unknown SortMode [{mode}]")


def _unmapped_kind(unmapped_type: str | None) -> str | None:
    from .mapping import KINDS

    return KINDS.get(unmapped_type or "")


def _missing_value(kind: str | None, descending: bool) -> Any:
    """What a document without the field shows as its sort value."""
    if kind in ("number", "date", "boolean"):
        return LONG_MIN if descending else LONG_MAX
    return None


def _shown_value(kind: str | None, value: Any, view, format_: str | None = None) -> Any:
    if format_ is not None:  # a date sort with a format shows the formatted text
        if format_ == "epoch_millis":
            return str(value)
        if format_ == "epoch_second":
            return str(value // 1000)
        if format_ in ("strict_date_optional_time", "date_optional_time", "strict_date_time", "date_time"):
            from .dates import format_millis

            return format_millis(value)
        raise NotMocked(f"the sort format [{format_}]")
    if kind == "boolean":
        return 1 if value else 0
    if kind == "number" and view is not None and view.field.type in ("double", "float", "half_float", "scaled_float"):
        return float(value)
    return value


def render_hit(hit: Hit, request: SearchRequest) -> dict:
    out: dict[str, Any] = {"_index": hit.index.name, "_id": hit.doc_id}
    if request.version:
        out["_version"] = hit.doc.version
    if request.seq_no_primary_term:
        out["_seq_no"] = hit.doc.seq_no
        out["_primary_term"] = hit.index.primary_term
    out["_score"] = hit.score
    if request.source is not False:
        source = hit.doc.source
        out["_source"] = source if request.source is True else filter_source(source, *request.source)
    if hit.sort_values is not None and request.sort:
        out["sort"] = hit.sort_values
    return out


def shards_of(indices: list[Index], failures: list[tuple[Index, ElasticsearchError]] = ()) -> dict:
    """``_shards`` of a search: every shard of the indices searched (those that failed among them)."""
    every = [*indices, *(index for index, _ in failures)]
    total = sum(int(index.settings.get("index.number_of_shards", "1")) for index in every)
    shards = {"total": total, "successful": total - len(failures), "skipped": 0, "failed": len(failures)}
    if failures:
        shards["failures"] = [shard_failure(index.name, error) for index, error in failures]
    return shards


def total_of(count: int, request: SearchRequest) -> dict | int | None:
    track = DEFAULT_TRACK_TOTAL_HITS if request.track_total_hits is None else request.track_total_hits
    if request.total_as_int:
        return -1 if track is False else count
    if track is False:
        return None
    if track is True or count <= track:
        return {"value": count, "relation": "eq"}
    return {"value": track, "relation": "gte"}


def response(
    hits_page: list[Hit],
    total: int,
    max_score: float | None,
    request: SearchRequest,
    searcher: Searcher,
    started: float,
    scroll_id: str | None = None,
    extra: dict | None = None,
) -> dict:
    out: dict[str, Any] = {}
    if scroll_id is not None:
        out["_scroll_id"] = scroll_id
    out["took"] = int((time.perf_counter() - started) * 1000)
    out["timed_out"] = False
    out.update(extra or {})
    out["_shards"] = shards_of(searcher.indices, searcher.failures)
    hits: dict[str, Any] = {}
    shown_total = total_of(total, request)
    if shown_total is not None:
        hits["total"] = shown_total
    hits["max_score"] = max_score
    hits["hits"] = [render_hit(hit, request) for hit in hits_page]
    out["hits"] = hits
    return out


def page(hits: list[Hit], start: int, size: int) -> list[Hit]:
    return hits[start : start + size]


# -- scrolls -------------------------------------------------------------------------------------


@dataclass
class ScrollContext:
    hits: list[Hit]
    request: SearchRequest
    searcher: Searcher  # the shards searched (and failed), for every page's _shards
    total: int
    max_score: float | None
    position: int
    expires: float
    owner: Any = None  # who opened it (SecuritySearchOperationListener: only they may read it on)


class Scrolls:
    """Open scroll contexts: each holds the hits of its search as they were (sources are never
    changed in place, so later writes do not show through, as with a real point in time)."""

    MAX_KEEP_ALIVE = 86400.0  # search.max_keep_alive: 24h

    def __init__(self):
        self.contexts: dict[int, ScrollContext] = {}
        self.counter = 0

    def _expire(self) -> None:
        now = time.monotonic()
        for key in [k for k, c in self.contexts.items() if c.expires <= now]:
            del self.contexts[key]

    def check_keep_alive(self, scroll: str, seconds: float) -> None:
        """The shard-level limit of search.max_keep_alive."""
        if seconds > self.MAX_KEEP_ALIVE:
            raise IllegalArgument(
                f"Keep alive for request ({scroll}) is too large. It must be less than (1d). This "
                "limit can be set by changing the [search.max_keep_alive] cluster level setting."
            )

    def open(
        self,
        hits: list[Hit],
        request: SearchRequest,
        searcher: Searcher,
        total: int,
        max_score: float | None,
        keep_alive: float,
        owner: Any = None,
    ) -> tuple[str, list[Hit]]:
        self._expire()
        self.counter += 1
        first = hits[: request.size]
        self.contexts[self.counter] = ScrollContext(
            hits, request, searcher, total, max_score, len(first), time.monotonic() + keep_alive, owner
        )
        return encode_scroll_id(self.counter), first

    def next(self, scroll_id: str, keep_alive: float | None, owner: Any = None) -> tuple[ScrollContext, list[Hit]]:
        """The next page; another caller's context is as missing as one that never was."""
        self._expire()
        key = decode_scroll_id(scroll_id)
        context = self.contexts.get(key)
        if context is None or context.owner != owner:  # no shard to name: shard -1, index null
            raise SearchPhaseExecution(
                SearchContextMissing(f"No search context found for id [{key}]"), None, status=404, shard=-1
            )
        batch = context.hits[context.position : context.position + context.request.size]
        context.position += len(batch)
        if keep_alive is not None:
            context.expires = time.monotonic() + keep_alive
        return context, batch

    def clear(self, ids: list[str], owner: Any = None) -> int:
        """Frees the contexts (``_all``: every one); another caller's named context is not freed."""
        self._expire()
        if ids == ["_all"]:
            freed = len(self.contexts)
            self.contexts.clear()
            return freed
        keys = [decode_scroll_id(i) for i in ids]
        mine = [key for key in keys if key in self.contexts and self.contexts[key].owner == owner]
        return sum(1 for key in mine if self.contexts.pop(key, None) is not None)


_SCROLL_PREFIX = b"FGluY2x1ZGVfY29udGV4dF91dWlk:"


def encode_scroll_id(key: int) -> str:
    return base64.urlsafe_b64encode(_SCROLL_PREFIX + str(key).encode()).decode().rstrip("=")


def decode_scroll_id(scroll_id: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(scroll_id + "=" * (-len(scroll_id) % 4))
        if not raw.startswith(_SCROLL_PREFIX):
            raise ValueError(scroll_id)
        return int(raw[len(_SCROLL_PREFIX) :])
    except (ValueError, TypeError):
        raise IllegalArgument("Cannot parse scroll id") from None


# -- the calls -----------------------------------------------------------------------------------


def _resolve(state, expression: str | None, params: dict) -> list[Index]:
    return state.indices.resolve(
        expression,
        expand_wildcards=params.get("expand_wildcards", "open"),
        ignore_unavailable=params.get("ignore_unavailable", False),
        allow_no_indices=params.get("allow_no_indices", True),
    )


def run_search(
    state, expression: str | None, body: Any, params: dict, locate: Locate, uri: str = "", owner: Any = None
) -> dict:
    """A search (``owner``: who a scroll it opens belongs to)."""
    started = time.perf_counter()
    if body is not None and not isinstance(body, dict):
        raise ParsingError(f"Expected [START_OBJECT] but found [{token_kind(body)}]", locate(()))
    request = parse_search_body(body, locate, params, uri)
    scroll = params.get("scroll")
    if scroll is not None:
        check_scroll_request(request, params)
    indices = _resolve(state, expression, params)
    searcher = Searcher(indices)
    keep_alive = None
    if scroll is not None:
        keep_alive = time_value_seconds(scroll, "scroll")

        def keep_alive_limit(index: Index) -> None:
            state.scrolls.check_keep_alive(scroll, keep_alive)

        searcher.each_index(keep_alive_limit)
    hits, total, max_score = searcher.hits(request, lambda index: check_sizes(request, index, scroll is not None))
    if not indices:
        max_score = 0.0  # SearchHits.empty()
    extra = (
        {"terminated_early": True}
        if searcher.terminated_early
        else ({"terminated_early": False} if request.terminate_after else {})
    )
    if scroll is not None:
        scroll_id, first = state.scrolls.open(hits, request, searcher, total, max_score, keep_alive, owner)
        return response(first, total, max_score, request, searcher, started, scroll_id)
    return response(
        page(hits, request.from_, request.size),
        total,
        max_score if request.size else None,
        request,
        searcher,
        started,
        extra=extra,
    )


def check_scroll_request(request: SearchRequest, params: dict) -> None:
    """SearchRequest.validate for a scroll."""
    problems = []
    if request.size == 0:
        problems.append("[size] cannot be [0] in a scroll context")
    if params.get("request_cache"):
        problems.append("[request_cache] cannot be used in a scroll context")
    if request.from_ > 0:
        problems.append("using [from] is not allowed in a scroll context")
    if request.track_total_hits not in (None, True):
        problems.append("disabling [track_total_hits] is not allowed in a scroll context")
    if request.search_after is not None:
        problems.append("[search_after] cannot be used in a scroll context")
    if problems:
        from .errors import ActionRequestValidation

        raise ActionRequestValidation(problems)
    request.track_total_hits = True


def check_sizes(request: SearchRequest, index: Index, scrolling: bool) -> None:
    """The shard-level limits of the index's max_result_window."""
    window = int(index.settings.get("index.max_result_window", str(MAX_RESULT_WINDOW)))
    if scrolling and request.size > window:
        raise IllegalArgument(
            f"Batch size is too large, size must be less than or equal to: [{window}] but was "
            f"[{request.size}]. Scroll batch sizes cost as much memory as result windows so they are controlled by "
            "the [index.max_result_window] index level setting."
        )
    if not scrolling and request.from_ + request.size > window:
        raise IllegalArgument(
            f"Result window is too large, from + size must be less than or equal to: [{window}] but was "
            f"[{request.from_ + request.size}]. See the scroll api for a more efficient way to request large data "
            "sets. This limit can be set by changing the [index.max_result_window] index level setting."
        )


def _scroll_body(body: Any, keys: dict) -> dict:
    """The body of a scroll or clear-scroll call: strings (or an array of ids) only."""
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise IllegalArgument("Malformed content, must start with an object")
    for key, value in body.items():
        allowed = keys.get(key)
        if allowed is None or not isinstance(value, allowed):
            raise IllegalArgument(
                f"Unknown parameter [{key}] in request body or parameter is of the wrong type[{token_kind(value)}] "
            )
    return body


def run_scroll(state, path_id: str | None, body: Any, params: dict, owner: Any = None) -> dict:
    started = time.perf_counter()
    body = _scroll_body(body, {"scroll_id": str, "scroll": str})
    scroll_id = body.get("scroll_id", path_id or params.get("scroll_id"))
    if not scroll_id:
        from .errors import ActionRequestValidation

        raise ActionRequestValidation(["scrollId is missing"])
    scroll = body.get("scroll", params.get("scroll"))
    keep_alive = None
    if scroll is not None:
        keep_alive = time_value_seconds(scroll, "scroll")
        state.scrolls.check_keep_alive(scroll, keep_alive)
    context, batch = state.scrolls.next(scroll_id, keep_alive, owner)
    request = context.request
    request.total_as_int = bool(params.get("rest_total_hits_as_int", False))
    return response(batch, context.total, context.max_score, request, context.searcher, started, scroll_id)


def requested_scroll_ids(body: dict, path_id: str | None, params: dict) -> Any:
    """The scroll ids a request names: the body's, else the path's or the query's; a text split at commas."""
    ids = body.get("scroll_id", path_id or params.get("scroll_id"))
    return [i for i in ids.split(",") if i] if isinstance(ids, str) else ids


def clear_scroll(state, path_id: str | None, body: Any, params: dict, owner: Any = None) -> int:
    body = _scroll_body(body, {"scroll_id": (str, list)})
    ids = requested_scroll_ids(body, path_id, params)
    if isinstance(ids, list) and any(not isinstance(i, str) for i in ids):
        raise IllegalArgument("scroll_id array element should only contain scroll_id")
    if not ids:
        from .errors import ActionRequestValidation

        raise ActionRequestValidation(["no scroll ids specified"])
    return state.scrolls.clear(ids, owner)


def count(state, expression: str | None, body: Any, params: dict, locate: Locate) -> dict:
    if "q" in params:
        raise NotMocked("the [q] parameter (URI search)")
    query: Query = MatchAll()
    if body is not None:
        if not isinstance(body, dict):
            raise ParsingError(f"Expected [START_OBJECT] but found [{token_kind(body)}]", locate(()))
        for key in body:
            if key != "query":
                raise ParsingError(f"request does not support [{key}]", locate((key,)))
        if "query" in body:
            query = parse_query(body["query"], ("query",), locate)
    terminate_after = params.get("terminate_after")
    if terminate_after is not None and terminate_after < 0:
        raise IllegalArgument("terminateAfter must be > 0")
    searcher = Searcher(_resolve(state, expression, params))
    matched = searcher.matches(query, terminate_after or None)
    min_score = params.get("min_score")
    total = sum(
        len(scores) if min_score is None else sum(1 for s in scores.values() if s >= min_score) for _, scores in matched
    )
    answer: dict[str, Any] = {}
    if terminate_after:
        answer["terminated_early"] = searcher.terminated_early
    answer.update(count=total, _shards=shards_of(searcher.indices, searcher.failures))
    return answer


def delete_by_query(state, expression: str, body: Any, params: dict, locate: Locate) -> tuple[int, dict]:
    started = time.perf_counter()
    if "size" in params or (isinstance(body, dict) and "size" in body):
        raise IllegalArgument("invalid parameter [size], use [max_docs] instead")
    max_docs = params.get("max_docs", body.get("max_docs") if isinstance(body, dict) else None)
    if max_docs is not None and int(max_docs) < 0:
        raise IllegalArgument(f"[max_docs] parameter cannot be negative, found [{max_docs}]")
    if not isinstance(body, dict) or "query" not in body:
        from .errors import ActionRequestValidation

        raise ActionRequestValidation(["query is missing"])
    conflicts = params.get("conflicts", body.get("conflicts", "abort"))
    if conflicts not in ("abort", "proceed"):
        raise IllegalArgument(f'conflicts may only be "proceed" or "abort" but was [{conflicts}]')
    if params.get("wait_for_completion") is False:
        raise NotMocked("[wait_for_completion=false] (tasks)")
    search_body = {k: v for k, v in body.items() if k not in ("conflicts", "max_docs")}
    request = parse_search_body(search_body, locate, {})
    matched = Searcher(_resolve(state, expression, params)).matches(request.query)
    targets = [(index, doc_id) for index, scores in matched for doc_id in scores]
    if max_docs is not None:
        targets = targets[: int(max_docs)]
    for index, doc_id in targets:
        index.delete(doc_id)
    batch = int(params.get("scroll_size", 1000)) or 1000
    batches = -(-len(targets) // batch)
    return 200, {
        "took": int((time.perf_counter() - started) * 1000),
        "timed_out": False,
        "total": len(targets),
        "deleted": len(targets),
        "batches": batches,
        "version_conflicts": 0,
        "noops": 0,
        "retries": {"bulk": 0, "search": 0},
        "throttled_millis": 0,
        "requests_per_second": -1.0,
        "throttled_until_millis": 0,
        "failures": [],
    }
