"""OpenSearch Dashboards' settings by their names in ``opensearch_dashboards.yml`` (``server.xsrf.allowlist``,
``savedObjects.maxImportExportSize``...): the keys the mock knows, their types and defaults, and the
refusals of OSD's config validation for a key it does not know or a value of the wrong type.

Given as ``--dashboards-config KEY=VALUE`` (VALUE a YAML scalar or flow list), ``create_app(
dashboards_config={...})`` or a fixture's ``dashboards.settings.config``. The accepted values are kept
as given; :func:`settings_of` turns those the mock acts on into its state's settings.

So that a real opensearch_dashboards.yml loads as is, the mock also takes the keys it does not act on:
those of core's schemas it was written from (``server``, ``opensearch``, ``opensearchDashboards``,
``savedObjects``, ``migrations``...) are checked for their kind, and any key under a known plugin's or
other core service's namespace (:data:`OPEN_NAMESPACES`, whose schemas the mock does not hold) is taken
unchecked. A key the mock does not act on is accepted and kept (in the dump too), changing no answer.
A key outside every namespace is refused with OSD's ``Unknown configuration key(s)``. A setting that
would change every answer in a way the mock does not mock (a non-empty ``server.basePath``) fails at start.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..config_schema import js_type
from .versions import DEFAULT_VERSION, Release

# key -> (kind, default; None where OSD's is schema.maybe, i.e. unset). Paths and defaults from OSD's config
# schemas: http_config.ts (server; server.maxPayloadBytes is the legacy name OSD maps to maxPayload),
# opensearch_config.ts (opensearch; requestHeadersAllowlist, memoryCircuitBreaker.*, optimizedHealthcheck.*
# and disablePrototypePoisoningProtection from the stock config/opensearch_dashboards.yml of newer releases),
# saved_objects_config.ts (savedObjects, migrations), opensearch_dashboards_config.ts (opensearchDashboards;
# defaultAppId and survey.url from the stock yml), the workspace and data_source plugins' config.ts.
# Kinds: boolean, number, string, strings, byteSize, duration (number of ms or "30s"), stringOrStrings, any.
KEYS: dict[str, tuple[str, Any]] = {
    "server.xsrf.disableProtection": ("boolean", False),
    "server.xsrf.allowlist": ("strings", []),
    "server.maxPayloadBytes": ("byteSize", 1048576),
    "server.maxPayload": ("byteSize", 1048576),
    "server.name": ("string", "mockserver"),  # OSD's default is os.hostname(); the mock's osd-name is mockserver
    "server.autoListen": ("boolean", True),
    "server.basePath": ("string", None),
    "server.rewriteBasePath": ("boolean", False),
    "server.cors": ("boolean", False),
    "server.host": ("string", "localhost"),
    "server.port": ("number", 5601),
    "server.keepaliveTimeout": ("number", 120000),
    "server.socketTimeout": ("number", 120000),
    "server.compression.enabled": ("boolean", True),
    "server.compression.referrerAllowlist": ("strings", None),
    "server.uuid": ("string", None),
    "server.requestId.allowFromAnyIp": ("boolean", False),
    "server.requestId.ipAllowlist": ("strings", []),
    "opensearch.sniffOnStart": ("boolean", False),
    "opensearch.sniffInterval": ("any", False),
    "opensearch.sniffOnConnectionFault": ("boolean", False),
    "opensearch.hosts": ("stringOrStrings", "http://localhost:9200"),
    "opensearch.username": ("string", None),
    "opensearch.password": ("string", None),
    "opensearch.requestHeadersWhitelist": ("stringOrStrings", ["authorization"]),
    "opensearch.requestHeadersAllowlist": ("stringOrStrings", ["authorization"]),
    "opensearch.shardTimeout": ("duration", "30s"),
    "opensearch.requestTimeout": ("duration", "30s"),
    "opensearch.pingTimeout": ("duration", None),  # siblingRef('requestTimeout')
    "opensearch.logQueries": ("boolean", False),
    "opensearch.optimizedHealthcheckId": ("string", None),
    "opensearch.optimizedHealthcheck.id": ("string", None),
    "opensearch.memoryCircuitBreaker.enabled": ("boolean", False),
    "opensearch.memoryCircuitBreaker.maxPercentage": ("number", 1.0),
    "opensearch.disablePrototypePoisoningProtection": ("boolean", False),
    "opensearch.ssl.verificationMode": ("string", "full"),
    "opensearch.ssl.certificateAuthorities": ("stringOrStrings", None),
    "opensearch.ssl.certificate": ("string", None),
    "opensearch.ssl.key": ("string", None),
    "opensearch.ssl.keyPassphrase": ("string", None),
    "opensearch.ssl.keystore.path": ("string", None),
    "opensearch.ssl.keystore.password": ("string", None),
    "opensearch.ssl.truststore.path": ("string", None),
    "opensearch.ssl.truststore.password": ("string", None),
    "opensearch.ssl.alwaysPresentCertificate": ("boolean", False),
    "opensearch.apiVersion": ("string", "7.x"),
    "opensearch.healthCheck.delay": ("duration", 2500),
    "opensearch.ignoreVersionMismatch": ("boolean", False),
    "opensearchDashboards.enabled": ("boolean", True),
    "opensearchDashboards.autocompleteTerminateAfter": ("duration", 100000),
    "opensearchDashboards.autocompleteTimeout": ("duration", 1000),
    "opensearchDashboards.defaultAppId": ("string", "home"),
    "opensearchDashboards.survey.url": ("string", None),
    "opensearchDashboards.isSurveyAllowed": ("boolean", True),
    **{
        f"opensearchDashboards.branding.{logo}.{url}": ("string", "/")
        for logo in ("logo", "mark", "loadingLogo")
        for url in ("defaultUrl", "darkModeUrl")
    },
    "opensearchDashboards.branding.faviconUrl": ("string", "/"),
    "opensearchDashboards.branding.applicationTitle": ("string", ""),
    "opensearchDashboards.branding.useExpandedHeader": ("boolean", True),
    "opensearchDashboards.dashboardAdmin.users": ("strings", []),
    "opensearchDashboards.dashboardAdmin.groups": ("strings", []),
    "savedObjects.maxImportExportSize": ("byteSize", 10000),
    "savedObjects.maxImportPayloadBytes": ("byteSize", 26214400),
    "savedObjects.permission.enabled": ("boolean", False),
    "opensearchDashboards.index": ("string", ".kibana"),
    "workspace.enabled": ("boolean", False),
    "workspace.maximum_workspaces": ("number", None),
    "data_source.enabled": ("boolean", False),
    "migrations.batchSize": ("number", 100),
    "migrations.scrollDuration": ("string", "15m"),
    "migrations.pollInterval": ("number", 1500),
    "migrations.skip": ("boolean", False),
    "migrations.adminRoles": ("strings", ["all_access"]),
    "migrations.delete.enabled": ("boolean", False),
    "migrations.delete.types": ("strings", []),
}
# The config paths (each its own schema in OSD) the keys above belong to, longest first.
NAMESPACES = (
    "opensearchDashboards",
    "savedObjects",
    "data_source",
    "opensearch",
    "migrations",
    "workspace",
    "server",
)
# Namespaces (a plugin's config path) and keys newer than OSD 1.0: the first release that has them. Before
# it the workspace plugin does not exist, so ensure_valid_configuration.ts refuses its keys as unknown;
# savedObjects' schema (saved_objects_config.ts) lacks ``permission``, a key its object refuses. Both came
# with the workspace work of the 2.14.0 release notes: "Setup workspace skeleton and implement basic CRUD
# API" (#5075), "Add ACL related functions" (#5084), the same release as the ``workspace`` type (types.py).
# The data_source plugin (src/plugins/data_source, its config.ts) came with the 2.4.0 release notes
# "[Multi DataSource]" entries (#2204 legacy client, #2448 the dataSource plugin's README), the same release
# as its ``data-source`` type (types.py INTRODUCED_IN).
NAMESPACE_SINCE = {"workspace": "2.14.0", "data_source": "2.4.0"}
# migrations.adminRoles, and the _migrate route's check of it: not in the stored migrate.ts of the releases
# (d7004dc5, 7c87c3aa register the route with no authorization) nor in any release notes up to 3.9.0's;
# the stored main has both (saved_objects_config.ts 0353c85e, beside the 3.7.0 SQLite storage backend;
# routes/integration_tests/migrate_authz.test.ts ae7ec528). So: the first release after 3.9.
MIGRATE_NEEDS_ADMIN_ROLE_SINCE = "3.10.0"
# opensearchDashboards.dashboardAdmin (users, groups): "[Workspace] Add Dashboard admin (groups/users)"
# (#6829) of the 2.15.0 release notes; the stored opensearch_dashboards_config.ts without it (13a23196)
# has only enabled, index, autocomplete*, branding and isSurveyAllowed, so its object refuses the key.
DASHBOARD_ADMIN_SINCE = "2.15.0"
KEY_SINCE = {
    "savedObjects.permission": "2.14.0",
    "migrations.adminRoles": MIGRATE_NEEDS_ADMIN_ROLE_SINCE,
    "opensearchDashboards.dashboardAdmin": DASHBOARD_ADMIN_SINCE,
}
# Records (schema.recordOf) and sub-objects whose keys are the user's (or whose schema the mock does not
# hold: http's ssl_config.ts): any key under them is taken.
OPEN_PREFIXES = (
    "server.ssl.",
    "server.customResponseHeaders.",
    "opensearch.customHeaders.",
    "opensearch.optimizedHealthcheck.filters.",
    "data_source.",  # the data_source plugin's encryption, endpointDeniedIPs, ...
    "workspace.",  # workspace.dashboardAdmin.*, ...; workspace.enabled stays checked
)
# Namespaces of core services and plugins (OSD's own and the bundled ones) whose schemas the mock does not
# hold: any key under them is accepted unchecked and kept; so is any under a ``vis_type_<name>`` plugin's.
OPEN_NAMESPACES = (
    "logging", "pid", "path", "ops", "i18n", "csp", "uiSettings", "status", "elasticsearch", "env",
    "map", "regionmap", "tilemap", "vis_builder", "vis_augmenter", "visualizations",
    "data", "home", "newsfeed", "telemetry", "console", "dashboards", "discover", "advanced_settings",
    "usageCollection", "opensearch_security", "opensearchDashboards_legacy", "security", "query_enhancements",
    "explore", "alertingDashboards", "anomaly_detection_dashboards", "assistant", "observability",
    "ml_commons_dashboards", "reports_dashboards", "searchRelevanceDashboards", "index_management",
    "queryWorkbench", "customImportMap", "securityAnalyticsDashboards", "notificationsDashboards",
    "ganttChartDashboards", "apmOss", "management", "input_control_vis", "expressions", "bfetch",
    "navigation", "content_management", "application_config", "csp_handler", "dev_tools",
)  # fmt: skip
# What the mock's state calls the settings it acts on.
STATE_SETTINGS = {
    "server.maxPayloadBytes": "max_payload_bytes",
    "server.maxPayload": "max_payload_bytes",
    "savedObjects.maxImportExportSize": "max_import_export_size",
    "savedObjects.maxImportPayloadBytes": "max_import_payload_bytes",
    "opensearchDashboards.index": "index",
}
# Keys whose OSD default is unset (schema.maybe): a null value leaves them unset.
OPEN_KEYS = frozenset(k for k, (_, default) in KEYS.items() if default is None)
BYTE_SIZE = re.compile(r"^([1-9][0-9]*)(b|kb|mb|gb)$", re.IGNORECASE)  # @osd/config-schema ByteSizeValue.parse
UNITS = {"b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}


def yaml_scalar(text: str) -> Any:
    """A value as opensearch_dashboards.yml (js-yaml, YAML 1.2 core) reads it: booleans, null, numbers,
    quoted or plain strings, and a flow list ``[a, b]`` (or a JSON one)."""
    t = text.strip()
    if t in ("true", "True", "TRUE"):
        return True
    if t in ("false", "False", "FALSE"):
        return False
    if t in ("", "~", "null", "Null", "NULL"):
        return None
    if re.fullmatch(r"[-+]?[0-9]+", t):
        return int(t)
    if re.fullmatch(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?", t):
        return float(t)
    if t.startswith(("[", "{", '"')):
        try:
            return json.loads(t)
        except json.JSONDecodeError:
            pass
    if t.startswith("[") and t.endswith("]"):
        inner = t[1:-1].strip()
        return [yaml_scalar(part) for part in inner.split(",")] if inner else []
    if len(t) >= 2 and t[0] == t[-1] == "'":
        return t[1:-1].replace("''", "'")
    return t


def assignment(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` as --dashboards-config and the ini's lines take it."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"[{text}] is not KEY=VALUE (server.xsrf.disableProtection=true, say)")
    return key.strip(), yaml_scalar(value)


def flattened(config: dict, prefix: str = "") -> dict[str, Any]:
    """Nested mappings (as in the YAML file) to dotted keys; lists stay values."""
    flat: dict[str, Any] = {}
    for key, value in config.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flattened(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def in_open_namespace(key: str) -> bool:
    if key.startswith(OPEN_PREFIXES):
        return True
    head = key.split(".", 1)[0]
    return head in OPEN_NAMESPACES or (head.startswith("vis_type_") and len(head) > len("vis_type_"))


def known(key: str) -> bool:
    """A key some schema takes: OSD's ensure_valid_configuration.ts refuses the others."""
    return in_open_namespace(key) or any(key == n or key.startswith(f"{n}.") for n in NAMESPACES)


def where(key: str) -> str:
    """config-schema's place of a key: its namespace's ``config validation of [...]``, then the rest."""
    namespace = next(n for n in NAMESPACES if key == n or key.startswith(f"{n}."))
    rest = key[len(namespace) :]
    return f"config validation of [{namespace}]{rest}"


def checked_value(key: str, value: Any) -> Any:
    kind, _ = KEYS[key]
    if kind == "any":
        return value
    if kind == "stringOrStrings":
        return value if isinstance(value, str) else checked_value_as(key, "strings", value)
    if kind == "duration":  # config-schema's duration: a number of ms or a string such as "30s"
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError(f"[{where(key)}]: expected value of type [moment.Duration] but got [{js_type(value)}]")
        return value
    return checked_value_as(key, kind, value)


def checked_value_as(key: str, kind: str, value: Any) -> Any:
    if kind == "byteSize":
        return byte_size(key, value)
    if kind == "strings":
        if not isinstance(value, list):
            raise ValueError(f"[{where(key)}]: expected value of type [array] but got [{js_type(value)}]")
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise ValueError(f"[{where(key)}.{i}]: expected value of type [string] but got [{js_type(item)}]")
        return list(value)
    if js_type(value) != kind:
        raise ValueError(f"[{where(key)}]: expected value of type [{kind}] but got [{js_type(value)}]")
    return value


def byte_size(key: str, value: Any) -> int:
    """config-schema's byteSize: a number of bytes, or ``<count>(b|kb|mb|gb)``."""
    if isinstance(value, str):
        match = BYTE_SIZE.match(value.strip())
        if match:
            return int(match.group(1)) * UNITS[match.group(2).lower()]
        if not re.fullmatch(r"[0-9]+", value.strip()):
            raise ValueError(
                f"[{where(key)}]: Failed to parse value as byte value. Value must be either number of bytes, or "
                "follow the format <count>[b|kb|mb|gb] (e.g., '1024kb', '200mb', '1gb'), where the number is a "
                "safe positive integer."
            )
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"[{where(key)}]: expected value of type [ByteSize] but got [{js_type(value)}]")
    if value < 0 or value != int(value):
        raise ValueError(f"[{where(key)}]: Value in bytes is expected to be a safe positive integer.")
    return int(value)


def in_release(key: str, release: Release) -> bool:
    """Whether the namespace of ``key`` exists at ``release`` (NAMESPACE_SINCE)."""
    return release.has(NAMESPACE_SINCE.get(key.split(".", 1)[0]))


def newer_key(key: str, release: Release) -> str | None:
    """The part of ``key`` its namespace's schema does not have yet at ``release`` (KEY_SINCE), if any."""
    return next(
        (k for k, since in KEY_SINCE.items() if (key == k or key.startswith(f"{k}.")) and not release.has(since)), None
    )


def validated(config: dict, version: str | None = None) -> dict[str, Any]:
    """The settings, flattened and checked as OSD ``version`` (default: DEFAULT_VERSION) checks its config
    at start (ValueError otherwise)."""
    release = Release(version or DEFAULT_VERSION)
    flat = flattened(config)
    unknown = [k for k in flat if (k not in KEYS and not known(k)) or not in_release(k, release)]
    if unknown:  # ensure_valid_configuration.ts: keys no schema handles
        listed = ", ".join(f'"{k}"' for k in unknown)
        raise ValueError(
            f"Unknown configuration key(s): {listed}. Check for spelling errors and ensure that expected "
            "plugins are installed."
        )
    checked = {}
    for key, value in flat.items():
        newer = newer_key(key, release)
        if newer:
            raise ValueError(f"[{where(newer)}]: definition for this key is missing")
        if key in KEYS and not (key in OPEN_KEYS and value is None):
            checked[key] = checked_value(key, value)
        elif in_open_namespace(key) or key in KEYS:
            checked[key] = value
        else:  # a key the namespace's schema lacks: config-schema's object.allowUnknown
            raise ValueError(f"[{where(key)}]: definition for this key is missing")
    merged = {k: checked.get(k, default) for k, (_, default) in KEYS.items()}
    if merged["server.basePath"]:
        raise ValueError(
            f"server.basePath: {merged['server.basePath']}: a base path is not mocked (OSD would serve every route "
            "under it; mockserver serves them at the root: leave server.basePath unset)"
        )
    if merged["server.rewriteBasePath"]:  # http_config.ts: the server object's own validate
        raise ValueError(f"[{where('server')}]: cannot use [rewriteBasePath] when [basePath] is not specified")
    if merged["migrations.delete.enabled"] and not merged["migrations.delete.types"]:
        # saved_objects_config.ts: the delete object's own validate
        raise ValueError(f"[{where('migrations.delete')}]: delete types cannot be empty when delete is enabled")
    return checked


def value_of(config: dict, key: str) -> Any:
    """A setting's value: as given, else OSD's default (None for a key taken unchecked and not given)."""
    return config[key] if key in config else KEYS.get(key, (None, None))[1]


def settings_of(config: dict) -> dict[str, Any]:
    """The state's settings the given config sets."""
    return {STATE_SETTINGS[k]: v for k, v in config.items() if k in STATE_SETTINGS}
