"""Workload o: a real web app guarding a route with the user's session, under load.

FastAPI served by uvicorn (one worker), a load generator (``wrk``, one thread) at 50 and
200 connections, and FakeOry in its own process as the Ory project, with session caching
on (``Ory-Session-Cache-For``) and a session token template. The apps, each answering
``GET /me`` with the session id:

- ``raw``: a hand-written route that sends whoami with one shared aiohttp session and
  parses the answer with orjson (the floor);
- ``ory-client``: a sync route (FastAPI's threadpool) calling Ory's official SDK;
- ``ory_async``: ``SessionDependency(cache_ttl=0)``, whoami on every request;
- ``ory_async-cached``: ``SessionDependency()``, cached as FakeOry's
  ``Ory-Session-Cache-For`` says (every request carries the same session);
- ``ory_async-jwt``: ``SessionDependency(jwt=True)`` with ``Authorization: Bearer <JWT>``
  from ``tokenize_as``: verified locally;
- ``starlette-jwt``: the same token checked by ``OrySessionMiddleware(jwt=True)`` in front
  of a bare Starlette route (no FastAPI dependency solving).

Each run reports the app's throughput (wrk's requests/s), the app process's CPU per
request, and how many requests reached FakeOry during the run.

``python -m benchmarks.webapp --duration 10`` prints the figures (needs ``wrk``:
``apt-get install wrk``). The app and FakeOry run as ``python -m benchmarks.webapp app``
and ``... fake``.
"""

# No ``from __future__ import annotations``: FastAPI reads the routes' annotations at
# runtime, and they name types imported inside build_app.

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from typing import Any, Final

from .process import ROOT, child_server, stop_requested
from .server import pin_to_cpu

KINDS: Final = (
    "raw",
    "ory-client",
    "ory_async",
    "ory_async-cached",
    "ory_async-jwt",
    "starlette-jwt",
)
TEMPLATE: Final = "bench"


# --- FakeOry, in its own process ----------------------------------------------------------


async def _fake_main() -> None:
    from datetime import timedelta

    from ory_async.testing import FakeOry

    pin_to_cpu(0)
    async with FakeOry(seed=7) as fake:
        fake.cacheable_sessions(max_age=timedelta(minutes=5))
        fake.add_token_template(TEMPLATE, ttl=timedelta(hours=1))
        (ada,) = fake.seed_identities(1)
        _, token = fake.create_session(ada)
        print("READY", fake.url, fake.public_url, token, flush=True)
        await stop_requested().wait()


# --- the apps -----------------------------------------------------------------------------


def build_app(kind: str, ory_url: str, public_url: str) -> Any:
    """The FastAPI app of ``kind``."""
    from typing import Annotated

    from fastapi import Depends, FastAPI, HTTPException, Request

    if kind == "raw":
        import aiohttp
        import orjson

        holder: dict[str, aiohttp.ClientSession] = {}
        whoami = f"{public_url}/sessions/whoami"

        async def lifespan(app: FastAPI) -> Any:
            holder["http"] = aiohttp.ClientSession()
            yield
            await holder["http"].close()

        app = FastAPI(lifespan=lifespan)

        @app.get("/me")
        async def me(request: Request) -> dict[str, str]:
            token = request.headers.get("x-session-token", "")
            async with holder["http"].get(whoami, headers={"X-Session-Token": token}) as resp:
                if resp.status != 200:
                    raise HTTPException(401)
                return {"id": orjson.loads(await resp.read())["id"]}

        return app

    if kind == "ory-client":
        import ory_client

        api = ory_client.FrontendApi(
            ory_client.ApiClient(ory_client.Configuration(host=public_url))
        )
        app = FastAPI()

        @app.get("/me")
        def me_sync(request: Request) -> dict[str, str]:  # FastAPI runs it in its threadpool
            token = request.headers.get("x-session-token", "")
            try:
                session = api.to_session(x_session_token=token)
            except ory_client.ApiException:
                raise HTTPException(401) from None
            return {"id": str(session.id)}

        return app

    from ory_async import OryClient, RetryPolicy
    from ory_async.contrib.fastapi import SessionDependency, ory_lifespan
    from ory_async.models import Session

    def client() -> OryClient:
        return OryClient(ory_url, public_url=public_url, retry=RetryPolicy.none())

    if kind == "starlette-jwt":
        from starlette.applications import Starlette
        from starlette.middleware import Middleware
        from starlette.responses import JSONResponse
        from starlette.routing import Route

        from ory_async.contrib.asgi import OrySessionMiddleware

        async def me_bare(request: Request) -> JSONResponse:
            return JSONResponse({"id": request.state.ory_session.id})

        return Starlette(
            routes=[Route("/me", me_bare)],
            middleware=[Middleware(OrySessionMiddleware, jwt=True)],
            lifespan=ory_lifespan(client),  # type: ignore[arg-type]
        )

    by_kind: dict[str, dict[str, Any]] = {
        "ory_async": {"cache_ttl": 0},
        "ory_async-cached": {},
        "ory_async-jwt": {"jwt": True},
    }
    options = by_kind[kind]
    guard = SessionDependency(**options)
    app = FastAPI(lifespan=ory_lifespan(client))

    @app.get("/me")
    async def me_checked(session: Annotated[Session, Depends(guard)]) -> dict[str, str]:
        return {"id": session.id}

    return app


def _app_main(kind: str, ory_url: str, public_url: str) -> None:
    import socket

    import uvicorn

    pin_to_cpu(1)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        build_app(kind, ory_url, public_url),
        log_level="error",
        access_log=False,
        backlog=2048,
        lifespan="on",
    )
    server = uvicorn.Server(config)

    profile_to = os.environ.get("BENCH_PROFILE")
    profiler = None
    if profile_to:
        import cProfile

        profiler = cProfile.Profile()

    async def serve() -> None:
        stop = stop_requested()
        if profiler is not None:
            profiler.enable()
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:  # noqa: ASYNC110 - uvicorn has no "started" event
            await asyncio.sleep(0.01)
        print("READY", port, os.getpid(), flush=True)
        await stop.wait()
        server.should_exit = True
        await task
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(str(profile_to))

    asyncio.run(serve())


# --- measuring ----------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _ory_requests(admin_url: str) -> dict[str, int]:
    with urllib.request.urlopen(f"{admin_url}/admin/metrics/prometheus") as resp:  # noqa: S310
        text = resp.read().decode()
    counts: dict[str, int] = {}
    for line in text.splitlines():
        match = re.match(r'http_requests_total\{.*handler="([^"]+)".*\} (\d+)', line)
        if match:
            counts[match[1]] = counts.get(match[1], 0) + int(match[2])
    return counts


def _wrk(url: str, connections: int, duration: float, header: str) -> tuple[float, int, int]:
    done = subprocess.run(  # noqa: S603
        [  # noqa: S607 - wrk from the PATH
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{int(duration)}s",
            "--latency",
            "-H",
            header,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    total = int(re.search(r"(\d+) requests in", out)[1])  # type: ignore[index]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, total, int(bad[1]) if bad else 0


def measure(
    kinds: Sequence[str], connections: Sequence[int], duration: float
) -> list[dict[str, Any]]:
    """Run every app at every connection count; one row each."""
    if shutil.which("wrk") is None:
        msg = "workload o needs wrk (apt-get install wrk)"
        raise RuntimeError(msg)
    rows = []
    py = sys.executable
    with child_server([py, "-m", "benchmarks.webapp", "fake"], "FakeOry", 3) as (
        admin,
        public,
        token,
    ):
        ask = urllib.request.Request(  # noqa: S310 - FakeOry's http URL
            f"{public}/sessions/whoami?tokenize_as={TEMPLATE}",
            headers={"X-Session-Token": token},
        )
        with urllib.request.urlopen(ask) as resp:  # noqa: S310 - FakeOry's http URL
            jwt = json.loads(resp.read())["tokenized"]
        for kind in kinds:
            header = (
                f"Authorization: Bearer {jwt}"
                if kind.endswith("jwt")
                else f"X-Session-Token: {token}"
            )
            cmd = [py, "-m", "benchmarks.webapp", "app", kind, admin, public]
            with child_server(cmd, f"{kind} app", 2) as (port, pid):
                url = f"http://127.0.0.1:{port}/me"
                _wrk(url, 10, 2, header)  # warm-up: connections, keys, caches
                for conns in connections:
                    before_cpu = _cpu_seconds(int(pid))
                    before_ory = _ory_requests(admin)
                    rps, total, bad = _wrk(url, conns, duration, header)
                    cpu = _cpu_seconds(int(pid)) - before_cpu
                    after_ory = _ory_requests(admin)
                    metrics = "/admin/metrics/prometheus"
                    ory_calls = sum(v for k, v in after_ory.items() if k != metrics) - sum(
                        v for k, v in before_ory.items() if k != metrics
                    )
                    rows.append(
                        {
                            "kind": kind,
                            "connections": conns,
                            "rps": rps,
                            "requests": total,
                            "failed": bad,
                            "app_cpu_us": cpu / total * 1e6 if total else 0.0,
                            "ory_calls": ory_calls,
                        }
                    )
                    print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    return rows


TARGETS: Final = {
    "ory_async": ("≥ 0.85x raw", 0.85),
    "ory_async-jwt": ("≥ 3x raw, no calls to Ory", 3.0),
    "starlette-jwt": ("≥ 3x raw, no calls to Ory", 3.0),
}


def table(rows: list[dict[str, Any]]) -> str:
    """Medians over rounds as Markdown; each ratio is the median of per-round ratios to
    the raw app at the same connection count."""
    raw = {(r["round"], r["connections"]): r["rps"] for r in rows if r["kind"] == "raw"}
    groups: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["kind"], r["connections"]), []).append(r)
    lines = [
        "| app (FastAPI + uvicorn, wrk) | connections | req/s | x raw | app CPU per request "
        "| calls to Ory per request | non-2xx | target | met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for (kind, conns), group in groups.items():
        ratios = [
            r["rps"] / raw[(r["round"], conns)] for r in group if raw.get((r["round"], conns))
        ]
        ratio = statistics.median(ratios) if ratios else None
        calls = sum(r["ory_calls"] for r in group) / max(1, sum(r["requests"] for r in group))
        target, floor = TARGETS.get(kind, ("", None))
        met = ""
        if floor is not None and ratio is not None:
            ok = ratio >= floor and (not kind.endswith("jwt") or calls == 0)
            met = "yes" if ok else "**no**"
        lines.append(
            f"| {kind} | {conns} | {statistics.median(r['rps'] for r in group):,.0f} | "
            f"{f'{ratio:.2f}x' if ratio is not None else '—'} | "
            f"{statistics.median(r['app_cpu_us'] for r in group):.0f} µs | {calls:.2f} | "
            f"{sum(r['failed'] for r in group)} | {target} | {met} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """``fake``, ``app KIND ADMIN PUBLIC``, or measure (the default)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["fake"]:
        asyncio.run(_fake_main())
        return
    if args[:1] == ["app"]:
        _app_main(args[1], args[2], args[3])
        return
    parser = argparse.ArgumentParser(prog="python -m benchmarks.webapp")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--connections", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--kinds", nargs="+", default=list(KINDS), choices=KINDS)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument(
        "--write-readme", action="store_true", help="put the table in benchmarks/README.md"
    )
    opts = parser.parse_args(args)
    started = time.time()
    rows: list[dict[str, Any]] = []
    for round_ in range(opts.rounds):
        rows += [
            {**row, "round": round_} for row in measure(opts.kinds, opts.connections, opts.duration)
        ]
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump(rows, f, indent=1)
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    text = (
        f"Latest run: {stamp}, `python -m benchmarks.webapp --rounds {opts.rounds} "
        f"--duration {opts.duration:g}` ({(time.time() - started) / 60:.1f} min; medians).\n\n"
        + table(rows)
    )
    print(text)
    if opts.write_readme:
        _write_readme(text)


def _write_readme(text: str) -> None:
    path = ROOT / "benchmarks" / "README.md"
    readme = path.read_text()
    start, end = "<!-- bench-webapp:start -->", "<!-- bench-webapp:end -->"
    before, _, rest = readme.partition(start)
    _, _, after = rest.partition(end)
    path.write_text(f"{before}{start}\n{text}\n{end}{after}")


if __name__ == "__main__":
    main()
