"""The generated structure functions give exactly what cattrs' own would give."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import orjson
import pytest

from ory_async import _serde
from ory_async.errors import DecodeError
from ory_async.models import (
    Identity,
    IdentityState,
    RecoveryIdentityAddress,
    Session,
    VerifiableIdentityAddress,
)
from tests.kit.documents import IDENTITY, SESSION
from tests.kit.fixture_table import FIXTURES, RESPONSE_SHAPED, fixture_body

PLAIN = _serde._build(strict=False, detailed=False, generated=False)


def _same(data: Any, target: Any) -> None:
    fast = _serde.converter.structure(data, target)
    plain = PLAIN.structure(data, target)
    assert fast == plain
    assert repr(fast) == repr(plain)  # also tells enum members from plain strings


def _fixture_names() -> list[str]:
    return sorted(RESPONSE_SHAPED) if FIXTURES.is_dir() else []


@pytest.mark.parametrize("name", _fixture_names())
def test_every_fixture_structures_as_cattrs_does(name: str) -> None:
    model, _ = RESPONSE_SHAPED[name]
    _same(orjson.loads(fixture_body(FIXTURES, name)), model)


def test_identity_edge_cases() -> None:
    _same(IDENTITY, Identity)
    _same([IDENTITY, {"id": "x", "schema_id": "s", "traits": {}}], list[Identity])


def test_python_values_of_subclasses_are_accepted_as_before() -> None:
    moment = datetime(2024, 1, 2, tzinfo=UTC)
    naive = datetime(2024, 1, 2)
    data = {**IDENTITY, "state": IdentityState.INACTIVE, "created_at": moment, "updated_at": naive}
    _same(data, Identity)
    assert _serde.converter.structure(data, Identity).updated_at == moment


def test_sessions_with_embedded_identities() -> None:
    _same(SESSION, Session)
    _same([SESSION, {**SESSION, "identity": None, "devices": [{"id": "d"}]}], list[Session])


@pytest.mark.parametrize(
    ("data", "target"),
    [
        ({"value": 1}, VerifiableIdentityAddress),
        ({"value": "v", "verified": "true"}, VerifiableIdentityAddress),
        ({"value": "v", "via": 3}, VerifiableIdentityAddress),
        ({"value": "v", "created_at": 12}, RecoveryIdentityAddress),
        ({"value": "v", "created_at": "yesterday"}, RecoveryIdentityAddress),
        ({**IDENTITY, "recovery_addresses": {"not": "a list"}}, Identity),
        ({**IDENTITY, "traits": []}, Identity),
        ({**IDENTITY, "verifiable_addresses": ["x"]}, Identity),
        ({"schema_id": "s", "traits": {}}, Identity),
    ],
)
def test_bad_values_fail_on_both_paths(data: dict[str, Any], target: Any) -> None:
    with pytest.raises(Exception):  # noqa: B017, PT011 - the fast path raises what cattrs raises
        PLAIN.structure(data, target)
    with pytest.raises(Exception):  # noqa: B017, PT011
        _serde.converter.structure(data, target)
    with pytest.raises(DecodeError):
        _serde.decode(orjson.dumps(data), target)


def test_a_failed_page_decode_still_names_the_field() -> None:
    page = [IDENTITY, {**IDENTITY, "id": 5}]
    with pytest.raises(DecodeError, match=r"\$\[1\]\.id"):
        _serde.decode(orjson.dumps(page), list[Identity])


def test_generated_source_is_readable_in_tracebacks() -> None:
    hook = _serde.converter.get_structure_hook(Identity)
    assert Path(hook.__code__.co_filename).name.startswith("<ory_async generated")


def _models_in(value: Any) -> list[Any]:
    """Every attrs instance in ``value``, nested ones included."""
    found: list[Any] = []
    if isinstance(value, list | tuple):
        for item in value:
            found += _models_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            found += _models_in(item)
    elif attrs.has(type(value)):
        found.append(value)
        for field in attrs.fields(type(value)):
            found += _models_in(getattr(value, field.name))
    return found


def test_models_come_out_as_their_frozen_class() -> None:
    session = {
        "id": "s1",
        "identity": IDENTITY,
        "authentication_methods": [{"method": "password", "aal": "aal1"}],
        "devices": [{"id": "d", "location": "here"}],
    }
    decoded = _serde.decode(orjson.dumps([session]), list[Session])
    models = _models_in(decoded)
    assert len(models) >= 6
    for model in models:
        # Filled as a mutable twin, returned as the model itself: same class, frozen.
        assert "<filling>" not in type(model).__qualname__
        setter: Any = type(model).__setattr__
        assert setter is not object.__setattr__
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            model.id = "changed"
    identity = decoded[0].identity
    assert type(identity) is Identity
    assert identity == PLAIN.structure(IDENTITY, Identity)
    assert hash(identity.verifiable_addresses[0]) == hash(
        PLAIN.structure(IDENTITY["verifiable_addresses"][0], VerifiableIdentityAddress)
    )
