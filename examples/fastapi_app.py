"""A FastAPI app whose routes need an Ory session.

Try it without an Ory project (starts FakeOry, calls the app, prints the answers)::

    python examples/fastapi_app.py

Serve it against a project (``ORY_SDK_URL``, plus ``ORY_PUBLIC_URL`` when self-hosted);
``pip install '.[examples]'`` brings FastAPI, httpx and uvicorn, and in a checkout
``make serve-example`` does the same as::

    uvicorn examples.fastapi_app:app
"""

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI

from ory_async import OryClient, RetryPolicy, Timeouts
from ory_async.contrib.fastapi import OryClientDep, OrySession, ory_lifespan


def client_from_env() -> OryClient:
    """The app's client: short timeouts and few retries, since a user is waiting."""
    return OryClient.from_env(
        timeouts=Timeouts(read=5.0, retry_budget=5.0), retry=RetryPolicy(attempts=2)
    )


def create_app(client_factory: Callable[[], OryClient] = client_from_env) -> FastAPI:
    """The app; the client is made at start-up and closed at shutdown."""
    app = FastAPI(title="ory_async example", lifespan=ory_lifespan(client_factory))

    @app.get("/me")
    async def me(session: OrySession) -> dict[str, Any]:
        identity = session.identity
        return {
            "session_id": session.id,
            "identity_id": identity.id if identity else None,
            "email": identity.traits.get("email") if identity else None,
        }

    @app.get("/health")
    async def health(ory: OryClientDep) -> dict[str, str]:
        await ory.ping()
        return {"ory": "ready"}

    return app


app = create_app()


async def demo() -> None:
    """Run the app against FakeOry and show what each kind of request gets."""
    from ory_async.testing import FakeOry

    async with FakeOry() as fake:
        (ada,) = fake.seed_identities(1)
        _, token = fake.create_session(ada)
        demo_app = create_app(
            lambda: OryClient(fake.url, public_url=fake.public_url, retry=RetryPolicy.none())
        )
        transport = httpx.ASGITransport(app=demo_app)
        async with (
            demo_app.router.lifespan_context(demo_app),
            httpx.AsyncClient(transport=transport, base_url="http://example") as http,
        ):
            cases: list[tuple[str, dict[str, str]]] = [
                ("a session token", {"X-Session-Token": token}),
                ("a browser cookie", {"Cookie": f"ory_kratos_session={token}"}),
                ("no session", {}),
                ("a wrong token", {"X-Session-Token": "not-a-session"}),
            ]
            for label, headers in cases:
                response = await http.get("/me", headers=headers)
                print(f"GET /me with {label}: {response.status_code} {response.json()}")
            fake.faults.add("/sessions/whoami", status=503, times=None)
            response = await http.get("/me", headers={"X-Session-Token": token})
            print(
                f"GET /me while Ory is down: {response.status_code}, "
                f"Retry-After: {response.headers.get('Retry-After')}"
            )
            print(f"GET /health: {(await http.get('/health')).json()}")


if __name__ == "__main__":
    asyncio.run(demo())
