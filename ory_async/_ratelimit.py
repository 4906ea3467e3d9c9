"""Reading Ory's rate-limit headers: ``x-ratelimit-limit``, ``-remaining`` and ``-reset``."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

import attrs

__all__ = ["LIMIT_HEADER", "Quota", "RateLimitInfo", "parse_rate_limit"]

LIMIT_HEADER: Final = "x-ratelimit-limit"
REMAINING_HEADER: Final = "x-ratelimit-remaining"
RESET_HEADER: Final = "x-ratelimit-reset"
_MAX_SECONDS: Final = 86_400.0


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

    Malformed parts are ignored, never raised: a server's odd header must not break a call.
    """
    limit = headers.get(LIMIT_HEADER)
    remaining = headers.get(REMAINING_HEADER)
    if limit is None and remaining is None:
        return None
    quotas, current = _parse_limit(limit) if limit is not None else ((), None)
    return RateLimitInfo(
        quotas=quotas,
        current=current,
        remaining=_count(remaining),
        reset=_seconds(headers.get(RESET_HEADER)),
    )


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


def _seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return min(seconds, _MAX_SECONDS)
