"""The request pipeline of both sites: record, faults, rate limit, auth, route, count."""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from . import (
    _routes_courier,
    _routes_frontend,
    _routes_identities,
    _routes_identity_list,
    _routes_misc,
    _routes_my_sessions,
    _routes_native_flows,
    _routes_session_manage,
    _routes_sessions,
    _routes_tokens,
)
from ._errors import KratosError, dumps
from ._faults import Fault, Faults, RateLimiter
from ._ratelimit import Admission, OryRateLimiter
from ._recording import RecordedRequest, RequestLog
from ._router import Ctx, Router, method_not_allowed, not_found_text
from ._state import FakeState

MAX_BODY = 5 * 1024 * 1024


def build_routers(api: str) -> tuple[Router, Router]:
    """The admin and public routers for an API generation."""
    admin, public = Router(), Router()
    if api == "v0":
        _routes_identity_list.register(admin, v0=True)
        _routes_identities.register(admin, "", v0=True)
        _routes_misc.register_recovery(admin, v0=True)
        _routes_misc.register_health(admin, metrics=True, with_version=True)
        _routes_misc.register_health(public, with_version=True)
        _routes_frontend.register(admin, with_list=False)
        _routes_frontend.register(public, with_list=False)
    else:
        _routes_identity_list.register(admin)
        _routes_identities.register(admin, "/admin")
        _routes_sessions.register_admin(admin)
        _routes_session_manage.register(admin)
        _routes_courier.register(admin)
        _routes_misc.register_recovery(admin)
        _routes_misc.register_health(admin, "/admin", metrics=True, with_version=True)
        _routes_frontend.register(public)
        _routes_native_flows.register(public)
        _routes_my_sessions.register(public)
        _routes_misc.register_health(public)
        _routes_tokens.register(public)
    _routes_sessions.register_public(public, v0=api == "v0")
    return admin, public


@dataclass
class Pipeline:
    """Shared machinery of the two sites (``FakeOry`` owns one)."""

    state: FakeState
    api_key: str | None
    requests: RequestLog = field(default_factory=RequestLog)
    faults: Faults = field(default_factory=Faults)
    limiter: RateLimiter | None = None
    ory_limiter: OryRateLimiter | None = None
    in_flight: int = 0
    max_in_flight: int = 0

    def __post_init__(self) -> None:
        self.admin_router, self.public_router = build_routers(self.state.api)

    def make_app(self, site: str) -> web.Application:
        """An aiohttp application answering every path through :meth:`handle`."""
        app = web.Application(client_max_size=MAX_BODY)

        async def entry(request: web.Request) -> web.StreamResponse:
            return await self.handle(site, request)

        # [\s\S] rather than ".": a path may hold an encoded line break.
        app.router.add_route("*", "/{tail:[\\s\\S]*}", entry)
        return app

    async def handle(self, site: str, request: web.Request) -> web.StreamResponse:
        """Run one request through the pipeline."""
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        admission: Admission | None = None
        try:
            body = await request.read()
            self.requests.append(
                RecordedRequest(
                    method=request.method,
                    path=request.path,
                    raw_path=request.raw_path.split("?", 1)[0],
                    query_string=request.query_string,
                    query=parse_qsl(request.query_string, keep_blank_values=True),
                    headers=request.headers,
                    body=body,
                    site=site,
                )
            )
            # Ory Network's edge limiter answers before anything reaches the backend.
            if self.ory_limiter is not None:
                admission = self.ory_limiter.admit(request.method, request.path)
                if not admission.allowed:
                    limited = KratosError(429).response(_request_id(request))
                    limited.headers.update(admission.headers)
                    return limited
            fault = self.faults.take(request.method, request.path)
            if fault is not None:
                if fault.delay:
                    await asyncio.sleep(fault.delay)
                if fault.drop_connection == "after_apply":
                    await self._route(site, request)
                    return await _drop(request, fault)
                if fault.drop_connection:
                    return await _drop(request, fault)
                if fault.status is not None:
                    return _fault_response(fault, request)
            extra: dict[str, str] = {}
            if self.limiter is not None:
                allowed, extra = self.limiter.hit()
                if not allowed:
                    limited = KratosError(429).response(_request_id(request))
                    limited.headers.update(extra)
                    return limited
            if admission is not None:
                extra.update(admission.headers)
            resp = await self._route(site, request)
            resp.headers.update(extra)
            return resp
        finally:
            if admission is not None:
                admission.release()
            self.in_flight -= 1

    async def _route(self, site: str, request: web.Request) -> web.StreamResponse:
        state = self.state
        raw_path = request.raw_path.split("?", 1)[0]
        query_string = request.query_string
        if site == "admin":
            # Frontend routes (schemas, whoami, self-service) carry no API key: the spec
            # gives them no security, so they are redirected (v1) or served (v0) without one.
            if state.api == "v1":
                if not (raw_path == "/admin" or raw_path.startswith("/admin/")):
                    raw_path = "/admin" + raw_path
                public_path = raw_path[len("/admin") :]
                if _is_frontend(public_path, request.method):
                    return _redirect(state.public_url + public_path, query_string)
            needs_key = not (_is_health(raw_path) or _is_frontend(raw_path, request.method))
            if self.api_key is not None and needs_key:
                auth = request.headers.get("Authorization", "")
                expected = f"Bearer {self.api_key}"
                if not hmac.compare_digest(auth.encode(), expected.encode()):
                    return KratosError(
                        401, reason="The API key is missing, malformed or invalid."
                    ).response(_request_id(request))
            router = self.admin_router
        else:
            if state.api == "v1" and (raw_path.startswith(("/admin/", "/identities"))):
                target = raw_path if raw_path.startswith("/admin/") else "/admin" + raw_path
                return _redirect(state.admin_url + target, query_string)
            router = self.public_router
        route, params, path_matched = router.resolve(request.method, raw_path)
        if route is None:
            plain = method_not_allowed() if path_matched else not_found_text()
            state.count(request.method, "unmatched", plain.status)
            return plain
        ctx = Ctx(
            request=request,
            state=state,
            path=raw_path,
            query=parse_qsl(query_string, keep_blank_values=True),
            params=params,
            site=site,
        )
        resp: web.StreamResponse
        try:
            resp = await route.handler(ctx)
        except KratosError as exc:
            resp = exc.response(_request_id(request))
        state.count(request.method, route.template, resp.status)
        return resp


def _is_health(raw_path: str) -> bool:
    """Health and version answer without the API key (their spec has no security)."""
    return raw_path in ("/version", "/admin/version") or raw_path.startswith(
        ("/health/", "/admin/health/")
    )


def _is_frontend(path: str, method: str) -> bool:
    """Public routes that Kratos's admin port redirects to the public port."""
    if path == "/sessions" and method == "DELETE":  # disableMyOtherSessions
        return True
    return (
        path == "/schemas"
        or path.startswith(("/schemas/", "/self-service/"))
        or path == "/sessions/whoami"
    )


def _redirect(location: str, query_string: str) -> web.Response:
    if query_string:
        location += "?" + query_string
    return web.Response(status=307, headers={"Location": location})


def _request_id(request: web.Request) -> str | None:
    return request.headers.get("X-Request-Id") or None


def _fault_response(fault: Fault, request: web.Request) -> web.Response:
    status = fault.status or 503
    headers: dict[str, str] = {}
    if fault.retry_after is not None:
        headers["Retry-After"] = _header_value(fault.retry_after)
    if fault.ratelimit_reset is not None:
        headers["x-ratelimit-reset"] = _header_value(fault.ratelimit_reset)
    if fault.body is None:
        resp = KratosError(status).response(_request_id(request))
        resp.headers.update(headers)
        return resp
    payload: Any = fault.body
    if isinstance(payload, dict | list):
        body = dumps(payload)
        content_type = fault.content_type or "application/json"
    else:
        body = payload.encode() if isinstance(payload, str) else payload
        content_type = fault.content_type or "text/plain; charset=utf-8"
    headers["Content-Type"] = content_type
    return web.Response(status=status, body=body, headers=headers)


def _header_value(value: float | str) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


async def _drop(request: web.Request, fault: Fault) -> web.StreamResponse:
    """Close the connection: before any byte, or after the headers and part of the body."""
    transport = request.transport
    if fault.drop_connection in ("before_headers", "after_apply") or transport is None:
        if transport is not None:
            transport.abort()
        raise asyncio.CancelledError
    resp = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
    resp.content_length = 1024
    await resp.prepare(request)
    await resp.write(b'{"partial":')
    transport.abort()
    raise asyncio.CancelledError
