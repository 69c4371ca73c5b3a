"""Credentials over HTTP: the journal keeps no secret of an Authorization header, and passwords and API
key secrets are still told right from wrong (compared in constant time)."""

from __future__ import annotations

import base64
import http.client
import json
from urllib.parse import urlsplit

import pytest

from mockserver import create_app
from mockserver.server import LiveServer


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.fixture(scope="module")
def secured_url():
    with LiveServer(create_app(auth="elastic:changeme")) as server:
        yield server.url


def call(url: str, method: str, path: str, authorization: str | None, body: dict | None = None):
    address = urlsplit(url)
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    headers = {"Content-Type": "application/json"} | ({"Authorization": authorization} if authorization else {})
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        reply = conn.getresponse()
        return reply.status, json.loads(reply.read())
    finally:
        conn.close()


def test_the_journal_keeps_the_scheme_never_the_secret(secured_url):
    right, wrong = basic("elastic", "changeme"), basic("elastic", "changemf")
    assert call(secured_url, "GET", "/_connector", right)[0] == 200
    assert call(secured_url, "GET", "/_connector", wrong)[0] == 401
    status, key = call(secured_url, "POST", "/_security/api_key", right, {"name": "journal-key"})
    assert status == 200
    assert call(secured_url, "GET", "/_connector", "ApiKey " + key["encoded"])[0] == 200
    status, entries = call(secured_url, "GET", "/_mock/requests?path=/_connector", right)
    assert status == 200
    sent = [entry["request_headers"]["Authorization"] for entry in entries["requests"]]
    assert sorted(sent) == ["ApiKey [redacted]", "Basic [redacted]", "Basic [redacted]"]
    assert key["encoded"] not in json.dumps(entries) and right.split()[1] not in json.dumps(entries)


@pytest.mark.parametrize("password", ["changem", "changemee", "", "CHANGEME", "changeme\u00e9"])
def test_a_password_that_is_not_the_one_is_refused(secured_url, password):
    status, body = call(secured_url, "GET", "/_connector", basic("elastic", password))
    assert status == 401 and body["error"]["type"] == "security_exception"


def test_an_api_key_with_a_wrong_secret_is_refused(secured_url):
    status, key = call(secured_url, "POST", "/_security/api_key", basic("elastic", "changeme"), {"name": "k"})
    forged = base64.b64encode(f"{key['id']}:{key['api_key'][:-1]}x".encode()).decode()
    status, body = call(secured_url, "GET", "/_connector", "ApiKey " + forged)
    assert status == 401
    assert (
        body["error"]["additional_unsuccessful_credentials"]
        == f"API key: invalid credentials for API key [{key['id']}]"
    )
