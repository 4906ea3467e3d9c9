"""Tokenized sessions verified locally against FakeOry's JWKS: what passes, what never does."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from ory_async import OryClient
from ory_async.contrib import SessionRejected, SessionVerifier, TokenVerifier
from ory_async.errors import BadRequestError, UnauthorizedError
from ory_async.testing import FakeOry
from tests.kit import tokens
from tests.kit.apps import Factory, Users


@pytest.fixture
async def ory(factory: Factory, ory_fake: FakeOry) -> AsyncIterator[OryClient]:
    ory_fake.add_token_template("app")
    async with factory() as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def jwks_fetches(ory_fake: FakeOry) -> int:
    return len(ory_fake.requests.matching("GET", "/.well-known/jwks.json"))


async def test_a_token_is_verified_without_calling_ory(
    ory: OryClient, users: Users, ory_fake: FakeOry
) -> None:
    token = await ory.sessions.tokenize(users.token, "app")
    verifier = SessionVerifier(jwt=True)
    ory_fake.requests.clear()
    for _ in range(5):
        check = await verifier.check(ory, bearer(token), {})
        assert check.source == "token"
        assert check.session.id == users.session["id"]
        assert check.identity_id == users.ada
        assert check.claims is not None
        assert check.claims["iss"] == ory_fake.public_url
    assert [r.path for r in ory_fake.requests] == ["/.well-known/jwks.json"]  # keys once, then none
    assert ory_fake.requests[0].headers.get("Authorization") is None


async def test_tokenize_sends_the_template_and_the_token(
    ory: OryClient, users: Users, ory_fake: FakeOry
) -> None:
    token = await ory.sessions.tokenize(users.token, "app")
    request = ory_fake.requests.matching("GET", "/sessions/whoami")[-1]
    assert request.query == [("tokenize_as", "app")]
    assert request.headers["X-Session-Token"] == users.token
    assert token.count(".") == 2
    with pytest.raises(BadRequestError, match='Unable to find tokenizer template "nope"'):
        await ory.sessions.tokenize(users.token, "nope")
    with pytest.raises(UnauthorizedError):
        await ory.sessions.tokenize("not-a-session", "app")
    with pytest.raises(ValueError, match="template"):
        await ory.sessions.tokenize(users.token, "")


async def test_the_session_claim_gives_the_whole_session(
    factory: Factory, users: Users, ory_fake: FakeOry
) -> None:
    ory_fake.add_token_template("full", claims_mapper=lambda session, _: {"session": session})
    async with factory() as ory:
        token = await ory.sessions.tokenize(users.token, "full")
        check = await SessionVerifier(jwt=True).check(ory, bearer(token), {})
    assert check.session.identity is not None
    assert check.session.identity.id == users.ada
    assert check.aal == "aal1"
    assert check.session.tokenized == token


async def rejected(verifier: SessionVerifier, ory: OryClient, token: str) -> SessionRejected:
    with pytest.raises(SessionRejected) as caught:
        await verifier.check(ory, bearer(token), {})
    return caught.value


async def test_forged_tokens_are_401(ory: OryClient, users: Users, ory_fake: FakeOry) -> None:
    verifier = SessionVerifier(jwt=True)
    real = await ory.sessions.tokenize(users.token, "app")
    await verifier.check(ory, bearer(real), {})  # keys fetched
    kid, key = ory_fake.signing_key
    jwk = ory_fake.jwks["keys"][0]
    issuer = ory_fake.public_url
    cases: dict[str, str] = {
        "other key, known kid": tokens.signed(tokens.claims(issuer), tokens.other_key(), kid),
        "expired": tokens.signed(tokens.claims(issuer, exp=1_000, iat=900, nbf=900), key, kid),
        "wrong issuer": tokens.signed(tokens.claims("https://evil.example"), key, kid),
        "an audience for someone else": tokens.signed(tokens.claims(issuer, aud="other"), key, kid),
        "alg none": tokens.unsigned(tokens.claims(issuer), kid),
        "HMAC keyed with the public key": tokens.hmac_with_public_key(
            tokens.claims(issuer), jwk, key
        ),
        "no sub": tokens.signed(tokens.claims(issuer, sub=None), key, kid),
        "tampered payload": real[: real.index(".") + 1]
        + "eyJzdWIiOiJ4In0"
        + real[real.rindex(".") :],
        "not a token at all": "eyJ.bad.token",
    }
    for name, token in cases.items():
        refusal = await rejected(verifier, ory, token)
        assert refusal.status == 401, name
    # A small clock skew is tolerated, a larger one is not.
    skewed = tokens.claims(issuer, exp=int(time.time()) - 1)
    assert (
        await verifier.check(ory, bearer(tokens.signed(skewed, key, kid)), {})
    ).source == "token"
    strict = SessionVerifier(jwt=TokenVerifier(leeway=0))
    assert (await rejected(strict, ory, tokens.signed(skewed, key, kid))).status == 401
    assert jwks_fetches(ory_fake) == 2  # one per verifier; no forged token caused a fetch


async def test_the_audience_is_checked_when_the_app_names_one(
    ory: OryClient, ory_fake: FakeOry
) -> None:
    kid, key = ory_fake.signing_key
    verifier = SessionVerifier(jwt=TokenVerifier(audience="my-api"))
    mine = tokens.signed(tokens.claims(ory_fake.public_url, aud="my-api"), key, kid)
    theirs = tokens.signed(tokens.claims(ory_fake.public_url, aud="their-api"), key, kid)
    none = tokens.signed(tokens.claims(ory_fake.public_url), key, kid)
    assert (await verifier.check(ory, bearer(mine), {})).source == "token"
    assert (await rejected(verifier, ory, theirs)).status == 401
    assert (await rejected(verifier, ory, none)).status == 401


async def test_an_unknown_kid_refetches_once_then_401(
    ory: OryClient, users: Users, ory_fake: FakeOry
) -> None:
    now = [100.0]
    verifier = SessionVerifier(jwt=TokenVerifier(clock=lambda: now[0]))
    await verifier.check(ory, bearer(await ory.sessions.tokenize(users.token, "app")), {})
    stranger = tokens.signed(tokens.claims(ory_fake.public_url), tokens.other_key(), "nobody")
    assert (await rejected(verifier, ory, stranger)).status == 401
    assert jwks_fetches(ory_fake) == 1  # within the minute: refused without fetching
    now[0] += 61
    assert (await rejected(verifier, ory, stranger)).status == 401
    assert jwks_fetches(ory_fake) == 2  # one refetch, still unknown: 401
    assert (await rejected(verifier, ory, stranger)).status == 401
    assert jwks_fetches(ory_fake) == 2


async def test_key_rotation_is_followed(ory: OryClient, users: Users, ory_fake: FakeOry) -> None:
    now = [100.0]
    verifier = SessionVerifier(jwt=TokenVerifier(clock=lambda: now[0]))
    old = await ory.sessions.tokenize(users.token, "app")
    await verifier.check(ory, bearer(old), {})
    ory_fake.rotate_signing_key()
    new = await ory.sessions.tokenize(users.token, "app")
    now[0] += 61
    assert (await verifier.check(ory, bearer(new), {})).source == "token"
    assert (await verifier.check(ory, bearer(old), {})).source == "token"  # old key still listed
    assert jwks_fetches(ory_fake) == 2
    ory_fake.rotate_signing_key(keep_old=False)
    now[0] += 61
    newest = await ory.sessions.tokenize(users.token, "app")
    assert (await verifier.check(ory, bearer(newest), {})).source == "token"
    assert (await rejected(verifier, ory, old)).status == 401  # its key was withdrawn


async def test_unreachable_keys_are_503(ory: OryClient, users: Users, ory_fake: FakeOry) -> None:
    token = await ory.sessions.tokenize(users.token, "app")
    ory_fake.faults.add("/.well-known/jwks.json", status=503, times=None)
    refusal = await rejected(SessionVerifier(jwt=True), ory, token)
    assert refusal.status == 503
    assert refusal.headers == {"Retry-After": "5"}


async def test_a_revoke_by_our_client_ends_its_tokens(
    ory: OryClient, users: Users, ory_fake: FakeOry
) -> None:
    verifier = SessionVerifier(jwt=True)
    token = await ory.sessions.tokenize(users.token, "app")
    await verifier.check(ory, bearer(token), {})
    await ory.sessions.disable(users.session["id"])
    assert (await rejected(verifier, ory, token)).status == 401


def test_symmetric_or_none_algorithms_cannot_be_allowed() -> None:
    for algorithms in (["none"], ["HS256"], ["ES256", "HS512"], []):
        with pytest.raises(ValueError, match="asymmetric"):
            TokenVerifier(algorithms=algorithms)


async def test_a_key_checks_only_its_own_algorithm(ory: OryClient, ory_fake: FakeOry) -> None:
    # An ES256 key listed in the JWKS is never used to check an RS256 token.
    kid, _ = ory_fake.signing_key
    from cryptography.hazmat.primitives.asymmetric import rsa

    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = tokens.signed(tokens.claims(ory_fake.public_url), rsa_key, kid, alg="RS256")
    assert (await rejected(SessionVerifier(jwt=True), ory, token)).status == 401


async def test_static_keys_need_no_fetch(ory: OryClient, users: Users, ory_fake: FakeOry) -> None:
    keys: dict[str, Any] = ory_fake.jwks
    token = await ory.sessions.tokenize(users.token, "app")
    verifier = SessionVerifier(jwt=TokenVerifier(keys=keys, issuer=ory_fake.public_url))
    assert (await verifier.check(ory, bearer(token), {})).source == "token"
    assert jwks_fetches(ory_fake) == 0


async def test_bearer_session_tokens_still_go_to_whoami_when_accepted(
    ory: OryClient, users: Users, ory_fake: FakeOry
) -> None:
    verifier = SessionVerifier(jwt=True, accept_bearer=True)
    check = await verifier.check(ory, bearer(users.token), {})
    assert check.source == "ory"
    assert ory_fake.requests.matching("GET", "/sessions/whoami")[-1].headers["X-Session-Token"] == (
        users.token
    )
    # Without jwt=True a bearer JWT is no credential at all (never sent to Ory).
    token = await ory.sessions.tokenize(users.token, "app")
    ory_fake.requests.clear()
    assert (await rejected(SessionVerifier(), ory, token)).status == 401
    assert len(ory_fake.requests) == 0


async def test_a_verified_token_is_not_verified_again(
    ory: OryClient, users: Users, ory_fake: FakeOry, monkeypatch: pytest.MonkeyPatch
) -> None:
    verifier = SessionVerifier(jwt=True)
    assert verifier.tokens is not None
    token = await ory.sessions.tokenize(users.token, "app")
    decodes: list[str] = []
    real_decode = verifier.tokens._jwt.decode

    def counting(value: str, *args: Any, **kwargs: Any) -> Any:
        decodes.append(value)
        return real_decode(value, *args, **kwargs)

    monkeypatch.setattr(verifier.tokens._jwt, "decode", counting)
    for _ in range(3):
        assert (await verifier.check(ory, bearer(token), {})).source == "token"
    assert decodes == [token]
    # A forged token with the same claims is never taken for the verified one.
    kid, _ = ory_fake.signing_key
    forged = tokens.signed(tokens.claims(ory_fake.public_url), tokens.other_key(), kid)
    assert (await rejected(verifier, ory, forged)).status == 401
    # Revoking still ends a remembered token.
    await ory.sessions.disable(users.session["id"])
    assert (await rejected(verifier, ory, token)).status == 401


async def test_only_the_allowed_algorithms_pass(ory: OryClient, users: Users) -> None:
    token = await ory.sessions.tokenize(users.token, "app")  # ES256
    only_rsa = SessionVerifier(jwt=TokenVerifier(algorithms=["RS256"]))
    assert (await rejected(only_rsa, ory, token)).status == 401


async def test_private_or_symmetric_keys_in_a_key_set_are_ignored(ory: OryClient) -> None:
    import json

    from jwt.algorithms import ECAlgorithm

    key = tokens.other_key()
    private = json.loads(ECAlgorithm.to_jwk(key))
    private.update(kid="leaked", use="sig", alg="ES256")
    secret = {"kty": "oct", "k": "c2VjcmV0", "kid": "shared", "alg": "HS256"}
    verifier = SessionVerifier(
        jwt=TokenVerifier(keys={"keys": [private, secret]}, issuer="https://ory.example")
    )
    token = tokens.signed(tokens.claims("https://ory.example"), key, "leaked")
    assert (await rejected(verifier, ory, token)).status == 401
