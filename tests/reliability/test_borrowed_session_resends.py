"""On a borrowed aiohttp session too, a request is resent only by ory_async, and counted.

aiohttp resends an idempotent request once, unseen, when a kept-alive connection drops.
On a session ory_async owns that is off; on one the user lends (``session=``) each
request refuses aiohttp's resend instead, leaving the session as it was: the user's
own requests keep aiohttp's behaviour, and the session's middlewares still run.
The server here keeps connections alive and drops one after reading a request.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

import aiohttp
import pytest

from ory_async import NotFoundError, OryClient, RetryPolicy, TransportError
from tests.kit.keys import TOKEN
from tests.kit.raw_server import Answer, RawServer, fixed, raw_server

PER_REQUEST_MIDDLEWARES = tuple(int(n) for n in aiohttp.__version__.split(".")[:2]) >= (3, 12)

pytestmark = pytest.mark.skipif(
    not PER_REQUEST_MIDDLEWARES, reason="aiohttp before 3.12 takes no per-request middlewares"
)

ID = "0f6d2c1e-58a4-4c4b-9e1f-7b3a2d9c8e10"
DONE = fixed(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
_GONE_BODY = (
    b'{"error":{"code":404,"status":"Not Found","message":"Unable to locate the resource"}}'
)
GONE = fixed(
    b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
    b"Content-Length: " + str(len(_GONE_BODY)).encode() + b"\r\n\r\n" + _GONE_BODY
)


async def DROP(writer: asyncio.StreamWriter) -> None:
    """Read the request, then drop the kept-alive connection without answering."""
    writer.transport.abort()
    raise ConnectionResetError


def scripted(server: list[RawServer], answers: Sequence[Answer]) -> Answer:
    """The n-th request gets ``answers[n]`` (the last one for every request after)."""

    async def answer(writer: asyncio.StreamWriter) -> None:
        n = len(server[0].heads) - 1
        await answers[min(n, len(answers) - 1)](writer)

    return answer


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as lent:
        yield lent


async def test_a_delete_whose_answer_was_lost_succeeds_on_a_borrowed_session(
    session: aiohttp.ClientSession,
) -> None:
    async with raw_server(DONE, keep_alive=True) as server:
        server.answer = scripted([server], [DONE, DROP, GONE])
        async with OryClient(server.url, access_token=TOKEN, session=session) as ory:
            await ory.identities.delete(ID)  # 204, the connection kept alive
            await ory.identities.delete(ID)  # dropped, resent by ory_async: 404 = done
            assert ory.stats.retries == 1
    assert len(server.heads) == 3
    assert all(h.startswith(f"DELETE /admin/identities/{ID} ".encode()) for h in server.heads)


async def test_a_borrowed_session_sends_no_more_than_the_retry_policy_says(
    session: aiohttp.ClientSession,
) -> None:
    async with raw_server(DONE, keep_alive=True) as server:
        server.answer = scripted([server], [DONE, DROP])
        async with OryClient(
            server.url, access_token=TOKEN, session=session, retry=RetryPolicy.none()
        ) as ory:
            await ory.identities.delete(ID)
            with pytest.raises(TransportError) as info:
                await ory.identities.delete(ID)
            assert ory.stats.retries == 1
    # One drop, one resend at once (ory_async's), which drops too: no more.
    assert len(server.heads) == 3
    assert info.value.attempts == 2


async def test_the_lent_session_is_left_as_it_was(session: aiohttp.ClientSession) -> None:
    seen: list[str] = []

    async def theirs(
        request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        seen.append(request.method)
        return await handler(request)

    async with (
        aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(), middlewares=(theirs,)) as lent,
        raw_server(DONE, keep_alive=True) as server,
    ):
        server.answer = scripted([server], [DONE, DROP, GONE, DONE, DROP, DONE])
        async with OryClient(server.url, access_token=TOKEN, session=lent) as ory:
            await ory.identities.delete(ID)
            with pytest.raises(NotFoundError):
                await ory.identities.get(ID)  # dropped, resent once by ory_async: 404
        # The user's own requests keep aiohttp's resend: a drop is resent unseen.
        async with lent.delete(f"{server.url}/anything") as first:
            assert first.status == 204
        async with lent.delete(f"{server.url}/anything") as second:
            assert second.status == 204
        assert not lent.closed
    # The session's middleware ran for ory_async's requests too, once per send.
    assert seen == ["DELETE", "GET", "GET", "DELETE", "DELETE", "DELETE"]
    assert len(server.heads) == 6
