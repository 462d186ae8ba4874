"""Naive, non-existent and ambiguous local times: LEGAL.md DATE-01, DATE-03, DATE-08."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from gdprkit.errors import (
    AmbiguousLocalTimeError,
    NaiveDatetimeError,
    NonexistentLocalTimeError,
    TimeError,
)
from gdprkit.legaltime import local_date, local_datetime, start_of_day

STOCKHOLM = "Europe/Stockholm"


def test_nonexistent_spring_forward_time_is_rejected():
    with pytest.raises(NonexistentLocalTimeError):
        local_datetime(dt.date(2026, 3, 29), dt.time(2, 30), STOCKHOLM)
    with pytest.raises(NonexistentLocalTimeError):
        local_datetime(dt.date(2026, 3, 29), dt.time(2, 30), STOCKHOLM, fold=1)


def test_ambiguous_fall_back_time_needs_fold():
    with pytest.raises(AmbiguousLocalTimeError):
        local_datetime(dt.date(2026, 10, 25), dt.time(2, 30), STOCKHOLM)
    first = local_datetime(dt.date(2026, 10, 25), dt.time(2, 30), STOCKHOLM, fold=0)
    second = local_datetime(dt.date(2026, 10, 25), dt.time(2, 30), STOCKHOLM, fold=1)
    assert first.utcoffset() == dt.timedelta(hours=2)
    assert second.utcoffset() == dt.timedelta(hours=1)
    assert second - first == dt.timedelta(0)  # same tzinfo: wall-clock difference
    assert second.astimezone(dt.UTC) - first.astimezone(dt.UTC) == dt.timedelta(hours=1)


def test_ordinary_time_needs_no_fold():
    value = local_datetime(dt.date(2026, 7, 1), dt.time(9, 0), STOCKHOLM)
    assert value.astimezone(dt.UTC) == dt.datetime(2026, 7, 1, 7, 0, tzinfo=dt.UTC)


def test_wall_clock_time_must_not_carry_a_zone():
    with pytest.raises(TimeError):
        local_datetime(dt.date(2026, 7, 1), dt.time(9, 0, tzinfo=dt.UTC), STOCKHOLM)
    with pytest.raises(TimeError):
        local_datetime(dt.date(2026, 7, 1), dt.time(9, 0), STOCKHOLM, fold=2)
    with pytest.raises(TimeError):
        local_datetime(dt.date(2026, 7, 1), dt.time(9, 0), "Europe/Atlantis")


def test_naive_datetime_is_rejected_with_a_value_error():
    with pytest.raises(NaiveDatetimeError):
        local_date(dt.datetime(2026, 1, 1), STOCKHOLM)  # noqa: DTZ001
    assert issubclass(NaiveDatetimeError, ValueError)


def test_mixing_naive_and_aware_fails_only_when_compared():
    # LEGAL.md §9: the reason gdprkit rejects naive values on the way in.
    aware = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(TypeError):
        _ = dt.datetime(2026, 1, 1) < aware  # noqa: DTZ001


def test_receipt_day_is_the_stockholm_date_not_the_utc_date():
    instant = dt.datetime(2026, 2, 1, 0, 30, tzinfo=ZoneInfo(STOCKHOLM))
    assert instant.astimezone(dt.UTC).date() == dt.date(2026, 1, 31)
    assert local_date(instant, STOCKHOLM) == dt.date(2026, 2, 1)


@pytest.mark.parametrize(
    ("day", "expected_utc"),
    [
        (dt.date(2034, 1, 1), dt.datetime(2033, 12, 31, 23, 0, tzinfo=dt.UTC)),
        (dt.date(2026, 7, 1), dt.datetime(2026, 6, 30, 22, 0, tzinfo=dt.UTC)),
        (dt.date(2026, 3, 29), dt.datetime(2026, 3, 28, 23, 0, tzinfo=dt.UTC)),
        (dt.date(2026, 10, 25), dt.datetime(2026, 10, 24, 22, 0, tzinfo=dt.UTC)),
    ],
)
def test_start_of_day_in_stockholm(day, expected_utc):
    assert start_of_day(day, STOCKHOLM) == expected_utc


def test_start_of_day_where_midnight_is_skipped():
    # America/Santiago skipped 00:00-01:00 on 2026-09-06; the day starts at 01:00 local.
    start = start_of_day(dt.date(2026, 9, 6), "America/Santiago")
    assert start.astimezone(ZoneInfo("America/Santiago")).time() == dt.time(1, 0)
    assert start == dt.datetime(2026, 9, 6, 4, 0, tzinfo=dt.UTC)
