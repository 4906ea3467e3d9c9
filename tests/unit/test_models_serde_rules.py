"""The converter rules the models rely on: renamed JSON keys and tagged unions.

Each runs through both converters (the fast one and the detailed one behind strict mode
and error messages), because a rule registered on one only would make them disagree.
"""

from __future__ import annotations

from typing import Annotated, Any

import attrs
import pytest

from ory_async import _serde
from ory_async._serde import TaggedUnion, json_key
from ory_async.errors import DecodeError


@attrs.frozen(kw_only=True, slots=True)
class Cat:
    kind: str = "cat"
    lives: int | None = None
    class_: str | None = attrs.field(default=None, metadata=json_key("class"))


@attrs.frozen(kw_only=True, slots=True)
class Dog:
    kind: str = "dog"
    good: bool | None = None


@attrs.frozen(kw_only=True, slots=True)
class Other:
    kind: str
    raw: dict[str, Any]


Pet = Annotated[
    Cat | Dog | Other,
    TaggedUnion(tag="kind", variants={"cat": Cat, "dog": Dog}, fallback=Other),
]


@attrs.frozen(kw_only=True, slots=True)
class Home:
    pet: Pet
    pets: list[Pet] = attrs.field(factory=list)


@pytest.mark.parametrize("strict", [False, True])
def test_tagged_union_and_rename_in_both_converters(strict: bool) -> None:
    data = {
        "pet": {"kind": "cat", "lives": 9, "class": "tabby"},
        "pets": [{"kind": "dog", "good": True}, {"kind": "fish", "fins": 2}],
    }
    home = _serde.structure(data, Home, strict=strict)
    assert home == Home(
        pet=Cat(lives=9, class_="tabby"),
        pets=[Dog(good=True), Other(kind="fish", raw={"kind": "fish", "fins": 2})],
    )
    assert _serde.unstructure(home) == data


def test_detailed_converter_reports_the_path_inside_a_variant() -> None:
    with pytest.raises(DecodeError) as info:
        _serde.decode(b'{"pet": {"kind": "cat", "lives": "nine"}}', Home)
    assert "lives" in str(info.value)


def test_renamed_field_with_unset_default_is_left_out() -> None:
    @attrs.frozen(kw_only=True, slots=True)
    class Body:
        from_: str | _serde.Unset = attrs.field(default=_serde.UNSET, metadata=json_key("from"))

    assert _serde.unstructure(Body()) == {}
    assert _serde.unstructure(Body(from_="/a")) == {"from": "/a"}
    assert _serde.structure({"from": "/a"}, Body, strict=True) == Body(from_="/a")
