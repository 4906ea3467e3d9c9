"""The demo's tour, called in-process: against FakeOry and against a project URL."""

from __future__ import annotations

import io

import pytest

from ory_async._cli import demo as _demo


async def test_demo_tour_reports_every_step() -> None:
    out, err = io.StringIO(), io.StringIO()
    await _demo.run_fake(out, err, identities=120)
    report = out.getvalue()
    assert "create 120 identities (concurrently)" in report
    assert "walk, page_size/page_token form" in report
    assert "walk, legacy per_page/page form" in report
    assert "list sessions with expand=identity" in report
    assert "requests sent:" in report
    assert "identities left in the fake: 20" in report


async def test_demo_against_a_project_url(monkeypatch: pytest.MonkeyPatch) -> None:
    from ory_async.testing import FakeOry

    async with FakeOry(seed=3) as fake:
        fake.seed_identities(30)
        monkeypatch.setenv("ORY_SDK_URL", fake.url)
        monkeypatch.setenv("ORY_PUBLIC_URL", fake.public_url)
        monkeypatch.delenv("ORY_API_KEY", raising=False)
        out, err = io.StringIO(), io.StringIO()
        await _demo.run_real(out, err, write=True, limit=10)
        assert len(fake.identities) == 30  # the throw-away identity was deleted again
        assert len(fake.requests.matching("POST", "/admin/identities")) == 1
        assert fake.requests.matching("DELETE")
    report = out.getvalue()
    assert "walk up to 10 identities" in report
    assert "create one identity" in report
