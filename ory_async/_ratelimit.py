"""Reading rate-limit headers in every form servers send.

Ory Network sends ``x-ratelimit-limit`` (IETF draft form: ``10, 10;w=1, 300;w=60``),
``x-ratelimit-remaining`` and ``x-ratelimit-reset``. Gateways and proxies send the same
without the ``x-`` (``RateLimit-Limit``, ...), a bare ``x-ratelimit-limit: 10`` with no
window, a reset as a Unix time rather than seconds, the policies apart in
``RateLimit-Policy``, or one structured ``RateLimit`` header (``limit=10, remaining=5,
reset=3`` or ``"name";r=5;t=3``). All of them read into one :class:`RateLimitInfo`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import Final

import attrs

__all__ = ["LIMIT_HEADER", "Quota", "RateLimitInfo", "parse_rate_limit"]

LIMIT_HEADER: Final = "x-ratelimit-limit"
REMAINING_HEADER: Final = "x-ratelimit-remaining"
RESET_HEADER: Final = "x-ratelimit-reset"
_NAMES: Final = (
    (LIMIT_HEADER, REMAINING_HEADER, RESET_HEADER),
    ("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"),
)
RATE_LIMIT_HEADERS: Final = (*(name for names in _NAMES for name in names[:2]), "ratelimit")
"""Every header whose presence means the answer speaks about a rate limit."""
_MAX_SECONDS: Final = 86_400.0
_EPOCH: Final = 1_000_000_000.0
"""A reset this large is a Unix time (some gateways send one), not a number of seconds."""


@attrs.frozen(slots=True)
class Quota:
    """One quota policy: ``limit`` requests per ``window`` seconds."""

    limit: int
    window: float

    @property
    def rate(self) -> float:
        """Requests per second this quota sustains."""
        return self.limit / self.window


@attrs.frozen(slots=True)
class RateLimitInfo:
    """What one answer said about its rate-limit bucket.

    ``quotas`` come from the IETF draft form of ``x-ratelimit-limit``
    (``10, 10;w=1, 300;w=60``: the quota nearest exhaustion first, then each policy);
    ``current`` is that first, bare value, the quota ``remaining`` and ``reset`` refer to.
    """

    quotas: tuple[Quota, ...]
    current: int | None
    remaining: int | None
    reset: float | None

    def active_index(self) -> int | None:
        """Index in :attr:`quotas` of the quota ``remaining`` counts down, if known."""
        if not self.quotas:
            return None
        if self.current is not None:
            for i, quota in enumerate(self.quotas):
                if quota.limit == self.current:
                    return i
        return min(range(len(self.quotas)), key=lambda i: self.quotas[i].rate)


def parse_rate_limit(headers: Mapping[str, str]) -> RateLimitInfo | None:
    """The rate-limit headers of an answer, or None when it carries none.

    ``headers`` is looked up by lower-case names (aiohttp's headers ignore case).
    Malformed parts are ignored, never raised: a server's odd header must not break a call.
    """
    for limit_name, remaining_name, reset_name in _NAMES:
        limit = headers.get(limit_name)
        remaining = headers.get(remaining_name)
        if limit is None and remaining is None:
            continue
        quotas, current = _parse_limit(limit) if limit is not None else ((), None)
        policy = headers.get("ratelimit-policy")
        if not quotas and policy is not None:
            quotas = _parse_policy(policy)
            if current is None and len(quotas) == 1:
                current = quotas[0].limit
        return RateLimitInfo(
            quotas=quotas,
            current=current,
            remaining=_count(remaining),
            reset=_reset(headers.get(reset_name)),
        )
    combined = headers.get("ratelimit")
    if combined is not None:
        return _parse_combined(combined, headers.get("ratelimit-policy"))
    return None


def _parse_combined(value: str, policy: str | None) -> RateLimitInfo | None:
    """``RateLimit: limit=10, remaining=5, reset=3`` or ``"name";r=5;t=3`` (later drafts)."""
    fields: dict[str, str] = {}
    for item in value.replace(",", ";").split(";"):
        key, sep, raw = item.partition("=")
        if sep:
            fields.setdefault(key.strip().lower(), raw.strip().strip('"'))
    remaining = _count(fields.get("remaining", fields.get("r")))
    reset = _reset(fields.get("reset", fields.get("t")))
    current = _count(fields.get("limit"))
    quotas = _parse_policy(policy) if policy is not None else ()
    if current is None and len(quotas) == 1:
        current = quotas[0].limit
    if remaining is None and current is None and not quotas:
        return None
    return RateLimitInfo(quotas=quotas, current=current, remaining=remaining, reset=reset)


def _parse_policy(value: str) -> tuple[Quota, ...]:
    """``RateLimit-Policy``: ``10;w=1, 300;w=60`` or ``"name";q=10;w=1`` (later drafts)."""
    quotas: list[Quota] = []
    for item in value.split(","):
        head, *params = (part.strip() for part in item.split(";"))
        count = _count(head)
        window: float | None = None
        for param in params:
            key, _, raw = param.partition("=")
            key = key.strip().lower()
            if key == "w":
                window = _seconds(raw.strip().strip('"'))
            elif key == "q":
                count = _count(raw.strip().strip('"'))
        if count is not None and count > 0 and window is not None and window > 0:
            quotas.append(Quota(count, window))
    return tuple(quotas)


def _parse_limit(value: str) -> tuple[tuple[Quota, ...], int | None]:
    quotas: list[Quota] = []
    current: int | None = None
    for item in value.split(","):
        head, *params = (part.strip() for part in item.split(";"))
        count = _count(head)
        if count is None:
            continue
        window: float | None = None
        has_window = False
        for param in params:
            key, _, raw = param.partition("=")
            if key.strip().lower() == "w":
                has_window = True
                window = _seconds(raw.strip().strip('"'))
        if not has_window:
            if current is None and not quotas:
                current = count
            continue
        if window is None:
            continue
        if window > 0 and count > 0:
            quotas.append(Quota(count, window))
    if current is None and len(quotas) == 1:
        current = quotas[0].limit
    return tuple(quotas), current


def _count(value: str | None) -> int | None:
    if value is None:
        return None
    value = value.strip()
    if not value.isdigit() or len(value) > 12:
        return None
    return int(value)


def _reset(value: str | None) -> float | None:
    """Seconds until a reset, from seconds or from a Unix time."""
    seconds = _seconds(value, cap=None)
    if seconds is not None and seconds >= _EPOCH:
        seconds = max(seconds - time.time(), 0.0)
    return min(seconds, _MAX_SECONDS) if seconds is not None else None


def _seconds(value: str | None, *, cap: float | None = _MAX_SECONDS) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds if cap is None else min(seconds, cap)
