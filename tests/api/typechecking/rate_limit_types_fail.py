"""Must NOT type-check: each line marked `# error` is a mistake the checkers have to catch."""

from __future__ import annotations

from dynomodel import Adaptive, DynamoClient, RateLimit


def misuse(client: DynamoClient) -> None:
    RateLimit(400)  # error
    RateLimit(write="100")  # error
    Adaptive(100)  # error
    print(client.rate_limits["orders"].snapshot().write.rate)  # error
