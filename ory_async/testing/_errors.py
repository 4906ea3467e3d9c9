"""Kratos (herodot) error bodies and JSON responses."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

STATUS_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    410: "Gone",
    413: "Request Entity Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

DEFAULT_MESSAGE = {
    400: "The request was malformed or contained invalid parameters",
    401: "The request could not be authorized",
    403: "The requested action was forbidden",
    404: "The requested resource could not be found",
    409: "The resource could not be created due to a conflict",
    410: "The requested resource is no longer available because it has expired or is otherwise invalid.",
    429: "Too many requests",
    500: "An internal server error occurred, please contact the system administrator",
    502: "The upstream server did not respond as expected",
    503: "The service is temporarily unavailable",
    504: "The upstream server did not respond in time",
}

NOT_FOUND_MESSAGE = "Unable to locate the resource"
UPDATE_CONFLICT_MESSAGE = (
    "Unable to insert or update resource because a resource with that value exists already"
)
CREATE_CONFLICT_REASON = "This identity conflicts with another identity that already exists."

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


class KratosError(Exception):
    """An error answered with Kratos's ``{"error": {...}}`` body.

    Args:
        code: HTTP status code.
        message: The ``message`` field; defaults to herodot's text for the status.
        reason: The optional ``reason`` field.
        error_id: The optional semantic ``id`` field (also sent as ``Ory-Error-Id``).
        details: The optional ``details`` object.
        extra: Top-level keys added next to ``error`` (e.g. ``redirect_browser_to``).
        http_status: The response status when it differs from ``code`` (Kratos sometimes
            answers 400 with a plain Go error, which its error writer renders as code 500
            without a status text).
    """

    def __init__(
        self,
        code: int,
        *,
        message: str | None = None,
        reason: str | None = None,
        error_id: str | None = None,
        details: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        http_status: int | None = None,
    ) -> None:
        self.code = code
        self.http_status = http_status or code
        self.message = message if message is not None else DEFAULT_MESSAGE.get(code, "")
        self.reason = reason
        self.error_id = error_id
        self.details = details
        self.extra = extra
        super().__init__(f"{code} {self.message} {reason or ''}".strip())

    def inner(self, request_id: str | None = None) -> dict[str, Any]:
        """The error object without envelope, in herodot's key order."""
        out: dict[str, Any] = {}
        if self.error_id:
            out["id"] = self.error_id
        out["code"] = self.code
        if self.http_status == self.code:
            out["status"] = STATUS_TEXT.get(self.code, "")
        if request_id:
            out["request"] = request_id
        if self.reason:
            out["reason"] = self.reason
        if self.details:
            out["details"] = self.details
        out["message"] = self.message
        return out

    def response(self, request_id: str | None = None) -> web.Response:
        """The full HTTP response."""
        body: dict[str, Any] = {"error": self.inner(request_id)}
        if self.extra:
            body.update(self.extra)
        return web.Response(
            status=self.http_status,
            body=dumps(body),
            headers={"Content-Type": "application/json", "Ory-Error-Id": self.error_id or ""},
        )


def bad_request(reason: str | None = None, *, message: str | None = None) -> KratosError:
    """A 400 with herodot's default message (or ``message``) and ``reason``."""
    return KratosError(400, reason=reason, message=message)


def not_found(reason: str | None = None) -> KratosError:
    """A 404 as sent for unknown rows: ``Unable to locate the resource``."""
    return KratosError(404, message=NOT_FOUND_MESSAGE, reason=reason)


def dumps(value: Any) -> bytes:
    """Compact JSON, as Go's encoder writes it."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def json_response(
    value: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON success response with Kratos's content type."""
    out = {"Content-Type": JSON_CONTENT_TYPE}
    if headers:
        out.update(headers)
    return web.Response(status=status, body=dumps(value), headers=out)


def no_content(*, json_type: bool = False) -> web.Response:
    """A 204; ``json_type`` adds the JSON content type some Kratos handlers set anyway."""
    headers = {"Content-Type": JSON_CONTENT_TYPE} if json_type else None
    return web.Response(status=204, headers=headers)
