"""Registering a user through FakeOry's native (api) flow over raw HTTP."""

from __future__ import annotations

import aiohttp

from ory_async.testing import FakeOry
from tests.kit.raw_http import Reply, call

PASSWORD = "correct horse battery"


async def register(fake: FakeOry, http: aiohttp.ClientSession, email: str) -> Reply:
    r = await call(http, "GET", f"{fake.public_url}/self-service/registration/api")
    assert r.status == 200
    flow = r.json()
    body = {"method": "password", "traits": {"email": email}, "password": PASSWORD}
    return await call(http, "POST", flow["ui"]["action"], json=body)
