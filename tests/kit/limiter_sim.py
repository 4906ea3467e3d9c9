"""A bulk job through the real :class:`Pacer` against FakeOry's limiter, in virtual time.

Each request does what the transport does: take a slot, take the pacer's turn, reach
the limiter (:class:`OryRateLimiter`, in any of its modes), get its answer ``latency``
later, hand it to the pacer, and on a 429 wait ``Retry-After`` (else the reset, else a
second) before trying again. Time is virtual: a sleep parks the task until every other
task is parked too, then the earliest wake-up moves the clock. The figures (virtual
seconds, 429s) come out the same on every run, so tests can hold them to the goals.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from multidict import CIMultiDict
from yarl import URL

from ory_async._pacing import Pacer
from ory_async.errors import parse_retry_after
from ory_async.testing import LimitQuota, OryRateLimiter

__all__ = ["JobResult", "VirtualTime", "run_job"]

BASE = URL("http://127.0.0.1:4434")


class VirtualTime:
    """A clock and a sleep that only move when every task waits."""

    def __init__(self) -> None:
        self.now_s = 0.0
        self._heap: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def clock(self) -> float:
        return self.now_s

    def monotonic(self) -> float:
        return self.now_s

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.now_s, UTC)

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._heap, (self.now_s + max(seconds, 0.0), next(self._seq), future))
        await future

    async def drive(self, job: asyncio.Future[Any]) -> None:
        """Advance time whenever everything is parked, until ``job`` is done."""
        while not job.done():
            for _ in range(20):  # let every ready task run until it parks
                await asyncio.sleep(0)
            if job.done() or not self._heap:
                if not job.done():
                    await asyncio.sleep(0.001)  # a real wait (an answer-wake timeout)
                continue
            at, _, future = heapq.heappop(self._heap)
            self.now_s = max(self.now_s, at)
            future.set_result(None)


@dataclass
class JobResult:
    """What a job took: virtual seconds, answers 429, requests that gave up."""

    seconds: float
    limited: int
    served: int
    failed: int = 0
    waits: list[float] = field(default_factory=list)

    @property
    def share_429(self) -> float:
        return self.limited / (self.limited + self.served)


async def _job(
    vt: VirtualTime,
    limiter: OryRateLimiter,
    paths: list[str],
    *,
    concurrency: int,
    latency: float,
    pacing: bool,
) -> JobResult:
    pacer = Pacer(clock=vt.clock, sleep=vt.sleep)
    slots = asyncio.Semaphore(concurrency)
    result = JobResult(0.0, 0, 0)

    async def one(path: str) -> None:
        url = BASE.with_path(path)
        for _ in range(200):
            async with slots:
                ticket = None
                if pacing and not pacer.idle:
                    ticket = await pacer.acquire("GET", url)
                admission = limiter.admit("GET", path)
                status = 200 if admission.allowed else 429
                headers = CIMultiDict(admission.headers)  # as aiohttp hands them over
                await vt.sleep(latency)
                if pacing:
                    pacer.observe(ticket, "GET", url, status, headers)
            if status != 429:
                result.served += 1
                return
            result.limited += 1
            wait = parse_retry_after(headers)
            await vt.sleep(max(wait if wait is not None else 1.0, 0.05))
        result.failed += 1

    await asyncio.gather(*(one(p) for p in paths))
    result.seconds = vt.now_s
    return result


def run_job(
    quotas: list[LimitQuota],
    requests: int,
    *,
    headers: str = "ory",
    fixed_window: bool = False,
    shared: bool = False,
    paths: list[str] | None = None,
    concurrency: int = 64,
    latency: float = 0.005,
    pacing: bool = True,
) -> JobResult:
    """``requests`` GETs (of ``paths`` in turn; an identity each by default), all at once."""
    vt = VirtualTime()
    limiter = OryRateLimiter(
        {},
        vt,
        default=quotas,
        inflight_rule=False,
        headers=headers,
        fixed_window=fixed_window,
        shared=shared,
    )
    wanted = paths or ["/admin/identities/{n}"]
    job_paths = [wanted[i % len(wanted)].format(n=i) for i in range(requests)]

    async def main() -> JobResult:
        job = asyncio.ensure_future(
            _job(
                vt,
                limiter,
                job_paths,
                concurrency=concurrency,
                latency=latency,
                pacing=pacing,
            )
        )
        await vt.drive(job)
        return await job

    return asyncio.run(main())


def minimum(quotas: list[LimitQuota], requests: int, *, fixed_window: bool = False) -> float:
    """The least time ``requests`` can take: each quota's burst spent at once, then its rate.

    With fixed windows (the first starting with the first request) the last request can
    go no earlier than the start of the window it needs.
    """
    if fixed_window:
        return max((math.ceil(requests / q.burst) - 1) * q.window for q in quotas)
    return max(max(requests - q.burst, 0) / q.rate for q in quotas)
