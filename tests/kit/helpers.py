"""Small helpers shared by unit tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from aioresponses import aioresponses
from yarl import URL


def sent(mock: aioresponses) -> list[tuple[str, URL, dict[str, Any]]]:
    """Every request aioresponses saw, as (method, normalized URL, request kwargs)."""
    calls = []
    for (method, url), requests in mock.requests.items():
        for call in requests:
            calls.append((method, url, call.kwargs))
    return calls


def only_request(mock: aioresponses) -> tuple[str, URL, dict[str, Any]]:
    """The single request aioresponses saw (fails if there were more or none)."""
    calls = sent(mock)
    assert len(calls) == 1, f"expected one request, got {[(m, str(u)) for m, u, _ in calls]}"
    return calls[0]


def iter_strings(value: object) -> Iterator[str]:
    """Every string reachable inside an exception/object tree, for secret scanning."""
    yield str(value)
    yield repr(value)
