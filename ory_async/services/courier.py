"""``ory.courier``: the messages (emails, SMS) the server has queued and sent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from .. import models
from .._pagination import AsyncPager
from .._urls import segment
from ..auth import Auth
from ._base import Service, check_int, check_str

if TYPE_CHECKING:
    from ..models import CourierMessageStatus, Message

__all__ = ["CourierService"]

MAX_PAGE_SIZE: Final = 1000


class CourierService(Service):
    """Courier messages (``/admin/courier/messages``, v1)."""

    __slots__ = ()

    def list(
        self,
        *,
        status: CourierMessageStatus | str | None = None,
        recipient: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
        auth: Auth | None = None,
        timeout: float | None = None,
    ) -> AsyncPager[Message]:
        """List courier messages, newest first (``GET /admin/courier/messages``, token form).

        ``status`` keeps messages in one state (``queued``, ``sent``, ``processing``,
        ``abandoned``; a value a newer server knows is sent as given); ``recipient`` keeps
        those sent to one address. ``page_token`` starts the walk where an earlier one
        stopped. Listed messages carry no dispatches; :meth:`get` has them.

        Raises:
            ValueError, TypeError: before any request, for a page size out of range or
                arguments of the wrong type.
            BadRequestError: the server does not know the status, or the token is invalid.
        """
        self._require("v1", "courier.list")
        check_str("status", status)
        check_str("recipient", recipient)
        check_int("page_size", page_size, low=1, high=MAX_PAGE_SIZE)
        check_str("page_token", page_token)
        return self._pager(
            self._admin_url("courier", "messages"),
            {
                "status": None if status is None else str(status),
                "recipient": recipient,
                "page_size": page_size,
                "page_token": page_token,
            },
            item_type=models.Message,
            style="token",
            per_page=page_size or 250,
            auth=auth,
            timeout=timeout,
        )

    async def get(
        self, id: str, *, auth: Auth | None = None, timeout: float | None = None
    ) -> Message:
        """Get one message with its delivery attempts (``GET /admin/courier/messages/{id}``).

        Raises:
            NotFoundError: no message has this id.
            BadRequestError: the id is not a UUID.
        """
        self._require("v1", "courier.get")
        request = self._request(
            "GET", self._admin_url("courier", "messages", segment(id)), auth=auth, timeout=timeout
        )
        result: Message = await self._transport.call(request, models.Message)
        return result
