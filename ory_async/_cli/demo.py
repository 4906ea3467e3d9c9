"""``ory-async demo``: a tour of the client against FakeOry (or a real project).

It does what a user's script would: bulk-creates identities with bounded concurrency,
walks them in both pagination forms, looks one up by email, creates sessions and lists
them with their identities, extends and disables one, creates recovery codes and links,
patches and deletes, and prints a short report.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import IO, TypeVar

import attrs

from .._client import OryClient
from .._settings import read_settings
from ..auth import SessionToken
from ..models import CreateIdentityBody, Identity, JsonPatch
from ._config import Settings, make_client
from ._output import Progress

T = TypeVar("T")


@attrs.define
class Step:
    """One line of the report."""

    name: str
    count: int
    seconds: float


@attrs.define
class Report:
    """What the demo did, for the closing table."""

    target: str
    steps: list[Step] = attrs.field(factory=list)

    def render(self, ory: OryClient) -> str:
        width = max(len(s.name) for s in self.steps) if self.steps else 10
        lines = [f"ory_async demo against {self.target}", ""]
        lines.append(f"{'step':<{width}}  {'items':>7}  {'time':>8}  {'items/s':>9}")
        for s in self.steps:
            rate = f"{s.count / s.seconds:,.0f}" if s.seconds > 0 and s.count else "-"
            lines.append(f"{s.name:<{width}}  {s.count:>7,}  {s.seconds:>7.2f}s  {rate:>9}")
        stats = ory.stats
        lines.append("")
        lines.append(
            f"requests sent: {stats.requests:,}   retries: {stats.retries:,}   "
            f"failed attempts: {stats.failures:,}"
        )
        return "\n".join(lines)


@contextlib.contextmanager
def _progress(label: str, total: int | None, out: IO[str]) -> Iterator[Progress]:
    bar = Progress(label, total=total, enabled=True, unit="items", err=out, leave=False)
    try:
        yield bar
    finally:
        bar.close()


class Demo:
    """Runs the tour and collects the report."""

    def __init__(self, ory: OryClient, report: Report, out: IO[str], err: IO[str]) -> None:
        self.ory = ory
        self.report = report
        self.out = out
        self.err = err

    async def timed(
        self, name: str, work: Callable[[], Awaitable[T]], count: Callable[[T], int]
    ) -> T:
        started = time.perf_counter()
        result = await work()
        self.report.steps.append(Step(name, count(result), time.perf_counter() - started))
        return result

    async def create_identities(self, n: int) -> list[Identity]:
        async def work() -> list[Identity]:
            with _progress("creating identities", n, self.err) as bar:

                async def one(i: int) -> Identity:
                    body = CreateIdentityBody(
                        schema_id="default",
                        traits={
                            "email": f"demo-user-{i}@example.org",
                            "name": {"first": "Demo", "last": str(i)},
                        },
                        metadata_public={"source": "ory-async demo"},
                    )
                    identity = await self.ory.identities.create(body)
                    bar.update()
                    return identity

                return list(await asyncio.gather(*(one(i) for i in range(n))))

        return await self.timed(f"create {n:,} identities (concurrently)", work, len)

    async def walk(self, label: str, pager: AsyncIterator[Identity], total: int | None) -> int:
        async def work() -> int:
            seen = set()
            with _progress(label, total, self.err) as bar:
                async for identity in pager:
                    seen.add(identity.id)
                    bar.update()
            return len(seen)

        return await self.timed(label, work, lambda n: n)


async def run_fake(out: IO[str], err: IO[str], identities: int = 2000) -> None:
    """The full tour against an embedded FakeOry."""
    from ..testing import FakeOry

    async with (
        FakeOry(seed=42) as fake,
        OryClient(fake.url, public_url=fake.public_url, max_concurrency=32) as ory,
    ):
        report = Report(target=f"FakeOry at {fake.url} (embedded, in memory)")
        demo = Demo(ory, report, out, err)
        created = await demo.create_identities(identities)
        await demo.walk(
            "walk, page_size/page_token form",
            ory.identities.list(page_size=500).__aiter__(),
            identities,
        )
        await demo.walk(
            "walk, legacy per_page/page form",
            ory.identities.list(per_page=250).__aiter__(),
            identities,
        )

        target = created[len(created) // 2]
        email = str(target.traits["email"])
        found = await demo.timed(
            "look up by credentials identifier",
            lambda: ory.identities.list(credentials_identifier=email).collect(),
            len,
        )
        if [i.id for i in found] != [target.id]:
            raise RuntimeError(f"looking up {email} found {[i.id for i in found]}")

        sessions = [fake.create_session(i.id) for i in created[:200]]
        walked = await demo.timed(
            "list sessions with expand=identity",
            lambda: ory.sessions.list(page_size=50, expand=["identity"]).collect(),
            len,
        )
        if not all(s.identity is not None for s in walked) or len(walked) != len(sessions):
            raise RuntimeError("sessions came back without their identities")
        first_session, token = sessions[0]
        await demo.timed(
            "whoami with a session token",
            lambda: ory.with_auth(SessionToken(token)).sessions.whoami(),
            lambda _: 1,
        )
        await demo.timed(
            "extend and disable a session",
            lambda: _extend_and_disable(ory, first_session["id"]),
            lambda _: 2,
        )

        code = await demo.timed(
            "recovery code",
            lambda: ory.recovery.create_code(target.id, expires_in="1h"),
            lambda _: 1,
        )
        link = await demo.timed(
            "recovery link",
            lambda: ory.recovery.create_link(target.id, expires_in="30m"),
            lambda _: 1,
        )
        patched = await demo.timed(
            "patch an identity",
            lambda: ory.identities.patch(
                target.id, [JsonPatch(op="replace", path="/metadata_public", value={"plan": "pro"})]
            ),
            lambda _: 1,
        )
        if patched.metadata_public != {"plan": "pro"}:
            raise RuntimeError("the patch did not apply")
        await demo.timed("delete 100 identities", lambda: _delete(ory, created[-100:]), lambda n: n)

        print(report.render(ory), file=out)
        print(
            f"\nrecovery code {code.recovery_code} for {target.id}; link {link.recovery_link}",
            file=out,
        )
        print(f"identities left in the fake: {len(fake.identities):,}", file=out)


async def _extend_and_disable(ory: OryClient, session_id: str) -> None:
    await ory.sessions.extend(session_id)
    await ory.sessions.disable(session_id)
    if (await ory.sessions.get(session_id)).active:
        raise RuntimeError("the disabled session is still active")


async def _delete(ory: OryClient, identities: list[Identity]) -> int:
    await asyncio.gather(*(ory.identities.delete(i.id) for i in identities))
    return len(identities)


async def run_real(
    out: IO[str],
    err: IO[str],
    *,
    write: bool,
    limit: int = 1000,
    settings: Settings | None = None,
) -> None:
    """A read-only tour of a real project (``settings``, else ``ORY_SDK_URL``/``ORY_API_KEY``).

    ``write`` adds a create, patch, recovery link and delete of one throw-away identity.
    """
    if settings is None:
        settings = read_settings(os.environ)
    async with make_client(settings) as ory:
        report = Report(target=str(ory.base_url))
        demo = Demo(ory, report, out, err)
        await demo.timed("ping /health/ready", ory.ping, lambda _: 1)
        walked = await demo.timed(
            f"walk up to {limit:,} identities",
            lambda: ory.identities.list(page_size=250).collect(limit=limit),
            len,
        )
        if walked:
            first = walked[0]
            email = first.traits.get("email") if isinstance(first.traits, dict) else None
            if isinstance(email, str):
                await demo.timed(
                    "look up by credentials identifier",
                    lambda: ory.identities.list(credentials_identifier=email).collect(),
                    len,
                )
        await demo.timed(
            f"list up to {limit:,} sessions (expand=identity)",
            lambda: ory.sessions.list(expand=["identity"]).collect(limit=limit),
            len,
        )
        await demo.timed("list identity schemas", lambda: ory.schemas.list().collect(), len)
        if write:
            body = CreateIdentityBody(
                schema_id="default", traits={"email": f"ory-async-demo-{os.getpid()}@example.org"}
            )
            made = await demo.timed(
                "create one identity", lambda: ory.identities.create(body), lambda _: 1
            )
            try:
                await demo.timed(
                    "recovery link",
                    lambda: ory.recovery.create_link(made.id, expires_in="15m"),
                    lambda _: 1,
                )
                await demo.timed(
                    "patch it",
                    lambda: ory.identities.patch(
                        made.id, [JsonPatch(op="replace", path="/state", value="inactive")]
                    ),
                    lambda _: 1,
                )
            finally:
                await demo.timed("delete it", lambda: ory.identities.delete(made.id), lambda _: 1)
        print(report.render(ory), file=out)
