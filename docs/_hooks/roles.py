"""mkdocs hook: drop Sphinx role prefixes from rendered docstrings.

Some docstrings write ``:class:`X``` or ``:meth:`Y```; the Google-style renderer would
print the role as text before the code span.
"""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(r":(?:attr|class|data|exc|func|meth|mod|obj):(?=<code)")


def on_page_content(html: str, **_: Any) -> str:
    """Remove a role prefix written right before an inline code span."""
    return _ROLE.sub("", html)
