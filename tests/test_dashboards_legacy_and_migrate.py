"""``POST /api/saved_objects/_log_legacy_import`` and ``POST /internal/saved_objects/_migrate``: routes
that validate nothing (``validate: false``), so hapi never reads their body (core's router.ts
validOptions: ``parse: false, output: 'stream'``); both answer ``{"success":true}``
(routes/log_legacy_import.ts, routes/migrate.ts and their integration tests)."""

from __future__ import annotations

import base64

import pytest
from conftest import Http, boom, create_app

XSRF = {"osd-xsrf": "true"}
LEGACY = "/api/saved_objects/_log_legacy_import"
MIGRATE = "/internal/saved_objects/_migrate"


def objects(http) -> list[tuple[str, str, str]]:
    found = http.get("/api/saved_objects/_find", query={"type": ["config", "visualization", "dashboard"]}).json
    return [(o["type"], o["id"], o["version"]) for o in found["saved_objects"]]


@pytest.mark.parametrize("path", [LEGACY, MIGRATE])
def test_answers_success_byte_for_byte(http, path):
    reply = http.post(path, headers=XSRF)
    assert (reply.status, reply.text) == (200, '{"success":true}')
    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"
    assert reply.headers["osd-name"] == "mockserver"


@pytest.mark.parametrize("path", [LEGACY, MIGRATE])
def test_the_body_is_never_read(http, path):
    # Not JSON, of a type no parsing route takes, or JSON the route has no schema for: all the same.
    for data, content_type in (
        ("{not json", "application/json"),
        ("<xml/>", "application/xml"),
        ('{"objects": [1, 2]}', "application/json"),
        ("", None),
    ):
        headers = {**XSRF, **({"Content-Type": content_type} if content_type else {})}
        reply = http.post(path, data=data, headers=headers, query={"anything": "goes"})
        assert (reply.status, reply.json) == (200, {"success": True}), (data, reply.text)


@pytest.mark.parametrize("path", [LEGACY, MIGRATE])
def test_core_checks_still_apply(http, path):
    # onPostAuth's XSRF check runs on every route that changes something, whatever it validates.
    boom(http.post(path), 400, "Request must contain a osd-xsrf header.")
    # hapi still refuses an announced length over the route's maxBytes (the server's payload limit).
    too_big = http.post(path, data="x" * (1048576 + 1), headers=XSRF)
    boom(too_big, 413, "Payload content length greater than maximum allowed: 1048576")


def test_log_legacy_import_is_not_a_create(http):
    before = objects(http)
    assert http.post(LEGACY, json={"attributes": {"title": "t"}}, headers=XSRF).json == {"success": True}
    assert objects(http) == before
    # The literal route wins over {type}: no object of a type "_log_legacy_import" is looked for.
    boom(http.get(LEGACY), 404, "Not Found")


def test_migrate_reruns_and_leaves_the_objects_as_they_are(http):
    created = http.post("/api/saved_objects/visualization/v1", json={"attributes": {"title": "V"}}, headers=XSRF)
    assert created.status == 200
    before = objects(http)
    for _ in range(2):  # every call reruns the migrations; nothing is out of date, so nothing changes
        assert http.post(MIGRATE, json={}, headers=XSRF).json == {"success": True}
    assert objects(http) == before
    assert http.get("/api/saved_objects/visualization/v1").json["version"] == created.json["version"]


def test_migrate_needs_credentials_when_security_is_on():
    secured = Http(create_app(auth="admin:admin").test_client())
    boom(secured.post(MIGRATE, headers=XSRF), 401, "Authentication required")
    admin = {**XSRF, "Authorization": "Basic " + base64.b64encode(b"admin:admin").decode()}
    assert secured.post(MIGRATE, headers=admin).json == {"success": True}
    assert secured.post(LEGACY, headers=admin).json == {"success": True}
