"""Speed of the mock in detail, measured in one run and printed as medians and ratios (these machines are
noisy, so only figures from the same run are compared); run.py prints issue 16's figures as one table.

    python3 benchmarks/overview.py [--rounds N]

* create, get and list sync jobs over the live server, each beside a bare Flask route served the same
  way and answering the same JSON (goal: at most 1.5x);
* the same through the in-process test client;
* reset of the default state (goal: under 1 ms);
* the live-server fixture's start-to-first-response and stop (goal: under 50 ms each), and app creation;
* Kibana's ML saved-objects sync over 1,000 jobs and models, and how it grows from 100 to 10,000
  (goal: linear at worst);
* OpenSearch Dashboards' get, create and _find with a search over states of 1,000, 10,000 and 100,000
  saved objects (goal: get and create flat; _find paying for what it matches in the types it asks
  for, not for the whole state), and memory per object;
* OpenSearch Dashboards' export of 10,000 objects and the import of that file into an empty state:
  medians, each beside the time to just parse the same NDJSON (the floor), and peak memory.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import http.client
import json
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Flask, Response  # noqa: E402
from run import transfer  # noqa: E402 (beside this script)
from timing import median_ms, paired, timed  # noqa: E402

from mockserver import create_app, runtime_of  # noqa: E402
from mockserver.server import LiveServer  # noqa: E402

JSON = {"Content-Type": "application/json"}


class Operations:
    """The three sync job calls, and the bodies they answer, for the bare app to answer alike."""

    def __init__(self, mock_client, reset):
        self.reset = reset
        self.job_id = "connector-1-full-pending"  # a job of the default state
        self.requests = {
            "create": ("POST", "/_connector/_sync_job", json.dumps({"id": "connector-1"})),
            "get": ("GET", f"/_connector/_sync_job/{self.job_id}", None),
            "list": ("GET", "/_connector/_sync_job?connector_id=connector-1&size=10", None),
        }
        self.answers = {
            name: mock_client.open(path, method=method, data=body, headers=JSON if body else {}).get_data()
            for name, (method, path, body) in self.requests.items()
        }


def bare_app(ops: Operations) -> Flask:
    """A bare Flask app: the same paths, each answering the JSON the mock answered, parsed and
    serialised again (so both pay for JSON), with no validation, state or lock."""
    app = Flask("bare")
    bodies = {name: json.loads(raw) for name, raw in ops.answers.items()}

    def answer(name: str, status: int = 200):
        return Response(json.dumps(bodies[name], separators=(",", ":")), status=status, content_type="application/json")

    app.add_url_rule("/_connector/_sync_job", "create", lambda: answer("create", 201), methods=["POST"])
    app.add_url_rule("/_connector/_sync_job", "list", lambda: answer("list"), methods=["GET"])
    app.add_url_rule("/_connector/_sync_job/<job_id>", "get", lambda job_id: answer("get"), methods=["GET"])
    return app


def http_call(conn: http.client.HTTPConnection, method: str, path: str, body: str | None):
    def call():
        conn.request(method, path, body=body, headers=JSON if body else {})
        reply = conn.getresponse()
        reply.read()
        assert reply.status < 300, reply.status

    return call


def client_call(client, method: str, path: str, body: str | None):
    def call():
        reply = client.open(path, method=method, data=body, headers=JSON if body else {})
        assert reply.status_code < 300, reply.status_code

    return call


def measure(make_call, mock_target, bare_target, ops: Operations, rounds: int) -> tuple[dict, dict]:
    mock, bare = {}, {}
    for name, (method, path, body) in ops.requests.items():
        # Each call meets the default state, as a test does after its per-test reset (creating
        # hundreds of jobs first would measure a state no test has).
        ops.reset()
        mock[name], bare[name] = paired(
            make_call(mock_target, method, path, body), make_call(bare_target, method, path, body), rounds
        )
    return mock, bare


def compare(title: str, mock: dict[str, float], bare: dict[str, float], goal: float | None) -> None:
    print(f"\n{title}")
    print(f"  {'call':<8}{'mock ms':>10}{'bare ms':>10}{'ratio':>8}" + ("   goal" if goal else ""))
    for name in mock:
        ratio = mock[name] / bare[name]
        verdict = ("   ok" if ratio <= goal else "   over") if goal else ""
        print(f"  {name:<8}{mock[name]:>10.3f}{bare[name]:>10.3f}{ratio:>8.2f}{verdict}")


def sync_over(size: int) -> tuple[float, float, float]:
    """Medians (ms) of a simulated sync and of a real one, and the Python function calls the real
    one makes per item (a count, so not noisy), with ``size`` jobs and models in
    Elasticsearch: a third each AD jobs (half with datafeeds), DFA jobs and trained models, none of
    them with a saved object yet, beside as many stale saved objects for jobs that are gone."""
    from mockserver.kibana import ml_sync

    app = create_app(default_fixtures=False)
    store = runtime_of(app).store
    es, kibana = store["elasticsearch"], store["kibana"]
    job = {"analysis_config": {"detectors": [{"function": "count"}]}, "data_description": {}}
    dfa = {"source": {"index": "s"}, "dest": {"index": "d"}, "analysis": {"outlier_detection": {}}}
    model = {"model_type": "pytorch", "inference_config": {"pass_through": {}}}
    third = size // 3
    for i in range(third):
        es.ml.jobs.put(f"job-{i}", dict(job))
        if i % 2:
            es.ml.datafeeds.put(f"feed-{i}", {"job_id": f"job-{i}", "indices": ["x"]})
        es.ml.analytics.put(f"dfa-{i}", dict(dfa))
        es.ml.models.put(f"model-{i}", dict(model))
        kibana.saved_objects.put(
            "ml-job",
            f"anomaly-detector-gone-{i}",
            {"job_id": f"gone-{i}", "datafeed_id": None, "type": "anomaly-detector"},
            ["*"],
        )
    store.seed([])
    simulated, real = [], []
    for _ in range(7):
        # Each round starts from the seeded state on a settled heap: the collector's work on what
        # the reset just unpickled belongs to the reset, not to the sync.
        store.reset()
        gc.collect()
        simulated += timed(lambda: ml_sync.sync(kibana, es.ml, space="default", visible=None, simulate=True), 1)
        real += timed(lambda: ml_sync.sync(kibana, es.ml, space="default", visible=None), 1)
    store.reset()
    profile = cProfile.Profile()
    profile.runcall(ml_sync.sync, kibana, es.ml, space="default", visible=None)
    calls = pstats.Stats(profile).total_calls
    return median_ms(simulated), median_ms(real), calls / size


WORDS = ("traffic", "errors", "latency", "revenue", "orders", "users", "sessions", "regions", "status", "requests")


def dashboards_at(size: int, rounds: int) -> dict[str, float]:
    """Medians (ms) of get, create and two searches through the test client, with ``size`` saved
    objects: 90% visualizations (titles from 10 common words, and one rare word in every 1,000th),
    and a fixed 100 dashboards; plus the memory each object takes (bytes, tracemalloc)."""
    import tracemalloc

    app = create_app(default_fixtures=False)
    state = runtime_of(app).store["dashboards"]
    types = state.types
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(size - 100):
        title = f"{WORDS[i % 10]} {WORDS[(i // 10) % 10]} panel {i}" + (" zebra" if i % 1000 == 0 else "")
        state.repository.create(
            types,
            "visualization",
            {
                "id": f"v{i}",
                "attributes": {
                    "title": title,
                    "description": f"{WORDS[(i // 100) % 10]} by {WORDS[(i // 7) % 10]}",
                    "version": 1,
                    "visState": "{}",
                },
                "references": [{"name": "ip", "type": "index-pattern", "id": "logs"}],
            },
        )
    for i in range(100):
        state.repository.create(
            types,
            "dashboard",
            {"id": f"d{i}", "attributes": {"title": f"{WORDS[i % 10]} overview {i}", "panelsJSON": "[]"}},
        )
    per_object = (tracemalloc.get_traced_memory()[0] - before) / size
    tracemalloc.stop()
    store = runtime_of(app).store
    store.seed([])
    client = app.test_client()
    xsrf = {"osd-xsrf": "true", "Content-Type": "application/json"}
    counter = iter(range(10**9))
    calls = {
        "get": lambda: client.get(f"/api/saved_objects/visualization/v{size // 2}"),
        "create": lambda: client.post(
            f"/api/saved_objects/visualization/new-{next(counter)}",
            headers=xsrf,
            data='{"attributes": {"title": "fresh traffic"}}',
        ),
        "find dashboards": lambda: client.get("/api/saved_objects/_find?type=dashboard&search=traffic"),
        "find rare word": lambda: client.get("/api/saved_objects/_find?type=visualization&search=zebra"),
    }
    results = {}
    for name, call in calls.items():
        timed(call, 5)
        results[name] = median_ms(timed(call, rounds))
        store.reset()
    results["bytes/object"] = per_object
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=500)
    args = parser.parse_args()

    app = create_app()
    ops = Operations(app.test_client(), runtime_of(app).store.reset)
    bare = bare_app(ops)

    with LiveServer(app) as mock_server, LiveServer(bare) as bare_server:
        mock_conn = http.client.HTTPConnection("127.0.0.1", mock_server.port)
        bare_conn = http.client.HTTPConnection("127.0.0.1", bare_server.port)
        mock_http, bare_http = measure(http_call, mock_conn, bare_conn, ops, args.rounds)
        mock_conn.close()
        bare_conn.close()
    compare(
        "Live server over loopback (keep-alive), median per call, goal <= 1.5x the bare route",
        mock_http,
        bare_http,
        1.5,
    )
    mock_local, bare_local = measure(client_call, app.test_client(), bare.test_client(), ops, args.rounds)
    compare("In-process test client, median per call", mock_local, bare_local, None)

    store = runtime_of(app).store
    client = app.test_client()
    for size in (100, 1000, 10000):
        store.reset()
        for _ in range(size - len(store["elasticsearch"].sync_jobs.docs)):
            client.post("/_connector/_sync_job", json={"id": "connector-1"})
        list_call = client_call(client, "GET", "/_connector/_sync_job?connector_id=connector-1&size=10", None)
        print(f"List a page of 10 from {size:>6} jobs (in-process): median {median_ms(timed(list_call, 50)):.3f} ms")
    store.reset()  # drops the 10,000 jobs: the steps below should not carry that heap
    reset = median_ms(timed(store.reset, args.rounds))
    print(f"\nReset of the default state: median {reset:.3f} ms (goal < 1 ms){'  ok' if reset < 1 else '  over'}")

    creations, starts, stops = [], [], []
    for _ in range(20):
        started = time.perf_counter()
        fresh = create_app()
        creations.append(time.perf_counter() - started)
        started = time.perf_counter()
        server = LiveServer(fresh).start()
        conn = http.client.HTTPConnection("127.0.0.1", server.port)
        conn.request("GET", "/_mock/health")
        assert conn.getresponse().status == 200
        starts.append(time.perf_counter() - started)
        conn.close()
        started = time.perf_counter()
        server.stop()
        stops.append(time.perf_counter() - started)
    start_ms, stop_ms = median_ms(starts), median_ms(stops)
    print(
        f"Live server: start to first response {start_ms:.2f} ms, stop {stop_ms:.2f} ms (goal < 50 ms each)"
        f"{'  ok' if max(start_ms, stop_ms) < 50 else '  over'}"
    )
    print(f"App creation (once per test session, before the server starts): median {median_ms(creations):.1f} ms")

    print("\nKibana ML sync (jobs and models in Elasticsearch, none with a saved object yet)")
    print(f"  {'items':>7}{'simulate ms':>14}{'sync ms':>10}{'us/item':>10}{'calls/item':>12}")
    calls = {}
    for size in (100, 1000, 10000):
        simulated, real, calls[size] = sync_over(size)
        print(f"  {size:>7}{simulated:>14.2f}{real:>10.2f}{real * 1000 / size:>10.2f}{calls[size]:>12.2f}")
    growth = calls[10000] / calls[100]
    print(
        f"  work per item at 10,000 / at 100 (function calls, not noisy): {growth:.3f} "
        f"(goal: linear at worst, i.e. about 1){'  ok' if growth < 1.1 else '  over'}; the time per item also "
        "grows with the working set (memory, not work)"
    )

    dashboards_report(max(20, args.rounds // 10))
    transfer_report(max(5, args.rounds // 50))


def dashboards_report(rounds: int) -> None:
    sizes = (1000, 10000, 100000)
    table = {size: dashboards_at(size, rounds) for size in sizes}
    print("\nOpenSearch Dashboards saved objects (in-process; 90% visualizations, 100 dashboards)")
    names = list(table[sizes[0]])
    print(f"  {'objects':>8}" + "".join(f"{n:>18}" for n in names))
    for size in sizes:
        print(
            f"  {size:>8}"
            + "".join(f"{table[size][n]:>18.3f}" if n != "bytes/object" else f"{table[size][n]:>18.0f}" for n in names)
        )
    print(
        "  growth from 1,000 to 100,000 objects (1.0 = flat): "
        + ", ".join(f"{n} {table[sizes[-1]][n] / table[sizes[0]][n]:.2f}" for n in names if n != "bytes/object")
    )
    print(
        "  (find dashboards: the 100 dashboards, whatever else the state holds; find rare word: matches 1 in 1,000"
        " visualizations, so it grows with what it matches)"
    )


def peak_kib(call) -> float:
    import tracemalloc

    gc.collect()
    tracemalloc.start()
    call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1024


def transfer_report(rounds: int, size: int = 10000) -> None:
    """Export of ``size`` objects (100 index patterns, visualizations each referencing one, dashboards
    each referencing three visualizations) and the import of that file into an empty state."""
    calls = transfer(size)
    text, export, parse, import_file = calls.text, calls.export, calls.parse, calls.import_file
    target_store = calls.target_store
    export_times, import_times, parse_times = [], [], []
    for _ in range(rounds):
        parse_times += timed(parse, 1)
        export_times += timed(export, 1)
        target_store.reset()  # an empty state again (not timed)
        import_times += timed(import_file, 1)
    floor = median_ms(parse_times)
    target_store.reset()
    memory = {"parse": peak_kib(parse), "export": peak_kib(export), "import": peak_kib(import_file)}
    print(
        f"\nOpenSearch Dashboards export and import of {size:,} objects "
        f"({len(text.encode()) / 1024:,.0f} KiB of NDJSON;"
        f" in-process, median of {rounds})"
    )
    print(f"  {'':>8}{'median ms':>12}{'x parse':>10}{'peak KiB':>12}{'x parse':>10}")
    for name, times in (("parse", parse_times), ("export", export_times), ("import", import_times)):
        print(
            f"  {name:>8}{median_ms(times):>12.1f}{median_ms(times) / floor:>10.1f}{memory[name]:>12,.0f}"
            f"{memory[name] / memory['parse']:>10.1f}"
        )
    print(
        "  (parse: json.loads of each line of the same file, the floor of any import; export and import go"
        " through the HTTP layer, multipart included)"
    )


if __name__ == "__main__":
    main()
