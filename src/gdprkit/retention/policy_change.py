"""Applying a new policy version: preview what becomes due, then confirm (LEGAL.md RET-10).

A shortened retention period, a removed rule or a changed legal basis can make stored
data due at once; a misconfigured rule can purge data irreversibly. So a new policy is
applied in two steps: :func:`preview_policy_change` recomputes the affected links'
``eligible_from`` without writing and returns what would become due at once, with a
confirmation token; :func:`apply_policy_change` writes the new dates only when given
that token, and refuses if what would become due has changed since. Until then the
stored dates, and so every sweep, follow the old policy.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import attrs

from gdprkit.errors import ConflictError
from gdprkit.policy.diff import PolicyDiff, diff_policies
from gdprkit.retention.schedule import schedule_link
from gdprkit.storage.types import LinkState, PurposeLink

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterator

    from gdprkit.audit import AuditLog
    from gdprkit.policy.model import Policy
    from gdprkit.storage.protocol import Store

__all__ = ["PolicyPreview", "RescheduledLink", "apply_policy_change", "preview_policy_change"]

_PAGE = 1000


@attrs.frozen(kw_only=True)
class RescheduledLink:
    """A link whose retention date the new policy changes.

    Attributes:
        record_id: The record.
        purpose_id: The purpose.
        old_eligible_from: The stored date (``None``: awaiting its trigger).
        new_eligible_from: The date under the new policy.
    """

    record_id: str
    purpose_id: str
    old_eligible_from: dt.datetime | None
    new_eligible_from: dt.datetime | None


@attrs.frozen(kw_only=True)
class PolicyPreview:
    """What applying a new policy would change, before anything is written (RET-10).

    Attributes:
        diff: The policy changes and what they require.
        at: The instant "due at once" was judged at (UTC).
        rescheduled: How many live links get a new date.
        due_at_once: How many of them would be due at *at* that are not due now.
        items: The links due at once (up to the preview's limit).
        token: Pass it to :func:`apply_policy_change` to confirm.
    """

    diff: PolicyDiff
    at: dt.datetime
    rescheduled: int
    due_at_once: int
    items: tuple[RescheduledLink, ...]
    token: str


def _changes(
    store: Store, new: Policy, purposes: tuple[str, ...]
) -> Iterator[tuple[PurposeLink, dt.datetime | None]]:
    """Yield each live link of *purposes* whose date differs under *new*, with that date."""
    for purpose_id in purposes:
        purpose = new.purpose(purpose_id)
        after = None
        while page := store.links_of_purpose(purpose_id, after=after, limit=_PAGE):
            after = page[-1].key
            for link in page:
                if link.state is not LinkState.LIVE:
                    continue
                fresh = schedule_link(purpose, link.triggers, new.organisation).eligible_from
                if fresh != link.eligible_from:
                    yield link, fresh


def _token(diff: PolicyDiff, rescheduled: int, due_at_once: int) -> str:
    text = f"{diff.old_hash}|{diff.new_hash}|{rescheduled}|{due_at_once}"
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:32]


def _due(value: dt.datetime | None, at: dt.datetime) -> bool:
    return value is not None and value <= at


def preview_policy_change(
    store: Store, old: Policy, new: Policy, at: dt.datetime, *, limit: int = 1000
) -> PolicyPreview:
    """Recompute the affected links under *new* without writing; list what is due at once."""
    diff = diff_policies(old, new)
    rescheduled = due_now = 0
    items: list[RescheduledLink] = []
    for link, fresh in _changes(store, new, diff.recompute_purposes):
        rescheduled += 1
        if _due(fresh, at) and not _due(link.eligible_from, at):
            due_now += 1
            if len(items) < limit:
                items.append(
                    RescheduledLink(
                        record_id=link.record_id,
                        purpose_id=link.purpose_id,
                        old_eligible_from=link.eligible_from,
                        new_eligible_from=fresh,
                    )
                )
    return PolicyPreview(
        diff=diff,
        at=at,
        rescheduled=rescheduled,
        due_at_once=due_now,
        items=tuple(items),
        token=_token(diff, rescheduled, due_now),
    )


def apply_policy_change(
    store: Store,
    old: Policy,
    new: Policy,
    at: dt.datetime,
    *,
    confirm: str,
    audit: AuditLog,
    actor: str,
) -> int:
    """Write the links' new dates under *new*, once confirmed with a preview's token.

    Raises:
        ConflictError: the token does not match what applying would do now (preview
            again: time passed, data changed, or it is another policy).
    """
    diff = diff_policies(old, new)
    with store.transaction():
        changed = list(_changes(store, new, diff.recompute_purposes))
        due_now = sum(
            1 for link, fresh in changed if _due(fresh, at) and not _due(link.eligible_from, at)
        )
        if confirm != _token(diff, len(changed), due_now):
            raise ConflictError(
                "the confirmation does not match this change any more; preview it again"
            )
        for link, fresh in changed:
            store.update_link(attrs.evolve(link, eligible_from=fresh))
        audit.append(
            actor=actor,
            action="policy.applied",
            ids=[new.content_hash],
            details={
                "old": old.content_hash,
                "new": new.content_hash,
                "rescheduled": len(changed),
                "due_at_once": due_now,
                "requires": sorted(diff.requires),
            },
        )
    return len(changed)
