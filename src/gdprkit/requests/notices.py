"""Who must hear of a rectification, erasure or restriction (Art. 19; LEGAL.md DSR-14).

The controller communicates each rectification (Art. 16), erasure (Art. 17(1)) and
restriction (Art. 18) to every recipient the data was disclosed to, unless that is
impossible or involves disproportionate effort, and tells the subject who they are on
request. The recipients are the ones the purposes of the affected data declare, with
their identities (CJEU C-154/21). Pure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from gdprkit.errors import NotFoundError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from gdprkit.policy.model import Policy

__all__ = ["NoticeTarget", "notice_targets"]


@attrs.frozen(kw_only=True)
class NoticeTarget:
    """A recipient to notify under Art. 19.

    Attributes:
        recipient_id: The recipient's id in the policy.
        name: Its legal name (its identity, not only its category).
        role: Processor, joint controller, independent controller or public authority.
        country: Where it is (ISO 3166-1 alpha-2).
        purposes: The affected purposes that disclose data to it, sorted.
    """

    recipient_id: str
    name: str
    role: str
    country: str
    purposes: tuple[str, ...]


def notice_targets(policy: Policy, purpose_ids: Iterable[str]) -> tuple[NoticeTarget, ...]:
    """Return the recipients of the affected purposes, by recipient id.

    Purposes no longer declared in the policy have no recipients to name and are skipped.
    """
    by_recipient: dict[str, set[str]] = {}
    for purpose_id in set(purpose_ids):
        try:
            purpose = policy.purpose(purpose_id)
        except NotFoundError:
            continue
        for recipient_id in purpose.recipients:
            by_recipient.setdefault(recipient_id, set()).add(purpose.id)
    targets = []
    for recipient_id in sorted(by_recipient):
        recipient = policy.recipient(recipient_id)
        targets.append(
            NoticeTarget(
                recipient_id=recipient.id,
                name=recipient.name,
                role=recipient.role.value,
                country=recipient.country,
                purposes=tuple(sorted(by_recipient[recipient_id])),
            )
        )
    return tuple(targets)
