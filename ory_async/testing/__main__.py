"""Run FakeOry standalone: ``python -m ory_async.testing --port 4434``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Sequence
from typing import NoReturn

from ._server import FakeOry

PROG = "python -m ory_async.testing"


class UsageError(Exception):
    """A bad argument or an unusable port: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see --help)")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options; raises :class:`UsageError` for a bad one."""
    parser = _Parser(
        prog=PROG,
        description="Serve an in-memory Ory Kratos (admin and public API) until Ctrl-C.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=4434, help="admin port (default 4434)")
    parser.add_argument("--public-port", type=int, default=4433, help="public port (default 4433)")
    parser.add_argument(
        "--api",
        choices=("v1", "v0"),
        default="v1",
        help="API generation: v1 (Kratos >= 1.0, Ory Network) or v0 (legacy Kratos v0.5)",
    )
    parser.add_argument(
        "--api-key-env",
        metavar="VAR",
        help="require 'Authorization: Bearer <key>' on admin routes, key read from $VAR",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        help="seed for ids and tokens, for the same ids every run (default: random)",
    )
    parser.add_argument(
        "--seed-identities",
        "--identities",
        dest="identities",
        type=int,
        default=0,
        metavar="N",
        help="identities to pre-create (user<k>@example.org)",
    )
    parser.add_argument(
        "--seed-sessions",
        action="store_true",
        help="give every pre-created identity an active session",
    )
    parser.add_argument(
        "--kratos-paging-bugs", action="store_true", help="reproduce Kratos's paging bugs"
    )
    return parser.parse_args(argv)


def build(args: argparse.Namespace, api_key: str | None = None) -> FakeOry:
    """The configured, seeded (not yet started) fake."""
    fake = FakeOry(
        api=args.api,
        api_key=api_key,
        seed=args.seed,
        kratos_paging_bugs=args.kratos_paging_bugs,
        host=args.host,
        port=args.port,
        public_port=args.public_port,
    )
    ids = fake.seed_identities(args.identities) if args.identities else []
    if args.seed_sessions:
        for identity_id in ids:
            fake.create_session(identity_id)
    return fake


async def serve(args: argparse.Namespace) -> None:
    """Start the fake, print its URLs and wait until cancelled."""
    api_key = None
    if args.api_key_env:
        api_key = os.environ.get(args.api_key_env)
        if not api_key:
            raise UsageError(f"environment variable {args.api_key_env} is empty or not set")
    fake = build(args, api_key)
    try:
        await fake.start()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UsageError(
            f"cannot listen on {args.host} port {args.port} (admin) and"
            f" {args.public_port} (public): {reason}"
        ) from None
    async with fake:
        print(f"FakeOry ({args.api}) admin:  {fake.url}", flush=True)
        print(f"FakeOry ({args.api}) public: {fake.public_url}", flush=True)
        if args.identities:
            sessions = len(fake.state.sessions)
            print(f"seeded {args.identities} identities, {sessions} sessions", flush=True)
        if api_key:
            print(f"admin routes require a bearer key (from ${args.api_key_env})", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        await stop.wait()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: 0 after Ctrl-C, 2 with one line on stderr for a usage problem."""
    try:
        args = parse_args(argv)
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(args))
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
