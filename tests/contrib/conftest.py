"""FakeOry and a client factory that remembers the clients it made (to check they close)."""

from __future__ import annotations

import pytest

from ory_async.testing import FakeOry, FakeOryOptions
from tests.kit.apps import Factory, Users


@pytest.fixture
def ory_fake_options() -> FakeOryOptions:
    return {"seed": 5}


@pytest.fixture
def factory(ory_fake: FakeOry) -> Factory:
    return Factory(ory_fake)


@pytest.fixture
def users(ory_fake: FakeOry) -> Users:
    return Users(ory_fake)
