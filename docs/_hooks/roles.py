"""mkdocs hook: turn reStructuredText markup left in rendered docstrings into HTML.

Some docstrings write ``:class:`~ory_async.X``` or ``:meth:`Y```, or end a paragraph
with ``::`` before an indented example; the Google-style renderer would print the role,
the ``~`` and the ``::`` as text (the example itself renders as code either way). A
reference to an ory_async name becomes a link (``~`` shows the last part only), and a
page that still holds a literal ``~ory_async.`` fails the build.
"""

from __future__ import annotations

import re
from typing import Any

_XREF = re.compile(
    r"(?::(?:attr|class|data|exc|func|meth|mod|obj):<code>(?P<tilde>~?)|<code>(?P<bare>~))"
    r"(?P<name>ory_async(?:\.\w+)+)</code>"
)
_ROLE = re.compile(r":(?:attr|class|data|exc|func|meth|mod|obj):(?=<code)")
_LONE_LITERAL_MARKER = re.compile(r"<p>::</p>")
_LITERAL_MARKER = re.compile(r"(?<=[^\s:])::</p>")


def _link(match: re.Match[str]) -> str:
    name = match["name"]
    shown = name.rsplit(".", 1)[-1] if match["tilde"] or match["bare"] else name
    # mkdocs-autorefs turns this into a link to the name's heading, or plain code if the
    # name has none (``optional``).
    return f'<autoref identifier="{name}" optional><code>{shown}</code></autoref>'


def on_page_content(html: str, **_: Any) -> str:
    """Link role references to ory_async names, remove other role prefixes and ``::``."""
    html = _XREF.sub(_link, html)
    html = _ROLE.sub("", html)
    html = _LONE_LITERAL_MARKER.sub("", html)
    return _LITERAL_MARKER.sub(":</p>", html)


class LiteralReferenceError(Exception):
    """A built page shows a reference as source text (``~ory_async.X``)."""


def on_post_page(output: str, page: Any, **_: Any) -> str:
    """Fail the build when a page shows ``~ory_async.`` as text."""
    text = re.sub(r"<[^>]+>", "", output)
    if "~ory_async." in text:
        where = text.index("~ory_async.")
        msg = f"{page.file.src_uri}: literal reference {text[where : where + 60]!r}"
        raise LiteralReferenceError(msg)
    return output
