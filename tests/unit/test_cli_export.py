"""The exporter holds one page at a time; ``--resume`` finds where an export stopped."""

from __future__ import annotations

import gc
import io
import weakref
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any, cast

import orjson
import pytest

from ory_async import OryClient
from ory_async._cli import UsageError
from ory_async._cli.export import IdentityExport, last_exported_id
from ory_async._pagination import Page, _PageIterator
from ory_async.models import Identity

PAGE = 100
TOTAL = 1050


class Recorded(IdentityExport):
    """Serves synthetic pages, and checks that older pages are gone when a new one is asked for."""

    def __init__(self, out: io.BytesIO, **options: Any) -> None:
        super().__init__(OryClient("http://127.0.0.1:9"), out, page_size=PAGE, **options)
        self.alive: list[list[weakref.ref[Identity]]] = []
        self.tokens: list[str | None] = []
        self.lines_before_fetch: list[int] = []

    def _pages(self, token: str | None) -> AsyncGenerator[Page[Identity], None]:
        return self._serve(token)

    async def _serve(self, token: str | None) -> AsyncGenerator[Page[Identity], None]:
        while True:
            gc.collect()
            # The page being written may still be held while this one is fetched (the
            # exporter reads ahead); any page before it must be gone.
            older = [ref for page_refs in self.alive[:-1] for ref in page_refs]
            assert not any(ref() is not None for ref in older), "an earlier page is still held"
            self.tokens.append(token)
            self.lines_before_fetch.append(self._out.getvalue().count(b"\n"))  # type: ignore[attr-defined]
            start = 0 if token is None else int(token.split("-")[1]) + 1
            items = [
                Identity(id=f"id-{i:05d}", schema_id="default", traits={"n": i})
                for i in range(start, min(start + PAGE, TOTAL))
            ]
            self.alive.append([weakref.ref(i) for i in items])
            more = start + PAGE < TOTAL
            token = items[-1].id
            # A page as the pager builds it; only ``items`` is read.
            page = Page(
                items=items,
                total_count=None,
                headers={},
                walk=cast(Any, None),
                next_step=cast(Any, object()) if more else None,
            )
            del items
            yield page
            del page
            if not more:
                return


async def test_the_exporter_holds_at_most_the_page_it_writes_and_the_next() -> None:
    out = io.BytesIO()
    export = Recorded(out)
    assert await export.run() == TOTAL
    lines = out.getvalue().splitlines()
    assert [orjson.loads(line)["id"] for line in lines] == [f"id-{i:05d}" for i in range(TOTAL)]
    assert export.peak_items_held == PAGE
    # Every page was written out before the next one was asked for.
    assert export.lines_before_fetch == list(range(0, TOTAL, PAGE))
    assert export.tokens[1] == "id-00099"


async def test_the_exporter_skips_what_was_already_exported() -> None:
    out = io.BytesIO()
    export = Recorded(out, after="id-00149")
    assert await export.run() == TOTAL - 150
    first = orjson.loads(out.getvalue().splitlines()[0])
    assert first["id"] == "id-00150"


def test_resume_cuts_a_partial_line_and_finds_the_last_id(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(b'{"id":"a"}\n{"id":"b","traits":{}}\n{"id":"c","tra')
    assert last_exported_id(str(path)) == "b"
    assert path.read_bytes() == b'{"id":"a"}\n{"id":"b","traits":{}}\n'
    assert last_exported_id(str(path)) == "b"  # nothing more to cut


def test_resume_reads_lines_longer_than_its_read_block(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    big = orjson.dumps({"id": "big", "traits": {"blob": "x" * 200_000}})
    path.write_bytes(b'{"id":"a"}\n' + big + b"\n" + big[:150_000])
    assert last_exported_id(str(path)) == "big"
    assert path.read_bytes().endswith(big + b"\n")


def test_resume_from_nothing(tmp_path: Path) -> None:
    assert last_exported_id(str(tmp_path / "missing.jsonl")) is None
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert last_exported_id(str(empty)) is None
    only_partial = tmp_path / "partial.jsonl"
    only_partial.write_bytes(b'{"id":"a", "tr')
    assert last_exported_id(str(only_partial)) is None
    assert only_partial.read_bytes() == b""


def test_resume_refuses_a_foreign_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello\n")
    with pytest.raises(UsageError, match="not an exported identity"):
        last_exported_id(str(path))


async def test_the_export_reads_one_page_ahead() -> None:
    async with OryClient("http://127.0.0.1:9") as ory:
        pages = IdentityExport(ory, io.BytesIO(), page_size=PAGE)._pages("id-00001")
        assert isinstance(pages, _PageIterator)
        assert pages._depth == 1
        assert dict(pages._walk.spec.query) == {"page_size": "100", "page_token": "id-00001"}
        await pages.aclose()
