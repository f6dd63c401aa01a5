"""The `export` and `import` commands of `python -m dynomodel`: their arguments, and each run
as `sync_export_table` or `sync_import_table` with a progress bar on a terminal."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ._io.client import DynamoClient
from ._ops.progress import ProgressBar
from ._ops.resume import ResumePoint
from ._ops.transfer import SEGMENTS, TransferReport, sync_export_table, sync_import_table
from .exceptions import DynamoError

__all__ = ["add_commands", "run"]


def add_commands(commands: Any) -> None:
    """Add `export` and `import` to the `commands` of the main parser."""
    export = commands.add_parser(
        "export", help="write every item of a table to a file of DynamoDB JSON lines"
    )
    export.add_argument("table", metavar="TABLE")
    export.add_argument("file", metavar="FILE", help="gzip when it ends in .gz (or --gzip)")
    export.add_argument(
        "--segments", type=int, default=SEGMENTS, help=f"parallel scan segments ({SEGMENTS})"
    )
    export.add_argument("--page-size", type=int, help="items per Scan page (default: 1 MB)")
    load = commands.add_parser(
        "import", help="put every item of a file of DynamoDB JSON lines into a table"
    )
    load.add_argument("file", metavar="FILE", help="gzip is found by its first bytes")
    load.add_argument("table", metavar="TABLE")
    load.add_argument(
        "--resume", action="store_true", help="go on after the line FILE.resume records"
    )
    for command in (export, load):
        command.add_argument(
            "--gzip", action=argparse.BooleanOptionalAction, help="gzip, or not, whatever the name"
        )
        command.add_argument(
            "--endpoint-url",
            help="DynamoDB Local, memory://NAME, ... (default: AWS_ENDPOINT_URL_DYNAMODB, "
            "else AWS)",
        )
        command.add_argument("--region", help="the AWS region (default: AWS_REGION)")
        command.add_argument("--quiet", action="store_true", help="no progress bar and no summary")


def run(options: argparse.Namespace) -> int:
    """Run the `export` or `import` that `options` describe: 0 when done, 1 on an error (its
    message on stderr), 2 for arguments that cannot work."""
    name = f"python -m dynomodel {options.command}"
    bar = ProgressBar(quiet=True if options.quiet else None)
    try:
        client = DynamoClient(endpoint_url=options.endpoint_url, region=options.region)
        report: TransferReport
        if options.command == "export":
            report = sync_export_table(
                client,
                options.table,
                options.file,
                segments=options.segments,
                page_size=options.page_size,
                gzip=options.gzip,
                progress=bar,
            )
        else:
            report = sync_import_table(
                client,
                options.file,
                options.table,
                gzip=options.gzip,
                resume=options.resume,
                progress=bar,
            )
    except (DynamoError, KeyboardInterrupt) as error:
        bar.close()
        stopped = "interrupted" if isinstance(error, KeyboardInterrupt) else str(error)
        print(f"{name}: {stopped}", file=sys.stderr)
        resume = ResumePoint(options.file, options.table).path
        if options.command == "import" and os.path.exists(resume):
            print(
                f"{name}: {resume} records how far it got: run again with --resume to go on",
                file=sys.stderr,
            )
        return 130 if isinstance(error, KeyboardInterrupt) else 1
    bar.close()
    if not options.quiet:
        done = "exported" if options.command == "export" else "imported"
        where = f"from {report.table} to {report.file}"
        if options.command == "import":
            where = f"from {report.file} into {report.table}"
        print(
            f"{done} {report.items:,} items {where} in {report.seconds:.1f} s "
            f"({report.items_per_second:,.0f} items/s)"
        )
    return 0
