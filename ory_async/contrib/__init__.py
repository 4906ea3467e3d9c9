"""Integrations with web frameworks.

Each lives in its own module and imports its framework there, so ``import ory_async``
never imports one:

- :mod:`ory_async.contrib.fastapi`: ``ory_lifespan`` and the ``current_session`` dependency.
- :mod:`ory_async.contrib.aiohttp`: ``setup(app)`` and ``current_session(request)``.
- :mod:`ory_async.contrib.django`: ``OryMiddleware`` (``request.ory_session``),
  ``session_required``, ``SessionRequiredMixin``, a backend and a context processor.
- :mod:`ory_async.contrib.flask`: ``Ory(app)``, ``session_required``, ``g.ory_session``.

Each checks a user's session with ``sessions.whoami()`` and answer 401 for a missing or
invalid session, 403 when the session's assurance level is too low, and 503 with a
``Retry-After`` header (never 401) when Ory is unreachable, rate-limits or fails:
nobody is logged out because Ory was slow.
"""

from ._session import SessionRejected, SessionVerifier

__all__ = ["SessionRejected", "SessionVerifier"]
