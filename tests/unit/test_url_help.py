"""URL mistakes get help: a base URL ending in /admin, and the router's plain-text 404."""

from __future__ import annotations

import pytest
from aioresponses import aioresponses

from ory_async import NotFoundError, OryClient, RetryPolicy
from tests.kit.helpers import only_request
from tests.kit.mocked import ANY, BASE

ROUTER_404 = "404 page not found\n"


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        (f"{BASE}/admin", BASE),
        (f"{BASE}/admin/", BASE),
        (f"{BASE}/kratos/admin", f"{BASE}/kratos"),
        (f"{BASE}/administration", f"{BASE}/administration"),
        (BASE, BASE),
    ],
)
async def test_v1_base_url_ending_in_admin_is_normalised(base_url: str, expected: str) -> None:
    async with OryClient(base_url, retry=RetryPolicy.none()) as ory:
        assert str(ory.base_url).rstrip("/") == expected
        with aioresponses() as m:
            m.get(ANY, payload={"id": "x", "schema_id": "default", "traits": {}})
            await ory.identities.get("x")
            method, url, _ = only_request(m)
    prefix = expected.removeprefix(BASE)
    assert (method, url.path) == ("GET", f"{prefix}/admin/identities/x")


async def test_v0_base_url_keeps_its_path() -> None:
    async with OryClient(f"{BASE}/admin", api="v0", retry=RetryPolicy.none()) as ory:
        assert ory.base_url.path == "/admin"


async def test_router_404_on_a_v1_call_says_the_url_or_api_may_be_wrong(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, status=404, body=ROUTER_404, content_type="text/plain; charset=utf-8")
        with pytest.raises(NotFoundError) as caught:
            await ory.identities.get("x")
    error = caught.value
    assert error.no_such_route
    text = str(error)
    assert text.startswith("404 Not Found on GET /admin/identities/x")
    assert "the admin URL may be wrong (ORY_SDK_URL and ORY_PUBLIC_URL, --url and" in text
    assert "base_url and public_url in Python" in text
    assert 'api="v0" (--api v0)' in text


async def test_router_404_on_a_frontend_call_names_the_urls(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, status=404, body=ROUTER_404, content_type="text/plain")
        with pytest.raises(NotFoundError) as caught:
            await ory.schemas.get("default")
    text = str(caught.value)
    assert "a URL may be wrong (ORY_SDK_URL and ORY_PUBLIC_URL, --url and --public-url" in text
    assert "base_url and public_url in Python" in text


async def test_an_endpoint_404_has_no_url_hint(ory: OryClient) -> None:
    body = {
        "error": {"code": 404, "status": "Not Found", "message": "Unable to locate the resource"}
    }
    with aioresponses() as m:
        m.get(ANY, status=404, payload=body)
        with pytest.raises(NotFoundError) as caught:
            await ory.identities.get("x")
    assert not caught.value.no_such_route
    assert "may be wrong" not in str(caught.value)
    assert str(caught.value).endswith("Unable to locate the resource")
