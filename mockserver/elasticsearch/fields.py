"""What a query reads of one field of one index: the exact values and analysed tokens of every
document, built the first time a query asks for the field and kept up to date by every write after
that. A search then costs what it matches; an index nobody searches costs nothing to write to.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from ..analysis import analyze
from .dates import DateParseError, date_value
from .mapping import Field, values_at

K1, B = 1.2, 0.75


def normalise(kind: str, value: Any) -> Any:
    """A value as the field's index holds it (and as a query's term must be to match it); None when
    the field would not index it."""
    if kind == "keyword":
        if isinstance(value, bool):
            return "true" if value else "false"
        return value if isinstance(value, str) else str(value)
    if kind == "number":
        if isinstance(value, bool):
            return None
        if isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                return None
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value if isinstance(value, (int, float)) else None
    if kind == "date":
        try:
            return date_value(value)
        except DateParseError:
            return None
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        return {"true": True, "false": False, "": False}.get(value) if isinstance(value, str) else None
    return None


class FieldIndex:
    """One field of one index. ``values``: each document's values (sort, range, exists); ``exact``:
    value -> ids (term lookups) for keyword, numbers, dates and booleans; ``postings``: token ->
    {id: frequency} for text, with the lengths BM25 needs."""

    __slots__ = ("field", "kind", "values", "exact", "postings", "lengths", "total_length")

    def __init__(self, field: Field, docs: Iterable[tuple[str, dict]]):
        self.field = field
        self.kind = field.kind
        self.values: dict[str, tuple] = {}
        self.exact: dict[Any, set[str]] = {}
        self.postings: dict[str, dict[str, int]] = {}
        self.lengths: dict[str, int] = {}
        self.total_length = 0
        for doc_id, source in docs:
            self.add(doc_id, source)

    def _indexed(self, source: dict) -> list:
        raw = values_at(source, self.field.source_path)
        if self.kind == "text":
            return [v if isinstance(v, str) else str(v).lower() if isinstance(v, bool) else str(v) for v in raw]
        limit = self.field.ignore_above
        out = []
        for value in raw:
            if limit is not None and isinstance(value, str) and len(value) > limit:
                continue
            value = normalise(self.kind, value)
            if value is not None:
                out.append(value)
        return out

    def add(self, doc_id: str, source: dict) -> None:
        values = self._indexed(source)
        if not values:
            return
        if self.kind == "text":
            tokens = [t for v in values for t in analyze(v)]
            self.values[doc_id] = tuple(values)
            self.lengths[doc_id] = len(tokens)
            self.total_length += len(tokens)
            for token in tokens:
                posting = self.postings.setdefault(token, {})
                posting[doc_id] = posting.get(doc_id, 0) + 1
            return
        self.values[doc_id] = tuple(values)
        for value in set(values):
            self.exact.setdefault(value, set()).add(doc_id)

    def remove(self, doc_id: str) -> None:
        values = self.values.pop(doc_id, None)
        if values is None:
            return
        if self.kind == "text":
            self.total_length -= self.lengths.pop(doc_id, 0)
            for token in {t for v in values for t in analyze(v)}:
                posting = self.postings.get(token)
                if posting is not None:
                    posting.pop(doc_id, None)
                    if not posting:
                        del self.postings[token]
            return
        for value in set(values):
            ids = self.exact.get(value)
            if ids is not None:
                ids.discard(doc_id)
                if not ids:
                    del self.exact[value]

    # -- scoring (Elasticsearch's BM25: LegacyBM25Similarity keeps Lucene's old (k1 + 1) factor) ----
    def doc_count(self) -> int:
        return len(self.values)

    def idf(self, doc_freq: int) -> float:
        count = self.doc_count()
        return math.log(1 + (count - doc_freq + 0.5) / (doc_freq + 0.5))

    def term_scores(self, token: str, boost: float) -> dict[str, float]:
        """BM25 of a token in a text field, per matching document."""
        posting = self.postings.get(token)
        if not posting:
            return {}
        average = (self.total_length / (len(self.lengths) or 1)) or 1
        weight = boost * (K1 + 1) * self.idf(len(posting))
        lengths = self.lengths
        return {
            doc_id: weight * tf / (tf + K1 * (1 - B + B * _norm_length(lengths[doc_id]) / average))
            for doc_id, tf in posting.items()
        }

    def exact_score(self, ids_count: int, boost: float) -> float:
        """BM25 of an exact term (no norms: each document's length is the average)."""
        return boost * (K1 + 1) * self.idf(ids_count) * 1 / (1 + K1)


# Lucene stores a field's length in one byte (SmallFloat.intToByte4): exact up to 24, coarser above.
def _norm_length(length: int) -> int:
    return _byte4_to_int(_int_to_byte4(length))


def _int_to_byte4(i: int) -> int:
    if i < 24:
        return i
    return 24 + _long_to_int4(i - 24)


def _long_to_int4(i: int) -> int:
    num_bits = i.bit_length()
    if num_bits < 4:
        return i
    shift = num_bits - 4
    encoded = (i >> shift) & 0x07
    return encoded | ((shift + 1) << 3)


def _byte4_to_int(b: int) -> int:
    if b < 24:
        return b
    return 24 + _int4_to_long(b - 24)


def _int4_to_long(i: int) -> int:
    bits = i & 0x07
    shift = (i >> 3) - 1
    if shift == -1:
        return bits
    return (bits | 0x08) << shift
