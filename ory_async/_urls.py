"""Path segments and query strings: the only place user input becomes part of a URL."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final
from urllib.parse import quote

from yarl import URL

__all__ = [
    "QueryValue",
    "build_query",
    "join_path",
    "parse_base_url",
    "segment",
    "strip_admin_suffix",
]

_UNSAFE: Final = re.compile("[\x00-\x20\x7f-\x9f\u2028\u2029]")

QueryValue = str | int | bool | Iterable[str] | None
"""What a query parameter may be: a scalar, a sequence (repeated keys) or None (left out)."""


_UNRESERVED: Final = re.compile(r"[A-Za-z0-9_.~-]+")
"""Characters ``quote(..., safe="")`` leaves as they are."""


def segment(value: str, *, name: str = "id") -> str:
    """Percent-encode ``value`` as one path segment, with no character left unquoted.

    ``a/b`` stays one segment (``a%2Fb``), ``?`` and ``#`` cannot start a query or
    fragment, and ``%2F`` is sent literally (``%252F``). An empty value, ``.`` and
    ``..`` would change which resource the path names, so they raise ``ValueError``.
    """
    if not isinstance(value, str):
        msg = f"{name} must be a str, not {type(value).__name__}"
        raise TypeError(msg)
    if value in ("", ".", ".."):
        msg = f"{name} must be a non-empty string other than '.' or '..', got {value!r}"
        raise ValueError(msg)
    if _UNRESERVED.fullmatch(value):
        return value  # what quote() would return (ids are UUIDs): skip its per-byte work
    return quote(value, safe="")


def join_path(base: URL, *segments: str) -> URL:
    """Append already-encoded ``segments`` to ``base`` (keeping any path prefix of ``base``).

    Every segment is a literal name or :func:`segment`'s output (never ``.`` or ``..``),
    and ``base`` carries no query or fragment (:func:`parse_base_url`), so the path is
    set as it is: half the work of ``URL.joinpath``, which checks each segment again.
    """
    if not segments:
        return base
    path = base.raw_path
    if not path.endswith("/"):
        path += "/"
    return base.with_path(path + "/".join(segments), encoded=True)


def build_query(params: Mapping[str, QueryValue]) -> list[tuple[str, str]]:
    """Turn keyword parameters into query pairs.

    ``None`` leaves a parameter out, booleans become ``true``/``false``, and a list
    or tuple repeats the key once per value (``expand=identity&expand=devices``),
    which is how Kratos reads list parameters.
    """
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            pairs.append((key, "true" if value else "false"))
        elif isinstance(value, int | str):
            pairs.append((key, str(value)))
        else:
            for item in value:
                if not isinstance(item, str):
                    msg = f"{key} must contain only str values, not {type(item).__name__}"
                    raise TypeError(msg)
                pairs.append((key, item))
    return pairs


def parse_base_url(value: str | URL, *, name: str = "base_url") -> URL:
    """Validate a configured base URL: absolute http(s), no query or fragment.

    Whitespace around it is ignored; a line break, NUL, other control character or
    whitespace inside it is refused rather than silently dropped or kept (the URL
    parser would do either), so the host and path requested are the ones written.
    """
    text = str(value).strip()
    if _UNSAFE.search(text):
        msg = f"{name} must not contain whitespace, line breaks, NUL or other control characters"
        raise ValueError(msg)
    url = value if isinstance(value, URL) else URL(text)
    if url.scheme not in ("http", "https") or not url.host:
        msg = f"{name} must be an absolute http(s) URL such as https://my-project.projects.oryapis.com, got {str(value)!r}"
        raise ValueError(msg)
    if url.query_string or url.fragment:
        msg = f"{name} must not carry a query string or fragment, got {str(value)!r}"
        raise ValueError(msg)
    if url.user or url.password:
        msg = f"{name} must not embed credentials; pass auth=BearerToken(...) instead"
        raise ValueError(msg)
    return url.with_path(url.path.rstrip("/") or "/")


def strip_admin_suffix(url: URL) -> URL:
    """``url`` without a trailing ``/admin`` path segment.

    v1 admin paths already start with ``/admin``; a base URL copied with that segment
    (``http://127.0.0.1:4434/admin``) would otherwise send ``/admin/admin/identities``.
    """
    path = url.path
    if path == "/admin" or path.endswith("/admin"):
        return url.with_path(path[: -len("/admin")] or "/")
    return url
