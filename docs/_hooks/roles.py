"""mkdocs hook: drop reStructuredText markup left in rendered docstrings.

Some docstrings write ``:class:`X``` or ``:meth:`Y```, or end a paragraph with ``::``
before an indented example; the Google-style renderer would print the role and the
``::`` as text (the example itself renders as code either way).
"""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(r":(?:attr|class|data|exc|func|meth|mod|obj):(?=<code)")
_LONE_LITERAL_MARKER = re.compile(r"<p>::</p>")
_LITERAL_MARKER = re.compile(r"(?<=[^\s:])::</p>")


def on_page_content(html: str, **_: Any) -> str:
    """Remove role prefixes before inline code, and the ``::`` of literal blocks."""
    html = _ROLE.sub("", html)
    html = _LONE_LITERAL_MARKER.sub("", html)
    return _LITERAL_MARKER.sub(":</p>", html)
