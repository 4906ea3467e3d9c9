"""When and how long to retry: :class:`RetryPolicy`, run on top of stamina."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import Final, TypeVar

import attrs
import stamina

from .errors import ApiError, OryError, TransportError

__all__ = ["IDEMPOTENT_METHODS", "RETRYABLE_STATUSES", "RetryPolicy"]

T = TypeVar("T")
logger: Final = logging.getLogger("ory_async")

IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
"""Methods that are safe to send twice, and so are retried by default."""

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

    Retried: connection failures and timeouts, and the statuses 429, 502, 503 and 504,
    for idempotent methods (GET, HEAD, PUT, DELETE) only. POST and PATCH are retried
    only with ``retry_non_idempotent=True``: a lost answer to a write may mean it was
    applied. 4xx answers other than 429 are never retried, nor is cancellation.

    The wait before each retry is the server's ``Retry-After`` or ``x-ratelimit-reset``
    when it sends one (capped at ``max_server_wait``), else exponential backoff
    ``wait_initial * wait_exp_base ** n`` plus up to ``wait_jitter`` seconds of random
    jitter, capped at ``wait_max``.

    Attributes:
        attempts: total tries, the first one included (1 disables retries).
        timeout: cap in seconds on the whole retry sequence (``None``: no cap).
        wait_initial: first backoff in seconds.
        wait_max: largest backoff between two tries, in seconds.
        wait_jitter: largest random addition to each backoff, in seconds.
        wait_exp_base: growth factor of the backoff.
        max_server_wait: largest wait taken from a server header, in seconds.
        retry_non_idempotent: also retry POST and PATCH.
    """

    attempts: int = attrs.field(default=4, validator=_attempts)
    timeout: float | None = 60.0
    wait_initial: float = attrs.field(default=0.5, validator=_positive)
    wait_max: float = attrs.field(default=8.0, validator=_positive)
    wait_jitter: float = attrs.field(default=0.5, validator=_positive)
    wait_exp_base: float = attrs.field(default=2.0, validator=_positive)
    max_server_wait: float = attrs.field(default=60.0, validator=_positive)
    retry_non_idempotent: bool = False

    @classmethod
    def none(cls) -> RetryPolicy:
        """A policy that never retries."""
        return cls(attempts=1)

    def should_retry(self, method: str, exc: BaseException, *, unsent_only: bool = False) -> bool:
        """Whether ``exc``, raised by a ``method`` request, is worth another try.

        With ``unsent_only`` a non-idempotent request is still retried when it certainly
        was not applied: the connection never opened, or the server answered 429.
        """
        if not isinstance(exc, OryError):
            return False  # includes CancelledError and programming errors
        if method not in IDEMPOTENT_METHODS and not self.retry_non_idempotent:
            if not unsent_only:
                return False
            if isinstance(exc, TransportError):
                return exc.request_sent is False
            return isinstance(exc, ApiError) and exc.status == 429
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

    async def run(
        self,
        method: str,
        path: str,
        send: Callable[[], Awaitable[T]],
        *,
        unsent_only: bool = False,
    ) -> T:
        """Call ``send`` until it succeeds, fails for good, or the attempts run out.

        The last error is raised with a note saying how many attempts were made.
        """
        # The first attempt needs no retry machinery: most requests succeed at once, and
        # setting up a retry loop costs more than a small request itself.
        started = time.monotonic()
        try:
            return await send()
        except OryError as exc:
            return await self.retry_after(
                exc, method, path, send, unsent_only=unsent_only, started=started
            )

    async def retry_after(
        self,
        first_error: OryError,
        method: str,
        path: str,
        send: Callable[[], Awaitable[T]],
        *,
        unsent_only: bool = False,
        started: float,
    ) -> T:
        """Carry on after a first attempt failed with ``first_error``.

        Re-raises it at once when it is not worth a retry (or retries are off); else
        waits, calls ``send`` again, and so on, exactly as :meth:`run` does after its
        first attempt. ``started`` is the ``time.monotonic()`` of that first attempt.
        """
        if self.attempts == 1 or not self.should_retry(
            method, first_error, unsent_only=unsent_only
        ):
            first_error.attempts = 1
            raise first_error
        pending: OryError | None = first_error
        tries = 1

        def backoff_hook(exc: Exception) -> bool | float:
            if (
                not self.should_retry(method, exc, unsent_only=unsent_only)
                or tries >= self.attempts
            ):
                return False
            wait = self.wait_for(tries, exc)
            logger.info(
                "retrying %s %s in %.2f s (attempt %d of %d) after %s",
                method,
                path,
                wait,
                tries + 1,
                self.attempts,
                _why(exc),
            )
            return wait

        timeout = self.timeout
        if timeout is not None:
            timeout = max(timeout - (time.monotonic() - started), 1e-3)
        try:
            async for attempt in stamina.retry_context(
                on=backoff_hook,
                attempts=self.attempts,
                timeout=timeout,
                wait_initial=self.wait_initial,
                wait_max=self.wait_max,
                wait_jitter=self.wait_jitter,
                wait_exp_base=self.wait_exp_base,
            ):
                with attempt:
                    if pending is not None:
                        # stamina's first attempt is the one already made: it fails the
                        # same way, so backoff, hooks and instrumentation run as usual.
                        failed, pending = pending, None
                        raise failed
                    tries += 1
                    return await send()
        except OryError as exc:
            if tries > 1:
                exc.add_note(f"ory_async gave up after {tries} attempts")
            exc.attempts = tries
            raise
        raise AssertionError("unreachable: stamina yields at least one attempt")  # pragma: no cover


def _why(exc: BaseException) -> str:
    if isinstance(exc, ApiError):
        return f"HTTP {exc.status}"
    return type(exc).__name__
