"""``ory.flows``: read self-service flows and the errors shown to users."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from .. import models
from .._headers import check_header_value
from ..auth import Auth
from ._base import Service, check_str

if TYPE_CHECKING:
    from ..models import (
        FlowError,
        LoginFlow,
        RecoveryFlow,
        RegistrationFlow,
        SettingsFlow,
        V0Flow,
        V0FlowError,
        VerificationFlow,
    )

__all__ = ["FlowsService"]

F = TypeVar("F")


def _flow_id(value: str, name: str = "id") -> str:
    check_str(name, value)
    if not value:
        msg = f"{name} must not be empty"
        raise ValueError(msg)
    return value


class FlowsService(Service):
    """Self-service flows (``/self-service/<kind>/flows?id=``; public URL on v1, admin URL on v0).

    On v0 servers every ``get_*`` returns a :class:`~ory_async.models.V0Flow`, whose
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
            query={"id": _flow_id(id)},
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
            query={key: _flow_id(id)},
            auth=auth,
            timeout=timeout,
        )
        if self._api == "v0":
            return await self._transport.call(request, models.V0FlowError)
        return await self._transport.call(request, models.FlowError)
