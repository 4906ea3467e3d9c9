"""The API key never shows in --help, in argparse's complaints or in a key-file error (the
command's entry point called in-process)."""

from __future__ import annotations

import pytest

from ory_async._cli import main as ory_cli
from tests.kit.cli import SECRET

HELP = [
    [],
    ["identities"],
    ["identities", "export"],
    ["identities", "import"],
    ["identities", "get"],
    ["identities", "delete"],
    ["sessions", "list"],
    ["sessions", "revoke"],
    ["recovery", "code"],
]


@pytest.mark.parametrize("words", HELP, ids=lambda w: " ".join(w) or "top")
def test_help_never_shows_the_key(
    words: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ORY_API_KEY", SECRET)
    monkeypatch.setenv("ORY_SDK_URL", "https://example.projects.oryapis.com")
    with pytest.raises(SystemExit) as info:
        ory_cli.main([*words, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "ORY_API_KEY" in out
    assert SECRET not in out


@pytest.mark.parametrize(
    "argv",
    [
        ["--api-key", SECRET, "identities", "get", "x"],
        ["identities", "get", "x", f"--api-key={SECRET}"],
        ["identities", "get", "x", "--api-key", SECRET],
    ],
)
def test_a_key_on_the_command_line_is_refused_without_echo(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        ory_cli.main(argv)
    assert info.value.code == 2
    captured = capsys.readouterr()
    assert "ORY_API_KEY" in captured.err
    assert SECRET not in captured.out + captured.err


def test_an_unreadable_key_file_names_neither_path_nor_content(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ORY_SDK_URL", "https://example.projects.oryapis.com")
    # A user who pastes the key where the path goes must not see it echoed.
    code = ory_cli.main(["identities", "get", "x", "--api-key-file", SECRET])
    assert code == 2
    err = capsys.readouterr().err
    assert "--api-key-file" in err
    assert SECRET not in err
