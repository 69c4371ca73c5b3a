"""Elasticsearch: the connector and connector sync job APIs (and, later, the ML job APIs)."""

from .http import ELASTICSEARCH
from . import routes  # noqa: F401  (declares the routes on ELASTICSEARCH)

__all__ = ["ELASTICSEARCH"]
