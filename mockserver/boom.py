"""The ``{"statusCode", "error", "message"}`` error body of Kibana and OpenSearch Dashboards (hapi's
Boom), which the control API uses as well."""

from __future__ import annotations

from http import HTTPStatus

from .errors import ProductError


class BoomError(ProductError):
    status = 400

    def __init__(self, message: str, status: int | None = None, attributes: dict | None = None):
        super().__init__(message, status)
        self.attributes = attributes


def boom_body(error: BoomError) -> dict:
    body = {"statusCode": error.status, "error": HTTPStatus(error.status).phrase, "message": error.message}
    if error.attributes is not None:
        body["attributes"] = error.attributes
    return body
