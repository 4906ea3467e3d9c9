"""What every workload shares: client names, correctness checks, Link parsing, RSS."""

from __future__ import annotations

import importlib.util
import re
import resource
import sys
from collections.abc import Iterable
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

RAW: Final = "raw"
ORY_ASYNC: Final = "ory_async"
EXP_ASYNC: Final = "exp-ory-kratos-client-async"
ORY_CLIENT: Final = "ory-client"
KRATOS_CLIENT: Final = "ory-kratos-client"

SDK_MODULES: Final = {
    EXP_ASYNC: "ory_kratos_client_async",
    ORY_CLIENT: "ory_client",
    KRATOS_CLIENT: "ory_kratos_client",
}
"""The import name of each generated SDK."""

_NEXT: Final = re.compile(r'<([^>]*)>;\s*rel="?next"?')


class WrongData(Exception):
    """A client returned other data than the server sent: the benchmark must fail."""


def sdk_available(client: str) -> bool:
    """Whether the SDK behind ``client`` is installed (the raw floor and ory_async always are)."""
    module = SDK_MODULES.get(client)
    return module is None or importlib.util.find_spec(module) is not None


def id_number(value: Any) -> int:
    """An id (a UUID string or ``uuid.UUID``) as an integer, for order-free checksums."""
    if isinstance(value, str):
        return int(value.replace("-", ""), 16)
    return int(value.int)


class Tally:
    """Counts ids and sums them, so a walk can be checked without keeping its items."""

    __slots__ = ("count", "total")

    def __init__(self) -> None:
        self.count = 0
        self.total = 0

    def add(self, value: Any) -> None:
        self.count += 1
        self.total += id_number(value)

    def check(self, expected: Iterable[str], what: str) -> None:
        ids = list(expected)
        self.check_sum(len(ids), sum(id_number(i) for i in ids), what)

    def check_sum(self, count: int, checksum: int, what: str) -> None:
        """Fail unless exactly ``count`` ids summing to ``checksum`` were added."""
        if self.count != count or self.total != checksum:
            msg = f"{what}: got {self.count} items (checksum {self.total:x}), expected {count} (checksum {checksum:x})"
            raise WrongData(msg)


def next_link(header: str | None) -> str | None:
    """The ``rel="next"`` URL of a ``Link`` header, or None."""
    if not header:
        return None
    match = _NEXT.search(header)
    return match.group(1) if match else None


def next_token(header: str | None) -> str | None:
    """The ``page_token`` of the next link (what a caller of a generated SDK must dig out)."""
    link = next_link(header)
    if link is None:
        return None
    return parse_qs(urlsplit(link).query).get("page_token", [None])[0]


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
