"""`python -m benchmarks` (what `make bench` runs): every benchmark, one after the other."""

from __future__ import annotations

from . import batch, client, codec, query

if __name__ == "__main__":
    codec.run()
    client.run()
    query.run()
    batch.run()
