"""What FakeOry and a real Kratos answered to the same scenario, compared.

Each exchange a scenario makes is reduced to what must agree between the two servers: per
request (method, path with ids as ``{id}``, query keys) and status, the headers that matter
(``Link`` relations and parameter names, whether ``X-Total-Count`` is there, the content
type) and the JSON shape of the body, with ids, timestamps and other per-run values replaced
by placeholders but error texts, states and flags kept (outside listings, whose items
include what other scenarios left on a server shared by the run). A difference is either fixed in
FakeOry or listed in ``tests/kratos/DEVIATIONS.md`` with its reason.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from tests.kit.spec import Exchange

DEVIATIONS = Path(__file__).resolve().parents[1] / "kratos" / "DEVIATIONS.md"

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
_ORIGIN = re.compile(r"https?://(127\.0\.0\.1|localhost|\[::1\]):\d+")
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
# String values that must agree between the servers; every other string is user data or
# made per run (tokens, codes, links) and only its type is compared.
_KEPT_STRINGS = frozenset(
    {
        "reason",
        "message",
        "status",
        "state",
        "type",
        "via",
        "aal",
        "method",
        "schema_id",
        "error",
        "error_description",
        "active",
        "authenticator_assurance_level",
        "group",
        "node_type",
        "action",
        "request",
        "template_type",
        "channel",
    }
)
# Maps whose keys are data (credential types are kept: they are a fixed set).
_ID_KEYED = frozenset({"traits", "metadata_public", "metadata_admin", "properties"})

Shape = dict[str, frozenset[str]]


def _scalar(key: str, value: Any, keep: bool) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"bool:{value}" if keep and key in _KEPT_STRINGS else "bool"
    if isinstance(value, int | float):
        return f"number:{value}" if keep and key in {"code", "status"} else "number"
    text = str(value)
    if _UUID.fullmatch(text):
        return "uuid"
    if _TIME.match(text):
        return "time"
    if keep and (key in _KEPT_STRINGS or (key == "id" and not _UUID.search(text))):
        return f"string:{_ORIGIN.sub('<origin>', _UUID.sub('{id}', text))}"
    return "string"


def _walk(value: Any, path: str, key: str, out: dict[str, set[str]], keep: bool) -> None:
    if isinstance(value, dict):
        out.setdefault(path or "$", set()).add("object")
        if key in _ID_KEYED:
            return
        for k, v in value.items():
            _walk(v, f"{path}.{k}", k, out, keep)
    elif isinstance(value, list):
        out.setdefault(path or "$", set()).add("list" if value else "empty-list")
        for item in value:
            _walk(item, f"{path}[]", key, out, keep)
    elif value is not None or keep:  # in a listing, whether a nullable field is set is data
        out.setdefault(path or "$", set()).add(_scalar(key, value, keep))


def request_key(exchange: Exchange) -> str:
    """``GET /admin/identities/{id} ?include_credential&page_size``: what was asked."""
    path = _UUID.sub("{id}", exchange.path)
    keys = sorted({k for k, _ in exchange.query})
    return f"{exchange.method} {path}" + (f" ?{'&'.join(keys)}" if keys else "")


def _link_shape(link: str) -> str:
    parts = []
    for entry in link.split(","):
        rel = re.search(r'rel="?([a-z]+)', entry)
        query = entry.split("?", 1)[1].split(">", 1)[0] if "?" in entry else ""
        names = sorted({p.split("=", 1)[0] for p in query.split("&") if p})
        parts.append(f"{rel.group(1) if rel else '?'}({','.join(names)})")
    return " ".join(sorted(parts))


def shape(exchanges: Iterable[Exchange]) -> Shape:
    """The comparable shape of a scenario's exchanges: ``request status part`` -> values."""
    out: dict[str, set[str]] = {}
    for exchange in exchanges:
        if exchange.status == 0:
            continue
        prefix = f"{request_key(exchange)} -> {exchange.status}"
        out.setdefault(f"{prefix} content-type", set()).add(
            exchange.content_type.split(";")[0].strip() or "none"
        )
        headers = exchange.response_headers
        if "Link" in headers or (exchange.status == 200 and "page" in prefix):
            out.setdefault(f"{prefix} header Link", set()).add(
                _link_shape(headers["Link"]) if "Link" in headers else "absent"
            )
        out.setdefault(f"{prefix} header X-Total-Count", set()).add(
            "present" if "X-Total-Count" in headers else "absent"
        )
        body: dict[str, set[str]] = {}
        if exchange.content_type.startswith("application/json") and exchange.response_body:
            try:
                document = orjson.loads(exchange.response_body)
                # A listing shows what other scenarios left on a shared server too:
                # only the shape of its items can agree.
                _walk(document, "", "", body, keep=not isinstance(document, list))
            except orjson.JSONDecodeError:
                body["$"] = {"invalid-json"}
        for part, values in body.items():
            out.setdefault(f"{prefix} body {part}", set()).update(values)
    return {k: frozenset(v) for k, v in out.items()}


@dataclass(frozen=True)
class Difference:
    """One part of one answer on which the two servers disagree."""

    part: str
    fake: frozenset[str]
    kratos: frozenset[str]

    def __str__(self) -> str:
        fake = ", ".join(sorted(self.fake)) or "(nothing)"
        kratos = ", ".join(sorted(self.kratos)) or "(nothing)"
        return f"{self.part}: FakeOry {fake} | Kratos {kratos}"


def _requests_of(shape_: Shape) -> set[str]:
    return {k.split(" -> ", 1)[0] for k in shape_}


def compare(fake: Shape, kratos: Shape) -> list[Difference]:
    """Every part that differs, among requests both servers were asked."""
    asked_both = _requests_of(fake) & _requests_of(kratos)
    differences = []
    for part in sorted(set(fake) | set(kratos)):
        if part.split(" -> ", 1)[0] not in asked_both:
            continue
        a, b = fake.get(part, frozenset()), kratos.get(part, frozenset())
        if a != b:
            differences.append(Difference(part, a, b))
    return differences


@dataclass(frozen=True)
class Deviation:
    """A row of DEVIATIONS.md: a pattern over difference parts, and why it is accepted."""

    pattern: str
    reason: str

    def matches(self, difference: Difference) -> bool:
        """Whether this row explains ``difference``."""
        return fnmatch.fnmatchcase(difference.part, self.pattern)


def deviations(path: Path = DEVIATIONS) -> list[Deviation]:
    """The table's rows: ``| `pattern` | reason |``."""
    rows = []
    for line in path.read_text("utf-8").splitlines():
        match = re.match(r"^\|\s*`([^`]+)`\s*\|\s*(.+?)\s*\|\s*$", line)
        if match:
            rows.append(Deviation(match.group(1), match.group(2)))
    return rows


def unexplained(differences: Iterable[Difference], table: list[Deviation]) -> list[Difference]:
    """The differences no row of the table explains."""
    return [d for d in differences if not any(row.matches(d) for row in table)]


def not_in_kratos(path: Path = DEVIATIONS) -> dict[str, str]:
    """The operations Kratos v1.3.1 lacks, with the release that added each.

    Rows of the table under "What Kratos v1.3.1 does not have":
    ``| operation | added in | ... |``; a scenario that covers one runs on FakeOry only.
    """
    text = path.read_text("utf-8").split("## What Kratos v1.3.1 does not have", 1)
    if len(text) == 1:
        return {}
    rows = {}
    for line in text[1].split("\n## ", 1)[0].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0] and not set(cells[0]) <= {"-"} and cells[0] != "operation":
            rows[cells[0]] = cells[1]
    return rows
