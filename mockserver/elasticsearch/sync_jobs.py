"""Connector sync jobs: what each call of ``/_connector/_sync_job`` does to the state.

Facts from x-pack/plugin/ent-search ``ConnectorSyncJobIndexService``, ``ConnectorSyncJobStateMachine``
and the sync job REST actions (see ../shared/specs/elasticsearch-connectors.md §2, §3, §5).
"""

from __future__ import annotations

import bisect
from typing import Any

from .clock import instant_sort_key
from .errors import (
    ActionRequestValidation,
    IllegalArgument,
    InvalidStatusTransition,
    ResourceNotFound,
    StatusException,
)

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


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, set()):
        reason = (
            f"Invalid transition attempt from [{current}] to [{target}]. "
            "Such a ConnectorSyncStatus transition is not supported by the Connector Protocol."
        )
        raise StatusException(reason, caused_by=InvalidStatusTransition(reason))


class SyncJobs:
    """The sync jobs, keyed by id; each value is the document source as Elasticsearch stores it."""

    def __init__(self, connectors, clock, ids):
        self.connectors = connectors
        self.clock = clock
        self.ids = ids
        self.docs: dict[str, dict] = {}
        # (created_at, id) of every job, oldest first: listing (newest first) never sorts.
        self.by_creation: list[tuple[Any, str]] = []
        # Until the first job is written, Elasticsearch has no sync job index, and some calls
        # word their 404 differently.
        self.index_exists = False

    def store(self, job_id: str, doc: dict) -> None:
        """Writes a job document (new or replacing one with the same id)."""
        if job_id in self.docs:
            self.remove(job_id)
        self.docs[job_id] = doc
        bisect.insort(self.by_creation, (instant_sort_key(doc.get("created_at", "")), job_id))
        self.index_exists = True

    def remove(self, job_id: str) -> None:
        doc = self.docs.pop(job_id)
        self.by_creation.remove((instant_sort_key(doc.get("created_at", "")), job_id))

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

    def list(self, *, from_: int = 0, size: int = 100, connector_id: str | None = None,
             status: str | None = None, job_types: list[str] | None = None) -> tuple[int, list[dict]]:
        """Matching jobs, newest first (the server sorts ``created_at`` descending)."""
        if from_ < 0:
            raise IllegalArgument("Parameter [from] cannot be < 0")
        if size < 0:
            raise IllegalArgument("Parameter [size] cannot be < 0")
        docs, end = self.docs, from_ + size
        count, page = 0, []
        for _, job_id in reversed(self.by_creation):
            doc = docs[job_id]
            if connector_id is not None and doc["connector"].get("id") != connector_id:
                continue
            if (status is not None and doc["status"] != status) or (job_types and doc["job_type"] not in job_types):
                continue
            if from_ <= count < end:
                page.append({"id": job_id, **doc})
            count += 1
        return count, page

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
        self.store(job_id, {
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
        })
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
        self.remove(job_id)

    def delete_for_connector(self, connector_id: str) -> None:
        for job_id in [j for j, doc in self.docs.items() if doc.get("connector", {}).get("id") == connector_id]:
            self.remove(job_id)

    def cancel(self, job_id: str) -> None:
        """Pending or suspended jobs are canceled at once; a running one is asked to cancel."""
        doc = self._doc(job_id)
        now = self.clock.now()
        if doc["status"] in ("pending", "suspended"):
            check_transition(doc["status"], "canceled")
            doc.update(status="canceled", cancelation_requested_at=now, canceled_at=now, completed_at=now)
        else:
            check_transition(doc["status"], "canceling")
            doc.update(status="canceling", cancelation_requested_at=now)

    def check_in(self, job_id: str) -> None:
        doc = self._doc(job_id, missing_reason=f"connector sync job [{job_id}] not found")
        doc["last_seen"] = self.clock.now()

    def claim(self, job_id: str, worker_hostname: str, sync_cursor: dict | None = None) -> None:
        """No state check: the real server lets any job be claimed."""
        doc = self._doc(job_id)
        now = self.clock.now()
        doc.update(worker_hostname=worker_hostname, status="in_progress", last_seen=now, started_at=now)
        if sync_cursor is not None:
            doc["connector"]["sync_cursor"] = sync_cursor

    def set_error(self, job_id: str, error: str) -> None:
        if not error:
            raise ActionRequestValidation(["[error] of the connector sync job cannot be null or empty"])
        doc = self._doc(job_id)
        check_transition(doc["status"], "error")
        doc.update(error=error, status="error")

    def update_stats(self, job_id: str, *, deleted_document_count: int, indexed_document_count: int,
                     indexed_document_volume: int, total_document_count: int | None = None,
                     last_seen: str | None = None, metadata: dict | None = None) -> None:
        counters = {
            "deleted_document_count": deleted_document_count,
            "indexed_document_count": indexed_document_count,
            "indexed_document_volume": indexed_document_volume,
            "total_document_count": total_document_count,
        }
        negative = [f"[{name}] cannot be negative." for name, value in counters.items() if value is not None and value < 0]
        if negative:
            raise ActionRequestValidation(negative)
        doc = self._doc(job_id, missing_reason=f"connector sync job [{job_id}] not found")
        doc.update({name: value for name, value in counters.items() if value is not None})
        doc["last_seen"] = last_seen or self.clock.now()
        if metadata is not None:
            doc["metadata"] = metadata
