"""What an integration answers when a request has no acceptable session, framework-neutral."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import orjson
from yarl import URL

__all__ = ["Reply", "login_url", "wants_html"]


@attrs.frozen(slots=True)
class Reply:
    """A response to send as it is: status, headers and body bytes."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @classmethod
    def json(cls, status: int, data: Any, headers: Mapping[str, str] | None = None) -> Reply:
        """A JSON reply."""
        extra = tuple(headers.items()) if headers else ()
        return cls(status, (("Content-Type", "application/json"), *extra), orjson.dumps(data))

    @classmethod
    def redirect(cls, location: str) -> Reply:
        """A 303 to ``location`` (the browser follows it with a GET)."""
        return cls(303, (("Location", location), ("Cache-Control", "no-store")), b"")

    @property
    def location(self) -> str | None:
        """Where a redirect points."""
        return next((v for k, v in self.headers if k == "Location"), None)


def wants_html(method: str, accept: str | None) -> bool:
    """Whether the request comes from a browser page: it accepts ``text/html``.

    ``fetch()`` and API clients send ``*/*`` or ``application/json`` and get JSON.
    """
    return bool(accept) and "text/html" in accept.lower() and method in ("GET", "HEAD", "POST")  # type: ignore[union-attr]


def login_url(base: str, *, return_to: str, aal: str | None = None) -> str:
    """The login flow's URL with ``return_to`` (and ``aal`` when a second factor is needed)."""
    url = URL(base)
    extra = {"return_to": return_to}
    if aal:
        extra = {"aal": aal, **extra}
    return str(url.update_query(extra))
