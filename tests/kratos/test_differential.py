"""The differential comparison itself: what counts as a difference, and the table's rows."""

from __future__ import annotations

from pathlib import Path

import orjson
from multidict import CIMultiDict

from tests.kit.differential import (
    DEVIATIONS,
    compare,
    deviations,
    not_in_kratos,
    request_key,
    shape,
    unexplained,
)
from tests.kit.spec import Exchange


def answer(
    path: str,
    body: object,
    *,
    status: int = 200,
    query: list[tuple[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Exchange:
    return Exchange(
        method="GET",
        path=path,
        query=query or [],
        request_body=b"",
        status=status,
        content_type="application/json; charset=utf-8",
        response_body=orjson.dumps(body),
        response_headers=CIMultiDict(headers or {}),
    )


ID_A = "4f1c3c7e-7b1a-4d53-9d4e-1b2f0a0c9e11"
ID_B = "0b8d6f0e-5c1e-4a8f-8f3e-2d7a4c6b9e22"


def test_ids_times_and_ports_are_placeholders_but_reasons_are_kept() -> None:
    fake = shape(
        [
            answer(
                f"/admin/identities/{ID_A}",
                {"id": ID_A, "created_at": "2026-01-01T00:00:00Z", "state": "active"},
            ),
            answer(
                f"/admin/identities/{ID_B}",
                {"error": {"code": 404, "reason": "gone"}},
                status=404,
            ),
        ]
    )
    kratos = shape(
        [
            answer(
                f"/admin/identities/{ID_B}",
                {"id": ID_B, "created_at": "2026-12-08T00:03:26.595295Z", "state": "active"},
            ),
            answer(
                f"/admin/identities/{ID_A}",
                {"error": {"code": 404, "reason": "not here"}},
                status=404,
            ),
        ]
    )
    assert [str(d) for d in compare(fake, kratos)] == [
        "GET /admin/identities/{id} -> 404 body .error.reason: "
        "FakeOry string:gone | Kratos string:not here"
    ]


def test_a_missing_key_a_status_and_a_header_are_differences() -> None:
    fake = shape([answer("/admin/sessions", [{"id": ID_A}], query=[("page_size", "2")])])
    kratos = shape(
        [
            answer(
                "/admin/sessions",
                [{"id": ID_A, "devices": []}],
                query=[("page_size", "2")],
                headers={
                    "X-Total-Count": "1",
                    "Link": '</admin/sessions?page_size=2>; rel="first"',
                },
            )
        ]
    )
    parts = [d.part for d in compare(fake, kratos)]
    assert parts == [
        "GET /admin/sessions ?page_size -> 200 body [].devices",
        "GET /admin/sessions ?page_size -> 200 header Link",
        "GET /admin/sessions ?page_size -> 200 header X-Total-Count",
    ]


def test_requests_only_one_server_was_asked_are_not_compared() -> None:
    fake = shape([answer("/admin/identities", [], query=[("ids", ID_A)])])
    kratos = shape([answer("/version", {"version": "v1.3.1"})])
    assert compare(fake, kratos) == []


def test_request_key_names_the_query_keys_not_their_values() -> None:
    exchange = answer(f"/admin/identities/{ID_A}", {}, query=[("include_credential", "password")])
    assert request_key(exchange) == "GET /admin/identities/{id} ?include_credential"


def test_a_row_explains_only_what_its_pattern_matches(tmp_path: Path) -> None:
    table = tmp_path / "table.md"
    table.write_text(
        "| part | why |\n| --- | --- |\n"
        "| `GET /admin/sessions ?* -> 200 header X-Total-Count` | v1.3.1 counts |\n",
        "utf-8",
    )
    fake = shape([answer("/admin/sessions", [], query=[("page_size", "2")])])
    kratos = shape(
        [
            answer(
                "/admin/sessions",
                [{"id": ID_A}],
                query=[("page_size", "2")],
                headers={"X-Total-Count": "1"},
            )
        ]
    )
    left = unexplained(compare(fake, kratos), deviations(table))
    assert [d.part for d in left] == [
        "GET /admin/sessions ?page_size -> 200 body $",
        "GET /admin/sessions ?page_size -> 200 body []",
        "GET /admin/sessions ?page_size -> 200 body [].id",
    ]


def test_the_project_table_parses_and_says_why_for_every_row() -> None:
    rows = deviations(DEVIATIONS)
    assert len(rows) >= 10
    assert all(len(row.reason) > 20 for row in rows)
    assert not_in_kratos(DEVIATIONS)["Kratos v1.getIdentityByExternalID"] == "v25.4.0"
