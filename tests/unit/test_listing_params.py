"""Listing parameters of the spec: consistency's default value, expand passed through."""

from __future__ import annotations

import pytest
from aioresponses import aioresponses

from ory_async import OryClient
from ory_async.models import Consistency
from tests.kit.helpers import only_request
from tests.kit.mocked import ANY, query_of


@pytest.mark.parametrize(
    ("value", "sent"),
    [
        ("", ""),
        (Consistency.DEFAULT, ""),
        (Consistency.EVENTUAL, "eventual"),
        ("strong", "strong"),
    ],
)
async def test_identities_list_consistency_values(ory: OryClient, value: str, sent: str) -> None:
    with aioresponses() as m:
        m.get(ANY, payload=[])
        await ory.identities.list(consistency=value)  # type: ignore[arg-type]
        method, url, _ = only_request(m)
    assert (method, url.path) == ("GET", "/admin/identities")
    assert query_of(url) == [("consistency", sent)]


async def test_identities_list_refuses_an_unknown_consistency(ory: OryClient) -> None:
    with pytest.raises(ValueError, match='consistency must be "strong", "eventual" or ""'):
        _ = ory.identities.list(consistency="weak")  # type: ignore[arg-type]


async def test_v0_refuses_even_the_default_consistency(ory_v0: OryClient) -> None:
    with pytest.raises(ValueError, match="v0 servers have no identity filters"):
        _ = ory_v0.identities.list(consistency="")


async def test_sessions_list_sends_unknown_expand_values(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, payload=[])
        await ory.sessions.list(expand=["identity", "organization"])
        _, url, _ = only_request(m)
    assert query_of(url) == [("expand", "identity"), ("expand", "organization")]
