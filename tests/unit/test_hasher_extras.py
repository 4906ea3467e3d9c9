"""FakeOry names the extra that brings a password hasher it lacks."""

from __future__ import annotations

import sys

import pytest

PASSWORD = "correct horse battery staple ✓"


def test_a_missing_hasher_names_the_extra_that_brings_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from ory_async.testing import _hashes

    monkeypatch.setitem(sys.modules, "bcrypt", None)
    with pytest.raises(ImportError, match=r"needs bcrypt .*pip install 'ory-async\[testing\]'"):
        _hashes.generate(PASSWORD)
