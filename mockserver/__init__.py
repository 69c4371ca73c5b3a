"""mockserver: an in-memory mock of Elasticsearch, Kibana and OpenSearch Dashboards HTTP APIs."""

from .app import create_app, product_app, runtime_of
from .errors import FixtureError

__version__ = "0.1.0"
__all__ = ["create_app", "product_app", "runtime_of", "FixtureError", "__version__"]
