"""What changed between two versions of a policy, and what each change requires.

A policy change is never just an edit: a shorter retention period can make data due
at once (LEGAL.md RET-10), a new recipient or purpose must be told to people before
it applies (Art. 13(3), 14(4)), and a changed consent wording needs new consent
(Art. 7(1)). :func:`diff_policies` lists each change with what it requires, so the
application can publish the new notice, collect consent and preview the recomputed
retention dates (:meth:`gdprkit.service.PrivacyService.preview_policy`) before
anything is disposed of.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from gdprkit.policy.model import Policy, Purpose

__all__ = ["Change", "PolicyDiff", "Requirement", "diff_policies"]


class Requirement(enum.StrEnum):
    """What a change requires before (or when) it applies."""

    NEW_NOTICE = "new_notice"
    """Publish and deliver a new privacy notice (Art. 12(1), 13(3), 14(4))."""
    NEW_CONSENT = "new_consent"
    """Collect consent again for the new wording or scope (Art. 7(1), 4(11))."""
    RECOMPUTE_LINKS = "recompute_links"
    """Recompute the purpose's links' retention dates, after a preview (RET-10)."""
    NEW_RECORDS_OF_PROCESSING = "new_records_of_processing"
    """Update the Art. 30 records."""


@attrs.frozen(kw_only=True)
class Change:
    """One difference between the old and the new policy.

    Attributes:
        path: Where, e.g. ``purposes[contract].retention``.
        summary: What changed, in words, without personal data.
        requires: What it requires.
    """

    path: str
    summary: str
    requires: frozenset[Requirement]


@attrs.frozen(kw_only=True)
class PolicyDiff:
    """Every change between two policy versions.

    Attributes:
        old_hash: The old policy's content hash.
        new_hash: The new policy's content hash.
        changes: The changes, by path.
    """

    old_hash: str
    new_hash: str
    changes: tuple[Change, ...]

    @property
    def requires(self) -> frozenset[Requirement]:
        """Everything the changes require together."""
        return frozenset().union(*(c.requires for c in self.changes))

    @property
    def recompute_purposes(self) -> tuple[str, ...]:
        """The purposes whose links need new retention dates."""
        return tuple(
            sorted(
                {
                    c.path.split("[", 1)[1].split("]", 1)[0]
                    for c in self.changes
                    if Requirement.RECOMPUTE_LINKS in c.requires and c.path.startswith("purposes[")
                }
            )
        )


_NOTICE = frozenset({Requirement.NEW_NOTICE, Requirement.NEW_RECORDS_OF_PROCESSING})
_RETENTION = frozenset({*_NOTICE, Requirement.RECOMPUTE_LINKS})


def _purpose_changes(old: Purpose, new: Purpose) -> list[Change]:
    changes = []
    base = f"purposes[{new.id}]"
    for field in attrs.fields(type(new)):
        before, after = getattr(old, field.name), getattr(new, field.name)
        if before == after:
            continue
        requires = set(_NOTICE)
        if field.name == "retention":
            requires = set(_RETENTION)
        if field.name == "legal_basis":
            requires |= {Requirement.RECOMPUTE_LINKS}
            if str(after) == "consent":
                requires.add(Requirement.NEW_CONSENT)
        if field.name == "consent":
            requires.add(Requirement.NEW_CONSENT)
        if field.name == "categories" and new.legal_basis.value == "consent":
            requires.add(Requirement.NEW_CONSENT)
        changes.append(
            Change(
                path=f"{base}.{field.name}",
                summary=f"{field.name} of purpose {new.id!r} changed",
                requires=frozenset(requires),
            )
        )
    return changes


def diff_policies(old: Policy, new: Policy) -> PolicyDiff:
    """Return what changed from *old* to *new* and what each change requires."""
    changes: list[Change] = []
    if old.organisation != new.organisation:
        changes.append(
            Change(path="organisation", summary="organisation details changed", requires=_NOTICE)
        )
    old_purposes = {p.id: p for p in old.purposes}
    new_purposes = {p.id: p for p in new.purposes}
    changes.extend(
        Change(
            path=f"purposes[{pid}]",
            summary=f"purpose {pid!r} removed; its links keep their dates",
            requires=_NOTICE,
        )
        for pid in sorted(old_purposes.keys() - new_purposes.keys())
    )
    for pid in sorted(new_purposes.keys() - old_purposes.keys()):
        requires = set(_NOTICE)
        if new_purposes[pid].legal_basis.value == "consent":
            requires.add(Requirement.NEW_CONSENT)
        changes.append(
            Change(
                path=f"purposes[{pid}]",
                summary=f"purpose {pid!r} added",
                requires=frozenset(requires),
            )
        )
    for pid in sorted(old_purposes.keys() & new_purposes.keys()):
        changes.extend(_purpose_changes(old_purposes[pid], new_purposes[pid]))
    # Roles are internal (need-to-know, Art. 32(4)): no notice, but still a change.
    changes.extend(
        Change(
            path=name,
            summary=f"{name.replace('_', ' ')} changed",
            requires=frozenset() if name == "roles" else _NOTICE,
        )
        for name in (
            "categories",
            "subject_categories",
            "recipients",
            "systems",
            "roles",
            "trackers",
        )
        if getattr(old, name) != getattr(new, name)
    )
    return PolicyDiff(
        old_hash=old.content_hash,
        new_hash=new.content_hash,
        changes=tuple(sorted(changes, key=lambda c: c.path)),
    )
