"""`python -m dynomodel serve [--port N] [--db FILE]`: the embedded engine over HTTP on
127.0.0.1, for any SDK or the AWS CLI, in memory or in a SQLite file that persists. Ctrl-C
stops it after the requests under way, with the file complete. `python -m dynomodel --version`
prints the version (the extension's, which the wheel carries too).

`python -m dynomodel export TABLE FILE` and `python -m dynomodel import FILE TABLE` move items
between a table and a file of DynamoDB JSON lines (gzip for a `.gz` name); see
`dynomodel.export_table` and `dynomodel.import_table`, which they run. The endpoint is
`--endpoint-url`, else `AWS_ENDPOINT_URL_DYNAMODB` (`memory://NAME` included), else AWS."""

from __future__ import annotations

import argparse
import sys
import time

from . import _transfer_cli
from ._native import __version__, serve
from .exceptions import ConfigurationError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dynomodel")
    parser.add_argument("--version", action="version", version=f"dynomodel {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    server = commands.add_parser(
        "serve", help="serve the embedded engine over HTTP on 127.0.0.1 until Ctrl-C"
    )
    server.add_argument("--port", type=int, default=8000, help="0 for a free port (8000)")
    server.add_argument(
        "--db", metavar="FILE", help="a SQLite file to keep the data in (default: memory)"
    )
    _transfer_cli.add_commands(commands)
    options = parser.parse_args(argv)
    if options.command != "serve":
        return _transfer_cli.run(options)
    if not 0 <= options.port <= 65535:
        parser.error(f"--port {options.port}: a port is 0 to 65535")
    try:
        running = serve(options.db, options.port)
    except ConfigurationError as error:
        print(f"python -m dynomodel serve: {error}", file=sys.stderr)
        return 2
    where = options.db or "memory"
    print(f"dynomodel: serving {where} on {running.url} (Ctrl-C stops)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
    print("dynomodel: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
