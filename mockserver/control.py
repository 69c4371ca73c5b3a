"""The control API under ``/_mock/``: health, reset, and the state as a fixture document."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app
from jsonschema.exceptions import ValidationError
from werkzeug import Request

from .boom import BoomError, boom_body
from .errors import FixtureError, ProductError
from .hapi import BoomProduct
from .jsonvalue import strict_loads
from .product import Call
from .schemas import OperationSchemas, describe

SERVED_EXTENSION = "mockserver.served"  # the products one Flask app serves
# The largest request body the control API reads: a state document of some 100,000 saved objects.
MAX_BODY_BYTES = 64 * 1024 * 1024


class ControlAPI(BoomProduct):
    def authenticate(self, req: Request, runtime):
        """Open while security is off; with it on, the control API needs a superuser's credentials
        (those of ``--auth``): a shared stand-in's state is not for every caller to reset."""
        principal = super().authenticate(req, runtime)
        # An API key of a superuser is one only when its role descriptors do not limit it.
        if principal is not None and not runtime.store["security"].is_superuser(principal):
            raise BoomError(f"the control API needs a superuser; [{principal.username}] is not one", 403)
        return principal

    def unauthenticated(self, failure, req: Request) -> ProductError:
        return BoomError(
            "the control API needs credentials" if failure.kind == "missing" else "invalid credentials", 401
        )

    def max_body_bytes(self, runtime) -> int:
        return MAX_BODY_BYTES

    def too_large_error(self, req: Request, runtime) -> ProductError:
        return too_large()

    def parse(self, req: Request, schemas: OperationSchemas, path_args: dict, runtime) -> Call:
        if req.content_length is not None and req.content_length > MAX_BODY_BYTES:
            raise too_large()
        body = None
        data = req.get_data(cache=True)
        if data:
            try:
                body = strict_loads(data)
            except RecursionError:
                raise too_deep() from None
            except (ValueError, UnicodeDecodeError) as e:
                raise BoomError(f"request body is not JSON: {e}") from None
        return Call(path=path_args, query=req.args.to_dict(), body=body, request=req, runtime=runtime)

    def reject(self, errors: dict[str, list[ValidationError]], call: Call, schemas: OperationSchemas) -> ProductError:
        part, found = next((p, e) for p, e in errors.items() if e)
        return BoomError(f"[request {part}] {describe(found[0])}")

    def render(self, status: int, body: Any, req: Request) -> Response:
        headers = {"WWW-Authenticate": 'Basic realm="mockserver"'} if status == 401 else {}
        return Response(json.dumps(body), status=status, mimetype="application/json", headers=headers)

    def owns(self, req: Request) -> bool:
        return req.path.startswith("/_mock/")

    def unrouted(self, req: Request, allowed_methods: list[str] | None) -> Response:
        if allowed_methods:
            error = BoomError(f"method [{req.method}] is not allowed on [{req.path}]", 405)
        else:
            error = BoomError(f"no route [{req.method} {req.path}]", 404)
        return self.render(error.status, boom_body(error), req)


CONTROL = ControlAPI("mock", faultable=False)


def too_large() -> BoomError:
    return BoomError(f"request body is larger than the control API's limit of {MAX_BODY_BYTES} bytes", 413)


def too_deep() -> BoomError:
    # Python's stack is the bound (some hundreds of levels, fewer than the products' own 1000).
    return BoomError("request body nests too deeply for the control API to read", 400)


def served_products_of(call: Call) -> dict:
    """The products this app answers for (a port of its own serves one), not all the runtime holds."""
    return current_app.extensions.get(SERVED_EXTENSION, call.runtime.products)


@CONTROL.operation("GET", "/_mock/health", "health")
def health(call: Call):
    return 200, {"status": "ready", "products": list(served_products_of(call))}


@CONTROL.operation("POST", "/_mock/reset", "reset")
def reset(call: Call):
    call.runtime.reset()
    return 200, {"acknowledged": True}


@CONTROL.operation("GET", "/_mock/state", "state_get")
def state_get(call: Call):
    return 200, call.runtime.store.dump()


@CONTROL.operation("POST", "/_mock/state", "state_load", locked=False)
def state_load(call: Call):
    # Checked before the lock is taken: every other route waits only for the load itself.
    store = call.runtime.store
    try:
        store.check(call.body, "request body")
        store.load(call.body, "request body", checked=True)
    except FixtureError as e:
        raise BoomError(f"fixture document refused: at {e.place or '/'}: {e.problem}") from None
    except RecursionError:
        raise too_deep() from None
    return 200, {"acknowledged": True}


@CONTROL.operation("GET", "/_mock/requests", "requests_get")
def requests_get(call: Call):
    q = call.query
    unmatched = {"true": True, "false": False}.get(q.get("unmatched", ""))
    entries = call.runtime.journal.requests(
        product=q.get("product"), method=q.get("method"), path=q.get("path"), unmatched=unmatched
    )
    if "limit" in q:
        entries = entries[-int(q["limit"]) :] if int(q["limit"]) else []
    return 200, {"total": len(entries), "requests": [e.to_dict() for e in entries]}


@CONTROL.operation("DELETE", "/_mock/requests", "requests_clear")
def requests_clear(call: Call):
    call.runtime.journal.clear()
    return 200, {"acknowledged": True}


@CONTROL.operation("GET", "/_mock/faults", "faults_get")
def faults_get(call: Call):
    return 200, {"faults": [rule.to_dict() for rule in call.runtime.faults.rules()]}


@CONTROL.operation("POST", "/_mock/faults", "faults_add")
def faults_add(call: Call):
    # A rule as GET lists it may be posted back: its counters are the server's own.
    rules = [
        {k: v for k, v in rule.items() if k not in ("id", "applied")}
        for rule in (call.body if isinstance(call.body, list) else [call.body])
    ]
    for rule in rules:  # all checked before any is added
        try:
            call.runtime.faults.check(**rule)
        except ValueError as e:
            raise BoomError(f"fault rule refused: {e}") from None
    added = [call.runtime.faults.add(**rule) for rule in rules]
    return 200, {"faults": [rule.to_dict() for rule in added]}


@CONTROL.operation("DELETE", "/_mock/faults", "faults_clear")
def faults_clear(call: Call):
    call.runtime.faults.clear()
    return 200, {"acknowledged": True}


@CONTROL.operation("GET", "/_mock/openapi.json", "openapi")
def openapi(call: Call):
    from .openapi import openapi_document

    return 200, openapi_document(call.runtime, CONTROL, served_products_of(call))
