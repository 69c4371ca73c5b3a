"""Serving the app over HTTP with waitress, in the foreground (``mockserver serve``) or in a thread
(the live-server fixture): the same layer for both.

waitress gives what the real servers give: HTTP/1.1 keep-alive and pipelining, request bodies read by
the main loop into buffers (spilled to a temporary file when large) and handed over whole, so a slow
or dishonest client holds no thread and a declared chunk size allocates nothing; a read timeout; a
bounded number of connections; and a strict parser (two Content-Length headers, a bad chunk, a
Transfer-Encoding it does not know are refused). What is changed here, each because the real
products answer otherwise:

* what waitress refuses itself (a broken chunk, a body over the limit, headers too large) is answered
  by the app in the product's own format (:data:`TRANSPORT_ERROR` in the environ), not waitress's text;
  a length sent beside chunks is noted for the app, which decides;
* no ``Date`` or ``Server`` header unless the product sends one (Elasticsearch sends neither), the
  standard reason phrases, and a 204 that keeps the connection open;
* a dropped-connection fault closes the socket without an answer.
"""

from __future__ import annotations

import io
import logging
import re
import threading
import time

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher, WSGITask
from waitress.utilities import RequestEntityTooLarge, RequestHeaderFieldsTooLarge, ServerNotImplemented

from .boom import phrase
from .faults import ConnectionDropped
from .product import CLOSE_AFTER, TRANSPORT_ERROR

THREADS = 8  # requests served at once; waiting connections cost no thread
CONNECTION_LIMIT = 200  # open connections; beyond it, new ones wait in the listen backlog
READ_TIMEOUT = 120  # whole seconds a connection may stay silent (Kibana's server.socketTimeout)
# The request line and headers, all told: above every product's own limit, which the app enforces
# in the product's format; beyond this one, the app still answers, for an unparsed request.
MAX_HEADER_BYTES = 256 * 1024

FOREIGN_APP_BODY_LIMIT = 100 * 1024 * 1024  # for an app not the mock's (a benchmark's bare one)

_DATE_LINE = re.compile(rb"\r\nDate: [^\r]*")

# waitress logs every refused request and dropped client; the app answers them, nothing to log.
logging.getLogger("waitress").setLevel(logging.CRITICAL)


# waitress's messages for a chunked body it cannot read (receiver.py)
_CHUNK_ERRORS = ("Chunk not properly terminated", "Invalid chunk extension", "Invalid chunk size")


def _transport_error(request) -> tuple[str, str]:
    """What waitress refused, as :data:`TRANSPORT_ERROR` names it."""
    error = request.error
    if isinstance(error, RequestEntityTooLarge):
        return "too_large", error.body
    if isinstance(error, RequestHeaderFieldsTooLarge):
        return "header_too_large", error.body
    if isinstance(error, ServerNotImplemented):
        return "not_implemented", error.body
    if error.code != 400:
        return "internal", error.body
    if error.body == "Content-Length is invalid":
        return "bad_length", request.headers.get("CONTENT_LENGTH", "")
    return ("bad_chunk" if error.body in _CHUNK_ERRORS else "bad_request"), error.body


class RequestParser(HTTPRequestParser):
    """waitress's parser, noting a request that sends both a length and chunks (it reads the chunks)."""

    both_framings = False

    def parse_header(self, header_plus: bytes) -> None:
        super().parse_header(header_plus)
        self.both_framings = self.chunked and "CONTENT_LENGTH" in self.headers


class AppTask(WSGITask):
    """A request answered by the app."""

    def get_environment(self) -> dict:
        environ = super().get_environment()
        if getattr(self.request, "both_framings", False):
            environ[TRANSPORT_ERROR] = ("length_and_chunked", "")
        return environ

    def execute(self) -> None:
        try:
            super().execute()
        except ConnectionDropped:  # a fault: no answer, the connection closes
            self.close_on_finish = True
            self.wrote_header = True  # so that finish() writes nothing

    def build_response_header(self) -> bytes:
        # The standard reason phrase, as Netty and Node write it (werkzeug's status says "BAD REQUEST").
        code = self.status.partition(" ")[0]
        self.status = f"{code} {phrase(int(code))}"
        if self.environ is not None and self.environ.get(CLOSE_AFTER):
            self.set_close_on_finish()
        dated = any(name.lower() == "date" for name, _ in self.response_headers)
        closing = self.close_on_finish or self.request.connection_close
        head = super().build_response_header()
        if not self.has_body and not closing and self.version == "1.1":
            # waitress closes after any answer without a length, a 204 too; it needs none to end.
            self.close_on_finish = False
            head = head.replace(b"\r\nConnection: close", b"", 1)
        return head if dated else _DATE_LINE.sub(b"", head, count=1)


class TransportErrorTask(AppTask):
    """A request waitress refused (what it read of it, and why), answered by the app, which renders
    the product's answer; then the connection closes, as after any refused request."""

    def get_environment(self) -> dict:
        request = self.request
        # What never parsed (a broken request line, a server failure) reads as a bare GET /.
        for name, default in (("command", "GET"), ("path", "/"), ("query", ""), ("url_scheme", "http")):
            setattr(request, name, getattr(request, name, None) or default)
        request.request_uri = getattr(request, "request_uri", None) or request.path
        environ = super().get_environment()
        environ[TRANSPORT_ERROR] = _transport_error(request)
        environ["wsgi.input"] = io.BytesIO()
        # A declared length may be what was refused ("5, 6"); a 413 says how much came, as far as counted.
        environ["CONTENT_LENGTH"] = (
            str(max(getattr(request, "content_length", 0), request.body_bytes_received))
            if request.error.code == 413
            else "0"
        )
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return environ

    def execute(self) -> None:
        self.set_close_on_finish()
        super().execute()


class Channel(HTTPChannel):
    parser_class = RequestParser
    task_class = AppTask
    error_task_class = TransportErrorTask


class AppServer(TcpWSGIServer):
    channel_class = Channel


class Server:
    """One listening socket serving a Flask app. Binding happens here: a port in use raises
    ``OSError`` at once."""

    def __init__(
        self,
        app: Flask,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        threads: int = THREADS,
        read_timeout: int = READ_TIMEOUT,
        connection_limit: int = CONNECTION_LIMIT,
        access_log: logging.Logger | None = None,
    ):
        from .app import largest_body  # the app's own limits decide what the server may buffer

        body_limit = largest_body(app) if "mockserver" in app.extensions else FOREIGN_APP_BODY_LIMIT

        self._dispatcher = ThreadedTaskDispatcher()
        self._dispatcher.set_thread_count(threads)
        self._map: dict = {}
        self._server = AppServer(
            AccessLog(app, access_log) if access_log is not None else app,
            map=self._map,
            dispatcher=self._dispatcher,
            host=host,
            port=port,
            ident="",
            # waitress counts in whole seconds; the idle check runs every quarter of the timeout.
            threads=threads,
            connection_limit=connection_limit,
            channel_timeout=max(1, int(read_timeout)),
            cleanup_interval=max(1, min(30, int(read_timeout) // 4)),
            asyncore_loop_timeout=1,
            max_request_header_size=MAX_HEADER_BYTES,
            max_request_body_size=body_limit + 1,
            # Bodies spill to a file beyond this, so a large one does not sit in memory while it arrives.
            inbuf_overflow=1024 * 1024,
            expose_tracebacks=False,
            log_socket_errors=False,
            clear_untrusted_proxy_headers=False,
        )
        self.host = host
        self.port = int(self._server.effective_port)  # waitress gives it as text
        self._closed = threading.Event()
        self._running = False

    @property
    def url(self) -> str:
        return http_url(self.host, self.port)

    def serve_forever(self) -> None:
        """Serves until :meth:`shutdown` (from another thread) or KeyboardInterrupt; then every socket
        closes, on this thread (the serving loop's own)."""
        self._running = True
        try:
            self._server.run()
        finally:
            self._close_sockets()
            self._closed.set()

    def shutdown(self) -> None:
        """Asks the serving loop to stop (from another thread)."""
        if not self._closed.is_set():
            try:
                self._server.trigger.pull_trigger(self._close_sockets)
            except OSError:
                pass

    def close(self) -> None:
        """Stops serving if it still does, closes the sockets and stops the request threads."""
        if self._running and not self._closed.is_set():
            self.shutdown()
            self._closed.wait(2)
        if not self._closed.is_set():  # never served
            self._close_sockets()
            self._closed.set()
        self._dispatcher.shutdown(timeout=1)

    def _close_sockets(self) -> None:
        # handle_close, not close: a request thread waiting to write is woken, not left waiting.
        for dispatcher in list(self._map.values()):
            dispatcher.handle_close()


def http_url(host: str, port: int) -> str:
    """The server's URL (an IPv6 address in brackets)."""
    host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{host}:{port}"


class AccessLog:
    """One line per request through ``logging`` (``mockserver serve``'s log): method, path and query,
    status, time taken, the product that answered; and why the mock did not serve it, if it did not."""

    def __init__(self, wsgi_app, logger: logging.Logger):
        self.wsgi_app = wsgi_app
        self.logger = logger

    def __call__(self, environ, start_response):
        from .faults import DROP_ENVIRON
        from .journal import PATH_ENVIRON, PRODUCT_ENVIRON, UNMATCHED_ENVIRON

        started = time.perf_counter()
        answered: list[str] = []

        def capture(status, headers, exc_info=None):
            answered.append(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        try:
            return self.wsgi_app(environ, capture)
        finally:
            query = environ.get("QUERY_STRING")
            target = environ.get(PATH_ENVIRON) or environ.get("PATH_INFO", "/")
            unmatched = environ.get(UNMATCHED_ENVIRON)
            self.logger.info(
                "%s %s %s %.1fms %s%s",
                environ.get("REQUEST_METHOD", "-"),
                target + (f"?{query}" if query else ""),
                "dropped" if environ.get(DROP_ENVIRON) else answered[-1] if answered else "-",
                (time.perf_counter() - started) * 1000,
                environ.get(PRODUCT_ENVIRON, "-"),
                f" ({unmatched})" if unmatched else "",
            )


class LiveServer:
    """The app served from a background thread: start, use ``url``, stop (fast)."""

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0, **options):
        self.app = app
        self.host = host
        self.port = port
        self.options = options  # Server's: threads, read_timeout, connection_limit
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return http_url(self.host, self.port)

    def start(self) -> LiveServer:
        self._server = Server(self.app, self.host, self.port, **self.options)
        self.port = self._server.port
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"mockserver:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._thread.join()
            self._server.close()
            self._server = self._thread = None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
