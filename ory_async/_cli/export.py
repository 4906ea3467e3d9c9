"""``ory-async identities export``: every identity as JSON Lines, in constant memory.

Identities are walked in the keyset form (``page_size``/``page_token``), in which the
server orders them by id and the page token is the last id of the previous page. The
next page is fetched while this one is written (the pager's read-ahead), so the export
holds at most two pages and keeps no record of what it has seen: it only remembers the
last id it wrote, and that id is also where ``--resume`` picks up.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import sys
import tempfile
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import IO, Final, Protocol

import orjson

from .._client import OryClient
from .._pagination import Page
from ..errors import OryError, UnauthorizedError
from ..models import Identity
from ._config import UsageError
from ._output import Output, Progress, dumps_line

__all__ = ["FILTERS", "IdentityExport", "export_identities", "last_exported_id"]

FILTERS: Final = (
    "credentials_identifier",
    "preview_credentials_identifier_similar",
    "organization_id",
)
"""The ``--filter`` keys: the identity listing's single-value filters."""

_BLOCK: Final = 64 * 1024


class _Pages(Protocol):
    """Pages that can be closed (stopping the read-ahead) before the last."""

    def __aiter__(self) -> AsyncIterator[Page[Identity]]:
        """Iterate the pages."""

    async def __anext__(self) -> Page[Identity]:
        """The next page."""

    async def aclose(self) -> None:
        """Stop the walk and wait for what it still fetches."""


class IdentityExport:
    """Writes every identity (after ``after``, if given) to ``out`` as JSON Lines.

    Each line is one identity, its keys sorted, so two exports of the same data are
    byte-identical. ``on_page(n)`` is called after each page is written with the number
    of lines it added. At most two pages of identities are held at any time: the one
    being written and the next, fetched meanwhile.

    Args:
        ory: the client.
        out: a binary stream; it is flushed after every page, so an interrupted export
            leaves whole lines (plus at most one partial line, which ``--resume`` drops).
        page_size: identities per request (1-500).
        filters: at most one of :data:`FILTERS`.
        after: the last id already exported: start after it and skip ids not above it.
        on_page: progress callback.
        include_credential: credential types whose configuration to export (v1), e.g.
            ``["password", "oidc"]``, so that ``identities import`` can recreate them.
        scrub: applied to each page's lines before they are written (the command
            replaces the API key there, should a server have echoed it into the data).
    """

    def __init__(
        self,
        ory: OryClient,
        out: IO[bytes],
        *,
        page_size: int = 250,
        filters: Mapping[str, str] | None = None,
        after: str | None = None,
        on_page: Callable[[int], None] | None = None,
        include_credential: Sequence[str] = (),
        scrub: Callable[[bytes], bytes] | None = None,
    ) -> None:
        self._ory = ory
        self._scrub = scrub
        self._include = list(include_credential)
        self._out = out
        self._page_size = page_size
        self._filters = dict(filters or {})
        self.last_id = after
        self._on_page = on_page
        self.exported = 0
        self.pages = 0
        self.peak_items_held = 0
        """The most identities held at once (one page's worth)."""

    def _pages(self, token: str | None) -> _Pages:
        """The pages after ``token`` (from the first when None), each fetched ahead."""
        return (
            self._ory.identities.list(
                page_size=self._page_size,
                page_token=token,
                credentials_identifier=self._filters.get("credentials_identifier"),
                preview_credentials_identifier_similar=self._filters.get(
                    "preview_credentials_identifier_similar"
                ),
                organization_id=self._filters.get("organization_id"),
                include_credential=self._include or None,
            )
            .prefetch()
            .pages()
        )

    async def run(self) -> int:
        """Export; returns how many identities were written by this run."""
        if self._ory.api == "v0":
            return await self._run_v0()
        unknown = sorted(set(self._filters) - set(FILTERS))
        if unknown:
            msg = f"unknown identity filter {', '.join(unknown)}; use one of {', '.join(FILTERS)}"
            raise ValueError(msg)
        # A server that repeats itself is stopped by the pager (PaginationError).
        pages = self._pages(self.last_id)
        async with contextlib.aclosing(pages):
            async for page in pages:
                self._write(page.items, ordered=True)
        return self.exported

    async def _run_v0(self) -> int:
        # Legacy servers page by number only; the pager de-duplicates their overlaps.
        if self.last_id is not None:
            msg = "--resume needs --api v1 (legacy servers have no keyset paging)"
            raise UsageError(msg)
        if self._include:
            msg = "--include-credential needs --api v1"
            raise UsageError(msg)
        async for page in self._ory.identities.list(per_page=self._page_size).pages():
            self._write(page.items, ordered=False)
        return self.exported

    def _write(self, items: list[Identity], *, ordered: bool) -> None:
        self.pages += 1
        self.peak_items_held = max(self.peak_items_held, len(items))
        lines = []
        last = self.last_id
        for identity in items:
            if ordered and last is not None and identity.id <= last:
                continue  # already exported (resume, or a server repeating itself)
            lines.append(dumps_line(identity))
            last = identity.id
        if lines:
            data = b"".join(lines)
            self._out.write(self._scrub(data) if self._scrub is not None else data)
            self._out.flush()
        self.last_id = last
        self.exported += len(lines)
        if self._on_page is not None:
            self._on_page(len(lines))


def _rfind_newline(f: IO[bytes], before: int) -> int:
    """Position of the last newline before offset ``before``, or -1."""
    end = before
    while end > 0:
        start = max(0, end - _BLOCK)
        f.seek(start)
        at = f.read(end - start).rfind(b"\n")
        if at >= 0:
            return start + at
        end = start
    return -1


def last_exported_id(path: str) -> str | None:
    """Prepare ``path`` for ``--resume`` and return the id on its last complete line.

    A partial last line (the export was killed while writing it) is cut off. Returns
    None when the file does not exist or holds no complete line.

    Raises:
        UsageError: the last complete line is not an exported identity.
    """
    try:
        f = open(path, "r+b")  # noqa: SIM115 - closed below, after the truncate
    except FileNotFoundError:
        return None
    except OSError as exc:
        msg = f"cannot resume {path}: {exc.strerror or type(exc).__name__}"
        raise UsageError(msg) from None
    with f:
        size = f.seek(0, os.SEEK_END)
        end = _rfind_newline(f, size)
        if end + 1 != size:
            f.truncate(end + 1)
        if end < 0:
            return None
        start = _rfind_newline(f, end) + 1
        f.seek(start)
        line = f.read(end - start)
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError:
        data = None
    ident = data.get("id") if isinstance(data, dict) else None
    if not isinstance(ident, str) or not ident:
        msg = f"cannot resume {path}: its last line is not an exported identity"
        raise UsageError(msg)
    return ident


class _Target:
    """Where a fresh export goes: a temporary file beside the target, renamed on success.

    The target (through a symlink, the file it points to) is never opened for writing,
    so a failed or interrupted export cannot empty or delete what was there.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.real = os.path.realpath(path)
        self.existed = os.path.exists(self.real)
        folder, name = os.path.split(self.real)
        try:
            fd, self.temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
        except OSError as exc:
            msg = f"cannot write {path}: {exc.strerror or type(exc).__name__}"
            raise UsageError(msg) from None
        self.stream: IO[bytes] = os.fdopen(fd, "wb")

    def commit(self) -> None:
        """The export is complete: it takes the target's place."""
        self.stream.close()
        if self.existed:
            with contextlib.suppress(OSError):
                os.chmod(self.temp, os.stat(self.real).st_mode & 0o777)
        os.replace(self.temp, self.real)

    def keep_partial(self) -> str:
        """An unfinished export with lines in it: where it is kept (the path to resume).

        A target that did not exist gets the partial file; one that did stays as it was,
        and the partial file sits beside it as ``<target>.partial``.
        """
        self.stream.close()
        kept = self.real if not self.existed else self.real + ".partial"
        os.replace(self.temp, kept)
        return self.path if not self.existed else self.path + ".partial"

    def discard(self) -> None:
        """An export that wrote nothing: no trace of it is left."""
        self.stream.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.temp)


async def export_identities(
    ory: OryClient,
    output: Output,
    *,
    out_path: str,
    page_size: int,
    filters: Mapping[str, str],
    resume: bool,
    progress: bool | None,
    include_credential: Sequence[str] = (),
    unauthorized_hint: str | None = None,
) -> int:
    """The ``identities export`` command: write, resume, report count and rate on stderr.

    A fresh export to a file is written beside it and takes its place only when
    complete. A failed or interrupted (Ctrl-C) export says what stopped it, how many
    identities were written, where they are and the command that continues it; an
    existing file is left as it was, and an export that wrote nothing leaves no file.
    """
    after = None
    if include_credential and ory.api == "v0":
        msg = "--include-credential needs --api v1"
        raise UsageError(msg)
    if resume:
        if ory.api == "v0":
            msg = "--resume needs --api v1 (legacy servers have no keyset paging)"
            raise UsageError(msg)
        if out_path == "-":
            msg = "--resume needs --out FILE (it continues that file)"
            raise UsageError(msg)
        after = last_exported_id(out_path)
    stream: IO[bytes]
    target: _Target | None = None
    if out_path == "-":
        stream = sys.stdout.buffer
    elif resume:
        # Appending never touches the complete lines already there.
        try:
            stream = open(out_path, "ab")  # noqa: SIM115, ASYNC230 - a CLI: nothing else runs on this loop
        except OSError as exc:
            msg = f"cannot write {out_path}: {exc.strerror or type(exc).__name__}"
            raise UsageError(msg) from None
    else:
        target = _Target(out_path)
        stream = target.stream
    bar = Progress("exporting", total=None, enabled=progress)
    export = IdentityExport(
        ory,
        stream,
        page_size=page_size,
        filters=filters,
        after=after,
        on_page=bar.update,
        include_credential=include_credential,
        scrub=output.scrub_line,
    )
    failure: OryError | None = None
    interrupted = False
    try:
        await export.run()
    except OryError as exc:
        failure = exc
    except (asyncio.CancelledError, KeyboardInterrupt):  # Ctrl-C: asyncio.run cancels us
        interrupted = True
    finally:
        bar.close()
        if stream is sys.stdout.buffer:
            stream.flush()
        elif target is None:
            stream.close()
    resumed = f" (resumed after {after})" if after else ""
    noun = "identity" if export.exported == 1 else "identities"
    if failure is not None or interrupted:
        if failure is not None:
            output.note(f"ory-async: the export failed: {failure}")
            if isinstance(failure, UnauthorizedError) and unauthorized_hint:
                output.note(f"ory-async: {unauthorized_hint}")
        else:
            output.note("ory-async: the export was interrupted")
        _say_what_is_left(output, target, out_path, export.exported, noun, resumed)
        if interrupted:
            raise asyncio.CancelledError
        return 1
    if target is not None:
        target.commit()
    where = "" if out_path == "-" else f" to {out_path}"
    output.note(
        f"exported {export.exported:,} {noun}{where}{resumed} in {bar.elapsed:.1f}s ({bar.rate()})"
    )
    return 0


def _say_what_is_left(
    output: Output, target: _Target | None, out_path: str, exported: int, noun: str, resumed: str
) -> None:
    """After a failed or interrupted export: what was written, where, how to continue."""
    kept = out_path
    if target is not None:
        if exported == 0:
            target.discard()
            left = f"; {out_path} was left as it was" if target.existed else ""
            output.note(f"nothing was exported{left}")
            return
        kept = target.keep_partial()
        if target.existed:
            output.note(f"{out_path} was left as it was; what was exported is in {kept}")
    if out_path == "-":
        output.note(f"{exported:,} {noun} were written{resumed} before the stop")
        return
    output.note(
        f"{exported:,} {noun} were written to {kept}{resumed} before the stop; continue with: "
        f"ory-async identities export --out {shlex.quote(kept)} --resume"
    )
