"""What the benchmark scripts time with: samples of one call, and their median in milliseconds."""

from __future__ import annotations

import statistics
import time


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(call, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples
