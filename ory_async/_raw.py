"""Response metadata for one call: ``ory.with_raw_response``.

A raw call runs the same service method on a copy of its service whose transport view
tells an observer of each answer it returns; the call keeps the last one.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, ParamSpec, TypeVar

import attrs

from ._transport import Response

__all__ = ["RawResponse", "RawResponses"]

T = TypeVar("T")
P = ParamSpec("P")


def _header_int(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    if value is None:
        return None
    head = value.split(",", 1)[0].split(";", 1)[0].strip()
    try:
        return int(head)
    except ValueError:
        return None


@attrs.frozen(kw_only=True, slots=True)
class RawResponse(Generic[T]):
    """A call's result together with the HTTP answer it came from.

    Attributes:
        parsed: what the call returns on its own (a model, a page, ``None``, ...).
        status: the HTTP status of the answer.
        headers: the answer's headers (request id, ``x-ratelimit-*``, ``Link``, ...).

    When a call needs several requests (a chunked ``sessions.manage``, say), the
    status and headers are those of the last answer.
    """

    parsed: T
    status: int
    headers: Mapping[str, str] = attrs.field(repr=False)

    def parse(self) -> T:
        """The parsed result (as in openai-python's raw responses)."""
        return self.parsed

    @property
    def request_id(self) -> str | None:
        """The ``X-Request-Id`` the server (or Ory Network's edge) sent, if any."""
        return self.headers.get("X-Request-Id") or None

    @property
    def ratelimit_limit(self) -> int | None:
        """The first number of ``x-ratelimit-limit`` (requests allowed in the window)."""
        return _header_int(self.headers, "x-ratelimit-limit")

    @property
    def ratelimit_remaining(self) -> int | None:
        """``x-ratelimit-remaining``: requests left in the current window."""
        return _header_int(self.headers, "x-ratelimit-remaining")

    @property
    def ratelimit_reset(self) -> int | None:
        """``x-ratelimit-reset``: seconds until the rate-limit window resets."""
        return _header_int(self.headers, "x-ratelimit-reset")


def _raw_call(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[RawResponse[T]]]:
    owner = getattr(method, "__self__", None)
    func = getattr(method, "__func__", None)
    recording = getattr(owner, "_recording", None)
    if owner is None or func is None or recording is None:
        msg = (
            "with_raw_response takes a method of one of the client's services, "
            f"e.g. ory.with_raw_response(ory.identities.get); got {method!r}"
        )
        raise TypeError(msg)

    @functools.wraps(method)
    async def call(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        answers: list[Response] = []  # the last one only: a long call must not keep every body

        def keep(response: Response) -> None:
            answers[:] = (response,)

        result = func(recording(owner._transport.observed(keep)), *args, **kwargs)
        if not inspect.isawaitable(result):
            msg = (
                f"{method.__qualname__} is not awaited (it streams its results), so it has "
                "no single answer to report; use with_raw_response with awaited calls"
            )
            raise TypeError(msg)
        parsed = await result
        if not answers:
            msg = f"{method.__qualname__} sent no request, so there is no answer to report"
            raise ValueError(msg)
        response = answers[-1]
        return RawResponse(parsed=parsed, status=response.status, headers=response.headers)

    return call


class _RawService:
    __slots__ = ("_service",)

    def __init__(self, service: object) -> None:
        self._service = service

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._service, name)
        if name.startswith("_") or not callable(method):
            raise AttributeError(name)
        return _raw_call(method)


class RawResponses:
    """``ory.with_raw_response``: the same calls, answering :class:`RawResponse` objects.

    Two spellings::

        raw = await ory.with_raw_response.identities.get(identity_id)  # like openai-python
        raw = await ory.with_raw_response(ory.identities.get)(identity_id)  # fully typed
        raw.status, raw.request_id, raw.ratelimit_remaining, raw.parsed

    Errors are raised as usual (an :class:`~ory_async.ApiError` already carries
    ``status`` and ``headers``).
    """

    __slots__ = ("_client",)

    def __init__(self, client: object) -> None:
        self._client = client

    def __call__(self, method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[RawResponse[T]]]:
        """Wrap one bound service method (e.g. ``ory.identities.get``)."""
        return _raw_call(method)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return _RawService(getattr(self._client, name))
