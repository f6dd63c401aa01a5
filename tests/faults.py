"""A fault-injecting HTTP proxy between the DynamoDB client under test and DynamoDB Local.

DynamoDB Local never throttles, never fails and never returns a partial batch, so the retry and
resume paths of batch writes/gets and the all-or-nothing promise of transactions go untested
against it. `FaultProxy` sits on loopback in front of it and, for the operations named in
`FaultRates.operations`, injects at random (from a fixed seed) one of:

- throttle / server_error: an error answer generated without forwarding, so nothing is applied;
- drop_before: the connection closes before forwarding, so nothing is applied and no answer comes;
- drop_after: the request is applied upstream but the connection closes before the answer, so the
  client cannot tell whether it took effect;
- partial (BatchWriteItem, BatchGetItem only): the answer reports some requests as unprocessed,
  having either not sent them upstream or sent them anyway, since DynamoDB may do either.

A test points the client at `proxy.endpoint`, runs its operations, then checks DynamoDB Local
directly; `proxy.counts` shows which faults were actually injected, so a test can assert it ran.

Partial BatchGetItem finds the items to withhold by their key attributes; with a projection that
leaves key attributes out, the items cannot be recognised and stay in the answer.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import socket
import sys
import threading
import uuid
import zlib
from collections import Counter
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

_FAULT_KINDS = ("throttle", "server_error", "drop_before", "drop_after", "partial")
_BATCH_OPERATIONS = frozenset({"BatchWriteItem", "BatchGetItem"})
_DEFAULT_OPERATIONS = _BATCH_OPERATIONS | {"TransactWriteItems", "TransactGetItems"}
_HOP_BY_HOP = frozenset(
    ("connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade")
)
# Besides hop-by-hop headers: Host names the proxy, Content-Length may change with the body,
# Expect was already answered by the handler, and Accept-Encoding could get a compressed answer
# that the partial fault could not parse.
_NOT_FORWARDED = _HOP_BY_HOP | {"host", "content-length", "expect", "accept-encoding"}
_NOT_RELAYED = _HOP_BY_HOP | {"content-length"}
_ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#"
_INJECTED_ERRORS = {
    "throttle": (400, "ProvisionedThroughputExceededException", "throughput exceeded"),
    "server_error": (500, "InternalServerError", "internal server error"),
}
_JSON_TYPE = "application/x-amz-json-1.0"


@dataclass(frozen=True)
class FaultRates:
    """Probability of each fault per request; what is left over is forwarded cleanly.

    A partial rate of 1 reports at least one write or key unprocessed every time, so a batch
    could never finish; keep it below 1.
    """

    throttle: float = 0.0
    server_error: float = 0.0
    drop_before: float = 0.0
    drop_after: float = 0.0
    partial: float = 0.0
    operations: frozenset[str] = _DEFAULT_OPERATIONS

    def __post_init__(self) -> None:
        rates = [getattr(self, kind) for kind in _FAULT_KINDS]
        if any(not 0.0 <= rate <= 1.0 for rate in rates):
            raise ValueError(f"fault rates must lie in [0, 1]: {self}")
        # The tolerance lets rates such as 0.1 + 0.2 + 0.7 through despite float rounding.
        if sum(rates) > 1.0 + 1e-9:
            raise ValueError(f"fault rates must sum to at most 1: {self}")

    def pick(self, draw: float) -> str | None:
        """The fault whose slice of [0, 1) contains `draw`, or None to forward cleanly."""
        edge = 0.0
        for kind in _FAULT_KINDS:
            edge += getattr(self, kind)
            if draw < edge:
                return kind
        return None


@dataclass(frozen=True)
class _Answer:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes

    def with_body(self, body: bytes) -> _Answer:
        # The SDK checks x-amz-crc32 against the body, so a changed body needs a new checksum.
        crc = str(zlib.crc32(body) & 0xFFFFFFFF)
        headers = [(k, crc if k.lower() == "x-amz-crc32" else v) for k, v in self.headers]
        return replace(self, headers=headers, body=body)


def _generated(status: int, payload: dict[str, Any]) -> _Answer:
    # The empty checksum is a placeholder that with_body fills in.
    headers = [("Content-Type", _JSON_TYPE), ("x-amzn-RequestId", str(uuid.uuid4()))]
    answer = _Answer(status, HTTPStatus(status).phrase, [*headers, ("x-amz-crc32", "")], b"")
    return answer.with_body(_dumps(payload))


def _injected_error(kind: str) -> _Answer:
    status, error, message = _INJECTED_ERRORS[kind]
    return _generated(status, {"__type": _ERROR_PREFIX + error, "message": f"injected: {message}"})


def _dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _add_unique(target: list[Any], values: list[Any]) -> None:
    # A retry that names the same key twice in one batch is rejected by DynamoDB.
    for value in values:
        if value not in target:
            target.append(value)


def _group(pairs: list[tuple[str, Any]]) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for table, value in pairs:
        grouped.setdefault(table, []).append(value)
    return grouped


def _matches(item: dict[str, Any], key: dict[str, Any]) -> bool:
    return all(attr in item and item[attr] == value for attr, value in key.items())


def _report_unprocessed_writes(answer: dict[str, Any], chosen: list[tuple[str, Any]]) -> None:
    unprocessed = answer.setdefault("UnprocessedItems", {})
    for table, writes in _group(chosen).items():
        _add_unique(unprocessed.setdefault(table, []), writes)


def _withhold_keys(
    request: dict[str, Any], answer: dict[str, Any], chosen: list[tuple[str, Any]]
) -> None:
    responses = answer.setdefault("Responses", {})
    unprocessed = answer.setdefault("UnprocessedKeys", {})
    for table, keys in _group(chosen).items():
        items = responses.get(table, [])
        responses[table] = [i for i in items if not any(_matches(i, k) for k in keys)]
        params = {k: v for k, v in request["RequestItems"][table].items() if k != "Keys"}
        entry = unprocessed.setdefault(table, {**params, "Keys": []})
        _add_unique(entry.setdefault("Keys", []), keys)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, proxy: FaultProxy) -> None:
        self.proxy = proxy
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client hanging up on a kept-alive connection is routine, not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        with self.server.proxy._lock:
            self.server.proxy._clients.add(self.connection)

    def finish(self) -> None:
        with self.server.proxy._lock:
            self.server.proxy._clients.discard(self.connection)
        self.server.proxy._close_upstream()
        super().finish()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        operation = self.headers.get("X-Amz-Target", "").rpartition(".")[2]
        kind = self.server.proxy._decide(operation)
        self._counted = False
        try:
            self._apply(kind, operation, body)
        except (OSError, http.client.HTTPException, ValueError):
            # Upstream unreachable, client gone, or a body partial could not parse: the client
            # sees a dropped connection, which it must survive anyway.
            self._drop("error")

    def _apply(self, kind: str, operation: str, body: bytes) -> None:
        if kind in _INJECTED_ERRORS:
            self._send(_injected_error(kind), kind)
        elif kind == "drop_before":
            self._drop(kind)
        elif kind == "drop_after":
            self._forward(body)
            self._drop(kind)
        elif kind == "partial" and operation == "BatchWriteItem":
            self._partial_write(body)
        elif kind == "partial" and operation == "BatchGetItem":
            self._partial_get(body)
        else:
            self._send(self._forward(body), "forwarded")

    def _partial_write(self, body: bytes) -> None:
        proxy = self.server.proxy
        request = json.loads(body)
        writes = [(t, w) for t, ws in request.get("RequestItems", {}).items() for w in ws]
        if not writes:
            self._send(self._forward(body), "forwarded")
            return
        chosen_at = proxy._subset(len(writes), proper=len(writes) >= 2)
        chosen = [writes[i] for i in chosen_at]
        kept = [write for i, write in enumerate(writes) if i not in chosen_at]
        trim = proxy._coin()
        if trim and not kept:
            answer = _generated(200, {"UnprocessedItems": {}})
        elif trim:
            answer = self._forward(_dumps({**request, "RequestItems": _group(kept)}))
        else:
            # Applied upstream yet reported unprocessed: the client's retry rewrites them.
            answer = self._forward(body)
        if answer.status != 200:
            self._send(answer, "forwarded")
            return
        payload = json.loads(answer.body)
        _report_unprocessed_writes(payload, chosen)
        self._send(answer.with_body(_dumps(payload)), "partial")

    def _partial_get(self, body: bytes) -> None:
        request = json.loads(body)
        answer = self._forward(body)
        keys = [(t, k) for t, spec in request.get("RequestItems", {}).items() for k in spec["Keys"]]
        if answer.status != 200 or not keys:
            self._send(answer, "forwarded")
            return
        chosen = [keys[i] for i in self.server.proxy._subset(len(keys), proper=False)]
        payload = json.loads(answer.body)
        _withhold_keys(request, payload, chosen)
        self._send(answer.with_body(_dumps(payload)), "partial")

    def _forward(self, body: bytes) -> _Answer:
        headers = {k: v for k, v in self.headers.items() if not _not_forwarded(k)}
        return self.server.proxy._exchange(self.command, self.path, body, headers)

    def _settle(self, kind: str) -> None:
        # Counted before the client can see the outcome, so a test reading counts right after
        # its call returns sees this request; counted once, even if the send then fails.
        if not self._counted:
            self._counted = True
            self.server.proxy._count(kind)

    def _send(self, answer: _Answer, kind: str) -> None:
        self._settle(kind)
        # send_response would add its own Date and Server next to the relayed ones.
        self.send_response_only(answer.status, answer.reason)
        for name, value in answer.headers:
            if not _not_relayed(name):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    def _drop(self, kind: str) -> None:
        self._settle(kind)
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


def _not_forwarded(name: str) -> bool:
    return name.lower() in _NOT_FORWARDED or name.lower().startswith("proxy-")


def _not_relayed(name: str) -> bool:
    # Content-Length is left out because _send recomputes it for the body actually sent.
    return name.lower() in _NOT_RELAYED or name.lower().startswith("proxy-")


class FaultProxy:
    """Forwards to `upstream`, injecting faults at `rates`; a context manager that starts it.

    `counts` holds, per request, one of the fault kinds, "forwarded" for a clean pass (including
    a partial drawn for a transaction, or for a batch that upstream rejected), or "error" when
    upstream could not be reached; "requests" is the total.
    """

    def __init__(self, upstream: str, rates: FaultRates, seed: int = 0) -> None:
        parts = urlsplit(upstream)
        if parts.scheme != "http" or parts.hostname is None:
            raise ValueError(f"upstream must be an http:// URL: {upstream!r}")
        self.rates = rates
        self.endpoint = ""
        self.counts: Counter[str] = Counter()
        self._upstream_host = parts.hostname
        self._upstream_port = parts.port or 80
        self._upstream_netloc = parts.netloc
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._local = threading.local()
        self._clients: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> FaultProxy:
        if self._server is None:
            self._server = _Server(self)
            port = self._server.server_address[1]
            self.endpoint = f"http://127.0.0.1:{port}"
            self._thread = threading.Thread(
                target=self._server.serve_forever, name=f"fault-proxy-{port}", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        server, thread, self._server, self._thread = self._server, self._thread, None, None
        if server is None or thread is None:
            return
        server.shutdown()
        server.server_close()
        thread.join()
        # Kept-alive client connections outlive the listener; without this they would go on
        # being served, faults and all, after the test thinks the proxy is gone.
        with self._lock:
            clients = list(self._clients)
        for client in clients:
            with contextlib.suppress(OSError):
                client.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _decide(self, operation: str) -> str:
        # Drawing only for faultable operations keeps the sequence of faults, for a given seed,
        # independent of how many setup calls (CreateTable, Scan, ...) pass through.
        if operation not in self.rates.operations:
            kind = None
        else:
            with self._lock:
                kind = self.rates.pick(self._rng.random())
        if kind == "partial" and operation not in _BATCH_OPERATIONS:
            kind = None
        return kind or "forwarded"

    def _subset(self, size: int, *, proper: bool) -> set[int]:
        """A random non-empty subset of range(size); a proper one when `proper`."""
        with self._lock:
            count = self._rng.randint(1, size - 1 if proper else size)
            return set(self._rng.sample(range(size), count))

    def _coin(self) -> bool:
        with self._lock:
            return self._rng.random() < 0.5

    def _count(self, kind: str) -> None:
        with self._lock:
            self.counts[kind] += 1
            self.counts["requests"] += 1

    def _exchange(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> _Answer:
        headers["Host"] = self._upstream_netloc
        while True:
            connection = self._upstream()
            reused = connection.sock is not None
            try:
                connection.request(method, path, body, headers)
                response = connection.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as error:
                self._close_upstream()
                # Only a kept connection that died while idle is worth one more try: after a
                # fresh connection fails or a request times out, a resend could apply it twice.
                if reused and not isinstance(error, TimeoutError):
                    continue
                raise
            return _Answer(response.status, response.reason, response.getheaders(), data)

    def _upstream(self) -> http.client.HTTPConnection:
        # One connection per handler thread, that is per client connection, so kept-alive
        # clients get kept-alive upstream connections without any pooling logic here.
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection(
                self._upstream_host, self._upstream_port, timeout=60
            )
            self._local.connection = connection
        return connection

    def _close_upstream(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
