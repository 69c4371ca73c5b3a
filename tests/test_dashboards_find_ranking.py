"""``_find``'s page of a search picked from the scores (the ``count``-th best score, the hits above
it, the lowest _seq_nos of those at it) is the page of a full sort of every hit by (score descending,
_seq_no), ties in the order met: the same hits, order, totals and scores after any mix of writes,
deletes, fixture loads and resets; and the BM25 worked out once per field length is the formula's."""

from __future__ import annotations

import contextlib
import math
from unittest import mock

from conftest import create_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_dashboards_find_index import FILTERS, STORE, answer, apply, finds, scanned, writes

from mockserver import runtime_of
from mockserver.dashboards.repository import Repository
from mockserver.dashboards.search import K1, B, FieldIndex
from mockserver.dashboards.state import DashboardsState


@contextlib.contextmanager
def fully_sorted():
    """The find as a scan with every hit sorted: neither the index's candidates nor the picked page."""
    with scanned(), mock.patch.object(Repository, "_best_scored", staticmethod(lambda *args: None)):
        yield


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(writes, max_size=16), st.lists(finds, min_size=1, max_size=3))
def test_the_picked_page_is_the_full_sort_s(history, queries):
    store = STORE
    state = store.products["dashboards"] = DashboardsState()
    store.seed([])
    for write in history:
        apply(store, state, write)
    for shape in queries:
        for expression in (None, *FILTERS[:6]):
            query = {**shape, "filter": expression}
            picked = answer(state, query)
            with fully_sorted():
                assert answer(state, query) == picked, query


def many_alike(count: int):
    """``count`` visualizations and dashboards whose titles score alike for "traffic", some longer
    (a lower score), some with "traffic" twice (a higher one); a few rewritten since (a later seq_no)."""
    app = create_app(default_fixtures=False)
    state = runtime_of(app).store["dashboards"]
    for i in range(count):
        so_type = "visualization" if i % 3 else "dashboard"
        title = "traffic panel" if i % 7 else ("traffic traffic panel" if i % 2 else "traffic long panel title")
        state.repository.create(state.types, so_type, {"id": f"o{i}", "attributes": {"title": title}})
    for i in range(0, count, 11):
        so_type = "visualization" if i % 3 else "dashboard"
        state.repository.update(state.types, so_type, f"o{i}", {"attributes": {"title": "traffic panel"}})
    return app, state


def test_pages_of_many_tied_scores_across_types_are_the_full_sort_s():
    app, state = many_alike(300)
    seen = []
    for types in (["visualization", "dashboard"], ["dashboard", "visualization"]):
        for per_page, page in ((1, 1), (5, 1), (20, 3), (50, 6), (299, 1), (300, 1), (20, 16)):
            query = {"type": types, "search": "traffic", "per_page": per_page, "page": page}
            picked = state.repository.find(state.types, **query)
            with fully_sorted():
                assert state.repository.find(state.types, **query) == picked, query
            assert picked["total"] == 300
            seen.append(picked)
    first = seen[0]["saved_objects"][0]
    assert first["attributes"]["title"] == "traffic traffic panel"  # tf 2 ranks first
    scores = [o["score"] for o in seen[3]["saved_objects"]]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) > 1


def test_seq_nos_repeating_at_the_cut_fall_to_the_order_met():
    """A fixture's versions give many objects one seq_no: the page is the stable full sort's."""
    app = create_app(default_fixtures=False)
    store = runtime_of(app).store
    state = store["dashboards"]
    objects = {f"v{i}": {"attributes": {"title": "alpha beta"}, "version": "WzEsMV0="} for i in range(30)}
    objects.update({f"w{i}": {"attributes": {"title": "alpha"}, "version": "WzIsMV0="} for i in range(5)})
    store.load({"dashboards": {"saved_objects": {"visualization": objects}}}, "test")
    for page in (1, 2, 3):
        query = {"type": ["visualization"], "search": "alpha", "per_page": 8, "page": page}
        found = state.repository.find(state.types, **query)
        with fully_sorted():
            assert state.repository.find(state.types, **query) == found
    first = state.repository.find(state.types, type=["visualization"], search="alpha", per_page=8, page=1)
    assert [o["id"] for o in first["saved_objects"]] == ["w0", "w1", "w2", "w3", "w4", "v0", "v1", "v2"]


def test_bm25_is_the_formula_per_document():
    index = FieldIndex("text")
    titles = ["a b", "a a b c", "a", "b c d e", "a b c d e f", "a a a"]
    for number, title in enumerate(titles):
        index.add(f"d{number}", [title])
    count = len(index.lengths)
    average = index.total_length / count
    posting = index.postings["a"]
    idf = math.log(1 + (count - len(posting) + 0.5) / (len(posting) + 0.5))
    expected = {
        doc_id: 2.0 * idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * index.lengths[doc_id] / average))
        for doc_id, tf in posting.items()
    }
    assert index.bm25("a", 2.0) == expected
    assert list(index.bm25("a", 2.0)) == list(expected)
    assert len(set(expected.values())) == len(expected)  # each length and frequency its own score
