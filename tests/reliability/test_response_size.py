"""Bounded resources: an answer larger than ``max_response_size`` is refused with a clear
error as soon as it is known to be too large, not buffered until the timeout."""

from __future__ import annotations

import asyncio
import gzip

import pytest

from ory_async import OryClient, ResponseTooLargeError, RetryPolicy, TransportError
from tests.kit.keys import TOKEN
from tests.kit.raw_server import Answer, fixed, raw_server

LIMIT = 64 * 1024
PAD = b'{"id": "abc", "schema_id": "default", "traits": {"blob": "'
END = b'"}}'


def identity_of_size(size: int) -> bytes:
    return PAD + b"x" * (size - len(PAD) - len(END)) + END


def answer(body: bytes, *, status: bytes = b"200 OK", extra: bytes = b"") -> bytes:
    return (
        b"HTTP/1.1 "
        + status
        + b"\r\nContent-Type: application/json\r\n"
        + extra
        + b"Content-Length: %d\r\n\r\n" % len(body)
        + body
    )


def endless(*, chunked: bool) -> Answer:
    """A body that never ends (until the client hangs up)."""

    async def write(writer: asyncio.StreamWriter) -> None:
        framing = b"Transfer-Encoding: chunked\r\n" if chunked else b"Connection: close\r\n"
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + framing + b"\r\n")
        writer.write(b"4\r\n[{},\r\n" if chunked else b"[{},")
        while True:
            piece = b'{"id": "' + b"y" * 4000 + b'"},'
            writer.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            await writer.drain()

    return write


async def test_the_limit_is_generous_by_default_and_configurable() -> None:
    async with OryClient("http://127.0.0.1:9") as ory:
        assert ory.max_response_size == 32 * 1024 * 1024
    async with OryClient("http://127.0.0.1:9", max_response_size=LIMIT) as ory:
        assert ory.max_response_size == LIMIT
    async with OryClient("http://127.0.0.1:9", max_response_size=None) as ory:
        assert ory.max_response_size is None


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "1mb"])
def test_a_nonsensical_limit_is_refused(bad: object) -> None:
    with pytest.raises((TypeError, ValueError), match="max_response_size"):
        OryClient("http://127.0.0.1:9", max_response_size=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("size", [LIMIT - 1, LIMIT])
async def test_an_answer_up_to_the_limit_is_read(size: int) -> None:
    async with (
        raw_server(fixed(answer(identity_of_size(size)))) as server,
        OryClient(server.url, max_response_size=LIMIT, retry=RetryPolicy.none()) as ory,
    ):
        identity = await ory.identities.get("abc")
    assert len(identity.traits["blob"]) == size - len(PAD) - len(END)


@pytest.mark.parametrize("status", [b"200 OK", b"500 Internal Server Error", b"404 Not Found"])
async def test_a_declared_length_over_the_limit_is_refused_before_reading(status: bytes) -> None:
    # The Content-Length says too much; the body is never sent: reading it would hang.
    head = b"HTTP/1.1 " + status + b"\r\nContent-Length: %d\r\n\r\n{" % (LIMIT + 1)
    async with (
        raw_server(fixed(head), keep_alive=True) as server,
        OryClient(server.url, access_token=TOKEN, max_response_size=LIMIT, timeouts=60) as ory,
    ):
        with pytest.raises(ResponseTooLargeError) as info:
            await ory.identities.get("abc")
    message = str(info.value)
    assert message.startswith("The answer to GET /admin/identities/abc is larger than")
    assert "64 KiB" in message
    assert "max_response_size" in message
    assert info.value.limit == LIMIT
    assert info.value.method == "GET"
    assert info.value.path == "/admin/identities/abc"
    assert TOKEN not in message
    assert not isinstance(info.value, TransportError)  # not retried: it would be as large


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "until-close"])
async def test_an_endless_body_is_cut_at_the_limit_not_at_the_timeout(chunked: bool) -> None:
    # With a 60 s timeout, buffering until the timeout would end in RequestTimeoutError.
    async with (
        raw_server(endless(chunked=chunked)) as server,
        OryClient(server.url, max_response_size=LIMIT, timeouts=60) as ory,
    ):
        with pytest.raises(ResponseTooLargeError, match="larger than the 64 KiB limit"):
            await ory.identities.list().collect()


async def test_a_small_gzip_body_that_inflates_past_the_limit_is_refused() -> None:
    bomb = gzip.compress(b"[" + b" " * (LIMIT * 40) + b"]")
    assert len(bomb) < LIMIT
    async with (
        raw_server(fixed(answer(bomb, extra=b"Content-Encoding: gzip\r\n"))) as server,
        OryClient(server.url, max_response_size=LIMIT, retry=RetryPolicy.none()) as ory,
    ):
        with pytest.raises(ResponseTooLargeError):
            await ory.identities.list().collect()


async def test_an_error_body_over_the_limit_is_refused_too() -> None:
    body = b'{"error": {"message": "' + b"z" * LIMIT + b'"}}'
    async with (
        raw_server(fixed(answer(body, status=b"500 Oops"))) as server,
        OryClient(server.url, max_response_size=LIMIT, retry=RetryPolicy.none()) as ory,
    ):
        with pytest.raises(ResponseTooLargeError):
            await ory.identities.get("abc")


async def test_the_client_works_on_after_a_refused_answer() -> None:
    big = fixed(answer(identity_of_size(LIMIT + 1)))
    small = fixed(answer(identity_of_size(100)))
    answers = iter([big, small])

    async def next_answer(writer: asyncio.StreamWriter) -> None:
        await next(answers)(writer)

    async with (
        raw_server(next_answer) as server,
        OryClient(server.url, max_response_size=LIMIT, retry=RetryPolicy.none()) as ory,
    ):
        with pytest.raises(ResponseTooLargeError):
            await ory.identities.get("abc")
        identity = await ory.identities.get("abc")
    assert identity.id == "abc"
    assert len(server.heads) == 2
