"""The orders API of `examples/fastapi_app.py`, driven through httpx (ASGITransport) and
FastAPI's TestClient, on `memory://`: every status it answers, 100 concurrent If-Match writes,
and a cursor walk over 1,000 orders."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from dynomodel import DynamoClient, get_default_client, set_default_client, use_client
from dynomodel.fastapi import get_client

ROOT = Path(__file__).resolve().parents[2]


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "fastapi_app", ROOT / "examples" / "fastapi_app.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fastapi_app"] = module
    spec.loader.exec_module(module)
    return module


example = load_example()
app = example.app
Order = example.Order


@pytest.fixture
def memory() -> DynamoClient:
    """A database of the test's own, with the tables created on first use."""
    return DynamoClient(endpoint_url="memory://", create_tables=True)


@pytest.fixture
async def http(memory: DynamoClient) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its client replaced, as a test of an application would do it."""
    app.dependency_overrides[get_client] = lambda: memory
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://orders") as client:
            yield client
    finally:
        app.dependency_overrides.clear()


async def create(http: httpx.AsyncClient, customer: str = "c1", total: str = "9.99") -> Any:
    answer = await http.post(f"/customers/{customer}/orders", json={"total": total})
    assert answer.status_code == 201, answer.text
    return answer


async def test_create_read_change_delete(http: httpx.AsyncClient, memory: DynamoClient) -> None:
    created = await create(http)
    order = created.json()
    assert created.headers["etag"] == '"1"'
    url = f"/customers/c1/orders/{order['order_id']}"
    read = await http.get(url)
    assert read.status_code == 200
    assert read.json() == order
    assert read.headers["etag"] == '"1"'

    changed = await http.patch(url, json={"status": "paid"}, headers={"If-Match": '"1"'})
    assert changed.status_code == 200, changed.text
    assert changed.json()["status"] == "paid"
    assert changed.headers["etag"] == '"2"'
    with use_client(memory):  # the request's client is the one that stored it
        stored = await Order.get(customer_id="c1", order_id=order["order_id"])
    assert stored is not None and stored.status == "paid" and stored.version == 2

    deleted = await http.delete(url, headers={"If-Match": '"2"'})
    assert deleted.status_code == 204
    assert (await http.get(url)).status_code == 404


async def test_statuses(http: httpx.AsyncClient) -> None:
    order = (await create(http)).json()
    url = f"/customers/c1/orders/{order['order_id']}"

    missing = await http.get("/customers/c1/orders/nothing-here")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Order not found"}

    bad_path = await http.get("/customers/NOT%20VALID/orders/x")
    assert bad_path.status_code == 422
    assert bad_path.json()["detail"][0]["loc"] == ["path", "customer_id"]

    no_header = await http.patch(url, json={"status": "paid"})
    assert no_header.status_code == 428
    star = await http.patch(url, json={"status": "paid"}, headers={"If-Match": "*"})
    assert star.status_code == 428
    weak = await http.patch(url, json={"status": "paid"}, headers={"If-Match": 'W/"1"'})
    assert weak.status_code == 412
    foreign = await http.patch(url, json={"status": "paid"}, headers={"If-Match": '"abc"'})
    assert foreign.status_code == 400

    stale = await http.patch(url, json={"status": "paid"}, headers={"If-Match": '"7"'})
    assert stale.status_code == 412
    assert "If-Match" in stale.json()["detail"]
    stale_delete = await http.delete(url, headers={"If-Match": '"7"'})
    assert stale_delete.status_code == 412
    assert (await http.get(url)).status_code == 200

    bad_body = await http.patch(url, json={"total": "-1"}, headers={"If-Match": '"1"'})
    assert bad_body.status_code == 422
    assert bad_body.json()["detail"][0]["loc"] == ["body", "total"]

    limit = await http.get("/customers/c1/orders", params={"limit": 0})
    assert limit.status_code == 422
    assert limit.json()["detail"][0]["loc"] == ["query", "limit"]


async def test_concurrent_if_match_writes_one_wins_per_version(http: httpx.AsyncClient) -> None:
    order = (await create(http)).json()
    url = f"/customers/c1/orders/{order['order_id']}"
    for version in (1, 2, 3):
        answers = await asyncio.gather(
            *(
                http.patch(url, json={"total": str(n)}, headers={"If-Match": f'"{version}"'})
                for n in range(100)
            )
        )
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [200] + [412] * 99
        (won,) = [answer for answer in answers if answer.status_code == 200]
        assert won.headers["etag"] == f'"{version + 1}"'
        stored = (await http.get(url)).json()
        assert stored["version"] == version + 1
        assert stored["total"] == won.json()["total"]


async def test_a_cursor_walk_returns_each_order_once(
    http: httpx.AsyncClient, memory: DynamoClient
) -> None:
    with use_client(memory):
        async with Order.batch_write() as batch:
            for n in range(1000):
                batch.put(
                    Order(
                        customer_id="walker",
                        order_id=f"{n:05d}",
                        total=Decimal(n % 7),
                        status="paid" if n % 3 == 0 else "open",
                        placed_at="2026-01-01T00:00:00Z",
                    )
                )
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 37}
        if cursor is not None:
            params["cursor"] = cursor
        page = (await http.get("/customers/walker/orders", params=params)).json()
        pages += 1
        seen += [order["order_id"] for order in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert len(page["items"]) == 37
    assert seen == [f"{n:05d}" for n in range(1000)]
    assert pages == 28  # 27 full pages and 1 of 1: no empty last page

    paid: list[str] = []
    cursor = None
    while True:
        params = {"limit": 50, "status": "paid"}
        if cursor is not None:
            params["cursor"] = cursor
        page = (await http.get("/customers/walker/orders", params=params)).json()
        paid += [order["order_id"] for order in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert paid == [f"{n:05d}" for n in range(0, 1000, 3)]


async def test_forged_and_foreign_cursors_are_400_and_send_nothing(
    http: httpx.AsyncClient, memory: DynamoClient
) -> None:
    for _ in range(3):
        await create(http)
    first = (await http.get("/customers/c1/orders", params={"limit": 1})).json()
    cursor = first["next_cursor"]
    assert cursor is not None
    body, _, mac = cursor.partition(".")
    forged = [
        "not-a-cursor",
        f"{body}.{mac[:-2]}AA",
        f"{body[:-2]}AA.{mac}",
        f"{body}",
        "..",
        "%%%.%%%",
    ]
    calls = memory.in_flight
    for bad in forged:
        answer = await http.get("/customers/c1/orders", params={"limit": 1, "cursor": bad})
        assert answer.status_code == 400, bad
        assert "cursor" in answer.json()["detail"]
    assert memory.in_flight == calls
    other_listing = await http.get("/customers/c2/orders", params={"cursor": cursor})
    assert other_listing.status_code == 400
    other_filter = await http.get(
        "/customers/c1/orders", params={"cursor": cursor, "status": "paid"}
    )
    assert other_filter.status_code == 400
    following = await http.get("/customers/c1/orders", params={"cursor": cursor, "limit": 5})
    assert following.status_code == 200 and len(following.json()["items"]) == 2


def test_testclient_runs_the_lifespan_and_restores_the_default() -> None:
    mine = DynamoClient(endpoint_url="memory://")
    before = set_default_client(mine)
    try:
        with TestClient(app) as client:
            assert get_default_client() is example.client
            created = client.post("/customers/c9/orders", json={"total": "1.50"})
            assert created.status_code == 201
            order_id = created.json()["order_id"]
            read = client.get(f"/customers/c9/orders/{order_id}").json()
            assert Decimal(read["total"]) == Decimal(
                "1.50"
            )  # stored as DynamoDB normalizes it: 1.5
            listed = client.get("/customers/c9/orders").json()
            assert [order["order_id"] for order in listed["items"]] == [order_id]
        assert example.client.in_flight == 0
        assert get_default_client() is mine
    finally:
        set_default_client(before)


def test_openapi_schema_shows_the_fields_only() -> None:
    schema = app.openapi()
    order = schema["components"]["schemas"]["Order"]
    assert set(order["properties"]) == {
        "customer_id",
        "order_id",
        "total",
        "status",
        "placed_at",
        "version",
    }
    page = schema["components"]["schemas"]["Page_Order_"]
    assert set(page["properties"]) == {"items", "next_cursor"}
    parameters = schema["paths"]["/customers/{customer_id}/orders/{order_id}"]["get"]["parameters"]
    assert {p["name"] for p in parameters} == {"customer_id", "order_id"}


def test_the_example_serves_with_uvicorn_on_memory() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PORT": str(port)}
    env.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "examples" / "fastapi_app.py")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                created = httpx.post(
                    f"http://127.0.0.1:{port}/customers/ann/orders", json={"total": "3"}
                )
                break
            except httpx.TransportError:
                assert server.poll() is None, server.communicate()[0]
                assert time.monotonic() < deadline, "the example did not start"
                time.sleep(0.1)
        assert created.status_code == 201
        listed = httpx.get(f"http://127.0.0.1:{port}/customers/ann/orders").json()
        assert [o["order_id"] for o in listed["items"]] == [created.json()["order_id"]]
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output


def _flip(text: str) -> str:
    """`text` with its first character changed (the last of a base64 text may carry only
    padding bits, so changing it may change nothing)."""
    return ("B" if text[0] == "A" else "A") + text[1:]
