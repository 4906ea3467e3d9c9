"""Bad input from callers: refused before any I/O, or sent as exactly the request intended.
The server's record of what it received is the judge."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from ory_async import ApiError, NotFoundError, OryClient
from ory_async.models import JsonPatch
from ory_async.testing import FakeOry

INJECTIONS = [
    ("../sessions", "/admin/identities/..%2Fsessions"),
    ("a/b", "/admin/identities/a%2Fb"),
    ("%2e%2e", "/admin/identities/%252e%252e"),
    ("?x=1", "/admin/identities/%3Fx%3D1"),
    ("#", "/admin/identities/%23"),
    ("a\r\nX-Evil: 1", "/admin/identities/a%0D%0AX-Evil%3A%201"),
    ("nul\x00byte", "/admin/identities/nul%00byte"),
    ("ünïcødé", "/admin/identities/%C3%BCn%C3%AFc%C3%B8d%C3%A9"),
]


@pytest.mark.parametrize(("identifier", "raw_path"), INJECTIONS)
async def test_path_injection_stays_one_segment(
    ory: OryClient, ory_fake: FakeOry, identifier: str, raw_path: str
) -> None:
    with pytest.raises(NotFoundError):
        await ory.identities.get(identifier)
    (seen,) = ory_fake.requests
    assert seen.raw_path == raw_path
    assert seen.query_string == ""
    assert "X-Evil" not in seen.headers


@pytest.mark.parametrize("identifier", ["", ".", ".."])
async def test_ids_that_change_the_path_never_leave(
    ory: OryClient, ory_fake: FakeOry, identifier: str
) -> None:
    for call in (
        lambda: ory.identities.get(identifier),
        lambda: ory.identities.delete(identifier),
        lambda: ory.sessions.disable(identifier),
        lambda: ory.sessions.extend(identifier),
        lambda: ory.identities.delete_credentials("x", identifier),
    ):
        with pytest.raises(ValueError, match="non-empty string other than"):
            await call()
    assert list(ory_fake.requests) == []


async def test_a_10_kb_id_is_one_segment_or_a_clean_error(
    ory: OryClient, ory_fake: FakeOry
) -> None:
    with pytest.raises(ApiError):
        await ory.identities.get("a/" * 5000)
    assert all(r.raw_path.count("/") == 3 for r in ory_fake.requests)


BAD_CALLS: list[tuple[str, Any, type[Exception], str]] = [
    ("id of the wrong type", lambda o: o.identities.get(123), TypeError, "id must be a str"),
    (
        "list of ids as a string",
        lambda o: o.identities.list(ids="abc"),
        TypeError,
        "takes a list of strings",
    ),
    ("too many ids", lambda o: o.identities.list(ids=["x"] * 501), ValueError, "at most 500"),
    ("page size 0", lambda o: o.identities.list(page_size=0), ValueError, "between 1 and 500"),
    (
        "page size too big",
        lambda o: o.sessions.list(page_size=5000),
        ValueError,
        "between 1 and 1000",
    ),
    ("negative page", lambda o: o.identities.list(page=-1), ValueError, ">= 0"),
    ("bool page size", lambda o: o.identities.list(page_size=True), TypeError, "must be an int"),
    # an unknown expand value goes to the server (like an open enum); an empty one never does
    ("empty expand", lambda o: o.sessions.list(expand=[""]), ValueError, "must not be empty"),
    (
        "active as a string",
        lambda o: o.sessions.list(active="true"),
        TypeError,
        "True, False or None",
    ),
    (
        "days in expires_in",
        lambda o: o.recovery.create_code("x", expires_in="1d"),
        ValueError,
        "1d",
    ),
    (
        "negative expires_in",
        lambda o: o.recovery.create_link("x", expires_in=timedelta(minutes=-1)),
        ValueError,
        "positive",
    ),
    (
        "patch with dicts",
        lambda o: o.identities.patch("x", [{"op": "add"}]),
        TypeError,
        "JsonPatch objects",
    ),
    ("empty patch", lambda o: o.identities.patch("x", []), ValueError, "at least one"),
    (
        "wrong body type",
        lambda o: o.identities.create({"schema_id": "default"}),
        TypeError,
        "CreateIdentityBody",
    ),
    ("bearer key on whoami", lambda o: o.sessions.whoami(), ValueError, "needs a SessionToken"),
]


@pytest.mark.parametrize(
    ("label", "call", "error", "message"), BAD_CALLS, ids=[c[0] for c in BAD_CALLS]
)
async def test_bad_arguments_fail_before_io(
    ory: OryClient, ory_fake: FakeOry, label: str, call: Any, error: type[Exception], message: str
) -> None:
    async def invoke() -> None:
        result = call(ory)
        if hasattr(result, "__await__"):
            await result

    with pytest.raises(error, match=message):
        await invoke()
    assert list(ory_fake.requests) == []


@pytest.mark.parametrize("op", ["move", "copy", "test", "ADD", ""])
def test_invalid_json_patch_ops(op: str) -> None:
    with pytest.raises(ValueError, match="not supported by the server"):
        JsonPatch(op=op, path="/traits/email", value="x")
