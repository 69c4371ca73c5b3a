"""mockserver: an in-memory mock of Elasticsearch, Kibana and OpenSearch Dashboards HTTP APIs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"  # the one place the version is written (pyproject.toml reads it from here)
__all__ = ["create_app", "product_app", "runtime_of", "FixtureError", "__version__"]

if TYPE_CHECKING:
    from .app import create_app, product_app, runtime_of
    from .errors import FixtureError


def __getattr__(name: str) -> Any:
    """The package's names, imported when first used: importing the pytest plugin, or reading the
    version, does not build the app's machinery."""
    if name in ("create_app", "product_app", "runtime_of"):
        from . import app

        return getattr(app, name)
    if name == "FixtureError":
        from .errors import FixtureError

        return FixtureError
    raise AttributeError(f"module 'mockserver' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
