"""Test helpers for ory_async users: :class:`FakeOry`, an in-memory Ory Kratos server.

::

    from ory_async.testing import FakeOry

    async with FakeOry() as fake:
        ...  # point a client at fake.url (admin) and fake.public_url (frontend)

``with no_waits() as waits:`` makes the client's retries go at once while recording the
waits they asked for. Synchronous code (Ory's official SDK, for one) can use
``with serve_in_thread() as fake:``, which serves from a background thread. pytest users can enable the ``ory_fake`` (and
``ory_fake_sync``) fixtures with
``pytest_plugins = ["ory_async.testing.pytest_plugin"]`` in their top-level conftest, and
configure them by overriding ``ory_fake_options`` (a :class:`FakeOryOptions`).
"""

from ._faults import Fault, Faults
from ._options import FakeOryOptions
from ._ratelimit import LimitQuota, OryRateLimiter, tier_limits
from ._recording import RecordedRequest, RequestLog
from ._server import FakeOry
from ._threaded import serve_in_thread
from ._util import Clock, ManualClock, SystemClock
from ._waits import RetryWaits, no_waits

__all__ = [
    "Clock",
    "FakeOry",
    "FakeOryOptions",
    "Fault",
    "Faults",
    "LimitQuota",
    "ManualClock",
    "OryRateLimiter",
    "RecordedRequest",
    "RequestLog",
    "RetryWaits",
    "SystemClock",
    "no_waits",
    "serve_in_thread",
    "tier_limits",
]
