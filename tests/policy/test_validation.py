"""Every validation rule: the base policy passes it, a targeted change fails it with its path."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from policy_factory import (
    FULL_CONTRACT,
    organisation,
    policy,
    purposes,
    text,
    with_purpose,
    with_recipient,
)

from gdprkit.errors import PolicyError
from gdprkit.policy import (
    BUILTIN_CATEGORIES,
    ConsentDefinition,
    DataCategory,
    EmailMarketing,
    Period,
    RetentionRule,
    Role,
    SecurityMeasures,
    Tracker,
    find_problems,
    find_warnings,
)


def problems_of(**changes: Any) -> list[tuple[str, str]]:
    with pytest.raises(PolicyError) as info:
        policy(**changes)
    return [(p.path, p.rule) for p in info.value.problems]


def test_base_policy_is_valid_and_hashed() -> None:
    p = policy()
    assert find_problems(p) == []
    assert len(p.content_hash) == 64
    assert policy() == p
    assert policy().content_hash == p.content_hash


def test_content_hash_changes_with_content() -> None:
    assert policy(version="2").content_hash != policy().content_hash


CASES: list[tuple[str, dict[str, Any], str, str]] = [
    # (rule, changes, expected path, expected rule id)
    (
        "REG-03 specific description",
        with_purpose("contract", description="Stuff."),
        "purposes.contract.description",
        "REG-03",
    ),
    ("REG-03 at least one purpose", {"purposes": (), "roles": ()}, "purposes", "REG-03"),
    (
        "REG-04 purpose lists categories",
        with_purpose("analytics", categories=()),
        "purposes.analytics.categories",
        "REG-04",
    ),
    (
        "REG-04 collected without purpose",
        {"categories": (*policy().categories, BUILTIN_CATEGORIES["company"])},
        "categories.company",
        "REG-04",
    ),
    (
        "REG-05 retention declared",
        with_purpose("contract", retention=None),
        "purposes.contract.retention",
        "REG-05",
    ),
    (
        "REG-05 not both rule and criteria",
        with_purpose("contract", retention_criteria=text("Until the claim is settled.")),
        "purposes.contract.retention_criteria",
        "REG-05",
    ),
    (
        "RET-01 law reference or justification",
        with_purpose(
            "contract", retention=RetentionRule(trigger="contract_end", period=Period(years=3))
        ),
        "purposes.contract.retention",
        "RET-01",
    ),
    (
        "RET-01 custom trigger needs an event",
        with_purpose(
            "contract",
            retention=RetentionRule(trigger="custom", period=Period(months=1), justification="x"),
        ),
        "purposes.contract.retention.event",
        "RET-01",
    ),
    (
        "RET-01 event only with custom trigger",
        with_purpose(
            "contract",
            retention=RetentionRule(
                trigger="contract_end", event="x", period=Period(months=1), justification="x"
            ),
        ),
        "purposes.contract.retention.event",
        "RET-01",
    ),
    (
        "RET-01 consent_withdrawn needs a consent purpose",
        with_purpose(
            "contract",
            retention=RetentionRule(
                trigger="consent_withdrawn", period=Period(), justification="x"
            ),
        ),
        "purposes.contract.retention.trigger",
        "RET-01",
    ),
    (
        "REG-08 legal obligation needs law",
        with_purpose("bookkeeping", law_reference=None),
        "purposes.bookkeeping.law_reference",
        "REG-08",
    ),
    (
        "REG-08 public task needs law",
        with_purpose("bookkeeping", legal_basis="public_task", law_reference=" "),
        "purposes.bookkeeping.law_reference",
        "REG-08",
    ),
    (
        "REG-09 legitimate interest text",
        with_purpose("newsletter", legitimate_interest=None),
        "purposes.newsletter.legitimate_interest",
        "REG-09",
    ),
    (
        "REG-09 balancing test",
        with_purpose("newsletter", balancing_test=None),
        "purposes.newsletter.balancing_test",
        "REG-09",
    ),
    (
        "REG-10 consent needs a definition",
        with_purpose("analytics", consent=None),
        "purposes.analytics.consent",
        "REG-10",
    ),
    (
        "CON-02 consent definition only on consent purposes",
        with_purpose("contract", consent=purposes()["analytics"].consent),
        "purposes.contract.consent",
        "CON-02",
    ),
    (
        "CON-05 withdraw where given",
        with_purpose(
            "analytics",
            consent=ConsentDefinition(
                give_channels=("web_form", "app"),
                withdraw_channels=("web_form",),
                text="You can withdraw at any time.",
            ),
        ),
        "purposes.analytics.consent.withdraw_channels",
        "CON-05",
    ),
    (
        "CON-05 somewhere to give",
        with_purpose(
            "analytics",
            consent=ConsentDefinition(
                give_channels=(), withdraw_channels=(), text="You can withdraw at any time."
            ),
        ),
        "purposes.analytics.consent.give_channels",
        "CON-05",
    ),
    (
        "CON-06 text says how to withdraw",
        with_purpose(
            "analytics",
            consent=ConsentDefinition(
                give_channels=("web_form",), withdraw_channels=("web_form",), text="Yes please."
            ),
        ),
        "purposes.analytics.consent.text.en",
        "CON-06",
    ),
    (
        "CON-07 not conditional on consent",
        with_purpose(
            "analytics",
            consent=attrs.evolve(purposes()["analytics"].consent, required_for_service=True),
        ),
        "purposes.analytics.consent.required_for_service",
        "CON-07",
    ),
    (
        "REG-11 special category needs Art. 9(2) condition",
        {
            "categories": (*policy().categories, BUILTIN_CATEGORIES["health"]),
            **with_purpose("contract", categories=("name", "email", "postal_address", "health")),
        },
        "purposes.contract.special_condition",
        "REG-11",
    ),
    (
        "REG-11 condition without special category",
        with_purpose("contract", special_condition="legal_claims"),
        "purposes.contract.special_condition",
        "REG-11",
    ),
    (
        "REG-11 explicit consent needs explicit kind",
        {
            "categories": (*policy().categories, BUILTIN_CATEGORIES["health"]),
            **with_purpose(
                "analytics",
                categories=("online_identifiers", "health"),
                special_condition="explicit_consent",
            ),
        },
        "purposes.analytics.consent.kind",
        "REG-11",
    ),
    (
        "REG-11 conditions (b),(g)-(j) need law",
        {
            "categories": (*policy().categories, BUILTIN_CATEGORIES["health"]),
            **with_purpose(
                "contract",
                categories=("name", "email", "postal_address", "health"),
                special_condition="health_or_social_care",
            ),
        },
        "purposes.contract.special_law_reference",
        "REG-11",
    ),
    (
        "REG-12 Art. 10 data needs law",
        {
            "categories": (*policy().categories, BUILTIN_CATEGORIES["criminal_offences"]),
            **with_purpose(
                "contract", categories=("name", "email", "postal_address", "criminal_offences")
            ),
        },
        "categories.criminal_offences.law_reference",
        "REG-12",
    ),
    (
        "REG-01 pseudonymised needs key store",
        {
            "categories": (
                *policy().categories[:-1],
                attrs.evolve(BUILTIN_CATEGORIES["online_identifiers"], pseudonymised=True),
            )
        },
        "categories.online_identifiers.key_store",
        "REG-01",
    ),
    (
        "REG-15 source when not collected from subject",
        {
            "categories": (
                *policy().categories[:-1],
                attrs.evolve(
                    BUILTIN_CATEGORIES["online_identifiers"], collected_from_subject=False
                ),
            )
        },
        "categories.online_identifiers.source",
        "REG-15",
    ),
    (
        "REG-13 every category readable by some role",
        {
            "roles": (
                Role(id="finance", label="Finance", purposes=("contract", "bookkeeping")),
                Role(id="marketing", label="Marketing", purposes=("newsletter",)),
            )
        },
        "categories.online_identifiers",
        "REG-13",
    ),
    (
        "REG-13 roles serve declared purposes",
        {"roles": (*policy().roles, Role(id="all", label="All", purposes=("everything",)))},
        "roles.all.purposes",
        "REG-13",
    ),
    (
        "REG-14 transfer mechanism outside the EEA",
        with_recipient(country="US", transfer_assessment="TIA-1"),
        "recipients.host.transfer_mechanism",
        "REG-14",
    ),
    (
        "REG-14 transfer assessment outside the EEA",
        with_recipient(country="US", transfer_mechanism="scc_2021_914"),
        "recipients.host.transfer_assessment",
        "REG-14",
    ),
    (
        "SEC-03 processor needs a contract",
        with_recipient(contract=None),
        "recipients.host.contract",
        "SEC-03",
    ),
    (
        "SEC-03 confidentiality clause",
        with_recipient(contract=attrs.evolve(FULL_CONTRACT, confidentiality=False)),
        "recipients.host.contract.confidentiality",
        "SEC-03",
    ),
    (
        "SEC-03 in writing",
        with_recipient(contract=attrs.evolve(FULL_CONTRACT, in_writing=False)),
        "recipients.host.contract.in_writing",
        "SEC-03",
    ),
    (
        "BR-04 processor breach contact",
        with_recipient(breach_contact=None),
        "recipients.host.breach_contact",
        "BR-04",
    ),
    (
        "SEC-04 controller role needs reasoning",
        {
            **with_recipient(role="independent_controller", contract=None),
            "systems": (attrs.evolve(policy().systems[0], hosted_by=()),),
        },
        "recipients.host.role_reasoning",
        "SEC-04",
    ),
    (
        "SEC-04 contract only for processors",
        {
            **with_recipient(role="independent_controller", role_reasoning="Own purposes."),
            "systems": (attrs.evolve(policy().systems[0], hosted_by=()),),
        },
        "recipients.host.contract",
        "SEC-04",
    ),
    (
        "SEC-03 hosted_by names a processor",
        {"systems": (attrs.evolve(policy().systems[0], hosted_by=("nobody",)),)},
        "systems.crm.hosted_by",
        "SEC-03",
    ),
    (
        "CON-15 e-mail marketing declares its ground",
        with_purpose("newsletter", email_marketing=None),
        "purposes.newsletter.email_marketing",
        "CON-15",
    ),
    (
        "CON-15 soft opt-in conditions",
        with_purpose(
            "newsletter",
            email_marketing=EmailMarketing(
                basis="existing_customer",
                obtained_in_sale=True,
                own_similar_products=True,
                opt_out_at_collection=True,
            ),
        ),
        "purposes.newsletter.email_marketing.opt_out_in_every_message",
        "CON-15",
    ),
    (
        "CON-15 prior consent needs consent basis",
        with_purpose("newsletter", email_marketing=EmailMarketing(basis="prior_consent")),
        "purposes.newsletter.legal_basis",
        "CON-15",
    ),
    (
        "CON-15 marketing flag",
        with_purpose("newsletter", direct_marketing=False),
        "purposes.newsletter.direct_marketing",
        "CON-15",
    ),
    (
        "REG-16 consequence of not providing",
        with_purpose("contract", consequence_of_not_providing=None),
        "purposes.contract.consequence_of_not_providing",
        "REG-16",
    ),
    (
        "SEC-01 SSL is insecure",
        {
            "systems": (
                attrs.evolve(
                    policy().systems[0],
                    security=attrs.evolve(policy().systems[0].security, transport="SSL"),
                ),
            )
        },
        "systems.crm.security.transport",
        "SEC-01",
    ),
    (
        "CON-12 persistent tracker lifetime",
        {"trackers": (attrs.evolve(policy().trackers[0], session=False),)},
        "trackers.session.lifetime",
        "CON-12",
    ),
    (
        "CON-09 age of consent bounds",
        {"organisation": organisation(digital_consent_age=12)},
        "organisation.digital_consent_age",
        "CON-09",
    ),
    (
        "DSR-19 automated decisions",
        with_purpose("contract", automated_decision_making=True),
        "purposes.contract.automated_decision_making",
        "DSR-19",
    ),
]


@pytest.mark.parametrize(("name", "changes", "path", "rule"), CASES, ids=[c[0] for c in CASES])
def test_rule_fails_with_path(name: str, changes: dict[str, Any], path: str, rule: str) -> None:
    assert (path, rule) in problems_of(**changes), name


def test_rules_pass_in_their_valid_forms() -> None:
    """The passing side of the rules the base policy does not already exercise."""
    health = BUILTIN_CATEGORIES["health"]
    consent = ConsentDefinition(
        kind="explicit",
        give_channels=("web_form", "app"),
        withdraw_channels=("web_form", "app", "email_link"),
        text="You can withdraw your consent at any time in the app.",
    )
    p = policy(
        categories=(*policy().categories, health),
        **with_purpose(
            "analytics",
            categories=("online_identifiers", "health"),
            special_condition="explicit_consent",
            consent=consent,
        ),
    )
    assert p.purpose("analytics").special_condition.article == "Art. 9(2)(a)"  # type: ignore[union-attr]
    outside = policy(
        **with_recipient(
            country="US", transfer_mechanism="scc_2021_914", transfer_assessment="TIA-2026-1"
        )
    )
    assert outside.recipient("host").country == "US"
    criteria = policy(
        **with_purpose("contract", retention=None, retention_criteria="Until claims are settled.")
    )
    assert criteria.purpose("contract").retention is None
    pseudo = policy(
        categories=(
            *policy().categories[:-1],
            attrs.evolve(
                BUILTIN_CATEGORIES["online_identifiers"], pseudonymised=True, key_store="vault"
            ),
        )
    )
    assert pseudo.category("online_identifiers").pseudonymised


@pytest.mark.parametrize(
    ("transport", "secure"),
    [
        ("TLS 1.2", True),
        ("TLS 1.3", True),
        ("TLSv1.3", True),
        ("tls 2", True),
        ("SSL", False),
        ("SSLv3", False),
        ("TLS 1.0", False),
        ("TLSv1", False),
        ("tls1.1", False),
        ("TLS 1", False),
        ("https", False),
    ],
)
def test_transport_versions(transport: str, secure: bool) -> None:
    system = policy().systems[0]
    security = attrs.evolve(system.security, transport=transport)
    changed = {"systems": (attrs.evolve(system, security=security),)}
    if secure:
        assert policy(**changed).system("crm").security.transport == transport
    else:
        assert ("systems.crm.security.transport", "SEC-01") in problems_of(**changed)


def test_missing_transport_is_a_warning() -> None:
    system = policy().systems[0]
    security = attrs.evolve(system.security, transport=None)
    p = policy(systems=(attrs.evolve(system, security=security),))
    assert ("systems.crm.security.transport", "SEC-01") in {
        (w.path, w.rule) for w in find_warnings(p)
    }


def test_every_problem_is_reported_at_once() -> None:
    changes = {
        **with_purpose("bookkeeping", law_reference=None),
        **with_recipient(breach_contact=None),
        "version": "",
    }
    found = problems_of(**changes)
    assert ("purposes.bookkeeping.law_reference", "REG-08") in found
    assert ("recipients.host.breach_contact", "BR-04") in found
    assert ("version", "") in found


def test_error_message_lists_paths_and_no_values() -> None:
    secret_name = "Anna Andersson"
    with pytest.raises(PolicyError) as info:
        policy(organisation=organisation(legal_name=secret_name, country="sweden"))
    message = str(info.value)
    assert "organisation.country" in message
    assert secret_name not in message
    assert "Traceback" not in message


def test_swedish_texts_required_when_organisation_writes_swedish() -> None:
    found = problems_of(organisation=organisation(languages=("sv", "en")))
    assert ("purposes.contract.description.sv", "") in found
    assert ("roles.support.label.sv", "") in found


def test_unknown_language_and_time_zone() -> None:
    assert ("organisation.languages", "") in problems_of(
        organisation=organisation(languages=("de",))
    )
    with pytest.raises(PolicyError, match="time zone"):
        organisation(time_zone="Mars/Olympus")


def test_duplicate_ids() -> None:
    roles = (*policy().roles, Role(id="support", label="Again", purposes=("contract",)))
    assert ("roles.support", "") in problems_of(roles=roles)


def test_unknown_references() -> None:
    found = problems_of(**with_purpose("contract", recipients=("ghost",), systems=("nowhere",)))
    assert ("purposes.contract.recipients", "") in found
    assert ("purposes.contract.systems", "") in found


def test_timedelta_is_not_a_legal_period() -> None:
    with pytest.raises(PolicyError) as info:
        RetentionRule(
            trigger="financial_year_end",
            period=dt.timedelta(days=2555),  # type: ignore[arg-type]
            law_reference="SFS 1999:1078 7 kap. 2 §",
        )
    assert info.value.problems[0].rule == "RET-01"


@pytest.mark.parametrize("bad", [-1, 1.5, True, "7"])
def test_period_takes_whole_non_negative_numbers(bad: object) -> None:
    with pytest.raises(PolicyError, match=r"Period\.years"):
        Period(years=bad)  # type: ignore[arg-type]


def test_unknown_legal_basis_rejected() -> None:
    with pytest.raises(PolicyError, match="expected one of: consent, contract"):
        attrs.evolve(purposes()["contract"], legal_basis="because")


def test_identifiers_are_checked() -> None:
    with pytest.raises(PolicyError, match=r"Role\.id"):
        Role(id="All Staff", label="x")


def test_warnings_are_not_errors() -> None:
    p = policy(
        subject_categories=(
            attrs.evolve(policy().subject_categories[0], includes_children=True),
            policy().subject_categories[1],
        ),
        **with_purpose(
            "contract",
            retention=RetentionRule(
                trigger="contract_end",
                period=Period(years=3),
                justification="Claims.",
                assumption=True,
            ),
        ),
    )
    warnings = {(w.path, w.rule) for w in find_warnings(p)}
    assert ("purposes.newsletter.legal_basis", "REG-09") in warnings
    assert ("purposes.contract.retention", "REG-05") in warnings
    assert find_warnings(policy()) == []


def test_need_to_know_lookup() -> None:
    p = policy()
    assert p.readable_categories("support", "contract") == {"name", "email", "postal_address"}
    assert p.readable_categories("support", "bookkeeping") == frozenset()
    assert p.readable_categories("finance", "bookkeeping") >= {"invoice_records"}


def test_unused_helpers_of_the_model() -> None:
    p = policy()
    assert {x.id for x in p.purposes_using("email")} == {"contract", "newsletter"}
    assert p.system("crm").security.transport == "TLS 1.3"
    with pytest.raises(LookupError, match="no purpose with id 'ghost'"):
        p.purpose("ghost")
    assert Tracker(
        id="ga",
        name="_ga",
        provider="Analytics Inc",
        third_party=True,
        purpose="Stats.",
        category="statistics",
        lifetime="13 months",
        data_collected="An id.",
    ).consent_required
    assert not p.trackers[0].consent_required


def test_data_category_requires_label() -> None:
    with pytest.raises(TypeError):
        DataCategory(id="x")  # type: ignore[call-arg]
    assert SecurityMeasures(encryption="a", confidentiality="b", restore="c", testing="d")
