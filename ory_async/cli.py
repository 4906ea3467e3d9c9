"""The ``ory-async`` command (also ``python -m ory_async``)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence

from ._version import __version__
from .errors import OryError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ory-async",
        description="Command-line tools for the Ory identity admin API.",
    )
    parser.add_argument("--version", action="version", version=f"ory-async {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="tour the client against the embedded fake server (or ORY_SDK_URL)",
        description=(
            "Run a tour of ory_async. Without ORY_SDK_URL it starts FakeOry in memory; with "
            "ORY_SDK_URL (and ORY_API_KEY) it runs read-only steps against that project, "
            "plus a create/patch/delete of one throw-away identity with --write."
        ),
    )
    demo.add_argument(
        "--identities",
        type=int,
        default=2000,
        help="identities to create in the fake (default 2000)",
    )
    demo.add_argument(
        "--write",
        action="store_true",
        help="against a real project, also create, patch and delete one identity",
    )
    demo.add_argument(
        "--fake", action="store_true", help="use the embedded fake even when ORY_SDK_URL is set"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code (0 ok, 1 API error, 2 usage error)."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            from . import _demo

            if os.environ.get("ORY_SDK_URL") and not args.fake:
                asyncio.run(_demo.run_real(sys.stdout, sys.stderr, write=args.write))
            else:
                if args.identities < 1:
                    print("ory-async: --identities must be at least 1", file=sys.stderr)
                    return 2
                asyncio.run(_demo.run_fake(sys.stdout, sys.stderr, identities=args.identities))
    except OryError as exc:
        print(f"ory-async: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0
