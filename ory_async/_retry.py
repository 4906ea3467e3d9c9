"""When and how long to retry: :class:`RetryPolicy`, and one call's retry state.

The transport sends attempts; everything else about retrying lives here: which failures
are worth another try (:meth:`RetryPolicy.should_retry`), how long to wait
(:meth:`RetryPolicy.wait_for`), and, for one call, whether the next wait still fits its
budgets and deadline (:func:`decide`, kept by :class:`Retrying` with the call's counters).
Waits go through :func:`pause`, which ``ory_async.testing.no_waits()`` switches to a
recorder.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Final

import attrs

from ._methods import IDEMPOTENT_METHODS
from ._timeouts import NOT_GIVEN, NotGiven, Timeouts, warn_renamed
from .errors import ApiError, OryError, TransportError

__all__ = [
    "IDEMPOTENT_METHODS",
    "MIN_RATE_LIMIT_WAIT",
    "RETRYABLE_STATUSES",
    "GiveUp",
    "RetryPolicy",
    "Retrying",
    "decide",
    "describe_failure",
    "done_already",
    "is_rate_limited",
    "may_have_applied",
    "pause",
    "set_waiter",
]

RETRYABLE_STATUSES: Final = frozenset({429, 502, 503, 504})
"""Statuses that mean "try again later": rate limited or a gateway/availability failure."""
MIN_RATE_LIMIT_WAIT: Final = 0.1
"""Shortest wait after a 429, even when the server says it resets now."""

Waiter = Callable[[float], Awaitable[object]]
_waiter: Waiter = asyncio.sleep


async def pause(seconds: float) -> None:
    """Wait ``seconds`` before a retry (or hand the wait to the test switch)."""
    await _waiter(seconds)


def set_waiter(waiter: Waiter | None) -> Waiter:
    """Make every retry wait call ``waiter`` (``None``: really sleep); returns the previous one.

    Only for ``ory_async.testing.no_waits()``.
    """
    global _waiter
    previous = _waiter
    _waiter = asyncio.sleep if waiter is None else waiter
    return previous


def _positive(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if value < 0:
        msg = f"RetryPolicy.{attribute.name} must be >= 0, got {value!r}"
        raise ValueError(msg)


def _attempts(_: object, __: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"RetryPolicy.attempts must be an int >= 1 (1 means no retries), got {value!r}"
        raise ValueError(msg)


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How ory_async retries a request that failed for a reason worth retrying.

    Retried: connection failures and timeouts, and the statuses 502, 503 and 504, for
    idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) only. POST and PATCH are retried
    only with ``retry_non_idempotent=True``: a lost answer to a write may mean it was
    applied. A 429 is retried for every method, POST and PATCH included: Ory rejects
    it before processing, so nothing was applied. Other 4xx answers are never retried,
    nor is cancellation.

    How long a call may go on retrying is a time limit, set with the client's other
    limits in :class:`~ory_async.Timeouts`: ``retry_budget`` for failures other than 429,
    ``rate_limit_budget`` for the waits after 429s (a paced bulk job must not fail
    because it waited its turn; these count neither against ``attempts`` nor against
    ``retry_budget``), and ``deadline`` over everything.

    The wait before each retry is the server's ``Retry-After`` or ``x-ratelimit-reset``
    when it sends one (capped at ``max_server_wait``), else exponential backoff
    ``wait_initial * wait_exp_base ** n`` plus up to ``wait_jitter`` seconds of random
    jitter, capped at ``wait_max``.

    Attributes:
        attempts: total tries for failures other than 429, the first one included
            (1: no such retries).
        wait_initial: first backoff in seconds.
        wait_max: largest backoff between two tries, in seconds.
        wait_jitter: largest random addition to each backoff, in seconds.
        wait_exp_base: growth factor of the backoff.
        max_server_wait: largest wait taken from a server header, in seconds.
        retry_non_idempotent: also retry POST and PATCH.
        retry_rate_limited: retry 429 answers (within ``Timeouts.rate_limit_budget``);
            ``False`` raises the first ``RateLimitedError``.
        timeout: deprecated, use ``Timeouts(retry_budget=...)``; when given it wins.
        rate_limit_budget: deprecated, use ``Timeouts(rate_limit_budget=...)``; when
            given it wins.
    """

    attempts: int = attrs.field(default=4, validator=_attempts)
    wait_initial: float = attrs.field(default=0.5, validator=_positive)
    wait_max: float = attrs.field(default=8.0, validator=_positive)
    wait_jitter: float = attrs.field(default=0.5, validator=_positive)
    wait_exp_base: float = attrs.field(default=2.0, validator=_positive)
    max_server_wait: float = attrs.field(default=60.0, validator=_positive)
    retry_non_idempotent: bool = False
    retry_rate_limited: bool = True
    timeout: float | NotGiven | None = attrs.field(default=NOT_GIVEN, repr=False)
    rate_limit_budget: float | NotGiven | None = attrs.field(default=NOT_GIVEN, repr=False)

    @timeout.validator
    def _check_timeout(self, _: attrs.Attribute[float | None], value: object) -> None:
        if (
            value is not NOT_GIVEN
            and value is not None
            and (isinstance(value, bool) or not isinstance(value, int | float) or value < 0)
        ):
            msg = f"RetryPolicy.timeout must be None or >= 0, got {value!r}"
            raise ValueError(msg)

    @rate_limit_budget.validator
    def _check_budget(self, _: attrs.Attribute[float | None], value: object) -> None:
        if (
            value is not NOT_GIVEN
            and value is not None
            and (isinstance(value, bool) or not isinstance(value, int | float) or value < 0)
        ):
            msg = f"RetryPolicy.rate_limit_budget must be None or >= 0, got {value!r}"
            raise ValueError(msg)

    def __attrs_post_init__(self) -> None:
        if self.timeout is not NOT_GIVEN:
            warn_renamed("RetryPolicy(timeout=...)", "Timeouts(retry_budget=...)")
        if self.rate_limit_budget is not NOT_GIVEN:
            warn_renamed("RetryPolicy(rate_limit_budget=...)", "Timeouts(rate_limit_budget=...)")

    @classmethod
    def none(cls) -> RetryPolicy:
        """A policy that never retries, not even after a 429."""
        return cls(attempts=1, retry_rate_limited=False)

    def limits(self, timeouts: Timeouts) -> Timeouts:
        """``timeouts`` with this policy's deprecated ``timeout``/``rate_limit_budget`` in force."""
        changes: dict[str, float | None] = {}
        if not isinstance(self.timeout, NotGiven):
            changes["retry_budget"] = self.timeout
        if not isinstance(self.rate_limit_budget, NotGiven):
            changes["rate_limit_budget"] = self.rate_limit_budget
        return attrs.evolve(timeouts, **changes) if changes else timeouts

    def should_retry(self, method: str, exc: BaseException, *, unsent_only: bool = False) -> bool:
        """Whether ``exc``, raised by a ``method`` request, is worth another try.

        A 429 is worth it for every method unless ``retry_rate_limited`` is off (whether
        its budget allows is :func:`decide`'s check). With ``unsent_only`` a
        non-idempotent request is also retried when it certainly was not sent: the
        connection never opened.
        """
        if not isinstance(exc, OryError):
            return False  # includes CancelledError and programming errors
        if is_rate_limited(exc):
            return self.retry_rate_limited
        if method not in IDEMPOTENT_METHODS and not self.retry_non_idempotent:
            if not unsent_only:
                return False
            return isinstance(exc, TransportError) and exc.request_sent is False
        if isinstance(exc, TransportError):
            return True
        return isinstance(exc, ApiError) and exc.status in RETRYABLE_STATUSES

    def wait_for(self, retry_number: int, exc: BaseException) -> float:
        """Seconds to wait before retry number ``retry_number`` (1-based) after ``exc``."""
        if isinstance(exc, ApiError):
            hinted = exc.retry_after
            if hinted is not None:
                return min(hinted, self.max_server_wait)
        backoff = self.wait_initial * self.wait_exp_base ** (retry_number - 1)
        jitter = random.uniform(0, self.wait_jitter) if self.wait_jitter else 0.0  # noqa: S311
        return min(self.wait_max, backoff + jitter)


@attrs.frozen(slots=True)
class GiveUp:
    """:func:`decide`'s answer when the call should raise its failure now."""

    note: str | None = None
    """Why, when it is not plain from the error (added to it as a note)."""


@attrs.define(slots=True)
class Retrying:
    """One call's retries so far: what :func:`decide` weighs the next failure against.

    Attributes:
        started: ``time.monotonic()`` when the first attempt started.
        deadline_at: ``time.monotonic()`` past which no wait may end (``None``: none).
        tries: attempts made.
        counted: attempts that count against ``RetryPolicy.attempts`` (429s do not).
        limited: retries after a 429.
        limited_wait: seconds waited after 429s.
    """

    started: float
    deadline_at: float | None = None
    tries: int = 1
    counted: int = 1
    limited: int = 0
    limited_wait: float = 0.0

    def waited(self, error: OryError, wait: float) -> None:
        """Count a retry about to be sent after ``wait`` seconds spent on ``error``."""
        self.tries += 1
        if is_rate_limited(error):
            self.limited += 1
            self.limited_wait += wait
        else:
            self.counted += 1

    def give_up(self, error: OryError, verdict: GiveUp) -> OryError:
        """``error``, marked with the attempts made and why they stopped."""
        if verdict.note is not None:
            error.add_note(verdict.note)
        if self.tries > 1:
            error.add_note(f"ory_async gave up after {self.tries} attempts")
        error.attempts = self.tries
        return error


def decide(
    error: OryError,
    *,
    method: str,
    unsent_only: bool,
    policy: RetryPolicy,
    limits: Timeouts,
    state: Retrying,
    now: float,
) -> float | GiveUp:
    """Seconds to wait before retrying after ``error``, or :class:`GiveUp`.

    A 429 is retried while the waits after 429s fit ``limits.rate_limit_budget``; any
    other failure while the policy says it is worth it, within ``policy.attempts`` and
    ``limits.retry_budget``. No wait is started that would end past the call's deadline.
    """
    if (
        state.tries == 1
        and method in IDEMPOTENT_METHODS
        and type(error) is TransportError
        and error.request_sent is None
    ):
        # The connection dropped (often a kept-alive one the server had closed): resend
        # at once, once, whatever the policy, as aiohttp would have done unseen.
        return 0.0
    asked = error.retry_after if isinstance(error, ApiError) else None
    if is_rate_limited(error):
        if not policy.retry_rate_limited:
            return GiveUp()
        wait = max(policy.wait_for(state.limited + 1, error), MIN_RATE_LIMIT_WAIT)
        budget = limits.rate_limit_budget
        left = None if budget is None else budget - state.limited_wait
        if left is not None and max(wait, asked or 0.0) > left:
            return _too_long(asked, left, "Timeouts.rate_limit_budget would run out")
    else:
        window = limits.retry_budget
        if (
            state.counted >= policy.attempts
            or not policy.should_retry(method, error, unsent_only=unsent_only)
            or (window is not None and now - state.started >= window)
        ):
            return GiveUp()
        wait = policy.wait_for(state.counted, error)
        left = None if window is None else window - (now - state.started)
        if asked is not None and left is not None and asked > left:
            return _too_long(asked, left, "Timeouts.retry_budget would run out")
    if state.deadline_at is not None:
        left = state.deadline_at - now
        if asked is not None and asked >= left:
            return _too_long(asked, left, "the call's deadline would pass")
        if wait >= left:
            return GiveUp("ory_async stopped retrying: the call's deadline would pass")
    return wait


def _too_long(asked: float | None, left: float, why: str) -> GiveUp:
    """Give up at once: the server asks for a longer wait than the call may still spend."""
    if asked is None:
        return GiveUp()
    return GiveUp(
        f"ory_async stopped retrying: {why} (the server asked to wait {asked:g} s, "
        f"{max(left, 0.0):.3g} s were left)"
    )


def may_have_applied(error: OryError) -> bool:
    """Whether the request behind ``error`` may have reached the server and been applied.

    True when its answer was lost after it was sent (the connection dropped or the
    read timed out), not when the connection never opened.
    """
    return isinstance(error, TransportError) and error.request_sent is not False


def done_already(method: str, error: OryError, *, lost_before: bool) -> bool:
    """Whether ``error`` on a retry only says the call's goal was reached already.

    A ``DELETE`` retried after an attempt whose answer was lost and answered 404: the
    lost attempt deleted it. A 404 on a first attempt (``lost_before`` false) is not.
    """
    return (
        lost_before and method == "DELETE" and isinstance(error, ApiError) and error.status == 404
    )


def is_rate_limited(exc: BaseException) -> bool:
    """Whether ``exc`` is a 429 answer, which Ory never applies."""
    return isinstance(exc, ApiError) and exc.status == 429


def describe_failure(exc: BaseException) -> str:
    """A short name for why an attempt failed, for log lines (``HTTP 503``, ``TransportError``)."""
    if isinstance(exc, ApiError):
        return f"HTTP {exc.status}"
    return type(exc).__name__
