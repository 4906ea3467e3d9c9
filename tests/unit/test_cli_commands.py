"""The command's building blocks called in-process: the terminal prompt, a declined delete."""

from __future__ import annotations

import io

import pytest

from ory_async._cli._config import UsageError
from ory_async._cli.commands import confirm
from ory_async.testing import FakeOry, FakeOryOptions
from tests.kit.cli import SECRET


@pytest.fixture
def ory_fake_options() -> FakeOryOptions:
    return {"api_key": SECRET, "seed": 11}


def test_confirm_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = io.StringIO()
    assert confirm("Delete 1 identity?", assume_yes=False, stdin=Tty("y\n"), stderr=err)
    assert "Delete 1 identity? [y/N]" in err.getvalue()
    assert not confirm("Delete?", assume_yes=False, stdin=Tty("\n"), stderr=err)
    assert confirm("Delete?", assume_yes=True, stdin=io.StringIO(), stderr=err)
    with pytest.raises(UsageError, match="pass --yes"):
        confirm("Delete?", assume_yes=False, stdin=io.StringIO(), stderr=err)


async def test_declining_a_delete_is_not_an_error(ory_fake: FakeOry) -> None:
    from ory_async import OryClient
    from ory_async._cli._output import Output
    from ory_async._cli.commands import delete_identities

    (keep,) = ory_fake.seed_identities(1)
    questions: list[str] = []

    def say_no(question: str) -> bool:
        questions.append(question)
        return False

    err = io.StringIO()
    async with OryClient(ory_fake.url, access_token=SECRET) as ory:
        code = await delete_identities(
            ory, Output(json=False, out=io.StringIO(), err=err), [keep], ask=say_no
        )
    assert code == 0
    assert questions == [f"Delete 1 identity for good ({keep})?"]
    assert err.getvalue() == "nothing deleted\n"
    assert keep in ory_fake.identities
    assert not ory_fake.requests.matching("DELETE")
