"""The serving layer, measured in one run: the mock's server (waitress) beside the werkzeug threaded
server it replaced, both serving the same app, calls alternated so both see the same machine.

    python3 benchmarks/serving.py [--rounds N]

* latency per call on one keep-alive connection, median (goal: no slower than before, ratio <= 1);
* the same with a new connection per call;
* requests answered on one pipelined connection (sent back to back before reading);
* the server's memory while clients declare a chunk of 4 GiB, send a little of it and drop the
  connection, each server in a process of its own.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import paired  # noqa: E402 (beside this script)
from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402

from mockserver import create_app  # noqa: E402
from mockserver.server import LiveServer  # noqa: E402

CALLS = {
    "get": ("GET", "/_connector/connector-1", None),
    "list": ("GET", "/_connector/_sync_job?connector_id=connector-1&size=10", None),
    "create": ("POST", "/_connector/_sync_job", json.dumps({"id": "connector-1"})),
    "kibana": ("GET", "/api/ml/saved_objects/sync?simulate=true", None),
}


class Before(WSGIRequestHandler):
    """The handler the mock served with until the serving change (HTTP/1.1, no log)."""

    protocol_version = "HTTP/1.1"

    def log_request(self, *args) -> None:
        pass


class WerkzeugServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Before)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def keep_alive_call(port: int, method: str, path: str, body: str | None):
    conn = http.client.HTTPConnection("127.0.0.1", port)

    def call():
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
        reply = conn.getresponse()
        reply.read()
        if reply.getheader("Connection", "").lower() == "close":
            conn.close()  # the server closes: http.client reconnects on the next request

    return call


def fresh_call(port: int, method: str, path: str, body: str | None):
    def call():
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
        conn.getresponse().read()
        conn.close()

    return call


def pipelined(port: int, count: int) -> int:
    """How many of ``count`` requests sent back to back on one connection are answered."""
    with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
        sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: bench\r\n\r\n" * count)
        data = b""
        try:
            while data.count(b"HTTP/1.1 200") < count:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except TimeoutError:
            pass
    return data.count(b"HTTP/1.1 200")


def rss_mib() -> float:
    with open(f"/proc/{os.getpid()}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def chunk_attack(port: int, clients: int = 8, seconds: float = 3.0) -> tuple[float, float]:
    """RSS (MiB) of this process before, and at its peak while ``clients`` connections each declare
    a 4 GiB chunk, send 1 MiB of it and drop the connection."""
    gc.collect()
    before = peak = rss_mib()
    for _ in range(clients):
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(
                b"PUT /_connector/attack HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\nffffffff\r\n" + b"x" * (1024 * 1024)
            )
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        peak = max(peak, rss_mib())
        time.sleep(0.05)
    return before, peak


def attack_in_child(which: str) -> tuple[float, float]:
    """The attack on a server of its own, in a process of its own (so that memory is its alone)."""
    out = subprocess.run([sys.executable, __file__, "--attack", which], capture_output=True, text=True, check=True)
    before, peak = map(float, out.stdout.split())
    return before, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--attack", choices=("before", "after"), help=argparse.SUPPRESS)  # the child's part
    args = parser.parse_args()
    if args.attack:
        server = WerkzeugServer(create_app()) if args.attack == "before" else LiveServer(create_app()).start()
        print(*chunk_attack(server.port))
        os._exit(0)  # werkzeug's threads may still be reading what was declared

    app = create_app()
    before = WerkzeugServer(app)
    with LiveServer(app) as after:
        print(f"Latency per call, median ms over {args.rounds} rounds (goal: after/before <= 1)")
        for title, make in (("one keep-alive connection", keep_alive_call), ("a connection per call", fresh_call)):
            print(f"  {title}")
            print(f"    {'call':<8}{'after':>9}{'before':>9}{'ratio':>8}")
            for name, (method, path, body) in CALLS.items():
                a, b = paired(make(after.port, method, path, body), make(before.port, method, path, body), args.rounds)
                print(f"    {name:<8}{a:>9.3f}{b:>9.3f}{a / b:>8.2f}{'  ok' if a <= b else '  over'}")
        count = 100
        print(
            f"\nPipelined: {count} requests sent at once on one connection, answered: after "
            f"{pipelined(after.port, count)}, "
            f"before {pipelined(before.port, count)}"
        )
        print(
            "\nChunk attack, each server in a process of its own (8 clients declaring ffffffff, sending 1 MiB, "
            "dropping the connection; RSS over 3 s):"
        )
        for which in ("after", "before"):
            start, peak = attack_in_child(which)
            print(f"  {which:<7}RSS {start:.0f} MiB before, peak {peak:.0f} MiB (+{peak - start:.0f} MiB)")
    before.stop()


if __name__ == "__main__":
    main()
