"""FakeOry: an in-process, in-memory Kratos-like server on two loopback ports."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from types import TracebackType
from typing import Any, Literal, Self

from aiohttp import web

from ._app import Pipeline
from ._faults import Faults, RateLimiter
from ._identity_fields import Identity
from ._ratelimit import LimitQuota, OryRateLimiter, tier_limits
from ._recording import RequestLog
from ._server_tokens import SessionTokensControls
from ._state import FLOW_KINDS, FakeState, FlowRecord
from ._util import Clock, IdFactory, SystemClock, format_time

TraitsFactory = Callable[[int], dict[str, Any]]


class FakeOry(SessionTokensControls):
    """An in-memory Ory Kratos (admin + public API) for tests, speaking raw JSON over HTTP.

    Use it as ``async with FakeOry() as fake:`` and point a client at ``fake.url`` (admin)
    and ``fake.public_url`` (frontend). Behaviour follows the real server, quirks included;
    ``kratos_paging_bugs=True`` also reproduces its pagination bugs.

    Args:
        api: ``"v1"`` (Kratos ≥ 1.0 / Ory Network) or ``"v0"`` (Kratos v0.5 paths and shapes).
        api_key: When set, admin routes require ``Authorization: Bearer <api_key>``.
        seed: Seed for ids and tokens: the same seed gives the same ids, for reproducible
            tests. None (the default) draws random version-4 UUIDs, as the real server
            does, so two fakes never share ids.
        kratos_paging_bugs: Reproduce the off-by-one (identity sessions) and overlap
            (schemas) pagination bugs of real Kratos.
        host: Interface to bind; loopback by default.
        port: Admin port (0 = any free port).
        public_port: Public port (0 = any free port).
        extend_returns_session: Make session extend answer 200 with the session (older
            Ory Network projects) instead of 204.
        clock: Time source; pass a :class:`ManualClock` to control expiry and rate limits.
        dev_mode: Like Kratos's ``--dev``: courier messages show their subject and body over
            HTTP (otherwise ``<redacted-unless-dev-mode>``, as in production).
    """

    def __init__(
        self,
        api: Literal["v1", "v0"] = "v1",
        api_key: str | None = None,
        seed: int | None = None,
        kratos_paging_bugs: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        public_port: int = 0,
        extend_returns_session: bool = False,
        clock: Clock | None = None,
        dev_mode: bool = False,
    ) -> None:
        if api not in ("v1", "v0"):
            raise ValueError(f"api must be 'v1' or 'v0', not {api!r}")
        self.host = host
        self.port = port
        self.public_port = public_port
        self.clock: Clock = clock or SystemClock()
        self.state = FakeState(
            api=api,
            clock=self.clock,
            ids=IdFactory(seed),
            kratos_paging_bugs=kratos_paging_bugs,
            extend_returns_session=extend_returns_session,
            dev_mode=dev_mode,
        )
        self._pipeline = Pipeline(self.state, api_key)
        self._runners: list[web.AppRunner] = []

    @property
    def api(self) -> Literal["v1", "v0"]:
        """The API generation this fake speaks."""
        return self.state.api

    @property
    def url(self) -> str:
        """The admin URL (empty until :meth:`start`)."""
        return self.state.admin_url

    @property
    def public_url(self) -> str:
        """The frontend URL (empty until :meth:`start`)."""
        return self.state.public_url

    def __repr__(self) -> str:
        return f"FakeOry(api={self.api!r}, url={self.url!r}, public_url={self.public_url!r})"

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Bind both sites; afterwards ``url`` and ``public_url`` are set."""
        if self._runners:
            return
        try:
            admin_port = await self._serve("admin", self.port)
            public_port = await self._serve("public", self.public_port)
        except BaseException:
            await self.stop()
            raise
        self.state.set_urls(f"http://{self.host}:{admin_port}", f"http://{self.host}:{public_port}")
        for ident in self.state.store.identities.values():
            ident["schema_url"] = self.state.store.schema_url(ident["schema_id"])

    async def _serve(self, site: str, port: int) -> int:
        runner = web.AppRunner(
            self._pipeline.make_app(site),
            access_log=None,
            handle_signals=False,
            shutdown_timeout=0.1,
            # Go's net/http accepts 1 MiB of headers; long ``ids=`` filters need it.
            max_line_size=1 << 20,
            max_field_size=1 << 20,
        )
        await runner.setup()
        self._runners.append(runner)
        tcp = web.TCPSite(runner, self.host, port)
        await tcp.start()
        server = tcp._server  # the bound asyncio server, to learn the chosen port
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        return int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Close both sites (idempotent)."""
        runners, self._runners = self._runners, []
        for runner in runners:
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # --- introspection ------------------------------------------------------------------------

    @property
    def requests(self) -> RequestLog:
        """Every request received (both sites), oldest first."""
        return self._pipeline.requests

    @property
    def faults(self) -> Faults:
        """The fault plan: ``fake.faults.add(...)``, ``.random(...)``, ``.clear()``."""
        return self._pipeline.faults

    @property
    def max_in_flight(self) -> int:
        """The largest number of requests handled at the same time."""
        return self._pipeline.max_in_flight

    @property
    def in_flight(self) -> int:
        """Requests being handled right now."""
        return self._pipeline.in_flight

    def reset_counters(self) -> None:
        """Reset ``max_in_flight`` and the Prometheus counters."""
        self._pipeline.max_in_flight = self._pipeline.in_flight
        self.state.metrics.clear()

    @property
    def identities(self) -> dict[str, Identity]:
        """Stored identities by id (full records incl. credential configs).

        Changing records directly bypasses the uniqueness index; call :meth:`reindex` after.
        """
        return self.state.store.identities

    def reindex(self) -> None:
        """Rebuild the uniqueness index after editing :attr:`identities` directly."""
        self.state.store.reindex()

    # --- configuration and seeding ------------------------------------------------------------

    def rate_limit(self, requests_per_window: int | None, window: float = 1.0) -> None:
        """Answer 429 beyond ``requests_per_window`` per ``window`` seconds (None: off).

        Every response then carries ``x-ratelimit-limit/remaining/reset``. The window
        follows ``clock.monotonic()``, so a :class:`ManualClock` makes it deterministic.
        """
        if requests_per_window is None:
            self._pipeline.limiter = None
        else:
            self._pipeline.limiter = RateLimiter(requests_per_window, window, self.clock)

    def limit_rates(
        self,
        *,
        rps: float | None = None,
        burst: int | None = None,
        per_minute: int | None = None,
        buckets: Mapping[str, Sequence[LimitQuota]] | None = None,
        tier: str | None = None,
        environment: str = "Development",
        inflight: bool = True,
    ) -> OryRateLimiter | None:
        """Limit requests like Ory Network: per bucket, with its headers (no argument: off).

        ``rps`` (with ``burst``, default one second's worth) and ``per_minute`` set the
        quotas of every bucket, each bucket counting on its own; ``tier`` takes Ory
        Network's published limits of that tier and ``environment`` instead (e.g.
        ``tier="Developer"``: 5 requests a second on the admin buckets); ``buckets``
        sets or overrides single buckets, e.g. ``{"kratos-admin-high":
        [LimitQuota.per_second(20)]}``. With ``inflight``, a write to an identity path
        while another write to that path is in progress is answered 429. Returns the
        limiter, whose counters say what it let through and refused.
        """
        default: list[LimitQuota] = []
        if rps is not None:
            default.append(LimitQuota.per_second(rps, burst))
        if per_minute is not None:
            default.append(LimitQuota.per_minute(per_minute))
        limits: dict[str, Sequence[LimitQuota]] = (
            dict(tier_limits(tier, environment)) if tier else {}
        )
        limits.update(buckets or {})
        if not default and not limits:
            self._pipeline.ory_limiter = None
            return None
        limiter = OryRateLimiter(limits, self.clock, default=default, inflight_rule=inflight)
        self._pipeline.ory_limiter = limiter
        return limiter

    def batch_gateway_limit(self, entries: int | None) -> None:
        """Answer 504 to batch creates of more than ``entries`` entries (None: off).

        Ory Network's gateway times out on batches too large for it; here the 504 comes
        before anything is applied.
        """
        self.state.batch_gateway_limit = entries

    def add_schema(self, schema_id: str, schema: dict[str, Any]) -> None:
        """Add (or replace) an identity schema."""
        self.state.schemas.add(schema_id, schema)

    def seed_identities(
        self,
        n: int,
        *,
        schema_id: str = "default",
        traits_factory: TraitsFactory | None = None,
    ) -> list[str]:
        """Insert ``n`` identities directly (no HTTP, no trait validation); returns their ids.

        ``traits_factory(i)`` gives the traits of the i-th new identity; by default
        ``{"email": "user<k>@example.org"}`` with k unique in this fake.
        """
        store = self.state.store
        if self.state.schemas.get(schema_id) is None:
            raise KeyError(f"unknown schema {schema_id!r}")
        start = len(store.identities)
        now = format_time(self.clock.now())
        schema_url = store.schema_url(schema_id)
        ids = []
        for i in range(n):
            traits = (
                traits_factory(i) if traits_factory else {"email": f"user{start + i}@example.org"}
            )
            ident: Identity = {
                "id": self.state.ids.uuid(),
                "schema_id": schema_id,
                "schema_url": schema_url,
                "state": "active",
                "state_changed_at": now,
                "traits": traits,
                "metadata_public": None,
                "created_at": now,
                "updated_at": now,
                "organization_id": None,
            }
            store.derive(ident)
            if store.conflicts(ident):
                raise ValueError(f"seeded identity {i} conflicts with an existing identity")
            store.put(ident)
            ids.append(ident["id"])
        return ids

    def create_session(
        self,
        identity_id: str,
        *,
        active: bool = True,
        aal: str = "aal1",
        expires_in: timedelta = timedelta(hours=24),
        devices: list[dict[str, Any]] | None = None,
        aal_required: str | None = None,
        authentication_methods: list[dict[str, Any]] | None = None,
    ) -> tuple[dict[str, Any], str]:
        """Create a session for an existing identity; returns ``(session_json, token)``.

        ``aal_required="aal2"`` makes whoami answer 403 ``session_aal2_required`` unless
        ``aal="aal2"``. ``devices`` entries get an ``id`` added.
        """
        rec = self.state.new_session(
            identity_id,
            active=active,
            aal=aal,
            expires_in=expires_in,
            devices=devices,
            aal_required=aal_required,
            authentication_methods=authentication_methods,
        )
        body = self.state.session_json(rec, identity="admin", devices=True)
        return copy.deepcopy(body), rec.token

    def add_flow(
        self,
        kind: str,
        flow_json: dict[str, Any],
        *,
        expired: bool = False,
        requires_session_token: str | None = None,
    ) -> dict[str, Any]:
        """Seed a self-service flow served at ``/self-service/<kind>/flows?id=<id>``.

        A missing ``id`` is generated. ``expired=True`` answers 410 like Kratos.
        Settings flows always need a valid session; ``requires_session_token`` makes
        any flow require that exact session token.
        """
        if kind not in FLOW_KINDS:
            raise ValueError(f"kind must be one of {FLOW_KINDS}")
        flow = copy.deepcopy(flow_json)
        flow.setdefault("id", self.state.ids.uuid())
        self.state.flows[flow["id"]] = FlowRecord(kind, flow, expired, requires_session_token)
        return flow

    @property
    def manage_sessions_batch_size(self) -> int:
        """How many sessions one wildcard ``POST /admin/sessions`` call handles (Kratos: 5000).

        Lower it to see ``"more": true`` answers without creating thousands of sessions.
        """
        return self.state.manage_sessions_batch_size

    @manage_sessions_batch_size.setter
    def manage_sessions_batch_size(self, value: int) -> None:
        if value < 1:
            raise ValueError("manage_sessions_batch_size must be at least 1")
        self.state.manage_sessions_batch_size = value

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Courier messages, newest first, unredacted and with their dispatches (copies)."""
        return [m.to_json(with_dispatches=True, redact=False) for m in self.state.courier.ordered()]

    def add_message(
        self,
        recipient: str,
        *,
        subject: str = "",
        body: str = "",
        template_type: str = "recovery_code_valid",
        type: str = "email",  # Kratos's field name
        status: str = "queued",
        channel: str = "",
        send_count: int = 0,
        dispatches: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Seed a courier message served at ``/admin/courier/messages``; returns it.

        ``status`` is one of queued, sent, processing, abandoned; ``type`` email or sms.
        ``dispatches`` entries (``{"status": "failed", "error": {...}}``) get their ids and
        times added. Messages created later list first (``created_at`` descending).
        """
        rec = self.state.courier.add(
            recipient,
            subject=subject,
            body=body,
            template_type=template_type,
            type=type,
            status=status,
            channel=channel,
            send_count=send_count,
            dispatches=dispatches,
        )
        return rec.to_json(with_dispatches=True, redact=False)

    def add_error(self, error: dict[str, Any] | None = None, *, error_id: str | None = None) -> str:
        """Seed a self-service error container; returns its id for ``/self-service/errors``."""
        cid = error_id or self.state.ids.uuid()
        now = format_time(self.clock.now())
        inner = error or {
            "code": 500,
            "status": "Internal Server Error",
            "reason": "This is a seeded error.",
            "message": "An internal server error occurred, please contact the system administrator",
        }
        self.state.errors[cid] = {"id": cid, "error": inner, "created_at": now, "updated_at": now}
        return cid
