"""When one purpose stops needing one record: a purpose link's ``eligible_from``.

Pure: computed from the purpose's retention rule and the trigger events recorded for
the link, once, when a trigger becomes known, and then stored, so the sweep is an
indexed range query (DESIGN "core model"; LEGAL.md RET-08, RET-13).

Each link is scheduled on its own purpose's rule. Several purposes on one record
combine by the engine keeping every field that some live link still declares: a
purpose stops using the record when its own rule expires (RET-04), while the fields a
retaining purpose such as bookkeeping declares stay, restricted to that purpose,
until its date (RET-05, RET-03).

A consent-based link also ends when its consent is withdrawn (Art. 7(3), 17(1)(b);
CON-08): at the withdrawal instant, unless the purpose's own rule runs from the
withdrawal, in which case that rule decides.
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

__all__ = ["CONSENT_WITHDRAWN", "LinkSchedule", "schedule_link", "trigger_events"]

CONSENT_WITHDRAWN = Trigger.CONSENT_WITHDRAWN.value
"""The trigger recorded on a consent-based link when its consent is withdrawn."""


@attrs.frozen(kw_only=True)
class LinkSchedule:
    """When a link becomes due, and why.

    Attributes:
        eligible_from: The first instant the purpose no longer needs the record (UTC),
            or ``None`` while its trigger event is awaited (RET-08).
        reason: ``"retention"`` (the rule's period ended), ``"consent withdrawn"``, or
            ``"awaiting trigger"``.
        dates: The rule's dates when the rule decided.
    """

    eligible_from: dt.datetime | None
    reason: str
    dates: RetentionDates | None = None


def trigger_events(purpose: Purpose) -> frozenset[str]:
    """Return the event names that move *purpose*'s links: its rule's, and consent withdrawal."""
    names = set()
    if purpose.retention is not None:
        names.add(purpose.retention.event_name)
    if purpose.legal_basis is LegalBasis.CONSENT:
        names.add(CONSENT_WITHDRAWN)
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
    withdrawn = triggers.get(CONSENT_WITHDRAWN)
    if (
        withdrawn is not None
        and purpose.legal_basis is LegalBasis.CONSENT
        and (rule is None or rule.trigger is not Trigger.CONSENT_WITHDRAWN)
    ):
        at_once = to_utc(withdrawn, what="consent_withdrawn trigger")
        if by_rule is None or by_rule.eligible_from is None or at_once < by_rule.eligible_from:
            return LinkSchedule(eligible_from=at_once, reason="consent withdrawn")
    if by_rule is not None:
        return by_rule
    return LinkSchedule(eligible_from=None, reason="awaiting trigger")
