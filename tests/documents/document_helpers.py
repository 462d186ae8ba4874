"""Helpers for the document tests: the example policies, and mutations of them."""

from __future__ import annotations

from typing import Any

import attrs

from gdprkit.policy import Policy, load_policy
from gdprkit.policy.examples import example_path

LANGUAGES = ("en", "sv")


def example(name: str) -> Policy:
    return load_policy(example_path(name))


def without_recipient(policy: Policy, recipient_id: str) -> Policy:
    """The policy with one recipient removed everywhere it is referred to."""
    purposes = [
        attrs.evolve(p, recipients=tuple(r for r in p.recipients if r != recipient_id))
        for p in policy.purposes
    ]
    systems = [
        attrs.evolve(s, hosted_by=tuple(h for h in s.hosted_by if h != recipient_id))
        for s in policy.systems
    ]
    trackers = [
        attrs.evolve(t, recipient=None) if t.recipient == recipient_id else t
        for t in policy.trackers
    ]
    return attrs.evolve(
        policy,
        recipients=tuple(r for r in policy.recipients if r.id != recipient_id),
        purposes=tuple(purposes),
        systems=tuple(systems),
        trackers=tuple(trackers),
    )


def with_purpose(
    policy: Policy, purpose_id: str, *, policy_changes: dict[str, Any] | None = None, **changes: Any
) -> Policy:
    """The policy with one purpose changed (and other policy fields, in the same step)."""
    purposes = tuple(
        attrs.evolve(p, **changes) if p.id == purpose_id else p for p in policy.purposes
    )
    return attrs.evolve(policy, purposes=purposes, **(policy_changes or {}))
