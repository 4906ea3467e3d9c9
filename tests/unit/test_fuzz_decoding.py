"""Decoding never breaks on what servers send: spec-valid documents always decode, and
bent ones (extra keys, unknown enum values, nulls, missing lists) decode or raise
DecodeError, never anything else. 500 examples per model and direction, fixed seed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from ory_async import DecodeError
from ory_async._serde import decode
from ory_async.models import (
    Identity,
    LoginFlow,
    RecoveryFlow,
    RegistrationFlow,
    Session,
    SettingsFlow,
    VerificationFlow,
)
from tests.kit.spec_strategies import examples, valid

MODELS: dict[str, Any] = {
    "identity": Identity,
    "session": Session,
    "loginFlow": LoginFlow,
    "registrationFlow": RegistrationFlow,
    "recoveryFlow": RecoveryFlow,
    "settingsFlow": SettingsFlow,
    "verificationFlow": VerificationFlow,
}
EXAMPLES = examples(500)


def _spec_valid(schema: str, model: Any) -> Callable[[], None]:
    @EXAMPLES
    @given(document=st.deferred(lambda: valid(schema)))
    def test(document: dict[str, Any]) -> None:
        decoded = decode(orjson.dumps(document), model)
        assert decoded.id == document["id"]

    test.__doc__ = f"Every {schema} the spec allows decodes into {model.__name__}."
    return test


def _bent(schema: str, model: Any) -> Callable[[], None]:
    @EXAMPLES
    @given(document=st.deferred(lambda: valid(schema, fuzz=True)))
    def test(document: dict[str, Any]) -> None:
        try:
            decode(orjson.dumps(document), model)
        except DecodeError as exc:
            assert exc.target == model.__name__

    test.__doc__ = f"A bent {schema} decodes into {model.__name__} or raises DecodeError."
    return test


for _schema, _model in MODELS.items():
    globals()[f"test_spec_valid_{_schema}_decodes"] = _spec_valid(_schema, _model)
    globals()[f"test_bent_{_schema}_decodes_or_raises_decode_error"] = _bent(_schema, _model)
