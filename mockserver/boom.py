"""The ``{"statusCode", "error", "message"}`` error body of Kibana and OpenSearch Dashboards (hapi's
Boom), which the control API uses as well."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response
from werkzeug import Request

from .errors import ProductError
from .jsonvalue import strict_loads
from .product import CLOSE_AFTER, SERVER_FAILURE, TRANSPORT_ERROR, Product


class BoomError(ProductError):
    status = 400

    def __init__(self, message: str, status: int | None = None, attributes: dict | None = None):
        super().__init__(message, status)
        self.attributes = attributes


def payload_too_large(max_bytes: int) -> BoomError:
    """hapi's 413 for a body over a route's maxBytes."""
    return BoomError(f"Payload content length greater than maximum allowed: {max_bytes}", 413)


def payload_json(data: bytes) -> Any:
    """A JSON payload as hapi parses it (JSON.parse: no NaN, no Infinity), or its 400."""
    try:
        return strict_loads(data)
    except (ValueError, RecursionError):  # a body nested past Python's stack is refused, not crashed on
        raise BoomError("Invalid request payload JSON format", 400) from None


def phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:  # a status with no standard reason (an injected 499, say): Boom says "Unknown"
        return "Unknown"


def boom_body(error: BoomError) -> dict:
    body = {"statusCode": error.status, "error": phrase(error.status), "message": error.message}
    if error.attributes is not None:
        body["attributes"] = error.attributes
    return body


class BoomProduct(Product):
    """A product whose errors are Boom bodies (Kibana, OpenSearch Dashboards, the control API)."""

    def internal_error(self, message: str) -> ProductError:
        return BoomError(message, 500)

    def fault_error(self, fault) -> ProductError:
        return BoomError(fault.message or phrase(fault.status), fault.status)

    def error_response(self, error: ProductError, req: Request) -> tuple[int, Any]:
        if not isinstance(error, BoomError):
            error = BoomError(error.message, error.status)
        return error.status, boom_body(error)

    def route_body_limit(self, req: Request, runtime) -> int:
        """The payload limit of the route the request was routed to (hapi's ``payload.maxBytes``)."""
        return self.max_body_bytes(runtime)

    def too_large_error(self, req: Request, runtime) -> ProductError:
        """The 413 for a body over the route's limit (hapi's, of ``payload.maxBytes``)."""
        return payload_too_large(self.route_body_limit(req, runtime))

    def server_refusal(self, req: Request, runtime) -> Response | None:
        problem = req.environ.get(TRANSPORT_ERROR)
        if problem is None or problem[0] == "length_and_chunked":
            return None
        if problem[0] == "too_large":
            error = self.too_large_error(req, runtime)
        elif problem[0] == "internal":
            error = self.internal_error(SERVER_FAILURE)
        else:
            error = BoomError("Bad Request", 400)
        req.environ[CLOSE_AFTER] = True
        return self.render(*self.error_response(error, req), req)
