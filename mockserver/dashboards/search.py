"""``_find``'s ``search``: OpenSearch's simple_query_string over an inverted index kept per type.

The index is updated on every write, so a search costs what its terms match, not the size of the
state. Semantics from Lucene's SimpleQueryParser and OpenSearch's SimpleQueryStringQueryParser (see
/work/notes in the closing note): operators ``+ | - " * ( ) ~N``, precedence by position, a negated
clause matching every document without it, terms analysed (most_fields across fields, joined by the
default operator), prefixes and fuzzy terms only normalised. Scores are BM25 over the field; a prefix
or fuzzy match scores its boost.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .. import levenshtein
from ..analysis import analyze, normalize
from ..jsonvalue import clone
from .types import SavedObjectsType

K1, B = 1.2, 0.75
SEARCHABLE = {
    "text": "text",
    "keyword": "keyword",
    "integer": "number",
    "long": "number",
    "short": "number",
    "float": "number",
    "double": "number",
}


def values_at(attributes: dict, path: str) -> list:
    value: Any = attributes
    for step in path.split("."):
        if isinstance(value, list):
            value = [v.get(step) for v in value if isinstance(v, dict)]
        elif isinstance(value, dict):
            value = value.get(step)
        else:
            return []
    if value is None:
        return []
    return [v for v in (value if isinstance(value, list) else [value]) if v is not None]


@dataclass
class FieldIndex:
    kind: str  # text | keyword | number
    postings: dict[str, dict[str, int]] = field(default_factory=dict)  # text: token -> {id: tf}
    lengths: dict[str, int] = field(default_factory=dict)
    total_length: int = 0  # kept as documents come and go, so BM25 never sums the lengths
    exact: dict[Any, set[str]] = field(default_factory=dict)  # keyword and number: value -> ids

    def add(self, doc_id: str, values: list) -> None:
        if self.kind == "text":
            tokens = [t for v in values for t in analyze(v)]
            if not tokens:
                return
            self.lengths[doc_id] = len(tokens)
            self.total_length += len(tokens)
            for token in tokens:
                posting = self.postings.setdefault(token, {})
                posting[doc_id] = posting.get(doc_id, 0) + 1
        else:
            for value in values:
                if self.kind == "number" and isinstance(value, bool):
                    continue
                self.exact.setdefault(value if self.kind == "number" else str(value), set()).add(doc_id)

    def remove(self, doc_id: str, values: list) -> None:
        if self.kind == "text":
            length = self.lengths.pop(doc_id, None)
            if length is None:
                return
            self.total_length -= length
            for token in {t for v in values for t in analyze(v)}:
                posting = self.postings.get(token)
                if posting is not None:
                    posting.pop(doc_id, None)
                    if not posting:
                        del self.postings[token]
        else:
            for value in values:
                key = value if self.kind == "number" else str(value)
                ids = self.exact.get(key)
                if ids is not None:
                    ids.discard(doc_id)
                    if not ids:
                        del self.exact[key]

    def bm25(self, token: str, boost: float = 1.0) -> dict[str, float]:
        posting = self.postings.get(token)
        if not posting:
            return {}
        count = len(self.lengths) or 1
        average = (self.total_length / count) or 1
        idf = math.log(1 + (count - len(posting) + 0.5) / (len(posting) + 0.5))

        def score(tf: int, length: int) -> float:
            return boost * idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))

        # A score depends on the term frequency and the field's length alone: the same expression,
        # worked out once per length for the usual single occurrence.
        once, lengths = _ByLength(lambda length: score(1, length)), self.lengths
        return {
            doc_id: once[lengths[doc_id]] if tf == 1 else score(tf, lengths[doc_id]) for doc_id, tf in posting.items()
        }


class _ByLength(dict):
    """A score per field length, each worked out when first asked."""

    def __init__(self, work):
        super().__init__()
        self.work = work

    def __missing__(self, length: int) -> float:
        value = self[length] = self.work(length)
        return value


class TypeIndex:
    """The searchable fields of one saved-object type, by dotted attribute path."""

    def __init__(self, saved_type: SavedObjectsType):
        self.type_name = saved_type.name
        self.fields: dict[str, FieldIndex] = {}
        self.paths: dict[str, str] = {}  # indexed field -> attribute path it reads
        # The mapping each top-level field was indexed under: a filter uses the field's index only
        # while the type still maps the field so (a type's mappings may change once objects exist).
        self.specs: dict[str, dict] = {}
        # Each stored id's place in the repository's dict of the type (its first write since it was
        # last absent): a subset of the ids taken from an index is put back in the order a scan of
        # the objects would meet them.
        self.positions: dict[str, int] = {}
        self.next_position = 0
        for path, spec in saved_type.mappings.items():
            kind = SEARCHABLE.get(spec.get("type"))
            if kind is not None and spec.get("index", True) is not False:
                self.fields[path] = FieldIndex(kind)
                self.paths[path] = path
                self.specs[path] = clone(spec)
            for sub, sub_spec in (spec.get("fields") or {}).items():
                sub_kind = SEARCHABLE.get(sub_spec.get("type"))
                if sub_kind is not None:
                    self.fields[f"{path}.{sub}"] = FieldIndex(sub_kind)
                    self.paths[f"{path}.{sub}"] = path

    def add(self, doc_id: str, attributes: dict) -> None:
        for name, index in self.fields.items():
            index.add(doc_id, values_at(attributes, self.paths[name]))

    def remove(self, doc_id: str, attributes: dict) -> None:
        for name, index in self.fields.items():
            index.remove(doc_id, values_at(attributes, self.paths[name]))

    def placed(self, doc_id: str) -> None:
        """An id the type's dict did not hold goes in last."""
        self.positions[doc_id] = self.next_position
        self.next_position += 1

    def in_stored_order(self, ids: Iterable[str]) -> list[str]:
        """``ids`` (stored ones) in the order the type's dict holds them."""
        position = self.positions.__getitem__
        return sorted(ids, key=position)

    def field_for(self, attribute: str, spec: dict) -> FieldIndex | None:
        """The index of an attribute still mapped as ``spec`` (None: a filter on it scans)."""
        if self.specs.get(attribute) != spec:
            return None
        return self.fields.get(attribute)


# -- simple_query_string ---------------------------------------------------------------------


@dataclass
class Leaf:
    kind: str  # term | prefix | phrase | fuzzy | all
    text: str = ""
    slop: int = 0


@dataclass
class Bool:
    occur: str  # must | should
    clauses: list = field(default_factory=list)


@dataclass
class Negated:
    clause: Any


NOTHING = Bool("should", [])  # MatchNoDocs: a query with no clauses


@functools.lru_cache(maxsize=256)
def parse_simple_query(query: str, default_operator: str) -> Any:
    """Lucene's SimpleQueryParser, flags ALL: the tree it builds, precedence by position. Parsed once
    per query and operator (a find asks it for each type; clients ask the same searches again): the
    tree is only read once built."""
    default = "must" if default_operator.upper() == "AND" else "should"
    if query.strip() == "*":
        return Leaf("all")

    def parse(text: str) -> Any:
        top, current, previous, negations, i = None, None, None, 0, 0

        def build(branch: Any) -> None:
            nonlocal top, current, previous, negations
            if negations % 2:
                branch = Negated(branch)
            negations = 0
            if top is None:
                top = branch
            else:
                operation = current or default
                if not isinstance(top, Bool) or previous != operation:
                    top = Bool(operation, [top])
                top.clauses.append(branch)
                previous = operation
            current = None

        while i < len(text):
            char = text[i]
            if char.isspace():
                i += 1
            elif char in "+|":
                if top is not None:
                    current = "must" if char == "+" else "should"
                i += 1
            elif char == "-" and (i + 1 < len(text) and not text[i + 1].isspace()):
                negations += 1
                i += 1
            elif char == '"':
                end = _closing_quote(text, i + 1)
                if end is None:
                    i += 1  # an unmatched quote is skipped
                    continue
                phrase = text[i + 1 : end].replace('\\"', '"')
                i = end + 1
                slop, i = _suffix_number(text, i)
                build(Leaf("phrase", phrase, slop or 0))
            elif char == "(":
                end = _closing_paren(text, i + 1)
                if end is None:
                    i += 1
                    continue
                inner = parse(text[i + 1 : end])
                i = end + 1
                build(inner if inner is not None else NOTHING)
            elif char == ")":
                i += 1
            else:
                start = i
                while i < len(text) and not text[i].isspace() and text[i] not in '"|+()':
                    i += 2 if text[i] == "\\" else 1
                token = text[start:i].replace("\\", "")
                fuzzy = None
                if "~" in token:
                    token, _, digits = token.partition("~")
                    fuzzy = min(int(digits), 2) if digits.isdigit() else 2
                if not token:
                    continue
                if fuzzy is not None:
                    build(Leaf("fuzzy", token, fuzzy))
                elif token.endswith("*") and len(token) > 1:
                    build(Leaf("prefix", token[:-1]))
                else:
                    build(Leaf("term", token))
        return top

    tree = parse(query)
    return NOTHING if tree is None else tree


def _closing_quote(text: str, start: int) -> int | None:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == '"':
            return i
        i += 1
    return None


def _closing_paren(text: str, start: int) -> int | None:
    depth, i = 1, start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i
        i += 1
    return None


def _suffix_number(text: str, i: int) -> tuple[int | None, int]:
    if i < len(text) and text[i] == "~":
        j = i + 1
        while j < len(text) and text[j].isdigit():
            j += 1
        return (int(text[i + 1 : j]) if j > i + 1 else 2), j
    return None, i


class Searcher:
    """Evaluates a parsed query against one type's index: ``{id: score}`` of what matches."""

    def __init__(
        self,
        index: TypeIndex,
        ids: Iterable[str],
        fields: list[tuple[str, float]],
        attributes_of,
        default_operator: str,
        include_type_field: bool,
    ):
        self.index, self.all_ids = index, ids  # every id of the type: only NOT and match-all read them
        self.fields = [(name, boost) for name, boost in fields if name in index.fields]
        self.attributes_of = attributes_of
        self.and_terms = default_operator.upper() == "AND"
        self.include_type_field = include_type_field

    def run(self, node: Any) -> dict[str, float]:
        if isinstance(node, Negated):
            excluded = self.run(node.clause)
            return {i: 1.0 for i in self.all_ids if i not in excluded}
        if isinstance(node, Bool):
            results = [self.run(clause) for clause in node.clauses]
            if not results:
                return {}
            return scores_of_all(results) if node.occur == "must" else scores_of_any(results)
        return self.leaf(node)

    def leaf(self, leaf: Leaf) -> dict[str, float]:
        if leaf.kind == "all":
            return {i: 1.0 for i in self.all_ids}
        found = []
        for name, boost in self.fields:
            index = self.index.fields[name]
            found.append(
                self.text_leaf(index, name, leaf, boost)
                if index.kind == "text"
                else self.exact_leaf(index, leaf, boost)
            )
        if self.include_type_field:  # the root "type" keyword is one of the fields "*" reaches
            found.append(self.exact_values({self.index.type_name: self.all_ids}, leaf, 1.0))
        return scores_of_any(found)

    def text_leaf(self, index: FieldIndex, name: str, leaf: Leaf, boost: float) -> dict[str, float]:
        if leaf.kind == "term":
            tokens = analyze(leaf.text)
            parts = [index.bm25(t, boost) for t in tokens]
            if not parts:
                return {}
            return scores_of_all(parts) if self.and_terms else scores_of_any(parts)
        if leaf.kind == "prefix":
            prefix = normalize(leaf.text)
            return {
                doc_id: boost
                for token, posting in index.postings.items()
                if token.startswith(prefix)
                for doc_id in posting
            }
        if leaf.kind == "fuzzy":
            term = normalize(leaf.text)
            return {
                doc_id: boost
                for token, posting in index.postings.items()
                if edit_distance(token, term, leaf.slop) <= leaf.slop
                for doc_id in posting
            }
        tokens = analyze(leaf.text)  # phrase
        if not tokens:
            return {}
        candidates = set.intersection(*(set(index.postings.get(t, {})) for t in tokens))
        found = {}
        for doc_id in candidates:
            field_tokens = [
                t for v in values_at(self.attributes_of(doc_id), self.index.paths[name]) for t in analyze(v)
            ]
            if contains_phrase(field_tokens, tokens, leaf.slop):
                found[doc_id] = sum(index.bm25(t, boost).get(doc_id, 0.0) for t in tokens)
        return found

    def exact_leaf(self, index: FieldIndex, leaf: Leaf, boost: float) -> dict[str, float]:
        if index.kind == "number":
            if leaf.kind != "term":
                return {}
            try:
                number = float(leaf.text)
            except ValueError:
                return {}  # lenient: a word against a number field matches nothing
            key = int(number) if number.is_integer() else number
            return {doc_id: boost for doc_id in index.exact.get(key, ())}
        return self.exact_values(index.exact, leaf, boost)

    @staticmethod
    def exact_values(values: dict, leaf: Leaf, boost: float) -> dict[str, float]:
        if leaf.kind in ("term", "phrase"):
            return {doc_id: boost for doc_id in values.get(leaf.text, ())}
        if leaf.kind == "prefix":
            return {
                doc_id: boost for value, ids in values.items() if str(value).startswith(leaf.text) for doc_id in ids
            }
        return {
            doc_id: boost
            for value, ids in values.items()
            if edit_distance(str(value), leaf.text, leaf.slop) <= leaf.slop
            for doc_id in ids
        }


def phrase_prefix(index: TypeIndex, name: str, query: str, boost: float, attributes_of) -> dict[str, float]:
    """match_phrase_prefix: the words of ``query`` in a row, the last one as a prefix."""
    field_index = index.fields.get(name)
    tokens = analyze(query)
    if field_index is None or field_index.kind != "text" or not tokens:
        return {}
    *words, last = tokens
    candidates = {
        doc_id for token, posting in field_index.postings.items() if token.startswith(last) for doc_id in posting
    }
    for word in words:
        candidates &= set(field_index.postings.get(word, {}))
    if not words:  # one word: every object with a token it starts is an object whose field has one
        return {doc_id: boost * (1 + 0) for doc_id in candidates}
    found = {}
    for doc_id in candidates:
        field_tokens = [t for v in values_at(attributes_of(doc_id), index.paths[name]) for t in analyze(v)]
        for start in range(len(field_tokens) - len(tokens) + 1):
            if field_tokens[start : start + len(words)] == words and field_tokens[start + len(words)].startswith(last):
                found[doc_id] = boost * (1 + sum(field_index.bm25(w).get(doc_id, 0.0) for w in words))
                break
    return found


def contains_phrase(field_tokens: list[str], tokens: list[str], slop: int) -> bool:
    if slop == 0:
        n = len(tokens)
        return any(field_tokens[i : i + n] == tokens for i in range(len(field_tokens) - n + 1))
    positions = [[i for i, t in enumerate(field_tokens) if t == token] for token in tokens]
    return any(_in_order(positions, 1, start, slop) for start in positions[0])


def _in_order(positions: list[list[int]], k: int, previous: int, slop: int) -> bool:
    if k == len(positions):
        return True
    return any(
        _in_order(positions, k + 1, p, slop - (p - previous - 1))
        for p in positions[k]
        if previous < p and p - previous - 1 <= slop
    )


def scores_of_any(results: list[dict[str, float]]) -> dict[str, float]:
    """A disjunction: every document any clause matched, scored by the sum of the clauses' scores."""
    matched = [result for result in results if result]
    if len(matched) == 1:
        # One clause matched (one field of several, often): its scores are the sums, as they are
        # (0.0 + score is score, but for -0.0, which is written and ranked as 0.0 is). Every result
        # is a dict of its own, made for this query, so it may be handed on.
        return matched[0]
    merged: dict[str, float] = {}
    for result in results:
        for doc_id, score in result.items():
            merged[doc_id] = merged.get(doc_id, 0.0) + score
    return merged


def scores_of_all(results: list[dict[str, float]]) -> dict[str, float]:
    """A conjunction: the documents every clause matched, scored by the sum (``results`` not empty)."""
    common = set.intersection(*(set(r) for r in results))
    return {doc_id: sum(r[doc_id] for r in results) for doc_id in common}


def edit_distance(a: str, b: str, limit: int) -> int:
    """A fuzzy term's distance, as Lucene's FuzzyQuery counts it (transpositions on by default)."""
    if abs(len(a) - len(b)) > limit:  # no need to count: the lengths alone are too far apart
        return limit + 1
    return levenshtein.distance(a, b, transpositions=True)
