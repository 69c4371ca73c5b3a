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
from .errors import ElasticsearchError
from .ml import Ml
from .sync_jobs import SyncJobs

# The ml fixture section: each kind, and the field whose presence marks a complete stored document
# (a state dump), kept as it is; anything else is a PUT body, put through the API's rules.
ML_KINDS = (("anomaly_detectors", "jobs", "create_time"), ("datafeeds", "datafeeds", "query_delay"),
            ("data_frame_analytics", "analytics", "create_time"), ("trained_models", "models", "created_by"))


class ElasticsearchState:
    def __init__(self):
        self.clock = Clock()
        self.ids = IdGenerator()
        self.connectors = Connectors(self.clock, self.ids)
        self.sync_jobs = SyncJobs(self.connectors, self.clock, self.ids)
        self.connectors.sync_jobs = self.sync_jobs
        self.ml = Ml()

    def load(self, section: dict, source: str) -> None:
        for connector_id, doc in section.get("connectors", {}).items():
            self.connectors.docs[connector_id] = self.connectors.from_fixture(copy.deepcopy(doc))
        for job_id, doc in section.get("sync_jobs", {}).items():
            self.sync_jobs.store(job_id, self._sync_job_from_fixture(job_id, copy.deepcopy(doc), source))
        for kind, attribute, stored_marker in ML_KINDS:
            resources = getattr(self.ml, attribute)
            for resource_id, doc in section.get("ml", {}).get(kind, {}).items():
                resources.docs.pop(resource_id, None)  # a later fixture replaces the same id
                if stored_marker in doc:
                    resources.docs[resource_id] = copy.deepcopy(doc)
                    continue
                try:
                    resources.put(resource_id, copy.deepcopy(doc))
                except ElasticsearchError as e:
                    raise FixtureError(source, f"/elasticsearch/ml/{kind}/{resource_id}", e.reason) from None

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
            "ml": {kind: copy.deepcopy(getattr(self.ml, attribute).docs) for kind, attribute, _ in ML_KINDS},
        }
