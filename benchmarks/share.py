"""The client's own share of a save and a get on `memory://`, and where it goes.

A round trip on the embedded engine is the client's work plus the engine's. The engine times
its own part of every request in CPU time (`engine_seconds` of the native client: dynoxide-rs
reading the request, running the operation on SQLite, writing the answer), so what is left of
the wall time is the client's: the model encoded, the SDK's request path (serialization,
signing skipped on `memory://`, the interceptors, the response parse), the bridge to Python
and back, the step driver, and the item decoded. Where it goes: the client times its calls in
the SDK (`sdk_seconds`, the engine's answers included, which are taken off), and encoding and
decoding are timed alone on the same benchmark order; the rest is the bridge (arguments
converted, the GIL released and taken back, the result converted) and the Python layer (the
key checked, the step driver, metrics and logging, the model hooks).

The mean per call of CALLS sequential calls (after a warm-up), blocking (`sync_save`,
`sync_get`) and awaited (`save`, `get`, one at a time on one event loop). Targets printed, not
asserted: under 50 us per blocking call and 80 us per awaited call.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from dynomodel import DynamoClient

from ._orders import all_order_values
from .codec import Order

CALLS = 5_000
WARM_UP = 500
SYNC_TARGET_US = 50.0
ASYNC_TARGET_US = 80.0


def per_call(client: DynamoClient, run: Callable[[int], None]) -> tuple[float, float, float]:
    """Wall, engine and SDK (the engine's part taken off) microseconds per call of
    `run(CALLS)`."""
    native = client.native
    run(WARM_UP)
    engine_before, sdk_before = native.engine_seconds or 0.0, native.sdk_seconds or 0.0
    start = time.perf_counter()
    run(CALLS)
    wall = time.perf_counter() - start
    engine = (native.engine_seconds or 0.0) - engine_before
    sdk = (native.sdk_seconds or 0.0) - sdk_before - engine
    return wall / CALLS * 1e6, engine / CALLS * 1e6, sdk / CALLS * 1e6


def timed(work: Callable[[], object]) -> float:
    """Microseconds per call of `work`, over CALLS calls."""
    start = time.perf_counter()
    for _ in range(CALLS):
        work()
    return (time.perf_counter() - start) / CALLS * 1e6


def run() -> None:
    client = DynamoClient(endpoint_url="memory://")
    Order.table.client = client
    Order.sync_create_table()
    order = Order(**all_order_values()[0])
    key = {"pk": order.pk, "sk": order.sk}
    codec = Order.table.mapping.codec
    item = codec.to_item(order)
    assert codec.from_item(item) == order
    encode_us = timed(lambda: codec.to_item(order))
    decode_us = timed(lambda: codec.from_item(item))

    def sync_saves(n: int) -> None:
        for _ in range(n):
            order.sync_save()

    def sync_gets(n: int) -> None:
        for _ in range(n):
            Order.sync_get(**key)

    def awaited(call: Callable[[], Awaitable[object]]) -> Callable[[int], None]:
        async def calls(n: int) -> None:
            for _ in range(n):
                await call()

        return lambda n: asyncio.run(calls(n))

    rows = [
        ("save, blocking", per_call(client, sync_saves), SYNC_TARGET_US, encode_us),
        ("get, blocking", per_call(client, sync_gets), SYNC_TARGET_US, decode_us),
        ("save, awaited", per_call(client, awaited(order.save)), ASYNC_TARGET_US, encode_us),
        (
            "get, awaited",
            per_call(client, awaited(lambda: Order.get(**key))),
            ASYNC_TARGET_US,
            decode_us,
        ),
    ]
    print(f"\nThe client's share of a round trip on memory:// (mean of {CALLS:,} calls, us)")
    print(
        f"  {'call':<16}{'wall':>8}{'engine':>8}{'client':>8}{'target':>8}"
        f"{'codec':>8}{'SDK':>8}{'bridge, Python':>16}"
    )
    for name, (wall, engine, sdk), target, codec_us in rows:
        share = wall - engine
        verdict = "met" if share <= target else "missed"
        print(
            f"  {name:<16}{wall:>8.1f}{engine:>8.1f}{share:>8.1f}{target:>6.0f} {verdict:<7}"
            f"{codec_us:>7.1f}{sdk:>8.1f}{share - codec_us - sdk:>16.1f}"
        )
    print(
        "  (codec: the item encoded for a save, decoded for a get, timed alone; SDK: the CPU\n"
        "  time of the SDK's request path, the engine's answer taken off; bridge, Python: the\n"
        "  rest, from the arguments' conversion to the model returned)"
    )
