"""dynomodel behind a FastAPI app: the client's lifecycle, items loaded from the path, pages
with signed cursors, DynamoDB's errors as HTTP answers and optimistic locking over `If-Match`.

```python
from typing import Annotated
from fastapi import Depends, FastAPI
from dynomodel.fastapi import ClientDep, Page, install_error_handlers, item, lifespan, paginate

app = FastAPI(lifespan=lifespan())          # the client from the environment, drained on exit
install_error_handlers(app)

@app.get("/stock/{sku}")
async def read_stock(stock: Annotated[Stock, Depends(item(Stock))]) -> Stock:
    return stock                             # GetItem by the path's sku, or a 404

@app.get("/customers/{pk}/orders")
async def list_orders(pk: str, client: ClientDep, cursor: str | None = None,
                      limit: int = 20) -> Page[Order]:
    return await paginate(Order.query(partition_key=pk), cursor=cursor, limit=limit)
```

Install it with the extra: `pip install 'dynomodel[fastapi]'`.
"""

from __future__ import annotations

from importlib import import_module

try:
    import_module("fastapi")
except ImportError as missing:
    raise ImportError(
        "dynomodel.fastapi needs FastAPI: install the extra, pip install 'dynomodel[fastapi]'"
    ) from missing

from ._app import ClientDep, get_client, lifespan
from ._cursors import CURSOR_SECRET_ENV
from ._errors import install_error_handlers
from ._items import IfMatch, item, set_etag
from ._pages import Page, paginate, sync_paginate

__all__ = [
    "CURSOR_SECRET_ENV",
    "ClientDep",
    "IfMatch",
    "Page",
    "get_client",
    "install_error_handlers",
    "item",
    "lifespan",
    "paginate",
    "set_etag",
    "sync_paginate",
]
