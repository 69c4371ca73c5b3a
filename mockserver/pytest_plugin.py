"""pytest fixtures for testing against the mock; installed with the package (``pytest11``).

* ``mockserver_app``: the Flask app (one per test session; settings from the ini options below).
* ``mockserver_client``: its in-process test client; the state is reset before each test. With
  ``mockserver_auth`` set, it sends those credentials with every request.
* ``mockserver_live``: a live server on an ephemeral loopback port, in a thread of the test process
  (started once per session, reset before each test); ``.url``, ``.auth`` (the ``(user, password)``
  of ``mockserver_auth``, or None), ``.headers`` (its ``Authorization`` header), ``.runtime`` for the
  state, ``.state(product)``, ``.journal``, ``.faults``, ``.load(...)``, ``.save_state(path)``.
* ``mockserver_live_session``: the same server, not reset: for session-scoped fixtures of your own.

A test's reset happens once, whichever of these it asks for, so state seeded by one fixture stays
for the others. Markers, applied after the reset:

* ``@pytest.mark.mockserver_state(*fixtures)``: more fixture files or folders (relative to the test
  file's folder) or fixture documents (dicts) loaded for this test only.
* ``@pytest.mark.mockserver_fault(**rule)``: a fault rule for this test (see :mod:`mockserver.faults`);
  repeatable.
* ``@pytest.mark.mockserver_allow_unmatched``: this test may send what the mock does not serve (with
  ``mockserver_fail_on_unmatched`` on).

ini options: ``mockserver_fixtures`` (paths, one a line), ``mockserver_default_fixtures`` (bool),
``mockserver_products`` (names), ``mockserver_strict`` (bool), ``mockserver_auth`` (USER:PASSWORD: security
on), ``mockserver_elasticsearch_version``, ``mockserver_kibana_version``, ``mockserver_dashboards_version``,
``mockserver_dashboards_config`` (KEY=VALUE lines, opensearch_dashboards.yml settings),
``mockserver_fail_on_unmatched`` (bool: a test whose requests no route matched fails, listing them). Each
pytest-xdist worker is its own session, with its own server and state.

Nothing of the app is imported until a fixture is asked for: a session that never uses the mock
pays for this module alone.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .runtime import Runtime
    from .server import LiveServer

RESETTING = ("mockserver_client", "mockserver_live")  # the fixtures that give a test a fresh start
MARKERS = ("mockserver_state", "mockserver_fault")
_PREPARED = pytest.StashKey[bool]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "mockserver_state(*fixtures): fixture files, folders or dicts loaded into mockserver's state for this test",
    )
    config.addinivalue_line("markers", "mockserver_fault(**rule): a mockserver fault rule in force for this test")
    config.addinivalue_line("markers", "mockserver_allow_unmatched: this test may send what mockserver does not serve")


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
    parser.addini(
        "mockserver_dashboards_version", "the OpenSearch Dashboards version mockserver behaves as", default=""
    )
    parser.addini(
        "mockserver_dashboards_config",
        "opensearch_dashboards.yml settings for mockserver, KEY=VALUE one a line",
        type="linelist",
        default=[],
    )
    parser.addini(
        "mockserver_fail_on_unmatched",
        "fail a test that sent mockserver a request no route matched",
        type="bool",
        default=False,
    )


# -- misuse, refused at once ------------------------------------------------------------------
@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Each run of a test starts afresh (a rerun too). A mockserver marker on a test function that asks
    for no mockserver fixture would do nothing: refused (one on a module or class applies to those of
    its tests that use the mock)."""
    item.stash[_PREPARED] = False
    used = set(getattr(item, "fixturenames", ()))
    for name in MARKERS:
        if any(marker.name == name for marker in item.own_markers) and not used & set(RESETTING):
            raise pytest.UsageError(
                f"{item.nodeid}: @pytest.mark.{name} applies to a test that asks for mockserver_client or "
                f"mockserver_live; this one asks for neither"
            )


def _fault_rules(item: pytest.Item) -> list[dict]:
    rules = []
    for marker in item.iter_markers("mockserver_fault"):
        if marker.args:
            raise pytest.UsageError(
                f"{item.nodeid}: @pytest.mark.mockserver_fault takes keyword arguments only (product=..., "
                f"path=..., status=...), not {marker.args!r}"
            )
        rules.append(dict(marker.kwargs))
    return rules


def load_fixtures(runtime: Runtime, fixtures, base: Path | None = None, where: str = "load") -> None:
    """Loads fixture documents (dicts) and files or folders (relative to ``base``) into the state."""
    from .fixtures import read_fixture_paths

    for fixture in fixtures:
        if isinstance(fixture, dict):
            runtime.store.load(fixture, "a fixture given in the test")
            continue
        if not isinstance(fixture, (str, Path)):
            raise pytest.UsageError(
                f"{where} takes fixture files, folders or documents (dicts), not {fixture!r} ({type(fixture).__name__})"
            )
        path = Path(fixture)
        if base is not None and not path.is_absolute():
            path = base / path
        for source, document in read_fixture_paths([path], include_default=False):
            runtime.store.load(document, source)


def prepare(runtime: Runtime, request: pytest.FixtureRequest) -> None:
    """A test's start, once whichever fixtures it asks for: the seeded state, then its markers."""
    node = request.node
    if node.stash.get(_PREPARED, False):
        return
    node.stash[_PREPARED] = True
    runtime.reset()
    base = Path(node.path).parent if getattr(node, "path", None) else None
    for marker in reversed(list(node.iter_markers("mockserver_state"))):  # outermost (module) first
        load_fixtures(runtime, marker.args, base, where="@pytest.mark.mockserver_state")
    for rule in _fault_rules(node):
        try:
            runtime.faults.add(**rule)
        except (TypeError, ValueError) as error:
            raise pytest.UsageError(f"{node.nodeid}: @pytest.mark.mockserver_fault{rule!r}: {error}") from None


class Live:
    """What ``mockserver_live`` gives a test."""

    def __init__(self, server: LiveServer, auth: tuple[str, str] | None = None):
        self.server = server
        self.auth = auth

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def headers(self) -> dict[str, str]:
        """The ``Authorization`` header of ``mockserver_auth`` (empty when security is off)."""
        return authorization_headers(self.auth)

    @property
    def app(self):
        return self.server.app

    @property
    def runtime(self) -> Runtime:
        from .app import runtime_of

        return runtime_of(self.server.app)

    def state(self, product: str) -> Any:
        products = self.runtime.store.products
        if product not in products:
            raise LookupError(f"mockserver has no product [{product}]; its state holds {', '.join(products)}")
        return products[product]

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
        load_fixtures(self.runtime, fixtures, where="mockserver_live.load")

    def save_state(self, path: str | Path) -> Path:
        """Writes the state as a fixture file (loading it again gives the same state)."""
        return save_state(self.runtime, path)


def credentials(config: pytest.Config) -> tuple[str, str] | None:
    auth = config.getini("mockserver_auth")
    if not auth:
        return None
    username, _, password = auth.partition(":")
    return username, password


def authorization_headers(auth: tuple[str, str] | None) -> dict[str, str]:
    if auth is None:
        return {}
    return {"Authorization": "Basic " + base64.b64encode(":".join(auth).encode()).decode()}


def app_options(pytestconfig: pytest.Config) -> dict:
    """``create_app``'s options as the ini options give them (a suite that wraps create_app builds its
    app from the same)."""
    return {
        "fixtures": [Path(p) for p in pytestconfig.getini("mockserver_fixtures")],
        "default_fixtures": pytestconfig.getini("mockserver_default_fixtures"),
        "products": pytestconfig.getini("mockserver_products") or None,
        "strict": pytestconfig.getini("mockserver_strict"),
        "auth": pytestconfig.getini("mockserver_auth") or None,
        "elasticsearch_version": pytestconfig.getini("mockserver_elasticsearch_version") or None,
        "kibana_version": pytestconfig.getini("mockserver_kibana_version") or None,
        "dashboards_version": pytestconfig.getini("mockserver_dashboards_version") or None,
        "dashboards_config": dashboards_config(pytestconfig),
    }


@pytest.fixture(scope="session")
def mockserver_app(pytestconfig: pytest.Config):
    from .app import create_app

    return create_app(**app_options(pytestconfig))


def dashboards_config(config: pytest.Config) -> dict:
    from .dashboards.config import assignment

    settings = {}
    for line in config.getini("mockserver_dashboards_config"):
        try:
            key, value = assignment(line)
        except ValueError as e:
            raise pytest.UsageError(f"mockserver_dashboards_config: {e}") from None
        settings[key] = value
    return settings


def save_state(runtime: Runtime, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(json.dumps(runtime.store.dump(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def mockserver_client(mockserver_app, request):
    from .app import runtime_of

    prepare(runtime_of(mockserver_app), request)
    client = mockserver_app.test_client()
    headers = authorization_headers(credentials(request.config))
    if headers:  # every request of the client carries the credentials (a request's own header wins)
        client.environ_base["HTTP_AUTHORIZATION"] = headers["Authorization"]
    return client


@pytest.fixture(scope="session")
def mockserver_live_session(mockserver_app, pytestconfig):
    from .server import LiveServer

    server = LiveServer(mockserver_app).start()
    yield Live(server, credentials(pytestconfig))
    server.stop()


@pytest.fixture
def mockserver_live(mockserver_live_session, request):
    prepare(mockserver_live_session.runtime, request)
    return mockserver_live_session


# -- requests no route matched ------------------------------------------------------------------
@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """With ``mockserver_fail_on_unmatched``, a test whose requests no route matched fails, naming them
    (the journal was reset when the test began)."""
    result = yield
    funcargs = getattr(item, "funcargs", {})
    app = funcargs.get("mockserver_app")
    if (
        item.config.getini("mockserver_fail_on_unmatched")
        and app is not None
        and any(name in funcargs for name in RESETTING)
        and item.get_closest_marker("mockserver_allow_unmatched") is None
    ):
        from .app import runtime_of

        unmatched = runtime_of(app).journal.unmatched()
        if unmatched:
            listed = "\n".join(
                f"  {e.method} {e.path}{'?' + e.query if e.query else ''} -> {e.status} ({e.unmatched})"
                for e in unmatched
            )
            raise AssertionError(f"mockserver: {len(unmatched)} request(s) that it does not mock:\n{listed}")
    return result
