from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import orjson
import pytest

from ory_async import UNSET, DecodeError, OpenEnum, Unset
from ory_async._serde import decode, encode


class Color(OpenEnum):
    RED = "red"
    BLUE = "blue"


@attrs.frozen(kw_only=True)
class Item:
    id: str
    count: int | None = None
    flag: bool | None = None


@attrs.frozen(kw_only=True)
class Thing:
    id: str
    color: Color | str | None = None
    at: datetime | None = None
    data: dict[str, Any] | None = None
    items: list[Item] = attrs.field(factory=list)


@attrs.frozen(kw_only=True)
class Body:
    name: str
    note: str | Unset | None = UNSET
    tags: list[str] | Unset = UNSET


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-08-26T09:20:26.153574123Z", datetime(2021, 8, 26, 9, 20, 26, 153574, tzinfo=UTC)),
        ("2021-08-26T09:20:26Z", datetime(2021, 8, 26, 9, 20, 26, tzinfo=UTC)),
        (
            "2021-08-26T09:20:26.5+02:00",
            datetime(2021, 8, 26, 9, 20, 26, 500000, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("0001-01-01T00:00:00Z", datetime(1, 1, 1, tzinfo=UTC)),
        ("2021-08-26T09:20:26", datetime(2021, 8, 26, 9, 20, 26, tzinfo=UTC)),
    ],
)
def test_datetimes(text: str, expected: datetime) -> None:
    thing = decode(orjson.dumps({"id": "x", "at": text}), Thing)
    assert thing.at == expected
    assert thing.at is not None
    assert thing.at.tzinfo is not None


def test_open_enum_keeps_unknown_values_as_str() -> None:
    known = decode(b'{"id": "x", "color": "red"}', Thing)
    assert known.color is Color.RED
    assert known.color == "red"  # type: ignore[comparison-overlap]
    unknown = decode(b'{"id": "x", "color": "ultraviolet"}', Thing)
    assert unknown.color == "ultraviolet"
    assert type(unknown.color) is str
    assert decode(b'{"id": "x", "color": null}', Thing).color is None


def test_unknown_keys_are_ignored_and_fail_in_strict_mode() -> None:
    body = b'{"id": "x", "brand_new_field": 1}'
    assert decode(body, Thing) == Thing(id="x")
    with pytest.raises(DecodeError, match="extra fields found \\(brand_new_field\\)") as info:
        decode(body, Thing, strict=True)
    assert info.value.field == "$"


def test_lists_omitted_or_null_are_empty() -> None:
    assert decode(b'{"id": "x"}', Thing).items == []
    assert decode(b'{"id": "x", "items": null}', Thing).items == []
    assert decode(b'{"id": "x", "items": [{"id": "i"}]}', Thing).items == [Item(id="i")]


def test_json_objects_are_kept_as_parsed() -> None:
    thing = decode(b'{"id": "x", "data": {"nested": {"a": [1, 2]}}}', Thing)
    assert thing.data == {"nested": {"a": [1, 2]}}


@pytest.mark.parametrize(
    ("body", "field", "why"),
    [
        (b'{"id": 5}', "$.id", "expected str"),
        (b'{"id": "x", "items": [{"id": "i", "count": "3"}]}', "$.items[0].count", "expected int"),
        (
            b'{"id": "x", "items": [{"id": "i", "flag": "false"}]}',
            "$.items[0].flag",
            "expected bool",
        ),
        (b'{"id": "x", "items": [{}]}', "$.items[0].id", "required field missing"),
        (b'{"id": "x", "data": []}', "$.data", "expected dict"),
        (b'{"id": "x", "at": "yesterday"}', "$.at", "expected datetime"),
        (b'{"id": "x", "items": {"a": 1}}', "$.items", "expected list"),
    ],
)
def test_wrong_types_name_the_field(body: bytes, field: str, why: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode(body, Thing, context="200 GET /things/x")
    err = info.value
    assert err.field == field
    assert err.body == body
    assert err.target == "Thing"
    assert why in str(err)
    assert f"at {field}" in str(err)
    assert "of 200 GET /things/x" in str(err)


def test_invalid_json_is_a_decode_error() -> None:
    with pytest.raises(DecodeError, match="is not valid JSON") as info:
        decode(b'{"id": "x"', Thing)
    assert info.value.field is None
    with pytest.raises(DecodeError, match="is not valid JSON"):
        decode(b"", Thing)


def test_top_level_list_target_name() -> None:
    with pytest.raises(DecodeError, match=r"does not fit list\[Thing\] at \$\[1\]\.id"):
        decode(b'[{"id": "a"}, {"id": 1}]', list[Thing])


def test_request_bodies_leave_out_unset_fields() -> None:
    assert orjson.loads(encode(Body(name="n"))) == {"name": "n"}
    assert orjson.loads(encode(Body(name="n", note=None))) == {"name": "n", "note": None}
    assert orjson.loads(encode(Body(name="n", tags=[]))) == {"name": "n", "tags": []}


def test_datetimes_encode_as_rfc3339_utc() -> None:
    at = datetime(2021, 8, 26, 9, 20, 26, 153574, tzinfo=UTC)
    assert orjson.loads(encode(Thing(id="x", at=at)))["at"] == "2021-08-26T09:20:26.153574Z"


def test_unset_is_falsy_and_reprs_plainly() -> None:
    assert not UNSET
    assert repr(UNSET) == "UNSET"
