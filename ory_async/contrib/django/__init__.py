"""Django integration: ``request.ory_session``, ``@session_required``, a mixin, a backend.

In ``settings.py``::

    MIDDLEWARE = [..., "ory_async.contrib.django.OryMiddleware"]
    ORY_SDK_URL = "https://<slug>.projects.oryapis.com"   # or the environment's ORY_SDK_URL
    ORY_API_KEY = "ory_pat_..."                           # or ORY_API_KEY
    TEMPLATES = [{..., "OPTIONS": {"context_processors": [
        ..., "ory_async.contrib.django.self_service_urls"]}}]

In views::

    from ory_async.contrib.django import SessionRequiredMixin, session_required

    @session_required(aal="aal2")
    def billing(request):
        return JsonResponse({"identity": request.ory_session.identity.id})

A browser without a valid session is redirected (303) to the login flow with
``return_to`` the page it asked for (``aal=aal2`` when the session's assurance level is
too low); an API client gets 401 or 403 JSON; Ory unreachable or rate-limiting is 503
with ``Retry-After``, never a 401. Sync views (WSGI or ASGI) use the blocking
:class:`ory_async.sync.OryClient`; async views await the same client's loop, so one
process keeps one connection pool whatever its views are.

Settings (all optional but the URL): ``ORY_SDK_URL``, ``ORY_API_KEY``, ``ORY_PUBLIC_URL``
(each falls back to the environment variable of the same name), ``ORY_CLIENT_OPTIONS``
(keyword arguments of the client), ``ORY_VERIFIER_OPTIONS`` (of
:class:`~ory_async.contrib.SessionVerifier`), ``ORY_REDIRECT_BROWSERS`` (default
``True``), ``ORY_USER_FIELDS`` (for
:class:`ory_async.contrib.django.backends.OryBackend`).

Needs ``pip install 'ory-async[django]'``.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import threading
from collections.abc import Awaitable, Callable
from http.cookies import CookieError, Morsel
from typing import TYPE_CHECKING, Any, TypeVar, cast

try:
    from asgiref.sync import iscoroutinefunction, markcoroutinefunction
    from django.conf import settings
    from django.core.signals import setting_changed
    from django.http import HttpRequest, HttpResponse, HttpResponseBase
    from django.utils.functional import SimpleLazyObject
    from django.views import View
except ImportError as exc:  # pragma: no cover - depends on the environment
    msg = "ory_async.contrib.django needs Django: pip install 'ory-async[django]'"
    raise ImportError(msg) from exc

from ..._settings import read_settings
from ...models import Session
from ...sync import OryClient
from .. import _web
from .._blocking import check_async, check_blocking, logout_url
from .._session import SessionCheck, SessionRejected, SessionVerifier
from .._web import Aal, SelfServiceUrls, aal_rejection, reply_for

__all__ = [
    "OryMiddleware",
    "SessionRequiredMixin",
    "get_ory",
    "get_verifier",
    "self_service_urls",
    "session_required",
]

V = TypeVar("V", bound=Callable[..., Any])
_lock = threading.Lock()
_client: OryClient | None = None
_verifier: SessionVerifier | None = None
_CACHE = "_ory_async_check"
_URLS = "_ory_async_urls"
logger = logging.getLogger("ory_async.contrib")


def get_ory() -> OryClient:
    """The process's blocking client, built on first use from ``settings.ORY_*``."""
    global _client
    client = _client
    if client is not None:
        return client
    with _lock:
        if _client is None:
            found = read_settings(
                os.environ,
                url=getattr(settings, "ORY_SDK_URL", None),
                public_url=getattr(settings, "ORY_PUBLIC_URL", None),
                api_key=getattr(settings, "ORY_API_KEY", None),
                url_hint="set ORY_SDK_URL in settings.py",
            )
            options: dict[str, Any] = dict(getattr(settings, "ORY_CLIENT_OPTIONS", {}))
            if found.public_url:
                options.setdefault("public_url", found.public_url)
            if found.auth is not None:
                options.setdefault("auth", found.auth)
            _client = OryClient(found.url, **options)
        return _client


def get_verifier() -> SessionVerifier:
    """The process's session verifier, from ``settings.ORY_VERIFIER_OPTIONS``."""
    global _verifier
    with _lock:
        if _verifier is None:
            _verifier = SessionVerifier(**getattr(settings, "ORY_VERIFIER_OPTIONS", {}))
        return _verifier


def _forget(*, setting: str, **_: object) -> None:
    """Settings changed (tests' ``override_settings``): build the client anew on next use."""
    global _client, _verifier
    if not setting.startswith("ORY_"):
        return
    with _lock:
        old, _client, _verifier = _client, None, None
    if old is not None:
        old.close()


setting_changed.connect(_forget)


def _redirects() -> bool:
    return bool(getattr(settings, "ORY_REDIRECT_BROWSERS", True))


def _check(request: HttpRequest, aal: str | None) -> Session:
    """The request's session (checked once per request), at ``aal`` or above.

    Raises:
        SessionRejected: 401, 403 or 503.
    """
    check = getattr(request, _CACHE, None)
    if not isinstance(check, SessionCheck):
        check = check_blocking(get_ory(), get_verifier(), request.headers, request.COOKIES)
        setattr(request, _CACHE, check)
    rejected = aal_rejection(check.session, aal)
    if rejected is not None:
        raise rejected
    return check.session


async def _acheck(request: HttpRequest, aal: str | None) -> Session:
    check = getattr(request, _CACHE, None)
    if not isinstance(check, SessionCheck):
        check = await check_async(get_ory(), get_verifier(), request.headers, request.COOKIES)
        setattr(request, _CACHE, check)
    rejected = aal_rejection(check.session, aal)
    if rejected is not None:
        raise rejected
    return check.session


def _pass_cookies(request: HttpRequest, response: object) -> None:
    """Put the session cookie Ory re-issued while checking this request on its response.

    The decorator and the middleware both call it: a cookie already on the response
    (passed on before, or set by the view itself) stays as it is.
    """
    check = getattr(request, _CACHE, None)
    if (
        not isinstance(check, SessionCheck)
        or not check.set_cookies
        or not isinstance(response, HttpResponseBase)
    ):
        return
    for header in check.set_cookies:
        morsel = _morsel(header)
        if morsel is not None and morsel.key not in response.cookies:
            response.cookies[morsel.key] = morsel


def _morsel(header: str) -> Morsel[str] | None:
    """A ``Set-Cookie`` value as the cookie Django sends, its attributes kept."""
    pair, *attributes = header.split(";")
    name, equals, value = pair.partition("=")
    morsel: Morsel[str] = Morsel()
    try:
        if not equals:
            raise CookieError(name)
        morsel.set(name.strip(), value.strip(), value.strip())
    except CookieError:
        logger.warning("Ory sent a Set-Cookie header that cannot be passed on")
        return None
    for attribute in attributes:
        key, equals, setting = attribute.partition("=")
        # An attribute this Python does not know, it cannot send either: left out.
        with contextlib.suppress(CookieError):
            morsel[key.strip()] = setting.strip() if equals else True
    return morsel


def _refusal(request: HttpRequest, rejected: SessionRejected, aal: str | None) -> HttpResponse:
    reply = reply_for(
        rejected,
        public_url=get_ory().public_url,
        accept=request.headers.get("Accept", ""),
        return_to=request.build_absolute_uri(),
        redirect_browsers=_redirects(),
        aal=aal,
    )
    response = HttpResponse(reply.body, status=reply.status, content_type=reply.content_type)
    for name, value in reply.headers.items():
        response[name] = value
    _pass_cookies(request, response)
    return response


def _optional(request: HttpRequest) -> Session | None:
    try:
        return _check(request, None)
    except SessionRejected as exc:
        if exc.status == 503:
            raise
        return None


class OryMiddleware:
    """Puts the request's session on ``request.ory_session``, checked on first access.

    ``request.ory_session`` is the :class:`~ory_async.models.Session`, or falsy when the
    request carries no valid session (test it with ``if request.ory_session:``); async
    views ``await request.aory_session()`` instead. When Ory is unreachable the access
    raises, and the middleware answers 503 with ``Retry-After``. Works under WSGI and
    ASGI.
    """

    sync_capable = True
    async_capable = True

    def __init__(
        self, get_response: Callable[[HttpRequest], HttpResponseBase | Awaitable[HttpResponseBase]]
    ) -> None:
        self.get_response = get_response
        self._async = iscoroutinefunction(get_response)
        if self._async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        """Attach the lazy session, then run the rest of the chain."""
        if self._async:
            return self.__acall__(request)
        self._attach(request)
        response = self.get_response(request)
        _pass_cookies(request, response)
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        self._attach(request)
        response = await cast(Awaitable[HttpResponseBase], self.get_response(request))
        _pass_cookies(request, response)
        return response

    @staticmethod
    def _attach(request: HttpRequest) -> None:
        request.ory_session = SimpleLazyObject(lambda: _optional(request))  # type: ignore[attr-defined]

        async def aory_session() -> Session | None:
            try:
                return await _acheck(request, None)
            except SessionRejected as exc:
                if exc.status == 503:
                    raise
                return None

        request.aory_session = aory_session  # type: ignore[attr-defined]

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Ory unreachable while a view read ``request.ory_session``: 503, not 500."""
        if isinstance(exception, SessionRejected):
            return _refusal(request, exception, None)
        return None


def session_required(aal: Aal | None = None) -> Callable[[V], V]:
    """Run the view only with a valid session (at ``aal`` or above); sync or async views.

    The session is ``request.ory_session`` in the view (the middleware is not needed for
    this decorator). Otherwise: browsers are redirected (303) to the login flow, API
    clients get 401 or 403 JSON, and Ory being unreachable is 503 with ``Retry-After``.
    """
    if aal is not None and aal not in _web.AAL_LEVELS:
        msg = f"aal must be 'aal1', 'aal2' or 'aal3', got {aal!r}"
        raise ValueError(msg)

    def decorate(view: V) -> V:
        if iscoroutinefunction(view):

            @functools.wraps(view)
            async def checked_async(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                try:
                    session = await _acheck(request, aal)
                except SessionRejected as exc:
                    return _refusal(request, exc, aal)
                request.ory_session = session  # type: ignore[attr-defined]
                response = await view(request, *args, **kwargs)
                _pass_cookies(request, response)
                return response

            return cast(V, checked_async)

        @functools.wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            try:
                session = _check(request, aal)
            except SessionRejected as exc:
                return _refusal(request, exc, aal)
            request.ory_session = session  # type: ignore[attr-defined]
            response = view(request, *args, **kwargs)
            _pass_cookies(request, response)
            return response

        return cast(V, checked)

    return decorate


if TYPE_CHECKING:
    _MixinBase = View
else:
    _MixinBase = object


class SessionRequiredMixin(_MixinBase):
    """For class-based views: the :func:`session_required` rules, ``ory_aal`` the level.

    ::

        class Billing(SessionRequiredMixin, View):
            ory_aal = "aal2"
    """

    ory_aal: Aal | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        """Check the session, then dispatch as the view would."""
        if getattr(self, "view_is_async", False):
            return self._dispatch_async(request, *args, **kwargs)
        try:
            request.ory_session = _check(request, self.ory_aal)  # type: ignore[attr-defined]
        except SessionRejected as exc:
            return _refusal(request, exc, self.ory_aal)
        response = super().dispatch(request, *args, **kwargs)
        _pass_cookies(request, response)
        return response

    async def _dispatch_async(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            request.ory_session = await _acheck(request, self.ory_aal)  # type: ignore[attr-defined]
        except SessionRejected as exc:
            return _refusal(request, exc, self.ory_aal)
        response = await cast(Awaitable[Any], super().dispatch(request, *args, **kwargs))
        _pass_cookies(request, response)
        return response


def self_service_urls(request: HttpRequest) -> dict[str, SelfServiceUrls]:
    """Template context processor: the request's self-service URLs as ``ory_urls``.

    ``ory_urls.login``, ``.registration``, ``.settings``, ``.recovery`` and
    ``.verification`` each return to the page being rendered; ``ory_urls.logout`` is
    the user's own logout URL (with its token), asked of Ory only when a template reads
    it, once per request, and ``None`` without a browser session. Reading it calls the
    blocking client: in an ``async def`` view, render in a thread (``sync_to_async``).
    """
    urls = getattr(request, _URLS, None)
    if not isinstance(urls, SelfServiceUrls):
        urls = SelfServiceUrls(
            get_ory().public_url,
            return_to=request.build_absolute_uri(),
            logout=lambda: logout_url(get_ory(), get_verifier(), request.headers, request.COOKIES),
        )
        setattr(request, _URLS, urls)
    return {"ory_urls": urls}
