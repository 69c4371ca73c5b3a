"""The query DSL the mock answers: parsed as the server's query builders parse it (their errors
included), and run against an index's field views so that a query costs what it matches.

Parsed: ``match_all``, ``match_none``, ``term``, ``terms``, ``ids``, ``exists``, ``range`` (dates with
date math), ``match``, ``bool`` and ``constant_score``. Any other query Elasticsearch knows is
refused as not mocked (never answered wrongly); a name it does not know gets its ``unknown query``.

Each node can ``run`` (every matching document with its score), ``test`` one document (its score,
or None), and say what it ``cost``s, so that a conjunction runs its cheapest clause and only tests
the others on what that clause found.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..analysis import analyze
from .dates import DateParseError, parse_math
from .errors import (
    ElasticsearchError,
    IllegalArgument,
    NotMocked,
    NumberFormat,
    ParsingError,
    QueryShardError,
    XContentParseError,
)
from .fields import normalise
from .indices import Index

Locate = Callable[[tuple], tuple[int, int]]
Scores = dict[str, float]

# Queries Elasticsearch has that the mock does not run: refused as not mocked, by name.
KNOWN_QUERIES = {
    "bool",
    "boosting",
    "combined_fields",
    "constant_score",
    "dis_max",
    "distance_feature",
    "exists",
    "function_score",
    "fuzzy",
    "geo_bounding_box",
    "geo_distance",
    "geo_grid",
    "geo_polygon",
    "geo_shape",
    "has_child",
    "has_parent",
    "ids",
    "intervals",
    "knn",
    "match",
    "match_all",
    "match_bool_prefix",
    "match_none",
    "match_phrase",
    "match_phrase_prefix",
    "more_like_this",
    "multi_match",
    "nested",
    "parent_id",
    "percolate",
    "pinned",
    "prefix",
    "query_string",
    "range",
    "rank_feature",
    "regexp",
    "rule",
    "script",
    "script_score",
    "semantic",
    "shape",
    "simple_query_string",
    "span_containing",
    "span_field_masking",
    "span_first",
    "span_multi",
    "span_near",
    "span_not",
    "span_or",
    "span_term",
    "span_within",
    "sparse_vector",
    "term",
    "terms",
    "terms_set",
    "text_expansion",
    "weighted_tokens",
    "wildcard",
    "wrapper",
}
MAX_TERMS = 65536


def float32(value: float) -> float:
    """A score as Java's float holds it, printed as Jackson prints a float (shortest round trip)."""
    import struct

    if value == 0 or math.isnan(value) or math.isinf(value):
        return value
    single = struct.unpack("f", struct.pack("f", value))[0]
    for digits in range(1, 10):
        text = f"{single:.{digits}g}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == single:
            return float(text)
    return single


# -- nodes ---------------------------------------------------------------------------------------


class Query:
    boost: float = 1.0

    def run(self, index: Index) -> Scores:
        raise NotImplementedError

    def test(self, index: Index, doc_id: str) -> float | None:
        return self.run(index).get(doc_id)

    def cost(self, index: Index) -> int:
        return len(index.docs)


@dataclass
class MatchAll(Query):
    boost: float = 1.0

    def run(self, index: Index) -> Scores:
        return dict.fromkeys(index.docs, self.boost)

    def test(self, index: Index, doc_id: str) -> float | None:
        return self.boost if doc_id in index.docs else None


@dataclass
class MatchNone(Query):
    def run(self, index: Index) -> Scores:
        return {}

    def test(self, index: Index, doc_id: str) -> float | None:
        return None

    def cost(self, index: Index) -> int:
        return 0


def _constant(ids, boost: float) -> Scores:
    return dict.fromkeys(ids, boost)


@dataclass
class Ids(Query):
    values: list[str]
    boost: float = 1.0

    def run(self, index: Index) -> Scores:
        self.check(index)
        return _constant((v for v in self.values if v in index.docs), self.boost)

    def check(self, index: Index) -> None:
        window = int(index.settings.get("index.max_result_window", "10000"))
        if len(self.values) > window:
            raise QueryShardError(
                f"failed to create query: Too many ids specified, allowed max result window is [{window}]"
            )

    def test(self, index: Index, doc_id: str) -> float | None:
        self.check(index)
        return self.boost if doc_id in self.values and doc_id in index.docs else None

    def cost(self, index: Index) -> int:
        return len(self.values)


@dataclass
class Term(Query):
    """``term`` (and ``terms`` with one value): exact, not analysed."""

    field: str
    value: Any
    boost: float = 1.0
    case_insensitive: bool = False

    def run(self, index: Index) -> Scores:
        if self.field == "_id":
            return Ids([str(self.value)], self.boost).run(index)
        if self.field == "_index":
            return MatchAll(self.boost).run(index) if str(self.value) == index.name else {}
        view = index.field_index(self.field)
        if view is None:
            return {}
        if view.kind == "text":
            token = str(self.value)
            if self.case_insensitive:
                token = token.lower()
            posting = view.postings.get(token, {})
            return {doc_id: score for doc_id, score in view.term_scores(token, self.boost).items()} if posting else {}
        key = _term_value(view.kind, self.value, self.field)
        if self.case_insensitive and view.kind == "keyword":
            ids = {i for value, found in view.exact.items() if value.lower() == str(key).lower() for i in found}
        else:
            ids = view.exact.get(key, set())
        if not ids:
            return {}
        if view.kind in ("keyword", "boolean"):
            return _constant(ids, view.exact_score(len(ids), self.boost))
        return _constant(ids, self.boost)  # numbers and dates: point queries score constantly

    def test(self, index: Index, doc_id: str) -> float | None:
        if self.field in ("_id", "_index"):
            return self.run(index).get(doc_id)
        view = index.field_index(self.field)
        if view is None:
            return None
        if view.kind == "text" or self.case_insensitive:
            return self.run(index).get(doc_id)
        ids = view.exact.get(_term_value(view.kind, self.value, self.field), ())
        if doc_id not in ids:
            return None
        if view.kind in ("keyword", "boolean"):
            return view.exact_score(len(ids), self.boost)
        return self.boost

    def cost(self, index: Index) -> int:
        if self.field in ("_id", "_index"):
            return 1 if self.field == "_id" else len(index.docs)
        view = index.field_index(self.field)
        if view is None:
            return 0
        if view.kind == "text":
            return len(view.postings.get(str(self.value), ()))
        return len(view.exact.get(_term_value(view.kind, self.value, self.field), ()))


def _term_value(kind: str, value: Any, field_name: str) -> Any:
    """A query's term as the field's index holds it; a value the field cannot hold is the server's
    query_shard_exception."""
    if kind == "date" and isinstance(value, str):
        try:
            return parse_math(value, round_up=False)
        except DateParseError:
            raise _failed_to_parse_date(value, field_name) from None
    normalised = normalise(kind, value)
    if normalised is None:
        if kind == "number":
            raise QueryShardError(
                f'failed to create query: For input string: "{value}"',
                caused_by=NumberFormat(f'For input string: "{value}"'),
            )
        if kind == "boolean":
            raise QueryShardError(
                f"failed to create query: Can't parse boolean value [{value}], expected [true] or [false]",
                caused_by=IllegalArgument(f"Can't parse boolean value [{value}], expected [true] or [false]"),
            )
    return normalised


def _failed_to_parse_date(value: Any, field_name: str) -> QueryShardError:
    reason = f"failed to parse date field [{value}] with format [strict_date_optional_time||epoch_millis]"
    return QueryShardError(f"failed to create query: {reason}", caused_by=ParseError(reason))


class ParseError(ElasticsearchError):
    type = "parse_exception"
    status = 400


@dataclass
class Terms(Query):
    field: str
    values: list
    boost: float = 1.0

    def check(self, index: Index) -> None:
        limit = int(index.settings.get("index.max_terms_count", str(MAX_TERMS)))
        if len(self.values) > limit:
            reason = (
                f"The number of terms [{len(self.values)}] used in the Terms Query request has exceeded the "
                f"allowed maximum of [{limit}]. This maximum can be set by changing the [index.max_terms_count] "
                "index level setting."
            )
            raise QueryShardError(f"failed to create query: {reason}", caused_by=IllegalArgument(reason))

    def run(self, index: Index) -> Scores:
        self.check(index)
        if self.field == "_id":
            return Ids([str(v) for v in self.values], self.boost).run(index)
        found: Scores = {}
        for value in self.values:
            for doc_id in Term(self.field, value).run(index):
                found[doc_id] = self.boost
        return found

    def test(self, index: Index, doc_id: str) -> float | None:
        self.check(index)
        if self.field == "_id":
            return self.boost if doc_id in index.docs and any(str(v) == doc_id for v in self.values) else None
        for value in self.values:
            if Term(self.field, value).test(index, doc_id) is not None:
                return self.boost
        return None

    def cost(self, index: Index) -> int:
        if self.field == "_id":
            return len(self.values)
        return sum(Term(self.field, v).cost(index) for v in self.values)


@dataclass
class Exists(Query):
    field: str
    boost: float = 1.0

    def _views(self, index: Index) -> list:
        if self.field in ("_id", "_index", "_source"):
            return []
        direct = index.field_index(self.field)
        if direct is not None:
            return [direct]
        prefix = self.field + "."
        return [
            v
            for v in (index.field_index(p) for p in list(index.mapping.fields) if p.startswith(prefix))
            if v is not None
        ]

    def run(self, index: Index) -> Scores:
        if self.field in ("_id", "_index", "_source"):
            return MatchAll(self.boost).run(index)
        found: Scores = {}
        for view in self._views(index):
            found.update(_constant(view.values, self.boost))
        return found

    def test(self, index: Index, doc_id: str) -> float | None:
        if self.field in ("_id", "_index", "_source"):
            return self.boost if doc_id in index.docs else None
        return self.boost if any(doc_id in view.values for view in self._views(index)) else None

    def cost(self, index: Index) -> int:
        return (
            sum(len(view.values) for view in self._views(index))
            if self.field not in ("_id", "_index")
            else len(index.docs)
        )


@dataclass
class Range(Query):
    field: str
    gt: Any = None
    gte: Any = None
    lt: Any = None
    lte: Any = None
    boost: float = 1.0
    bounds: tuple | None = field(default=None, repr=False)  # resolved per kind, per run

    def _bounds(self, kind: str) -> tuple:
        def convert(value, round_up: bool):
            if value is None:
                return None
            if kind == "date":
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    return int(value)
                try:
                    return parse_math(str(value), round_up=round_up)
                except DateParseError:
                    raise _failed_to_parse_date(value, self.field) from None
            return _term_value(kind, value, self.field)

        # lte and gt round date math up (the last millisecond of the unit); gte and lt round down.
        return convert(self.gt, True), convert(self.gte, False), convert(self.lt, False), convert(self.lte, True)

    def _in_range(self, values: tuple, bounds: tuple) -> bool:
        gt, gte, lt, lte = bounds
        for value in values:
            if gt is not None and not value > gt:
                continue
            if gte is not None and not value >= gte:
                continue
            if lt is not None and not value < lt:
                continue
            if lte is not None and not value <= lte:
                continue
            return True
        return False

    def run(self, index: Index) -> Scores:
        view = index.field_index(self.field)
        if view is None:
            return {}
        if view.kind == "text":
            raise NotMocked(f"a [range] query on the text field [{self.field}]")
        bounds = self._bounds(view.kind)
        return {doc_id: self.boost for doc_id, values in view.values.items() if self._in_range(values, bounds)}

    def test(self, index: Index, doc_id: str) -> float | None:
        view = index.field_index(self.field)
        if view is None:
            return None
        if view.kind == "text":
            raise NotMocked(f"a [range] query on the text field [{self.field}]")
        values = view.values.get(doc_id)
        if values is None:
            return None
        return self.boost if self._in_range(values, self._bounds(view.kind)) else None

    def cost(self, index: Index) -> int:
        view = index.field_index(self.field)
        return len(view.values) if view is not None else 0


@dataclass
class Match(Query):
    field: str
    text: Any
    operator: str = "or"
    minimum_should_match: str | None = None
    boost: float = 1.0
    zero_terms_all: bool = False  # zero_terms_query all: a text of no tokens matches everything

    def _plan(self, index: Index) -> Query | list[str] | None:
        view = index.field_index(self.field)
        if view is None and self.field not in ("_id", "_index"):
            return None
        if view is None or view.kind != "text":
            return Term(self.field, self.text, self.boost)
        return analyze(self.text if isinstance(self.text, str) else str(self.text))

    def run(self, index: Index) -> Scores:
        plan = self._plan(index)
        if plan is None:
            return {}
        if isinstance(plan, Query):
            return plan.run(index)
        view = index.field_index(self.field)
        per_token = [view.term_scores(token, self.boost) for token in plan]
        if not per_token:
            return MatchAll(self.boost).run(index) if self.zero_terms_all else {}
        required = (
            len(per_token)
            if self.operator == "and"
            else max(
                1, minimum_should_match(self.minimum_should_match, len(per_token)) if self.minimum_should_match else 1
            )
        )
        counts: dict[str, int] = {}
        totals: Scores = {}
        for scores in per_token:
            for doc_id, score in scores.items():
                counts[doc_id] = counts.get(doc_id, 0) + 1
                totals[doc_id] = totals.get(doc_id, 0.0) + score
        return {doc_id: total for doc_id, total in totals.items() if counts[doc_id] >= required}

    def cost(self, index: Index) -> int:
        plan = self._plan(index)
        if plan is None:
            return 0
        if isinstance(plan, Query):
            return plan.cost(index)
        view = index.field_index(self.field)
        return sum(len(view.postings.get(t, ())) for t in plan)


@dataclass
class ConstantScore(Query):
    filter: Query
    boost: float = 1.0

    def run(self, index: Index) -> Scores:
        return _constant(self.filter.run(index), self.boost)

    def test(self, index: Index, doc_id: str) -> float | None:
        return self.boost if self.filter.test(index, doc_id) is not None else None

    def cost(self, index: Index) -> int:
        return self.filter.cost(index)


@dataclass
class Bool(Query):
    must: list[Query] = field(default_factory=list)
    filter: list[Query] = field(default_factory=list)
    should: list[Query] = field(default_factory=list)
    must_not: list[Query] = field(default_factory=list)
    minimum_should_match: str | None = None
    boost: float = 1.0

    def _required_should(self) -> int:
        if not self.should:
            return 0
        if self.minimum_should_match is not None:
            return minimum_should_match(self.minimum_should_match, len(self.should))
        return 0 if (self.must or self.filter) else 1

    def run(self, index: Index) -> Scores:
        required = [(q, True) for q in self.must] + [(q, False) for q in self.filter]
        needed_should = self._required_should()
        if needed_should > len(self.should):
            return {}
        if required:
            required.sort(key=lambda item: item[0].cost(index))
            first, scoring = required[0]
            candidates = {doc_id: (score if scoring else 0.0) for doc_id, score in first.run(index).items()}
            for query, scoring in required[1:]:
                kept: Scores = {}
                for doc_id, total in candidates.items():
                    score = query.test(index, doc_id)
                    if score is not None:
                        kept[doc_id] = total + (score if scoring else 0.0)
                candidates = kept
                if not candidates:
                    return {}
            scored = candidates
            if self.should:
                scored = {}
                for doc_id, total in candidates.items():
                    matched, should_score = self._should_matches(index, doc_id)
                    if matched >= needed_should:
                        scored[doc_id] = total + should_score
        elif self.should:
            counts: dict[str, int] = {}
            scored = {}
            for query in self.should:
                for doc_id, score in query.run(index).items():
                    counts[doc_id] = counts.get(doc_id, 0) + 1
                    scored[doc_id] = scored.get(doc_id, 0.0) + score
            scored = {d: s for d, s in scored.items() if counts[d] >= max(needed_should, 1)}
        else:  # only must_not (or nothing): every document, scoring nothing (a match_all filter)
            scored = dict.fromkeys(index.docs, 0.0 if self.must_not else 1.0)
        for query in self.must_not:
            if len(scored) * 4 < query.cost(index):
                scored = {d: s for d, s in scored.items() if query.test(index, d) is None}
            else:
                excluded = query.run(index)
                scored = {d: s for d, s in scored.items() if d not in excluded}
        if self.boost != 1.0:
            scored = {d: s * self.boost for d, s in scored.items()}
        return scored

    def _should_matches(self, index: Index, doc_id: str) -> tuple[int, float]:
        """How many ``should`` clauses a document matches, and their summed score."""
        matched, total = 0, 0.0
        for query in self.should:
            score = query.test(index, doc_id)
            if score is not None:
                matched += 1
                total += score
        return matched, total

    def test(self, index: Index, doc_id: str) -> float | None:
        total = 0.0
        for query in self.must:
            score = query.test(index, doc_id)
            if score is None:
                return None
            total += score
        for query in self.filter:
            if query.test(index, doc_id) is None:
                return None
        for query in self.must_not:
            if query.test(index, doc_id) is not None:
                return None
        needed = self._required_should()
        matched, should_score = self._should_matches(index, doc_id)
        if matched < needed:
            return None
        total += should_score
        if not (self.must or self.filter or self.should):
            if doc_id not in index.docs:
                return None
            total = 0.0 if self.must_not else 1.0
        return total * self.boost

    def cost(self, index: Index) -> int:
        required = self.must + self.filter
        if required:
            return min(q.cost(index) for q in required)
        if self.should:
            return sum(q.cost(index) for q in self.should)
        return len(index.docs)


def minimum_should_match(spec: Any, optional: int) -> int:
    """Queries.calculateMinShouldMatch for the plain forms: ``2``, ``-1``, ``75%``, ``-25%``."""
    text = str(spec).strip()
    try:
        if text.endswith("%"):
            calc = optional * int(text[:-1]) / 100
            result = optional + int(calc) if calc < 0 else int(calc)
        else:
            calc = int(text)
            result = optional + calc if calc < 0 else calc
    except ValueError:
        raise NotMocked(f"minimum_should_match [{spec}]") from None
    return max(0, result)


# -- parsing -------------------------------------------------------------------------------------


def _token(value: Any) -> str:
    from .xcontent import token_kind

    return token_kind(value)


class QueryParser:
    """Parses a query object at ``path`` of a request body whose locations ``locate`` gives."""

    def __init__(self, locate: Locate):
        self.locate = locate
        self.locate_key = getattr(locate, "key", locate)  # where a field name starts

    def parse(self, value: Any, path: tuple) -> Query:
        if not isinstance(value, dict):
            raise ParsingError("[_na] query malformed, must start with start_object", self.locate(path))
        if not value:
            line, col = self.locate(path)
            error = IllegalArgument(f"query malformed, empty clause found at [{line}:{col + 1}]")
            error.at = (line, col + 1)  # where parsing stopped: the "}"
            raise error
        names = list(value)
        name = names[0]
        if len(names) > 1:
            raise ParsingError(
                f"[{name}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]",
                self.locate_key(path + (names[1],)),
            )
        body = value[name]
        where = path + (name,)
        parser = getattr(self, f"_{name}", None)
        if parser is None:
            line, col = self.locate(where)
            if name in KNOWN_QUERIES:
                raise NotMocked(f"the [{name}] query")
            error = ParsingError(f"unknown query [{name}]{did_you_mean(name, KNOWN_QUERIES)}", (line, col))
            error.caused_by = NamedObjectNotFound(f"[{line}:{col}] unknown field [{name}]")
            raise error
        if not isinstance(body, dict) and name not in ("bool",):
            raise ParsingError(f"[{name}] query malformed, no start_object after query name", self.locate(where))
        return parser(body, where)

    # -- helpers -----------------------------------------------------------------------------
    def _single_field(self, name: str, body: dict, where: tuple) -> tuple[str, Any, tuple]:
        fields = [k for k in body if k not in ("boost", "_name")]
        if not fields:
            raise IllegalArgument(f"[{name}] requires fieldName")
        if fields[0] == "":
            raise IllegalArgument("field name is null or empty")
        if len(fields) > 1:
            raise ParsingError(
                f"[{name}] query doesn't support multiple fields, found [{fields[0]}] and [{fields[1]}]",
                self.locate(where + (fields[1],)),
            )
        return fields[0], body[fields[0]], where + (fields[0],)

    def _boost(self, value: Any, where: tuple, name: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ParsingError(f"[{name}] query does not support [boost]", self.locate(where))
        try:
            return float(value)
        except ValueError:
            raise ParsingError(f"[{name}] failed to parse field [boost]", self.locate(where)) from None

    def _options(self, name: str, body: dict, where: tuple, allowed: set[str]) -> None:
        for key in body:
            if key not in allowed:
                raise ParsingError(f"[{name}] query does not support [{key}]", self.locate(where + (key,)))

    # -- the queries -------------------------------------------------------------------------
    def _match_all(self, body: dict, where: tuple) -> Query:
        self._options("match_all", body, where, {"boost", "_name"})
        return MatchAll(self._boost(body.get("boost", 1.0), where + ("boost",), "match_all"))

    def _match_none(self, body: dict, where: tuple) -> Query:
        self._options("match_none", body, where, {"boost", "_name"})
        return MatchNone()

    def _term(self, body: dict, where: tuple) -> Query:
        name, spec, at = self._single_field("term", body, where)
        boost, case_insensitive = 1.0, False
        if isinstance(spec, dict):
            self._options("term", spec, at, {"value", "boost", "case_insensitive", "_name"})
            if "value" not in spec:
                raise IllegalArgument("value cannot be null")
            value = spec["value"]
            boost = self._boost(spec.get("boost", 1.0), at + ("boost",), "term")
            case_insensitive = bool(spec.get("case_insensitive", False))
        else:
            value = spec
        if isinstance(value, list):
            raise ParsingError("[term] query does not support array of values", self.locate(at))
        if value is None:
            raise IllegalArgument("value cannot be null")
        return Term(name, value, boost * float(body.get("boost", 1.0)), case_insensitive)

    def _terms(self, body: dict, where: tuple) -> Query:
        fields = [k for k in body if k not in ("boost", "_name")]
        if not fields:
            raise ParsingError(
                "[terms] query requires a field name, followed by array of terms or a document lookup specification",
                self.locate(where),
            )
        if len(fields) > 1:
            raise ParsingError("[terms] query does not support multiple fields", self.locate(where + (fields[1],)))
        name = fields[0]
        values = body[name]
        if isinstance(values, dict):
            raise NotMocked("a [terms] lookup")
        if not isinstance(values, list):
            raise ParsingError(f"[terms] query does not support [{name}]", self.locate(where + (name,)))
        if any(v is None for v in values):
            raise IllegalArgument("No value specified for terms query")
        return Terms(name, values, self._boost(body.get("boost", 1.0), where + ("boost",), "terms"))

    def _ids(self, body: dict, where: tuple) -> Query:
        self._options("ids", body, where, {"values", "boost", "_name"})
        values = body.get("values", [])
        if not isinstance(values, list):
            raise ParsingError(
                "[ids] values doesn't support values of type: " + _token(values), self.locate(where + ("values",))
            )
        return Ids([str(v) for v in values], self._boost(body.get("boost", 1.0), where + ("boost",), "ids"))

    def _exists(self, body: dict, where: tuple) -> Query:
        self._options("exists", body, where, {"field", "boost", "_name"})
        if "field" not in body:
            raise IllegalArgument("[exists] must be provided with a [field]")
        return Exists(str(body["field"]), self._boost(body.get("boost", 1.0), where + ("boost",), "exists"))

    def _range(self, body: dict, where: tuple) -> Query:
        name, spec, at = self._single_field("range", body, where)
        if not isinstance(spec, dict):
            raise ParsingError("[range] query malformed, no start_object after query name", self.locate(at))
        allowed = {
            "gt",
            "gte",
            "lt",
            "lte",
            "from",
            "to",
            "include_lower",
            "include_upper",
            "boost",
            "format",
            "time_zone",
            "relation",
            "_name",
        }
        self._options("range", spec, at, allowed)
        if "format" in spec or "time_zone" in spec:
            raise NotMocked("[format] and [time_zone] of a [range] query")
        query = Range(
            name,
            spec.get("gt"),
            spec.get("gte"),
            spec.get("lt"),
            spec.get("lte"),
            self._boost(spec.get("boost", 1.0), at + ("boost",), "range"),
        )
        if "from" in spec:
            setattr(query, "gte" if spec.get("include_lower", True) else "gt", spec["from"])
        if "to" in spec:
            setattr(query, "lte" if spec.get("include_upper", True) else "lt", spec["to"])
        return query

    def _match(self, body: dict, where: tuple) -> Query:
        name, spec, at = self._single_field("match", body, where)
        operator, msm, boost = "or", None, 1.0
        if isinstance(spec, dict):
            self._options(
                "match",
                spec,
                at,
                {
                    "query",
                    "operator",
                    "minimum_should_match",
                    "boost",
                    "_name",
                    "analyzer",
                    "lenient",
                    "zero_terms_query",
                    "auto_generate_synonyms_phrase_query",
                },
            )
            if "analyzer" in spec:
                raise NotMocked("[analyzer] of a [match] query")
            if "query" not in spec:
                raise IllegalArgument("No text specified for text query")
            text = spec["query"]
            operator = str(spec.get("operator", "or")).lower()
            if operator not in ("or", "and"):
                raise IllegalArgument(f"operator needs to be either [or, and], but not [{spec['operator']}]")
            msm = spec.get("minimum_should_match")
            boost = self._boost(spec.get("boost", 1.0), at + ("boost",), "match")
            zero_terms = str(spec.get("zero_terms_query", "none")).lower()
            if zero_terms not in ("none", "all"):
                raise IllegalArgument(f"Unsupported zero_terms_query value [{spec['zero_terms_query']}]")
        else:
            text = spec
        if text is None or isinstance(text, (list, dict)):
            raise ParsingError(f"[match] unknown token [{_token(text)}] after [{name}]", self.locate(at))
        return Match(
            name,
            text,
            operator,
            None if msm is None else str(msm),
            boost,
            zero_terms_all=isinstance(spec, dict) and str(spec.get("zero_terms_query", "none")).lower() == "all",
        )

    def _constant_score(self, body: dict, where: tuple) -> Query:
        self._options("constant_score", body, where, {"filter", "boost", "_name"})
        if "filter" not in body:
            raise ParsingError("[constant_score] requires a 'filter' element", self.locate(where))
        return ConstantScore(
            self.parse(body["filter"], where + ("filter",)),
            self._boost(body.get("boost", 1.0), where + ("boost",), "constant_score"),
        )

    def _bool(self, body: Any, where: tuple) -> Query:
        if not isinstance(body, dict):
            raise ParsingError("[bool] query malformed, no start_object after query name", self.locate(where))
        query = Bool()
        for key, value in body.items():
            at = where + (key,)
            if key in ("must", "filter", "should", "must_not"):
                clauses = value if isinstance(value, list) else [value]
                target = getattr(query, key)
                for position, clause in enumerate(clauses):
                    where_clause = at + (position,) if isinstance(value, list) else at
                    try:
                        target.append(self.parse(clause, where_clause))
                    except NotMocked:
                        raise
                    except ElasticsearchError as error:
                        # ObjectParser wraps what a field's parser throws, one level per bool.
                        raise XContentParseError(
                            f"[bool] failed to parse field [{key}]",
                            _where(error, self.locate(where_clause)),
                            caused_by=error,
                        ) from None
            elif key == "minimum_should_match":
                query.minimum_should_match = None if value is None else str(value)
            elif key == "boost":
                query.boost = self._boost(value, at, "bool")
            elif key in ("_name", "adjust_pure_negative"):
                continue
            else:  # BoolQueryBuilder is an ObjectParser: its unknown field error, with suggestions
                known = (
                    "must",
                    "filter",
                    "should",
                    "must_not",
                    "minimum_should_match",
                    "boost",
                    "_name",
                    "adjust_pure_negative",
                )
                raise XContentParseError(f"[bool] unknown field [{key}]{did_you_mean(key, known)}", self.locate_key(at))
        return query


class NamedObjectNotFound(ElasticsearchError):
    """An XContentParseException (not an Elasticsearch exception: a root cause search stops above it)."""

    type = "named_object_not_found_exception"
    status = 400
    plain_java = True


def _where(error: ElasticsearchError, fallback: tuple[int, int]) -> tuple[int, int]:
    """The line and column an error points at (a wrapper reports the place its cause does)."""
    if getattr(error, "at", None):
        return error.at
    if isinstance(error, ParsingError) and "line" in error.metadata:
        return error.metadata["line"], error.metadata["col"]
    if isinstance(error, XContentParseError) and error.reason.startswith("["):
        place = error.reason[1 : error.reason.index("]")]
        line, _, col = place.partition(":")
        if line.isdigit() and col.isdigit():
            return int(line), int(col)
    return fallback


def did_you_mean(name: str, candidates) -> str:
    from .schema_errors import did_you_mean as suggest

    return suggest(name, candidates)


def parse_query(value: Any, path: tuple, locate: Locate) -> Query:
    return QueryParser(locate).parse(value, path)
