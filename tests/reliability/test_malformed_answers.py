"""Answers no HTTP server should send: each becomes a typed OryError, and none of them
lets a credential out through the error, its whole chain or the logs.

aiohttp's own exceptions carry the request's headers (``request_info``), so they must
never be in the chain of what ory_async raises.
"""

from __future__ import annotations

import gzip
import logging
import zlib
from collections.abc import Awaitable, Callable
from urllib.parse import quote

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from ory_async import (
    BearerToken,
    ContentEncodingError,
    MalformedResponseError,
    OryClient,
    OryError,
    RetryPolicy,
    SessionToken,
)
from ory_async.auth import Auth, SessionCookie
from tests.kit.keys import TOKEN
from tests.kit.raw_server import fixed, raw_server
from tests.kit.secret_scan import leaks, texts_of

SESSION = "ory_st_SESSION_SECRET_5d4c3b2a1f"
COOKIE_VALUE = "MTY5NzQ0NTg2M3xDT09LSUVfU0VDUkVUXzc3Nzc="
FLOW_TOKEN = "ory_st_FLOW_SECRET_0e9d8c7b6a5f"
JSON = b'{"status":"ok"}'

MALFORMED = {
    "oversized header": b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n",
    "bad status line": b"HTTP/1.1 abc OK\r\nContent-Length: 2\r\n\r\n{}",
    "status out of range": b"HTTP/1.1 1000 Weird\r\nContent-Length: 2\r\n\r\n{}",
    "not http": b"SSH-2.0-OpenSSH_9.6\r\n\r\n",
    "bad header": b"HTTP/1.1 200 OK\r\nBad Header Without Colon\r\nContent-Length: 2\r\n\r\n{}",
    "nul in a header": b"HTTP/1.1 200 OK\r\nX-A: a\x00b\r\nContent-Length: 2\r\n\r\n{}",
    "negative content-length": b"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n{}",
    "non-numeric content-length": b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n{}",
    "two content-lengths": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
    "bad chunk size": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    "too many headers": b"HTTP/1.1 200 OK\r\n"
    + b"".join(b"X-%d: 1\r\n" % i for i in range(300))
    + b"Content-Length: 2\r\n\r\n{}",
}
ENCODING_LIES = {
    "gzip": b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 15\r\n\r\n" + JSON,
    "deflate": b"HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: 15\r\n\r\n" + JSON,
    "br": b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 15\r\n\r\n" + JSON,
    "gzip on an error": b"HTTP/1.1 500 Oops\r\nContent-Encoding: gzip\r\nContent-Length: 15\r\n\r\n"
    + JSON,
}

Call = Callable[[OryClient], Awaitable[object]]
# Every credential form, each with a call that sends it.
CALLS: list[tuple[str, Auth | None, Call]] = [
    ("api key", BearerToken(TOKEN), lambda ory: ory.identities.get("x")),
    ("session token", SessionToken(SESSION), lambda ory: ory.sessions.whoami()),
    (
        "session cookie",
        SessionCookie(f"ory_kratos_session={COOKIE_VALUE}"),
        lambda ory: ory.sessions.whoami(),
    ),
    (
        "flow session token",
        BearerToken(TOKEN),
        lambda ory: ory.flows.get_settings("f", session_token=FLOW_TOKEN),
    ),
]
SECRETS = [TOKEN, SESSION, COOKIE_VALUE, FLOW_TOKEN]


async def provoke(answer: bytes, auth: Auth | None, call: Call) -> tuple[BaseException, bytes]:
    async with raw_server(fixed(answer)) as server:
        async with OryClient(server.url, auth=auth, retry=RetryPolicy.none(), timeouts=10) as ory:
            with pytest.raises(OryError) as info:
                await call(ory)
        (head,) = server.heads
    return info.value, head


@pytest.mark.parametrize("answer", MALFORMED.values(), ids=MALFORMED.keys())
async def test_a_malformed_answer_is_a_typed_error_with_a_short_message(answer: bytes) -> None:
    exc, _ = await provoke(answer, BearerToken(TOKEN), lambda ory: ory.identities.get("abc"))
    assert isinstance(exc, MalformedResponseError)
    message = str(exc)
    assert message.startswith("The answer to GET /admin/identities/abc was malformed: ")
    assert len(message) < 400
    assert "\n" not in message
    assert exc.method == "GET"
    assert exc.path == "/admin/identities/abc"


async def test_a_malformed_answer_to_a_write_says_the_outcome_is_unknown() -> None:
    exc, head = await provoke(
        MALFORMED["bad status line"],
        BearerToken(TOKEN),
        lambda ory: ory.identities.delete_credentials("abc", "password"),
    )
    assert head.startswith(b"DELETE ")
    assert isinstance(exc, MalformedResponseError)
    assert exc.request_sent is None


@pytest.mark.parametrize("answer", ENCODING_LIES.values(), ids=ENCODING_LIES.keys())
async def test_a_body_that_is_not_what_its_encoding_says_is_named(answer: bytes) -> None:
    exc, head = await provoke(answer, BearerToken(TOKEN), lambda ory: ory.identities.get("abc"))
    assert isinstance(exc, ContentEncodingError)
    assert isinstance(exc, MalformedResponseError)
    declared = answer.split(b"Content-Encoding: ")[1].split(b"\r\n")[0].decode()
    assert exc.encoding == declared
    assert f"could not be decoded: it says Content-Encoding: {declared}, " in str(exc)
    if declared in ("gzip", "deflate"):
        assert str(exc).endswith(f"but its body is not {declared} data")
    assert b"authorization: bearer" in head.lower()


IDENTITY = b'{"id": "abc", "schema_id": "default", "traits": {"email": "a@example.com"}}'


@pytest.mark.parametrize(
    ("encoding", "data"),
    [("gzip", gzip.compress(IDENTITY)), ("deflate", zlib.compress(IDENTITY))],
)
async def test_a_body_that_is_what_its_encoding_says_decodes(encoding: str, data: bytes) -> None:
    answer = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: "
        + encoding.encode()
        + b"\r\nContent-Length: %d\r\n\r\n" % len(data)
        + data
    )
    async with (
        raw_server(fixed(answer)) as server,
        OryClient(server.url, retry=RetryPolicy.none()) as ory,
    ):
        identity = await ory.identities.get("abc")
    assert identity.traits == {"email": "a@example.com"}


@pytest.mark.parametrize("answer", [*MALFORMED.values(), *ENCODING_LIES.values()])
@pytest.mark.parametrize(("form", "auth", "call"), CALLS, ids=[c[0] for c in CALLS])
async def test_no_credential_in_the_chain_of_a_malformed_answer(
    answer: bytes, form: str, auth: Auth, call: Call, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("aiohttp", "aiohttp.client", "aiohttp.internal", "ory_async"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    exc, head = await provoke(answer, auth, call)
    # The credential did go to the server: the scan below would catch a leak of it.
    assert any(s.encode() in head for s in SECRETS), form
    texts = texts_of(exc)
    texts += [r.getMessage() for r in caplog.records]
    texts += [logging.Formatter().format(r) for r in caplog.records]
    assert leaks(texts, SECRETS) == []
    # None of aiohttp's exceptions (which hold the request headers) is kept.
    chain: list[BaseException] = []
    link: BaseException | None = exc
    while link is not None:
        chain.append(link)
        link = link.__cause__ or link.__context__
    assert [type(e).__module__.split(".")[0] for e in chain] == ["ory_async"]


@pytest.mark.parametrize("status", [401, 403, 500])
@pytest.mark.parametrize(("form", "auth", "call"), CALLS, ids=[c[0] for c in CALLS])
async def test_a_server_echoing_every_credential_it_received_is_scrubbed(
    aiohttp_server: Callable[..., Awaitable[TestServer]],
    status: int,
    form: str,
    auth: Auth,
    call: Call,
) -> None:
    received: list[str] = []

    async def echo(request: web.Request) -> web.StreamResponse:
        values = [v for k, v in request.headers.items() if k.lower() != "host"]
        # A cookie's value on its own too, as a server reporting "session MTY... expired".
        values += [c.partition("=")[2] for c in request.headers.get("Cookie", "").split(";")]
        received.extend(values)
        said = " ".join(values + [quote(v, safe="") for v in values])
        error = {"code": status, "status": "Echo", "reason": said, "message": said[:300]}
        return web.json_response({"error": error}, status=status)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", echo)
    server = await aiohttp_server(app)
    async with OryClient(str(server.make_url("/")), auth=auth, retry=RetryPolicy.none()) as ory:
        with pytest.raises(OryError) as info:
            await call(ory)
    assert any(s in v for v in received for s in SECRETS), form  # the echo did carry it
    exc = info.value
    assert leaks(texts_of(exc), SECRETS) == []
    assert "<redacted>" in str(exc)


async def test_server_text_in_a_message_is_printable() -> None:
    # Header bytes that are not UTF-8, a terminal escape and a forged log line in the
    # reason: the message still goes to any UTF-8 log or terminal as one plain line.
    body = b'{"error": {"code": 404, "reason": "gone\\n2026-01-01 INFO forged \\u001b[2J"}}'
    answer = (
        b"HTTP/1.1 404 Not Found\r\nX-Request-Id: \xff\xferid\r\nOry-Error-Id: \xc3\x28\x1b[31m"
        b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    )
    exc, _ = await provoke(answer, None, lambda ory: ory.identities.get("abc"))
    message = str(exc)
    message.encode("utf-8")  # no lone surrogates
    assert "\x1b" not in message
    assert "\n" not in message
    assert "forged" in message
    assert "rid" in message
