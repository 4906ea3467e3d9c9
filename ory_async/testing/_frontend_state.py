"""What FakeOry keeps for user-facing flows: OIDC providers, logout tokens, codes, web hooks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class OneTimeCode:
    """A recovery or verification code sent to an address, valid once until it expires."""

    flow_id: str
    code: str
    address: str
    identity_id: str
    expires_at: datetime
    used: bool = False


@dataclass
class TokenExchange:
    """A session-token exchange: started by a native flow, completed by its browser part."""

    init_code: str
    return_to_code: str | None = None
    session_id: str | None = None


@dataclass
class Webhook:
    """A web hook FakeOry calls, as Kratos's ``web_hook`` action is configured."""

    url: str
    events: frozenset[str]
    auth_header: tuple[dict[str, str], dict[str, str]] | None = None
    """The headers and cookies that carry the hook's secret."""
    can_interrupt: bool = True
    parse_response: bool = True


@dataclass
class FrontendState:
    """The user-facing part of FakeOry's state."""

    oidc_providers: dict[str, str | None] = field(default_factory=dict)
    logout_tokens: dict[str, str] = field(default_factory=dict)
    """Session id to its logout token."""
    codes: list[OneTimeCode] = field(default_factory=list)
    exchanges: dict[str, TokenExchange] = field(default_factory=dict)
    totp_secrets: dict[str, str] = field(default_factory=dict)
    """Settings flow id to the secret its TOTP QR code offers."""
    webhooks: list[Webhook] = field(default_factory=list)
    password_migration_hook: Webhook | None = None
