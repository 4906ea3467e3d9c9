"""Batch identity creation: chunking, bounded concurrency, per-input results in order."""

from __future__ import annotations

import asyncio
import enum
import uuid
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from types import TracebackType
from typing import Final, Self

import attrs
from yarl import URL

from .. import _serde
from .._markers import Unset
from .._transport import Request, Transport
from ..auth import Auth
from ..errors import ApiError, GenericError, OryError, TransportError
from ..models import BatchPatchIdentitiesBody, BatchPatchIdentitiesResponse, CreateIdentityBody
from ..models.batch import IdentityPatch, IdentityPatchAction

__all__ = ["BatchCreate", "BatchCreateResult", "BatchOutcome"]

PLAINTEXT_CHUNK: Final = 200


class BatchOutcome(enum.StrEnum):
    """What happened to one body of a batch create."""

    CREATED = "created"
    """The identity exists; ``identity_id`` is its id."""
    FAILED = "failed"
    """The server refused this body; nothing was created for it."""
    UNKNOWN = "unknown"
    """The chunk's answer was lost: the identity may or may not exist. Check before resending."""


@attrs.frozen(kw_only=True, slots=True)
class BatchCreateResult:
    """The result for one body passed to ``identities.batch_create``.

    Attributes:
        index: the body's position in the input (0-based).
        outcome: created, failed or unknown.
        identity_id: the new identity's id when created.
        error: the server's per-body error (e.g. a 409 conflict) when it refused this body.
        exception: the error of the whole chunk request, when the chunk failed as a whole.
    """

    index: int
    outcome: BatchOutcome
    identity_id: str | None = None
    error: GenericError | None = None
    exception: OryError | None = None

    @property
    def ok(self) -> bool:
        """True when the identity was created."""
        return self.outcome is BatchOutcome.CREATED

    @property
    def reason(self) -> str:
        """A one-line explanation of a failure (empty when created)."""
        if self.error is not None:
            parts = [p for p in (self.error.message, self.error.reason) if p]
            status = f"{self.error.code} " if self.error.code else ""
            return status + (": ".join(parts) or "error")
        if self.exception is not None:
            return str(self.exception)
        return "" if self.ok else "the server returned no result for this body"


def has_plaintext_password(body: CreateIdentityBody) -> bool:
    """Whether ``body`` imports a plain-text password (the server caps those chunks at 200)."""
    creds = body.credentials
    if isinstance(creds, Unset):
        return False
    password = creds.password
    if isinstance(password, Unset) or isinstance(password.config, Unset):
        return False
    return isinstance(password.config.password, str)


@attrs.define
class _Chunk:
    start: int
    bodies: list[CreateIdentityBody]


class BatchCreate:
    """The async iterator ``identities.batch_create`` returns; see there.

    Use it in ``async with`` (or call :meth:`aclose`) when you may stop early, so chunks
    still in flight are cancelled rather than left running.
    """

    def __init__(
        self,
        *,
        transport: Transport,
        url: URL,
        bodies: Iterable[CreateIdentityBody] | AsyncIterable[CreateIdentityBody],
        chunk_size: int,
        concurrency: int,
        auth: Auth | None,
        timeout: float | None = None,
    ) -> None:
        self._transport = transport
        self._timeout = timeout
        self._url = url
        self._bodies = bodies
        self._chunk_size = chunk_size
        self._concurrency = concurrency
        self._auth = auth
        self._results: AsyncIterator[BatchCreateResult] | None = None
        self._pending: deque[asyncio.Task[list[BatchCreateResult]]] = deque()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> BatchCreateResult:
        if self._results is None:
            self._results = self._run()
        return await self._results.__anext__()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop: cancel chunks in flight (their identities may or may not be created)."""
        for task in self._pending:
            task.cancel()
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)
        self._pending.clear()
        if self._results is not None:
            await self._results.aclose()  # type: ignore[attr-defined]

    async def collect(self) -> list[BatchCreateResult]:
        """Every result, in input order."""
        async with self:
            return [result async for result in self]

    async def _run(self) -> AsyncIterator[BatchCreateResult]:
        async for chunk in self._chunks():
            self._pending.append(asyncio.create_task(self._send(chunk)))
            while len(self._pending) >= self._concurrency:
                for result in await self._pending.popleft():
                    yield result
        while self._pending:
            for result in await self._pending.popleft():
                yield result

    async def _chunks(self) -> AsyncIterator[_Chunk]:
        current = _Chunk(start=0, bodies=[])
        plaintext = False
        index = 0
        async for body in _aiter(self._bodies):
            if not isinstance(body, CreateIdentityBody):
                msg = f"batch_create takes CreateIdentityBody objects, got {type(body).__name__} at index {index}"
                raise TypeError(msg)
            body_plain = has_plaintext_password(body)
            if body_plain and not plaintext and len(current.bodies) >= PLAINTEXT_CHUNK:
                yield current
                current = _Chunk(start=index, bodies=[])
            plaintext = plaintext or body_plain
            current.bodies.append(body)
            index += 1
            limit = min(self._chunk_size, PLAINTEXT_CHUNK) if plaintext else self._chunk_size
            if len(current.bodies) >= limit:
                yield current
                current = _Chunk(start=index, bodies=[])
                plaintext = False
        if current.bodies:
            yield current

    async def _send(self, chunk: _Chunk) -> list[BatchCreateResult]:
        patch_ids = [str(uuid.uuid4()) for _ in chunk.bodies]
        body = BatchPatchIdentitiesBody(
            identities=[
                IdentityPatch(create=b, patch_id=p)
                for b, p in zip(chunk.bodies, patch_ids, strict=True)
            ]
        )
        request = Request(
            method="PATCH",
            url=self._url,
            body=_serde.encode(body),
            auth=self._auth,
            retry_unsent=True,
            timeout=self._timeout,
        )
        try:
            response = await self._transport.call(request, BatchPatchIdentitiesResponse)
        except ApiError as exc:
            # A 4xx refuses the whole chunk before anything is written; a 5xx may come
            # from a proxy after the server applied it.
            outcome = BatchOutcome.FAILED if exc.status < 500 else BatchOutcome.UNKNOWN
            return _all(chunk, outcome, exc)
        except TransportError as exc:
            outcome = BatchOutcome.FAILED if exc.request_sent is False else BatchOutcome.UNKNOWN
            return _all(chunk, outcome, exc)
        except OryError as exc:  # a 2xx we could not read: the server did apply it
            return _all(chunk, BatchOutcome.UNKNOWN, exc)
        return _match(chunk, patch_ids, response)


def _all(chunk: _Chunk, outcome: BatchOutcome, exc: OryError) -> list[BatchCreateResult]:
    return [
        BatchCreateResult(index=chunk.start + i, outcome=outcome, exception=exc)
        for i in range(len(chunk.bodies))
    ]


def _match(
    chunk: _Chunk, patch_ids: list[str], response: BatchPatchIdentitiesResponse
) -> list[BatchCreateResult]:
    entries = response.identities
    by_patch_id = {e.patch_id: e for e in entries if e is not None and e.patch_id}
    results = []
    for i, patch_id in enumerate(patch_ids):
        entry = by_patch_id.get(patch_id)
        if entry is None and not by_patch_id and i < len(entries):
            entry = entries[i]  # a server that does not echo patch_id: same order
        index = chunk.start + i
        if entry is None:
            results.append(BatchCreateResult(index=index, outcome=BatchOutcome.FAILED))
        elif entry.action == IdentityPatchAction.CREATE and entry.identity:
            results.append(
                BatchCreateResult(
                    index=index, outcome=BatchOutcome.CREATED, identity_id=entry.identity
                )
            )
        else:
            results.append(
                BatchCreateResult(index=index, outcome=BatchOutcome.FAILED, error=entry.error)
            )
    return results


async def _aiter(
    bodies: Iterable[CreateIdentityBody] | AsyncIterable[CreateIdentityBody],
) -> AsyncIterator[CreateIdentityBody]:
    if isinstance(bodies, AsyncIterable):
        async for body in bodies:
            yield body
    else:
        for body in bodies:
            yield body
