"""The Flask extension with Flask's test client against FakeOry (served from a thread)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask, g, render_template_string
from werkzeug.test import TestResponse

from ory_async import RetryPolicy
from ory_async.contrib.flask import Ory, current_ory, current_session, session_required
from ory_async.sync import OryClient
from ory_async.testing import FakeOry, FakeOryOptions

HTML = "text/html,application/xhtml+xml,*/*;q=0.8"


class Seeded:
    def __init__(self, fake: FakeOry) -> None:
        self.fake = fake
        self.ada, self.bob = fake.seed_identities(2)
        _, self.token = fake.create_session(self.ada)
        _, self.revoked = fake.create_session(self.ada, active=False)
        _, self.needs_aal2 = fake.create_session(self.bob, aal="aal1", aal_required="aal2")
        _, self.aal2 = fake.create_session(self.bob, aal="aal2")


def make_app(ory_url: str, public_url: str, **config: Any) -> tuple[Flask, Ory]:
    app = Flask(__name__)
    app.config.update(
        ORY_SDK_URL=ory_url,
        ORY_PUBLIC_URL=public_url,
        ORY_CLIENT_OPTIONS={"retry": RetryPolicy.none(), "timeouts": 5},
        **config,
    )
    ext = Ory(app)

    @app.get("/me")
    @session_required()
    def me() -> dict[str, Any]:
        session = g.ory_session
        return {"identity": session.identity.id, "same": current_ory() is ext.client}

    @app.get("/admin")
    @session_required(aal="aal2")
    def admin() -> dict[str, str]:
        return {"aal": str(g.ory_session.authenticator_assurance_level)}

    @app.get("/async")
    @session_required()
    async def in_async_view() -> dict[str, str]:
        return {"identity": g.ory_session.identity.id}

    @app.get("/maybe")
    def maybe() -> dict[str, Any]:
        session = current_session()
        return {"identity": session.identity.id if session and session.identity else None}

    @app.get("/links")
    def links() -> str:
        return render_template_string("{{ ory_urls.login }}|{{ ory_urls.settings }}")

    return app, ext


@pytest.fixture
def ory_fake_options() -> FakeOryOptions:
    return {"seed": 11}


@pytest.fixture
def seeded(ory_fake_sync: FakeOry) -> Seeded:
    return Seeded(ory_fake_sync)


@pytest.fixture
def app(ory_fake_sync: FakeOry) -> Iterator[tuple[Flask, Ory]]:
    app, ext = make_app(ory_fake_sync.url, ory_fake_sync.public_url)
    yield app, ext
    ext.close()


def test_a_valid_session_reaches_the_view_in_g(app: tuple[Flask, Ory], seeded: Seeded) -> None:
    client = app[0].test_client()
    answer = client.get("/me", headers={"X-Session-Token": seeded.token})
    assert answer.status_code == 200
    assert answer.json == {"identity": seeded.ada, "same": True}
    by_cookie = app[0].test_client()
    by_cookie.set_cookie("ory_kratos_session", seeded.token)
    assert by_cookie.get("/me").json == {"identity": seeded.ada, "same": True}
    whoami = seeded.fake.requests.matching("GET", "/sessions/whoami")
    assert whoami[-1].headers["Cookie"] == f"ory_kratos_session={seeded.token}"


def test_api_clients_get_401_json_and_browsers_the_login_flow(
    app: tuple[Flask, Ory], seeded: Seeded
) -> None:
    client = app[0].test_client()
    api = client.get("/me", headers={"Accept": "application/json"})
    assert api.status_code == 401
    assert api.json is not None
    assert api.json["detail"]["reason"]
    revoked = client.get("/me", headers={"X-Session-Token": seeded.revoked})
    assert revoked.status_code == 401
    browser = client.get("/me?tab=1", headers={"Accept": HTML})
    assert browser.status_code == 303
    target = urlsplit(browser.headers["Location"])
    assert f"{target.scheme}://{target.netloc}" == seeded.fake.public_url
    assert target.path == "/self-service/login/browser"
    assert parse_qs(target.query) == {"return_to": ["http://localhost/me?tab=1"]}


def test_assurance_levels(app: tuple[Flask, Ory], seeded: Seeded) -> None:
    client = app[0].test_client()
    # Ory itself refuses an aal1 session that must be aal2: 403 JSON with its error id.
    refused = client.get("/me", headers={"X-Session-Token": seeded.needs_aal2})
    assert refused.status_code == 403
    assert refused.json is not None
    assert refused.json["detail"]["error_id"] == "session_aal2_required"
    # The view asks for aal2 and the session is aal1.
    low = client.get("/admin", headers={"X-Session-Token": seeded.token})
    assert low.status_code == 403
    assert low.json is not None
    assert low.json["detail"]["error_id"] == "session_aal2_required"
    browser = client.get("/admin", headers={"X-Session-Token": seeded.token, "Accept": HTML})
    assert browser.status_code == 303
    query = parse_qs(urlsplit(browser.headers["Location"]).query)
    assert query == {"aal": ["aal2"], "return_to": ["http://localhost/admin"]}
    ok = client.get("/admin", headers={"X-Session-Token": seeded.aal2})
    assert ok.json == {"aal": "aal2"}


def test_ory_unreachable_is_503_for_browsers_and_apis_alike() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app, ext = make_app(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}")
    try:
        client = app.test_client()
        for accept in (HTML, "application/json"):
            answer = client.get("/me", headers={"X-Session-Token": "t", "Accept": accept})
            assert answer.status_code == 503
            assert answer.headers["Retry-After"] == "5"
        optional = client.get("/maybe", headers={"X-Session-Token": "t"})
        assert optional.status_code == 503
    finally:
        ext.close()


def test_async_views_await_the_check(app: tuple[Flask, Ory], seeded: Seeded) -> None:
    client = app[0].test_client()
    assert client.get("/async", headers={"X-Session-Token": seeded.token}).json == {
        "identity": seeded.ada
    }
    assert client.get("/async").status_code == 401


def test_optional_session_and_template_urls(app: tuple[Flask, Ory], seeded: Seeded) -> None:
    client = app[0].test_client()
    assert client.get("/maybe").json == {"identity": None}
    assert client.get("/maybe", headers={"X-Session-Token": seeded.token}).json == {
        "identity": seeded.ada
    }
    login, settings = client.get("/links?x=1").text.split("|")
    assert login.startswith(f"{seeded.fake.public_url}/self-service/login/browser?return_to=")
    assert settings.startswith(f"{seeded.fake.public_url}/self-service/settings/browser")


def test_redirects_can_be_turned_off_and_a_client_given(ory_fake_sync: FakeOry) -> None:
    with OryClient(ory_fake_sync.url, public_url=ory_fake_sync.public_url) as ory:
        app = Flask(__name__)
        app.config["ORY_REDIRECT_BROWSERS"] = False
        ext = Ory(app, client=ory)

        @app.get("/me")
        @session_required()
        def me() -> str:
            return "hi"

        answer = app.test_client().get("/me", headers={"Accept": HTML})
        assert answer.status_code == 401
        assert ext.client is ory
    with pytest.raises(ValueError, match="aal"):
        session_required(aal="aal9")  # type: ignore[arg-type]


# The session cookie Ory re-issues reaches the browser; the user's logout URL.

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
def site(ory_fake_sync: FakeOry) -> Iterator[Site]:
    site = Site(ory_fake_sync)
    yield site
    site.ext.close()


def reissued_cookie(answer: TestResponse, token: str) -> None:
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
        reissued_cookie(answer, site.token)
        assert not browser.get(path).headers.getlist("Set-Cookie"), path  # once only
    site.extend()
    redirected = browser.get("/admin", headers={"Accept": HTML})
    assert redirected.status_code == 303
    reissued_cookie(redirected, site.token)


def test_cookies_never_reach_another_request(site: Site) -> None:
    browser = site.app.test_client()
    browser.set_cookie(COOKIE, site.token)
    browser.get("/me")
    site.extend()
    by_token = site.app.test_client().get("/me", headers={"X-Session-Token": site.other})
    assert by_token.status_code == 200
    assert not by_token.headers.getlist("Set-Cookie")
    assert not site.app.test_client().get("/maybe").headers.getlist("Set-Cookie")
    reissued_cookie(browser.get("/me"), site.token)  # the owner's next request still gets it


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
