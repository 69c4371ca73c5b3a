"""OpenSearch Dashboards' settings by their names in ``opensearch_dashboards.yml`` (``server.xsrf.allowlist``,
``savedObjects.maxImportExportSize``...): the keys the mock knows, their types and defaults, and the
refusals of OSD's config validation for a key it does not know or a value of the wrong type.

Given as ``--dashboards-config KEY=VALUE`` (VALUE a YAML scalar or flow list), ``create_app(
dashboards_config={...})`` or a fixture's ``dashboards.settings.config``. The accepted values are kept
as given; :func:`settings_of` turns those the mock acts on into its state's settings.
"""

from __future__ import annotations

import json
import re
from typing import Any

# key -> (kind, default). Paths and defaults from OSD's config schemas: http_config.ts (server),
# saved_objects_config.ts (savedObjects, migrations), opensearch_dashboards_config.ts, the workspace
# and data_source plugins' config.ts.
KEYS: dict[str, tuple[str, Any]] = {
    "server.xsrf.disableProtection": ("boolean", False),
    "server.xsrf.allowlist": ("strings", []),
    "server.maxPayloadBytes": ("byteSize", 1048576),
    "savedObjects.maxImportExportSize": ("byteSize", 10000),
    "savedObjects.maxImportPayloadBytes": ("byteSize", 26214400),
    "savedObjects.permission.enabled": ("boolean", False),
    "opensearchDashboards.index": ("string", ".kibana"),
    "workspace.enabled": ("boolean", False),
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
NAMESPACES = ("opensearchDashboards", "savedObjects", "data_source", "migrations", "workspace", "server")
# What the mock's state calls the settings it acts on.
STATE_SETTINGS = {
    "server.maxPayloadBytes": "max_payload_bytes",
    "savedObjects.maxImportExportSize": "max_import_export_size",
    "savedObjects.maxImportPayloadBytes": "max_import_payload_bytes",
    "opensearchDashboards.index": "index",
}
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


def type_name(value: Any) -> str:
    """type-detect's name of a value, as config-schema's messages show it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "Array" if isinstance(value, list) else "Object"


def where(key: str) -> str:
    """config-schema's place of a key: its namespace's ``config validation of [...]``, then the rest."""
    namespace = next(n for n in NAMESPACES if key == n or key.startswith(f"{n}."))
    rest = key[len(namespace) :]
    return f"config validation of [{namespace}]{rest}"


def checked_value(key: str, value: Any) -> Any:
    kind, _ = KEYS[key]
    if kind == "byteSize":
        return byte_size(key, value)
    if kind == "strings":
        if not isinstance(value, list):
            raise ValueError(f"[{where(key)}]: expected value of type [array] but got [{type_name(value)}]")
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise ValueError(f"[{where(key)}.{i}]: expected value of type [string] but got [{type_name(item)}]")
        return list(value)
    if type_name(value) != kind:
        raise ValueError(f"[{where(key)}]: expected value of type [{kind}] but got [{type_name(value)}]")
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
        raise ValueError(f"[{where(key)}]: expected value of type [ByteSize] but got [{type_name(value)}]")
    if value < 0 or value != int(value):
        raise ValueError(f"[{where(key)}]: Value in bytes is expected to be a safe positive integer.")
    return int(value)


def validated(config: dict) -> dict[str, Any]:
    """The settings, flattened and checked as OSD checks its config at start (ValueError otherwise)."""
    flat = flattened(config)
    unknown = [k for k in flat if k not in KEYS and not any(k == n or k.startswith(f"{n}.") for n in NAMESPACES)]
    if unknown:  # ensure_valid_configuration.ts: keys no schema handles
        listed = ", ".join(f'"{k}"' for k in unknown)
        raise ValueError(
            f"Unknown configuration key(s): {listed}. Check for spelling errors and ensure that expected "
            "plugins are installed."
        )
    checked = {}
    for key, value in flat.items():
        if key not in KEYS:  # a key the namespace's schema lacks: config-schema's object.allowUnknown
            raise ValueError(f"[{where(key)}]: definition for this key is missing")
        checked[key] = checked_value(key, value)
    merged = {k: checked.get(k, default) for k, (_, default) in KEYS.items()}
    if merged["migrations.delete.enabled"] and not merged["migrations.delete.types"]:
        # saved_objects_config.ts: the delete object's own validate
        raise ValueError(f"[{where('migrations.delete')}]: delete types cannot be empty when delete is enabled")
    if merged["workspace.enabled"]:
        raise ValueError(
            "workspace.enabled: true: the workspace plugin is not mocked yet (mockserver serves OpenSearch "
            "Dashboards without it; leave workspace.enabled false)"
        )
    return checked


def value_of(config: dict, key: str) -> Any:
    """A setting's value: as given, else OSD's default."""
    return config[key] if key in config else KEYS[key][1]


def settings_of(config: dict) -> dict[str, Any]:
    """The state's settings the given config sets."""
    return {STATE_SETTINGS[k]: v for k, v in config.items() if k in STATE_SETTINGS}
