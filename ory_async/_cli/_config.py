"""Where the command finds its server and key: options first, then the environment.

The API key is read from ``ORY_API_KEY`` or from a file (``--api-key-file``), never from a
command-line value (anyone on the machine can read those with ``ps``). The environment is
read as ``OryClient.from_env`` reads it (:mod:`ory_async._settings`).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._client import OryClient
from .._settings import Settings, read_settings

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
    key = read_api_key(args.api_key_file) if args.api_key_file else None
    try:
        return read_settings(
            environ,
            url=args.url,
            public_url=args.public_url,
            api_key=key,
            api=args.api,
            url_hint="pass --url",
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None


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


def unauthorized_hint(settings: Settings, *, key_file: bool) -> str:
    """What to say after a 401: whether a key was sent at all, and where it came from.

    ``key_file`` is whether the key was read from ``--api-key-file`` (else the environment).
    """
    if settings.auth is None:
        return (
            "no API key was given: set ORY_API_KEY or pass --api-key-file PATH "
            "(self-hosted Kratos admin APIs need none; Ory Network needs one)"
        )
    source = "--api-key-file" if key_file else "ORY_API_KEY"
    return (
        f"the API key from {source} was refused: check that it is valid and belongs to this project"
    )
