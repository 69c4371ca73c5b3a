"""What another repository gets: the pytest plugin, the CLI, and a non-editable install."""

from __future__ import annotations

import errno
import json
import site
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from mockserver import create_app
from mockserver.server import LiveServer

ROOT = Path(__file__).resolve().parents[1]

DOWNSTREAM_TESTS = """
import json, urllib.request
import pytest
from flask import Flask

@pytest.fixture
def app():  # the downstream project's own Flask app and pytest-flask client stay theirs
    own = Flask("theirs")
    own.route("/")(lambda: "theirs")
    return own

def test_own_client_is_untouched(client):
    assert client.get("/").data == b"theirs"

def test_in_process(mockserver_client):
    assert mockserver_client.get("/_connector/connector-1").json["id"] == "connector-1"
    assert mockserver_client.post("/_connector/_sync_job", json={"id": "connector-1"}).status_code == 201

@pytest.mark.parametrize("round", range(4))
def test_live_is_reset_before_each_test(mockserver_live, round):
    jobs = mockserver_live.state("elasticsearch").sync_jobs.docs
    assert "created-here" not in jobs
    request = urllib.request.Request(mockserver_live.url + "/_connector/_sync_job", method="POST",
                                     data=json.dumps({"id": "connector-1"}).encode(),
                                     headers={"Content-Type": "application/json"})
    job_id = json.load(urllib.request.urlopen(request))["id"]
    jobs["created-here"] = jobs.pop(job_id)
"""


@pytest.mark.ci_only
def test_plugin_fixtures_in_another_project(pytester):
    pytester.makepyfile(test_downstream=DOWNSTREAM_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)


@pytest.mark.ci_only
def test_plugin_under_xdist(pytester):
    pytester.makepyfile(test_downstream=DOWNSTREAM_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=6)


@pytest.mark.ci_only
def test_plugin_ini_options(pytester, tmp_path):
    fixture = tmp_path / "extra.json"
    fixture.write_text(json.dumps({"elasticsearch": {"connectors": {"extra": {"index_name": "search-extra"}}}}))
    pytester.makeini(f"[pytest]\nmockserver_fixtures = {fixture}\nmockserver_default_fixtures = false\n")
    pytester.makepyfile(
        test_ini="""
def test_only_the_named_fixtures(mockserver_client):
    listed = mockserver_client.get("/_connector").json
    assert [c["id"] for c in listed["results"]] == ["extra"]
"""
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


STRICTNESS_TEST = """
from mockserver import runtime_of

def test_strictness(mockserver_app):
    assert runtime_of(mockserver_app).strict is {expected}
"""


@pytest.mark.parametrize(
    "environment, ini, expected",
    [("1", None, True), ("0", None, False), ("", None, False), ("1", "false", False), ("0", "true", True)],
)
def test_the_strict_default_comes_from_the_environment_unless_the_ini_says(
    pytester, monkeypatch, environment, ini, expected
):
    monkeypatch.setenv("MOCKSERVER_STRICT", environment)
    pytester.makeini("[pytest]\n" + (f"mockserver_strict = {ini}\n" if ini is not None else ""))
    pytester.makepyfile(test_strict=STRICTNESS_TEST.format(expected=expected))
    pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:benchmark").assert_outcomes(
        passed=1
    )


def test_a_port_in_use_fails_at_once():
    # "At once": the bind itself refuses (no retry, no thread started), whatever the machine's load.
    app = create_app()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        live = LiveServer(app, port=taken.getsockname()[1])
        with pytest.raises(OSError) as refused:
            live.start()
        assert refused.value.errno == errno.EADDRINUSE
        assert live._thread is None


def test_live_server_stops_and_frees_its_port():
    server = LiveServer(create_app()).start()
    port = server.port
    assert urllib.request.urlopen(server.url + "/_mock/health").status == 200
    server.stop()
    with socket.socket() as again:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))


def _serve(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "mockserver", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_cli_serves_on_loopback_with_fixtures(tmp_path):
    fixture = tmp_path / "cli.json"
    fixture.write_text(json.dumps({"elasticsearch": {"connectors": {"from-cli": {"index_name": "search-cli"}}}}))
    process = _serve("--fixtures", str(fixture), "--strict")
    try:
        line = process.stdout.readline()
        assert "serving on http://127.0.0.1:" in line
        url = line.split()[-1]
        with urllib.request.urlopen(url + "/_connector/from-cli") as reply:
            assert reply.headers["X-elastic-product"] == "Elasticsearch"
            assert "Server" not in reply.headers
            assert json.load(reply)["index_name"] == "search-cli"
    finally:
        process.terminate()
        process.wait(10)


def test_cli_refuses_a_bad_fixture(tmp_path):
    fixture = tmp_path / "bad.json"
    fixture.write_text('{"elasticsearch": {"connectors": []}}')
    process = _serve("--fixtures", str(fixture))
    _, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert str(fixture) in err and "/elasticsearch/connectors" in err


@pytest.mark.ci_only
def test_a_non_editable_install_carries_schemas_and_fixtures(tmp_path):
    """pip install . (a built wheel, not the source tree) gives a working mockserver."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # The dependencies come from this interpreter's own site-packages (a virtual environment's included,
    # which --system-site-packages would skip for the base interpreter's); a path added by a .pth line
    # has its own .pth files left unread, so this checkout's editable install stays out.
    nested = subprocess.run(
        [str(python), "-c", "import site; print(site.getsitepackages()[0])"], check=True, capture_output=True, text=True
    ).stdout.strip()
    Path(nested, "outer.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(ROOT)], check=True, capture_output=True)
    check = (
        "import mockserver, pathlib; "
        "assert 'site-packages' in mockserver.__file__, mockserver.__file__; "
        "app = mockserver.create_app(strict=True); "
        "reply = app.test_client().get('/_connector/connector-1'); "
        "assert reply.status_code == 200, reply.data; "
        "print(pathlib.Path(mockserver.__file__).parent)"
    )
    out = subprocess.run([str(python), "-c", check], cwd=tmp_path, check=True, capture_output=True, text=True)
    package = Path(out.stdout.strip())
    assert (package / "schemas" / "fixture.json").is_file() and (package / "fixtures" / "elasticsearch.json").is_file()
    command = subprocess.run([str(venv / "bin" / "mockserver"), "serve", "--help"], capture_output=True, text=True)
    assert command.returncode == 0 and "--no-default-fixtures" in command.stdout
