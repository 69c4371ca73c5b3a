"""Kibana on the wire: the ``/s/{space}`` prefix, request validation in @kbn/config-schema's words,
``kbn-xsrf``, Boom error bodies and Kibana's response headers."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from werkzeug import Request

from ..errors import ProductError
from ..hapi import HapiProduct
from ..product import Call
from ..schemas import OperationSchemas
from ..security import AuthenticationFailed
from .errors import (
    ElasticsearchRefusedCredentials,
    Forbidden,
    InternalRouteRestricted,
    MissingKibanaPrivileges,
    Unauthorized,
)
from .state import KibanaState

# core's getSpaceIdFromPath: a prefix match, so /s/aBC/... is space "a" and path "BC/...".
SPACE_PREFIX = re.compile(r"^/s/([a-z0-9_\-]+)")
SPACE_ENVIRON = "mockserver.kibana.space"
MAX_PAYLOAD_BYTES = 1048576  # server.maxPayload
VERSIONED_ENVIRON = "mockserver.kibana.api_version"
# Kibana answers these paths with its own 404 when no route matches (the others are Elasticsearch's).
OWNED_PREFIXES = ("/api/", "/internal/", "/s/", "/app/")
# What a stock Kibana's core and licensing plugin put on every response (8.17 and later).
HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": "camera=(), display-capture=(), fullscreen=(self), geolocation=(), "
    "microphone=(), web-share=()",
    "cross-origin-opener-policy": "same-origin",
    "content-security-policy": "script-src 'report-sample' 'self'; worker-src 'report-sample' 'self' blob:; "
    "style-src 'report-sample' 'self' 'unsafe-inline'",
    "content-security-policy-report-only": "form-action 'report-sample' 'self'",
    "kbn-name": "mockserver",
    "kbn-license-sig": hashlib.sha256(b"mockserver trial license").hexdigest(),
    "cache-control": "private, no-cache, no-store, must-revalidate",
}
PUBLIC_API_VERSION = "2023-10-31"
INTERNAL_API_VERSION = "1"
VERSIONED_SINCE = {"/api/ml/": (8, 9), "/internal/": (8, 9), "/api/spaces/": (9, 0)}
INTERNAL_RESTRICTED_SINCE = (9, 0)
DETAILED_FORBIDDEN_SINCE = (8, 18)  # before, ML routes' access tags answered a bare "Forbidden"


@dataclass
class KibanaCall(Call):
    """A Kibana request, as its routes see it: the state is Kibana's."""

    state: KibanaState = None  # type: ignore[assignment]  (set by the pipeline before the handler)


class SpacePrefix:
    """WSGI middleware: takes ``/s/{space}`` off the path, as Kibana core does before routing."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        match = SPACE_PREFIX.match(path)
        # Only a Kibana path under the prefix is Kibana's: on a port shared with Elasticsearch,
        # /s/_doc/1 is a document of the index "s" (and the control API is nobody's but its own).
        if match and path[match.end() :].startswith(OWNED_PREFIXES):
            environ[SPACE_ENVIRON] = match.group(1)
            environ["PATH_INFO"] = path[match.end() :] or "/"
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + match.group(0)
        return self.wsgi_app(environ, start_response)


def space_of(req: Request) -> str:
    return req.environ.get(SPACE_ENVIRON, "default")


class KibanaProduct(HapiProduct):
    header_prefix = "kbn"
    headers = HEADERS

    def new_state(self, options: dict) -> KibanaState:
        return KibanaState()

    def wrap_wsgi(self, wsgi_app):
        return SpacePrefix(wsgi_app)

    # Kibana's ML plugin runs its create-only pass at start and then hourly (initialization.ts,
    # sync_task.ts); both are off here unless the settings ask, so seeded drift stays until a sync.
    def started(self, store) -> None:
        kibana = store.products["kibana"]
        if kibana.settings.get("sync_on_start"):
            from .ml_sync import initialize

            initialize(kibana, store.products["elasticsearch"].ml)

    def periodic(self, store) -> float | None:
        return store.products["kibana"].settings.get("sync_interval_seconds")

    def run_periodic(self, store) -> None:
        from .ml_sync import initialize

        initialize(store.products["kibana"], store.products["elasticsearch"].ml)

    def owns(self, req: Request) -> bool:
        return SPACE_ENVIRON in req.environ or req.path.startswith(OWNED_PREFIXES)

    def max_body_bytes(self, runtime) -> int:
        return MAX_PAYLOAD_BYTES

    @staticmethod
    def version_of(runtime) -> tuple[int, ...]:
        return runtime.store.products["kibana"].version

    # -- request ---------------------------------------------------------------------------
    def expected_version(self, runtime) -> str:
        return runtime.store.products["kibana"].settings["version"]

    def new_unknown_key_wording(self, runtime) -> bool:
        return runtime.store.products["kibana"].new_unknown_key_wording

    def parse(self, req: Request, schemas: OperationSchemas, path_args: dict, runtime) -> KibanaCall:
        """hapi's payload limit (server.maxPayload), core's onPostAuth checks (XSRF, version, the
        internal-API restriction), then the request itself."""
        body = self.payload(req, schemas, MAX_PAYLOAD_BYTES)  # before the XSRF check: hapi reads first
        self.check_headers(req, runtime)
        internal = req.path.startswith("/internal/")
        if (
            internal
            and self.version_of(runtime) >= INTERNAL_RESTRICTED_SINCE
            and "x-elastic-internal-origin" not in req.headers
            and "elasticInternalOrigin" not in req.args
        ):
            raise InternalRouteRestricted(req.path, req.method)
        query = self.query(req, schemas)
        if internal:
            query.pop("elasticInternalOrigin", None)
        return KibanaCall(path=path_args, query=query, body=body, request=req, runtime=runtime, space=space_of(req))

    # -- security -------------------------------------------------------------------------------
    def unauthenticated(self, failure: AuthenticationFailed, req: Request) -> ProductError:
        """Kibana asks Elasticsearch who the caller is and passes its refusal on, in its own words."""
        if failure.kind == "missing":
            return Unauthorized()
        if failure.kind == "user":
            reason = f"unable to authenticate user [{failure.username}] for REST request [/_security/_authenticate]"
        else:
            reason = (
                "unable to authenticate with provided credentials and anonymous access is not allowed for this request"
            )
        return ElasticsearchRefusedCredentials(reason)

    def check_access(self, call: Call) -> None:
        """The route's Kibana privileges, in the request's space (after XSRF, before validation); then
        the versioned route takes over, and says which version answers."""
        self.authorize(call)
        req, version = call.request, self.version_of(call.runtime)
        for prefix, since in VERSIONED_SINCE.items():
            if req.path.startswith(prefix) and version >= since:
                internal = req.path.startswith("/internal/")
                req.environ[VERSIONED_ENVIRON] = INTERNAL_API_VERSION if internal else PUBLIC_API_VERSION

    def authorize(self, call: Call) -> None:
        required = call.operation.authz if call.operation else None
        if call.principal is None or not required:
            return
        security = call.runtime.store["security"]
        granted = security.kibana_privileges(call.principal, call.space)
        if granted & set(required):
            return
        if self.version_of(call.runtime) < DETAILED_FORBIDDEN_SINCE:
            raise Forbidden()
        req = call.request
        query = "?" + req.query_string.decode() if req.query_string else ""
        raise MissingKibanaPrivileges(f"{req.method} {req.path}{query}", [p for p in required if p not in granted])

    # -- response ---------------------------------------------------------------------------
    def response_headers(self, req: Request) -> dict[str, str]:
        headers = dict(self.headers)
        if VERSIONED_ENVIRON in req.environ:
            headers["elastic-api-version"] = req.environ[VERSIONED_ENVIRON]
        return headers


KIBANA = KibanaProduct("kibana", requires=("elasticsearch",))


def released(since: tuple[int, ...] = (), before: tuple[int, ...] | None = None):
    """A route's ``available``: whether the configured Kibana has it (``since`` <= version < ``before``)."""

    def available(runtime) -> bool:
        version = KibanaProduct.version_of(runtime)
        return version >= since and (before is None or version < before)

    return available
