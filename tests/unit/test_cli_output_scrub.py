"""The command's output scrubs the key from notes, records and rows in every encoding."""

from __future__ import annotations

import io

from ory_async._cli._output import Output
from tests.kit.cli import SECRET
from tests.kit.leaks import encodings, leaked


def test_output_scrubs_notes_records_and_rows() -> None:
    out, err = io.StringIO(), io.StringIO()
    output = Output(json=False, out=out, err=err, secrets=(SECRET,))
    for text in encodings(SECRET).values():
        output.note(text)
        output.record({"reason": text})
        output.rows([("reason", 10)], [{"reason": text}])
    json_out = io.StringIO()
    Output(json=True, out=json_out, secrets=(SECRET,)).record({"r": SECRET})
    for written in (out.getvalue(), err.getvalue(), json_out.getvalue()):
        assert "<redacted>" in written
        assert leaked(written) == []
    assert leaked(output.scrub_line(SECRET.encode()).decode()) == []
