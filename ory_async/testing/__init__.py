"""Test helpers for ory_async users: :class:`FakeOry`, an in-memory Ory Kratos server.

::

    from ory_async.testing import FakeOry

    async with FakeOry() as fake:
        ...  # point a client at fake.url (admin) and fake.public_url (frontend)

pytest users can enable the ``ory_fake`` fixture with
``pytest_plugins = ["ory_async.testing.pytest_plugin"]`` in their top-level conftest.
"""

from ._faults import Fault, Faults
from ._ratelimit import LimitQuota, OryRateLimiter, tier_limits
from ._recording import RecordedRequest, RequestLog
from ._server import FakeOry
from ._util import Clock, ManualClock, SystemClock

__all__ = [
    "Clock",
    "FakeOry",
    "Fault",
    "Faults",
    "LimitQuota",
    "ManualClock",
    "OryRateLimiter",
    "RecordedRequest",
    "RequestLog",
    "SystemClock",
    "tier_limits",
]
