"""Flask: the session cookie Ory re-issues reaches the browser; the user's logout URL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import render_template_string
from werkzeug.test import TestResponse

from ory_async.testing import FakeOry, serve_in_thread
from tests.contrib.test_flask import HTML, make_app

COOKIE = "ory_kratos_session"


class Site:
    def __init__(self, fake: FakeOry) -> None:
        self.fake = fake
        # No cache: every request asks whoami, which is where Ory re-issues the cookie.
        self.app, self.ext = make_app(
            fake.url, fake.public_url, ORY_VERIFIER_OPTIONS={"cache_ttl": 0}
        )
        ada, bob = fake.seed_identities(2)
        session, self.token = fake.create_session(ada, expires_in=timedelta(hours=1))
        self.session_id = session["id"]
        _, self.other = fake.create_session(bob)

        @self.app.get("/logout-link")
        def logout_link() -> str:
            # Two renders in one request: Ory is asked for the logout URL once.
            template = "{{ ory_urls.logout }}"
            return render_template_string(template) + "|" + render_template_string(template)

    def extend(self) -> None:
        """Ory extends the session: its next whoami re-issues the cookie."""
        self.ext.client.sessions.extend(self.session_id)


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_in_thread(seed=19) as fake:
        site = Site(fake)
        yield site
        site.ext.close()


def reissued(answer: TestResponse, token: str) -> None:
    (header,) = answer.headers.getlist("Set-Cookie")
    name_value, *attributes = [part.strip() for part in header.split(";")]
    assert name_value == f"{COOKIE}={token}"
    found = {key.lower(): value for key, _, value in (a.partition("=") for a in attributes)}
    assert int(found["max-age"]) > 3600  # the extended lifetime, not the first hour
    assert found["path"] == "/"
    assert "httponly" in found


def test_a_reissued_cookie_reaches_the_browser(site: Site) -> None:
    browser = site.app.test_client()
    browser.set_cookie(COOKIE, site.token)
    first = browser.get("/me")  # whoami only notes the cookie: nothing to re-issue yet
    assert first.status_code == 200
    assert not first.headers.getlist("Set-Cookie")
    for path in ("/me", "/maybe", "/async", "/admin"):  # decorator, current_session, async, 403
        site.extend()
        answer = browser.get(path)
        assert answer.status_code == (403 if path == "/admin" else 200), path
        reissued(answer, site.token)
        assert not browser.get(path).headers.getlist("Set-Cookie"), path  # once only
    site.extend()
    redirected = browser.get("/admin", headers={"Accept": HTML})
    assert redirected.status_code == 303
    reissued(redirected, site.token)


def test_cookies_never_reach_another_request(site: Site) -> None:
    browser = site.app.test_client()
    browser.set_cookie(COOKIE, site.token)
    browser.get("/me")
    site.extend()
    by_token = site.app.test_client().get("/me", headers={"X-Session-Token": site.other})
    assert by_token.status_code == 200
    assert not by_token.headers.getlist("Set-Cookie")
    assert not site.app.test_client().get("/maybe").headers.getlist("Set-Cookie")
    reissued(browser.get("/me"), site.token)  # the owner's next request still gets it


def test_templates_get_the_user_s_logout_url_lazily(site: Site) -> None:
    def created() -> int:
        return len(site.fake.requests.matching("GET", "/self-service/logout/browser"))

    browser = site.app.test_client()
    browser.set_cookie(COOKIE, site.token)
    browser.get("/links")
    assert created() == 0  # a page that shows no logout link asks Ory nothing
    first, second = browser.get("/logout-link").text.split("|")
    assert first == second
    assert created() == 1  # read twice in the request, asked once
    request = site.fake.requests.matching("GET", "/self-service/logout/browser")[-1]
    assert request.headers["Cookie"] == f"{COOKIE}={site.token}"
    url = urlsplit(first)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{site.fake.public_url}/self-service/logout"
    (logout_token,) = parse_qs(url.query)["token"]
    flow = site.ext.client.frontend.create_logout_url(f"{COOKIE}={site.token}")
    assert logout_token == flow.logout_token
    calls = created()
    assert site.app.test_client().get("/logout-link").text == "None|None"
    by_token = site.app.test_client().get("/logout-link", headers={"X-Session-Token": site.token})
    assert by_token.text == "None|None"
    assert created() == calls
