"""The app's client: set up by the lifespan, handed to routes by `ClientDep`."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Annotated

from fastapi import Depends, Request
from starlette.types import ASGIApp

from .._io.client import DynamoClient, get_default_client, set_default_client, use_client
from ._cursors import use_secret

__all__ = ["ClientDep", "get_client", "lifespan"]

_STATE = "dynomodel_client"


def lifespan(
    client: DynamoClient | None = None,
    *,
    cursor_secret: str | bytes | None = None,
    drain_timeout: float = 30.0,
) -> Callable[[ASGIApp], AbstractAsyncContextManager[None]]:
    """The lifespan of an app that uses dynomodel: `FastAPI(lifespan=lifespan())`.

    On startup it makes `client` (by default a `DynamoClient()` from the environment, built
    then, not at import) the app's client, which `ClientDep` gives routes, and the default
    client of models that name none; `cursor_secret` (else `DYNOMODEL_CURSOR_SECRET`, else a
    random key of this process) signs the cursors of `paginate`. On shutdown it waits up to
    `drain_timeout` seconds for the client's calls still under way (`DynamoClient.drain`),
    then puts the previous default client back. Sends nothing.

    An app with a lifespan of its own enters this one inside it:
    `async with lifespan(client)(app): yield`.
    """

    @asynccontextmanager
    async def run(app: ASGIApp) -> AsyncGenerator[None]:
        chosen = DynamoClient() if client is None else client
        previous = set_default_client(chosen)
        previous_secret = use_secret(cursor_secret)
        state = getattr(app, "state", None)
        if state is not None:
            setattr(state, _STATE, chosen)
        try:
            yield
        finally:
            await chosen.drain(drain_timeout)
            use_secret(previous_secret)
            set_default_client(previous)

    return run


def get_client(request: Request) -> DynamoClient:
    """The app's client (the lifespan's), else the default client. Tests replace it:
    `app.dependency_overrides[get_client] = lambda: DynamoClient(endpoint_url="memory://")`."""
    chosen = getattr(request.app.state, _STATE, None)
    return chosen if isinstance(chosen, DynamoClient) else get_default_client()


async def _request_client(
    client: Annotated[DynamoClient, Depends(get_client)],
) -> AsyncGenerator[DynamoClient]:
    """`get_client`'s client, which models that name none also use while the request runs
    (`use_client`): an override of `get_client` reaches `Order.get(...)` in the route too."""
    with use_client(client):
        yield client


ClientDep = Annotated[DynamoClient, Depends(_request_client)]
"""The client of the request, for routes and dependencies: `client: ClientDep`. While the
request runs, models that name no client of their own use it too."""
