"""The Elasticsearch release is a setting: what GET / says, which endpoints exist and the
compatible-with majors follow it (CLI, create_app, fixture settings, pytest ini)."""

from __future__ import annotations

import pytest
from conftest import Http, es_error, fixture_app

from mockserver import create_app
from mockserver.cli import main
from mockserver.errors import FixtureError


def es(version: str | None = None, **options) -> Http:
    return Http(create_app(elasticsearch_version=version, **options).test_client())


def test_the_default_is_new_enough_for_the_connectors_framework(http):
    """elastic/connectors 9.6.0 needs major 9 and minor 6 or more (preflight_check._versions_compatible)."""
    version = http.get("/").json["version"]
    major, minor, _ = (int(p) for p in version["number"].split("."))
    assert (major, minor) >= (9, 6) and major == 9
    assert (version["build_flavor"], version["lucene_version"], version["minimum_wire_compatibility_version"]) == (
        "default",
        "10.5.1",
        "8.19.0",
    )


@pytest.mark.parametrize(
    "version, lucene, wire, index",
    [
        ("8.12.1", "9.9.2", "7.17.0", "7.0.0"),
        ("9.1.0", "10.2.2", "8.19.0", "8.0.0"),
        ("9.4.2", "10.4.0", "8.19.0", "8.0.0"),
    ],
)
def test_get_root_follows_the_version(version, lucene, wire, index):
    info = es(version).get("/").json["version"]
    assert (
        info["number"],
        info["lucene_version"],
        info["minimum_wire_compatibility_version"],
        info["minimum_index_compatibility_version"],
    ) == (version, lucene, wire, index)


def test_new_indices_record_the_version_that_created_them():
    http = es("8.15.3")
    http.put("/books")
    assert http.get("/books").json["books"]["settings"]["index"]["version"]["created"] == "8150399"


@pytest.mark.parametrize(
    "version, method, path, body",
    [
        ("8.11.4", "PUT", "/_connector/c", {"index_name": "search-c"}),
        ("8.11.4", "GET", "/_connector/_sync_job", None),
        ("8.12.2", "PUT", "/_connector/_sync_job/j/_claim", {"worker_hostname": "h"}),
        ("8.12.2", "PUT", "/_connector/connector-1/_features", {"features": {}}),
        ("8.12.2", "POST", "/_connector/_secret", {"value": "v"}),
        ("8.14.3", "PUT", "/_connector/connector-1/_features", {"features": {}}),
    ],
)
def test_an_endpoint_newer_than_the_release_has_no_handler(version, method, path, body):
    reply = es(version).request(method, path, json=body)
    assert (reply.status, reply.json) == (400, {"error": f"no handler found for uri [{path}] and method [{method}]"})


@pytest.mark.parametrize(
    "version, method, path, body, status",
    [
        ("8.12.0", "GET", "/_connector/connector-1", None, 200),
        ("8.13.0", "POST", "/_connector/_secret", {"value": "v"}, 200),
        ("8.15.0", "PUT", "/_connector/_sync_job/my-connector-sync-job-id/_claim", {"worker_hostname": "h"}, 200),
    ],
)
def test_an_endpoint_exists_from_its_release(version, method, path, body, status):
    assert es(version).request(method, path, json=body).status == status


def test_compatible_with_follows_the_major():
    v8 = {"Accept": "application/vnd.elasticsearch+json; compatible-with=8"}
    v9 = {"Accept": "application/vnd.elasticsearch+json; compatible-with=9"}
    v7 = {"Accept": "application/vnd.elasticsearch+json; compatible-with=7"}
    nine, eight = es("9.6.0"), es("8.19.2")
    assert nine.get("/", headers=v8).status == 200 and nine.get("/", headers=v9).status == 200
    refused = nine.get("/", headers=v7)
    assert refused.status == 400
    assert refused.error["caused_by"]["reason"].startswith("Accept version must be either version 9 or 8, but found 7.")
    assert eight.get("/", headers=v7).status == 200 and eight.get("/", headers=v8).status == 200
    assert (
        eight.get("/", headers=v9)
        .error["caused_by"]["reason"]
        .startswith("Accept version must be either version 8 or 7, but found 9.")
    )


def test_pipelines_carry_their_dates_from_9_2():
    body = {"processors": [{"set": {"field": "a", "value": 1}}]}
    for version, dated in (("9.1.0", False), ("9.2.0", True)):
        http = es(version)
        assert http.put("/_ingest/pipeline/p", json=body).json == {"acknowledged": True}
        stored = http.get("/_ingest/pipeline/p").json["p"]
        assert ("created_date_millis" in stored, "modified_date_millis" in stored) == (dated, dated)


def test_the_fixture_setting_and_create_app_option(tmp_path):
    assert (
        fixture_app(tmp_path, {"elasticsearch": {"settings": {"version": "8.17.0"}}}).get("/").json["version"]["number"]
        == "8.17.0"
    )
    # The option wins over the fixtures, as Kibana's does.
    http = fixture_app(tmp_path, {"elasticsearch": {"settings": {"version": "8.17.0"}}}, elasticsearch_version="9.0.1")
    assert http.get("/").json["version"]["number"] == "9.0.1"


@pytest.mark.parametrize(
    "version, problem",
    [
        ("9", "an Elasticsearch version is X.Y.Z, not [9]"),
        ("7.10.2", "Elasticsearch [7.10.2] is not a release the mock follows: it follows 7.17 to 9.6"),
        ("10.0.0", "Elasticsearch [10.0.0] is not a release the mock follows: it follows 7.17 to 9.6"),
    ],
)
def test_an_unknown_release_fails_at_start(version, problem):
    with pytest.raises(FixtureError) as failure:
        create_app(elasticsearch_version=version)
    assert failure.value.problem == problem and failure.value.place == "/elasticsearch/settings/version"


def test_the_cli_option(capsys):
    assert main(["serve", "--elasticsearch-version", "1.2", "--port", "0"]) == 2
    assert "an Elasticsearch version is X.Y.Z, not [1.2]" in capsys.readouterr().err


def test_the_pytest_ini_option(pytester):
    pytester.makeini("[pytest]\nmockserver_elasticsearch_version = 8.18.1\n")
    pytester.makepyfile(
        test_version="""
def test_version(mockserver_client):
    assert mockserver_client.get("/").json["version"]["number"] == "8.18.1"
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_a_state_dump_keeps_the_version(tmp_path):
    from mockserver import runtime_of

    app = create_app(elasticsearch_version="8.16.1")
    dump = runtime_of(app).store.dump()
    assert dump["elasticsearch"]["settings"] == {"version": "8.16.1"}
    es_error(Http(app.test_client()).get("/_connector/_sync_job/nope"), 404, "resource_not_found_exception")
