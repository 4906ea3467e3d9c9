"""A pure ASGI middleware that checks Ory sessions: Starlette, FastAPI, Litestar, Quart, ...

::

    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from ory_async import OryClient
    from ory_async.contrib.asgi import OrySessionMiddleware

    app = Starlette(
        routes=[...],
        middleware=[Middleware(OrySessionMiddleware, client_factory=OryClient.from_env)],
    )
    # in a route: request.state.ory_session (a Session), request.state.ory_check

The session lands in ``scope["state"]["ory_session"]`` (``request.state.ory_session`` in
Starlette, FastAPI and Litestar) and the whole :class:`~ory_async.contrib.SessionCheck`
in ``scope["state"]["ory_check"]``. A refreshed session cookie from Ory is added to the
app's response. Needs no framework: it speaks ASGI 3 only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from .._client import OryClient
from ._session import SessionCheck, SessionRejected, SessionVerifier

__all__ = ["OrySessionMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class _Headers(dict[str, str]):
    """Request headers by lower-case name; ``get`` takes any case."""

    __slots__ = ()

    def get(self, key: str, default: Any = None) -> Any:
        return dict.get(self, key.lower(), default)


def _cookies(header: str) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for part in header.split(";"):
        name, sep, value = part.partition("=")
        if sep:
            name = name.strip()
            if name and name not in cookies:
                cookies[name] = value.strip().strip('"')
    return cookies


class OrySessionMiddleware:
    """Checks each HTTP (and WebSocket) request's Ory session before the app sees it.

    Without a valid session, a browser (a request accepting HTML) is sent to the login
    flow (303, ``return_to`` the original URL; ``aal=aal2`` when a second factor is
    needed), other clients get JSON 401/403, and Ory being unreachable or rate-limiting
    is a 503 with ``Retry-After``, never a 401. A WebSocket without a session is closed
    (code 1008; 1013 when Ory is unavailable).

    Args:
        app: the ASGI app to guard.
        client: the app's :class:`~ory_async.OryClient`. Default: ``app.state.ory``
            (set by ``contrib.fastapi.ory_lifespan``) or ``scope["state"]["ory"]``
            (a lifespan that yields ``{"ory": client}``).
        client_factory: build a client of the middleware's own instead, at start-up
            (ASGI lifespan; else at the first request), closed at shutdown.
        verifier: the session check and its options (cache, JWTs, login redirects);
            or pass those options here as keyword arguments.
        required: False lets requests without a valid session through as anonymous
            (``ory_session`` is None); Ory being unavailable is still a 503.
        aal: the least assurance level needed (``"aal2"``).
        exclude: path prefixes left unchecked (health checks, the login pages).
    """

    def __init__(
        self,
        app: ASGIApp,
        /,
        *,
        client: OryClient | None = None,
        client_factory: Callable[[], OryClient] | None = None,
        verifier: SessionVerifier | None = None,
        required: bool = True,
        aal: str | None = None,
        exclude: Iterable[str] = (),
        **options: Any,
    ) -> None:
        if verifier is not None and options:
            msg = "pass a SessionVerifier or its options, not both"
            raise TypeError(msg)
        if client is not None and client_factory is not None:
            msg = "pass client or client_factory, not both"
            raise TypeError(msg)
        self.app = app
        self.verifier = verifier if verifier is not None else SessionVerifier(**options)
        self.required = required
        self.aal = aal
        self.exclude = tuple(exclude)
        self._client = client
        self._factory = client_factory
        self._owned: OryClient | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the check, then the app (ASGI 3)."""
        kind = scope["type"]
        if kind == "lifespan":
            await self._lifespan(scope, receive, send)
            return
        if (kind != "http" and kind != "websocket") or (
            self.exclude and scope["path"].startswith(self.exclude)
        ):
            await self.app(scope, receive, send)
            return
        headers = _Headers()
        for raw_name, raw_value in scope["headers"]:
            name = raw_name.decode("latin-1").lower()
            value = raw_value.decode("latin-1")
            headers[name] = (
                f"{headers[name]}; {value}" if name == "cookie" and name in headers else value
            )
        cookie = headers.get("cookie")
        ory = self._ory(scope)
        check: SessionCheck | None
        try:
            check = await self.verifier.check(
                ory, headers, _cookies(cookie) if cookie else {}, aal=self.aal
            )
        except SessionRejected as exc:
            if exc.status == 401 and not self.required:
                check = None
            else:
                await self._reject(scope, send, exc, ory, headers)
                return
        state = scope.get("state")
        if state is None:
            state = scope["state"] = {}
        state["ory_session"] = check.session if check is not None else None
        state["ory_check"] = check
        if check is None or not check.set_cookies:
            await self.app(scope, receive, send)
            return
        cookies = [(b"set-cookie", value.encode("latin-1")) for value in check.set_cookies]

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *cookies]
            await send(message)

        await self.app(scope, receive, send_with_cookies)

    def _ory(self, scope: Scope) -> OryClient:
        if self._client is not None:
            return self._client
        if self._factory is not None:
            if self._owned is None:
                self._owned = self._factory()
            return self._owned
        app_state = getattr(scope.get("app"), "state", None)
        found = getattr(app_state, "ory", None)
        if found is None:
            found = (scope.get("state") or {}).get("ory")
        if not isinstance(found, OryClient):
            msg = (
                "OrySessionMiddleware found no OryClient: pass client= or client_factory=, or "
                "set app.state.ory (contrib.fastapi.ory_lifespan does)"
            )
            raise RuntimeError(msg)
        return found

    async def _reject(
        self,
        scope: Scope,
        send: Send,
        rejected: SessionRejected,
        ory: OryClient,
        headers: _Headers,
    ) -> None:
        if scope["type"] == "websocket":
            code = 1013 if rejected.status == 503 else 1008
            await send({"type": "websocket.close", "code": code, "reason": rejected.reason[:120]})
            return
        reply = self.verifier.reply(
            rejected,
            ory=ory,
            url=_url(scope, headers),
            method=scope["method"],
            accept=headers.get("accept"),
        )
        await send(
            {
                "type": "http.response.start",
                "status": reply.status,
                "headers": [
                    (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers
                ]
                + [(b"content-length", str(len(reply.body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": reply.body})

    async def _lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def on_receive() -> Message:
            message = await receive()
            if (
                message["type"] == "lifespan.startup"
                and self._factory is not None
                and self._owned is None
            ):
                self._owned = self._factory()
            return message

        async def on_send(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                await self.close()
            await send(message)

        await self.app(scope, on_receive, on_send)

    async def close(self) -> None:
        """Close the client the middleware built (``client_factory``); idempotent."""
        client, self._owned = self._owned, None
        if client is not None:
            await client.close()


def _url(scope: Scope, headers: _Headers) -> str:
    scheme = scope.get("scheme", "http")
    host = headers.get("host")
    if not host:
        server = scope.get("server")
        host = f"{server[0]}:{server[1]}" if server else "localhost"
    path = scope.get("root_path", "") + scope["path"]
    query = scope.get("query_string", b"")
    return f"{scheme}://{host}{path}" + (f"?{query.decode('latin-1')}" if query else "")
