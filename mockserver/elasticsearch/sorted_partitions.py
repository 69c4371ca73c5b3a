"""A sorted, partitioned view of one index: its documents in one sort order, grouped by the exact
values of a few keyword fields, kept up to date by every write as the field indexes are. A filtered,
sorted page (the sync job list: ``connector.id``, ``status``, ``job_type``, newest ``created_at``
first) is then read off the right groups without looking at the documents that do not make the page,
and its total is the groups' sizes.

The order is the one the searcher gives a single sort key on a numeric (date or number) field with
the default mode and missing values last: documents with the field by their value, then those without,
ties in index order (``_seq_no``, ascending), so a page read here is the page the search would answer.
It reads the field indexes (fields.py), so values are normalised exactly as a term query and a sort
see them.

Each group is a plain list kept sorted in reverse (its first page at the end): a new document, newest
in a descending date order, is an append, and recently written documents are near the end.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .fields import FieldIndex
    from .indices import Doc

ANY = None  # a group's place for a field it does not filter on (field values are never None)
PARTITION_KINDS = ("keyword",)
SORT_KINDS = ("date", "number")


class SortedPartitions:
    """The documents of one index in the order of ``sort_field`` (``descending`` or not), grouped by
    every combination of their values of ``fields`` or :data:`ANY` for each, built from the field
    indexes and kept by :meth:`add` and :meth:`remove` (called by the index on every write)."""

    def __init__(
        self,
        fields: tuple[str, ...],
        partition_views: list[FieldIndex],
        sort_field: str,
        sort_view: FieldIndex,
        descending: bool,
        docs: Iterable[tuple[str, Doc]],
    ):
        self.fields, self.sort_field, self.descending = fields, sort_field, descending
        self.partition_views, self.sort_view = partition_views, sort_view
        # Each group's entries in reverse order: (reversed sort key..., doc id); the key ends with the
        # document's -seq_no, unique in an index, so the id is never compared.
        self.groups: dict[tuple, list[tuple]] = {}
        self.placed: dict[str, tuple[tuple, list[tuple]]] = {}  # id -> its entry and its groups' keys
        # Documents with two values of a grouping field: they would sit in two groups of one field,
        # so a page over several values could count them twice; the view declines while there are any.
        self.multi_valued: set[str] = set()
        for doc_id, doc in docs:
            self._place(doc_id, doc, sort=False)
        for group in self.groups.values():
            group.sort()

    @staticmethod
    def applies(partition_views: list[FieldIndex | None], sort_view: FieldIndex | None) -> bool:
        """Whether the fields are ones this view orders and groups as the search does."""
        return (
            sort_view is not None
            and sort_view.kind in SORT_KINDS
            and all(view is not None and view.kind in PARTITION_KINDS for view in partition_views)
        )

    # -- kept on write ---------------------------------------------------------------------------
    def _entry(self, doc_id: str, doc: Doc) -> tuple:
        """The reverse of the searcher's sort key (search.py Searcher._sort): present values first by
        the mode's value (max descending, min ascending), missing ones last, then ``_seq_no``."""
        values = self.sort_view.values.get(doc_id)
        if not values:
            return (-2, 0, -doc.seq_no, doc_id)
        if self.descending:
            return (-1, max(values), -doc.seq_no, doc_id)
        return (-1, -min(values), -doc.seq_no, doc_id)

    def _keys(self, doc_id: str) -> list[tuple]:
        choices = []
        for view in self.partition_views:
            values = view.values.get(doc_id, ())
            distinct = set(values)
            if len(distinct) > 1:
                self.multi_valued.add(doc_id)
            choices.append((ANY, *distinct))
        return list(itertools.product(*choices))

    def _place(self, doc_id: str, doc: Doc, sort: bool = True) -> None:
        entry = self._entry(doc_id, doc)
        keys = self._keys(doc_id)
        groups = self.groups
        for key in keys:
            group = groups.get(key)
            if group is None:
                groups[key] = [entry]
            elif sort:
                bisect.insort(group, entry)
            else:
                group.append(entry)
        self.placed[doc_id] = (entry, keys)

    def add(self, doc_id: str, doc: Doc) -> None:
        self._place(doc_id, doc)

    def remove(self, doc_id: str) -> None:
        placed = self.placed.pop(doc_id, None)
        if placed is None:
            return
        self.multi_valued.discard(doc_id)
        entry, keys = placed
        for key in keys:
            group = self.groups[key]
            del group[bisect.bisect_left(group, entry)]
            if not group:
                del self.groups[key]

    # -- reading ---------------------------------------------------------------------------------
    def page(self, wanted: tuple[Iterable[str] | None, ...], from_: int, size: int) -> tuple[int, list[str]] | None:
        """The total and the ids of one page of the documents whose field ``i`` has one of
        ``wanted[i]`` (None: any value, or none), in the view's order; None when the view cannot
        answer (a document with several values of a grouping field)."""
        if self.multi_valued:
            return None
        choices = [(ANY,) if values is None else tuple(dict.fromkeys(values)) for values in wanted]
        groups = [group for key in itertools.product(*choices) if (group := self.groups.get(key))]
        total = sum(len(group) for group in groups)
        if size <= 0 or from_ >= total:
            return total, []
        if len(groups) == 1:
            group = groups[0]
            end = len(group) - from_
            return total, [entry[-1] for entry in reversed(group[max(end - size, 0) : end])]
        merged = heapq.merge(*(_backwards(group) for group in groups), reverse=True)
        return total, [entry[-1] for entry in itertools.islice(merged, from_, from_ + size)]


def _backwards(group: list[tuple]) -> Iterator[tuple]:
    return reversed(group)
