"""Models used as a caller would; mypy --strict checks the types of these attributes."""

from __future__ import annotations

from datetime import datetime

from ory_async import _serde
from ory_async.models import (
    CredentialType,
    Identity,
    IdentityState,
    LoginFlow,
    Session,
    UiNodeInputAttributes,
)

IDENTITY = b"""{"id":"i","schema_id":"default","traits":{"email":"a@example.com"},
"state":"active","created_at":"2024-05-01T10:00:00.123456789Z",
"credentials":{"password":{"type":"password","identifiers":["a@example.com"]}},
"verifiable_addresses":[{"value":"a@example.com","verified":true,"via":"email"}]}"""


def test_identity_attributes() -> None:
    ident = _serde.decode(IDENTITY, Identity)
    email: object = ident.traits["email"]
    assert email == "a@example.com"
    active: bool = ident.state == IdentityState.ACTIVE
    assert active
    created: datetime | None = ident.created_at
    assert created is not None
    assert created.utcoffset() is not None
    verified: list[bool | None] = [a.verified for a in ident.verifiable_addresses]
    assert verified == [True]
    identifiers: list[str] = []
    for kind, cred in (ident.credentials or {}).items():
        assert kind == CredentialType.PASSWORD
        identifiers += cred.identifiers
    assert identifiers == ["a@example.com"]


def test_session_attributes() -> None:
    session = _serde.decode(
        b'{"id":"s","active":true,"expires_at":"2030-01-01T00:00:00Z","identity":'
        + IDENTITY
        + b',"devices":[{"id":"d","user_agent":"curl"}]}',
        Session,
    )
    who: str | None = session.identity.id if session.identity else None
    assert who == "i"
    agents: list[str | None] = [d.user_agent for d in session.devices]
    assert agents == ["curl"]
    expires: datetime | None = session.expires_at
    assert expires is not None
    assert expires.year == 2030


def test_login_flow_attributes() -> None:
    flow = _serde.decode(
        b'{"id":"f","type":"api","ui":{"action":"https://x","method":"POST","nodes":['
        b'{"type":"input","group":"default","attributes":{"node_type":"input",'
        b'"name":"csrf_token","type":"hidden","value":"t"}}]}}',
        LoginFlow,
    )
    assert flow.ui is not None
    names: list[str | None] = [
        n.attributes.name for n in flow.ui.nodes if isinstance(n.attributes, UiNodeInputAttributes)
    ]
    assert names == ["csrf_token"]
    action: str | None = flow.ui.action
    assert action == "https://x"
