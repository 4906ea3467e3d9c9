"""Every identity, session, schema, recovery, courier and metadata operation of ory-client
is exercised by this suite (or listed here with the reason it is not)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import ory_client

# Frontend operations in scope: the user's sessions, native flows of every kind, browser
# logout, token exchange, the flow getters and flow errors.
FRONTEND = {
    "to_session",
    "list_my_sessions",
    "disable_my_session",
    "disable_my_other_sessions",
    "create_native_registration_flow",
    "update_registration_flow",
    "get_registration_flow",
    "create_native_login_flow",
    "update_login_flow",
    "get_login_flow",
    "perform_native_logout",
    "get_recovery_flow",
    "get_flow_error",
    "create_native_settings_flow",
    "update_settings_flow",
    "get_settings_flow",
    "create_native_recovery_flow",
    "update_recovery_flow",
    "create_native_verification_flow",
    "update_verification_flow",
    "get_verification_flow",
    "create_browser_logout_flow",
    "exchange_session_token",
}
NOT_COVERED: dict[str, str] = {}


def _operations(api: type) -> set[str]:
    return {
        name
        for name, _ in inspect.getmembers(api, inspect.isfunction)
        if not name.startswith("_")
        and not name.endswith(("_with_http_info", "_without_preload_content"))
    }


def test_every_operation_is_called() -> None:
    wanted = (
        _operations(ory_client.IdentityApi)
        | _operations(ory_client.CourierApi)
        | _operations(ory_client.MetadataApi)
        | FRONTEND
    ) - set(NOT_COVERED)
    assert _operations(ory_client.FrontendApi) >= FRONTEND
    assert set(NOT_COVERED) <= _operations(ory_client.IdentityApi)
    source = "\n".join(
        p.read_text("utf-8")
        for p in Path(__file__).parent.glob("test_*.py")
        if p.name != Path(__file__).name
    )
    called = {re.sub(r"_with_http_info$", "", name) for name in re.findall(r"\.(\w+)", source)}
    assert sorted(wanted - called) == []
