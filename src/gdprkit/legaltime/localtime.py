"""Instants and legal dates: the one place where wall-clock time meets UTC.

gdprkit stores instants in UTC and counts legal periods in days, months and years on
*dates* in the organisation's time zone (LEGAL.md DATE-03). These helpers do the two
conversions between them, and refuse input that would force a guess: a naive
datetime (DATE-01), a wall-clock time skipped by a daylight-saving change, and one
repeated by it without ``fold`` (DATE-08).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from dateutil import tz as dateutil_tz

from gdprkit.clock import require_aware
from gdprkit.errors import AmbiguousLocalTimeError, NonexistentLocalTimeError, TimeError

__all__ = ["UTC", "local_date", "local_datetime", "start_of_day", "zone", "zone_name"]

UTC = dt.UTC


def zone(time_zone: str | dt.tzinfo) -> dt.tzinfo:
    """Return *time_zone* as a ``tzinfo``; a string is an IANA name such as ``"Europe/Stockholm"``.

    Raises:
        TimeError: The name is not a known IANA time zone.
    """
    if isinstance(time_zone, dt.tzinfo):
        return time_zone
    try:
        return zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise TimeError(f"unknown IANA time zone {time_zone!r}") from exc


def zone_name(time_zone: str | dt.tzinfo) -> str:
    """Return a display name for *time_zone*: the IANA key where there is one."""
    if isinstance(time_zone, str):
        return time_zone
    key = getattr(time_zone, "key", None)
    return key if isinstance(key, str) else str(time_zone)


def local_date(
    instant: dt.datetime, time_zone: str | dt.tzinfo, *, what: str = "instant"
) -> dt.date:
    """Return the calendar date of *instant* in *time_zone*.

    This is the legal date of an event: a request received at 00:30 in Stockholm on
    1 February was received on 1 February, although it was still 31 January in UTC
    (LEGAL.md DATE-03, DSR-01).

    Raises:
        NaiveDatetimeError: *instant* has no time zone.
    """
    return require_aware(instant, what=what).astimezone(zone(time_zone)).date()


def start_of_day(day: dt.date, time_zone: str | dt.tzinfo) -> dt.datetime:
    """Return the first instant of *day* in *time_zone*, as a UTC datetime.

    A period that ends "at the end of" a day (Regulation 1182/71 Art. 3(2)(b)) has
    this instant of the next day as its exclusive bound. Where a zone skips midnight,
    the first instant that exists is returned; where it repeats midnight, the first one.
    """
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=zone(time_zone))
    # fold=0 is right in both DST cases: in a gap it maps 00:00 onto the instant the
    # gap ends, in a repeat it picks the earlier 00:00.
    return midnight.astimezone(UTC)


def local_datetime(
    day: dt.date,
    time: dt.time,
    time_zone: str | dt.tzinfo,
    *,
    fold: int | None = None,
) -> dt.datetime:
    """Build an aware datetime from a wall-clock reading, refusing to guess (LEGAL.md DATE-08).

    Args:
        day: The local date.
        time: The local wall-clock time, without ``tzinfo``.
        time_zone: The zone the clock reading was taken in.
        fold: For a time that occurs twice when clocks go back, ``0`` for the first
            occurrence (summer time) and ``1`` for the second. Required for those times.

    Returns:
        The instant, in *time_zone*.

    Raises:
        NonexistentLocalTimeError: The time was skipped when clocks went forward
            (e.g. 02:30 on 29 March 2026 in Stockholm).
        AmbiguousLocalTimeError: The time occurred twice (e.g. 02:30 on 25 October
            2026 in Stockholm) and *fold* was not given.
        TimeError: *time* carries its own ``tzinfo`` or *fold* is not 0 or 1.
    """
    if time.tzinfo is not None:
        raise TimeError("local_datetime(time): give the wall-clock time without tzinfo")
    if fold not in (None, 0, 1):
        raise TimeError("local_datetime(fold): must be 0, 1 or None")
    tzinfo = zone(time_zone)
    value = dt.datetime.combine(day, time, tzinfo=tzinfo)
    if not dateutil_tz.datetime_exists(value):
        raise NonexistentLocalTimeError(
            f"{value.replace(tzinfo=None).isoformat()} does not exist in {zone_name(time_zone)}: "
            "the clocks skip it (daylight saving time starts)"
        )
    if dateutil_tz.datetime_ambiguous(value):
        if fold is None:
            raise AmbiguousLocalTimeError(
                f"{value.replace(tzinfo=None).isoformat()} occurs twice in "
                f"{zone_name(time_zone)}; pass fold=0 (first, summer time) or fold=1 (second)"
            )
        value = value.replace(fold=fold)
    return value
