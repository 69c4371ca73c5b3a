"""``mockserver serve``: the mock as a local stand-in server."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import sys
import threading

from . import __version__
from .app import create_app, product_app, runtime_of
from .errors import FixtureError
from .journal import DEFAULT_SIZE as DEFAULT_JOURNAL_SIZE
from .server import Server, http_url
from .versions import release_numbers

DESCRIPTION = (
    "An in-memory mock of Elasticsearch, Kibana and OpenSearch Dashboards HTTP APIs. "
    "'mockserver serve' runs it as a local server; 'mockserver serve --help' lists its options."
)
ACCESS_LOG = "mockserver.access"  # the logger of one line per request


def version_number(text: str) -> str:
    """An X.Y.Z version, as --kibana-version takes it."""
    try:
        release_numbers(text, strict=True)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a version X.Y.Z (9.1.0, say)") from None
    return text


def config_assignment(text: str) -> tuple[str, object]:
    """A KEY=VALUE of --dashboards-config, its VALUE read as YAML."""
    from .dashboards.config import assignment

    try:
        return assignment(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="mockserver", description=DESCRIPTION)
    root.add_argument("--version", action="version", version=f"mockserver {__version__}")
    commands = root.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="serve every mocked product on one port",
        description="Serves every mocked product on one port (loopback only unless --host says otherwise), "
        "logging one line per request.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    serve.add_argument("--port", type=int, default=9200, help="port to bind (default 9200; 0 picks a free one)")
    serve.add_argument(
        "--fixtures",
        action="append",
        default=[],
        metavar="PATH",
        help="a fixture file or folder, loaded after the default fixtures (repeatable)",
    )
    serve.add_argument("--no-default-fixtures", action="store_true", help="start without the default fixtures")
    serve.add_argument(
        "--strict", action="store_true", help="check every response against its schema; a violation answers 500"
    )
    serve.add_argument(
        "--auth",
        metavar="USER:PASSWORD",
        help="turn security on: every product route needs these credentials (a superuser) or an "
        "API key issued for them",
    )
    serve.add_argument(
        "--product-port",
        action="append",
        default=[],
        metavar="PRODUCT=PORT",
        help="serve a product on a port of its own, as a deployment does (repeatable: "
        "elasticsearch=9200, kibana=5601, dashboards=5602); --port serves the others",
    )
    serve.add_argument(
        "--no-control-api",
        action="store_true",
        help="serve no /_mock/ routes (reset, state, faults, journal): for a stand-in others share",
    )
    serve.add_argument(
        "--journal-size",
        type=int,
        default=DEFAULT_JOURNAL_SIZE,
        metavar="N",
        help=f"requests the journal keeps (default {DEFAULT_JOURNAL_SIZE}; 0 turns it off)",
    )
    serve.add_argument(
        "--elasticsearch-version",  # its release check words the refusal itself
        metavar="X.Y.Z",
        help="the Elasticsearch release to behave as (GET /, which APIs exist; default 9.6.0)",
    )
    serve.add_argument(
        "--kibana-version",
        type=version_number,
        metavar="X.Y.Z",
        help="the Kibana version to behave as (sync response format and defaults; default 9.1.0)",
    )
    serve.add_argument(
        "--dashboards-version",
        type=version_number,
        metavar="X.Y.Z",
        help="the OpenSearch Dashboards version to behave as (the osd-version clients send, the config "
        "object's id; default 3.6.0)",
    )
    serve.add_argument(
        "--dashboards-config",
        type=config_assignment,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an opensearch_dashboards.yml setting by its name, VALUE a YAML scalar or [list] (repeatable): "
        "server.xsrf.disableProtection=true, server.xsrf.allowlist=[/api/saved_objects/_import], "
        "savedObjects.maxImportExportSize=500 ...",
    )
    serve.add_argument(
        "--kibana-sync-on-start",
        action="store_true",
        help="run Kibana's create-only ML saved-objects pass at start, as Kibana does",
    )
    serve.add_argument(
        "--kibana-sync-interval",
        type=float,
        metavar="SECONDS",
        help="run that pass periodically too (Kibana: every hour); off by default",
    )
    serve.add_argument("--quiet", action="store_true", help="log no line per request (warnings and errors still)")
    return root


def port_plan(app, product_ports: list[str], main_port: int) -> list[tuple[list[str], int]]:
    """Which products each port serves: the ``PRODUCT=PORT`` ones, and the main port for the rest."""
    served = list(runtime_of(app).products)
    plan: list[tuple[list[str], int]] = []
    if not 0 <= main_port <= 65535:
        raise ValueError(f"--port {main_port}: a port is between 0 and 65535")
    for spec in product_ports:
        name, _, port = spec.partition("=")
        if name not in served or not port.isdigit() or not 0 <= int(port) <= 65535:
            raise ValueError(
                f"--product-port {spec!r}: expected PRODUCT=PORT with PRODUCT one of {served} and a port "
                "between 0 and 65535"
            )
        if any(name in names for names, _ in plan):
            raise ValueError(f"--product-port {spec!r}: {name} already has a port")
        plan.append(([name], int(port)))
    rest = [n for n in served if n not in {names[0] for names, _ in plan}]
    return ([(rest, main_port)] if rest else []) + plan


def loopback(host: str) -> bool:
    """Whether an address to bind is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve beyond loopback
        return False


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    access_log = logging.getLogger(ACCESS_LOG)
    if not access_log.handlers:  # one line per request on standard error, unless the caller logs them itself
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        access_log.addHandler(handler)
        access_log.propagate = False
    access_log.setLevel(logging.WARNING if args.quiet else logging.INFO)
    try:
        app = create_app(
            args.fixtures,
            default_fixtures=not args.no_default_fixtures,
            strict=args.strict,
            elasticsearch_version=args.elasticsearch_version,
            kibana_version=args.kibana_version,
            dashboards_version=args.dashboards_version,
            dashboards_config=dict(args.dashboards_config),
            kibana_sync_on_start=args.kibana_sync_on_start or None,
            kibana_sync_interval=args.kibana_sync_interval,
            auth=args.auth,
            journal_size=args.journal_size,
            control_api=not args.no_control_api,
        )
        plan = port_plan(app, args.product_port, args.port)
    except FixtureError as e:
        print(f"mockserver: bad fixture: {e}", file=sys.stderr)
        return 2
    except ValueError as e:
        print(f"mockserver: {e}", file=sys.stderr)
        return 2
    servers = []
    try:
        for products, port in plan:
            port_app = app if not args.product_port else product_app(app, products)
            servers.append((products, Server(port_app, args.host, port, access_log=access_log)))
    except OSError as e:
        print(f"mockserver: cannot bind {args.host}:{port}: {e}", file=sys.stderr)
        for _, server in servers:
            server.close()
        return 2
    if not args.auth and not loopback(args.host):
        print(
            f"mockserver: warning: serving on {args.host}, beyond loopback, without --auth: anyone who can reach "
            "it may read and change every product's state (and the control API's)",
            file=sys.stderr,
            flush=True,
        )
    for products, server in servers:
        what = f" {', '.join(products)}" if args.product_port else ""
        print(f"mockserver {__version__} serving{what} on {http_url(args.host, server.port)}", flush=True)
    threads = [threading.Thread(target=server.serve_forever, daemon=True) for _, server in servers[1:]]
    for thread in threads:
        thread.start()
    try:
        servers[0][1].serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        for _, server in servers:
            server.close()
    return 0
