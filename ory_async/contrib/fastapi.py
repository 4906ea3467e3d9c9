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
    from fastapi import Depends, FastAPI, HTTPException, Request
except ImportError as exc:  # pragma: no cover - depends on the environment
    msg = "ory_async.contrib.fastapi needs FastAPI: pip install 'ory-async[fastapi]'"
    raise ImportError(msg) from exc

from .._client import OryClient
from ..models import Session
from ._session import SessionRejected, SessionVerifier

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

    It raises ``HTTPException`` 401 (no or invalid session), 403 (assurance level too
    low; the detail carries ``error_id`` and ``redirect_browser_to``) or 503 with
    ``Retry-After`` (Ory unreachable, rate-limiting or failing). Options (a cache,
    cookie names, ...) are those of :class:`~ory_async.contrib.SessionVerifier`::

        cached_session = SessionDependency(cache_ttl=10)

        @app.get("/feed")
        async def feed(session: Annotated[Session, Depends(cached_session)]) -> ...
    """

    def __init__(self, verifier: SessionVerifier | None = None, **options: Any) -> None:
        if verifier is not None and options:
            msg = "pass a SessionVerifier or its options, not both"
            raise TypeError(msg)
        self.verifier = verifier if verifier is not None else SessionVerifier(**options)

    async def __call__(self, request: Request) -> Session:
        """Check the request's session (FastAPI calls this for ``Depends(...)``)."""
        ory = get_ory(request)
        try:
            return await self.verifier.verify(ory, request.headers, request.cookies)
        except SessionRejected as exc:
            raise HTTPException(exc.status, detail=exc.detail(), headers=exc.headers) from None


current_session = SessionDependency()
"""The default session dependency (no cache): ``Depends(current_session)``."""

OrySession = Annotated[Session, Depends(current_session)]
"""``session: OrySession`` in a route's parameters requires a valid session."""

OryClientDep = Annotated[OryClient, Depends(get_ory)]
"""``ory: OryClientDep`` in a route's parameters gives the app's client."""
