"""An aiohttp app whose routes need an Ory session.

Try it without an Ory project (starts FakeOry and the app, calls it, prints the answers)::

    python examples/aiohttp_app.py

Serve it on port 8080 against a project (``ORY_SDK_URL``, ``ORY_PUBLIC_URL``)::

    python examples/aiohttp_app.py --serve
"""

import asyncio
import sys
from collections.abc import Callable

import aiohttp
from aiohttp import web

from ory_async import OryClient, RetryPolicy, Timeouts
from ory_async.contrib import aiohttp as ory_web


def client_from_env() -> OryClient:
    """The app's client: short timeouts and few retries, since a user is waiting."""
    return OryClient.from_env(
        timeouts=Timeouts(read=5.0, retry_budget=5.0), retry=RetryPolicy(attempts=2)
    )


@ory_web.require_session
async def me(request: web.Request) -> web.Response:
    """The signed-in user (the decorator answers 401/403/503 for us)."""
    session = await ory_web.current_session(request)
    identity = session.identity
    return web.json_response(
        {
            "session_id": session.id,
            "identity_id": identity.id if identity else None,
            "email": identity.traits.get("email") if identity else None,
        }
    )


async def health(request: web.Request) -> web.Response:
    """Whether Ory answers."""
    await ory_web.get_ory(request).ping()
    return web.json_response({"ory": "ready"})


def create_app(client_factory: Callable[[], OryClient] = client_from_env) -> web.Application:
    """The app; the client is made at start-up and closed at cleanup."""
    app = web.Application()
    ory_web.setup(app, client_factory)
    app.router.add_get("/me", me)
    app.router.add_get("/health", health)
    return app


async def demo() -> None:
    """Run the app against FakeOry and show what each kind of request gets."""
    from ory_async.testing import FakeOry

    async with FakeOry() as fake:
        (ada,) = fake.seed_identities(1)
        _, token = fake.create_session(ada)
        runner = web.AppRunner(
            create_app(
                lambda: OryClient(fake.url, public_url=fake.public_url, retry=RetryPolicy.none())
            )
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            host, port = runner.addresses[0][:2]
            base = f"http://{host}:{port}"
            async with aiohttp.ClientSession(base) as http:
                cases: list[tuple[str, dict[str, str]]] = [
                    ("a session token", {"X-Session-Token": token}),
                    ("a browser cookie", {"Cookie": f"ory_kratos_session={token}"}),
                    ("no session", {}),
                    ("a wrong token", {"X-Session-Token": "not-a-session"}),
                ]
                for label, headers in cases:
                    async with http.get("/me", headers=headers) as response:
                        print(f"GET /me with {label}: {response.status} {await response.json()}")
                fake.faults.add("/sessions/whoami", status=503, times=None)
                async with http.get("/me", headers={"X-Session-Token": token}) as response:
                    print(
                        f"GET /me while Ory is down: {response.status}, "
                        f"Retry-After: {response.headers.get('Retry-After')}"
                    )
                async with http.get("/health") as response:
                    print(f"GET /health: {await response.json()}")
        finally:
            await runner.cleanup()


if __name__ == "__main__":
    if "--serve" in sys.argv[1:]:
        web.run_app(create_app(), host="127.0.0.1", port=8080)
    else:
        asyncio.run(demo())
