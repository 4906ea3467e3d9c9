"""The command's progress line: printed now and then without a terminal, quiet when off."""

from __future__ import annotations

import io

from ory_async._cli._output import Progress


def test_without_a_terminal_progress_prints_a_line_now_and_then() -> None:
    err = io.StringIO()
    bar = Progress("importing", total=10, enabled=None, unit="lines", err=err, every=0.0)
    bar.update(3)
    bar.update(4)
    lines = err.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("importing: 3 of 10 lines (")
    assert lines[1].startswith("importing: 7 of 10 lines (")


def test_progress_stays_quiet_when_turned_off_or_not_yet_due() -> None:
    off = io.StringIO()
    Progress("x", total=None, enabled=False, err=off, every=0.0).update(5)
    assert off.getvalue() == ""
    later = io.StringIO()
    Progress("x", total=None, enabled=None, err=later, every=3600.0).update(5)
    assert later.getvalue() == ""
