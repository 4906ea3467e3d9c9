"""aiohttp integration: one :class:`~ory_async.OryClient` per app, and a session check.

A handler decorated with :func:`require_session` (or every handler, behind
:func:`session_middleware`) runs only with a valid session. Without one, a browser (a
request accepting HTML) is redirected (303) to the login flow with ``return_to``, API
clients get JSON 401/403, and Ory being unavailable is a 503 with ``Retry-After``. A
session cookie Ory re-issued is added to the response.

::

    from aiohttp import web
    from ory_async import OryClient
    from ory_async.contrib import aiohttp as ory_web

    @ory_web.require_session
    async def me(request: web.Request) -> web.Response:
        session = await ory_web.current_session(request)  # cached on the request
        return web.json_response({"identity": session.identity.id if session.identity else None})

    app = web.Application()
    ory_web.setup(app, OryClient.from_env)
    app.router.add_get("/me", me)
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any, overload

import attrs
from aiohttp import web

from .._client import OryClient
from ..models import Session
from ._session import SessionCheck, SessionRejected, SessionVerifier

__all__ = [
    "current_check",
    "current_session",
    "get_ory",
    "optional_session",
    "require_session",
    "session_middleware",
    "setup",
]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Middleware = Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]

_STATUS: dict[int, type[web.HTTPException]] = {
    303: web.HTTPSeeOther,
    401: web.HTTPUnauthorized,
    403: web.HTTPForbidden,
    503: web.HTTPServiceUnavailable,
}
# A typed request key where aiohttp has them (3.12+), else the plain string key.
_CHECK: Any = (
    web.RequestKey("ory_async.session_check", SessionCheck)
    if hasattr(web, "RequestKey")
    else "ory_async.session_check"
)


@attrs.define
class _OryState:
    """What :func:`setup` keeps on the app: the factory, the client while running, the verifier."""

    factory: Callable[[], OryClient]
    verifier: SessionVerifier
    client: OryClient | None = None


_STATE = web.AppKey("ory_async", _OryState)


def setup(
    app: web.Application,
    client_factory: Callable[[], OryClient] = OryClient.from_env,
    *,
    verifier: SessionVerifier | None = None,
) -> None:
    """Give ``app`` one client, built at start-up and closed at cleanup (``app.cleanup_ctx``).

    ``verifier`` configures :func:`current_session` (cache, cookie names, ...).
    """
    state = _OryState(factory=client_factory, verifier=verifier or SessionVerifier())
    app[_STATE] = state

    async def ory_client(_: web.Application) -> AsyncIterator[None]:
        state.client = client_factory()
        try:
            yield
        finally:
            client, state.client = state.client, None
            await client.close()

    app.cleanup_ctx.append(ory_client)
    app.on_response_prepare.append(_pass_cookies_on)


async def _pass_cookies_on(request: web.Request, response: web.StreamResponse) -> None:
    """Add the session cookie Ory re-issued during this request to its response."""
    check: Any = request.get(_CHECK)
    if isinstance(check, SessionCheck):
        for value in check.set_cookies:
            response.headers.add("Set-Cookie", value)


def _state(request: web.Request) -> _OryState:
    try:
        return request.config_dict[_STATE]
    except KeyError:
        msg = "ory_async.contrib.aiohttp.setup(app, ...) was not called for this app"
        raise RuntimeError(msg) from None


def get_ory(request: web.Request) -> OryClient:
    """The app's client (between start-up and cleanup)."""
    client = _state(request).client
    if client is None:
        msg = "the OryClient exists only while the app runs (between start-up and cleanup)"
        raise RuntimeError(msg)
    return client


def _response(
    verifier: SessionVerifier,
    rejected: SessionRejected,
    request: web.Request,
    ory: OryClient | None,
) -> web.HTTPException:
    reply = verifier.reply(
        rejected,
        ory=ory,
        url=str(request.url),
        method=request.method,
        accept=request.headers.get("Accept"),
    )
    headers = {k: v for k, v in reply.headers if k != "Content-Type"}
    if reply.status == 303:
        return web.HTTPSeeOther(location=headers.pop("Location"), headers=headers)
    return _STATUS[reply.status](
        text=reply.body.decode(), content_type="application/json", headers=headers
    )


async def current_check(
    request: web.Request, *, aal: str | None = None, fresh: bool = False
) -> SessionCheck:
    """The request's session check (the session, its source, cookies to pass on).

    Asks Ory at most once per request (unless ``fresh``); see :func:`current_session`.
    """
    state = _state(request)
    ory: OryClient | None = None
    try:
        known: Any = request.get(_CHECK)
        if isinstance(known, SessionCheck) and not fresh:
            state.verifier.require_aal(known, aal)
            return known
        ory = get_ory(request)
        check = await state.verifier.check(
            ory, request.headers, request.cookies, aal=aal, fresh=fresh
        )
    except SessionRejected as exc:
        raise _response(state.verifier, exc, request, ory or state.client) from None
    request[_CHECK] = check
    return check


async def current_session(
    request: web.Request, *, aal: str | None = None, fresh: bool = False
) -> Session:
    """The request's Ory session; asks Ory once per request.

    Args:
        request: the request being handled.
        aal: the least assurance level needed (``"aal2"``).
        fresh: skip the cache and ask Ory (``Cache-Control: max-age=0``).

    Raises:
        web.HTTPSeeOther: a browser without a valid session, sent to the login flow (303).
        web.HTTPUnauthorized: no or invalid session (401).
        web.HTTPForbidden: assurance level too low (403; the JSON body has ``error_id``).
        web.HTTPServiceUnavailable: Ory unreachable, rate-limiting or failing (503, with
            ``Retry-After``): the user is not logged out.
    """
    return (await current_check(request, aal=aal, fresh=fresh)).session


async def optional_session(request: web.Request) -> Session | None:
    """The request's session, or None when it has no valid one (Ory down is still a 503)."""
    try:
        return await current_session(request)
    except (web.HTTPUnauthorized, web.HTTPSeeOther):
        return None


@overload
def require_session(handler: Handler, /) -> Handler: ...


@overload
def require_session(*, aal: str | None = None) -> Callable[[Handler], Handler]: ...


def require_session(
    handler: Handler | None = None, /, *, aal: str | None = None
) -> Handler | Callable[[Handler], Handler]:
    """Decorate a handler so that it runs only with a valid session (see :func:`current_session`).

    ``@require_session`` or ``@require_session(aal="aal2")``.
    """

    def decorate(inner: Handler) -> Handler:
        @functools.wraps(inner)
        async def wrapper(request: web.Request) -> web.StreamResponse:
            await current_check(request, aal=aal)
            return await inner(request)

        return wrapper

    return decorate(handler) if handler is not None else decorate


def session_middleware(
    *, required: bool = True, aal: str | None = None, exclude: Iterable[str] = ()
) -> Middleware:
    """A middleware that checks every request's session before its handler runs.

    ``required=False`` lets requests without a valid session through (read it with
    :func:`optional_session`); ``exclude`` lists path prefixes left unchecked.
    """
    skipped = tuple(exclude)

    @web.middleware
    async def ory_session(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not (skipped and request.path.startswith(skipped)):
            try:
                await current_check(request, aal=aal)
            except (web.HTTPUnauthorized, web.HTTPSeeOther):
                if required:
                    raise
        return await handler(request)

    return ory_session
