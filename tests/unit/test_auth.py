from __future__ import annotations

import pickle

import pytest

from ory_async import BearerToken, SessionToken

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
