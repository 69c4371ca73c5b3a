"""What every product (and the control API) is made of, and the one request pipeline they share.

A product declares its routes with :meth:`Product.operation`; each names its schema file. Every
request then goes through :func:`Product.dispatch`: parse (the product's wire rules), validate against
the schemas (in one place, here), call the handler under the state lock, check the response against
its schema when strict, render (the product's wire format). Handlers are thin: they call the model.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from flask import Blueprint, Response, request
from jsonschema.exceptions import ValidationError
from werkzeug import Request

from .errors import ProductError, ResponseSchemaViolation
from .faults import DROP_ENVIRON, FaultRule
from .journal import PATH_ENVIRON, PRODUCT_ENVIRON, UNMATCHED_ENVIRON
from .schemas import REQUEST_PARTS, OperationSchemas
from .security import AuthenticationFailed, Principal

if TYPE_CHECKING:  # pragma: no cover
    from .runtime import Runtime

# Set by the HTTP server (mockserver.server) in the environ of a request it refused before the app saw
# it whole: ``(kind, detail)``. Kinds: "bad_length" (a Content-Length that is not one number; detail:
# the value as sent, repeated ones joined by ", "), "bad_chunk" (a chunked body that does not parse),
# "bad_request" (a request line or header that does not parse), "too_large" (a body over the largest
# the app takes; CONTENT_LENGTH says how big, as far as it was read), "header_too_large",
# "not_implemented" (a Transfer-Encoding other than chunked), "internal" (the server's own failure),
# and "length_and_chunked" (both framings sent: read as chunked, the request otherwise whole). The
# body is never there, but for "length_and_chunked".
TRANSPORT_ERROR = "mockserver.transport_error"
# The message of the product's 500 for a request the HTTP server failed on (kind "internal").
SERVER_FAILURE = "mockserver bug: the HTTP server failed on this request"
# Set by a product's answer that its server closes the connection after (the server reads it).
CLOSE_AFTER = "mockserver.close_after"


def head_size(environ: dict) -> tuple[int, int]:
    """The bytes of the request line and of the header lines, as the client sent them (near enough:
    header names as the WSGI environ spells them)."""
    target = environ.get("REQUEST_URI") or environ.get("RAW_URI") or environ.get("PATH_INFO", "")
    line = len(environ.get("REQUEST_METHOD", "")) + len(target) + len(environ.get("SERVER_PROTOCOL", "")) + 2
    headers = sum(
        len(key) - 5 + len(value) + 4
        for key, value in environ.items()
        if key.startswith("HTTP_") and isinstance(value, str)
    )
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers += len(key) + len(environ[key]) + 4
    return line, headers


@dataclass
class Call:
    """One parsed request, as a handler sees it."""

    path: dict[str, str]
    query: dict[str, Any]
    body: Any
    request: Request
    runtime: Runtime
    state: Any = None
    body_text: str = ""  # the body as sent, for error messages that point into it
    space: str | None = None  # Kibana's space, from the /s/{space} prefix (None elsewhere)
    principal: Principal | None = None  # who is asking, when security is on
    operation: Operation | None = None


Handler = Callable[[Call], tuple[int, Any]]


def bodiless(status: int, headers: dict[str, str] | None = None) -> Response:
    """An answer with no body and so no type (werkzeug would call it text/html)."""
    response = Response(b"", status=status, headers=headers)
    del response.headers["Content-Type"]
    return response


@dataclass
class Raw:
    """A handler's answer that is not a JSON document (an NDJSON export, say): the bytes as sent,
    and the JSON value its schema checks (``checked``)."""

    content: str | bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)
    checked: Any = None


@dataclass
class Operation:
    method: str
    rule: str
    schema: str  # the schema file's name under schemas/, e.g. "elasticsearch/connector.sync_job_post"
    handler: Handler
    endpoint: str = ""
    # What the caller must be allowed: an Elasticsearch cluster privilege, Kibana privileges, ...
    authz: Any = None
    # Whether the handler runs under the state lock (False: it takes the lock itself, for as short
    # as it can, as loading a large state does).
    locked: bool = True
    # Whether the route exists in the configured release (None: in every one); where it does not, the
    # request is answered as one no route matches.
    available: Callable[[Runtime], bool] | None = None

    @property
    def name(self) -> str:
        """The operation's name within its product (``connector.sync_job_post``)."""
        return self.schema.split("/", 1)[1]


@dataclass
class Product:
    """A served product: its routes, its wire format and its state.

    Subclasses fill in the wire hooks (:meth:`parse`, :meth:`reject`, :meth:`error_response`,
    :meth:`render`) and :meth:`new_state`.
    """

    name: str
    operations: list[Operation] = field(default_factory=list)
    # Whether HEAD and OPTIONS are answered on every route (Flask's way) or only where declared.
    automatic_head_and_options: bool = True
    # Products whose state this one reads (Kibana's ML sync reads Elasticsearch's jobs).
    requires: tuple[str, ...] = ()
    # Whether fault injection reaches its routes (the control API's never).
    faultable: bool = True
    # The Authorization schemes it takes (lower case); any other is as if none was sent.
    auth_schemes: ClassVar[tuple[str, ...]] = ("basic", "apikey")

    # -- declaration -------------------------------------------------------------------------
    def operation(
        self,
        method: str,
        rule: str,
        schema: str,
        authz: Any = None,
        locked: bool = True,
        available: Callable[[Runtime], bool] | None = None,
    ) -> Callable[[Handler], Handler]:
        """Declares a route; ``method`` may name several, as in ``"GET,HEAD"``; ``authz`` is what a
        caller must be allowed when security is on (its meaning is the product's); ``locked=False``
        runs the handler without the state lock (it takes the lock itself); ``available`` says
        whether the configured release has the route at all."""

        def register(handler: Handler) -> Handler:
            endpoint = f"{handler.__name__}_{len(self.operations)}"
            self.operations.append(
                Operation(method, rule, f"{self.name}/{schema}", handler, endpoint, authz, locked, available)
            )
            return handler

        return register

    def blueprint(self, runtime: Runtime) -> Blueprint:
        bp = Blueprint(self.name, __name__)
        for op in self.operations:
            if op.schema not in runtime.schemas.documents:  # a route without its schema file fails at start
                raise KeyError(f"no schema file {op.schema}.json under {runtime.schemas.root}")
            bp.add_url_rule(
                op.rule,
                op.endpoint,
                self._view(op, runtime),
                methods=op.method.split(","),
                provide_automatic_options=self.automatic_head_and_options,
            )
        return bp

    def restrict_methods(self, url_map) -> None:
        """Takes back the HEAD werkzeug adds to every GET route, where the product does not serve it."""
        if self.automatic_head_and_options:
            return
        declared = {f"{self.name}.{op.endpoint}": set(op.method.split(",")) for op in self.operations}
        for rule in url_map.iter_rules():
            if rule.endpoint in declared and "HEAD" not in declared[rule.endpoint]:
                rule.methods.discard("HEAD")

    def _view(self, op: Operation, runtime: Runtime):
        # The route's validators are compiled when it is first called (the registry keeps them), not
        # at start: a server answers its first request without compiling its hundreds of routes'.
        operation = runtime.schemas.operation

        def view(**path_args):
            return self.dispatch(op, operation(op.schema), runtime, path_args)

        view.__name__ = op.endpoint
        return view

    # -- the pipeline ------------------------------------------------------------------------
    def dispatch(self, op: Operation, schemas: OperationSchemas, runtime: Runtime, path_args: dict) -> Response:
        req = request._get_current_object()  # once: each use of the proxy costs a lookup
        req.environ[PRODUCT_ENVIRON] = self.name
        if op.available is not None and not op.available(runtime):
            req.environ.setdefault(UNMATCHED_ENVIRON, "no route")
            return self.unrouted(req, None)
        if self.faultable:
            fault = runtime.faults.take(self.name, req.method, req.environ.get(PATH_ENVIRON, req.path))
            if fault is not None and (response := self.inject(fault, req)) is not None:
                return response
        try:
            principal = self.authenticate(req, runtime)
            call = self.parse(req, schemas, path_args, runtime)
            call.principal, call.operation = principal, op
            self.check_access(call)
            errors = {part: schemas.request_errors(part, getattr(call, part)) for part in REQUEST_PARTS}
            if any(errors.values()):
                raise self.reject(errors, call, schemas)
            self.admit(call, schemas)
            call.state = runtime.store.products.get(self.name)
            if op.locked:
                with runtime.store.lock:
                    status, body = self.run(call)
            else:
                status, body = self.run(call)
        except ProductError as error:
            status, body = self.error_response(error, req)
        except Exception as bug:  # the mock's own bug: answered in the product's format, saying so
            status, body = self.error_response(self.internal_error(f"mockserver bug: {type(bug).__name__}: {bug}"), req)
        if runtime.strict:
            try:
                schemas.check_response(status, body.checked if isinstance(body, Raw) else body)
            except ResponseSchemaViolation as violation:
                status, body = self.error_response(self.internal_error(str(violation)), req)
        return self.render(status, body, req)

    def inject(self, fault: FaultRule, req: Request) -> Response | None:
        """A fault's effects: the latency, then a dropped connection or the product's error answer
        (None: the call goes on, only later). Injected answers are not checked against the route's
        schema: they are the test's own."""
        if fault.latency_ms:
            time.sleep(fault.latency_ms / 1000)
        if fault.drop:  # carried out by DropMiddleware, outside Flask
            req.environ[DROP_ENVIRON] = True
            return Response(b"", status=500)
        if fault.status is None:
            return None
        return self.render(*self.error_response(self.fault_error(fault), req), req)

    # -- hooks -------------------------------------------------------------------------------
    def fault_error(self, fault: FaultRule) -> ProductError:
        """The product's error for an injected status."""
        raise NotImplementedError

    def new_state(self, options: dict) -> Any:
        """A fresh state; ``options`` are create_app's product options (e.g. ``saved_object_types``)."""
        return None

    def authenticate(self, req: Request, runtime: Runtime) -> Principal | None:
        """Who is asking, when security is on; a failure is the product's own 401."""
        security = runtime.store.products.get("security")
        if security is None or not security.enabled:
            return None
        try:
            return security.authenticate(req.headers.get("Authorization"), self.auth_schemes)
        except AuthenticationFailed as failure:
            raise self.unauthenticated(failure, req) from None

    def unauthenticated(self, failure: AuthenticationFailed, req: Request) -> ProductError:
        raise NotImplementedError

    def run(self, call: Call) -> tuple[int, Any]:
        """The route's handler, on the state (under its lock when the operation takes it)."""
        return call.operation.handler(call)

    def check_access(self, call: Call) -> None:
        """Access checks that come before request validation (raise the product's 403)."""

    def parse(self, req: Request, schemas: OperationSchemas, path_args: dict, runtime: Runtime) -> Call:
        raise NotImplementedError

    def reject(self, errors: dict[str, list[ValidationError]], call: Call, schemas: OperationSchemas) -> ProductError:
        """The product's own error for a request that breaks its schema."""
        raise NotImplementedError

    def admit(self, call: Call, schemas: OperationSchemas) -> None:
        """Last checks of a valid request before the handler runs (raise to refuse)."""

    def internal_error(self, message: str) -> ProductError:
        raise NotImplementedError

    def error_response(self, error: ProductError, req: Request) -> tuple[int, Any]:
        raise NotImplementedError

    def render(self, status: int, body: Any, req: Request) -> Response:
        raise NotImplementedError

    def owns(self, req: Request) -> bool:
        """Whether an unrouted request is this product's to answer (for its 404/405 body)."""
        return False

    def started(self, store) -> None:
        """What the product does to the state when it starts (after the fixtures are loaded)."""

    def periodic(self, store) -> float | None:
        """Seconds between runs of :meth:`run_periodic` (None: the product has no periodic task)."""
        return None

    def run_periodic(self, store) -> None:
        """One run of the product's periodic task, with the store's lock held."""

    def wrap_wsgi(self, wsgi_app):
        """The app's WSGI callable, wrapped by what the product does before routing (if anything)."""
        return wsgi_app

    def unrouted(self, req: Request, allowed_methods: list[str] | None) -> Response:
        """The answer for a path no route matches, or a method the path does not take."""
        raise NotImplementedError

    def max_body_bytes(self, runtime: Runtime) -> int:
        """The largest request body any of the product's routes takes: the server buffers no more."""
        raise NotImplementedError

    def begin(self, req: Request, runtime: Runtime) -> None:
        """What the product notes of its configuration on a request before anything answers it (the
        answer's headers may depend on it, routed or not)."""

    def server_refusal(self, req: Request, runtime: Runtime) -> Response | None:
        """What the product's own HTTP server answers before any route runs, if it refuses the
        request: what the mock's server refused (:data:`TRANSPORT_ERROR`), a request line or headers
        over the product's limits. None: the request goes on to its route."""
        raise NotImplementedError

    def operation_of(self, req: Request) -> Operation | None:
        """The operation the request was routed to, if it was routed to one of this product's."""
        endpoint = (req.url_rule.endpoint if req.url_rule is not None else "").partition(".")
        if endpoint[0] != self.name:
            return None
        return next((op for op in self.operations if op.endpoint == endpoint[2]), None)
