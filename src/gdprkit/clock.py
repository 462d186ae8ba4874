"""Time as an input: the ``Clock`` protocol and guards against naive datetimes.

Every legal period gdprkit computes starts from an instant, and an instant without
a time zone is a guess (LEGAL.md DATE-01). So every public function that takes a
datetime passes it through :func:`require_aware` first, and everything that needs
"now" asks a :class:`Clock` handed to it, never the system directly. Tests and the
demo use :class:`FixedClock` to run years forward in milliseconds.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol, runtime_checkable

from gdprkit.errors import NaiveDatetimeError

__all__ = ["Clock", "FixedClock", "SystemClock", "require_aware", "to_utc"]

UTC = dt.UTC


@runtime_checkable
class Clock(Protocol):
    """**Protocol:** a source of the current instant.

    Implementations return a timezone-aware datetime; gdprkit converts it to UTC.
    """

    def now(self) -> dt.datetime:
        """Return the current instant, timezone-aware."""
        ...


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> dt.datetime:
        """Return the current instant in UTC."""
        return dt.datetime.now(UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


class FixedClock:
    """A clock that stands still until told to move; for tests, demos and replays.

    Args:
        at: The instant the clock shows; must be timezone-aware.
    """

    def __init__(self, at: dt.datetime) -> None:
        self._now = to_utc(at, what="FixedClock(at)")

    def now(self) -> dt.datetime:
        """Return the instant the clock was set to."""
        return self._now

    def set(self, at: dt.datetime) -> None:
        """Move the clock to *at* (forwards or backwards)."""
        self._now = to_utc(at, what="FixedClock.set(at)")

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        """Move the clock forward by an elapsed duration and return the new instant.

        The arithmetic is done in UTC, so it counts real elapsed time (LEGAL.md DATE-02).
        """
        self._now = self._now + delta
        return self._now

    def __repr__(self) -> str:
        return f"FixedClock({self._now.isoformat()})"


def require_aware(value: object, *, what: str) -> dt.datetime:
    """Return *value* unchanged if it carries a time zone; raise otherwise.

    Args:
        value: The datetime to check.
        what: Where the value came from, used in the error message
            (e.g. ``"record_event(at)"``).

    Raises:
        NaiveDatetimeError: *value* has no ``tzinfo`` or its offset is undefined.
        TypeError: *value* is not a datetime at all.
    """
    if not isinstance(value, dt.datetime):
        msg = f"{what}: expected a timezone-aware datetime, got {type(value).__name__}"
        raise TypeError(msg)
    if value.tzinfo is None or value.utcoffset() is None:
        msg = (
            f"{what}: naive datetime; attach a time zone "
            "(e.g. datetime(..., tzinfo=ZoneInfo('Europe/Stockholm')))"
        )
        raise NaiveDatetimeError(msg)
    return value


def to_utc(value: object, *, what: str) -> dt.datetime:
    """Check that *value* is timezone-aware and return the same instant in UTC."""
    if type(value) is dt.datetime and value.tzinfo is UTC:
        return value  # already UTC: the common case for every value read from a store
    return require_aware(value, what=what).astimezone(UTC)
