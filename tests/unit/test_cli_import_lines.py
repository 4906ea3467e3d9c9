"""An exported line parses into the body that recreates the identity."""

from __future__ import annotations

import orjson
import pytest

from ory_async._cli._output import dumps_line
from ory_async._cli.importer import InvalidLineError, parse_line


def test_an_exported_line_becomes_the_body_that_recreates_it() -> None:
    line = orjson.dumps(
        {
            "id": "9f425a8d-7efc-4768-8f23-7647a74fdf13",
            "schema_id": "default",
            "schema_url": "https://example.com/schemas/default",
            "state": "inactive",
            "traits": {"email": "ada@example.com"},
            "created_at": "2024-01-01T00:00:00Z",
            "credentials": {
                "password": {
                    "type": "password",
                    "identifiers": ["ada@example.com"],
                    "config": {"hashed_password": "$2a$10$abc"},
                },
                "oidc": {
                    "type": "oidc",
                    "config": {
                        "providers": [
                            {"provider": "github", "subject": "1", "initial_access_token": "x"}
                        ]
                    },
                },
            },
            "some_future_field": 1,
        }
    )
    body = orjson.loads(dumps_line(parse_line(line)))
    assert body == {
        "schema_id": "default",
        "state": "inactive",
        "traits": {"email": "ada@example.com"},
        "credentials": {
            "password": {"config": {"hashed_password": "$2a$10$abc"}},
            "oidc": {"config": {"providers": [{"provider": "github", "subject": "1"}]}},
        },
    }
    with pytest.raises(InvalidLineError, match="needs traits"):
        parse_line(b'{"id": "x", "schema_id": "default"}')
