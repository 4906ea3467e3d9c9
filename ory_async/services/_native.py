"""Submitting native (API) self-service flows: the body sent, and a refusal read as the flow.

Kratos answers a submission it refuses (wrong password, a taken email, a trait that does
not validate) with HTTP 400 and the flow itself, its UI messages set. That is an answer
for the user, not a failure: it is returned as :class:`~ory_async.models.FlowRejected`.
A 400 without a flow in it (a malformed request) stays a ``BadRequestError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import orjson

from .. import _serde, models
from .._transport import Request, Transport
from ..errors import BadRequestError, DecodeError

if TYPE_CHECKING:
    from ..models import FlowRejected

__all__ = ["body_of", "flow_id_of", "submit"]

S = TypeVar("S")
F = TypeVar("F")


def body_of(body: object) -> dict[str, Any]:
    """The JSON object a method body becomes: its ``method`` and the fields that are set."""
    if isinstance(body, Mapping):
        out = dict(body)
        if not isinstance(out.get("method"), str) or not out["method"]:
            msg = 'a body given as a mapping needs a "method" key, e.g. {"method": "password", ...}'
            raise ValueError(msg)
        return out
    method = getattr(type(body), "method", None)
    if not attrs.has(type(body)) or not isinstance(method, str):
        msg = (
            "body must be one of the method bodies of ory_async.models (PasswordLogin, "
            f"CodeRecovery, ...) or a mapping with a method key, not {type(body).__name__}"
        )
        raise TypeError(msg)
    fields: dict[str, Any] = _serde.unstructure(body)
    return {"method": method, **fields}


def flow_id_of(flow: object) -> str:
    """The id of a flow given as a model or as its id."""
    value = flow if isinstance(flow, str) else getattr(flow, "id", None)
    if not isinstance(value, str) or not value:
        msg = f"flow must be a flow or its id (a non-empty str), not {type(flow).__name__}"
        raise TypeError(msg)
    return value


def _rejected_flow(exc: BadRequestError, flow_type: type[F]) -> F | None:
    """The flow a 400 carries, or None when its body is an error, not a flow."""
    try:
        data = orjson.loads(exc.body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict) or "ui" not in data or "id" not in data:
        return None
    try:
        return _serde.decode(exc.body, flow_type, context=f"{exc.method} {exc.path}")
    except DecodeError:
        return None


async def submit(
    transport: Transport, request: Request, success: type[S], flow_type: type[F]
) -> S | FlowRejected[F]:
    """Send a submission: the success model on 2xx, the flow on a 400 that carries one."""
    try:
        return await transport.call(request, success)
    except BadRequestError as exc:
        flow = _rejected_flow(exc, flow_type)
        if flow is None:
            raise
        return models.FlowRejected(flow=flow)
