"""FastAPI integration: one :class:`~ory_async.OryClient` per app, and a session dependency.

::

    from fastapi import FastAPI
    from ory_async import OryClient
    from ory_async.contrib.fastapi import OrySession, ory_lifespan

    app = FastAPI(lifespan=ory_lifespan(OryClient.from_env))

    @app.get("/me")
    async def me(session: OrySession) -> dict[str, str]:
        return {"identity": session.identity.id if session.identity else ""}

Needs ``pip install 'ory-async[fastapi]'``.
"""

# No ``from __future__ import annotations`` here: FastAPI reads the dependency's
# signature at runtime, and a callable instance has no module globals to resolve from.

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Annotated, Any

try:
    from fastapi import Depends, FastAPI, HTTPException, Request, Response
except ImportError as exc:  # pragma: no cover - depends on the environment
    msg = "ory_async.contrib.fastapi needs FastAPI: pip install 'ory-async[fastapi]'"
    raise ImportError(msg) from exc

from .._client import OryClient
from ..models import Session
from ._session import SessionCheck, SessionRejected, SessionVerifier

__all__ = [
    "OryClientDep",
    "OrySession",
    "SessionDependency",
    "current_session",
    "get_ory",
    "ory_lifespan",
]


def ory_lifespan(
    client_factory: Callable[[], OryClient] = OryClient.from_env,
    *,
    then: Callable[[FastAPI], AbstractAsyncContextManager[Any]] | None = None,
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """A lifespan for ``FastAPI(lifespan=...)``: one client per app, closed at shutdown.

    The client is built by ``client_factory`` when the app starts (inside its event
    loop) and stored as ``app.state.ory``. ``then`` nests the app's own lifespan inside,
    so the client is open for all of it.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = client_factory()
        app.state.ory = client
        try:
            if then is None:
                yield
            else:
                async with then(app):
                    yield
        finally:
            await client.close()

    return lifespan


def get_ory(request: Request) -> OryClient:
    """Dependency: the app's client (``app.state.ory``, set by :func:`ory_lifespan`)."""
    client = getattr(request.app.state, "ory", None)
    if not isinstance(client, OryClient):
        msg = (
            "no OryClient on app.state.ory: create the app with FastAPI(lifespan=ory_lifespan(...))"
        )
        raise RuntimeError(msg)
    return client


class SessionDependency:
    """A dependency that returns the request's Ory :class:`~ory_async.models.Session`.

    Without a valid session, a browser (a request accepting HTML) is redirected (303) to
    the login flow with ``return_to`` (``aal=aal2`` when a second factor is needed) and
    API clients get ``HTTPException`` 401, or 403 when the assurance level is too low
    (the detail carries ``error_id`` and ``redirect_browser_to``). Ory being unreachable,
    rate-limiting or failing is a 503 with ``Retry-After``. A session cookie Ory
    re-issued is set on the route's response. Options (a cache, JWTs, cookie names,
    ``redirect_browsers``, ...) are those of :class:`~ory_async.contrib.SessionVerifier`::

        cached_session = SessionDependency(cache_ttl=10)
        maybe_session = SessionDependency(required=False)  # None when there is none
        strong_session = SessionDependency(aal="aal2")

        @app.get("/feed")
        async def feed(session: Annotated[Session, Depends(cached_session)]) -> ...

    Behind :class:`~ory_async.contrib.asgi.OrySessionMiddleware`, the middleware's
    check is reused: no second call to Ory.

    Args:
        verifier: a configured verifier (or pass its options as keyword arguments).
        required: False returns None instead of rejecting a request without a valid
            session (Ory being unavailable is still a 503).
        aal: the least assurance level the route needs (``"aal2"``).
        fresh: always ask Ory, skipping the cache (``Cache-Control: max-age=0``).
    """

    def __init__(
        self,
        verifier: SessionVerifier | None = None,
        *,
        required: bool = True,
        aal: str | None = None,
        fresh: bool = False,
        **options: Any,
    ) -> None:
        if verifier is not None and options:
            msg = "pass a SessionVerifier or its options, not both"
            raise TypeError(msg)
        self.verifier = verifier if verifier is not None else SessionVerifier(**options)
        self.required = required
        self.aal = aal
        self.fresh = fresh

    async def __call__(self, request: Request, response: Response) -> Session | None:
        """Check the request's session (FastAPI calls this for ``Depends(...)``)."""
        ory: OryClient | None = None
        try:
            known = getattr(request.state, "ory_check", None)
            if isinstance(known, SessionCheck) and not self.fresh:
                self.verifier.require_aal(known, self.aal)
                return known.session
            ory = get_ory(request)
            check = await self.verifier.check(
                ory, request.headers, request.cookies, fresh=self.fresh, aal=self.aal
            )
        except SessionRejected as exc:
            if exc.status == 401 and not self.required:
                return None
            reply = self.verifier.reply(
                exc,
                ory=ory or getattr(request.app.state, "ory", None),
                url=str(request.url),
                method=request.method,
                accept=request.headers.get("accept"),
            )
            headers = {k: v for k, v in reply.headers if k != "Content-Type"}
            detail = exc.detail() if reply.status != 303 else "See Other"
            raise HTTPException(reply.status, detail=detail, headers=headers) from None
        for value in check.set_cookies:
            response.headers.append("set-cookie", value)
        return check.session


current_session = SessionDependency()
"""The default session dependency (no cache): ``Depends(current_session)``."""

OrySession = Annotated[Session, Depends(current_session)]
"""``session: OrySession`` in a route's parameters requires a valid session."""

OryClientDep = Annotated[OryClient, Depends(get_ory)]
"""``ory: OryClientDep`` in a route's parameters gives the app's client."""
