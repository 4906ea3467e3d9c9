"""Regenerate Ory Network's rate-limit tables from the data behind Ory's docs.

``python tools/gen_bucket_table.py tests/data/openapi/ory-network-rate-limits.json
tests/data/openapi/ory-network-client.json`` keeps the identity (Kratos) endpoints of
the docs' endpoint-to-bucket map, plus any that only the spec's
``x-ory-ratelimit-bucket`` names, and writes the map twice: once for the client
(``ory_async/_bucket_table.py``, one row an endpoint) and once for FakeOry
(``ory_async/testing/_bucket_table.py``, the endpoints of each bucket), which never
imports the client's copy, so a mistake in one shows up as a disagreement in the tests.
FakeOry's per-tier limits go to ``ory_async/testing/_tiers.py``. The tables ship in the
package, so nothing reads these files at run time.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parents[1] / "ory_async"
TARGET = PACKAGE / "_bucket_table.py"
"""The client's copy of the endpoint-to-bucket map."""
FAKE_TARGET = PACKAGE / "testing" / "_bucket_table.py"
"""FakeOry's copy of the same map."""
TIERS_TARGET = PACKAGE / "testing" / "_tiers.py"

TIERS_HEADER = '''"""Ory Network's per-bucket limits by tier and environment (generated, do not edit).

Made by ``tools/gen_bucket_table.py`` from the data behind the "Project rate limits"
table of Ory's documentation: ``(tier, environment) -> (rps, rpm, rps, rpm, ...)``, a
pair for each bucket of :data:`TIER_BUCKETS`, in that order.
"""

from __future__ import annotations

from typing import Final

TIER_BUCKETS: Final[tuple[str, ...]] = (
'''

HEADER = '''"""Ory Network's endpoint-to-bucket map for the identity API (generated, do not edit).

Made by ``tools/gen_bucket_table.py`` from the data behind the "Project rate limits"
table of Ory's documentation (``x-ory-ratelimit-bucket`` in the Ory Network spec).
"""

from __future__ import annotations

from typing import Final

BUCKETS: Final[tuple[tuple[str, str, str], ...]] = (
'''

FAKE_HEADER = '''"""FakeOry's own copy of Ory Network's endpoint-to-bucket map (generated, do not edit).

Made by ``tools/gen_bucket_table.py`` from the data behind the "Project rate limits"
table of Ory's documentation (``x-ory-ratelimit-bucket`` in the Ory Network spec), like
the client's copy but never imported from it: ``bucket -> "METHOD /path/template"``.
"""

from __future__ import annotations

from typing import Final

ENDPOINTS: Final[dict[str, tuple[str, ...]]] = {
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


def render_fake(entries: list[tuple[str, str, str]]) -> str:
    """FakeOry's module text for ``entries``: the endpoints of each bucket."""
    q = json.dumps
    by_bucket: dict[str, list[str]] = {}
    for method, path, bucket in entries:
        by_bucket.setdefault(bucket, []).append(f"{method} {path}")
    body = ""
    for bucket, endpoints in sorted(by_bucket.items()):
        body += f"    {q(bucket)}: (\n"
        body += "".join(f"        {q(e)},\n" for e in endpoints)
        body += "    ),\n"
    return FAKE_HEADER + body + "}\n"


def render_tiers(table: dict[str, Any]) -> str:
    """The module text of the identity buckets' thresholds: one row a tier."""
    tiers: dict[tuple[str, str], dict[str, tuple[int, int]]] = {}
    for t in table["thresholds"]:
        if t["bucket"].startswith("kratos-"):
            tiers.setdefault((t["tier"], t["env"]), {})[t["bucket"]] = (t["rps"], t["rpm"])
    buckets = sorted({b for limits in tiers.values() for b in limits})
    q = json.dumps
    body = "".join(f"    {q(b)},\n" for b in buckets)
    body += ")\n\nTIERS: Final[dict[tuple[str, str], tuple[int, ...]]] = {\n"
    for (tier, env), limits in sorted(tiers.items()):
        row = ", ".join(f"{rps}, {rpm}" for rps, rpm in (limits[b] for b in buckets))
        body += f"    ({q(tier)}, {q(env)}): ({row}),\n"
    return TIERS_HEADER + body + "}\n"


def main() -> None:
    """Read the files named on the command line and write the table."""
    table = json.loads(Path(sys.argv[1]).read_text())
    spec = json.loads(Path(sys.argv[2]).read_text()) if len(sys.argv) > 2 else None
    entries = rows(table, spec)
    for target, text in ((TARGET, render(entries)), (FAKE_TARGET, render_fake(entries))):
        target.write_text(text)
        print(f"wrote {target}")
    TIERS_TARGET.write_text(render_tiers(table))
    print(f"wrote {TIERS_TARGET}")


if __name__ == "__main__":
    main()
