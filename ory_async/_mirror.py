"""The fastest decode path: msgspec parses a body into mirror structs, which become models.

For a model whose whole type tree is plain (see :func:`mirror_decoder`) this module
builds, once per model class,

* a *mirror*: a ``msgspec.Struct`` with the model's JSON keys, where every open enum and
  every timestamp is a plain ``str`` (msgspec cannot express ``SomeEnum | str``, and
  parsing timestamps here keeps Python's own ``fromisoformat`` rules), and
* a generated function that turns a mirror into the model the converter would have
  built: the same open-enum members, the same timezone-aware datetimes, ``[]`` for
  lists the server left out or sent as ``null``.

msgspec checks every JSON type while it parses, in C, without building the
intermediate dicts ``orjson.loads`` would; the mirrors are not tracked by the cyclic
garbage collector (a parsed document cannot hold a cycle). Whatever msgspec refuses,
or a timestamp ``fromisoformat`` refuses, is decoded again by the converter
(:func:`ory_async._serde.decode` does that), which accepts or rejects it exactly as
before and names the offending field. A differential test checks that both paths give
the same models for every fixture and for documents drawn from the spec.
"""

from __future__ import annotations

import linecache
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any, Final, get_args, get_origin

import attrs
import msgspec

from ._fastgen import can_fill_slots, is_plain_attrs_class, mutable_twin
from ._markers import JSON_KEY, open_enum_of, split_none

__all__ = ["FALLBACK_ERRORS", "mirror_decoder"]

FALLBACK_ERRORS: Final = (msgspec.DecodeError, ValueError)
"""What the mirror path raises for a body the converter must judge instead."""

Decoder = Callable[[bytes], Any]


class _NotPlain(Exception):
    """A type this module does not mirror (the converter handles the whole model)."""


_SCALARS: Final[frozenset[Any]] = frozenset({str, bool, int})


class _Builder:
    """Mirrors and conversion functions of the classes of one type tree."""

    def __init__(self) -> None:
        self.mirrors: dict[type, type[msgspec.Struct]] = {}
        self.converters: dict[type, Callable[[Any], Any]] = {}
        self.building: set[type] = set()

    def model(self, cls: type) -> tuple[type[msgspec.Struct], Callable[[Any], Any]]:
        """The mirror of attrs class ``cls`` and the function that turns one into ``cls``."""
        if cls in self.mirrors:
            return self.mirrors[cls], self.converters[cls]
        if cls in self.building or not is_plain_attrs_class(cls):
            raise _NotPlain(cls)  # recursive models go the usual way
        attrs.resolve_types(cls)
        if not can_fill_slots(cls):
            raise _NotPlain(cls)  # so do models with validators, converters or init hooks
        self.building.add(cls)
        try:
            fields: list[tuple[str, Any, Any]] = []
            renames: dict[str, str] = {}
            writer = _Writer(cls)
            for field in attrs.fields(cls):
                inner, nullable = split_none(field.type)
                mirror_type, convert = self._field(inner if nullable else field.type)
                lists = get_origin(inner) is list
                if nullable or lists:
                    mirror_type = mirror_type | None
                if field.default is attrs.NOTHING:
                    fields.append((field.name, mirror_type, msgspec.NODEFAULT))
                else:  # None, or [] (can_fill_slots allows no other default)
                    fields.append((field.name, mirror_type, None))
                key = field.metadata.get(JSON_KEY)
                if key is not None:
                    renames[field.name] = key
                writer.field(field.name, convert, empty_list=lists and not nullable)
            mirror = msgspec.defstruct(
                f"{cls.__name__}Mirror",
                fields,
                kw_only=True,
                gc=False,
                rename=renames or None,
                module=__name__,
            )
            self.mirrors[cls] = mirror
            self.converters[cls] = converter = writer.compile()
            return mirror, converter
        finally:
            self.building.discard(cls)

    def _field(self, tp: Any) -> tuple[Any, str | tuple[str, Any] | None]:
        """The mirror type of field type ``tp`` and how its value becomes the model's.

        The second item is ``None`` (kept as parsed), ``"datetime"``, or a pair of a kind
        (``"enum"``, ``"model"``, ``"models"``, ``"model-dict"``) and its object.
        """
        if tp in _SCALARS or tp is Any:
            return tp, None
        if tp is datetime:
            return str, "datetime"
        members = _open_enum_members(tp)
        if members is not None:
            return str, ("enum", members)
        origin, args = get_origin(tp), get_args(tp)
        if origin is dict and args == (str, Any):
            return dict[str, Any], None
        if origin is list and args == (str,):
            return list[str], None
        if origin is list and len(args) == 1 and isinstance(args[0], type):
            mirror, convert = self.model(args[0])
            return list[mirror], ("models", convert)  # type: ignore[valid-type]
        if origin is dict and len(args) == 2 and args[0] is str and isinstance(args[1], type):
            mirror, convert = self.model(args[1])
            return dict[str, mirror], ("model-dict", convert)  # type: ignore[valid-type]
        if isinstance(tp, type):
            mirror, convert = self.model(tp)
            return mirror, ("model", convert)
        raise _NotPlain(tp)


_BUILDER: Final = _Builder()
"""One mirror and one function per model class, shared by every target that holds it."""
_BUILDING: Final = threading.Lock()


def _open_enum_members(tp: Any) -> dict[str, Any] | None:
    enum_cls = open_enum_of(tp)
    return None if enum_cls is None else {m.value: m for m in enum_cls}


class _Writer:
    """The source of one mirror-to-model function."""

    def __init__(self, cls: type) -> None:
        self.cls = cls
        self.names: dict[str, Any] = {
            "_new": object.__new__,
            "_twin": mutable_twin(cls),
            "_cls": cls,
            "_fromiso": datetime.fromisoformat,
            "_UTC": UTC,
        }
        self.lines = [f"def to_{cls.__name__}(s):", "    o = _new(_twin)"]

    def _ref(self, obj: Any) -> str:
        name = f"_r{len(self.names)}"
        self.names[name] = obj
        return name

    def field(self, name: str, convert: str | tuple[str, Any] | None, *, empty_list: bool) -> None:
        add = self.lines.append
        if convert is None and not empty_list:
            add(f"    o.{name} = s.{name}")
            return
        add(f"    v = s.{name}")
        if empty_list:
            add("    if v is None: v = []")
        if convert == "datetime":
            add("    if v is not None:")
            add("        v = _fromiso(v)")
            add("        if v.tzinfo is None: v = v.replace(tzinfo=_UTC)")
        elif isinstance(convert, tuple):
            kind, obj = convert
            ref = self._ref(obj)
            expression = {
                "enum": f"{ref}.get(v, v)",
                "model": f"{ref}(v)",
                "models": f"list(map({ref}, v))",
                "model-dict": f"{{k: {ref}(x) for k, x in v.items()}}",
            }[kind]
            guard = "if v" if kind == "models" else "if v is not None"
            add(f"    {guard}: v = {expression}")
        add(f"    o.{name} = v")

    def compile(self) -> Callable[[Any], Any]:
        self.lines += ["    o.__class__ = _cls", "    return o"]
        source = "\n".join(self.lines) + "\n"
        cls = self.cls
        filename = f"<ory_async generated mirror {cls.__module__}.{cls.__qualname__}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        namespace = dict(self.names)
        exec(compile(source, filename, "exec"), namespace)  # noqa: S102
        fn: Callable[[Any], Any] = namespace[f"to_{cls.__name__}"]
        return fn


@cache
def mirror_decoder(target: Any) -> Decoder | None:
    """A function decoding JSON bytes into ``target``, or ``None`` if ``target`` is not plain.

    ``target`` is an attrs model or ``list[model]``. A model is plain when it has no
    validators, converters or init hooks and each field is a ``str``, ``bool``, ``int``,
    datetime, open enum, JSON object (``dict[str, Any]``), ``Any``, ``list[str]``, or a
    plain model, a list of them or a ``dict[str, ...]`` of them, each optionally
    nullable. The function raises one of :data:`FALLBACK_ERRORS` for a body the
    converter must judge.
    """
    many = get_origin(target) is list
    model = get_args(target)[0] if many and len(get_args(target)) == 1 else target
    if not isinstance(model, type) or (many and get_args(target)[0] is not model):
        return None
    try:
        with _BUILDING:  # two threads' first decodes must not see each other's half-built tree
            mirror, convert = _BUILDER.model(model)
    except _NotPlain:
        return None
    if many:
        parse_many = msgspec.json.Decoder(list[mirror]).decode  # type: ignore[valid-type]

        def decode_many(body: bytes) -> list[Any]:
            return list(map(convert, parse_many(body)))

        return decode_many
    parse_one = msgspec.json.Decoder(mirror).decode

    def decode_one(body: bytes) -> Any:
        return convert(parse_one(body))

    return decode_one
