"""Kratos's pagination: parameter parsing, page tokens and ``Link`` headers."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from ._errors import bad_request
from ._util import go_atoi, go_encode_query, is_uuid, set_query

Pairs = list[tuple[str, str]]
# Builds one link target (path + query or absolute URL) from (rel, per_page, offset).
LinkFormatter = Callable[[int, int], str]

INVALID_TOKEN_REASON = "The page token is invalid, do not craft your own page tokens"  # noqa: S105 - an error text
LEGACY_LIMIT_REASON = (
    "Legacy pagination is not supported for enumerating over 1000 items. "
    "Please switch to using page_token and page_size."
)


def _go_div(a: int, b: int) -> int:
    """Go integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def header_links(total: int, page: int, per_page: int, fmt: LinkFormatter) -> str:
    """Port of ory/x ``pagination.HeaderWithFormatter``: the legacy ``Link`` value.

    ``fmt(per_page, offset)`` renders one URL; rels are added here.
    """
    per = per_page if per_page > 0 else 1
    offset = page * per
    last_offset = total - per if total % per == 0 else (total // per) * per

    def link(rel: str, limit: int, off: int) -> str:
        return f'<{fmt(limit, off)}>; rel="{rel}"'

    if offset >= last_offset:
        if total == 0:
            return ",".join(
                [
                    link("first", per, 0),
                    link("next", per, (_go_div(offset, per) + 1) * per),
                    link("prev", per, (_go_div(offset, per) - 1) * per),
                ]
            )
        if total <= per:
            return link("first", total, 0)
        return ",".join([link("first", per, 0), link("prev", per, last_offset - per)])
    if offset < per:
        return ",".join([link("next", per, per), link("last", per, last_offset)])
    return ",".join(
        [
            link("first", per, 0),
            link("next", per, (_go_div(offset, per) + 1) * per),
            link("prev", per, (_go_div(offset, per) - 1) * per),
            link("last", per, last_offset),
        ]
    )


def legacy_formatter(path: str, pairs: Pairs) -> LinkFormatter:
    """Relative ``page``/``per_page`` links keeping the request's other parameters."""

    def fmt(limit: int, offset: int) -> str:
        query = set_query(pairs, per_page=str(limit), page=str(_go_div(offset, limit)))
        return f"{path}?{go_encode_query(query)}"

    return fmt


def absolute_formatter(base: str) -> LinkFormatter:
    """Kratos v0.5's links: absolute, only ``page`` and ``per_page``."""

    def fmt(limit: int, offset: int) -> str:
        query = [("page", str(_go_div(offset, limit))), ("per_page", str(limit))]
        return f"{base}?{go_encode_query(query)}"

    return fmt


def migration_token(offset: int) -> str:
    """The migration-pagination ``page_token``: base64url of ``{"offset":"N","v":2}``."""
    raw = json.dumps({"offset": str(offset), "v": 2}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def migration_formatter(path: str, pairs: Pairs) -> LinkFormatter:
    """Links with the four migration parameters ``page, page_size, page_token, per_page``."""

    def fmt(limit: int, offset: int) -> str:
        query = set_query(
            pairs,
            page=str(_go_div(offset, limit)),
            page_size=str(limit),
            page_token=migration_token(offset),
            per_page=str(limit),
        )
        return f"{path}?{go_encode_query(query)}"

    return fmt


def keyset_links(path: str, pairs: Pairs, size: int, first: str, nxt: str | None) -> str:
    """Keyset ``Link``: ``first`` always, ``next`` when there is more."""
    out = []
    for rel, token in (("first", first), ("next", nxt)):
        if token is None:
            continue
        query = set_query(pairs, page_size=str(size), page_token=token)
        out.append(f'<{path}?{go_encode_query(query)}>; rel="{rel}"')
    return ",".join(out)


def _lenient_int(value: str | None, default: int) -> int:
    if value is None or not re.fullmatch(r"[+-]?[0-9]+", value):
        return default
    return int(value)


@dataclass
class PagePerPage:
    """A parsed legacy page request (0-based ``page``)."""

    page: int
    per_page: int


def parse_legacy(query: Pairs, *, default: int, maximum: int) -> PagePerPage:
    """``page``/``per_page`` as ory/x parses them: garbage → defaults, clamped."""
    values = dict(query)
    page = max(_lenient_int(values.get("page"), 0), 0)
    per_page = _lenient_int(values.get("per_page"), default)
    per_page = min(max(per_page, 1), maximum)
    return PagePerPage(page, per_page)


def parse_migration(query: Pairs, *, default: int = 250, maximum: int = 1000) -> PagePerPage:
    """Migration pagination: token form (``page_token``/``page_size``) or legacy form."""
    keys = {k for k, _ in query}
    if "page_token" not in keys and "page_size" not in keys:
        return parse_legacy(query, default=default, maximum=maximum)
    values = dict(query)
    size = _lenient_int(values.get("page_size"), default)
    if size < 1:
        size = default
    size = min(size, maximum)
    offset = 0
    token = values.get("page_token", "")
    if token:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            offset = int(json.loads(raw)["offset"])
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise bad_request(INVALID_TOKEN_REASON) from None
    return PagePerPage(max(offset, 0) // size, size)


# --- sessions keyset tokens -----------------------------------------------------------------

SESSION_FIRST_TIME = datetime(2200, 12, 31, 23, 59, 59, tzinfo=UTC)


def format_session_time(dt: datetime) -> str:
    """Go layout ``2006-01-02 15:04:05.99999`` (at most 5 fraction digits, zeros trimmed)."""
    dt = dt.astimezone(UTC)
    text = dt.strftime("%Y-%m-%d %H:%M:%S")
    frac = f"{dt.microsecond:06d}"[:5].rstrip("0")
    return f"{text}.{frac}" if frac else text


def session_token(session_id: str, created_at: datetime, id_first: bool) -> str:
    """Encode a sessions page token; the part order varies like Go's map iteration."""
    parts = [f"id={session_id}", f"created_at={format_session_time(created_at)}"]
    if not id_first:
        parts.reverse()
    return base64.b64encode("/".join(parts).encode()).rstrip(b"=").decode()


def decode_session_token(token: str) -> tuple[str, datetime]:
    """Decode a sessions page token into ``(id, created_at)``; raises ``KratosError``."""
    unparsable = bad_request(message="could not parse parameter page_size")
    try:
        raw = base64.b64decode(token + "=" * (-len(token) % 4), validate=True).decode()
        fields = dict(part.split("=", 1) for part in raw.split("/"))
        stamp = fields["created_at"]
        fmt = "%Y-%m-%d %H:%M:%S.%f" if "." in stamp else "%Y-%m-%d %H:%M:%S"
        created = datetime.strptime(stamp, fmt).replace(tzinfo=UTC)
        session_id = fields["id"]
    except (ValueError, KeyError, binascii.Error, UnicodeDecodeError):
        raise unparsable from None
    if not is_uuid(session_id):
        raise bad_request(INVALID_TOKEN_REASON)
    return session_id.lower(), created


def keyset_size(raw: str | None, *, default: int, maximum: int) -> int:
    """Parse ``page_size`` for keyset mode: empty/≤0 → default, clamped; garbage → 400."""
    if raw is None or raw == "":
        return default
    try:
        size = go_atoi(raw)
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    if size <= 0:
        return default
    return min(size, maximum)
