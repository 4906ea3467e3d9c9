"""A tiny run of every benchmark workload: checks the data, never the time.

The full runs are ``make bench``; here each workload runs against the benchmark server
with a few requests, so a change that breaks a workload (or the server's Kratos shapes)
fails ``make test``. The generated SDKs are compared only where they are installed
(``benchmarks/.venv``); in the test venv those cases are skipped.
"""

from __future__ import annotations

import dataclasses
import shutil
import urllib.request
from collections.abc import Iterator
from itertools import cycle, islice
from typing import Final

import orjson
import pytest

from benchmarks import (
    blocking,
    bridges,
    child,
    decode,
    get_identity,
    get_many,
    imports,
    kratos,
    kratos_server,
    memory,
    payloads,
    readahead,
    report,
    run,
    walk,
    whoami,
)
from benchmarks.common import (
    EXP_ASYNC,
    KRATOS_CLIENT,
    ORY_ASYNC,
    ORY_CLIENT,
    RAW,
    Tally,
    WrongData,
    id_number,
    next_token,
    sdk_available,
)
from benchmarks.server import Sizes, serve

SIZES: Final = Sizes(
    identities=600, sessions=300, session_identities=10, get_pool=20, many_pool=450
)
ASYNC_CLIENTS: Final = [RAW, ORY_ASYNC, EXP_ASYNC]
ALL_CLIENTS: Final = [RAW, ORY_ASYNC, EXP_ASYNC, ORY_CLIENT, KRATOS_CLIENT]


def _needs(client: str) -> None:
    if not sdk_available(client):
        pytest.skip(f"{client} is not installed here (it is in benchmarks/.venv)")


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serve(SIZES) as url:
        yield url


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url) as resp:  # noqa: S310 - a loopback URL
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_server_pages_like_kratos(base: str) -> None:
    ids = payloads.identity_ids(SIZES.identities)
    status, headers, body = _get(f"{base}/admin/identities?page_size=250")
    assert status == 200
    assert [i["id"] for i in orjson.loads(body)] == ids[:250]
    assert headers["Link"] == (
        f'</admin/identities?page_size=250&page_token={payloads.NIL_UUID}>; rel="first",'
        f'</admin/identities?page_size=250&page_token={ids[249]}>; rel="next"'
    )
    _, headers, body = _get(f"{base}/admin/identities?page_size=250&page_token={ids[499]}")
    assert len(orjson.loads(body)) == 100
    assert 'rel="next"' not in headers["Link"]
    _, headers, body = _get(f"{base}/admin/sessions?expand=identity&page_size=250")
    sessions = orjson.loads(body)
    assert sessions[0]["identity"]["id"] in ids
    assert sessions[0]["devices"] is None
    assert headers["Link"].startswith("</admin/sessions?expand=identity&page_size=250&page_token=")
    assert next_token(headers["Link"]) is not None


def test_server_answers_errors_as_kratos_does(base: str) -> None:
    status, _, body = _get(f"{base}/admin/identities/{payloads.NIL_UUID}")
    assert status == 404
    assert orjson.loads(body)["error"]["message"] == "Unable to locate the resource"
    status, _, _ = _get(f"{base}/admin/identities?page_size=250&page_token=made-up")
    assert status == 400


def test_payloads_have_kratos_shapes() -> None:
    ident = payloads.identity(payloads.identity_ids(1)[0], 0, credentials=True)
    assert ident["organization_id"] is None
    assert "credentials" in ident
    assert "verified_at" not in ident["verifiable_addresses"][0]  # unverified: left out
    assert payloads.go_time(payloads._EPOCH, 120_000_000).endswith(".12Z")


@pytest.mark.parametrize("client", [*ASYNC_CLIENTS, ORY_CLIENT])
def test_get_identity(base: str, client: str) -> None:
    _needs(client)
    pool = payloads.identity_ids(SIZES.identities)[: SIZES.get_pool]
    ids = list(islice(cycle(pool), 100))
    result = get_identity.run(client, base, ids, concurrency=8, threads=4)
    assert result["rate"] > 0


@pytest.mark.parametrize("workload", ["blocking-get", "threads-get"])
@pytest.mark.parametrize("client", [blocking.ORY_SYNC, ORY_ASYNC, ORY_CLIENT])
def test_blocking_client_workloads(base: str, client: str, workload: str) -> None:
    _needs(client)
    pool = payloads.identity_ids(SIZES.identities)[: SIZES.get_pool]
    ids = list(islice(cycle(pool), 80))
    result = blocking.run(workload, client, base, ids, threads=4, instructions=False)
    assert all(value > 0 for key, value in result.items() if not key.startswith("extra_"))
    if client == blocking.ORY_SYNC:
        assert {"async_cpu_us", "async_rate"} & set(result)


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="needs valgrind")
def test_instructions_per_blocking_call_are_counted(base: str) -> None:
    ids = payloads.identity_ids(SIZES.identities)[:5]
    counted = blocking._instructions(base, ids)
    assert set(counted) == {"async_instr", "instr", "extra_instr"}
    # A call is tens of thousands of instructions at least; the counts are per call.
    assert 20_000 < counted["async_instr"] < 5_000_000
    assert 20_000 < counted["instr"] < 5_000_000


def test_the_bridge_designs_all_run() -> None:
    assert [name for name, _cpu, _wall in bridges.run()][1].endswith("(chosen)")


def test_a_wrong_answer_fails_the_get_benchmark() -> None:
    with pytest.raises(WrongData):
        get_identity._check(payloads.NIL_UUID, "00000000-0000-0000-0000-000000000001")


@pytest.mark.parametrize("kind", ["identities", "sessions"])
@pytest.mark.parametrize("client", ALL_CLIENTS)
def test_walks(base: str, client: str, kind: walk.Kind) -> None:
    _needs(client)
    spec = {
        "workload": "walk",
        "client": client,
        "base": base,
        "kind": kind,
        "identities": SIZES.identities,
        "sessions": SIZES.sessions,
    }
    result = child.measure(spec)
    assert result["rate"] > 0
    assert result["rss_peak_mb"] > 0


@pytest.mark.parametrize("client", [*ASYNC_CLIENTS, ORY_CLIENT])
def test_get_many(base: str, client: str) -> None:
    _needs(client)
    spec = {
        "workload": "get_many",
        "client": client,
        "base": base,
        "identities": SIZES.identities,
        "many_pool": SIZES.many_pool,
    }
    result = child.measure(spec)
    assert result["rate"] > 0
    if client == ORY_ASYNC:
        assert result["speedup"] > 0  # single GETs of the same ids were timed too


def test_the_ids_filter_answers_like_kratos(base: str) -> None:
    ids = payloads.identity_ids(SIZES.identities)
    asked = [ids[7], payloads.NIL_UUID, ids[3], ids[7]]
    query = "&".join(f"ids={i}" for i in asked)
    status, headers, body = _get(f"{base}/admin/identities?{query}&page_size=500")
    assert status == 200
    assert [i["id"] for i in orjson.loads(body)] == [ids[3], ids[7]]  # id order, once each
    assert 'rel="next"' not in headers["Link"]
    status, _, _ = _get(f"{base}/admin/identities?ids={ids[0]}")
    assert status == 400


def test_a_get_many_with_missing_items_fails(base: str) -> None:
    asked = [*payloads.identity_ids(SIZES.identities)[:10], payloads.NIL_UUID]
    with pytest.raises(WrongData, match="expected 11"):
        get_many.run(RAW, base, asked)


def test_a_walk_with_missing_items_fails(base: str) -> None:
    expected = [*payloads.identity_ids(SIZES.identities), payloads.NIL_UUID]
    with pytest.raises(WrongData, match="expected 601"):
        walk.run(ORY_ASYNC, base, "identities", expected)


@pytest.mark.parametrize("kind", ["identities", "sessions"])
@pytest.mark.parametrize("client", ALL_CLIENTS)
def test_decode(client: str, kind: decode.Kind) -> None:
    _needs(client)
    result = decode.run(client, kind, budget=0.005)
    assert result["floor_seconds"] > 0
    assert result["seconds"] > 0


def test_import_time_is_measured_in_a_fresh_interpreter() -> None:
    assert 0 < imports.once(ORY_ASYNC) < 30


def test_report_table_and_markers() -> None:
    samples = [
        report.Sample("get", RAW, 0, {"seconds": 1.0, "rate": 1000.0}),
        report.Sample("get", ORY_ASYNC, 0, {"seconds": 1.1, "rate": 900.0}),
        report.Sample("decode-identities", ORY_ASYNC, 0, {"seconds": 2.0, "floor_seconds": 1.0}),
        report.Sample("import", RAW, 0, {"seconds": 0.1}),
        report.Sample("import", ORY_ASYNC, 0, {"seconds": 0.3}),
    ]
    summary = report.summarize(samples)
    assert summary[("get", ORY_ASYNC)]["ratio"] == pytest.approx(0.9)
    assert summary[("decode-identities", ORY_ASYNC)]["ratio"] == pytest.approx(2.0)
    table = report.table(summary, run.Settings())
    assert "900 req/s (0.90x)" in table
    assert "| ≥ 0.85x raw | yes |" in table
    assert "| ory_async ≤ 1.25x `import aiohttp, orjson` | **no** |" in table
    text = f"intro\n{report.START}\nold\n{report.END}\nafter\n"
    assert report.replace_between_markers(text, "new") == (
        f"intro\n{report.START}\nnew\n{report.END}\nafter\n"
    )


@pytest.mark.parametrize("client", [ORY_ASYNC, RAW, ORY_CLIENT])
@pytest.mark.parametrize("kind", ["gets", "batch"])
def test_rate_limited_workloads_run_and_count(client: str, kind: str) -> None:
    from benchmarks import limited

    _needs(client)
    workload = limited.QUICK_WORKLOADS[0 if kind == "gets" else 1]
    figures = limited.run(
        client, kind, workload.limits, requests=workload.requests, chunk=workload.chunk
    )
    assert figures["calls"] == (workload.requests if kind == "gets" else 4)
    if client == ORY_CLIENT:
        assert figures["failed"] >= 1  # the official SDK raises on a 429
    else:
        assert figures["failed"] == 0
    assert figures["minimum"] > 0


def test_slow_server_walks_with_and_without_read_ahead() -> None:
    ids = payloads.identity_ids(600)
    with serve(
        Sizes(identities=600, sessions=0, session_identities=1, get_pool=1, latency_ms=2)
    ) as slow:
        plain = readahead.run(RAW, slow, ids, latency_ms=2)
        ahead = readahead.run(ORY_ASYNC, slow, ids, latency_ms=2, prefetch=True)
        with pytest.raises(WrongData):
            readahead.run(ORY_ASYNC, slow, ids[:-1], latency_ms=2)
    assert plain["ideal_seconds"] == pytest.approx(3 * 0.002)
    assert ahead["ideal_seconds"] >= ahead["server_seconds"] > 0


def test_memory_walk_of_synthetic_identities() -> None:
    listing = payloads.SyntheticIdentities(1_100, 250)
    count, checksum = listing.ids_checksum()
    with serve(
        Sizes(identities=0, sessions=0, session_identities=1, get_pool=0, synthetic=1_100)
    ) as long:
        for client in (RAW, ORY_ASYNC):
            figures = memory.run(client, long, count, checksum, mark=500)
            assert figures["rss_at_mark_mb"] > 0
        with pytest.raises(WrongData):
            memory.run(ORY_ASYNC, long, count + 1, checksum, mark=500)


def test_whoami_cpu_per_check(base: str) -> None:
    for client, cached in ((RAW, False), (ORY_ASYNC, False), (ORY_ASYNC, True)):
        assert 0 < whoami.run(client, base, checks=5, cached=cached)["cpu_seconds"] < 1


def _needs_kratos() -> None:
    reason = kratos_server.unavailable()
    if reason is not None:
        pytest.skip(reason)


def test_kratos_rows_run_side_by_side_on_a_real_kratos() -> None:
    _needs_kratos()
    settings = dataclasses.replace(
        run.QUICK,
        kratos_batch=60,
        kratos_chunk=25,
        kratos_page_size=50,
        kratos_requests=40,
        kratos_get_pool=20,
    )
    samples = run.measure_kratos(settings, log=lambda _line: None)
    measured = sorted((s.workload, s.client) for s in samples)
    assert measured == sorted(
        (w, c) for w in ("kratos-batch", "kratos-walk", "kratos-get") for c in (RAW, ORY_ASYNC)
    )
    assert all(s.figures["rate"] > 0 for s in samples)
    table = report.kratos_table(report.summarize(samples), settings)
    assert "| m) walk 120 identities, pages of 50 (the `Link` header) | " in table
    assert "—" not in table  # every cell measured


def test_kratos_workloads_fail_on_wrong_data() -> None:
    _needs_kratos()
    with kratos_server.running() as server:
        base = server.url
        created = kratos.batch_create(RAW, base, "smoke", 7, 3)
        assert created["rate"] > 0
        ids = kratos_server.identity_ids(base)
        assert len(ids) == 7
        checksum = sum(id_number(i) for i in ids)
        for client in (RAW, ORY_ASYNC):
            assert kratos.walk(client, base, 2, 7, checksum)["rate"] > 0  # four pages
            with pytest.raises(WrongData, match="expected 8"):
                kratos.walk(client, base, 2, 8, checksum)
        # The same emails again: every body conflicts, so no client may report success.
        with pytest.raises(WrongData, match="not created"):
            kratos.batch_create(ORY_ASYNC, base, "smoke", 7, 3)
        with pytest.raises(WrongData, match=r"not created|HTTP 409"):  # Kratos: 409 for a lone body
            kratos.batch_create(RAW, base, "smoke", 7, 3)
        assert len(kratos_server.identity_ids(base)) == 7


def test_without_kratos_the_rows_are_skipped_with_a_notice(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(kratos_server, "unavailable", lambda: "no Kratos binary at /nowhere")

    def must_not_run(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("nothing is measured without a Kratos")

    monkeypatch.setattr(run, "measure_kratos", must_not_run)
    monkeypatch.setattr(run, "measure", must_not_run)
    run.main(["--only", "m", "--no-readme"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:] == ["skipping workload m (real Kratos): no Kratos binary at /nowhere"]


def test_kratos_table_has_its_own_markers() -> None:
    samples = [
        report.Sample(w, c, 0, {"seconds": 1.0, "rate": rate})
        for w in ("kratos-batch", "kratos-walk", "kratos-get")
        for c, rate in ((RAW, 200.0), (ORY_ASYNC, 150.0))
    ]
    table = report.kratos_table(report.summarize(samples), run.Settings())
    assert "| m) get identity x5,000, concurrency 64 | 200 req/s (1.00x) | 150 req/s (0.75x) |" in (
        table
    )
    assert "| m) walk 20,000 identities, pages of 500 (the `Link` header) |" in table
    assert "| m) batch-create 10,000 identities, chunks of 1,000, 4 in flight |" in table
    text = f"{report.START}\nmain\n{report.END}\n{report.KRATOS_START}\nold\n{report.KRATOS_END}\n"
    replaced = report.replace_between_markers(text, "new", report.KRATOS_START, report.KRATOS_END)
    assert (
        replaced
        == f"{report.START}\nmain\n{report.END}\n{report.KRATOS_START}\nnew\n{report.KRATOS_END}\n"
    )


def test_a_tally_checks_a_count_and_a_checksum() -> None:
    tally = Tally()
    tally.add(payloads.NIL_UUID)
    tally.check_sum(1, 0, "one nil id")
    with pytest.raises(WrongData):
        tally.check_sum(1, 1, "a wrong checksum")
