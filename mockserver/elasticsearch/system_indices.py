"""The connectors framework's system indices: the connector and sync job APIs keep their documents
in them, as Elasticsearch does, so the document APIs (``_doc``, ``_update``, ``_search``) over
``.elastic-connectors`` and ``.elastic-connectors-sync-jobs`` read and write the very same objects.

The templates are ConnectorTemplateRegistry's (x-pack/plugin/core/template-resources/.../entsearch/
connector/): what an index created from them gets.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping

from .indices import Index, Indices

CONNECTORS_ALIAS = ".elastic-connectors"
CONNECTORS_INDEX = CONNECTORS_ALIAS + "-v1"
SYNC_JOBS_ALIAS = ".elastic-connectors-sync-jobs"
SYNC_JOBS_INDEX = SYNC_JOBS_ALIAS + "-v1"

# elastic-connectors-settings.json, for both indices.
_SETTINGS = {"hidden": True, "number_of_shards": "1", "auto_expand_replicas": "0-3", "number_of_replicas": "0"}
TEMPLATE_VERSION = 1  # REGISTRY_VERSION, as _meta.version
_KEYWORD = {"type": "keyword"}
_DATE = {"type": "date"}
_LONG = {"type": "long"}
_INTEGER = {"type": "integer"}
_BOOLEAN = {"type": "boolean"}
_OBJECT = {"type": "object"}
_ENABLED = {"properties": {"enabled": _BOOLEAN}}


def _filtering_rules(validation: str) -> dict:
    rules = {
        "properties": {
            "created_at": _DATE,
            "field": _KEYWORD,
            "id": _KEYWORD,
            "order": {"type": "short"},
            "policy": _KEYWORD,
            "rule": _KEYWORD,
            "updated_at": _DATE,
            "value": _KEYWORD,
        }
    }
    snippet = {"properties": {"created_at": _DATE, "updated_at": _DATE, "value": _OBJECT}}
    checks = (
        {"properties": {"errors": {"properties": {"ids": _KEYWORD, "messages": {"type": "text"}}}, "state": _KEYWORD}}
        if validation == "validation"
        else {"properties": {"ids": _KEYWORD, "messages": {"type": "text"}}}
    )
    return {"properties": {"advanced_snippet": snippet, "rules": rules, validation: checks}}


_PIPELINE = {
    "properties": {
        "extract_binary_content": _BOOLEAN,
        "name": _KEYWORD,
        "reduce_whitespace": _BOOLEAN,
        "run_ml_inference": _BOOLEAN,
    }
}

# elastic-connectors-mappings.json (api_key_secret_id is not mapped there: stored, not searchable).
CONNECTOR_MAPPINGS = {
    "dynamic": "false",
    "_meta": {
        "pipeline": {
            "default_name": "search-default-ingestion",
            "default_extract_binary_content": True,
            "default_run_ml_inference": True,
            "default_reduce_whitespace": True,
        },
        "version": TEMPLATE_VERSION,
    },
    "properties": {
        "api_key_id": _KEYWORD,
        "configuration": _OBJECT,
        "custom_scheduling": _OBJECT,
        "deleted": _BOOLEAN,
        "description": {"type": "text"},
        "error": _KEYWORD,
        "features": {
            "properties": {
                "filtering_advanced_config": _BOOLEAN,
                "filtering_rules": _BOOLEAN,
                "incremental_sync": _ENABLED,
                "sync_rules": {"properties": {"advanced": _ENABLED, "basic": _ENABLED}},
            }
        },
        "filtering": {
            "properties": {
                "active": _filtering_rules("validation"),
                "domain": _KEYWORD,
                "draft": _filtering_rules("validation"),
            }
        },
        "index_name": _KEYWORD,
        "is_native": _BOOLEAN,
        "language": _KEYWORD,
        "last_access_control_sync_error": _KEYWORD,
        "last_access_control_sync_scheduled_at": _DATE,
        "last_access_control_sync_status": _KEYWORD,
        "last_deleted_document_count": _LONG,
        "last_incremental_sync_scheduled_at": _DATE,
        "last_indexed_document_count": _LONG,
        "last_seen": _DATE,
        "last_sync_error": _KEYWORD,
        "last_sync_scheduled_at": _DATE,
        "last_sync_status": _KEYWORD,
        "last_synced": _DATE,
        "name": _KEYWORD,
        "pipeline": _PIPELINE,
        "scheduling": {
            "properties": {
                kind: {"properties": {"enabled": _BOOLEAN, "interval": {"type": "text"}}}
                for kind in ("access_control", "full", "incremental")
            }
        },
        "service_type": _KEYWORD,
        "status": _KEYWORD,
        "sync_cursor": _OBJECT,
        "sync_now": _BOOLEAN,
    },
}
# elastic-connectors-sync-jobs-mappings.json.
SYNC_JOB_MAPPINGS = {
    "dynamic": "false",
    "_meta": {"version": TEMPLATE_VERSION},
    "properties": {
        "cancelation_requested_at": _DATE,
        "canceled_at": _DATE,
        "completed_at": _DATE,
        "connector": {
            "properties": {
                "configuration": _OBJECT,
                "filtering": _filtering_rules("warnings"),
                "id": _KEYWORD,
                "index_name": _KEYWORD,
                "language": _KEYWORD,
                "pipeline": _PIPELINE,
                "service_type": _KEYWORD,
                "sync_cursor": _OBJECT,
            }
        },
        "created_at": _DATE,
        "deleted_document_count": _INTEGER,
        "error": _KEYWORD,
        "indexed_document_count": _INTEGER,
        "indexed_document_volume": _INTEGER,
        "job_type": _KEYWORD,
        "last_seen": _DATE,
        "metadata": _OBJECT,
        "started_at": _DATE,
        "status": _KEYWORD,
        "total_document_count": _INTEGER,
        "trigger_method": _KEYWORD,
        "worker_hostname": _KEYWORD,
    },
}

# The composable templates elastic-connectors and elastic-connectors-sync-jobs: hidden indices with a
# plain alias each (the indices are not system indices: that change was reverted, elastic/elasticsearch#120951).
TEMPLATES = {
    CONNECTORS_INDEX: {"settings": _SETTINGS, "mappings": CONNECTOR_MAPPINGS, "aliases": {CONNECTORS_ALIAS: {}}},
    SYNC_JOBS_INDEX: {"settings": _SETTINGS, "mappings": SYNC_JOB_MAPPINGS, "aliases": {SYNC_JOBS_ALIAS: {}}},
}


class StoredSources(MutableMapping):
    """The sources of one system index by id: what the connector and sync job models read, and
    what a state dump writes. An index that does not exist (yet) holds nothing; setting or deleting
    an item writes to the index (a test may change the state directly, as through ``_doc``)."""

    def __init__(self, indices: Indices, name: str):
        self._indices, self._name = indices, name

    def __setitem__(self, doc_id: str, source: dict) -> None:
        index = self._indices.get(self._name) or self._indices.create(self._name, system=True)
        index.write(doc_id, source)

    def __delitem__(self, doc_id: str) -> None:
        index = self._index()
        if index is None or doc_id not in index.docs:
            raise KeyError(doc_id)
        index.delete(doc_id)

    def copy(self) -> dict:
        return dict(self.items())

    def _index(self) -> Index | None:
        return self._indices.get(self._name)

    def __getitem__(self, doc_id: str) -> dict:
        index = self._index()
        doc = index.docs.get(doc_id) if index is not None else None
        if doc is None:
            raise KeyError(doc_id)
        return doc.source

    def get(self, doc_id: str, default=None):
        index = self._index()
        doc = index.docs.get(doc_id) if index is not None else None
        return default if doc is None else doc.source

    def __contains__(self, doc_id: object) -> bool:
        index = self._index()
        return index is not None and doc_id in index.docs

    def __iter__(self) -> Iterator[str]:
        index = self._index()
        return iter(list(index.docs) if index is not None else ())

    def __len__(self) -> int:
        index = self._index()
        return len(index.docs) if index is not None else 0

    def items(self):
        index = self._index()
        return [(doc_id, doc.source) for doc_id, doc in index.docs.items()] if index is not None else []


class SystemIndex:
    """Where a model keeps its documents: a system index, created from its template on first write."""

    def __init__(self, indices: Indices, name: str):
        self.indices, self.name = indices, name
        self.sources = StoredSources(indices, name)

    @property
    def index(self) -> Index | None:
        return self.indices.get(self.name)

    def for_write(self) -> Index:
        index = self.indices.get(self.name)
        return index if index is not None else self.indices.create(self.name, system=True)

    def write(self, doc_id: str, source: dict) -> None:
        """A write of the model's own (the API's document is what the mapping expects)."""
        self.for_write().write(doc_id, source)

    def remove(self, doc_id: str) -> None:
        index = self.indices.get(self.name)
        if index is not None:
            index.delete(doc_id)
