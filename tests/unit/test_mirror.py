"""The mirror path (msgspec) gives exactly the models the converter gives, or steps aside.

Differential: every response-shaped fixture, and documents drawn from the spec (valid
ones and ones bent the ways servers bend them), are decoded both ways. For each, the
mirror path either returns models equal to the converter's, with the same types all the
way down (enum members, plain strings, timezone-aware datetimes), or raises one of
``FALLBACK_ERRORS`` so that the converter decides.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, get_origin

import attrs
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ory_async import _serde
from ory_async._markers import json_key
from ory_async._mirror import FALLBACK_ERRORS, mirror_decoder
from ory_async.errors import DecodeError
from ory_async.models import (
    ErrorGeneric,
    FlowError,
    Identity,
    IdentityPatchResponse,
    IdentitySchemaContainer,
    IdentityState,
    LoginFlow,
    LogoutFlow,
    Message,
    MessageDispatch,
    RecoveryCodeForIdentity,
    RecoveryIdentityAddress,
    RecoveryLinkForIdentity,
    Session,
    SessionDevice,
)
from tests.contract.test_fixtures import FIXTURES, RESPONSE_SHAPED, _body
from tests.reliability.spec_strategies import examples, valid
from tests.unit.test_fastgen import IDENTITY, SESSION

EXAMPLES = examples(200)

SPEC_MODELS: dict[str, Any] = {
    "identity": Identity,
    "session": Session,
    "message": Message,
    "messageDispatch": MessageDispatch,
    "identitySchemaContainer": IdentitySchemaContainer,
    "identityPatchResponse": IdentityPatchResponse,
    "recoveryLinkForIdentity": RecoveryLinkForIdentity,
    "recoveryCodeForIdentity": RecoveryCodeForIdentity,
    "recoveryIdentityAddress": RecoveryIdentityAddress,
    "sessionDevice": SessionDevice,
    "logoutFlow": LogoutFlow,
    "flowError": FlowError,
    "errorGeneric": ErrorGeneric,
}


def _shape(value: Any) -> Any:
    """``value`` with every type made visible, so equal-but-different values differ."""
    if attrs.has(type(value)):
        fields = {f.name: _shape(getattr(value, f.name)) for f in attrs.fields(type(value))}
        return (type(value), fields)
    if isinstance(value, list):
        return (list, [_shape(v) for v in value])
    if isinstance(value, dict):
        return (dict, [(_shape(k), _shape(v)) for k, v in value.items()])
    if isinstance(value, datetime):
        return (datetime, value.isoformat(), value.utcoffset())
    return (type(value), value)


def _converter(body: bytes, target: Any) -> Any:
    """What the converter alone makes of ``body`` (the path every other model takes)."""
    return _serde.converter.structure(orjson.loads(body), target)


def _agree(body: bytes, target: Any, *, must_take: bool) -> None:
    """The mirror gives the converter's models, or (unless ``must_take``) steps aside."""
    fast = mirror_decoder(target)
    assert fast is not None, f"{target} is expected to have a mirror"
    try:
        expected: Any = _converter(body, target)
    except Exception:  # the converter refuses it, so the mirror must too
        with pytest.raises(FALLBACK_ERRORS):
            fast(body)
        with pytest.raises(DecodeError):
            _serde.decode(body, target)
        return
    try:
        got = fast(body)
    except FALLBACK_ERRORS:
        assert not must_take, "the mirror stepped aside on a body the converter takes"
        return
    assert _shape(got) == _shape(expected)
    assert got == expected
    assert _shape(_serde.decode(body, target)) == _shape(expected)


def _fixture_names() -> list[str]:
    return sorted(n for n, (model, _) in RESPONSE_SHAPED.items() if mirror_decoder(model))


@pytest.mark.parametrize("name", _fixture_names())
def test_every_fixture_decodes_as_the_converter_decodes_it(name: str) -> None:
    model, _ = RESPONSE_SHAPED[name]
    body = _body(FIXTURES, name)
    _agree(body, model, must_take=True)
    if get_origin(model) is not list:  # and as a page of two
        _agree(b"[" + body + b"," + body + b"]", list[model], must_take=True)  # type: ignore[valid-type]


def test_the_fixtures_cover_the_models_that_matter() -> None:
    covered = {RESPONSE_SHAPED[n][0] for n in _fixture_names()}
    assert {Identity, Session, FlowError} <= covered


def _spec_test(schema: str, model: Any, *, fuzz: bool) -> Callable[[], None]:
    @EXAMPLES
    @given(document=st.deferred(lambda: valid(schema, fuzz=fuzz)))
    def test(document: Any) -> None:
        body = orjson.dumps(document)
        _agree(body, model, must_take=not fuzz)
        _agree(orjson.dumps([document, document]), list[model], must_take=not fuzz)

    test.__doc__ = f"{schema} documents{' bent by servers' if fuzz else ''} decode alike."
    return test


for _schema, _model in SPEC_MODELS.items():
    globals()[f"test_spec_valid_{_schema}"] = _spec_test(_schema, _model, fuzz=False)
    globals()[f"test_spec_bent_{_schema}"] = _spec_test(_schema, _model, fuzz=True)


@pytest.mark.parametrize(
    ("document", "target"),
    [
        (IDENTITY, Identity),
        ([IDENTITY, {"id": "x", "schema_id": "s", "traits": {}}], list[Identity]),
        ({**IDENTITY, "state": "brand-new-state", "region": None}, Identity),
        ({**IDENTITY, "credentials": None, "verifiable_addresses": None}, Identity),
        ({**IDENTITY, "created_at": "2024-01-02T03:04:05"}, Identity),  # no offset: UTC
        ({**IDENTITY, "created_at": "2024-01-02T03:04:05.999999999-07:30"}, Identity),
        ({**IDENTITY, "updated_at": "0001-01-01T00:00:00Z"}, Identity),
        ({**IDENTITY, "traits": {"deep": [[[{"x": 1e300}]]], "n": -0.0, "big": 2**63}}, Identity),
        (SESSION, Session),
        ([SESSION, {**SESSION, "identity": None, "devices": [{"id": "d"}]}], list[Session]),
        ({**SESSION, "authentication_methods": None}, Session),
    ],
)
def test_edge_cases_decode_alike(document: Any, target: Any) -> None:
    _agree(orjson.dumps(document), target, must_take=True)


def test_a_repeated_key_keeps_the_last_value_on_both_paths() -> None:
    body = b'{"id": "a", "schema_id": "s", "traits": {}, "state": "active", "state": "inactive"}'
    _agree(body, Identity, must_take=True)
    assert _serde.decode(body, Identity).state is IdentityState.INACTIVE


@pytest.mark.parametrize(
    "body",
    [
        b'{"id": 5, "schema_id": "s", "traits": {}}',  # wrong type
        b'{"schema_id": "s", "traits": {}}',  # required key missing
        b'{"id": "a", "schema_id": "s", "traits": {}, "created_at": "yesterday"}',
        b'{"id": "a", "schema_id": "s", "traits": {}, "created_at": 12}',
        b'{"id": "a", "schema_id": "s", "traits": []}',
        b'{"id": "a", "schema_id": "s", "traits": {}, "verified_addresses": 1',  # cut short
        b'{"id": "a", "schema_id": "s", "traits": {}, "recovery_addresses": [null]}',
        b"not json",
    ],
)
def test_what_the_mirror_refuses_the_converter_judges(body: bytes) -> None:
    _agree(body, Identity, must_take=False)
    with pytest.raises(FALLBACK_ERRORS):
        mirror_decoder(Identity)(body)  # type: ignore[misc]


def test_a_refused_body_still_names_the_field() -> None:
    page = [IDENTITY, {**IDENTITY, "created_at": "yesterday"}]
    with pytest.raises(DecodeError, match=r"\$\[1\]\.created_at"):
        _serde.decode(orjson.dumps(page), list[Identity])


def test_decode_takes_the_mirror_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_orjson(_: bytes) -> Any:
        raise AssertionError("the converter path parsed the body")

    monkeypatch.setattr("ory_async._serde.orjson.loads", no_orjson)
    page = _serde.decode(orjson.dumps([SESSION]), list[Session])
    assert type(page[0].identity) is Identity
    assert page[0].identity.verifiable_addresses[0].verified_at == datetime(
        2024, 1, 2, 3, 4, 5, 123456, tzinfo=UTC
    )


def test_strict_decoding_keeps_the_converter_path(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(DecodeError, match="unknown_key"):
        _serde.decode(orjson.dumps(IDENTITY), Identity, strict=True)


def test_models_with_hooks_or_tagged_unions_have_no_mirror() -> None:
    assert mirror_decoder(LoginFlow) is None  # its UI nodes are a tagged union
    assert mirror_decoder(list[Identity | None]) is None
    assert mirror_decoder(dict[str, Identity]) is None

    @attrs.frozen(kw_only=True)
    class Checked:
        name: str = attrs.field(validator=attrs.validators.min_len(1))

    assert mirror_decoder(Checked) is None


@attrs.frozen(kw_only=True, slots=True)
class _Renamed:
    class_: str | None = attrs.field(default=None, metadata=json_key("class"))
    on_load: str = attrs.field(metadata=json_key("onLoad"))
    at: datetime | None = None


def test_json_keys_and_timestamps_of_a_renamed_model() -> None:
    body = b'{"class": "c", "onLoad": "go", "at": "2024-01-02T03:04:05+02:00", "class_": "no"}'
    _agree(body, _Renamed, must_take=True)
    got = _serde.decode(body, _Renamed)
    assert got == _Renamed(
        class_="c",
        on_load="go",
        at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))),
    )


def test_mirrored_models_come_out_frozen_and_hashable() -> None:
    identity = _serde.decode(orjson.dumps(IDENTITY), Identity)
    assert type(identity) is Identity
    assert type(identity.verifiable_addresses[0]).__qualname__ == "VerifiableIdentityAddress"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        identity.id = "changed"  # type: ignore[misc]
    assert hash(identity.verifiable_addresses[0]) == hash(
        _converter(orjson.dumps(IDENTITY), Identity).verifiable_addresses[0]
    )
