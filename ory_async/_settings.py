"""Where a client finds its server and key: given values first, then the environment.

``OryClient.from_env``, the ``ory-async`` command and its demo all read their settings
here, so ``ORY_SDK_URL``, ``ORY_PUBLIC_URL`` and ``ORY_API_KEY`` mean the same everywhere.
The key is only ever held as a :class:`~ory_async.BearerToken`, whose ``repr`` is redacted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import attrs
from yarl import URL

from .auth import BearerToken

__all__ = ["Settings", "read_settings"]


@attrs.frozen(kw_only=True)
class Settings:
    """Where to connect and with which key.

    Attributes:
        url: the Ory Network project URL or the Kratos admin URL.
        public_url: the Kratos public URL (self-hosted), or None to use ``url``.
        api: ``"v1"`` or ``"v0"``.
        auth: the API key as a redacted credential, or None (self-hosted Kratos needs none).
    """

    url: str
    public_url: str | None
    api: Literal["v1", "v0"] = "v1"
    auth: BearerToken | None = None


def read_settings(
    environ: Mapping[str, str],
    *,
    url: str | URL | None = None,
    public_url: str | URL | None = None,
    api_key: str | None = None,
    api: Literal["v1", "v0"] = "v1",
    url_hint: str = "pass base_url=",
) -> Settings:
    """Each setting from its argument, else ``ORY_SDK_URL``, ``ORY_PUBLIC_URL``, ``ORY_API_KEY``.

    Raises:
        ValueError: no URL, neither given nor in the environment; the message ends with
            ``url_hint`` (how the caller passes one).
    """
    chosen = str(url) if url else environ.get("ORY_SDK_URL", "").strip()
    if not chosen:
        msg = (
            "ORY_SDK_URL is not set; export it (e.g. https://<slug>.projects.oryapis.com, "
            f"or the Kratos admin URL) or {url_hint}"
        )
        raise ValueError(msg)
    public = str(public_url) if public_url else environ.get("ORY_PUBLIC_URL", "").strip()
    key = api_key if api_key is not None else environ.get("ORY_API_KEY", "").strip()
    return Settings(
        url=chosen,
        public_url=public or None,
        api=api,
        auth=BearerToken(key) if key else None,
    )
