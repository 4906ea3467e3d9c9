"""Self-service flows, their error container, and the answers of native sign-in and sign-up.

The flows are login, registration, recovery, settings and verification.

All flows share ``id``, ``type``, ``state``, ``ui`` and the timestamps; each adds what is
its own. Current servers describe the form in ``ui``; v0 servers sent ``methods`` instead
(see :mod:`ory_async.models.v0`).
"""

from __future__ import annotations

from datetime import datetime

import attrs

from .._markers import OpenEnum
from ..errors import GenericError
from .common import AuthenticatorAssuranceLevel, CredentialType, FlowType, JsonObject, JsonValue
from .identities import Identity
from .sessions import Session
from .ui import UiContainer

__all__ = [
    "FlowError",
    "FlowState",
    "LoginFlow",
    "LoginFlowTestContext",
    "LoginFlowTestDebugPayload",
    "LoginFlowTestSchemaValidationError",
    "LoginFlowTestStepError",
    "LogoutFlow",
    "RecoveryFlow",
    "RegistrationFlow",
    "SettingsFlow",
    "SuccessfulNativeLogin",
    "SuccessfulNativeRegistration",
    "VerificationFlow",
]


class FlowState(OpenEnum):
    """Where a flow is.

    Login, registration, recovery and verification move through ``choose_method`` →
    ``sent_email`` → ``passed_challenge``; settings through ``show_form`` → ``success``.
    """

    CHOOSE_METHOD = "choose_method"
    SENT_EMAIL = "sent_email"
    PASSED_CHALLENGE = "passed_challenge"
    SHOW_FORM = "show_form"
    SUCCESS = "success"


@attrs.frozen(kw_only=True, slots=True)
class _Flow:
    """What every self-service flow has."""

    id: str
    type: FlowType | str | None = None
    state: FlowState | str | None = None
    active: CredentialType | str | None = None
    ui: UiContainer | None = None
    request_url: str | None = None
    return_to: str | None = None
    issued_at: datetime | None = None
    expires_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    transient_payload: JsonValue = None


@attrs.frozen(kw_only=True, slots=True)
class _EntryFlow(_Flow):
    """What login and registration flows share: organization, schema and OAuth2 links."""

    organization_id: str | None = None
    identity_schema: str | None = None
    oauth2_login_challenge: str | None = None
    oauth2_login_request: JsonObject | None = None
    session_token_exchange_code: str | None = None


@attrs.frozen(kw_only=True, slots=True)
class LoginFlowTestStepError:
    """The step of an OIDC test login that failed (``step``: e.g. ``token_exchange``)."""

    step: str | None = None
    reason: str | None = None
    message: str | None = None


@attrs.frozen(kw_only=True, slots=True)
class LoginFlowTestSchemaValidationError:
    """One identity-schema violation of the traits the Jsonnet mapper produced."""

    path: str | None = None
    message: str | None = None


@attrs.frozen(kw_only=True, slots=True)
class LoginFlowTestDebugPayload:
    """What an OIDC test login captured: claims, the Jsonnet mapper's input and output.

    Bearer tokens are never part of it.
    """

    id_token_claims: JsonObject | None = None
    userinfo: JsonObject | None = None
    jsonnet_mapper_url: str | None = None
    jsonnet_input: JsonObject | None = None
    jsonnet_output: JsonObject | None = None
    jsonnet_stderr: str | None = None
    schema_validation_errors: list[LoginFlowTestSchemaValidationError] = attrs.field(factory=list)
    error: LoginFlowTestStepError | None = None


@attrs.frozen(kw_only=True, slots=True)
class LoginFlowTestContext:
    """What makes a login flow an OIDC test flow: its provider, and once run its debug data."""

    provider_id: str | None = None
    debug_payload: LoginFlowTestDebugPayload | None = None


@attrs.frozen(kw_only=True, slots=True)
class LoginFlow(_EntryFlow):
    """A login flow.

    ``refresh`` forces re-authentication; ``requested_aal`` is the level the flow must
    reach; ``oauth2_login_challenge`` links it to an Ory OAuth2 login. ``test_context`` is
    set on the dry-run OIDC flows of ``identities.create_test_login_flow``.
    """

    refresh: bool | None = None
    requested_aal: AuthenticatorAssuranceLevel | str | None = None
    test_context: LoginFlowTestContext | None = None


@attrs.frozen(kw_only=True, slots=True)
class RegistrationFlow(_EntryFlow):
    """A registration (sign-up) flow."""


@attrs.frozen(kw_only=True, slots=True)
class RecoveryFlow(_Flow):
    """An account recovery flow.

    ``continue_with`` lists what the UI should do next (each item an object with an
    ``action`` key).
    """

    continue_with: list[JsonObject] = attrs.field(factory=list)


@attrs.frozen(kw_only=True, slots=True)
class SettingsFlow(_Flow):
    """A settings flow for the signed-in ``identity``."""

    identity: Identity | None = None
    organization_id: str | None = None
    continue_with: list[JsonObject] = attrs.field(factory=list)


@attrs.frozen(kw_only=True, slots=True)
class VerificationFlow(_Flow):
    """An address verification flow."""


@attrs.frozen(kw_only=True, slots=True)
class FlowError:
    """A self-service error shown to the user (``flows.get_error``); ``error`` says what."""

    id: str
    error: GenericError | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@attrs.frozen(kw_only=True, slots=True)
class SuccessfulNativeLogin:
    """The answer to a completed login: the session, and for API flows its token.

    ``session.identity`` may be ``None`` here.
    """

    session: Session
    session_token: str | None = None
    continue_with: list[JsonObject] = attrs.field(factory=list)


@attrs.frozen(kw_only=True, slots=True)
class SuccessfulNativeRegistration:
    """The answer to a completed registration.

    ``identity`` is the new identity; ``session`` (with ``session_token`` for API flows) is
    set if the server is configured to sign new users in.
    """

    identity: Identity
    session: Session | None = None
    session_token: str | None = None
    continue_with: list[JsonObject] = attrs.field(factory=list)


@attrs.frozen(kw_only=True, slots=True)
class LogoutFlow:
    """A browser logout: open ``logout_url``, or send ``logout_token`` to sign out."""

    logout_url: str
    logout_token: str
