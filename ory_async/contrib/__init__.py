"""Integrations with web frameworks, all on one :class:`SessionVerifier`.

Each lives in its own module and imports its framework there, so ``import ory_async``
never imports one:

- :mod:`ory_async.contrib.asgi`: ``OrySessionMiddleware``, pure ASGI (Starlette,
  FastAPI, Litestar, Quart, ...).
- :mod:`ory_async.contrib.fastapi`: ``ory_lifespan`` and the ``current_session`` dependency.
- :mod:`ory_async.contrib.aiohttp`: ``setup(app)``, ``require_session`` and
  ``session_middleware``.
- :mod:`ory_async.contrib.django`: ``OryMiddleware`` (``request.ory_session``),
  ``session_required``, ``SessionRequiredMixin``, a backend and a context processor.
- :mod:`ory_async.contrib.flask`: ``Ory(app)``, ``session_required``, ``g.ory_session``.

Each verifies a bearer JWT from ``tokenize_as`` locally when asked to (``jwt=True``),
else checks the session with ``sessions.whoami()``, reusing answers as long as Ory's
``Ory-Session-Cache-For`` allows. A browser without a valid session is redirected to
the login flow; API clients get 401 (missing or invalid session) or 403 (assurance
level too low); Ory being unreachable, rate-limiting or failing is a 503 with a
``Retry-After`` header (never 401): nobody is logged out because Ory was slow.
"""

from ._jwt import TokenVerifier
from ._replies import Reply
from ._session import SessionCheck, SessionRejected, SessionVerifier

__all__ = ["Reply", "SessionCheck", "SessionRejected", "SessionVerifier", "TokenVerifier"]
