"""Several ports in one process sharing one state: each product on its own port, as deployed."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from mockserver import create_app, product_app, runtime_of
from mockserver.server import LiveServer


def fetch(url: str, method: str = "GET", body: dict | None = None, headers: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request) as reply:
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.fixture(scope="module")
def deployment():
    app = create_app()
    servers = {name: LiveServer(product_app(app, [name])).start() for name in ("elasticsearch", "kibana", "dashboards")}
    yield app, {name: server.url for name, server in servers.items()}
    for server in servers.values():
        server.stop()


def test_each_port_answers_only_its_product(deployment):
    _, urls = deployment
    assert fetch(urls["elasticsearch"] + "/_connector/connector-1")[0] == 200
    status, body = fetch(urls["kibana"] + "/_connector/connector-1")
    assert (status, body) == (404, {"statusCode": 404, "error": "Not Found", "message": "Not Found"})
    status, body = fetch(urls["elasticsearch"] + "/api/saved_objects/config/3.6.0")
    assert status == 400 and "no handler found" in body["error"]
    assert fetch(urls["dashboards"] + "/api/saved_objects/config/3.6.0")[0] == 200
    assert fetch(urls["dashboards"] + "/api/ml/saved_objects/sync")[0] == 404


def test_the_ports_share_one_state(deployment):
    app, urls = deployment
    runtime_of(app).reset()
    fetch(
        urls["elasticsearch"] + "/_ml/anomaly_detectors/shared-job",
        "PUT",
        {"analysis_config": {"detectors": [{"function": "count"}]}, "data_description": {}},
    )
    status, synced = fetch(urls["kibana"] + "/api/ml/saved_objects/sync")
    assert status == 200 and "shared-job" in synced["savedObjectsCreated"]["anomaly-detector"]
    # One journal and one control API, reachable on every port.
    products = {e.product for e in runtime_of(app).journal.requests()}
    assert products == {"elasticsearch", "kibana"}
    assert fetch(urls["dashboards"] + "/_mock/requests?product=kibana")[1]["total"] == 1


def test_product_app_names_only_served_products():
    with pytest.raises(ValueError, match="not served"):
        product_app(create_app(products=["elasticsearch"]), ["kibana"])


def test_the_cli_serves_each_product_on_its_port():
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mockserver",
            "serve",
            "--port",
            "0",
            "--product-port",
            "kibana=0",
            "--product-port",
            "dashboards=0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [process.stdout.readline() for _ in range(3)]
        urls = {line.split(" serving ")[1].split(" on ")[0]: line.split()[-1] for line in lines}
        assert set(urls) == {"elasticsearch", "kibana", "dashboards"}
        assert fetch(urls["elasticsearch"] + "/_connector/connector-1")[0] == 200
        assert fetch(urls["kibana"] + "/api/ml/saved_objects/sync?simulate=true")[0] == 200
        assert fetch(urls["kibana"] + "/_connector/connector-1")[0] == 404
        assert fetch(urls["dashboards"] + "/api/saved_objects/config/3.6.0")[0] == 200
    finally:
        process.terminate()
        process.wait(10)


def test_the_cli_refuses_an_unknown_product_port():
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", "serve", "--product-port", "logstash=9600"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "PRODUCT=PORT" in result.stderr


def test_a_port_documents_and_reports_only_its_products():
    app = product_app(create_app(), ["elasticsearch"])
    client = app.test_client()
    assert client.get("/_mock/health").get_json()["products"] == ["elasticsearch"]
    paths = client.get("/_mock/openapi.json").get_json()["paths"]
    assert "/_connector" in paths and not any(p.startswith(("/api/", "/s/")) for p in paths)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--port", "70000"], "between 0 and 65535"),
        (["--product-port", "kibana=0", "--product-port", "kibana=0"], "kibana already has a port"),
    ],
)
def test_the_cli_refuses_bad_ports(args, message):
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", "serve", *args], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and message in result.stderr
