"""``no_waits()``: retries in tests go at once, and the test sees every wait asked for."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from .. import _retry

__all__ = ["RetryWaits", "no_waits"]


class RetryWaits:
    """The waits the retry loop asked for while :func:`no_waits` was on, in order."""

    def __init__(self, *, hold: bool) -> None:
        self._hold = hold
        self._watchers: list[asyncio.Future[None]] = []
        self.delays: list[float] = []
        """Seconds of each wait asked for, first to last."""

    @property
    def total(self) -> float:
        """All the waits asked for, added up, in seconds."""
        return sum(self.delays)

    async def requested(self, count: int = 1) -> None:
        """Return once ``count`` waits have been asked for (at once if they already were)."""
        loop = asyncio.get_running_loop()
        while len(self.delays) < count:
            watcher: asyncio.Future[None] = loop.create_future()
            self._watchers.append(watcher)
            await watcher

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        watchers, self._watchers = self._watchers, []
        for watcher in watchers:
            if not watcher.done():
                watcher.set_result(None)
        if self._hold:
            await asyncio.get_running_loop().create_future()  # until cancelled


@contextmanager
def no_waits(*, hold: bool = False) -> Iterator[RetryWaits]:
    """Within the block, a retry is sent at once instead of after its wait.

    Every wait the retry loop asks for (backoff, ``Retry-After``, ``x-ratelimit-reset``)
    is recorded instead of slept, in stamina's ``set_testing`` spirit: tests of code that
    retries run fast and can still check what the client would have waited::

        from ory_async.testing import no_waits

        with no_waits() as waits:
            await ory.identities.get(identity_id)  # FakeOry answered 503, then 200
        assert len(waits.delays) == 1

    With ``hold=True`` each wait is recorded and then never ends (until the call is
    cancelled): ``await waits.requested()`` returns once a call is waiting to retry, to
    test what cancelling it then does. The switch is for the whole process, for the
    duration of the block; pacing (the wait for a rate-limit bucket's turn) is not
    affected. Blocks nest: the inner one wins until it ends.
    """
    waits = RetryWaits(hold=hold)
    previous = _retry.set_waiter(waits)
    try:
        yield waits
    finally:
        _retry.set_waiter(previous)
