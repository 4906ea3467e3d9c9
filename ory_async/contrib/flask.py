"""Flask integration: ``Ory(app)``, ``@session_required(aal=...)`` and ``g.ory_session``.

::

    from flask import Flask, g
    from ory_async.contrib.flask import Ory, session_required

    app = Flask(__name__)
    ory = Ory(app)  # ORY_SDK_URL / ORY_API_KEY / ORY_PUBLIC_URL from app.config or the environment

    @app.get("/me")
    @session_required()
    def me() -> dict[str, str]:
        return {"identity": g.ory_session.identity.id}

The app's blocking :class:`ory_async.sync.OryClient` is ``ory.client`` (also
``current_ory()`` inside a request). A browser without a valid session is redirected
(303) to the login flow with ``return_to`` the page it asked for; an API client gets 401
or 403 JSON; Ory unreachable or rate-limiting is 503 with ``Retry-After``. Async views
work too: the check is awaited, never blocking the view's loop.

Needs ``pip install 'ory-async[flask]'``.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Any, ParamSpec, TypeVar, cast

try:
    from flask import Flask, Response, current_app, g, request
except ImportError as exc:  # pragma: no cover - depends on the environment
    msg = "ory_async.contrib.flask needs Flask: pip install 'ory-async[flask]'"
    raise ImportError(msg) from exc
from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from .._settings import read_settings
from ..models import Session
from ..sync import OryClient
from ._blocking import check_async, check_blocking, logout_url
from ._session import SessionCheck, SessionRejected, SessionVerifier
from ._web import Aal, SelfServiceUrls, aal_rejection, reply_for

__all__ = ["Ory", "current_ory", "current_session", "self_service_urls", "session_required"]

P = ParamSpec("P")
R = TypeVar("R")
_KEY = "ory_async"
_CHECK = "_ory_async_check"
_URLS = "_ory_async_urls"


class Ory:
    """The Flask extension: one blocking client per app, and the session checks' settings.

    Args:
        app: the app (or call :meth:`init_app` later, for app factories).
        client: the client to use; by default one is built from ``app.config``
            (``ORY_SDK_URL``, ``ORY_API_KEY``, ``ORY_PUBLIC_URL``, then the same names in
            the environment) plus ``ORY_CLIENT_OPTIONS`` (keyword arguments of the client).
        verifier: the session verifier (cache, cookie names, ...); by default one built
            from ``ORY_VERIFIER_OPTIONS``.
        redirect_browsers: send browsers to the login flow (``ORY_REDIRECT_BROWSERS``,
            default ``True``); ``False`` answers every client with JSON, as for APIs.
    """

    def __init__(
        self,
        app: Flask | None = None,
        *,
        client: OryClient | None = None,
        verifier: SessionVerifier | None = None,
        redirect_browsers: bool | None = None,
    ) -> None:
        self._client = client
        self._verifier = verifier
        self._redirect = redirect_browsers
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Register the extension on ``app`` (the client is built on first use)."""
        if self._verifier is None:
            self._verifier = SessionVerifier(**app.config.get("ORY_VERIFIER_OPTIONS", {}))
        if self._redirect is None:
            self._redirect = bool(app.config.get("ORY_REDIRECT_BROWSERS", True))
        if self._client is None:
            config = app.config
            settings = read_settings(
                os.environ,
                url=config.get("ORY_SDK_URL"),
                public_url=config.get("ORY_PUBLIC_URL"),
                api_key=config.get("ORY_API_KEY"),
                url_hint="set ORY_SDK_URL in app.config",
            )
            options: dict[str, Any] = dict(config.get("ORY_CLIENT_OPTIONS", {}))
            if settings.public_url:
                options.setdefault("public_url", settings.public_url)
            if settings.auth is not None:
                options.setdefault("auth", settings.auth)
            self._client = OryClient(settings.url, **options)
        app.extensions[_KEY] = self
        app.context_processor(self._template_urls)
        app.after_request(_pass_cookies)
        app.register_error_handler(SessionRejected, self._unavailable)

    @property
    def client(self) -> OryClient:
        """The app's blocking client."""
        if self._client is None:
            msg = "Ory(app) or ory.init_app(app) has not been called"
            raise RuntimeError(msg)
        return self._client

    @property
    def verifier(self) -> SessionVerifier:
        """The session verifier."""
        assert self._verifier is not None, "init_app sets it"
        return self._verifier

    @property
    def redirect_browsers(self) -> bool:
        """Whether browsers are redirected to the login flow."""
        return bool(self._redirect)

    def close(self) -> None:
        """Close the client (interpreter exit does it too)."""
        self.client.close()

    def _unavailable(self, rejected: SessionRejected) -> BaseResponse:
        # A view that asked current_session() while Ory was unreachable: 503, not 500.
        return _refuse(self, rejected, None).get_response()

    def _template_urls(self) -> dict[str, SelfServiceUrls]:
        return {"ory_urls": self_service_urls()}


class _Headers(Mapping[str, str]):
    """Werkzeug's case-insensitive headers as the ``Mapping`` the verifier reads."""

    __slots__ = ("_headers",)

    def __init__(self, headers: Headers) -> None:
        self._headers = headers

    def __getitem__(self, name: str) -> str:
        return self._headers[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._headers.keys())

    def __len__(self) -> int:
        return len(self._headers)


def _extension() -> Ory:
    ext = current_app.extensions.get(_KEY)
    if not isinstance(ext, Ory):
        msg = "Ory(app) has not been called for this app"
        raise RuntimeError(msg)
    return ext


def current_ory() -> OryClient:
    """The current app's blocking client (inside an app context)."""
    return _extension().client


def current_session() -> Session | None:
    """The request's session, or ``None`` when it has no valid one (checked once per request).

    Raises:
        SessionRejected: 503 (Ory unreachable or rate-limiting); a view may let it go
            up and the extension answers 503.
    """
    known = g.get("ory_session")
    if isinstance(known, Session):
        return known
    ext = _extension()
    try:
        check = check_blocking(ext.client, ext.verifier, _Headers(request.headers), request.cookies)
    except SessionRejected as exc:
        if exc.status == 503:
            raise
        return None
    return _keep(check)


def self_service_urls() -> SelfServiceUrls:
    """The request's self-service URLs (templates get them as ``ory_urls``).

    ``login``, ``registration``, ``settings``, ``recovery`` and ``verification`` return
    to the current page; ``logout`` is the user's own logout URL (with its token), asked
    of Ory only when read, once per request, and ``None`` without a browser session.
    """
    urls = g.get(_URLS)
    if isinstance(urls, SelfServiceUrls):
        return urls
    ext = _extension()
    headers, cookies = _Headers(request.headers), request.cookies
    urls = SelfServiceUrls(
        ext.client.public_url,
        return_to=request.url,
        logout=lambda: logout_url(ext.client, ext.verifier, headers, cookies),
    )
    setattr(g, _URLS, urls)
    return urls


def _keep(check: SessionCheck) -> Session:
    """Remember the request's check: the session for the view, its cookies for the response."""
    setattr(g, _CHECK, check)
    g.ory_session = check.session
    return check.session


def _pass_cookies(response: BaseResponse) -> BaseResponse:
    """Put the session cookie Ory re-issued while checking this request on its response."""
    check = g.get(_CHECK)
    if isinstance(check, SessionCheck):
        for value in check.set_cookies:
            response.headers.add("Set-Cookie", value)
    return response


def _refuse(ext: Ory, rejected: SessionRejected, aal: str | None) -> HTTPException:
    reply = reply_for(
        rejected,
        public_url=ext.client.public_url,
        accept=request.headers.get("Accept", ""),
        return_to=request.url,
        redirect_browsers=ext.redirect_browsers,
        aal=aal,
    )
    response = Response(reply.body, status=reply.status, content_type=reply.content_type)
    for name, value in reply.headers.items():
        response.headers[name] = value
    return HTTPException(response=response)


def session_required(
    aal: Aal | None = None,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run the view only with a valid session (at ``aal`` or above), in ``g.ory_session``.

    Otherwise: a browser is redirected (303) to the login flow, an API client gets 401
    (no valid session) or 403 (assurance level too low) JSON, and Ory being unreachable
    is 503 with ``Retry-After``. Works on ``async def`` views too.
    """
    if aal is not None and aal not in ("aal1", "aal2", "aal3"):
        msg = f"aal must be 'aal1', 'aal2' or 'aal3', got {aal!r}"
        raise ValueError(msg)

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        if inspect.iscoroutinefunction(view):
            async_view = cast(Callable[P, Awaitable[Any]], view)

            @functools.wraps(view)
            async def checked_async(*args: P.args, **kwargs: P.kwargs) -> Any:
                ext = _extension()
                try:
                    check = await check_async(
                        ext.client, ext.verifier, _Headers(request.headers), request.cookies
                    )
                    _keep(check)
                    _check_aal(check.session, aal)
                except SessionRejected as exc:
                    raise _refuse(ext, exc, aal) from None
                return await async_view(*args, **kwargs)

            return cast(Callable[P, R], checked_async)

        @functools.wraps(view)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            ext = _extension()
            try:
                check = check_blocking(
                    ext.client, ext.verifier, _Headers(request.headers), request.cookies
                )
                _keep(check)
                _check_aal(check.session, aal)
            except SessionRejected as exc:
                raise _refuse(ext, exc, aal) from None
            return view(*args, **kwargs)

        return checked

    return decorate


def _check_aal(session: Session, aal: str | None) -> None:
    rejected = aal_rejection(session, aal)
    if rejected is not None:
        raise rejected
