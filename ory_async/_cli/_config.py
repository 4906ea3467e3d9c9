"""Where the command finds its server and key: options first, then the environment.

The API key is read from ``ORY_API_KEY`` or from a file (``--api-key-file``), never from a
command-line value (anyone on the machine can read those with ``ps``). It is only ever
held as a :class:`~ory_async.BearerToken`, whose ``repr`` is redacted.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import attrs

from .._client import OryClient
from ..auth import BearerToken

__all__ = [
    "Settings",
    "UsageError",
    "make_client",
    "read_api_key",
    "settings_from",
    "unauthorized_hint",
]


class UsageError(Exception):
    """The command was called wrongly (exit status 2). The message says how to fix it."""


@attrs.frozen(kw_only=True)
class Settings:
    """The connection settings of one run of the command.

    Attributes:
        url: the Ory Network project URL or the Kratos admin URL.
        public_url: the Kratos public URL (self-hosted), or None to use ``url``.
        api: ``"v1"`` or ``"v0"``.
        auth: the API key as a redacted credential, or None (self-hosted Kratos needs none).
        key_source: where the key came from (``ORY_API_KEY`` or ``--api-key-file``), or None.
    """

    url: str
    public_url: str | None
    api: Literal["v1", "v0"]
    auth: BearerToken | None
    key_source: str | None = None


def read_api_key(path: str) -> str:
    """The API key stored in the file at ``path`` (surrounding whitespace removed).

    Raises:
        UsageError: the file cannot be read or is empty. The message names neither the
            file's content nor its path (a key pasted in place of a path stays unprinted).
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        msg = (
            f"cannot read the file given with --api-key-file: {exc.strerror or type(exc).__name__}"
        )
        raise UsageError(msg) from None
    except UnicodeDecodeError:
        msg = "the file given with --api-key-file is not UTF-8 text"
        raise UsageError(msg) from None
    key = text.strip()
    if not key:
        msg = "the file given with --api-key-file is empty"
        raise UsageError(msg)
    if any(c.isspace() for c in key):
        msg = "the file given with --api-key-file must hold only the key (one line, no spaces)"
        raise UsageError(msg)
    return key


def settings_from(args: argparse.Namespace, environ: Mapping[str, str]) -> Settings:
    """Resolve the settings, options first, then the environment.

    ``--url``/``ORY_SDK_URL``, ``--public-url``/``ORY_PUBLIC_URL``,
    ``--api-key-file``/``ORY_API_KEY`` and ``--api``.

    Raises:
        UsageError: no URL was given.
    """
    url = args.url or environ.get("ORY_SDK_URL", "").strip()
    if not url:
        msg = (
            "no Ory URL: set ORY_SDK_URL (e.g. https://<slug>.projects.oryapis.com, or the "
            "Kratos admin URL) or pass --url"
        )
        raise UsageError(msg)
    public_url = args.public_url or environ.get("ORY_PUBLIC_URL", "").strip() or None
    if args.api_key_file:
        key: str | None = read_api_key(args.api_key_file)
        source: str | None = "--api-key-file"
    else:
        key = environ.get("ORY_API_KEY", "").strip() or None
        source = "ORY_API_KEY" if key else None
    return Settings(
        url=url,
        public_url=public_url,
        api=args.api,
        auth=BearerToken(key) if key else None,
        key_source=source,
    )


def make_client(settings: Settings, **options: Any) -> OryClient:
    """An :class:`OryClient` for ``settings``; ``options`` go to the constructor.

    Raises:
        UsageError: a malformed URL.
    """
    try:
        return OryClient(
            settings.url,
            public_url=settings.public_url,
            api=settings.api,
            auth=settings.auth,
            **options,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def unauthorized_hint(settings: Settings) -> str:
    """What to say after a 401: whether a key was sent at all, and where it came from."""
    if settings.auth is None:
        return (
            "no API key was given: set ORY_API_KEY or pass --api-key-file PATH "
            "(self-hosted Kratos admin APIs need none; Ory Network needs one)"
        )
    return (
        f"the API key from {settings.key_source} was refused: check that it is valid and "
        "belongs to this project"
    )
