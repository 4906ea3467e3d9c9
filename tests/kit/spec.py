"""Checks HTTP exchanges against the OpenAPI specs in tests/data/openapi.

A request must use a method and path template the spec of its API generation has,
only query parameters that operation declares, and a JSON body that validates against
the operation's request schema. A response body must validate against the schema the
spec gives for its status, except where kratos-facts.md documents that the real server
differs from the spec: those exceptions are listed in ``KNOWN_DIFFERENCES``, each with
the facts section that justifies it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any, Final

import attrs
import orjson
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.kit.shared_files import require_shared

SPEC_FILES: Final = {
    "v1": ("kratos-v1.json", "ory-network-client.json"),
    "v0": ("kratos-v0-legacy.json",),
}


@attrs.frozen
class Difference:
    """A documented way the real server differs from its spec."""

    api: str
    method: str
    template: str
    where: str  # "response" (body), "status" (undeclared status), "path" (undeclared path)
    facts: str
    why: str
    patch: Any = None  # callable(body) -> body with the documented difference undone


def _undo_unexpanded_session(body: Any) -> Any:
    sessions = body if isinstance(body, list) else [body]
    for s in sessions:
        if isinstance(s, dict):
            for key in ("identity", "devices"):
                if s.get(key) is None:
                    s.pop(key, None)
    return body


def _undo_null_batch_entries(body: Any) -> Any:
    if isinstance(body, dict) and isinstance(body.get("identities"), list):
        body["identities"] = [e for e in body["identities"] if e is not None]
    return body


def _undo_v0_null_verified_at(body: Any) -> Any:
    items = body if isinstance(body, list) else [body]
    for item in items:
        if not isinstance(item, dict):
            continue
        ident = item.get("identity") if "identity" in item else item
        for holder in (item, ident if isinstance(ident, dict) else {}):
            for address in holder.get("verifiable_addresses") or []:
                if isinstance(address, dict) and address.get("verified_at") is None:
                    address.pop("verified_at", None)
    return body


def _undo_error_details(body: Any) -> Any:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body["error"].pop("details", None)
    return body


def _undo_null_ui_nodes(body: Any) -> Any:
    ui = body.get("ui") if isinstance(body, dict) else None
    if isinstance(ui, dict) and ui.get("nodes") is None:
        ui["nodes"] = []
    return body


def _undo_v0_error_list(body: Any) -> Any:
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        assert all(isinstance(e, dict) for e in body["errors"]), "v0 errors must be objects"
        body["errors"] = {}
    return body


def _undo_v0_field_values(body: Any) -> Any:
    methods = body.get("methods") if isinstance(body, dict) else None
    for method in (methods or {}).values():
        config = method.get("config") if isinstance(method, dict) else None
        for field in (config or {}).get("fields") or []:
            if isinstance(field, dict) and not isinstance(field.get("value"), dict | None):
                field.pop("value")
    return body


def _undo_null_session_identity(body: Any) -> Any:
    session = body.get("session") if isinstance(body, dict) else None
    if isinstance(session, dict) and session.get("identity", {}) is None:
        session.pop("identity")
    return body


def _undo_null_continue_with(body: Any) -> Any:
    if isinstance(body, dict) and body.get("continue_with", []) is None:
        body.pop("continue_with")
    return body


KNOWN_DIFFERENCES: Final = (
    Difference(
        "v1",
        "POST",
        "/self-service/login",
        "response",
        "§10",
        "a native login with nothing to continue with sends continue_with: null (a nil Go slice); "
        "the spec types it as an array",
        _undo_null_continue_with,
    ),
    Difference(
        "v1",
        "POST",
        "/self-service/login",
        "response",
        "§10",
        "the answer to a second-factor (aal2) login carries the session without its identity "
        "(null); the spec types session.identity as an object",
        _undo_null_session_identity,
    ),
    Difference(
        "v1",
        "*",
        "*",
        "response",
        "§4.1",
        "error details carry keys (details is omitted only when empty); the spec's errorGeneric.details allows none",
        _undo_error_details,
    ),
    Difference(
        "v1",
        "GET",
        "/self-service/settings/flows",
        "response",
        "§10",
        "flows of migrated rows have ui.nodes: null; the spec requires an array",
        _undo_null_ui_nodes,
    ),
    Difference(
        "v0",
        "GET",
        "/self-service/errors",
        "response",
        "§9",
        "the v0 error container holds a list of errors; the spec types errors as an object",
        _undo_v0_error_list,
    ),
    Difference(
        "v0",
        "GET",
        "/self-service/*",
        "response",
        "§9",
        "v0 form fields carry string values (fixtures/kratos/v0-legacy); the spec types value as an object",
        _undo_v0_field_values,
    ),
    Difference(
        "v0",
        "GET",
        "/identities/{id}",
        "status",
        "§4.2",
        "an unknown identity is a 404; the v0 spec lists only 200, 400 and 500",
    ),
    Difference(
        "v1",
        "GET",
        "/admin/sessions",
        "response",
        "§2.1, §10",
        "without expand, identity and devices are null; the spec types them as non-nullable",
        _undo_unexpanded_session,
    ),
    Difference(
        "v1",
        "GET",
        "/admin/sessions/{id}",
        "response",
        "§2.1, §10",
        "without expand, identity and devices are null",
        _undo_unexpanded_session,
    ),
    Difference(
        "v1",
        "PATCH",
        "/admin/sessions/{id}/extend",
        "response",
        "§2.3, §10",
        "the 200 answer of older projects carries an unexpanded session",
        _undo_unexpanded_session,
    ),
    Difference(
        "v1",
        "PATCH",
        "/admin/identities",
        "response",
        "§5.6, §10",
        "entries without a create come back as null",
        _undo_null_batch_entries,
    ),
    Difference(
        "v0",
        "*",
        "*",
        "response",
        "§9, §10",
        "v0 sends verified_at: null for unverified addresses; the spec says date-time",
        _undo_v0_null_verified_at,
    ),
    Difference(
        "v1",
        "GET",
        "/admin/metrics/prometheus",
        "path",
        "§0",
        "the admin port serves every admin route under /admin, metrics included; only the v0 spec lists /metrics/prometheus",
    ),
    *(
        Difference(
            "v1",
            "GET",
            template,
            "path",
            "§0",
            "a same-origin 307 from Kratos v1.3.1's admin port: /version and /health/* move under /admin",
        )
        for template in ("/admin/version", "/admin/health/*")
    ),
    *(
        Difference(
            "v1",
            "GET",
            template,
            "status",
            "§0",
            "Kratos v1.3.1's admin port answers 307 to the same path under /admin (followed: same origin)",
        )
        for template in ("/version", "/health/*")
    ),
)


def _nullable(node: Any) -> Any:
    """OpenAPI 3.0 ``nullable: true`` and swagger ``x-nullable`` as JSON Schema draft 4."""
    if isinstance(node, list):
        return [_nullable(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _nullable(v) for k, v in node.items()}
    if out.pop("nullable", False) or out.pop("x-nullable", False):
        if "$ref" in out:
            return {"anyOf": [{"$ref": out.pop("$ref")}, {"type": "null"}], **out}
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


def _discriminated(node: Any) -> Any:
    """A ``oneOf`` with a discriminator mapping as draft 4 can check it: by the tag's value.

    Without this a body valid under several branches (most update-flow bodies: every
    method's schema accepts the others' fields) would fail ``oneOf``.
    """
    if isinstance(node, list):
        return [_discriminated(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _discriminated(v) for k, v in node.items()}
    disc = out.get("discriminator")
    if isinstance(disc, dict) and disc.get("mapping") and "oneOf" in out:
        tag = disc["propertyName"]
        out["anyOf"] = [
            {"allOf": [{"properties": {tag: {"enum": [value]}}, "required": [tag]}, {"$ref": ref}]}
            for value, ref in disc["mapping"].items()
        ]
        del out["oneOf"]
    return out


@attrs.frozen
class Operation:
    """One operation of a spec."""

    spec: str
    method: str
    template: str
    regex: re.Pattern[str]
    query: frozenset[str]
    request_schema: Any
    responses: dict[str, Any]


class Spec:
    """One API generation's specs, with operations matched by method and path."""

    def __init__(self, api: str) -> None:
        self.api = api
        self.documents: dict[str, dict[str, Any]] = {}
        registry: Registry[Any] = Registry()
        for name in SPEC_FILES[api]:
            raw = orjson.loads((require_shared() / "openapi" / name).read_bytes())
            doc = _discriminated(_nullable(raw))
            self.documents[name] = doc
            registry = registry.with_resource(
                f"urn:{name}", Resource.from_contents(doc, default_specification=DRAFT4)
            )
        self.registry = registry
        self.operations = list(self._operations())

    def _operations(self) -> Iterator[Operation]:
        for name, doc in self.documents.items():
            for template, item in doc["paths"].items():
                shared = item.get("parameters", [])
                for method, op in item.items():
                    if method == "parameters":
                        continue
                    params = [*shared, *op.get("parameters", [])]
                    query = frozenset(p["name"] for p in params if p.get("in") == "query")
                    body = None
                    if "requestBody" in op:
                        content = op["requestBody"].get("content", {}).get("application/json")
                        body = content.get("schema") if content else None
                    else:
                        body = next(
                            (p.get("schema") for p in params if p.get("in") == "body"), None
                        )
                    pattern = "^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$"
                    yield Operation(
                        name,
                        method.upper(),
                        template,
                        re.compile(pattern),
                        query,
                        body,
                        op.get("responses", {}),
                    )

    def find(self, method: str, path: str) -> Operation | None:
        """The operation for a concrete path (literal segments win over parameters)."""
        matches = [op for op in self.operations if op.method == method and op.regex.match(path)]
        matches.sort(key=lambda op: (op.template.count("{"), SPEC_FILES[self.api].index(op.spec)))
        return matches[0] if matches else None

    def _resolve(self, spec: str, node: Any) -> Any:
        while isinstance(node, dict) and set(node) == {"$ref"}:
            pointer = node["$ref"].lstrip("#/").split("/")
            node = self.documents[spec]
            for part in pointer:
                node = node[part]
        return node

    def response_schema(self, op: Operation, status: int) -> tuple[bool, Any]:
        """(declared, schema) for ``status``; schema None means no body is specified."""
        response = op.responses.get(str(status)) or op.responses.get("default")
        if response is None:
            return False, None
        response = self._resolve(op.spec, response)
        if "content" in response:
            content: dict[str, Any] = response["content"].get("application/json") or next(
                iter(response["content"].values()), {}
            )
            return True, content.get("schema")
        return True, response.get("schema")

    def errors(self, op: Operation, schema: Any, instance: Any) -> list[str]:
        """Validation errors of ``instance`` against ``schema`` (refs resolved in op's spec)."""
        wrapped = _retarget(copy.deepcopy(schema), f"urn:{op.spec}")
        validator = Draft4Validator(wrapped, registry=self.registry)
        return [
            f"{'/'.join(map(str, e.absolute_path)) or '$'}: {e.message}"
            for e in validator.iter_errors(instance)
        ]


def _retarget(node: Any, base: str) -> Any:
    if isinstance(node, list):
        return [_retarget(n, base) for n in node]
    if isinstance(node, dict):
        return {
            k: (
                base + v
                if k == "$ref" and isinstance(v, str) and v.startswith("#")
                else _retarget(v, base)
            )
            for k, v in node.items()
        }
    return node


@cache
def spec_for(api: str) -> Spec:
    """The loaded spec of an API generation (cached for the test session)."""
    return Spec(api)


def _differences(api: str, method: str, template: str, where: str) -> list[Difference]:
    return [
        diff
        for diff in KNOWN_DIFFERENCES
        if diff.api == api
        and diff.where == where
        and diff.method in (method, "*")
        and (
            diff.template in (template, "*")
            or (diff.template.endswith("*") and template.startswith(diff.template[:-1]))
        )
    ]


@attrs.define
class Exchange:
    """One request and its answer, as the client saw them on the wire."""

    method: str
    path: str
    query: list[tuple[str, str]]
    request_body: bytes
    status: int = 0
    content_type: str = ""
    response_body: bytes = b""
    response_headers: Mapping[str, str] = attrs.field(factory=dict)


def check(api: str, exchange: Exchange) -> list[str]:
    """Every way ``exchange`` breaks the spec of ``api`` (after documented differences)."""
    spec = spec_for(api)
    problems: list[str] = []
    label = f"{api} {exchange.method} {exchange.path}"
    op = spec.find(exchange.method, exchange.path)
    if op is None:
        if not _differences(api, exchange.method, exchange.path, "path"):
            problems.append(f"{label}: no such operation in the {api} spec")
        return problems
    unknown = sorted({k for k, _ in exchange.query} - op.query)
    if unknown:
        problems.append(
            f"{label}: query parameters {unknown} are not in the spec ({sorted(op.query)})"
        )
    if exchange.request_body:
        if op.request_schema is None:
            problems.append(f"{label}: sends a body the spec does not describe")
        else:
            body = orjson.loads(exchange.request_body)
            problems += [f"{label} request {e}" for e in spec.errors(op, op.request_schema, body)]
    declared, schema = spec.response_schema(op, exchange.status)
    if not declared and not _differences(api, exchange.method, op.template, "status"):
        problems.append(f"{label}: status {exchange.status} is not in the spec")
    elif schema is not None and exchange.response_body and "json" in exchange.content_type:
        body = orjson.loads(exchange.response_body)
        for diff in _differences(api, exchange.method, op.template, "response"):
            if diff.patch is not None:
                body = diff.patch(body)
        problems += [
            f"{label} {exchange.status} response {e}" for e in spec.errors(op, schema, body)
        ]
    return problems
