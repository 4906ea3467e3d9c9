"""The markers models are written with, and the type checks the converter reads them by.

Models, the converter (:mod:`ory_async._serde`) and its fast path
(:mod:`ory_async._fastgen`) all import this module, and it imports none of them.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Mapping
from typing import Any, Final, get_args, get_origin

import attrs

__all__ = [
    "JSON_KEY",
    "UNSET",
    "OpenEnum",
    "TaggedUnion",
    "Unset",
    "json_key",
    "open_enum_of",
    "split_none",
    "union_args",
]


class Unset(enum.Enum):
    """The type of :data:`UNSET`: a request field the caller did not set."""

    UNSET = "UNSET"

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET
"""Marks a request field as not set: it is left out of the JSON body."""


class OpenEnum(enum.StrEnum):
    """Base of the enums whose set of values the server may extend.

    A field typed ``SomeOpenEnum | str`` decodes a known value to its member and any
    other string to that plain ``str``, so a new server value never breaks decoding.
    Members are ``str`` and compare equal to their values.
    """


JSON_KEY: Final = "ory_async.json_key"
"""The field metadata key under which :func:`json_key` stores a field's JSON key."""


def json_key(key: str) -> dict[str, str]:
    """Field metadata naming the JSON key of a field whose Python name differs from it."""
    return {JSON_KEY: key}


@attrs.frozen(eq=False)
class TaggedUnion:
    """``Annotated`` metadata: decode a union of attrs classes by the value of one key.

    ``variants`` maps each known value of ``tag`` to its class. Any other value (or a
    missing key) gives ``fallback(**{tag: value, "raw": data})``; that fallback object
    encodes back to ``raw``, so nothing the server sent is lost. Encoding a known variant
    always writes ``tag``, even where the variant's own field would be left out as default.
    """

    tag: str
    variants: Mapping[str, type[Any]]
    fallback: type[Any]


def union_args(tp: Any) -> tuple[Any, ...] | None:
    """The members of a union type (``None`` when ``tp`` is not a union)."""
    origin = get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return get_args(tp)
    return None


def split_none(tp: Any) -> tuple[Any, bool]:
    """``(tp without None, whether None was allowed)``."""
    args = union_args(tp)
    if args is not None and type(None) in args:
        rest = tuple(a for a in args if a is not type(None))
        inner = rest[0] if len(rest) == 1 else typing.Union[rest]  # noqa: UP007
        return inner, True
    return tp, False


def open_enum_of(tp: Any) -> type[OpenEnum] | None:
    """The enum of an open-enum type (``SomeOpenEnum | str``, optionally ``| None``)."""
    args = union_args(tp)
    if not args or str not in args:
        return None
    enums = [a for a in args if isinstance(a, type) and issubclass(a, OpenEnum)]
    rest = [a for a in args if a is not str and a is not type(None) and a not in enums]
    if len(enums) != 1 or rest:
        return None
    return enums[0]
