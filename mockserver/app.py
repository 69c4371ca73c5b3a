"""The app factory."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path

from flask import Flask, request
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Rule

from .control import CONTROL, SERVED_EXTENSION
from .faults import DropMiddleware, Faults
from .fixtures import read_fixture_paths
from .journal import DEFAULT_SIZE as DEFAULT_JOURNAL_SIZE
from .journal import PRODUCT_ENVIRON, UNMATCHED_ENVIRON, UNMATCHED_HEADER, Journal, JournalMiddleware
from .product import Product
from .resources import schemas_dir
from .runtime import Runtime
from .schemas import SchemaRegistry
from .security import SecurityState
from .state import StateStore


def product_catalogue() -> dict[str, Product]:
    """Every product mockserver can serve, by name."""
    from .dashboards import DASHBOARDS
    from .elasticsearch import ELASTICSEARCH
    from .kibana import KIBANA

    # Dashboards before Kibana: both have /api/ paths, and Dashboards claims only /api/saved_objects.
    return {p.name: p for p in (ELASTICSEARCH, DASHBOARDS, KIBANA)}


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
    elasticsearch_version: str | None = None,
    kibana_version: str | None = None,
    dashboards_version: str | None = None,
    dashboards_config: dict | None = None,
    kibana_sync_on_start: bool | None = None,
    kibana_sync_interval: float | None = None,
    auth: str | None = None,
    saved_object_types: Iterable = (),
    journal_size: int = DEFAULT_JOURNAL_SIZE,
    control_api: bool = True,
) -> Flask:
    """Builds a Flask app serving the mocked products.

    ``fixtures``: fixture files or folders loaded after the default set (which ships with the
    package; ``default_fixtures=False`` leaves it out). ``products``: names of the products to serve
    (default: all; a product brings those it requires). ``strict``: check every response against its
    schema, answering 500 on a violation (default: the environment variable ``MOCKSERVER_STRICT`` set
    to 1 or true). ``kibana_version``: the Kibana version to behave as (its sync's response format and
    defaults); ``kibana_sync_on_start`` and ``kibana_sync_interval`` (seconds): Kibana's own create-only
    ML pass at start and periodically (both off by default); these three win over what fixtures say.
    ``elasticsearch_version``: the Elasticsearch release to behave as (``GET /``, which endpoints exist,
    the compatible-with majors; default 9.6.0), like ``settings.version`` of the fixtures' elasticsearch
    section. ``dashboards_version``: the OpenSearch Dashboards version to behave as (the ``osd-version`` its
    clients send, the ``config`` object's id; default 3.6.0); ``dashboards_config``: opensearch_dashboards.yml
    settings by their names (``{"server.xsrf.disableProtection": True}``), an unknown key refused as OSD
    refuses it; both as ``settings.version`` and ``settings.config`` of the fixtures' dashboards section, a
    bad one a ValueError here. ``auth``: ``"user:password"`` turns security on, with that user as a
    superuser: every product route then needs its Basic credentials or an API key issued for them.
    ``saved_object_types``: more OpenSearch Dashboards saved-object types
    (:class:`mockserver.dashboards.SavedObjectsType`, with their migrations), registered before the
    fixtures load, as plugins register them. ``journal_size``: how
    many requests the journal keeps (0: none). ``control_api=False`` serves no ``/_mock/`` routes (a
    stand-in that others share). A bad fixture raises
    :class:`mockserver.errors.FixtureError` here, at start.
    """
    if strict is None:
        strict = os.environ.get("MOCKSERVER_STRICT", "").lower() in ("1", "true")
    served = served_products(products)

    schemas = SchemaRegistry.of(schemas_dir())
    store = StateStore(
        {
            **{
                name: product.new_state({"saved_object_types": tuple(saved_object_types)})
                for name, product in served.items()
            },
            "security": SecurityState(),
        },
        schemas.validator("fixture"),
    )
    # Options given here are one more fixture layer, loaded last, so they win and reset keeps them.
    settings = {
        "version": kibana_version,
        "sync_on_start": kibana_sync_on_start,
        "sync_interval_seconds": kibana_sync_interval,
    }
    settings = {k: v for k, v in settings.items() if v is not None}
    documents = list(read_fixture_paths(fixtures, include_default=default_fixtures))
    if settings and "kibana" in served:
        documents.append(("create_app options", {"kibana": {"settings": settings}}))
    if elasticsearch_version is not None and "elasticsearch" in served:
        documents.append(("create_app options", {"elasticsearch": {"settings": {"version": elasticsearch_version}}}))
    dashboards = dashboards_settings(dashboards_version, dashboards_config)
    if dashboards and "dashboards" in served:
        documents.append(("create_app options", {"dashboards": {"settings": dashboards}}))
    if auth is not None:
        username, _, password = auth.partition(":")
        if not username or not password:
            raise ValueError("auth is USER:PASSWORD")
        documents.append(
            (
                "create_app auth",
                {"security": {"enabled": True, "users": {username: {"password": password, "roles": ["superuser"]}}}},
            )
        )
    store.seed(documents, started=lambda s: [p.started(s) for p in served.values()])
    runtime = Runtime(
        products=served,
        schemas=schemas,
        store=store,
        strict=strict,
        journal=Journal(journal_size),
        faults=Faults(products=tuple(name for name, product in served.items() if product.faultable)),
        control_api=control_api,
    )
    for product in served.values():
        start_periodic(product, store)

    return flask_app(runtime, served)


def dashboards_settings(version: str | None, config: dict | None) -> dict:
    """The dashboards fixture settings of create_app's options, checked here so a bad one is a ValueError
    naming the option."""
    from .dashboards.config import validated
    from .dashboards.versions import checked_version

    settings: dict = {}
    if version is not None:
        settings["version"] = checked_version(version, "dashboards_version")
    if config:
        if not isinstance(config, dict):
            raise ValueError(f"dashboards_config is a mapping of settings, not {type(config).__name__}")
        try:
            settings["config"] = validated(config, settings.get("version"))
        except ValueError as e:
            raise ValueError(f"dashboards_config: {e}") from None
    return settings


class Route(Rule):
    """werkzeug's rule, its URL builders compiled when a URL is first built: werkzeug writes and
    compiles two Python functions per rule, a third of the app's start for its hundreds of routes,
    for url_for, which the mock does not call."""

    def _compile_builder(self, append_unknown: bool = True):
        compiled = None

        def build(rule: Rule, **values):
            nonlocal compiled
            if compiled is None:
                compiled = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            return compiled(**values)

        return build


def flask_app(runtime: Runtime, products: dict[str, Product]) -> Flask:
    """A Flask app serving ``products`` (and the control API) from ``runtime``."""
    app = Flask("mockserver", static_folder=None)  # no /static route: the real products have none
    app.url_rule_class = Route
    # An empty segment is the request's own (werkzeug would answer an HTML redirect to the merged path).
    app.url_map.merge_slashes = False
    app.json.sort_keys = False
    app.extensions["mockserver"] = runtime
    app.extensions[SERVED_EXTENSION] = products
    control = [CONTROL] if runtime.control_api else []
    answerers = [*control, *products.values()]
    for product in answerers:
        app.register_blueprint(product.blueprint(runtime))
        product.restrict_methods(app.url_map)
        app.wsgi_app = product.wrap_wsgi(app.wsgi_app)
    app.wsgi_app = DropMiddleware(JournalMiddleware(app.wsgi_app, runtime.journal))  # they see the path as sent

    def answering() -> Product:
        """The product that answers for a request, before or without a route of its own."""
        if request.url_rule is not None:
            return next(p for p in answerers if request.url_rule.endpoint.startswith(f"{p.name}."))
        if runtime.control_api and CONTROL.owns(request):
            return CONTROL
        # A request no product claims gets the first served product's answer.
        owner = runtime.product_for(request)
        return owner if owner is not None and owner.name in products else next(iter(products.values()), CONTROL)

    @app.before_request
    def refused_by_server():
        product = answering()
        product.begin(request, runtime)
        refusal = product.server_refusal(request, runtime)
        if refusal is not None:
            request.environ[PRODUCT_ENVIRON] = product.name
        return refusal

    @app.errorhandler(Exception)
    def mock_bug(error):
        """A bug of the mock's outside a route's pipeline (which answers its own): the product's 500,
        saying so, never Flask's HTML page."""
        error = getattr(error, "original_exception", None) or error  # what a failing handler raised
        product = answering()
        request.environ[PRODUCT_ENVIRON] = product.name
        bug = product.internal_error(f"mockserver bug: {type(error).__name__}: {error}")
        return product.render(*product.error_response(bug, request), request)

    @app.errorhandler(NotFound)
    @app.errorhandler(MethodNotAllowed)
    def unrouted(error):
        allowed = sorted(error.valid_methods) if isinstance(error, MethodNotAllowed) else None
        product = answering()
        request.environ[PRODUCT_ENVIRON] = product.name
        response = product.unrouted(request, allowed)
        # The mock's own routes are not a product's; an OPTIONS the REST layer answers itself is served.
        if product is not CONTROL and response.status_code >= 400:
            request.environ.setdefault(UNMATCHED_ENVIRON, "no route")
        return response

    @app.after_request
    def say_unmatched(response):
        """The product's own answer, and a header saying the mock did not serve the request."""
        reason = request.environ.get(UNMATCHED_ENVIRON)
        if reason is not None:
            response.headers[UNMATCHED_HEADER] = reason
        return response

    return app


def product_app(app: Flask, products: Iterable[str]) -> Flask:
    """An app answering only the named products' routes (and the control API), sharing ``app``'s
    state, journal and faults: a deployment's separate ports (Elasticsearch on 9200, Kibana on
    5601, OpenSearch Dashboards on 5601 of its own host) in one process."""
    runtime = runtime_of(app)
    names = list(products)
    unknown = [n for n in names if n not in runtime.products]
    if unknown:
        raise ValueError(f"product(s) {unknown} not served by this app; it serves {list(runtime.products)}")
    return flask_app(runtime, {n: runtime.products[n] for n in names})


def largest_body(app: Flask) -> int:
    """The largest request body any route of the app takes: what its server may buffer."""
    runtime = runtime_of(app)
    served = [*app.extensions[SERVED_EXTENSION].values(), *([CONTROL] if runtime.control_api else [])]
    return max(product.max_body_bytes(runtime) for product in served)


def start_periodic(product: Product, store: StateStore) -> None:
    """A daemon thread for a product's periodic task, if its settings ask for one."""
    interval = product.periodic(store)
    if not interval:
        return

    def loop():
        while not stop.wait(interval):
            with store.lock:
                product.run_periodic(store)

    stop = threading.Event()
    threading.Thread(target=loop, name=f"mockserver:{product.name}:periodic", daemon=True).start()


def runtime_of(app: Flask) -> Runtime:
    return app.extensions["mockserver"]
