"""Integration fixtures: the real OryClient against FakeOry or a real Kratos over loopback.

One fixture parameter, ``server``, decides which: ``--server=fake`` (the default, what
``make test`` runs), ``--server=kratos`` or ``--server=both`` (``make test-kratos``). A test
that asks for ``server`` or ``ory`` runs against each server chosen; one that needs FakeOry's
own controls (``fake``: faults, rate limits, paging bugs, v0) runs against FakeOry only.

Every exchange a test makes is captured on the client's side of the wire and checked
against the OpenAPI spec of its API generation when the test ends (see
``tests/kit/spec.py``), so the whole integration run doubles as the contract suite.
With both servers, the exchanges of each scenario are compared too (``tests/kit/differential.py``):
a difference not explained in ``tests/kratos/DEVIATIONS.md`` fails the scenario.

Every test runs twice against FakeOry: with the async client, and with the blocking client
(``ory_async.sync.OryClient``) driven through ``tests/kit/sync_facade.py``; against Kratos, with
the async client. A test that needs the async client's internals or the request trace of its
borrowed session is marked ``async_only``.
"""

from __future__ import annotations

import secrets
import zlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from ory_async import OryClient
from ory_async.testing import FakeOry, FakeOryOptions
from tests.kit import kratos as kratos_server
from tests.kit.differential import (
    DEVIATIONS,
    Shape,
    compare,
    deviations,
    not_in_kratos,
    shape,
    unexplained,
)
from tests.kit.harness import Harness
from tests.kit.kratos import Kratos
from tests.kit.servers import ServerKind, ServerUnderTest

HERE = Path(__file__).parent
SERVER_KINDS: tuple[ServerKind, ...] = ("fake", "kratos")
_RECORDS = pytest.StashKey[dict[str, dict[str, Shape]]]()
_RUN_TAG = secrets.token_hex(3)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests that run on a server run on each one ``--server`` chose."""
    if "server_kind" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("server")
        kinds = SERVER_KINDS if chosen == "both" else (chosen,)
        metafunc.parametrize("server_kind", kinds)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Against Kratos alone, leave out what needs FakeOry; with both, what needs one of them."""
    chosen = config.getoption("server")
    if chosen == "fake":
        return
    absent = not_in_kratos()
    keep, drop = [], []
    for item in items:
        if not item.path.is_relative_to(HERE):
            keep.append(item)  # the rest of the suite has no server parameter
            continue
        callspec = getattr(item, "callspec", None)
        kind = callspec.params.get("server_kind") if callspec is not None else None
        fake_only = (
            "fake" in getattr(item, "fixturenames", ())
            or kind is None
            or any(op in absent for m in item.iter_markers("covers") for op in m.args)
        )
        blocking = callspec is not None and callspec.params.get("harness") == "sync"
        if (kind == "kratos" and (fake_only or blocking)) or (
            chosen == "kratos" and kind != "kratos"
        ):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _start_kratos() -> Kratos:
    try:
        return kratos_server.start()
    except kratos_server.KratosUnavailableError as missing:
        pytest.fail(str(missing), pytrace=False)


_KRATOS_LOGS = pytest.StashKey[list[Kratos]]()


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    """After a failed run, the log of each Kratos the run started (kept in its folder)."""
    if exitstatus == 0:
        return
    for real in config.stash.get(_KRATOS_LOGS, []):
        terminalreporter.section(f"Kratos log ({real.log_path})")
        terminalreporter.write_line(real.log()[-20_000:] or "(empty)")


@pytest.fixture(scope="session")
def kratos(pytestconfig: pytest.Config) -> Iterator[Kratos]:
    """The real Kratos of this run: started on first use, stopped when the run ends."""
    server = _start_kratos()
    pytestconfig.stash.setdefault(_KRATOS_LOGS, []).append(server)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def ory_fake_options() -> FakeOryOptions:
    """The shipped ``ory_fake`` fixture is the FakeOry under test, with stable ids."""
    return {"seed": 7}


@pytest.fixture
def server(
    request: pytest.FixtureRequest, server_kind: ServerKind, harness: Harness
) -> Iterator[ServerUnderTest]:
    """The server this run of the test talks to (FakeOry: the plugin's ``ory_fake``)."""
    tag = f"{_RUN_TAG}{zlib.crc32(request.node.originalname.encode()):08x}"
    harness.kind = server_kind
    harness.scenario = f"{request.node.path.name}::{request.node.originalname}"
    if server_kind == "fake":
        fake: FakeOry = request.getfixturevalue("ory_fake")
        yield ServerUnderTest("fake", fake.url, fake.public_url, tag, fake=fake)
    elif request.node.get_closest_marker("own_server") is None:
        real: Kratos = request.getfixturevalue("kratos")
        yield ServerUnderTest("kratos", real.url, real.public_url, tag)
    else:  # a scenario that walks everything gets a Kratos nobody else wrote to
        real = _start_kratos()
        try:
            yield ServerUnderTest("kratos", real.url, real.public_url, tag)
        finally:
            real.remove()


@pytest.fixture(params=["async", "sync"])
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    client_kind = str(request.param)
    if client_kind == "sync" and request.node.get_closest_marker("async_only"):
        pytest.skip("needs the async client's internals or its request trace")
    h = Harness(client_kind)
    try:
        yield h
    finally:
        await h.close()
    problems = h.contract_problems()
    assert not problems, "requests or responses that break the spec:\n" + "\n".join(problems[:20])
    if (
        h.kind is not None
        and h.client_kind == "async"
        and getattr(request.node, "rep_call_passed", False)
    ):
        _compare_with_the_other_server(request.config, h)


def _compare_with_the_other_server(config: pytest.Config, h: Harness) -> None:
    assert h.kind is not None
    records = config.stash.setdefault(_RECORDS, {})
    mine = shape(h.exchanges["v1"])
    both = records.setdefault(h.scenario, {})
    both[h.kind] = mine
    if len(both) < len(SERVER_KINDS):
        return
    found = unexplained(compare(both["fake"], both["kratos"]), deviations())
    assert not found, (
        f"FakeOry and Kratos answered {h.scenario} differently; fix FakeOry or explain each "
        f"in {DEVIATIONS.name}:\n" + "\n".join(f"  {d}" for d in found)
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.rep_call_passed = report.passed  # type: ignore[attr-defined]
    return report


@pytest.fixture
async def fake(server: ServerUnderTest) -> FakeOry:
    """The FakeOry behind ``server`` (a test asking for it runs against FakeOry only)."""
    assert server.fake is not None
    return server.fake


@pytest.fixture
async def ory(harness: Harness, server: ServerUnderTest) -> OryClient:
    return await harness.client(server)


@pytest.fixture
async def fake_v0(harness: Harness) -> FakeOry:
    return await harness.start("v0")


@pytest.fixture
async def ory_v0(harness: Harness, fake_v0: FakeOry) -> OryClient:
    return await harness.client(fake_v0)
