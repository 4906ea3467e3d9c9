"""``ory.with_raw_response`` for the blocking client: answers with their status and headers."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, Protocol, TypeVar, runtime_checkable

from .._raw import RawResponse, _raw_call

__all__ = ["RawResponses"]

P = ParamSpec("P")
T = TypeVar("T")


@runtime_checkable
class _BlockingService(Protocol):
    """A service of the blocking client (``ServiceBase``; named here without importing it)."""

    def _target(self) -> object: ...

    def _run(self, coro: Coroutine[Any, Any, T]) -> T: ...


class RawResponses:
    """``ory.with_raw_response``: the same blocking calls, answering :class:`RawResponse`.

    Two spellings, as on the async client::

        raw = ory.with_raw_response.identities.get(identity_id)
        raw = ory.with_raw_response(ory.identities.get)(identity_id)  # fully typed
        raw.status, raw.request_id, raw.ratelimit_remaining, raw.parsed
    """

    __slots__ = ("_client",)

    def __init__(self, client: object) -> None:
        self._client = client

    def __call__(self, method: Callable[P, T]) -> Callable[P, RawResponse[T]]:
        """Wrap one bound method of a service (e.g. ``ory.identities.get``).

        Raises:
            TypeError: ``method`` is not a method of one of the client's services.
        """
        owner = getattr(method, "__self__", None)
        name = getattr(method, "__name__", "")
        if not isinstance(owner, _BlockingService) or name.startswith("_"):
            msg = (
                "with_raw_response takes a method of one of the client's services, "
                f"e.g. ory.with_raw_response(ory.identities.get); got {method!r}"
            )
            raise TypeError(msg)

        def call(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
            target = getattr(owner._target(), name)

            async def run() -> RawResponse[T]:
                raw: RawResponse[T] = await _raw_call(target)(*args, **kwargs)
                return raw

            return owner._run(run())

        return call

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return _RawService(self, getattr(self._client, name))


class _RawService:
    __slots__ = ("_raw", "_service")

    def __init__(self, raw: RawResponses, service: object) -> None:
        self._raw = raw
        self._service = service

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._raw(getattr(self._service, name))
