"""Kibana: ML saved-objects sync, with spaces."""

from . import ml_object_routes, routes, spaces_routes  # noqa: F401  (declare the routes on KIBANA)
from .http import KIBANA

__all__ = ["KIBANA"]
