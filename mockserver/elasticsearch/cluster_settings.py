"""``GET /_cluster/settings`` and ``PUT /_cluster/settings``: the cluster's persistent and transient
settings, for the settings the mock knows (those that change what it answers, and a few static ones a
request may name). Facts from RestClusterUpdateSettingsAction, ClusterUpdateSettingsRequest,
SettingsUpdater, AbstractScopedSettings.updateSettings, Setting (its parsers) and Settings.toXContent.

The state is two plain dicts of flat dotted keys, each value a string (a list setting's a list of
strings), as the cluster's Metadata keeps them; a transient value wins over a persistent one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import ActionRequestValidation, IllegalArgument, ParseException

MAX_MODEL_MEMORY_LIMIT = "xpack.ml.max_model_memory_limit"
TASKS_ALLOCATION_ENABLE = "cluster.persistent_tasks.allocation.enable"
DESTRUCTIVE_REQUIRES_NAME = "action.destructive_requires_name"
# EnableAssignmentDecider.ALLOCATION_NONE_EXPLANATION, in PersistentTasksClusterService's words.
ALLOCATION_NONE_EXPLANATION = "no persistent task assignments are allowed due to cluster settings"
TRANSIENT_DEPRECATION = (  # RestClusterUpdateSettingsAction.TRANSIENT_SETTINGS_DEPRECATION_MESSAGE (7.16)
    "[transient settings removal] Updating cluster settings through transient settings is deprecated. Some "
    "Elastic products may make use of transient settings and those should not be changed. Any custom use of "
    "transient settings should be replaced by persistent settings."
)


def parse_memory_size(key: str, value: str) -> None:
    """Setting.memorySizeSetting (MemorySizeValue.parseBytesSizeValueOrHeapRatio): a byte size or a
    percentage of the heap; Setting.get rethrows the parse exception as an illegal argument."""
    from .ml.common import parse_byte_size  # ByteSizeValue.parseBytesSizeValue

    if value.endswith("%"):
        try:
            ratio = float(value[:-1])
        except ValueError:
            raise _parse_failure(f"failed to parse [{value[:-1]}] as a double") from None
        if not 0 <= ratio <= 100:
            raise _parse_failure(f"Percentage should be in [0-100], got [{value[:-1]}]")
        return
    try:
        parse_byte_size(value, key)
    except ParseException as error:
        raise IllegalArgument(error.reason, caused_by=error) from None


def _parse_failure(reason: str) -> IllegalArgument:
    return IllegalArgument(reason, caused_by=ParseException(reason))


def parse_boolean(key: str, value: str) -> None:
    """Setting.boolSetting: Booleans.parseBoolean takes only ``true`` and ``false``."""
    if value not in ("true", "false"):
        raise IllegalArgument(f"Failed to parse value [{value}] as only [true] or [false] are allowed.")


def parse_allocation(key: str, value: str) -> None:
    """EnableAssignmentDecider.Allocation.fromString: ``all`` or ``none``, in any case."""
    if value.upper() not in ("ALL", "NONE"):
        raise IllegalArgument(f"Illegal value [{value.upper()}] for [{key}]")


def parse_any(key: str, value: str) -> None:
    return None


@dataclass(frozen=True)
class Setting:
    default: str
    dynamic: bool
    parse: Callable[[str, str], None] = parse_any


# The settings the mock knows (ClusterSettings.BUILT_IN_CLUSTER_SETTINGS and the plugins' own), by key.
SETTINGS: dict[str, Setting] = {
    # MachineLearningField.MAX_MODEL_MEMORY_LIMIT: 0b, no limit
    MAX_MODEL_MEMORY_LIMIT: Setting("0b", True, parse_memory_size),
    # EnableAssignmentDecider.CLUSTER_TASKS_ALLOCATION_ENABLE_SETTING
    TASKS_ALLOCATION_ENABLE: Setting("all", True, parse_allocation),
    # DestructiveOperations.REQUIRES_NAME_SETTING: true since 8.0
    DESTRUCTIVE_REQUIRES_NAME: Setting("true", True, parse_boolean),
    # Node settings that are not dynamic: a PUT names them only to be refused.
    "xpack.ml.enabled": Setting("true", False, parse_boolean),
    "cluster.name": Setting("mockserver", False),
}


def flatten(settings: Any, prefix: str = "") -> dict[str, Any]:
    """Settings.Builder.loadFromMap: nested objects become dotted keys; a scalar becomes its text, a
    list a list of texts, ``null`` stays (it removes the setting)."""
    flat: dict[str, Any] = {}
    if not isinstance(settings, dict):
        return flat
    for name, value in settings.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(flatten(value, key + "."))
        else:
            flat[key] = _text(value)
    return flat


def _text(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [_text(v) for v in value]
    return str(value)


def rendered(settings: dict[str, Any], flat: bool) -> dict:
    """Settings.toXContent: the keys in order, flat with ``flat_settings``, else as nested objects."""
    keys = sorted(settings)
    if flat:
        return {k: settings[k] for k in keys}
    nested: dict[str, Any] = {}
    for key in keys:
        node = nested
        *parents, last = key.split(".")
        for part in parents:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):  # a value and a group under one name: the value wins
                break
            node = child
        else:
            node[last] = settings[key]
    return nested


def _simple_match(pattern: str, key: str) -> bool:
    """Regex.simpleMatch: ``*`` matches any run of characters."""
    return re.fullmatch(".*".join(map(re.escape, pattern.split("*"))), key) is not None


class ClusterSettings:
    def __init__(self):
        self.persistent: dict[str, Any] = {}
        self.transient: dict[str, Any] = {}

    def get(self, key: str) -> str:
        """The setting's value as the cluster applies it: transient, then persistent, then the default."""
        if key in self.transient:
            return self.transient[key]
        if key in self.persistent:
            return self.persistent[key]
        return SETTINGS[key].default

    def destructive_requires_name(self) -> bool:
        """DestructiveOperations: a delete of ``_all`` or a wildcard is refused while this holds."""
        return self.get(DESTRUCTIVE_REQUIRES_NAME) == "true"

    def assignment_disabled(self) -> bool:
        return self.get(TASKS_ALLOCATION_ENABLE).upper() == "NONE"

    def show(self, flat: bool = False, include_defaults: bool = False) -> dict:
        """``GET /_cluster/settings``: persistent, transient, and with ``include_defaults`` each known
        setting neither sets (ClusterSettings.diff)."""
        answer = {"persistent": rendered(self.persistent, flat), "transient": rendered(self.transient, flat)}
        if include_defaults:
            defaults = {
                k: s.default for k, s in SETTINGS.items() if k not in self.persistent and k not in self.transient
            }
            answer["defaults"] = rendered(defaults, flat)
        return answer

    def update(self, body: dict | None, flat: bool = False, warn: Callable[[str], None] | None = None) -> dict:
        """``PUT /_cluster/settings``: the transient updates then the persistent ones (SettingsUpdater),
        all or nothing; the answer holds the values set, not the ones removed."""
        if body is None:  # RestRequest.contentParser
            raise ParseException("request body is required")
        updates = {scope: flatten(body.get(scope)) for scope in ("persistent", "transient")}
        if updates["transient"] and warn is not None:
            warn(TRANSIENT_DEPRECATION)
        if not updates["persistent"] and not updates["transient"]:
            raise ActionRequestValidation(["no settings to update"])
        results = {}
        for scope in ("transient", "persistent"):
            results[scope] = self._apply(scope, updates[scope])
        for scope, (target, _) in results.items():
            setattr(self, scope, target)
        return {
            "acknowledged": True,
            "persistent": rendered(results["persistent"][1], flat),
            "transient": rendered(results["transient"][1], flat),
        }

    def _apply(self, scope: str, to_apply: dict[str, Any]) -> tuple[dict, dict]:
        """AbstractScopedSettings.updateSettings over one scope: (the scope's new settings, the values set)."""
        target = dict(getattr(self, scope))
        applied: dict[str, Any] = {}
        removals = []
        for key in sorted(to_apply):
            value = to_apply[key]
            setting = SETTINGS.get(key)
            if value is None and ((setting is not None and setting.dynamic) or key.endswith("*")):
                removals.append(key)
            elif setting is None:
                raise IllegalArgument(f"{scope} setting [{key}], not recognized")
            elif value is not None and setting.dynamic:
                self._validate(setting, key, value)
                applied[key] = value
            else:
                raise IllegalArgument(f"{scope} setting [{key}], not dynamically updateable")
        for pattern in removals:
            for key in [k for k in target if _simple_match(pattern, k)]:
                if key in SETTINGS and SETTINGS[key].dynamic:
                    del target[key]
        target.update(applied)
        return target, applied

    @staticmethod
    def _validate(setting: Setting, key: str, value: Any) -> None:
        """Setting.get over the value (Settings.get refuses a list for a single-valued setting)."""
        if isinstance(value, list):
            raise IllegalArgument(f"Found list type value for setting [{key}] but but did not expect a list for it.")
        setting.parse(key, value)
