"""Elasticsearch's state: the indices and their documents (the connector system indices among
them), the ML resources, ingest pipelines, connector secrets, the license and the settings.

Fixture section (``schemas/elasticsearch/_fixture.json``):

* ``settings``: ``{"version": "9.6.0"}``, the Elasticsearch release to behave as;
* ``connectors`` and ``sync_jobs``: ``{id: document}``, documents as the server stores them (what GET
  returns, without ``id``); fields a fixture leaves out get the defaults the server gives on create;
* ``indices``: ``{name: {"settings", "mappings", "aliases", "documents": {id: source}}}``;
* ``ingest_pipelines``: ``{id: definition}``; ``connector_secrets``: ``{id: value}``; ``license``;
* ``ml``: see :data:`ML_KINDS`.
"""

from __future__ import annotations

import copy

from ..errors import FixtureError
from .clock import Clock, IdGenerator
from .cluster_settings import ClusterSettings
from .connectors import Connectors
from .documents import Documents
from .errors import ElasticsearchError
from .indices import Indices
from .ingest import Pipelines
from .license import License
from .ml import Ml
from .search import Scrolls
from .secrets import Secrets
from .sync_jobs import SyncJobs
from .system_indices import CONNECTORS_INDEX, SYNC_JOBS_INDEX, TEMPLATES
from .versions import DEFAULT_VERSION, Release

# The ml fixture section: each kind, and the field whose presence marks a complete stored document
# (a state dump), kept as it is; anything else is a PUT body, put through the API's rules.
ML_KINDS = (
    ("anomaly_detectors", "jobs", "create_time"),
    ("datafeeds", "datafeeds", "query_delay"),
    ("data_frame_analytics", "analytics", "create_time"),
    ("trained_models", "models", "created_by"),
)
# Indices the state dump writes in sections of their own (the connector APIs' documents).
OWN_SECTIONS = {CONNECTORS_INDEX, SYNC_JOBS_INDEX}


class ElasticsearchState:
    def __init__(self):
        self.release = Release(DEFAULT_VERSION)
        self.clock = Clock()
        self.ids = IdGenerator()
        self.indices = Indices(self.release.index_version)
        self.indices.templates.update(TEMPLATES)
        self.connectors = Connectors(self.clock, self.ids, self.indices)
        self.sync_jobs = SyncJobs(self.connectors, self.clock, self.ids, self.indices)
        self.connectors.sync_jobs = self.sync_jobs
        self.pipelines = Pipelines()
        self.documents = Documents(self.indices, self.ids, self.pipelines)
        self.scrolls = Scrolls()
        self.secrets = Secrets(self.ids)
        self.license = License()
        self.cluster_settings = ClusterSettings()
        self.ml = Ml(self.indices, self.release, self.cluster_settings)

    def set_version(self, version: str) -> None:
        self.release = Release(version)
        self.indices.version_created = self.release.index_version
        self.ml.release = self.release

    def load(self, section: dict, source: str) -> None:
        settings = section.get("settings", {})
        if "version" in settings:
            try:
                self.set_version(settings["version"])
            except ValueError as e:
                raise FixtureError(source, "/elasticsearch/settings/version", str(e)) from None
        if "license" in section:
            self.license.load(section["license"])
        if any(section.get("cluster_settings", {}).values()):  # PUT _cluster/settings's body, its checks
            try:
                self.cluster_settings.update(copy.deepcopy(section["cluster_settings"]))
            except ElasticsearchError as e:
                raise FixtureError(source, "/elasticsearch/cluster_settings", e.reason) from None
        for pipeline_id, definition in section.get("ingest_pipelines", {}).items():
            try:
                self.pipelines.put(pipeline_id, copy.deepcopy(definition))
            except ElasticsearchError as e:
                raise FixtureError(source, f"/elasticsearch/ingest_pipelines/{pipeline_id}", e.reason) from None
        for secret_id, value in section.get("connector_secrets", {}).items():
            self.secrets.store(secret_id, value)
        for name, spec in section.get("indices", {}).items():
            self._load_index(name, spec, source)
        for connector_id, doc in section.get("connectors", {}).items():
            self.connectors.store.write(connector_id, self.connectors.from_fixture(copy.deepcopy(doc)))
        for job_id, doc in section.get("sync_jobs", {}).items():
            self.sync_jobs.store.write(job_id, self._sync_job_from_fixture(job_id, copy.deepcopy(doc), source))
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
        self._load_ml_runtime(section.get("ml", {}), source)

    def _load_ml_runtime(self, section: dict, source: str) -> None:
        """What the ML configurations are doing, put through the APIs that make it so: calendars (with
        their events), model aliases, opened jobs, started datafeeds and data frame analytics, in the order
        a user would call them, and last the upgrade mode. (Not deployments: a pytorch model's definition
        parts are not fixture data.)"""
        ml = self.ml
        steps = []
        for calendar_id, spec in section.get("calendars", {}).items():
            if calendar_id in ml.calendars.docs:  # a later fixture replaces the same id, events and all
                ml.calendars.delete(calendar_id)
            body = {k: v for k, v in spec.items() if k != "events"}
            steps.append((f"calendars/{calendar_id}", ml.calendars.put, (calendar_id, body)))
            if spec.get("events"):
                steps.append((f"calendars/{calendar_id}/events", ml.calendars.post_events, (calendar_id, spec)))
        for alias, model_id in section.get("trained_model_aliases", {}).items():
            steps.append((f"trained_model_aliases/{alias}", ml.models.put_alias, (alias, model_id, True)))
        states = section.get("states", {})
        openers = (("anomaly_detectors", ml.jobs.open), ("datafeeds", ml.datafeeds.start))
        for kind, start in (*openers, ("data_frame_analytics", ml.analytics.start)):
            for resource_id, state in states.get(kind, {}).items():
                if state not in ("closed", "stopped"):
                    steps.append((f"states/{kind}/{resource_id}", start, (resource_id,)))
        for place, call, args in steps:
            try:
                call(*args)
            except ElasticsearchError as e:
                raise FixtureError(source, f"/elasticsearch/ml/{place}", e.reason) from None
        if "upgrade_mode" in section:  # last: upgrade mode refuses the calls above
            ml.info.set_upgrade_mode(section["upgrade_mode"])

    def _dump_ml(self) -> dict:
        """The ml section: each kind's stored documents, and what they are doing, as a fixture says it."""
        ml = self.ml
        section = {kind: copy.deepcopy(getattr(ml, attribute).docs) for kind, attribute, _ in ML_KINDS}
        events: dict[str, list] = {}
        for event in ml.calendars.events.values():
            events.setdefault(event["calendar_id"], []).append(
                {k: v for k, v in event.items() if k not in ("event_id", "calendar_id")}
            )
        section["calendars"] = {
            calendar_id: {
                **{k: copy.deepcopy(v) for k, v in doc.items() if k != "calendar_id"},
                **({"events": events[calendar_id]} if calendar_id in events else {}),
            }
            for calendar_id, doc in ml.calendars.docs.items()
        }
        section["trained_model_aliases"] = dict(ml.models.aliases)
        section["upgrade_mode"] = ml.info.upgrade_mode
        section["states"] = {
            "anomaly_detectors": dict(ml.jobs.states),
            "datafeeds": dict(ml.datafeeds.states),
            "data_frame_analytics": dict(ml.analytics.states),
        }
        return section

    def _load_index(self, name: str, spec: dict, source: str) -> None:
        """An index from a fixture: created (or replaced whole) with its settings, mappings and aliases,
        then its documents indexed as ``PUT {name}/_doc/{id}`` would."""
        place = f"/elasticsearch/indices/{name}"
        self.indices.delete([name])
        try:
            index = self.indices.create(name, {k: spec[k] for k in ("settings", "mappings", "aliases") if k in spec})
            for doc_id, doc in spec.get("documents", {}).items():
                place = f"/elasticsearch/indices/{name}/documents/{doc_id}"
                self.documents.index(index.name, doc_id, copy.deepcopy(doc))
        except ElasticsearchError as e:
            raise FixtureError(source, place, e.reason) from None

    def _sync_job_from_fixture(self, job_id: str, doc: dict, source: str) -> dict:
        snapshot = doc.get("connector") or {}
        connector_id = snapshot.get("id")
        if len(snapshot) == 1:
            # Only the connector's id: take the snapshot from that connector, as create does.
            connector = self.connectors.docs.get(connector_id)
            if connector is None:
                raise FixtureError(
                    source,
                    f"/elasticsearch/sync_jobs/{job_id}/connector/id",
                    f"connector [{connector_id}] is not in the fixtures, so its snapshot cannot be taken",
                )
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
        indices = {}
        for name, index in self.indices.by_name.items():
            if name in OWN_SECTIONS:
                continue
            indices[name] = {
                "settings": index.given_settings(),
                "mappings": index.mapping.to_xcontent(),
                "aliases": copy.deepcopy(index.aliases),
                "documents": {doc_id: copy.deepcopy(source) for doc_id, source in index.items()},
            }
        return {
            "settings": {"version": self.release.version},
            "license": self.license.dump(),
            "cluster_settings": {
                scope: dict(getattr(self.cluster_settings, scope)) for scope in ("persistent", "transient")
            },
            "connectors": copy.deepcopy(dict(self.connectors.docs.items())),
            "sync_jobs": copy.deepcopy(dict(self.sync_jobs.docs.items())),
            "indices": indices,
            "ingest_pipelines": copy.deepcopy(self.pipelines.definitions),
            "connector_secrets": dict(self.secrets.values),
            "ml": self._dump_ml(),
        }
