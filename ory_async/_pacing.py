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
limit), and when its answer has no such header the pacer goes idle (it wakes if a later
answer does carry one).

Headers are not the whole story. A limiter that says nothing (a gateway answering only
``429`` and ``Retry-After``), one that says ``10`` without a window, one that resets by
fixed windows, or one allowance behind several of Ory's buckets: for these the pacer
learns from refusals (:class:`~ory_async._adaptive.Adaptive`: on a 429 the rate drops to
a little under what the server let through and the requests in flight halve, then both
probe back up), takes a bare limit's window from the longest reset it has seen, and
merges two buckets once one's unexplained spending matches the other's own. A server
that refuses with a ``Retry-After`` of seconds shows a fixed window's end
(:class:`~ory_async._pacing_window.QuietWindow`): its quota is then spent at the start of
each window rather than spread at a rate.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Final

import attrs
from yarl import URL

from ._adaptive import MAX_HOLD, Adaptive
from ._buckets import bucket_for
from ._pacing_window import QuietWindow
from ._ratelimit import RATE_LIMIT_HEADERS, Quota, RateLimitInfo, parse_rate_limit

__all__ = ["BucketPace", "Pacer", "Ticket", "TurnLimit", "TurnTooLate"]

logger: Final = logging.getLogger("ory_async")

_ESTIMATE_EVERY: Final = 1.0
"""Seconds between two updates of the estimate of other clients' rate."""
_MIN_SHARE: Final = 0.1
"""The smallest share of a quota's rate the model keeps for itself."""
PROBE_HOLD: Final = 2.0
"""Longest that requests wait for a probe's answer before they go unpaced."""
_ANSWER_WAIT: Final = 1.0
"""Longest a request waits for an answer to free a place in flight before it looks again."""
_JITTER: Final = 0.25
"""Seconds of refill the reserve covers: how early a request may reach the server."""
_OPEN: Final = 64.0
"""The cap on requests in flight at which a server that never refused is left unpaced."""
_STATED_MIN_WINDOW: Final = 2.0
"""Seconds: a stated fixed window shorter than this is paced as if it refilled (its
reset, in whole seconds, says too little about when it ends)."""
_RESET_SLACK: Final = 1.5
"""Seconds a reset may exceed a refilling quota's time to full (whole-second rounding)."""
_FIXED_RESERVE: Final = 0.0
"""Tokens of a fixed window left unspent: none, the server's count is exact and the
requests in flight are taken off it."""
_FIXED_MARGIN: Final = 0.05
"""Seconds after a fixed window's end before its new allowance is spent."""
_HEADER_DECREASE: Final = 0.92
"""The share of its goodput a bucket whose server sends headers drops to on a refusal."""
_SHARED_LOW: Final = 0.4
_SHARED_HIGH: Final = 1.35
"""Bounds, as shares of another bucket's own sending, of one bucket's unexplained
spending for the two to be taken as one allowance (the estimate of others' spending
lags and runs low, hence the wide low bound)."""


def _reserve(quota: Quota) -> float:
    # Tokens left untouched at the server, to absorb latency jitter: a request that
    # arrives a few ms early finds a token rather than a 429. A slow quota (per minute)
    # needs a fraction of a token for that, and a whole one would cost a short job
    # seconds. Half a token more, so the model's count never sits on the edge of the
    # server's whole one.
    limit = quota.limit
    spare = min(max(1, math.floor(0.1 * limit)), quota.rate * _JITTER)
    return max(0.0, min(spare + 0.5, limit - 1.5, 5.5))


class _QuotaState:
    __slots__ = ("limit", "rate", "reserve", "tokens", "window", "window_end")

    def __init__(self, quota: Quota) -> None:
        self.limit = quota.limit
        self.rate = quota.rate
        self.window = quota.window
        self.reserve = _reserve(quota)
        self.tokens = float(quota.limit)
        self.window_end: float | None = None
        """For a quota that resets by fixed window: when the current window ends."""


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
        self.own_rate = 0.0
        """Estimated requests per second this bucket lets go (same cadence as the above)."""
        self._others_spent = 0.0
        self._estimate_start = now
        self._estimate_issued = 0
        self._hold_until = 0.0
        self._longest_reset = 0.0
        self._previous: tuple[int | None, int, float, int] | None = None
        self._anchor: tuple[int, int, float] | None = None
        """The fullest count since it last rose: (limit, remaining, reset)."""
        """The last count seen: (the quota it counts, remaining, when, request number)."""

    @property
    def shape(self) -> tuple[Quota, ...]:
        """The quotas as the server last stated them."""
        return self._shape

    @property
    def limited(self) -> bool:
        """True once the bucket's quotas are known."""
        return bool(self.quotas)

    @property
    def fixed(self) -> bool:
        """True once a quota is known to reset by fixed window (its count is exact)."""
        return any(q.window_end is not None for q in self.quotas)

    def _refill(self, now: float) -> None:
        elapsed = now - self._last
        if elapsed <= 0:
            return
        self._last = now
        others = self.others_rate
        for q in self.quotas:
            end = q.window_end
            if end is None:
                rate = max(q.rate - others, _MIN_SHARE * q.rate)
                q.tokens = min(float(q.limit), q.tokens + elapsed * rate)
            elif now >= end:
                # A fixed window is over: the next one starts with the whole allowance.
                q.tokens = float(q.limit)
                q.window_end = end + q.window * math.ceil((now - end + 1e-9) / q.window)

    def delay(self, now: float) -> float:
        """Seconds to wait from ``now`` before the next request may go (0: at once)."""
        self._refill(now)
        wait = self._hold_until - now
        others = self.others_rate
        for q in self.quotas:
            if q.window_end is not None:
                if q.tokens < 1.0 + _FIXED_RESERVE:
                    wait = max(wait, q.window_end - now + _FIXED_MARGIN)
                continue
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
        quotas = info.quotas
        if not quotas and info.current:
            quotas = self._bare(info.current, info.reset)
        if quotas and quotas != self._shape:
            self._learn(quotas, now)
        self._refill(now)
        # A bare limit's count is about the one quota inferred for it.
        active = info.active_index() if info.quotas else (0 if quotas else None)
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
        quota = self.quotas[active]
        if info.remaining is not None and seq is not None:
            self._spot_fixed_window(info, quota, seq, now)
        if info.remaining is not None and quota.window_end is not None:
            # A fixed window: the server's count is the model (less what is in flight),
            # and its reset says when the window ends (in whole seconds: at the latest).
            quota.tokens = float(info.remaining - in_flight)
            if info.reset is not None:
                end = now + info.reset
                if end < quota.window_end or end > quota.window_end + 0.5 * quota.window:
                    quota.window_end = end
        elif info.remaining is not None:
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

    def _spot_fixed_window(
        self, info: RateLimitInfo, quota: _QuotaState, seq: int, now: float
    ) -> None:
        """Tell a quota that resets by fixed window from one that refills.

        Three signs, each impossible for a refilling quota (whose reset is its time to
        full, in whole seconds): a stated window's reset further away than the spent
        tokens take to refill; a reset that did not grow while the count fell by enough
        to move it by a second; a count that jumps by half the limit more than the rate
        allows (the one sign a window of a second or two gives: its whole-second resets
        say too little).
        """
        remaining = info.remaining
        reset = info.reset
        assert remaining is not None
        previous = self._previous
        self._previous = (info.current, remaining, now, seq)
        if quota.window_end is not None or reset is None:
            return
        if (
            info.quotas
            and quota.window >= _STATED_MIN_WINDOW
            and reset > (quota.limit - remaining) / quota.rate + _RESET_SLACK
        ):
            self._fixed(quota, now + reset)
            return
        anchor = self._anchor
        if anchor is None or anchor[0] != quota.limit or remaining >= anchor[1]:
            self._anchor = (quota.limit, remaining, reset)
        else:
            # Refilling, the count falling from a to b makes the reset grow by more than
            # (a - b - 1) / rate - 1 s, and rate < limit / (reset_a - 1).
            _, was, was_reset = anchor
            if reset <= was_reset and (was - remaining - 1) * (was_reset - 1) >= quota.limit:
                self._fixed(quota, now + reset)
                return
        if previous is None:
            return
        current, was, then, was_seq = previous
        if current != info.current or seq <= was_seq:
            return
        most = was - (seq - was_seq) + quota.rate * (now - then) + 1.0
        if remaining > most + 0.5 * quota.limit:
            self._fixed(quota, now + reset)

    def _fixed(self, quota: _QuotaState, end: float) -> None:
        quota.window_end = end
        self._anchor = None
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("pacing a rate-limit quota that resets by fixed window")

    def _bare(self, limit: int, reset: float | None) -> tuple[Quota, ...]:
        """A limit with no window: the window is the longest reset seen (at least 1 s).

        A token bucket resets (fills up) within its window and a fixed window resets at
        its end, so the longest reset seen approaches the window from below; until it
        does, the rate is overestimated and refusals slow it down.
        """
        if reset is not None and reset > self._longest_reset:
            self._longest_reset = reset
        return (Quota(limit, max(1.0, self._longest_reset)),)

    def _learn(self, quotas: tuple[Quota, ...], now: float) -> None:
        self._shape = quotas
        old = self.quotas
        self.quotas = [_QuotaState(q) for q in quotas]
        if len(old) == len(self.quotas):
            # The same quotas with a better-known window: keep what was spent.
            for new, was in zip(self.quotas, old, strict=True):
                new.tokens = min(new.tokens, was.tokens)
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
        own = (self.issued - self._estimate_issued) / elapsed
        self.own_rate = 0.5 * self.own_rate + 0.5 * own
        self._others_spent = 0.0
        self._estimate_start = now
        self._estimate_issued = self.issued


@attrs.frozen(slots=True)
class TurnLimit:
    """How long one request may wait for its turn; past it :class:`TurnTooLate` is raised.

    Attributes:
        ends_at: ``time.monotonic()`` by which the request must have gone (the call's
            deadline), or ``None``.
        budget: seconds the pacer may hold the request (what is left of the call's
            ``Timeouts.rate_limit_budget``), or ``None``.
    """

    ends_at: float | None = None
    budget: float | None = None

    def check(self, wait: float, held: float, now: float) -> None:
        """Raise :class:`TurnTooLate` if a hold of ``wait`` more seconds cannot fit."""
        if not math.isfinite(wait):
            return  # waiting for an answer to free a place: its length is unknown
        if self.ends_at is not None and now + wait > self.ends_at:
            raise TurnTooLate(wait, self.ends_at - now, "the call's deadline would pass")
        if self.budget is not None and held + wait > self.budget:
            raise TurnTooLate(wait, self.budget - held, "Timeouts.rate_limit_budget would run out")


class TurnTooLate(Exception):
    """The request's turn is further away than its call may still wait: it was not sent."""

    def __init__(self, wait: float, left: float, why: str) -> None:
        self.wait = wait
        self.left = max(left, 0.0)
        self.why = why
        self.sent = 0
        """Requests of the call sent before this one (set by the retry loop)."""
        super().__init__(f"pacing would hold the request {wait:g} s; {why}")


class _Bucket:
    __slots__ = ("adaptive", "host", "lock", "pace", "probing", "state")

    def __init__(self, now: float, host: tuple[str | None, int | None]) -> None:
        self.pace = BucketPace(now)
        self.adaptive = Adaptive()
        self.host = host
        self.state = "new"  # "new" | "probing" | "limited" | "free"
        self.probing: asyncio.Event | None = None
        self.lock: asyncio.Lock | None = None


class Ticket:
    """A request let through by the pacer, to be passed back with its answer."""

    __slots__ = ("adaptive", "bucket", "done", "probe", "sent_at", "seq")

    def __init__(
        self,
        bucket: _Bucket | None,
        seq: int | None,
        *,
        probe: bool,
        sent_at: float | None = None,
        adaptive: Adaptive | None = None,
    ) -> None:
        self.bucket = bucket
        self.seq = seq
        self.probe = probe
        self.sent_at = sent_at
        self.adaptive = adaptive
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
        self._hosts: dict[tuple[str | None, int | None], Adaptive] = {}
        """What refusals without rate-limit headers taught, per server."""
        self._windows: dict[tuple[str | None, int | None], QuietWindow] = {}
        """The fixed windows such refusals showed, per server."""
        self._host_locks: dict[int, asyncio.Lock] = {}
        self._answered: asyncio.Event | None = None
        self._quiet = 0
        self._quiet_since: float | None = None
        self.waited = 0.0
        """Seconds requests have spent waiting for their turn, all together."""

    def _bucket(self, method: str, url: URL) -> _Bucket:
        key = (url.raw_host, url.port, bucket_for(method, url.raw_path))
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(self._clock(), key[:2])
        return bucket

    async def acquire(self, method: str, url: URL, limit: TurnLimit | None = None) -> Ticket | None:
        """Wait until ``method url`` may be sent; None when it is not paced.

        Raises:
            TurnTooLate: the turn is further away than ``limit`` allows (checked before
                each hold, so it is raised at once rather than after waiting).
        """
        while self._state == "start":
            if self._probing is None:
                self._probing = asyncio.Event()
                return Ticket(None, None, probe=True)
            if not await _wait_for(self._probing):
                # A slow first answer must not hold everyone: go on unpaced (the pacer
                # wakes up if that answer, or a later one, shows a rate limit).
                self._go_idle()
        host = self._hosts.get((url.raw_host, url.port)) if self._hosts else None
        if self._state == "idle":
            return None if host is None else await self._adaptive_turn(host, url, limit)
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
            return None if host is None else await self._adaptive_turn(host, url, limit)
        if bucket.lock is None:
            bucket.lock = asyncio.Lock()
        pace = bucket.pace
        held = 0.0
        async with bucket.lock:  # first come, first served
            while True:
                now = self._clock()
                adaptive = bucket.adaptive  # (replaced when a fixed window shows)
                wait = max(pace.delay(now), adaptive.delay(now))
                if wait <= 0:
                    adaptive.take(now)
                    return Ticket(
                        bucket, pace.take(now), probe=False, sent_at=now, adaptive=adaptive
                    )
                if limit is not None:
                    limit.check(wait, held, now)
                await self._wait(wait)
                if math.isfinite(wait):
                    held += wait

    async def _adaptive_turn(self, adaptive: Adaptive, url: URL, limit: TurnLimit | None) -> Ticket:
        """Wait until ``adaptive`` lets a request go (a server that sends no headers)."""
        window = self._windows.get((url.raw_host, url.port))
        lock = self._host_locks.get(id(adaptive))
        if lock is None:
            lock = self._host_locks[id(adaptive)] = asyncio.Lock()
        held = 0.0
        async with lock:  # first come, first served
            while True:
                now = self._clock()
                if window is not None and window.active:
                    # A fixed window: its quota goes at once, not spread at a rate.
                    full = adaptive.cap is not None and adaptive.in_flight >= adaptive.cap
                    wait = float("inf") if full else window.delay(now)
                else:
                    wait = adaptive.delay(now)
                if wait <= 0:
                    adaptive.take(now)
                    if window is not None:
                        window.take()
                    return Ticket(None, None, probe=False, sent_at=now, adaptive=adaptive)
                if limit is not None:
                    limit.check(wait, held, now)
                await self._wait(wait)
                if math.isfinite(wait):
                    held += wait

    async def _wait(self, seconds: float) -> None:
        """Sleep ``seconds``, or until an answer arrives when it is infinite (a full cap)."""
        if math.isfinite(seconds):
            self.waited += seconds
            await self._sleep(seconds)
            return
        if self._answered is None:
            self._answered = asyncio.Event()
        started = self._clock()
        try:
            async with asyncio.timeout(_ANSWER_WAIT):
                await self._answered.wait()
        except TimeoutError:
            pass
        self.waited += self._clock() - started

    def observe(
        self,
        ticket: Ticket | None,
        method: str,
        url: URL,
        status: int,
        headers: Mapping[str, str],
    ) -> None:
        """Fold in the answer to a request (its ticket, or None if it was not paced)."""
        if ticket is None:
            if self.idle and status != 429 and not carries_rate_limit(headers):
                # The cheap path of every answer from a server that sends no headers:
                # count it, for the first estimate of its rate should it ever refuse.
                self._quiet += 1
                if self._quiet_since is None:
                    self._quiet_since = self._clock()
                return
        else:
            if ticket.done:
                return
            ticket.done = True
            adaptive = ticket.adaptive
            if adaptive is not None:
                adaptive.answered(self._clock(), ok=status != 429)
                if ticket.bucket is None and self._windows:
                    window = self._windows.get((url.raw_host, url.port))
                    if window is not None:
                        window.answered(ticket.sent_at, ok=status != 429)
                self._wake_waiters()
                if adaptive.slow_start and adaptive.cap is not None and adaptive.cap >= _OPEN:
                    self._open(url)
        info = parse_rate_limit(headers)
        if info is not None and info.reset is not None and info.reset > MAX_HOLD:
            # A reset hours away (a misconfigured or hostile server) must not hold every
            # later call that long: no server-driven hold is longer than MAX_HOLD.
            info = attrs.evolve(info, reset=MAX_HOLD)
        if info is None and status == 429 and (ticket is None or ticket.bucket is None):
            self._refused_quietly(ticket, url, headers)
            return
        if self._state != "active":
            if info is None:
                if ticket is not None and ticket.probe:
                    self._go_idle(url if status != 429 else None)
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
            if status == 429:
                self._refused_quietly(ticket, url, headers)
            return
        seq, sent_at = (ticket.seq, ticket.sent_at) if ticket is not None else (None, None)
        now = self._clock()
        pace = bucket.pace
        pace.observe(info, seq, now, status, sent_at)
        if pace.fixed:
            if bucket.adaptive.active:
                # What refusals taught came from misreading a fixed window as refilling.
                bucket.adaptive = Adaptive()
        elif status == 429:
            # The model already counts what was in flight and keeps a reserve: only the
            # rate is learned here, and a gentler cut does.
            bucket.adaptive.refused(now, sent_at, None, None, decrease=_HEADER_DECREASE)
        elif ticket is None or ticket.adaptive is None:
            bucket.adaptive.succeeded(now)
        if bucket.state != "limited":
            self._settle(bucket, "limited")
        if pace.others_rate > 0.5:
            self._merge_if_shared(bucket)

    def _refused_quietly(self, ticket: Ticket | None, url: URL, headers: Mapping[str, str]) -> None:
        """A 429 with no rate-limit header: learn the server's rate from refusals."""
        now = self._clock()
        if self._state == "start":
            self._state = "idle"  # the probe itself was refused
            self._wake_start()
        key = (url.raw_host, url.port)
        adaptive = self._hosts.get(key)
        if adaptive is None:
            adaptive = self._hosts[key] = Adaptive()
            self.idle = False
        if adaptive.rate is None:
            # What it let through so far, over at least a second (a burst is not a rate);
            # the first cut takes a little off that.
            count = self._quiet + adaptive.successes
            since = self._quiet_since or adaptive.first_success
            adaptive.rate = max(count, 1) / max(now - since if since else 0.0, 1.0)
        in_flight = adaptive.in_flight + 1 if adaptive.cap is not None else None
        sent_at = ticket.sent_at if ticket is not None else None
        retry_after = _retry_after(headers)
        adaptive.refused(now, sent_at, in_flight, retry_after)
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = QuietWindow()
        window.refused(now, retry_after)

    def _merge_if_shared(self, bucket: _Bucket) -> None:
        """Merge ``bucket`` into another whose own sending matches its unexplained spending.

        Two of Ory's buckets behind one allowance (a gateway's, or a map that differs)
        each see the other's requests as someone else's: when one's estimate of others'
        rate matches what the other sends, they are one bucket.
        """
        pace = bucket.pace
        for key, other in self._buckets.items():
            if other is bucket or other.host != bucket.host or other.state != "limited":
                continue
            if [q.limit for q in other.pace.shape] != [q.limit for q in pace.shape]:
                continue  # (a bare limit's window is a guess: the limits must match)
            theirs = other.pace.own_rate
            if theirs > 0.5 and _SHARED_LOW * theirs <= pace.others_rate <= _SHARED_HIGH * theirs:
                for k, b in list(self._buckets.items()):
                    if b is bucket:
                        self._buckets[k] = other
                other.pace.others_rate = 0.0
                if logger.isEnabledFor(logging.DEBUG):
                    logger.debug("pacing two rate-limit buckets as one (%s)", key[2])
                return

    def _wake_waiters(self) -> None:
        event, self._answered = self._answered, None
        if event is not None:
            event.set()

    def forget(self, ticket: Ticket | None) -> None:
        """The request of ``ticket`` got no answer (failed or cancelled)."""
        if ticket is None or ticket.done:
            return
        ticket.done = True
        if ticket.adaptive is not None:
            ticket.adaptive.forget()
            self._wake_waiters()
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

    def _go_idle(self, url: URL | None = None) -> None:
        """No rate-limit headers: nothing is paced.

        After a probe's answer (``url``) the requests in flight first double with each
        round of answers until they are many, so that a burst into an unknown limit is
        refused a handful at a time, not all at once.
        """
        self._state = "idle"
        if url is not None and (url.raw_host, url.port) not in self._hosts:
            self._hosts[(url.raw_host, url.port)] = Adaptive.starting()
            self._windows[(url.raw_host, url.port)] = QuietWindow()
        self.idle = not self._hosts
        self._wake_start()

    def _open(self, url: URL) -> None:
        """The start of an unlimited server is over: stop pacing it."""
        self._hosts.pop((url.raw_host, url.port), None)
        self.idle = self._state == "idle" and not self._hosts

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
    return any(name in headers for name in RATE_LIMIT_HEADERS)


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """``Retry-After`` in seconds, from seconds or an HTTP date (None: absent or malformed)."""
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return max(seconds, 0.0) if math.isfinite(seconds) else None
