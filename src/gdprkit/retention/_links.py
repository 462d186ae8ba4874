"""Re-scheduling a stored purpose link when one of its trigger events changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from gdprkit.retention.schedule import schedule_link

if TYPE_CHECKING:
    import datetime as dt

    from gdprkit.policy.model import Policy
    from gdprkit.storage.types import PurposeLink


def with_trigger(
    link: PurposeLink, policy: Policy, event: str, at: dt.datetime | None
) -> PurposeLink:
    """Return *link* with *event* set to *at* (``None`` removes it) and a new ``eligible_from``."""
    triggers = dict(link.triggers)
    if at is None:
        triggers.pop(event, None)
    else:
        triggers[event] = at
    schedule = schedule_link(policy.purpose(link.purpose_id), triggers, policy.organisation)
    return attrs.evolve(link, triggers=triggers, eligible_from=schedule.eligible_from)
