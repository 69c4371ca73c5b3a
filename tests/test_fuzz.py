"""Property-based fuzzing with schemathesis, in CI (MOCKSERVER_CI=1), bounded (MOCKSERVER_FUZZ_EXAMPLES
per operation: 3 by default, 8 in CI, which also turns on the coverage phase): the mock's own OpenAPI
document over every route it serves, and Elastic's own contract over the Elasticsearch routes the mock
serves. No answer may be a 5xx; every answer must conform to its documented status and schema."""

from __future__ import annotations

import os
import re

import contract
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from mockserver import create_app, runtime_of
from mockserver.server import LiveServer

EXAMPLES = int(os.environ.get("MOCKSERVER_FUZZ_EXAMPLES", "3"))
HEADERS = {"osd-xsrf": "true", "kbn-xsrf": "true"}  # past the XSRF checks, into the routes
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)

APP = create_app(strict=False)  # the fuzzer judges the answers itself
OWN = schemathesis.openapi.from_wsgi("/_mock/openapi.json", APP)
# The coverage phase (every boundary case each schema defines, whatever the example count) is most of
# the fuzzing's time: CI runs it (MOCKSERVER_FUZZ_COVERAGE=1, set by .ci/run), the everyday run does not.
COVERAGE = os.environ.get("MOCKSERVER_FUZZ_COVERAGE", "") not in ("", "0")
OWN.config.phases.coverage.enabled = COVERAGE


@pytest.fixture(scope="module")
def fuzz_url():
    """Calls go over a real socket: a generated id may hold any character, which only a real
    client percent-encodes as it must."""
    with LiveServer(APP) as server:
        yield server.url


def not_a_server_error_but_not_mocked(ctx, response, case):
    """No 5xx, except Elasticsearch's 501 for what the mock says it does not mock (an answer of its
    own kind, documented on every route that can give it)."""
    if response.status_code == 501:
        body = response.json()
        if body.get("error", {}).get("type") == "mockserver_not_mocked_exception":
            return None
    return not_a_server_error(ctx, response, case)


def never_html(ctx, response, case):
    """No answer is HTML (werkzeug's pages) or Python text: each is the product's JSON, or empty."""
    kind = next((v for k, v in response.headers.items() if k.lower() == "content-type"), "")
    kind = kind[0] if isinstance(kind, list) else kind
    text = response.content[:200].lstrip()
    if "html" in kind.lower() or text.startswith((b"<", b"Traceback")):
        raise AssertionError(f"{response.status_code} answered as {kind!r}: {text[:80]!r}")
    return None


CHECKS = [not_a_server_error_but_not_mocked, never_html]


@OWN.parametrize()
@FUZZ_SETTINGS
def test_the_mock_against_its_own_document(case, fuzz_url):
    runtime_of(APP).reset()
    case.call_and_validate(
        base_url=fuzz_url,
        headers=HEADERS,
        checks=[*CHECKS, status_code_conformance, response_schema_conformance],
        excluded_checks=[not_a_server_error],
    )


def _served() -> set[tuple[str, str]]:
    pairs = set()
    for rule in APP.url_map.iter_rules():
        template = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?(\w+)>", r"{\1}", rule.rule)
        pairs.update((method, template) for method in rule.methods)
    return pairs


def _contract_schema():
    if not contract.available():
        return None
    schema = schemathesis.openapi.from_dict(contract.fuzzable_document(_served()))
    # The coverage phase enumerates every case the document's schemas define, and the extended
    # contract's are vast (tens of thousands of cases): the generated examples and the document's own do.
    schema.config.phases.coverage.enabled = False
    return schema


CONTRACT = _contract_schema()

if CONTRACT is not None:

    @CONTRACT.parametrize()
    @FUZZ_SETTINGS
    def test_the_mock_against_elastics_contract(case, fuzz_url):
        runtime_of(APP).reset()
        # The contract documents only success statuses (and some 201s as 200): the check is that no
        # answer is a server error and that a documented answer has the documented shape.
        case.call_and_validate(
            base_url=fuzz_url, checks=[*CHECKS, response_schema_conformance], excluded_checks=[not_a_server_error]
        )
else:  # pragma: no cover - CI always has ../shared beside the checkout

    @pytest.mark.skip(reason="../shared/contracts is not beside this checkout")
    def test_the_mock_against_elastics_contract():
        pass
