"""aiohttp integration: one :class:`~ory_async.OryClient` per app, and a session check.

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
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import attrs
import orjson
from aiohttp import web

from .._client import OryClient
from ..models import Session
from ._session import SessionRejected, SessionVerifier, detail_json

__all__ = ["current_session", "get_ory", "require_session", "setup"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_STATUS: dict[int, type[web.HTTPException]] = {
    401: web.HTTPUnauthorized,
    403: web.HTTPForbidden,
    503: web.HTTPServiceUnavailable,
}
# A typed request key where aiohttp has them (3.12+), else the plain string key.
_SESSION: Any = (
    web.RequestKey("ory_async.session", Session)
    if hasattr(web, "RequestKey")
    else "ory_async.session"
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


def _response(rejected: SessionRejected) -> web.HTTPException:
    return _STATUS[rejected.status](
        text=orjson.dumps(detail_json(rejected)).decode(),
        content_type="application/json",
        headers=rejected.headers,
    )


async def current_session(request: web.Request) -> Session:
    """The request's Ory session; asks Ory once per request.

    Raises:
        web.HTTPUnauthorized: no or invalid session (401).
        web.HTTPForbidden: assurance level too low (403; the JSON body has ``error_id``).
        web.HTTPServiceUnavailable: Ory unreachable, rate-limiting or failing (503, with
            ``Retry-After``): the user is not logged out.
    """
    known: Any = request.get(_SESSION)
    if isinstance(known, Session):
        return known
    state = _state(request)
    try:
        session = await state.verifier.verify(get_ory(request), request.headers, request.cookies)
    except SessionRejected as exc:
        raise _response(exc) from None
    request[_SESSION] = session
    return session


def require_session(handler: Handler) -> Handler:
    """Decorate a handler so that it runs only with a valid session (see :func:`current_session`)."""

    @functools.wraps(handler)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        await current_session(request)
        return await handler(request)

    return wrapper
