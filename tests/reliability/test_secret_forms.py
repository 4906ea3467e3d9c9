"""Every form of every credential stays out of errors, through pickle and copy too.

The server is hostile here: it echoes whatever credential it received back into its
error body, its reason and its headers, in plain, percent-encoded and JSON-escaped form.
"""

from __future__ import annotations

import copy
import pickle
from urllib.parse import quote

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ory_async import (
    ApiError,
    BearerToken,
    OryError,
    RateLimitedError,
    ServerError,
    SessionToken,
)
from ory_async.auth import Auth, SessionCookie
from ory_async.errors import (
    ContentEncodingError,
    DecodeError,
    MalformedResponseError,
    RequestTimeoutError,
    ResponseTooLargeError,
    TransportError,
    api_error_for,
)
from tests.kit.keys import TOKEN
from tests.kit.secret_scan import leaks, texts_of

SESSION = "ory_st_SESSION_SECRET_5d4c3b2a1f"
COOKIE_VALUE = "MTY5NzQ0NTg2M3xDT09LSUVfU0VDUkVUXzc3Nzc="
COOKIE = SessionCookie(f"ory_kratos_session={COOKIE_VALUE}; csrf_token_abc=CSRF_SECRET_9f8e7d")

CREDENTIALS: list[Auth] = [BearerToken(TOKEN), SessionToken(SESSION), COOKIE]


def echoing_error(status: int, auth: Auth, echo: str) -> ApiError:
    body = orjson.dumps(
        {
            "error": {
                "code": status,
                "status": "Echo",
                "reason": f"bad credential {echo}",
                "message": f"you sent {echo}",
                "details": {"seen": [echo], echo: "as a key"},
                "request": "req-1",
            }
        }
    )
    return api_error_for(status)(
        status=status,
        method="GET",
        path="/admin/identities",
        headers={"X-Echo": echo, "Retry-After": "1"},
        body=body,
        secrets=auth.secrets(),
    )


def forms_of(secret: str) -> list[str]:
    return [secret, quote(secret, safe=""), orjson.dumps(secret).decode()[1:-1]]


@pytest.mark.parametrize("auth", CREDENTIALS, ids=type)
@pytest.mark.parametrize("status", [400, 401, 429, 500, 302, 418])
def test_echoed_credentials_are_scrubbed_everywhere(auth: Auth, status: int) -> None:
    for secret in auth.secrets():
        for echo in forms_of(secret):
            exc = echoing_error(status, auth, echo)
            found = leaks(texts_of(exc), auth.secrets())
            assert found == [], (secret, echo)
            assert "<redacted>" in str(exc) or status == 302


def test_a_cookie_value_on_its_own_is_scrubbed() -> None:
    exc = echoing_error(401, COOKIE, COOKIE_VALUE)
    assert COOKIE_VALUE not in str(exc)
    assert exc.reason == "bad credential <redacted>"
    assert COOKIE.secrets() == (
        f"ory_kratos_session={COOKIE_VALUE}; csrf_token_abc=CSRF_SECRET_9f8e7d",
        f"ory_kratos_session={COOKIE_VALUE}",
        COOKIE_VALUE,
        "csrf_token_abc=CSRF_SECRET_9f8e7d",
        "CSRF_SECRET_9f8e7d",
    )


def test_a_quoted_cookie_value_is_scrubbed_with_and_without_quotes() -> None:
    cookie = SessionCookie('ory_session_slug="QUOTED_VALUE_123"')
    assert "QUOTED_VALUE_123" in cookie.secrets()
    exc = echoing_error(400, cookie, "QUOTED_VALUE_123")
    assert "QUOTED_VALUE_123" not in str(exc)


def test_a_credential_at_the_snippet_cut_leaves_no_prefix() -> None:
    # The message shows the first 200 characters of a non-JSON body. A credential that
    # straddles that cut must not leave its first characters behind.
    # Nor may a run of whitespace (collapsed in the message) push one past a byte cut.
    bodies = [("x" * n + TOKEN + " tail").encode() for n in range(170, 200, 3)]
    bodies += [(" " * n + TOKEN).encode() for n in (780, 1590, 6390, 100_000)]
    # And at the end of the window a large body is looked at.
    bodies += [(" " * (64 * 1024 - n) + TOKEN + " " * 10).encode() for n in range(1, 40, 3)]
    for body in bodies:
        exc = ServerError(
            status=502, method="GET", path="/x", body=body, secrets=BearerToken(TOKEN).secrets()
        )
        assert TOKEN[:8] not in str(exc), len(body)


@pytest.mark.parametrize("status", [400, 401, 404, 429, 500, 302])
def test_pickle_and_copy_keep_the_redaction_and_the_attributes(status: int) -> None:
    exc = echoing_error(status, BearerToken(TOKEN), TOKEN)
    exc.attempts = 3
    exc.add_note("after 3 attempts")
    for again in (pickle.loads(pickle.dumps(exc)), copy.copy(exc), copy.deepcopy(exc)):
        assert type(again) is type(exc)
        assert str(again) == str(exc)
        assert TOKEN not in str(again)
        assert TOKEN not in repr(again)
        assert again.status == status
        assert again.body == exc.body  # the raw body is data, kept as sent
        assert again.error == exc.error
        assert again.reason == "bad credential <redacted>"
        assert again.request_id == "req-1"
        assert again.attempts == 3
        assert again.__notes__ == ["after 3 attempts"]
    rate = echoing_error(429, BearerToken(TOKEN), TOKEN)
    assert isinstance(rate, RateLimitedError)
    assert pickle.loads(pickle.dumps(rate)).retry_after == 1.0


def test_every_error_class_survives_pickle_and_copy_as_written() -> None:
    errors: list[OryError] = [
        TransportError(
            "The connection failed on GET /x: <redacted>",
            method="GET",
            path="/x",
            request_sent=None,
        ),
        RequestTimeoutError("No complete answer", method="POST", path="/y", request_sent=False),
        DecodeError("bad", body=b"{", field="$.id", target="Identity"),
        MalformedResponseError("The answer was malformed", method="GET", path="/z"),
        ContentEncodingError("not gzip", method="GET", path="/z", encoding="gzip"),
        ResponseTooLargeError("too large", limit=1024, method="GET", path="/z"),
        OryError("plain"),
    ]
    for exc in errors:
        for again in (pickle.loads(pickle.dumps(exc)), copy.copy(exc), copy.deepcopy(exc)):
            assert type(again) is type(exc)
            assert str(again) == str(exc)
            assert vars(again) == vars(exc)


# Every form of every credential, and one whose echoed forms differ (base64, quotes).
ODD = SessionToken('ory_st_ab+/c"d\\e==')
PAIRS = [(auth, secret) for auth in [*CREDENTIALS, ODD] for secret in auth.secrets()]


@settings(max_examples=300, deadline=None)
@given(
    before=st.text(max_size=400),
    after=st.text(max_size=400),
    status=st.sampled_from([400, 401, 403, 404, 409, 429, 500, 502, 302, 418]),
    as_json=st.booleans(),
    which=st.sampled_from(range(len(PAIRS))),
    form=st.sampled_from(range(3)),
)
def test_a_credential_anywhere_in_any_body_never_reaches_the_message(
    before: str, after: str, status: int, as_json: bool, which: int, form: int
) -> None:
    auth, secret = PAIRS[which]
    echoed = forms_of(secret)[form]
    text = before + echoed + after
    body = orjson.dumps({"error": {"reason": text, "message": text}}) if as_json else text.encode()
    exc = api_error_for(status)(
        status=status, method="GET", path="/p", body=body, secrets=auth.secrets()
    )
    texts = [str(exc), repr(exc), repr(exc.error), str(exc.reason)]
    assert leaks(texts, forms_of(secret)) == []
