"""Connector sync jobs: what each call of ``/_connector/_sync_job`` does to the state.

Facts from x-pack/plugin/ent-search ``ConnectorSyncJobIndexService``, ``ConnectorSyncJobStateMachine``
and the sync job REST actions (see ../shared/specs/elasticsearch-connectors.md §2, §3, §5).
"""

from __future__ import annotations

import copy
from typing import Any

from .dates import normalise_instant
from .documents import merge_source
from .errors import (
    ActionRequestValidation,
    IllegalArgument,
    InvalidStatusTransition,
    QueryShardError,
    ResourceNotFound,
    StatusException,
)
from .fields import normalise
from .indices import Index
from .query import Bool, Term, Terms
from .search import Searcher, SearchRequest, SortKey
from .system_indices import SYNC_JOBS_INDEX, SystemIndex

JOB_TYPES = ("full", "incremental", "access_control")
TRIGGER_METHODS = ("on_demand", "scheduled")
SYNC_STATUSES = ("canceling", "canceled", "completed", "error", "in_progress", "pending", "suspended")

# ConnectorSyncJobStateMachine: the statuses each status may move to.
TRANSITIONS = {
    "pending": {"in_progress", "canceled"},
    "in_progress": {"canceling", "completed", "suspended", "error"},
    "suspended": {"in_progress", "canceled"},
    "canceling": {"canceled", "error"},
    "completed": set(),
    "canceled": set(),
    "error": set(),
}

ACCESS_CONTROL_INDEX_PREFIX = ".search-acl-filter-"
# The list's filters, the fields its pages are grouped by (Index.search_groups).
LIST_FILTERS = ("connector.id", "status", "job_type")
EMPTY_ID = "[connector_sync_job_id] of the connector sync job cannot be null or empty."  # ConnectorSyncJobConstants


def validate(job_id: str, *problems: str | None) -> None:
    """A sync job action's validate(): the empty id first (``/_connector/_sync_job//_cancel`` routes
    with one), then the action's own checks, refused together."""
    found = ([EMPTY_ID] if not job_id else []) + [problem for problem in problems if problem]
    if found:
        raise ActionRequestValidation(found)


def check_transition(current: str | None, target: str) -> None:
    """``current`` is None for a job written through _doc without a status: no transition leaves it."""
    if target not in TRANSITIONS.get(current, set()):
        reason = (
            f"Invalid transition attempt from [{'null' if current is None else current}] to [{target}]. "
            "Such a ConnectorSyncStatus transition is not supported by the Connector Protocol."
        )
        raise StatusException(reason, caused_by=InvalidStatusTransition(reason))


class SyncJobs:
    """The sync jobs, keyed by id; each document is stored in the sync job system index, as
    Elasticsearch stores it (without its id)."""

    def __init__(self, connectors, clock, ids, indices):
        self.connectors = connectors
        self.clock = clock
        self.ids = ids
        self.store = SystemIndex(indices, SYNC_JOBS_INDEX)

    @property
    def docs(self):
        """The stored jobs by id (read-only: writes go through :attr:`store`)."""
        return self.store.sources

    @property
    def index_exists(self) -> bool:
        # Until the first job is written, Elasticsearch has no sync job index, and some calls word
        # their 404 differently.
        return self.store.index is not None

    def _update(self, job_id: str, changes: dict) -> None:
        """A partial update of a stored job (objects merge, the rest is replaced)."""
        doc = copy.deepcopy(self.docs[job_id])
        merge_source(doc, changes)
        self.store.write(job_id, doc)

    # -- reading ---------------------------------------------------------------------------
    def _doc(self, job_id: str, missing_reason: str | None = None) -> dict:
        doc = self.docs.get(job_id)
        if doc is None:
            if missing_reason is None:
                missing_reason = job_id if self.index_exists else f"connector sync job [{job_id}] not found"
            raise ResourceNotFound(missing_reason)
        return doc

    def get(self, job_id: str) -> dict:
        return {"id": job_id, **self._doc(job_id)}

    def list(
        self,
        *,
        from_: int = 0,
        size: int = 100,
        connector_id: str | None = None,
        status: str | None = None,
        job_types: list[str] | None = None,
    ) -> tuple[int, list[dict]]:
        """Matching jobs, newest first: the search the server runs on the sync job index."""
        if from_ < 0:
            raise IllegalArgument("Parameter [from] cannot be < 0")
        if size < 0:
            raise IllegalArgument("Parameter [size] cannot be < 0")
        index = self.store.index
        if index is None:
            return 0, []
        listed = self._listed(index, from_, size, connector_id, status, job_types)
        if listed is None:
            return self.searched(index, from_, size, connector_id, status, job_types)
        total, ids = listed
        docs = index.docs
        return total, [{"id": job_id, **docs[job_id].source} for job_id in ids]

    @staticmethod
    def _listed(
        index: Index, from_: int, size: int, connector_id: str | None, status: str | None, job_types: list[str] | None
    ) -> tuple[int, list[str]] | None:
        """The page read off the index's sorted groups (sorted_groups.py): what :meth:`searched`
        finds, paying for the page only; None when the groups cannot answer (the search does)."""
        view = index.search_groups(LIST_FILTERS, "created_at", descending=True)
        if view is None:
            return None
        if job_types:
            try:
                Terms("job_type", job_types).check(index)  # too many terms: the search's shard failure
            except QueryShardError:
                return None
        wanted = (
            None if connector_id is None else [normalise("keyword", connector_id)],
            None if status is None else [normalise("keyword", status)],
            [normalise("keyword", job_type) for job_type in job_types] if job_types else None,
        )
        return view.page(wanted, from_, size)

    @staticmethod
    def searched(
        index: Index, from_: int, size: int, connector_id: str | None, status: str | None, job_types: list[str] | None
    ) -> tuple[int, list[dict]]:
        """The search ConnectorSyncJobIndexService.listConnectorSyncJobs runs: term filters on the
        connector's id, the status and the job types, sorted by ``created_at`` descending."""
        filters = [Term("connector.id", connector_id)] if connector_id is not None else []
        if status is not None:
            filters.append(Term("status", status))
        if job_types:
            filters.append(Terms("job_type", job_types))
        request = SearchRequest(
            query=Bool(filter=filters), sort=[SortKey("created_at", descending=True)], from_=from_, size=size
        )
        hits, total, _ = Searcher([index]).hits(request)
        return total, [{"id": hit.doc_id, **hit.doc.source} for hit in hits[from_ : from_ + size]]

    # -- writing ---------------------------------------------------------------------------
    def create(self, connector_id: str, job_type: str | None = None, trigger_method: str | None = None) -> str:
        """``POST _connector/_sync_job``: a pending job with a snapshot of its connector."""
        if not connector_id:
            raise ActionRequestValidation(["[id] of the connector cannot be null or empty"])
        connector = self.connectors.live_doc(connector_id)
        if connector is None:
            raise ResourceNotFound(f"Connector with id '{connector_id}' does not exist.")
        job_type = job_type or "full"
        snapshot = self.connector_snapshot(connector_id, connector, job_type)
        if not snapshot.get("index_name"):
            raise StatusException(
                f"Cannot start a sync for connector [{connector_id}] with no index attached. "
                "Set the [index_name] property for the connector to enable syncing data."
            )
        if not snapshot.get("service_type"):
            raise StatusException(
                f"Cannot start a sync for connector [{connector_id}] with [service_type] not defined. "
                "Set the service type of your connector before starting the sync."
            )
        now = self.clock.now()
        job_id = self.ids.new_id()
        self.store.write(
            job_id,
            {
                "connector": snapshot,
                "created_at": now,
                "deleted_document_count": 0,
                "indexed_document_count": 0,
                "indexed_document_volume": 0,
                "job_type": job_type,
                "last_seen": now,
                "metadata": {},
                "status": "pending",
                "total_document_count": 0,
                "trigger_method": trigger_method or "on_demand",
            },
        )
        return job_id

    @staticmethod
    def connector_snapshot(connector_id: str, connector: dict, job_type: str) -> dict:
        """The denormalised copy of the connector a job carries; keys only when not null."""
        filtering = connector.get("filtering") or []
        index_name = connector.get("index_name")
        if job_type == "access_control":
            # Java string concatenation: a connector without an index gives ".search-acl-filter-null".
            index_name = ACCESS_CONTROL_INDEX_PREFIX + ("null" if index_name is None else index_name)
        snapshot: dict[str, Any] = {
            "id": connector_id,
            "filtering": filtering[0].get("active") if filtering else None,
            "index_name": index_name,
            "language": connector.get("language"),
            "pipeline": connector.get("pipeline"),
            "service_type": connector.get("service_type"),
            "configuration": connector.get("configuration", {}),
        }
        return {k: v for k, v in snapshot.items() if v is not None}

    def delete(self, job_id: str) -> None:
        self._doc(job_id)
        self.store.remove(job_id)

    def delete_for_connector(self, connector_id: str) -> None:
        """A delete by query on ``connector.id``."""
        index = self.store.index
        if index is None:
            return
        for job_id in list(Term("connector.id", connector_id).run(index)):
            index.delete(job_id)

    def cancel(self, job_id: str) -> None:
        """Pending or suspended jobs are canceled at once; a running one is asked to cancel."""
        validate(job_id)
        doc = self._doc(job_id)
        now = self.clock.now()
        if doc.get("status") in ("pending", "suspended"):
            check_transition(doc["status"], "canceled")
            self._update(
                job_id, {"status": "canceled", "cancelation_requested_at": now, "canceled_at": now, "completed_at": now}
            )
        else:
            check_transition(doc.get("status"), "canceling")
            self._update(job_id, {"status": "canceling", "cancelation_requested_at": now})

    def check_in(self, job_id: str) -> None:
        validate(job_id)
        self._doc(job_id, missing_reason=f"connector sync job [{job_id}] not found")
        self._update(job_id, {"last_seen": self.clock.now()})

    def claim(self, job_id: str, worker_hostname: str, sync_cursor: dict | None = None) -> None:
        """No state check: the real server lets any job be claimed."""
        validate(job_id)
        self._doc(job_id)
        now = self.clock.now()
        changes: dict[str, Any] = {
            "worker_hostname": worker_hostname,
            "status": "in_progress",
            "last_seen": now,
            "started_at": now,
        }
        if sync_cursor is not None:
            changes["connector"] = {"sync_cursor": sync_cursor}
        self._update(job_id, changes)

    def set_error(self, job_id: str, error: str) -> None:
        validate(job_id, None if error else "[error] of the connector sync job cannot be null or empty")
        doc = self._doc(job_id)
        check_transition(doc.get("status"), "error")
        self._update(job_id, {"error": error, "status": "error"})

    def update_stats(
        self,
        job_id: str,
        *,
        deleted_document_count: int,
        indexed_document_count: int,
        indexed_document_volume: int,
        total_document_count: int | None = None,
        last_seen: str | None = None,
        metadata: dict | None = None,
    ) -> None:
        counters = {
            "deleted_document_count": deleted_document_count,
            "indexed_document_count": indexed_document_count,
            "indexed_document_volume": indexed_document_volume,
            "total_document_count": total_document_count,
        }
        validate(
            job_id,
            *(f"[{name}] cannot be negative." for name, value in counters.items() if value is not None and value < 0),
        )
        self._doc(job_id, missing_reason=f"connector sync job [{job_id}] not found")
        changes: dict[str, Any] = {name: value for name, value in counters.items() if value is not None}
        changes["last_seen"] = normalise_instant(last_seen) if last_seen else self.clock.now()
        if metadata is not None:  # merged into the stored metadata, as any partial update
            changes["metadata"] = metadata
        self._update(job_id, changes)
