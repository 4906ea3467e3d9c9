"""Decoded models hold the values the decoding rules promise, checked against expectations.

Each document (every response-shaped fixture, hand-written edge cases, and documents
drawn from the spec, valid ones and ones bent the ways servers bend them) is decoded by
``_serde.decode`` and compared, types included, with the models :func:`expected` builds
from the same document by calling each class's ``__init__``. :func:`expected` states the
rules on its own: known open-enum values are members and others stay ``str``, timestamps
without an offset are UTC, lists left out or sent as ``null`` are ``[]``, JSON objects are
kept as parsed, and a wrong JSON type is refused. A bent document it refuses must raise
``DecodeError`` naming a field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated, Any, get_args, get_origin

import attrs
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ory_async import _serde
from ory_async._markers import JSON_KEY, OpenEnum, TaggedUnion, Unset, json_key, union_args
from ory_async.errors import DecodeError
from ory_async.models import (
    ErrorGeneric,
    FlowError,
    Identity,
    IdentityPatchResponse,
    IdentitySchemaContainer,
    IdentityState,
    LogoutFlow,
    Message,
    MessageDispatch,
    RecoveryCodeForIdentity,
    RecoveryIdentityAddress,
    RecoveryLinkForIdentity,
    Session,
    SessionDevice,
)
from tests.kit.documents import IDENTITY, SESSION
from tests.kit.fixture_table import FIXTURES, RESPONSE_SHAPED, fixture_body
from tests.kit.spec_strategies import examples, valid

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

# The spec leaves identityPatchResponse.error untyped; the model reads it as an error
# object, so a valid document with another value there is refused (naming the field).
UNTYPED_IN_SPEC = {"identityPatchResponse"}


class Refused(Exception):
    """The document does not fit the type: decoding must raise ``DecodeError``."""


def _exact(value: Any, *types: type) -> Any:
    if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
        raise Refused(f"{value!r} is not {types}")
    return value


def expected(value: Any, tp: Any) -> Any:
    """What ``value`` (parsed JSON) should decode to as ``tp``, built without the converter."""
    if tp is Any:
        return value
    if get_origin(tp) is Annotated:
        union = next(m for m in tp.__metadata__ if isinstance(m, TaggedUnion))
        tag = _exact(value, dict).get(union.tag)
        variant = union.variants.get(tag) if isinstance(tag, str) else None
        if variant is None:
            return union.fallback(**{union.tag: tag if isinstance(tag, str) else "", "raw": value})
        return expected(value, variant)
    args = union_args(tp)
    if args is not None:
        rest = [a for a in args if a is not type(None) and a is not Unset]
        if value is None and type(None) in args:
            return None
        enums = [a for a in rest if isinstance(a, type) and issubclass(a, OpenEnum)]
        if enums:
            members = {m.value: m for m in enums[0]}
            return members.get(_exact(value, str), value)
        (inner,) = rest
        return expected(value, inner)
    if tp is datetime:
        try:
            parsed = datetime.fromisoformat(_exact(value, str))
        except ValueError as exc:
            raise Refused(str(exc)) from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if tp in (str, int, bool):
        return _exact(value, tp)
    if tp is float:
        return float(_exact(value, int, float))
    origin, type_args = get_origin(tp), get_args(tp)
    if origin is list:
        return [expected(v, type_args[0]) for v in ([] if value is None else _exact(value, list))]
    if origin is dict:
        if type_args[1] is Any:
            return _exact(value, dict)
        return {_exact(k, str): expected(v, type_args[1]) for k, v in _exact(value, dict).items()}
    assert attrs.has(tp), tp
    data = _exact(value, dict)
    kwargs: dict[str, Any] = {}
    for field in attrs.fields(attrs.resolve_types(tp)):
        key = field.metadata.get(JSON_KEY, field.name)
        if key in data:
            kwargs[field.alias] = expected(data[key], field.type)
        elif field.default is attrs.NOTHING:
            raise Refused(f"{key} is missing")
    return tp(**kwargs)


def shape(value: Any) -> Any:
    """``value`` with every type made visible, so equal-but-different values differ."""
    if attrs.has(type(value)):
        fields = {f.name: shape(getattr(value, f.name)) for f in attrs.fields(type(value))}
        return (type(value), fields)
    if isinstance(value, list):
        return (list, [shape(v) for v in value])
    if isinstance(value, dict):
        return (dict, [(shape(k), shape(v)) for k, v in value.items()])
    if isinstance(value, datetime):
        return (datetime, value.isoformat(), value.utcoffset())
    return (type(value), value)


def check(body: bytes, target: Any, *, must_take: bool = True) -> Any:
    """``body`` decodes to what :func:`expected` says, or both refuse it."""
    try:
        want = expected(orjson.loads(body), target)
    except Refused:
        assert not must_take, "the expectation refuses a document that must decode"
        with pytest.raises(DecodeError) as info:
            _serde.decode(body, target)
        assert info.value.field, "a refused document names the field"
        return None
    got = _serde.decode(body, target)
    assert shape(got) == shape(want)
    return got


@pytest.mark.parametrize("name", sorted(RESPONSE_SHAPED))
def test_every_fixture_decodes_to_its_expected_values(name: str) -> None:
    model, _ = RESPONSE_SHAPED[name]
    body = fixture_body(FIXTURES, name)
    check(body, model)
    if get_origin(model) is not list:  # and as a page of two
        check(b"[" + body + b"," + body + b"]", list[model])  # type: ignore[valid-type]


def _spec_test(schema: str, model: Any, *, fuzz: bool) -> Callable[[], None]:
    must_take = not fuzz and schema not in UNTYPED_IN_SPEC

    @EXAMPLES
    @given(document=st.deferred(lambda: valid(schema, fuzz=fuzz)))
    def test(document: Any) -> None:
        check(orjson.dumps(document), model, must_take=must_take)
        check(orjson.dumps([document, document]), list[model], must_take=must_take)

    test.__doc__ = f"{schema} documents{' bent by servers' if fuzz else ''} decode as expected."
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
        ({**IDENTITY, "created_at": "2024-01-02T03:04:05"}, Identity),
        ({**IDENTITY, "created_at": "2024-01-02T03:04:05.999999999-07:30"}, Identity),
        ({**IDENTITY, "updated_at": "0001-01-01T00:00:00Z"}, Identity),
        ({**IDENTITY, "traits": {"deep": [[[{"x": 1e300}]]], "n": -0.0, "big": 2**63}}, Identity),
        (SESSION, Session),
        ([SESSION, {**SESSION, "identity": None, "devices": [{"id": "d"}]}], list[Session]),
        ({**SESSION, "authentication_methods": None}, Session),
    ],
)
def test_edge_cases_decode_as_expected(document: Any, target: Any) -> None:
    check(orjson.dumps(document), target)


def test_the_rules_in_plain_values() -> None:
    """The rules spelled out on one identity, independent of :func:`expected`."""
    document = {
        **IDENTITY,
        "state": "inactive",
        "region": "brand-new-region",
        "recovery_addresses": None,
        "created_at": "2024-01-02T03:04:05",
        "updated_at": "2024-01-02T03:04:05.123456789-07:30",
    }
    del document["verifiable_addresses"]
    for identity in (
        _serde.decode(orjson.dumps(document), Identity),
        _serde.decode(orjson.dumps([document]), list[Identity])[0],
    ):
        assert identity.state is IdentityState.INACTIVE
        assert type(identity.region) is str
        assert identity.region == "brand-new-region"
        assert identity.recovery_addresses == []
        assert identity.verifiable_addresses == []
        assert identity.created_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
        assert identity.updated_at == datetime(
            2024, 1, 2, 3, 4, 5, 123456, tzinfo=timezone(-timedelta(hours=7, minutes=30))
        )
        assert identity.metadata_admin == {"k": [1, 2]}


def test_a_repeated_key_keeps_the_last_value() -> None:
    body = b'{"id": "a", "schema_id": "s", "traits": {}, "state": "active", "state": "inactive"}'
    assert _serde.decode(body, Identity).state is IdentityState.INACTIVE


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"id": 5, "schema_id": "s", "traits": {}}', "$.id"),
        (b'{"schema_id": "s", "traits": {}}', "$.id"),
        (b'{"id": "a", "schema_id": "s", "traits": {}, "created_at": "yesterday"}', "$.created_at"),
        (b'{"id": "a", "schema_id": "s", "traits": {}, "created_at": 12}', "$.created_at"),
        (b'{"id": "a", "schema_id": "s", "traits": []}', "$.traits"),
        (b'{"id": "a", "schema_id": "s", "traits": {}, "state": 1}', "$.state"),
        (
            b'{"id": "a", "schema_id": "s", "traits": {}, "recovery_addresses": [null]}',
            "$.recovery_addresses[0]",
        ),
        (
            b'{"id": "a", "schema_id": "s", "traits": {}, "recovery_addresses": {"a": 1}}',
            "$.recovery_addresses",
        ),
    ],
)
def test_refused_values_name_the_field(body: bytes, field: str) -> None:
    with pytest.raises(DecodeError) as info:
        _serde.decode(body, Identity)
    assert info.value.field == field
    with pytest.raises(DecodeError) as info:
        _serde.decode(b"[" + body + b"]", list[Identity])
    assert info.value.field == f"$[0]{field[1:]}"


def test_a_cut_short_body_is_not_json() -> None:
    with pytest.raises(DecodeError, match="not valid JSON"):
        _serde.decode(b'{"id": "a", "schema_id": "s", "traits": {}, "state": "act', Identity)


@attrs.frozen(kw_only=True, slots=True)
class _Renamed:
    class_: str | None = attrs.field(default=None, metadata=json_key("class"))
    on_load: str = attrs.field(metadata=json_key("onLoad"))
    at: datetime | None = None


def test_json_keys_and_timestamps_of_a_renamed_model() -> None:
    body = b'{"class": "c", "onLoad": "go", "at": "2024-01-02T03:04:05+02:00", "class_": "no"}'
    got = check(body, _Renamed)
    assert got == _Renamed(
        class_="c",
        on_load="go",
        at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))),
    )


def test_strict_decoding_refuses_unknown_keys() -> None:
    with pytest.raises(DecodeError, match="unknown_key"):
        _serde.decode(orjson.dumps(IDENTITY), Identity, strict=True)
