"""Which model each vendored Kratos fixture (tests/data/fixtures/kratos) decodes into, and
how to read it; the files that are not response bodies, each with the reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final, Literal

import orjson

from ory_async.models import (
    ErrorGeneric,
    FlowError,
    GenericError,
    Identity,
    IdentityCredentials,
    LoginFlow,
    LogoutFlow,
    RecoveryFlow,
    RecoveryIdentityAddress,
    RegistrationFlow,
    Session,
    SettingsFlow,
    SuccessfulNativeLogin,
    SuccessfulNativeRegistration,
    UiNode,
    V0Flow,
    VerifiableIdentityAddress,
    VerificationFlow,
)
from tests.kit.shared_files import shared_dir

FIXTURES: Final = shared_dir() / "fixtures" / "kratos"


How = Literal["body", "restore-id"]
"""``body``: the file is the whole JSON body. ``restore-id``: a test snapshot whose source
test stripped the volatile ``id``; a placeholder id is put back before decoding."""


NODES = list[UiNode]


RAW_SCHEMA = dict[str, Any]


RESPONSE_SHAPED: Final[dict[str, tuple[Any, How]]] = {
    # errors
    "errors/ory-docs-self-service-errors-stub500.json": (FlowError, "body"),
    "errors/snapshot-400-expires-in-malformed.json": (ErrorGeneric, "body"),
    "errors/snapshot-400-expires-in-negative.json": (ErrorGeneric, "body"),
    "errors/snapshot-400-malformed-uuid.json": (ErrorGeneric, "body"),
    "errors/snapshot-404-not-found-generic.json": (ErrorGeneric, "body"),
    "errors/snapshot-404-recovery-code-unknown-identity.json": (ErrorGeneric, "body"),
    "errors/snapshot-inner-error-recovery-strategy-invalid.json": (GenericError, "body"),
    "errors/snapshot-inner-error-verification-strategy-invalid.json": (GenericError, "body"),
    # login
    "flows/login/migratest-login-flow-oauth2.json": (LoginFlow, "body"),
    "flows/login/ory-network-create-login-api.json": (LoginFlow, "body"),
    "flows/login/ory-network-create-login-browser.json": (LoginFlow, "body"),
    "flows/login/ory-network-get-login-browser.json": (LoginFlow, "body"),
    "flows/login/snapshot-login-code-mfa-flow.json": (LoginFlow, "restore-id"),
    "flows/login/snapshot-login-password-first-factor-nodes.json": (NODES, "body"),
    # logout
    "flows/logout/ory-network-create-logout-browser.json": (LogoutFlow, "body"),
    # recovery
    "flows/recovery/migratest-recovery-flow.json": (RecoveryFlow, "body"),
    "flows/recovery/ory-network-create-recovery-api.json": (RecoveryFlow, "body"),
    "flows/recovery/ory-network-submit-recovery-api.json": (RecoveryFlow, "body"),
    "flows/recovery/ory-network-submit-recovery-browser.json": (RecoveryFlow, "body"),
    "flows/recovery/snapshot-admin-recovery-code-flow-nodes.json": (NODES, "body"),
    "flows/recovery/snapshot-recovery-flow-error-strategy-disabled.json": (
        RecoveryFlow,
        "restore-id",
    ),
    # registration
    "flows/registration/migratest-registration-flow.json": (RegistrationFlow, "body"),
    "flows/registration/ory-network-create-registration-browser.json": (
        RegistrationFlow,
        "body",
    ),
    "flows/registration/ory-network-submit-registration-api.json": (
        SuccessfulNativeRegistration,
        "body",
    ),
    "flows/registration/ory-network-submit-registration-browser.json": (
        SuccessfulNativeRegistration,
        "body",
    ),
    "flows/registration/snapshot-two-step-registration-nodes.json": (NODES, "body"),
    # settings
    "flows/settings/migratest-settings-flow-with-identity.json": (SettingsFlow, "body"),
    "flows/settings/snapshot-settings-init-nodes.json": (NODES, "body"),
    "flows/settings/snapshot-settings-lookup-regenerate-nodes.json": (NODES, "body"),
    "flows/settings/snapshot-settings-totp-setup-nodes.json": (NODES, "body"),
    # verification
    "flows/verification/migratest-verification-flow.json": (VerificationFlow, "body"),
    "flows/verification/ory-network-create-verification-browser.json": (
        VerificationFlow,
        "body",
    ),
    "flows/verification/ory-network-submit-verification-api.json": (VerificationFlow, "body"),
    # identities
    "identities/migratest-identity-minimal.json": (Identity, "body"),
    "identities/migratest-identity-password-3-verifiable-1-recovery.json": (Identity, "body"),
    "identities/migratest-identity-password-totp.json": (Identity, "body"),
    "identities/migratest-identity-with-metadata.json": (Identity, "body"),
    "identities/migratest-recovery-address.json": (RecoveryIdentityAddress, "body"),
    "identities/migratest-verifiable-address.json": (VerifiableIdentityAddress, "body"),
    "identities/snapshot-batch-created-identity.json": (Identity, "restore-id"),
    "identities/snapshot-declassified-oidc-credential.json": (IdentityCredentials, "body"),
    "identities/snapshot-get-identity-password-webauthn-included.json": (
        Identity,
        "restore-id",
    ),
    "identities/snapshot-get-identity-without-credentials-included.json": (
        Identity,
        "restore-id",
    ),
    "identities/snapshot-import-org-oidc-saml.json": (Identity, "restore-id"),
    "identities/snapshot-updated-identity-lookup-secret.json": (Identity, "restore-id"),
    "identities/snapshot-updated-identity-webauthn.json": (Identity, "restore-id"),
    # schemas: the raw JSON Schema is the whole body of GET /schemas/{id}
    "schemas/e2e-code-complex.schema.json": (RAW_SCHEMA, "body"),
    "schemas/handler-multiple-emails.schema.json": (RAW_SCHEMA, "body"),
    "schemas/ory-docs-identity-schema-partial.json": (RAW_SCHEMA, "body"),
    "schemas/quickstart-all-strategies.schema.json": (RAW_SCHEMA, "body"),
    "schemas/quickstart-email-password.schema.json": (RAW_SCHEMA, "body"),
    "schemas/quickstart-phone-password.schema.json": (RAW_SCHEMA, "body"),
    # sessions
    "sessions/migratest-session-068f6bb6.json": (Session, "body"),
    "sessions/migratest-session-aal2-with-device.json": (Session, "body"),
    "sessions/migratest-session-legacy-amr.json": (Session, "body"),
    "sessions/ory-network-whoami-api.json": (Session, "body"),
    "sessions/ory-network-login-api-success.json": (SuccessfulNativeLogin, "body"),
    "sessions/ory-network-login-browser-success.json": (SuccessfulNativeLogin, "body"),
    # v0 (legacy Kratos v0.5)
    "v0-legacy/v0-identity-a251ebc2.json": (Identity, "body"),
    "v0-legacy/v0-identity-minimal.json": (Identity, "body"),
    "v0-legacy/v0-session.json": (Session, "body"),
    "v0-legacy/v0-login-flow-methods.json": (V0Flow, "body"),
    "v0-legacy/v0-settings-flow-methods.json": (V0Flow, "body"),
}


_LINK = "the Link header of a paginated answer split into fragments (a pagination input)"


NOT_RESPONSE_SHAPED: Final[dict[str, str]] = {
    "identities/snapshot-list-include-credential-oidc-config.json": (
        "a JSON string holding one credentials.oidc.config, not a response body"
    ),
    "pagination/keysetpagination-v2-page-token.json": (
        "the server's internal keyset page-token structure; clients treat tokens as opaque"
    ),
    "pagination/migrationpagination-link-first-page.json": _LINK,
    "pagination/migrationpagination-link-last-page.json": _LINK,
    "pagination/migrationpagination-link-middle.json": _LINK,
    "pagination/migrationpagination-link-single-page.json": _LINK,
    "pagination/tokenpagination-link-middle.json": _LINK,
}


EXPECTED_FILE_COUNT: Final = 70


PLACEHOLDER_ID: Final = "00000000-0000-4000-8000-000000000000"


def fixture_body(fixtures_dir: Path, name: str) -> bytes:
    raw = (fixtures_dir / name).read_bytes()
    _, how = RESPONSE_SHAPED[name]
    if how == "restore-id":
        data = orjson.loads(raw)
        assert isinstance(data, dict)
        assert "id" not in data, f"{name} has an id; list it as 'body'"
        raw = orjson.dumps({"id": PLACEHOLDER_ID, **data})
    return raw
