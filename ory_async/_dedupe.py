"""Which items a walk has already yielded, in memory bounded by the page size.

Two rules, both O(page size):

* **Ordered listings** (identities in the token form: the server answers a page token,
  the last id of the previous page, with the ids after it in ascending order,
  kratos-facts §1.2). The walk keeps one key, the furthest it has yielded: an item at
  or before it was yielded already, however far back its page was. A page that is not
  itself in that order shows the assumption does not hold for this server; from then
  on the walk uses the window below. Offset pages (the legacy form, v0 servers) are
  sorted too, but nothing but the server's word makes them so: they use the window.
* **Other listings** (sessions: newest first; an identity's sessions; schemas). The
  walk keeps the keys of the last :data:`WINDOW` pages it received. Every overlap the
  facts describe falls inside it: Kratos's migration paging (§2.2) serves page N-1's
  rows again for page N, so the first link repeats the first page and later pages
  repeat the one just before; v0 servers serve page 0 twice (§1.3); a page that
  overlaps the following ones overlaps the next page most. A repeat older than the
  window would be yielded again (and a server that loops for ever is stopped by the
  pager's repeated-link and nothing-new checks, not by this memory).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from itertools import pairwise
from typing import Any, Final, Literal, TypeVar

__all__ = ["WINDOW", "Dedupe", "Order"]

T = TypeVar("T")
Order = Literal["asc", "desc"]

WINDOW: Final = 2
"""How many pages' keys an unordered walk remembers."""


class Dedupe:
    """The de-duplication memory of one walk.

    Attributes:
        count: how many items the walk has yielded.
        largest: the largest key yielded (``None`` before the first).
    """

    __slots__ = ("_edge", "_order", "_recent", "count", "largest")

    def __init__(self, order: Order | None) -> None:
        self._order = order
        self._edge: str | None = None
        self._recent: deque[frozenset[str]] = deque(maxlen=WINDOW)
        self.count = 0
        self.largest: str | None = None

    @property
    def ordered(self) -> bool:
        """Whether the walk still relies on the listing's key order."""
        return self._order is not None

    def fresh(self, items: list[T], key: Callable[[Any], str]) -> list[T]:
        """The items of a page that the walk has not yielded yet, in page order."""
        if not items:
            return items
        keys = list(map(key, items))
        if self._order is not None and not _monotonic(keys, self._order):
            self._order = None  # this server does not sort as documented
        fresh = (
            self._by_order(items, keys) if self._order is not None else self._by_window(items, keys)
        )
        self._recent.append(frozenset(keys))
        if fresh:
            self.count += len(fresh)
            top = max(keys)
            if self.largest is None or top > self.largest:
                self.largest = top
        return fresh

    def _by_order(self, items: list[T], keys: list[str]) -> list[T]:
        edge = self._edge
        ascending = self._order == "asc"
        if edge is None or (keys[0] > edge if ascending else keys[0] < edge):
            start = 0  # the usual page: it begins past everything yielded
        else:
            start = next(
                (i for i, k in enumerate(keys) if (k > edge if ascending else k < edge)),
                len(keys),
            )
        fresh: list[T] = []
        previous = edge
        if start == 0 and len(set(keys)) == len(keys):
            fresh = items
        else:
            for item, k in zip(items[start:], keys[start:], strict=True):
                if k != previous:
                    fresh.append(item)
                    previous = k
        if fresh:
            self._edge = keys[-1]  # a sorted page ends with its furthest key
        return fresh

    def _by_window(self, items: list[T], keys: list[str]) -> list[T]:
        recent = self._recent
        if len(set(keys)) == len(keys) and all(r.isdisjoint(keys) for r in recent):
            return items  # the usual page: nothing seen before, no repeats
        fresh: list[T] = []
        taken: set[str] = set()
        for item, k in zip(items, keys, strict=True):
            if k in taken or any(k in r for r in recent):
                continue
            taken.add(k)
            fresh.append(item)
        return fresh


def _monotonic(keys: list[str], order: Order) -> bool:
    if order == "asc":
        return all(a <= b for a, b in pairwise(keys))
    return all(a >= b for a, b in pairwise(keys))
