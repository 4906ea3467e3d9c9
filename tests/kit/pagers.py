"""A pager over plain items, built straight from a PageSpec (unit tests of the pager)."""

from __future__ import annotations

import uuid
from typing import Any

import attrs

from ory_async import OryClient
from ory_async._dedupe import Order
from ory_async._pagination import (
    AsyncPager,
    PageSpec,
    Style,
)
from ory_async._urls import build_query


@attrs.frozen(kw_only=True)
class Item:
    id: str
    schema_id: str
    traits: dict[str, Any]


def make_ids(n: int, seed: int = 1) -> list[str]:
    import random

    rng = random.Random(seed)
    return sorted(str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(n))


def pager(
    ory: OryClient,
    path: str = "/admin/identities",
    *,
    legacy_cap: int | None = None,
    order: Order | None = None,
    **query: Any,
) -> AsyncPager[Item]:
    style: Style = "page" if "page" in query or "per_page" in query else "token"
    per_page = int(query.get("per_page", 250))
    spec: PageSpec[Item] = PageSpec(
        transport=ory._transport,
        url=ory.base_url.with_path(path),
        query=tuple(build_query(query)),
        auth=ory.auth,
        item_type=Item,
        style=style,
        per_page=per_page,
        legacy_cap=legacy_cap,
        token_after=(lambda last, size: {"page_size": str(size), "page_token": last})
        if legacy_cap
        else None,
        order=order,
    )
    return AsyncPager(spec)
