"""A small, complete, valid policy built in Python, and helpers to mutate it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from gdprkit.policy import (
    BOKFORINGSLAGEN,
    BUILTIN_CATEGORIES,
    BUILTIN_SUBJECT_CATEGORIES,
    ConsentDefinition,
    Contact,
    EmailMarketing,
    Organisation,
    Period,
    Policy,
    ProcessorContract,
    Purpose,
    Recipient,
    RetentionRule,
    Role,
    SecurityMeasures,
    SupervisoryAuthority,
    System,
    Text,
    Tracker,
)

FULL_CONTRACT = ProcessorContract(
    reference="DPA 2026",
    documented_instructions=True,
    confidentiality=True,
    security_measures=True,
    subprocessor_conditions=True,
    assists_with_rights=True,
    assists_with_security=True,
    deletion_or_return=True,
    audits=True,
)


def organisation(**changes: Any) -> Organisation:
    base = Organisation(
        legal_name="Example AB",
        organisation_number="556000-0000",
        country="SE",
        contact=Contact(name="Example AB", email="privacy@example.se"),
        supervisory_authority=SupervisoryAuthority(name="IMY"),
        time_zone="Europe/Stockholm",
        languages=("en",),
    )
    return attrs.evolve(base, **changes)


def purposes() -> dict[str, Purpose]:
    return {
        "contract": Purpose(
            id="contract",
            name="Contract",
            description="Deliver the products the customer ordered and support them.",
            legal_basis="contract",
            categories=("name", "email", "postal_address"),
            subject_categories=("customer",),
            recipients=("host",),
            systems=("crm",),
            provision="contractual",
            consequence_of_not_providing="We cannot deliver the order.",
            retention=RetentionRule(
                trigger="contract_end", period=Period(years=3), justification="Claims period."
            ),
        ),
        "bookkeeping": Purpose(
            id="bookkeeping",
            name="Bookkeeping",
            description="Keep accounting records as the Bookkeeping Act requires.",
            legal_basis="legal_obligation",
            law_reference="SFS 1999:1078 7 kap. 2 §",
            categories=("name", "postal_address", "invoice_records"),
            subject_categories=("customer",),
            systems=("crm",),
            retention=BOKFORINGSLAGEN,
        ),
        "newsletter": Purpose(
            id="newsletter",
            name="Newsletter",
            description="E-mail news about our own similar products to customers.",
            legal_basis="legitimate_interests",
            legitimate_interest="Telling customers about similar products.",
            balancing_test="LIA-2026-01",
            categories=("name", "email"),
            subject_categories=("customer",),
            systems=("crm",),
            direct_marketing=True,
            email_marketing=EmailMarketing(
                basis="existing_customer",
                obtained_in_sale=True,
                own_similar_products=True,
                opt_out_at_collection=True,
                opt_out_in_every_message=True,
            ),
            retention=RetentionRule(
                trigger="last_activity", period=Period(years=2), justification="Stale customers."
            ),
        ),
        "analytics": Purpose(
            id="analytics",
            name="Analytics",
            description="Measure how visitors use the website, with their consent.",
            legal_basis="consent",
            consent=ConsentDefinition(
                give_channels=("web_form",),
                withdraw_channels=("web_form",),
                text="May we measure your visits? You can withdraw consent at any time.",
            ),
            categories=("online_identifiers",),
            subject_categories=("website_visitor",),
            systems=("crm",),
            retention=RetentionRule(
                trigger="collected", period=Period(months=14), justification="Year on year."
            ),
        ),
    }


def policy(**changes: Any) -> Policy:
    """Return the base policy with top-level *changes* applied (validated on construction)."""
    fields: dict[str, Any] = {
        "version": "1",
        "effective_date": dt.date(2026, 1, 1),
        "organisation": organisation(),
        "categories": tuple(
            BUILTIN_CATEGORIES[c]
            for c in ("name", "email", "postal_address", "invoice_records", "online_identifiers")
        ),
        "subject_categories": (
            BUILTIN_SUBJECT_CATEGORIES["customer"],
            BUILTIN_SUBJECT_CATEGORIES["website_visitor"],
        ),
        "roles": (
            Role(id="support", label="Support", purposes=("contract",)),
            Role(id="finance", label="Finance", purposes=("contract", "bookkeeping")),
            Role(id="marketing", label="Marketing", purposes=("newsletter", "analytics")),
        ),
        "recipients": (
            Recipient(
                id="host",
                name="Host AB",
                role="processor",
                description="Hosting.",
                country="SE",
                contract=FULL_CONTRACT,
                breach_contact="security@host.example",
            ),
        ),
        "systems": (
            System(
                id="crm",
                name="CRM",
                description="Customer register.",
                hosted_by=("host",),
                security=SecurityMeasures(
                    encryption="Encrypted at rest and in transit.",
                    confidentiality="Need-to-know roles.",
                    restore="Daily backups, restore tested.",
                    testing="Yearly review.",
                    encrypted_at_rest=True,
                    transport="TLS 1.3",
                ),
            ),
        ),
        "purposes": tuple(purposes().values()),
        "trackers": (
            Tracker(
                id="session",
                name="sid",
                provider="Example AB",
                purpose="Keeps the session.",
                category="strictly_necessary",
                session=True,
                data_collected="A random id.",
            ),
        ),
    }
    fields.update(changes)
    return Policy(**fields)


def with_purpose(purpose_id: str, **changes: Any) -> dict[str, Any]:
    """Return Policy(...) keyword changes replacing one purpose's fields."""
    items = purposes()
    items[purpose_id] = attrs.evolve(items[purpose_id], **changes)
    return {"purposes": tuple(items.values())}


def with_recipient(**changes: Any) -> dict[str, Any]:
    base = policy().recipients[0]
    return {"recipients": (attrs.evolve(base, **changes),)}


def text(en: str, sv: str | None = None) -> Text:
    return Text(en=en, sv=sv)
