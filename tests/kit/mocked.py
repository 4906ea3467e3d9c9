"""The URLs the mocked-HTTP (aioresponses) unit tests answer, and what they read back."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Final
from urllib.parse import parse_qsl

from yarl import URL

from ory_async import OryClient
from tests.kit.kratos_paging import PagingServer

BASE: Final = "http://127.0.0.1:4434"


PUBLIC: Final = "http://127.0.0.1:4433"


ANY: Final = re.compile(r"^http://127\.0\.0\.1:443[34]/.*$")


def query_of(url: URL) -> list[tuple[str, str]]:
    """The query of ``url`` as sorted pairs (repeated keys kept)."""
    return sorted(parse_qsl(url.raw_query_string, keep_blank_values=True))


Start = Callable[[PagingServer], Awaitable[OryClient]]
