"""pytest fixtures for testing against the mock; installed with the package (``pytest11``).

* ``mockserver_app``: the Flask app (one per test session; settings from the ini options below).
* ``mockserver_client``: its in-process test client; the state is reset before each test.
* ``mockserver_live``: a live server on an ephemeral loopback port, in a thread of the test process
  (started once per session, reset before each test); ``.url``, ``.runtime`` for the state,
  ``.journal``, ``.faults``, ``.load(...)``, ``.save_state(path)``.

Markers, applied by both fixtures after the reset:

* ``@pytest.mark.mockserver_state(*fixtures)``: more fixture files or folders (relative to the test
  file's folder) or fixture documents (dicts) loaded for this test only.
* ``@pytest.mark.mockserver_fault(**rule)``: a fault rule for this test (see :mod:`mockserver.faults`);
  repeatable.

ini options: ``mockserver_fixtures`` (paths, one a line), ``mockserver_default_fixtures`` (bool),
``mockserver_products`` (names), ``mockserver_strict`` (bool), ``mockserver_auth`` (USER:PASSWORD: security
on), ``mockserver_elasticsearch_version``, ``mockserver_kibana_version``. Each pytest-xdist worker is its
own session, with its own server and state.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .app import create_app, runtime_of
from .fixtures import read_fixture_paths
from .runtime import Runtime
from .server import LiveServer


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "mockserver_state(*fixtures): fixture files, folders or dicts loaded into mockserver's state for this test",
    )
    config.addinivalue_line("markers", "mockserver_fault(**rule): a mockserver fault rule in force for this test")


def load_fixtures(runtime: Runtime, fixtures, base: Path | None = None) -> None:
    """Loads fixture documents (dicts) and files or folders (relative to ``base``) into the state."""
    for fixture in fixtures:
        if isinstance(fixture, dict):
            runtime.store.load(fixture, "a fixture given in the test")
            continue
        path = Path(fixture)
        if base is not None and not path.is_absolute():
            path = base / path
        for source, document in read_fixture_paths([path], include_default=False):
            runtime.store.load(document, source)


def prepare(runtime: Runtime, request: pytest.FixtureRequest) -> None:
    """A test's start: the seeded state, then what its markers ask for."""
    runtime.reset()
    base = Path(request.node.path).parent if getattr(request.node, "path", None) else None
    for marker in reversed(list(request.node.iter_markers("mockserver_state"))):  # outermost (module) first
        load_fixtures(runtime, marker.args, base)
    for marker in request.node.iter_markers("mockserver_fault"):
        runtime.faults.add(**marker.kwargs)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("mockserver_fixtures", "fixture files or folders for mockserver", type="paths", default=[])
    parser.addini("mockserver_default_fixtures", "load mockserver's default fixtures", type="bool", default=True)
    parser.addini("mockserver_products", "products mockserver serves (default: all)", type="args", default=[])
    # Unset: the environment variable MOCKSERVER_STRICT decides, as it does for create_app.
    parser.addini(
        "mockserver_strict",
        "check every mockserver response against its schema (default: MOCKSERVER_STRICT)",
        type="bool",
        default=None,
    )
    parser.addini("mockserver_auth", "USER:PASSWORD: mockserver's routes need these credentials", default="")
    parser.addini("mockserver_elasticsearch_version", "the Elasticsearch release mockserver behaves as", default="")
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

    @property
    def journal(self):
        return self.runtime.journal

    @property
    def faults(self):
        return self.runtime.faults

    def reset(self) -> None:
        self.runtime.reset()

    def load(self, *fixtures) -> None:
        """Loads fixture documents (dicts) or files and folders into the state."""
        load_fixtures(self.runtime, fixtures)

    def save_state(self, path: str | Path) -> Path:
        """Writes the state as a fixture file (loading it again gives the same state)."""
        return save_state(self.runtime, path)


@pytest.fixture(scope="session")
def mockserver_app(pytestconfig: pytest.Config):
    return create_app(
        [Path(p) for p in pytestconfig.getini("mockserver_fixtures")],
        default_fixtures=pytestconfig.getini("mockserver_default_fixtures"),
        products=pytestconfig.getini("mockserver_products") or None,
        strict=pytestconfig.getini("mockserver_strict"),
        auth=pytestconfig.getini("mockserver_auth") or None,
        elasticsearch_version=pytestconfig.getini("mockserver_elasticsearch_version") or None,
        kibana_version=pytestconfig.getini("mockserver_kibana_version") or None,
    )


def save_state(runtime: Runtime, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(json.dumps(runtime.store.dump(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def mockserver_client(mockserver_app, request):
    prepare(runtime_of(mockserver_app), request)
    return mockserver_app.test_client()


@pytest.fixture(scope="session")
def mockserver_live_session(mockserver_app):
    server = LiveServer(mockserver_app).start()
    yield Live(server)
    server.stop()


@pytest.fixture
def mockserver_live(mockserver_live_session, request):
    prepare(mockserver_live_session.runtime, request)
    return mockserver_live_session
