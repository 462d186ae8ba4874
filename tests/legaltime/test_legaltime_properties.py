"""Properties of legal time, checked with hypothesis over many inputs."""

import datetime as dt
from zoneinfo import ZoneInfo

from conftest import machine_timezone, organisation
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from gdprkit.legaltime import (
    RuleOutcome,
    SwedishCalendar,
    age_on,
    breach_clock,
    combine_outcomes,
    request_deadline,
    retention_dates,
)
from gdprkit.policy.retention import BOKFORINGSLAGEN, FinancialYear, Period, RetentionRule
from gdprkit.policy.vocab import Anchor, Trigger

STOCKHOLM = ZoneInfo("Europe/Stockholm")
EXAMPLES = settings(max_examples=300, deadline=None)

periods = st.builds(
    Period,
    years=st.integers(0, 12),
    months=st.integers(0, 30),
    days=st.integers(0, 400),
)
rules = st.builds(
    RetentionRule,
    trigger=st.sampled_from(list(Trigger)),
    event=st.just("ticket_closed"),
    period=periods,
    anchor=st.sampled_from(list(Anchor)),
)
financial_years = st.builds(FinancialYear, start_month=st.integers(1, 12))
days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31))
instants = st.datetimes(
    min_value=dt.datetime(1990, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
    max_value=dt.datetime(2099, 12, 31),  # noqa: DTZ001
    timezones=st.sampled_from([dt.UTC, STOCKHOLM, ZoneInfo("Asia/Tokyo")]),
)
month_ends_and_leap_days = st.builds(
    lambda year, month: dt.date(year, month, 1) + relativedelta(day=31),
    st.integers(1990, 2099),
    st.integers(1, 12),
) | st.builds(lambda n: dt.date(1992 + 4 * n, 2, 29), st.integers(0, 26))


@EXAMPLES
@given(rule=rules, fy=financial_years, first=days, second=days)
def test_later_trigger_never_gives_an_earlier_eligible_from(rule, fy, first, second):
    org = organisation(fy)
    early, late = sorted((first, second))
    assert (
        retention_dates(rule, early, org).eligible_from
        <= retention_dates(rule, late, org).eligible_from
    )


@EXAMPLES
@given(rule=rules, fy=financial_years, first=instants, second=instants)
def test_later_trigger_instant_never_gives_an_earlier_eligible_from(rule, fy, first, second):
    org = organisation(fy)
    early, late = sorted((first, second))
    assert (
        retention_dates(rule, early, org).eligible_from
        <= retention_dates(rule, late, org).eligible_from
    )


@EXAMPLES
@given(rule=rules, fy=financial_years, trigger=instants)
def test_eligible_from_is_never_before_trigger_plus_period(rule, fy, trigger):
    org = organisation(fy)
    dates = retention_dates(rule, trigger, org)
    local_trigger = trigger.astimezone(STOCKHOLM).date()
    period = relativedelta(
        years=rule.period.years, months=rule.period.months, days=rule.period.days
    )
    earliest_last_day = local_trigger + period
    eligible_local = dates.eligible_from.astimezone(STOCKHOLM)
    assert eligible_local.date() > earliest_last_day
    assert eligible_local.date() == dates.keep_through + dt.timedelta(days=1)
    assert eligible_local.time() == dt.time(0)
    assert dates.eligible_from > trigger
    assert dates.eligible_from.tzinfo is dt.UTC


@settings(max_examples=100, deadline=None)
@given(rule=rules, fy=financial_years, trigger=instants, received=instants, born=days)
def test_results_do_not_depend_on_the_machine_time_zone(rule, fy, trigger, received, born):
    org = organisation(fy)

    def compute():
        deadline = request_deadline(received, time_zone="Europe/Stockholm")
        return (
            retention_dates(rule, trigger, org),
            deadline.due_strict,
            deadline.due_rolled,
            deadline.due_strict_end,
            deadline.due_extended_strict,
            breach_clock(received, time_zone="Europe/Stockholm").hour_rule_bound,
            age_on(born, dt.date(2100, 1, 1)),
        )

    with machine_timezone("America/Los_Angeles"):
        in_los_angeles = compute()
    with machine_timezone("Asia/Tokyo"):
        in_tokyo = compute()
    assert in_los_angeles == in_tokyo


@EXAMPLES
@given(rule=rules, fy=financial_years, day=month_ends_and_leap_days)
def test_month_ends_and_leap_days_never_raise(rule, fy, day):
    dates = retention_dates(rule, day, organisation(fy))
    assert dates.keep_through >= day
    received = dt.datetime.combine(day, dt.time(12), STOCKHOLM)
    deadline = request_deadline(received, time_zone="Europe/Stockholm")
    assert deadline.due_strict.month == (day + relativedelta(months=1)).month
    assert age_on(day, day + relativedelta(years=13, days=1)) == 13
    # CON-10: on 28 February a 29 February child is still 12.
    expected = 12 if (day.month, day.day) == (2, 29) else 13
    assert age_on(day, day + relativedelta(years=13)) == expected


@EXAMPLES
@given(received=instants, aftnar=st.booleans())
def test_deadline_invariants(received, aftnar):
    calendar = SwedishCalendar(include_aftnar=aftnar)
    deadline = request_deadline(received, time_zone="Europe/Stockholm", calendar=calendar)
    assert deadline.receipt_day < deadline.due_strict
    assert deadline.due_rolled >= deadline.due_strict
    assert calendar.is_working_day(deadline.due_rolled)
    assert (deadline.due_rolled - deadline.due_strict).days <= 5
    assert deadline.due_extended_strict >= deadline.due_strict
    assert deadline.due_extended_strict in {
        deadline.extension_by_receipt,
        deadline.extension_by_first_due,
    }
    assert deadline.due_extended_rolled >= deadline.due_extended_strict
    assert calendar.is_working_day(deadline.due_extended_rolled)
    assert deadline.due_strict_end > received


outcomes = st.builds(
    RuleOutcome,
    eligible_from=st.none() | instants,
    retains=st.booleans(),
)


@EXAMPLES
@given(items=st.lists(outcomes, min_size=1, max_size=6))
def test_combined_date_respects_every_retaining_rule(items):
    result = combine_outcomes(items)
    retaining = [o for o in items if o.retains]
    deleting = [o for o in items if not o.retains]
    if any(o.eligible_from is None for o in retaining) or (
        deleting and all(o.eligible_from is None for o in deleting)
    ):
        assert result.eligible_from is None
        return
    assert result.eligible_from is not None
    for outcome in retaining:
        assert result.eligible_from >= outcome.eligible_from
    timed = [o.eligible_from for o in deleting if o.eligible_from is not None]
    if timed:
        assert result.eligible_from >= min(timed)
        if not retaining:
            assert result.eligible_from == min(timed)


def test_fixed_examples_under_two_machine_time_zones(machine_tz):
    received = dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC)
    results = []
    for name in ("America/Los_Angeles", "Asia/Tokyo"):
        with machine_tz(name):
            deadline = request_deadline(received, time_zone="Europe/Stockholm")
            bfl = retention_dates(
                BOKFORINGSLAGEN, dt.date(2026, 1, 15), organisation(FinancialYear(start_month=7))
            )
            results.append((deadline.due_strict, bfl.eligible_from))
    # LEGAL.md §4.3 last row and §4.4 second row.
    expected = (dt.date(2026, 3, 1), dt.datetime(2033, 12, 31, 23, 0, tzinfo=dt.UTC))
    assert results == [expected, expected]
