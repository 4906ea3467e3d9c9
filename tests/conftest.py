"""Fixtures shared by the whole suite."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import aiohttp
import aioresponses.core
import pytest
from yarl import URL

from ory_async.testing import RetryWaits, no_waits


class _StreamWriterCompatResponse(aiohttp.ClientResponse):
    """aioresponses 0.7.9 builds responses without the ``stream_writer`` argument that
    aiohttp 3.14 made required (aioresponses issue #289); supply a finished writer."""

    def __init__(self, method: str, url: URL, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", SimpleNamespace(output_size=0))
        super().__init__(method, url, **kwargs)


if "stream_writer" in inspect.signature(aiohttp.ClientResponse.__init__).parameters:
    aioresponses.core.ClientResponse = _StreamWriterCompatResponse  # type: ignore[attr-defined]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--server",
        choices=("fake", "kratos", "both"),
        default="fake",
        help="what the integration suite runs against: FakeOry (default), a real Kratos, or both",
    )


pytest_plugins = ["ory_async.testing.pytest_plugin"]


@pytest.fixture
def fake_sleep() -> Iterator[RetryWaits]:
    """Retries go at once (``ory_async.testing.no_waits``), every requested wait recorded."""
    with no_waits() as waits:
        yield waits
