"""A loopback stand-in for DynamoDB that answers Query with pages encoded in advance.

`python -m benchmarks._pages PAGES_FILE` binds 127.0.0.1 on a free port, prints the port on one
line of stdout and serves until it is terminated. PAGES_FILE holds one Query response body per
line (DynamoDB JSON, as `query.py` writes it); a request's `ExclusiveStartKey` picks the page:
none is page 0, otherwise the page after the one whose `LastEvaluatedKey` has that `sk`.

The server does no work per request beyond the lookup, so a client's figures against it are
its own: HTTP, the JSON parse, and turning items into objects. It runs in its own process, so
its CPU time is not counted in the benchmark's `time.process_time()`.
"""

from __future__ import annotations

import json
import sys
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

QUERY = "DynamoDB_20120810.Query"


class Pages:
    """The response bodies, and which one follows each `LastEvaluatedKey` sort key."""

    def __init__(self, bodies: list[bytes]) -> None:
        self.bodies = bodies
        self.after: dict[str, int] = {}
        for index, body in enumerate(bodies):
            last_key = json.loads(body).get("LastEvaluatedKey")
            if last_key is not None:
                self.after[last_key["sk"]["S"]] = index + 1

    @classmethod
    def load(cls, path: Path) -> Pages:
        return cls([line for line in path.read_bytes().splitlines() if line])

    def body_for(self, request: dict[str, Any]) -> bytes | None:
        start = request.get("ExclusiveStartKey")
        if start is None:
            return self.bodies[0]
        index = self.after.get(start.get("sk", {}).get("S", ""))
        return None if index is None else self.bodies[index]


def handler(pages: Pages) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: one connection serves every page
        disable_nagle_algorithm = True  # headers and body leave at once, no delayed-ACK stall

        def do_POST(self) -> None:
            request = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.headers.get("X-Amz-Target") != QUERY:
                self.reply(400, error("UnknownOperationException", "only Query is served"))
                return
            body = pages.body_for(json.loads(request or b"{}"))
            if body is None:
                self.reply(400, error("ValidationException", "unknown ExclusiveStartKey"))
                return
            self.reply(200, body)

        def reply(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("x-amz-crc32", str(zlib.crc32(body)))
            self.send_header("x-amzn-RequestId", "benchmark")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # a line per request would cost the server more than the lookup

    return Handler


def error(kind: str, message: str) -> bytes:
    kind = f"com.amazonaws.dynamodb.v20120810#{kind}"
    return json.dumps({"__type": kind, "message": message}).encode()


def main(path: str) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(Pages.load(Path(path))))
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main(sys.argv[1])
