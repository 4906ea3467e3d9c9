"""Run the one session verifier for a blocking client: from plain code or from another loop."""

from __future__ import annotations

from collections.abc import Mapping

from ..models import Session
from ..sync import OryClient
from ..sync._runtime import runtime
from ._session import SessionVerifier

__all__ = ["verify_async", "verify_blocking"]


def verify_blocking(
    ory: OryClient,
    verifier: SessionVerifier,
    headers: Mapping[str, str],
    cookies: Mapping[str, str],
) -> Session:
    """Check a request's session with ``verifier`` on the client's loop; block for the answer.

    The verifier (and its cache) is only ever used on that one loop thread.

    Raises:
        SessionRejected: 401, 403 or 503, as the verifier decides.
    """
    return ory._run(verifier.verify(ory._async(), headers, cookies))


async def verify_async(
    ory: OryClient,
    verifier: SessionVerifier,
    headers: Mapping[str, str],
    cookies: Mapping[str, str],
) -> Session:
    """The same check awaited from another event loop (an async Django or Flask view)."""
    client = ory._async()  # starts the client's loop if need be
    return await runtime.submit(verifier.verify(client, headers, cookies))
