"""The 72-hour clock for notifying a personal-data breach (Art. 33(1); LEGAL.md BR-02).

The controller notifies the supervisory authority "not later than 72 hours after
having become aware" of a breach. Hours are elapsed time, so the arithmetic is done
in UTC (DATE-02): adding ``timedelta(hours=72)`` to a Stockholm wall-clock time gives
71 real hours across the March change and 73, too late, across the October one.
There is no weekend or holiday extension: Regulation 1182/71 Art. 3(3) counts
holidays, and Art. 3(4) does not apply to periods expressed in hours.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from gdprkit.clock import to_utc
from gdprkit.legaltime.explain import explain_breach
from gdprkit.legaltime.localtime import zone

if TYPE_CHECKING:
    from gdprkit.policy._fields import Text

__all__ = ["NOTIFICATION_PERIOD", "BreachClock", "breach_clock"]

NOTIFICATION_PERIOD = dt.timedelta(hours=72)
"""Art. 33(1): the notification period, as elapsed time."""

_HOUR = dt.timedelta(hours=1)
_SECONDS_PER_HOUR = 3600


def _to_utc_aware(value: dt.datetime) -> dt.datetime:
    return to_utc(value, what="BreachClock.aware_at")


def _valid_zone(instance: object, attribute: object, value: str) -> None:  # noqa: ARG001
    zone(value)


@attrs.frozen(kw_only=True)
class BreachClock:
    """When a breach must be notified to the supervisory authority (Art. 33(1)).

    Attributes:
        aware_at: When the organisation became aware of the breach (UTC). Record the
            detection time separately; the clock runs from awareness.
        time_zone: The zone used to display times and to find the start of the
            clock hour for the information-only 1182/71 bound.
    """

    aware_at: dt.datetime = attrs.field(converter=_to_utc_aware)
    time_zone: str = attrs.field(default="UTC", validator=_valid_zone)

    @property
    def notify_by(self) -> dt.datetime:
        """``aware_at`` + 72 elapsed hours, in UTC; alert on this one."""
        return self.aware_at + NOTIFICATION_PERIOD

    @property
    def hour_rule_bound(self) -> dt.datetime:
        """The later bound of Regulation 1182/71 Art. 3(1), 3(2)(a); information only.

        The hour in which awareness happened is not counted, so the 72 hours run from
        the start of the next clock hour (local clock hour, in UTC). LEGAL.md flags
        this reading [F]: gdprkit never alerts on it.
        """
        local = self.aware_at.astimezone(zone(self.time_zone))
        hour_start = local.replace(minute=0, second=0, microsecond=0)
        return hour_start.astimezone(dt.UTC) + _HOUR + NOTIFICATION_PERIOD

    def time_remaining(self, now: dt.datetime) -> dt.timedelta:
        """Return the elapsed time left until ``notify_by``; negative once it has passed."""
        return self.notify_by - to_utc(now, what="BreachClock.time_remaining(now)")

    def hours_remaining(self, now: dt.datetime) -> float:
        """Return the hours left until ``notify_by``; negative once it has passed."""
        return self.time_remaining(now).total_seconds() / _SECONDS_PER_HOUR

    def is_overdue(self, now: dt.datetime) -> bool:
        """Return whether the 72 hours have passed at *now*."""
        return to_utc(now, what="BreachClock.is_overdue(now)") > self.notify_by

    def delay_reasons_required(self, notified_at: dt.datetime) -> bool:
        """Return whether a notification at *notified_at* must give reasons for the delay.

        Art. 33(1): a notification made later than 72 hours must be accompanied by the
        reasons for the delay. At exactly ``notify_by`` it is still in time.
        """
        return self.is_overdue(notified_at)

    @property
    def explanation(self) -> Text:
        """The deadline and its source, in English and Swedish."""
        return explain_breach(notify_by=self.notify_by, time_zone=self.time_zone)


def breach_clock(aware_at: dt.datetime, *, time_zone: str = "UTC") -> BreachClock:
    """Start the Art. 33(1) clock at *aware_at* (timezone-aware).

    Raises:
        NaiveDatetimeError: *aware_at* has no time zone.
    """
    return BreachClock(aware_at=aware_at, time_zone=time_zone)
