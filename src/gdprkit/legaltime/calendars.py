"""Holiday calendars: which days are not working days when a period ends.

Regulation 1182/71 Art. 3(4) moves the end of a period that falls on a Saturday,
Sunday or public holiday to the end of the next working day; Art. 2(1) takes the
public holidays "designated as such in the Member State". gdprkit ships the Swedish
calendar (Lag (1989:253) om allmänna helgdagar). Other countries plug in by
implementing :class:`HolidayCalendar`; the calendar is injected, never global.
"""

from __future__ import annotations

import datetime as dt
import functools
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import attrs
from dateutil.easter import easter

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["HolidayCalendar", "SwedishCalendar", "WeekendCalendar", "next_working_day"]

_SATURDAY = 5
_SUNDAY = 6


@runtime_checkable
class HolidayCalendar(Protocol):
    """**Protocol:** the public holidays and working days of one country.

    ``is_working_day`` must be false on Saturdays and Sundays: Regulation 1182/71
    Art. 3(4) treats both as non-working days whatever the country's calendar says.
    """

    def holidays(self, year: int) -> Mapping[dt.date, str]:
        """Return the named public holidays of *year*, each with its name, in date order."""
        ...

    def is_holiday(self, day: dt.date) -> bool:
        """Return whether *day* is a public holiday (including Sundays where the law says so)."""
        ...

    def is_working_day(self, day: dt.date) -> bool:
        """Return whether *day* is neither a Saturday, a Sunday nor a public holiday."""
        ...


@attrs.frozen(kw_only=True)
class WeekendCalendar:
    """A calendar with no public holidays: only Saturdays and Sundays are not working days.

    The minimum Regulation 1182/71 Art. 3(4) requires; useful for countries gdprkit
    has no calendar for yet, and in tests.
    """

    def holidays(self, year: int) -> Mapping[dt.date, str]:  # noqa: ARG002 - protocol shape
        """Return no holidays."""
        return MappingProxyType({})

    def is_holiday(self, day: dt.date) -> bool:  # noqa: ARG002 - protocol shape
        """Return ``False``: this calendar has no public holidays."""
        return False

    def is_working_day(self, day: dt.date) -> bool:
        """Return whether *day* is Monday to Friday."""
        return day.weekday() < _SATURDAY


@attrs.frozen(kw_only=True)
class SwedishCalendar:
    """Sweden's allmänna helgdagar, Lag (1989:253) om allmänna helgdagar 1 §.

    The named holidays are nyårsdagen, trettondedag jul, långfredagen, påskdagen,
    annandag påsk, första maj, Kristi himmelsfärdsdag, pingstdagen, Sveriges
    nationaldag, midsommardagen (the Saturday 20-26 June), alla helgons dag (the
    Saturday 31 October-6 November), juldagen and annandag jul; every Sunday is an
    allmän helgdag too. Easter Sunday comes from :func:`dateutil.easter.easter`.

    Attributes:
        include_aftnar: Also treat midsommarafton, julafton and nyårsafton as holidays,
            as Lag (1930:173) om beräkning av lagstadgad tid 2 § does for Swedish
            statutory periods. Off by default: whether they count under Regulation
            1182/71 is not settled (LEGAL.md §12 point 2).
    """

    include_aftnar: bool = False

    def holidays(self, year: int) -> Mapping[dt.date, str]:
        """Return the named holidays of *year* (ordinary Sundays are not listed)."""
        return _swedish_holidays(year, include_aftnar=self.include_aftnar)

    def is_holiday(self, day: dt.date) -> bool:
        """Return whether *day* is a Sunday, a named holiday or (if enabled) an afton."""
        return day.weekday() == _SUNDAY or day in self.holidays(day.year)

    def is_working_day(self, day: dt.date) -> bool:
        """Return whether *day* is neither a Saturday nor a holiday."""
        return day.weekday() != _SATURDAY and not self.is_holiday(day)


@functools.lru_cache(maxsize=256)
def _swedish_holidays(year: int, *, include_aftnar: bool) -> Mapping[dt.date, str]:
    easter_sunday = easter(year)
    midsommardagen = _saturday_between(dt.date(year, 6, 20))
    named = [
        (dt.date(year, 1, 1), "nyårsdagen"),
        (dt.date(year, 1, 6), "trettondedag jul"),
        (easter_sunday - dt.timedelta(days=2), "långfredagen"),
        (easter_sunday, "påskdagen"),
        (easter_sunday + dt.timedelta(days=1), "annandag påsk"),
        (dt.date(year, 5, 1), "första maj"),
        (easter_sunday + dt.timedelta(days=39), "Kristi himmelsfärdsdag"),
        (easter_sunday + dt.timedelta(days=49), "pingstdagen"),
        (dt.date(year, 6, 6), "Sveriges nationaldag"),
        (midsommardagen, "midsommardagen"),
        (_saturday_between(dt.date(year, 10, 31)), "alla helgons dag"),
        (dt.date(year, 12, 25), "juldagen"),
        (dt.date(year, 12, 26), "annandag jul"),
    ]
    if include_aftnar:
        named += [
            (midsommardagen - dt.timedelta(days=1), "midsommarafton"),
            (dt.date(year, 12, 24), "julafton"),
            (dt.date(year, 12, 31), "nyårsafton"),
        ]
    days: dict[dt.date, str] = {}
    for day, name in sorted(named, key=lambda pair: pair[0]):
        # Moving feasts can coincide with fixed ones (pingstdagen on 6 June in 2049).
        days[day] = f"{days[day]}, {name}" if day in days else name
    return MappingProxyType(days)


def _saturday_between(first: dt.date) -> dt.date:
    """Return the Saturday in the seven days starting at *first*."""
    return first + dt.timedelta(days=(_SATURDAY - first.weekday()) % 7)


def next_working_day(day: dt.date, calendar: HolidayCalendar) -> dt.date:
    """Return *day* if it is a working day, else the next one (Regulation 1182/71 Art. 3(4))."""
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day
