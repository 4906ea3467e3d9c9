"""What may travel in an HTTP header: checked when a client or credential is made.

A value with a line break could end the header early and smuggle in another
header (or a whole request); a NUL or other control character is refused by
servers or cut short by proxies. Refusing them when the value is handed over
gives the caller a ``ValueError`` at the line that made the mistake, instead of
an error from aiohttp at the first request.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["check_header_name", "check_header_value"]

# RFC 9110 field-name: a token.
_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# Control characters (C0, DEL, C1) except horizontal tab, and the Unicode line and
# paragraph separators that some parsers treat as line ends.
_FORBIDDEN: Final = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def check_header_name(name: object, *, what: str = "header name") -> str:
    """Return ``name`` if it is a valid header name, else raise.

    Raises:
        TypeError: not a str.
        ValueError: empty, or a character a header name cannot hold (space, ``:``, CR, LF, ...).
    """
    if not isinstance(name, str):
        msg = f"{what} must be a str, not {type(name).__name__}"
        raise TypeError(msg)
    if not _TOKEN.fullmatch(name):
        msg = f"{what} {name!r} is not a valid HTTP header name"
        raise ValueError(msg)
    return name


def check_header_value(value: object, *, what: str) -> str:
    """Return ``value`` if it can travel in a header as it is, else raise.

    ``what`` names the value in the message; the value itself never appears there
    (it may be a credential).

    Raises:
        TypeError: not a str.
        ValueError: it holds CR, LF, NUL or another control character.
    """
    if not isinstance(value, str):
        msg = f"{what} must be a str, not {type(value).__name__}"
        raise TypeError(msg)
    found = _FORBIDDEN.search(value)
    if found is not None:
        char = found.group()
        msg = (
            f"{what} must not contain line breaks, NUL or other control characters "
            f"(found {char!r} at position {found.start()})"
        )
        raise ValueError(msg)
    return value
