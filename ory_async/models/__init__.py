"""The request and response models of the Ory identity admin API.

Every model is a frozen attrs class converted by the one converter in ``ory_async._serde``:

* responses: only what every server generation always sends is required (``id``; for
  identities also ``schema_id`` and ``traits``; the link or token a small result exists
  for). Everything else is ``None`` when absent or null, and list fields are ``[]``.
  Unknown keys are ignored, and an enum value this client does not know stays a ``str``.
* request bodies: fields left at :data:`UNSET` are not sent; ``None`` sends JSON ``null``
  where the server accepts it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .._markers import UNSET, Unset
from ..errors import GenericError

if TYPE_CHECKING:
    from .batch import (
        BatchPatchIdentitiesBody,
        BatchPatchIdentitiesResponse,
        IdentityPatch,
        IdentityPatchAction,
        IdentityPatchResponse,
        PatchIdentitiesBody,
    )
    from .common import (
        AddressVia,
        AuthenticatorAssuranceLevel,
        Consistency,
        CredentialType,
        ErrorGeneric,
        FlowType,
        IdentityState,
        JsonObject,
        JsonValue,
        Region,
        VerifiableAddressStatus,
    )
    from .courier import (
        CourierMessageStatus,
        CourierMessageTemplateType,
        CourierMessageType,
        Message,
        MessageChannel,
        MessageDispatch,
        MessageDispatchStatus,
    )
    from .durations import (
        check_go_duration,
        format_go_duration,
        to_go_duration,
        to_single_unit_duration,
    )
    from .flows import (
        FlowError,
        FlowState,
        LoginFlow,
        LoginFlowTestContext,
        LoginFlowTestDebugPayload,
        LoginFlowTestSchemaValidationError,
        LoginFlowTestStepError,
        LogoutFlow,
        RecoveryFlow,
        RegistrationFlow,
        SettingsFlow,
        SuccessfulNativeLogin,
        SuccessfulNativeRegistration,
        VerificationFlow,
    )
    from .frontend import RevokedSessionsCount
    from .identities import (
        CreateIdentityBody,
        Identity,
        IdentityCredentials,
        IdentityCredentialsLookupSecretCode,
        IdentityWithCredentials,
        IdentityWithCredentialsLookupSecret,
        IdentityWithCredentialsLookupSecretConfig,
        IdentityWithCredentialsOidc,
        IdentityWithCredentialsOidcConfig,
        IdentityWithCredentialsOidcConfigProvider,
        IdentityWithCredentialsPasskey,
        IdentityWithCredentialsPasskeyConfig,
        IdentityWithCredentialsPassword,
        IdentityWithCredentialsPasswordConfig,
        IdentityWithCredentialsSaml,
        IdentityWithCredentialsSamlConfig,
        IdentityWithCredentialsSamlConfigProvider,
        IdentityWithCredentialsTotp,
        IdentityWithCredentialsTotpConfig,
        IdentityWithCredentialsWebAuthn,
        IdentityWithCredentialsWebAuthnConfig,
        JsonPatch,
        RecoveryIdentityAddress,
        UpdateIdentityBody,
        VerifiableIdentityAddress,
    )
    from .native import (
        CodeLogin,
        CodeRecovery,
        CodeRegistration,
        CodeVerification,
        FlowRejected,
        LookupSecretLogin,
        LookupSecretSettings,
        PasswordLogin,
        PasswordRegistration,
        PasswordSettings,
        ProfileSettings,
        TotpLogin,
        TotpSettings,
    )
    from .recovery import (
        CreateRecoveryCodeForIdentityBody,
        CreateRecoveryLinkForIdentityBody,
        RecoveryCodeForIdentity,
        RecoveryLinkForIdentity,
    )
    from .schemas import (
        IdentitySchemaContainer,
    )
    from .sessions import (
        ManageSessionsAction,
        ManageSessionsBody,
        ManageSessionsResponse,
        Session,
        SessionAuthenticationMethod,
        SessionDevice,
    )
    from .ui import (
        UiContainer,
        UiNode,
        UiNodeAnchorAttributes,
        UiNodeAttributes,
        UiNodeDivisionAttributes,
        UiNodeGroup,
        UiNodeImageAttributes,
        UiNodeInputAttributes,
        UiNodeInputAttributesOption,
        UiNodeInputType,
        UiNodeMeta,
        UiNodeScriptAttributes,
        UiNodeTextAttributes,
        UiNodeType,
        UiNodeUnknownAttributes,
        UiText,
        UiTextType,
    )
    from .v0 import (
        V0Flow,
        V0FlowError,
        V0FlowMethod,
        V0FlowMethodConfig,
        V0FormField,
    )

__all__ = [
    "UNSET",
    "AddressVia",
    "AuthenticatorAssuranceLevel",
    "BatchPatchIdentitiesBody",
    "BatchPatchIdentitiesResponse",
    "CodeLogin",
    "CodeRecovery",
    "CodeRegistration",
    "CodeVerification",
    "Consistency",
    "CourierMessageStatus",
    "CourierMessageTemplateType",
    "CourierMessageType",
    "CreateIdentityBody",
    "CreateRecoveryCodeForIdentityBody",
    "CreateRecoveryLinkForIdentityBody",
    "CredentialType",
    "ErrorGeneric",
    "FlowError",
    "FlowRejected",
    "FlowState",
    "FlowType",
    "GenericError",
    "Identity",
    "IdentityCredentials",
    "IdentityCredentialsLookupSecretCode",
    "IdentityPatch",
    "IdentityPatchAction",
    "IdentityPatchResponse",
    "IdentitySchemaContainer",
    "IdentityState",
    "IdentityWithCredentials",
    "IdentityWithCredentialsLookupSecret",
    "IdentityWithCredentialsLookupSecretConfig",
    "IdentityWithCredentialsOidc",
    "IdentityWithCredentialsOidcConfig",
    "IdentityWithCredentialsOidcConfigProvider",
    "IdentityWithCredentialsPasskey",
    "IdentityWithCredentialsPasskeyConfig",
    "IdentityWithCredentialsPassword",
    "IdentityWithCredentialsPasswordConfig",
    "IdentityWithCredentialsSaml",
    "IdentityWithCredentialsSamlConfig",
    "IdentityWithCredentialsSamlConfigProvider",
    "IdentityWithCredentialsTotp",
    "IdentityWithCredentialsTotpConfig",
    "IdentityWithCredentialsWebAuthn",
    "IdentityWithCredentialsWebAuthnConfig",
    "JsonObject",
    "JsonPatch",
    "JsonValue",
    "LoginFlow",
    "LoginFlowTestContext",
    "LoginFlowTestDebugPayload",
    "LoginFlowTestSchemaValidationError",
    "LoginFlowTestStepError",
    "LogoutFlow",
    "LookupSecretLogin",
    "LookupSecretSettings",
    "ManageSessionsAction",
    "ManageSessionsBody",
    "ManageSessionsResponse",
    "Message",
    "MessageChannel",
    "MessageDispatch",
    "MessageDispatchStatus",
    "PasswordLogin",
    "PasswordRegistration",
    "PasswordSettings",
    "PatchIdentitiesBody",
    "ProfileSettings",
    "RecoveryCodeForIdentity",
    "RecoveryFlow",
    "RecoveryIdentityAddress",
    "RecoveryLinkForIdentity",
    "Region",
    "RegistrationFlow",
    "RevokedSessionsCount",
    "Session",
    "SessionAuthenticationMethod",
    "SessionDevice",
    "SettingsFlow",
    "SuccessfulNativeLogin",
    "SuccessfulNativeRegistration",
    "TotpLogin",
    "TotpSettings",
    "UiContainer",
    "UiNode",
    "UiNodeAnchorAttributes",
    "UiNodeAttributes",
    "UiNodeDivisionAttributes",
    "UiNodeGroup",
    "UiNodeImageAttributes",
    "UiNodeInputAttributes",
    "UiNodeInputAttributesOption",
    "UiNodeInputType",
    "UiNodeMeta",
    "UiNodeScriptAttributes",
    "UiNodeTextAttributes",
    "UiNodeType",
    "UiNodeUnknownAttributes",
    "UiText",
    "UiTextType",
    "Unset",
    "UpdateIdentityBody",
    "V0Flow",
    "V0FlowError",
    "V0FlowMethod",
    "V0FlowMethodConfig",
    "V0FormField",
    "VerifiableAddressStatus",
    "VerifiableIdentityAddress",
    "VerificationFlow",
    "check_go_duration",
    "format_go_duration",
    "to_go_duration",
    "to_single_unit_duration",
]

_SUBMODULES = (
    "batch",
    "common",
    "courier",
    "durations",
    "flows",
    "frontend",
    "identities",
    "native",
    "recovery",
    "schemas",
    "sessions",
    "ui",
    "v0",
)


def __getattr__(name: str) -> Any:
    # The model classes are built on first use, not by ``import ory_async``: creating
    # them is most of what importing the package would otherwise cost.
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    namespace = globals()
    for sub in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{sub}")
        namespace.update((n, getattr(module, n)) for n in module.__all__ if n in __all__)
    return namespace[name]


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
