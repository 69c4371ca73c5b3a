"""pytest fixtures for testing against the mock; installed with the package (``pytest11``).

* ``mockserver_app``: the Flask app (one per test session; settings from the ini options below).
* ``mockserver_client``: its in-process test client; the state is reset before each test.
* ``mockserver_live``: a live server on an ephemeral loopback port, in a thread of the test process
  (started once per session, reset before each test); ``.url``, ``.runtime`` for the state.

ini options: ``mockserver_fixtures`` (paths, one a line), ``mockserver_default_fixtures`` (bool),
``mockserver_products`` (names), ``mockserver_strict`` (bool), ``mockserver_auth`` (USER:PASSWORD: security
on), ``mockserver_kibana_version``. Each pytest-xdist worker is its own session, with its own server and
state.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .app import create_app, runtime_of
from .runtime import Runtime
from .server import LiveServer


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("mockserver_fixtures", "fixture files or folders for mockserver", type="paths", default=[])
    parser.addini("mockserver_default_fixtures", "load mockserver's default fixtures", type="bool", default=True)
    parser.addini("mockserver_products", "products mockserver serves (default: all)", type="args", default=[])
    parser.addini("mockserver_strict", "check every mockserver response against its schema", type="bool",
                  default=False)
    parser.addini("mockserver_auth", "USER:PASSWORD: mockserver's routes need these credentials", default="")
    parser.addini("mockserver_kibana_version", "the Kibana version mockserver behaves as", default="")


class Live:
    """What ``mockserver_live`` gives a test."""

    def __init__(self, server: LiveServer):
        self.server = server

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def app(self):
        return self.server.app

    @property
    def runtime(self) -> Runtime:
        return runtime_of(self.server.app)

    def state(self, product: str):
        return self.runtime.store[product]

    def reset(self) -> None:
        self.runtime.store.reset()


@pytest.fixture(scope="session")
def mockserver_app(pytestconfig: pytest.Config):
    return create_app(
        [Path(p) for p in pytestconfig.getini("mockserver_fixtures")],
        default_fixtures=pytestconfig.getini("mockserver_default_fixtures"),
        products=pytestconfig.getini("mockserver_products") or None,
        strict=pytestconfig.getini("mockserver_strict"),
        auth=pytestconfig.getini("mockserver_auth") or None,
        kibana_version=pytestconfig.getini("mockserver_kibana_version") or None,
    )


@pytest.fixture
def mockserver_client(mockserver_app):
    runtime_of(mockserver_app).store.reset()
    return mockserver_app.test_client()


@pytest.fixture(scope="session")
def mockserver_live_session(mockserver_app):
    server = LiveServer(mockserver_app).start()
    yield Live(server)
    server.stop()


@pytest.fixture
def mockserver_live(mockserver_live_session):
    mockserver_live_session.reset()
    return mockserver_live_session
