"""Retention declared as data: calendar periods and rules (Art. 5(1)(e), 13(2)(a), 30(1)(f)).

A :class:`RetentionRule` says from which event a period runs, how long it is in
calendar units, where the count is anchored and what happens at its end. It is
machine-computable (LEGAL.md RET-15): the same object drives the retention engine,
the privacy notice and the Art. 30 record. The date arithmetic lives in
:mod:`gdprkit.legaltime`; this module only declares.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import attrs

from gdprkit.errors import PolicyError, Problem
from gdprkit.policy._fields import as_tuple, non_negative
from gdprkit.policy.vocab import Anchor, DisposalAction, Trigger

__all__ = ["BOKFORINGSLAGEN", "FinancialYear", "FinancialYearSpan", "Period", "RetentionRule"]


@attrs.frozen(kw_only=True)
class Period:
    """A calendar period in years, months and days (never seconds; LEGAL.md RET-01, RET-13).

    Months and years are added with month-end clamping, as Regulation 1182/71 Art. 3(2)(c)
    and Lag (1930:173) 1 § count them: 31 January plus one month is 28 (or 29) February.

    Attributes:
        years: Whole years.
        months: Whole months.
        days: Whole days.
    """

    years: int = attrs.field(default=0, validator=non_negative)
    months: int = attrs.field(default=0, validator=non_negative)
    days: int = attrs.field(default=0, validator=non_negative)

    @property
    def is_zero(self) -> bool:
        """Whether the period is empty (the data may go the day after the trigger)."""
        return self.years == self.months == self.days == 0

    def __str__(self) -> str:
        parts = [
            f"{n} {unit}{'s' if n != 1 else ''}"
            for n, unit in ((self.years, "year"), (self.months, "month"), (self.days, "day"))
            if n
        ]
        return ", ".join(parts) or "0 days"


def _to_period(value: Any) -> Period:  # noqa: ANN401 - a converter checks what it is given
    if isinstance(value, Period):
        return value
    if isinstance(value, dt.timedelta):
        msg = "legal periods are calendar periods; use years/months/days, not a timedelta"
        raise PolicyError(Problem(path="RetentionRule.period", message=msg, rule="RET-01"))
    if isinstance(value, dict):
        unknown = set(value) - {"years", "months", "days"}
        if unknown:
            msg = f"unknown key(s) {sorted(unknown)}; use years, months and days"
            raise PolicyError(Problem(path="RetentionRule.period", message=msg, rule="RET-01"))
        return Period(**value)
    msg = f"expected a period such as {{ years = 7 }}, got {type(value).__name__}"
    raise PolicyError(Problem(path="RetentionRule.period", message=msg, rule="RET-01"))


@attrs.frozen(kw_only=True)
class RetentionRule:
    """How long data is kept for one purpose, and what happens then (LEGAL.md RET-01).

    The data is kept through ``anchor(trigger date) + period`` and may be disposed of
    from the start of the next day in the organisation's time zone: the period ends at
    the end of its last day (Regulation 1182/71 Art. 3(2)(c)).

    Attributes:
        trigger: The event the period runs from (never the time a row was written).
        event: The event's name when ``trigger`` is ``custom`` (e.g. ``"ticket_closed"``).
        period: The calendar period.
        anchor: Where the count starts once the trigger date is known.
        action: What happens at the end: delete, anonymise or review.
        law_reference: The statute that sets the period, e.g. ``"SFS 1999:1078 7 kap. 2 §"``.
        justification: Why this period, where no law sets it (the organisation's decision).
        assumption: Whether the period is a proposal the organisation has yet to confirm.
    """

    trigger: Trigger = attrs.field(converter=Trigger)
    event: str | None = None
    period: Period = attrs.field(converter=_to_period)
    anchor: Anchor = attrs.field(default=Anchor.NONE, converter=Anchor)
    action: DisposalAction = attrs.field(default=DisposalAction.DELETE, converter=DisposalAction)
    law_reference: str | None = None
    justification: str | None = None
    assumption: bool = False

    @property
    def event_name(self) -> str:
        """The name under which the trigger event is recorded (``custom`` uses ``event``)."""
        if self.trigger is Trigger.CUSTOM and self.event:
            return self.event
        return self.trigger.value


BOKFORINGSLAGEN = RetentionRule(
    trigger=Trigger.FINANCIAL_YEAR_END,
    period=Period(years=7),
    anchor=Anchor.END_OF_CALENDAR_YEAR,
    action=DisposalAction.DELETE,
    law_reference="SFS 1999:1078 7 kap. 2 §",
)
"""The Swedish Bookkeeping Act's bevarandetid for räkenskapsinformation.

Kept "fram till och med det sjunde året efter utgången av det kalenderår då
räkenskapsåret avslutades": the trigger is the date an entry is booked (e.g. the
invoice date), from which the end of the financial year is derived; that is anchored
to the end of its calendar year; seven years are added. A financial year ending
2026-06-30 and one ending 2026-12-31 are both kept through 2033-12-31 (LEGAL.md RET-02).
"""


@attrs.frozen(kw_only=True)
class FinancialYearSpan:
    """One financial year that does not follow the regular pattern (an extended first year).

    Attributes:
        start: Its first day.
        end: Its last day.
    """

    start: dt.date
    end: dt.date

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            msg = "end is before start"
            raise PolicyError(Problem(path="FinancialYearSpan.end", message=msg))
        # Bokföringslagen 3 kap. 1-3 §§: a changed financial year may be at most 18 months.
        if (self.end - self.start).days > 549:  # noqa: PLR2004 - 18 months plus slack
            msg = "a financial year may not exceed 18 months (Bokföringslagen 3 kap.)"
            raise PolicyError(Problem(path="FinancialYearSpan.end", message=msg))


@attrs.frozen(kw_only=True)
class FinancialYear:
    """The organisation's financial year (räkenskapsår), so its end can be derived.

    A regular year starts on ``start_month``/``start_day`` every year ("brutet
    räkenskapsår" when not 1 January). ``irregular`` lists extended or shortened years,
    such as a first year of 16 months; they take precedence over the regular pattern.

    Attributes:
        start_month: The month the regular financial year starts in (1-12).
        start_day: The day it starts on; 1 in practice.
        irregular: Financial years that differ from the pattern.
    """

    start_month: int = 1
    start_day: int = 1
    irregular: tuple[FinancialYearSpan, ...] = attrs.field(default=(), converter=as_tuple)

    def __attrs_post_init__(self) -> None:
        try:
            dt.date(2001, self.start_month, self.start_day)
        except (TypeError, ValueError):
            msg = "start_month/start_day is not a valid day of the year (29 February not allowed)"
            raise PolicyError(Problem(path="FinancialYear.start_month", message=msg)) from None
        spans = sorted(self.irregular, key=lambda s: s.start)
        for earlier, later in itertools.pairwise(spans):
            if later.start <= earlier.end:
                msg = "irregular financial years overlap"
                raise PolicyError(Problem(path="FinancialYear.irregular", message=msg))

    def end_of_year_containing(self, day: dt.date) -> dt.date:
        """Return the last day of the financial year that *day* falls in."""
        for span in self.irregular:
            if span.start <= day <= span.end:
                return span.end
        start_this_year = dt.date(day.year, self.start_month, self.start_day)
        next_start = (
            dt.date(day.year + 1, self.start_month, self.start_day)
            if day >= start_this_year
            else start_this_year
        )
        regular_end = next_start - dt.timedelta(days=1)
        # A regular year that overlaps an irregular one ends where the irregular one starts.
        for span in self.irregular:
            if day < span.start <= regular_end:
                return span.start - dt.timedelta(days=1)
        return regular_end
