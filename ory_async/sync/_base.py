"""What every blocking client shares: its async client per process, views, and closing."""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

from .._client import OryClient as AsyncOryClient
from ..errors import ClientClosedError
from ._runtime import runtime

if TYPE_CHECKING:
    from ._raw import RawResponses

__all__ = ["ClientBase", "ServiceBase"]

T = TypeVar("T")

_CLOSED = "This OryClient is closed; create a new one"


class _Core:
    """The async client behind a blocking client and all its views, rebuilt after ``fork()``.

    A forked child (gunicorn and Celery pre-fork workers) never uses what it inherited:
    the first call in the child builds a new async client, with its own connections, on
    the child's own loop.
    """

    def __init__(self, factory: Callable[[], AsyncOryClient]) -> None:
        self.factory = factory
        self.client = factory()  # validates the options here, in the caller's thread
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.closed = False
        self.key = id(self)
        self.acquired = False

    def current(self) -> AsyncOryClient:
        """The async client for this process, its loop started."""
        if self.pid != os.getpid():
            self._after_fork()
        if not self.acquired and not self.closed:
            with self.lock:
                if not self.acquired:
                    runtime.acquire(self.key, self.client.close)
                    self.acquired = True
        return self.client

    def _after_fork(self) -> None:
        self.lock = threading.Lock()  # the parent's may have been held by another thread
        runtime.forget_after_fork_object(self.client)
        self.client = self.factory()
        self.pid = os.getpid()
        self.acquired = False

    def close(self, *, wait: bool = True) -> None:
        if self.closed:
            return
        self.closed = True
        if self.pid != os.getpid():
            runtime.forget_after_fork_object(self.client)
            return
        if self.acquired:
            runtime.release(self.key, wait=wait)


class ClientBase:
    """The lifecycle half of :class:`ory_async.sync.OryClient` (the generated half adds the rest)."""

    _core: _Core
    _root: ClientBase | None
    _make_view: Callable[[AsyncOryClient], AsyncOryClient] | None
    _view_cache: tuple[AsyncOryClient, AsyncOryClient] | None

    def __init__(self, factory: Callable[[], AsyncOryClient]) -> None:
        self._core = _Core(factory)
        self._root = None
        self._make_view = None
        self._view_cache = None
        # A client dropped without close() still closes its connections, without blocking.
        finalizer = weakref.finalize(self, self._core.close, wait=False)
        finalizer.atexit = False  # interpreter exit closes every client in one go
        self._attach_services()

    @classmethod
    def _from_factory(cls, factory: Callable[[], AsyncOryClient]) -> Self:
        client = object.__new__(cls)
        ClientBase.__init__(client, factory)
        return client

    def _attach_services(self) -> None:
        """Create the service attributes (the generated subclass lists them)."""

    def _async(self) -> AsyncOryClient:
        """The async client (or view) this blocking client drives, in this process."""
        root = self._core.current()
        make = self._make_view
        if make is None:
            return root
        cache = self._view_cache
        if cache is not None and cache[0] is root:
            return cache[1]
        view = make(root)
        self._view_cache = (root, view)
        return view

    def _view(self, make: Callable[[AsyncOryClient], AsyncOryClient]) -> Self:
        """A view of this client: ``make`` derives its async client from the root's."""
        parent = self._make_view
        if parent is None:
            combined = make
        else:

            def combined(client: AsyncOryClient) -> AsyncOryClient:
                return make(parent(client))

        view = object.__new__(type(self))
        view._core = self._core
        view._root = self._root or self
        view._make_view = combined
        view._view_cache = None
        view._async()  # the options are checked now, as the async client checks them
        view._attach_services()
        return view

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        if self._core.closed:
            coro.close()
            raise ClientClosedError(_CLOSED)
        return runtime.run(coro)

    @property
    def with_raw_response(self) -> RawResponses:
        """Calls that also return the HTTP status and headers of their answer.

        ``ory.with_raw_response.identities.get(id)`` or, typed,
        ``ory.with_raw_response(ory.identities.get)(id)`` give a
        :class:`~ory_async.RawResponse` with ``parsed``, ``status``, ``headers``,
        ``request_id`` and the ``ratelimit_*`` values.
        """
        from ._raw import RawResponses

        return RawResponses(self)

    @property
    def closed(self) -> bool:
        """True once the client has been closed."""
        return self._core.closed

    def close(self) -> None:
        """Close the client: its connections, and the loop thread if no other client uses it.

        Idempotent. On a view (``with_auth``, ...) it does nothing: views stop working
        when the client they came from is closed.
        """
        if self._make_view is not None:
            return
        self._core.close()

    def __enter__(self) -> Self:
        if self.closed:
            raise ClientClosedError(_CLOSED)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        text = repr(self._core.client if self._make_view is None else self._async())
        if self._core.closed and "closed" not in text:
            text = text[:-1] + ", closed)"
        return "sync." + text


class ServiceBase:
    """A blocking service: its methods run the async service's on the shared loop."""

    __slots__ = ("_client",)

    def __init__(self, client: ClientBase) -> None:
        self._client = client

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self._client._run(coro)

    def _target(self) -> object:
        """The async service this one drives (each generated service says which)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(sync)"
