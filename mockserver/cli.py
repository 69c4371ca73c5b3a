"""``mockserver serve``: the mock as a local stand-in server."""

from __future__ import annotations

import argparse
import sys

from . import __version__
from .app import create_app
from .errors import FixtureError
from .server import bind


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="mockserver", description=__doc__)
    root.add_argument("--version", action="version", version=f"mockserver {__version__}")
    commands = root.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve every mocked product on one port")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    serve.add_argument("--port", type=int, default=9200, help="port to bind (default 9200; 0 picks a free one)")
    serve.add_argument("--fixtures", action="append", default=[], metavar="PATH",
                       help="a fixture file or folder, loaded after the default fixtures (repeatable)")
    serve.add_argument("--no-default-fixtures", action="store_true", help="start without the default fixtures")
    serve.add_argument("--strict", action="store_true",
                       help="check every response against its schema; a violation answers 500")
    serve.add_argument("--auth", metavar="USER:PASSWORD",
                       help="turn security on: every product route needs these credentials (a superuser) or an "
                            "API key issued for them")
    serve.add_argument("--kibana-version", metavar="X.Y.Z",
                       help="the Kibana version to behave as (sync response format and defaults; default 9.1.0)")
    serve.add_argument("--kibana-sync-on-start", action="store_true",
                       help="run Kibana's create-only ML saved-objects pass at start, as Kibana does")
    serve.add_argument("--kibana-sync-interval", type=float, metavar="SECONDS",
                       help="run that pass periodically too (Kibana: every hour); off by default")
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        app = create_app(args.fixtures, default_fixtures=not args.no_default_fixtures, strict=args.strict,
                         kibana_version=args.kibana_version, kibana_sync_on_start=args.kibana_sync_on_start or None,
                         kibana_sync_interval=args.kibana_sync_interval, auth=args.auth)
    except FixtureError as e:
        print(f"mockserver: bad fixture: {e}", file=sys.stderr)
        return 2
    except ValueError as e:
        print(f"mockserver: {e}", file=sys.stderr)
        return 2
    try:
        server = bind(app, args.host, args.port)
    except OSError as e:
        print(f"mockserver: cannot bind {args.host}:{args.port}: {e}", file=sys.stderr)
        return 2
    print(f"mockserver {__version__} serving on http://{args.host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
