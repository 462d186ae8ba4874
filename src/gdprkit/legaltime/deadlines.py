"""The one-month deadline for data-subject requests, and its extension (Art. 12(3)).

GDPR Art. 12(3) gives the controller one month from receipt to act on a request
under Art. 15-22, extendable once by two further months. The month is counted under
Council Regulation (EEC, Euratom) No 1182/71 Art. 3 (LEGAL.md DSR-01 to DSR-03, §4.3):

* the day of receipt is not counted, and it is the local date in the organisation's
  time zone, not the UTC date (DATE-03);
* the period ends at the end of the day with the same date in the next month, or the
  last day of that month where the date does not exist (Art. 3(2)(c));
* if that day is a Saturday, Sunday or public holiday, Art. 3(4) moves the end to the
  next working day. Whether that applies to the GDPR is not settled, so gdprkit keeps
  both: ``due_strict`` (alert on this one) and ``due_rolled``;
* the extension ends at ``min(receipt + 3 months, due_strict + 2 months)``, because
  month arithmetic is not associative (31 January + 1 month + 2 months is 28 April,
  + 3 months is 30 April); both candidates are exposed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import cached_property
from typing import TYPE_CHECKING

import attrs

from gdprkit.clock import to_utc
from gdprkit.errors import DeadlineError
from gdprkit.legaltime.calendars import HolidayCalendar, SwedishCalendar, next_working_day
from gdprkit.legaltime.explain import explain_request_deadline
from gdprkit.legaltime.localtime import local_date, start_of_day, zone

if TYPE_CHECKING:
    from gdprkit.policy._fields import Text

__all__ = ["DeadlineExtension", "RequestDeadline", "request_deadline"]


def _plus_months(day: dt.date, months: int) -> dt.date:
    """Return *day* plus whole calendar *months* (1182/71 Art. 3(2)(c)).

    The same date in the target month, or that month's last day where the date does not
    exist (31 January + 1 month is 28 or 29 February): ``day + relativedelta(months=n)``
    without its cost, for n >= 0.
    """
    index = day.month - 1 + months
    year = day.year + index // 12
    month = index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _to_utc_received(value: dt.datetime) -> dt.datetime:
    return to_utc(value, what="RequestDeadline.received_at")


def _valid_zone(instance: object, attribute: object, value: str) -> None:  # noqa: ARG001
    zone(value)


@attrs.frozen(kw_only=True)
class DeadlineExtension:
    """The one extension of a request deadline (Art. 12(3) second and third sentences).

    Attributes:
        reason: Why the request needs more time (complexity, number of requests).
        extended_at: When the extension was decided (UTC).
        notified_at: When the data subject was told, with the reasons (UTC).
    """

    reason: str
    extended_at: dt.datetime
    notified_at: dt.datetime


@attrs.frozen(kw_only=True)
class RequestDeadline:
    """The deadline of one data-subject request; immutable, :meth:`extend` returns a new one.

    The dates used on every answer (``receipt_day``, ``due_strict``, ``due``,
    ``due_end``) are computed once per deadline, on first use: they depend on its
    fields alone, which never change.

    Attributes:
        received_at: When the request was received (UTC).
        time_zone: The organisation's IANA time zone, in which days are counted.
        calendar: The public holidays used for ``due_rolled`` (Swedish by default).
        extension: The extension, once granted.
    """

    received_at: dt.datetime = attrs.field(converter=_to_utc_received)
    time_zone: str = attrs.field(validator=_valid_zone)
    calendar: HolidayCalendar = attrs.field(factory=SwedishCalendar)
    extension: DeadlineExtension | None = None

    @cached_property
    def receipt_day(self) -> dt.date:
        """The local date of receipt; the period runs from the end of it (1182/71 Art. 3(1))."""
        return local_date(self.received_at, self.time_zone)

    @cached_property
    def due_strict(self) -> dt.date:
        """The last day of the one-month period, not moved past holidays; alert on this."""
        return _plus_months(self.receipt_day, 1)

    @property
    def due_rolled(self) -> dt.date:
        """``due_strict`` moved to the next working day (1182/71 Art. 3(4))."""
        return next_working_day(self.due_strict, self.calendar)

    @property
    def due_strict_end(self) -> dt.datetime:
        """The exclusive bound of the period: 00:00 local after ``due_strict``, in UTC."""
        return start_of_day(self.due_strict + dt.timedelta(days=1), self.time_zone)

    @property
    def extension_by_receipt(self) -> dt.date:
        """One candidate end of an extended period: receipt day + 3 months."""
        return _plus_months(self.receipt_day, 3)

    @property
    def extension_by_first_due(self) -> dt.date:
        """The other candidate: ``due_strict`` + 2 months (chained; differs at month ends)."""
        return _plus_months(self.due_strict, 2)

    @property
    def due_extended_strict(self) -> dt.date:
        """The end of an extended period: the earlier candidate, the conservative choice."""
        return min(self.extension_by_receipt, self.extension_by_first_due)

    @property
    def due_extended_rolled(self) -> dt.date:
        """``due_extended_strict`` moved to the next working day (1182/71 Art. 3(4))."""
        return next_working_day(self.due_extended_strict, self.calendar)

    @property
    def extended(self) -> bool:
        """Whether the deadline has been extended."""
        return self.extension is not None

    @cached_property
    def due(self) -> dt.date:
        """The strict last day in force: ``due_extended_strict`` once extended."""
        return self.due_extended_strict if self.extended else self.due_strict

    @property
    def due_rolled_in_force(self) -> dt.date:
        """The rolled last day in force: ``due_extended_rolled`` once extended."""
        return self.due_extended_rolled if self.extended else self.due_rolled

    @cached_property
    def due_end(self) -> dt.datetime:
        """The exclusive bound of the period in force, in UTC."""
        return start_of_day(self.due + dt.timedelta(days=1), self.time_zone)

    def is_overdue(self, now: dt.datetime) -> bool:
        """Return whether the strict period in force has ended at *now*."""
        return to_utc(now, what="RequestDeadline.is_overdue(now)") >= self.due_end

    @property
    def explanation(self) -> Text:
        """Where the deadline in force comes from, in English and Swedish."""
        return explain_request_deadline(
            receipt_day=self.receipt_day,
            due_strict=self.due,
            due_rolled=self.due_rolled_in_force,
            extended_from=self.due_strict if self.extended else None,
        )

    def extend(self, reason: str, *, at: dt.datetime, notified_at: dt.datetime) -> RequestDeadline:
        """Return this deadline extended by two further months (Art. 12(3); LEGAL.md DSR-03).

        Args:
            reason: Why more time is needed; told to the data subject.
            at: When the extension is decided.
            notified_at: When the data subject was informed of it, with the reasons.

        Raises:
            DeadlineError: The deadline was already extended; *reason* is empty; or
                the extension or the notice comes after ``due_strict`` (or before
                the request was received).
            NaiveDatetimeError: *at* or *notified_at* has no time zone.
        """
        decided = to_utc(at, what="RequestDeadline.extend(at)")
        notified = to_utc(notified_at, what="RequestDeadline.extend(notified_at)")
        if self.extension is not None:
            raise DeadlineError(
                "the deadline was already extended; Art. 12(3) allows one extension"
            )
        if not reason.strip():
            raise DeadlineError("an extension needs a reason to give the data subject")
        for name, instant in (("at", decided), ("notified_at", notified)):
            if instant < self.received_at:
                raise DeadlineError(f"extend({name}) is before the request was received")
            if instant >= self.due_strict_end:
                raise DeadlineError(
                    f"extend({name}) is after the first period ended on {self.due_strict}; "
                    "the data subject must be told within one month of receipt"
                )
        extension = DeadlineExtension(
            reason=reason.strip(), extended_at=decided, notified_at=notified
        )
        return attrs.evolve(self, extension=extension)


def request_deadline(
    received_at: dt.datetime,
    *,
    time_zone: str,
    calendar: HolidayCalendar | None = None,
) -> RequestDeadline:
    """Start the Art. 12(3) clock for a request received at *received_at*.

    Args:
        received_at: When the request arrived; must be timezone-aware.
        time_zone: The organisation's IANA time zone (``organisation.time_zone``).
        calendar: Public holidays for ``due_rolled``; Swedish allmänna helgdagar by default.

    Raises:
        NaiveDatetimeError: *received_at* has no time zone.
    """
    return RequestDeadline(
        received_at=received_at,
        time_zone=time_zone,
        calendar=calendar if calendar is not None else SwedishCalendar(),
    )
