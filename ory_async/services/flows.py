"""``ory.flows``: read self-service flows and the errors shown to users."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from .. import models
from .._headers import check_header_value
from .._transport import Request
from ..auth import Auth, SessionToken
from ._base import Service, check_bool, check_nonempty_str, check_str
from ._native import body_of, flow_id_of, submit

if TYPE_CHECKING:
    from ..models import (
        CodeRecovery,
        CodeVerification,
        FlowError,
        FlowRejected,
        LoginFlow,
        RecoveryFlow,
        RegistrationFlow,
        SettingsFlow,
        VerificationFlow,
    )
    from ..models.v0 import V0Flow, V0FlowError

__all__ = [
    "FlowsService",
    "LoginBody",
    "LoginResult",
    "RecoveryResult",
    "RegistrationBody",
    "RegistrationResult",
    "SettingsBody",
    "SettingsResult",
    "VerificationResult",
]

F = TypeVar("F")
S = TypeVar("S")

LoginBody: TypeAlias = "models.PasswordLogin | models.CodeLogin | models.TotpLogin | models.LookupSecretLogin | Mapping[str, Any]"
"""What ``flows.login`` submits: a method body, or a mapping with a ``method`` key."""
RegistrationBody: TypeAlias = (
    "models.PasswordRegistration | models.CodeRegistration | Mapping[str, Any]"
)
"""What ``flows.registration`` submits."""
SettingsBody: TypeAlias = "models.PasswordSettings | models.ProfileSettings | models.TotpSettings | models.LookupSecretSettings | Mapping[str, Any]"
"""What ``flows.settings`` submits."""
LoginResult: TypeAlias = "models.SuccessfulNativeLogin | models.FlowRejected[models.LoginFlow]"
"""A signed-in session, or the login flow with what was wrong."""
RegistrationResult: TypeAlias = (
    "models.SuccessfulNativeRegistration | models.FlowRejected[models.RegistrationFlow]"
)
"""The new identity (and its session), or the registration flow with what was wrong."""
SettingsResult: TypeAlias = "models.SettingsFlow | models.FlowRejected[models.SettingsFlow]"
"""The settings flow after a saved change (``state == "success"``), or with what was wrong."""
RecoveryResult: TypeAlias = "models.RecoveryFlow | models.FlowRejected[models.RecoveryFlow]"
"""The recovery flow's next step, or the flow with what was wrong."""
VerificationResult: TypeAlias = (
    "models.VerificationFlow | models.FlowRejected[models.VerificationFlow]"
)
"""The verification flow's next step, or the flow with what was wrong."""


class FlowsService(Service):
    """Self-service flows (``/self-service/<kind>/flows?id=``; public URL on v1, admin URL on v0).

    On v0 servers every ``get_*`` returns a :class:`~ory_async.models.v0.V0Flow`, whose
    forms are described per method instead of as UI nodes.
    """

    __slots__ = ()

    async def _get(
        self,
        kind: str,
        model: type[F],
        id: str,
        auth: Auth | None,
        timeout: float | None,
        session_token: str | None = None,
    ) -> F | V0Flow:
        headers = {"X-Session-Token": session_token} if session_token else None
        request = self._request(
            "GET",
            self._public_url("self-service", kind, "flows"),
            query={"id": check_nonempty_str("id", id)},
            headers=headers,
            auth=auth,
            timeout=timeout,
        )
        if self._api == "v0":
            return await self._transport.call(request, models.V0Flow)
        return await self._transport.call(request, model)

    async def get_login(
        self, id: str, *, auth: Auth | None = None, timeout: float | None = None
    ) -> LoginFlow | V0Flow:
        """Get a login flow.

        Raises:
            NotFoundError: unknown flow. GoneError: the flow expired; start a new one.
            ForbiddenError: the flow belongs to another browser (CSRF).
        """
        return await self._get("login", models.LoginFlow, id, auth, timeout)

    async def get_registration(
        self, id: str, *, auth: Auth | None = None, timeout: float | None = None
    ) -> RegistrationFlow | V0Flow:
        """Get a registration flow (errors as :meth:`get_login`)."""
        return await self._get("registration", models.RegistrationFlow, id, auth, timeout)

    async def get_recovery(
        self, id: str, *, auth: Auth | None = None, timeout: float | None = None
    ) -> RecoveryFlow | V0Flow:
        """Get a recovery flow (errors as :meth:`get_login`)."""
        return await self._get("recovery", models.RecoveryFlow, id, auth, timeout)

    async def get_settings(
        self,
        id: str,
        *,
        session_token: str | None = None,
        auth: Auth | None = None,
        timeout: float | None = None,
    ) -> SettingsFlow | V0Flow:
        """Get a settings flow; native apps pass the user's ``session_token``.

        Raises:
            UnauthorizedError: no valid session. ForbiddenError: another identity's flow,
                or a higher assurance level is needed. GoneError: the flow expired.
            ValueError: before any request, a ``session_token`` with a line break or NUL.
        """
        if session_token is not None:
            check_header_value(session_token, what="session_token")
        return await self._get("settings", models.SettingsFlow, id, auth, timeout, session_token)

    async def get_verification(
        self, id: str, *, auth: Auth | None = None, timeout: float | None = None
    ) -> VerificationFlow | V0Flow:
        """Get a verification flow (errors as :meth:`get_login`)."""
        return await self._get("verification", models.VerificationFlow, id, auth, timeout)

    async def get_error(
        self, id: str, *, auth: Auth | None = None, timeout: float | None = None
    ) -> FlowError | V0FlowError:
        """Get a self-service error shown to a user (``GET /self-service/errors``).

        Raises:
            NotFoundError: unknown error id.
        """
        key = "error" if self._api == "v0" else "id"
        request = self._request(
            "GET",
            self._public_url("self-service", "errors"),
            query={key: check_nonempty_str("id", id)},
            auth=auth,
            timeout=timeout,
        )
        if self._api == "v0":
            return await self._transport.call(request, models.V0FlowError)
        return await self._transport.call(request, models.FlowError)

    # --- native (API) flows -----------------------------------------------------------------

    def _native_request(
        self,
        method: str,
        url_segments: tuple[str, ...],
        *,
        query: dict[str, Any] | None = None,
        json: Any = None,
        session_token: str | None,
        timeout: float | None,
    ) -> Request:
        # Native flows carry the user's session token or nothing: never the client's API key.
        auth = None
        if session_token is not None:
            check_str("session_token", session_token)
            auth = SessionToken(session_token)
        return self._user_request(
            method, *url_segments, auth=auth, query=query, json=json, timeout=timeout
        )

    async def _start(
        self,
        kind: str,
        model: type[F],
        query: dict[str, Any],
        session_token: str | None,
        timeout: float | None,
    ) -> F:
        self._require("v1", f"flows.start_{kind}")
        request = self._native_request(
            "GET",
            ("self-service", kind, "api"),
            query=query,
            session_token=session_token,
            timeout=timeout,
        )
        result: F = await self._transport.call(request, model)
        return result

    async def _submit(
        self,
        kind: str,
        flow: object,
        body: object,
        success: type[S],
        flow_type: type[F],
        session_token: str | None,
        timeout: float | None,
    ) -> S | FlowRejected[F]:
        self._require("v1", f"flows.{kind}")
        payload = body_of(body)
        request = self._native_request(
            "POST",
            ("self-service", kind),
            query={"flow": flow_id_of(flow)},
            json=payload,
            session_token=session_token,
            timeout=timeout,
        )
        return await submit(self._transport, request, success, flow_type)

    async def start_login(
        self,
        *,
        refresh: bool | None = None,
        aal: str | None = None,
        return_to: str | None = None,
        return_session_token_exchange_code: bool | None = None,
        session_token: str | None = None,
        timeout: float | None = None,
    ) -> LoginFlow:
        """Start a native login flow (``GET /self-service/login/api``).

        ``refresh=True`` signs an already signed-in user in again and ``aal="aal2"`` asks
        for the second factor; both need that user's ``session_token``.
        ``return_session_token_exchange_code=True`` (with ``return_to``) is for a sign-in
        finished in a browser: the flow's ``session_token_exchange_code`` and the code the
        browser returns are traded with ``frontend.exchange_session_token``.

        Raises:
            BadRequestError: the token's session is already signed in (without ``refresh``
                or ``aal``), or ``return_to`` is not allowed.
        """
        check_bool("refresh", refresh)
        check_bool("return_session_token_exchange_code", return_session_token_exchange_code)
        query = {
            "refresh": refresh,
            "aal": check_str("aal", aal),
            "return_to": check_str("return_to", return_to),
            "return_session_token_exchange_code": return_session_token_exchange_code,
        }
        return await self._start("login", models.LoginFlow, query, session_token, timeout)

    async def login(
        self,
        body: LoginBody,
        *,
        flow: LoginFlow | str | None = None,
        session_token: str | None = None,
        timeout: float | None = None,
    ) -> LoginResult:
        """Submit a native login flow (``POST /self-service/login?flow=``).

        ``body`` is a method body such as ``PasswordLogin(identifier=..., password=...)``.
        Without ``flow`` a new flow is started first (one call more). A second factor
        (``TotpLogin``, ``LookupSecretLogin``) goes to a flow started with ``aal="aal2"``
        and the user's ``session_token``.

        Returns:
            :class:`~ory_async.models.SuccessfulNativeLogin` (``session_token`` and
            ``session``), or :class:`~ory_async.models.FlowRejected` with the flow and
            its messages (wrong credentials, an unknown identifier, ...).

        Raises:
            GoneError: the flow expired; start a new one.
            NotFoundError: no such flow.
            BadRequestError: a refusal without a flow, e.g. ``identity_disabled``.
        """
        if flow is None:
            flow = await self.start_login(session_token=session_token, timeout=timeout)
        return await self._submit(
            "login",
            flow,
            body,
            models.SuccessfulNativeLogin,
            models.LoginFlow,
            session_token,
            timeout,
        )

    async def start_registration(
        self,
        *,
        return_to: str | None = None,
        return_session_token_exchange_code: bool | None = None,
        timeout: float | None = None,
    ) -> RegistrationFlow:
        """Start a native registration flow (``GET /self-service/registration/api``).

        ``return_session_token_exchange_code`` works as in :meth:`start_login`.
        """
        check_bool("return_session_token_exchange_code", return_session_token_exchange_code)
        query = {
            "return_to": check_str("return_to", return_to),
            "return_session_token_exchange_code": return_session_token_exchange_code,
        }
        return await self._start("registration", models.RegistrationFlow, query, None, timeout)

    async def registration(
        self,
        body: RegistrationBody,
        *,
        flow: RegistrationFlow | str | None = None,
        timeout: float | None = None,
    ) -> RegistrationResult:
        """Submit a native registration flow (``POST /self-service/registration?flow=``).

        ``body`` is e.g. ``PasswordRegistration(traits={"email": ...}, password=...)``;
        without ``flow`` a new flow is started first.

        Returns:
            :class:`~ory_async.models.SuccessfulNativeRegistration` (the identity, and the
            session with its token when sign-up signs in), or
            :class:`~ory_async.models.FlowRejected` (a taken identifier, a password the
            policy refuses, traits that do not validate).

        Raises:
            GoneError: the flow expired. NotFoundError: no such flow.
        """
        if flow is None:
            flow = await self.start_registration(timeout=timeout)
        return await self._submit(
            "registration",
            flow,
            body,
            models.SuccessfulNativeRegistration,
            models.RegistrationFlow,
            None,
            timeout,
        )

    async def start_settings(
        self, *, session_token: str, timeout: float | None = None
    ) -> SettingsFlow:
        """Start a native settings flow for ``session_token``'s user (``GET /self-service/settings/api``).

        Raises:
            UnauthorizedError: no active session for the token.
            ForbiddenError: the session needs a second factor first.
        """
        return await self._start("settings", models.SettingsFlow, {}, session_token, timeout)

    async def settings(
        self,
        body: SettingsBody,
        *,
        session_token: str,
        flow: SettingsFlow | str | None = None,
        timeout: float | None = None,
    ) -> SettingsResult:
        """Submit a native settings flow (``POST /self-service/settings?flow=``).

        ``body`` is e.g. ``PasswordSettings(password=...)`` or
        ``ProfileSettings(traits=...)``; without ``flow`` a new flow is started first.

        Returns:
            The :class:`~ory_async.models.SettingsFlow` with ``state == "success"`` and a
            "Your changes have been saved!" message, or
            :class:`~ory_async.models.FlowRejected` (a password the policy refuses,
            traits that do not validate).

        Raises:
            UnauthorizedError: no active session for the token.
            ForbiddenError: ``session_refresh_required`` (sign in again with
                ``start_login(refresh=True)`` first) or another user's flow.
        """
        if flow is None:
            flow = await self.start_settings(session_token=session_token, timeout=timeout)
        return await self._submit(
            "settings", flow, body, models.SettingsFlow, models.SettingsFlow, session_token, timeout
        )

    async def start_recovery(self, *, timeout: float | None = None) -> RecoveryFlow:
        """Start a native account recovery flow (``GET /self-service/recovery/api``)."""
        return await self._start("recovery", models.RecoveryFlow, {}, None, timeout)

    async def recovery(
        self,
        body: CodeRecovery | Mapping[str, Any],
        *,
        flow: RecoveryFlow | str | None = None,
        timeout: float | None = None,
    ) -> RecoveryResult:
        """Submit a native recovery flow (``POST /self-service/recovery?flow=``).

        First ``CodeRecovery(email=...)``: the flow comes back in ``sent_email`` and a
        code goes to the address (if it belongs to an identity; the answer is the same
        either way). Then ``CodeRecovery(code=...)`` to the same flow: the flow comes back
        in ``passed_challenge``; its ``continue_with`` holds the session token
        (``set_ory_session_token``) and the settings flow to set a new password
        (``show_settings_ui``). A wrong code answers 200 with an error message in
        ``flow.ui.messages`` (Kratos's own choice), not a rejection.

        Returns:
            The :class:`~ory_async.models.RecoveryFlow`, or
            :class:`~ory_async.models.FlowRejected` (e.g. an address that is not an email).

        Raises:
            ApiError: 422 ``browser_location_change_required`` from a server without
                ``continue_with`` transitions (it has no API answer for a recovered user).
        """
        if flow is None:
            flow = await self.start_recovery(timeout=timeout)
        return await self._submit(
            "recovery", flow, body, models.RecoveryFlow, models.RecoveryFlow, None, timeout
        )

    async def start_verification(self, *, timeout: float | None = None) -> VerificationFlow:
        """Start a native verification flow (``GET /self-service/verification/api``)."""
        return await self._start("verification", models.VerificationFlow, {}, None, timeout)

    async def verification(
        self,
        body: CodeVerification | Mapping[str, Any],
        *,
        flow: VerificationFlow | str | None = None,
        timeout: float | None = None,
    ) -> VerificationResult:
        """Submit a native verification flow (``POST /self-service/verification?flow=``).

        First ``CodeVerification(email=...)`` (state ``sent_email``), then
        ``CodeVerification(code=...)`` to the same flow: ``passed_challenge`` and the
        address is verified. A wrong code answers 200 with an error message in
        ``flow.ui.messages``.

        Returns:
            The :class:`~ory_async.models.VerificationFlow`, or
            :class:`~ory_async.models.FlowRejected`.
        """
        if flow is None:
            flow = await self.start_verification(timeout=timeout)
        return await self._submit(
            "verification",
            flow,
            body,
            models.VerificationFlow,
            models.VerificationFlow,
            None,
            timeout,
        )
