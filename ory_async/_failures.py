"""What an attempt's aiohttp failure means, as an :mod:`ory_async.errors` exception.

aiohttp's exceptions hold the request headers (credentials included), so none of them
may end up in the chain of what ory_async raises: the transport catches each one and
raises what :func:`translate` makes of it outside the ``except`` block. Every message is
scrubbed of the request's credentials.
"""

from __future__ import annotations

import re
from typing import Final

import aiohttp
import aiohttp.http_exceptions

from ._methods import IDEMPOTENT_METHODS
from .errors import (
    ContentEncodingError,
    MalformedResponseError,
    RequestTimeoutError,
    TransportError,
    scrub_secrets,
)

__all__ = ["connect_timeout_error", "timeout_error", "transport_error"]

_DETAIL: Final = 160
# Where aiohttp's parser messages start quoting the raw bytes of the bad line.
_RAW_QUOTE: Final = re.compile(r""":?\s*(?:b'|b"|\^)""")
_ENCODING_NAMED: Final = re.compile(
    r"content-encoding: [^(]*\((\w+)\)|content-encoding: (\w+)", re.I
)


def connect_timeout_error(method: str, path: str, limit: float | None) -> RequestTimeoutError:
    """No connection within ``limit`` seconds: nothing was sent."""
    within = f" within {limit:g} s" if limit else ""
    msg = (
        f"Could not connect for {method} {path}{within} "
        "(nothing was sent; check the URL and that the server is up)"
    )
    return RequestTimeoutError(msg, method=method, path=path, request_sent=False)


def timeout_error(method: str, path: str, limit: float | None) -> RequestTimeoutError:
    """No complete answer within the attempt's ``limit`` seconds."""
    within = f" within {limit:g} s" if limit else ""
    msg = f"No complete answer to {method} {path}{within}"
    if method not in IDEMPOTENT_METHODS:
        msg += "; the server may still have applied it, so check before sending it again"
    return RequestTimeoutError(msg, method=method, path=path)


def transport_error(
    method: str, path: str, exc: aiohttp.ClientError, secrets: tuple[str, ...]
) -> TransportError:
    """Any other aiohttp failure: a body that would not decode, a malformed answer, no connection."""
    failed = _content_encoding_failure(exc)
    if failed is not None:
        encoding, unsupported = failed
        msg = (
            f"The answer to {method} {path} could not be decoded: "
            f"it says Content-Encoding: {encoding}, "
        )
        if unsupported:
            msg += f"which this client cannot decode (it did not ask for {encoding})"
        else:
            msg += f"but its body is not {encoding} data"
        return ContentEncodingError(
            scrub_secrets(msg, secrets), method=method, path=path, encoding=encoding
        )
    if isinstance(exc, aiohttp.ClientResponseError):
        # aiohttp's HTTP parser rejected the status line, a header or the framing.
        detail = _parser_detail(exc.message) or type(exc).__name__
        msg = f"The answer to {method} {path} was malformed: {detail}"
        if method not in IDEMPOTENT_METHODS:
            msg += " (the outcome is unknown: the server may have applied the request)"
        return MalformedResponseError(scrub_secrets(msg, secrets), method=method, path=path)
    sent = False if isinstance(exc, aiohttp.ClientConnectorError) else None
    what = "Could not connect" if sent is False else "The connection failed"
    detail = _one_line(str(exc)) or type(exc).__name__
    msg = f"{what} on {method} {path}: {detail}"
    if sent is False:
        msg += " (nothing was sent; check the URL and that the server is up)"
    elif method not in IDEMPOTENT_METHODS:
        msg += " (the outcome is unknown: the server may have applied the request)"
    return TransportError(scrub_secrets(msg, secrets), method=method, path=path, request_sent=sent)


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _DETAIL * 2 else text[: _DETAIL * 2 - 1] + "…"


def _parser_detail(message: str) -> str:
    """The parser's message without the raw bytes it quotes: ``Bad status line: ...``."""
    text = _RAW_QUOTE.split(" ".join(message.split()), maxsplit=1)[0].strip(" :")
    return text if len(text) <= _DETAIL else text[: _DETAIL - 1] + "…"


def _content_encoding_failure(exc: BaseException) -> tuple[str, bool] | None:
    """The declared encoding and whether it cannot be decoded here at all, or ``None``.

    ``None`` unless ``exc`` comes from a body that would not decode; "cannot be decoded
    here" means a codec that is not installed (brotli, zstd).
    """
    link: BaseException | None = exc
    for _ in range(8):
        if link is None:
            return None
        if isinstance(link, aiohttp.http_exceptions.ContentEncodingError):
            text = str(link)
            match = _ENCODING_NAMED.search(text)
            encoding = (match.group(1) or match.group(2)) if match else "unknown"
            return encoding, "install" in text.lower()
        link = link.__cause__ or link.__context__
    return None
