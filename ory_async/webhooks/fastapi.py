"""FastAPI endpoints for Ory Actions web hooks (FastAPI serves Starlette endpoints as they are).

::

    from fastapi import FastAPI
    from ory_async.webhooks import ApiKeyAuth, password_match
    from ory_async.webhooks.fastapi import password_migration_endpoint, webhook_endpoint

    app = FastAPI()
    app.post("/hooks/registration")(webhook_endpoint(on_registration, auth=auth))
    app.post("/hooks/password")(password_migration_endpoint(check_legacy_password, auth=auth))

Needs ``pip install 'ory-async[fastapi]'``.
"""

from __future__ import annotations

try:
    import fastapi  # noqa: F401 - fail early, with the install hint
except ImportError as exc:  # pragma: no cover - depends on the environment
    msg = "ory_async.webhooks.fastapi needs FastAPI: pip install 'ory-async[fastapi]'"
    raise ImportError(msg) from exc

from .starlette import password_migration_endpoint, to_response, webhook_endpoint

__all__ = ["password_migration_endpoint", "to_response", "webhook_endpoint"]
