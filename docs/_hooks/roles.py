"""mkdocs hook: drop the Sphinx role prefixes (``:class:``, ``:meth:``, ...) that some
docstrings use, which the Google-style renderer would otherwise print as text."""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(r":(?:attr|class|data|exc|func|meth|mod|obj):(?=<code)")


def on_page_content(html: str, **_: Any) -> str:
    """Remove a role prefix written right before an inline code span."""
    return _ROLE.sub("", html)
