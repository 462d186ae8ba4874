"""Export the policy as fideslang ``System`` manifests, for tools that speak Fides.

Each declared system becomes a fideslang ``System`` with one ``privacy_declaration`` per
purpose that uses it: data categories, data use and data subjects as keys of the
fideslang default taxonomy, the legal basis and Art. 9(2) condition as fideslang's enums
spell them, and the retention period in plain words from the same rule wording the
notice and the record use (LEGAL.md RET-14, RET-15). Output is plain dicts and JSON;
gdprkit does not depend on fideslang (its test suite validates the export with it).

The policy has no fideslang keys of its own, so built-in categories and subject
categories are mapped by the tables below and the data use is derived from what a
purpose declares; callers pass mappings for their own ids, and an id without a
mapping is an error rather than a guess.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from gdprkit.documents._common import Context, outside_eea, retention_text, security_points
from gdprkit.policy.model import Policy, Purpose, System
from gdprkit.policy.vocab import (
    LegalBasis,
    RecipientRole,
    SpecialCategoryCondition,
    TransferMechanism,
)

__all__ = [
    "CATEGORY_KEYS",
    "LEGAL_BASIS",
    "SPECIAL_CATEGORY_LEGAL_BASIS",
    "SUBJECT_KEYS",
    "TRANSFER_BASIS",
    "data_use",
    "fideslang_json",
    "fideslang_systems",
]

CATEGORY_KEYS: Mapping[str, tuple[str, ...]] = {
    "name": ("user.name",),
    "email": ("user.contact.email",),
    "phone": ("user.contact.phone_number",),
    "postal_address": ("user.contact.address",),
    "company": ("user.workplace", "user.job_title"),
    "personal_identity_number": ("user.government_id.national_identification_number",),
    "date_of_birth": ("user.demographic.date_of_birth",),
    "account_credentials": ("user.authorization.credentials",),
    "invoice_records": ("user.financial",),
    "payment_records": ("user.financial",),
    "licence_records": ("user.account",),
    "online_identifiers": ("user.device.cookie_id", "user.device.ip_address"),
    "usage_data": ("user.behavior",),
    "support_content": ("user.content",),
    "login_logs": ("user.device.ip_address", "user.account"),
    "marketing_preferences": ("user.privacy_preferences",),
    "health": ("user.health_and_medical",),
    "criminal_offences": ("user.criminal_history",),
}
"""gdprkit's built-in data categories as fideslang data category keys."""

SUBJECT_KEYS: Mapping[str, str] = {
    "customer": "customer",
    "prospect": "prospect",
    "website_visitor": "visitor",
    "user": "customer",
    "partner_contact": "supplier_vendor",
    "employee": "employee",
}
"""gdprkit's built-in subject categories as fideslang data subject keys."""

LEGAL_BASIS: Mapping[LegalBasis, str] = {
    LegalBasis.CONSENT: "Consent",
    LegalBasis.CONTRACT: "Contract",
    LegalBasis.LEGAL_OBLIGATION: "Legal obligations",
    LegalBasis.VITAL_INTERESTS: "Vital interests",
    LegalBasis.PUBLIC_TASK: "Public interest",
    LegalBasis.LEGITIMATE_INTERESTS: "Legitimate interests",
}
"""Art. 6(1) bases as fideslang's ``LegalBasisForProcessingEnum`` values."""

SPECIAL_CATEGORY_LEGAL_BASIS: Mapping[SpecialCategoryCondition, str] = {
    SpecialCategoryCondition.EXPLICIT_CONSENT: "Explicit consent",
    SpecialCategoryCondition.EMPLOYMENT_SOCIAL_SECURITY: (
        "Employment, social security and social protection"
    ),
    SpecialCategoryCondition.VITAL_INTERESTS: "Vital interests",
    SpecialCategoryCondition.NOT_FOR_PROFIT_BODY: "Not-for-profit bodies",
    SpecialCategoryCondition.MADE_PUBLIC_BY_SUBJECT: "Made public by the data subject",
    SpecialCategoryCondition.LEGAL_CLAIMS: "Legal claims or judicial acts",
    SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST: (
        "Reasons of substantial public interest (with a basis in law)"
    ),
    SpecialCategoryCondition.HEALTH_OR_SOCIAL_CARE: "Health or social care (with a basis in law)",
    SpecialCategoryCondition.PUBLIC_HEALTH: "Public health (with a basis in law)",
    SpecialCategoryCondition.ARCHIVING_RESEARCH_STATISTICS: (
        "Archiving, research and statistics (with a basis in law)"
    ),
}
"""Art. 9(2) conditions as fideslang's ``SpecialCategoryLegalBasisEnum`` values."""

TRANSFER_BASIS: Mapping[TransferMechanism, str] = {
    TransferMechanism.ADEQUACY: "Adequacy Decision",
    TransferMechanism.SCC_2021_914: "SCCs",
    TransferMechanism.BINDING_CORPORATE_RULES: "BCRs",
    TransferMechanism.ART49_DEROGATION: "Other",
}
"""Chapter V grounds as fideslang's ``LegalBasisForTransfersEnum`` values."""

_UNASSIGNED = "unassigned_processing"


def data_use(purpose: Purpose) -> str:
    """Derive a fideslang data use from what a purpose declares.

    Legal obligations are ``essential.legal_obligation``; e-mail direct marketing is
    ``marketing.communications.email``; then the categories decide: usage data means
    ``analytics``, login logs ``essential.service.security``, credentials
    ``essential.service.authentication``, payment records
    ``essential.service.payment_processing``, support content
    ``essential.service.operations.support``; anything else ``essential.service``.
    """
    if purpose.legal_basis is LegalBasis.LEGAL_OBLIGATION:
        return "essential.legal_obligation"
    if purpose.direct_marketing:
        if purpose.email_marketing is not None:
            return "marketing.communications.email"
        return "marketing.communications"
    by_category = (
        ("usage_data", "analytics"),
        ("login_logs", "essential.service.security"),
        ("account_credentials", "essential.service.authentication"),
        ("payment_records", "essential.service.payment_processing"),
        ("support_content", "essential.service.operations.support"),
    )
    for category, use in by_category:
        if category in purpose.categories:
            return use
    return "essential.service"


class _Export:
    def __init__(
        self,
        policy: Policy,
        category_keys: Mapping[str, tuple[str, ...]],
        subject_keys: Mapping[str, str],
        data_uses: Mapping[str, str],
    ) -> None:
        self.policy = policy
        self.ctx = Context(policy=policy, language="en", what="fideslang export")
        self.category_keys = {**CATEGORY_KEYS, **category_keys}
        self.subject_keys = {**SUBJECT_KEYS, **subject_keys}
        self.data_uses = data_uses

    def categories(self, purpose: Purpose) -> list[str]:
        keys: set[str] = set()
        for category_id in purpose.categories:
            if category_id not in self.category_keys:
                msg = "no fideslang data category is mapped; pass category_keys"
                self.ctx.missing(f"categories.{category_id}", msg, rule="RET-15")
                continue
            keys.update(self.category_keys[category_id])
        return sorted(keys)

    def subjects(self, purpose: Purpose) -> list[str]:
        keys: set[str] = set()
        for subject_id in purpose.subject_categories:
            if subject_id not in self.subject_keys:
                msg = "no fideslang data subject is mapped; pass subject_keys"
                self.ctx.missing(f"subject_categories.{subject_id}", msg, rule="RET-15")
                continue
            keys.add(self.subject_keys[subject_id])
        return sorted(keys)

    def declaration(self, purpose: Purpose) -> dict[str, Any]:
        recipients = [r for r in self.policy.recipients if r.id in purpose.recipients]
        third_parties = [r.name for r in recipients if r.role is not RecipientRole.PROCESSOR]
        categories = self.categories(purpose)
        special = any(self.policy.category(c).special for c in purpose.categories)
        declaration: dict[str, Any] = {
            "name": purpose.name.en,
            "data_categories": categories,
            "data_use": self.data_uses.get(purpose.id, data_use(purpose)),
            "data_subjects": self.subjects(purpose),
            "legal_basis_for_processing": LEGAL_BASIS[purpose.legal_basis],
            "processes_special_category_data": special,
            "retention_period": retention_text(purpose, self.ctx),
            "data_shared_with_third_parties": bool(third_parties),
        }
        if special and purpose.special_condition is not None:
            declaration["special_category_legal_basis"] = SPECIAL_CATEGORY_LEGAL_BASIS[
                purpose.special_condition
            ]
        if third_parties:
            declaration["third_parties"] = "; ".join(third_parties)
            declaration["shared_categories"] = categories
        return declaration

    def system(self, system: System | None, purposes: list[Purpose]) -> dict[str, Any]:
        org = self.policy.organisation
        recipients = [
            r for r in self.policy.recipients if any(r.id in p.recipients for p in purposes)
        ]
        abroad = [r for r in recipients if outside_eea(r)]
        responsibility = ["Controller"]
        if system is not None and any(
            system.id in a.systems for a in self.policy.processing_on_behalf
        ):
            responsibility.append("Processor")
        manifest: dict[str, Any] = {
            "fides_key": system.id if system is not None else _UNASSIGNED,
            "organization_fides_key": "default_organization",
            "name": system.name if system is not None else "Processing without a system",
            "description": system.description.en if system is not None else "",
            "system_type": "Service",
            "legal_name": org.legal_name,
            "responsibility": responsibility,
            "processes_personal_data": True,
            "does_international_transfers": bool(abroad),
            "legal_basis_for_transfers": sorted(
                {TRANSFER_BASIS[r.transfer_mechanism] for r in abroad if r.transfer_mechanism}
            ),
            "privacy_declarations": [self.declaration(p) for p in purposes],
        }
        if system is not None:
            manifest["data_security_practices"] = " ".join(security_points(system, self.ctx))
        if org.dpo is not None:
            manifest["dpo"] = ", ".join(p for p in (org.dpo.name, org.dpo.email) if p)
        return manifest


def fideslang_systems(
    policy: Policy,
    *,
    category_keys: Mapping[str, tuple[str, ...]] | None = None,
    subject_keys: Mapping[str, str] | None = None,
    data_uses: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Return the policy as fideslang ``System`` manifests, one per declared system.

    Purposes that name no system are collected in one extra system,
    ``unassigned_processing``, so no declaration is lost.

    Args:
        policy: The policy.
        category_keys: fideslang data category keys for the policy's own category ids
            (added to, or overriding, :data:`CATEGORY_KEYS`).
        subject_keys: fideslang data subject keys for its own subject category ids.
        data_uses: fideslang data uses per purpose id, overriding :func:`data_use`.

    Raises:
        DocumentError: a category or subject category has no fideslang key.
    """
    export = _Export(policy, category_keys or {}, subject_keys or {}, data_uses or {})
    systems = [
        export.system(system, [p for p in policy.purposes if system.id in p.systems])
        for system in policy.systems
    ]
    unassigned = [p for p in policy.purposes if not p.systems]
    if unassigned:
        systems.append(export.system(None, unassigned))
    export.ctx.raise_if_missing()
    return systems


def fideslang_json(
    policy: Policy,
    *,
    category_keys: Mapping[str, tuple[str, ...]] | None = None,
    subject_keys: Mapping[str, str] | None = None,
    data_uses: Mapping[str, str] | None = None,
) -> str:
    """Return ``{"system": [...]}``, the fideslang manifest shape, as sorted JSON.

    The arguments are those of :func:`fideslang_systems`.
    """
    systems = fideslang_systems(
        policy, category_keys=category_keys, subject_keys=subject_keys, data_uses=data_uses
    )
    return json.dumps({"system": systems}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
