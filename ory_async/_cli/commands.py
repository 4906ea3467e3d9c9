"""The small commands: get and delete identities, list and revoke sessions, recovery codes."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Sequence
from typing import IO, Any, Final

from .._client import OryClient
from ..errors import NotFoundError, OryError
from ..models import Identity, Session
from ..services._get_many import canonical_id
from ._config import UsageError
from ._output import Output, dumps_line, plain

__all__ = [
    "confirm",
    "delete_identities",
    "get_identities",
    "get_identity",
    "list_sessions",
    "recovery_code",
    "revoke_sessions",
]

_IDENTITY_FIRST: Final = ("id", "schema_id", "state", "traits")
SESSION_COLUMNS: Final = (
    ("id", 36),
    ("identity_id", 36),
    ("active", 6),
    ("aal", 4),
    ("authenticated_at", 25),
    ("expires_at", 25),
)


def _identity_fields(identity: Identity) -> dict[str, Any]:
    data = plain(identity)
    ordered = {k: data[k] for k in _IDENTITY_FIRST if k in data}
    ordered.update((k, v) for k, v in data.items() if k not in ordered)
    return ordered


async def get_identity(ory: OryClient, output: Output, identity_id: str) -> int:
    """Print one identity."""
    identity = await ory.identities.get(identity_id)
    output.record(_identity_fields(identity))
    return 0


async def get_identities(ory: OryClient, output: Output, ids: Sequence[str]) -> int:
    """Print identities in the order asked; exit 1 if one does not exist.

    Several ids go through ``get_many``. With ``--json``, one identity per line (JSON Lines); as tables, one block each.
    """
    if len(ids) == 1:
        return await get_identity(ory, output, ids[0])
    found: dict[str, Identity] = {}
    async with ory.identities.get_many(ids) as stream:
        async for identity in stream:
            found[identity.id] = identity
    missing: list[str] = []
    shown: set[str] = set()
    for raw in ids:
        key = canonical_id(raw)
        if key in shown:
            continue
        shown.add(key)
        match = found.get(key)
        if match is None:
            missing.append(raw)
        elif output.json:
            output.out.write(dumps_line(_identity_fields(match)).decode())
        else:
            if len(shown) - len(missing) > 1:
                output.out.write("\n")
            output.record(_identity_fields(match))
    for raw in missing:
        output.note(f"ory-async: no identity has the id {raw}")
    return 1 if missing else 0


def confirm(
    question: str,
    *,
    assume_yes: bool,
    stdin: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> bool:
    """Ask ``question`` on the terminal; True for yes.

    Raises:
        UsageError: no ``--yes`` and no terminal to ask on.
    """
    if assume_yes:
        return True
    stdin = stdin if stdin is not None else sys.stdin
    stderr = stderr if stderr is not None else sys.stderr
    if not stdin.isatty():
        msg = "refusing to delete without confirmation: pass --yes (stdin is not a terminal)"
        raise UsageError(msg)
    stderr.write(f"{question} [y/N] ")
    stderr.flush()
    answer = stdin.readline().strip().lower()
    return answer in ("y", "yes")


async def delete_identities(
    ory: OryClient,
    output: Output,
    ids: Sequence[str],
    *,
    ask: Callable[[str], bool],
) -> int:
    """Delete identities after confirmation; exit 1 if any deletion failed."""
    unique = list(dict.fromkeys(ids))
    shown = ", ".join(unique[:3]) + (f" and {len(unique) - 3} more" if len(unique) > 3 else "")
    noun = "identity" if len(unique) == 1 else "identities"
    if not ask(f"Delete {len(unique)} {noun} for good ({shown})?"):
        output.note("nothing deleted")
        return 0  # the person said no: not an error (exit 1 is for API errors)

    async def one(identity_id: str) -> dict[str, Any]:
        try:
            await ory.identities.delete(identity_id)
        except OryError as exc:
            return {"id": identity_id, "outcome": "failed", "error": str(exc)}
        return {"id": identity_id, "outcome": "deleted"}

    results = await asyncio.gather(*(one(i) for i in unique))
    output.rows((("id", 36), ("outcome", 8), ("error", 0)), results)
    return 0 if all(r["outcome"] == "deleted" for r in results) else 1


def _session_row(session: Session, identity_id: str | None = None) -> dict[str, Any]:
    return {
        "id": session.id,
        "identity_id": session.identity.id if session.identity is not None else identity_id,
        "active": session.active,
        "aal": session.authenticator_assurance_level,
        "authenticated_at": session.authenticated_at,
        "expires_at": session.expires_at,
    }


async def list_sessions(
    ory: OryClient, output: Output, *, identity_id: str | None, active: bool
) -> int:
    """Stream sessions: every session of the project, or one identity's."""
    pager = (
        ory.sessions.list_for_identity(identity_id, active=active or None)
        if identity_id is not None
        else ory.sessions.list(active=active or None, expand=["identity"])
    )
    count = 0
    first = True
    async for page in pager.pages():
        rows = [_session_row(s, identity_id) for s in page.items]
        count += output.rows(SESSION_COLUMNS, rows, header=first)
        first = False
    if first:
        output.rows(SESSION_COLUMNS, [], header=True)
    if not output.json:
        output.note(f"{count:,} session{'s' if count != 1 else ''}")
    return 0


async def revoke_sessions(ory: OryClient, output: Output, identity_id: str) -> int:
    """Revoke every session of an identity; an identity without sessions is not an error.

    The server answers 404 both for an unknown identity and for one without sessions, so
    a 404 is told apart by looking the identity up.
    """
    try:
        await ory.sessions.delete_for_identity(identity_id)
    except NotFoundError:
        await ory.identities.get(identity_id)  # raises NotFoundError for an unknown identity
        output.record({"identity_id": identity_id, "sessions": "none to revoke"})
        return 0
    output.record({"identity_id": identity_id, "sessions": "revoked"})
    return 0


async def recovery_code(
    ory: OryClient, output: Output, identity_id: str, *, expires_in: str | None
) -> int:
    """Create a recovery code (and its link) for an identity."""
    code = await ory.recovery.create_code(identity_id, expires_in=expires_in)
    output.record(
        {
            "identity_id": identity_id,
            "recovery_code": code.recovery_code,
            "recovery_link": code.recovery_link,
            "expires_at": code.expires_at,
        }
    )
    return 0
