"""When and how long to retry: :class:`RetryPolicy`.

The policy only decides; the transport runs the loop (:meth:`Transport.send`).
"""

from __future__ import annotations

import random
from typing import Final

import attrs

from ._methods import IDEMPOTENT_METHODS
from .errors import ApiError, OryError, TransportError

__all__ = [
    "IDEMPOTENT_METHODS",
    "RETRYABLE_STATUSES",
    "RetryPolicy",
    "describe_failure",
    "is_rate_limited",
]

RETRYABLE_STATUSES: Final = frozenset({429, 502, 503, 504})
"""Statuses that mean "try again later": rate limited or a gateway/availability failure."""


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

    429s are bounded by time, not by a count: a call goes on waiting out 429 answers
    until those waits add up to ``rate_limit_budget`` seconds (a paced bulk job must not
    fail because it waited its turn); they count neither against ``attempts`` nor
    against ``timeout``. The client's ``deadline=`` caps everything.

    The wait before each retry is the server's ``Retry-After`` or ``x-ratelimit-reset``
    when it sends one (capped at ``max_server_wait``), else exponential backoff
    ``wait_initial * wait_exp_base ** n`` plus up to ``wait_jitter`` seconds of random
    jitter, capped at ``wait_max``.

    Attributes:
        attempts: total tries for failures other than 429, the first one included
            (1: no such retries).
        timeout: cap in seconds on the retry sequence for failures other than 429
            (``None``: no cap).
        wait_initial: first backoff in seconds.
        wait_max: largest backoff between two tries, in seconds.
        wait_jitter: largest random addition to each backoff, in seconds.
        wait_exp_base: growth factor of the backoff.
        max_server_wait: largest wait taken from a server header, in seconds.
        retry_non_idempotent: also retry POST and PATCH.
        rate_limit_budget: most seconds one call spends waiting after 429 answers, all
            its retries together (0: a 429 is not retried; ``None``: no cap but the
            client's ``deadline``).
    """

    attempts: int = attrs.field(default=4, validator=_attempts)
    timeout: float | None = 60.0
    wait_initial: float = attrs.field(default=0.5, validator=_positive)
    wait_max: float = attrs.field(default=8.0, validator=_positive)
    wait_jitter: float = attrs.field(default=0.5, validator=_positive)
    wait_exp_base: float = attrs.field(default=2.0, validator=_positive)
    max_server_wait: float = attrs.field(default=60.0, validator=_positive)
    retry_non_idempotent: bool = False
    rate_limit_budget: float | None = attrs.field(default=300.0)

    @rate_limit_budget.validator
    def _check_budget(self, _: attrs.Attribute[float | None], value: float | None) -> None:
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float) or value < 0
        ):
            msg = f"RetryPolicy.rate_limit_budget must be None or >= 0, got {value!r}"
            raise ValueError(msg)

    @classmethod
    def none(cls) -> RetryPolicy:
        """A policy that never retries, not even after a 429."""
        return cls(attempts=1, rate_limit_budget=0.0)

    def should_retry(self, method: str, exc: BaseException, *, unsent_only: bool = False) -> bool:
        """Whether ``exc``, raised by a ``method`` request, is worth another try.

        A 429 is worth it for every method (whether its budget allows is the caller's
        check, see :func:`is_rate_limited`). With ``unsent_only`` a non-idempotent
        request is also retried when it certainly was not sent: the connection never
        opened.
        """
        if not isinstance(exc, OryError):
            return False  # includes CancelledError and programming errors
        if is_rate_limited(exc):
            return True
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


def is_rate_limited(exc: BaseException) -> bool:
    """Whether ``exc`` is a 429 answer, which Ory never applies."""
    return isinstance(exc, ApiError) and exc.status == 429


def describe_failure(exc: BaseException) -> str:
    """A short name for why an attempt failed, for log lines (``HTTP 503``, ``TransportError``)."""
    if isinstance(exc, ApiError):
        return f"HTTP {exc.status}"
    return type(exc).__name__
