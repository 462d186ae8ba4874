"""Which requests are overdue or due soon (Art. 12(3); LEGAL.md DSR-02).

Alerts key on the strict deadline in force (``due_strict``, or ``due_extended_strict``
once extended), the conservative date; the rolled date is shown beside it. Pure.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from gdprkit.clock import to_utc
from gdprkit.errors import InvalidInputError
from gdprkit.policy.vocab import ClosedVocabulary

if TYPE_CHECKING:
    from collections.abc import Iterable

    from gdprkit.requests.lifecycle import RequestCase
    from gdprkit.requests.vocab import RequestKind, RequestState

__all__ = ["DueItem", "DueStatus", "due_items"]


class DueStatus(ClosedVocabulary):
    """How an open request stands against its deadline."""

    OVERDUE = "overdue"
    """The strict period in force has ended: the answer is late (Art. 12(3))."""
    DUE_SOON = "due_soon"
    """The strict period ends within the reporting window."""


@attrs.frozen(kw_only=True)
class DueItem:
    """One open request in the due report.

    Attributes:
        request_id: The request.
        subject_id: The requester.
        kind: The right exercised.
        state: Where it stands.
        status: Overdue or due soon.
        due: The strict last day in force (alert on this).
        due_rolled: The same moved past weekends and holidays (1182/71 Art. 3(4)).
        due_end: The exclusive end of the period in force, UTC.
        left: Time left until ``due_end`` (negative once overdue).
        extended: Whether the deadline was extended.
        paused: Whether the clock is paused for identity confirmation (then ``due``
            is the conservative, unpaused date).
    """

    request_id: str
    subject_id: str
    kind: RequestKind
    state: RequestState
    status: DueStatus
    due: dt.date
    due_rolled: dt.date
    due_end: dt.datetime
    left: dt.timedelta
    extended: bool
    paused: bool


def due_items(
    cases: Iterable[RequestCase], *, now: dt.datetime, within: dt.timedelta
) -> tuple[DueItem, ...]:
    """Return the open requests that are overdue or end within *within* of *now*, soonest first.

    Raises:
        InvalidInputError: *within* is negative.
        NaiveDatetimeError: *now* has no time zone.
    """
    at = to_utc(now, what="due report (now)")
    if within < dt.timedelta(0):
        raise InvalidInputError("within must not be negative")
    items = []
    for case in cases:
        if not case.open:
            continue
        deadline = case.deadline
        left = deadline.due_end - at
        if left > within:
            continue
        items.append(
            DueItem(
                request_id=case.id,
                subject_id=case.subject_id,
                kind=case.kind,
                state=case.state,
                status=DueStatus.OVERDUE if left <= dt.timedelta(0) else DueStatus.DUE_SOON,
                due=deadline.due,
                due_rolled=deadline.due_rolled_in_force,
                due_end=deadline.due_end,
                left=left,
                extended=deadline.extended,
                paused=case.awaiting_pause,
            )
        )
    return tuple(sorted(items, key=lambda i: (i.due_end, i.request_id)))
