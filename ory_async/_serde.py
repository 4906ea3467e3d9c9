"""The one cattrs converter that turns JSON bytes into models and models into JSON bytes.

Rules it enforces for every model:

* unknown keys are ignored (a strict converter that forbids them exists for tests);
* datetimes accept Go's RFC 3339 with up to nine fractional digits and ``Z``, and are
  always timezone-aware (a value without an offset is UTC);
* list fields the server omits or sends as ``null`` become ``[]``;
* JSON objects typed ``dict[str, Any]`` (traits, metadata, configs) are kept as parsed;
* an *open enum* field (``SomeEnum | str``) gives the enum member for a known value and
  the plain ``str`` for one the client does not know yet;
* request fields left at :data:`UNSET` are left out of the body, so "not set" and an
  explicit ``None`` (JSON ``null``) stay different;
* a field whose JSON key is not a usable Python name (``class``, ``async``, camelCase keys)
  carries its key in its metadata (``attrs.field(metadata=json_key("class"))``);
* a union typed ``Annotated[A | B | ..., TaggedUnion(...)]`` is decoded by the value of one
  key (e.g. ``node_type``); a value no variant claims becomes the union's fallback class,
  which keeps the raw object.

The rules live here, in :func:`_build`, so the fast converter and the detailed ones used
for error messages and strict checks always agree; model modules only describe their
types and never register hooks.

:func:`decode` first tries the mirror path of :mod:`ory_async._mirror` (msgspec, for the
models without tagged unions or field hooks), which follows the same rules; whatever it
refuses comes here, so the converter stays the judge of every body that is not plain.
"""

from __future__ import annotations

import math
import re
import typing
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Annotated, Any, Final, TypeVar, get_args, get_origin

import attrs
import cattrs
import orjson
from cattrs.cols import list_structure_factory
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.preconf.orjson import make_converter

from ._fastgen import is_plain_attrs_class, make_structure_fn
from ._markers import (
    JSON_KEY,
    UNSET,
    OpenEnum,
    TaggedUnion,
    Unset,
    json_key,
    open_enum_of,
    union_args,
)
from ._mirror import FALLBACK_ERRORS, mirror_decoder
from .errors import DecodeError, InvalidBodyError

__all__ = [
    "UNSET",
    "OpenEnum",
    "TaggedUnion",
    "Unset",
    "converter",
    "decode",
    "encode",
    "json_key",
    "structure",
    "unstructure",
]

T = TypeVar("T")


def _tagged_union_of(tp: Any) -> TaggedUnion | None:
    if get_origin(tp) is not Annotated:
        return None
    return next((m for m in tp.__metadata__ if isinstance(m, TaggedUnion)), None)


def _renamed_fields(tp: Any) -> dict[str, str]:
    if not (isinstance(tp, type) and attrs.has(tp)):
        return {}
    return {f.name: f.metadata[JSON_KEY] for f in attrs.fields(tp) if JSON_KEY in f.metadata}


def _make_open_enum_hook(tp: Any) -> Callable[[Any, Any], Any]:
    enum_cls = open_enum_of(tp)
    assert enum_cls is not None
    members: dict[str, OpenEnum] = {m.value: m for m in enum_cls}
    nullable = type(None) in get_args(tp)

    def structure_open_enum(value: Any, _: Any) -> Any:
        if isinstance(value, str):
            return members.get(value, value)
        if value is None and nullable:
            return None
        msg = f"expected a string for {enum_cls.__name__}, got {type(value).__name__}"
        raise TypeError(msg)

    return structure_open_enum


def _structure_datetime(value: Any, _: Any) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        parsed = datetime.fromisoformat(value)
    else:
        msg = f"expected an RFC 3339 timestamp string, got {type(value).__name__}"
        raise TypeError(msg)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _structure_str(value: Any, _: Any) -> str:
    if isinstance(value, str):
        return value
    msg = f"expected a string, got {type(value).__name__}"
    raise TypeError(msg)


def _structure_bool(value: Any, _: Any) -> bool:
    if isinstance(value, bool):
        return value
    msg = f"expected true or false, got {type(value).__name__}"
    raise TypeError(msg)


def _structure_int(value: Any, _: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    msg = f"expected an integer, got {type(value).__name__}"
    raise TypeError(msg)


def _structure_float(value: Any, _: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    msg = f"expected a number, got {type(value).__name__}"
    raise TypeError(msg)


def _is_json_object(tp: Any) -> bool:
    return get_origin(tp) is dict and get_args(tp) == (str, Any)


def _structure_json_object(value: Any, _: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    msg = f"expected a JSON object, got {type(value).__name__}"
    raise TypeError(msg)


def _is_list(tp: Any) -> bool:
    return get_origin(tp) is list


def _has_unset(tp: Any) -> bool:
    args = union_args(tp)
    return bool(args) and Unset in args  # type: ignore[operator]


def _build(*, strict: bool, detailed: bool, generated: bool = True) -> cattrs.Converter:
    conv = make_converter(
        omit_if_default=True, forbid_extra_keys=strict, detailed_validation=detailed
    )
    # cattrs would coerce ("false" -> True, 1 -> "1"); a wrong JSON type is a DecodeError.
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(float, _structure_float)
    conv.register_structure_hook(datetime, _structure_datetime)
    conv.register_structure_hook_func(_is_json_object, _structure_json_object)
    conv.register_structure_hook_factory(
        lambda t: open_enum_of(t) is not None, _make_open_enum_hook
    )

    def list_or_null(tp: Any) -> Callable[[Any, Any], Any]:
        # The server leaves out (or nulls) lists it has nothing for; both mean [].
        if detailed:
            base = list_structure_factory(tp, conv)

            def structure_list_detailed(value: Any, t: Any) -> list[Any]:
                if value is None:
                    return []
                if not isinstance(value, list):
                    msg = f"expected a JSON array, got {type(value).__name__}"
                    raise TypeError(msg)
                result: list[Any] = base(value, t)
                return result

            return structure_list_detailed
        (item_type,) = get_args(tp) or (Any,)
        item_hook = conv.get_structure_hook(item_type)

        def structure_list(value: Any, _: Any) -> list[Any]:
            if value is None:
                return []
            if not isinstance(value, list):
                msg = f"expected a JSON array, got {type(value).__name__}"
                raise TypeError(msg)
            return [item_hook(v, item_type) for v in value]

        return structure_list

    conv.register_structure_hook_factory(_is_list, list_or_null)

    def without_unset(tp: Any) -> Callable[[Any, Any], Any]:
        rest = tuple(a for a in get_args(tp) if a is not Unset)
        inner_type = rest[0] if len(rest) == 1 else typing.Union[rest]  # noqa: UP007
        hook = conv.get_structure_hook(inner_type)
        return lambda value, _: hook(value, inner_type)

    conv.register_structure_hook_factory(_has_unset, without_unset)

    def renamed_structure(tp: Any) -> Callable[[Any, Any], Any]:
        names: dict[str, Any] = {n: override(rename=k) for n, k in _renamed_fields(tp).items()}
        return make_dict_structure_fn(tp, conv, **names)

    def renamed_unstructure(tp: Any) -> Callable[[Any], Any]:
        names: dict[str, Any] = {n: override(rename=k) for n, k in _renamed_fields(tp).items()}
        return make_dict_unstructure_fn(
            tp, conv, _cattrs_omit_if_default=conv.omit_if_default, **names
        )

    conv.register_structure_hook_factory(lambda t: bool(_renamed_fields(t)), renamed_structure)
    conv.register_unstructure_hook_factory(lambda t: bool(_renamed_fields(t)), renamed_unstructure)

    def tagged_structure(tp: Any) -> Callable[[Any, Any], Any]:
        union = _tagged_union_of(tp)
        assert union is not None
        hooks = {tag: (cls, conv.get_structure_hook(cls)) for tag, cls in union.variants.items()}

        def structure_tagged(value: Any, _: Any) -> Any:
            if not isinstance(value, dict):
                msg = f"expected a JSON object, got {type(value).__name__}"
                raise TypeError(msg)
            tag = value.get(union.tag)
            found = hooks.get(tag) if isinstance(tag, str) else None
            if found is None:
                kind = tag if isinstance(tag, str) else ""
                return union.fallback(**{union.tag: kind, "raw": value})
            variant, hook = found
            return hook(value, variant)

        return structure_tagged

    def tagged_unstructure(tp: Any) -> Callable[[Any], Any]:
        union = _tagged_union_of(tp)
        assert union is not None
        tags = {cls: tag for tag, cls in union.variants.items()}

        def unstructure_tagged(value: Any) -> Any:
            if isinstance(value, union.fallback):
                return dict(value.raw)
            data = conv.unstructure(value, unstructure_as=value.__class__)
            if isinstance(data, dict) and value.__class__ in tags:
                data.setdefault(union.tag, tags[value.__class__])
            return data

        return unstructure_tagged

    conv.register_structure_hook_factory(
        lambda t: _tagged_union_of(t) is not None, tagged_structure
    )
    conv.register_unstructure_hook_factory(
        lambda t: _tagged_union_of(t) is not None, tagged_unstructure
    )
    if generated and not detailed:
        # The fast path: one generated function per model (see _fastgen); the detailed
        # converters keep cattrs' own, which name the failing field.
        primitives: dict[Any, Callable[[Any, Any], Any]] = {
            str: _structure_str,
            bool: _structure_bool,
            int: _structure_int,
            datetime: _structure_datetime,
            dict[str, Any]: _structure_json_object,
        }
        conv.register_structure_hook_factory(
            is_plain_attrs_class, lambda t: make_structure_fn(t, conv, primitives)
        )
    return conv


converter: Final = _build(strict=False, detailed=False)
"""The converter every request and response goes through."""


@cache
def _detailed_converter(strict: bool) -> cattrs.Converter:
    return _build(strict=strict, detailed=True)


def structure(data: Any, target: type[T], *, strict: bool = False) -> T:
    """Turn parsed JSON into ``target`` (fast path; raises whatever cattrs raises)."""
    conv = _detailed_converter(True) if strict else converter
    result: T = conv.structure(data, target)
    return result


def unstructure(value: Any) -> Any:
    """Turn a model into JSON-ready Python data, leaving out unset request fields."""
    return converter.unstructure(value)


def encode(value: Any) -> bytes:
    """JSON bytes for a model or plain data (datetimes as RFC 3339).

    Raises:
        InvalidBodyError: the body cannot be JSON (a lone surrogate, an integer beyond
            64 bits, NaN or infinity, nesting too deep); nothing is sent.
    """
    data = converter.unstructure(value)
    try:
        encoded = orjson.dumps(data, option=orjson.OPT_UTC_Z)
    except TypeError as exc:
        msg = f"The request body cannot be encoded as JSON: {exc}"
        raise InvalidBodyError(msg) from None
    # orjson writes NaN and infinity as null; JSON has no such numbers, and a null in
    # their place would be stored as if it had been meant.
    if b"null" in encoded and _non_finite(data):
        msg = "The request body cannot be encoded as JSON: it holds NaN or infinity"
        raise InvalidBodyError(msg)
    return encoded


def _non_finite(data: Any) -> bool:
    """Whether ``data`` (JSON-ready) holds a float that is NaN or infinite."""
    todo = [data]
    while todo:
        item = todo.pop()
        if isinstance(item, float):
            if not math.isfinite(item):
                return True
        elif isinstance(item, dict):
            todo.extend(item.values())
        elif isinstance(item, list | tuple):
            todo.extend(item)
    return False


def _type_name(target: Any) -> str:
    if get_origin(target) is None and hasattr(target, "__name__"):
        return str(target.__name__)
    return re.sub(r"\b(?:\w+\.)+(\w+)", r"\1", str(target))


def _locate(data: Any, target: Any, strict: bool) -> tuple[str | None, str]:
    """Re-run structuring with detailed validation to find the bad field and why."""
    try:
        _detailed_converter(strict).structure(data, target)
    except Exception as exc:
        messages = cattrs.transform_error(exc)
        if messages:
            first = messages[0]
            text, _, where = first.rpartition(" @ ")
            return (where or None), (text or first)
        return None, str(exc)
    return None, "unknown decoding failure"


@cache
def _list_item(target: Any) -> Any:
    """The item type of ``list[X]`` (``None`` for any other target)."""
    if get_origin(target) is not list:
        return None
    args = get_args(target)
    return args[0] if args else Any


def _structure_consuming(data: list[Any], item: Any) -> list[Any]:
    """``converter.structure(data, list[item])``, dropping each parsed item once done.

    The parsed page is garbage as soon as its items are models; letting it go item by
    item keeps the peak memory of a page to about one copy and spares the cyclic
    garbage collector most of its passes over the half-converted page.
    """
    hook = converter.get_structure_hook(item)
    result: list[Any] = []
    append = result.append
    for index, value in enumerate(data):
        append(hook(value, item))
        data[index] = None
    return result


def decode(body: bytes, target: type[T], *, context: str = "", strict: bool = False) -> T:
    """Parse JSON ``body`` into ``target``.

    Raises:
        DecodeError: the body is not JSON, is nested too deeply to read, or does not fit
            ``target``; it names the path of the offending field and keeps the raw body.
    """
    try:
        return _decode(body, target, context=context, strict=strict)
    except RecursionError:
        where = f" of {context}" if context else ""
        msg = f"The response body{where} is nested too deeply to read as {_type_name(target)}"
        raise DecodeError(msg, body=body, field=None, target=_type_name(target)) from None


def _decode(body: bytes, target: type[T], *, context: str, strict: bool) -> T:
    fast = None if strict else mirror_decoder(target)  # type: ignore[arg-type]
    if fast is not None:
        try:
            result: T = fast(body)
        except FALLBACK_ERRORS:
            pass  # the converter decides, and names the field if it fails too
        else:
            return result
    where = f" of {context}" if context else ""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        msg = f"The response body{where} is not valid JSON ({exc}); expected {_type_name(target)}"
        raise DecodeError(msg, body=body, field=None, target=_type_name(target)) from None
    item = None if strict or data.__class__ is not list else _list_item(target)  # type: ignore[arg-type]
    try:
        if item is not None:
            return _structure_consuming(data, item)  # type: ignore[return-value]
        return structure(data, target, strict=strict)
    except Exception:
        if item is not None:
            data = orjson.loads(body)  # the failed attempt consumed the parsed list
        field, why = _locate(data, target, strict)
    location = f" at {field}" if field else ""
    msg = f"The response body{where} does not fit {_type_name(target)}{location}: {why}"
    raise DecodeError(msg, body=body, field=field, target=_type_name(target))
