"""The keyword arguments of :class:`FakeOry`, as one typed value."""

from __future__ import annotations

from typing import Literal, TypedDict

from ._util import Clock


class FakeOryOptions(TypedDict, total=False):
    """Keyword arguments for :class:`FakeOry` (see its constructor for what each means).

    The pytest plugin starts its fakes with these: return them from an
    ``ory_fake_options`` fixture to configure ``ory_fake`` and ``ory_fake_sync``.
    """

    api: Literal["v1", "v0"]
    api_key: str | None
    seed: int | None
    kratos_paging_bugs: bool
    host: str
    port: int
    public_port: int
    extend_returns_session: bool
    clock: Clock | None
    dev_mode: bool
