"""Run the real ``ory-async`` command (``python -m ory_async``) against a FakeOry.

The fake serves from the test's event loop, so the command runs as an asyncio
subprocess and the loop keeps answering its requests. Every run is checked for the
API key: it must never show up in what the command prints.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Mapping
from pathlib import Path

import attrs

from ory_async.testing import FakeOry

SECRET = "ory_pat_CLI_SECRET_0123456789"


@attrs.frozen
class Done:
    """A finished run of the command."""

    code: int
    out: str
    err: str


class Cli:
    """Runs ``python -m ory_async ...`` with ORY_SDK_URL/ORY_PUBLIC_URL/ORY_API_KEY set."""

    def __init__(self, fake: FakeOry, cwd: Path) -> None:
        self.fake = fake
        self.cwd = cwd

    def environ(self, changes: Mapping[str, str | None]) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ORY_")}
        env.update(
            ORY_SDK_URL=self.fake.url, ORY_PUBLIC_URL=self.fake.public_url, ORY_API_KEY=SECRET
        )
        for key, value in changes.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    async def __call__(
        self,
        *args: str,
        stdin: bytes | None = None,
        env: Mapping[str, str | None] | None = None,
    ) -> Done:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "ory_async",
            *args,
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self.environ(env or {}),
            cwd=self.cwd,
        )
        out, err = await asyncio.wait_for(proc.communicate(stdin), timeout=60)
        assert proc.returncode is not None
        done = Done(proc.returncode, out.decode(), err.decode())
        assert SECRET not in done.out, "the API key was printed on stdout"
        assert SECRET not in done.err, "the API key was printed on stderr"
        return done
