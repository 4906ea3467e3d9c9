"""Learning a server's limit from its 429 answers: AIMD on the rate and the requests in flight.

Many limiters say nothing about themselves until they refuse (a gateway in front of
self-hosted Kratos answers ``429`` with at most a ``Retry-After``), and even those that
send headers may count differently from what the headers suggest. :class:`Adaptive`
learns from what the server does: when a request is refused, the rate drops to a little
under what the server was letting through (its goodput over the last second) and the
requests in flight are cut as much; each success then raises both a little, so that the
rate probes back up until the next refusal. Refusals of requests sent before the last
cut say nothing new (they were sent at the old rate) and do not cut again.

Pure bookkeeping on a caller-supplied clock (seconds, monotonic), like
:class:`~ory_async._pacing.BucketPace`.
"""

from __future__ import annotations

from collections import deque
from typing import Final

__all__ = ["Adaptive"]

_DECREASE: Final = 0.85
"""The share of the measured goodput the rate drops to after a refusal."""
_GROWTH: Final = 0.04
"""How much each success raises the rate, as a share of a request a second: the rate
grows by about 4% a second while every request succeeds."""
_MIN_RATE: Final = 0.2
"""The slowest the rate goes (requests a second)."""
_GOODPUT_WINDOW: Final = 1.0
"""Seconds of successes that measure what the server lets through."""
MAX_HOLD: Final = 60.0
"""The longest a server's ``Retry-After`` holds every request (a wild value is capped)."""


class Adaptive:
    """The AIMD model of one limit: a rate, a cap on requests in flight, a hold.

    Inactive (costs nothing, holds nothing) until the first refusal.
    """

    __slots__ = (
        "_cut_at",
        "_first_success",
        "_next_at",
        "_successes",
        "cap",
        "hold_until",
        "in_flight",
        "rate",
        "slow_start",
        "successes",
    )

    def __init__(self) -> None:
        self.rate: float | None = None
        """Requests a second it lets go (None: not limited yet)."""
        self.cap: float | None = None
        """Requests it lets be in flight at once (None: not limited yet)."""
        self.in_flight = 0
        self.hold_until = 0.0
        self._next_at = 0.0
        self._cut_at = -1.0
        self._first_success: float | None = None
        self._successes: deque[float] = deque()
        self.successes = 0
        """Answers that were not refused, all together."""
        self.slow_start = False
        """The cap doubles with each round of answers (a server not yet known)."""

    @classmethod
    def starting(cls) -> Adaptive:
        """A model for a server that sent no rate-limit header yet.

        Two requests in flight, one more with each answer (doubling each round), no rate.
        """
        model = cls()
        model.cap = 2.0
        model.slow_start = True
        return model

    @property
    def active(self) -> bool:
        """True once a refusal has set a rate."""
        return self.rate is not None

    @property
    def first_success(self) -> float | None:
        """When the first success was counted."""
        return self._first_success

    def delay(self, now: float) -> float:
        """Seconds to wait from ``now`` before the next request may go (0: at once).

        ``inf`` when the requests in flight are at the cap: wait for an answer.
        """
        if self.cap is not None and self.in_flight >= self.cap:
            return float("inf")
        if self.rate is None:
            return 0.0
        wait = max(self.hold_until, self._next_at) - now
        return wait if wait > 1e-6 else 0.0

    def take(self, now: float) -> None:
        """A request goes now."""
        self.in_flight += 1
        if self.rate is not None:
            self._next_at = max(self._next_at, now) + 1.0 / self.rate

    def answered(self, now: float, *, ok: bool) -> None:
        """A request that :meth:`take` counted got an answer (``ok``: not refused)."""
        self.in_flight = max(self.in_flight - 1, 0)
        if ok:
            self.succeeded(now)

    def forget(self) -> None:
        """A request that :meth:`take` counted got no answer."""
        self.in_flight = max(self.in_flight - 1, 0)

    def succeeded(self, now: float) -> None:
        """A request was let through: count it, and probe a little higher."""
        self.successes += 1
        if self._first_success is None:
            self._first_success = now
        successes = self._successes
        successes.append(now)
        while successes and successes[0] < now - _GOODPUT_WINDOW:
            successes.popleft()
        if self.rate is not None:
            self.rate += _GROWTH
        if self.cap is not None:
            self.cap += 1.0 if self.slow_start else 1.0 / self.cap

    def goodput(self, now: float) -> float | None:
        """Successes a second over the last second (None: measured for too short a time)."""
        first = self._first_success
        if first is None:
            return None
        span = min(now - first, _GOODPUT_WINDOW)
        if span < 0.5 * _GOODPUT_WINDOW:
            return None
        successes = self._successes
        while successes and successes[0] < now - _GOODPUT_WINDOW:
            successes.popleft()
        return len(successes) / span

    def refused(
        self,
        now: float,
        sent_at: float | None,
        in_flight: int | None,
        retry_after: float | None,
        *,
        decrease: float = _DECREASE,
    ) -> bool:
        """A request sent at ``sent_at`` was refused; whether this cut the rate.

        ``in_flight`` is how many requests were in flight when it was refused (None:
        unknown), and the cap on them drops below that; ``retry_after`` holds every
        request that long. Until a rate is known (set :attr:`rate`, or a second of
        successes measured) a refusal only holds. ``decrease`` is the share of the
        goodput the rate drops to.
        """
        if retry_after is not None and retry_after > 0:
            self.hold_until = max(self.hold_until, now + min(retry_after, MAX_HOLD))
        if self._cut_at >= 0 and (sent_at is None or sent_at <= self._cut_at):
            # Sent at the old rate (or when, unknown): the last cut already answered it.
            return False
        goodput = self.goodput(now)
        current = self.rate
        if goodput is not None and goodput > 0:
            current = goodput if current is None else min(current, goodput)
        if current is None:
            return False
        self._cut_at = now
        self.slow_start = False
        self.rate = max(decrease * current, _MIN_RATE)
        if in_flight is not None:
            shrunk = _DECREASE * min(self.cap or float(in_flight), float(in_flight))
            self.cap = max(shrunk, 1.0)
        self._next_at = max(self._next_at, now + 1.0 / self.rate)
        return True
