"""Auth, fault injection, rate limiting, request recording, concurrency, plugin, runner."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import aiohttp
import pytest

from ory_async.testing import FakeOry, ManualClock
from ory_async.testing.__main__ import build, parse_args
from tests.kit.raw_http import call


async def test_api_key(http: aiohttp.ClientSession) -> None:
    async with FakeOry(api_key="ory_pat_secret") as fake:
        r = await call(http, "GET", f"{fake.url}/admin/identities")
        assert r.status == 401
        assert r.error["code"] == 401
        assert "ory_pat_secret" not in r.raw.decode()
        r = await call(
            http, "GET", f"{fake.url}/admin/identities", headers={"Authorization": "Bearer nope"}
        )
        assert r.status == 401
        ok = {"Authorization": "Bearer ory_pat_secret"}
        r = await call(http, "GET", f"{fake.url}/admin/identities", headers=ok)
        assert r.status == 200
        assert (await call(http, "GET", f"{fake.url}/health/ready")).status == 200
        r = await call(http, "GET", f"{fake.public_url}/schemas")
        assert r.status == 200
        assert "ory_pat_secret" not in repr(fake)


async def test_request_id_echo(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    r = await call(
        http,
        "GET",
        f"{ory_fake.url}/admin/identities/{ory_fake.state.ids.uuid()}",
        headers={"X-Request-Id": "req-42"},
    )
    assert r.error["request"] == "req-42"


async def test_fault_status_times_and_headers(
    ory_fake: FakeOry, http: aiohttp.ClientSession
) -> None:
    rule = ory_fake.faults.add(
        "/admin/identities*", method="GET", status=503, times=2, retry_after=3
    )
    url = f"{ory_fake.url}/admin/identities"
    statuses = [(await call(http, "GET", url)).status for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert (rule.hits, rule.remaining) == (2, 0)
    ory_fake.faults.add("/admin/identities", status=429, ratelimit_reset=7, body={"x": 1})
    r = await call(http, "GET", url)
    assert r.status == 429
    assert r.headers["x-ratelimit-reset"] == "7"
    assert r.json() == {"x": 1}
    ory_fake.faults.add("/admin/identities", retry_after=2)
    r = await call(http, "GET", url)
    assert r.headers["Retry-After"] == "2"
    assert r.error["code"] == 503
    ory_fake.faults.add("/admin/identities", method="POST", times=None)
    assert (await call(http, "GET", url)).status == 200
    ory_fake.faults.clear()
    r = await call(http, "POST", url, json={"traits": {"email": "a@b.co"}})
    assert r.status == 201


async def test_fault_drop_and_delay(ory_fake: FakeOry) -> None:
    url = f"{ory_fake.url}/admin/identities"
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as http:
        ory_fake.faults.add("/admin/identities", drop_connection=True)
        with pytest.raises(aiohttp.ClientPayloadError):
            async with http.get(url) as resp:
                await resp.read()
        # aiohttp retries an idempotent request once after a disconnect: drop both.
        rule = ory_fake.faults.add("/admin/identities", drop_connection="before_headers", times=2)
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await call(http, "GET", url)
        assert rule.hits == 2
        ory_fake.faults.add("/admin/identities", delay=5.0, status=None)
        with pytest.raises(asyncio.TimeoutError):
            await call(http, "GET", url, timeout=aiohttp.ClientTimeout(total=0.05))
        assert (await call(http, "GET", url)).status == 200


async def test_random_faults_are_deterministic(http: aiohttp.ClientSession) -> None:
    results = []
    for _ in range(2):
        async with FakeOry() as fake:
            fake.faults.random(rate=0.5, seed=7, statuses=(502, 503))
            url = f"{fake.url}/admin/identities"
            results.append([(await call(http, "GET", url)).status for _ in range(20)])
    assert results[0] == results[1]
    assert set(results[0]) == {200, 502, 503}


async def test_rate_limit_with_manual_clock(http: aiohttp.ClientSession) -> None:
    clock = ManualClock()
    async with FakeOry(clock=clock) as fake:
        fake.rate_limit(2, window=10)
        url = f"{fake.url}/admin/identities"
        replies = [await call(http, "GET", url) for _ in range(3)]
        assert [r.status for r in replies] == [200, 200, 429]
        assert replies[0].headers["x-ratelimit-limit"] == "2, 2;w=10"
        assert replies[0].headers["x-ratelimit-remaining"] == "1"
        assert replies[2].headers["x-ratelimit-remaining"] == "0"
        assert replies[2].headers["x-ratelimit-reset"] == "10"
        assert replies[2].error["code"] == 429
        clock.advance(10)
        assert (await call(http, "GET", url)).status == 200
        fake.rate_limit(None)
        assert "x-ratelimit-limit" not in (await call(http, "GET", url)).headers


async def test_requests_recording(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    await call(
        http,
        "POST",
        f"{ory_fake.url}/admin/identities?x=1&x=2",
        json={"traits": {"email": "rec@example.org"}},
        headers={"X-Custom": "v"},
    )
    (req,) = ory_fake.requests
    assert (req.method, req.path, req.site) == ("POST", "/admin/identities", "admin")
    assert req.query_string == "x=1&x=2"
    assert req.query == [("x", "1"), ("x", "2")]
    assert req.query_values("x") == ["1", "2"]
    assert req.headers["x-custom"] == "v"
    assert json.loads(req.body) == {"traits": {"email": "rec@example.org"}}
    assert ory_fake.requests.matching("POST", "/admin/identities") == [req]
    ory_fake.requests.clear()
    assert len(ory_fake.requests) == 0


async def test_max_in_flight(ory_fake: FakeOry, http: aiohttp.ClientSession) -> None:
    ory_fake.faults.add("/admin/identities", delay=0.05, status=None, times=None)
    url = f"{ory_fake.url}/admin/identities"
    await asyncio.gather(*(call(http, "GET", url) for _ in range(5)))
    assert ory_fake.max_in_flight == 5
    ory_fake.reset_counters()
    assert ory_fake.max_in_flight == 0


def test_pytest_plugin_via_pytest_plugins(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["ory_async.testing.pytest_plugin"]\n')
    (tmp_path / "test_it.py").write_text(
        textwrap.dedent(
            """
            import aiohttp

            async def test_fake(ory_fake):
                async with aiohttp.ClientSession() as s:
                    async with s.get(ory_fake.url + "/health/ready") as r:
                        assert r.status == 200
                assert ory_fake.api == "v1"
            """
        )
    )
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
        "filterwarnings = error\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout


def test_runner_arguments() -> None:
    args = parse_args(["--port", "0", "--api", "v0", "--seed", "3", "--identities", "5"])
    assert (args.port, args.public_port, args.api, args.seed, args.identities) == (
        0,
        4433,
        "v0",
        3,
        5,
    )


async def test_runner_seeds_identities_and_sessions(http: aiohttp.ClientSession) -> None:
    args = parse_args(
        ["--port", "0", "--public-port", "0", "--seed-identities", "3", "--seed-sessions"]
    )
    async with build(args) as fake:
        r = await call(http, "GET", f"{fake.url}/admin/sessions?expand=identity")
        sessions = r.json()
        assert len(sessions) == 3
        assert {s["identity"]["id"] for s in sessions} == set(fake.identities)
        assert all(s["active"] for s in sessions)
    args = parse_args(["--seed-identities", "2"])
    fake = build(args)
    assert (len(fake.identities), len(fake.state.sessions)) == (2, 0)


def test_runner_prints_urls() -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ory_async.testing",
            "--port",
            "0",
            "--public-port",
            "0",
            "--identities",
            "3",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("FakeOry (v1) admin:  http://127.0.0.1:")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        assert proc.stdout is not None
        proc.stdout.close()


def test_ids_are_random_v4_uuids_unless_seeded() -> None:
    first, second = FakeOry(), FakeOry()
    ids = first.seed_identities(3)
    assert set(ids).isdisjoint(second.seed_identities(3))
    assert all(uuid.UUID(i).version == 4 for i in ids)
    _, token = first.create_session(ids[0])
    _, other = second.create_session(second.seed_identities(1)[0])
    assert token != other
    # The same seed gives the same ids, for tests that need them fixed.
    assert FakeOry(seed=7).seed_identities(3) == FakeOry(seed=7).seed_identities(3)
    assert FakeOry(seed=7).seed_identities(3) != FakeOry(seed=8).seed_identities(3)
