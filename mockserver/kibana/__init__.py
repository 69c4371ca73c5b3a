"""Kibana: ML saved-objects sync, with spaces."""

from . import routes  # noqa: F401  (declares the routes on KIBANA)
from .http import KIBANA

__all__ = ["KIBANA"]
