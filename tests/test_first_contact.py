"""What a newcomer meets first: a request the mock does not serve is told apart (journal, header,
control API, and a plugin setting that fails the test), misuse of the plugin and of fault rules is an
error at once that names what is wrong, state seeded by one fixture survives the others, credentials
are at hand for a secured test, and ``mockserver serve`` logs a line per request."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from mockserver import create_app, runtime_of


@pytest.fixture
def client():
    return create_app(journal_size=100).test_client()


def test_a_request_no_route_matches_keeps_the_products_answer_and_is_marked(client):
    kibana = client.get("/api/status")
    assert (kibana.status_code, kibana.get_json()) == (
        404,
        {"statusCode": 404, "error": "Not Found", "message": "Not Found"},
    )
    assert kibana.headers["X-Mockserver-Unmatched"] == "no route"
    elasticsearch = client.get("/_cat/indices", query_string={"v": "true"})  # a known API the mock does not mock
    assert elasticsearch.status_code == 501 and elasticsearch.headers["X-Mockserver-Unmatched"] == "not mocked"
    served = client.get("/_connector/connector-1")
    assert served.status_code == 200 and "X-Mockserver-Unmatched" not in served.headers
    wrong_method = client.patch("/_connector/connector-1")
    assert wrong_method.status_code == 405 and wrong_method.headers["X-Mockserver-Unmatched"] == "no route"
    listed = client.get("/_mock/requests", query_string={"unmatched": "true"}).get_json()
    assert [(e["method"], e["path"], e["unmatched"]) for e in listed["requests"]] == [
        ("GET", "/api/status", "no route"),
        ("GET", "/_cat/indices", "not mocked"),
        ("PATCH", "/_connector/connector-1", "no route"),
    ]
    served_only = client.get("/_mock/requests", query_string={"unmatched": "false"}).get_json()
    assert [e["path"] for e in served_only["requests"]] == ["/_connector/connector-1"]
    # The control API's own unknown paths are the mock's business, not a product's.
    assert "X-Mockserver-Unmatched" not in client.get("/_mock/nothing").headers


@pytest.mark.parametrize(
    "rule, problem, answered",
    [
        ({"product": "elastic", "status": 503}, "product [elastic] is not one this app serves", None),
        ({"path": "_connector/*", "status": 503}, "path [_connector/*] never matches", None),
        # Over HTTP the control API's schema names an unknown field first.
        ({"prodcut": "kibana", "status": 503}, "unknown field(s) prodcut", "('prodcut' was unexpected)"),
    ],
)
def test_a_fault_rule_that_could_never_apply_is_refused(client, rule, problem, answered):
    faults = runtime_of(client.application).faults
    with pytest.raises(ValueError) as refused:
        faults.add(**rule)
    assert problem in str(refused.value)
    reply = client.post("/_mock/faults", json=rule)
    assert reply.status_code == 400 and (answered or problem) in reply.get_json()["message"]
    assert faults.rules() == []


# -- the plugin, as a downstream project uses it --------------------------------------------------
def run_inner(pytester, ini: str = "", **files: str):
    pytester.makeini("[pytest]\n" + ini)
    pytester.makepyfile(**files)
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:benchmark")


def test_misused_markers_and_fixtures_are_errors_that_name_the_misuse(pytester):
    result = run_inner(
        pytester,
        test_misuse="""
import pytest

@pytest.mark.mockserver_fault("elasticsearch", 503)
def test_positional_fault(mockserver_client):
    pass

@pytest.mark.mockserver_state({"elasticsearch": {}})
def test_marker_without_a_fixture():
    pass

@pytest.mark.mockserver_state(42)
def test_state_of_a_number(mockserver_client):
    pass

@pytest.mark.mockserver_fault(product="elastic", status=503)
def test_fault_for_no_product(mockserver_client):
    pass

def test_state_of_a_misspelt_product(mockserver_live):
    with pytest.raises(LookupError, match=r"no product \\[kibanna\\]; its state holds elasticsearch"):
        mockserver_live.state("kibanna")
""",
    )
    result.assert_outcomes(passed=1, errors=4)
    text = result.stdout.str()
    assert "@pytest.mark.mockserver_fault takes keyword arguments only" in text
    assert "('elasticsearch', 503)" in text
    assert "@pytest.mark.mockserver_state applies to a test that asks for mockserver_client or mockserver_live" in text
    assert "@pytest.mark.mockserver_state takes fixture files, folders or documents (dicts), not 42 (int)" in text
    assert "product [elastic] is not one this app serves" in text


def test_a_module_marker_spares_the_tests_that_do_not_use_the_mock(pytester):
    run_inner(
        pytester,
        test_module_marker="""
import pytest

pytestmark = pytest.mark.mockserver_state({"elasticsearch": {"connectors": {"m": {"index_name": "search-m"}}}})

def test_pure_helper():
    assert 1 + 1 == 2

def test_uses_the_mock(mockserver_client):
    assert mockserver_client.get("/_connector/m").status_code == 200
""",
    ).assert_outcomes(passed=2)


def test_unmatched_requests_are_kept_past_the_journals_size_and_a_test_may_allow_them(pytester):
    result = run_inner(
        pytester,
        "mockserver_fail_on_unmatched = true\n",
        test_unmatched_kept="""
import pytest

def test_served_only(mockserver_client):
    assert mockserver_client.get("/_connector/connector-1").status_code == 200

def test_one_unmatched_then_many_served(mockserver_client):
    mockserver_client.get("/api/status")
    for _ in range(1005):
        mockserver_client.get("/")

@pytest.mark.mockserver_allow_unmatched
def test_allowed(mockserver_client):
    assert mockserver_client.get("/api/status").status_code == 404

def test_options_is_served(mockserver_client):
    assert mockserver_client.options("/").status_code == 200
""",
    )
    result.assert_outcomes(passed=3, failed=1)
    assert "mockserver: 1 request(s) that it does not mock:" in result.stdout.str()
    assert "GET /api/status -> 404 (no route)" in result.stdout.str()


def test_a_fault_rule_as_listed_adds_again(client):
    faults = runtime_of(client.application).faults
    listed = faults.add(product="elasticsearch", path="[/]_connector*", status=503, times=1).to_dict()
    again = faults.add(**listed)
    assert again.id != listed["id"] and again.path == "[/]_connector*"


def test_state_seeded_by_a_fixture_survives_the_other_fixtures(pytester):
    run_inner(
        pytester,
        test_seeded="""
import pytest

@pytest.fixture
def seeded(mockserver_live):
    mockserver_live.load({"elasticsearch": {"connectors": {"seeded": {"index_name": "search-seeded"}}}})
    return mockserver_live

def test_both_fixtures_see_it(seeded, mockserver_client):
    assert mockserver_client.get("/_connector/seeded").status_code == 200

def test_the_next_test_starts_afresh(mockserver_client):
    assert mockserver_client.get("/_connector/seeded").status_code == 404
""",
    ).assert_outcomes(passed=2)


def test_a_secured_session_has_its_credentials_at_hand(pytester):
    run_inner(
        pytester,
        "mockserver_auth = elastic:changeme\n",
        test_secured="""
import elasticsearch9

def test_the_client_is_authenticated(mockserver_client):
    assert mockserver_client.get("/_security/_authenticate").get_json()["username"] == "elastic"
    assert mockserver_client.get("/", headers={"Authorization": "Basic bm9ib2R5Ong="}).status_code == 401

def test_the_live_server_names_them(mockserver_live):
    assert mockserver_live.auth == ("elastic", "changeme")
    client = elasticsearch9.Elasticsearch(mockserver_live.url, basic_auth=mockserver_live.auth)
    assert client.security.authenticate()["username"] == "elastic"
    assert mockserver_live.headers["Authorization"].startswith("Basic ")
""",
    ).assert_outcomes(passed=2)


# -- mockserver serve -----------------------------------------------------------------------------
def serve(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "mockserver", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def first_line(process: subprocess.Popen) -> str:
    line = process.stdout.readline().strip()
    assert line.startswith("mockserver "), line
    return line


def test_serve_logs_a_line_per_request_unless_quiet():
    import urllib.error
    import urllib.request

    for quiet in (False, True):
        process = serve(*(["--quiet"] if quiet else []))
        try:
            url = first_line(process).rsplit(" ", 1)[1]
            urllib.request.urlopen(url + "/_connector/connector-1").read()
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(url + "/api/status")
            time.sleep(0.2)
        finally:
            process.terminate()
            _, err = process.communicate(timeout=10)
        lines = [line for line in err.splitlines() if " GET " in line]
        if quiet:
            assert lines == []
        else:
            assert len(lines) == 2
            assert lines[0].endswith("GET /_connector/connector-1 200 " + lines[0].split()[-2] + " elasticsearch")
            assert lines[1].split()[2:5] == ["GET", "/api/status", "404"] and lines[1].endswith("kibana (no route)")


def test_serve_refuses_a_version_that_is_not_one_and_brackets_an_ipv6_address():
    refused = subprocess.run(
        [sys.executable, "-m", "mockserver", "serve", "--kibana-version", "banana"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert refused.returncode == 2
    assert "argument --kibana-version: 'banana' is not a version X.Y.Z" in refused.stderr
    assert "bad fixture" not in refused.stderr
    process = serve("--host", "::1")
    try:
        line = process.stdout.readline().strip()
        if not line:  # no IPv6 on this machine: nothing to bracket
            pytest.skip(process.stderr.read().strip())
        assert line.startswith("mockserver ") and "serving on http://[::1]:" in line, line
    finally:
        process.terminate()
        process.communicate(timeout=10)
