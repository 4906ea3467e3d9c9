"""The value rules of decoding, each written once.

Every rule is a function of the parsed JSON value that returns the model's value or
raises ``TypeError``/``ValueError`` for a value the rule refuses. The converter
(:mod:`ory_async._serde`) registers them as its hooks (they take cattrs' second
argument and ignore it) and the generated structure functions (:mod:`ory_async._fastgen`)
call them, so both paths follow the same rules by construction:

* :func:`string`, :func:`boolean`, :func:`integer`, :func:`number`: the JSON type must
  match (no ``"false"`` -> ``True`` or ``1`` -> ``"1"`` coercion);
* :func:`json_object`: a JSON object typed ``dict[str, Any]`` is kept as parsed;
* :func:`timestamp`: RFC 3339 as Go writes it, up to nine fractional digits and ``Z``;
  a value without an offset is UTC;
* :func:`array`: a list the server sends as ``null`` (or leaves out) is ``[]``;
* :func:`open_enum`: a known value gives the enum member, any other string stays ``str``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, get_args

from ._markers import open_enum_of

__all__ = [
    "array",
    "boolean",
    "integer",
    "json_object",
    "number",
    "open_enum",
    "string",
    "timestamp",
]

_fromiso = datetime.fromisoformat


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


def timestamp(value: Any, _: Any = None) -> datetime:
    """An RFC 3339 timestamp (or a datetime), always timezone-aware: no offset means UTC."""
    if isinstance(value, str):
        parsed = _fromiso(value)
    elif isinstance(value, datetime):
        parsed = value
    else:
        raise _refuse("an RFC 3339 timestamp string", value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def array(value: Any, _: Any = None) -> list[Any]:
    """A JSON array, whose items the caller converts; ``null`` is the empty list."""
    if isinstance(value, list):
        return value
    if value is None:
        return []
    raise _refuse("a JSON array", value)


def open_enum(tp: Any) -> Callable[[Any, Any], Any]:
    """The rule of open-enum type ``tp`` (``SomeOpenEnum | str``, optionally ``| None``)."""
    enum_cls = open_enum_of(tp)
    if enum_cls is None:
        raise TypeError(f"{tp!r} is not an open enum")
    members: dict[str, Any] = {m.value: m for m in enum_cls}
    lookup = members.get
    nullable = type(None) in get_args(tp)

    def known_or_str(value: Any, _: Any = None) -> Any:
        if isinstance(value, str):
            return lookup(value, value)
        if value is None and nullable:
            return None
        raise _refuse(f"a string for {enum_cls.__name__}", value)

    return known_or_str
