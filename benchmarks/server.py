"""A cheap Kratos admin server for benchmarks: pre-rendered bytes, its own process.

Every answer is rendered once at start-up, so serving a request costs one dict lookup
and one socket write; the clients under test get the rest of the machine. It speaks
just enough HTTP/1.1 (keep-alive, ``Content-Length``) and serves:

* ``GET /admin/identities/{id}`` (an identity with its credentials, as a single GET);
* ``GET /admin/identities?page_size=N&page_token=...`` (keyset pages, Kratos ``Link``);
* ``GET /admin/sessions?expand=identity&page_size=N&page_token=...`` (keyset pages);
* ``GET /admin/identities?ids=...&ids=...&page_size=500`` (the ids filter over the first
  ``many_pool`` identities, which also answer single GETs);
* ``GET /sessions/whoami`` (one session with its identity, whatever the token).

Two variants for single workloads: ``--latency-ms`` delays every answer (a slow server,
for read-ahead), and ``--synthetic N`` lists N small identities rendered page by page
on demand (a walk far longer than what could be pre-rendered, for memory).

Run ``python -m benchmarks.server --identities 50000 ...``: it prints ``READY <port>``
and serves on 127.0.0.1 until its stdin closes or it gets SIGTERM. :func:`serve` does
that from Python.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Final
from urllib.parse import parse_qsl

from . import payloads
from .process import child_server, stop_requested

NOT_FOUND: Final = (
    b'{"error":{"code":404,"status":"Not Found","message":"Unable to locate the resource"}}'
)


@dataclass(frozen=True)
class Sizes:
    """What the server holds."""

    identities: int = 50_000
    sessions: int = 20_000
    session_identities: int = 1_000
    get_pool: int = 1_000
    page_size: int = 250
    many_pool: int = 5_000
    latency_ms: int = 0
    synthetic: int = 0


def response(status: str, body: bytes, headers: tuple[tuple[str, str], ...] = ()) -> bytes:
    """A whole HTTP/1.1 response, ready to write."""
    ctype = "application/json; charset=utf-8" if status.startswith("2") else "application/json"
    lines = [
        f"HTTP/1.1 {status}",
        f"Content-Type: {ctype}",
        f"Content-Length: {len(body)}",
        *(f"{k}: {v}" for k, v in headers),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _bad_request(reason: str) -> bytes:
    body = payloads.render(
        {
            "error": {
                "code": 400,
                "status": "Bad Request",
                "message": "The request was malformed or contained invalid parameters",
                "reason": reason,
            }
        }
    )
    return response("400 Bad Request", body)


class Catalog:
    """Every answer the server can give, rendered up front."""

    def __init__(self, sizes: Sizes) -> None:
        self.sizes = sizes
        self.size = str(sizes.page_size)
        ids = payloads.identity_ids(sizes.identities)
        self.get: dict[bytes, bytes] = {}
        for index, ident in enumerate(ids[: max(sizes.get_pool, sizes.many_pool)]):
            body = payloads.render(payloads.identity(ident, index, credentials=True))
            self.get[f"/admin/identities/{ident}".encode()] = response("200 OK", body)
        # List items of the ids filter, rendered one by one (a list item has no credentials).
        self.items: dict[str, bytes] = {
            ident: payloads.render(payloads.identity(ident, index))
            for index, ident in enumerate(ids[: sizes.many_pool])
        }
        self.identity_pages = self._identity_pages(ids)
        self.session_pages = self._session_pages()
        pool = payloads.identity(ids[0], 0) if ids else payloads.identity(payloads.NIL_UUID, 0)
        whoami = {
            **payloads.session(payloads.session_ids(1)[0], 1, pool),
            "expires_at": "2100-01-01T00:00:00Z",  # cacheable: not expired
        }
        self.get[b"/sessions/whoami"] = response("200 OK", payloads.render(whoami))
        self.synthetic = payloads.SyntheticIdentities(sizes.synthetic, sizes.page_size)

    def _identity_pages(self, ids: list[str]) -> dict[str, bytes]:
        path, query = "/admin/identities", {"page_size": self.size}
        per = self.sizes.page_size
        pages: dict[str, bytes] = {}
        token = payloads.NIL_UUID
        items = list(payloads.identities(len(ids)))
        for start in range(0, max(len(items), 1), per):
            chunk = items[start : start + per]
            following = chunk[-1]["id"] if start + per < len(items) else None
            link = payloads.keyset_link(path, query, payloads.NIL_UUID, following)
            pages[token] = response("200 OK", payloads.render(chunk), (("Link", link),))
            if following is not None:
                token = following
        return pages

    def _session_pages(self) -> dict[str, bytes]:
        sizes = self.sizes
        path, query = "/admin/sessions", {"expand": "identity", "page_size": self.size}
        per = sizes.page_size
        pages: dict[str, bytes] = {}
        first = token = payloads.FIRST_SESSION_TOKEN
        items = list(payloads.sessions(sizes.sessions, max(sizes.session_identities, 1)))
        for start in range(0, max(len(items), 1), per):
            chunk = items[start : start + per]
            following = None
            if start + per < len(items):
                last = chunk[-1]
                moment = last["authenticated_at"].replace("T", " ").rstrip("Z")[:25]
                following = payloads.session_token(last["id"], moment)
            link = payloads.keyset_link(path, query, first, following)
            pages[token] = response("200 OK", payloads.render(chunk), (("Link", link),))
            if following is not None:
                token = following
        return pages

    def answer(self, target: bytes) -> bytes:
        """The response to ``GET target``."""
        path, _, raw_query = target.partition(b"?")
        if path == b"/admin/identities" and b"ids=" in raw_query:
            return self._by_ids(parse_qsl(raw_query.decode("latin-1")))
        if path == b"/admin/identities" or path == b"/admin/sessions":
            query = dict(parse_qsl(raw_query.decode("latin-1")))
            if query.get("page_size", self.size) != self.size:
                return _bad_request(f"this server pre-renders pages of {self.size}")
            if path == b"/admin/identities" and self.synthetic.count:
                token = query.get("page_token", payloads.NIL_UUID)
                page = self.synthetic.page(token)
                if page is None:
                    return _bad_request("The page token is invalid")
                body, link = page
                return response("200 OK", body, (("Link", link),))
            if path == b"/admin/identities":
                found = self.identity_pages.get(query.get("page_token", payloads.NIL_UUID))
            else:
                if query.get("expand") != "identity":
                    return _bad_request("this server lists sessions with expand=identity only")
                found = self.session_pages.get(
                    query.get("page_token", payloads.FIRST_SESSION_TOKEN)
                )
            if found is None:
                return _bad_request("The page token is invalid, do not craft your own page tokens")
            return found
        return self.get.get(path) or response("404 Not Found", NOT_FOUND)

    def _by_ids(self, pairs: list[tuple[str, str]]) -> bytes:
        """The ids filter: the identities found, in id order, on one page (Kratos's Link)."""
        wanted = sorted({v for k, v in pairs if k == "ids"})
        if len(wanted) > 500:
            return _bad_request("The number of ids to filter must not exceed 500.")
        if dict(pairs).get("page_size") != "500":
            return _bad_request("this server answers the ids filter with page_size=500 only")
        body = b"[" + b",".join(self.items[i] for i in wanted if i in self.items) + b"]"
        link = f'</admin/identities?page_size=500&page_token={payloads.NIL_UUID}>; rel="first"'
        return response("200 OK", body, (("Link", link),))


class _Http(asyncio.Protocol):
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            line_end = self.buffer.find(b"\r\n")
            request_line = bytes(self.buffer[:line_end])
            del self.buffer[: end + 4]
            parts = request_line.split(b" ")
            assert self.transport is not None
            if len(parts) != 3 or parts[0] != b"GET":
                self.transport.write(_bad_request("this server answers GET only"))
                continue
            answer = self.catalog.answer(parts[1])
            delay = self.catalog.sizes.latency_ms / 1000
            if delay:  # answers keep their order: every one waits as long
                asyncio.get_running_loop().call_later(delay, self.transport.write, answer)
            else:
                self.transport.write(answer)


def pin_to_cpu(which: int) -> None:
    """Keep this process on one CPU (when there are two or more), so client and server
    never compete for the same core."""
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) >= 2:
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) >= 2:
            os.sched_setaffinity(0, {cpus[which]})


async def _main(sizes: Sizes) -> None:
    catalog = Catalog(sizes)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Http(catalog), "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    stop = stop_requested()
    print(f"READY {port}", flush=True)
    async with server:
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    for name, default in asdict(Sizes()).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=default)
    args = parser.parse_args(argv)
    pin_to_cpu(-1)
    asyncio.run(_main(Sizes(**{k: getattr(args, k) for k in asdict(Sizes())})))


@contextlib.contextmanager
def serve(sizes: Sizes, python: str = sys.executable) -> Iterator[str]:
    """Run the server in a child process; yield its base URL; stop it afterwards."""
    cmd = [python, "-m", "benchmarks.server"]
    for name, value in asdict(sizes).items():
        cmd += [f"--{name.replace('_', '-')}", str(value)]
    with child_server(cmd, "benchmark server", 1) as (port,):
        yield f"http://127.0.0.1:{port}"


if __name__ == "__main__":
    main()
