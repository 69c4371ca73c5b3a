"""The connector list read off the connector index's sorted groups (connectors.ListOrder) answers
what the list looking at every connector answers (Connectors.scanned), after any mix of writes: the
model's own, documents written and deleted through the document API, soft and hard deletes, reset
and fixture load; and "index name used by another connector" is refused as the scan refuses it."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver import create_app, runtime_of
from mockserver.elasticsearch.errors import ElasticsearchError, StatusException
from mockserver.elasticsearch.system_indices import CONNECTORS_ALIAS

IDS = ("connector-1", "connector-id", "c-a", "c-b", "c-c")
INDEX_NAMES = ("search-a", "search-b", "content-c")
NAMES = ("one", "two")
SERVICE_TYPES = ("sharepoint_online", "google_drive")
FILTERS = [
    {"index_names": i, "names": n, "service_types": t, "include_deleted": d}
    for i in (None, [], ["search-a"], ["search-b", "search-a", "search-a"], ["nothing"])
    for n in (None, ["one"])
    for t in (None, ["google_drive"])
    for d in (False, True)
] + [{"query": q, "include_deleted": d} for q in ("search", "ONE", "dri*", "zzz") for d in (False, True)]
PAGES = ((0, 100), (1, 2), (0, 0))


def connector_state():
    app = create_app()
    return runtime_of(app).store, runtime_of(app).store["elasticsearch"]


def outcome(call, **arguments):
    """What a call answers, or the kind of exception it raises (the scan cannot order an index name
    that is neither a string nor null, and says so: the list must say the same)."""
    try:
        return call(**arguments)
    except TypeError:
        return TypeError


def assert_list_is_the_scan(es) -> None:
    connectors = es.connectors
    for filters, (from_, size) in itertools.product(FILTERS, PAGES):
        listed = outcome(connectors.list, from_=from_, size=size, **filters)
        assert listed == outcome(connectors.scanned, from_=from_, size=size, **filters), (filters, from_, size)
    for index_name in INDEX_NAMES:
        for own_id in (None, *IDS):
            scanned = any(
                cid != own_id and not doc.get("deleted") and doc.get("index_name") == index_name
                for cid, doc in connectors.docs.items()
            )
            try:
                connectors._check_index_name_free(index_name, own_id)
                refused = False
            except StatusException:
                refused = True
            assert refused == scanned, (index_name, own_id)


odd_values = st.one_of(st.just(5), st.just(["search-a"]), st.just(""), st.just("yes"), st.just(0))
sources = st.fixed_dictionaries(
    {},
    optional={
        "index_name": st.one_of(st.sampled_from(INDEX_NAMES), st.none(), st.just(["search-a"]), st.just("")),
        "name": st.one_of(st.sampled_from(NAMES), odd_values),
        "service_type": st.one_of(st.sampled_from(SERVICE_TYPES), odd_values),
        "deleted": st.one_of(st.booleans(), odd_values),
        "description": st.sampled_from(["Search ONE drive", "nothing here"]),
    },
)
operations = st.one_of(
    st.tuples(
        st.just("put"),
        st.sampled_from(IDS),
        st.fixed_dictionaries(
            {},
            optional={
                "index_name": st.sampled_from(INDEX_NAMES),
                "name": st.sampled_from(NAMES),
                "service_type": st.sampled_from(SERVICE_TYPES),
            },
        ),
    ),
    st.tuples(st.just("doc"), st.sampled_from(IDS), sources),
    st.tuples(st.just("delete_doc"), st.sampled_from(IDS)),
    st.tuples(st.sampled_from(["soft_delete", "hard_delete", "check_in"]), st.sampled_from(IDS)),
    st.tuples(st.just("index_name"), st.sampled_from(IDS), st.sampled_from((*INDEX_NAMES, None))),
    st.tuples(st.just("name"), st.sampled_from(IDS), st.sampled_from(NAMES)),
    st.tuples(st.just("service_type"), st.sampled_from(IDS), st.sampled_from(SERVICE_TYPES)),
    st.tuples(st.just("reset")),
    st.tuples(st.just("load"), st.sampled_from(IDS), st.sampled_from(INDEX_NAMES)),
    st.tuples(st.just("list")),
)


def apply(store, es, operation) -> None:
    kind, *args = operation
    connectors = es.connectors
    try:
        if kind == "put":
            connectors.put(args[0], dict(args[1]))
        elif kind == "doc":
            es.documents.index(CONNECTORS_ALIAS, args[0], args[1])
        elif kind == "delete_doc":
            es.documents.delete(CONNECTORS_ALIAS, args[0])
        elif kind == "soft_delete":
            connectors.delete(args[0])
        elif kind == "hard_delete":
            connectors.delete(args[0], hard=True)
        elif kind == "check_in":
            connectors.check_in(args[0])
        elif kind == "index_name":
            connectors.set_index_name(args[0], args[1])
        elif kind == "name":
            connectors.set_name(args[0], args[1], None)
        elif kind == "service_type":
            connectors.set_service_type(args[0], args[1])
        elif kind == "reset":
            store.reset()
        elif kind == "load":
            store.load({"elasticsearch": {"connectors": {args[0]: {"index_name": args[1]}}}}, "test")
        elif kind == "list":
            outcome(connectors.list)  # builds the groups now, so later writes keep them
    except ElasticsearchError:
        pass  # refused (a name taken, a missing connector, a value the mapping refuses): nothing changed


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations, max_size=20))
def test_the_listed_page_is_the_scanned_page_after_any_writes(steps):
    store, es = connector_state()
    for step in steps:
        apply(store, es, step)
        assert_list_is_the_scan(es)


def test_the_groups_answer_and_decline_while_a_connector_has_an_index_name_of_another_kind():
    store, es = connector_state()
    view = es.connectors._groups()
    everything = es.connectors.list(include_deleted=True)
    assert view.page((None, None, None, None), 0, 100) == (everything[0], [c["id"] for c in everything[1]])
    es.documents.index(CONNECTORS_ALIAS, "odd", {"index_name": 7, "name": "odd"})
    assert view.page((None, None, None, None), 0, 100) is None  # the list looks at every connector
    assert es.connectors.list(names=["odd"]) == (1, [{"id": "odd", "index_name": 7, "name": "odd"}])
    es.documents.delete(CONNECTORS_ALIAS, "odd")
    assert view.page((None, None, None, None), 0, 100) == (everything[0], [c["id"] for c in everything[1]])


def test_connectors_list_by_index_name_then_in_write_order_those_without_one_last():
    store, es = connector_state()
    for connector_id in [cid for cid in es.connectors.docs]:
        es.connectors.delete(connector_id, hard=True)
    for connector_id, index_name in (("z", None), ("b2", "search-b"), ("a", "search-a"), ("y", None)):
        es.connectors.put(connector_id, {"index_name": index_name} if index_name else {})
    es.documents.index(CONNECTORS_ALIAS, "b1", {"index_name": "search-b"})
    assert [c["id"] for c in es.connectors.list()[1]] == ["a", "b2", "b1", "z", "y"]
    es.connectors.check_in("b2")  # rewritten: last of its index name
    es.connectors.check_in("z")
    assert [c["id"] for c in es.connectors.list()[1]] == ["a", "b1", "b2", "y", "z"]
    assert es.connectors.list(index_names=["search-b"], from_=1, size=5)[0] == 2
    assert [c["id"] for c in es.connectors.list(index_names=["search-b"], from_=1, size=5)[1]] == ["b2"]
