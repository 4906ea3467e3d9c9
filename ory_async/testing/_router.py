"""Request context and a small exact-match router (like Go 1.22 ``ServeMux`` patterns)."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from ._errors import bad_request
from ._state import FakeState


@dataclass
class Ctx:
    """What a route handler gets: the request, the state, parsed path/query and the site.

    ``site`` is "admin" or "public": the port the request arrived on.
    """

    request: web.Request
    state: FakeState
    path: str
    query: list[tuple[str, str]]
    params: dict[str, str] = field(default_factory=dict)
    site: str = "public"

    def q(self, key: str) -> str | None:
        """The first value of a query parameter, or None."""
        for k, v in self.query:
            if k == key:
                return v
        return None

    def q_all(self, key: str) -> list[str]:
        """Every value of a query parameter."""
        return [v for k, v in self.query if k == key]

    def has(self, key: str) -> bool:
        """True when the query has ``key`` (even with an empty value)."""
        return any(k == key for k, _ in self.query)

    async def json(self) -> Any:
        """The JSON body; Go-like 400 errors for empty or malformed bodies."""
        raw = await self.request.read()
        if not raw.strip():
            raise bad_request(message="unexpected end of JSON input")
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise bad_request(message=f"invalid character in JSON input: {exc}") from None


Handler = Callable[[Ctx], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Route:
    """One method + path pattern; ``{name}`` segments become ``ctx.params``."""

    method: str
    template: str
    handler: Handler
    pattern: re.Pattern[str]


class Router:
    """Routes of one site."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, template: str, handler: Handler) -> None:
        """Register ``handler`` for ``method template``."""
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        self.routes.append(Route(method, template, handler, re.compile(f"^{regex}$")))

    def resolve(self, method: str, raw_path: str) -> tuple[Route | None, dict[str, str], bool]:
        """``(route, params, path_matched)``; path_matched tells 405 from 404."""
        path_matched = False
        for route in self.routes:
            match = route.pattern.match(raw_path)
            if match is None:
                continue
            path_matched = True
            if route.method == method or (route.method == "GET" and method == "HEAD"):
                params = {k: unquote(v) for k, v in match.groupdict().items()}
                return route, params, True
        return None, {}, path_matched


def not_found_text() -> web.Response:
    """Go's plain-text 404 for unknown routes."""
    return web.Response(status=404, text="404 page not found\n")


def method_not_allowed() -> web.Response:
    """Go's plain-text 405."""
    return web.Response(status=405, text="Method Not Allowed\n")
