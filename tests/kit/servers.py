"""The server an integration test runs against: FakeOry or a real Kratos, one interface.

A scenario written against :class:`ServerUnderTest` runs on both. It reaches the server only
the way a user's program can (the admin and public HTTP APIs), so what it sets up on FakeOry
it sets up the same way on Kratos: identities through the admin API, sessions through the
native (API) registration and login flows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import aiohttp

from ory_async.testing import FakeOry

ServerKind = Literal["fake", "kratos"]
PASSWORD = "correct horse battery staple 42"


@dataclass(frozen=True)
class NativeSession:
    """A session made through a native flow: its id, token and identity."""

    id: str
    token: str
    identity_id: str


class NativeFlowError(AssertionError):
    """A native flow the test relied on did not end in a session."""

    def __init__(self, kind: str, status: int, answer: object) -> None:
        super().__init__(f"{kind} ended in {status}: {answer}")
        self.status = status


@dataclass
class ServerUnderTest:
    """What a scenario needs to know about the server it runs against."""

    kind: ServerKind
    url: str
    public_url: str
    tag: str
    fake: FakeOry | None = None

    @property
    def api(self) -> Literal["v1"]:
        """The API generation: both servers speak v1."""
        return "v1"

    def email(self, name: str) -> str:
        """An address no other test of this run uses (Kratos keeps state between tests)."""
        return f"{name}-{self.tag}@example.com"

    async def _flow(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
            async with http.get(f"{self.public_url}/self-service/{kind}/api") as answer:
                flow = await answer.json()
                assert answer.status == 200, flow
            async with http.post(
                f"{self.public_url}/self-service/{kind}",
                params={"flow": flow["id"]},
                json=payload,
                headers={"Accept": "application/json"},
            ) as answer:
                result: dict[str, Any] = await answer.json()
                if answer.status != 200 or "session_token" not in result:
                    raise NativeFlowError(kind, answer.status, result)
                return result

    async def register(self, email: str, password: str = PASSWORD) -> NativeSession:
        """Sign up through the native registration flow; the answer carries a session."""
        result = await self._flow(
            "registration", {"method": "password", "password": password, "traits": {"email": email}}
        )
        session = result["session"]
        return NativeSession(session["id"], result["session_token"], session["identity"]["id"])

    async def login(self, identifier: str, password: str = PASSWORD) -> NativeSession:
        """Sign in through the native login flow (raises :class:`NativeFlowError` if refused)."""
        result = await self._flow(
            "login", {"method": "password", "identifier": identifier, "password": password}
        )
        session = result["session"]
        return NativeSession(session["id"], result["session_token"], session["identity"]["id"])

    async def send_recovery_code(self, email: str) -> None:
        """Ask for a recovery code by email, as a user would; the server queues the email."""
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
            async with http.get(f"{self.public_url}/self-service/recovery/api") as answer:
                flow = await answer.json()
                assert answer.status == 200, flow
            async with http.post(
                f"{self.public_url}/self-service/recovery",
                params={"flow": flow["id"]},
                json={"method": "code", "email": email},
            ) as answer:
                sent = await answer.json()
                assert answer.status == 200, sent
                assert sent["state"] == "sent_email", sent

    async def login_status(self, identifier: str, password: str) -> int:
        """The status of a native login attempt, without raising."""
        try:
            await self.login(identifier, password)
        except NativeFlowError as refused:
            return refused.status
        return 200


async def start_flow(server: ServerUnderTest, kind: str, session_token: str | None = None) -> str:
    """Start a native (API) self-service flow of ``kind``; its id."""
    headers = {"X-Session-Token": session_token} if session_token else {}
    async with (
        aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http,
        http.get(f"{server.public_url}/self-service/{kind}/api", headers=headers) as answer,
    ):
        flow = await answer.json()
        assert answer.status == 200, flow
        return str(flow["id"])
