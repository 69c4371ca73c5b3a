"""The console examples of Elasticsearch's connector API and connector sync job API pages, each page run
in page order on the mock's fresh default state, with the documented status and response.

Sources (elastic/elasticsearch, 8.x, ``docs/reference/connector/apis/*.asciidoc``, the newest stored version
of each page; the commit is given per page below), two related pages the API pages link to (the Connector
API tutorial and the programmatic API key steps of the Elastic managed connectors page), and the request
examples of elastic/elasticsearch-specification (the 9.x API reference) that the asciidoc pages do not
have.

How a page runs, as Elasticsearch's docs test runner (DocsTestPlugin) runs it:

* each example starts a doc test of its own, unless it is ``// TEST[continued]`` (then it joins the one before);
* ``// TESTSETUP`` runs before each doc test and ``// TEARDOWN`` after it (their answers are not documented:
  any 2xx passes, as the runner's ``do`` does);
* between doc tests the runner wipes the cluster. The connector DELETE is a soft delete (``deleted: true``,
  ES 8.16 and later, here as there), so without the wipe a connector deleted by a teardown would come back
  ``updated`` instead of ``created``: the wipe is emulated by hard-deleting the soft-deleted connectors;
* ``// TEST[skip:...]`` examples (all the sync job ones) are run too, on the objects the default fixtures hold.

A documented response is compared exactly (none of these pages has a ``// TESTRESPONSE[s/.../.../]``; a
generated id is matched as the docs tests match it, ``$body.id``, by its shape). Where a page documents no
response, the answer is checked for what the page says the call does (``documented=False`` below).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from conftest import Http

from mockserver import create_app

GENERATED_ID = re.compile(r"^[A-Za-z0-9_-]{20}$")


@dataclass
class Step:
    """One request of a page. ``kind`` is ``example`` (a console block of the page), ``setup``/``teardown``
    (its TESTSETUP/TEARDOWN blocks) or ``service`` (what the connector service does between two examples
    of the tutorial, through the same APIs; not a console block)."""

    request: str  # "METHOD path[?query]" as the console block writes it
    body: Any = None
    status: int | tuple[int, ...] = 200
    response: Any = None  # the exact expected body, or None
    check: Callable[[Any], None] | None = None  # what to check when there is no exact body
    documented: bool = True  # is the response (or the status) documented on the page?
    continued: bool = False  # // TEST[continued]
    skip_in_es: bool = False  # // TEST[skip:...] (run here all the same)
    kind: str = "example"

    @property
    def method(self) -> str:
        return self.request.split(" ", 1)[0]

    @property
    def target(self) -> str:
        return self.request.split(" ", 1)[1]


@dataclass
class Page:
    name: str
    path: str
    commit: str
    examples: list[Step]
    setup: list[Step] = field(default_factory=list)
    teardown: list[Step] = field(default_factory=list)
    repo: str = "elastic/elasticsearch"
    secured: bool = False  # run with security on (the page creates API keys)


def setup(request: str, body: Any = None) -> Step:
    return Step(request, body, status=(200, 201), kind="setup", documented=False)


def teardown(request: str) -> Step:
    return Step(request, status=200, kind="teardown", documented=False)


UPDATED = {"result": "updated"}
ACKNOWLEDGED = {"acknowledged": True}


# -- checks for answers a page does not write out -------------------------------------------------------


def generated_id(body):
    """``{"id": "$body.id"}``: the one key, a 20-character generated id."""
    assert set(body) == {"id"} and GENERATED_ID.match(body["id"]), body


def connector_is(**fields):
    def check(body):
        assert {k: body.get(k) for k in fields} == fields, body

    return check


def listing(*, includes=(), exactly=None, size=None, where=None):
    """A ``{"count", "results"}`` answer: these ids among the results (or exactly these, in this order),
    at most ``size`` of them, each result meeting ``where``; connectors come sorted by index name."""

    def check(body):
        assert set(body) == {"count", "results"}, body
        ids = [r["id"] for r in body["results"]]
        assert body["count"] >= len(ids)
        if size is not None:
            assert len(ids) == min(size, body["count"]), ids
        for wanted in includes:
            assert wanted in ids, (wanted, ids)
        if exactly is not None:
            assert ids == list(exactly) and body["count"] == len(exactly), ids
        for result in body["results"]:
            assert where is None or where(result), result

    return check


def sorted_by_index_name(body):
    names = [r.get("index_name") for r in body["results"]]
    assert names == sorted(names, key=lambda n: (n is None, n or "")), names


def all_of(*checks):
    def check(body):
        for c in checks:
            c(body)

    return check


def es_error(type_: str, reason: str):
    def check(body):
        assert body["status"] in (400, 404) and (body["error"]["type"], body["error"]["reason"]) == (type_, reason), (
            body
        )

    return check


def api_key(name: str):
    def check(body):
        assert {"id", "name", "api_key", "encoded"} <= set(body) and body["name"] == name, body

    return check


# -- the bodies the pages share ---------------------------------------------------------------------

MY_CONNECTOR = {"index_name": "search-google-drive", "name": "My Connector", "service_type": "google_drive"}
MY_CONNECTOR_SETUP = [setup("PUT _connector/my-connector", MY_CONNECTOR)]
MY_CONNECTOR_TEARDOWN = [teardown("DELETE _connector/my-connector")]


def _spo_entry(
    label,
    order,
    *,
    display="textbox",
    type_="str",
    sensitive=False,
    required=True,
    tooltip="",
    default=None,
    value="",
    depends_on=(),
    ui_restrictions=(),
):
    return {
        "default_value": default,
        "depends_on": list(depends_on),
        "display": display,
        "label": label,
        "options": [],
        "order": order,
        "required": required,
        "sensitive": sensitive,
        "tooltip": tooltip,
        "type": type_,
        "ui_restrictions": list(ui_restrictions),
        "validations": [],
        "value": value,
    }


def _dls(field_, value):
    return [{"field": field_, "value": value}]


# The configuration schema the configuration page's TESTSETUP registers for my-spo-connector (verbatim).
SPO_CONFIGURATION = {
    "tenant_id": _spo_entry("Tenant ID", 1),
    "tenant_name": _spo_entry("Tenant name", 2),
    "client_id": _spo_entry("Client ID", 3),
    "secret_value": _spo_entry("Secret value", 4, sensitive=True),
    "site_collections": _spo_entry(
        "Comma-separated list of sites",
        5,
        display="textarea",
        type_="list",
        tooltip="A comma-separated list of sites to ingest data from. Use * to include all available sites.",
    ),
    "use_text_extraction_service": _spo_entry(
        "Use text extraction service",
        6,
        display="toggle",
        type_="bool",
        default=False,
        value=False,
        ui_restrictions=["advanced"],
        tooltip="Requires a separate deployment of the Elastic Data Extraction Service. Also requires that "
        "pipeline settings disable text extraction.",
    ),
    "use_document_level_security": _spo_entry(
        "Enable document level security",
        7,
        display="toggle",
        type_="bool",
        default=False,
        value=False,
        tooltip="Document level security ensures identities and permissions set in Sharepoint Online are "
        "maintained in Elasticsearch. This metadata is added to your Elasticsearch documents, so you can "
        "control user and group read-access. Access control syncs ensure this metadata is kept up to date.",
    ),
    "fetch_drive_item_permissions": _spo_entry(
        "Fetch drive item permissions",
        8,
        display="toggle",
        type_="bool",
        default=True,
        value=True,
        depends_on=_dls("use_document_level_security", True),
        tooltip="Enable this option to fetch drive item specific permissions. This setting can increase sync time.",
    ),
    "fetch_unique_page_permissions": _spo_entry(
        "Fetch unique page permissions",
        9,
        display="toggle",
        type_="bool",
        default=True,
        value=True,
        depends_on=_dls("use_document_level_security", True),
        tooltip="Enable this option to fetch unique page permissions. This setting can increase sync time. If this "
        "setting is disabled a page will inherit permissions from its parent site.",
    ),
    "fetch_unique_list_permissions": _spo_entry(
        "Fetch unique list permissions",
        10,
        display="toggle",
        type_="bool",
        default=True,
        value=True,
        depends_on=_dls("use_document_level_security", True),
        tooltip="Enable this option to fetch unique list permissions. This setting can increase sync time. If this "
        "setting is disabled a list will inherit permissions from its parent site.",
    ),
    "fetch_unique_list_item_permissions": _spo_entry(
        "Fetch unique list item permissions",
        11,
        display="toggle",
        type_="bool",
        default=True,
        value=True,
        depends_on=_dls("use_document_level_security", True),
        tooltip="Enable this option to fetch unique list item permissions. This setting can increase sync time. If "
        "this setting is disabled a list item will inherit permissions from its parent site.",
    ),
    "enumerate_all_sites": _spo_entry(
        "Enumerate all sites?",
        6,
        display="toggle",
        type_="bool",
        required=False,
        default=True,
        value=True,
        tooltip="If enabled, sites will be fetched in bulk, then filtered down to the configured list of sites. This "
        "is efficient when syncing many sites. If disabled, each configured site will be fetched with an "
        "individual request. This is efficient when syncing fewer sites.",
    ),
    "fetch_subsites": _spo_entry(
        "Fetch sub-sites of configured sites?",
        7,
        display="toggle",
        type_="bool",
        required=False,
        default=False,
        value=True,
        depends_on=_dls("enumerate_all_sites", False),
        tooltip="Whether subsites of the configured site(s) should be automatically fetched.",
    ),
}

# The PostgreSQL configuration schema the connector service registers when it starts (the tutorial's
# connector; the fields the tutorial sets, as connectors' PostgreSQLDataSource declares them).
POSTGRESQL_CONFIGURATION = {
    name: {
        "label": label,
        "order": order,
        "type": type_,
        "display": display,
        "required": True,
        "sensitive": name == "password",
        "value": "",
    }
    for order, (name, label, type_, display) in enumerate(
        [
            ("host", "Host", "str", "text"),
            ("port", "Port", "int", "numeric"),
            ("username", "Username", "str", "text"),
            ("password", "Password", "str", "text"),
            ("database", "Database", "str", "text"),
            ("schema", "Schema", "str", "text"),
            ("tables", "Comma-separated list of tables", "list", "textarea"),
        ],
        start=1,
    )
}

MUSIC_CONNECTOR_ROLE = {
    "music-connector-role": {
        "cluster": ["monitor", "manage_connector"],
        "indices": [
            {
                "names": ["music", ".search-acl-filter-music", ".elastic-connectors*"],
                "privileges": ["all"],
                "allow_restricted_indices": False,
            }
        ],
    }
}
MANAGED_CONNECTOR_ROLE = {
    "my-connector-connector-role": {
        "cluster": ["monitor", "manage_connector"],
        "indices": [
            {
                "names": ["my-index_name", ".search-acl-filter-my-index_name", ".elastic-connectors*"],
                "privileges": ["all"],
                "allow_restricted_indices": False,
            }
        ],
    }
}

SKIP = {"skip_in_es": True}


# -- the pages ---------------------------------------------------------------------------------------------
APIS = "docs/reference/connector/apis/"

PAGES = [
    # -- connector APIs --
    Page(
        "create-connector-api",
        APIS + "create-connector-api.asciidoc",
        "b17180626f62e4e753bb7024512765f82e472616",
        [
            # Not documented: on ES's empty cluster 201 created; the default state holds my-connector, so 200 updated.
            Step(
                "PUT _connector/my-connector",
                MY_CONNECTOR,
                200,
                {"id": "my-connector", "result": "updated"},
                documented=False,
            ),
            Step("DELETE _connector/my-connector", continued=True, response=ACKNOWLEDGED, documented=False),
            Step(
                "PUT _connector/my-connector",
                {
                    "index_name": "search-google-drive",
                    "name": "My Connector",
                    "description": "My Connector to sync data to Elastic index from Google Drive",
                    "service_type": "google_drive",
                    "language": "en",
                },
                201,
                {"result": "created", "id": "my-connector"},
            ),
            Step("DELETE _connector/my-connector", continued=True, response=ACKNOWLEDGED, documented=False),
        ],
    ),
    Page(
        "delete-connector-api",
        APIS + "delete-connector-api.asciidoc",
        "fd1a517d9485d9187c9d4815f478f8edfd3f2037",
        [
            Step("DELETE _connector/another-connector?delete_sync_jobs=true", response=ACKNOWLEDGED),
        ],
        setup=[
            setup("PUT _connector/my-connector", {"name": "My Connector", "service_type": "google_drive"}),
            setup("PUT _connector/another-connector", {"name": "My Connector", "service_type": "google_drive"}),
        ],
    ),
    Page(
        "get-connector-api",
        APIS + "get-connector-api.asciidoc",
        "591c5c61e220c10f2c62cf5f9e318d7f94a67b93",
        [
            Step(
                "GET _connector/my-connector",
                documented=False,
                check=connector_is(
                    id="my-connector",
                    index_name="search-google-drive",
                    name="Google Drive Connector",
                    service_type="google_drive",
                    status="created",
                    is_native=False,
                    configuration={},
                    deleted=False,
                ),
            ),
        ],
        setup=[
            setup(
                "PUT _connector/my-connector",
                {"index_name": "search-google-drive", "name": "Google Drive Connector", "service_type": "google_drive"},
            )
        ],
        teardown=MY_CONNECTOR_TEARDOWN,
    ),
    Page(
        "list-connectors-api",
        APIS + "list-connectors-api.asciidoc",
        "457aac9d41adaa2adcdae1f1d6b2c50d37ef6d7d",
        [
            Step(
                "GET _connector",
                documented=False,
                check=all_of(listing(includes=["connector-1", "connector-2"]), sorted_by_index_name),
            ),
            Step("GET _connector?from=0&size=2", documented=False, check=all_of(listing(size=2), sorted_by_index_name)),
            Step(
                "GET _connector?index_name=search-google-drive",
                documented=False,
                check=listing(exactly=["connector-1"]),
            ),
            Step(
                "GET _connector?service_type=sharepoint_online",
                documented=False,
                check=listing(includes=["connector-2"], where=lambda c: c["service_type"] == "sharepoint_online"),
            ),
            Step(
                "GET _connector?service_type=sharepoint_online,google_drive",
                documented=False,
                check=listing(
                    includes=["connector-1", "connector-2"],
                    where=lambda c: c["service_type"] in ("sharepoint_online", "google_drive"),
                ),
            ),
        ],
        setup=[
            setup(
                "PUT _connector/connector-1",
                {"index_name": "search-google-drive", "name": "Google Drive Connector", "service_type": "google_drive"},
            ),
            setup(
                "PUT _connector/connector-2",
                {
                    "index_name": "search-sharepoint-online",
                    "name": "Sharepoint Online Connector",
                    "service_type": "sharepoint_online",
                },
            ),
        ],
        teardown=[teardown("DELETE _connector/connector-1"), teardown("DELETE _connector/connector-2")],
    ),
    Page(
        "update-connector-api-key-id-api",
        APIS + "update-connector-api-key-id-api.asciidoc",
        "e965efd14a8b831bff111ee79c01dbe79de23df0",
        [
            Step(
                "PUT _connector/my-connector/_api_key_id",
                {"api_key_id": "my-api-key-id", "api_key_secret_id": "my-connector-secret-id"},
                response=UPDATED,
            ),
        ],
        setup=MY_CONNECTOR_SETUP,
        teardown=MY_CONNECTOR_TEARDOWN,
    ),
    Page(
        "update-connector-configuration-api",
        APIS + "update-connector-configuration-api.asciidoc",
        "fc9b68d2f8eb34e50feb2fc8a35851eab1e3f2c0",
        [
            Step(
                "PUT _connector/my-spo-connector/_configuration",
                {
                    "values": {
                        "tenant_id": "my-tenant-id",
                        "tenant_name": "my-sharepoint-site",
                        "client_id": "foo",
                        "secret_value": "bar",
                        "site_collections": "*",
                    }
                },
                response=UPDATED,
            ),
            Step(
                "PUT _connector/my-spo-connector/_configuration",
                {"values": {"secret_value": "foo-bar"}},
                response=UPDATED,
            ),
        ],
        setup=[
            setup(
                "PUT _connector/my-spo-connector",
                {
                    "index_name": "search-sharepoint-online",
                    "name": "Sharepoint Online Connector",
                    "service_type": "sharepoint_online",
                },
            ),
            setup("PUT _connector/my-spo-connector/_configuration", {"configuration": SPO_CONFIGURATION}),
        ],
        teardown=[teardown("DELETE _connector/my-spo-connector")],
    ),
    Page(
        "update-connector-index-name-api",
        APIS + "update-connector-index-name-api.asciidoc",
        "e965efd14a8b831bff111ee79c01dbe79de23df0",
        [
            Step(
                "PUT _connector/my-connector/_index_name", {"index_name": "data-from-my-google-drive"}, response=UPDATED
            ),
        ],
        setup=MY_CONNECTOR_SETUP,
        teardown=MY_CONNECTOR_TEARDOWN,
    ),
    Page(
        "update-connector-features-api",
        APIS + "update-connector-features-api.asciidoc",
        "aff16e1c1403809940122466f3f782f03dd4d51d",
        [
            Step(
                "PUT _connector/my-connector/_features",
                {
                    "features": {
                        "document_level_security": {"enabled": True},
                        "incremental_sync": {"enabled": True},
                        "sync_rules": {"advanced": {"enabled": False}, "basic": {"enabled": True}},
                    }
                },
                response=UPDATED,
            ),
            Step(
                "PUT _connector/my-connector/_features",
                {"features": {"document_level_security": {"enabled": True}}},
                response=UPDATED,
            ),
        ],
        setup=MY_CONNECTOR_SETUP,
        teardown=MY_CONNECTOR_TEARDOWN,
    ),
    Page(
        "update-connector-filtering-api",
        APIS + "update-connector-filtering-api.asciidoc",
        "591c5c61e220c10f2c62cf5f9e318d7f94a67b93",
        [
            Step(
                "PUT _connector/my-g-drive-connector/_filtering",
                {
                    "rules": [
                        {
                            "field": "file_extension",
                            "id": "exclude-txt-files",
                            "order": 0,
                            "policy": "exclude",
                            "rule": "equals",
                            "value": "txt",
                        },
                        {
                            "field": "_",
                            "id": "DEFAULT",
                            "order": 1,
                            "policy": "include",
                            "rule": "regex",
                            "value": ".*",
                        },
                    ]
                },
                response=UPDATED,
            ),
            Step(
                "PUT _connector/my-sql-connector/_filtering",
                {
                    "advanced_snippet": {
                        "value": [
                            {
                                "tables": ["users", "orders"],
                                "query": "SELECT users.id AS id, orders.order_id AS order_id FROM "
                                "users JOIN orders ON users.id = "
                                "orders.user_id",
                            }
                        ]
                    }
                },
                response=UPDATED,
            ),
            Step(
                "PUT _connector/my-sql-connector/_filtering/_validation",
                {"validation": {"state": "valid", "errors": []}},
                continued=True,
                response=UPDATED,
                documented=False,
            ),
        ],
        setup=[
            setup(
                "PUT _connector/my-g-drive-connector",
                {"index_name": "search-google-drive", "name": "My Connector", "service_type": "google_drive"},
            ),
            setup(
                "PUT _connector/my-sql-connector",
                {"index_name": "search-sql", "name": "My SQL Connector", "service_type": "google_drive"},
            ),
        ],
        teardown=[teardown("DELETE _connector/my-g-drive-connector"), teardown("DELETE _connector/my-sql-connector")],
    ),
    Page(
        "update-connector-name-description-api",
        APIS + "update-connector-name-description-api.asciidoc",
        "dca6d31bdce59f3322060c6b149cb872fbd72ff0",
        [
            Step(
                "PUT _connector/my-connector/_name",
                {"name": "Custom connector", "description": "This is my customized connector"},
                response=UPDATED,
            ),
        ],
        setup=MY_CONNECTOR_SETUP,
        teardown=MY_CONNECTOR_TEARDOWN,
    ),
    Page(
        "update-connector-pipeline-api",
        APIS + "update-connector-pipeline-api.asciidoc",
        "ae2cf79f50f929a51fbb9e3e4597d105b2562ca0",
        [
            Step(
                "PUT _connector/my-connector/_pipeline",
                {
                    "pipeline": {
                        "extract_binary_content": True,
                        "name": "my-connector-pipeline",
                        "reduce_whitespace": True,
                        "run_ml_inference": True,
                    }
                },
                response=UPDATED,
            ),
        ],
        setup=MY_CONNECTOR_SETUP,
        teardown=MY_CONNECTOR_TEARDOWN,
    ),
    Page(
        "update-connector-scheduling-api",
        APIS + "update-connector-scheduling-api.asciidoc",
        "aff16e1c1403809940122466f3f782f03dd4d51d",
        [
            Step(
                "PUT _connector/my-connector/_scheduling",
                {
                    "scheduling": {
                        "access_control": {"enabled": True, "interval": "0 10 0 * * ?"},
                        "full": {"enabled": True, "interval": "0 20 0 * * ?"},
                        "incremental": {"enabled": False, "interval": "0 30 0 * * ?"},
                    }
                },
                response=UPDATED,
            ),
            Step(
                "PUT _connector/my-connector/_scheduling",
                {"scheduling": {"full": {"enabled": True, "interval": "0 10 0 * * ?"}}},
                response=UPDATED,
            ),
        ],
        setup=MY_CONNECTOR_SETUP,
        teardown=MY_CONNECTOR_TEARDOWN,
    ),
    Page(
        "update-connector-service-type-api",
        APIS + "update-connector-service-type-api.asciidoc",
        "2afb4b65df843e2558b6e613c4908a133d3cb3b7",
        [
            Step("PUT _connector/my-connector/_service_type", {"service_type": "sharepoint_online"}, response=UPDATED),
        ],
        setup=MY_CONNECTOR_SETUP,
        teardown=MY_CONNECTOR_TEARDOWN,
    ),
    # -- sync job APIs (every example is // TEST[skip:...] in ES: they need the jobs the default state holds) --
    Page(
        "create-connector-sync-job-api",
        APIS + "create-connector-sync-job-api.asciidoc",
        "aff16e1c1403809940122466f3f782f03dd4d51d",
        [
            # The page documents 201 and a body with `id` (the generated job id), not the body itself.
            Step(
                "POST _connector/_sync_job",
                {"id": "connector-id", "job_type": "full", "trigger_method": "on_demand"},
                201,
                check=generated_id,
                **SKIP,
            ),
        ],
    ),
    Page(
        "cancel-connector-sync-job-api",
        APIS + "cancel-connector-sync-job-api.asciidoc",
        "ae2cf79f50f929a51fbb9e3e4597d105b2562ca0",
        [
            Step(
                "PUT _connector/_sync_job/my-connector-sync-job-id/_cancel", response=UPDATED, documented=False, **SKIP
            ),
        ],
    ),
    Page(
        "delete-connector-sync-job-api",
        APIS + "delete-connector-sync-job-api.asciidoc",
        "7573d9124621c04eaca77b4eb181c3bcf1248a01",
        [
            Step("DELETE _connector/_sync_job/my-connector-sync-job-id", response=ACKNOWLEDGED, **SKIP),
        ],
    ),
    Page(
        "get-connector-sync-job-api",
        APIS + "get-connector-sync-job-api.asciidoc",
        "fc9b68d2f8eb34e50feb2fc8a35851eab1e3f2c0",
        [
            Step(
                "GET _connector/_sync_job/my-connector-sync-job",
                documented=False,
                **SKIP,
                check=connector_is(id="my-connector-sync-job"),
            ),
        ],
    ),
    Page(
        "list-connector-sync-jobs-api",
        APIS + "list-connector-sync-jobs-api.asciidoc",
        "fc9b68d2f8eb34e50feb2fc8a35851eab1e3f2c0",
        [
            Step(
                "GET _connector/_sync_job",
                documented=False,
                **SKIP,
                check=listing(includes=["my-connector-sync-job", "my-connector-sync-job-id"]),
            ),
            Step("GET _connector/_sync_job?from=0&size=2", documented=False, **SKIP, check=listing(size=2)),
            Step(
                "GET _connector/_sync_job?status=pending",
                documented=False,
                **SKIP,
                check=listing(includes=["my-connector-sync-job-id"], where=lambda j: j["status"] == "pending"),
            ),
            Step(
                "GET _connector/_sync_job?connector_id=connector-1",
                documented=False,
                **SKIP,
                check=listing(
                    includes=["connector-1-full-completed"], where=lambda j: j["connector"]["id"] == "connector-1"
                ),
            ),
            Step(
                "GET _connector/_sync_job?job_type=full,incremental",
                documented=False,
                **SKIP,
                check=listing(
                    includes=["my-connector-sync-job", "my-connector-sync-job-id"],
                    where=lambda j: j["job_type"] in ("full", "incremental"),
                ),
            ),
        ],
    ),
    # -- connector service APIs --
    Page(
        "check-in-connector-api",
        APIS + "check-in-connector-api.asciidoc",
        "eb8174c9b18c4bcb34cb23a428a3113ad7a56e23",
        [
            Step("PUT _connector/my-connector/_check_in", response=UPDATED),
        ],
        setup=MY_CONNECTOR_SETUP,
        teardown=MY_CONNECTOR_TEARDOWN,
    ),
    Page(
        "update-connector-error-api",
        APIS + "update-connector-error-api.asciidoc",
        "1a08e9623d77924f00db9c65cfb3e14bb748eda1",
        [
            Step("PUT _connector/my-connector/_error", {"error": "Houston, we have a problem!"}, response=UPDATED),
        ],
        setup=MY_CONNECTOR_SETUP,
        teardown=MY_CONNECTOR_TEARDOWN,
    ),
    Page(
        "update-connector-last-sync-api",
        APIS + "update-connector-last-sync-api.asciidoc",
        "8653915654aba38001e17b68c5f5b7d12abb5fca",
        [
            Step(
                "PUT _connector/my-connector/_last_sync",
                {
                    "last_access_control_sync_error": "Houston, we have a problem!",
                    "last_access_control_sync_scheduled_at": "2023-11-09T15:13:08.231Z",
                    "last_access_control_sync_status": "pending",
                    "last_deleted_document_count": 42,
                    "last_incremental_sync_scheduled_at": "2023-11-09T15:13:08.231Z",
                    "last_indexed_document_count": 42,
                    "last_sync_error": "Houston, we have a problem!",
                    "last_sync_scheduled_at": "2024-11-09T15:13:08.231Z",
                    "last_sync_status": "completed",
                    "last_synced": "2024-11-09T15:13:08.231Z",
                },
                response=UPDATED,
            ),
        ],
        setup=MY_CONNECTOR_SETUP,
        teardown=MY_CONNECTOR_TEARDOWN,
    ),
    Page(
        "update-connector-status-api",
        APIS + "update-connector-status-api.asciidoc",
        "dac671f7c9fb5d02961e21c4d1b77c44479a17a1",
        [
            Step("PUT _connector/my-connector/_status", {"status": "needs_configuration"}, response=UPDATED),
        ],
        # (sic) the page's setup gives a status as the service type
        setup=[
            setup(
                "PUT _connector/my-connector",
                {"index_name": "search-google-drive", "name": "My Connector", "service_type": "needs_configuration"},
            )
        ],
        teardown=MY_CONNECTOR_TEARDOWN,
    ),
    # -- sync job service APIs (// TEST[skip:...] in ES) --
    Page(
        "check-in-connector-sync-job-api",
        APIS + "check-in-connector-sync-job-api.asciidoc",
        "60b7bcb7d8e5af0ef784652d2e89bda9071be195",
        [
            Step(
                "PUT _connector/_sync_job/my-connector-sync-job/_check_in", response=UPDATED, documented=False, **SKIP
            ),
        ],
    ),
    Page(
        "claim-connector-sync-job-api",
        APIS + "claim-connector-sync-job-api.asciidoc",
        "8653915654aba38001e17b68c5f5b7d12abb5fca",
        [
            Step(
                "PUT _connector/_sync_job/my-connector-sync-job-id/_claim",
                {"worker_hostname": "some-machine"},
                response=UPDATED,
                documented=False,
                **SKIP,
            ),
        ],
    ),
    Page(
        "set-connector-sync-job-error-api",
        APIS + "set-connector-sync-job-error-api.asciidoc",
        "fc9b68d2f8eb34e50feb2fc8a35851eab1e3f2c0",
        [
            Step(
                "PUT _connector/_sync_job/my-connector-sync-job/_error",
                {"error": "some-error"},
                response=UPDATED,
                documented=False,
                **SKIP,
            ),
        ],
    ),
    Page(
        "set-connector-sync-job-stats-api",
        APIS + "set-connector-sync-job-stats-api.asciidoc",
        "2afb4b65df843e2558b6e613c4908a133d3cb3b7",
        [
            Step(
                "PUT _connector/_sync_job/my-connector-sync-job/_stats",
                {
                    "deleted_document_count": 10,
                    "indexed_document_count": 20,
                    "indexed_document_volume": 1000,
                    "total_document_count": 2000,
                    "last_seen": "2023-01-02T10:00:00Z",
                },
                response=UPDATED,
                documented=False,
                **SKIP,
            ),
        ],
    ),
    # -- related pages the API pages point to --
    Page(
        "connectors-API-tutorial",
        "docs/reference/connector/docs/connectors-API-tutorial.asciidoc",
        "ff7c52af9d06c6ae6a6f33ac0adc1d455132a438",
        [
            # The default state holds my-connector-id: the PUT overwrites it (200 updated; ES's empty cluster: 201).
            Step(
                "PUT _connector/my-connector-id",
                {"name": "Music catalog", "index_name": "music", "service_type": "postgresql"},
                200,
                {"id": "my-connector-id", "result": "updated"},
                documented=False,
                **SKIP,
            ),
            Step(
                "POST /_security/api_key",
                {"name": "music-connector", "role_descriptors": MUSIC_CONNECTOR_ROLE},
                check=api_key("music-connector"),
                documented=False,
                **SKIP,
            ),
            # "Run the connector service": it checks in and registers its configuration schema.
            Step("PUT _connector/my-connector-id/_check_in", kind="service", response=UPDATED, documented=False),
            Step(
                "PUT _connector/my-connector-id/_configuration",
                {"configuration": POSTGRESQL_CONFIGURATION},
                kind="service",
                response=UPDATED,
                documented=False,
            ),
            # "Verify this by checking the configuration property ... It should be non-empty" (and last_seen set).
            Step(
                "GET _connector/my-connector-id",
                documented=False,
                **SKIP,
                check=lambda body: (
                    connector_is(
                        id="my-connector-id", name="Music catalog", index_name="music", service_type="postgresql"
                    )(body),
                    _assert(
                        sorted(body["configuration"]) == sorted(POSTGRESQL_CONFIGURATION) and body.get("last_seen"),
                        body,
                    ),
                ),
            ),
            Step(
                "PUT _connector/my-connector-id/_configuration",
                {
                    "values": {
                        "host": "127.0.0.1",
                        "port": 5432,
                        "username": "myuser",
                        "password": "mypassword",
                        "database": "chinook",
                        "schema": "public",
                        "tables": "album,artist",
                    }
                },
                response=UPDATED,
                documented=False,
                **SKIP,
            ),
            Step(
                "POST _connector/_sync_job",
                {"id": "my-connector-id", "job_type": "full"},
                201,
                check=generated_id,
                documented=False,
                **SKIP,
            ),
            # "The connector will create and configure this Elasticsearch index before launching the sync job."
            Step(
                "PUT /music",
                kind="service",
                documented=False,
                response={"acknowledged": True, "shards_acknowledged": True, "index": "music"},
            ),
            # "By default, the most recent job statuses are returned first": the job just created.
            Step(
                "GET _connector/_sync_job?connector_id=my-connector-id&size=1",
                documented=False,
                **SKIP,
                check=lambda body: _assert(
                    body["count"] == 3
                    and body["results"][0]["status"] == "pending"
                    and body["results"][0]["job_type"] == "full"
                    and body["results"][0]["trigger_method"] == "on_demand",
                    body,
                ),
            ),
            # With the connector service's sync the tutorial expects 622 documents; nothing syncs here.
            Step("GET music/_count", documented=False, **SKIP, check=lambda body: _assert(body["count"] == 0, body)),
            Step(
                "GET music/_search",
                documented=False,
                **SKIP,
                check=lambda body: _assert(body["hits"]["hits"] == [], body),
            ),
            Step(
                "GET _connector/_sync_job?connector_id=my-connector-id&size=1",
                documented=False,
                **SKIP,
                check=listing(size=1),
            ),
            # (sic) `&` where `?` is meant: the whole tail is taken as the connector id.
            Step(
                "DELETE _connector/my-connector-id&delete_sync_jobs=true",
                status=404,
                documented=False,
                **SKIP,
                check=es_error(
                    "resource_not_found_exception", "connector [my-connector-id&delete_sync_jobs=true] not found"
                ),
            ),
            Step("DELETE music", documented=False, **SKIP, response=ACKNOWLEDGED),
        ],
        secured=True,
    ),
    Page(
        "_connectors-create-native-api-key",
        "docs/reference/connector/docs/_connectors-create-native-api-key.asciidoc",
        "510ff528690cc73f0d9611cba6aa382f358dd711",
        [
            Step(
                "POST /_security/api_key",
                {"name": "my-connector-api-key", "role_descriptors": MANAGED_CONNECTOR_ROLE},
                check=api_key("my-connector-api-key"),
                documented=False,
            ),
            Step("POST _connector/_secret", {"value": "encoded_api_key"}, check=generated_id, documented=False, **SKIP),
            # (sic) `my_connector_id>`: no such connector; the update finds no document.
            Step(
                "PUT /_connector/my_connector_id>/_api_key_id",
                {"api_key_id": "API key_id", "api_key_secret_id": "secret_id"},
                404,
                check=es_error("document_missing_exception", "[my_connector_id>]: document missing"),
                documented=False,
                **SKIP,
            ),
        ],
        secured=True,
    ),
    Page(
        "elasticsearch-specification request examples",
        "specification/connector/*/examples/request/*.yaml",
        "9d9b9a521cc1070c1c9eb6c77d91c3a5fb09730d",
        [
            Step("GET _connector/my-connector-id", documented=False, check=connector_is(id="my-connector-id")),
            Step(
                "GET _connector/_sync_job?connector_id=my-connector-id&size=1",
                documented=False,
                check=lambda body: _assert(
                    body["count"] == 2 and [j["id"] for j in body["results"]] == ["my-connector-sync-job-id"], body
                ),
            ),
            # (sic) ConnectorDeleteExample1: `&` where `?` is meant (its response example says acknowledged).
            Step(
                "DELETE _connector/my-connector-id&delete_sync_jobs=true",
                status=404,
                documented=False,
                check=es_error(
                    "resource_not_found_exception", "connector [my-connector-id&delete_sync_jobs=true] not found"
                ),
            ),
        ],
        repo="elastic/elasticsearch-specification",
    ),
]


def _assert(condition, context):
    assert condition, context


# -- the runner ----------------------------------------------------------------------------------------------


def send(http, step: Step):
    parts = urlsplit("/" + step.target.lstrip("/"))
    query = dict(parse_qsl(parts.query, keep_blank_values=True)) or None
    return http.request(step.method, parts.path, json=step.body, query=query)


def check(step: Step, reply) -> None:
    statuses = step.status if isinstance(step.status, tuple) else (step.status,)
    assert reply.status in statuses, f"{step.request}: {reply.status} {reply.text}"
    if step.response is not None:
        assert reply.json == step.response, f"{step.request}: {reply.text}"
    if step.check is not None:
        step.check(reply.json)


def doc_tests(page: Page) -> list[list[Step]]:
    """The page's doc tests: a new one at each example that is not ``// TEST[continued]``."""
    tests: list[list[Step]] = []
    for step in page.examples:
        if tests and (step.continued or step.kind == "service"):
            tests[-1].append(step)
        else:
            tests.append([step])
    return tests


def wipe(http) -> None:
    """The docs runner's wipe between doc tests, for what a doc test deleted: its soft-deleted connectors go."""
    listed = http.get("/_connector", query={"include_deleted": "true", "size": "1000"}).json["results"]
    for connector in listed:
        if connector.get("deleted"):
            assert http.delete(f"/_connector/{connector['id']}", query={"hard": "true"}).status == 200


def run_page(http, page: Page):
    """Runs the page in order, checking every example's answer."""
    for number, test in enumerate(doc_tests(page)):
        if number:
            wipe(http)
        for step in page.setup:
            check(step, send(http, step))
        for step in test:
            check(step, send(http, step))
        for step in page.teardown:
            check(step, send(http, step))


class SecuredHttp(Http):
    """Every request with the superuser's Basic credentials (an app with security on)."""

    def request(self, method, path, **kw):
        kw["headers"] = {
            "Authorization": "Basic " + base64.b64encode(SUPERUSER.encode()).decode(),
            **(kw.get("headers") or {}),
        }
        return super().request(method, path, **kw)


SUPERUSER = "elastic:changeme"


def client_for(http, page: Page):
    """The test's client; for a page that creates API keys, a fresh app with security on, as on Elastic Cloud
    (the mock's default app runs with security off, where ``_security/api_key`` answers 400)."""
    return SecuredHttp(create_app(auth=SUPERUSER).test_client()) if page.secured else http


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_in_order(http, page):
    run_page(client_for(http, page), page)


def test_every_page_is_here_once():
    """The 26 API pages of docs/reference/connector/apis (connector-apis.asciidoc, the index, has no example)."""
    api_pages = [p for p in PAGES if p.path.startswith(APIS)]
    assert len(api_pages) == len({p.path for p in api_pages}) == 26
