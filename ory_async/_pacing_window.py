"""A fixed-window quota learned from refusals that say nothing but ``Retry-After``.

A gateway's fixed-window quota (so many requests per 10 s, say) that sends no rate-limit
header shows itself only by refusing: the requests it let through since the last window
began are its quota, and ``Retry-After`` says when the window ends. Two such ends give
the window's length. :class:`QuietWindow` then spends the quota at the start of each
window and waits for the next one, instead of spreading requests at a rate (which loses
what a window allows at once) or probing each window with a request that is refused.

A ``Retry-After`` under :data:`MIN_WINDOW` seconds says too little to tell a window from
a refilling limit whose next token is a second away, so those stay with the rate model.

Pure bookkeeping on a caller-supplied clock (seconds, monotonic).
"""

from __future__ import annotations

import math
from typing import Final

__all__ = ["MIN_WINDOW", "QuietWindow"]

MIN_WINDOW: Final = 2.0
"""Seconds: the shortest ``Retry-After`` taken as the end of a fixed window."""
_LATE: Final = 1.0
"""Seconds at the end of a window in which no request goes (its end is that uncertain)."""


class QuietWindow:
    """The quota per window and the window's length, as refusals taught them.

    Inactive until a refusal's ``Retry-After`` is at least :data:`MIN_WINDOW` seconds.
    """

    __slots__ = ("_answered", "_end", "_ok", "_sent", "quota", "start", "window")

    def __init__(self) -> None:
        self.quota: int | None = None
        """Requests a window lets through (None: not learned yet)."""
        self.window: float | None = None
        """Seconds from one window's start to the next (None: not learned yet)."""
        self.start = 0.0
        """When the current window started (or, while ahead, will start)."""
        self._end: float | None = None
        self._sent = 0
        self._ok = 0
        self._answered = 0

    @property
    def active(self) -> bool:
        """True once a refusal showed the end of a window."""
        return self.quota is not None

    def delay(self, now: float) -> float:
        """Seconds to wait from ``now`` before the next request may go (0: at once).

        ``inf`` while a request beyond the quota is in flight and the window's length
        is unknown: its answer tells whether the quota is larger, or when the window ends.
        """
        quota = self.quota
        if quota is None:
            return 0.0
        window = self.window
        if window is not None and now >= self.start + window:
            periods = max(1, math.floor((now - self.start) / window + 1e-9))
            self._new_window(self.start + window * periods)
        if now < self.start:
            return self.start - now
        if window is not None:
            # Retry-After is in whole seconds, so the window's end is known to within
            # a second: a request in its last second might count in the next window.
            late = now > self.start + window - min(_LATE, 0.5 * window)
            return self.start + window - now if late or self._sent >= quota else 0.0
        if self._sent < quota:
            return 0.0
        return float("inf") if self._answered < self._sent else 0.0

    def take(self) -> None:
        """A request goes now."""
        self._sent += 1

    def answered(self, sent_at: float | None, *, ok: bool) -> None:
        """A request sent at ``sent_at`` got an answer (``ok``: not refused)."""
        if sent_at is None or sent_at < self.start:
            return  # sent in an earlier window
        self._answered += 1
        if ok:
            self._ok += 1
            if self.quota is not None and self._ok > self.quota:
                self.quota = self._ok  # a probe beyond the quota got through

    def refused(self, now: float, retry_after: float | None) -> None:
        """A request was refused with ``Retry-After`` (None: absent)."""
        if retry_after is None or now < self.start:
            return  # no end stated, or one more refusal from a window already ended
        if self.quota is None and retry_after < MIN_WINDOW:
            return
        end = now + retry_after
        if self._end is not None:
            # Windows are whole seconds; a gap of several windows says the same.
            gap = end - self._end
            windows = max(1, round(gap / self.window)) if self.window else 1
            if gap / windows >= 1.0:
                self.window = float(round(gap / windows))
        self._end = end
        # At least one a window: a server that refused everything must still be asked
        # again, or pacing would hold every later request forever.
        self.quota = max(self._ok, 1)
        self._new_window(end)

    def _new_window(self, start: float) -> None:
        self.start = start
        self._sent = self._ok = self._answered = 0
