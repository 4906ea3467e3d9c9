"""Regenerate Ory Network's rate-limit tables from the data behind Ory's docs.

``python tools/gen_bucket_table.py tests/data/openapi/ory-network-rate-limits.json
tests/data/openapi/ory-network-client.json`` keeps the identity (Kratos) endpoints of
the docs' endpoint-to-bucket map, plus any that only the spec's
``x-ory-ratelimit-bucket`` names, and writes the map twice: once for the client
(``ory_async/_bucket_table.py``) and once for FakeOry (``ory_async/testing/_bucket_table.py``),
which never imports the client's copy, so a mistake in one shows up as a disagreement in
the tests. FakeOry's per-tier limits go to ``ory_async/testing/_tiers.py``. The tables
ship in the package, so nothing reads these files at run time.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parents[1] / "ory_async"
TARGETS = (PACKAGE / "_bucket_table.py", PACKAGE / "testing" / "_bucket_table.py")
"""The client's copy of the endpoint-to-bucket map, and FakeOry's."""
TIERS_TARGET = PACKAGE / "testing" / "_tiers.py"

TIERS_HEADER = '''"""Ory Network's per-bucket limits by tier and environment (generated, do not edit).

Made by ``tools/gen_bucket_table.py`` from the data behind the "Project rate limits"
table of Ory's documentation: ``(tier, environment) -> bucket -> (rps, rpm)``.
"""

from __future__ import annotations

from typing import Final

TIERS: Final[dict[tuple[str, str], dict[str, tuple[int, int]]]] = {
'''

HEADER = '''"""Ory Network's endpoint-to-bucket map for the identity API (generated, do not edit).

Made by ``tools/gen_bucket_table.py`` from the data behind the "Project rate limits"
table of Ory's documentation (``x-ory-ratelimit-bucket`` in the Ory Network spec).
"""

from __future__ import annotations

from typing import Final

BUCKETS: Final[tuple[tuple[str, str, str], ...]] = (
'''


def rows(table: dict[str, Any], spec: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    """(method, path template, bucket) of every identity endpoint, sorted."""
    found = {(e["method"], e["path"]): e["bucket"] for e in table["endpoints"]}
    for path, operations in (spec or {}).get("paths", {}).items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and "x-ory-ratelimit-bucket" in operation:
                found.setdefault((method.upper(), path), operation["x-ory-ratelimit-bucket"])
    return sorted((m, p, b) for (m, p), b in found.items() if b.startswith("kratos-"))


def render(entries: list[tuple[str, str, str]]) -> str:
    """The module text for ``entries``."""
    q = json.dumps
    body = "".join(f"    ({q(m)}, {q(p)}, {q(b)}),\n" for m, p, b in entries)
    return HEADER + body + ")\n"


def render_tiers(table: dict[str, Any]) -> str:
    """The module text of the identity buckets' thresholds."""
    tiers: dict[tuple[str, str], dict[str, tuple[int, int]]] = {}
    for t in table["thresholds"]:
        if t["bucket"].startswith("kratos-"):
            tiers.setdefault((t["tier"], t["env"]), {})[t["bucket"]] = (t["rps"], t["rpm"])
    q = json.dumps
    body = ""
    for (tier, env), buckets in sorted(tiers.items()):
        body += f"    ({q(tier)}, {q(env)}): {{\n"
        body += "".join(f"        {q(b)}: {v},\n" for b, v in sorted(buckets.items()))
        body += "    },\n"
    return TIERS_HEADER + body + "}\n"


def main() -> None:
    """Read the files named on the command line and write the table."""
    table = json.loads(Path(sys.argv[1]).read_text())
    spec = json.loads(Path(sys.argv[2]).read_text()) if len(sys.argv) > 2 else None
    text = render(rows(table, spec))
    for target in TARGETS:
        target.write_text(text)
        print(f"wrote {target}")
    TIERS_TARGET.write_text(render_tiers(table))
    print(f"wrote {TIERS_TARGET}")


if __name__ == "__main__":
    main()
