from __future__ import annotations

import pickle

import pytest

from ory_async import BearerToken, SessionCookie, SessionToken

TOKEN = "ory_pat_SUPERSECRET123"


@pytest.mark.parametrize("cls", [BearerToken, SessionToken])
def test_tokens_redact_themselves(cls: type[BearerToken] | type[SessionToken]) -> None:
    auth = cls(TOKEN)
    assert TOKEN not in repr(auth)
    assert TOKEN not in str(auth)
    assert TOKEN not in f"{auth}"
    assert repr(auth) == f"{cls.__name__}(<redacted>)"
    assert auth.token == TOKEN


def test_header_values() -> None:
    assert BearerToken.header_name == "Authorization"
    assert BearerToken(TOKEN).header_value() == f"Bearer {TOKEN}"
    assert SessionToken.header_name == "X-Session-Token"
    assert SessionToken(TOKEN).header_value() == TOKEN


@pytest.mark.parametrize("bad", ["", "   ", "a\r\nInjected: 1", "nul\x00"])
def test_rejects_unusable_tokens(bad: str) -> None:
    with pytest.raises(ValueError, match="BearerToken"):
        BearerToken(bad)


def test_rejects_non_string_tokens() -> None:
    with pytest.raises(TypeError, match="takes the token as a str"):
        SessionToken(b"bytes")  # type: ignore[arg-type]


def test_equality_and_pickling() -> None:
    assert BearerToken(TOKEN) == BearerToken(TOKEN)
    assert BearerToken(TOKEN) != SessionToken(TOKEN)
    assert pickle.loads(pickle.dumps(BearerToken(TOKEN))) == BearerToken(TOKEN)


def test_session_cookie_sets_the_cookie_header_and_redacts() -> None:
    cookie = SessionCookie(f"ory_kratos_session={TOKEN}")
    assert SessionCookie.header_name == "Cookie"
    assert cookie.header_value() == f"ory_kratos_session={TOKEN}"
    assert TOKEN not in repr(cookie)
    assert repr(cookie) == "SessionCookie(<redacted>)"


def test_session_cookie_from_cookies() -> None:
    cookie = SessionCookie.from_cookies({"ory_session_slug": "abc", "ory_kratos_session": "def"})
    assert cookie.header_value() == "ory_session_slug=abc; ory_kratos_session=def"
    with pytest.raises(ValueError, match="not usable in a Cookie header"):
        SessionCookie.from_cookies({"bad name": "x"})
    with pytest.raises(ValueError, match="not usable in a Cookie header"):
        SessionCookie.from_cookies({"name": "a; injected=1"})
    with pytest.raises(ValueError, match="non-empty"):
        SessionCookie.from_cookies({})
