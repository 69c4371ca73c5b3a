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
    from .kibana import KIBANA

    return {p.name: p for p in (ELASTICSEARCH, KIBANA)}


def served_products(names: Iterable[str] | None) -> dict[str, Product]:
    """The named products (default: all) and those they require, in catalogue order."""
    catalogue = product_catalogue()
    wanted = set(catalogue) if names is None else set(names)
    unknown = sorted(wanted - set(catalogue))
    if unknown:
        raise ValueError(f"unknown product(s) {unknown}; mockserver serves {sorted(catalogue)}")
    for name in list(wanted):
        wanted.update(catalogue[name].requires)
    return {name: product for name, product in catalogue.items() if name in wanted}


def create_app(
    fixtures: Iterable[str | Path] = (),
    *,
    default_fixtures: bool = True,
    products: Iterable[str] | None = None,
    strict: bool | None = None,
    kibana_version: str | None = None,
) -> Flask:
    """Builds a Flask app serving the mocked products.

    ``fixtures``: fixture files or folders loaded after the default set (which ships with the
    package; ``default_fixtures=False`` leaves it out). ``products``: names of the products to serve
    (default: all; a product brings those it requires). ``strict``: check every response against its
    schema, answering 500 on a violation (default: the environment variable ``MOCKSERVER_STRICT`` set
    to 1 or true). ``kibana_version``: the Kibana version to behave as (its sync's response format and
    defaults), over what fixtures say. A bad fixture raises :class:`mockserver.errors.FixtureError` here,
    at start.
    """
    if strict is None:
        strict = os.environ.get("MOCKSERVER_STRICT", "").lower() in ("1", "true")
    served = served_products(products)

    schemas = SchemaRegistry(schemas_dir())
    store = StateStore(
        {name: product.new_state() for name, product in served.items()},
        schemas.validator("fixture"),
    )
    # Options given here are one more fixture layer, loaded last, so they win and reset keeps them.
    options = {"kibana": {"settings": {"version": kibana_version}}} if kibana_version else None
    documents = list(read_fixture_paths(fixtures, include_default=default_fixtures))
    store.seed(documents + ([("create_app options", options)] if options else []))
    runtime = Runtime(products=served, schemas=schemas, store=store, strict=strict)

    app = Flask("mockserver")
    app.json.sort_keys = False
    app.extensions["mockserver"] = runtime
    for product in [CONTROL, *served.values()]:
        app.register_blueprint(product.blueprint(runtime))
        product.restrict_methods(app.url_map)
        app.wsgi_app = product.wrap_wsgi(app.wsgi_app)

    @app.errorhandler(NotFound)
    @app.errorhandler(MethodNotAllowed)
    def unrouted(error):
        allowed = sorted(error.valid_methods) if isinstance(error, MethodNotAllowed) else None
        if CONTROL.owns(request):
            product = CONTROL
        else:  # a request no product claims gets the first served product's answer
            product = runtime.product_for(request) or next(iter(served.values()), CONTROL)
        return product.unrouted(request, allowed)

    return app


def runtime_of(app: Flask) -> Runtime:
    return app.extensions["mockserver"]
