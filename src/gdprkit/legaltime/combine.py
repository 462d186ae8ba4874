"""Several rules on one item, and legal holds: when may the item actually go?

Pure functions the retention engine calls once it has each rule's
:class:`~gdprkit.legaltime.retention.RetentionDates`. They follow the precedence
rules retention engines agree on (LEGAL.md §0 point 6, RET-04 to RET-08):

* A **retaining** outcome comes from a rule that carries a legal duty to keep
  (it has a ``law_reference``, e.g. Bokföringslagen). The item stays until the
  *latest* of them (RET-04: the longest retention wins).
* A **deletion-oriented** outcome comes from any other rule: it limits how long the
  purpose may keep the item. Among these the *earliest* date wins (RET-06: the
  shortest deletion period wins, for data minimisation, Art. 5(1)(c), (e)); one
  whose trigger has not happened yet is treated as infinitely long.
* **Retention beats deletion** (RET-05): the item goes at
  ``max(latest retaining date, earliest deletion date)``. When a retaining rule
  holds the item past the deletion date, the item is restricted from that deletion
  date to the retaining purpose (``restricted_from``).
* An item **awaiting** the trigger of any retaining rule stays (RET-08), and so
  does one whose deletion-oriented rules all still await their triggers.
* **Holds** (RET-07, Art. 17(3)(e), 18(1)(c)) block disposal without moving the
  clock: when the last hold is released, an item past its date is due at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from gdprkit.clock import to_utc
from gdprkit.errors import PolicyError, Problem

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

    from gdprkit.legaltime.retention import RetentionDates
    from gdprkit.policy.retention import RetentionRule

__all__ = [
    "Disposal",
    "HoldPeriod",
    "RuleOutcome",
    "combine_outcomes",
    "disposal_allowed",
    "effective_due",
    "hold_active",
]


def _optional_utc(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else to_utc(value, what="eligible_from")


@attrs.frozen(kw_only=True)
class RuleOutcome:
    """What one rule says about one item.

    Attributes:
        eligible_from: When the rule allows disposal (UTC), or ``None`` while the
            rule's trigger event has not happened (RET-08).
        retains: Whether the rule is a legal duty to keep (RET-04, RET-05) rather than
            a limit on how long a purpose may keep the item.
        label: Which rule or purpose this is, for explanations (no personal data).
    """

    eligible_from: dt.datetime | None = attrs.field(converter=_optional_utc)
    retains: bool
    label: str = ""

    @classmethod
    def of(
        cls,
        rule: RetentionRule,
        dates: RetentionDates | None,
        *,
        label: str = "",
    ) -> RuleOutcome:
        """Build the outcome of *rule*; *dates* is ``None`` while its trigger is awaited.

        A rule retains when it carries a ``law_reference``: a period set by law is a
        duty to keep, not a limit (RET-05).
        """
        return cls(
            eligible_from=None if dates is None else dates.eligible_from,
            retains=rule.law_reference is not None,
            label=label,
        )


@attrs.frozen(kw_only=True)
class Disposal:
    """The combined answer for one item.

    Attributes:
        eligible_from: When the item may go (UTC), or ``None`` while it must stay
            until a trigger event happens.
        restricted_from: When a deletion-oriented rule expired but a retaining rule
            still holds the item: from then on it is kept only for the retaining
            purpose (RET-05, ``pending_disposal``). ``None`` otherwise.
        deciding: The outcome that set ``eligible_from`` (or the awaited one).
        reason: The LEGAL.md rule that decided: ``RET-04``, ``RET-05``, ``RET-06`` or
            ``RET-08``.
    """

    eligible_from: dt.datetime | None
    restricted_from: dt.datetime | None
    deciding: RuleOutcome
    reason: str


def combine_outcomes(outcomes: Iterable[RuleOutcome]) -> Disposal:
    """Combine the outcomes of every rule covering one item (RET-04 to RET-06, RET-08).

    Raises:
        PolicyError: No rule covers the item; data without a retention rule has no
            storage limit (Art. 5(1)(e)).
    """
    items = list(outcomes)
    if not items:
        raise PolicyError(
            Problem(path="retention", message="no retention rule covers the item", rule="RET-04")
        )
    retaining = [o for o in items if o.retains]
    deleting = [o for o in items if not o.retains]

    awaited = [o for o in retaining if o.eligible_from is None]
    if awaited:
        return Disposal(
            eligible_from=None, restricted_from=None, deciding=awaited[0], reason="RET-08"
        )

    latest_keep = max(retaining, key=_date, default=None)
    timed_deletions = [o for o in deleting if o.eligible_from is not None]
    if deleting and not timed_deletions:
        return Disposal(
            eligible_from=None, restricted_from=None, deciding=deleting[0], reason="RET-08"
        )
    earliest_delete = min(timed_deletions, key=_date, default=None)

    if earliest_delete is None:
        assert latest_keep is not None  # noqa: S101 - items is not empty
        return Disposal(
            eligible_from=latest_keep.eligible_from,
            restricted_from=None,
            deciding=latest_keep,
            reason="RET-04",
        )
    if latest_keep is None or _date(latest_keep) <= _date(earliest_delete):
        return Disposal(
            eligible_from=earliest_delete.eligible_from,
            restricted_from=None,
            deciding=earliest_delete,
            reason="RET-06",
        )
    return Disposal(
        eligible_from=latest_keep.eligible_from,
        restricted_from=earliest_delete.eligible_from,
        deciding=latest_keep,
        reason="RET-05",
    )


def _date(outcome: RuleOutcome) -> dt.datetime:
    assert outcome.eligible_from is not None  # noqa: S101 - callers filter awaited outcomes
    return outcome.eligible_from


def _start_utc(value: dt.datetime) -> dt.datetime:
    return to_utc(value, what="HoldPeriod.start")


def _released_utc(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else to_utc(value, what="HoldPeriod.released_at")


@attrs.frozen(kw_only=True)
class HoldPeriod:
    """When a legal hold applied to an item (RET-07; Art. 17(3)(e), 18(1)(c)).

    Attributes:
        start: When the hold was placed (UTC).
        released_at: When it was released (UTC), or ``None`` while it is active.
            The hold is active from ``start`` up to, not including, ``released_at``.
    """

    start: dt.datetime = attrs.field(converter=_start_utc)
    released_at: dt.datetime | None = attrs.field(default=None, converter=_released_utc)

    def __attrs_post_init__(self) -> None:
        if self.released_at is not None and self.released_at < self.start:
            raise PolicyError(
                Problem(path="HoldPeriod.released_at", message="released before it started")
            )


def hold_active(hold: HoldPeriod, at: dt.datetime) -> bool:
    """Return whether *hold* blocks disposal at instant *at*."""
    now = to_utc(at, what="hold_active(at)")
    return hold.start <= now and (hold.released_at is None or now < hold.released_at)


def disposal_allowed(
    eligible_from: dt.datetime | None,
    now: dt.datetime,
    *,
    holds_active_at_now: bool = False,
) -> bool:
    """Return whether an item may be disposed of at *now* (RET-07, RET-11).

    Never before ``eligible_from``; never while a hold is active; never while a
    trigger is awaited (``eligible_from is None``).
    """
    instant = to_utc(now, what="disposal_allowed(now)")
    if eligible_from is None or holds_active_at_now:
        return False
    return instant >= to_utc(eligible_from, what="disposal_allowed(eligible_from)")


def effective_due(
    eligible_from: dt.datetime | None,
    holds: Iterable[HoldPeriod],
) -> dt.datetime | None:
    """Return the first instant the item may actually go, given its holds (RET-07).

    The hold does not move ``eligible_from`` (the retention clock); it only delays
    disposal to the moment no hold is active. An item that expired while held is due
    at the instant the last hold covering it is released. ``None`` means it cannot go:
    its trigger is awaited or an open hold covers its date.
    """
    if eligible_from is None:
        return None
    due = to_utc(eligible_from, what="effective_due(eligible_from)")
    pending = list(holds)
    moved = True
    while moved:
        moved = False
        for hold in pending:
            if hold_active(hold, due):
                if hold.released_at is None:
                    return None
                due, moved = hold.released_at, True
    return due
