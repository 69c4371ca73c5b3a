"""OpenSearch Dashboards on the wire: ``osd-`` headers, its payload limits (an import's own), the
security plugin's answers, its response headers and the legacy server's trailing-slash redirect;
the rest is hapi's (``mockserver.hapi``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Response
from werkzeug import Request

from ..errors import ProductError
from ..hapi import HapiProduct, takes_multipart
from ..journal import UNMATCHED_ENVIRON
from ..product import Call, bodiless
from ..schemas import OperationSchemas
from ..security import AuthenticationFailed
from . import permissions, workspaces
from .errors import AuthenticationException, AuthenticationRequired
from .permissions import Principals, principals_of
from .state import DashboardsState
from .versions import refuse_newer_parameters

# The hapi path of a route whose two werkzeug rules are one optional parameter in OSD.
HAPI_PATHS = {
    "dashboards/saved_objects.create": "/api/saved_objects/{type}/{id?}",
    "dashboards/workspaces.update": "/api/workspaces/{id?}",
    "dashboards/workspaces.delete": "/api/workspaces/{id?}",
}

OWNED_PREFIXES = ("/api/saved_objects/", "/api/saved_objects", "/api/workspaces")
# core's getWorkspaceIdFromUrl / cleanWorkspaceId (src/core/utils/workspace.ts): /w/{id} before the path.
WORKSPACE_PREFIX = re.compile(r"^/w/([^/]+)(?=/(api|internal)/)")
WORKSPACE_ENVIRON = "mockserver.dashboards.workspace"
SERVER_NAME_ENVIRON = "mockserver.dashboards.server_name"
HEADERS = {
    "osd-name": "mockserver",
    "cache-control": "private, no-cache, no-store, must-revalidate",
}


# The roles the security plugin reports for the mock's superuser (the --auth user): those of
# OpenSearch's demo admin, whose all_access is the role that grants everything.
SUPERUSER_ROLES = ("own_index", "all_access")


def security_plugin_roles(principal) -> list[str]:
    """authinfo's ``roles`` of a user as OSD's security plugin reports them (its OpenSearch roles)."""
    return [*principal.roles, *(SUPERUSER_ROLES if "superuser" in principal.roles else ())]


def request_principals(principal) -> Principals:
    """auth_info.ts getPrincipalsFromRequest: the user's name and authinfo's ``backend_roles`` (the demo
    admin's ``admin`` for the mock's superuser); none without the security plugin."""
    if principal is None:
        return principals_of(None)
    backend_roles = principal.backend_roles or (["admin"] if "superuser" in principal.roles else [])
    return principals_of(principal.username, backend_roles)


class WorkspacePrefix:
    """WSGI middleware: takes ``/w/{id}`` off the path, as the workspace plugin's onPreRouting does
    (plugin.ts proxyWorkspaceTrafficToRealHandler), and keeps the id as the request's workspace. Only
    before an API path: on a port shared with Elasticsearch, ``/w/_doc/1`` is a document of index "w".
    Whether the plugin is on is the product's to say once routed (:meth:`DashboardsProduct.server_refusal`)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        match = WORKSPACE_PREFIX.match(path)
        if match:
            environ[WORKSPACE_ENVIRON] = match.group(1)
            environ["PATH_INFO"] = path[match.end() :]
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + match.group(0)
        return self.wsgi_app(environ, start_response)


def workspace_of(req: Request) -> str | None:
    """The request's workspace (workspace state's requestWorkspaceId): its ``/w/{id}``."""
    return req.environ.get(WORKSPACE_ENVIRON)


def saved_objects_client(call: DashboardsCall):
    """The request's saved-objects client: the repository, permission-checked for a user who is not a
    dashboard admin (:func:`permissions.saved_objects_client`)."""
    return permissions.saved_objects_client(call.state, request_principals(call.principal))


def workspace_scope(call: DashboardsCall, client=None) -> workspaces.WorkspaceScope | None:
    """``client`` (default: the request's) under the workspace plugin's wrappers, in the request's
    ``/w/{id}``; None without the plugin."""
    if not workspaces.enabled(call.state):
        return None
    return workspaces.WorkspaceScope(call.state, workspace_of(call.request), client or saved_objects_client(call))


@dataclass
class DashboardsCall(Call):
    """A Dashboards request, as its routes see it: the state is Dashboards'."""

    state: DashboardsState = None  # type: ignore[assignment]  (set by the pipeline before the handler)


class DashboardsProduct(HapiProduct):
    header_prefix = "osd"
    headers = HEADERS
    # The security plugin's basic authentication: OpenSearch has no Elasticsearch API keys.
    auth_schemes = ("basic",)

    def new_state(self, options: dict) -> DashboardsState:
        return DashboardsState(tuple(options.get("saved_object_types") or ()))

    def owns(self, req: Request) -> bool:
        return WORKSPACE_ENVIRON in req.environ or req.path.startswith(OWNED_PREFIXES)

    def wrap_wsgi(self, wsgi_app):
        return WorkspacePrefix(wsgi_app)

    def server_refusal(self, req: Request, runtime) -> Response | None:
        refusal = super().server_refusal(req, runtime)
        if refusal is None and WORKSPACE_ENVIRON in req.environ:
            if not workspaces.enabled(runtime.store.products[self.name]):
                # Without the plugin nothing takes the prefix off: hapi knows no such path.
                req.environ.setdefault(UNMATCHED_ENVIRON, "no route")
                return self.unrouted(req, None)
        return refusal

    def begin(self, req: Request, runtime) -> None:
        # server.name is what OSD answers in osd-name (the default here is the mock's own name)
        req.environ[SERVER_NAME_ENVIRON] = runtime.store.products[self.name].config_value("server.name")

    def response_headers(self, req: Request) -> dict[str, str]:
        return {**self.headers, "osd-name": req.environ.get(SERVER_NAME_ENVIRON, HEADERS["osd-name"])}

    def max_body_bytes(self, runtime) -> int:
        settings = runtime.store.products[self.name].settings
        return max(settings["max_payload_bytes"], settings["max_import_payload_bytes"])

    def route_body_limit(self, req: Request, runtime) -> int:
        settings = runtime.store.products[self.name].settings
        op = self.operation_of(req)
        multipart = op is not None and takes_multipart(runtime.schemas.operation(op.schema))
        return settings["max_import_payload_bytes" if multipart else "max_payload_bytes"]

    # -- request ---------------------------------------------------------------------------
    def started(self, store) -> None:
        store.products[self.name].upgrade_config()

    def expected_version(self, runtime) -> str:
        return runtime.store.products[self.name].settings["version"]

    def xsrf_required(self, req: Request, runtime) -> bool:
        """lifecycle_handlers.ts createXsrfPostAuthHandler: none with server.xsrf.disableProtection,
        nor for a route whose path (hapi's, ``/api/saved_objects/{type}/{id}``) server.xsrf.allowlist lists."""
        state = runtime.store.products[self.name]
        if state.config_value("server.xsrf.disableProtection"):
            return False
        return self.route_path(req) not in state.config_value("server.xsrf.allowlist")

    def route_path(self, req: Request) -> str:
        op = self.operation_of(req)
        if op is not None and op.schema in HAPI_PATHS:
            return HAPI_PATHS[op.schema]
        rule = req.url_rule.rule if req.url_rule is not None else req.path
        return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)

    def parse(self, req: Request, schemas: OperationSchemas, path_args: dict, runtime) -> DashboardsCall:
        """hapi reads a multipart payload before core's onPostAuth checks (XSRF, osd-version); then
        the request."""
        settings = runtime.store.products[self.name].settings
        if takes_multipart(schemas):
            body = self.multipart(req, schemas, settings["max_import_payload_bytes"])
        else:
            body = self.payload(req, schemas, settings["max_payload_bytes"])
        self.check_headers(req, runtime)
        return DashboardsCall(path=path_args, query=self.query(req, schemas), body=body, request=req, runtime=runtime)

    def admit(self, call: DashboardsCall, schemas: OperationSchemas) -> None:
        """A parameter newer than the release (``x-osd-since``) is one its route does not define."""
        release = call.runtime.store.products[self.name].release
        for part in ("query", "body"):
            refuse_newer_parameters(release, part, schemas.request_schema(part), getattr(call, part))

    # -- security ---------------------------------------------------------------------------
    def unauthenticated(self, failure: AuthenticationFailed, req: Request) -> ProductError:
        # The security plugin: no credentials on an API route, or credentials OpenSearch refused.
        return AuthenticationRequired() if failure.kind == "missing" else AuthenticationException()

    # -- response ---------------------------------------------------------------------------
    def unrouted(self, req: Request, allowed_methods: list[str] | None) -> Response:
        if req.method == "GET" and len(req.path) > 1 and req.path.endswith("/"):
            # The legacy server's catch-all: a GET ending in "/" is sent to the path without it.
            query = f"?{req.query_string.decode()}" if req.query_string else ""
            return bodiless(301, headers={**HEADERS, "Location": req.path.rstrip("/") + query})
        return super().unrouted(req, allowed_methods)


DASHBOARDS = DashboardsProduct("dashboards")
