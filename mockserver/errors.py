"""Base exception types shared by every product.

Each product subclasses :class:`ProductError` with its own types and renders them once, in its own
wire format (see ``elasticsearch/errors.py``). Call sites raise; they never build error bodies.
"""

from __future__ import annotations


class ProductError(Exception):
    """An error a product answers with: carries the HTTP status; the product renders the body."""

    status: int = 500

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class ResponseSchemaViolation(Exception):
    """The mock produced a response that breaks its own schema: a bug of the mock, answered 500."""

    def __init__(self, schema: str, violation: str):
        super().__init__(f"response breaks schema [{schema}]: {violation}")
        self.schema = schema
        self.violation = violation


class FixtureError(ValueError):
    """A fixture document is unusable: says which file, where in it, and what is wrong."""

    def __init__(self, source: str, place: str, problem: str):
        super().__init__(f"{source}: at {place or '/'}: {problem}")
        self.source = source
        self.place = place
        self.problem = problem
