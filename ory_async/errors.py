"""The exception tree. Every error ory_async raises is an :class:`OryError`.

::

    OryError
    ├── ApiError                 any non-2xx answer (.status .error .reason .request_id ...)
    │   ├── BadRequestError      400
    │   ├── UnauthorizedError    401
    │   ├── ForbiddenError       403
    │   ├── NotFoundError        404
    │   ├── ConflictError        409
    │   ├── GoneError            410
    │   ├── RateLimitedError     429 (.retry_after)
    │   ├── ServerError          5xx
    │   └── RedirectError        3xx not followed (only 307/308 within the same origin are)
    ├── TransportError           the request failed before an answer arrived
    │   ├── RequestTimeoutError
    │   └── MalformedResponseError   the answer broke HTTP (status line, headers, framing)
    │       └── ContentEncodingError a body that is not what its Content-Encoding says
    ├── ResponseTooLargeError    the answer is larger than ``max_response_size``
    ├── DecodeError              a 2xx body that is not what the model expects (.body kept)
    ├── PaginationError          a next link that loops
    ├── ClientClosedError        the client was used after close()
    ├── InvalidBodyError         a request body refused before sending (it cannot be encoded)
    └── UnsupportedOperationError the operation does not exist in the configured API generation

Messages name the method, the path and the server's reason, and never contain a credential.
"""

from __future__ import annotations

import email.utils
import json
import math
import re
import time
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, quote_plus

import attrs
import orjson
from multidict import CIMultiDict

from ._methods import SAFE_METHODS

__all__ = [
    "ApiError",
    "BadRequestError",
    "ClientClosedError",
    "ConflictError",
    "ContentEncodingError",
    "DecodeError",
    "ForbiddenError",
    "GenericError",
    "GoneError",
    "InvalidBodyError",
    "MalformedResponseError",
    "NotFoundError",
    "OryError",
    "PaginationError",
    "RateLimitedError",
    "RedirectError",
    "RequestTimeoutError",
    "ResponseTooLargeError",
    "ServerError",
    "TransportError",
    "UnauthorizedError",
    "UnsupportedOperationError",
    "api_error_for",
    "parse_retry_after",
    "scrub_secrets",
]

_SNIPPET = 200


class OryError(Exception):
    """Root of every error raised by ory_async.

    Attributes:
        attempts: how many times the request was sent before this error was raised
            (more than 1 when retries were made).
    """

    attempts: int = 1

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle and copy keep the message as it was written (already scrubbed of
        # credentials) and the attributes as they are; nothing is rebuilt from raw data.
        return (_rebuild_error, (type(self), self.args), dict(self.__dict__))


def _rebuild_error(cls: type[OryError], args: tuple[Any, ...]) -> OryError:
    exc = cls.__new__(cls)
    exc.args = args
    return exc


@attrs.frozen(kw_only=True)
class GenericError:
    """Kratos's ``errorGeneric`` body (the inner ``error`` object). Every field is optional."""

    id: str | None = None
    code: int | None = None
    status: str | None = None
    request: str | None = None
    reason: str | None = None
    message: str | None = None
    details: dict[str, Any] | None = None

    @classmethod
    def from_json(cls, data: object) -> GenericError | None:
        """Read ``{"error": {...}}`` or a bare inner error object; ``None`` if it is neither."""
        if isinstance(data, dict) and isinstance(data.get("error"), dict):
            data = data["error"]
        if not isinstance(data, dict):
            return None
        known = ("id", "status", "request", "reason", "message")
        if not any(isinstance(data.get(k), str) for k in known) and "code" not in data:
            return None

        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) and value else None

        code = data.get("code")
        details = data.get("details")
        return cls(
            id=text("id"),
            code=code if isinstance(code, int) and not isinstance(code, bool) else None,
            status=text("status"),
            request=text("request"),
            reason=text("reason"),
            message=text("message"),
            details=details if isinstance(details, dict) else None,
        )


_MIN_SECRET = 6  # shorter strings are not real credentials; replacing them would garble text


def _forms(secret: str) -> list[str]:
    """The ways a server may echo ``secret``: as is, percent-encoded, JSON-escaped."""
    forms = [secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]]
    return list(dict.fromkeys(forms))


def scrub_secrets(text: str, secrets: tuple[str, ...]) -> str:
    """Replace every credential in ``secrets`` found in ``text`` with ``<redacted>``.

    Each credential is also looked for percent-encoded and JSON-escaped, the forms in
    which a server may echo it back.
    """
    if not secrets:
        return text
    forms = {form for secret in secrets if len(secret) >= _MIN_SECRET for form in _forms(secret)}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "<redacted>")
    return text


def _scrub_json(value: Any, secrets: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        return scrub_secrets(value, secrets)
    if isinstance(value, dict):
        return {scrub_secrets(str(k), secrets): _scrub_json(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_json(v, secrets) for v in value]
    return value


# What a server's text must not bring into a message: control characters (a terminal
# escape sequence, a line break that forges a log line) and lone surrogates (from
# header bytes that are not UTF-8), which no UTF-8 log file or terminal can take.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _printable(text: str) -> str:
    return _UNPRINTABLE.sub("\ufffd", text)


_SNIPPET_WINDOW = 64 * 1024  # bytes of a body looked at for its snippet


def _snippet(body: bytes, secrets: tuple[str, ...] = ()) -> str:
    # Scrubbed before it is cut short, so no part of a credential survives at the cut.
    # Only the start of a large body is looked at; a credential that the window's end
    # may have cut in two is dropped with the window's tail.
    text = scrub_secrets(body[:_SNIPPET_WINDOW].decode("utf-8", "replace"), secrets)
    if len(body) > _SNIPPET_WINDOW and secrets:
        longest = 6 * max(len(s) for s in secrets)  # the longest escaped form
        text = text[: max(0, len(text) - longest)]
    text = " ".join(text.split())
    return text if len(text) <= _SNIPPET else text[: _SNIPPET - 1] + "…"


def parse_retry_after(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds the server asks us to wait, or ``None`` if it did not say.

    ``Retry-After`` (seconds or an HTTP date) wins; else ``x-ratelimit-reset``
    (seconds until the window resets, which is what Ory Network sends).
    """
    value = headers.get("Retry-After")
    if value is not None:
        seconds = _seconds(value)
        if seconds is None:
            try:
                when = email.utils.parsedate_to_datetime(value.strip())
                current = time.time() if now is None else now
                seconds = when.timestamp() - current
            except (TypeError, ValueError, IndexError, OverflowError):
                seconds = None
        if seconds is not None:
            return max(0.0, seconds)
    reset = headers.get("x-ratelimit-reset")
    if reset is not None:
        seconds = _seconds(reset)
        return max(0.0, seconds) if seconds is not None else None
    return None


def _seconds(value: str) -> float | None:
    """A finite number of seconds, or ``None`` (not a number, NaN or infinite)."""
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) else None


class ApiError(OryError):
    """The server answered with a status outside 2xx.

    Attributes:
        status: the HTTP status code.
        error: the parsed ``errorGeneric`` body, or ``None`` when the body was not one
            (an HTML page from a proxy, an empty body, ...).
        reason: the server's ``reason`` (the most specific explanation), else ``None``.
        message: the server's ``message``, else ``None``.
        error_id: the semantic error id such as ``session_aal2_required``, else ``None``.
        request_id: the body's ``request`` field, else the ``X-Request-Id`` header.
        headers: the response headers.
        body: the raw response body.
        method: the request method.
        path: the request path (without the query string).
    """

    status: int
    error: GenericError | None
    headers: CIMultiDict[str]
    body: bytes
    method: str
    path: str

    def __init__(
        self,
        *,
        status: int,
        method: str,
        path: str,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
        secrets: tuple[str, ...] = (),
    ) -> None:
        self.status = status
        self.method = method
        self.path = path
        self.headers = CIMultiDict(headers or {})
        self.body = body
        self.error = self._parse(body, secrets)
        # The credentials only scrub the message and the parsed error; they are not
        # kept on the error (the raw body and headers stay as the server sent them).
        super().__init__(self._describe(secrets))

    @staticmethod
    def _parse(body: bytes, secrets: tuple[str, ...]) -> GenericError | None:
        if not body:
            return None
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
        if secrets:
            data = _scrub_json(data, secrets)
        return GenericError.from_json(data)

    @property
    def reason(self) -> str | None:
        """The server's ``reason`` text, if any."""
        return self.error.reason if self.error else None

    @property
    def message(self) -> str | None:
        """The server's ``message`` text, if any."""
        return self.error.message if self.error else None

    @property
    def error_id(self) -> str | None:
        """The semantic error id (``session_inactive``, ``session_aal2_required``, ...), if any."""
        if self.error and self.error.id:
            return self.error.id
        return self.headers.get("Ory-Error-Id") or None

    @property
    def request_id(self) -> str | None:
        """The request id to quote to Ory support: the body's ``request``, else ``X-Request-Id``."""
        if self.error and self.error.request:
            return self.error.request
        return self.headers.get("X-Request-Id") or None

    @property
    def retry_after(self) -> float | None:
        """Seconds the server asked to wait before trying again, if it said."""
        return parse_retry_after(self.headers)

    def _explanation(self, secrets: tuple[str, ...]) -> str:
        if self.error is not None:
            parts = [p for p in (self.error.message, self.error.reason) if p]
            if parts:
                return ": ".join(dict.fromkeys(parts))
            if self.error.status:
                return self.error.status
        if self.body:
            return f"unexpected response body: {_snippet(self.body, secrets)}"
        return "empty response body"

    def _describe(self, secrets: tuple[str, ...]) -> str:
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:
            phrase = "Unknown Status"
        text = f"{self.status} {phrase} on {self.method} {self.path}: {self._explanation(secrets)}"
        extras = []
        if self.error_id:
            extras.append(f"error id {self.error_id}")
        if self.request_id:
            extras.append(f"request id {self.request_id}")
        if extras:
            text += f" ({', '.join(extras)})"
        hint = self._hint()
        if hint:
            text += f" {hint}" if text.endswith(".") else f". {hint}"
        return _printable(scrub_secrets(text, secrets))

    def _hint(self) -> str:
        return ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class BadRequestError(ApiError):
    """400: the server rejected the request's parameters or body."""


class UnauthorizedError(ApiError):
    """401: missing or invalid credentials (API key, or session token on whoami)."""

    def _hint(self) -> str:
        if self.path.startswith("/admin") or "/admin/" in self.path:
            return (
                "Check the API key for this project (ORY_API_KEY, or --api-key-file on the "
                "command line, or auth=BearerToken(...) in Python)"
            )
        return ""


class ForbiddenError(ApiError):
    """403: authenticated but not allowed, e.g. ``session_aal2_required``."""


class NotFoundError(ApiError):
    """404: the resource does not exist (or the endpoint is disabled on the server).

    A plain-text ``404 page not found`` comes from the server's router, not from an
    endpoint: the path does not exist there, so the message says which setting to check.
    """

    @property
    def no_such_route(self) -> bool:
        """True when the server's router, not an endpoint, answered (no such path there)."""
        return self.error is None and self.body.strip() == b"404 page not found"

    def _hint(self) -> str:
        if not self.no_such_route:
            return ""
        if self.path.startswith("/admin/") or "/admin/" in self.path:
            return (
                f"The server has no such route: the admin URL may be wrong ({_URL_SETTINGS}; "
                "self-hosted, the Kratos admin URL such as http://127.0.0.1:4434, on Ory "
                'Network the project URL), or the server may be Kratos 0.x, which needs api="v0" '
                "(--api v0)"
            )
        return (
            f"The server has no such route: a URL may be wrong ({_URL_SETTINGS}), or the "
            'server may speak another API generation than api= (--api) says (api="v1" for '
            "Kratos >= 1.0)"
        )


class ConflictError(ApiError):
    """409: the write conflicts with an existing identity (duplicate identifier or address)."""


class GoneError(ApiError):
    """410: the self-service flow has expired; start a new one."""


class RateLimitedError(ApiError):
    """429: rate limited. :attr:`retry_after` says how long the server asked to wait."""

    def _hint(self) -> str:
        wait = self.retry_after
        return f"Retry after {wait:g} s" if wait is not None else ""


# Where a user sets the two URLs, whichever way they run ory_async.
_URL_SETTINGS = (
    "ORY_SDK_URL and ORY_PUBLIC_URL, --url and --public-url on the command line, "
    "base_url and public_url in Python"
)


class ServerError(ApiError):
    """5xx: the server or a proxy in front of it failed."""


class RedirectError(ApiError):
    """3xx: a redirect ory_async does not follow.

    Only a 307/308 to the origin the request was sent to is followed (self-hosted Kratos
    sends those from admin paths without ``/admin``); any other redirect is raised, so
    credentials never leave the configured origin.
    """

    @property
    def location(self) -> str | None:
        """Where the server pointed, if it said."""
        return self.headers.get("Location")

    def _explanation(self, secrets: tuple[str, ...]) -> str:
        return f"redirected to {self.location or '(no Location header)'}"

    def _hint(self) -> str:
        return (
            "ory_async does not follow redirects to another origin (or that may change the "
            "method), so credentials never leave the configured origin; check the URLs "
            f"({_URL_SETTINGS}; self-hosted Kratos: the admin URL and the public URL are two "
            "ports)"
        )


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    410: GoneError,
    429: RateLimitedError,
}


def api_error_for(status: int) -> type[ApiError]:
    """The :class:`ApiError` subclass that stands for ``status``."""
    if status >= 500:
        return ServerError
    if 300 <= status < 400:
        return RedirectError
    return _BY_STATUS.get(status, ApiError)


class TransportError(OryError):
    """The request failed before a complete answer arrived (connection refused, reset, DNS, ...).

    Attributes:
        method: the request method.
        path: the request path.
        request_sent: ``False`` when the connection never opened (nothing reached the server),
            ``None`` when the server may or may not have received and applied the request.
    """

    def __init__(
        self, message: str, *, method: str, path: str, request_sent: bool | None = None
    ) -> None:
        self.method = method
        self.path = path
        self.request_sent = request_sent
        super().__init__(message)

    @property
    def outcome_unknown(self) -> bool:
        """True when a write may have been applied although no answer arrived."""
        return self.request_sent is not False and self.method not in SAFE_METHODS


class RequestTimeoutError(TransportError):
    """No complete answer arrived within the configured timeout."""


class MalformedResponseError(TransportError):
    """The server's answer broke HTTP (status line, headers, framing).

    A bad status line, a header that cannot be read, a lying or negative
    ``Content-Length``, broken chunked framing, ... The request reached the server (``request_sent`` is ``None``: a write may have
    been applied). Usually a proxy or something other than Ory answered.
    """


class ContentEncodingError(MalformedResponseError):
    """The body is not what its ``Content-Encoding`` says (e.g. declared gzip, but not gzip).

    Attributes:
        encoding: the ``Content-Encoding`` the server declared.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str,
        path: str,
        encoding: str,
        request_sent: bool | None = None,
    ) -> None:
        self.encoding = encoding
        super().__init__(message, method=method, path=path, request_sent=request_sent)


class ResponseTooLargeError(OryError):
    """The answer is larger than the client's ``max_response_size``; it was not read to the end.

    Asking again would bring the same answer, so this is never retried: ask for less
    (smaller pages) or raise the limit.

    Attributes:
        limit: the limit in bytes.
        method: the request method.
        path: the request path.
    """

    def __init__(self, message: str, *, limit: int, method: str, path: str) -> None:
        self.limit = limit
        self.method = method
        self.path = path
        super().__init__(message)


class DecodeError(OryError):
    """A 2xx body could not be turned into the expected model.

    Attributes:
        body: the raw response body.
        field: the path of the offending field, e.g. ``$.verifiable_addresses[0].verified``.
        target: the name of the type being decoded.
    """

    def __init__(self, message: str, *, body: bytes, field: str | None, target: str) -> None:
        self.body = body
        self.field = field
        self.target = target
        super().__init__(message)


class PaginationError(OryError):
    """The server's pagination went wrong in a way that would loop or lose items."""


class ClientClosedError(OryError):
    """The client (or the session it borrowed) was used after it was closed."""


class InvalidBodyError(OryError, ValueError):
    """A request body ory_async refused to send; nothing was sent for it.

    The body cannot be encoded as JSON (e.g. a lone surrogate in a string), or it is not
    what the endpoint takes.
    """


class UnsupportedOperationError(OryError):
    """The operation does not exist in the configured API generation (``api="v0"``/``"v1"``)."""
