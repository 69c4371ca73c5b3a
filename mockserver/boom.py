"""The errors of Kibana and OpenSearch Dashboards (hapi's Boom), which the control API answers with
too: ``{"statusCode", "error", "message"}`` and sometimes ``attributes``. Plain Python: the models
raise them; ``mockserver.hapi`` renders them."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from .errors import ProductError
from .jsonvalue import strict_loads


class BoomError(ProductError):
    """A Boom error: its message and status (``error`` is the status's phrase), and ``attributes``
    when the product adds some. The products' own families subclass it, one message each."""

    status = 400

    def __init__(self, message: str, status: int | None = None, attributes: dict | None = None):
        super().__init__(message, status)
        self.attributes = attributes


class BadRequest(BoomError):
    """``Boom.badRequest``: Boom's own message, or the route's."""

    status = 400

    def __init__(self, message: str = "Bad Request", attributes: dict | None = None):
        super().__init__(message, attributes=attributes)


class NotFound(BoomError):
    status = 404

    def __init__(self, message: str = "Not Found"):
        super().__init__(message)


class Forbidden(BoomError):
    status = 403

    def __init__(self, message: str = "Forbidden"):
        super().__init__(message)


class Unauthorized(BoomError):
    status = 401

    def __init__(self, message: str = "Unauthorized"):
        super().__init__(message)


class InternalError(BoomError):
    status = 500

    def __init__(self, message: str = "An internal server error occurred."):
        super().__init__(message)


class PayloadTooLarge(BoomError):
    """hapi's 413 for a body over a route's ``payload.maxBytes``."""

    status = 413

    def __init__(self, max_bytes: int):
        super().__init__(f"Payload content length greater than maximum allowed: {max_bytes}")


class UnsupportedMediaType(BoomError):
    status = 415

    def __init__(self):
        super().__init__("Unsupported Media Type")


class InvalidPayload(BoomError):
    """subtext's refusals of a payload it cannot read (``kind``: its words for what is wrong)."""

    MESSAGES = {
        "json": "Invalid request payload JSON format",
        "compressed": "Invalid compressed payload",
        "multipart": "Invalid multipart payload format",
        "boundary": "Invalid content-type header: multipart missing boundary",
    }

    def __init__(self, kind: str):
        super().__init__(self.MESSAGES[kind], 400)


class OutOfDateClient(BoomError):
    """core's version check: the browser's ``{prefix}-version`` header is not the server's."""

    def __init__(self, header: str, sent: str, expected: str):
        super().__init__(
            f'Browser client is out of date, please refresh the page ("{header}" header was "{sent}" but '
            f'should be "{expected}")',
            400,
            attributes={"expected": expected, "got": sent},
        )


class MissingXsrfHeader(BoomError):
    def __init__(self, header: str):
        super().__init__(f"Request must contain a {header} header.", 400)


def payload_json(data: bytes) -> Any:
    """A JSON payload as hapi parses it (JSON.parse: no NaN, no Infinity), or its 400."""
    try:
        return strict_loads(data)
    except (ValueError, RecursionError):  # a body nested past Python's stack is refused, not crashed on
        raise InvalidPayload("json") from None


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
