"""The benchmark order: about 15 attributes, the same values for every library."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

N_ITEMS = 10_000


def order_values(i: int, rng: random.Random) -> dict[str, Any]:
    return {
        "pk": f"CUSTOMER#{i % 500:05d}",
        "sk": f"ORDER#{i:08d}",
        "name": f"Order number {i}",
        "email": f"customer{i % 500}@example.com",
        "total": Decimal(rng.randrange(100, 10_000_000)) / 100,
        "quantity": rng.randrange(1, 50),
        "weight": rng.random() * 100,
        "paid": bool(i % 2),
        "tags": {"gift", f"batch-{i % 7}", f"region-{i % 3}"},
        "lines": [
            {
                "sku": f"SKU-{i}-{n}",
                "qty": n + 1,
                "price": Decimal(rng.randrange(100, 99_999)) / 100,
            }
            for n in range(3)
        ],
        "address": {
            "street": f"{i} Main St",
            "city": "Springfield",
            "zip": "12345",
            "country": "US",
        },
        "created_at": dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=i * 37),
        "payload": rng.randbytes(64),
        "coupon": f"SAVE{i % 10}" if i % 2 else None,
    }


def all_order_values() -> list[dict[str, Any]]:
    rng = random.Random(42)
    return [order_values(i, rng) for i in range(N_ITEMS)]
