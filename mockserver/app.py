"""The app factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from flask import Flask, request
from werkzeug.exceptions import MethodNotAllowed, NotFound

from .control import CONTROL
from .fixtures import read_fixture_paths
from .product import Product
from .resources import schemas_dir
from .runtime import Runtime
from .schemas import SchemaRegistry
from .state import StateStore


def product_catalogue() -> dict[str, Product]:
    """Every product mockserver can serve, by name."""
    from .elasticsearch import ELASTICSEARCH

    return {p.name: p for p in (ELASTICSEARCH,)}


def create_app(
    fixtures: Iterable[str | Path] = (),
    *,
    default_fixtures: bool = True,
    products: Iterable[str] | None = None,
    strict: bool | None = None,
) -> Flask:
    """Builds a Flask app serving the mocked products.

    ``fixtures``: fixture files or folders loaded after the default set (which ships with the
    package; ``default_fixtures=False`` leaves it out). ``products``: names of the products to serve
    (default: all). ``strict``: check every response against its schema, answering 500 on a
    violation (default: the environment variable ``MOCKSERVER_STRICT`` set to 1 or true). A bad
    fixture raises :class:`mockserver.errors.FixtureError` here, at start.
    """
    if strict is None:
        strict = os.environ.get("MOCKSERVER_STRICT", "").lower() in ("1", "true")
    catalogue = product_catalogue()
    names = list(catalogue) if products is None else list(products)
    unknown = [n for n in names if n not in catalogue]
    if unknown:
        raise ValueError(f"unknown product(s) {unknown}; mockserver serves {sorted(catalogue)}")
    served = {name: catalogue[name] for name in names}

    schemas = SchemaRegistry(schemas_dir())
    store = StateStore(
        {name: product.new_state() for name, product in served.items()},
        schemas.validator("fixture"),
    )
    store.seed(read_fixture_paths(fixtures, include_default=default_fixtures))
    runtime = Runtime(products=served, schemas=schemas, store=store, strict=strict)

    app = Flask("mockserver")
    app.json.sort_keys = False
    app.extensions["mockserver"] = runtime
    for product in [CONTROL, *served.values()]:
        app.register_blueprint(product.blueprint(runtime))
        product.restrict_methods(app.url_map)

    @app.errorhandler(NotFound)
    @app.errorhandler(MethodNotAllowed)
    def unrouted(error):
        allowed = sorted(error.valid_methods) if isinstance(error, MethodNotAllowed) else None
        if CONTROL.owns_path(request.path):
            product = CONTROL
        else:  # a path no product claims gets the first served product's answer
            product = runtime.product_for_path(request.path) or next(iter(served.values()), CONTROL)
        return product.unrouted(request, allowed)

    return app


def runtime_of(app: Flask) -> Runtime:
    return app.extensions["mockserver"]
