"""Every open-enum field of every model keeps a value the client does not know as a str."""

from __future__ import annotations

import inspect
import types
import typing
from datetime import datetime
from typing import Any, get_args, get_origin

import attrs
import pytest

import ory_async.models as models
from ory_async._serde import OpenEnum, structure

NEW_VALUE = "value-from-a-newer-server"


def _args(tp: Any) -> tuple[Any, ...]:
    if get_origin(tp) is typing.Annotated:
        tp = get_args(tp)[0]
    if get_origin(tp) in (typing.Union, types.UnionType):
        return get_args(tp)
    return (tp,)


def _json_key(field: attrs.Attribute[Any]) -> str:
    return str(field.metadata.get("ory_async.json_key", field.name))


def _minimal(tp: Any) -> Any:
    choices = [a for a in _args(tp) if a is not type(None)]
    tp = choices[0]
    origin = get_origin(tp)
    if attrs.has(tp):
        hints = typing.get_type_hints(tp, include_extras=True)
        return {
            _json_key(f): _minimal(hints[f.name])
            for f in attrs.fields(tp)
            if f.default is attrs.NOTHING
        }
    if origin is dict or tp is dict:
        return {}
    if origin is list or tp is list:
        return []
    if isinstance(tp, type) and issubclass(tp, OpenEnum):
        return next(iter(tp)).value
    if tp is datetime:
        return "2024-01-01T00:00:00Z"
    if tp is bool:
        return True
    if tp is int:
        return 1
    if tp is float:
        return 1.0
    return "x"


def _open_enum_fields() -> list[tuple[type[Any], attrs.Attribute[Any]]]:
    found = []
    for _, cls in inspect.getmembers(models, inspect.isclass):
        if not attrs.has(cls):
            continue
        hints = typing.get_type_hints(cls, include_extras=True)
        for field in attrs.fields(cls):
            args = _args(hints[field.name])
            if str in args and any(isinstance(a, type) and issubclass(a, OpenEnum) for a in args):
                found.append((cls, field))
    return found


FIELDS = _open_enum_fields()


def test_the_models_have_open_enum_fields() -> None:
    names = {f"{cls.__name__}.{field.name}" for cls, field in FIELDS}
    for expected in (
        "Identity.state",
        "VerifiableIdentityAddress.via",
        "RecoveryIdentityAddress.via",
        "IdentityCredentials.type",
        "Session.authenticator_assurance_level",
        "SessionAuthenticationMethod.method",
        "SessionAuthenticationMethod.aal",
    ):
        assert expected in names


@pytest.mark.parametrize(
    ("cls", "field"), FIELDS, ids=[f"{c.__name__}.{f.name}" for c, f in FIELDS]
)
def test_unknown_value_stays_a_str(cls: type[Any], field: attrs.Attribute[Any]) -> None:
    hints = typing.get_type_hints(cls, include_extras=True)
    payload = _minimal(cls)
    payload[_json_key(field)] = NEW_VALUE
    decoded = structure(payload, cls)
    value = getattr(decoded, field.name)
    assert value == NEW_VALUE
    assert type(value) is str
    enum_cls = next(
        a for a in _args(hints[field.name]) if isinstance(a, type) and issubclass(a, OpenEnum)
    )
    known = next(iter(enum_cls))
    payload[_json_key(field)] = known.value
    assert getattr(structure(payload, cls), field.name) is known
