"""The ``ui`` of native settings, recovery and verification flows: nodes and messages.

Node shapes, message ids and texts follow Kratos's profile, password and code strategies
and its ``text`` package (1050001 changes saved, 1060001 recovered, 1060003 recovery code
sent, 1080002 verified, 1080003 verification code sent, 4060006 and 4070006 wrong code,
4000002 missing property; labels 1070003 "Save", 1070007 "Email", 1070008 "Resend code",
1070009 "Continue", 1070010 "Recovery code", 1070011 "Verification code").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ._native_ui import csrf_node, input_node, password_node, registration_nodes, ui_label

SETTINGS_SAVED = {"id": 1050001, "text": "Your changes have been saved!", "type": "success"}
RECOVERY_CODE_SENT = {
    "id": 1060003,
    "text": (
        "An email containing a recovery code has been sent to the email address you provided. "
        "If you have not received an email, check the spelling of the address and make sure "
        "to use the address you registered with."
    ),
    "type": "info",
}
VERIFICATION_CODE_SENT = {
    "id": 1080003,
    "text": (
        "An email containing a verification code has been sent to the email address you "
        "provided. If you have not received an email, check the spelling of the address and "
        "make sure to use the address you registered with."
    ),
    "type": "info",
}
VERIFIED = {
    "id": 1080002,
    "text": "You successfully verified your email address.",
    "type": "success",
}
RECOVERY_CODE_INVALID = {
    "id": 4060006,
    "text": "The recovery code is invalid or has already been used. Please try again.",
    "type": "error",
}
VERIFICATION_CODE_INVALID = {
    "id": 4070006,
    "text": "The verification code is invalid or has already been used. Please try again.",
    "type": "error",
}


SAVE = ui_label(1070003, "Save")
EMAIL = ui_label(1070007, "Email")
RESEND = ui_label(1070008, "Resend code")
CONTINUE = ui_label(1070009, "Continue")


def recovered(privileged_until: datetime, minutes_left: float) -> dict[str, Any]:
    """1060001: recovered; change the password within the privileged session's time."""
    return {
        "id": 1060001,
        "text": (
            "You successfully recovered your account. Please change your password or set up "
            "an alternative login method (e.g. social sign in) within the next "
            f"{minutes_left:.2f} minutes."
        ),
        "type": "success",
        "context": {
            "privilegedSessionExpiresAt": privileged_until.isoformat().replace("+00:00", "Z"),
            "privileged_session_expires_at": privileged_until.isoformat().replace("+00:00", "Z"),
            "privileged_session_expires_at_unix": int(privileged_until.timestamp()),
        },
    }


_NO_STRATEGY = {
    "login": (4010002, "log you in with"),
    "registration": (4010003, "sign you up with"),
    "settings": (4010004, "update your settings"),
    "recovery": (4010005, "recover your account with"),
    "verification": (4010006, "verify your account with"),
}


def no_strategy(kind: str) -> dict[str, Any]:
    """4010002-4010006: no method of this flow takes the submitted body."""
    message_id, what = _NO_STRATEGY[kind]
    return {
        "id": message_id,
        "text": f"Could not find a strategy to {what}. Did you fill out the form correctly?",
        "type": "error",
    }


def missing(prop: str) -> dict[str, Any]:
    """4000002: a required property is missing."""
    return {
        "id": 4000002,
        "text": f"Property {prop} is missing.",
        "type": "error",
        "context": {"property": prop},
    }


def settings_nodes(schema: dict[str, Any], traits: dict[str, Any]) -> list[dict[str, Any]]:
    """Profile (traits, "Save") and password ("Save") nodes of a settings flow."""
    nodes = []
    for node in registration_nodes(schema, traits):
        name = node["attributes"]["name"]
        if name.startswith("traits."):
            node["group"] = "profile"
            nodes.append(node)
        elif name == "csrf_token":
            nodes.append(node)
    nodes.append(input_node("method", "profile", type="submit", value="profile", label=SAVE))
    nodes.append(password_node("new-password"))
    nodes.append(input_node("method", "password", type="submit", value="password", label=SAVE))
    return nodes


def email_nodes(kind: str) -> list[dict[str, Any]]:
    """The first step of recovery and verification by code: an email and "Continue".

    Kratos gives native verification flows no ``csrf_token`` node; recovery flows get one.
    """
    nodes = [
        input_node("email", "code", type="email", required=True, label=EMAIL),
        input_node("method", "code", type="submit", value="code", label=CONTINUE),
    ]
    return [csrf_node(), *nodes] if kind == "recovery" else nodes


def code_nodes(kind: str, email: str) -> list[dict[str, Any]]:
    """The second step: the code, "Continue", and a button that sends a new code."""
    label = (
        ui_label(1070010, "Recovery code")
        if kind == "recovery"
        else ui_label(1070011, "Verification code")
    )
    code = input_node("code", "code", required=True, label=label)
    if kind == "recovery":
        code["attributes"]["pattern"] = "[0-9]+"
        code["attributes"]["maxlength"] = 6
    csrf = [csrf_node()] if kind == "recovery" else []
    return [
        *csrf,
        code,
        input_node("method", "code", type="hidden", value="code"),
        input_node("method", "code", type="submit", value="code", label=CONTINUE),
        input_node("email", "code", type="submit", value=email, label=RESEND),
    ]
