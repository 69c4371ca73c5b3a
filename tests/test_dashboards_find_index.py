"""``_find`` through the indexes kept on write answers what a scan of every object and a full sort
answer: the same hits, order, totals and errors, after any mix of writes, fixture loads and resets
(hypothesis). The index itself is what a rebuild from the stored objects gives."""

from __future__ import annotations

import contextlib
import heapq
from unittest import mock

import pytest
from conftest import create_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver import runtime_of
from mockserver.boom import BoomError
from mockserver.dashboards import kql
from mockserver.dashboards.search import TypeIndex
from mockserver.dashboards.state import DashboardsState

WORDS = ["alpha", "beta", "gamma", "Delta", "alpha-beta", "x.y", "7"]
TYPES = ["visualization", "dashboard", "index-pattern"]
IDS = ["a", "b", "c", "d", "e", "f"]

titles = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
attributes = st.fixed_dictionaries({"title": titles}, optional={"description": titles})
# Versions as a fixture (a dump) gives them: several objects may share a seq_no, so ties must fall
# to the order the objects are met in, as the stable sort leaves them.
versions = st.sampled_from(["WzEsMV0=", "WzIsMV0=", "WzUsMV0="])

creates = st.tuples(st.just("create"), st.sampled_from(TYPES), st.sampled_from(IDS), attributes)
writes = st.one_of(
    creates,
    creates,
    creates,
    st.tuples(st.just("update"), st.sampled_from(TYPES), st.sampled_from(IDS), attributes),
    st.tuples(st.just("delete"), st.sampled_from(TYPES), st.sampled_from(IDS)),
    st.tuples(
        st.just("bulk_create"),
        st.lists(st.tuples(st.sampled_from(TYPES), st.sampled_from(IDS), attributes), max_size=4),
    ),
    st.tuples(
        st.just("bulk_update"),
        st.lists(st.tuples(st.sampled_from(TYPES), st.sampled_from(IDS), attributes), max_size=3),
    ),
    st.tuples(
        st.just("fixture"),
        st.lists(st.tuples(st.sampled_from(TYPES), st.sampled_from(IDS), attributes, versions), max_size=4),
    ),
    st.tuples(st.just("seed")),
    st.tuples(st.just("reset")),
)

FILTERS = [
    "visualization.attributes.title:alpha",
    "visualization.attributes.title:(alpha or beta)",
    "visualization.attributes.title:(alpha and beta)",
    'visualization.attributes.title:"alpha beta"',
    "visualization.attributes.title:Delta",
    "visualization.attributes.title:x.y",
    "visualization.attributes.title:7",
    "visualization.attributes.title:gamma-beta",  # two tokens: either one matches
    'visualization.attributes.title:"beta gamma"',
    "visualization.attributes.description:gamma",
    "visualization.attributes.title:alpha and not visualization.attributes.title:beta",
    "visualization.attributes.title:alpha or dashboard.attributes.title:beta",
    "dashboard.attributes.title:alpha and visualization.attributes.title:alpha",
    "visualization.attributes.title:alph*",
    "visualization.attributes.title:*",
    "not visualization.attributes.title:alpha",
    "index-pattern.attributes.title:alpha",
    'index-pattern.attributes.title:"alpha beta"',
    "visualization.attributes.nope:alpha",
    "visualization.updated_at > 2000-01-01",
    "visualization.attributes.title:(",
]
SEARCHES = [None, "alpha", "alpha beta", "beta*", "-gamma", '"alpha beta"', "delta | 7", "*"]
# A find's shape; each is asked with every filter (and none).
finds = st.fixed_dictionaries(
    {
        "type": st.sampled_from([["visualization"], ["visualization", "dashboard"], ["dashboard", "visualization"]])
        | st.lists(st.sampled_from(TYPES), min_size=1, max_size=3, unique=True),
        "search": st.sampled_from(SEARCHES),
        "per_page": st.sampled_from([1, 2, 3, 20]),
        "page": st.sampled_from([1, 2, 3, 0]),
    },
    optional={"sort_field": st.sampled_from(["title", "updated_at"])},
)


@contextlib.contextmanager
def scanned():
    """The find as a scan: no candidates from an index, and every hit sorted."""
    with (
        mock.patch.object(kql, "candidates", lambda *args: None),
        mock.patch.object(heapq, "nsmallest", lambda n, hits, key: sorted(hits, key=key)[:n]),
    ):
        yield


def answer(state, query: dict):
    try:
        return state.repository.find(state.types, **query)
    except BoomError as error:
        return type(error).__name__, error.status, error.message


def apply(store, state, write: tuple) -> None:
    types, repository = state.types, state.repository
    kind = write[0]
    with contextlib.suppress(BoomError):
        if kind == "create":
            repository.create(types, write[1], {"id": write[2], "attributes": write[3]}, overwrite=True)
        elif kind == "update":
            repository.update(types, write[1], write[2], {"attributes": write[3]})
        elif kind == "delete":
            repository.delete(types, write[1], write[2])
        elif kind == "bulk_create":
            bodies = [{"type": t, "id": i, "attributes": a} for t, i, a in write[1]]
            repository.bulk_create(types, bodies, overwrite=True)
        elif kind == "bulk_update":
            repository.bulk_update(types, [{"type": t, "id": i, "attributes": a} for t, i, a in write[1]])
        elif kind == "fixture":
            objects: dict = {}
            for so_type, so_id, attrs, version in write[1]:
                objects.setdefault(so_type, {})[so_id] = {"attributes": attrs, "version": version}
            store.load({"dashboards": {"saved_objects": objects}}, "test")
        elif kind == "seed":
            store.seed([])
        elif kind == "reset":
            store.reset()


def assert_index_is_a_rebuild(state) -> None:
    for so_type, objects in state.repository.by_type.items():
        index = state.repository.indexes[so_type]
        rebuilt = TypeIndex(state.types.get(so_type))
        for so_id, doc in objects.items():
            rebuilt.add(so_id, doc["attributes"])
        for name, field_index in index.fields.items():
            assert field_index.postings == rebuilt.fields[name].postings, name
            assert field_index.exact == rebuilt.fields[name].exact, name
            assert field_index.lengths == rebuilt.fields[name].lengths, name
        assert set(index.positions) == set(objects)
        assert index.in_stored_order(objects) == list(objects)


STORE = runtime_of(create_app(default_fixtures=False)).store


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(writes, max_size=16), st.lists(finds, min_size=1, max_size=3))
def test_indexed_find_answers_as_a_scan(history, queries):
    store = STORE
    state = store.products["dashboards"] = DashboardsState()  # an empty state, the one reset restores
    store.seed([])
    for write in history:
        apply(store, state, write)
    assert_index_is_a_rebuild(state)
    for shape in queries:
        for expression in (None, *FILTERS):
            query = {**shape, "filter": expression}
            indexed = answer(state, query)
            with scanned():
                assert answer(state, query) == indexed, query


def test_the_page_is_the_full_sort_s_with_ties_in_the_order_met():
    """Scores tie (the same title), and so do seq_nos (a fixture's versions): the order the objects
    are met in decides, as a stable sort of every hit leaves them."""
    app = create_app(default_fixtures=False)
    store = runtime_of(app).store
    state = store["dashboards"]
    objects = {f"v{i}": {"attributes": {"title": "alpha beta"}, "version": "WzEsMV0="} for i in range(30)}
    store.load({"dashboards": {"saved_objects": {"visualization": objects}}}, "test")
    for page in (1, 2, 3, 4):
        query = {"type": ["visualization"], "search": "alpha", "per_page": 8, "page": page}
        found = state.repository.find(state.types, **query)
        assert [o["id"] for o in found["saved_objects"]] == [f"v{i}" for i in range(8 * (page - 1), min(30, 8 * page))]
        assert found["total"] == 30
        with scanned():
            assert state.repository.find(state.types, **query) == found


def test_a_filter_reads_an_index_only_while_the_type_maps_the_field_so():
    """A type's mappings may change once it has objects (a fixture's types): a title indexed as a
    keyword is not the index of a title now mapped as text, so the filter scans."""
    app = create_app(default_fixtures=False)
    store = runtime_of(app).store
    state = store["dashboards"]

    def thing_type(kind: str) -> dict:
        return {"types": {"thing": {"mappings": {"properties": {"title": {"type": kind}}}}}}

    store.load({"dashboards": thing_type("keyword")}, "test")
    state.repository.create(state.types, "thing", {"id": "t1", "attributes": {"title": "alpha beta"}})
    keyword = state.repository.find(state.types, type=["thing"], filter="thing.attributes.title:alpha")
    assert keyword["total"] == 0  # a keyword matches its whole value
    store.load({"dashboards": thing_type("text")}, "test")
    text = state.repository.find(state.types, type=["thing"], filter="thing.attributes.title:alpha")
    assert [o["id"] for o in text["saved_objects"]] == ["t1"]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("visualization.attributes.title:alpha", {"v1", "v2"}),
        ("visualization.attributes.title:(alpha or gamma)", {"v1", "v2", "v3"}),
        ('visualization.attributes.title:"alpha beta"', {"v1", "v2"}),  # both words: a superset
        ("visualization.attributes.title:alpha and visualization.attributes.title:beta", {"v1", "v2"}),
        ("dashboard.attributes.title:alpha", set()),
        ("visualization.attributes.title:alph*", None),
        ("not visualization.attributes.title:alpha", None),
        ("visualization.attributes.title:alpha or visualization.updated_at > 2000-01-01", None),
    ],
)
def test_candidates_from_the_index(expression, expected):
    app = create_app(default_fixtures=False)
    state = runtime_of(app).store["dashboards"]
    for so_id, title in (("v1", "alpha beta"), ("v2", "beta alpha"), ("v3", "gamma")):
        state.repository.create(state.types, "visualization", {"id": so_id, "attributes": {"title": title}})
    node = kql.parse(expression)
    index = state.repository.indexes["visualization"]
    assert kql.candidates(node, "visualization", index, state.types) == expected
