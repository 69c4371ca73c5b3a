"""OpenSearch Dashboards: the saved objects API."""

from . import routes, workspace_routes  # noqa: F401  (declare the routes on DASHBOARDS)
from .http import DASHBOARDS
from .types import SavedObjectsType

__all__ = ["DASHBOARDS", "SavedObjectsType"]
