"""Secrets: the API key and session tokens never appear in errors, reprs or logs, and
credentials are never sent to an origin other than the configured ones."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Awaitable, Callable

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from ory_async import OryClient, OryError, RetryPolicy, SessionToken
from ory_async.models import CreateIdentityBody
from ory_async.testing import FakeOry, RetryWaits
from tests.kit.keys import TOKEN
from tests.kit.scripted import ScriptedServer, reply

SESSION = "ory_st_SESSION_SECRET_9a8b7c6d5e"


async def collect_failures(ory_fake: FakeOry, ory: OryClient) -> list[BaseException]:
    """Provoke every kind of failure once and keep the exceptions."""
    failures: list[BaseException] = []

    async def attempt(call: Callable[[], Awaitable[object]]) -> None:
        try:
            await call()
        except OryError as exc:
            failures.append(exc)

    wrong = ory.with_auth(SessionToken(SESSION))
    async with OryClient(
        ory_fake.url, access_token=TOKEN + "x", retry=RetryPolicy.none()
    ) as bad_key:
        await attempt(lambda: bad_key.identities.list().collect())
    await attempt(lambda: ory.identities.get("00000000-0000-4000-8000-000000000000"))
    await attempt(lambda: wrong.sessions.whoami())
    ory_fake.faults.add("/admin/identities", status=429, retry_after=5, times=1)
    await attempt(lambda: ory.identities.list().collect())
    ory_fake.faults.add(
        "/admin/identities",
        status=502,
        body=f"<html>upstream said Authorization: Bearer {TOKEN}</html>",
        content_type="text/html",
        times=1,
    )
    await attempt(lambda: ory.identities.list().collect())
    ory_fake.faults.add("/admin/identities", drop_connection="mid_body", times=1)
    await attempt(
        lambda: ory.identities.create(
            CreateIdentityBody(schema_id="default", traits={"email": "x@example.com"})
        )
    )
    ory_fake.faults.add("/admin/identities", status=200, body=f'{{"token": "{TOKEN}"', times=1)
    await attempt(lambda: ory.identities.list().collect())
    async with OryClient(
        "http://127.0.0.1:9", access_token=TOKEN, retry=RetryPolicy.none()
    ) as nowhere:
        await attempt(lambda: nowhere.identities.list().collect())
    return failures


async def test_no_secret_in_errors_reprs_or_logs(
    ory_fake: FakeOry, ory: OryClient, caplog: pytest.LogCaptureFixture, fake_sleep: RetryWaits
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("aiohttp", "aiohttp.client", "aiohttp.access", "aiohttp.server", "ory_async"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    failures = await collect_failures(ory_fake, ory)
    assert len(failures) == 8
    texts = [repr(ory), repr(ory.auth), str(ory.auth), repr(ory.with_auth(SessionToken(SESSION)))]
    for exc in failures:
        texts += [str(exc), repr(exc), str(exc.args), *getattr(exc, "__notes__", [])]
        cause = exc.__cause__
        if cause is not None:
            texts += [str(cause), repr(cause)]
    texts += [record.getMessage() for record in caplog.records]
    texts += [str(record.args) for record in caplog.records]
    assert caplog.records, "DEBUG logging captured nothing"
    leaks = [t for t in texts if TOKEN in t or SESSION in t]
    assert leaks == []


async def test_link_headers_never_carry_credentials_elsewhere(
    aiohttp_server: Callable[..., Awaitable[TestServer]],
) -> None:
    elsewhere = ScriptedServer().then(reply(200, []))
    other = await aiohttp_server(elsewhere.app)
    absolute = str(other.make_url("/identities?page=1&per_page=1"))
    here = ScriptedServer().then(
        reply(
            200,
            [{"id": "a", "schema_id": "default", "traits": {}}],
            headers={"Link": f'<{absolute}>; rel="next"'},
        ),
        reply(200, [{"id": "b", "schema_id": "default", "traits": {}}]),
    )
    server = await aiohttp_server(here.app)
    async with OryClient(str(server.make_url("/")), access_token=TOKEN, api="v0") as ory:
        got = await ory.identities.list(per_page=1).collect()
    assert [i.id for i in got] == ["a", "b"]
    assert elsewhere.seen == []
    assert all(s.headers["Authorization"] == f"Bearer {TOKEN}" for s in here.seen)


async def test_borrowed_session_default_headers_are_not_overridden_elsewhere() -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        ory = OryClient("http://127.0.0.1:9", access_token=TOKEN, session=session)
        assert TOKEN not in repr(ory)
        assert "Authorization" not in session.headers


def test_cli_output_and_help_never_show_the_key() -> None:
    env = {"ORY_API_KEY": TOKEN, "ORY_SDK_URL": "http://127.0.0.1:9", "PATH": "/usr/bin:/bin"}
    runs = [
        subprocess.run(
            [sys.executable, "-m", "ory_async", "--help"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        ),
        subprocess.run(
            [sys.executable, "-m", "ory_async", "demo", "--help"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        ),
        subprocess.run(
            [sys.executable, "-m", "ory_async", "demo"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        ),
    ]
    assert runs[2].returncode == 1  # nothing listens on port 9: an error, said plainly
    assert "Could not connect" in runs[2].stderr
    for run in runs:
        assert TOKEN not in run.stdout
        assert TOKEN not in run.stderr
