"""The ``ory-async`` command (also ``python -m ory_async``): parser and dispatch.

The jobs themselves live in the other modules of this package. Exit status: 0 ok, 1 an API error (or
some items of a bulk job failed), 2 a usage error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from .._version import __version__
from ..errors import OryError, UnauthorizedError, UnsupportedOperationError

if TYPE_CHECKING:
    from ._config import Settings
    from ._output import Output

__all__ = ["main"]

_ENVIRONMENT = """\
environment:
  ORY_SDK_URL      the project URL (https://<slug>.projects.oryapis.com) or the Kratos admin URL
  ORY_PUBLIC_URL   the Kratos public URL, when self-hosted (whoami and flows)
  ORY_API_KEY      the API key (or --api-key-file); never pass a key as an argument

exit status: 0 ok, 1 API error (or items of a bulk job failed), 2 usage error
"""


class _RefuseKeyArgument(argparse.Action):
    """``--api-key VALUE`` is refused without echoing VALUE (it would be visible in ``ps``)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> NoReturn:
        parser.error(
            "--api-key is not accepted: a key on the command line is visible to other "
            "users (ps, shell history). Set ORY_API_KEY or use --api-key-file PATH"
        )


def _positive(limit: int | None = None) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < 1 or (limit is not None and value > limit):
            upper = f" and {limit}" if limit is not None else ""
            raise argparse.ArgumentTypeError(f"must be between 1{upper}, got {value}")
        return value

    return parse


def _filter(text: str) -> tuple[str, str]:
    from .export import FILTERS

    key, sep, value = text.partition("=")
    if not sep or key not in FILTERS or not value:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE with KEY one of {', '.join(FILTERS)}")
    return key, value


def _connection_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """The connection and output options, accepted before or after the subcommand."""
    default: Any = None if top else argparse.SUPPRESS
    group = parser.add_argument_group("connection and output")
    group.add_argument(
        "--url", default=default, metavar="URL", help="the Ory URL (default: $ORY_SDK_URL)"
    )
    group.add_argument(
        "--public-url",
        default=default,
        metavar="URL",
        help="the Kratos public URL, self-hosted (default: $ORY_PUBLIC_URL)",
    )
    group.add_argument(
        "--api-key-file",
        default=default,
        metavar="PATH",
        help="read the API key from this file (default: $ORY_API_KEY)",
    )
    group.add_argument("--api-key", nargs="?", action=_RefuseKeyArgument, help=argparse.SUPPRESS)
    group.add_argument(
        "--api",
        choices=("v1", "v0"),
        default="v1" if top else argparse.SUPPRESS,
        help="API generation: v1 (Ory Network, Kratos >= 1.0; default) or v0 (Kratos <= 0.5)",
    )
    group.add_argument(
        "--json",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="print JSON for scripts instead of tables",
    )


def _progress_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar on stderr (default: when stderr is a terminal)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ory-async",
        description="Command-line tools for the Ory identity admin API (Ory Network, Ory Kratos).",
        epilog=_ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"ory-async {__version__}")
    _connection_options(parser, top=True)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def leaf(group: Any, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        if "description" in kwargs:  # the raw formatter (for the epilog) does not wrap
            kwargs["description"] = textwrap.fill(kwargs["description"], 79)
        sub: argparse.ArgumentParser = group.add_parser(
            name, allow_abbrev=False, epilog=_ENVIRONMENT, **kwargs
        )
        sub.formatter_class = argparse.RawDescriptionHelpFormatter
        _connection_options(sub, top=False)
        return sub

    group_options: dict[str, Any] = {
        "allow_abbrev": False,
        "epilog": _ENVIRONMENT,
        "formatter_class": argparse.RawDescriptionHelpFormatter,
    }
    identities = commands.add_parser(
        "identities", help="export, import, get and delete identities", **group_options
    )
    ids = identities.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = leaf(
        ids,
        "export",
        help="write every identity as JSON Lines",
        description=(
            "Write every identity as JSON Lines (one identity per line, keys sorted), one "
            "page in memory at a time. With --resume, continue an interrupted export. "
            "identities import reads these lines, so an export (with --include-credential "
            "for the credentials) moves identities to another project."
        ),
    )
    export.add_argument(
        "--out", default="-", metavar="FILE", help="output file, or - for stdout (default)"
    )
    export.add_argument(
        "--page-size",
        type=_positive(500),
        default=250,
        metavar="N",
        help="identities per request, 1-500 (default 250)",
    )
    export.add_argument(
        "--filter",
        type=_filter,
        metavar="KEY=VALUE",
        help="only identities matching credentials_identifier=, "
        "preview_credentials_identifier_similar= or organization_id=",
    )
    export.add_argument(
        "--include-credential",
        action="append",
        default=[],
        metavar="TYPE",
        help="also export this credential type's configuration (password hashes, social "
        "sign-in links, ...), so that import recreates it; repeat for several types",
    )
    export.add_argument(
        "--resume",
        action="store_true",
        help="continue after the last complete line of --out FILE (a partial last line is cut)",
    )
    _progress_options(export)

    imp = leaf(
        ids,
        "import",
        help="create identities from JSON Lines of CreateIdentityBody",
        description=(
            "Create identities from a JSON Lines file of CreateIdentityBody objects. Every "
            "line is checked first; bad lines are reported with their line numbers and "
            "never sent. Lines that already exist (409) count as conflicts, so running "
            "the same file again creates nothing twice. Exit status 1 when a line was "
            "invalid, failed or has an unknown outcome."
        ),
    )
    imp.add_argument("file", metavar="FILE", help="JSON Lines input, or - for stdin")
    imp.add_argument(
        "--concurrency",
        type=_positive(64),
        default=4,
        metavar="N",
        help="batch requests in flight (default 4)",
    )
    imp.add_argument("--dry-run", action="store_true", help="check every line, send nothing")
    imp.add_argument(
        "--start-line",
        type=_positive(),
        default=1,
        metavar="N",
        help="skip the lines before line N (to resume an interrupted import; default 1)",
    )
    imp.add_argument(
        "--report",
        metavar="FILE",
        help="write one JSON line per input line: line, outcome, identity_id or error",
    )
    _progress_options(imp)

    get = leaf(
        ids,
        "get",
        help="show identities",
        description=(
            "Show identities by id. Several ids are fetched together, in a few list "
            "requests; an id that no identity has is reported, and the exit status is 1."
        ),
    )
    get.add_argument("ids", nargs="+", metavar="ID")
    delete = leaf(ids, "delete", help="delete identities for good (asks first)")
    delete.add_argument("ids", nargs="+", metavar="ID")
    delete.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")

    sessions = commands.add_parser("sessions", help="list and revoke sessions", **group_options)
    sess = sessions.add_subparsers(dest="action", required=True, metavar="ACTION")
    slist = leaf(sess, "list", help="list sessions (all, or one identity's)")
    slist.add_argument("--identity", metavar="ID", help="only this identity's sessions")
    slist.add_argument("--active", action="store_true", help="only active sessions")
    revoke = leaf(sess, "revoke", help="revoke every session of an identity")
    revoke.add_argument("--identity", metavar="ID", required=True)

    recovery = commands.add_parser("recovery", help="recovery codes", **group_options)
    rec = recovery.add_subparsers(dest="action", required=True, metavar="ACTION")
    code = leaf(rec, "code", help="create a recovery code (and link) for an identity")
    code.add_argument("id", metavar="ID")
    code.add_argument(
        "--expires-in",
        metavar="DURATION",
        help="Go duration such as 1h or 30m (default: the server's setting)",
    )

    demo = commands.add_parser(
        "demo",
        help="tour the client against the embedded fake server (or --url / ORY_SDK_URL)",
        description=(
            "Run a tour of ory_async. Without --url or ORY_SDK_URL it starts FakeOry in memory; "
            "with one (and ORY_API_KEY or --api-key-file) it runs read-only steps against that "
            "project, plus a create/patch/delete of one throw-away identity with --write."
        ),
    )
    _connection_options(demo, top=False)
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


async def _run(args: argparse.Namespace) -> int:
    from ._config import settings_from
    from ._output import Output

    settings = settings_from(args, os.environ)
    output = Output(json=args.json, secrets=settings.auth.secrets() if settings.auth else ())
    progress = getattr(args, "progress", None)
    # No terminal and no --progress/--no-progress: a progress line now and then (None).
    show_progress = (sys.stderr.isatty() or None) if progress is None else progress
    try:
        return await _dispatch(args, settings, output, show_progress)
    except UnauthorizedError as exc:
        from ._config import unauthorized_hint

        output.note(f"ory-async: {exc}")
        output.note(f"ory-async: {unauthorized_hint(settings, key_file=bool(args.api_key_file))}")
        return 1


async def _dispatch(
    args: argparse.Namespace, settings: Settings, output: Output, show_progress: bool | None
) -> int:
    from ._config import make_client, unauthorized_hint
    from .commands import (
        confirm,
        delete_identities,
        get_identities,
        list_sessions,
        recovery_code,
        revoke_sessions,
    )

    async with make_client(settings) as ory:
        match (args.command, args.action):
            case ("identities", "export"):
                from .export import export_identities

                return await export_identities(
                    ory,
                    output,
                    out_path=args.out,
                    page_size=args.page_size,
                    filters=dict([args.filter]) if args.filter else {},
                    resume=args.resume,
                    progress=show_progress,
                    include_credential=args.include_credential,
                    unauthorized_hint=unauthorized_hint(settings, key_file=bool(args.api_key_file)),
                )
            case ("identities", "import"):
                from .importer import import_identities

                return await import_identities(
                    ory,
                    output,
                    in_path=args.file,
                    concurrency=args.concurrency,
                    dry_run=args.dry_run,
                    report_path=args.report,
                    progress=show_progress,
                    start_line=args.start_line,
                )
            case ("identities", "get"):
                return await get_identities(ory, output, args.ids)
            case ("identities", "delete"):
                return await delete_identities(
                    ory,
                    output,
                    args.ids,
                    ask=lambda question: confirm(question, assume_yes=args.yes),
                )
            case ("sessions", "list"):
                return await list_sessions(
                    ory, output, identity_id=args.identity, active=args.active
                )
            case ("sessions", "revoke"):
                return await revoke_sessions(ory, output, args.identity)
            case ("recovery", "code"):
                return await recovery_code(ory, output, args.id, expires_in=args.expires_in)
    msg = f"unknown command {args.command} {args.action}"  # pragma: no cover - argparse checks
    raise AssertionError(msg)


def _demo(args: argparse.Namespace) -> int:
    from . import demo
    from ._config import settings_from

    if (args.url or os.environ.get("ORY_SDK_URL")) and not args.fake:
        settings = settings_from(args, os.environ)
        asyncio.run(demo.run_real(sys.stdout, sys.stderr, write=args.write, settings=settings))
    else:
        if args.identities < 1:
            print("ory-async: --identities must be at least 1", file=sys.stderr)
            return 2
        try:
            import jsonschema  # noqa: F401  # FakeOry validates traits with it
        except ImportError:
            print(
                "ory-async: the demo needs the cli extra (FakeOry validates traits with"
                " jsonschema): install ory-async[cli]",
                file=sys.stderr,
            )
            return 2
        asyncio.run(demo.run_fake(sys.stdout, sys.stderr, identities=args.identities))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code (0 ok, 1 API error, 2 usage error)."""
    from ._config import UsageError

    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            return _demo(args)
        return asyncio.run(_run(args))
    except (UsageError, UnsupportedOperationError, ValueError) as exc:
        # ValueError: the client refused an argument (an empty id, a bad duration, ...).
        print(f"ory-async: {exc}", file=sys.stderr)
        return 2
    except OryError as exc:
        print(f"ory-async: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("ory-async: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
