"""Django: the session cookie Ory re-issues reaches the browser; the user's logout URL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.kit import django_site

django_site.configure()

from django.test import AsyncClient, Client, override_settings  # noqa: E402

from ory_async import RetryPolicy  # noqa: E402
from ory_async.contrib import django as ory_django  # noqa: E402
from ory_async.testing import FakeOry, FakeOryOptions  # noqa: E402

COOKIE = "ory_kratos_session"
HTML = "text/html,application/xhtml+xml,*/*;q=0.8"
# No cache: every request asks whoami, which is where Ory re-issues the cookie.
SETTINGS = {
    "ORY_CLIENT_OPTIONS": {"retry": RetryPolicy.none(), "timeouts": 5},
    "ORY_VERIFIER_OPTIONS": {"cache_ttl": 0},
}


class Site:
    def __init__(self, fake: FakeOry) -> None:
        self.fake = fake
        self.ada, self.bob = fake.seed_identities(2)
        session, self.token = fake.create_session(self.ada, expires_in=timedelta(hours=1))
        self.session_id = session["id"]
        _, self.other = fake.create_session(self.bob)

    def extend(self) -> None:
        """Ory extends the session: its next whoami re-issues the cookie."""
        ory_django.get_ory().sessions.extend(self.session_id)

    def browser(self) -> Client:
        client = Client()
        client.cookies[COOKIE] = self.token
        return client


@pytest.fixture
def ory_fake_options() -> FakeOryOptions:
    return {"seed": 17}


@pytest.fixture
def site(ory_fake_sync: FakeOry) -> Iterator[Site]:
    with override_settings(
        ORY_SDK_URL=ory_fake_sync.url, ORY_PUBLIC_URL=ory_fake_sync.public_url, **SETTINGS
    ):
        yield Site(ory_fake_sync)
        ory_django.get_ory().close()


def reissued(response: object, token: str) -> None:
    cookie = response.cookies[COOKIE]  # type: ignore[attr-defined]
    assert cookie.value == token
    assert int(cookie["max-age"]) > 3600  # the extended lifetime, not the first hour
    assert cookie["httponly"] is True
    assert cookie["path"] == "/"
    assert cookie["samesite"] == "Lax"
    header = cookie.output(header="").strip()
    assert header.startswith(f"{COOKIE}={token}; ")


def test_a_reissued_cookie_reaches_the_browser_under_wsgi(site: Site) -> None:
    browser = site.browser()
    first = browser.get("/me")  # whoami only notes the cookie: nothing to re-issue yet
    assert first.status_code == 200
    assert COOKIE not in first.cookies
    for path in ("/me", "/lazy", "/settings"):  # decorator, middleware, mixin (a 403 too)
        site.extend()
        answer = browser.get(path)
        assert answer.status_code == (403 if path == "/settings" else 200), path
        reissued(answer, site.token)
        assert browser.get(path).cookies.get(COOKIE) is None, path  # once, not every request
    # A browser sent to log in (session below aal2) gets the cookie with its redirect.
    site.extend()
    redirected = browser.get("/billing", headers={"Accept": HTML})
    assert redirected.status_code == 303
    reissued(redirected, site.token)


def test_without_the_middleware_the_decorator_and_mixin_pass_it_on(site: Site) -> None:
    browser = site.browser()
    with override_settings(MIDDLEWARE=[]):
        browser.get("/me")
        for path in ("/me", "/profile-sync", "/settings"):  # /settings: a 403
            site.extend()
            reissued(browser.get(path), site.token)


async def test_without_the_middleware_async_views_pass_it_on(site: Site) -> None:
    browser = AsyncClient()
    browser.cookies[COOKIE] = site.token
    with override_settings(MIDDLEWARE=[]):
        await browser.get("/me-async")
        for path in ("/me-async", "/profile"):
            await asyncio.to_thread(site.extend)
            reissued(await browser.get(path), site.token)


def test_cookies_never_reach_another_request(site: Site) -> None:
    browser = site.browser()
    browser.get("/me")
    site.extend()
    by_token = Client().get("/me", headers={"X-Session-Token": site.other})
    assert by_token.status_code == 200
    assert not by_token.cookies
    assert "Set-Cookie" not in str(by_token.serialize_headers())
    anonymous = Client().get("/lazy")
    assert not anonymous.cookies
    reissued(browser.get("/me"), site.token)  # the owner's next request still gets it


def test_the_view_s_own_cookie_of_that_name_wins(site: Site) -> None:
    browser = site.browser()
    browser.get("/lazy")
    site.extend()
    answer = browser.get("/forget")  # the view deletes the session cookie
    assert answer.cookies[COOKIE]["max-age"] == 0
    assert answer.cookies[COOKIE].value == ""


async def test_a_reissued_cookie_reaches_the_browser_under_asgi(site: Site) -> None:
    browser = AsyncClient()
    browser.cookies[COOKIE] = site.token
    assert COOKIE not in (await browser.get("/me-async")).cookies
    for path in ("/me-async", "/lazy-async", "/profile", "/me"):
        await asyncio.to_thread(site.extend)
        answer = await browser.get(path)
        assert answer.status_code == 200, path
        reissued(answer, site.token)
        assert COOKIE not in (await browser.get(path)).cookies, path


def test_templates_get_the_user_s_logout_url_lazily(site: Site) -> None:
    def created() -> list[Any]:
        return site.fake.requests.matching("GET", "/self-service/logout/browser")

    browser = site.browser()
    browser.get("/links")
    assert not created()  # a page that shows no logout link asks Ory nothing
    first, second = browser.get("/logout-link").content.decode().split("|")
    assert first == second
    assert len(created()) == 1  # read twice in the request, asked once
    assert created()[-1].headers["Cookie"] == f"{COOKIE}={site.token}"
    url = urlsplit(first)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{site.fake.public_url}/self-service/logout"
    (logout_token,) = parse_qs(url.query)["token"]
    flow = ory_django.get_ory().frontend.create_logout_url(f"{COOKIE}={site.token}")
    assert logout_token == flow.logout_token
    # Without a browser session there is no logout URL, and no call.
    calls = len(created())
    assert Client().get("/logout-link").content == b"None|None"
    by_token = Client().get("/logout-link", headers={"X-Session-Token": site.token})
    assert by_token.content == b"None|None"
    assert len(created()) == calls
