"""Workload l's apps answer with the session, and its table judges the targets (no timing)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from benchmarks import webapp
from ory_async import OryClient
from ory_async.testing import FakeOry


@pytest.mark.parametrize("kind", webapp.KINDS)
async def test_each_app_answers_with_the_session(kind: str) -> None:
    async with FakeOry(seed=2) as fake:
        fake.cacheable_sessions(max_age=timedelta(minutes=5))
        fake.add_token_template(webapp.TEMPLATE, ttl=timedelta(hours=1))
        (ada,) = fake.seed_identities(1)
        session, token = fake.create_session(ada)
        app = webapp.build_app(kind, fake.url, fake.public_url)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://app"
            ) as http,
        ):
            if kind.endswith("jwt"):
                async with OryClient(fake.url, public_url=fake.public_url) as ory:
                    jwt = await ory.sessions.tokenize(token, webapp.TEMPLATE)
                headers = {"Authorization": f"Bearer {jwt}"}
            else:
                headers = {"X-Session-Token": token}
            for _ in range(2):
                response = await http.get("/me", headers=headers)
                assert response.status_code == 200
                assert response.json() == {"id": session["id"]}
            assert (await http.get("/me", headers={"X-Session-Token": "wrong"})).status_code == 401


def row(kind: str, conns: int, rps: float, calls: int = 100, rnd: int = 0) -> dict[str, Any]:
    return {
        "kind": kind,
        "connections": conns,
        "rps": rps,
        "requests": 100,
        "failed": 0,
        "app_cpu_us": 300.0,
        "ory_calls": calls,
        "round": rnd,
    }


def test_the_table_judges_each_target_against_raw_of_the_same_round() -> None:
    rows = [
        row("raw", 50, 1000),
        row("ory_async", 50, 900),
        row("ory_async-jwt", 50, 3500, calls=0),
        row("raw", 50, 500, rnd=1),
        row("ory_async", 50, 400, rnd=1),
        row("ory_async-jwt", 50, 1400, calls=1, rnd=1),
    ]
    lines = {line.split(" | ")[0].lstrip("| "): line for line in webapp.table(rows).splitlines()}
    assert "0.85x | " in lines["ory_async"]  # median of 0.90 and 0.80
    assert lines["ory_async"].endswith("| yes |")
    assert "3.15x" in lines["ory_async-jwt"]  # median of 3.5 and 2.8
    assert lines["ory_async-jwt"].endswith("| **no** |")  # one call to Ory is one too many
