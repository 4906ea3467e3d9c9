"""Run the one session verifier for a blocking client: from plain code or from another loop."""

from __future__ import annotations

from collections.abc import Mapping

from ..auth import SessionCookie
from ..errors import (
    ForbiddenError,
    RateLimitedError,
    ServerError,
    TransportError,
    UnauthorizedError,
)
from ..sync import OryClient
from ..sync._runtime import runtime
from ._session import SessionCheck, SessionVerifier

__all__ = ["check_async", "check_blocking", "logout_url"]


def check_blocking(
    ory: OryClient,
    verifier: SessionVerifier,
    headers: Mapping[str, str],
    cookies: Mapping[str, str],
) -> SessionCheck:
    """Check a request's session with ``verifier`` on the client's loop; block for the answer.

    The verifier (and its cache) is only ever used on that one loop thread. The answer
    carries the ``Set-Cookie`` values whoami sent, for the response.

    Raises:
        SessionRejected: 401, 403 or 503, as the verifier decides.
    """
    return ory._run(verifier.check(ory._async(), headers, cookies))


async def check_async(
    ory: OryClient,
    verifier: SessionVerifier,
    headers: Mapping[str, str],
    cookies: Mapping[str, str],
) -> SessionCheck:
    """The same check awaited from another event loop (an async Django or Flask view)."""
    client = ory._async()  # starts the client's loop if need be
    return await runtime.submit(verifier.check(client, headers, cookies))


def logout_url(
    ory: OryClient,
    verifier: SessionVerifier,
    headers: Mapping[str, str],
    cookies: Mapping[str, str],
) -> str | None:
    """The browser's own logout URL (with its logout token), or None without a session cookie.

    Only the Ory session cookies go to Ory, as for a session check; a request that
    carries none makes no call.

    Raises:
        SessionRejected: 503 when Ory is unreachable, rate-limiting or failing.
    """
    credentials = verifier.credentials(headers, cookies)
    if not isinstance(credentials, SessionCookie):
        return None
    try:
        return ory.frontend.create_logout_url(credentials).logout_url
    except (UnauthorizedError, ForbiddenError):
        return None
    except (RateLimitedError, ServerError) as exc:
        raise verifier._unavailable(exc.retry_after) from None
    except TransportError:
        raise verifier._unavailable(None) from None
