"""The request journal: every request a product answered, with its response, for assertions in tests.

Bounded (the oldest entries go first), cleared on reset, off with size 0. Read over HTTP at
``GET /_mock/requests`` or from Python (``runtime_of(app).journal``, ``mockserver_live.journal``).
Control API calls are not recorded; a connection dropped by fault injection is recorded with status 0.
The secrets of an answer (a created API key's ``api_key`` and ``encoded``) are recorded as ``[redacted]``.
"""

from __future__ import annotations

import fnmatch
import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from .faults import DROP_ENVIRON

DEFAULT_SIZE = 1000
BODY_LIMIT = 64 * 1024  # bytes of a body kept per entry: the journal is for assertions, not archives
PRODUCT_ENVIRON = "mockserver.product"  # set by whatever answers: a product's name
PATH_ENVIRON = "mockserver.path"  # the path as the client sent it (before a product's middleware rewrites it)
SECRETS_ENVIRON = "mockserver.journal.secrets"  # fields of a JSON answer the journal keeps as "[redacted]"
# Why the mock did not serve a request as the product would: "no route" matched it, or its route
# answered what the mock does not mock ("not mocked"). The answer stays the product's own; the
# journal and the UNMATCHED_HEADER say it.
UNMATCHED_ENVIRON = "mockserver.unmatched"
UNMATCHED_HEADER = "X-Mockserver-Unmatched"
REDACTED = "[redacted]"


def keep_secret(environ: dict, *fields: str) -> None:
    """Marks top-level fields of the answer to this request as secrets (an API key's): the journal
    records the answer with their values as ``[redacted]``, the rest as it was."""
    environ[SECRETS_ENVIRON] = fields


@dataclass
class Entry:
    id: int
    time: str
    product: str | None
    method: str
    path: str
    query: str
    request_headers: dict[str, str]
    request_body: str
    status: int
    response_headers: dict[str, str]
    response_body: str
    duration_ms: float
    truncated: bool = False
    unmatched: str | None = None  # "no route" or "not mocked" (None: served)

    @property
    def json(self) -> Any:
        """The request body as JSON (None when it is empty or not JSON)."""
        return _json_or_none(self.request_body)

    @property
    def response_json(self) -> Any:
        return _json_or_none(self.response_body)

    def to_dict(self) -> dict:
        return asdict(self)


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def matches_body(expected: Any, actual: Any) -> bool:
    """``expected`` is contained in ``actual``: objects by subset of keys, recursively; anything else equal."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and matches_body(v, actual[k]) for k, v in expected.items())
    return expected == actual


class Journal:
    def __init__(self, size: int = DEFAULT_SIZE):
        self.size = size
        self._entries: deque[Entry] = deque(maxlen=max(size, 1))
        # The requests the mock did not serve, kept apart: the newest entries do not push them out.
        self._unmatched: deque[Entry] = deque(maxlen=max(size, 1))
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.size > 0

    def record(self, entry: Entry) -> None:
        with self._lock:  # ids in journal order
            entry.id = next(self._ids)
            self._entries.append(entry)
            if entry.unmatched is not None:
                self._unmatched.append(entry)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._unmatched.clear()

    def unmatched(self) -> list[Entry]:
        """Every request the mock did not serve since the last clear, oldest first (however many came after)."""
        with self._lock:
            return list(self._unmatched)

    def requests(
        self,
        product: str | None = None,
        method: str | None = None,
        path: str | None = None,
        unmatched: bool | None = None,
    ) -> list[Entry]:
        """The recorded requests, oldest first; ``path`` is a glob (``/_connector/*``) or an exact path;
        ``unmatched``: only those the mock did not serve (True) or only those it did (False)."""
        with self._lock:
            entries = list(self._entries)
        return [
            e
            for e in entries
            if (product is None or e.product == product)
            and (method is None or e.method == method.upper())
            and (path is None or e.path == path or fnmatch.fnmatchcase(e.path, path))
            and (unmatched is None or (e.unmatched is not None) == unmatched)
        ]

    def count(self, method: str | None = None, path: str | None = None, **filters) -> int:
        return len(self.requests(method=method, path=path, **filters))

    def assert_called(
        self, method: str, path: str, *, times: int | None = None, body: Any = None, product: str | None = None
    ) -> list[Entry]:
        """Asserts that ``method path`` was called (``times`` times exactly, when given), with a body
        containing ``body`` (a dict matched as a subset, a callable taking the parsed body, or text);
        answers the matching entries."""
        entries = self.requests(product=product, method=method, path=path)
        if body is not None:
            entries = [e for e in entries if _body_matches(body, e)]
        if (times is None and not entries) or (times is not None and len(entries) != times):
            seen = "\n".join(f"  {e.method} {e.path} -> {e.status} {e.request_body[:200]}" for e in self.requests())
            wanted = f"{method.upper()} {path}" + (f" with body {body!r}" if body is not None else "")
            count = "at least once" if times is None else f"{times} time(s)"
            raise AssertionError(f"expected {wanted} {count}, found {len(entries)}; recorded:\n{seen or '  (nothing)'}")
        return entries


def _body_matches(expected: Any, entry: Entry) -> bool:
    if callable(expected):
        return bool(expected(entry.json))
    if isinstance(expected, str):
        return entry.request_body == expected
    return matches_body(expected, entry.json)


class JournalMiddleware:
    """Records each request and response passing through the app (control API calls aside)."""

    def __init__(self, wsgi_app: Callable, journal: Journal, skip_prefix: str = "/_mock/"):
        self.wsgi_app = wsgi_app
        self.journal = journal
        self.skip_prefix = skip_prefix

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "") or "/"
        environ.setdefault(PATH_ENVIRON, path)
        if not self.journal.enabled or path.startswith(self.skip_prefix):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        recorder = environ["wsgi.input"] = RecordingStream(environ["wsgi.input"], BODY_LIMIT)
        captured: dict[str, Any] = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        chunks = self.wsgi_app(environ, capture)
        try:
            content = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        recorder.finish(int(environ.get("CONTENT_LENGTH") or 0))
        status = 0 if environ.get(DROP_ENVIRON) else int(captured.get("status", "500").split()[0])
        self.journal.record(
            Entry(
                id=0,
                time=datetime.now(UTC).isoformat(timespec="milliseconds"),
                product=environ.get(PRODUCT_ENVIRON),
                method=environ.get("REQUEST_METHOD", "GET"),
                path=path,
                query=environ.get("QUERY_STRING", ""),
                request_headers={
                    k[5:].replace("_", "-").title(): redacted(k, v) for k, v in environ.items() if k.startswith("HTTP_")
                }
                | ({"Content-Type": environ["CONTENT_TYPE"]} if environ.get("CONTENT_TYPE") else {}),
                # Both bodies are cut at BODY_LIMIT bytes before decoding: a large answer is not decoded whole.
                request_body=recorder.recorded.decode("utf-8", "replace"),
                status=status,
                response_headers=dict(captured.get("headers", [])),
                response_body=recorded_answer(content, environ.get(SECRETS_ENVIRON, ())),
                duration_ms=round((time.perf_counter() - started) * 1000, 3),
                truncated=recorder.overflow or len(content) > BODY_LIMIT,
                unmatched=environ.get(UNMATCHED_ENVIRON),
            )
        )
        return [content]


def recorded_answer(content: bytes, secrets: tuple[str, ...]) -> str:
    """An answer's body as the journal keeps it: cut at BODY_LIMIT; with secrets, re-encoded (compact)
    with their values redacted, or not kept at all when it does not parse as a JSON object."""
    if not secrets:
        return content[:BODY_LIMIT].decode("utf-8", "replace")
    try:
        body = json.loads(content)
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    for name in secrets:
        if name in body:
            body[name] = REDACTED
    return json.dumps(body, separators=(",", ":"))[:BODY_LIMIT]


# Headers that carry credentials: the journal keeps their scheme, never the secret.
CREDENTIAL_HEADERS = {
    "HTTP_AUTHORIZATION",
    "HTTP_PROXY_AUTHORIZATION",
    "HTTP_ES_SECONDARY_AUTHORIZATION",
    "HTTP_COOKIE",
}


def redacted(environ_key: str, value: str) -> str:
    """A request header as the journal keeps it: ``Basic [redacted]`` for a credential."""
    if environ_key not in CREDENTIAL_HEADERS:
        return value
    scheme, _, secret = value.partition(" ")
    return f"{scheme} {REDACTED}" if secret and environ_key != "HTTP_COOKIE" else REDACTED


class RecordingStream:
    """The request's input stream, keeping the first ``limit`` bytes the app reads: the body is
    recorded as it is read, never read ahead (a huge body is refused by the app, not buffered here)."""

    def __init__(self, stream, limit: int):
        self.stream = stream
        self.limit = limit
        self.recorded = b""
        self.overflow = False
        self.consumed = 0

    def _keep(self, chunk: bytes) -> bytes:
        room = self.limit - len(self.recorded)
        if len(chunk) > room:
            self.overflow = True
        if room > 0:
            self.recorded += chunk[:room]
        return chunk

    def read(self, *args) -> bytes:
        chunk = self.stream.read(*args)
        self.consumed += len(chunk)
        return self._keep(chunk)

    def finish(self, content_length: int) -> None:
        """A body the app answered without reading (a fault, a refused header) is still recorded,
        up to the limit: what is left of a declared length, when that fits."""
        left = content_length - self.consumed
        room = self.limit - len(self.recorded)
        if 0 < left <= room:
            self.read(left)
        elif left > room:
            self.overflow = True

    def readline(self, *args) -> bytes:
        line = self.stream.readline(*args)
        self.consumed += len(line)
        return self._keep(line)

    def readlines(self, *args) -> list[bytes]:
        return list(iter(self.readline, b""))

    def __iter__(self):
        return iter(self.readline, b"")
