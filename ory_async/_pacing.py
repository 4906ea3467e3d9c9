"""Pacing: space requests so bulk work runs at the rate the server allows, not into 429s.

Ory Network answers every project API call with ``x-ratelimit-limit`` (its quotas, e.g.
``10, 10;w=1, 300;w=60``), ``x-ratelimit-remaining`` and ``x-ratelimit-reset``. The
:class:`Pacer` keeps one :class:`BucketPace` per rate-limit bucket (Ory's endpoint map
says which endpoints share one) and lets a request go only when every quota of its
bucket has a token to spare; tokens refill at each quota's rate.

Each answer re-synchronises the model with the server's own count: when the server has
fewer tokens left than the model predicts, someone else (another process on the same
project) is using the bucket, and the model both drops those tokens and learns the
others' rate, so that clients sharing one project converge on sharing its allowance
without talking to each other.

Until an answer shows a rate-limit header the pacer costs nothing: the first request
goes alone (a probe, so a burst of concurrent requests does not all hit an unknown
limit), and when its answer has no such header the pacer goes idle for good (it wakes
if a later answer does carry one).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Final

from yarl import URL

from ._buckets import bucket_for
from ._ratelimit import LIMIT_HEADER, REMAINING_HEADER, Quota, RateLimitInfo, parse_rate_limit

__all__ = ["BucketPace", "Pacer", "Ticket"]

logger: Final = logging.getLogger("ory_async")

_ESTIMATE_EVERY: Final = 1.0
"""Seconds between two updates of the estimate of other clients' rate."""
_MIN_SHARE: Final = 0.1
"""The smallest share of a quota's rate the model keeps for itself."""
PROBE_HOLD: Final = 2.0
"""Longest that requests wait for a probe's answer before they go unpaced."""


def _reserve(limit: int) -> float:
    # Tokens left untouched at the server, to absorb latency jitter: a request that
    # arrives a few ms early finds a token rather than a 429. Half a token more than a
    # whole number, so the model's count never sits on the edge of the server's whole one.
    return max(0.0, min(max(1, math.floor(0.1 * limit)) + 0.5, limit - 1.5, 5.5))


class _QuotaState:
    __slots__ = ("limit", "rate", "reserve", "tokens")

    def __init__(self, quota: Quota) -> None:
        self.limit = quota.limit
        self.rate = quota.rate
        self.reserve = _reserve(quota.limit)
        self.tokens = float(quota.limit)


class BucketPace:
    """The model of one rate-limit bucket: its quotas, tokens and others' share.

    Pure bookkeeping on a caller-supplied clock (seconds, monotonic): :meth:`delay`
    says how long a request must wait, :meth:`take` spends a token and numbers the
    request, :meth:`observe` folds in what the answer to request ``seq`` said.
    """

    def __init__(self, now: float) -> None:
        self.quotas: list[_QuotaState] = []
        self._shape: tuple[Quota, ...] = ()
        self.issued = 0
        """Requests let through so far (the last one's number)."""
        self._synced = -1
        self._last = now
        self.others_rate = 0.0
        """Estimated requests per second that other clients spend from this bucket."""
        self._others_spent = 0.0
        self._estimate_start = now
        self._hold_until = 0.0

    @property
    def limited(self) -> bool:
        """True once the bucket's quotas are known."""
        return bool(self.quotas)

    def _refill(self, now: float) -> None:
        elapsed = now - self._last
        if elapsed <= 0:
            return
        self._last = now
        others = self.others_rate
        for q in self.quotas:
            rate = max(q.rate - others, _MIN_SHARE * q.rate)
            q.tokens = min(float(q.limit), q.tokens + elapsed * rate)

    def delay(self, now: float) -> float:
        """Seconds to wait from ``now`` before the next request may go (0: at once)."""
        self._refill(now)
        wait = self._hold_until - now
        others = self.others_rate
        for q in self.quotas:
            missing = 1.0 + q.reserve - q.tokens
            if missing > 0:
                wait = max(wait, missing / max(q.rate - others, _MIN_SHARE * q.rate))
        return wait if wait > 1e-6 else 0.0

    def _rate(self, q: _QuotaState) -> float:
        return max(q.rate - self.others_rate, _MIN_SHARE * q.rate)

    def take(self, now: float) -> int:
        """Spend one token of every quota; the number of this request."""
        self._refill(now)
        for q in self.quotas:
            q.tokens -= 1.0
        self.issued += 1
        return self.issued

    def observe(
        self,
        info: RateLimitInfo,
        seq: int | None,
        now: float,
        status: int,
        sent_at: float | None = None,
    ) -> None:
        """Fold in the rate-limit headers of the answer to request ``seq``.

        ``sent_at`` is when that request went out: the server counted it then, so the
        tokens the model refilled since (while the server worked) are not compared.
        """
        if info.quotas and info.quotas != self._shape:
            self._learn(info.quotas, now)
        self._refill(now)
        active = info.active_index()
        if active is None or not self.quotas:
            # Only remaining/reset: all the model can do is wait for the reset.
            if (info.remaining == 0 or status == 429) and info.reset is not None:
                self._hold_until = max(self._hold_until, now + info.reset)
            return
        if seq is not None:
            if seq < self._synced:
                return  # an older answer than one already folded in
            self._synced = seq
            in_flight = self.issued - seq
        else:
            in_flight = 0
        if info.remaining is not None:
            # What the server should report if we were its only client: the model's
            # tokens plus our requests sent after this one, which it had not counted
            # yet. It counted somewhere between the request leaving and its answer
            # arriving: fewer tokens than the model had at the start mean someone else
            # spent them, more than the model has now mean the model is behind.
            quota = self.quotas[active]
            since = max(now - sent_at, 0.0) if sent_at is not None else 0.0
            early = max(quota.tokens - since * self._rate(quota), -float(in_flight))
            early += in_flight
            late = quota.tokens + in_flight
            remaining = info.remaining
            if status == 429:
                # Refused: the server had less than a token, and counted nothing.
                spent_by_others = max(early - remaining, 0.0)
            elif math.floor(early + 1e-9) > remaining:
                spent_by_others = float(math.floor(early + 1e-9) - remaining)
            elif math.floor(late + 1e-9) < remaining:
                spent_by_others = float(math.floor(late + 1e-9) - remaining)
            else:
                spent_by_others = 0.0
            self._others_spent += spent_by_others
            for i, q in enumerate(self.quotas):
                if i == active or spent_by_others > 0:
                    q.tokens = min(float(q.limit), q.tokens - spent_by_others)
        elif status == 429:
            for q in self.quotas:
                q.tokens = min(q.tokens, -float(in_flight))
        self._estimate(now)

    def _learn(self, quotas: tuple[Quota, ...], now: float) -> None:
        self._shape = quotas
        self.quotas = [_QuotaState(q) for q in quotas]
        self._last = now
        if logger.isEnabledFor(logging.DEBUG):
            shown = ", ".join(f"{q.limit} per {q.window:g} s" for q in quotas)
            logger.debug("pacing a rate-limit bucket at %s", shown)

    def _estimate(self, now: float) -> None:
        elapsed = now - self._estimate_start
        if elapsed < _ESTIMATE_EVERY:
            return
        sample = self._others_spent / elapsed
        ceiling = (1.0 - _MIN_SHARE) * min(q.rate for q in self.quotas)
        self.others_rate = min(max(0.5 * self.others_rate + 0.5 * sample, 0.0), ceiling)
        self._others_spent = 0.0
        self._estimate_start = now


class _Bucket:
    __slots__ = ("lock", "pace", "probing", "state")

    def __init__(self, now: float) -> None:
        self.pace = BucketPace(now)
        self.state = "new"  # "new" | "probing" | "limited" | "free"
        self.probing: asyncio.Event | None = None
        self.lock: asyncio.Lock | None = None


class Ticket:
    """A request let through by the pacer, to be passed back with its answer."""

    __slots__ = ("bucket", "done", "probe", "sent_at", "seq")

    def __init__(
        self, bucket: _Bucket | None, seq: int | None, *, probe: bool, sent_at: float | None = None
    ) -> None:
        self.bucket = bucket
        self.seq = seq
        self.probe = probe
        self.sent_at = sent_at
        self.done = False


_BucketKey = tuple[str | None, int | None, str]


class Pacer:
    """Holds each request until its rate-limit bucket can take it.

    The transport calls :meth:`acquire` before each attempt (unless :attr:`idle`),
    then :meth:`observe` with the answer's headers, or :meth:`forget` when there was
    no answer.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._state = "start"  # "start" | "idle" | "active"
        self.idle = False
        """True while answers carry no rate-limit headers: then nothing is paced."""
        self._probing: asyncio.Event | None = None
        self._buckets: dict[_BucketKey, _Bucket] = {}
        self.waited = 0.0
        """Seconds requests have spent waiting for their turn, all together."""

    def _bucket(self, method: str, url: URL) -> _Bucket:
        key = (url.raw_host, url.port, bucket_for(method, url.raw_path))
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(self._clock())
        return bucket

    async def acquire(self, method: str, url: URL) -> Ticket | None:
        """Wait until ``method url`` may be sent; None when it is not paced."""
        while self._state == "start":
            if self._probing is None:
                self._probing = asyncio.Event()
                return Ticket(None, None, probe=True)
            if not await _wait_for(self._probing):
                # A slow first answer must not hold everyone: go on unpaced (the pacer
                # wakes up if that answer, or a later one, shows a rate limit).
                self._go_idle()
        if self._state == "idle":
            return None
        bucket = self._bucket(method, url)
        while bucket.state in ("new", "probing"):
            if bucket.state == "new":
                bucket.state = "probing"
                bucket.probing = asyncio.Event()
                now = self._clock()
                return Ticket(bucket, bucket.pace.take(now), probe=True, sent_at=now)
            assert bucket.probing is not None
            if not await _wait_for(bucket.probing):
                return None
        if bucket.state == "free":
            return None
        if bucket.lock is None:
            bucket.lock = asyncio.Lock()
        pace = bucket.pace
        async with bucket.lock:  # first come, first served
            while True:
                now = self._clock()
                wait = pace.delay(now)
                if wait <= 0:
                    return Ticket(bucket, pace.take(now), probe=False, sent_at=now)
                self.waited += wait
                await self._sleep(wait)

    def observe(
        self,
        ticket: Ticket | None,
        method: str,
        url: URL,
        status: int,
        headers: Mapping[str, str],
    ) -> None:
        """Fold in the answer to a request (its ticket, or None if it was not paced)."""
        if ticket is not None:
            if ticket.done:
                return
            ticket.done = True
        info = parse_rate_limit(headers)
        if self._state != "active":
            if info is None:
                if ticket is not None and ticket.probe:
                    self._go_idle()
                return
            self._state = "active"
            self.idle = False
            self._wake_start()
        bucket = ticket.bucket if ticket is not None and ticket.bucket is not None else None
        if bucket is None:
            bucket = self._bucket(method, url)
        if info is None:
            if bucket.state in ("new", "probing"):
                self._settle(bucket, "free")
            return
        seq, sent_at = (ticket.seq, ticket.sent_at) if ticket is not None else (None, None)
        bucket.pace.observe(info, seq, self._clock(), status, sent_at)
        if bucket.state != "limited":
            self._settle(bucket, "limited")

    def forget(self, ticket: Ticket | None) -> None:
        """The request of ``ticket`` got no answer (failed or cancelled)."""
        if ticket is None or ticket.done:
            return
        ticket.done = True
        if ticket.bucket is None:
            if self._state == "start":
                # Do not make every other request wait for the next probe's fate.
                self._go_idle()
            return
        bucket = ticket.bucket
        if ticket.probe and bucket.state == "probing":
            bucket.state = "new"
            event, bucket.probing = bucket.probing, None
            if event is not None:
                event.set()

    def _go_idle(self) -> None:
        self._state = "idle"
        self.idle = True
        self._wake_start()

    def _wake_start(self) -> None:
        event, self._probing = self._probing, None
        if event is not None:
            event.set()

    def _settle(self, bucket: _Bucket, state: str) -> None:
        bucket.state = state
        event, bucket.probing = bucket.probing, None
        if event is not None:
            event.set()


async def _wait_for(event: asyncio.Event) -> bool:
    """Wait for ``event`` up to :data:`PROBE_HOLD` seconds; whether it was set."""
    try:
        async with asyncio.timeout(PROBE_HOLD):
            await event.wait()
    except TimeoutError:
        return False
    return True


def carries_rate_limit(headers: Mapping[str, str]) -> bool:
    """Whether an answer has rate-limit headers (a cheap check for the idle pacer)."""
    return LIMIT_HEADER in headers or REMAINING_HEADER in headers
