"""Fault injection and rate limiting for FakeOry."""

from __future__ import annotations

import fnmatch
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ._util import Clock

DropMode = bool | Literal["before_headers", "mid_body", "after_apply"]


@dataclass
class Fault:
    """One planned answer (see :meth:`Faults.add`).

    ``remaining`` counts down with each hit (None = forever); ``hits`` counts up.
    """

    path_glob: str
    method: str | None = None
    status: int | None = 503
    remaining: int | None = 1
    retry_after: float | str | None = None
    ratelimit_reset: float | str | None = None
    delay: float = 0.0
    drop_connection: DropMode = False
    body: bytes | str | dict[str, Any] | list[Any] | None = None
    content_type: str | None = None
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        """True when this fault applies to ``method path`` and has hits left."""
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return fnmatch.fnmatchcase(path, self.path_glob)


@dataclass
class RandomFaults:
    """Chaos settings: each matching request fails with probability ``rate``."""

    rate: float
    rng: random.Random
    statuses: tuple[int, ...]
    drop_connection_share: float
    path_glob: str = "*"
    methods: tuple[str, ...] | None = None
    slow_share: float = 0.0
    slow_delay: float = 1.0

    def pick(self, method: str, path: str) -> Fault | None:
        """A one-off fault for this request, or None to let it through."""
        if self.methods is not None and method.upper() not in self.methods:
            return None
        if not fnmatch.fnmatchcase(path, self.path_glob) or self.rng.random() >= self.rate:
            return None
        roll = self.rng.random()
        if roll < self.drop_connection_share:
            mode = self.rng.choice(("before_headers", "mid_body"))
            return Fault(path, drop_connection=mode)  # type: ignore[arg-type]
        if roll < self.drop_connection_share + self.slow_share:
            return Fault(path, status=None, delay=self.slow_delay)
        status = self.rng.choice(self.statuses)
        if status != 429:
            return Fault(path, status=status)
        # Ory Network sends x-ratelimit-reset; other proxies send Retry-After or nothing.
        hint = self.rng.choice(("reset", "retry_after", "none"))
        return Fault(
            path,
            status=429,
            ratelimit_reset=1 if hint == "reset" else None,
            retry_after=1 if hint == "retry_after" else None,
        )


@dataclass
class Faults:
    """The fault plan of one FakeOry (``fake.faults``)."""

    rules: list[Fault] = field(default_factory=list)
    chaos: RandomFaults | None = None

    def add(
        self,
        path_glob: str,
        *,
        method: str | None = None,
        status: int | None = 503,
        times: int | None = 1,
        retry_after: float | str | None = None,
        ratelimit_reset: float | str | None = None,
        delay: float = 0.0,
        drop_connection: DropMode = False,
        body: bytes | str | dict[str, Any] | list[Any] | None = None,
        content_type: str | None = None,
    ) -> Fault:
        """Answer the next ``times`` requests matching ``path_glob`` (fnmatch on the path).

        Args:
            path_glob: Glob on the request path as sent, e.g. ``/admin/identities*``.
            method: Only this HTTP method (default: any).
            status: Status to answer; None lets the request through after ``delay``.
            times: How many requests to affect; None for every one.
            retry_after: Value of a ``Retry-After`` header.
            ratelimit_reset: Value of an ``x-ratelimit-reset`` header.
            delay: Seconds to wait (server side) before answering.
            drop_connection: Close the connection instead of answering: True or
                ``"mid_body"`` sends the status line and part of the body first,
                ``"before_headers"`` closes before sending anything, ``"after_apply"``
                handles the request (a write takes effect) and then closes without
                answering, like a proxy that loses the response.
            body: Response body (dict/list sent as JSON); default is Kratos's error body.
            content_type: Content type of ``body``.

        Returns:
            The rule, whose ``hits`` and ``remaining`` can be inspected later.
        """
        rule = Fault(
            path_glob,
            method=method,
            status=status,
            remaining=times,
            retry_after=retry_after,
            ratelimit_reset=ratelimit_reset,
            delay=delay,
            drop_connection=drop_connection,
            body=body,
            content_type=content_type,
        )
        self.rules.append(rule)
        return rule

    def random(
        self,
        rate: float = 0.2,
        *,
        seed: int = 0,
        statuses: Sequence[int] = (503, 502, 504, 429),
        drop_connection_share: float = 0.0,
        path_glob: str = "*",
        methods: Sequence[str] | None = None,
        slow_share: float = 0.0,
        slow_delay: float = 1.0,
    ) -> None:
        """Fail a random share ``rate`` of requests (deterministic for a given ``seed``).

        A failing request is dropped (before the headers or mid-body) with probability
        ``drop_connection_share``, answered only after ``slow_delay`` seconds with
        probability ``slow_share``, else it gets one of ``statuses`` (a 429 comes with
        ``x-ratelimit-reset``, ``Retry-After`` or no hint). ``rate=0`` turns chaos off.
        """
        if rate <= 0:
            self.chaos = None
            return
        self.chaos = RandomFaults(
            rate=rate,
            rng=random.Random(seed),  # noqa: S311 - test chaos, not security
            statuses=tuple(statuses),
            drop_connection_share=drop_connection_share,
            slow_share=slow_share,
            slow_delay=slow_delay,
            path_glob=path_glob,
            methods=None if methods is None else tuple(m.upper() for m in methods),
        )

    def clear(self) -> None:
        """Remove every rule and turn chaos off."""
        self.rules.clear()
        self.chaos = None

    def take(self, method: str, path: str) -> Fault | None:
        """The fault for this request (consuming one use), or None."""
        for rule in self.rules:
            if rule.matches(method, path):
                rule.hits += 1
                if rule.remaining is not None:
                    rule.remaining -= 1
                return rule
        if self.chaos is not None:
            return self.chaos.pick(method, path)
        return None


class RateLimiter:
    """A fixed-window limiter in the style of Ory Network's ``x-ratelimit-*`` headers."""

    def __init__(self, limit: int, window: float, clock: Clock) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._start = clock.monotonic()
        self._used = 0

    def hit(self) -> tuple[bool, dict[str, str]]:
        """Count one request: ``(allowed, headers)``."""
        now = self.clock.monotonic()
        if now - self._start >= self.window:
            elapsed_windows = math.floor((now - self._start) / self.window)
            self._start += elapsed_windows * self.window
            self._used = 0
        allowed = self._used < self.limit
        if allowed:
            self._used += 1
        reset = max(math.ceil(self._start + self.window - now), 0)
        window = f"{self.window:g}"
        headers = {
            "x-ratelimit-limit": f"{self.limit}, {self.limit};w={window}",
            "x-ratelimit-remaining": str(max(self.limit - self._used, 0)),
            "x-ratelimit-reset": str(reset),
        }
        return allowed, headers
