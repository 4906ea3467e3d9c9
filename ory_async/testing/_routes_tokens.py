"""The public key set that verifies tokenized sessions (Ory Network's ``/.well-known/jwks.json``)."""

from __future__ import annotations

from aiohttp import web

from ._errors import json_response
from ._router import Ctx, Router


async def jwks(ctx: Ctx) -> web.StreamResponse:
    """GET /.well-known/jwks.json: the public keys that verify tokenized sessions."""
    return json_response(ctx.state.tokens.jwks())


def register(router: Router) -> None:
    """Add the JWKS route to the public site."""
    router.add("GET", "/.well-known/jwks.json", jwks)
