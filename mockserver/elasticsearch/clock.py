"""Timestamps as Elasticsearch writes ``Instant`` fields, and ids as it generates them."""

from __future__ import annotations

import base64
import os
import threading
from datetime import UTC, datetime, timedelta
from functools import lru_cache

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def format_instant(moment: datetime) -> str:
    """ISO-8601 UTC with ``Z``: microseconds, or milliseconds when the last three digits are zero."""
    micros = moment.microsecond
    fraction = f"{micros // 1000:03d}" if micros % 1000 == 0 else f"{micros:06d}"
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + fraction + "Z"


@lru_cache(maxsize=65536)
def instant_sort_key(text: str) -> datetime:
    """Orders timestamps by time (their text does not sort: ``.567Z`` is before ``.567149Z``)."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return _EPOCH
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Clock:
    """Now, strictly increasing, so that "newest first" is never a tie."""

    def __init__(self):
        self._last = _EPOCH

    def now(self) -> str:
        moment = datetime.now(UTC)
        if moment <= self._last:
            moment = self._last + timedelta(microseconds=1)
        self._last = moment
        return format_instant(moment)


class IdGenerator:
    """20-character URL-safe ids, time-based like Elasticsearch's auto-generated document ids."""

    def __init__(self):
        self._sequence = int.from_bytes(os.urandom(3), "big")
        self._node = os.urandom(6)
        self._lock = threading.Lock()

    def __getstate__(self):  # the lock does not pickle; a restored generator gets a new one
        return {"_sequence": self._sequence, "_node": self._node}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def new_id(self) -> str:
        with self._lock:
            self._sequence = (self._sequence + 1) & 0xFFFFFF
            sequence = self._sequence
        millis = int(datetime.now(UTC).timestamp() * 1000)
        raw = millis.to_bytes(6, "big") + sequence.to_bytes(3, "big") + self._node
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
