"""When data covered by a retention rule may be disposed of (LEGAL.md RET-01, RET-02, RET-13).

A :class:`~gdprkit.policy.retention.RetentionRule` keeps data through
``anchor(trigger date) + period`` and allows disposal from 00:00 of the next day in the
organisation's time zone, because a period ends at the end of its last day
(Regulation 1182/71 Art. 3(2)(c)). The count is done on dates in that zone
(DATE-03); the result is handed over as an absolute UTC instant, never as a day count
(RET-13): 2026-12-31 plus 7 x 365 days is 2033-12-29, two days short of the
Bokföringslagen answer.

Calendar periods use :class:`dateutil.relativedelta.relativedelta` from the anchor in
one step, never chained (DATE-04): months clamp to the end of a short month, so
31 January plus one month is 28 February, and 29 February plus one year is
28 February (DATE-06). Where the anchor is the end of a month or year, the end of the
period is kept at a month end with relativedelta's absolute ``day=31``
(DATE-05): three months after the end of February is 31 May, not 28 May.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs
from dateutil.relativedelta import relativedelta

from gdprkit.clock import require_aware
from gdprkit.legaltime.explain import explain_retention
from gdprkit.legaltime.localtime import start_of_day
from gdprkit.policy.vocab import Anchor, Trigger

if TYPE_CHECKING:
    from gdprkit.policy._fields import Text
    from gdprkit.policy.model import Organisation
    from gdprkit.policy.retention import FinancialYear, Period, RetentionRule

__all__ = ["RetentionDates", "eligible_from", "retention_dates"]


@attrs.frozen(kw_only=True)
class RetentionDates:
    """The dates one retention rule gives one item, and why.

    Attributes:
        rule: The rule applied.
        event_date: The local date of the recorded event (for a financial-year rule,
            the date the entry was booked, e.g. the invoice date).
        trigger_date: The date the period runs from: the event date, or the end of the
            financial year containing it for ``Trigger.FINANCIAL_YEAR_END``.
        anchored_date: The trigger date moved to the rule's anchor (e.g. 31 December).
        keep_through: The last day the data is kept, in the organisation's time zone.
        eligible_from: The first instant disposal is allowed: 00:00 local on the day
            after ``keep_through``, in UTC.
        time_zone: The IANA time zone the dates were counted in.
        explanation: Where the dates come from, in English and Swedish.
    """

    rule: RetentionRule
    event_date: dt.date
    trigger_date: dt.date
    anchored_date: dt.date
    keep_through: dt.date
    eligible_from: dt.datetime
    time_zone: str
    explanation: Text


def _event_date(trigger: dt.datetime | dt.date, organisation: Organisation) -> dt.date:
    if isinstance(trigger, dt.datetime):
        aware = require_aware(trigger, what="retention trigger")
        return aware.astimezone(organisation.tz).date()
    return trigger


def _anchor(day: dt.date, anchor: Anchor, financial_year: FinancialYear) -> dt.date:
    if anchor is Anchor.END_OF_MONTH:
        return day + relativedelta(day=31)
    if anchor is Anchor.END_OF_CALENDAR_YEAR:
        return day + relativedelta(month=12, day=31)
    if anchor is Anchor.END_OF_FINANCIAL_YEAR:
        return financial_year.end_of_year_containing(day)
    return day


def _add_period(anchored: dt.date, period: Period, *, keep_month_end: bool) -> dt.date:
    step = relativedelta(years=period.years, months=period.months, days=period.days)
    if keep_month_end:
        # Absolute day=31 is applied (and clamped) before the relative days are added.
        step = relativedelta(years=period.years, months=period.months, day=31, days=period.days)
    result: dt.date = anchored + step
    return result


def retention_dates(
    rule: RetentionRule,
    trigger: dt.datetime | dt.date,
    organisation: Organisation,
) -> RetentionDates:
    """Compute when data kept under *rule* may be disposed of.

    Args:
        rule: The retention rule.
        trigger: When the trigger event happened: an aware datetime (converted to the
            organisation's local date) or a date already in the organisation's time
            zone. For ``Trigger.FINANCIAL_YEAR_END`` this is the date the entry was
            booked (the invoice date); the end of the financial year containing it is
            derived from ``organisation.financial_year`` (Bokföringslagen 7 kap. 2 §).
        organisation: Gives the time zone and the financial year.

    Returns:
        The dates and their explanation.

    Raises:
        NaiveDatetimeError: *trigger* is a datetime without a time zone (DATE-01).
    """
    event_date = _event_date(trigger, organisation)
    trigger_date = event_date
    if rule.trigger is Trigger.FINANCIAL_YEAR_END:
        trigger_date = organisation.financial_year.end_of_year_containing(event_date)
    anchored = _anchor(trigger_date, rule.anchor, organisation.financial_year)
    keep_month_end = rule.anchor is not Anchor.NONE and anchored == anchored + relativedelta(day=31)
    keep_through = _add_period(anchored, rule.period, keep_month_end=keep_month_end)
    eligible = start_of_day(keep_through + dt.timedelta(days=1), organisation.tz)
    return RetentionDates(
        rule=rule,
        event_date=event_date,
        trigger_date=trigger_date,
        anchored_date=anchored,
        keep_through=keep_through,
        eligible_from=eligible,
        time_zone=organisation.time_zone,
        explanation=explain_retention(
            rule=rule,
            trigger_date=event_date,
            anchored_date=anchored,
            keep_through=keep_through,
            eligible_from=eligible,
            time_zone=organisation.time_zone,
        ),
    )


def eligible_from(
    rule: RetentionRule,
    trigger: dt.datetime | dt.date,
    organisation: Organisation,
) -> dt.datetime:
    """Return the first instant (UTC) data kept under *rule* may be disposed of.

    Shorthand for ``retention_dates(rule, trigger, organisation).eligible_from``.
    A Bokföringslagen invoice in a financial year ending 2026-12-31 or 2026-06-30 gives
    2033-12-31T23:00Z, which is 1 January 2034 00:00 in Stockholm (LEGAL.md RET-02).
    """
    return retention_dates(rule, trigger, organisation).eligible_from
