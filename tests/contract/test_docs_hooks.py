"""The docs build's hook: rST references become links, and a literal one fails the build."""

from __future__ import annotations

import importlib.util
from types import ModuleType, SimpleNamespace

import pytest

from tests.kit.doc_examples import ROOT


def load_hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_roles", ROOT / "docs/_hooks/roles.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HOOK = load_hook()
PAGE = SimpleNamespace(file=SimpleNamespace(src_uri="reference/models.md"))


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "<p>a :class:<code>~ory_async.models.Session</code>.</p>",
            '<p>a <autoref identifier="ory_async.models.Session" optional>'
            "<code>Session</code></autoref>.</p>",
        ),
        (
            "<p><code>~ory_async.models.v0.V0Flow</code></p>",
            '<p><autoref identifier="ory_async.models.v0.V0Flow" optional>'
            "<code>V0Flow</code></autoref></p>",
        ),
        (
            "<p>:meth:<code>ory_async.OryClient.close</code></p>",
            '<p><autoref identifier="ory_async.OryClient.close" optional>'
            "<code>ory_async.OryClient.close</code></autoref></p>",
        ),
        ("<p>:func:<code>len</code></p>", "<p><code>len</code></p>"),
        ("<p><code>ory_async.testing</code></p>", "<p><code>ory_async.testing</code></p>"),
    ],
)
def test_references_become_links(html: str, expected: str) -> None:
    assert HOOK.on_page_content(html) == expected


def test_a_page_showing_a_literal_reference_fails_the_build() -> None:
    with pytest.raises(HOOK.LiteralReferenceError, match=r"reference/models.md: .*~ory_async\.X"):
        HOOK.on_post_page("<p>see <code>~ory_async.X</code></p>", page=PAGE)
    fine = '<p>see <a href="models.html#ory_async.X"><code>X</code></a></p>'
    assert HOOK.on_post_page(fine, page=PAGE) == fine
