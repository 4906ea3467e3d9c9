"""One time-limits value: ``Timeouts``, per-call overrides, ``with_options`` views, and the
deprecated keywords it replaces."""

from __future__ import annotations

import re
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses

from ory_async import OryClient, RequestTimeoutError, RetryPolicy, ServerError, Timeouts
from ory_async.testing import RetryWaits
from tests.kit.helpers import sent
from tests.kit.mocked import ANY, BASE

IDENTITY = {"id": "i", "schema_id": "default", "traits": {}}


def test_defaults_and_a_number_means_read() -> None:
    assert Timeouts() == Timeouts(
        read=30.0, connect=10.0, deadline=None, retry_budget=60.0, rate_limit_budget=300.0
    )
    assert OryClient(BASE).timeouts == Timeouts()
    assert OryClient(BASE, timeouts=5).timeouts == Timeouts(read=5.0)
    assert OryClient(BASE, timeouts=Timeouts(2, deadline=9)).timeouts.deadline == 9.0


@pytest.mark.parametrize(
    ("value", "error"), [("5", TypeError), (True, TypeError), (0, ValueError), (-1, ValueError)]
)
def test_bad_timeouts_are_refused(value: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="timeouts must be"):
        OryClient(BASE, timeouts=value)  # type: ignore[arg-type]


async def test_a_per_call_timeout_keeps_the_connect_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    given: list[aiohttp.ClientTimeout] = []

    async def connect_times_out(self: object, req: object, traces: object, limits: Any) -> None:
        given.append(limits)
        raise aiohttp.ConnectionTimeoutError("Connection timeout to host")

    monkeypatch.setattr(aiohttp.TCPConnector, "_create_connection", connect_times_out)
    limits = Timeouts(read=30, connect=1.5)
    async with OryClient("http://127.0.0.1:9", timeouts=limits, retry=RetryPolicy.none()) as ory:
        with pytest.raises(RequestTimeoutError, match=r"Could not connect .* within 1.5 s"):
            await ory.identities.get("i", timeout=5)
    # aiohttp replaces its whole timeout object with a per-request one: ours keeps connect.
    assert [(t.total, t.sock_connect) for t in given] == [(5.0, 1.5)]


async def test_with_options_is_a_view_with_its_own_limits() -> None:
    async with OryClient(BASE, timeouts=Timeouts(read=30, connect=2)) as ory:
        quick = ory.with_options(timeouts=Timeouts(read=3, connect=2), retry=RetryPolicy.none())
        assert quick.timeouts.read == 3.0
        assert quick.retry == RetryPolicy.none()
        assert ory.timeouts.read == 30.0  # the client keeps its own
        assert ory.retry == RetryPolicy()
        with aioresponses() as m:
            m.get(ANY, payload=IDENTITY, repeat=True)
            await quick.identities.get("i")
            await ory.identities.get("i")
        given = [kwargs.get("timeout") for _, _, kwargs in sent(m)]
        # The view sends its own limits; the client relies on its session's.
        assert given == [aiohttp.ClientTimeout(total=3.0, sock_connect=2.0), None]
        # One connection: counters (and session, gate and pacer) are shared.
        assert quick.stats is ory.stats
        assert ory.stats.requests == 2
        assert quick._transport.connection is ory._transport.connection
        assert quick._transport._pacer is ory._transport._pacer
        await quick.close()  # a view's close does nothing
        assert not ory.closed


async def test_with_options_retry_and_pacing(fake_sleep: RetryWaits) -> None:
    async with OryClient(BASE, retry=RetryPolicy.none()) as ory:
        patient = ory.with_options(retry=RetryPolicy(wait_jitter=0.0), pacing=False)
        assert patient._transport._pacer is None
        assert ory._transport._pacer is not None
        with aioresponses() as m:
            m.get(ANY, status=503)
            m.get(ANY, payload=IDENTITY)
            assert (await patient.identities.get("i")).id == "i"
            m.get(ANY, status=503)
            with pytest.raises(ServerError):
                await ory.identities.get("i")
        assert fake_sleep.delays == [0.5]
        # with_auth on a view keeps the view's options.
        assert patient.with_auth(None).retry == patient.retry


def test_with_options_checks_its_arguments() -> None:
    ory = OryClient(BASE)
    with pytest.raises(TypeError, match="retry must be a RetryPolicy"):
        ory.with_options(retry=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="pacing must be"):
        ory.with_options(pacing="no")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timeouts must be a positive number"):
        ory.with_options(timeouts=0)


@pytest.mark.parametrize(
    ("kwargs", "new", "expected"),
    [
        ({"timeout": 5.0}, "timeouts=Timeouts(read=...)", Timeouts(read=5.0)),
        ({"connect_timeout": 2.0}, "timeouts=Timeouts(connect=...)", Timeouts(connect=2.0)),
        ({"connect_timeout": None}, "timeouts=Timeouts(connect=...)", Timeouts(connect=None)),
        ({"deadline": 9.0}, "timeouts=Timeouts(deadline=...)", Timeouts(deadline=9.0)),
        (
            {"timeout": aiohttp.ClientTimeout(total=4, sock_connect=1)},
            "timeouts=Timeouts(read=...)",
            Timeouts(read=4.0, connect=1.0),
        ),
    ],
)
def test_old_client_keywords_still_work_with_a_warning(
    kwargs: dict[str, Any], new: str, expected: Timeouts
) -> None:
    with pytest.warns(DeprecationWarning, match=re.escape(f"use OryClient({new}")) as seen:
        ory = OryClient(BASE, **kwargs)
    assert ory.timeouts == expected
    assert seen[0].filename == __file__  # the warning points at the caller


def test_an_old_aiohttp_timeout_goes_to_aiohttp_as_given() -> None:
    given = aiohttp.ClientTimeout(total=3, sock_read=1)
    with pytest.warns(DeprecationWarning, match=r"OryClient\(timeout=\.\.\.\)"):
        ory = OryClient(BASE, timeout=given)
    assert ory._transport._timeout is given


@pytest.mark.parametrize(
    ("kwargs", "new", "expected"),
    [
        ({"timeout": 5.0}, "Timeouts(retry_budget=...)", Timeouts(retry_budget=5.0)),
        ({"timeout": None}, "Timeouts(retry_budget=...)", Timeouts(retry_budget=None)),
        (
            {"rate_limit_budget": 7.0},
            "Timeouts(rate_limit_budget=...)",
            Timeouts(rate_limit_budget=7.0),
        ),
    ],
)
def test_old_retry_policy_fields_still_work_with_a_warning(
    kwargs: dict[str, Any], new: str, expected: Timeouts
) -> None:
    with pytest.warns(DeprecationWarning, match=re.escape(f"use {new}")) as seen:
        policy = RetryPolicy(**kwargs)
    assert seen[0].filename == __file__
    assert OryClient(BASE, retry=policy).timeouts == expected


def test_old_and_new_spellings_together_are_refused() -> None:
    with pytest.raises(ValueError, match="pass timeouts= alone"):
        OryClient(BASE, timeouts=5, timeout=5)


def test_a_plain_client_warns_nothing(recwarn: pytest.WarningsRecorder) -> None:
    OryClient(BASE, timeouts=Timeouts(deadline=5), retry=RetryPolicy.none())
    assert not recwarn.list
