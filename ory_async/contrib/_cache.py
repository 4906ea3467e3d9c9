"""A bounded cache of whoami answers, keyed by a digest of the credentials, never by them."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from .. import _revocations
from ..models import Session

__all__ = ["SessionCache"]

# A per-process salt: a digest seen in a memory dump cannot be matched against a token
# list computed elsewhere.
_SALT = os.urandom(16)


class _Entry:
    __slots__ = ("identity_id", "origin", "session", "session_id", "until")

    def __init__(self, until: float, session: Session, origin: str) -> None:
        self.until = until
        self.session = session
        self.origin = origin
        self.session_id = session.id
        self.identity_id = session.identity.id if session.identity is not None else None


class SessionCache:
    """Least-recently-used cache of sessions for ``size`` credentials at most.

    Entries are dropped when they are due, when the cache is full, and when the client
    disables, revokes or deletes their session or identity (it announces that through
    ``ory_async._revocations``, to which every cache listens).
    """

    def __init__(self, size: int, clock: Callable[[], float]) -> None:
        self.size = size
        self._clock = clock
        self._entries: OrderedDict[bytes, _Entry] = OrderedDict()
        self._lock = threading.Lock()  # a sync client may announce from another thread
        # When a session, an identity's sessions or a whole origin's were ended by this
        # process (wall-clock seconds): tokens issued before then are refused.
        self._ended: OrderedDict[tuple[str, str], float] = OrderedDict()
        _revocations.listen(self)

    @staticmethod
    def key(origin: str, kind: str, secret: str) -> bytes:
        """The digest under which a credential's session is kept."""
        return hashlib.blake2b(
            f"{origin}\0{kind}\0{secret}".encode(), digest_size=20, key=_SALT
        ).digest()

    def get(self, key: bytes) -> Session | None:
        """The cached session, or None when absent or due."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        with self._lock:
            if self._clock() >= entry.until:
                self._entries.pop(key, None)
                return None
            if key in self._entries:
                self._entries.move_to_end(key)
        return entry.session

    def put(self, key: bytes, session: Session, origin: str, seconds: float) -> None:
        """Keep ``session`` for ``seconds``."""
        if seconds <= 0:
            return
        entry = _Entry(self._clock() + seconds, session, origin)
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def drop(self, key: bytes) -> None:
        """Forget one credential's session."""
        with self._lock:
            self._entries.pop(key, None)

    def forget(
        self,
        origin: str,
        *,
        sessions: Iterable[str] = (),
        identities: Iterable[str] = (),
        everything: bool = False,
    ) -> None:
        """Drop these sessions, or every session of these identities (or all of ``origin``)."""
        session_ids = set(sessions)
        identity_ids = set(identities)
        now = time.time()
        with self._lock:
            marks = [("*", origin)] if everything else []
            marks += [("s", f"{origin}\0{sid}") for sid in session_ids]
            marks += [("i", f"{origin}\0{iid}") for iid in identity_ids]
            for mark in marks:
                self._ended[mark] = now
                self._ended.move_to_end(mark)
            while len(self._ended) > self.size:
                self._ended.popitem(last=False)
            doomed = [
                key
                for key, entry in self._entries.items()
                if entry.origin == origin
                and (
                    everything
                    or entry.session_id in session_ids
                    or (entry.identity_id is not None and entry.identity_id in identity_ids)
                )
            ]
            for key in doomed:
                del self._entries[key]

    def ended_since(
        self, origin: str, session_id: str | None, identity_id: str | None, issued_at: float
    ) -> bool:
        """Whether this process ended the session (or its identity's) after ``issued_at``."""
        if not self._ended:
            return False
        marks = [("*", origin)]
        if session_id:
            marks.append(("s", f"{origin}\0{session_id}"))
        if identity_id:
            marks.append(("i", f"{origin}\0{identity_id}"))
        return any(self._ended.get(mark, -1.0) >= issued_at for mark in marks)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
