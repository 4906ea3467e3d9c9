"""FakeOry's tokenized sessions, JWKS, whoami caching header and cookie re-issue, as Kratos does them."""

from __future__ import annotations

from datetime import timedelta

import aiohttp
import jwt

from ory_async.testing import FakeOry, ManualClock
from tests.kit.raw_http import call


async def test_tokenized_sessions_carry_kratos_claims(http: aiohttp.ClientSession) -> None:
    async with FakeOry(seed=4) as fake:
        fake.add_token_template("app", ttl=timedelta(minutes=5))
        (ada,) = fake.seed_identities(1)
        session, token = fake.create_session(ada)
        r = await call(
            http,
            "GET",
            f"{fake.public_url}/sessions/whoami?tokenize_as=app",
            headers={"X-Session-Token": token},
        )
        assert r.status == 200
        tokenized = r.json()["tokenized"]
        keys = await call(http, "GET", f"{fake.public_url}/.well-known/jwks.json")
        assert keys.status == 200
        (jwk,) = keys.json()["keys"]
        assert {"kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig"}.items() <= jwk.items()
        assert "d" not in jwk  # the public half only
        header = jwt.get_unverified_header(tokenized)
        assert header["kid"] == jwk["kid"]
        claims = jwt.decode(
            tokenized, jwt.PyJWK(jwk).key, algorithms=["ES256"], issuer=fake.public_url
        )
        assert set(claims) == {"jti", "iss", "exp", "sid", "nbf", "iat", "sub"}
        assert claims["sid"] == session["id"]
        assert claims["sub"] == ada
        assert claims["exp"] - claims["iat"] == 300
        assert claims["nbf"] == claims["iat"]
        # Kratos sends no cache header with a token, even when caching is on.
        fake.cacheable_sessions()
        again = await call(
            http,
            "GET",
            f"{fake.public_url}/sessions/whoami?tokenize_as=app",
            headers={"X-Session-Token": token},
        )
        assert "Ory-Session-Cache-For" not in again.headers


async def test_template_errors_are_kratos_400s(http: aiohttp.ClientSession) -> None:
    async with FakeOry(seed=4) as fake:
        fake.add_token_template("ext", subject_source="external_id")
        (ada,) = fake.seed_identities(1)
        _, token = fake.create_session(ada)
        for template, reason in (
            ("nope", 'Unable to find tokenizer template "nope".'),
            ("ext", "The session's identity does not have an external ID set"),
        ):
            r = await call(
                http,
                "GET",
                f"{fake.public_url}/sessions/whoami?tokenize_as={template}",
                headers={"X-Session-Token": token},
            )
            assert r.status == 400
            assert r.error["reason"].startswith(reason)


async def test_the_cache_header_follows_the_flag_expiry_and_max_age(
    http: aiohttp.ClientSession,
) -> None:
    clock = ManualClock()
    async with FakeOry(seed=4, clock=clock) as fake:
        (ada,) = fake.seed_identities(1)
        _, token = fake.create_session(ada, expires_in=timedelta(hours=1))
        url = f"{fake.public_url}/sessions/whoami"
        headers = {"X-Session-Token": token}
        assert (
            "Ory-Session-Cache-For" not in (await call(http, "GET", url, headers=headers)).headers
        )
        fake.cacheable_sessions()
        r = await call(http, "GET", url, headers=headers)
        assert r.headers["Ory-Session-Cache-For"] == "3600"
        clock.advance(600)
        r = await call(http, "GET", url, headers=headers)
        assert r.headers["Ory-Session-Cache-For"] == "3000"
        fake.cacheable_sessions(max_age=timedelta(seconds=90))
        r = await call(http, "GET", url, headers=headers)
        assert r.headers["Ory-Session-Cache-For"] == "90"


async def test_cookies_are_reissued_after_an_extend(http: aiohttp.ClientSession) -> None:
    async with FakeOry(seed=4) as fake:
        (ada,) = fake.seed_identities(1)
        session, token = fake.create_session(ada, expires_in=timedelta(hours=1))
        url = f"{fake.public_url}/sessions/whoami"
        cookie = {"Cookie": f"ory_kratos_session={token}"}
        assert "Set-Cookie" not in (await call(http, "GET", url, headers=cookie)).headers
        r = await call(http, "PATCH", f"{fake.url}/admin/sessions/{session['id']}/extend")
        assert r.status == 204
        # A session token is not a cookie: nothing to re-issue.
        by_token = await call(http, "GET", url, headers={"X-Session-Token": token})
        assert "Set-Cookie" not in by_token.headers
        renewed = await call(http, "GET", url, headers=cookie)
        set_cookie = renewed.headers["Set-Cookie"]
        assert set_cookie.startswith(f"ory_kratos_session={token};")
        assert "Path=/" in set_cookie
        assert "HttpOnly" in set_cookie
        assert "SameSite=Lax" in set_cookie
        max_age = int(set_cookie.split("Max-Age=")[1].split(";")[0])
        assert 23 * 3600 < max_age <= 24 * 3600  # the extended lifespan
        # Once re-issued, not again.
        assert "Set-Cookie" not in (await call(http, "GET", url, headers=cookie)).headers
