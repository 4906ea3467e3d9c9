"""Every real Kratos / Ory Network payload in tests/data/fixtures/kratos decodes into its model.

The table below names the model for each fixture file and how to read it. A fixture that
is not a response body is listed in ``NOT_RESPONSE_SHAPED`` with the reason, and a test
fails when a file is in neither, so a new fixture cannot be skipped silently.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from ory_async import _serde
from ory_async.models import (
    IdentityCredentials,
    IdentitySchemaContainer,
)
from tests.kit.fixture_table import (
    EXPECTED_FILE_COUNT,
    NOT_RESPONSE_SHAPED,
    RESPONSE_SHAPED,
    fixture_body,
)
from tests.kit.shared_files import require_shared


@pytest.fixture(scope="module")
def fixtures_dir() -> Path:
    return require_shared() / "fixtures" / "kratos"


def test_every_fixture_is_classified(fixtures_dir: Path) -> None:
    found = {p.relative_to(fixtures_dir).as_posix() for p in fixtures_dir.rglob("*.json")}
    listed = set(RESPONSE_SHAPED) | set(NOT_RESPONSE_SHAPED)
    assert not set(RESPONSE_SHAPED) & set(NOT_RESPONSE_SHAPED)
    assert sorted(found - listed) == [], "new fixture files: add them to the table"
    assert sorted(listed - found) == [], "listed fixture files that do not exist"
    assert len(found) == EXPECTED_FILE_COUNT


@pytest.mark.parametrize("name", sorted(RESPONSE_SHAPED))
def test_fixture_decodes_and_round_trips(fixtures_dir: Path, name: str) -> None:
    model, _ = RESPONSE_SHAPED[name]
    decoded = _serde.decode(fixture_body(fixtures_dir, name), model, context=name)
    again = _serde.decode(_serde.encode(decoded), model, context=f"{name} re-encoded")
    assert again == decoded


@pytest.mark.parametrize("name", sorted(RESPONSE_SHAPED))
def test_models_know_every_key_of(fixtures_dir: Path, name: str) -> None:
    # strict=True rejects keys no model field names: every key of every fixture is known.
    model, _ = RESPONSE_SHAPED[name]
    _serde.decode(fixture_body(fixtures_dir, name), model, context=name, strict=True)


@pytest.mark.parametrize("name", sorted(NOT_RESPONSE_SHAPED))
def test_not_response_shaped_files_are_json(fixtures_dir: Path, name: str) -> None:
    orjson.loads((fixtures_dir / name).read_bytes())


def test_oidc_config_string_fixture_fits_a_credentials_config(fixtures_dir: Path) -> None:
    text = orjson.loads(
        (fixtures_dir / "identities/snapshot-list-include-credential-oidc-config.json").read_bytes()
    )
    assert isinstance(text, str)
    entry = {"type": "oidc", "identifiers": ["bar:foo"], "config": orjson.loads(text)}
    cred = _serde.decode(orjson.dumps(entry), IdentityCredentials, strict=True)
    assert cred.config is not None
    assert [p["subject"] for p in cred.config["providers"]] == ["foo", "baz"]


def test_schema_fixtures_decode_as_a_schema_list(fixtures_dir: Path) -> None:
    names = sorted(n for n in RESPONSE_SHAPED if n.startswith("schemas/"))
    body = orjson.dumps(
        [
            {
                "id": Path(n).name.split(".")[0],
                "schema": orjson.loads((fixtures_dir / n).read_bytes()),
            }
            for n in names
        ]
    )
    containers = _serde.decode(body, list[IdentitySchemaContainer], strict=True)
    assert [c.id for c in containers] == [Path(n).name.split(".")[0] for n in names]
    assert all(c.schema.get("$schema") or c.schema.get("properties") for c in containers)
