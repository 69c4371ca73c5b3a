"""Every answer of a seeded state to a fixed list of requests (status, headers, body bytes: key order and
number formatting included) is the one recorded in tests/answers.txt; a change that means to answer
differently records it again with ``python3 tests/answers.py --write`` and shows the difference in review."""

from __future__ import annotations

import os
import time
import uuid
from datetime import datetime

import answers


def test_every_answer_is_the_recorded_one_byte_for_byte():
    expected = answers.RECORDING.read_text(encoding="utf-8")
    actual = answers.record()
    assert actual == expected, "answers changed (python3 tests/answers.py --write records them):\n" + (
        answers.difference(expected, actual)
    )


def test_the_recording_covers_the_three_products():
    paths = [path for _, _, path, _, _ in answers.REQUESTS]
    for prefix in ("/_connector/_sync_job", "/_ml/", "/_bulk", "/_security/", "/api/spaces/", "/api/ml/"):
        assert any(path.startswith(prefix) for path in paths), prefix
    for call in ("_find", "_export", "_import", "_bulk_create", "_bulk_get"):
        assert any(path.startswith(f"/api/saved_objects/{call}") for path in paths), call


def test_the_clocks_and_random_bytes_are_the_real_ones_again_after_a_recording():
    from mockserver.dashboards import repository

    real = (time.time, time.perf_counter, os.urandom, uuid.uuid1, repository.datetime)
    with answers.deterministic():
        assert time.time() == answers.FROZEN.timestamp()
        assert repository.datetime.now(answers.FROZEN.tzinfo) == answers.FROZEN
    assert (time.time, time.perf_counter, os.urandom, uuid.uuid1, repository.datetime) == real
    assert repository.datetime is datetime
