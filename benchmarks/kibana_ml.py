"""Kibana's ML saved-objects sync and status over 1,000 and 10,000 jobs, through Kibana's routes (the
in-process test client), and how each grows between the two sizes (goal: linear, an exponent of about 1).

    python3 benchmarks/kibana_ml.py [--rounds N]

A state of ``size`` ML items: a third anomaly detection jobs (half of them opened, with a started
datafeed), a third data frame analytics jobs, a third trained models, each with its saved object in
half the cases; and as many stale saved objects for jobs that are gone. Figures are medians of one
run; the growth factor compares sizes measured in that same run.
"""

from __future__ import annotations

import argparse
import gc
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import median_ms, timed  # noqa: E402 (beside this script)

from mockserver import create_app, runtime_of  # noqa: E402

JOB = {"analysis_config": {"detectors": [{"function": "count"}]}, "data_description": {}}
DFA = {"source": {"index": "source"}, "dest": {"index": "dest"}, "analysis": {"outlier_detection": {}}}
MODEL = {"model_type": "pytorch", "inference_config": {"pass_through": {}}}
HEADERS = {"kbn-xsrf": "true", "x-elastic-internal-origin": "Kibana"}
# Growth as an exponent of size: 1.0 is linear; up to 1.1 allows the cache misses of a ten times larger heap.
GOAL_EXPONENT = 1.1


def seeded(size: int):
    app = create_app(default_fixtures=False)
    store = runtime_of(app).store
    es, kibana = store["elasticsearch"], store["kibana"]
    es.indices.create("source", {})
    third = size // 3
    for i in range(third):
        es.ml.jobs.put(f"job-{i}", dict(JOB))
        es.ml.analytics.put(f"dfa-{i}", dict(DFA))
        es.ml.models.put(f"model-{i}", dict(MODEL))
        if i % 2:
            es.ml.datafeeds.put(f"feed-{i}", {"job_id": f"job-{i}", "indices": ["source"]})
            es.ml.jobs.states[f"job-{i}"] = "opened"
            es.ml.datafeeds.states[f"feed-{i}"] = "started"
            kibana.saved_objects.put(
                "ml-job", f"anomaly-detector-job-{i}", {"job_id": f"job-{i}", "type": "anomaly-detector"}, ["*"]
            )
        kibana.saved_objects.put(
            "ml-job", f"anomaly-detector-gone-{i}", {"job_id": f"gone-{i}", "type": "anomaly-detector"}, ["*"]
        )
    store.seed([])
    return app, store


def measure(size: int, rounds: int) -> dict[str, float]:
    app, store = seeded(size)
    client = app.test_client()
    calls = {
        "sync (simulate)": lambda: client.get("/api/ml/saved_objects/sync?simulate=true", headers=HEADERS),
        "sync": lambda: client.get("/api/ml/saved_objects/sync", headers=HEADERS),
        "status": lambda: client.get("/internal/ml/saved_objects/status", headers=HEADERS),
    }
    results = {}
    for name, call in calls.items():
        assert call().status_code == 200, name  # warm, and a check that the route answers
        samples = []
        for _ in range(rounds):
            # Each round meets the seeded state on a settled heap (a real sync writes saved objects).
            store.reset()
            gc.collect()
            samples += timed(call, 1)
        results[name] = median_ms(samples)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    small, large = measure(1000, args.rounds), measure(10000, args.rounds)
    print("Kibana ML saved objects, median ms per call through the route (in-process)")
    print(f"  {'call':<18}{'1,000 jobs':>12}{'10,000 jobs':>13}{'growth':>9}{'exponent':>10}   goal <= {GOAL_EXPONENT}")
    for name in small:
        growth = large[name] / small[name]
        exponent = math.log10(growth)
        verdict = "ok" if exponent <= GOAL_EXPONENT else "over"
        print(f"  {name:<18}{small[name]:>12.2f}{large[name]:>13.2f}{growth:>8.1f}x{exponent:>10.2f}   {verdict}")


if __name__ == "__main__":
    main()
