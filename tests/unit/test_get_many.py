"""``identities.get_many`` chunking: every URL within 8 KB, whatever the base URL."""

from __future__ import annotations

import re
import uuid

import pytest
from aioresponses import aioresponses

from ory_async import OryClient, RetryPolicy
from ory_async.services._get_many import MAX_URL, canonical_id
from tests.kit.helpers import sent

IDS = [str(uuid.UUID(int=i + 1)) for i in range(1000)]


@pytest.mark.parametrize(("prefix", "types"), [("", []), ("/p" * 1500, ["password", "oidc"])])
async def test_every_url_fits_whatever_the_base(prefix: str, types: list[str]) -> None:
    base = f"http://127.0.0.1:4434{prefix}"
    async with OryClient(base, retry=RetryPolicy.none()) as ory:
        with aioresponses() as m:
            m.get(re.compile(r".*"), payload=[], repeat=True)
            stream = ory.identities.get_many(IDS, include_credential=types or None)
            assert await stream.collect() == []
            calls = sent(m)
    urls = [str(url) for _, url, _ in calls]
    assert all(len(u) <= MAX_URL for u in urls)
    per_request = [u.count("ids=") for u in urls]
    assert sum(per_request) == 1000
    assert max(per_request) == stream.chunk_size
    # As many ids as fit: one more would cross the limit (with room for a page token).
    assert max(len(u) for u in urls) + 41 + 48 > MAX_URL
    assert all(u.count("include_credential=") == len(types) for u in urls)


async def test_a_base_url_too_long_for_any_id() -> None:
    async with OryClient("http://127.0.0.1:4434" + "/p" * 4200) as ory:
        with pytest.raises(ValueError, match="too long"):
            ory.identities.get_many(IDS)


def test_canonical_ids() -> None:
    upper = IDS[5].upper()
    assert canonical_id(upper) == IDS[5]
    assert canonical_id("{" + IDS[5] + "}") == IDS[5]
    assert canonical_id(IDS[5].replace("-", "")) == IDS[5]
    with pytest.raises(ValueError, match="not one"):
        canonical_id("alice@example.com")
    with pytest.raises(TypeError):
        canonical_id(5)
