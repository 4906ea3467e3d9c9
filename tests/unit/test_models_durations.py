from __future__ import annotations

from datetime import timedelta

import pytest

from ory_async.models.durations import check_go_duration, format_go_duration, to_go_duration


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (timedelta(hours=1, minutes=30), "1h30m0s"),
        (timedelta(hours=2), "2h0m0s"),
        (timedelta(seconds=90), "1m30s"),
        (timedelta(minutes=30), "30m0s"),
        (timedelta(seconds=1), "1s"),
        (timedelta(seconds=1.5), "1.5s"),
        (timedelta(milliseconds=500), "500ms"),
        (timedelta(microseconds=1500), "1.5ms"),
        (timedelta(microseconds=1), "1µs"),
        (timedelta(days=1), "24h0m0s"),
        (timedelta(hours=1, microseconds=250_000), "1h0m0.25s"),
        (timedelta(minutes=1, microseconds=1), "1m0.000001s"),
    ],
)
def test_timedelta_is_written_like_go_duration_string(value: timedelta, expected: str) -> None:
    assert format_go_duration(value) == expected
    assert check_go_duration(expected) == expected


@pytest.mark.parametrize("value", [timedelta(0), timedelta(seconds=-1), -timedelta(hours=1)])
def test_zero_or_negative_timedelta_is_rejected(value: timedelta) -> None:
    with pytest.raises(ValueError, match="positive"):
        format_go_duration(value)


@pytest.mark.parametrize(
    "value", ["1h", "30m", "1m30s", "500ms", "1.5h", "90s", "10us", "10µs", "3ns", "1h0m0s"]
)
def test_go_duration_strings_pass_unchanged(value: str) -> None:
    assert check_go_duration(value) == value
    assert to_go_duration(value) == value


@pytest.mark.parametrize(
    "value", ["1d", "h", "", "-1h", "+1h", "1 h", "1H", ".5h", "1.h", "1h ", "\u0661h", "5"]
)
def test_strings_that_are_not_go_durations_are_rejected(value: str) -> None:
    with pytest.raises(ValueError, match="not a Go duration"):
        check_go_duration(value)


@pytest.mark.parametrize("value", ["0s", "0h0m", "0.0ms"])
def test_zero_duration_strings_are_rejected(value: str) -> None:
    with pytest.raises(ValueError, match="positive"):
        check_go_duration(value)


def test_to_go_duration_rejects_other_types() -> None:
    with pytest.raises(TypeError, match="timedelta"):
        to_go_duration(3600)  # type: ignore[arg-type]


V0_PATTERN = r"[0-9]+(ns|us|ms|s|m|h)"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (timedelta(minutes=90), "5400s"),
        (timedelta(days=1), "86400s"),
        (timedelta(seconds=1.5), "1500ms"),
        (timedelta(microseconds=7), "7us"),
        ("1h30m", "5400s"),
        ("1h30m0s", "5400s"),
        ("1.5h", "5400s"),
        ("90m", "90m"),
        ("500ms", "500ms"),
        ("10µs", "10us"),
        ("1500ns", "1500ns"),
    ],
)
def test_single_unit_duration_fits_the_v0_pattern(value: timedelta | str, expected: str) -> None:
    import re

    from ory_async.models.durations import to_single_unit_duration

    result = to_single_unit_duration(value)
    assert result == expected
    assert re.fullmatch(V0_PATTERN, result)


@pytest.mark.parametrize("value", [timedelta(0), timedelta(seconds=-1), "0s", "1d", ""])
def test_single_unit_duration_refuses_what_go_durations_refuse(value: timedelta | str) -> None:
    from ory_async.models.durations import to_single_unit_duration

    with pytest.raises(ValueError, match="duration"):
        to_single_unit_duration(value)
