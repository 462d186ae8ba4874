"""Art. 33(1) 72 hours in UTC: every row of LEGAL.md §8 BR-02, and DATE-02."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from gdprkit.errors import NaiveDatetimeError
from gdprkit.legaltime import breach_clock

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def sthlm(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


# aware_at, strict notify_by, 1182/71 hour rule, naive aware_local + 72 h, real hours of naive.
BR_02 = [
    ("2026-03-27 14:35", "2026-03-30 15:35", "2026-03-30 16:00", "2026-03-30 14:35", 71),
    ("2026-10-23 09:10", "2026-10-26 08:10", "2026-10-26 09:00", "2026-10-26 09:10", 73),
    ("2026-06-05 16:00", "2026-06-08 16:00", "2026-06-08 17:00", "2026-06-08 16:00", 72),
]


@pytest.mark.parametrize(("aware", "strict", "hour_rule", "naive", "naive_hours"), BR_02)
def test_br_02(aware, strict, hour_rule, naive, naive_hours):
    clock = breach_clock(sthlm(aware), time_zone="Europe/Stockholm")
    assert clock.notify_by == sthlm(strict)
    assert clock.notify_by - clock.aware_at == dt.timedelta(hours=72)
    assert clock.hour_rule_bound == sthlm(hour_rule)
    # The trap gdprkit avoids: wall-clock arithmetic inside one tzinfo.
    wall_clock = sthlm(aware) + dt.timedelta(hours=72)
    assert wall_clock.replace(tzinfo=None) == dt.datetime.fromisoformat(naive)
    real = wall_clock.astimezone(dt.UTC) - sthlm(aware).astimezone(dt.UTC)
    assert real == dt.timedelta(hours=naive_hours)
    assert (clock.notify_by == wall_clock) == (naive_hours == 72)


def test_offsets_in_the_table_are_cet_and_cest():
    assert sthlm("2026-03-27 14:35").utcoffset() == dt.timedelta(hours=1)
    assert sthlm("2026-03-30 15:35").utcoffset() == dt.timedelta(hours=2)
    assert sthlm("2026-10-23 09:10").utcoffset() == dt.timedelta(hours=2)
    assert sthlm("2026-10-26 08:10").utcoffset() == dt.timedelta(hours=1)


def test_hours_remaining_and_delay_reasons():
    clock = breach_clock(sthlm("2026-10-23 09:10"))
    assert clock.hours_remaining(sthlm("2026-10-23 09:10")) == 72.0
    assert clock.hours_remaining(sthlm("2026-10-24 09:10")) == 48.0
    assert clock.hours_remaining(sthlm("2026-10-26 08:10")) == 0.0
    assert clock.hours_remaining(sthlm("2026-10-26 09:10")) == -1.0
    assert not clock.delay_reasons_required(sthlm("2026-10-26 08:10"))
    assert clock.delay_reasons_required(sthlm("2026-10-26 08:10") + dt.timedelta(seconds=1))
    # The naive local result (09:10 CET) would already be late.
    assert clock.delay_reasons_required(sthlm("2026-10-26 09:10"))
    assert clock.is_overdue(sthlm("2026-10-26 09:10"))


def test_no_weekend_or_holiday_extension():
    clock = breach_clock(sthlm("2026-06-05 16:00"))  # Friday before National Day
    assert clock.notify_by.astimezone(STOCKHOLM).date() == dt.date(2026, 6, 8)


def test_notify_by_is_utc():
    assert breach_clock(sthlm("2026-03-27 14:35")).notify_by.tzinfo is dt.UTC


def test_naive_awareness_is_rejected():
    with pytest.raises(NaiveDatetimeError):
        breach_clock(dt.datetime(2026, 3, 27, 14, 35))  # noqa: DTZ001
