"""Go duration strings, as Kratos reads them for ``expires_in``.

Kratos parses ``expires_in`` with Go's ``time.ParseDuration``; the API spec narrows that to
``^([0-9]+([.][0-9]+)?(ns|us|µs|ms|s|m|h))+$``: no sign, no days, at least one unit.
:func:`format_go_duration` writes a :class:`~datetime.timedelta` the way Go's
``time.Duration.String()`` does (``1h30m0s``, ``1m30s``, ``1.5s``, ``500ms``, ``1µs``), so a
value shows up in server messages exactly as the caller wrote it.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Final

__all__ = [
    "check_go_duration",
    "format_go_duration",
    "to_go_duration",
    "to_single_unit_duration",
]

_GO_DURATION: Final = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?(?:ns|us|µs|ms|s|m|h))+")
_COMPONENT: Final = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)")

_US_PER_MS: Final = 1_000
_US_PER_S: Final = 1_000_000


def _fraction(value: int, unit: int) -> str:
    """``value / unit`` with as many decimals as needed and no trailing zeros."""
    whole, rest = divmod(value, unit)
    if not rest:
        return str(whole)
    digits = str(rest).rjust(len(str(unit)) - 1, "0").rstrip("0")
    return f"{whole}.{digits}"


def format_go_duration(value: timedelta) -> str:
    """Write a positive ``timedelta`` as Go's ``time.Duration.String()`` would.

    Examples: 90 minutes → ``1h30m0s``, 90 seconds → ``1m30s``, 2 hours → ``2h0m0s``,
    1.5 seconds → ``1.5s``, half a second → ``500ms``, 1.5 ms → ``1.5ms``, 1 µs → ``1µs``.

    Raises:
        ValueError: the duration is zero or negative (Kratos answers 400 for those).
    """
    micros = (value.days * 86_400 + value.seconds) * _US_PER_S + value.microseconds
    if micros <= 0:
        msg = f"a duration must be positive, got {value!r}"
        raise ValueError(msg)
    if micros < _US_PER_MS:
        return f"{micros}µs"
    if micros < _US_PER_S:
        return f"{_fraction(micros, _US_PER_MS)}ms"
    seconds, sub = divmod(micros, _US_PER_S)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    text = f"{_fraction(seconds * _US_PER_S + sub, _US_PER_S)}s"
    if hours or minutes:
        text = f"{minutes}m{text}"
    if hours:
        text = f"{hours}h{text}"
    return text


def check_go_duration(value: str) -> str:
    """Return ``value`` unchanged if it is a positive Go duration in the spec's form.

    Accepts e.g. ``1h``, ``30m``, ``1m30s``, ``500ms``, ``1.5h``, ``10us``, ``10µs``.

    Raises:
        ValueError: it does not match the spec pattern (``1d``, ``h``, ``""``, ``-1h``,
            ``1 h``), or every component is zero (``0s``), which Kratos rejects.
    """
    if not _GO_DURATION.fullmatch(value):
        msg = (
            f"{value!r} is not a Go duration; use a number and a unit out of "
            "ns, us, µs, ms, s, m, h (e.g. '1h', '1m30s', '500ms'); days are not supported"
        )
        raise ValueError(msg)
    if all(float(number) == 0 for number, _ in _COMPONENT.findall(value)):
        msg = f"a duration must be positive, got {value!r}"
        raise ValueError(msg)
    return value


def to_go_duration(value: timedelta | str) -> str:
    """A Go duration string from a ``timedelta`` or a string.

    A ``timedelta`` is formatted by :func:`format_go_duration`, a string checked by
    :func:`check_go_duration`.

    Raises:
        ValueError: see those two functions.
        TypeError: ``value`` is neither.
    """
    if isinstance(value, timedelta):
        return format_go_duration(value)
    if isinstance(value, str):
        return check_go_duration(value)
    msg = f"expected a datetime.timedelta or a Go duration string, got {type(value).__name__}"
    raise TypeError(msg)


_UNIT_MICROS: Final = {
    "h": 3600 * _US_PER_S,
    "m": 60 * _US_PER_S,
    "s": _US_PER_S,
    "ms": _US_PER_MS,
    "us": 1,
    "µs": 1,
}
_NS_UNIT: Final = "ns"


def to_single_unit_duration(value: timedelta | str) -> str:
    """A Go duration with one whole number and one unit, e.g. 90 minutes → ``5400s``.

    Legacy Kratos (v0) accepts only ``^[0-9]+(ns|us|ms|s|m|h)$``; this writes any
    positive duration that way: whole seconds in ``s``, else ``ms``, else ``us``. A
    string already in that form is returned unchanged.

    Raises:
        ValueError: not a positive Go duration (see :func:`to_go_duration`).
        TypeError: neither a ``timedelta`` nor a string.
    """
    if isinstance(value, str):
        check_go_duration(value)
        if re.fullmatch(r"[0-9]+(?:ns|us|ms|s|m|h)", value):
            return value
        nanos = 0.0
        for number, unit in _COMPONENT.findall(value):
            scale = 0.001 if unit == _NS_UNIT else _UNIT_MICROS[unit]
            nanos += float(number) * scale * 1000
        micros = round(nanos / 1000)
        if micros <= 0:
            return f"{round(nanos)}ns"
    elif isinstance(value, timedelta):
        to_go_duration(value)  # the same checks as everywhere else
        micros = (value.days * 86_400 + value.seconds) * _US_PER_S + value.microseconds
    else:
        return to_go_duration(value)  # raises TypeError
    if micros % _US_PER_S == 0:
        return f"{micros // _US_PER_S}s"
    if micros % _US_PER_MS == 0:
        return f"{micros // _US_PER_MS}ms"
    return f"{micros}us"
