"""Header injection is refused when the client or credential is made, never at the first
request: a line break, NUL or other control character in ``headers=``, ``user_agent=``,
a token or a cookie is a ``ValueError`` on the line that made the mistake."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ory_async import BearerToken, OryClient, SessionToken
from ory_async.auth import Auth, SessionCookie
from ory_async.contrib import SessionRejected, SessionVerifier
from ory_async.testing import FakeOry
from tests.kit.keys import TOKEN

# Every character that could end a header line or that servers and proxies refuse.
BAD_CHARS = ["\r", "\n", "\r\n", "\x00", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028"]
SMUGGLED = "\r\nX-Evil: 1"
CREDENTIALS: list[Callable[[str], Auth]] = [BearerToken, SessionToken, SessionCookie]


@pytest.mark.parametrize("char", BAD_CHARS)
@pytest.mark.parametrize("kind", CREDENTIALS)
def test_a_credential_with_a_control_character_is_refused_when_made(
    kind: Callable[[str], Auth], char: str
) -> None:
    token = f"ory_st_abc{char}def"
    with pytest.raises(ValueError, match="must not contain line breaks") as info:
        kind(token)
    assert token not in str(info.value)
    assert "abc" not in str(info.value)  # the message never quotes the secret


@pytest.mark.parametrize("char", BAD_CHARS)
def test_a_cookie_value_with_a_control_character_is_refused(char: str) -> None:
    with pytest.raises(ValueError, match="must not contain line breaks"):
        SessionCookie.from_cookies({"ory_kratos_session": f"MTY{char}x"})
    with pytest.raises(ValueError, match="must not contain line breaks"):
        SessionCookie(f"ory_kratos_session=MTY{char}x")


@pytest.mark.parametrize("char", BAD_CHARS)
def test_access_token_with_a_control_character_fails_at_construction(char: str) -> None:
    with pytest.raises(ValueError, match="BearerToken token must not contain"):
        OryClient("http://127.0.0.1:9", access_token=f"{TOKEN}{char}X-Evil: 1")


@pytest.mark.parametrize("char", BAD_CHARS)
def test_header_values_with_a_control_character_fail_at_construction(char: str) -> None:
    with pytest.raises(ValueError, match=r"headers\['X-Trace'\] must not contain"):
        OryClient("http://127.0.0.1:9", headers={"X-Trace": f"abc{char}X-Evil: 1"})


@pytest.mark.parametrize(
    "name", ["X-Evil\r\nHost", "X Evil", "X-Evil:", "", "X-\x00", "Ünïcode", "X-Evil\n"]
)
def test_header_names_that_are_not_tokens_fail_at_construction(name: str) -> None:
    with pytest.raises(ValueError, match="not a valid HTTP header name"):
        OryClient("http://127.0.0.1:9", headers={name: "1"})


def test_header_names_and_values_must_be_strings() -> None:
    with pytest.raises(TypeError, match="must be a str, not int"):
        OryClient("http://127.0.0.1:9", headers={"X-Count": 1})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="must be a str, not bytes"):
        OryClient("http://127.0.0.1:9", headers={b"X-Count": "1"})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="headers must be a mapping"):
        OryClient("http://127.0.0.1:9", headers=[("X-A", "1")])  # type: ignore[arg-type]


@pytest.mark.parametrize("char", BAD_CHARS)
def test_user_agent_with_a_control_character_fails_at_construction(char: str) -> None:
    with pytest.raises(ValueError, match="user_agent must not contain"):
        OryClient("http://127.0.0.1:9", user_agent=f"my-app/1.0{char}X-Evil: 1")


async def test_with_auth_never_gets_a_smuggling_credential(
    ory: OryClient, ory_fake: FakeOry
) -> None:
    with pytest.raises(ValueError, match="must not contain line breaks"):
        ory.with_auth(SessionToken("ory_st_x" + SMUGGLED))
    assert list(ory_fake.requests) == []


async def test_flow_session_token_with_a_line_break_is_refused_before_io(
    ory: OryClient, ory_fake: FakeOry
) -> None:
    with pytest.raises(ValueError, match="session_token must not contain"):
        await ory.flows.get_settings("some-flow", session_token="ory_st_x" + SMUGGLED)
    assert list(ory_fake.requests) == []


async def test_clean_headers_tabs_and_user_agent_arrive_as_given(ory_fake: FakeOry) -> None:
    async with OryClient(
        ory_fake.url,
        access_token=TOKEN,
        headers={"X-Trace": "a\tb c"},
        user_agent="my-app/1.0 (+https://example.invalid)",
    ) as ory:
        await ory.ping()
    (seen,) = ory_fake.requests
    assert seen.headers["X-Trace"] == "a\tb c"
    assert seen.headers["User-Agent"] == "my-app/1.0 (+https://example.invalid)"
    assert seen.headers["Authorization"] == f"Bearer {TOKEN}"
    assert "X-Evil" not in seen.headers


@pytest.mark.parametrize(
    ("headers", "cookies"),
    [
        ({"X-Session-Token": "ory_st_abc\x85def"}, {}),
        ({"X-Session-Token": "ory_st_abc\x7fdef"}, {}),
        ({}, {"ory_kratos_session": "MTY\x1bx"}),
        ({"Authorization": "Bearer ory_st_abc\x0bdef"}, {}),
    ],
)
async def test_an_app_request_with_a_control_character_carries_no_credential(
    ory: OryClient, ory_fake: FakeOry, headers: dict[str, str], cookies: dict[str, str]
) -> None:
    # An incoming request's header is hostile input: the integrations answer 401 for it,
    # not 500 from a ValueError, and nothing is sent to Ory.
    verifier = SessionVerifier(accept_bearer=True)
    assert verifier.credentials(headers, cookies) is None
    with pytest.raises(SessionRejected) as info:
        await verifier.verify(ory, headers, cookies)
    assert info.value.status == 401
    assert list(ory_fake.requests) == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/a\r\nX-Evil: 1",
        "http://127.0.0.1\r\n:9",
        "http://exa\x00mple.com",
        "http://127.0.0.1:9/a\x00b",
        "http://exa mple.com",
        "http://example.invalid/a\u2028b",
    ],
)
def test_a_base_or_public_url_with_a_control_character_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="base_url must not contain whitespace"):
        OryClient(url)
    with pytest.raises(ValueError, match="public_url must not contain whitespace"):
        OryClient("http://127.0.0.1:9", public_url=url)


def test_whitespace_around_a_url_is_ignored() -> None:
    ory = OryClient(" http://127.0.0.1:9/prefix\r\n")
    assert str(ory.base_url) == "http://127.0.0.1:9/prefix"
