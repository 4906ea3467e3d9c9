"""Specialised structure functions for attrs models: the fast converter's hook factory.

cattrs builds one function per class that calls a hook for every field. For the models
here most fields are strings, booleans, timestamps, open enums, JSON objects, lists of
models or ``None``; this module writes a function per class that converts each field
with the value rules of :mod:`ory_async._values` (testing a value's exact class inline
only to skip a call that would return it unchanged) and hands any other type to the
converter's own hook, so results are exactly what cattrs would give.

A class with no validators, converters or ``__attrs_pre_init__``/``__attrs_post_init__``
is filled directly, which is what its ``__init__`` does minus the call overhead: the
function creates an instance of the class's mutable twin (a subclass that adds no slots
and sets attributes plainly), stores each field with a plain attribute assignment (the
interpreter's fastest store), and then turns the instance into the frozen class itself
by assigning ``__class__`` (the layouts are identical). Any other class is built
through ``__init__``. The twin earns its lines: building every class through
``__init__`` instead costs about half as much again per page (callgrind, 250
identities: 30.3 against 19.9 million instructions).

Only the fast converter uses these functions. They raise on bad input like cattrs'
fast path does (with no field path); :func:`ory_async._serde.decode` then asks the
detailed converter where and why.
"""

from __future__ import annotations

import linecache
import types
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final, get_args, get_origin

import attrs
import cattrs

from . import _values
from ._markers import JSON_KEY, open_enum_of, split_none

__all__ = ["can_fill_slots", "is_plain_attrs_class", "make_structure_fn", "mutable_twin"]

Hook = Callable[[Any, Any], Any]


_IN_PROGRESS: Final[set[type]] = set()


def is_plain_attrs_class(tp: Any) -> bool:
    """An attrs class that is not generic (those are what this module generates for)."""
    return isinstance(tp, type) and attrs.has(tp) and not getattr(tp, "__parameters__", ())


def _mentions(tp: Any, classes: set[type]) -> bool:
    return tp in classes or any(_mentions(arg, classes) for arg in get_args(tp))


def _is_list_factory(field: attrs.Attribute[Any]) -> bool:
    default: Any = field.default
    return (
        isinstance(default, attrs.Factory)  # type: ignore[arg-type]
        and default.factory is list
        and not default.takes_self
        and get_origin(field.type) is list
    )


def _is_simple(field: attrs.Attribute[Any]) -> bool:
    """Required, ``None`` by default (and nullable), or ``[]`` by default (a list)."""
    if field.default is attrs.NOTHING or _is_list_factory(field):
        return True
    return field.default is None and (field.type is Any or split_none(field.type)[1])


_TWINS: Final[dict[type, type]] = {}


def mutable_twin(cls: type) -> type:
    """A subclass of frozen ``cls`` with its layout whose attributes can be set while filling.

    An instance never escapes as a twin: the generated function reassigns its
    ``__class__`` to ``cls`` before returning it.
    """
    twin = _TWINS.get(cls)
    if twin is None:
        namespace = {
            "__slots__": (),
            # Both, or the type keeps the slower Python-level attribute store.
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
            "__module__": cls.__module__,
            "__qualname__": f"{cls.__qualname__}.<filling>",
        }
        twin = _TWINS[cls] = type(cls.__name__, (cls,), namespace)
    return twin


def can_fill_slots(cls: type) -> bool:
    """Whether ``__init__`` would only store each argument in its slot."""
    if getattr(cls, "__attrs_post_init__", None) or getattr(cls, "__attrs_pre_init__", None):
        return False
    for field in attrs.fields(cls):
        if field.validator is not None or field.converter is not None or not field.init:
            return False
        if field.alias != field.name or not isinstance(
            cls.__dict__.get(field.name), types.MemberDescriptorType
        ):
            return False
        if not _is_simple(field):
            return False
    return True


class _Lazy:
    """The hook of a class still being generated (a recursive model), looked up on use."""

    __slots__ = ("conv", "fn", "tp")

    def __init__(self, conv: cattrs.Converter, tp: Any) -> None:
        self.conv = conv
        self.tp = tp
        self.fn: Hook | None = None

    def __call__(self, value: Any, tp: Any = None) -> Any:
        if self.fn is None:
            self.fn = self.conv.get_structure_hook(self.tp)
        return self.fn(value, self.tp)


_GUARDED: Final[dict[Any, tuple[str, Hook]]] = {
    str: ("str", _values.string),
    bool: ("bool", _values.boolean),
    int: ("int", _values.integer),
    dict[str, Any]: ("dict", _values.json_object),
}
"""Types whose rule returns a value of the exact JSON type unchanged: the generated code
tests the class inline and calls the rule only for anything else."""


class _Writer:
    """Accumulates the source and the globals of one generated function."""

    def __init__(self, conv: cattrs.Converter) -> None:
        self.conv = conv
        self.names: dict[str, Any] = {"_new": object.__new__}
        self.lines: list[str] = []

    def ref(self, obj: Any, hint: str) -> str:
        name = f"_{hint}{len(self.names)}"
        self.names[name] = obj
        return name

    def hook(self, tp: Any) -> str:
        if _mentions(tp, _IN_PROGRESS):
            return self.ref(_Lazy(self.conv, tp), "lazy")
        return self.ref(self.conv.get_structure_hook(tp), "h")

    def is_generated(self, tp: Any) -> bool:
        """Whether ``tp``'s hook is a function written here (it takes the value alone)."""
        return is_plain_attrs_class(tp) and not _mentions(tp, _IN_PROGRESS)

    def item(self, tp: Any, var: str) -> str:
        """An expression converting ``var`` (an item of a list or dict) to ``tp``."""
        if tp is str:
            return f"({var} if {var}.__class__ is str else {self.ref(_values.string, 's')}({var}))"
        return f"{self.hook(tp)}({var}, {self.ref(tp, 't')})"

    def convert(self, tp: Any, indent: str, nullable: bool) -> None:
        """Statements converting the local ``v`` to ``tp`` (``None`` stays if ``nullable``)."""
        add = self.lines.append
        guarded = _GUARDED.get(tp)
        if guarded is not None:
            exact, rule = guarded
            keep = " and v is not None" if nullable else ""
            add(f"{indent}if v.__class__ is not {exact}{keep}: v = {self.ref(rule, 'r')}(v)")
            return
        if nullable:
            add(f"{indent}if v is not None:")
            indent += "    "
        if tp is datetime:
            add(f"{indent}if v.__class__ is str:")
            add(f"{indent}    v = {self.ref(_values.parse_timestamp, 'parse')}(v)")
            add(f"{indent}    if v.tzinfo is None: v = {self.ref(_values.as_utc, 'utc')}(v)")
            add(f"{indent}else: v = {self.ref(_values.timestamp, 'ts')}(v)")
        elif open_enum_of(tp) is not None:
            values = self.ref(_values.OpenEnumValues(tp), "enum")
            add(f"{indent}v = {values}[v] if v.__class__ is str else {values}(v)")
        elif get_origin(tp) is list and len(get_args(tp)) == 1:
            # A null list has no items to convert: the rule's [] is the value.
            array = self.ref(_values.array, "a")
            add(f"{indent}if v is None: v = {array}(v)")
            add(f"{indent}else:")
            add(f"{indent}    if v.__class__ is not list: v = {array}(v)")
            self._items(get_args(tp)[0], indent + "    ")
        elif get_origin(tp) is dict and get_args(tp)[:1] == (str,):
            key, value = self.item(str, "k"), self.item(get_args(tp)[1], "x")
            add(f"{indent}if v.__class__ is dict: v = {{{key}: {value} for k, x in v.items()}}")
            add(f"{indent}else: v = {self.hook(tp)}(v, {self.ref(tp, 't')})")
        elif self.is_generated(tp):
            hook = self.hook(tp)
            add(f"{indent}v = {hook}(v) if v.__class__ is dict else {hook}(v, {self.ref(tp, 't')})")
        else:
            add(f"{indent}v = {self.hook(tp)}(v, {self.ref(tp, 't')})")

    def _items(self, item_type: Any, indent: str) -> None:
        """Statements converting the items of the list ``v`` to ``item_type``."""
        add = self.lines.append
        if self.is_generated(item_type):
            add(f"{indent}v = list(map({self.hook(item_type)}, v))")
        elif item_type is str:
            # Check every item, then copy the list (the converter, too, builds a new one).
            add(f"{indent}for x in v:")
            add(f"{indent}    if x.__class__ is not str:")
            add(f"{indent}        v = [{self.item(str, 'y')} for y in v]")
            add(f"{indent}        break")
            add(f"{indent}else: v = v.copy()")
        else:
            add(f"{indent}v = [{self.item(item_type, 'x')} for x in v]")


def make_structure_fn(cls: type, conv: cattrs.Converter) -> Hook:
    """Write, compile and return the structure function of attrs class ``cls``.

    Values go through the rules of :mod:`ory_async._values`, and any type without one
    through ``conv``'s own hook, so the function gives what ``conv`` would give.
    """
    attrs.resolve_types(cls)
    _IN_PROGRESS.add(cls)
    try:
        return _generate(cls, conv)
    finally:
        _IN_PROGRESS.discard(cls)


def _generate(cls: type, conv: cattrs.Converter) -> Hook:
    w = _Writer(conv)
    add = w.lines.append
    fill = can_fill_slots(cls)
    cl = w.ref(cls, "cl")
    fn_name = f"structure_{cls.__name__}"
    add(f"def {fn_name}(o, _=None):")
    add("    g = o.get")
    add(f"    obj = _new({w.ref(mutable_twin(cls), 'twin')})" if fill else "    kw = {}")
    for field in attrs.fields(cls):
        if not field.init:
            continue
        key = field.metadata.get(JSON_KEY, field.name)
        inner, nullable = split_none(field.type)
        store = f"obj.{field.name} = v" if fill else f"kw[{field.alias!r}] = v"
        if field.default is attrs.NOTHING:
            add(f"    v = o[{key!r}]")
            w.convert(inner, "    ", nullable)
        elif _is_list_factory(field):
            add(f"    v = g({key!r})")  # absent: None, which the list rule makes []
            w.convert(field.type, "    ", False)
        elif field.default is None and field.type is Any:
            add(f"    v = g({key!r})")  # any JSON value, kept as parsed
        elif field.default is None and nullable:
            add(f"    v = g({key!r})")
            w.convert(inner, "    ", True)
        else:
            # Any other default is kept when the key is absent.
            add(f"    if {key!r} in o:")
            add(f"        v = o[{key!r}]")
            w.convert(field.type, "        ", False)
            add(f"        {store}")
            continue
        add(f"    {store}")
    if fill:
        add(f"    obj.__class__ = {cl}")
        add("    return obj")
    else:
        add(f"    return {cl}(**kw)")
    source = "\n".join(w.lines) + "\n"
    filename = f"<ory_async generated structure {cls.__module__}.{cls.__qualname__}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = dict(w.names)
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102
    fn: Hook = namespace[fn_name]
    return fn
