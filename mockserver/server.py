"""Serving the app over HTTP: a threaded werkzeug server, in the foreground or in a thread."""

from __future__ import annotations

import socket
import threading

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class QuietRequestHandler(WSGIRequestHandler):
    """HTTP/1.1 with keep-alive, as the real servers speak it, and without the headers the real
    products do not send (``Server``, ``Date``): each product adds its own in its renderer."""

    protocol_version = "HTTP/1.1"

    def send_response(self, code: int, message: str | None = None) -> None:
        self.log_request(code)
        self.send_response_only(code, message)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def bind(app: Flask, host: str = "127.0.0.1", port: int = 0) -> BaseWSGIServer:
    """Binds at once: a port in use raises ``OSError`` here. (werkzeug would print and exit the
    process, so the socket is bound here and werkzeug is handed its descriptor.)"""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        # werkzeug takes a duplicate of the descriptor; this one closes on leaving the block.
        return make_server(host, port, app, threaded=True, request_handler=QuietRequestHandler, fd=sock.fileno())


class LiveServer:
    """The app served from a background thread: start, use ``url``, stop (fast)."""

    # How often the serving loop looks for a stop request: bounds the time ``stop`` takes.
    POLL_INTERVAL = 0.005

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0):
        self.app = app
        self.host = host
        self.port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> "LiveServer":
        self._server = bind(self.app, self.host, self.port)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": self.POLL_INTERVAL},
                                        name=f"mockserver:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = self._thread = None

    def __enter__(self) -> "LiveServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
