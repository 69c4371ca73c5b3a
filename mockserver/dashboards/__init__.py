"""OpenSearch Dashboards: the saved objects API."""

from . import routes  # noqa: F401  (declares the routes on DASHBOARDS)
from .http import DASHBOARDS
from .types import SavedObjectsType

__all__ = ["DASHBOARDS", "SavedObjectsType"]
