"""A loopback server that pages a list exactly as Kratos does (kratos-facts §1 to §3),
bugs included, for pager tests that must not depend on FakeOry."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Literal
from urllib.parse import urlencode

import attrs
import orjson
from aiohttp import web

Mode = Literal["keyset", "sessions", "legacy", "v0", "migration", "overlap", "nolink", "loop"]


def legacy_links(
    path: str, page: int, per: int, total: int, fmt: Callable[[int, int], str]
) -> list[str]:
    """Port of oryx/pagination HeaderWithFormatter: which rels a page gets, and their pages."""

    def link(p: int, rel: str, per_page: int = per) -> str:
        return f'<{path}?{fmt(p, per_page)}>; rel="{rel}"'

    offset = page * per
    last_offset = total - per if total % per == 0 else (total // per) * per
    if total == 0:
        return [link(0, "first"), link(page + 1, "next"), link(page - 1, "prev")]
    if offset >= last_offset and total <= per:
        return [link(0, "first", total)]
    if offset >= last_offset:
        return [link(0, "first"), link(last_offset // per - 1, "prev")]
    if offset < per:
        return [link(page + 1, "next"), link(last_offset // per, "last")]
    return [
        link(0, "first"),
        link(page + 1, "next"),
        link(page - 1, "prev"),
        link(last_offset // per, "last"),
    ]


def legacy_query(page: int, per: int) -> str:
    return urlencode({"page": page, "per_page": per})


def migration_token(offset: int) -> str:
    raw = orjson.dumps({"offset": str(offset), "v": 2})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def migration_query(page: int, per: int) -> str:
    return urlencode(
        {"page": page, "page_size": per, "page_token": migration_token(page * per), "per_page": per}
    )


@attrs.define
class PagingServer:
    """Serves ``ids`` (sorted) at ``path`` in one of Kratos's paging modes."""

    ids: list[str]
    mode: Mode
    path: str = "/admin/identities"
    absolute_base: str = "http://127.0.0.1:9"  # v0 links point here (nothing listens)
    fail_on: dict[int, int] = attrs.field(factory=dict)  # request number -> status, once
    requests: list[str] = attrs.field(factory=list)  # raw query strings received
    auth_headers: list[str | None] = attrs.field(factory=list)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get(self.path, self.handle)
        return app

    def _body(self, rows: list[str]) -> bytes:
        return orjson.dumps(
            [{"id": i, "schema_id": "default", "traits": {}, "schema": {}} for i in rows]
        )

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append(request.query_string)
        self.auth_headers.append(request.headers.get("Authorization"))
        status = self.fail_on.pop(len(self.requests), None)
        if status is not None:
            return web.json_response(
                {"error": {"code": status, "message": "try again"}}, status=status
            )
        q = request.query
        ids = sorted(self.ids)
        if self.mode in ("keyset", "sessions") or (
            self.mode == "legacy" and ("page_token" in q or "page_size" in q)
        ):
            return self._keyset(request, ids)
        page = max(int(q.get("page", "0")), 0) if q.get("page", "0").lstrip("-").isdigit() else 0
        per = int(q.get("per_page", "250"))
        total = len(ids)
        headers: dict[str, str] = {}
        if self.mode == "legacy":
            if page * per > 1000:
                reason = "Legacy pagination is not supported for enumerating over 1000 items. Please switch to using page_token and page_size."
                return web.json_response(
                    {"error": {"code": 400, "message": "bad", "reason": reason}}, status=400
                )
            rows = ids[page * per : page * per + per]
            headers["X-Total-Count"] = str(total)
            headers["Link"] = ",".join(legacy_links(self.path, page, per, total, legacy_query))
        elif self.mode == "v0":
            start = max(page - 1, 0) * per  # pop is 1-based: page 0 == page 1
            rows = sorted(self.ids, reverse=True)[start : start + per]
            base = f"{self.absolute_base}{self.path}"
            headers["Link"] = ",".join(legacy_links(base, page, per, total, legacy_query))
        elif self.mode == "migration":
            start = max(page - 1, 0) * per  # kratos-facts §2.2 off-by-one
            rows = ids[start : start + per]
            headers["X-Total-Count"] = str(total)
            headers["Link"] = ",".join(legacy_links(self.path, page, per, total, migration_query))
        elif self.mode == "overlap":
            start = page * per
            rows = ids[start : min(start + (page + 1) * per, total)]
            headers["X-Total-Count"] = str(total)
            headers["Link"] = ",".join(legacy_links(self.path, page, per, total, migration_query))
        elif self.mode == "nolink":
            rows = ids[page * per : page * per + per]
        else:  # loop: always links to page 1
            rows = ids[page * per : page * per + per]
            headers["Link"] = f'<{self.path}?page=1&per_page={per}>; rel="next"'
        return web.Response(body=self._body(rows), headers=headers, content_type="application/json")

    def _session_token(self, last: str) -> str:
        # kratos-facts §2.1: base64 (std, unpadded) of two parts whose order varies.
        parts = [f"id={last}", "created_at=2024-01-01 00:00:00.00000"]
        if len(self.requests) % 2:
            parts.reverse()
        return base64.b64encode("/".join(parts).encode()).decode().rstrip("=")

    def _keyset(self, request: web.Request, ids: list[str]) -> web.Response:
        q = request.query
        size = int(q.get("page_size") or "250")
        size = 250 if size <= 0 else min(size, 1000 if self.mode == "sessions" else 500)
        token = q.get("page_token") or "00000000-0000-0000-0000-000000000000"
        if self.mode == "sessions" and "page_token" in q:
            raw = base64.b64decode(token + "=" * (-len(token) % 4)).decode()
            token = dict(part.split("=", 1) for part in raw.split("/"))["id"]
        rows = [i for i in ids if i > token][: size + 1]
        more = len(rows) > size
        rows = rows[:size]
        keep = sorted(
            (k, v) for k, v in q.items() if k not in ("page_size", "page_token", "page", "per_page")
        )

        def link(tok: str, rel: str) -> str:
            return f'<{self.path}?{urlencode(sorted([*keep, ("page_size", str(size)), ("page_token", tok)]))}>; rel="{rel}"'

        first = "00000000-0000-0000-0000-000000000000"
        tokens = self._session_token if self.mode == "sessions" else (lambda last: last)
        parts = [link(tokens(first), "first")]
        if more:
            parts.append(link(tokens(rows[-1]), "next"))
        return web.Response(
            body=self._body(rows),
            headers={"Link": ",".join(parts)},
            content_type="application/json",
        )
