"""What the benchmark scripts time with: samples of one call, and their median in milliseconds."""

from __future__ import annotations

import statistics
import time


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def paired(first, second, rounds: int) -> tuple[float, float]:
    """Medians (ms) of two calls, alternated call by call so that both see the same machine."""
    for _ in range(20):  # warm up
        first()
        second()
    a, b = [], []
    for _ in range(rounds):
        a += timed(first, 1)
        b += timed(second, 1)
    return median_ms(a), median_ms(b)


def timed(call, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples
