"""Sorted, grouped views of one index: its documents in one order, grouped by the values of a few
fields, kept up to date by every write as the field indexes are (Index.write and Index.delete call
:meth:`SortedGroups.add` and :meth:`SortedGroups.remove`). A filtered, sorted page (the sync job list:
``connector.id``, ``status``, ``job_type``, newest ``created_at`` first; the connector list) is then
read off the right groups without looking at the documents that do not make the page, and its total
is the groups' sizes.

An :class:`Order` says what the view sorts and groups by: :class:`SearchOrder` as a search does it,
from the field indexes (fields.py), so values are normalised exactly as a term query and a sort see
them; a model may bring its own (connectors.py). Each group is a plain list of entries kept sorted
ascending; an order whose first page is at the end of its lists (``backwards``) makes a new document
that is newest in a descending date order an append.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .fields import FieldIndex
    from .indices import Doc

ANY = None  # a group's place for a field it does not filter on (grouped values are never None)


class Order:
    """What a sorted, grouped view sorts and groups by. ``entry``: the document's place in a group's
    list (a tuple ending with the document's id, unique before it so the id is never compared);
    ``groups``: the keys of the groups it is in (one value or :data:`ANY` per field) and whether
    the view must decline while it is there (the model's list must then look at every document)."""

    backwards = False  # the first page at the end of the lists

    def entry(self, doc_id: str, doc: Doc) -> tuple:
        raise NotImplementedError

    def groups(self, doc_id: str, doc: Doc) -> tuple[list[tuple], bool]:
        raise NotImplementedError


class SearchOrder(Order):
    """The order the searcher gives a single sort key on a numeric (date or number) field with the
    default mode and missing values last (search.py Searcher._sort): documents with the field by
    their value (max descending, min ascending), then those without, ties in index order
    (``_seq_no`` ascending); grouped by the exact values of keyword fields."""

    PARTITION_KINDS = ("keyword",)
    SORT_KINDS = ("date", "number")

    def __init__(self, partition_views: list[FieldIndex], sort_view: FieldIndex, descending: bool):
        self.partition_views, self.sort_view, self.descending = partition_views, sort_view, descending
        self.backwards = descending

    @classmethod
    def applies(cls, partition_views: list[FieldIndex | None], sort_view: FieldIndex | None) -> bool:
        """Whether the fields are ones this order sorts and groups as the search does."""
        return (
            sort_view is not None
            and sort_view.kind in cls.SORT_KINDS
            and all(view is not None and view.kind in cls.PARTITION_KINDS for view in partition_views)
        )

    def entry(self, doc_id: str, doc: Doc) -> tuple:
        # Stored ascending, read from the end when descending: the search's key, reversed.
        values = self.sort_view.values.get(doc_id)
        if not values:
            return (-2, 0, -doc.seq_no, doc_id) if self.descending else (2, 0, doc.seq_no, doc_id)
        if self.descending:
            return (-1, max(values), -doc.seq_no, doc_id)
        return (1, min(values), doc.seq_no, doc_id)

    def groups(self, doc_id: str, doc: Doc) -> tuple[list[tuple], bool]:
        # A document with two values of a grouping field sits in two groups of that field, so a page
        # over several values could count it twice: the view declines while there is one.
        choices, several = [], False
        for view in self.partition_views:
            distinct = set(view.values.get(doc_id, ()))
            several = several or len(distinct) > 1
            choices.append((ANY, *distinct))
        return list(itertools.product(*choices)), several


class SortedGroups:
    """The documents of one index in an :class:`Order`, in every group it puts them in."""

    def __init__(self, order: Order, docs: Iterable[tuple[str, Doc]]):
        self.order = order
        self.lists: dict[tuple, list[tuple]] = {}
        self.placed: dict[str, tuple[tuple, list[tuple]]] = {}  # id -> its entry and its groups' keys
        self.declining: set[str] = set()  # the documents the view cannot answer with
        for doc_id, doc in docs:
            self._place(doc_id, doc, sort=False)
        for entries in self.lists.values():
            entries.sort()

    # -- kept on write ---------------------------------------------------------------------------
    def _place(self, doc_id: str, doc: Doc, sort: bool = True) -> None:
        entry = self.order.entry(doc_id, doc)
        keys, declines = self.order.groups(doc_id, doc)
        if declines:
            self.declining.add(doc_id)
        lists = self.lists
        for key in keys:
            entries = lists.get(key)
            if entries is None:
                lists[key] = [entry]
            elif sort:
                bisect.insort(entries, entry)
            else:
                entries.append(entry)
        self.placed[doc_id] = (entry, keys)

    def add(self, doc_id: str, doc: Doc) -> None:
        self._place(doc_id, doc)

    def remove(self, doc_id: str) -> None:
        placed = self.placed.pop(doc_id, None)
        if placed is None:
            return
        self.declining.discard(doc_id)
        entry, keys = placed
        for key in keys:
            entries = self.lists[key]
            del entries[bisect.bisect_left(entries, entry)]
            if not entries:
                del self.lists[key]

    # -- reading ---------------------------------------------------------------------------------
    def page(
        self,
        wanted: tuple[Iterable | None, ...],
        from_: int,
        size: int,
        test: Callable[[str], bool] | None = None,
    ) -> tuple[int, list[str]] | None:
        """The total and the ids of one page of the documents whose field ``i`` has one of
        ``wanted[i]`` (None: any value, or none) and that pass ``test`` (if given: every candidate is
        tested), in the view's order; None when the view cannot answer."""
        if self.declining:
            return None
        choices = [(ANY,) if values is None else tuple(dict.fromkeys(values)) for values in wanted]
        groups = [entries for key in itertools.product(*choices) if (entries := self.lists.get(key))]
        if test is not None:
            ids = [entry[-1] for entry in self._in_order(groups) if test(entry[-1])]
            return len(ids), ids[from_ : from_ + size]
        total = sum(len(entries) for entries in groups)
        if size <= 0 or from_ >= total:
            return total, []
        if len(groups) == 1:
            entries = groups[0]
            if self.order.backwards:
                end = len(entries) - from_
                return total, [entry[-1] for entry in reversed(entries[max(end - size, 0) : end])]
            return total, [entry[-1] for entry in entries[from_ : from_ + size]]
        return total, [entry[-1] for entry in itertools.islice(self._in_order(groups), from_, from_ + size)]

    def _in_order(self, groups: list[list[tuple]]) -> Iterator[tuple]:
        if self.order.backwards:
            return heapq.merge(*(reversed(entries) for entries in groups), reverse=True)
        return heapq.merge(*groups)
