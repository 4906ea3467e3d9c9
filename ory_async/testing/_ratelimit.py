"""FakeOry's rate limiter, answering like Ory Network: per bucket, headers, in-flight rule.

Every endpoint counts against one of Ory's buckets (``kratos-admin-low`` for writes,
``kratos-admin-high`` for a single GET, ...: FakeOry's own copy of Ory's map, in
``_bucket_table``, generated from the same source as the client's but never read from
it, so a mistake in the client's map shows up as a disagreement with the fake).
Each bucket has one or more quotas, each a token bucket: ``burst`` tokens at most,
refilled at ``rate`` per second; a request takes a token from every quota of its
bucket, or is answered 429 (taking nothing) when one of them is empty.

Every answer carries the bucket's ``x-ratelimit-limit`` (IETF draft form: the quota
nearest exhaustion first, then each quota as ``burst;w=seconds``),
``x-ratelimit-remaining`` (whole tokens left in that quota) and ``x-ratelimit-reset``
(whole seconds until that quota is full again).

The in-flight rule: a write (POST, PUT, PATCH, DELETE) to an identity path while
another write to the same path is still being handled is answered 429 at once.

Other limiters users sit behind answer differently, and the limiter can play them:
``headers`` picks what the answers say (``"ory"``: the form above; ``"plain"``: a bare
``x-ratelimit-limit: 10``; ``"ietf"``: ``RateLimit-Limit``/``-Remaining``/``-Reset``
without the ``x-``; ``"none"``: nothing but ``Retry-After`` on a 429), ``fixed_window``
makes each quota a counter that resets at the end of each window instead of refilling,
and ``shared`` counts every endpoint against one allowance, as a gateway in front of the
whole API does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .._buckets import UNMAPPED, BucketMap
from ._bucket_table import ENDPOINTS
from ._tiers import TIER_BUCKETS, TIERS
from ._util import Clock

__all__ = ["HEADER_STYLES", "Admission", "LimitQuota", "OryRateLimiter", "tier_limits"]

HEADER_STYLES = ("ory", "plain", "ietf", "none")
"""What a limiter's answers may say about it (see the module docstring)."""

_SHARED = "all"

_BUCKETS = BucketMap(
    (method, path, bucket)
    for bucket, endpoints in ENDPOINTS.items()
    for method, path in (endpoint.split(" ", 1) for endpoint in endpoints)
)

_INFLIGHT_TEMPLATES = (
    ("POST", ("admin", "identities")),
    ("PATCH", ("admin", "identities")),
    ("PUT", ("admin", "identities", None)),
    ("PATCH", ("admin", "identities", None)),
    ("DELETE", ("admin", "identities", None)),
    ("DELETE", ("admin", "identities", None, "credentials", None)),
    ("DELETE", ("admin", "identities", None, "sessions")),
)


@dataclass(frozen=True)
class LimitQuota:
    """One quota: ``rate`` requests per second sustained, ``burst`` at most at once."""

    rate: float
    burst: int

    @classmethod
    def per_second(cls, rps: float, burst: int | None = None) -> LimitQuota:
        """``rps`` a second, with a burst of ``burst`` (default: one second's worth)."""
        return cls(rate=float(rps), burst=burst if burst is not None else max(1, round(rps)))

    @classmethod
    def per_minute(cls, rpm: int) -> LimitQuota:
        """``rpm`` a minute, all of it usable at once."""
        return cls(rate=rpm / 60.0, burst=rpm)

    @property
    def window(self) -> float:
        """Seconds to refill from empty to full: the ``w`` of the header."""
        return self.burst / self.rate


def tier_limits(
    tier: str = "Developer", environment: str = "Development"
) -> dict[str, list[LimitQuota]]:
    """Ory Network's quotas for each identity bucket of a project tier and environment."""
    try:
        row = TIERS[(tier, environment)]
    except KeyError:
        known = ", ".join(f"{t}/{e}" for t, e in sorted(TIERS))
        msg = f"no Ory Network tier {tier}/{environment}; known: {known}"
        raise ValueError(msg) from None
    return {
        bucket: [LimitQuota.per_second(rps), LimitQuota.per_minute(rpm)]
        for bucket, rps, rpm in zip(TIER_BUCKETS, row[::2], row[1::2], strict=True)
    }


@dataclass
class _Tokens:
    quota: LimitQuota
    tokens: float
    last: float
    fixed: bool = False
    start: float = 0.0

    def refill(self, now: float) -> None:
        q = self.quota
        if self.fixed:
            windows = math.floor((now - self.start) / q.window)
            if windows > 0:
                self.start += windows * q.window
                self.tokens = float(q.burst)
        else:
            self.tokens = min(float(q.burst), self.tokens + (now - self.last) * q.rate)
        self.last = now

    def reset_in(self, now: float) -> float:
        """Seconds until this quota is full again (fixed: until its window ends)."""
        q = self.quota
        if self.fixed:
            return max(self.start + q.window - now, 0.0)
        return max(q.burst - self.tokens, 0.0) / q.rate

    def next_token_in(self, now: float) -> float:
        """Seconds until this quota has a whole token (0: it has one)."""
        if self.tokens >= 1.0:
            return 0.0
        if self.fixed:
            return self.reset_in(now)
        return (1.0 - self.tokens) / self.quota.rate


@dataclass
class Admission:
    """The limiter's verdict on one request: allowed or not, and the headers to send."""

    allowed: bool
    headers: dict[str, str]
    inflight_key: str | None = None
    limiter: OryRateLimiter | None = None

    def release(self) -> None:
        """The request has been answered: free its path for the next write."""
        if self.inflight_key is not None and self.limiter is not None:
            self.limiter.inflight.discard(self.inflight_key)
            self.inflight_key = None


@dataclass
class OryRateLimiter:
    """Rate limits per bucket; see the module docstring for what it answers."""

    limits: Mapping[str, Sequence[LimitQuota]]
    clock: Clock
    default: Sequence[LimitQuota] = ()
    inflight_rule: bool = True
    headers: str = "ory"
    """What answers say: one of :data:`HEADER_STYLES`."""
    fixed_window: bool = False
    """Quotas reset at the end of each window instead of refilling continuously."""
    shared: bool = False
    """Every endpoint counts against one allowance (the ``default`` quotas)."""
    inflight: set[str] = field(default_factory=set)
    allowed: dict[str, int] = field(default_factory=dict)
    """Requests let through, per bucket."""
    limited: dict[str, int] = field(default_factory=dict)
    """Requests answered 429 because a quota was empty, per bucket."""
    inflight_limited: int = 0
    """Writes answered 429 by the in-flight rule."""
    _state: dict[str, list[_Tokens]] = field(default_factory=dict)

    def _tokens(self, bucket: str) -> list[_Tokens] | None:
        state = self._state.get(bucket)
        if state is None:
            quotas = self.limits.get(bucket, self.default)
            if not quotas:
                return None
            now = self.clock.monotonic()
            state = self._state[bucket] = [
                _Tokens(q, float(q.burst), now, self.fixed_window, now) for q in quotas
            ]
        return state

    def __post_init__(self) -> None:
        if self.headers not in HEADER_STYLES:
            msg = f"headers must be one of {', '.join(HEADER_STYLES)}, not {self.headers!r}"
            raise ValueError(msg)

    def admit(self, method: str, path: str) -> Admission:
        """Count one request to ``method path``."""
        bucket = _SHARED if self.shared else _BUCKETS.bucket_for(method, path)
        state = self._tokens(bucket) if bucket != UNMAPPED or self.default else None
        if state is None:
            return self._inflight(method, path, Admission(True, {}))
        now = self.clock.monotonic()
        for t in state:
            t.refill(now)
        allowed = all(t.tokens >= 1.0 for t in state)
        if allowed:
            for t in state:
                t.tokens -= 1.0
        counter = self.allowed if allowed else self.limited
        counter[bucket] = counter.get(bucket, 0) + 1
        admission = Admission(allowed, _headers(state, now, self.headers, limited=not allowed))
        return self._inflight(method, path, admission) if allowed else admission

    def _inflight(self, method: str, path: str, admission: Admission) -> Admission:
        if not self.inflight_rule or not _inflight_limited(method, path):
            return admission
        key = path.rstrip("/")
        if key in self.inflight:
            self.inflight_limited += 1
            headers = dict(admission.headers)
            if self.headers == "ory":
                headers["x-ratelimit-reset"] = "1"
            else:
                headers["Retry-After"] = "1"
            return Admission(False, headers)
        self.inflight.add(key)
        admission.inflight_key = key
        admission.limiter = self
        return admission

    @property
    def total_limited(self) -> int:
        """Every 429 this limiter answered."""
        return sum(self.limited.values()) + self.inflight_limited


def _headers(state: list[_Tokens], now: float, style: str, *, limited: bool) -> dict[str, str]:
    active = min(state, key=lambda t: math.floor(t.tokens))
    q = active.quota
    headers: dict[str, str] = {}
    if limited and style != "ory":
        wait = max(t.next_token_in(now) for t in state)
        headers["Retry-After"] = str(max(math.ceil(wait - 1e-9), 1))
    if style == "none":
        return headers
    remaining = str(max(math.floor(active.tokens), 0))
    reset = str(max(math.ceil(active.reset_in(now) - 1e-9), 0))
    if style == "ory":
        policies = ", ".join(f"{t.quota.burst};w={t.quota.window:g}" for t in state)
        headers.update(
            {
                "x-ratelimit-limit": f"{q.burst}, {policies}",
                "x-ratelimit-remaining": remaining,
                "x-ratelimit-reset": reset,
            }
        )
    elif style == "plain":
        headers.update(
            {
                "x-ratelimit-limit": str(q.burst),
                "x-ratelimit-remaining": remaining,
                "x-ratelimit-reset": reset,
            }
        )
    else:
        headers.update(
            {
                "RateLimit-Limit": str(q.burst),
                "RateLimit-Remaining": remaining,
                "RateLimit-Reset": reset,
            }
        )
    return headers


def _inflight_limited(method: str, path: str) -> bool:
    if method in ("GET", "HEAD", "OPTIONS"):
        return False
    segments = path.strip("/").split("/")
    if segments and segments[0] != "admin":
        segments = ["admin", *segments]  # legacy paths
    for m, template in _INFLIGHT_TEMPLATES:
        if (
            m == method
            and len(template) == len(segments)
            and all(t is None or t == s for t, s in zip(template, segments, strict=True))
        ):
            return True
    return False
