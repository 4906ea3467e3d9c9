"""Secrets are scrubbed wherever text leaves the library, not only in ``ApiError``.

A hostile server echoes the API key into what it answers, in every encoding it can
(plain, percent-encoded, JSON-escaped, base64 at each byte alignment, hex). None of
those forms may reach a batch's per-row results (``reason``, ``error``, ``repr``),
anything the command line prints (stdout, stderr) or writes (``--report`` files,
exports), or a log record.
"""

from __future__ import annotations

import logging
from pathlib import Path

import orjson
import pytest

from ory_async import OryClient, RetryPolicy
from ory_async.errors import GenericError, scrub_error, scrub_secrets
from ory_async.models import CreateIdentityBody
from ory_async.testing import FakeOry, FakeOryOptions
from tests.kit.cli import SECRET, Cli
from tests.kit.leaks import encodings, leaked


@pytest.mark.parametrize("form", list(encodings(SECRET)))
def test_every_encoding_is_scrubbed(form: str) -> None:
    text = encodings(SECRET)[form]
    assert leaked(text)  # the test's own check sees it
    assert leaked(scrub_secrets(text, (SECRET,))) == []


def test_a_row_error_is_scrubbed_in_every_field() -> None:
    echo = " | ".join(encodings(SECRET).values())
    error = GenericError(
        code=400, message=echo, reason=echo, request=echo, details={"echo": [echo], echo: 1}
    )
    clean = scrub_error(error, (SECRET,))
    assert leaked(repr(clean)) == []
    assert clean.code == 400
    assert clean.message is not None
    assert "<redacted>" in clean.message


@pytest.fixture
def ory_fake_options() -> FakeOryOptions:
    return {"api_key": SECRET, "seed": 11}


@pytest.fixture
def cli(ory_fake: FakeOry, tmp_path: Path) -> Cli:
    return Cli(ory_fake, tmp_path)


def hostile_batch_answer(count: int) -> dict[str, object]:
    echo = " | ".join(encodings(SECRET).values())
    return {
        "identities": [
            {
                "action": "error",
                "patch_id": None,
                "error": {"code": 400, "message": echo, "reason": echo, "details": {"e": echo}},
            }
            for _ in range(count)
        ]
    }


async def test_batch_row_results_never_carry_the_key(ory_fake: FakeOry) -> None:
    ory_fake.faults.add(
        "/admin/identities", method="PATCH", status=200, body=hostile_batch_answer(3), times=None
    )
    bodies = [
        CreateIdentityBody(schema_id="default", traits={"email": f"r{i}@example.org"})
        for i in range(3)
    ]
    async with OryClient(ory_fake.url, access_token=SECRET, retry=RetryPolicy.none()) as ory:
        results = await ory.identities.batch_create(bodies).collect()
    assert len(results) == 3
    for result in results:
        assert not result.ok
        for text in (result.reason, repr(result), repr(result.error), str(result)):
            assert leaked(text) == [], text


async def test_the_import_report_and_stderr_never_carry_the_key(
    cli: Cli, ory_fake: FakeOry, tmp_path: Path
) -> None:
    ory_fake.faults.add(
        "/admin/identities", method="PATCH", status=200, body=hostile_batch_answer(2), times=None
    )
    source = tmp_path / "in.jsonl"
    source.write_bytes(
        b"".join(
            orjson.dumps({"schema_id": "default", "traits": {"email": f"i{i}@example.org"}}) + b"\n"
            for i in range(2)
        )
    )
    report = tmp_path / "report.jsonl"
    done = await cli("identities", "import", str(source), "--report", str(report), "--json")
    assert done.code == 1
    assert "<redacted>" in done.err  # the rows' reasons were printed, scrubbed
    assert leaked(done.err) == []
    assert leaked(done.out) == []
    written = report.read_text()
    assert len(written.splitlines()) == 2
    assert leaked(written) == []


async def test_an_export_never_writes_the_key(cli: Cli, ory_fake: FakeOry, tmp_path: Path) -> None:
    (ident,) = ory_fake.seed_identities(1)
    identity = ory_fake.identities[ident]
    hostile = dict(identity, metadata_public={"echo": list(encodings(SECRET).values())})
    ory_fake.faults.add("/admin/identities", method="GET", status=200, body=[hostile], times=1)
    out = tmp_path / "out.jsonl"
    done = await cli("identities", "export", "--out", str(out))
    assert done.code == 0, done.err
    written = out.read_text()
    assert ident in written
    assert leaked(written) == []


async def test_log_records_never_carry_the_key(
    ory_fake: FakeOry, caplog: pytest.LogCaptureFixture
) -> None:
    echo = " | ".join(encodings(SECRET).values())
    ory_fake.faults.add("/admin/identities", status=503, body={"error": {"message": echo}}, times=2)
    caplog.set_level(logging.DEBUG, logger="ory_async")
    async with OryClient(ory_fake.url, access_token=SECRET) as ory:
        ory._transport.retry = RetryPolicy(attempts=3, wait_initial=0.0, wait_jitter=0.0)
        await ory.identities.list().collect()
    assert any("retrying" in r.getMessage() for r in caplog.records)
    for record in caplog.records:
        assert leaked(record.getMessage()) == []
