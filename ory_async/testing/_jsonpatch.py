"""RFC 6902 JSON Patch as Kratos applies it to identities (add, remove, replace only)."""

from __future__ import annotations

import copy
from typing import Any

from ._errors import KratosError

PATCH_REASON = "failed to apply JSON patch"
DENIED_PATHS = (
    "/id",
    "/stateChangedAt",
    "/credentials",
    "/credentials/oidc",
    "/credentials/oidc/**",
    "/credentials/saml",
    "/credentials/saml/**",
)


def _fail(message: str) -> KratosError:
    return KratosError(400, message=message, reason=PATCH_REASON)


def is_denied(path: str) -> bool:
    """Case-insensitive glob match against Kratos's protected identity paths."""
    lowered = path.lower()
    for pattern in DENIED_PATHS:
        pat = pattern.lower()
        if pat.endswith("/**"):
            if lowered.startswith(pat[:-2]):
                return True
        elif lowered == pat:
            return True
    return False


def _split(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise _fail(f"add operation does not apply: doc is missing path: {path!r}: missing value")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _missing(op: str, path: str) -> KratosError:
    return _fail(f'{op} operation does not apply: doc is missing path: "{path}": missing value')


def _parent(doc: Any, parts: list[str], op: str, path: str) -> Any:
    node = doc
    for part in parts[:-1]:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise _missing(op, path)
    return node


def _apply_one(doc: Any, op: str, path: str, value: Any) -> Any:
    parts = _split(path)
    if not parts:
        if op == "remove":
            raise _missing(op, path)
        return copy.deepcopy(value)
    parent = _parent(doc, parts, op, path)
    key = parts[-1]
    if isinstance(parent, dict):
        if op in ("remove", "replace") and key not in parent:
            raise _missing(op, path)
        if op == "remove":
            del parent[key]
        else:
            parent[key] = copy.deepcopy(value)
        return doc
    if isinstance(parent, list):
        if op == "add" and key == "-":
            parent.append(copy.deepcopy(value))
            return doc
        if not key.isdigit():
            raise _missing(op, path)
        index = int(key)
        limit = len(parent) if op == "add" else len(parent) - 1
        if index > limit:
            raise _fail(f"{op} operation does not apply: doc is missing key: {path}: missing value")
        if op == "add":
            parent.insert(index, copy.deepcopy(value))
        elif op == "remove":
            del parent[index]
        else:
            parent[index] = copy.deepcopy(value)
        return doc
    raise _missing(op, path)


def apply_patch(doc: dict[str, Any], ops: Any) -> dict[str, Any]:
    """Apply ``ops`` to a copy of ``doc`` with Kratos's rules; raises :class:`KratosError`."""
    if not isinstance(ops, list):
        raise KratosError(
            400, message="json: cannot unmarshal object into Go value of type jsonpatch.Patch"
        )
    result: Any = copy.deepcopy(doc)
    for raw in ops:
        if not isinstance(raw, dict):
            raise _fail("unsupported operation: ")
        op = raw.get("op")
        if op not in ("add", "remove", "replace"):
            raise _fail(f"unsupported operation: {op if isinstance(op, str) else ''}")
        path = raw.get("path")
        if not isinstance(path, str):
            raise _fail(f'{op} operation does not apply: doc is missing path: "": missing value')
        if is_denied(path):
            raise _fail(f"patch includes denied path: {path}")
        if op == "replace":
            last = path.rsplit("/", 1)[-1]
            if not (last.isdigit() or last == "-"):
                op = "add"
        if op != "remove" and "value" not in raw:
            raise _fail(f"{op} operation does not apply: value is missing")
        result = _apply_one(result, op, path, raw.get("value"))
    if not isinstance(result, dict):
        raise _fail("the patched document is not a JSON object")
    return result
