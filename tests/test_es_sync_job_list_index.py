"""The sync job list read off the sync job index's sorted groups (sorted_groups.py) answers what
the search over the index answers (SyncJobs.searched: ConnectorSyncJobIndexService's term filters,
``created_at`` descending, ties in index order), after any mix of writes: the model's own, documents
written and deleted through the document API, a connector deleted with its jobs, reset and fixture
load."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver import create_app, runtime_of
from mockserver.elasticsearch.errors import ElasticsearchError
from mockserver.elasticsearch.sync_jobs import LIST_FILTERS, SyncJobs
from mockserver.elasticsearch.system_indices import SYNC_JOBS_ALIAS, SYNC_JOBS_INDEX

CONNECTORS = ("connector-1", "connector-id", "my-connector-id")
STATUSES = ("pending", "in_progress", "completed", "error", "canceled")
JOB_TYPES = ("full", "incremental", "access_control")
DATES = ("2026-01-01T08:00:00.000Z", "2026-01-02T08:00:00.000Z", "2026-01-02T08:00:00Z", 1767340800000)
FILTERS = (
    [(c, s, j) for c in (None, "connector-1", "my-connector-id") for s in (None, "pending") for j in (None, ["full"])]
    + [(None, None, ["full", "incremental"]), ("connector-1", None, ["access_control", "full", "full"])]
    + [("nobody", None, None), (None, "suspended", None), (None, None, ["nothing"])]
)
PAGES = ((0, 100), (2, 4), (5, 1), (0, 0))


def sync_job_state():
    app = create_app()
    return runtime_of(app).store, runtime_of(app).store["elasticsearch"]


def assert_list_is_the_search(es) -> None:
    """Every filter and page: the list answers what the search answers, and through the groups
    unless a document holds two values of a grouping field."""
    index = es.sync_jobs.store.index
    for (connector_id, status, job_types), (from_, size) in itertools.product(FILTERS, PAGES):
        asked = {"connector_id": connector_id, "status": status, "job_types": job_types}
        listed = es.sync_jobs.list(from_=from_, size=size, **asked)
        assert listed == SyncJobs.searched(index, from_, size, connector_id, status, job_types), asked
        view = index.search_groups(LIST_FILTERS, "created_at", descending=True)
        assert (SyncJobs._listed(index, from_, size, connector_id, status, job_types) is None) == bool(view.declining)


# -- the writes a test may mix ----------------------------------------------------------------------

job_ids = st.sampled_from([f"job-{i}" for i in range(6)] + ["connector-1-full-completed", "my-connector-sync-job"])
keyword_values = st.one_of(
    st.sampled_from(CONNECTORS + STATUSES + JOB_TYPES),
    st.just(7),
    st.lists(st.sampled_from(CONNECTORS + STATUSES), min_size=1, max_size=2),
)
sources = st.fixed_dictionaries(
    {},
    optional={
        "connector": st.fixed_dictionaries({}, optional={"id": keyword_values}),
        "status": keyword_values,
        "job_type": keyword_values,
        "created_at": st.one_of(st.sampled_from(DATES), st.lists(st.sampled_from(DATES), min_size=1, max_size=2)),
    },
)
operations = st.one_of(
    st.tuples(st.just("create"), st.sampled_from(CONNECTORS), st.sampled_from(JOB_TYPES)),
    st.tuples(st.just("doc"), job_ids, sources),
    st.tuples(st.just("delete_doc"), job_ids),
    st.tuples(st.sampled_from(["claim", "cancel", "check_in", "error", "stats", "delete"]), job_ids),
    st.tuples(st.just("delete_connector"), st.sampled_from(CONNECTORS)),
    st.tuples(st.just("reset")),
    st.tuples(st.just("load"), job_ids, st.sampled_from(CONNECTORS), st.sampled_from(STATUSES)),
    st.tuples(st.just("list")),
)


def apply(store, es, operation) -> None:
    kind, *args = operation
    jobs = es.sync_jobs
    known = sorted(jobs.docs)
    # The model's calls on a job take one that exists when there is one (an unknown id is a 404).
    job_id = args[0] if args else None
    if known and job_id not in known:
        job_id = known[sum(map(ord, str(job_id))) % len(known)]
    try:
        if kind == "create":
            jobs.create(args[0], args[1])
        elif kind == "doc":
            es.documents.index(SYNC_JOBS_ALIAS, args[0], args[1])
        elif kind == "delete_doc":
            es.documents.delete(SYNC_JOBS_ALIAS, args[0])
        elif kind == "claim":
            jobs.claim(job_id, "worker-1")
        elif kind == "cancel":
            jobs.cancel(job_id)
        elif kind == "check_in":
            jobs.check_in(job_id)
        elif kind == "error":
            jobs.set_error(job_id, "it broke")
        elif kind == "stats":
            jobs.update_stats(job_id, deleted_document_count=1, indexed_document_count=2, indexed_document_volume=3)
        elif kind == "delete":
            jobs.delete(job_id)
        elif kind == "delete_connector":
            es.connectors.delete(args[0], delete_sync_jobs=True)
        elif kind == "reset":
            store.reset()
        elif kind == "load":
            fixture = {"connector": {"id": args[1]}, "status": args[2], "created_at": DATES[0]}
            store.load({"elasticsearch": {"sync_jobs": {args[0]: fixture}}}, "test")
        elif kind == "list":
            jobs.list(connector_id="connector-1")  # builds the groups now, so later writes keep them
    except ElasticsearchError:
        pass  # refused (a bad transition, a missing job, a value the mapping refuses): nothing changed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations, max_size=25))
def test_the_listed_page_is_the_searched_page_after_any_writes(steps):
    store, es = sync_job_state()
    for step in steps:
        apply(store, es, step)
        assert_list_is_the_search(es)


# -- pinned orders ------------------------------------------------------------------------------


def write(es, job_id: str, **source) -> None:
    es.documents.index(SYNC_JOBS_ALIAS, job_id, source)


def listed_ids(es, **filters) -> tuple[int, list[str]]:
    total, results = es.sync_jobs.list(**filters)
    return total, [job["id"] for job in results]


def test_ties_on_created_at_go_in_write_order_and_an_update_moves_a_job_last_of_its_tie():
    store, es = sync_job_state()
    for job_id in ("a", "b", "c"):
        write(es, job_id, connector={"id": "c1"}, status="pending", job_type="full", created_at=DATES[1])
    write(es, "newer", connector={"id": "c1"}, status="pending", job_type="full", created_at="2026-02-01T00:00:00Z")
    write(es, "older", connector={"id": "c1"}, status="pending", job_type="full", created_at=DATES[0])
    assert listed_ids(es, connector_id="c1") == (5, ["newer", "a", "b", "c", "older"])
    write(es, "a", connector={"id": "c1"}, status="completed", job_type="full", created_at=DATES[1])
    assert listed_ids(es, connector_id="c1") == (5, ["newer", "b", "c", "a", "older"])
    assert listed_ids(es, connector_id="c1", status="pending", from_=1, size=2) == (4, ["b", "c"])
    assert listed_ids(es, connector_id="c1", status="completed") == (1, ["a"])


def test_a_job_without_created_at_comes_last_and_a_date_array_sorts_by_its_newest():
    store, es = sync_job_state()
    write(es, "undated", connector={"id": "c1"}, job_type="full")
    write(es, "two-dates", connector={"id": "c1"}, job_type="full", created_at=[DATES[0], "2026-03-01T00:00:00Z"])
    write(es, "dated", connector={"id": "c1"}, job_type="full", created_at="2026-02-01T00:00:00Z")
    assert listed_ids(es, connector_id="c1") == (3, ["two-dates", "dated", "undated"])


def test_the_job_type_filter_counts_each_job_once_whatever_the_list_repeats():
    store, es = sync_job_state()
    assert listed_ids(es, connector_id="connector-1", job_types=["full", "access_control", "full"]) == (
        5,
        [
            "connector-1-access-control-pending",
            "connector-1-full-pending",
            "connector-1-full-canceled",
            "connector-1-access-control-error",
            "connector-1-full-completed",
        ],
    )


def test_a_job_with_two_connector_ids_is_listed_under_each_then_the_groups_answer_again():
    store, es = sync_job_state()
    es.sync_jobs.list()
    write(es, "shared", connector={"id": ["c1", "c2"]}, job_type=["full", "incremental"], created_at=DATES[0])
    assert listed_ids(es, connector_id="c1") == (1, ["shared"])
    assert listed_ids(es, connector_id="c2", job_types=["full", "incremental"]) == (1, ["shared"])
    index = es.sync_jobs.store.index
    assert SyncJobs._listed(index, 0, 10, "c1", None, None) is None  # the search answers
    es.documents.delete(SYNC_JOBS_ALIAS, "shared")
    assert SyncJobs._listed(index, 0, 10, "connector-1", None, None) == listed_ids(es, connector_id="connector-1")


def test_a_sync_job_index_made_with_other_mappings_is_searched():
    """Deleted and made again with ``connector.id`` as text: the term filter is the text field's."""
    store, es = sync_job_state()
    es.sync_jobs.list()
    es.indices.delete([SYNC_JOBS_INDEX])
    es.indices.create(
        SYNC_JOBS_INDEX,
        {
            "mappings": {
                "properties": {"connector": {"properties": {"id": {"type": "text"}}}, "created_at": {"type": "date"}}
            }
        },
    )
    write(es, "j1", connector={"id": "Shared Connector"}, created_at=DATES[0])
    write(es, "j2", connector={"id": "other"}, created_at=DATES[1])
    index = es.sync_jobs.store.index
    assert index.search_groups(LIST_FILTERS, "created_at", descending=True) is None
    assert listed_ids(es, connector_id="shared") == (1, ["j1"])  # an analysed token matches
    assert listed_ids(es) == (2, ["j2", "j1"])


def test_a_job_written_through_doc_without_a_status_refuses_cancel_and_error_as_a_transition():
    """No transition leaves a missing status: cancel and set_error refuse it in the transition's
    words (a 400 in Elasticsearch's format), not as the mock's own bug."""
    store, es = sync_job_state()
    es.documents.index(SYNC_JOBS_ALIAS, "bare", {"connector": {"id": "c1"}, "job_type": "full"})
    jobs = es.sync_jobs
    for call in (lambda: jobs.cancel("bare"), lambda: jobs.set_error("bare", "it broke")):
        try:
            call()
        except ElasticsearchError as error:
            assert "Invalid transition attempt from [null]" in str(error)
        else:
            raise AssertionError("a job without a status was moved")
