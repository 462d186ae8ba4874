"""Retention dates: LEGAL.md §4.4 (Bokföringslagen), RET-02, RET-13, DATE-03 to DATE-06."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from conftest import organisation
from dateutil.relativedelta import relativedelta

from gdprkit.errors import NaiveDatetimeError
from gdprkit.legaltime import eligible_from, retention_dates
from gdprkit.policy.retention import (
    BOKFORINGSLAGEN,
    FinancialYear,
    FinancialYearSpan,
    Period,
    RetentionRule,
)
from gdprkit.policy.vocab import Anchor, Trigger

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _fy(start: dt.date) -> FinancialYear:
    return FinancialYear(start_month=start.month, start_day=start.day)


# LEGAL.md §4.4: financial year, FY end, keep through, delete from, naive fy_end + 7 y (wrong).
BFL_TABLE = [
    (
        _fy(dt.date(2026, 1, 1)),
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
        dt.date(2026, 12, 31),
        dt.date(2033, 12, 31),
        dt.date(2034, 1, 1),
        dt.date(2033, 12, 31),
    ),
    (
        _fy(dt.date(2025, 7, 1)),
        dt.date(2025, 7, 1),
        dt.date(2026, 6, 30),
        dt.date(2026, 6, 30),
        dt.date(2033, 12, 31),
        dt.date(2034, 1, 1),
        dt.date(2033, 6, 30),
    ),
    (
        _fy(dt.date(2025, 2, 1)),
        dt.date(2025, 2, 1),
        dt.date(2026, 1, 31),
        dt.date(2026, 1, 31),
        dt.date(2033, 12, 31),
        dt.date(2034, 1, 1),
        dt.date(2033, 1, 31),
    ),
    (
        _fy(dt.date(2025, 1, 1)),
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 31),
        dt.date(2025, 12, 31),
        dt.date(2032, 12, 31),
        dt.date(2033, 1, 1),
        dt.date(2032, 12, 31),
    ),
    (
        _fy(dt.date(2023, 5, 1)),
        dt.date(2023, 5, 1),
        dt.date(2024, 4, 30),
        dt.date(2024, 4, 30),
        dt.date(2031, 12, 31),
        dt.date(2032, 1, 1),
        dt.date(2031, 4, 30),
    ),
    (
        FinancialYear(
            start_month=7,
            irregular=(FinancialYearSpan(start=dt.date(2025, 3, 1), end=dt.date(2026, 6, 30)),),
        ),
        dt.date(2025, 3, 1),
        dt.date(2026, 6, 30),
        dt.date(2026, 6, 30),
        dt.date(2033, 12, 31),
        dt.date(2034, 1, 1),
        dt.date(2033, 6, 30),
    ),
]


@pytest.mark.parametrize("row", BFL_TABLE, ids=[str(row[2]) for row in BFL_TABLE])
def test_bokforingslagen_table(row):
    financial_year, fy_start, fy_last, fy_end, keep_through, delete_from, naive = row
    org = organisation(financial_year)
    for booked in (fy_start, fy_start + (fy_last - fy_start) / 2, fy_last):
        dates = retention_dates(BOKFORINGSLAGEN, booked, org)
        assert dates.trigger_date == fy_end
        assert dates.keep_through == keep_through
        assert dates.eligible_from == dt.datetime.combine(delete_from, dt.time(0), STOCKHOLM)
        assert dates.eligible_from.tzinfo is dt.UTC
    # The naive reading, FY end + 7 years, is the table's "wrong" column; it differs
    # from the answer wherever the FY does not end on 31 December.
    assert fy_end + relativedelta(years=7) == naive
    assert (naive == keep_through) == (fy_end.month == 12)


@pytest.mark.parametrize("fy_start_month", [1, 7])
def test_bfl_invoice_2026_is_eligible_from_new_year_2034_stockholm(fy_start_month):
    org = organisation(FinancialYear(start_month=fy_start_month))
    invoice = dt.date(2026, 3, 10) if fy_start_month == 1 else dt.date(2025, 11, 3)
    assert eligible_from(BOKFORINGSLAGEN, invoice, org) == dt.datetime(
        2033, 12, 31, 23, 0, tzinfo=dt.UTC
    )


def test_invoice_dated_15_january_is_kept_through_year_end_not_its_anniversary():
    dates = retention_dates(BOKFORINGSLAGEN, dt.date(2026, 1, 15), organisation())
    assert dates.keep_through == dt.date(2033, 12, 31)
    assert dates.keep_through != dt.date(2033, 1, 15)


def test_dagboken_cross_check_broken_and_calendar_year_both_kept_through_2016():
    broken = organisation(FinancialYear(start_month=7))
    calendar = organisation(FinancialYear())
    assert retention_dates(BOKFORINGSLAGEN, dt.date(2009, 6, 30), broken).keep_through == dt.date(
        2016, 12, 31
    )
    assert retention_dates(BOKFORINGSLAGEN, dt.date(2009, 6, 30), calendar).keep_through == (
        dt.date(2016, 12, 31)
    )


def test_ret_13_day_count_is_two_days_short():
    end = dt.date(2026, 12, 31)
    assert end + dt.timedelta(days=7 * 365) == dt.date(2033, 12, 29)
    dates = retention_dates(BOKFORINGSLAGEN, end, organisation())
    assert dates.keep_through - (end + dt.timedelta(days=7 * 365)) == dt.timedelta(days=2)


def test_trigger_instant_is_converted_to_the_local_date_first():
    rule = RetentionRule(trigger=Trigger.ACCOUNT_CLOSED, period=Period(months=1))
    # 2026-01-31 23:30Z is 2026-02-01 00:30 in Stockholm (DATE-03).
    closed = dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC)
    dates = retention_dates(rule, closed, organisation())
    assert dates.event_date == dt.date(2026, 2, 1)
    assert dates.keep_through == dt.date(2026, 3, 1)
    assert dates.eligible_from == dt.datetime(2026, 3, 2, tzinfo=STOCKHOLM)
    # The UTC date would have given 28 February.
    utc_answer = retention_dates(rule, closed, organisation(time_zone="UTC"))
    assert utc_answer.keep_through == dt.date(2026, 2, 28)


def test_naive_trigger_is_rejected():
    with pytest.raises(NaiveDatetimeError):
        retention_dates(BOKFORINGSLAGEN, dt.datetime(2026, 1, 15, 12, 0), organisation())  # noqa: DTZ001


@pytest.mark.parametrize(
    ("trigger", "period", "keep_through"),
    [
        # LEGAL.md §9: clamping to month end, computed from the anchor in one step.
        (dt.date(2026, 1, 31), Period(months=1), dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), Period(months=1), dt.date(2028, 2, 29)),
        (dt.date(2026, 1, 31), Period(months=2), dt.date(2026, 3, 31)),
        (dt.date(2026, 1, 31), Period(months=3), dt.date(2026, 4, 30)),
        # DATE-06: leap days.
        (dt.date(2028, 2, 29), Period(years=1), dt.date(2029, 2, 28)),
        (dt.date(2028, 2, 29), Period(years=4), dt.date(2032, 2, 29)),
        (dt.date(2028, 2, 29), Period(years=7), dt.date(2035, 2, 28)),
        (dt.date(2026, 5, 5), Period(), dt.date(2026, 5, 5)),
    ],
)
def test_calendar_periods_clamp_and_are_not_chained(trigger, period, keep_through):
    rule = RetentionRule(trigger=Trigger.CONTRACT_END, period=period)
    dates = retention_dates(rule, trigger, organisation())
    assert dates.keep_through == keep_through
    assert dates.eligible_from == dt.datetime.combine(
        keep_through + dt.timedelta(days=1), dt.time(0), STOCKHOLM
    )


def test_chained_month_arithmetic_would_differ():
    # LEGAL.md §9: 31 Jan + 1 m + 1 m = 28 Mar, but + 2 m = 31 Mar; gdprkit gives the latter.
    start = dt.date(2026, 1, 31)
    assert start + relativedelta(months=1) + relativedelta(months=1) == dt.date(2026, 3, 28)
    rule = RetentionRule(trigger=Trigger.CONTRACT_END, period=Period(months=2))
    assert retention_dates(rule, start, organisation()).keep_through == dt.date(2026, 3, 31)


@pytest.mark.parametrize(
    ("anchor", "trigger", "period", "anchored", "keep_through"),
    [
        (Anchor.END_OF_MONTH, dt.date(2026, 2, 10), Period(months=3), dt.date(2026, 2, 28),
         dt.date(2026, 5, 31)),
        (Anchor.END_OF_MONTH, dt.date(2026, 1, 5), Period(months=1), dt.date(2026, 1, 31),
         dt.date(2026, 2, 28)),
        (Anchor.END_OF_CALENDAR_YEAR, dt.date(2026, 6, 30), Period(years=7),
         dt.date(2026, 12, 31), dt.date(2033, 12, 31)),
        (Anchor.END_OF_CALENDAR_YEAR, dt.date(2026, 3, 1), Period(months=2),
         dt.date(2026, 12, 31), dt.date(2027, 2, 28)),
        (Anchor.END_OF_CALENDAR_YEAR, dt.date(2026, 3, 1), Period(days=1),
         dt.date(2026, 12, 31), dt.date(2027, 1, 1)),
        (Anchor.END_OF_FINANCIAL_YEAR, dt.date(2025, 9, 1), Period(years=1),
         dt.date(2026, 6, 30), dt.date(2027, 6, 30)),
    ],
)  # fmt: skip
def test_anchors(anchor, trigger, period, anchored, keep_through):
    rule = RetentionRule(
        trigger=Trigger.CUSTOM, event="ticket_closed", period=period, anchor=anchor
    )
    dates = retention_dates(rule, trigger, organisation(FinancialYear(start_month=7)))
    assert dates.anchored_date == anchored
    assert dates.keep_through == keep_through


def test_end_of_financial_year_in_february_stays_at_month_end_in_leap_years():
    org = organisation(FinancialYear(start_month=3))
    rule = RetentionRule(
        trigger=Trigger.COLLECTED, period=Period(years=1), anchor=Anchor.END_OF_FINANCIAL_YEAR
    )
    dates = retention_dates(rule, dt.date(2026, 5, 1), org)
    assert dates.anchored_date == dt.date(2027, 2, 28)
    assert dates.keep_through == dt.date(2028, 2, 29)


def test_financial_year_end_trigger_without_anchor_counts_from_the_year_end():
    rule = RetentionRule(trigger=Trigger.FINANCIAL_YEAR_END, period=Period(years=7))
    dates = retention_dates(rule, dt.date(2025, 8, 1), organisation(FinancialYear(start_month=7)))
    assert dates.trigger_date == dt.date(2026, 6, 30)
    assert dates.keep_through == dt.date(2033, 6, 30)


def test_aware_trigger_in_another_zone_is_read_in_the_organisation_zone():
    tokyo = ZoneInfo("Asia/Tokyo")
    rule = RetentionRule(trigger=Trigger.COLLECTED, period=Period(days=10))
    # 2026-07-01 06:00 in Tokyo is 2026-06-30 23:00 in Stockholm.
    dates = retention_dates(rule, dt.datetime(2026, 7, 1, 6, 0, tzinfo=tokyo), organisation())
    assert dates.event_date == dt.date(2026, 6, 30)
    assert dates.keep_through == dt.date(2026, 7, 10)
