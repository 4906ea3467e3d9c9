"""The blocking client: ``ory_async.sync.OryClient``, for Django, Flask, Celery and scripts.

::

    from ory_async.sync import OryClient

    with OryClient("https://my-project.projects.oryapis.com", access_token="ory_pat_...") as ory:
        for identity in ory.identities.list():
            print(identity.id)

It has the async client's name, constructor options, services, methods, models and
errors; each call blocks until the answer is there. Behind it is the async client, run
on one event loop in a background thread that every thread of the process shares: one
connection pool, one pacer, the same retries and decoding.
"""

from ._generated import ClientOptions, OryClient
from ._iterators import Page, Pager, ResultStream
from ._runtime import BlockingCallInEventLoopError

__all__ = [
    "BlockingCallInEventLoopError",
    "ClientOptions",
    "OryClient",
    "Page",
    "Pager",
    "ResultStream",
]
