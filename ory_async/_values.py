"""The value rules of decoding, each written once.

Every rule is a function of the parsed JSON value that returns the model's value or
raises ``TypeError``/``ValueError`` for a value the rule refuses. The converter
(:mod:`ory_async._serde`) registers them as its hooks (they take cattrs' second
argument and ignore it) and the generated structure functions (:mod:`ory_async._fastgen`)
call them, so both paths follow the same rules by construction:

* :func:`string`, :func:`boolean`, :func:`integer`, :func:`number`: the JSON type must
  match (no ``"false"`` -> ``True`` or ``1`` -> ``"1"`` coercion);
* :func:`json_object`: a JSON object typed ``dict[str, Any]`` is kept as parsed;
* :func:`timestamp`: RFC 3339 as Go writes it (:data:`parse_timestamp`: up to nine
  fractional digits and ``Z``), always timezone-aware (:func:`as_utc`: a value without
  an offset is UTC);
* :func:`array`: a list the server sends as ``null`` (or leaves out) is ``[]``;
* :class:`OpenEnumValues`: a known value gives the enum member, any other string stays
  ``str``.

The generated functions may test a value's class inline to skip a call that would
return the value unchanged (a ``str`` for :func:`string`, a ``list`` for :func:`array`,
an aware datetime for :func:`as_utc`), never to change a value on their own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final, get_args

from ._markers import open_enum_of

__all__ = [
    "OpenEnumValues",
    "array",
    "as_utc",
    "boolean",
    "integer",
    "json_object",
    "number",
    "parse_timestamp",
    "string",
    "timestamp",
]


def _refuse(expected: str, value: Any) -> TypeError:
    return TypeError(f"expected {expected}, got {type(value).__name__}")


def string(value: Any, _: Any = None) -> str:
    """A JSON string."""
    if isinstance(value, str):
        return value
    raise _refuse("a string", value)


def boolean(value: Any, _: Any = None) -> bool:
    """A JSON ``true`` or ``false``."""
    if isinstance(value, bool):
        return value
    raise _refuse("true or false", value)


def integer(value: Any, _: Any = None) -> int:
    """A JSON integer (a boolean is not one)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _refuse("an integer", value)


def number(value: Any, _: Any = None) -> float:
    """A JSON number, as a ``float``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise _refuse("a number", value)


def json_object(value: Any, _: Any = None) -> dict[str, Any]:
    """A JSON object, kept as parsed."""
    if isinstance(value, dict):
        return value
    raise _refuse("a JSON object", value)


parse_timestamp: Final = datetime.fromisoformat
"""RFC 3339 text to a datetime: Python's parser reads Go's nine fractional digits and ``Z``."""


def as_utc(moment: datetime) -> datetime:
    """``moment``, read as UTC when it has no offset."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def timestamp(value: Any, _: Any = None) -> datetime:
    """An RFC 3339 timestamp (or a datetime), always timezone-aware."""
    if isinstance(value, str):
        return as_utc(parse_timestamp(value))
    if isinstance(value, datetime):
        return as_utc(value)
    raise _refuse("an RFC 3339 timestamp string", value)


def array(value: Any, _: Any = None) -> list[Any]:
    """A JSON array, whose items the caller converts; ``null`` is the empty list."""
    if isinstance(value, list):
        return value
    if value is None:
        return []
    raise _refuse("a JSON array", value)


class OpenEnumValues(dict[str, Any]):
    """The rule of one open-enum type (``SomeOpenEnum | str``, optionally ``| None``).

    Indexing with a string gives its member, or the string itself for a value the enum
    does not know; calling it judges any parsed value (cattrs' hook signature).
    """

    def __init__(self, tp: Any) -> None:
        enum_cls = open_enum_of(tp)
        if enum_cls is None:
            raise TypeError(f"{tp!r} is not an open enum")
        super().__init__((m.value, m) for m in enum_cls)
        self.name = enum_cls.__name__
        self.nullable = type(None) in get_args(tp)

    def __missing__(self, value: str) -> str:
        return value

    def __call__(self, value: Any, _: Any = None) -> Any:
        if isinstance(value, str):
            return self[value]
        if value is None and self.nullable:
            return None
        raise _refuse(f"a string for {self.name}", value)
