"""The library writes nothing to stderr by itself; it logs through ``ory_async`` only.

Each check runs in a fresh interpreter, where logging is as unconfigured as in an
application that never called ``logging.basicConfig`` (pytest configures it here).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

_SCRIPT = textwrap.dedent(
    """
    import asyncio, logging, sys

    from ory_async import OryClient, RetryPolicy
    from ory_async.errors import ServerError
    from ory_async.testing import FakeOry

    if sys.argv[1] == "configured":
        logging.basicConfig(level=logging.INFO, format="%(name)s %(levelname)s %(message)s")

    async def main() -> None:
        fake = FakeOry(seed=1)
        await fake.start()
        try:
            fake.faults.add("/admin/identities", status=503, times=2)
            fake.faults.add("/admin/identities", status=429, times=1)
            policy = RetryPolicy(attempts=2, wait_initial=0.0, wait_jitter=0.0, wait_max=0.0)
            async with OryClient(fake.url, access_token="ory_pat_QUIET", retry=policy) as ory:
                try:
                    await ory.identities.list()  # 503, retried, 503 again: gives up
                except ServerError:
                    pass
                page = await ory.identities.list()  # 429, retried, then 200
                print("requests", len(fake.requests), "items", len(page.items))
        finally:
            await fake.stop()

    asyncio.run(main())
    """
)


def _run(mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _SCRIPT, mode],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_retries_print_nothing_when_logging_is_unconfigured() -> None:
    result = _run("unconfigured")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "requests 4 items 0\n"  # the retries did happen
    assert result.stderr == ""


def test_retries_are_logged_through_the_ory_async_logger_once_configured() -> None:
    result = _run("configured")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    retries = [line for line in lines if "retrying GET /admin/identities" in line]
    assert len(retries) == 2
    assert all(line.startswith("ory_async INFO ") for line in retries)
    assert any("after HTTP 503" in line for line in retries)
    assert any("after HTTP 429" in line for line in retries)
    assert all(line.startswith("ory_async") for line in lines), lines
    assert "ory_pat_QUIET" not in result.stderr
