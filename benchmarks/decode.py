"""Workload c: decode one page of 250 identities and one of 250 sessions from bytes.

Each client turns the same bytes into its models the way it does for a response:
``orjson.loads`` alone is the floor, ory_async runs ``_serde.decode(body, list[T])``
(what its transport does with every body), the generated SDKs run their
``ApiClient.deserialize`` (text, ``json.loads``, then ``from_dict`` on every model).
Each figure is the best of many runs with the garbage collector on; the floor and the
client are timed in turns (floor, client, floor, client, ...), so a busy moment of the
machine falls on both sides and the ratio of the two bests stays meaningful.
"""

from __future__ import annotations

import gc
import importlib
import timeit
from collections.abc import Callable
from functools import cache
from typing import Any, Literal

from . import payloads
from .common import ORY_ASYNC, RAW, SDK_MODULES, WrongData, id_number

Kind = Literal["identities", "sessions"]
PAGE = 250


@cache
def page(kind: Kind) -> bytes:
    """The bytes of one realistic page (as the benchmark server sends them)."""
    if kind == "identities":
        return payloads.render(list(payloads.identities(PAGE)))
    return payloads.render(list(payloads.sessions(PAGE, PAGE)))


def _decoder(client: str, kind: Kind) -> Callable[[bytes], list[Any]]:
    if client == RAW:
        import orjson

        return orjson.loads
    if client == ORY_ASYNC:
        from ory_async._serde import decode
        from ory_async.models import Identity, Session

        target: Any = list[Identity] if kind == "identities" else list[Session]
        return lambda body: decode(body, target)
    sdk = importlib.import_module(SDK_MODULES[client])
    api_client = sdk.ApiClient(sdk.Configuration(host="http://127.0.0.1"))
    name = "List[Identity]" if kind == "identities" else "List[Session]"
    return lambda body: api_client.deserialize(
        body.decode("utf-8"), name, "application/json; charset=utf-8"
    )


def _check(client: str, kind: Kind, items: list[Any]) -> None:
    raw = payloads.identity_ids(PAGE) if kind == "identities" else payloads.session_ids(PAGE)
    got = [item["id"] if isinstance(item, dict) else item.id for item in items]
    if [id_number(i) for i in got] != [id_number(i) for i in raw]:
        msg = f"{client} decoded other {kind} than the page holds"
        raise WrongData(msg)


def best_of(fn: Callable[[], object], budget: float) -> float:
    """The fastest of many timed runs of ``fn`` (GC on), within about ``budget`` seconds."""
    once = timeit.timeit(fn, number=1, globals={"gc": gc})
    number = 3
    repeat = max(5, min(200, int(budget / max(once * number, 1e-6))))
    timer = timeit.Timer(fn, setup="gc.enable()", globals={"gc": gc})
    return min(timer.repeat(repeat=repeat, number=number)) / number


def best_in_turns(
    floor: Callable[[], object], client: Callable[[], object], budget: float
) -> tuple[float, float]:
    """The fastest runs of ``floor`` and of ``client``, timed in turns (GC on)."""
    once = timeit.timeit(client, number=1) + timeit.timeit(floor, number=1)
    number = 3
    turns = max(10, min(400, int(budget / max(once * number, 1e-6))))
    timers = [timeit.Timer(fn, setup="gc.enable()", globals={"gc": gc}) for fn in (floor, client)]
    best = [float("inf"), float("inf")]
    for _ in range(turns):
        for which, timer in enumerate(timers):
            best[which] = min(best[which], timer.timeit(number=number) / number)
    return best[0], best[1]


def run(client: str, kind: Kind, *, budget: float = 1.0) -> dict[str, float]:
    """Seconds for ``client`` to decode the page, and for ``orjson.loads`` in turns with it."""
    body = page(kind)
    decode = _decoder(client, kind)
    _check(client, kind, decode(body))
    loads = _decoder(RAW, kind)
    floor, seconds = best_in_turns(lambda: loads(body), lambda: decode(body), budget)
    return {"seconds": seconds, "floor_seconds": floor}
