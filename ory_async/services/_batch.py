"""Batch identity creation: chunking, bad-row isolation, per-input results in order.

Each body is encoded on its own before anything is sent: one that cannot be encoded (or
is not a body at all) gets a ``failed`` result and is never sent, and the others go on.
Failing before sending anything would need the whole input read first, and the input
is read lazily (a generator of a million rows runs in bounded memory), so the run
reports per body instead.

A chunk the server refuses as a whole with 400 (one structurally invalid entry, such as
a bad ``state``, fails the whole request and applies nothing) is split in halves and
resent until each invalid entry is alone; a 504 (a batch too large for the gateway)
halves the chunk too.
"""

from __future__ import annotations

import asyncio
import enum
import uuid
from collections import Counter
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Sequence
from http import HTTPStatus
from typing import TYPE_CHECKING, Final, TypeAlias

import attrs
from yarl import URL

from .. import _serde, models
from .._markers import UNSET, Unset
from .._transport import Request, Transport
from ..auth import Auth
from ..errors import (
    ApiError,
    BadRequestError,
    ClientClosedError,
    GenericError,
    InvalidBodyError,
    OryError,
    TransportError,
    scrub_error,
)
from ._inflight import ChunkStream

if TYPE_CHECKING:
    from ..models import (
        BatchPatchIdentitiesResponse,
        CreateIdentityBody,
        IdentityPatch,
        IdentityPatchResponse,
    )

__all__ = ["BatchCreate", "BatchCreateResult", "BatchInput", "BatchOutcome"]

PLAINTEXT_CHUNK: Final = 200

BatchInput: TypeAlias = "CreateIdentityBody | IdentityPatch"
"""What ``batch_create`` takes per row: a body, or an :class:`IdentityPatch` carrying the
caller's own ``patch_id`` (a UUID) to correlate results with source rows."""

_NO_RESULT: Final = "the server returned no result for this body"
_AFTER_TIMEOUT: Final = (
    "the identity exists, but an earlier request for it timed out (504) and may have created it"
)


class BatchOutcome(enum.StrEnum):
    """What happened to one body of a batch create."""

    CREATED = "created"
    """The identity exists; ``identity_id`` is its id."""
    FAILED = "failed"
    """The server refused this body, or it was never sent; nothing was created for it."""
    UNKNOWN = "unknown"
    """The answer for this body was lost: the identity may or may not exist. Check before resending."""


@attrs.frozen(kw_only=True, slots=True)
class BatchCreateResult:
    """The result for one body passed to ``identities.batch_create``.

    Attributes:
        index: the body's position in the input (0-based).
        outcome: created, failed or unknown.
        identity_id: the new identity's id when created.
        patch_id: the ``patch_id`` sent with this body: the caller's when it gave one
            (in an :class:`~ory_async.models.IdentityPatch`), else one made up for it.
            None when the body was never sent.
        error: the server's per-body error (e.g. a 409 conflict) when it refused this body.
        exception: the error of the request that carried this body, when that request
            failed as a whole, or :class:`~ory_async.errors.InvalidBodyError` for a body
            that was never sent.
        note: why the outcome is what it is, when neither ``error`` nor ``exception``
            says it (e.g. a conflict after a timed-out request: ``unknown``).
    """

    index: int
    outcome: BatchOutcome
    identity_id: str | None = None
    patch_id: str | None = None
    error: GenericError | None = None
    exception: OryError | None = None
    note: str | None = None

    @property
    def ok(self) -> bool:
        """True when the identity was created."""
        return self.outcome is BatchOutcome.CREATED

    @property
    def reason(self) -> str:
        """A one-line explanation of a failure (empty when created)."""
        if self.note is not None:
            return self.note
        if self.error is not None:
            parts = [p for p in (self.error.message, self.error.reason) if p]
            status = f"{self.error.code} " if self.error.code else ""
            return status + (": ".join(parts) or "error")
        if self.exception is not None:
            return str(self.exception)
        return "" if self.ok else _NO_RESULT


def has_plaintext_password(body: CreateIdentityBody) -> bool:
    """Whether ``body`` imports a plain-text password (the server caps those chunks at 200)."""
    creds = body.credentials
    if isinstance(creds, Unset):
        return False
    password = creds.password
    if isinstance(password, Unset) or isinstance(password.config, Unset):
        return False
    return isinstance(password.config.password, str)


@attrs.frozen(slots=True)
class _Entry:
    """One body ready to send: its input index, its patch_id and its encoded JSON."""

    index: int
    patch_id: str
    encoded: bytes


@attrs.define
class _Chunk:
    entries: list[_Entry] = attrs.field(factory=list)
    refused: list[BatchCreateResult] = attrs.field(factory=list)
    """Results of bodies in this stretch of the input that are never sent."""
    plaintext: bool = False


def _prepare(index: int, item: object) -> _Entry | BatchCreateResult:
    """Encode one input row, or the ``failed`` result that says why it cannot be sent."""
    body: object = item
    patch_id: object = UNSET
    if isinstance(item, models.IdentityPatch):
        body, patch_id = item.create, item.patch_id
    if not isinstance(body, models.CreateIdentityBody):
        what = f"batch_create takes CreateIdentityBody or IdentityPatch objects, got {type(body).__name__}"
        return _refused(index, what)
    if isinstance(patch_id, Unset):
        sent_id = str(uuid.uuid4())
    else:
        try:
            sent_id = str(uuid.UUID(patch_id)) if isinstance(patch_id, str) else ""
        except ValueError:
            sent_id = ""
        if not sent_id:  # the server would refuse the whole batch
            return _refused(index, f"patch_id must be a UUID string, got {patch_id!r}")
    try:
        encoded = _serde.encode(models.IdentityPatch(create=body, patch_id=sent_id))
    except Exception as exc:  # any encoder failure refuses this body only
        return _refused(index, f"the body cannot be encoded as JSON: {exc}")
    return _Entry(index=index, patch_id=sent_id, encoded=encoded)


def _refused(index: int, why: str) -> BatchCreateResult:
    exc = InvalidBodyError(f"not sent: {why} (input index {index})")
    return BatchCreateResult(index=index, outcome=BatchOutcome.FAILED, exception=exc)


class BatchCreate(ChunkStream[BatchCreateResult]):
    """The async iterator ``identities.batch_create`` returns; see there.

    Use it in ``async with`` (or call :meth:`aclose`) when you may stop early, so chunks
    still in flight are cancelled rather than left running.
    """

    def __init__(
        self,
        *,
        transport: Transport,
        url: URL,
        bodies: Iterable[BatchInput] | AsyncIterable[BatchInput],
        chunk_size: int,
        concurrency: int,
        auth: Auth | None,
        timeout: float | None = None,
        existing: Callable[[Sequence[str]], Awaitable[set[str]]] | None = None,
    ) -> None:
        super().__init__(concurrency=concurrency, deadline=transport.limits.deadline)
        self._existing = existing
        self._transport = transport
        self._timeout = timeout
        self._url = url
        self._bodies = bodies
        self._chunk_size = chunk_size
        self._auth = auth
        self.requests = 0
        """Batch requests sent so far (splits and resends included)."""

    def _check_open(self) -> None:
        if self._transport.closed:
            msg = "This OryClient is closed; create a new one (or keep one open for the app's lifetime)"
            raise ClientClosedError(msg)

    async def _run(self) -> AsyncIterator[BatchCreateResult]:
        chunks = self._chunks()
        failure: Exception | None = None
        while True:
            try:
                chunk = await anext(chunks)
            except StopAsyncIteration:
                break
            except Exception as exc:  # the caller's input failed: report what was sent first
                failure = exc
                break
            self._pending.append(asyncio.create_task(self._send(chunk)))
            while len(self._pending) >= self._concurrency:
                for result in await self._pending.popleft():
                    yield result
        while self._pending:
            for result in await self._pending.popleft():
                yield result
        if failure is not None:
            raise failure

    async def _chunks(self) -> AsyncIterator[_Chunk]:
        current = _Chunk()
        index = 0
        rows = _aiter(self._bodies)
        while True:
            try:
                item = await anext(rows)
            except StopAsyncIteration:
                break
            except Exception:
                # The input broke: what was read before still gets sent and reported.
                if current.entries or current.refused:
                    yield current
                raise
            prepared = _prepare(index, item)
            index += 1
            if isinstance(prepared, BatchCreateResult):
                current.refused.append(prepared)
                if len(current.refused) >= self._chunk_size:  # bounded even if all are bad
                    yield current
                    current = _Chunk()
                continue
            assert isinstance(item, models.CreateIdentityBody | models.IdentityPatch)
            body = item.create if isinstance(item, models.IdentityPatch) else item
            plain = has_plaintext_password(body)
            if plain and not current.plaintext and len(current.entries) >= PLAINTEXT_CHUNK:
                yield current
                current = _Chunk()
            current.plaintext = current.plaintext or plain
            current.entries.append(prepared)
            limit = (
                min(self._chunk_size, PLAINTEXT_CHUNK) if current.plaintext else self._chunk_size
            )
            if len(current.entries) >= limit:
                yield current
                current = _Chunk()
        if current.entries or current.refused:
            yield current

    async def _send(self, chunk: _Chunk) -> list[BatchCreateResult]:
        results = list(chunk.refused)
        if chunk.entries:
            results += await self._post(chunk.entries, after_timeout=False)
        results.sort(key=lambda r: r.index)
        return results

    async def _post(self, entries: list[_Entry], *, after_timeout: bool) -> list[BatchCreateResult]:
        """Send ``entries`` as one request; split and resend on 400 and 504."""
        body = b'{"identities":[' + b",".join(e.encoded for e in entries) + b"]}"
        request = Request(
            method="PATCH",
            url=self._url,
            body=body,
            auth=self._auth,
            retry_unsent=True,
            timeout=self._timeout,
        )
        self.requests += 1
        try:
            response = await self._transport.call(request, models.BatchPatchIdentitiesResponse)
        except ClientClosedError:
            raise
        except BadRequestError as exc:
            # One structurally invalid entry fails the whole request, and nothing of it is
            # applied: halve until the invalid entries are alone.
            if len(entries) > 1:
                return await self._halves(entries, after_timeout=after_timeout)
            return _all(entries, BatchOutcome.FAILED, exc, error=exc.error)
        except ApiError as exc:
            if exc.status == 504 and len(entries) > 1:
                return await self._halves(entries, after_timeout=True)
            # Any other 4xx refuses the request before anything is written; a 5xx may come
            # from a proxy after the server applied it.
            outcome = BatchOutcome.FAILED if exc.status < 500 else BatchOutcome.UNKNOWN
            return _all(entries, outcome, exc)
        except TransportError as exc:
            outcome = BatchOutcome.FAILED if exc.request_sent is False else BatchOutcome.UNKNOWN
            return _all(entries, outcome, exc)
        except OryError as exc:  # a 2xx we could not read: the server did apply it
            return _all(entries, BatchOutcome.UNKNOWN, exc)
        secrets = self._auth.secrets() if self._auth is not None else ()
        results = _match(entries, response, after_timeout=after_timeout, secrets=secrets)
        if self._existing is not None and _conflicted(results):
            return await self._confirm(entries, results, after_timeout=after_timeout)
        return results

    async def _confirm(
        self, entries: list[_Entry], results: list[BatchCreateResult], *, after_timeout: bool
    ) -> list[BatchCreateResult]:
        """Check that bodies reported created exist, and resend those that do not.

        Kratos up to v1.3.1 rolls the whole batch back when one body conflicts, yet
        reports the others as created; a body whose reported identity does not exist was
        never applied, so sending it again creates it once.
        """
        assert self._existing is not None
        created = {r.identity_id: r for r in results if r.identity_id is not None}
        try:
            present = await self._existing(list(created))
        except OryError as exc:
            note = "the server refused a body of this batch, and whether it kept the others could not be checked"
            return [
                attrs.evolve(
                    r, outcome=BatchOutcome.UNKNOWN, identity_id=None, exception=exc, note=note
                )
                if r.identity_id is not None
                else r
                for r in results
            ]
        lost = {r.index for i, r in created.items() if i not in present}
        if not lost:
            return results
        kept = [r for r in results if r.index not in lost]
        resent = await self._post(
            [e for e in entries if e.index in lost], after_timeout=after_timeout
        )
        return sorted(kept + resent, key=lambda r: r.index)

    async def _halves(
        self, entries: list[_Entry], *, after_timeout: bool
    ) -> list[BatchCreateResult]:
        mid = len(entries) // 2
        first = await self._post(entries[:mid], after_timeout=after_timeout)
        return first + await self._post(entries[mid:], after_timeout=after_timeout)


def _conflicted(results: list[BatchCreateResult]) -> bool:
    """Whether a body was refused as a conflict while others were reported created."""
    return any(r.identity_id for r in results) and any(
        r.error is not None and r.error.code == HTTPStatus.CONFLICT for r in results
    )


def _all(
    entries: list[_Entry],
    outcome: BatchOutcome,
    exc: OryError,
    *,
    error: GenericError | None = None,
) -> list[BatchCreateResult]:
    return [
        BatchCreateResult(
            index=e.index, outcome=outcome, patch_id=e.patch_id, error=error, exception=exc
        )
        for e in entries
    ]


def _pair(
    entries: list[_Entry], answers: list[IdentityPatchResponse | None]
) -> list[IdentityPatchResponse | None]:
    """The answer for each entry: by position when the server kept the order, else by patch_id."""
    in_order = len(answers) == len(entries) and all(
        a is None or a.patch_id in (None, e.patch_id) for e, a in zip(entries, answers, strict=True)
    )
    if in_order:
        return answers
    echoed = Counter(a.patch_id for a in answers if a is not None and a.patch_id)
    sent = Counter(e.patch_id for e in entries)
    by_id = {
        a.patch_id: a
        for a in answers
        if a is not None and a.patch_id and echoed[a.patch_id] == 1 and sent[a.patch_id] == 1
    }
    return [by_id.get(e.patch_id) for e in entries]


def _match(
    entries: list[_Entry],
    response: BatchPatchIdentitiesResponse,
    *,
    after_timeout: bool,
    secrets: tuple[str, ...] = (),
) -> list[BatchCreateResult]:
    results = []
    for entry, answer in zip(entries, _pair(entries, response.identities), strict=True):
        outcome, note = BatchOutcome.UNKNOWN, None
        identity_id = error = None
        if answer is None:
            pass  # no result for this body: the server may still have created it
        elif answer.action == models.IdentityPatchAction.CREATE and answer.identity:
            outcome, identity_id = BatchOutcome.CREATED, answer.identity
        elif answer.action == models.IdentityPatchAction.ERROR:
            # A server may echo the credential into a row's error: it stays out of the
            # result (its reason, its repr, a report written from it).
            error = scrub_error(answer.error, secrets) if answer.error is not None else None
            if after_timeout and error is not None and error.code == HTTPStatus.CONFLICT:
                note = _AFTER_TIMEOUT  # our own timed-out request may have created it
            else:
                outcome = BatchOutcome.FAILED
        # else: "create" without an id, or an action this client does not know: unknown
        results.append(
            BatchCreateResult(
                index=entry.index,
                outcome=outcome,
                identity_id=identity_id,
                patch_id=entry.patch_id,
                error=error,
                note=note,
            )
        )
    return results


async def _aiter(
    items: Iterable[BatchInput] | AsyncIterable[BatchInput],
) -> AsyncIterator[object]:
    if isinstance(items, AsyncIterable):
        async for item in items:
            yield item
    else:
        for item in items:
            yield item
