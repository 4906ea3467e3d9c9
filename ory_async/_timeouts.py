"""Every time limit of a client in one value: :class:`Timeouts`.

``OryClient(timeouts=...)``, ``ory.with_options(timeouts=...)`` and the retry loop read
their limits here. The keywords these replace still work for one release, with a
``DeprecationWarning``: ``timeout=``, ``connect_timeout=`` and ``deadline=`` on the client
(folded in by :func:`legacy_timeouts`), ``timeout`` and ``rate_limit_budget`` on
``RetryPolicy`` (by ``RetryPolicy.limits``).
"""

from __future__ import annotations

import contextlib
import enum
import math
import time
import warnings
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any, Final

import aiohttp
import attrs

__all__ = [
    "NOT_GIVEN",
    "NotGiven",
    "Timeouts",
    "call_ends",
    "coerce_timeouts",
    "legacy_timeouts",
    "warn_renamed",
    "whole_call",
]


class NotGiven(enum.Enum):
    """The type of :data:`NOT_GIVEN`: a deprecated keyword the caller did not pass."""

    NOT_GIVEN = "NOT_GIVEN"

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven.NOT_GIVEN


def _seconds_or_none(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    zero_ok = attribute.name in ("rate_limit_budget", "retry_budget")
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or math.isnan(value)
        or value < 0
        or (value == 0 and not zero_ok)
    ):
        bound = ">= 0" if zero_ok else "a positive number of seconds"
        msg = f"Timeouts.{attribute.name} must be None or {bound}, got {value!r}"
        raise ValueError(msg)


def _float_or_none(value: float | None) -> float | None:
    """Whole seconds as a float; anything else is left for the validator to judge."""
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


@attrs.frozen
class Timeouts:
    """Every time limit of a client, in seconds (``None``: no limit).

    ``OryClient(timeouts=5)`` is ``Timeouts(read=5)``: a plain number sets ``read`` and
    leaves the rest at their defaults, as in httpx.

    Attributes:
        read: one attempt, from opening the connection to the last byte of the answer;
            each retry gets it afresh. A per-call ``timeout=`` replaces it for that call.
        connect: opening the connection, within each attempt (an attempt that could not
            connect is known not to have been sent).
        deadline: one whole call: every attempt, every wait between retries and the wait
            for its turn under pacing. Past it the call raises ``RequestTimeoutError``.
            For bulk jobs leave it unset or generous: a request may wait its turn long.
        retry_budget: how long after a call's first attempt started failures other than
            429 are still retried (the policy's ``attempts`` caps them too).
        rate_limit_budget: most seconds one call spends waiting after 429 answers, all
            its retries together (0: a 429 is not retried). These waits count neither
            against ``retry_budget`` nor against the policy's ``attempts``. A turn under
            pacing further away than what is left (or than ``deadline``) is not waited
            for: the call raises ``RateLimitedError`` at once.
    """

    read: float | None = attrs.field(
        default=30.0, converter=_float_or_none, validator=_seconds_or_none
    )
    connect: float | None = attrs.field(
        default=10.0, kw_only=True, converter=_float_or_none, validator=_seconds_or_none
    )
    deadline: float | None = attrs.field(
        default=None, kw_only=True, converter=_float_or_none, validator=_seconds_or_none
    )
    retry_budget: float | None = attrs.field(
        default=60.0, kw_only=True, converter=_float_or_none, validator=_seconds_or_none
    )
    rate_limit_budget: float | None = attrs.field(
        default=300.0, kw_only=True, converter=_float_or_none, validator=_seconds_or_none
    )

    def with_read(self, seconds: float | None) -> Timeouts:
        """The same limits with another ``read`` (a per-call ``timeout=``)."""
        return attrs.evolve(self, read=seconds)

    def for_aiohttp(self) -> aiohttp.ClientTimeout:
        """The limits of one attempt, as aiohttp takes them."""
        read, connect = self.read, self.connect
        if connect is not None and read is not None:
            connect = min(connect, read)
        return aiohttp.ClientTimeout(total=read, sock_connect=connect)


def coerce_timeouts(value: object, *, name: str = "timeouts") -> Timeouts:
    """``value`` as :class:`Timeouts`: a number sets ``read``.

    Raises:
        TypeError: neither a number nor a ``Timeouts``.
        ValueError: a number that is not a positive number of seconds.
    """
    if isinstance(value, Timeouts):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{name} must be a Timeouts or a number of seconds, not {type(value).__name__}"
        raise TypeError(msg)
    if math.isnan(value) or value <= 0:
        msg = f"{name} must be a positive number of seconds, got {value!r}"
        raise ValueError(msg)
    return Timeouts(read=float(value))


def warn_renamed(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Say that ``old`` still works for now and that ``new`` replaces it."""
    warnings.warn(
        f"{old} is deprecated and will be removed in the next release; use {new} instead",
        DeprecationWarning,
        stacklevel=stacklevel + 1,
    )


def _positive(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        msg = f"{name} must be a positive number of seconds, got {value!r}"
        raise ValueError(msg)
    return float(value)


def legacy_timeouts(
    timeouts: Timeouts,
    *,
    timeout: float | aiohttp.ClientTimeout | NotGiven,
    connect_timeout: float | NotGiven | None,
    deadline: float | NotGiven | None,
    stacklevel: int,
) -> tuple[Timeouts, aiohttp.ClientTimeout | None]:
    """``timeouts`` with the deprecated keywords folded in, each with its warning.

    Returns the limits and, when ``timeout=`` was an ``aiohttp.ClientTimeout``, that
    object, which then goes to aiohttp as given.

    Raises:
        ValueError: a deprecated keyword with a value it never accepted.
    """
    changes: dict[str, float | None] = {}
    given: aiohttp.ClientTimeout | None = None
    if not isinstance(timeout, NotGiven):
        warn_renamed(
            "OryClient(timeout=...)",
            "OryClient(timeouts=Timeouts(read=...))",
            stacklevel=stacklevel,
        )
        if isinstance(timeout, aiohttp.ClientTimeout):
            given = timeout
            changes["read"] = timeout.total
            changes["connect"] = timeout.sock_connect or timeout.connect
        elif isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            msg = (
                "timeout must be a positive number of seconds or an aiohttp.ClientTimeout, "
                f"got {timeout!r}"
            )
            raise ValueError(msg)
        else:
            changes["read"] = float(timeout)
    if not isinstance(connect_timeout, NotGiven):
        warn_renamed(
            "OryClient(connect_timeout=...)",
            "OryClient(timeouts=Timeouts(connect=...))",
            stacklevel=stacklevel,
        )
        if given is None:
            changes["connect"] = (
                None if connect_timeout is None else _positive("connect_timeout", connect_timeout)
            )
    if not isinstance(deadline, NotGiven):
        warn_renamed(
            "OryClient(deadline=...)",
            "OryClient(timeouts=Timeouts(deadline=...))",
            stacklevel=stacklevel,
        )
        changes["deadline"] = None if deadline is None else _positive("deadline", deadline)
    if not changes:
        return timeouts, given
    return attrs.evolve(timeouts, **changes), given


_CALL_ENDS: ContextVar[float | None] = ContextVar("ory_async_call_ends", default=None)


def call_ends() -> float | None:
    """``time.monotonic()`` past which no request of the current call may go on (or ``None``)."""
    return _CALL_ENDS.get()


@contextlib.contextmanager
def whole_call(deadline: float | None, *, ends: float | None = None) -> Iterator[float | None]:
    """Within the block, every request ends by ``deadline`` seconds from now (or by ``ends``).

    For calls made of several requests (``sessions.manage``, ``collect()``, bulk jobs):
    ``Timeouts.deadline`` then bounds the whole call, not each request. Nested calls
    keep the earliest end; tasks started within the block inherit it. Yields the end.
    """
    current = _CALL_ENDS.get()
    if ends is None and deadline is not None:
        ends = time.monotonic() + deadline
    if ends is None or (current is not None and current <= ends):
        yield current
        return
    token = _CALL_ENDS.set(ends)
    try:
        yield ends
    finally:
        _CALL_ENDS.reset(token)
