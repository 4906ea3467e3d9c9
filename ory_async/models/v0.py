"""Shapes of legacy Kratos (v0.5) where they differ from current servers.

v0 identities and sessions decode into :class:`~ory_async.models.Identity` and
:class:`~ory_async.models.Session` (their extra fields stay ``None``). Flows differ: a v0
flow describes its form per method, in ``methods.<name>.config.fields``, instead of
``ui.nodes``; and the self-service error container holds a list of ``errors``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from .common import FlowType, JsonObject
from .flows import FlowState
from .identities import Identity
from .ui import UiText

__all__ = ["V0Flow", "V0FlowError", "V0FlowMethod", "V0FlowMethodConfig", "V0FormField"]


@attrs.frozen(kw_only=True, slots=True)
class V0FormField:
    """One field of a v0 method's form (``value`` is any JSON value)."""

    name: str | None = None
    type: str | None = None
    value: Any = None
    required: bool | None = None
    disabled: bool | None = None
    pattern: str | None = None
    messages: list[UiText] = attrs.field(factory=list)


@attrs.frozen(kw_only=True, slots=True)
class V0FlowMethodConfig:
    """A v0 method's form: where to submit it, its fields, and its messages."""

    action: str | None = None
    method: str | None = None
    fields: list[V0FormField] = attrs.field(factory=list)
    messages: list[UiText] = attrs.field(factory=list)
    providers: list[V0FormField] = attrs.field(factory=list)


@attrs.frozen(kw_only=True, slots=True)
class V0FlowMethod:
    """One method (password, oidc, profile, link, ...) of a v0 flow."""

    method: str | None = None
    config: V0FlowMethodConfig | None = None


@attrs.frozen(kw_only=True, slots=True)
class V0Flow:
    """Any v0 self-service flow (login, registration, recovery, settings, verification).

    ``forced`` is set on login flows, ``identity`` on settings flows, ``state`` on
    settings, recovery and verification flows.
    """

    id: str
    type: FlowType | str | None = None
    state: FlowState | str | None = None
    active: str | None = None
    request_url: str | None = None
    issued_at: datetime | None = None
    expires_at: datetime | None = None
    forced: bool | None = None
    messages: list[UiText] = attrs.field(factory=list)
    methods: dict[str, V0FlowMethod] | None = None
    identity: Identity | None = None


@attrs.frozen(kw_only=True, slots=True)
class V0FlowError:
    """A v0 self-service error container: the errors shown to the user, as sent."""

    id: str
    errors: list[JsonObject] = attrs.field(factory=list)
