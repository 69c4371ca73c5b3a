"""Elasticsearch's state: connectors and sync jobs, and their fixture section.

Fixture section: ``{"connectors": {id: document}, "sync_jobs": {id: document}}``, documents as the
server stores them (what GET returns, without ``id``). Fields a fixture leaves out get the defaults
the server gives on create, so a fixture may be as short as ``{"index_name": ..., "service_type": ...}``.
"""

from __future__ import annotations

import copy

from ..errors import FixtureError
from .clock import Clock, IdGenerator
from .connectors import Connectors
from .sync_jobs import SyncJobs


class ElasticsearchState:
    def __init__(self):
        self.clock = Clock()
        self.ids = IdGenerator()
        self.connectors = Connectors(self.clock, self.ids)
        self.sync_jobs = SyncJobs(self.connectors, self.clock, self.ids)
        self.connectors.sync_jobs = self.sync_jobs

    def load(self, section: dict, source: str) -> None:
        for connector_id, doc in section.get("connectors", {}).items():
            self.connectors.docs[connector_id] = self.connectors.from_fixture(copy.deepcopy(doc))
        for job_id, doc in section.get("sync_jobs", {}).items():
            self.sync_jobs.store(job_id, self._sync_job_from_fixture(job_id, copy.deepcopy(doc), source))

    def _sync_job_from_fixture(self, job_id: str, doc: dict, source: str) -> dict:
        snapshot = doc.get("connector") or {}
        connector_id = snapshot.get("id")
        if len(snapshot) == 1:
            # Only the connector's id: take the snapshot from that connector, as create does.
            connector = self.connectors.docs.get(connector_id)
            if connector is None:
                raise FixtureError(source, f"/elasticsearch/sync_jobs/{job_id}/connector/id",
                                   f"connector [{connector_id}] is not in the fixtures, so its snapshot cannot be taken")
            snapshot = SyncJobs.connector_snapshot(connector_id, connector, doc.get("job_type", "full"))
        created_at = doc.get("created_at") or self.clock.now()
        defaults = {
            "connector": snapshot,
            "created_at": created_at,
            "deleted_document_count": 0,
            "indexed_document_count": 0,
            "indexed_document_volume": 0,
            "job_type": "full",
            "last_seen": created_at,
            "metadata": {},
            "status": "pending",
            "total_document_count": 0,
            "trigger_method": "on_demand",
        }
        if all(k in doc for k in defaults):
            return {**doc, "connector": snapshot}  # complete (a state dump): kept as it is
        defaults.update({k: v for k, v in doc.items() if k != "connector"})
        return dict(sorted(defaults.items()))

    def dump(self) -> dict:
        return {
            "connectors": copy.deepcopy(self.connectors.docs),
            "sync_jobs": copy.deepcopy(self.sync_jobs.docs),
        }
