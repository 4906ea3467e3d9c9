"""Where the client announces the sessions it ended, so that caches of them can drop them.

Session caches (``ory_async.contrib.SessionVerifier``) listen here; the sessions and
identities services announce after Ory confirmed a disable, revoke or delete. Listeners
are held weakly: a cache that is gone is never called.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Protocol

__all__ = ["Listener", "announce", "listen"]


class Listener(Protocol):
    """Something that forgets sessions when told (a session cache)."""

    def forget(
        self,
        origin: str,
        *,
        sessions: Iterable[str] = (),
        identities: Iterable[str] = (),
        everything: bool = False,
    ) -> None:
        """Drop what is known of these sessions, or of every session of these identities.

        ``origin`` is the project's public URL (as the client was configured), so that a
        cache serving several projects drops only the right one's sessions.
        """


_listeners: weakref.WeakSet[Listener] = weakref.WeakSet()


def listen(listener: Listener) -> None:
    """Have ``listener`` told of every session the client ends (held weakly)."""
    _listeners.add(listener)


def announce(
    origin: str,
    *,
    sessions: Iterable[str] = (),
    identities: Iterable[str] = (),
    everything: bool = False,
) -> None:
    """Tell every listener that these sessions (or identities' sessions) ended."""
    if not _listeners:
        return
    session_ids = tuple(sessions)
    identity_ids = tuple(identities)
    for listener in list(_listeners):
        listener.forget(
            origin, sessions=session_ids, identities=identity_ids, everything=everything
        )
