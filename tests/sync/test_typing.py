"""mypy --strict on a user's program: the blocking facade and the integrations are typed
precisely (what mypy reveals is the models and iterators, never ``Any``)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PROGRAM = Path(__file__).parent / "typed" / "user_program.py"
ROOT = Path(__file__).resolve().parents[2]

EXPECTED = [
    "ory_async.models.identities.Identity",
    "ory_async.models.identities.Identity",
    "ory_async.sync._iterators.Pager[ory_async.models.identities.Identity]",
    "ory_async.models.identities.Identity",
    "ory_async.sync._iterators.Page[ory_async.models.identities.Identity]",
    "ory_async.sync._iterators.Page[ory_async.models.identities.Identity] | None",
    "list[ory_async.models.identities.Identity]",
    "list[ory_async.models.identities.Identity]",
    "ory_async.sync._iterators.ResultStream[ory_async.models.identities.Identity]",
    "ory_async.models.identities.Identity",
    "ory_async.services._batch.BatchCreateResult",
    "ory_async.sync._generated.OryClient",
    "ory_async.models.sessions.Session",
    "str",
    "int",
    "None",
    "ory_async._raw.RawResponse[ory_async.models.identities.Identity]",
    "ory_async.sync._generated.OryClient",
    "ory_async.models.sessions.Session | None",
    "ory_async.sync._generated.OryClient",
    "def () -> dict[str, str]",
    "def (request: django.http.request.HttpRequest) -> django.http.response.JsonResponse",
    "str | None",
    "str",
]


def test_mypy_strict_reveals_precise_types() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", str(PROGRAM)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    lines = done.stdout.splitlines()
    errors = [line for line in lines if ": error:" in line]
    assert not errors, "\n".join(errors)
    revealed = [
        m.group(1).replace("builtins" + ".", "")
        for line in lines
        if (m := re.search(r'Revealed type is "(.*)"', line))
    ]
    assert revealed == EXPECTED
    assert not [r for r in revealed if "Any" in r]
