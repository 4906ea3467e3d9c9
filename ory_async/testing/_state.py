"""The in-memory state behind FakeOry: identities, sessions, flows, errors, counters."""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from ._courier import CourierStore
from ._identity import IdentityStore
from ._schemas import SchemaStore, default_schema
from ._tokenizer import SessionTokens
from ._util import Clock, IdFactory, format_time

V1_VERSION = "v26.2.0"
V0_VERSION = "v0.5.5-alpha.1"
# Kratos disables or deletes at most this many sessions per wildcard call.
MANAGE_SESSIONS_BATCH = 5000

FLOW_KINDS = ("login", "registration", "recovery", "settings", "verification")


@dataclass
class SessionRecord:
    """A stored session; :meth:`FakeState.session_json` renders it."""

    id: str
    token: str
    identity_id: str
    active: bool
    aal: str
    created_at: datetime
    authenticated_at: datetime
    issued_at: datetime
    expires_at: datetime
    devices: list[dict[str, Any]]
    authentication_methods: list[dict[str, Any]]
    aal_required: str | None = None

    def is_active(self, now: datetime) -> bool:
        """Active and not expired."""
        return self.active and self.expires_at > now


@dataclass
class FlowRecord:
    """A seeded self-service flow."""

    kind: str
    flow: dict[str, Any]
    expired: bool = False
    requires_session_token: str | None = None
    expires_at: datetime | None = None


@dataclass
class FakeState:
    """Everything FakeOry knows; route handlers read and change it."""

    api: Literal["v1", "v0"]
    clock: Clock
    ids: IdFactory
    kratos_paging_bugs: bool = False
    extend_returns_session: bool = False
    admin_url: str = ""
    schemas: SchemaStore = field(default_factory=SchemaStore)
    store: IdentityStore = field(init=False)
    sessions: dict[str, SessionRecord] = field(default_factory=dict)
    flows: dict[str, FlowRecord] = field(default_factory=dict)
    errors: dict[str, dict[str, Any]] = field(default_factory=dict)
    metrics: Counter[tuple[str, str, int]] = field(default_factory=Counter)
    session_lifespan: timedelta = timedelta(hours=24)
    dev_mode: bool = False
    manage_sessions_batch_size: int = MANAGE_SESSIONS_BATCH
    version: str = ""
    courier: CourierStore = field(init=False)
    tokens: SessionTokens = field(default_factory=SessionTokens)
    """Tokenized sessions, whoami caching headers and cookie re-issue."""
    batch_gateway_limit: int | None = None
    """Batch creates with more entries than this answer 504 and apply nothing (None: off)."""

    def __post_init__(self) -> None:
        self.schemas.add("default", default_schema())
        self.store = IdentityStore(self.schemas, self.ids, self.clock, "", self.api)
        self.courier = CourierStore(self.ids, self.clock)
        if not self.version:
            self.version = V0_VERSION if self.api == "v0" else V1_VERSION

    @property
    def public_url(self) -> str:
        """The bound frontend URL (kept by the identity store, which builds schema URLs)."""
        return self.store.public_url

    def set_urls(self, admin_url: str, public_url: str) -> None:
        """Record the bound URLs (schema URLs and links are built from them)."""
        self.admin_url = admin_url
        self.store.public_url = public_url

    # --- sessions -----------------------------------------------------------------------------

    def new_session(
        self,
        identity_id: str,
        *,
        active: bool,
        aal: str,
        expires_in: timedelta,
        devices: list[dict[str, Any]] | None,
        aal_required: str | None,
        authentication_methods: list[dict[str, Any]] | None,
    ) -> SessionRecord:
        """Create and store a session for an existing identity."""
        if identity_id not in self.store.identities:
            raise KeyError(f"unknown identity {identity_id}")
        now = self.clock.now()
        # Kratos's page tokens keep 10 µs precision; store no finer so tokens compare exactly.
        now = now.replace(microsecond=now.microsecond // 10 * 10)
        if devices is None:
            devices = [{"ip_address": "127.0.0.1", "user_agent": "FakeOry", "location": ""}]
        if authentication_methods is None:
            authentication_methods = [
                {"method": "password", "aal": "aal1", "completed_at": format_time(now)}
            ]
        rec = SessionRecord(
            id=self.ids.uuid(),
            token=self.ids.token(32, prefix="ory_st_"),
            identity_id=identity_id,
            active=active,
            aal=aal,
            created_at=now,
            authenticated_at=now,
            issued_at=now,
            expires_at=now + expires_in,
            devices=[{"id": self.ids.uuid(), **d} for d in devices],
            authentication_methods=copy.deepcopy(authentication_methods),
            aal_required=aal_required,
        )
        self.sessions[rec.id] = rec
        return rec

    def session_json(
        self, rec: SessionRecord, *, identity: str | None, devices: bool
    ) -> dict[str, Any]:
        """A session body; ``identity`` is "admin", "public" or None (sent as null)."""
        ident = self.store.identities.get(rec.identity_id)
        ident_json: dict[str, Any] | None = None
        if identity is not None and ident is not None:
            ident_json = self.store.view(ident, admin=identity == "admin")
        if self.api == "v0":
            return {
                "id": rec.id,
                "active": rec.active,
                "expires_at": format_time(rec.expires_at),
                "authenticated_at": format_time(rec.authenticated_at),
                "issued_at": format_time(rec.issued_at),
                "identity": ident_json,
            }
        return {
            "id": rec.id,
            "active": rec.active,
            "expires_at": format_time(rec.expires_at),
            "authenticated_at": format_time(rec.authenticated_at),
            "authenticator_assurance_level": rec.aal,
            "authentication_methods": rec.authentication_methods,
            "issued_at": format_time(rec.issued_at),
            "identity": ident_json,
            "devices": rec.devices if devices else None,
        }

    def session_by_token(self, token: str) -> SessionRecord | None:
        """The session with this token, if any."""
        for rec in self.sessions.values():
            if rec.token == token:
                return rec
        return None

    def count(self, method: str, route: str, status: int) -> None:
        """Count one answered request for the Prometheus endpoint."""
        self.metrics[(method, route, status)] += 1
