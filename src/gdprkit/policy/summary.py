"""A short plain-text summary of a policy, for the command line and reviews."""

from __future__ import annotations

from gdprkit.legaltime.explain import describe_rule
from gdprkit.policy.model import Policy, Purpose

__all__ = ["summarise"]


def _retention(purpose: Purpose) -> str:
    rule = purpose.retention
    if rule is None:
        criteria = purpose.retention_criteria
        return f"criteria: {criteria.en}" if criteria else "none declared"
    note = " (assumption)" if rule.assumption else ""
    return f"{describe_rule(rule).en}, then {rule.action.value}{note}"


def summarise(policy: Policy) -> str:
    """Return a summary: organisation, purposes with basis, data, recipients and retention."""
    org = policy.organisation
    header = f"{org.legal_name} ({org.country}), policy {policy.version}"
    languages = ", ".join(org.languages)
    counts = (
        f"{len(policy.purposes)} purposes, {len(policy.categories)} data categories, "
        f"{len(policy.recipients)} recipients, {len(policy.systems)} systems, "
        f"{len(policy.roles)} roles, {len(policy.trackers)} trackers"
    )
    lines = [
        f"{header} effective {policy.effective_date}",
        f"  time zone {org.time_zone}; languages {languages}",
        f"  supervisory authority {org.supervisory_authority.name}",
        f"  {counts}",
    ]
    for purpose in policy.purposes:
        lines.append(f"  - {purpose.id}: {purpose.legal_basis.article} {purpose.legal_basis.value}")
        lines.append(f"      data: {', '.join(purpose.categories)}")
        if purpose.recipients:
            lines.append(f"      shared with: {', '.join(purpose.recipients)}")
        lines.append(f"      kept: {_retention(purpose)}")
    return "\n".join(lines) + "\n"
