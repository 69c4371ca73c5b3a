"""Issue 16's figures, measured in one run and printed as one table: figure | measured | goal | met?

    python3 benchmarks/run.py [--quick] [--only GROUP ...]

These machines are noisy, so a figure is never an absolute time compared with another run's: it is a
ratio of two calls alternated call by call in this run (timing.paired), either the mock beside its floor
(a bare Flask route answering the same JSON, served the same way; parsing the same NDJSON) or the same
call over two sizes of state (a growth factor). The two exceptions are the issue's own: requests per second
of gets while another client exports, as a share of the rate alone, and ``serve`` with a 10,000-object
fixture, in seconds (beside ``serve`` alone).

* live figures (``_find``, ``_bulk_create``, single-object routes): the mock and the bare app each on a
  LiveServer in this process, one keep-alive connection each;
* concurrency figures: the mock (``python -m mockserver serve``) and the bare app (the same server) each in
  a process of its own, the clients threads of this one;
* in-process figures (export/import, growth): through the Flask test client, the HTTP layer included;
* start figures: whole processes, spawned until their first answer, alternated.

``--quick`` takes smaller states (each growth still over a factor of 10) and fewer rounds; overview.py
prints the older, more detailed figures (Kibana's ML sync, memory per object).
"""

from __future__ import annotations

import argparse
import copy
import gc
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import Flask, Response, request  # noqa: E402
from timing import paired  # noqa: E402 (beside this script)

from mockserver import create_app, runtime_of  # noqa: E402
from mockserver.server import LiveServer  # noqa: E402
from mockserver.state import StateStore  # noqa: E402

JSON = {"Content-Type": "application/json"}
OSD = {"osd-xsrf": "true", "Content-Type": "application/json"}
WORDS = ("traffic", "errors", "latency", "revenue", "orders", "users", "sessions", "regions", "status", "requests")


@dataclass
class Figure:
    name: str
    measured: str
    goal: str
    met: bool
    detail: str = ""


@dataclass
class Sizes:
    """What one run measures: the states' sizes and the rounds, full or --quick."""

    rounds: int  # live calls per side
    transfer: int  # objects exported and imported
    transfer_rounds: int
    jobs: tuple[int, int]
    reset: tuple[int, int]
    find_half: tuple[int, int]
    kql: tuple[int, int]
    growth_rounds: int
    export_load: int  # objects the concurrent exporter exports
    load_rounds: int
    clients: int
    client_cycles: int  # create, get, update, delete: four requests each
    fixture: int
    starts: int


FULL = Sizes(
    rounds=400,
    transfer=10000,
    transfer_rounds=9,
    jobs=(1000, 100000),
    reset=(2000, 20000),
    find_half=(10000, 100000),
    kql=(1000, 100000),
    growth_rounds=15,
    export_load=1000,
    load_rounds=5,
    clients=16,
    client_cycles=40,
    fixture=10000,
    starts=9,
)
QUICK = Sizes(
    rounds=100,
    transfer=2000,
    transfer_rounds=5,
    jobs=(1000, 10000),
    reset=(1000, 10000),
    find_half=(1000, 10000),
    kql=(1000, 10000),
    growth_rounds=7,
    export_load=1000,
    load_rounds=3,
    clients=16,
    client_cycles=10,
    fixture=10000,
    starts=4,
)


# -- the floor: a bare Flask app answering what the mock answered -------------------------------------


@dataclass
class Recorded:
    """One route of the bare app: its URL rule and method, and the mock's answer to copy."""

    rule: str
    method: str
    status: int
    body: bytes
    content_type: str


def bare_app(routes: list[Recorded]) -> Flask:
    """Each route parses its JSON request body, if any, and serialises the mock's answer again (so both
    pay for JSON both ways), with no validation, state or lock."""
    app = Flask("bare")
    for number, route in enumerate(routes):
        answer = json.loads(route.body)

        def view(route=route, answer=answer, **_):
            data = request.get_data()
            if data:
                json.loads(data)
            return Response(
                json.dumps(answer, separators=(",", ":")), status=route.status, content_type=route.content_type
            )

        app.add_url_rule(route.rule, f"route{number}", view, methods=[route.method])
    return app


def record(client, rule: str, method: str, path: str, body: str | None, headers: dict) -> Recorded:
    reply = client.open(path, method=method, data=body, headers=headers)
    assert reply.status_code < 300, (path, reply.status_code, reply.get_data(as_text=True)[:300])
    return Recorded(rule, method, reply.status_code, reply.get_data(), reply.content_type)


def http_call(port: int, method: str, path: str, body: str | None, headers: dict):
    conn = http.client.HTTPConnection("127.0.0.1", port)

    def call():
        conn.request(method, path, body=body, headers=headers)
        reply = conn.getresponse()
        reply.read()
        assert reply.status < 300, (path, reply.status)

    return call


def ratio_figure(name: str, mock_ms: float, floor_ms: float, goal: float, floor: str = "bare") -> Figure:
    ratio = mock_ms / floor_ms
    return Figure(name, f"{ratio:.2f}x {floor}", f"<= {goal}x", ratio <= goal, f"{mock_ms:.3f} / {floor_ms:.3f} ms")


def bulk_body(count: int) -> str:
    return json.dumps(
        [
            {
                "type": "visualization",
                "id": f"bulk-{i}",
                "attributes": {"title": f"{WORDS[i % 10]} panel {i}", "visState": '{"type":"line"}'},
                "references": [{"name": "ip", "type": "index-pattern", "id": "logs-web"}],
            }
            for i in range(count)
        ]
    )


def live_figures(sizes: Sizes) -> list[Figure]:
    """``_find`` with a search and ``_bulk_create`` of 100 over the live server, beside the bare route;
    and the single-object routes the issue holds them to (a saved object's get, a sync job's get)."""
    app = create_app()
    store, client = runtime_of(app).store, app.test_client()
    bulk = bulk_body(100)
    calls = {
        "_find with a search, live": (
            "/api/saved_objects/_find",
            "GET",
            "/api/saved_objects/_find?type=visualization&type=search&search=web*",
            None,
            {},
            1.25,
        ),
        "_bulk_create of 100, live": (
            "/api/saved_objects/_bulk_create",
            "POST",
            "/api/saved_objects/_bulk_create",
            bulk,
            OSD,
            2,
        ),
        "get a saved object, live": (
            "/api/saved_objects/<type>/<id>",
            "GET",
            "/api/saved_objects/visualization/web-requests-over-time",
            None,
            {},
            1.25,
        ),
        "get a sync job, live": (
            "/_connector/_sync_job/<job_id>",
            "GET",
            "/_connector/_sync_job/connector-1-full-pending",
            None,
            {},
            1.25,
        ),
    }
    routes = []
    for rule, method, path, body, headers, _ in calls.values():
        routes.append(record(client, rule, method, path, body, headers))
        store.reset()
    figures = []
    with LiveServer(app) as mock, LiveServer(bare_app(routes)) as bare:
        for name, (_, method, path, body, headers, goal) in calls.items():
            writes = method != "GET"
            mock_ms, bare_ms = paired(
                http_call(mock.port, method, path, body, headers),
                http_call(bare.port, method, path, body, headers),
                sizes.rounds // 4 if writes else sizes.rounds,
                # Each bulk meets the default state on a settled heap: collecting what the reset just
                # unpickled is the reset's work, not the bulk's.
                between=(lambda: (store.reset(), gc.collect())) if writes else None,
            )
            figures.append(ratio_figure(name, mock_ms, bare_ms, goal))
    return figures


# -- export and import beside parsing the same NDJSON ---------------------------------------------------


def saved_objects_app(count: int, *, default_fixtures: bool = False):
    """An app holding ``count`` saved objects: 100 index patterns, visualizations each referencing one,
    and a tenth dashboards each referencing three visualizations; the state reset returns to."""
    app = create_app(default_fixtures=default_fixtures)
    state = runtime_of(app).store["dashboards"]
    types, dashboards = state.types, count // 10
    for i in range(100):
        state.repository.create(types, "index-pattern", {"id": f"p{i}", "attributes": {"title": f"logs-{i}-*"}})
    visualizations = count - 100 - dashboards
    for i in range(visualizations):
        state.repository.create(
            types,
            "visualization",
            {
                "id": f"v{i}",
                "attributes": {
                    "title": f"{WORDS[i % 10]} panel {i}",
                    "visState": '{"type":"line"}',
                    "kibanaSavedObjectMeta": {"searchSourceJSON": "{}"},
                },
                "references": [
                    {
                        "name": "kibanaSavedObjectMeta.searchSourceJSON.index",
                        "type": "index-pattern",
                        "id": f"p{i % 100}",
                    }
                ],
            },
        )
    for i in range(dashboards):
        state.repository.create(
            types,
            "dashboard",
            {
                "id": f"d{i}",
                "attributes": {"title": f"overview {i}", "panelsJSON": "[]"},
                "references": [
                    {"name": f"panel_{j}", "type": "visualization", "id": f"v{(3 * i + j) % visualizations}"}
                    for j in range(3)
                ],
            },
        )
    runtime_of(app).store.seed([])
    return app


def multipart_file(text: str) -> tuple[dict, bytes]:
    import io

    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    boundary, body = encode_multipart(
        MultiDict({"file": FileStorage(io.BytesIO(text.encode()), filename="export.ndjson")})
    )
    return {"osd-xsrf": "true", "Content-Type": f"multipart/form-data; boundary={boundary}"}, body


@dataclass
class Transfer:
    """The export of ``count`` saved objects, the parse of its NDJSON (the floor of any import) and the
    import of that file into an empty state (which ``target_store.reset()`` empties again)."""

    text: str
    export: Callable[[], str]
    parse: Callable[[], list]
    import_file: Callable[[], None]
    target_store: StateStore


def transfer(count: int) -> Transfer:
    export_client = saved_objects_app(count).test_client()
    body = json.dumps({"type": ["index-pattern", "visualization", "dashboard"]})

    def export():
        reply = export_client.post("/api/saved_objects/_export", data=body, headers=OSD)
        assert reply.status_code == 200
        return reply.get_data(as_text=True)

    text = export()
    assert text.count("\n") == count  # the objects and the details line

    def parse():
        return [json.loads(line) for line in text.split("\n")]

    target = create_app(default_fixtures=False)
    target_store, import_client = runtime_of(target).store, target.test_client()
    headers, upload = multipart_file(text)

    def import_file():
        reply = import_client.post("/api/saved_objects/_import", data=upload, headers=headers)
        assert reply.status_code == 200 and reply.get_json()["successCount"] == count, reply.get_data()[:300]

    return Transfer(text, export, parse, import_file, target_store)


def transfer_figures(sizes: Sizes) -> list[Figure]:
    count = sizes.transfer
    calls = transfer(count)
    export, parse, import_file = calls.export, calls.parse, calls.import_file
    target_store = calls.target_store
    export_ms, parse_ms = paired(export, parse, sizes.transfer_rounds, warmup=1)
    import_ms, parse_again_ms = paired(import_file, parse, sizes.transfer_rounds, between=target_store.reset, warmup=1)
    return [
        ratio_figure(f"_export of {count:,}", export_ms, parse_ms, 1.3, "parse"),
        ratio_figure(f"_import of {count:,}", import_ms, parse_again_ms, 3, "parse"),
    ]


# -- growth between two sizes of state ------------------------------------------------------------------


def growth_figure(name: str, small_call, big_call, rounds: int, goal: float, goal_text: str, between=None) -> Figure:
    gc.collect()
    small_ms, big_ms = paired(small_call, big_call, rounds, between=between, warmup=3)
    growth = big_ms / small_ms
    return Figure(name, f"x{growth:.1f}", goal_text, growth <= goal, f"{small_ms:.3f} -> {big_ms:.3f} ms")


def sync_jobs_app(count: int):
    """The default state and ``count`` more sync jobs: half of them connector-1's, 20 of them
    sparse-connector's (at any size), the rest over 50 other connectors."""
    app = create_app()
    es = runtime_of(app).store["elasticsearch"]
    template = es.sync_jobs.docs["connector-1-full-completed"]
    every = count // 20
    for i in range(count):
        doc = copy.deepcopy(template)
        doc["connector"]["id"] = "sparse-connector" if i % every == 0 else "connector-1" if i % 2 else f"other-{i % 50}"
        doc["created_at"] = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T10:{i % 60:02d}:{(i // 60) % 60:02d}.000Z"
        es.sync_jobs.store.write(f"job-{i}", doc)
    runtime_of(app).store.seed([])
    return app


def visualizations_app(count: int):
    """``count`` visualizations: every other one titled with "traffic", ten titled with "zebra"."""
    app = create_app(default_fixtures=False)
    state = runtime_of(app).store["dashboards"]
    every = count // 10
    for i in range(count):
        title = f"{'traffic' if i % 2 else WORDS[1 + i % 9]} {WORDS[1 + (i // 2) % 9]} panel {i}"
        state.repository.create(
            state.types,
            "visualization",
            {"id": f"v{i}", "attributes": {"title": title + (" zebra" if i % every == 0 else ""), "visState": "{}"}},
        )
    runtime_of(app).store.seed([])
    return app


def getter(client, path: str, total: int | None = None):
    def call():
        reply = client.get(path)
        assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
        if total is not None:
            assert reply.get_json()["total"] == total, reply.get_json()["total"]

    return call


def jobs_growth(sizes: Sizes) -> list[Figure]:
    small, big = sizes.jobs
    apps = [sync_jobs_app(size).test_client() for size in sizes.jobs]
    figures = []
    for connector, matching in (("connector-1", "half the jobs"), ("sparse-connector", "20 jobs")):
        path = f"/_connector/_sync_job?connector_id={connector}&size=10"
        figures.append(
            growth_figure(
                f"filtered sync-job list, {small // 1000}k -> {big // 1000}k jobs ({matching} match)",
                getter(apps[0], path),
                getter(apps[1], path),
                sizes.growth_rounds * 3,
                2,
                "<= x2 (flat: pays for its page)",
            )
        )
    return figures


def reset_growth(sizes: Sizes) -> Figure:
    small, big = sizes.reset
    resets = [saved_objects_app(size, default_fixtures=True).test_client() for size in sizes.reset]
    writes = iter(range(10**9))

    def one_write():
        number = next(writes)
        for client in resets:
            reply = client.post(
                f"/api/saved_objects/index-pattern/written-{number}", json={"attributes": {"title": "w"}}, headers=OSD
            )
            assert reply.status_code == 200

    def reset(client):
        return lambda: client.post("/_mock/reset")

    return growth_figure(
        f"POST /_mock/reset after one write, {small // 1000}k -> {big // 1000}k objects",
        reset(resets[0]),
        reset(resets[1]),
        sizes.growth_rounds,
        2,
        "<= x2 (flat: pays for what changed)",
        between=one_write,
    )


def find_growth(sizes: Sizes) -> list[Figure]:
    figures = []
    states = {size: visualizations_app(size).test_client() for size in {*sizes.find_half, *sizes.kql}}
    small, big = sizes.find_half
    path = "/api/saved_objects/_find?type=visualization&search=traffic"
    figures.append(
        growth_figure(
            f"_find of a term matching half, {small // 1000}k -> {big // 1000}k",
            getter(states[small], path, small // 2),
            getter(states[big], path, big // 2),
            sizes.growth_rounds,
            big / small,
            f"<= x{big / small:.0f} (linear in the matches)",
        )
    )
    small, big = sizes.kql
    path = "/api/saved_objects/_find?type=visualization&filter=visualization.attributes.title:zebra"
    figures.append(
        growth_figure(
            f"KQL filter on visualizations, {small // 1000}k -> {big // 1000}k (10 matches)",
            getter(states[small], path, 10),
            getter(states[big], path, 10),
            sizes.growth_rounds * 3,
            2,
            "<= x2 (pays for the matches)",
        )
    )
    return figures


# -- concurrency: servers in processes of their own -----------------------------------------------------


class Served:
    """A server in a process of its own, on a port it picks and prints."""

    def __init__(self, command: list[str], marker: str):
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=child_env()
        )
        for line in self.process.stdout:
            if marker in line:
                self.port = int(line.rsplit(":", 1)[1].strip().rstrip("/"))
                break
        else:
            raise RuntimeError(f"{command} printed no port")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def child_env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def mock_process(*options: str) -> Served:
    return Served([sys.executable, "-m", "mockserver", "serve", "--port", "0", "--quiet", *options], " serving on ")


def bare_process(routes: list[Recorded], folder: Path) -> Served:
    spec = folder / "bare-routes.json"
    spec.write_text(json.dumps([{**route.__dict__, "body": route.body.decode()} for route in routes]))
    return Served([sys.executable, __file__, "--serve-bare", str(spec)], "bare serving on ")


def serve_bare(spec: str) -> None:
    """The child's part: the bare app on the mock's server, until killed."""
    routes = [Recorded(**{**route, "body": route["body"].encode()}) for route in json.loads(Path(spec).read_text())]
    server = LiveServer(bare_app(routes)).start()
    print(f"bare serving on http://127.0.0.1:{server.port}", flush=True)
    threading.Event().wait()


def fixture_file(folder: Path, count: int, name: str) -> Path:
    """A fixture of ``count`` visualizations (the shape of the package's own dashboards fixture)."""
    objects = {
        f"v{i}": {
            "attributes": {"title": f"{WORDS[i % 10]} panel {i}", "visState": '{"type":"line"}', "uiStateJSON": "{}"},
            "references": [],
        }
        for i in range(count)
    }
    path = folder / name
    path.write_text(json.dumps({"dashboards": {"saved_objects": {"visualization": objects}}}))
    return path


def rate(port: int, path: str, count: int) -> float:
    """Gets per second, one keep-alive connection, ``count`` in a row."""
    call = http_call(port, "GET", path, None, {})
    call()
    started = time.perf_counter()
    for _ in range(count):
        call()
    return count / (time.perf_counter() - started)


def gets_during_export(sizes: Sizes, folder: Path) -> Figure:
    count = sizes.export_load
    server = mock_process("--no-default-fixtures", "--fixtures", str(fixture_file(folder, count, "export-load.json")))
    try:
        get_path, gets = "/api/saved_objects/visualization/v1", sizes.rounds * 2
        export = http_call(
            server.port, "POST", "/api/saved_objects/_export", json.dumps({"type": ["visualization"]}), OSD
        )
        alone, during = [], []
        for _ in range(sizes.load_rounds):
            alone.append(rate(server.port, get_path, gets))
            stop, exports = threading.Event(), []

            def export_until_stopped(stop=stop, exports=exports):
                while not stop.is_set():
                    export()
                    exports.append(1)

            exporter = threading.Thread(target=export_until_stopped)
            exporter.start()
            while not exports:  # the exporter has its connection and is at it
                time.sleep(0.001)
            during.append(rate(server.port, get_path, gets))
            stop.set()
            exporter.join()
    finally:
        server.stop()
    alone_rate, during_rate = statistics.median(alone), statistics.median(during)
    share = during_rate / alone_rate
    return Figure(
        f"gets while another client exports {count:,} objects",
        f"{share:.2f} of alone",
        ">= 0.5 of alone",
        share >= 0.5,
        f"{during_rate:.0f} req/s ({alone_rate:.0f} alone)",
    )


def concurrent_writes(sizes: Sizes, folder: Path) -> Figure:
    """``clients`` threads, each on its own keep-alive connection, each creating, getting, updating and
    deleting saved objects of its own; the mock's requests per second beside the bare app's."""
    app = create_app()
    client = app.test_client()
    one = "/api/saved_objects/visualization/sample"
    create = json.dumps({"attributes": {"title": "written by a client", "visState": "{}"}})
    update = json.dumps({"attributes": {"title": "updated by a client"}})
    rule = "/api/saved_objects/<type>/<id>"
    routes = [
        record(client, rule, "POST", one, create, OSD),
        record(client, rule, "GET", one, None, {}),
        record(client, rule, "PUT", one, update, OSD),
        record(client, rule, "DELETE", one, None, OSD),
    ]
    mock, bare = mock_process(), bare_process(routes, folder)
    rounds = iter(range(10**9))

    def load(port: int) -> float:
        number = next(rounds)

        def client_work(worker: int):
            conn = http.client.HTTPConnection("127.0.0.1", port)
            for cycle in range(sizes.client_cycles):
                path = f"/api/saved_objects/visualization/c{number}-{worker}-{cycle}"
                for method, body, headers in (
                    ("POST", create, OSD),
                    ("GET", None, {}),
                    ("PUT", update, OSD),
                    ("DELETE", None, OSD),
                ):
                    conn.request(method, path, body=body, headers=headers)
                    reply = conn.getresponse()
                    reply.read()
                    assert reply.status == 200, (method, reply.status)
            conn.close()

        threads = [threading.Thread(target=client_work, args=(worker,)) for worker in range(sizes.clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sizes.clients * sizes.client_cycles * 4 / (time.perf_counter() - started)

    try:
        load(mock.port), load(bare.port)  # warm up
        ratios, mock_rates, bare_rates = [], [], []
        for _ in range(sizes.load_rounds):
            mock_rates.append(load(mock.port))
            bare_rates.append(load(bare.port))
            ratios.append(mock_rates[-1] / bare_rates[-1])
    finally:
        mock.stop()
        bare.stop()
    ratio = statistics.median(ratios)
    return Figure(
        f"{sizes.clients} concurrent clients, mixed writes",
        f"{ratio:.2f}x bare",
        ">= 0.9x bare",
        ratio >= 0.9,
        f"{statistics.median(mock_rates):.0f} / {statistics.median(bare_rates):.0f} req/s",
    )


# -- whole processes, to their first answer -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_env(folder: Path) -> dict:
    """A start as a user's: pip compiles an installed package's bytecode (Flask's .pyc are in
    site-packages), and a checkout's first run writes its own. PYTHONDONTWRITEBYTECODE in this
    environment would make every mock start compile its source while the bare Flask process reads
    compiled files; here both write theirs under ``folder`` in the uncounted first round (the
    checkout stays clean) and read them after."""
    env = child_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    return env


def first_answer(command: list[str], port: int, path: str, env: dict) -> float:
    """Seconds from spawning ``command`` to the first answer to GET ``path`` on ``port``."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", path)
                status = conn.getresponse().status
                took = time.perf_counter() - started
                conn.close()
                assert status == 200, status
                return took
            except (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected):
                if process.poll() is not None:
                    raise RuntimeError(f"{command} ended with {process.returncode}") from None
                time.sleep(0.002)
    finally:
        process.terminate()
        process.wait(timeout=10)


BARE_FLASK = (
    "import sys; from flask import Flask; app = Flask('bare'); app.get('/')(lambda: {'ok': True}); "
    "app.run(port=int(sys.argv[1]))"
)


def start_figures(sizes: Sizes, folder: Path) -> list[Figure]:
    fixture = fixture_file(folder, sizes.fixture, "start.json")
    serve = [sys.executable, "-m", "mockserver", "serve", "--quiet", "--port"]
    commands = {
        "fixture": lambda port: (serve + [str(port), "--fixtures", str(fixture)], "/_mock/health"),
        "serve": lambda port: (serve + [str(port)], "/_mock/health"),
        "bare": lambda port: ([sys.executable, "-c", BARE_FLASK, str(port)], "/"),
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    env = start_env(folder)
    for round_ in range(sizes.starts + 1):  # the first round warms the disk cache and writes the .pyc, not counted
        for name, make in commands.items():
            port = free_port()
            command, path = make(port)
            took = first_answer(command, port, path, env)
            if round_:
                times[name].append(took)
    fixture_s, serve_s, bare_s = (statistics.median(times[name]) for name in commands)
    ratios = [s / b for s, b in zip(times["serve"], times["bare"], strict=True)]
    ratio = statistics.median(ratios)
    return [
        Figure(
            f"serve with a {sizes.fixture:,}-object fixture",
            f"{fixture_s:.2f} s",
            "<= 0.5 s",
            fixture_s <= 0.5,
            f"{fixture_s / serve_s:.2f}x serve without it ({serve_s * 1000:.0f} ms)",
        ),
        Figure(
            "mockserver serve to its first answer",
            f"{ratio:.2f}x bare Flask",
            "<= 1.5x bare Flask",
            ratio <= 1.5,
            f"{serve_s * 1000:.0f} / {bare_s * 1000:.0f} ms",
        ),
    ]


def table(figures: list[Figure]) -> str:
    rows = [("figure", "measured", "goal", "met?", "beside")] + [
        (f.name, f.measured, f.goal, "yes" if f.met else "no", f.detail) for f in figures
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        "| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |" for row in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)


GROUPS: dict[str, Callable[[Sizes, Path], list[Figure]]] = {
    "live": lambda sizes, folder: live_figures(sizes),
    "transfer": lambda sizes, folder: transfer_figures(sizes),
    "jobs": lambda sizes, folder: jobs_growth(sizes),
    "reset": lambda sizes, folder: [reset_growth(sizes)],
    "find": lambda sizes, folder: find_growth(sizes),
    "export-load": lambda sizes, folder: [gets_during_export(sizes, folder)],
    "concurrency": lambda sizes, folder: [concurrent_writes(sizes, folder)],
    "start": start_figures,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller states and fewer rounds")
    parser.add_argument(
        "--only", action="append", choices=sorted(GROUPS), help="measure these groups of figures only (repeatable)"
    )
    parser.add_argument("--serve-bare", metavar="SPEC", help=argparse.SUPPRESS)  # the child's part
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(args.serve_bare)
        return
    sizes = QUICK if args.quick else FULL
    started = time.perf_counter()
    figures = []
    with tempfile.TemporaryDirectory() as folder:
        for group, step in GROUPS.items():
            if not args.only or group in args.only:
                figures += step(sizes, Path(folder))
                gc.collect()
    print(
        f"Issue 16's figures ({'--quick' if args.quick else 'full'} run, {time.perf_counter() - started:.0f} s, "
        f"{os.cpu_count()} cores; ratios of calls alternated in this run):\n"
    )
    print(table(figures))
    met = sum(f.met for f in figures)
    print(f"\n{met} of {len(figures)} goals met")


if __name__ == "__main__":
    main()
