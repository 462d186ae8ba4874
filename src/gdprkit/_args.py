"""Argument checks shared by the stateful layers (service, consent ledger, engine).

Every public entry point validates what it is given before touching storage, and
fails with a :class:`~gdprkit.errors.GdprKitError` that names the argument, never its
value: ids may be chosen carelessly (an e-mail address as a subject id), so they are
not echoed either.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from gdprkit.clock import to_utc
from gdprkit.errors import InvalidInputError
from gdprkit.legaltime.localtime import start_of_day
from gdprkit.storage.types import jsonable

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gdprkit.clock import Clock

_MAX_ID = 200


def require_id(value: object, what: str) -> str:
    """Return *value* if it is a usable id: a non-empty string of at most 200 characters."""
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_ID:
        raise InvalidInputError(
            f"{what} must be a non-empty string of at most {_MAX_ID} characters"
        )
    return value


def instant(value: object, clock: Clock, what: str) -> dt.datetime:
    """Return *value* in UTC, or the clock's now when it is ``None``."""
    return to_utc(clock.now() if value is None else value, what=what)


def not_future(value: dt.datetime, now: dt.datetime, what: str) -> dt.datetime:
    """Refuse an instant after *now*: what is recorded as done cannot happen later."""
    if value > now:
        raise InvalidInputError(f"{what} is in the future")
    return value


def json_mapping(value: Mapping[str, Any] | None, what: str) -> dict[str, Any]:
    """Return a normalised JSON-able copy of *value* (``{}`` for ``None``)."""
    if value is None:
        return {}
    try:
        return jsonable(value)
    except TypeError:
        raise InvalidInputError(f"{what} must be a JSON-able mapping with string keys") from None


def trigger_instant(value: object, tz: dt.tzinfo, what: str) -> dt.datetime:
    """Return a trigger as a UTC instant: an aware datetime, or a local date at 00:00."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return start_of_day(value, tz)
    return to_utc(value, what=what)
