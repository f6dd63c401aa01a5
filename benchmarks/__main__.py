"""`python -m benchmarks [NAME ...]` (what `make bench` runs): every benchmark, one after the
other, or the named ones (codec, client, query, batch, engines, transfer, memory, share,
external)."""

from __future__ import annotations

import sys

from . import batch, client, codec, engines, external, memory, query, share, transfer

BENCHMARKS = {
    "codec": codec.run,
    "client": client.run,
    "query": query.run,
    "batch": batch.run,
    "engines": engines.run,
    "transfer": transfer.run,
    "memory": memory.run,
    "share": share.run,
    "external": external.run,
}

if __name__ == "__main__":
    chosen = sys.argv[1:] or list(BENCHMARKS)
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        sys.exit(f"unknown benchmark {unknown[0]!r}: choose from {', '.join(BENCHMARKS)}")
    for name in chosen:
        BENCHMARKS[name]()
