"""How the command prints: aligned tables for people, JSON for scripts, progress on stderr."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import IO, Any

import orjson

from .. import _serde
from ..errors import secret_forms

__all__ = ["Output", "Progress", "dumps_line", "plain"]

_JSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS


def plain(value: Any) -> Any:
    """A model (or plain data) as JSON-ready data, unset request fields left out."""
    return _serde.unstructure(value)


def dumps_line(value: Any) -> bytes:
    """One JSON Lines record: keys sorted, no spaces, ending in a newline."""
    return orjson.dumps(plain(value), option=_JSON_OPTIONS | orjson.OPT_APPEND_NEWLINE)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return f"{value:,}" if isinstance(value, int) else str(value)
    return orjson.dumps(plain(value), option=_JSON_OPTIONS).decode()


class Output:
    """Writes results to stdout as tables (default) or JSON (``--json``); notes go to stderr.

    Every text it writes, and every line :meth:`scrub_line` is given for a file, has each
    form of each of ``secrets`` (the API key) replaced by ``<redacted>``: a server that
    echoes the key back cannot make the command print or write it.
    """

    def __init__(
        self,
        *,
        json: bool,
        out: IO[str] | None = None,
        err: IO[str] | None = None,
        secrets: tuple[str, ...] = (),
    ):
        self.json = json
        self.out = _Scrubbing(out if out is not None else sys.stdout, secrets)
        self.err = _Scrubbing(err if err is not None else sys.stderr, secrets)
        self._forms = secret_forms(secrets)
        self._byte_forms = [f.encode("utf-8", "surrogatepass") for f in self._forms]

    def scrub(self, text: str) -> str:
        """``text`` with every form of the secrets replaced by ``<redacted>``."""
        for form in self._forms:
            text = text.replace(form, "<redacted>")
        return text

    def scrub_line(self, data: bytes) -> bytes:
        """:meth:`scrub` for encoded lines (a report or an export file)."""
        for form in self._byte_forms:
            data = data.replace(form, b"<redacted>")
        return data

    def record(self, fields: Mapping[str, Any]) -> None:
        """One object: ``name  value`` lines, or one indented JSON document."""
        if self.json:
            text = orjson.dumps(plain(dict(fields)), option=_JSON_OPTIONS | orjson.OPT_INDENT_2)
            self.out.write(text.decode() + "\n")
            return
        width = max((len(k) for k in fields), default=0)
        for key, value in fields.items():
            self.out.write(f"{key:<{width}}  {_cell(value)}\n")

    def rows(
        self,
        columns: Sequence[tuple[str, int]],
        rows: Iterable[Mapping[str, Any]],
        *,
        header: bool = True,
    ) -> int:
        """Many objects, streamed: a table with fixed column widths, or JSON Lines.

        ``columns`` are ``(name, width)``; a longer cell widens its own line only. Call it
        again with ``header=False`` to continue the same table. Returns the rows written.
        """
        count = 0
        if header and not self.json:
            self.out.write(self._line([(n.upper(), w) for n, w in columns]))
        for row in rows:
            count += 1
            if self.json:
                self.out.write(dumps_line(dict(row)).decode())
            else:
                self.out.write(self._line([(_cell(row.get(n)), w) for n, w in columns]))
        return count

    @staticmethod
    def _line(cells: Sequence[tuple[str, int]]) -> str:
        return "  ".join(f"{text:<{width}}" for text, width in cells).rstrip() + "\n"

    def note(self, text: str) -> None:
        """A message for the person at the terminal (stderr, never part of the data)."""
        self.err.write(text + "\n")
        self.err.flush()


class _Scrubbing:
    """A text stream that writes every text with the secrets' forms replaced."""

    def __init__(self, stream: IO[str], secrets: tuple[str, ...]) -> None:
        self.stream = stream
        self._forms = secret_forms(secrets)

    def write(self, text: str) -> int:
        """Write ``text``, scrubbed."""
        for form in self._forms:
            text = text.replace(form, "<redacted>")
        return self.stream.write(text)

    def flush(self) -> None:
        """Flush the stream."""
        self.stream.flush()

    def isatty(self) -> bool:
        """Whether the stream is a terminal."""
        return self.stream.isatty()


LINE_EVERY = 30.0
"""Seconds between two progress lines when there is no terminal for a bar."""


class Progress:
    """A tqdm progress bar on stderr with count and rate, when shown and tqdm is installed.

    ``enabled``: True shows the bar; None (no terminal, e.g. under cron) writes a plain
    progress line every :data:`LINE_EVERY` seconds instead, so a long job's log shows it
    is alive; False shows nothing. ``leave=False`` removes the bar once closed (the demo
    prints its own table instead).
    """

    def __init__(
        self,
        label: str,
        *,
        total: int | None,
        enabled: bool | None,
        unit: str = "identities",
        err: IO[str] | None = None,
        leave: bool = True,
        every: float = LINE_EVERY,
    ) -> None:
        self.label = label
        self.count = 0
        self._unit = unit
        self._total = total
        self._err = err if err is not None else sys.stderr
        self._started = time.perf_counter()
        self._bar: Any = None
        self._every = every if enabled is None else None
        self._next_line = self._started + every
        if enabled:
            try:
                from tqdm import tqdm
            except ImportError:  # pragma: no cover - tqdm ships with the cli extra
                return
            self._bar = tqdm(
                total=total,
                desc=label,
                unit=f" {unit}",
                unit_scale=False,
                file=self._err,
                leave=leave,
            )

    def update(self, n: int = 1) -> None:
        """Count ``n`` more items done."""
        self.count += n
        if self._bar is not None:
            self._bar.update(n)
        elif self._every is not None:
            now = time.perf_counter()
            if now >= self._next_line:
                self._next_line = now + self._every
                of = f" of {self._total:,}" if self._total is not None else ""
                self._err.write(f"{self.label}: {self.count:,}{of} {self._unit} ({self.rate()})\n")
                self._err.flush()

    @property
    def elapsed(self) -> float:
        """Seconds since the bar was created."""
        return time.perf_counter() - self._started

    def close(self) -> None:
        """Remove the bar."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def rate(self) -> str:
        """``1,234/s`` for the items done so far."""
        elapsed = self.elapsed
        return f"{self.count / elapsed:,.0f}/s" if elapsed > 0 and self.count else "-"
