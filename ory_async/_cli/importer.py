"""``ory-async identities import``: JSON Lines of ``CreateIdentityBody`` into the server.

Every line is checked before anything is sent: a line that is not JSON, not an object,
or not a valid ``CreateIdentityBody`` (unknown keys included) is reported with its line
number and never sent. The good lines go to ``identities.batch_create`` in chunks; every
line gets one result, written in line order to the report:

``created``   the identity exists now (``identity_id``)
``conflict``  the server answered 409: an identity with this identifier already exists
              (running the same file twice reports every line as a conflict)
``failed``    the server refused the line for another reason (the ``error`` says why)
``unknown``   the answer was lost; the identity may or may not exist
``invalid``   the line is wrong: it was never sent, or the server refused it as invalid
              (400); the ``error`` says what is wrong with it
``valid``     (``--dry-run`` only) the line would be sent

One invalid line never costs the others: the batch helper isolates the lines a server
refuses, so the rest of their batch is created.

A line with an ``id`` is an identity written by ``identities export``: it is turned into
the body that recreates it (:meth:`CreateIdentityBody.from_identity`), so an export moves
identities to another project. Other lines must be exact ``CreateIdentityBody`` objects.
"""

from __future__ import annotations

import asyncio
import enum
import re
import shlex
import sys
from collections import deque
from collections.abc import Callable, Iterator
from typing import IO, Final

import attrs
import cattrs
import orjson

from .. import _serde
from .._client import OryClient
from ..errors import BadRequestError, ConflictError, InvalidBodyError
from ..models import CreateIdentityBody, Identity
from ..services import BatchCreateResult, BatchOutcome
from ._config import UsageError
from ._output import Output, Progress, dumps_line

__all__ = [
    "IdentityImport",
    "ImportSummary",
    "LineOutcome",
    "LineResult",
    "import_identities",
    "parse_line",
]

_TYPE_NOISE: Final = re.compile(r" \| ory_async\._serde\.Unset|ory_async\._serde\.Unset \| ")


class LineOutcome(enum.StrEnum):
    """What happened to one line of the input file."""

    CREATED = "created"
    CONFLICT = "conflict"
    FAILED = "failed"
    UNKNOWN = "unknown"
    INVALID = "invalid"
    VALID = "valid"


@attrs.frozen(kw_only=True)
class LineResult:
    """The report entry of one input line (1-based ``line``)."""

    line: int
    outcome: LineOutcome
    identity_id: str | None = None
    error: str | None = None

    def to_json(self) -> dict[str, object]:
        """The report line's fields (absent ones left out)."""
        data: dict[str, object] = {"line": self.line, "outcome": self.outcome.value}
        if self.identity_id is not None:
            data["identity_id"] = self.identity_id
        if self.error is not None:
            data["error"] = self.error
        return data


@attrs.define
class ImportSummary:
    """How many lines ended how."""

    created: int = 0
    conflicts: int = 0
    failed: int = 0
    unknown: int = 0
    invalid: int = 0
    valid: int = 0

    def add(self, outcome: LineOutcome) -> None:
        """Count one line."""
        name = "conflicts" if outcome is LineOutcome.CONFLICT else outcome.value
        setattr(self, name, getattr(self, name) + 1)

    @property
    def ok(self) -> bool:
        """True when no line failed, was lost or was invalid (conflicts are fine: re-runs)."""
        return not (self.failed or self.unknown or self.invalid)


class InvalidLineError(ValueError):
    """A line that cannot be sent; the message says why."""


def parse_line(raw: bytes) -> CreateIdentityBody:
    """Check one input line and build its body.

    A line with an ``id`` is an exported identity and becomes the body that recreates it.

    Raises:
        InvalidLineError: not JSON, not an object, or not a valid ``CreateIdentityBody``
            (a missing or mistyped field, or a key the body does not have).
    """
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        where = f" at column {exc.colno}" if exc.colno else ""
        msg = f"not valid JSON{where}: {exc.msg}"
        raise InvalidLineError(msg) from None
    if not isinstance(data, dict):
        msg = f"expected a JSON object (a CreateIdentityBody), got {type(data).__name__}"
        raise InvalidLineError(msg)
    if "id" in data:
        missing = [k for k in ("schema_id", "traits") if k not in data]
        if missing:
            msg = f"an exported identity (a line with an id) needs {' and '.join(missing)}"
            raise InvalidLineError(msg)
    try:
        if "id" in data:
            return CreateIdentityBody.from_identity(_serde.structure(data, Identity))
        return _serde.structure(data, CreateIdentityBody, strict=True)
    except Exception as exc:  # cattrs wraps every validation error of the body
        problems = (
            cattrs.transform_error(exc)
            if isinstance(exc, cattrs.BaseValidationError)
            else [str(exc)]
        )
        msg = "; ".join(_TYPE_NOISE.sub("", p) for p in problems) or str(exc)
        raise InvalidLineError(msg) from None


def _result_for(line: int, result: BatchCreateResult) -> LineResult:
    if result.outcome is BatchOutcome.CREATED:
        return LineResult(line=line, outcome=LineOutcome.CREATED, identity_id=result.identity_id)
    conflict = (result.error is not None and result.error.code == 409) or isinstance(
        result.exception, ConflictError
    )
    invalid = (result.error is not None and result.error.code == 400) or isinstance(
        result.exception, BadRequestError | InvalidBodyError
    )
    if result.outcome is BatchOutcome.UNKNOWN:
        outcome = LineOutcome.UNKNOWN
    elif conflict:
        outcome = LineOutcome.CONFLICT
    elif invalid:
        outcome = LineOutcome.INVALID
    else:
        outcome = LineOutcome.FAILED
    return LineResult(line=line, outcome=outcome, error=result.reason)


class IdentityImport:
    """Reads ``source`` line by line, checks each line, and creates the good ones.

    Memory stays bounded: lines are read as the batches need them, and only the lines
    in flight (``chunk_size * concurrency``) are held.

    Args:
        ory: the client.
        source: the input, opened in binary mode.
        concurrency: batches in flight.
        chunk_size: bodies per batch request (at most 1,000).
        on_result: called with every line's result, in line order.
        start_line: skip the lines before this one (1-based), to resume an interrupted run.
    """

    def __init__(
        self,
        ory: OryClient,
        source: IO[bytes],
        *,
        concurrency: int = 4,
        chunk_size: int = 1000,
        on_result: Callable[[LineResult], None] | None = None,
        start_line: int = 1,
    ) -> None:
        self._ory = ory
        self._start_line = start_line
        self.done_through = start_line - 1
        """Every line up to this one has its result (the resume point after an interrupt)."""
        self._source = source
        self._concurrency = concurrency
        self._chunk_size = chunk_size
        self._on_result = on_result
        self.summary = ImportSummary()
        # Lines read but not yet reported, in order: a result (invalid line) or the
        # number of a line whose body was handed to batch_create.
        self._pending: deque[LineResult | int] = deque()

    def _emit(self, result: LineResult) -> None:
        self.done_through = result.line
        self.summary.add(result.outcome)
        if self._on_result is not None:
            self._on_result(result)

    def _lines(self) -> Iterator[tuple[int, bytes]]:
        for number, raw in enumerate(self._source, start=1):
            if number == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]  # a UTF-8 byte order mark (editors on Windows add one)
            if number >= self._start_line and raw.strip():
                yield number, raw

    def check(self) -> ImportSummary:
        """``--dry-run``: check every line, send nothing."""
        for number, raw in self._lines():
            try:
                parse_line(raw)
            except InvalidLineError as exc:
                self._emit(LineResult(line=number, outcome=LineOutcome.INVALID, error=str(exc)))
            else:
                self._emit(LineResult(line=number, outcome=LineOutcome.VALID))
        return self.summary

    def _bodies(self) -> Iterator[CreateIdentityBody]:
        for number, raw in self._lines():
            try:
                body = parse_line(raw)
            except InvalidLineError as exc:
                self._pending.append(
                    LineResult(line=number, outcome=LineOutcome.INVALID, error=str(exc))
                )
                continue
            self._pending.append(number)
            yield body

    def _flush_checked(self) -> None:
        while self._pending and isinstance(self._pending[0], LineResult):
            result = self._pending.popleft()
            assert isinstance(result, LineResult)
            self._emit(result)

    async def run(self) -> ImportSummary:
        """Import every good line; returns the counts."""
        batch = self._ory.identities.batch_create(
            self._bodies(), chunk_size=self._chunk_size, concurrency=self._concurrency
        )
        async with batch as results:
            async for result in results:
                self._flush_checked()
                line = self._pending.popleft()
                assert isinstance(line, int)
                self._emit(_result_for(line, result))
        self._flush_checked()
        return self.summary


def _count_lines(path: str) -> int | None:
    try:
        with open(path, "rb") as f:
            return sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))
    except OSError:
        return None


_SHOWN_PROBLEMS: Final = 20
_BOM: Final = b"\xef\xbb\xbf"


async def import_identities(
    ory: OryClient,
    output: Output,
    *,
    in_path: str,
    concurrency: int,
    dry_run: bool,
    report_path: str | None,
    progress: bool | None,
    start_line: int = 1,
) -> int:
    """The ``identities import`` command: check, send, report; exit 1 if a line failed.

    On Ctrl-C it prints the counts so far and the command that resumes the run.
    """
    if ory.api == "v0" and not dry_run:
        msg = "identities import needs --api v1 (legacy servers have no batch creation)"
        raise UsageError(msg)
    try:
        # A CLI: nothing else runs on this loop while a file opens.
        source: IO[bytes] = sys.stdin.buffer if in_path == "-" else open(in_path, "rb")  # noqa: SIM115, ASYNC230
    except OSError as exc:
        msg = f"cannot read {in_path}: {exc.strerror or type(exc).__name__}"
        raise UsageError(msg) from None
    try:
        report: IO[bytes] | None = open(report_path, "wb") if report_path else None  # noqa: SIM115, ASYNC230
    except OSError as exc:
        source.close()
        msg = f"cannot write {report_path}: {exc.strerror or type(exc).__name__}"
        raise UsageError(msg) from None
    total = None if in_path == "-" else _count_lines(in_path)
    if total is not None:
        total = max(0, total - (start_line - 1))
    bar = Progress(
        "checking" if dry_run else "importing", total=total, enabled=progress, unit="lines"
    )
    problems = 0

    def on_result(result: LineResult) -> None:
        nonlocal problems
        bar.update()
        if report is not None:
            report.write(output.scrub_line(dumps_line(result.to_json())))
        if result.outcome in (LineOutcome.CREATED, LineOutcome.CONFLICT, LineOutcome.VALID):
            return
        problems += 1
        if problems <= _SHOWN_PROBLEMS:
            output.note(f"line {result.line}: {result.outcome.value}: {result.error}")

    job = IdentityImport(
        ory, source, concurrency=concurrency, on_result=on_result, start_line=start_line
    )
    try:
        summary = job.check() if dry_run else await job.run()
    except asyncio.CancelledError:  # Ctrl-C: asyncio.run cancels the command
        bar.close()
        output.record(_counts(job.summary, dry_run=dry_run))
        _resume_hint(output, in_path, job.done_through, report_path)
        raise
    finally:
        bar.close()
        if source is not sys.stdin.buffer:
            source.close()
        if report is not None:
            report.close()
    if problems > _SHOWN_PROBLEMS:
        hint = f"; see {report_path}" if report_path else "; --report FILE lists every line"
        output.note(f"... and {problems - _SHOWN_PROBLEMS:,} more problem lines{hint}")
    output.record(_counts(summary, dry_run=dry_run))
    output.note(f"{bar.count:,} lines in {bar.elapsed:.1f}s ({bar.rate()})")
    return 0 if summary.ok else 1


def _counts(summary: ImportSummary, *, dry_run: bool) -> dict[str, int]:
    if dry_run:
        return {"valid": summary.valid, "invalid": summary.invalid}
    return {
        "created": summary.created,
        "conflicts": summary.conflicts,
        "failed": summary.failed,
        "unknown": summary.unknown,
        "invalid": summary.invalid,
    }


def _resume_hint(output: Output, in_path: str, done_through: int, report_path: str | None) -> None:
    shown = shlex.quote(in_path)
    report = f" --report {shlex.quote(report_path + '.resumed')}" if report_path else ""
    output.note(
        f"interrupted: every line up to {done_through:,} has its result above"
        + (f" (and in {report_path})" if report_path else "")
        + "; later lines that were in flight may have been created.\n"
        f"resume with: ory-async identities import {shown} --start-line {done_through + 1}"
        f"{report}\n"
        "(lines created before the interrupt then count as conflicts)"
    )
