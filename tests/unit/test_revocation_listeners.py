"""A session verifier that is dropped stops listening for revocations."""

from __future__ import annotations

import gc

from ory_async.contrib import SessionVerifier


def test_a_dropped_verifier_stops_listening() -> None:
    from ory_async import _revocations

    gc.collect()
    verifier = SessionVerifier(cache_ttl=1)
    before = len(_revocations._listeners)
    del verifier
    gc.collect()
    assert len(_revocations._listeners) == before - 1
