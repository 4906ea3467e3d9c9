"""The Django integration with Django's test clients (WSGI and ASGI) against FakeOry."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.kit import django_site

django_site.configure()

from django.core.management import call_command  # noqa: E402 - needs the settings above
from django.test import AsyncClient, Client, override_settings  # noqa: E402

from ory_async import RetryPolicy  # noqa: E402
from ory_async.contrib import django as ory_django  # noqa: E402
from ory_async.testing import FakeOry, FakeOryOptions  # noqa: E402

HTML = "text/html,application/xhtml+xml,*/*;q=0.8"
OPTIONS = {"retry": RetryPolicy.none(), "timeouts": 5}


class Seeded:
    def __init__(self, fake: FakeOry) -> None:
        self.fake = fake
        self.ada, self.bob = fake.seed_identities(2)
        _, self.token = fake.create_session(self.ada)
        _, self.needs_aal2 = fake.create_session(self.bob, aal="aal1", aal_required="aal2")
        _, self.aal2 = fake.create_session(self.bob, aal="aal2")


@pytest.fixture(scope="module")
def database() -> None:
    call_command("migrate", run_syncdb=True, verbosity=0)


@pytest.fixture
def ory_fake_options() -> FakeOryOptions:
    return {"seed": 13}


@pytest.fixture
def seeded(ory_fake_sync: FakeOry) -> Iterator[Seeded]:
    with override_settings(
        ORY_SDK_URL=ory_fake_sync.url,
        ORY_PUBLIC_URL=ory_fake_sync.public_url,
        ORY_CLIENT_OPTIONS=OPTIONS,
    ):
        yield Seeded(ory_fake_sync)
        ory_django.get_ory().close()


def token(value: str, **extra: str) -> dict[str, Any]:
    return {"headers": {"X-Session-Token": value, **extra}}


def test_the_middleware_checks_lazily(seeded: Seeded) -> None:
    client = Client()
    assert client.get("/lazy").json()["identity"] is None
    assert not seeded.fake.requests.matching("GET", "/sessions/whoami")  # no credentials sent
    assert client.get("/lazy", **token(seeded.token)).json()["identity"] == seeded.ada
    assert len(seeded.fake.requests.matching("GET", "/sessions/whoami")) == 1


def test_the_decorator_the_mixin_and_their_answers(seeded: Seeded) -> None:
    client = Client()
    assert client.get("/me", **token(seeded.token)).json() == {"identity": seeded.ada}
    api = client.get("/me", headers={"Accept": "application/json"})
    assert api.status_code == 401
    assert api.json()["detail"]["reason"]
    browser = client.get("/me?next=1", headers={"Accept": HTML})
    assert browser.status_code == 303
    target = urlsplit(browser["Location"])
    assert f"{target.scheme}://{target.netloc}" == seeded.fake.public_url
    assert target.path == "/self-service/login/browser"
    assert parse_qs(target.query) == {"return_to": ["http://testserver/me?next=1"]}
    # Assurance levels: the decorator's own check and Ory's 403.
    low = client.get("/billing", **token(seeded.token))
    assert low.status_code == 403
    assert low.json()["detail"]["error_id"] == "session_aal2_required"
    up = client.get("/billing", **token(seeded.token, Accept=HTML))
    assert up.status_code == 303
    assert parse_qs(urlsplit(up["Location"]).query)["aal"] == ["aal2"]
    assert client.get("/billing", **token(seeded.aal2)).json() == {"aal": "aal2"}
    assert client.get("/me", **token(seeded.needs_aal2)).status_code == 403
    # The mixin, with ory_aal = "aal2".
    assert client.get("/settings", **token(seeded.aal2)).json() == {"identity": seeded.bob}
    assert client.get("/settings", **token(seeded.token)).status_code == 403


def test_ory_unreachable_is_503_never_401() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with override_settings(ORY_SDK_URL=url, ORY_PUBLIC_URL=url, ORY_CLIENT_OPTIONS=OPTIONS):
        client = Client()
        for path in ("/me", "/lazy", "/settings"):
            answer = client.get(path, **token("t", Accept=HTML))
            assert answer.status_code == 503, path
            assert answer["Retry-After"] == "5"
        ory_django.get_ory().close()


async def test_async_views_under_asgi(seeded: Seeded) -> None:
    client = AsyncClient()
    answer = await client.get("/me-async", headers={"X-Session-Token": seeded.token})
    assert answer.json() == {"identity": seeded.ada}
    assert (await client.get("/me-async")).status_code == 401
    lazy = await client.get("/lazy-async", headers={"X-Session-Token": seeded.token})
    assert lazy.json() == {"identity": seeded.ada}
    profile = await client.get("/profile", headers={"X-Session-Token": seeded.token})
    assert profile.json() == {"identity": seeded.ada}
    assert (await client.get("/profile", headers={"Accept": HTML})).status_code == 303
    # A sync view under ASGI runs in a thread: the blocking client works there.
    assert (await client.get("/me", headers={"X-Session-Token": seeded.token})).status_code == 200


def test_context_processor_urls(seeded: Seeded) -> None:
    login, recovery = Client().get("/links").content.decode().split("|")
    assert login.startswith(f"{seeded.fake.public_url}/self-service/login/browser?return_to=")
    assert "testserver%2Flinks" in login or "testserver/links" in login
    assert recovery.startswith(f"{seeded.fake.public_url}/self-service/recovery/browser")


@pytest.mark.usefixtures("database")
def test_the_backend_maps_an_identity_to_a_user(seeded: Seeded) -> None:
    from django.contrib.auth import get_user_model

    client = Client()
    assert client.get("/user").json() == {"user": None}
    first = client.get("/user", **token(seeded.token)).json()
    email = seeded.fake.identities[seeded.ada]["traits"]["email"]
    assert first == {"user": seeded.ada, "email": email}
    assert client.get("/user", **token(seeded.token)).json() == first
    assert get_user_model().objects.filter(username=seeded.ada).count() == 1
    with override_settings(ORY_USER_FIELDS=lambda identity: {"email": "x@example.com"}):
        again = client.get("/user", **token(seeded.token)).json()
    assert again == {"user": seeded.ada, "email": "x@example.com"}


def test_bad_aal_is_refused_at_decoration() -> None:
    with pytest.raises(ValueError, match="aal"):
        ory_django.session_required(aal="aal0")  # type: ignore[arg-type]
