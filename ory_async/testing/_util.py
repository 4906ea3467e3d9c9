"""Small helpers shared by FakeOry: clocks, ids, Go-style text formats."""

from __future__ import annotations

import json
import random
import re
import string
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Protocol
from urllib.parse import quote_plus

NIL_UUID = "00000000-0000-0000-0000-000000000000"


class Clock(Protocol):
    """What FakeOry asks the time: wall-clock for timestamps, monotonic for rate limits."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current UTC time."""
        return datetime.now(UTC)

    def monotonic(self) -> float:
        """``time.monotonic()``."""
        return time.monotonic()


class ManualClock:
    """A clock that only moves when told to, so tests never sleep.

    Pass it as ``FakeOry(clock=ManualClock())`` and call :meth:`advance` to move time
    forward for session expiry and rate-limit windows alike.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2024, 1, 1, tzinfo=UTC)
        self._mono = 1000.0

    def now(self) -> datetime:
        """The current (frozen) UTC time."""
        return self._now

    def monotonic(self) -> float:
        """The current (frozen) monotonic reading."""
        return self._mono

    def advance(self, seconds: float | timedelta) -> None:
        """Move both readings forward by ``seconds``."""
        delta = seconds.total_seconds() if isinstance(seconds, timedelta) else float(seconds)
        self._now += timedelta(seconds=delta)
        self._mono += delta


class IdFactory:
    """UUIDs, tokens and codes from one random generator, reproducible when seeded.

    Without a seed the generator starts from the operating system's randomness, so two
    fakes never hand out the same ids; with one, the same seed gives the same ids.
    """

    def __init__(self, seed: int | None = None) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - test data, not secrets

    def uuid(self) -> str:
        """A new random version-4 UUID string."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def token(self, length: int = 32, prefix: str = "") -> str:
        """An alphanumeric token of ``length`` characters after ``prefix``."""
        alphabet = string.ascii_letters + string.digits
        return prefix + "".join(self.rng.choice(alphabet) for _ in range(length))

    def digits(self, length: int) -> str:
        """A string of ``length`` decimal digits."""
        return "".join(self.rng.choice(string.digits) for _ in range(length))


def format_time(dt: datetime) -> str:
    """Format like Go's RFC 3339 (nano) output: UTC, trailing zeros of the fraction trimmed."""
    dt = dt.astimezone(UTC)
    text = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if dt.microsecond:
        text += "." + f"{dt.microsecond:06d}".rstrip("0")
    return text + "Z"


def go_quote(value: str) -> str:
    """Approximate Go's ``%q`` formatting of a string."""
    return json.dumps(value, ensure_ascii=False)


def parse_uuid(value: str) -> str:
    """Parse a UUID the way Kratos does, raising ``ValueError`` with the Go library's text."""
    size = len(value.encode())
    if size not in (32, 36, 38, 41):
        raise ValueError(f"uuid: incorrect UUID length {size} in string {go_quote(value)}")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise ValueError(f"uuid: incorrect UUID format in string {go_quote(value)}") from None


def is_uuid(value: str) -> bool:
    """True when ``value`` parses as a UUID."""
    try:
        parse_uuid(value)
    except ValueError:
        return False
    return True


def go_atoi(value: str) -> int:
    """Go's ``strconv.Atoi``: raises ``ValueError`` with Go's message on bad input."""
    if not re.fullmatch(r"[+-]?[0-9]+", value):
        raise ValueError(f"strconv.Atoi: parsing {go_quote(value)}: invalid syntax")
    return int(value)


def go_parse_bool(value: str) -> bool:
    """Go's ``strconv.ParseBool``."""
    if value in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if value in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    raise ValueError(value)


def go_encode_query(pairs: Iterable[tuple[str, str]]) -> str:
    """Go's ``url.Values.Encode``: keys sorted, values in order, ``QueryEscape`` encoding."""
    grouped: dict[str, list[str]] = {}
    for key, val in pairs:
        grouped.setdefault(key, []).append(val)
    return "&".join(
        f"{quote_plus(key, safe='')}={quote_plus(val, safe='')}"
        for key in sorted(grouped)
        for val in grouped[key]
    )


def set_query(pairs: list[tuple[str, str]], **values: str) -> list[tuple[str, str]]:
    """Like Go's ``Values.Set`` for each keyword: drop existing values, append the new one."""
    out = [(k, v) for k, v in pairs if k not in values]
    out.extend(values.items())
    return out


_UNITS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,
    "μs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
_DURATION_PART = re.compile(r"([0-9]*)(?:\.([0-9]*))?(ns|us|µs|μs|ms|s|m|h)")


def parse_go_duration(text: str) -> int:
    """Parse a Go ``time.ParseDuration`` string into nanoseconds (``ValueError`` if invalid)."""
    rest = text
    negative = False
    if rest[:1] in ("+", "-"):
        negative = rest[0] == "-"
        rest = rest[1:]
    if rest == "0":
        return 0
    if not rest:
        raise ValueError(text)
    total = 0
    pos = 0
    while pos < len(rest):
        match = _DURATION_PART.match(rest, pos)
        if match is None or (match.group(1) == "" and not match.group(2)):
            raise ValueError(text)
        unit = _UNITS[match.group(3)]
        total += int(match.group(1) or 0) * unit
        frac = match.group(2) or ""
        if frac:
            total += int(frac) * unit // (10 ** len(frac))
        pos = match.end()
    return -total if negative else total


def _fraction(value: int, unit: int) -> str:
    whole, frac = divmod(value, unit)
    digits = len(str(unit)) - 1
    text = str(frac).rjust(digits, "0").rstrip("0")
    return f"{whole}.{text}" if text else str(whole)


def format_go_duration(nanos: int) -> str:
    """Format nanoseconds like Go's ``time.Duration.String`` (e.g. ``-1h0m0s``, ``500ms``)."""
    if nanos == 0:
        return "0s"
    sign = "-" if nanos < 0 else ""
    value = abs(nanos)
    if value < 1_000:
        return f"{sign}{value}ns"
    if value < 1_000_000:
        return f"{sign}{_fraction(value, 1_000)}µs"
    if value < 1_000_000_000:
        return f"{sign}{_fraction(value, 1_000_000)}ms"
    hours, rem = divmod(value, _UNITS["h"])
    minutes, rem = divmod(rem, _UNITS["m"])
    seconds = _fraction(rem, _UNITS["s"]) + "s"
    if hours:
        return f"{sign}{hours}h{minutes}m{seconds}"
    if minutes:
        return f"{sign}{minutes}m{seconds}"
    return sign + seconds
