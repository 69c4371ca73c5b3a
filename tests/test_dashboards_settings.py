"""OpenSearch Dashboards' version and its opensearch_dashboards.yml settings, from create_app, the fixture,
the CLI and the pytest ini."""

from __future__ import annotations

import io
import json

import pytest
from conftest import DASHBOARDS_CONFIG, DASHBOARDS_RELEASE, Http, create_app

import mockserver
from mockserver.cli import main
from mockserver.dashboards.config import assignment, yaml_scalar
from mockserver.dashboards.versions import DEFAULT_VERSION
from mockserver.errors import FixtureError

XSRF = {"osd-xsrf": "true"}


def dashboards(**options) -> Http:
    return Http(create_app(products=["dashboards"], **options).test_client())


def ndjson_file(*lines: str) -> dict:
    return {"file": (io.BytesIO("\n".join(lines).encode()), "export.ndjson")}


# -- the version --------------------------------------------------------------------------------
def test_the_default_version_is_the_newest_and_its_client_is_accepted():
    from mockserver import create_app as mockserver_create_app  # the default itself, whatever the test matrix

    http = Http(mockserver_create_app(products=["dashboards"]).test_client())
    assert (
        http.post("/api/saved_objects/config", json={"attributes": {}}, headers={"osd-version": "3.6.0"}).status == 200
    )
    refused = http.post("/api/saved_objects/config", json={"attributes": {}}, headers={"osd-version": "2.19.0"})
    assert refused.status == 400 and refused.json["attributes"] == {"expected": "3.6.0", "got": "2.19.0"}


def test_a_configured_version_is_the_one_a_client_must_send():
    http = dashboards(dashboards_version="2.19.0")
    created = http.post("/api/saved_objects/config", json={"attributes": {}}, headers={"osd-version": "2.19.0"})
    assert created.status == 200
    refused = http.post("/api/saved_objects/config", json={"attributes": {}}, headers={"osd-version": "3.6.0"})
    assert refused.status == 400
    assert refused.json["message"] == (
        'Browser client is out of date, please refresh the page ("osd-version" header was "3.6.0" but should be '
        '"2.19.0")'
    )


def test_the_config_object_of_the_running_version_is_upgraded_from_the_newest_older_one():
    older = {"dashboards": {"saved_objects": {"config": {"3.1.0": {"attributes": {"buildNum": 5, "theme": "dark"}}}}}}
    app = create_app(products=["dashboards"], default_fixtures=False, dashboards_version="3.2.0")
    from mockserver.app import runtime_of

    runtime_of(app).store.load(older, "test")  # loaded after start: no upgrade then
    assert Http(app.test_client()).get("/api/saved_objects/config/3.2.0").status == 404

    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "older.json"
        path.write_text(json.dumps(older))
        http = Http(
            create_app(
                [path], products=["dashboards"], default_fixtures=False, dashboards_version="3.2.0"
            ).test_client()
        )
    upgraded = http.get("/api/saved_objects/config/3.2.0")
    assert upgraded.status == 200
    assert upgraded.json["attributes"] == {"buildNum": 9007199254740991, "theme": "dark"}
    assert http.get("/api/saved_objects/config/3.1.0").status == 200  # the older one stays


def test_the_default_fixtures_config_is_the_default_versions_and_an_older_version_gets_a_fresh_one():
    assert dashboards().get("/api/saved_objects/config/3.6.0").status == 200
    http = dashboards(dashboards_version="2.19.0")
    fresh = http.get("/api/saved_objects/config/2.19.0")
    assert fresh.status == 200 and fresh.json["attributes"] == {"buildNum": 9007199254740991}


def test_an_empty_state_gets_no_config_object():
    http = dashboards(default_fixtures=False, dashboards_version="3.1.0")
    assert http.get("/api/saved_objects/_find?type=config").json["total"] == 0


def test_the_release_answers_at_least():
    app = create_app(products=["dashboards"], dashboards_version="2.18.1")
    from mockserver.app import runtime_of

    release = runtime_of(app).store.products["dashboards"].release
    assert release.at_least(2, 18) and release.at_least(2, 18, 1) and not release.at_least(2, 19)
    assert not release.at_least(3)


@pytest.mark.parametrize("bad", ["banana", "3.6", "3.x.0"])
def test_a_version_that_is_not_one_is_refused_naming_the_setting(bad):
    with pytest.raises(ValueError, match=rf"^dashboards_version: \[{bad}\] is not a version X.Y.Z"):
        create_app(products=["dashboards"], dashboards_version=bad)


def test_a_fixture_version_that_is_not_one_is_refused(tmp_path):
    path = tmp_path / "v.json"
    path.write_text('{"dashboards": {"settings": {"version": "banana"}}}')
    with pytest.raises(FixtureError, match=r"/dashboards/settings/version: dashboards.settings.version: \[banana\]"):
        create_app([path], products=["dashboards"])


def test_a_fixture_sets_the_version_and_the_config(tmp_path):
    path = tmp_path / "v.json"
    nested = {"server": {"xsrf": {"disableProtection": True}}}  # as the YAML file nests it
    path.write_text(json.dumps({"dashboards": {"settings": {"version": "2.17.0", "config": nested}}}))
    http = Http(create_app([path], products=["dashboards"]).test_client())
    assert http.post("/api/saved_objects/config/x", json={"attributes": {}}).status == 200  # no osd-xsrf needed
    assert (
        http.post("/api/saved_objects/config/y", json={"attributes": {}}, headers={"osd-version": "2.17.0"}).status
        == 200
    )


# -- the settings ---------------------------------------------------------------------------------
def test_xsrf_is_needed_unless_protection_is_disabled():
    assert dashboards().post("/api/saved_objects/config/x", json={"attributes": {}}).status == 400
    http = dashboards(dashboards_config={"server.xsrf.disableProtection": True})
    assert http.post("/api/saved_objects/config/x", json={"attributes": {}}).status == 200
    assert http.delete("/api/saved_objects/config/x").status == 200


def test_the_allowlist_exempts_routes_by_their_hapi_path():
    http = dashboards(dashboards_config={"server.xsrf.allowlist": ["/api/saved_objects/{type}/{id}"]})
    assert http.put("/api/saved_objects/config/3.6.0", json={"attributes": {"a": 1}}).status == 200
    assert http.delete("/api/saved_objects/config/3.6.0").status == 200
    assert http.post("/api/saved_objects/config/x", json={"attributes": {}}).status == 400  # create is {id?}
    http = dashboards(dashboards_config={"server.xsrf.allowlist": ["/api/saved_objects/{type}/{id?}"]})
    assert http.post("/api/saved_objects/config/x", json={"attributes": {}}).status == 200
    assert http.post("/api/saved_objects/config", json={"attributes": {}}).status == 200


def test_max_import_export_size_limits_the_export():
    http = dashboards(dashboards_config={"savedObjects.maxImportExportSize": 2})
    reply = http.post("/api/saved_objects/_export", json={"type": ["index-pattern"]}, headers=XSRF)
    assert reply.status == 400 and reply.json["message"] == "Can't export more than 2 objects"


def test_max_import_payload_bytes_limits_the_import_and_takes_a_byte_size():
    http = dashboards(dashboards_config={"savedObjects.maxImportPayloadBytes": "1kb"})
    line = '{"type": "config", "id": "z", "attributes": {"pad": "' + "x" * 1100 + '"}}'
    reply = http.post("/api/saved_objects/_import", data=ndjson_file(line), headers=XSRF)
    assert reply.status == 413
    small = http.post(
        "/api/saved_objects/_import", data=ndjson_file('{"type": "url", "id": "u", "attributes": {}}'), headers=XSRF
    )
    assert small.status == 200


def test_the_settings_are_dumped_as_a_user_gives_them():
    """The dump says the version and opensearch_dashboards.yml's keys, not what the mock derives from them."""
    app = create_app(products=["dashboards"], dashboards_config={"opensearchDashboards.index": ".osd"})
    from mockserver.app import runtime_of

    settings = runtime_of(app).store.dump()["dashboards"]["settings"]
    given = {**DASHBOARDS_CONFIG, "opensearchDashboards.index": ".osd"}
    assert settings == {"version": DASHBOARDS_RELEASE.version, "config": given}


def test_data_source_and_migrations_keys_are_accepted_and_kept():
    data_source = {"data_source.enabled": True} if DASHBOARDS_RELEASE.at_least(2, 4) else {}
    config = {**data_source, "migrations.batchSize": 50, "migrations.skip": True}
    app = create_app(products=["dashboards"], dashboards_config=config)
    from mockserver.app import runtime_of

    state = runtime_of(app).store.products["dashboards"]
    assert state.config_value("data_source.enabled") is bool(data_source)
    assert state.config_value("migrations.batchSize") == 50
    assert state.config_value("migrations.pollInterval") == 1500  # OSD's default


def test_workspace_enabled_is_a_boolean_of_the_workspace_plugins_schema():
    # (the plugin itself: tests/test_dashboards_workspaces.py)
    if not DASHBOARDS_RELEASE.at_least(2, 14):  # no workspace plugin yet: its keys are nobody's
        with pytest.raises(ValueError, match=r'Unknown configuration key\(s\): "workspace.enabled"'):
            create_app(products=["dashboards"], dashboards_config={"workspace.enabled": True})
        return
    with pytest.raises(ValueError, match=r"\[config validation of \[workspace\].enabled\]: expected value of type "
                       r"\[boolean\] but got \[string\]"):  # fmt: skip
        create_app(products=["dashboards"], dashboards_config={"workspace.enabled": "yes"})
    create_app(products=["dashboards"], dashboards_config={"workspace.enabled": True})


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"foo.bar": 1},
            'Unknown configuration key(s): "foo.bar". Check for spelling errors and ensure that expected plugins are '
            "installed.",
        ),
        (
            {"server.xsrf.disable": True},
            "[config validation of [server].xsrf.disable]: definition for this key is missing",
        ),
        (
            {"server.xsrf.disableProtection": "yes"},
            "[config validation of [server].xsrf.disableProtection]: expected value of type [boolean] but got [string]",
        ),
        (
            {"server.xsrf.allowlist": "/api"},
            "[config validation of [server].xsrf.allowlist]: expected value of type [array] but got [string]",
        ),
        (
            {"server.xsrf.allowlist": [1]},
            "[config validation of [server].xsrf.allowlist.0]: expected value of type [string] but got [number]",
        ),
        (
            {"savedObjects.maxImportExportSize": "lots"},
            "[config validation of [savedObjects].maxImportExportSize]: Failed to parse value as byte value.",
        ),
        (
            {"migrations.delete.enabled": True},
            "[config validation of [migrations].delete]: delete types cannot be empty when delete is enabled",
        ),
    ],
)
def test_a_bad_setting_is_refused_at_start_with_osds_wording(config, message):
    with pytest.raises(ValueError) as refused:
        create_app(products=["dashboards"], dashboards_config=config)
    assert str(refused.value).startswith(f"dashboards_config: {message}")


def test_a_fixture_config_is_checked(tmp_path):
    path = tmp_path / "c.json"
    path.write_text('{"dashboards": {"settings": {"config": {"savedObjects.maxImportExportSize": true}}}}')
    with pytest.raises(FixtureError, match=r"at /dashboards/settings/config: \[config validation of \[savedObjects\]"):
        create_app([path], products=["dashboards"])


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        ("False", False),
        ("10", 10),
        ("1.5", 1.5),
        ("200mb", "200mb"),
        ("'it''s'", "it's"),
        ('["/a", "/b"]', ["/a", "/b"]),
        ("[/a, /b]", ["/a", "/b"]),
        ("[]", []),
        ("~", None),
    ],
)
def test_values_are_read_as_yaml_scalars(text, value):
    assert yaml_scalar(text) == value


def test_an_assignment_is_key_equals_value():
    assert assignment("server.xsrf.allowlist=[/api/saved_objects/_import]") == (
        "server.xsrf.allowlist",
        ["/api/saved_objects/_import"],
    )
    with pytest.raises(ValueError, match="is not KEY=VALUE"):
        assignment("server.xsrf.disableProtection")


# -- the CLI and the ini -------------------------------------------------------------------------
def test_cli_refuses_a_bad_version_and_a_bad_assignment(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--dashboards-version", "banana"])
    assert exited.value.code == 2
    assert "argument --dashboards-version: 'banana' is not a version X.Y.Z" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["serve", "--dashboards-config", "novalue"])
    assert "argument --dashboards-config: [novalue] is not KEY=VALUE" in capsys.readouterr().err


def test_cli_refuses_an_unknown_key_at_start_without_a_traceback(capsys):
    assert main(["serve", "--port", "0", "--dashboards-config", "server.xsrf.disableProtection=true",
                 "--dashboards-config", "foo.bar=1"]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert err.startswith('mockserver: dashboards_config: Unknown configuration key(s): "foo.bar".')
    assert "Traceback" not in err
    assert main(["serve", "--port", "0", "--dashboards-config", "workspace.enabled=maybe"]) == 2
    assert "[config validation of [workspace].enabled]: expected value of type [boolean]" in capsys.readouterr().err


def test_ini_options_set_the_version_and_the_config(pytester):
    pytester.makeini(
        "[pytest]\nmockserver_dashboards_version = 2.19.0\nmockserver_dashboards_config =\n"
        "    server.xsrf.allowlist=[/api/saved_objects/{type}/{id}]\n    savedObjects.maxImportExportSize=1\n"
    )
    pytester.makepyfile(
        """
def test_settings(mockserver_client):
    reply = mockserver_client.post("/api/saved_objects/config", json={"attributes": {}},
                                   headers={"osd-version": "3.6.0"})
    assert reply.json["attributes"] == {"expected": "2.19.0", "got": "3.6.0"}
    assert mockserver_client.put("/api/saved_objects/config/2.19.0", json={"attributes": {}}).status_code == 200
    reply = mockserver_client.post("/api/saved_objects/_export", json={"type": ["index-pattern"]},
                                   headers={"osd-xsrf": "true"})
    assert reply.json["message"] == "Can't export more than 1 objects"
"""
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_a_bad_ini_line_is_a_usage_error(pytester):
    pytester.makeini("[pytest]\nmockserver_dashboards_config =\n    nonsense\n")
    pytester.makepyfile("def test_x(mockserver_client):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert "mockserver_dashboards_config: [nonsense] is not KEY=VALUE" in result.stdout.str() + result.stderr.str()


def test_max_payload_bytes_limits_every_other_body():
    http = dashboards(dashboards_config={"server.maxPayloadBytes": 100})
    reply = http.post("/api/saved_objects/config/big", json={"attributes": {"pad": "x" * 200}}, headers=XSRF)
    assert reply.status == 413
    assert http.post("/api/saved_objects/config/small", json={"attributes": {}}, headers=XSRF).status == 200


def test_settings_survive_a_reset():
    app = create_app(products=["dashboards"], dashboards_version="2.19.0", dashboards_config={"migrations.skip": True})
    from mockserver.app import runtime_of

    runtime = runtime_of(app)
    runtime.reset()
    state = runtime.store.products["dashboards"]
    assert state.release.version == "2.19.0" and state.config_value("migrations.skip") is True


# -- a real opensearch_dashboards.yml -----------------------------------------------------------
# The stock config/opensearch_dashboards.yml's examples, uncommented (nested as the YAML file has them),
# and keys users commonly add under the security plugin's, maps', uiSettings' and other namespaces.
STOCK_YML = {
    "server": {
        "port": 5601,
        "host": "0.0.0.0",
        "basePath": "",
        "rewriteBasePath": False,
        "maxPayloadBytes": 1048576,
        "name": "your-hostname",
        "ssl": {"enabled": False, "certificate": "/path/to/your/server.crt", "key": "/path/to/your/server.key"},
        "customResponseHeaders": {"x-frame-options": "DENY"},
    },
    "opensearch": {
        "hosts": ["http://localhost:9200"],
        "optimizedHealthcheck": {"id": "cluster_id", "filters": {"attribute_key": "attribute_value"}},
        "username": "opensearch_dashboards_system",
        "password": "pass",
        "ssl": {
            "certificate": "/path/to/your/client.crt",
            "key": "/path/to/your/client.key",
            "certificateAuthorities": ["/path/to/your/CA.pem"],
            "verificationMode": "full",
        },
        "pingTimeout": 1500,
        "requestTimeout": 30000,
        "memoryCircuitBreaker": {"enabled": False, "maxPercentage": 1.0},
        "requestHeadersWhitelist": ["authorization"],
        "requestHeadersAllowlist": ["authorization", "securitytenant"],
        "customHeaders": {},
        "shardTimeout": 30000,
        "logQueries": False,
        "disablePrototypePoisoningProtection": False,
    },
    "opensearchDashboards": {
        "index": ".opensearch_dashboards",
        "defaultAppId": "home",
        "branding": {
            "logo": {"defaultUrl": "", "darkModeUrl": ""},
            "mark": {"defaultUrl": "", "darkModeUrl": ""},
            "loadingLogo": {"defaultUrl": "", "darkModeUrl": ""},
            "faviconUrl": "",
            "applicationTitle": "",
            "useExpandedHeader": False,
        },
        "survey": {"url": "https://survey.opensearch.org"},
    },
    "pid": {"file": "/var/run/opensearchDashboards.pid"},
    "logging": {"dest": "stdout", "silent": False, "quiet": False, "verbose": False},
    "ops": {"interval": 5000},
    "i18n": {"locale": "en"},
    "vis_type_timeline": {"graphiteAllowedUrls": ["https://www.hostedgraphite.com/UID/ACCESS_KEY/graphite"]},
    "vis_type_vega": {"enabled": True},
    "map": {"showRegionDeniedWarning": False},
    "data": {"search": {"usageTelemetry": {"enabled": False}}},
    "vis_builder": {"enabled": False},
    "data_source": {
        "enabled": False,
        "encryption": {"wrappingKeyName": "changeme", "wrappingKeyNamespace": "changeme", "wrappingKey": [0] * 32},
        "endpointDeniedIPs": ["127.0.0.0/8", "::1/128"],
    },
    "vis_augmenter": {"pluginAugmentationEnabled": True},
    "workspace": {"dashboardAdmin": {"backendRoles": ["dashboard_admin"]}},
    "csp": {"strict": False},
    "uiSettings": {"overrides": {"theme:darkMode": True}},
    "home": {"disableWelcomeScreen": True},
    "opensearch_security": {
        "multitenancy": {"enabled": True, "tenants": {"preferred": ["Private", "Global"]}},
        "readonly_mode": {"roles": ["kibana_read_only"]},
        "cookie": {"secure": False},
    },
    "savedObjects": {"maxImportExportSize": 10000},
}


def test_the_stock_opensearch_dashboards_yml_loads_and_its_keys_are_kept():
    # The stock yml of the newest release (older ones lack the workspace plugin's keys).
    app = create_app(products=["dashboards"], dashboards_config=STOCK_YML, dashboards_version=DEFAULT_VERSION)
    from mockserver.app import runtime_of

    runtime = runtime_of(app)
    state = runtime.store.products["dashboards"]
    assert state.config_value("opensearch.hosts") == ["http://localhost:9200"]
    assert state.config_value("opensearch_security.multitenancy.enabled") is True
    assert state.config_value("opensearch.apiVersion") == "7.x"  # OSD's default, not given
    kept = runtime.store.dump()["dashboards"]["settings"]["config"]
    assert kept["uiSettings.overrides.theme:darkMode"] is True and kept["vis_type_vega.enabled"] is True
    assert kept["opensearch.optimizedHealthcheck.filters.attribute_key"] == "attribute_value"
    # index is one the mock acts on; the others change no answer
    assert state.settings["index"] == ".opensearch_dashboards"
    http = Http(app.test_client())
    assert http.get("/api/saved_objects/_find?type=config").status == 200


@pytest.mark.parametrize(
    ("version", "config", "message"),
    [
        # No data_source plugin before 2.4.0 (NAMESPACE_SINCE): its keys are nobody's.
        ("2.3.0", {"data_source.enabled": True}, 'Unknown configuration key(s): "data_source.enabled". Check for'),
        ("2.3.0", {"data_source": {"encryption": {"wrappingKeyName": "k"}}}, 'Unknown configuration key(s): "data_sou'),
        # opensearchDashboards.dashboardAdmin came with 2.15.0 (#6829): 2.14's opensearchDashboards object lacks it.
        (
            "2.14.0",
            {"opensearchDashboards.dashboardAdmin.users": ["admin"]},
            "[config validation of [opensearchDashboards].dashboardAdmin]: definition for this key is missing",
        ),
        (
            "1.3.20",
            {"opensearchDashboards": {"dashboardAdmin": {"groups": ["admins"]}}},
            "[config validation of [opensearchDashboards].dashboardAdmin]: definition for this key is missing",
        ),
    ],
)
def test_keys_newer_than_the_release_are_refused_as_osd_refuses_an_unknown_key(version, config, message):
    # (mockserver's own create_app: the matrix's settings are not those of this release)
    with pytest.raises(ValueError) as refused:
        mockserver.create_app(products=["dashboards"], dashboards_config=config, dashboards_version=version)
    assert str(refused.value).startswith(f"dashboards_config: {message}")


@pytest.mark.parametrize(("version", "config"), [
    ("2.4.0", {"data_source.enabled": True}),
    ("2.15.0", {"opensearchDashboards.dashboardAdmin": {"users": ["admin"], "groups": []}}),
])  # fmt: skip
def test_the_first_release_with_a_key_takes_it(version, config):
    mockserver.create_app(products=["dashboards"], dashboards_config=config, dashboards_version=version)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"xpack.security.enabled": True, "vis_type_": 1},
            'Unknown configuration key(s): "xpack.security.enabled", "vis_type_". Check for spelling errors',
        ),
        ({"opensearch.hostz": ["http://x"]}, "[config validation of [opensearch].hostz]: definition for this key"),
        ({"server.port": "5601x"}, "[config validation of [server].port]: expected value of type [number] but got"),
        (
            {"opensearch.requestTimeout": True},
            "[config validation of [opensearch].requestTimeout]: expected value of type [moment.Duration] but got "
            "[boolean]",
        ),
        (
            {"server.rewriteBasePath": True},
            "[config validation of [server]]: cannot use [rewriteBasePath] when [basePath] is not specified",
        ),
    ],
)
def test_keys_outside_every_namespace_or_of_a_wrong_kind_are_refused(config, message):
    with pytest.raises(ValueError) as refused:
        create_app(products=["dashboards"], dashboards_config=config)
    assert str(refused.value).startswith(f"dashboards_config: {message}")


def test_a_base_path_fails_at_start_as_not_mocked():
    with pytest.raises(ValueError, match=r"server.basePath: /osd: a base path is not mocked"):
        create_app(
            products=["dashboards"], dashboards_config={"server.basePath": "/osd", "server.rewriteBasePath": True}
        )
    create_app(products=["dashboards"], dashboards_config={"server.basePath": ""})


def test_server_max_payload_is_max_payload_bytes_by_its_new_name():
    http = dashboards(dashboards_config={"server.maxPayload": "100b"})
    reply = http.post("/api/saved_objects/config/big", json={"attributes": {"pad": "x" * 200}}, headers=XSRF)
    assert reply.status == 413


def test_server_name_is_the_osd_name_header_on_every_answer():
    """OSD answers its server.name in osd-name, on routed answers and on its 404 alike."""
    assert dashboards().get("/api/saved_objects/_find?type=config").headers["osd-name"] == "mockserver"
    http = dashboards(dashboards_config={"server.name": "my-osd"})
    assert http.get("/api/saved_objects/_find?type=config").headers["osd-name"] == "my-osd"
    assert http.get("/api/saved_objects/no/such/route").headers["osd-name"] == "my-osd"
