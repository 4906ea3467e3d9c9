"""Identity and session documents with every edge the decoder handles."""

from __future__ import annotations

from typing import Any

IDENTITY: dict[str, Any] = {
    "id": "7f3c0b7e-5c1a-4b1e-9a53-3f0c1f1d2e11",
    "schema_id": "default",
    "schema_url": "https://x.example/schemas/ZGVmYXVsdA",
    "state": "active",
    "traits": {"email": "a@example.com", "name": {"first": "A"}},
    "verifiable_addresses": [
        {
            "id": "a1",
            "value": "a@example.com",
            "verified": True,
            "via": "email",
            "status": "completed",
            "verified_at": "2024-01-02T03:04:05.123456789Z",
            "created_at": "2024-01-02T03:04:05Z",
            "updated_at": "0001-01-01T00:00:00Z",
        }
    ],
    "recovery_addresses": None,
    "credentials": {
        "password": {"type": "password", "identifiers": ["a@example.com"], "version": 0},
        "brand_new": {"type": "brand_new", "identifiers": []},
    },
    "metadata_public": None,
    "metadata_admin": {"k": [1, 2]},
    "organization_id": None,
    "region": "mars-north",
    "created_at": "2024-01-02T03:04:05.1+02:00",
    "unknown_key": {"ignored": True},
}


SESSION: dict[str, Any] = {
    "id": "s1",
    "active": True,
    "authenticator_assurance_level": "aal1",
    "authentication_methods": [{"method": "v0.6_legacy_session", "aal": ""}],
    "identity": IDENTITY,
    "devices": None,
}
