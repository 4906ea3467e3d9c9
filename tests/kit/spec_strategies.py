"""Hypothesis strategies built from the response schemas of tests/data/openapi/kratos-v1.json.

``valid(name)`` draws documents that satisfy the spec's schema; ``fuzzed(name)`` draws
the same and then bends them the ways real servers do: extra keys, enum values the
client has never heard of, nulls in optional fields, optional lists left out.

(hypothesis-jsonschema would be the library for the first half, but its current release
does not run with current Hypothesis, so the subset of JSON Schema the Kratos spec uses
is mapped here: object, array, string (date-time, uuid), integer, number, boolean, enum,
nullable, oneOf/anyOf/allOf and additionalProperties.)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from typing import Any

import orjson
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.kit.shared_files import require_shared

# Kratos validates traits against the identity schema, whose traits are always a JSON
# object; the spec leaves the type open.
OVERRIDES = {"identityTraits": {"type": "object"}}
# Flow states are Go strings (choose_method, sent_email, show_form, ...); the spec
# leaves the type open.
FLOWS_WITH_UNTYPED_STATE = (
    "loginFlow",
    "registrationFlow",
    "recoveryFlow",
    "settingsFlow",
    "verificationFlow",
)
MAX_DEPTH = 4


def examples(count: int) -> settings:
    """Hypothesis settings for the spec-drawn tests: ``count`` examples, the same every run."""
    return settings(
        max_examples=count,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


json_leaf = st.none() | st.booleans() | st.integers(-(2**31), 2**31) | st.text(max_size=12)
any_json = st.recursive(
    json_leaf,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@cache
def components() -> dict[str, Any]:
    spec = orjson.loads((require_shared() / "openapi" / "kratos-v1.json").read_bytes())
    schemas: dict[str, Any] = spec["components"]["schemas"]
    schemas = {**schemas, **OVERRIDES}
    for flow in FLOWS_WITH_UNTYPED_STATE:
        schema = dict(schemas[flow])
        schema["properties"] = {**schema["properties"], "state": {"type": "string"}}
        schemas[flow] = schema
    return schemas


def rfc3339() -> st.SearchStrategy[str]:
    """Timestamps as Go writes them: up to nine fractional digits, Z or an offset."""
    moments = st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9998, 12, 31), timezones=st.just(UTC)
    )
    digits = st.integers(0, 9)
    offsets = st.sampled_from(
        [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-7, minutes=-30))]
    )

    def render(moment: datetime, n: int, tz: timezone, nanos: int) -> str:
        local = moment.astimezone(tz).replace(tzinfo=None)
        text = f"{local.year:04d}-{local.month:02d}-{local.day:02d}T{local.hour:02d}:{local.minute:02d}:{local.second:02d}"
        if n:
            text += "." + f"{nanos:09d}"[:n]
        if tz is UTC:
            return text + "Z"
        off = tz.utcoffset(None) or timedelta()
        sign = "-" if off < timedelta() else "+"
        minutes = abs(int(off.total_seconds())) // 60
        return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"

    return st.builds(render, moments, digits, offsets, st.integers(0, 999_999_999)) | st.just(
        "0001-01-01T00:00:00Z"
    )


def _schema(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = components()[node["$ref"].rsplit("/", 1)[-1]]
    return node


def valid(node: Any, depth: int = 0, *, fuzz: bool = False) -> st.SearchStrategy[Any]:
    """Documents valid for ``node`` (a schema or a component name); ``fuzz`` bends them."""
    if isinstance(node, str):
        node = {"$ref": f"#/components/schemas/{node}"}
    schema = _schema(node)
    strategy = _base(schema, depth, fuzz)
    if schema.get("nullable"):
        strategy = st.none() | strategy
    return strategy


def _base(schema: dict[str, Any], depth: int, fuzz: bool) -> st.SearchStrategy[Any]:
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return st.one_of([valid(option, depth + 1, fuzz=fuzz) for option in schema[key]])
    if "allOf" in schema:
        merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
        for part in schema["allOf"]:
            part = _schema(part)
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        return _object(merged, depth, fuzz)
    if "enum" in schema:
        known = st.sampled_from(schema["enum"])
        return known | st.text(min_size=1, max_size=10) if fuzz else known
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return _object(schema, depth, fuzz)
    if kind == "array":
        if depth >= MAX_DEPTH:
            return st.just([])
        return st.lists(valid(schema.get("items", {}), depth + 1, fuzz=fuzz), max_size=2)
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date-time":
            return rfc3339()
        if fmt in ("uuid", "uuid4"):
            return st.uuids().map(str)
        return st.text(max_size=16)
    if kind == "integer":
        return st.integers(-(2**31), 2**31)
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False) | st.integers(-1000, 1000)
    if kind == "boolean":
        return st.booleans()
    return any_json  # no type: any JSON value


def _object(schema: dict[str, Any], depth: int, fuzz: bool) -> st.SearchStrategy[Any]:
    properties: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    if depth >= MAX_DEPTH:
        properties = {k: v for k, v in properties.items() if k in required}
    if not properties:
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and depth < MAX_DEPTH:
            return st.dictionaries(
                st.text(min_size=1, max_size=8), valid(extra, depth + 1, fuzz=fuzz), max_size=3
            )
        return st.dictionaries(st.text(max_size=8), json_leaf, max_size=3)

    fields = {name: valid(sub, depth + 1, fuzz=fuzz) for name, sub in properties.items()}
    if fuzz:  # an optional field may also come as null
        fields = {n: (f if n in required else st.none() | f) for n, f in fields.items()}
    document = st.fixed_dictionaries(
        {n: f for n, f in fields.items() if n in required},
        optional={n: f for n, f in fields.items() if n not in required},
    )
    if not fuzz:
        return document
    extras = st.dictionaries(
        st.text(min_size=1, max_size=10).filter(lambda k: k not in properties),
        json_leaf,
        max_size=2,
    )
    return st.builds(lambda doc, more: {**more, **doc}, document, extras)
