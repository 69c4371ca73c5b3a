"""Elasticsearch's ML routes, a module a kind (as the model in ``..ml``): each calls the model and answers."""

from . import analytics, calendars, datafeeds, info, jobs, models  # noqa: F401  (declare the routes on ELASTICSEARCH)
