"""When one purpose stops needing one record: a purpose link's ``eligible_from``.

Pure: computed from the purpose's retention rule and the trigger events recorded for
the link, once, when a trigger becomes known, and then stored, so the sweep is an
indexed range query (DESIGN "core model"; LEGAL.md RET-08, RET-13).

Each link is scheduled on its own purpose's rule. Several purposes on one record
combine by the engine keeping every field that some live link still declares: a
purpose stops using the record when its own rule expires (RET-04), while the fields a
retaining purpose such as bookkeeping declares stay, restricted to that purpose,
until its date (RET-05, RET-03).

Three events end a link at the instant they happen, whatever its rule says:

* ``consent_withdrawn`` on a consent-based link (Art. 7(3), 17(1)(b); CON-08), unless
  the purpose's own rule runs from the withdrawal, in which case that rule decides;
* ``objection`` on a link whose purpose the right to object applies to (Art. 21(1):
  bases (e) and (f); 21(3): direct marketing);
* ``erasure`` on any link an erasure request ends (Art. 17(1)); links kept under an
  Art. 17(3) exception simply do not get it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from gdprkit.clock import to_utc
from gdprkit.legaltime.retention import RetentionDates, retention_dates
from gdprkit.policy.vocab import LegalBasis, Trigger

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gdprkit.policy.model import Organisation, Purpose

__all__ = [
    "CONSENT_WITHDRAWN",
    "ENDING_EVENTS",
    "ERASURE",
    "OBJECTION",
    "LinkSchedule",
    "ends_link",
    "schedule_link",
    "trigger_events",
]

CONSENT_WITHDRAWN = Trigger.CONSENT_WITHDRAWN.value
"""The trigger recorded on a consent-based link when its consent is withdrawn."""
OBJECTION = "objection"
"""The trigger recorded on a link when the subject's objection to its purpose is upheld."""
ERASURE = "erasure"
"""The trigger recorded on a link that an erasure request ends (Art. 17(1))."""
ENDING_EVENTS = {
    CONSENT_WITHDRAWN: "consent withdrawn",
    OBJECTION: "objection",
    ERASURE: "erasure",
}
"""The events that end a link at once, with the reason a disposal record gives."""


@attrs.frozen(kw_only=True)
class LinkSchedule:
    """When a link becomes due, and why.

    Attributes:
        eligible_from: The first instant the purpose no longer needs the record (UTC),
            or ``None`` while its trigger event is awaited (RET-08).
        reason: ``"retention"`` (the rule's period ended), ``"consent withdrawn"``,
            ``"objection"``, ``"erasure"``, or ``"awaiting trigger"``.
        dates: The rule's dates when the rule decided.
    """

    eligible_from: dt.datetime | None
    reason: str
    dates: RetentionDates | None = None


def trigger_events(purpose: Purpose) -> frozenset[str]:
    """Return the event names that move *purpose*'s links: its rule's and the ending events."""
    names = {event for event in ENDING_EVENTS if ends_link(purpose, event)}
    if purpose.retention is not None:
        names.add(purpose.retention.event_name)
    return frozenset(names)


def schedule_link(
    purpose: Purpose,
    triggers: Mapping[str, dt.datetime],
    organisation: Organisation,
) -> LinkSchedule:
    """Compute a link's ``eligible_from`` from its purpose and the triggers known so far.

    Args:
        purpose: The link's purpose; its ``retention`` rule gives the period.
        triggers: Event name to instant, as recorded on the link (aware datetimes).
        organisation: Gives the time zone and financial year the dates are counted in.
    """
    rule = purpose.retention
    by_rule: LinkSchedule | None = None
    if rule is not None and rule.event_name in triggers:
        dates = retention_dates(rule, triggers[rule.event_name], organisation)
        by_rule = LinkSchedule(eligible_from=dates.eligible_from, reason="retention", dates=dates)
    best = by_rule
    for event, reason in ENDING_EVENTS.items():
        happened = triggers.get(event)
        if happened is None or not ends_link(purpose, event):
            continue
        at_once = to_utc(happened, what=f"{event} trigger")
        if best is None or best.eligible_from is None or at_once < best.eligible_from:
            best = LinkSchedule(eligible_from=at_once, reason=reason)
    return best or LinkSchedule(eligible_from=None, reason="awaiting trigger")


def ends_link(purpose: Purpose, event: str) -> bool:
    """Return whether *event* (one of :data:`ENDING_EVENTS`) ends *purpose*'s links at once."""
    rule = purpose.retention
    if event == CONSENT_WITHDRAWN:
        own_rule = rule is not None and rule.trigger is Trigger.CONSENT_WITHDRAWN
        return purpose.legal_basis is LegalBasis.CONSENT and not own_rule
    if event == OBJECTION:
        return purpose.objection_applies
    return True
