"""What the benchmark scripts time with: samples of one call, and their median in milliseconds."""

from __future__ import annotations

import statistics
import time


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def paired(first, second, rounds: int, between=None, warmup: int = 20) -> tuple[float, float]:
    """Medians (ms) of two calls, alternated call by call so that both see the same machine;
    ``between``, if given, runs (untimed) before each call, e.g. to reset the state it changed."""
    for _ in range(warmup):
        for call in (first, second):
            if between:
                between()
            call()
    a, b = [], []
    for _ in range(rounds):
        if between:
            between()
        a += timed(first, 1)
        if between:
            between()
        b += timed(second, 1)
    return median_ms(a), median_ms(b)


def timed(call, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples
