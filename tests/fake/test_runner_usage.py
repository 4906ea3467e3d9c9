"""The standalone fake server answers usage problems with one line on stderr and exit 2."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from ory_async.testing.__main__ import main


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--port", "eighty"], "argument --port: invalid int value: 'eighty'"),
        (["--api", "v2"], "argument --api: invalid choice: 'v2' (choose from "),
        (["--frobnicate"], "unrecognized arguments: --frobnicate"),
    ],
)
def test_bad_argument_is_one_line_and_exit_2(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    [line] = err.splitlines()
    assert line.startswith(f"python -m ory_async.testing: error: {expected}")
    assert line.endswith(" (see --help)")


def test_missing_api_key_variable_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ORY_FAKE_TEST_KEY", raising=False)
    assert main(["--port", "0", "--public-port", "0", "--api-key-env", "ORY_FAKE_TEST_KEY"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "python -m ory_async.testing: error: environment variable ORY_FAKE_TEST_KEY"
        " is empty or not set"
    ]


def test_port_in_use_is_one_line_and_exit_2(busy_port: int) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ory_async.testing", "--port", str(busy_port), "--public-port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(
        f"python -m ory_async.testing: error: cannot listen on 127.0.0.1 port {busy_port} (admin)"
        " and 0 (public): "
    )
    assert "in use" in lines[0]


def test_every_option_of_help_says_what_it_does(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    entries: list[list[str]] = []
    for line in out.split("\noptions:\n", 1)[1].splitlines():
        if line.startswith("  -"):
            entries.append([line.strip()])
        else:
            entries[-1].append(line.strip())
    assert len(entries) >= 9
    for entry in entries:
        name, _, text = entry[0].partition("  ")
        assert (text + " ".join(entry[1:])).strip(), f"no description: {name!r}"
    assert "(default: random)" in out
