from __future__ import annotations

import json as jsonlib
import os
from dataclasses import dataclass
from typing import Any

import contract
import pytest

from mockserver.dashboards.versions import DEFAULT_VERSION, Release, checked_version

pytest_plugins = ["pytester"]

# Every app the tests build checks its own responses against their schemas (a break answers 500),
# unless a test asks otherwise; the plugin's app is strict through the ini option as well.
os.environ.setdefault("MOCKSERVER_STRICT", "1")

# The everyday run leaves out what takes most of its time and changes least: the fuzzing and the
# packaging tests that install the package or run pytest in a subprocess. CI (MOCKSERVER_CI=1,
# set by .ci/run) runs everything.
FULL_RUN = os.environ.get("MOCKSERVER_CI", "") not in ("", "0")
# downstream_project/ is another repository's suite, run in a subprocess by test_downstream_project.py.
collect_ignore = ["downstream_project"] + ([] if FULL_RUN else ["test_fuzz.py"])


# The Dashboards test matrix: .ci/run runs tests/test_dashboards_*.py again as other releases.
# MOCKSERVER_TEST_DASHBOARDS_VERSION (an X.Y.Z) and MOCKSERVER_TEST_DASHBOARDS_CONFIG (a JSON object of
# opensearch_dashboards.yml keys) are the version and settings of every app those tests build (the
# plugin's, fixture_app's and each create_app of this module), unless a test gives its own. A test whose
# fact differs by release asks DASHBOARDS_RELEASE.
DASHBOARDS_VERSION = os.environ.get("MOCKSERVER_TEST_DASHBOARDS_VERSION") or None
DASHBOARDS_CONFIG = jsonlib.loads(os.environ.get("MOCKSERVER_TEST_DASHBOARDS_CONFIG") or "{}")
if not isinstance(DASHBOARDS_CONFIG, dict):
    raise pytest.UsageError("MOCKSERVER_TEST_DASHBOARDS_CONFIG is a JSON object of opensearch_dashboards.yml keys")
DASHBOARDS_RELEASE = Release(
    checked_version(DASHBOARDS_VERSION or DEFAULT_VERSION, "MOCKSERVER_TEST_DASHBOARDS_VERSION")
)

# The default fixture holds the config object of 3.6.0; as another release the mock writes that release's
# own at start (uiSettings' createOrUpgradeSavedConfig), one write before a test's first.
FIXTURE_CONFIG_ID = "3.6.0"
START_WRITES = 0 if DASHBOARDS_RELEASE.version == FIXTURE_CONFIG_ID else 1


def saved_object_version(seq_no: int, primary_term: int = 2) -> str:
    """The ``version`` of the default state's ``seq_no``-th write as the README counts it (on a fresh
    3.6.0), counted on past the writes the release's start adds: base64 of ``[seq_no, primary_term]``."""
    import base64

    return base64.b64encode(jsonlib.dumps([seq_no + START_WRITES, primary_term]).replace(" ", "").encode()).decode()


def create_app(*args, **options):
    """``mockserver.create_app`` as the test matrix's Dashboards release, with its settings under the
    call's own (a version the call or one of its fixture documents gives is kept)."""
    from mockserver import create_app as mockserver_create_app

    if DASHBOARDS_VERSION is not None and options.get("dashboards_version") is None:
        if not _fixtures_set_dashboards_version(args[0] if args else options.get("fixtures")):
            options["dashboards_version"] = DASHBOARDS_VERSION
    if DASHBOARDS_CONFIG:
        options["dashboards_config"] = {**DASHBOARDS_CONFIG, **(options.get("dashboards_config") or {})}
    return mockserver_create_app(*args, **options)


def _fixtures_set_dashboards_version(fixtures) -> bool:
    """Whether one of these fixture files sets ``dashboards.settings.version`` (the test's own release)."""
    for path in fixtures or ():
        try:
            document = jsonlib.loads(open(path, encoding="utf-8").read())
        except (OSError, ValueError):
            continue
        if isinstance(document, dict) and "version" in (document.get("dashboards") or {}).get("settings", {}):
            return True
    return False


@pytest.fixture(scope="session")
def mockserver_app(pytestconfig):
    """The plugin's app (its ini options), as the test matrix's Dashboards release."""
    from mockserver.pytest_plugin import app_options

    return create_app(**app_options(pytestconfig))


def pytest_collection_modifyitems(config, items):
    if FULL_RUN:
        return
    ci_only = pytest.mark.skip(reason="CI only: MOCKSERVER_CI=1 runs it")
    for item in items:
        if item.get_closest_marker("ci_only"):
            item.add_marker(ci_only)


@dataclass
class Reply:
    status: int
    headers: Any
    text: str

    @property
    def json(self) -> Any:
        return jsonlib.loads(self.text) if self.text else None

    @property
    def error(self) -> dict:
        return self.json["error"]


class Http:
    """Requests through the test client. The app runs strict (pyproject: mockserver_strict), so a
    response that breaks its own schema comes back 500; and each Elasticsearch answer that Elastic's
    OpenAPI document describes is checked against it here."""

    def __init__(self, client):
        self.client = client

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: str | bytes | None = None,
        headers: dict | None = None,
        query: dict | None = None,
    ) -> Reply:
        headers = dict(headers or {})
        if json is not None:
            data = jsonlib.dumps(json)
            headers.setdefault("Content-Type", "application/json")
        response = self.client.open(path, method=method, data=data, headers=headers, query_string=query)
        reply = Reply(response.status_code, response.headers, response.get_data(as_text=True))
        assert reply.status != 500 or "schema" not in reply.text, reply.text
        filtered = "filter_path" in (query or {})  # a filtered answer is partial by request
        elasticsearch = not path.startswith(("/api/", "/internal/", "/s/", "/_mock/", "/app/"))
        if contract.available() and reply.text and elasticsearch and not filtered:
            problems = contract.violations(method, path, reply.status, reply.json)
            assert not problems, f"{method} {path} -> {reply.status} breaks Elastic's contract: {problems}"
        return reply

    def get(self, path: str, **kw) -> Reply:
        return self.request("GET", path, **kw)

    def put(self, path: str, **kw) -> Reply:
        return self.request("PUT", path, **kw)

    def post(self, path: str, **kw) -> Reply:
        return self.request("POST", path, **kw)

    def delete(self, path: str, **kw) -> Reply:
        return self.request("DELETE", path, **kw)


@pytest.fixture
def http(mockserver_client) -> Http:
    """The plugin's own test client (the state, faults and journal reset, the markers applied)."""
    return Http(mockserver_client)


def boom(reply: Reply, status: int, message: str, **extra) -> dict:
    """Asserts a Boom error body (Kibana, OpenSearch Dashboards, the control API), exactly."""
    from http import HTTPStatus

    assert (reply.status, reply.json) == (
        status,
        {"statusCode": status, "error": HTTPStatus(status).phrase, "message": message, **extra},
    ), reply.text
    return reply.json


def fixture_app(tmp_path, document: dict, **options) -> Http:
    """An app seeded with one more fixture document (written under ``tmp_path``), through ``Http``."""
    path = tmp_path / "fixture.json"
    path.write_text(jsonlib.dumps(document))
    return Http(create_app(fixtures=[str(path)], **options).test_client())


def es_error(reply: Reply, status: int, type_: str, reason: str | None = None) -> dict:
    """Asserts an Elasticsearch error body and returns its ``error`` object."""
    assert reply.status == status, reply.text
    body = reply.json
    assert set(body) == {"error", "status"} and body["status"] == status, body
    assert body["error"]["type"] == type_, body
    if reason is not None:
        assert body["error"]["reason"] == reason, body
    assert reply.headers["X-elastic-product"] == "Elasticsearch"
    return body["error"]
