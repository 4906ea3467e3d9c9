"""The ``ui`` of native (api) login and registration flows: nodes and messages.

Node shapes, message ids and texts follow Kratos's password strategy and its ``text``
package (4000006 invalid credentials, 4000007 duplicate identifier, 4000032 password
too short, 1070004 "ID", 1070001 "Password", 1010001 "Sign in", 1040001 "Sign up").
"""

from __future__ import annotations

from typing import Any

INVALID_CREDENTIALS = {
    "id": 4000006,
    "text": (
        "The provided credentials are invalid, check for spelling mistakes in your password "
        "or username, email address, or phone number."
    ),
    "type": "error",
}
DUPLICATE_CREDENTIALS = {
    "id": 4000007,
    "text": "An account with the same identifier (email, phone, username, ...) exists already.",
    "type": "error",
}
MIN_PASSWORD_LENGTH = 8


def password_policy(length: int) -> dict[str, Any]:
    """Kratos's 4000032 message for a password shorter than eight characters."""
    return {
        "id": 4000032,
        "text": (
            f"The password must be at least {MIN_PASSWORD_LENGTH} characters long, "
            f"but got {length}."
        ),
        "type": "error",
        "context": {"min_length": MIN_PASSWORD_LENGTH, "actual_length": length},
    }


def password_too_long(limit: int, length: int) -> dict[str, Any]:
    """Kratos's 4000033 message for a password longer than its hasher reads."""
    return {
        "id": 4000033,
        "text": f"The password must be at most {limit} characters long, but got {length}.",
        "type": "error",
        "context": {"max_length": limit, "actual_length": length},
    }


def validation_error(reason: str) -> dict[str, Any]:
    """A generic 4000001 message carrying a schema validation failure."""
    return {"id": 4000001, "text": reason, "type": "error", "context": {"reason": reason}}


def input_node(
    name: str,
    group: str,
    *,
    type: str = "text",  # Kratos's attribute name
    value: Any = None,
    required: bool = False,
    autocomplete: str | None = None,
    label: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One ``input`` node."""
    attrs: dict[str, Any] = {"name": name, "type": type}
    if value is not None:
        attrs["value"] = value
    if required:
        attrs["required"] = True
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    attrs["disabled"] = False
    attrs["node_type"] = "input"
    meta: dict[str, Any] = {"label": label} if label else {}
    return {"type": "input", "group": group, "attributes": attrs, "messages": [], "meta": meta}


def ui_label(label_id: int, text: str, **context: Any) -> dict[str, Any]:
    """A node's label: a UI text of type ``info`` (with its ``context``, when any)."""
    out: dict[str, Any] = {"id": label_id, "text": text, "type": "info"}
    if context:
        out["context"] = context
    return out


def csrf_node() -> dict[str, Any]:
    """The (empty, for api flows) ``csrf_token`` node."""
    return input_node("csrf_token", "default", type="hidden", value="", required=True)


def password_node(autocomplete: str) -> dict[str, Any]:
    """The ``password`` input (``current-password`` to sign in, ``new-password`` to set one)."""
    return input_node(
        "password",
        "password",
        type="password",
        required=True,
        autocomplete=autocomplete,
        label=ui_label(1070001, "Password"),
    )


def login_nodes(identifier: str = "") -> list[dict[str, Any]]:
    """csrf_token, identifier, password and the submit button of the password method."""
    return [
        csrf_node(),
        input_node(
            "identifier", "default", value=identifier, required=True, label=ui_label(1070004, "ID")
        ),
        password_node("current-password"),
        input_node(
            "method",
            "password",
            type="submit",
            value="password",
            label=ui_label(1010001, "Sign in"),
        ),
    ]


def _trait_fields(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any], bool]]:
    """``(traits.path, property schema, required)`` for every leaf of the traits schema."""
    traits = (schema.get("properties") or {}).get("traits") or {}
    out: list[tuple[str, dict[str, Any], bool]] = []

    def walk(node: dict[str, Any], prefix: str) -> None:
        required = set(node.get("required") or [])
        for key, prop in (node.get("properties") or {}).items():
            path = f"{prefix}.{key}"
            if isinstance(prop, dict) and prop.get("type") == "object":
                walk(prop, path)
            elif isinstance(prop, dict):
                out.append((path, prop, key in required))

    walk(traits, "traits")
    return out


def registration_nodes(
    schema: dict[str, Any], traits: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """csrf_token, one node per trait of the schema, password and the submit button."""
    nodes = [csrf_node()]
    for path, prop, required in _trait_fields(schema):
        value: Any = traits or {}
        for part in path.split(".")[1:]:
            value = value.get(part) if isinstance(value, dict) else None
        kind = "email" if prop.get("format") == "email" else "text"
        label = ui_label(1070002, prop["title"], title=prop["title"]) if prop.get("title") else None
        nodes.append(
            input_node(path, "default", type=kind, value=value, required=required, label=label)
        )
    nodes.append(password_node("new-password"))
    nodes.append(
        input_node(
            "method",
            "password",
            type="submit",
            value="password",
            label=ui_label(1040001, "Sign up"),
        )
    )
    return nodes
