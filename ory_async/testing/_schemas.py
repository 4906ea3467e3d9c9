"""Identity JSON Schemas: storage, trait validation and the ``ory.sh/kratos`` extension."""

from __future__ import annotations

import base64
import binascii
import copy
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

EXTENSION = "ory.sh/kratos"


def default_schema() -> dict[str, Any]:
    """The bundled email + password identity schema (Kratos's quickstart schema)."""
    text = resources.files(__package__).joinpath("data/default.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def encode_schema_id(schema_id: str) -> str:
    """base64url without padding, as used in v1 ``schema_url`` values."""
    return base64.urlsafe_b64encode(schema_id.encode()).rstrip(b"=").decode()


@dataclass
class Extracted:
    """What the schema extension derives from an identity's traits."""

    password: list[str] = field(default_factory=list)
    code: list[tuple[str, str]] = field(default_factory=list)
    verifiable: list[tuple[str, str]] = field(default_factory=list)
    recovery: list[tuple[str, str]] = field(default_factory=list)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _pointer(parts: Any) -> str:
    text = "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "#/" + text if text else "#"


def format_validation_error(err: ValidationError) -> str:
    """Render an error like the Go validator Kratos uses: ``I[#/…] S[#/…] message``."""
    validator = err.validator
    instance: Any = err.instance
    value: Any = err.validator_value
    schema: Any = err.schema
    if validator == "type":
        want_text = " or ".join(value) if isinstance(value, list) else str(value)
        text = f"expected {want_text}, but got {_json_type(instance)}"
    elif validator == "required":
        missing = [name for name in value if name not in (instance or {})]
        text = "missing properties: " + ", ".join(json.dumps(m) for m in missing)
    elif validator == "additionalProperties" and isinstance(instance, dict):
        allowed = set(schema.get("properties", {}))
        extra = [k for k in instance if k not in allowed]
        text = "additionalProperties " + ", ".join(json.dumps(k) for k in extra) + " not allowed"
    elif validator == "minLength":
        text = f"length must be >= {value}, but got {len(instance)}"
    elif validator == "maxLength":
        text = f"length must be <= {value}, but got {len(instance)}"
    elif validator == "format":
        text = f"{json.dumps(instance)} is not valid {json.dumps(value)}"
    else:
        text = err.message
    return f"I[{_pointer(err.absolute_path)}] S[{_pointer(err.absolute_schema_path)}] {text}"


class SchemaStore:
    """The identity schemas FakeOry knows, in configuration order."""

    def __init__(self) -> None:
        self._schemas: dict[str, dict[str, Any]] = {}
        self._validators: dict[str, Any] = {}
        self._paths: dict[str, list[tuple[tuple[str, ...], dict[str, Any]]]] = {}

    def add(self, schema_id: str, schema: dict[str, Any]) -> None:
        """Add or replace a schema."""
        self._schemas[schema_id] = copy.deepcopy(schema)
        self._validators.pop(schema_id, None)
        self._paths.pop(schema_id, None)

    def get(self, schema_id: str) -> dict[str, Any] | None:
        """The raw schema, or None."""
        return self._schemas.get(schema_id)

    def items(self) -> list[tuple[str, dict[str, Any]]]:
        """All ``(id, schema)`` pairs in configuration order."""
        return list(self._schemas.items())

    def resolve(self, raw: str) -> str | None:
        """Find a schema by its raw id or its base64url encoding."""
        if raw in self._schemas:
            return raw
        try:
            decoded = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        return decoded if decoded in self._schemas else None

    def validate(self, schema_id: str, traits: Any) -> str | None:
        """Validate ``{"traits": traits}``; returns the error reason or None."""
        validator = self._validators.get(schema_id)
        if validator is None:
            schema = self._schemas[schema_id]
            cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
            validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
            self._validators[schema_id] = validator
        error = best_match(validator.iter_errors({"traits": traits}))
        return None if error is None else format_validation_error(error)

    def _extension_paths(self, schema_id: str) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
        cached = self._paths.get(schema_id)
        if cached is not None:
            return cached
        found: list[tuple[tuple[str, ...], dict[str, Any]]] = []

        def walk(node: Any, path: tuple[str, ...]) -> None:
            if not isinstance(node, dict):
                return
            ext = node.get(EXTENSION)
            if isinstance(ext, dict):
                found.append((path, ext))
            for name, child in (node.get("properties") or {}).items():
                walk(child, (*path, name))
            if isinstance(node.get("items"), dict):
                walk(node["items"], (*path, "*"))

        traits = (self._schemas[schema_id].get("properties") or {}).get("traits")
        walk(traits, ())
        self._paths[schema_id] = found
        return found

    def extract(self, schema_id: str, traits: Any) -> Extracted:
        """Collect identifiers and addresses marked by the schema extension."""
        out = Extracted()
        for path, ext in self._extension_paths(schema_id):
            for value in _values_at(traits, path):
                if not isinstance(value, str) or not value:
                    continue
                lowered = value.strip().lower()
                creds = ext.get("credentials") or {}
                if (creds.get("password") or {}).get("identifier") is True:
                    _add(out.password, lowered)
                code = creds.get("code") or {}
                if code.get("identifier") is True:
                    _add(out.code, (code.get("via") or "email", lowered))
                via = (ext.get("verification") or {}).get("via")
                if via:
                    _add(out.verifiable, (via, lowered))
                via = (ext.get("recovery") or {}).get("via")
                if via:
                    _add(out.recovery, (via, lowered))
        return out


def _add(items: list[Any], value: Any) -> None:
    if value not in items:
        items.append(value)


def _values_at(node: Any, path: tuple[str, ...]) -> list[Any]:
    if not path:
        return [node]
    head, rest = path[0], path[1:]
    if head == "*":
        if not isinstance(node, list):
            return []
        return [v for item in node for v in _values_at(item, rest)]
    if not isinstance(node, dict) or head not in node:
        return []
    return _values_at(node[head], rest)
