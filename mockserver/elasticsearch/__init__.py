"""Elasticsearch: the connector and sync job APIs over its system indices, the document store
(indices, documents, search, bulk, ingest pipelines), the ML APIs, the license and security."""

from . import index_routes, ml_routes, routes  # noqa: F401  (declare the routes on ELASTICSEARCH)
from .http import ELASTICSEARCH

__all__ = ["ELASTICSEARCH"]
