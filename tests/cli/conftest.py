"""The command-line suite: the real ``ory-async`` command against a FakeOry with an API key."""

from __future__ import annotations

from pathlib import Path

import pytest

from ory_async.testing import FakeOry, FakeOryOptions
from tests.kit.cli import SECRET, Cli


@pytest.fixture
def ory_fake_options() -> FakeOryOptions:
    return {"api_key": SECRET, "seed": 11}


@pytest.fixture
def cli(ory_fake: FakeOry, tmp_path: Path) -> Cli:
    return Cli(ory_fake, tmp_path)
