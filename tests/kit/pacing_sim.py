"""A discrete-event simulation of paced clients against a token-bucket server.

Virtual time only: the figures it gives are exact for a given setup, so tests can
assert on them without any real waiting.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

from ory_async._pacing import BucketPace
from ory_async._ratelimit import parse_rate_limit


@dataclass
class SimServer:
    """A token bucket per quota, answering like Ory Network."""

    rate: float
    burst: int
    tokens: float = -1.0
    last: float = 0.0
    served: int = 0
    limited: int = 0

    def __post_init__(self) -> None:
        self.tokens = float(self.burst)

    def hit(self, now: float) -> tuple[int, dict[str, str]]:
        self.tokens = min(float(self.burst), self.tokens + (now - self.last) * self.rate)
        self.last = now
        ok = self.tokens >= 1.0
        if ok:
            self.tokens -= 1.0
            self.served += 1
        else:
            self.limited += 1
        window = self.burst / self.rate
        headers = {
            "x-ratelimit-limit": f"{self.burst}, {self.burst};w={window:g}",
            "x-ratelimit-remaining": str(math.floor(self.tokens)),
            "x-ratelimit-reset": str(math.ceil((self.burst - self.tokens) / self.rate)),
        }
        return (200 if ok else 429), headers


@dataclass
class SimClient:
    """A bulk job: ``total`` requests, at most ``concurrency`` in flight, paced."""

    total: int
    concurrency: int = 64
    start: float = 0.0
    pace: BucketPace = field(init=False)
    pending: int = 0
    in_flight: int = 0
    done: int = 0
    limited: int = 0
    finished_at: float = 0.0
    trying: bool = False

    def __post_init__(self) -> None:
        self.pace = BucketPace(self.start)
        self.pending = self.total


def simulate(server: SimServer, clients: list[SimClient], *, latency: float = 0.001) -> float:
    """Run every client to the end; the virtual time when the last one finished."""
    events: list[tuple[float, int, str, int, object]] = []
    counter = 0

    def at(t: float, kind: str, who: int, payload: object = None) -> None:
        nonlocal counter
        counter += 1
        heapq.heappush(events, (t, counter, kind, who, payload))

    for i, c in enumerate(clients):
        c.trying = True
        at(c.start, "try", i)
    while events:
        now, _, kind, who, payload = heapq.heappop(events)
        c = clients[who]
        if kind == "try":
            c.trying = False
            if c.pending == 0 or c.in_flight >= c.concurrency:
                continue
            if not c.pace.limited and c.in_flight:
                continue  # the pacer's probe: one request until the limits are known
            wait = c.pace.delay(now)
            if wait > 0:
                c.trying = True
                at(now + wait, "try", who)
                continue
            seq = c.pace.take(now)
            c.pending -= 1
            c.in_flight += 1
            at(now + latency, "arrive", who, seq)
            c.trying = True
            at(now, "try", who)
        elif kind == "arrive":
            status, headers = server.hit(now)
            at(now + latency, "answer", who, (payload, status, headers))
        elif kind == "answer":
            seq, status, headers = payload  # type: ignore[misc]
            info = parse_rate_limit(headers)
            assert info is not None
            c.pace.observe(info, seq, now, status)
            c.in_flight -= 1
            if status == 429:
                c.limited += 1
                at(now + float(headers["x-ratelimit-reset"]), "retry", who)
            else:
                c.done += 1
                if c.done == c.total:
                    c.finished_at = now
            if not c.trying:
                c.trying = True
                at(now, "try", who)
        elif kind == "retry":
            c.pending += 1
            if not c.trying:
                c.trying = True
                at(now, "try", who)
    return max(c.finished_at for c in clients)
