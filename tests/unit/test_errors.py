from __future__ import annotations

import pickle

import orjson
import pytest

from ory_async.errors import (
    ApiError,
    BadRequestError,
    ConflictError,
    ForbiddenError,
    GenericError,
    GoneError,
    NotFoundError,
    RateLimitedError,
    RedirectError,
    ServerError,
    UnauthorizedError,
    api_error_for,
    parse_retry_after,
)


def make(status: int, body: object = None, headers: dict[str, str] | None = None) -> ApiError:
    raw = body if isinstance(body, bytes) else (b"" if body is None else orjson.dumps(body))
    return api_error_for(status)(
        status=status, method="GET", path="/admin/identities/x", headers=headers, body=raw
    )


def test_parses_error_generic() -> None:
    err = make(
        404,
        {
            "error": {
                "code": 404,
                "status": "Not Found",
                "message": "Unable to locate the resource",
                "request": "req-1",
            }
        },
    )
    assert isinstance(err, NotFoundError)
    assert err.error == GenericError(
        code=404, status="Not Found", message="Unable to locate the resource", request="req-1"
    )
    assert err.request_id == "req-1"
    assert err.reason is None
    assert (
        str(err)
        == "404 Not Found on GET /admin/identities/x: Unable to locate the resource (request id req-1)"
    )


def test_reason_and_message_both_shown() -> None:
    err = make(
        400,
        {
            "error": {
                "code": 400,
                "status": "Bad Request",
                "message": "The request was malformed or contained invalid parameters",
                "reason": 'Unable to parse "expires_in" as a duration string',
            }
        },
    )
    assert err.reason == 'Unable to parse "expires_in" as a duration string'
    assert "malformed" in str(err)
    assert 'Unable to parse "expires_in"' in str(err)


def test_error_id_from_body_or_header() -> None:
    err = make(
        403, {"error": {"id": "session_aal2_required", "code": 403, "message": "aal2 required"}}
    )
    assert isinstance(err, ForbiddenError)
    assert err.error_id == "session_aal2_required"
    assert "error id session_aal2_required" in str(err)
    err = make(
        403, {"error": {"code": 403, "message": "x"}}, {"Ory-Error-Id": "security_csrf_violation"}
    )
    assert err.error_id == "security_csrf_violation"


def test_request_id_falls_back_to_header() -> None:
    err = make(500, {"error": {"message": "boom"}}, {"x-request-id": "hdr-9"})
    assert err.request_id == "hdr-9"


def test_inner_error_object_without_envelope() -> None:
    err = make(400, {"code": 400, "message": "bad", "reason": "why"})
    assert err.error is not None
    assert err.reason == "why"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"", "empty response body"),
        (
            b"<html><body><h1>502 Bad Gateway</h1></body></html>",
            "unexpected response body: <html><body><h1>502 Bad Gateway</h1></body></html>",
        ),
        (b'{"unrelated": true}', 'unexpected response body: {"unrelated": true}'),
        (b"[1,2]", "unexpected response body: [1,2]"),
    ],
)
def test_non_error_bodies_still_explain(body: bytes, expected: str) -> None:
    err = make(502, body)
    assert isinstance(err, ServerError)
    assert err.error is None
    assert str(err) == f"502 Bad Gateway on GET /admin/identities/x: {expected}"
    assert err.body == body


def test_long_bodies_are_cut() -> None:
    err = make(500, b"x" * 10_000)
    assert len(str(err)) < 300


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, UnauthorizedError),
        (403, ForbiddenError),
        (404, NotFoundError),
        (409, ConflictError),
        (410, GoneError),
        (429, RateLimitedError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (504, ServerError),
        (307, RedirectError),
        (418, ApiError),
    ],
)
def test_status_classes(status: int, cls: type[ApiError]) -> None:
    assert api_error_for(status) is cls


def test_secrets_are_scrubbed_from_messages() -> None:
    err = ApiError(
        status=500,
        method="GET",
        path="/admin/identities",
        body=b"proxy echoed: Authorization: Bearer ory_pat_LEAK",
        secrets=("ory_pat_LEAK",),
    )
    assert "ory_pat_LEAK" not in str(err)
    assert "ory_pat_LEAK" not in repr(err)


def test_retry_after_seconds_date_and_ratelimit_reset() -> None:
    assert parse_retry_after({"Retry-After": "2"}) == 2.0
    assert (
        parse_retry_after({"Retry-After": "Wed, 21 Oct 2015 07:28:10 GMT"}, now=1445412480.0)
        == 10.0
    )
    assert parse_retry_after({"x-ratelimit-reset": "7"}) == 7.0
    assert parse_retry_after({"Retry-After": "garbage"}) is None
    assert parse_retry_after({}) is None
    err = make(429, b"", {"retry-after": "3"})
    assert isinstance(err, RateLimitedError)
    assert err.retry_after == 3.0
    assert str(err).endswith("Retry after 3 s")


def test_redirect_error_names_location() -> None:
    err = make(307, b"", {"Location": "http://127.0.0.1:4434/admin/identities"})
    assert isinstance(err, RedirectError)
    assert err.location == "http://127.0.0.1:4434/admin/identities"
    assert "redirected to http://127.0.0.1:4434/admin/identities" in str(err)
    assert "does not follow redirects" in str(err)
    # The hint names the URL settings of Python, the environment and the command line.
    for setting in ("public_url", "ORY_PUBLIC_URL", "--public-url", "ORY_SDK_URL", "--url"):
        assert setting in str(err)


def test_a_reason_ending_in_a_full_stop_gets_no_second_one() -> None:
    body = {"error": {"code": 401, "status": "Unauthorized", "reason": "The key is invalid."}}
    err = make(401, body)
    assert "The key is invalid. Check the API key" in str(err)
    assert "invalid.." not in str(err)
    assert "--api-key-file" in str(err)


def test_errors_pickle() -> None:
    err = make(409, {"error": {"code": 409, "message": "conflict"}})
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is ConflictError
    assert str(again) == str(err)


def test_secrets_are_not_kept_on_the_error() -> None:
    err = ApiError(
        status=401,
        method="GET",
        path="/admin/identities",
        body=b"",
        secrets=("ory_pat_KEPT_NOWHERE",),
    )
    assert "ory_pat_KEPT_NOWHERE" not in repr(vars(err))
