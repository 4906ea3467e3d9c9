"""ory.identities, ory.schemas and ory.recovery against mocked HTTP (aioresponses)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import orjson
import pytest
from aioresponses import aioresponses
from yarl import URL

from ory_async import (
    BadRequestError,
    ConflictError,
    NotFoundError,
    OryClient,
    Page,
    UnsupportedOperationError,
)
from ory_async.models import (
    CreateIdentityBody,
    Identity,
    IdentitySchemaContainer,
    JsonPatch,
    RecoveryCodeForIdentity,
    RecoveryLinkForIdentity,
    UpdateIdentityBody,
)
from tests.kit.helpers import only_request, sent
from tests.kit.keys import SECRET
from tests.kit.mocked import ANY, BASE, PUBLIC, query_of
from tests.kit.shared_files import fixture_bytes, fixture_json

ID = "5ff66179-c240-4703-b0d8-494592cefff5"
NEW_ID = "8a2c7972-ed41-4940-8bc1-ecd85bed659b"


def body_of(kwargs: dict[str, Any]) -> Any:
    return orjson.loads(kwargs["data"])


def identity_payload() -> Any:
    return fixture_json("identities/migratest-identity-password-totp.json")


# --- identities: v1 ---------------------------------------------------------------


async def test_create(ory: OryClient) -> None:
    with aioresponses() as m:
        m.post(f"{BASE}/admin/identities", status=201, payload=identity_payload())
        result = await ory.identities.create(
            CreateIdentityBody(
                schema_id="default", traits={"email": "a@example.com"}, state="active"
            )
        )
        method, url, kwargs = only_request(m)
    assert (method, url.path) == ("POST", "/admin/identities")
    assert body_of(kwargs) == {
        "schema_id": "default",
        "traits": {"email": "a@example.com"},
        "state": "active",
    }
    assert kwargs["headers"]["Content-Type"] == "application/json"
    assert kwargs["headers"]["Authorization"] == f"Bearer {SECRET}"
    assert isinstance(result, Identity)
    assert result.id == ID


async def test_create_conflict(ory: OryClient) -> None:
    body = {
        "error": {
            "code": 409,
            "status": "Conflict",
            "reason": "This identity conflicts with another identity that already exists.",
            "message": "The resource could not be created due to a conflict",
        }
    }
    with aioresponses() as m:
        m.post(f"{BASE}/admin/identities", status=409, payload=body)
        with pytest.raises(ConflictError, match="conflicts with another identity") as info:
            await ory.identities.create(CreateIdentityBody(schema_id="default", traits={}))
    assert info.value.reason == "This identity conflicts with another identity that already exists."


async def test_create_rejects_wrong_body_type(ory: OryClient) -> None:
    with pytest.raises(TypeError, match="body must be a CreateIdentityBody, not dict"):
        await ory.identities.create({"schema_id": "x"})  # type: ignore[arg-type]


async def test_get_with_repeated_include_credential(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, payload=identity_payload())
        result = await ory.identities.get(ID, include_credential=["oidc", "password"])
        method, url, _ = only_request(m)
    assert (method, url.path) == ("GET", f"/admin/identities/{ID}")
    assert query_of(url) == [("include_credential", "oidc"), ("include_credential", "password")]
    assert result.credentials is not None
    assert set(result.credentials) == {"password", "totp"}


async def test_get_quotes_the_id(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, payload=identity_payload())
        await ory.identities.get("../sessions?x=1")
        _, url, _ = only_request(m)
    assert url.raw_path == "/admin/identities/..%2Fsessions%3Fx%3D1"
    assert url.raw_query_string == ""


@pytest.mark.parametrize("bad", ["", ".", ".."])
async def test_get_rejects_path_changing_ids(ory: OryClient, bad: str) -> None:
    with aioresponses() as m:
        with pytest.raises(ValueError, match="non-empty string other than"):
            await ory.identities.get(bad)
        assert sent(m) == []


async def test_get_not_found(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(ANY, status=404, body=fixture_bytes("errors/snapshot-404-not-found-generic.json"))
        with pytest.raises(NotFoundError, match=f"404 Not Found on GET /admin/identities/{ID}"):
            await ory.identities.get(ID)


async def test_update(ory: OryClient) -> None:
    ident = Identity(
        id=ID,
        schema_id="default",
        traits={"email": "a@example.com"},
        metadata_public={"plan": "pro"},
        state="active",
    )
    with aioresponses() as m:
        m.put(ANY, payload=identity_payload())
        result = await ory.identities.update(
            ID, UpdateIdentityBody.from_identity(ident, state="inactive")
        )
        method, url, kwargs = only_request(m)
    assert (method, url.path) == ("PUT", f"/admin/identities/{ID}")
    assert body_of(kwargs) == {
        "schema_id": "default",
        "traits": {"email": "a@example.com"},
        "state": "inactive",
        "metadata_public": {"plan": "pro"},
    }
    assert isinstance(result, Identity)


async def test_patch(ory: OryClient) -> None:
    ops = [
        JsonPatch(op="replace", path="/state", value="inactive"),
        JsonPatch(op="remove", path="/metadata_public/plan"),
    ]
    with aioresponses() as m:
        m.patch(ANY, payload=identity_payload())
        await ory.identities.patch(ID, ops)
        method, url, kwargs = only_request(m)
    assert (method, url.path) == ("PATCH", f"/admin/identities/{ID}")
    assert body_of(kwargs) == [
        {"op": "replace", "path": "/state", "value": "inactive"},
        {"op": "remove", "path": "/metadata_public/plan"},
    ]


async def test_patch_validation(ory: OryClient) -> None:
    with pytest.raises(ValueError, match="not supported by the server"):
        JsonPatch(op="move", path="/a")
    with pytest.raises(ValueError, match="at least one"):
        await ory.identities.patch(ID, [])
    with pytest.raises(TypeError, match="JsonPatch objects"):
        await ory.identities.patch(ID, [{"op": "add"}])  # type: ignore[list-item]


async def test_patch_denied_path(ory: OryClient) -> None:
    body = {
        "error": {
            "code": 400,
            "status": "Bad Request",
            "reason": "failed to apply JSON patch",
            "message": "patch includes denied path: /id",
        }
    }
    with aioresponses() as m:
        m.patch(ANY, status=400, payload=body)
        with pytest.raises(
            BadRequestError, match="patch includes denied path: /id: failed to apply JSON patch"
        ):
            await ory.identities.patch(ID, [JsonPatch(op="replace", path="/id", value="x")])


async def test_delete(ory: OryClient) -> None:
    with aioresponses() as m:
        m.delete(ANY, status=204)
        await ory.identities.delete(ID)
        method, url, _ = only_request(m)
    assert (method, url.path) == ("DELETE", f"/admin/identities/{ID}")


async def test_delete_credentials(ory: OryClient) -> None:
    with aioresponses() as m:
        m.delete(ANY, status=204)
        await ory.identities.delete_credentials(ID, "oidc", identifier="google:123")
        method, url, _ = only_request(m)
    assert (method, url.path) == ("DELETE", f"/admin/identities/{ID}/credentials/oidc")
    assert query_of(url) == [("identifier", "google:123")]


async def test_list_first_page(ory: OryClient) -> None:
    payload = [identity_payload(), fixture_json("identities/migratest-identity-minimal.json")]
    link = '</admin/identities?page_size=2&page_token=00000000-0000-0000-0000-000000000000>; rel="first"'
    with aioresponses() as m:
        m.get(ANY, payload=payload, headers={"Link": link})
        page = await ory.identities.list(
            page_size=2, credentials_identifier="a@example.com", include_credential=["password"]
        )
        method, url, _kwargs = only_request(m)
    assert (method, url.path) == ("GET", "/admin/identities")
    assert query_of(url) == [
        ("credentials_identifier", "a@example.com"),
        ("include_credential", "password"),
        ("page_size", "2"),
    ]
    assert isinstance(page, Page)
    assert [i.id for i in page.items] == [payload[0]["id"], payload[1]["id"]]
    assert page.total_count is None
    assert not page.has_next


async def test_list_ids_repeated_and_legacy_form(ory: OryClient) -> None:
    ids = [f"00000000-0000-0000-0000-00000000000{i}" for i in range(3)]
    with aioresponses() as m:
        m.get(ANY, payload=[], headers={"X-Total-Count": "0"})
        page = await ory.identities.list(ids=ids, per_page=100, page=2, consistency="eventual")
        _, url, _ = only_request(m)
    assert query_of(url) == sorted(
        [("ids", i) for i in ids]
        + [("page", "2"), ("per_page", "100"), ("consistency", "eventual")]
    )
    assert page.total_count == 0


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"page_size": 10, "page": 1}, ValueError, "either page_size/page_token or per_page/page"),
        ({"page_size": 0}, ValueError, "page_size must be between 1 and 500"),
        ({"page_size": 501}, ValueError, "page_size must be between 1 and 500"),
        ({"per_page": 501}, ValueError, "per_page must be between 1 and 500"),
        ({"page": -1}, ValueError, "page must be >= 0"),
        ({"page_size": "10"}, TypeError, "page_size must be an int"),
        ({"ids": ["x"] * 501}, ValueError, "at most 500 ids"),
        ({"ids": "abc"}, TypeError, "takes a list of strings"),
        (
            {"ids": ["a"], "credentials_identifier": "b"},
            ValueError,
            "one filter at a time, got credentials_identifier, ids",
        ),
        ({"consistency": "weak"}, ValueError, "consistency must be"),
    ],
)
async def test_list_rejects_bad_arguments(
    ory: OryClient, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        _ = ory.identities.list(**kwargs)


async def test_batch_create_chunks_of_1000(ory: OryClient) -> None:
    bodies = [
        CreateIdentityBody(schema_id="default", traits={"email": f"u{i}@example.com"})
        for i in range(2500)
    ]
    chunk_sizes: list[int] = []

    def answer(url: URL, **kwargs: Any) -> Any:
        from aioresponses import CallbackResult

        entries = orjson.loads(kwargs["data"])["identities"]
        chunk_sizes.append(len(entries))
        return CallbackResult(
            payload={
                "identities": [
                    {
                        "action": "create",
                        "identity": f"id-{e['create']['traits']['email']}",
                        "patch_id": e["patch_id"],
                    }
                    for e in entries
                ]
            }
        )

    with aioresponses() as m:
        m.patch(f"{BASE}/admin/identities", callback=answer, repeat=True)
        results = await ory.identities.batch_create(bodies, concurrency=2).collect()
    assert sorted(chunk_sizes) == [500, 1000, 1000]
    assert [r.index for r in results] == list(range(2500))
    assert all(r.ok for r in results)
    assert results[1234].identity_id == "id-u1234@example.com"


async def test_batch_create_plaintext_passwords_chunk_by_200(ory: OryClient) -> None:
    from ory_async.models import (
        IdentityWithCredentials,
        IdentityWithCredentialsPassword,
        IdentityWithCredentialsPasswordConfig,
    )

    creds = IdentityWithCredentials(
        password=IdentityWithCredentialsPassword(
            config=IdentityWithCredentialsPasswordConfig(password="hunter2hunter2")
        )
    )
    bodies = [
        CreateIdentityBody(schema_id="default", traits={"n": i}, credentials=creds)
        for i in range(450)
    ]
    sizes: list[int] = []

    def answer(url: URL, **kwargs: Any) -> Any:
        from aioresponses import CallbackResult

        entries = orjson.loads(kwargs["data"])["identities"]
        sizes.append(len(entries))
        return CallbackResult(
            payload={
                "identities": [
                    {"action": "create", "identity": "x", "patch_id": e["patch_id"]}
                    for e in entries
                ]
            }
        )

    with aioresponses() as m:
        m.patch(f"{BASE}/admin/identities", callback=answer, repeat=True)
        results = await ory.identities.batch_create(bodies).collect()
    assert sorted(sizes) == [50, 200, 200]
    assert len(results) == 450


async def test_batch_create_mixed_results_in_order(ory: OryClient) -> None:
    bodies = [CreateIdentityBody(schema_id="default", traits={"n": i}) for i in range(3)]

    def answer(url: URL, **kwargs: Any) -> Any:
        from aioresponses import CallbackResult

        entries = orjson.loads(kwargs["data"])["identities"]
        return CallbackResult(
            payload={
                "identities": [
                    {
                        "action": "error",
                        "patch_id": entries[0]["patch_id"],
                        "error": {
                            "code": 409,
                            "status": "Conflict",
                            "reason": "This identity conflicts with another identity that already exists.",
                            "message": "conflict",
                        },
                    },
                    None,
                    {"action": "create", "identity": NEW_ID, "patch_id": entries[2]["patch_id"]},
                ]
            }
        )

    created = fixture_json("identities/migratest-identity-minimal.json") | {"id": NEW_ID}
    with aioresponses() as m:
        m.patch(f"{BASE}/admin/identities", callback=answer)
        m.get(re.compile(rf"{re.escape(BASE)}/admin/identities\?.*"), payload=[created])
        results = [r async for r in ory.identities.batch_create(bodies)]
        lookups = [(u, k) for meth, u, k in sent(m) if meth == "GET"]
    assert [r.outcome for r in results] == ["failed", "unknown", "created"]
    # After a conflict, the body reported created is looked up before it is reported.
    [(url, _)] = lookups
    assert url.query.getall("ids") == [NEW_ID]
    assert results[0].error is not None
    assert results[0].error.code == 409
    assert "conflicts with another identity" in results[0].reason
    assert results[1].reason == "the server returned no result for this body"
    assert results[2].identity_id == NEW_ID


def _rolled_back_batch(url: URL, **kwargs: Any) -> Any:
    """Kratos v1.3.1: one row conflicts, the others are reported created but rolled back."""
    from aioresponses import CallbackResult

    entries = orjson.loads(kwargs["data"])["identities"]
    answers: list[dict[str, Any]] = []
    for n, entry in enumerate(entries):
        if entry["create"]["traits"]["email"] == "taken@example.com":
            error = {"code": 409, "status": "Conflict", "message": "exists already"}
            answers.append({"action": "error", "patch_id": entry["patch_id"], "error": error})
        else:
            answers.append({"action": "create", "identity": f"{ID[:-2]}{n:02d}"})
    return CallbackResult(payload={"identities": answers})


async def test_batch_create_resends_rows_a_conflict_rolled_back(ory: OryClient) -> None:
    emails = ["a@example.com", "taken@example.com", "c@example.com"]
    bodies = [CreateIdentityBody(schema_id="default", traits={"email": e}) for e in emails]
    with aioresponses() as m:
        m.patch(f"{BASE}/admin/identities", callback=_rolled_back_batch)
        m.get(re.compile(rf"{re.escape(BASE)}/admin/identities\?.*"), payload=[])
        m.patch(
            f"{BASE}/admin/identities",
            payload={"identities": [{"action": "create", "identity": NEW_ID}] * 2},
        )
        results = await ory.identities.batch_create(bodies).collect()
        patches = [body_of(k)["identities"] for meth, _, k in sent(m) if meth == "PATCH"]
    assert [r.outcome for r in results] == ["created", "failed", "created"]
    assert [r.identity_id for r in results] == [NEW_ID, None, NEW_ID]
    first, resent = patches
    assert len(first) == 3
    # Only the two rows the lookup did not find go again, with the same patch ids.
    assert [e["create"]["traits"]["email"] for e in resent] == ["a@example.com", "c@example.com"]
    assert [e["patch_id"] for e in resent] == [first[0]["patch_id"], first[2]["patch_id"]]


async def test_batch_create_rows_it_cannot_confirm_are_unknown(ory: OryClient) -> None:
    emails = ["a@example.com", "taken@example.com"]
    bodies = [CreateIdentityBody(schema_id="default", traits={"email": e}) for e in emails]
    with aioresponses() as m:
        m.patch(f"{BASE}/admin/identities", callback=_rolled_back_batch)
        m.get(re.compile(rf"{re.escape(BASE)}/admin/identities\?.*"), status=403, payload={})
        results = await ory.identities.batch_create(bodies).collect()
    assert [r.outcome for r in results] == ["unknown", "failed"]
    assert results[0].identity_id is None
    assert "could not be checked" in results[0].reason


async def test_batch_create_whole_chunk_failure(ory: OryClient) -> None:
    bodies = [CreateIdentityBody(schema_id="default", traits={}) for _ in range(2)]
    with aioresponses() as m:
        m.patch(
            f"{BASE}/admin/identities",
            status=400,
            payload={"error": {"code": 400, "message": "bad state"}},
        )
        m.patch(f"{BASE}/admin/identities", status=502, body=b"<html>bad gateway</html>")
        first = await ory.identities.batch_create(bodies, chunk_size=1).collect()
    assert [r.outcome for r in first] == ["failed", "unknown"]
    assert isinstance(first[0].exception, BadRequestError)


# --- identities: v0 ---------------------------------------------------------------


async def test_v0_paths(ory_v0: OryClient) -> None:
    v0 = fixture_json("v0-legacy/v0-identity-minimal.json")
    with aioresponses() as m:
        m.post(f"{BASE}/identities", status=201, payload=v0)
        m.get(f"{BASE}/identities?page=0&per_page=10", payload=[v0])
        m.get(ANY, payload=v0, repeat=True)
        m.put(ANY, payload=v0)
        m.delete(ANY, status=204)
        created = await ory_v0.identities.create(
            CreateIdentityBody(schema_id="default", traits={"email": "a@example.com"})
        )
        await ory_v0.identities.get(created.id)
        await ory_v0.identities.update(
            created.id, UpdateIdentityBody(schema_id="default", traits={})
        )
        await ory_v0.identities.delete(created.id)
        page = await ory_v0.identities.list(per_page=10)
        calls = [(meth, u.path, query_of(u)) for meth, u, _ in sent(m)]
    assert created.state is None
    assert isinstance(page, Page)
    assert ("POST", "/identities", []) in calls
    assert ("GET", f"/identities/{created.id}", []) in calls
    assert ("PUT", f"/identities/{created.id}", []) in calls
    assert ("DELETE", f"/identities/{created.id}", []) in calls
    assert ("GET", "/identities", [("page", "0"), ("per_page", "10")]) in calls


async def test_v0_lacks_v1_operations(ory_v0: OryClient) -> None:
    with aioresponses() as m:
        with pytest.raises(
            UnsupportedOperationError, match="identities.patch does not exist in the v0 API"
        ):
            await ory_v0.identities.patch(ID, [JsonPatch(op="remove", path="/x")])
        with pytest.raises(UnsupportedOperationError):
            await ory_v0.identities.delete_credentials(ID, "totp")
        with pytest.raises(UnsupportedOperationError):
            ory_v0.identities.batch_create([])
        with pytest.raises(UnsupportedOperationError):
            await ory_v0.recovery.create_code(ID)
        with pytest.raises(UnsupportedOperationError):
            _ = ory_v0.schemas.list()
        with pytest.raises(ValueError, match="per_page/page only"):
            _ = ory_v0.identities.list(page_size=10)
        with pytest.raises(ValueError, match="no identity filters"):
            _ = ory_v0.identities.list(credentials_identifier="x")
        assert sent(m) == []


# --- schemas ----------------------------------------------------------------------


async def test_schemas_get_and_list_use_the_public_url(ory: OryClient) -> None:
    raw = fixture_json("schemas/quickstart-email-password.schema.json")
    with aioresponses() as m:
        m.get(f"{PUBLIC}/schemas/default", payload=raw)
        m.get(ANY, payload=[{"id": "default", "schema": raw}], headers={"X-Total-Count": "1"})
        schema = await ory.schemas.get("default")
        page = await ory.schemas.list()
        calls = [(meth, str(u.origin()), u.path, query_of(u)) for meth, u, _ in sent(m)]
    assert schema == raw
    assert page.items == [IdentitySchemaContainer(id="default", schema=raw)]
    assert ("GET", PUBLIC, "/schemas/default", []) in calls
    assert ("GET", PUBLIC, "/schemas", [("page", "0"), ("per_page", "250")]) in calls


async def test_schemas_v0_on_admin_url(ory_v0: OryClient) -> None:
    with aioresponses() as m:
        m.get(f"{BASE}/schemas/default", payload={"type": "object"})
        assert await ory_v0.schemas.get("default") == {"type": "object"}


async def test_schema_not_found(ory: OryClient) -> None:
    with aioresponses() as m:
        m.get(
            ANY,
            status=404,
            payload={
                "error": {
                    "code": 404,
                    "message": "Not Found",
                    "reason": "Identity schema `x` could not be found.",
                }
            },
        )
        with pytest.raises(NotFoundError, match="could not be found"):
            await ory.schemas.get("x")


# --- recovery ---------------------------------------------------------------------


async def test_recovery_code(ory: OryClient) -> None:
    payload = {
        "recovery_link": "https://p.example.com/ui/recovery?flow=f",
        "recovery_code": "123456",
        "expires_at": "2030-01-01T00:00:00.123456789Z",
    }
    with aioresponses() as m:
        m.post(f"{BASE}/admin/recovery/code", status=201, payload=payload)
        code = await ory.recovery.create_code(
            ID, expires_in=timedelta(hours=1, minutes=30), flow_type="api"
        )
        _method, _url, kwargs = only_request(m)
    assert body_of(kwargs) == {"identity_id": ID, "expires_in": "1h30m0s", "flow_type": "api"}
    assert isinstance(code, RecoveryCodeForIdentity)
    assert code.recovery_code == "123456"


async def test_recovery_code_unknown_identity(ory: OryClient) -> None:
    with aioresponses() as m:
        m.post(
            ANY,
            status=404,
            body=fixture_bytes("errors/snapshot-404-recovery-code-unknown-identity.json"),
        )
        with pytest.raises(NotFoundError, match="could not find identity"):
            await ory.recovery.create_code(ID)


async def test_recovery_code_bad_duration_before_io(ory: OryClient) -> None:
    with aioresponses() as m:
        with pytest.raises(ValueError, match="1d"):
            await ory.recovery.create_code(ID, expires_in="1d")
        with pytest.raises(ValueError, match="a duration must be positive"):
            await ory.recovery.create_link(ID, expires_in=timedelta(seconds=-5))
        assert sent(m) == []


async def test_recovery_link_v1_and_v0(ory: OryClient, ory_v0: OryClient) -> None:
    payload = {
        "recovery_link": "https://p.example.com/self-service/recovery?flow=f&token=t",
        "expires_at": "2030-01-01T00:00:00Z",
    }
    with aioresponses() as m:
        m.post(ANY, payload=payload, repeat=True)
        link = await ory.recovery.create_link(
            ID, expires_in="30m", return_to="https://app.example.com/"
        )
        await ory_v0.recovery.create_link(ID)
        calls = [(meth, u.path, query_of(u), body_of(k)) for meth, u, k in sent(m)]
    assert isinstance(link, RecoveryLinkForIdentity)
    assert (
        "POST",
        "/admin/recovery/link",
        [("return_to", "https://app.example.com/")],
        {"identity_id": ID, "expires_in": "30m"},
    ) in calls
    assert ("POST", "/recovery/link", [], {"identity_id": ID}) in calls


async def test_recovery_link_unknown_identity_is_400_on_v1(ory: OryClient) -> None:
    with aioresponses() as m:
        m.post(
            ANY,
            status=400,
            payload={
                "error": {
                    "code": 400,
                    "message": "The request was malformed or contained invalid parameters",
                    "reason": "The requested identity id does not exist.",
                }
            },
        )
        with pytest.raises(BadRequestError, match="The requested identity id does not exist"):
            await ory.recovery.create_link(ID)


@pytest.mark.parametrize(
    ("expires_in", "v1_sent", "v0_sent"),
    [
        (timedelta(minutes=90), "1h30m0s", "5400s"),
        ("1h30m", "1h30m", "5400s"),
        ("45m", "45m", "45m"),
    ],
)
async def test_recovery_link_duration_is_single_unit_on_v0(
    ory: OryClient, ory_v0: OryClient, expires_in: timedelta | str, v1_sent: str, v0_sent: str
) -> None:
    payload = {"recovery_link": "https://p.example.com/self-service/recovery?flow=f&token=t"}
    with aioresponses() as m:
        m.post(ANY, payload=payload, repeat=True)
        await ory.recovery.create_link(ID, expires_in=expires_in)
        await ory_v0.recovery.create_link(ID, expires_in=expires_in)
        calls = {u.path: body_of(k) for _, u, k in sent(m)}
    assert calls == {
        "/admin/recovery/link": {"identity_id": ID, "expires_in": v1_sent},
        "/recovery/link": {"identity_id": ID, "expires_in": v0_sent},
    }
