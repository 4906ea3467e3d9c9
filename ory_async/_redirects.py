"""Which redirects the client follows: 307/308 within the origin it was sent to.

Self-hosted Kratos v1.x answers an admin path without the ``/admin`` prefix (``/version``,
``/health/ready`` on the admin port) with ``307`` to the same path under ``/admin``. Such a
redirect keeps the method and body (307/308) and stays with the origin the credentials
were meant for, so following it is safe. Every other redirect (another scheme, host or
port, or a 301/302/303 that may change the method) is raised as ``RedirectError``.
"""

from __future__ import annotations

from typing import Final

from yarl import URL

__all__ = ["MAX_REDIRECTS", "same_origin_target"]

MAX_REDIRECTS: Final = 3
"""Same-origin hops followed for one request before the next redirect is raised."""

_KEEPS_METHOD: Final = frozenset({307, 308})


def same_origin_target(sent_to: URL, status: int, location: str | None) -> URL | None:
    """Where to send the request again, or None when this redirect must not be followed."""
    if status not in _KEEPS_METHOD or not location:
        return None
    try:
        target = sent_to.join(URL(location))
    except ValueError:
        return None
    if target.origin() != sent_to.origin() or target == sent_to:
        return None
    return target
