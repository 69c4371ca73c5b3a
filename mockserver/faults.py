"""Fault injection: rules that make a product's routes fail, slow down or drop the connection.

A rule matches by product, method and path (a glob on the path as the client sent it). Its effects:
``status`` (answered with the product's own error body), ``latency_ms`` (added before the answer),
``drop`` (the connection is closed without an answer). It applies to the next ``times`` matching
calls (default: every one), or to each with ``probability``, drawn from a generator seeded with
``seed`` so that a run repeats. Rules are set over ``/_mock/faults``, from Python
(``runtime_of(app).faults.add(...)``) or with the ``mockserver_fault`` pytest marker; reset clears them.
"""

from __future__ import annotations

import fnmatch
import itertools
import random
import socket
import threading
from dataclasses import dataclass, field, fields
from typing import Any

MAX_LATENCY_MS = 600_000


class ConnectionDropped(ConnectionError):
    """A ``drop`` fault: the live server closes the socket; in process, this is raised to the caller."""


@dataclass
class FaultRule:
    product: str | None = None
    method: str | None = None
    path: str = "*"
    status: int | None = None
    message: str | None = None  # the error's reason/message (default: the product's wording for the status)
    error_type: str | None = None  # Elasticsearch's exception type (default: chosen by the status)
    latency_ms: float = 0
    drop: bool = False
    times: int | None = None  # how many matching calls it applies to (None: all)
    probability: float = 1.0
    seed: int | None = None
    id: int = 0
    applied: int = 0
    _random: random.Random = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        if self.status is None and not self.latency_ms and not self.drop:
            raise ValueError("a fault needs an effect: status, latency_ms or drop")
        if self.status is not None and not 400 <= self.status <= 599:
            raise ValueError(f"status must be an error status (400-599), not {self.status}")
        if not 0 <= self.probability <= 1:
            raise ValueError("probability is between 0 and 1")
        if not 0 <= self.latency_ms <= MAX_LATENCY_MS:
            raise ValueError(f"latency_ms is between 0 and {MAX_LATENCY_MS}")
        if self.method:
            self.method = self.method.upper()
        if not self.path.startswith(("/", "*", "[", "?")):  # a request's path always starts with "/"
            raise ValueError(f"path [{self.path}] never matches: a request's path starts with '/' (/{self.path}?)")
        self._random = random.Random(self.seed)

    def matches(self, product: str, method: str, path: str) -> bool:
        return (
            (self.product is None or self.product == product)
            and (self.method is None or self.method == method)
            and (path == self.path or fnmatch.fnmatchcase(path, self.path))
        )

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.applied >= self.times

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}


class Faults:
    def __init__(self, products: tuple[str, ...] = ()):
        self.products = products  # the names a rule's product may be (empty: any)
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, **rule: Any) -> FaultRule:
        """Adds a rule (the fields of :class:`FaultRule`); answers it."""
        added = self.check(**rule)
        with self._lock:
            added.id = next(self._ids)
            self._rules.append(added)
        return added

    def check(self, **rule: Any) -> FaultRule:
        """The rule, or a ValueError saying why it could never apply (an unknown field, a product the
        app does not serve, a path without its leading ``/``, no effect)."""
        rule = {k: v for k, v in rule.items() if k not in ("id", "applied")}  # a listed rule, added again
        unknown = sorted(set(rule) - {f.name for f in fields(FaultRule) if not f.name.startswith("_")})
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(unknown)} of a fault rule")
        added = FaultRule(**rule)
        if added.product is not None and self.products and added.product not in self.products:
            raise ValueError(f"product [{added.product}] is not one this app serves: {', '.join(self.products)}")
        return added

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def take(self, product: str, method: str, path: str) -> FaultRule | None:
        """The first rule that applies to this call (counting it), if any."""
        with self._lock:
            for rule in self._rules:
                if rule.exhausted or not rule.matches(product, method, path):
                    continue
                if rule.probability < 1 and rule._random.random() >= rule.probability:
                    continue
                rule.applied += 1
                return rule
        return None


DROP_ENVIRON = "mockserver.drop"


class DropMiddleware:
    """Carries out a ``drop`` fault outside Flask (which would answer an exception with a 500): the
    live server's socket is shut, and :class:`ConnectionDropped` raised (werkzeug's server takes it
    as a dropped connection; the test client hands it to the test)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        chunks = self.wsgi_app(environ, start_response)
        if not environ.get(DROP_ENVIRON):
            return chunks
        if hasattr(chunks, "close"):
            chunks.close()
        sock = environ.get("werkzeug.socket")
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        raise ConnectionDropped("mockserver dropped the connection (fault injection)")
