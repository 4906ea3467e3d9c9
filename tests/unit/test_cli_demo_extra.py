"""``ory-async demo`` without FakeOry's dependency says in one line which extra it needs."""

from __future__ import annotations

import sys

import pytest

from ory_async._cli.main import main


def test_demo_without_jsonschema_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ORY_SDK_URL", raising=False)
    monkeypatch.setitem(sys.modules, "jsonschema", None)  # import jsonschema -> ImportError
    assert main(["demo", "--identities", "5"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "ory-async: the demo needs the cli extra (FakeOry validates traits with"
        " jsonschema): install ory-async[cli]"
    ]
