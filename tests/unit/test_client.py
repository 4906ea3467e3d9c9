from __future__ import annotations

import asyncio
import re
from types import SimpleNamespace

import aiohttp
import orjson
import pytest
from aioresponses import aioresponses
from yarl import URL

from ory_async import (
    ApiError,
    BadRequestError,
    BearerToken,
    ClientClosedError,
    ConflictError,
    ForbiddenError,
    GoneError,
    NotFoundError,
    OryClient,
    OryError,
    RateLimitedError,
    RetryPolicy,
    ServerError,
    SessionToken,
    TransportError,
    UnauthorizedError,
)
from tests.kit.helpers import only_request
from tests.kit.keys import SECRET

BASE = "http://127.0.0.1:4434"
READY = f"{BASE}/health/ready"


def client(**kwargs: object) -> OryClient:
    kwargs.setdefault("retry", RetryPolicy.none())
    return OryClient(BASE, **kwargs)  # type: ignore[arg-type]


async def test_bearer_token_header() -> None:
    with aioresponses() as m:
        m.get(READY, payload={"status": "ok"})
        async with client(access_token=SECRET) as ory:
            await ory.ping()
        method, url, kwargs = only_request(m)
    assert method == "GET"
    assert str(url) == READY
    assert kwargs["headers"]["Authorization"] == f"Bearer {SECRET}"
    assert "X-Session-Token" not in kwargs["headers"]


async def test_session_token_header() -> None:
    with aioresponses() as m:
        m.get(READY, payload={})
        async with client(auth=SessionToken(SECRET)) as ory:
            await ory.ping()
        _, _, kwargs = only_request(m)
    assert kwargs["headers"]["X-Session-Token"] == SECRET
    assert "Authorization" not in kwargs["headers"]


async def test_no_auth_header_without_auth() -> None:
    with aioresponses() as m:
        m.get(READY, payload={})
        async with client() as ory:
            await ory.ping()
        _, _, kwargs = only_request(m)
    assert not {"Authorization", "X-Session-Token"} & set(kwargs["headers"])
    assert re.fullmatch(
        r"ory-async/\S+ aiohttp/\S+ python/\d+\.\d+", kwargs["headers"]["User-Agent"]
    )
    assert kwargs["allow_redirects"] is False


async def test_per_call_auth_override_and_views() -> None:
    with aioresponses() as m:
        m.get(READY, payload={}, repeat=True)
        async with client(access_token="default-token") as ory:
            await ory.ping(auth=SessionToken("per-call"))
            view = ory.with_auth(SessionToken("view-token"))
            await view.ping()
            await ory.ping()
            assert view._transport is ory._transport
            await view.close()  # a view never closes the shared pool
            assert not ory.closed
        calls = m.requests[("GET", URL(READY))]
    headers = [c.kwargs["headers"] for c in calls]
    assert headers[0]["X-Session-Token"] == "per-call"
    assert "Authorization" not in headers[0]
    assert headers[1]["X-Session-Token"] == "view-token"
    assert headers[2]["Authorization"] == "Bearer default-token"


async def test_custom_headers_and_user_agent() -> None:
    with aioresponses() as m:
        m.get(READY, payload={})
        async with client(headers={"X-Team": "billing"}, user_agent="billing-sync/2") as ory:
            await ory.ping()
        _, _, kwargs = only_request(m)
    assert kwargs["headers"]["X-Team"] == "billing"
    assert kwargs["headers"]["User-Agent"] == "billing-sync/2"


def test_constructor_validation() -> None:
    with pytest.raises(ValueError, match="either auth= or access_token="):
        OryClient(BASE, auth=BearerToken("a"), access_token="b")
    with pytest.raises(ValueError, match='api must be "v1" or "v0"'):
        OryClient(BASE, api="v2")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_concurrency must be an int >= 1"):
        OryClient(BASE, max_concurrency=0)
    with pytest.raises(ValueError, match="timeouts must be a positive number"):
        OryClient(BASE, timeouts=-1)
    with pytest.raises(ValueError, match="headers must not set Authorization"):
        OryClient(BASE, headers={"Authorization": "Bearer x"})
    with pytest.raises(TypeError, match="auth must be a BearerToken or SessionToken"):
        OryClient(BASE, auth="ory_pat_x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="absolute http"):
        OryClient("my-project.projects.oryapis.com")


def test_repr_hides_the_token() -> None:
    ory = OryClient(
        "https://p.example.com/", access_token=SECRET, public_url="https://pub.example.com"
    )
    text = repr(ory)
    assert SECRET not in text
    assert text == (
        "OryClient('https://p.example.com/', public_url='https://pub.example.com/', "
        "api='v1', auth=BearerToken(<redacted>))"
    )


def test_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORY_SDK_URL", "https://p.example.com")
    monkeypatch.setenv("ORY_API_KEY", SECRET)
    ory = OryClient.from_env(api="v0")
    assert str(ory.base_url) == "https://p.example.com/"
    assert ory.auth == BearerToken(SECRET)
    assert ory.api == "v0"
    assert ory.public_url == ory.base_url
    monkeypatch.setenv("ORY_PUBLIC_URL", "https://public.example.com")
    assert str(OryClient.from_env().public_url) == "https://public.example.com/"
    monkeypatch.delenv("ORY_SDK_URL")
    with pytest.raises(ValueError, match="ORY_SDK_URL is not set"):
        OryClient.from_env()


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, UnauthorizedError),
        (403, ForbiddenError),
        (404, NotFoundError),
        (409, ConflictError),
        (410, GoneError),
        (429, RateLimitedError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
    ],
)
async def test_status_maps_to_exception(status: int, cls: type[ApiError]) -> None:
    body = {
        "error": {
            "code": status,
            "status": "S",
            "reason": f"reason {status}",
            "message": "msg",
            "request": "rq-1",
        }
    }
    with aioresponses() as m:
        m.get(
            READY,
            status=status,
            body=orjson.dumps(body),
            headers={"Content-Type": "application/json"},
        )
        async with client(access_token=SECRET) as ory:
            with pytest.raises(cls) as info:
                await ory.ping()
    err = info.value
    assert type(err) is cls
    assert err.status == status
    assert err.reason == f"reason {status}"
    assert err.request_id == "rq-1"
    assert err.method == "GET"
    assert err.path == "/health/ready"
    assert str(err).startswith(f"{status} ")
    assert "on GET /health/ready: msg: reason" in str(err)


async def test_token_never_in_a_401_error() -> None:
    body = {
        "error": {"code": 401, "message": f"The request could not be authorized: token {SECRET}"}
    }
    with aioresponses() as m:
        m.get(READY, status=401, body=orjson.dumps(body))
        async with client(access_token=SECRET) as ory:
            with pytest.raises(UnauthorizedError) as info:
                await ory.ping()
            assert SECRET not in repr(ory)
    err = info.value
    for text in (str(err), repr(err), str(err.args), repr(err.__cause__), repr(err.__context__)):
        assert SECRET not in text


async def test_non_json_and_empty_error_bodies() -> None:
    with aioresponses() as m:
        m.get(READY, status=502, body=b"<html>Bad gateway</html>", content_type="text/html")
        m.get(READY, status=503, body=b"")
        async with client() as ory:
            with pytest.raises(
                ServerError,
                match="502 Bad Gateway on GET /health/ready: unexpected response body: <html>Bad gateway</html>",
            ):
                await ory.ping()
            with pytest.raises(
                ServerError,
                match="503 Service Unavailable on GET /health/ready: empty response body",
            ):
                await ory.ping()


async def test_connection_errors_become_transport_errors() -> None:
    with aioresponses() as m:
        key = SimpleNamespace(host="127.0.0.1", port=4434, ssl=True)
        m.get(READY, exception=aiohttp.ClientConnectorError(key, OSError(111, "refused")))  # type: ignore[arg-type]
        # A drop is resent once at once: it drops again.
        m.get(READY, exception=aiohttp.ServerDisconnectedError())
        m.get(READY, exception=aiohttp.ServerDisconnectedError())
        m.get(READY, exception=TimeoutError())
        async with client(timeouts=5) as ory:
            with pytest.raises(
                TransportError, match="Could not connect on GET /health/ready"
            ) as info:
                await ory.ping()
            assert info.value.request_sent is False
            with pytest.raises(
                TransportError, match="The connection failed on GET /health/ready"
            ) as info:
                await ory.ping()
            assert info.value.request_sent is None
            with pytest.raises(
                TransportError, match="No complete answer to GET /health/ready within 5 s"
            ):
                await ory.ping()


async def test_use_after_close_raises() -> None:
    ory = client()
    await ory.close()
    await ory.close()  # idempotent
    assert ory.closed
    with pytest.raises(ClientClosedError, match="closed"):
        await ory.ping()
    with pytest.raises(ClientClosedError):
        async with ory:
            pass


async def test_borrowed_session_stays_open() -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        with aioresponses() as m:
            m.get(READY, payload={})
            async with OryClient(BASE, session=session) as ory:
                await ory.ping()
        assert not session.closed


async def test_owned_session_closed_on_exit() -> None:
    with aioresponses() as m:
        m.get(READY, payload={})
        async with client() as ory:
            await ory.ping()
            session = ory._transport.connection._session
            assert session is not None
            assert not session.closed
    assert session.closed


def test_created_outside_a_loop_then_used_inside() -> None:
    ory = client()  # e.g. at import time: nothing is bound to a loop yet

    async def use() -> None:
        with aioresponses() as m:
            m.get(READY, payload={})
            async with ory:
                await ory.ping()

    asyncio.run(use())
    assert ory.closed


def test_second_event_loop_is_a_clear_error() -> None:
    ory = client()

    async def first() -> aiohttp.ClientSession | None:
        with aioresponses() as m:
            m.get(READY, payload={})
            await ory.ping()
        return ory._transport.connection._session

    async def second() -> None:
        try:
            with pytest.raises(OryError, match="first used in another event loop"):
                await ory.ping()
        finally:
            await session_close()

    session = asyncio.run(first())

    async def session_close() -> None:
        assert session is not None
        await session.close()

    asyncio.run(second())


def test_from_env_takes_exactly_the_constructors_options() -> None:
    import inspect
    import typing

    from ory_async._client import ClientOptions

    constructor = set(inspect.signature(OryClient).parameters) - {"base_url"}
    assert set(typing.get_type_hints(ClientOptions)) == constructor
    from_env = inspect.signature(OryClient.from_env).parameters
    assert list(from_env) == ["base_url", "options"]
    hints = typing.get_type_hints(OryClient.from_env)
    assert hints["options"] == typing.Unpack[ClientOptions]  # so mypy checks every name
    with pytest.raises(TypeError, match="timout"):
        OryClient.from_env("https://p.example.com", timout=5.0)  # type: ignore[call-arg]


def test_from_env_reads_the_environment_as_the_command_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ORY_SDK_URL", "https://env.example.com")
    monkeypatch.setenv("ORY_PUBLIC_URL", "https://pub.example.com")
    monkeypatch.setenv("ORY_API_KEY", SECRET)
    given = OryClient.from_env("https://given.example.com", public_url=None, access_token="other")
    assert str(given.base_url) == "https://given.example.com/"
    assert given.public_url == given.base_url  # an explicit public_url=None wins
    assert given.auth == BearerToken("other")
    monkeypatch.setenv("ORY_API_KEY", "  ")
    blank = OryClient.from_env()
    assert blank.auth is None
    assert str(blank.public_url) == "https://pub.example.com/"
