"""The fixed-window quota learned from refusals that carry only ``Retry-After``."""

from __future__ import annotations

import math

import pytest

from ory_async._pacing_window import QuietWindow


def _spend(window: QuietWindow, at: float, count: int) -> None:
    for _ in range(count):
        assert window.delay(at) == 0.0
        window.take()
        window.answered(at, ok=True)


def test_a_short_retry_after_says_nothing_about_a_window() -> None:
    window = QuietWindow()
    _spend(window, 0.0, 5)
    window.refused(0.1, 1.0)  # as likely a refilling limit's next token
    assert not window.active
    assert window.delay(0.1) == 0.0


def test_the_quota_is_what_got_through_before_the_refusal_and_retry_after_ends_the_window() -> None:
    window = QuietWindow()
    _spend(window, 0.0, 20)
    window.refused(0.05, 10.0)
    assert window.active
    assert window.quota == 20
    assert window.delay(0.05) == pytest.approx(10.0)
    # The window's length is not known yet: the quota goes at once, then one request
    # at a time, each waiting for the one before it to be answered.
    _spend(window, 10.05, 20)
    window.take()
    assert window.delay(10.05) == math.inf
    window.refused(10.06, 10.0)
    assert window.window == 10.0  # from one window's end to the next, in whole seconds
    assert window.delay(10.06) == pytest.approx(10.0)


def test_a_known_window_spends_its_quota_at_once_and_waits_for_the_next() -> None:
    window = QuietWindow()
    _spend(window, 0.0, 5)
    window.refused(0.0, 5.0)
    _spend(window, 5.0, 5)
    window.take()
    window.refused(5.0, 5.0)
    for start in (10.0, 15.0, 20.0):
        _spend(window, start, 5)
        assert window.delay(start) == pytest.approx(5.0)  # no probe: the next window
    # A request late in a window waits too: the window's end is known to a second.
    assert window.delay(29.5) == pytest.approx(0.5)
    assert window.delay(30.0) == 0.0


def test_answers_to_requests_of_an_earlier_window_do_not_count() -> None:
    window = QuietWindow()
    _spend(window, 0.0, 3)
    window.take()
    window.refused(0.1, 4.0)
    window.answered(0.0, ok=False)  # in flight when the window ended
    _spend(window, 4.1, 3)
    window.take()
    assert window.delay(4.1) == math.inf  # the probe beyond the quota is unanswered


def test_a_probe_beyond_the_quota_that_gets_through_raises_it() -> None:
    window = QuietWindow()
    _spend(window, 0.0, 3)
    window.refused(0.1, 4.0)
    _spend(window, 4.1, 4)  # one more than the first window showed
    assert window.quota == 4


def test_a_server_that_refuses_everything_is_still_asked_once_a_window() -> None:
    window = QuietWindow()
    window.refused(0.0, 4.0)  # nothing got through
    window.take()
    window.answered(4.0, ok=False)
    window.refused(4.0, 4.0)  # again: the window is 4 s and nothing gets through
    assert window.window == 4.0
    for start in (8.0, 12.0, 16.0):
        assert window.delay(start) == 0.0  # one request may go in each window
        window.take()
        window.answered(start, ok=False)
        window.refused(start, 4.0)
