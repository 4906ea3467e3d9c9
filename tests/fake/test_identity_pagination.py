"""Identity listing: Kratos's keyset and legacy page modes, exact Link headers."""

from __future__ import annotations

import aiohttp
import pytest

from ory_async.testing import FakeOry
from tests.kit.raw_http import call

NIL = "00000000-0000-0000-0000-000000000000"


async def test_keyset_first_page_link_format(
    ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    ory_fake.seed_identities(3)
    ids = sorted(ory_fake.identities)
    r = await call(http, "GET", f"{ory_fake.url}/admin/identities?page_size=2")
    assert r.status == 200
    assert [i["id"] for i in r.json()] == ids[:2]
    assert r.headers["Link"] == (
        f'</admin/identities?page_size=2&page_token={NIL}>; rel="first",'
        f'</admin/identities?page_size=2&page_token={ids[1]}>; rel="next"'
    )
    assert "X-Total-Count" not in r.headers
    r = await call(http, "GET", f"{ory_fake.url}/admin/identities?page_size=2&page_token={ids[1]}")
    assert [i["id"] for i in r.json()] == ids[2:]
    assert r.headers["Link"] == f'</admin/identities?page_size=2&page_token={NIL}>; rel="first"'


async def test_keyset_defaults_clamping_and_filters_in_link(
    ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    r = await call(http, "GET", f"{ory_fake.url}/admin/identities")
    assert r.json() == []
    assert r.headers["Link"] == f'</admin/identities?page_size=250&page_token={NIL}>; rel="first"'
    r = await call(http, "GET", f"{ory_fake.url}/admin/identities?page_size=9999")
    assert r.headers["Link"] == f'</admin/identities?page_size=500&page_token={NIL}>; rel="first"'
    r = await call(http, "GET", f"{ory_fake.url}/admin/identities?page_size=0")
    assert "page_size=250" in r.headers["Link"]
    url = f"{ory_fake.url}/admin/identities?page_size=1&credentials_identifier=foo@bar.com"
    r = await call(http, "GET", url)
    assert r.headers["Link"] == (
        "</admin/identities?credentials_identifier=foo%40bar.com&page_size=1"
        f'&page_token={NIL}>; rel="first"'
    )
    # Only per_page: renamed to page_size (keyset mode); paths without /admin see /admin.
    r = await call(http, "GET", f"{ory_fake.url}/identities?per_page=7")
    assert r.headers["Link"] == f'</admin/identities?page_size=7&page_token={NIL}>; rel="first"'


async def test_keyset_bad_size_and_token(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    r = await call(http, "GET", f"{ory_fake.url}/admin/identities?page_size=abc")
    assert r.status == 400
    assert r.error["reason"] == 'strconv.Atoi: parsing "abc": invalid syntax'
    r = await call(http, "GET", f"{ory_fake.url}/admin/identities?page_token=nope")
    assert r.status == 400
    assert r.error["reason"] == "The page token is invalid, do not craft your own page tokens"


async def test_full_last_page_has_no_extra_request(
    ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    ory_fake.seed_identities(500)
    url = f"{ory_fake.url}/admin/identities?page_size=10"
    seen: list[str] = []
    requests = 0
    while url:
        r = await call(http, "GET", url)
        requests += 1
        seen += [i["id"] for i in r.json()]
        nxt = [p for p in r.headers["Link"].split(",") if p.endswith('rel="next"')]
        url = ory_fake.url + nxt[0].split(">")[0][1:] if nxt else ""
    assert requests == 50
    assert seen == sorted(ory_fake.identities)


@pytest.mark.parametrize(
    ("page", "link"),
    [
        (
            0,
            '</admin/identities?page=1&per_page=2>; rel="next",'
            '</admin/identities?page=2&per_page=2>; rel="last"',
        ),
        (
            1,
            '</admin/identities?page=0&per_page=2>; rel="first",'
            '</admin/identities?page=2&per_page=2>; rel="next",'
            '</admin/identities?page=0&per_page=2>; rel="prev",'
            '</admin/identities?page=2&per_page=2>; rel="last"',
        ),
        (
            2,
            '</admin/identities?page=0&per_page=2>; rel="first",'
            '</admin/identities?page=1&per_page=2>; rel="prev"',
        ),
        (
            3,
            '</admin/identities?page=0&per_page=2>; rel="first",'
            '</admin/identities?page=1&per_page=2>; rel="prev"',
        ),
    ],
)
async def test_legacy_links_five_identities(
    ory_fake: FakeOry, http: aiohttp.ClientSession, page: int, link: str
) -> None:
    ory_fake.seed_identities(5)
    ids = sorted(ory_fake.identities)
    r = await call(http, "GET", f"{ory_fake.url}/admin/identities?page={page}&per_page=2")
    assert r.status == 200
    assert r.headers["X-Total-Count"] == "5"
    assert r.headers["Link"] == link
    assert [i["id"] for i in r.json()] == ids[page * 2 : page * 2 + 2]


async def test_legacy_links_empty_and_single_page(
    ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    r = await call(http, "GET", f"{ory_fake.url}/admin/identities?page=0")
    assert r.headers["X-Total-Count"] == "0"
    assert r.headers["Link"] == (
        '</admin/identities?page=0&per_page=250>; rel="first",'
        '</admin/identities?page=1&per_page=250>; rel="next",'
        '</admin/identities?page=-1&per_page=250>; rel="prev"'
    )
    ory_fake.seed_identities(3)
    r = await call(http, "GET", f"{ory_fake.url}/admin/identities?page=0")
    assert r.headers["Link"] == '</admin/identities?page=0&per_page=3>; rel="first"'


async def test_legacy_cap_clamp_and_garbage(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    r = await call(http, "GET", f"{ory_fake.url}/admin/identities?page=5&per_page=250")
    assert r.status == 400
    assert r.error["reason"] == (
        "Legacy pagination is not supported for enumerating over 1000 items. "
        "Please switch to using page_token and page_size."
    )
    r = await call(http, "GET", f"{ory_fake.url}/admin/identities?page=4&per_page=250")
    assert r.status == 200
    r = await call(http, "GET", f"{ory_fake.url}/admin/identities?page=x&per_page=1000")
    assert "per_page=500" in r.headers["Link"]
    # page_size wins over page: keyset mode, page/per_page kept but ignored.
    r = await call(http, "GET", f"{ory_fake.url}/admin/identities?page=3&page_size=5")
    assert "X-Total-Count" not in r.headers
    assert r.headers["Link"].startswith("</admin/identities?page=3&page_size=5&page_token=")


async def test_filters(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    ory_fake.seed_identities(4)
    ids = sorted(ory_fake.identities)
    base = f"{ory_fake.url}/admin/identities"
    r = await call(http, "GET", f"{base}?ids={ids[2]}&ids={ids[0]}&ids={ids[0]}")
    assert [i["id"] for i in r.json()] == [ids[0], ids[2]]
    r = await call(http, "GET", f"{base}?ids=x")
    assert r.error["reason"] == "Invalid UUID value `x` for parameter `ids`."
    many = "&".join(f"ids={ids[0]}" for _ in range(501))
    r = await call(http, "GET", f"{base}?{many}")
    assert r.error["reason"] == "The number of ids to filter must not exceed 500."
    r = await call(http, "GET", f"{base}?ids={ids[0]}&credentials_identifier=a")
    assert r.error["reason"] == "You cannot combine multiple filters in this API"
    r = await call(http, "GET", f"{base}?include_credential=nope")
    assert r.error["reason"] == "Invalid value `nope` for parameter `include_credential`."
    email = ory_fake.identities[ids[1]]["traits"]["email"]
    r = await call(http, "GET", f"{base}?credentials_identifier={email.upper()}")
    (item,) = r.json()
    assert item["id"] == ids[1]
    assert item["credentials"]["password"]["identifiers"] == [email]
    assert "config" not in item["credentials"]["password"]
    r = await call(http, "GET", f"{base}?page=0&ids={ids[0]}")
    assert r.headers["X-Total-Count"] == "4"  # Kratos ignores the ids filter here
    r = await call(http, "GET", f"{base}?page=0&credentials_identifier={email}")
    assert r.headers["X-Total-Count"] == "1"
    r = await call(http, "GET", f"{base}?consistency=eventual")
    assert len(r.json()) == 4
    assert "credentials" not in r.json()[0]


async def test_seeding_ten_thousand(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    ids = ory_fake.seed_identities(10_000)
    assert len(set(ids)) == 10_000
    r = await call(http, "GET", f"{ory_fake.url}/admin/identities?page_size=500")
    assert len(r.json()) == 500
    assert r.json()[0]["id"] == min(ids)
