"""Kibana: ML saved-objects sync, with spaces."""

from .http import KIBANA
from . import routes  # noqa: F401  (declares the routes on KIBANA)

__all__ = ["KIBANA"]
