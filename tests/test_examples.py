"""The example policies load, validate and keep every promise their published policy makes.

Each promise is a predicate over the policy object. Every predicate is also run against a
minimal valid policy that makes no such promise, so none of them can pass vacuously.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from gdprkit.policy import (
    BOKFORINGSLAGEN,
    ConsentKind,
    Contact,
    EmailMarketingBasis,
    LegalBasis,
    Organisation,
    Policy,
    ProvisionRequirement,
    Purpose,
    RecipientRole,
    RetentionRule,
    Role,
    SupervisoryAuthority,
    TrackerCategory,
    Trigger,
    find_problems,
    find_warnings,
    load_policy,
    policy_from_dict,
)
from gdprkit.policy.taxonomy import BUILTIN_CATEGORIES, BUILTIN_SUBJECT_CATEGORIES

ROOT = Path(__file__).parents[1]
ART_OF_PLANNING = ROOT / "examples" / "the_art_of_planning.toml"
TRUE_FICTION = ROOT / "examples" / "true_fiction_production.toml"
EXAMPLES = [ART_OF_PLANNING, TRUE_FICTION]

Promise = Callable[[Policy], bool]


@pytest.fixture(scope="module")
def art_of_planning() -> Policy:
    return load_policy(ART_OF_PLANNING)


@pytest.fixture(scope="module")
def true_fiction() -> Policy:
    return load_policy(TRUE_FICTION)


def _minimal() -> Policy:
    """A valid policy that promises nothing beyond one contract purpose."""
    return Policy(
        version="1",
        effective_date=dt.date(2026, 1, 1),
        organisation=Organisation(
            legal_name="Minimal AB",
            country="SE",
            contact=Contact(name="Minimal AB", email="info@example.com"),
            supervisory_authority=SupervisoryAuthority(name="IMY"),
            time_zone="Europe/Stockholm",
            languages=("en",),
        ),
        categories=(BUILTIN_CATEGORIES["name"],),
        subject_categories=(BUILTIN_SUBJECT_CATEGORIES["customer"],),
        roles=(Role(id="staff", label="Staff", purposes=("contract",)),),
        purposes=(
            Purpose(
                id="contract",
                name="Contract",
                description="We use your name to perform our contract with you.",
                legal_basis="contract",
                categories=("name",),
                subject_categories=("customer",),
                retention=RetentionRule(
                    trigger="contract_end", period={"years": 1}, justification="Claims."
                ),
            ),
        ),
    )


# --- helpers over a policy ----------------------------------------------------------------


def _purposes_with(policy: Policy, category: str) -> list[Purpose]:
    return list(policy.purposes_using(category))


def _has_bfl_bookkeeping(policy: Policy) -> bool:
    return any(
        p.legal_basis is LegalBasis.LEGAL_OBLIGATION
        and "1999:1078" in (p.law_reference or "")
        and p.retention == BOKFORINGSLAGEN
        and p.retention is not None
        and p.retention.law_reference == "SFS 1999:1078 7 kap. 2 §"
        and p.retention.trigger is Trigger.FINANCIAL_YEAR_END
        and "invoice_records" in p.categories
        for p in policy.purposes
    )


def _has_soft_opt_in_with_opt_out_in_every_message(policy: Policy) -> bool:
    return any(
        p.direct_marketing
        and "email" in p.categories
        and p.email_marketing is not None
        and p.email_marketing.basis is EmailMarketingBasis.EXISTING_CUSTOMER
        and p.email_marketing.opt_out_in_every_message
        for p in policy.purposes
    )


def _contract_invoicing_separate_from_bookkeeping(policy: Policy) -> bool:
    invoicing = [
        p
        for p in policy.purposes
        if p.legal_basis is LegalBasis.CONTRACT and "invoice" in p.description.en.lower()
    ]
    return _has_bfl_bookkeeping(policy) and bool(invoicing)


def _payment_recipient(policy: Policy, *, named: str | None = None) -> bool:
    for purpose in policy.purposes:
        if purpose.legal_basis is not LegalBasis.CONTRACT:
            continue
        for rid in purpose.recipients:
            recipient = policy.recipient(rid)
            text = f"{recipient.name} {recipient.description.en}".lower()
            if (
                "payment" in text
                and recipient.role is RecipientRole.INDEPENDENT_CONTROLLER
                and recipient.role_reasoning
                and (named is None or named in text)
            ):
                return True
    return False


def _partners_on_consent(policy: Policy) -> bool:
    for purpose in policy.purposes:
        consent = purpose.consent
        if purpose.legal_basis is not LegalBasis.CONSENT or consent is None:
            continue
        if consent.required_for_service or consent.kind is not ConsentKind.STANDARD:
            continue
        if purpose.email_marketing is None or (
            purpose.email_marketing.basis is not EmailMarketingBasis.PRIOR_CONSENT
        ):
            continue
        for rid in purpose.recipients:
            recipient = policy.recipient(rid)
            if (
                recipient.role is RecipientRole.INDEPENDENT_CONTROLLER
                and "partner" in recipient.name.lower()
                and recipient.role_reasoning
            ):
                return True
    return False


def _confidential_processors(policy: Policy) -> bool:
    processors = [r for r in policy.recipients if r.role is RecipientRole.PROCESSOR]
    hosting = {h for s in policy.systems for h in s.hosted_by}
    return (
        bool(processors)
        and bool(hosting)
        and all(
            r.contract is not None
            and r.contract.confidentiality
            and r.contract.documented_instructions
            and r.contract.missing_clauses() == ()
            for r in processors
        )
    )


def _tls_login(policy: Policy) -> bool:
    for purpose in _purposes_with(policy, "account_credentials"):
        for sid in purpose.systems:
            transport = policy.system(sid).security.transport or ""
            if transport.startswith("TLS 1.") and transport not in {"TLS 1.0", "TLS 1.1"}:
                return True
    return False


def _tls_website(policy: Policy) -> bool:
    transports = [s.security.transport or "" for s in policy.systems if "web" in s.id]
    return bool(transports) and all(t.startswith("TLS 1.") for t in transports)


def _retention_of(
    policy: Policy,
    category: str,
    *,
    trigger: Trigger,
    years: int = 0,
    months: int = 0,
    days: int = 0,
) -> bool:
    return any(
        p.retention is not None
        and p.retention.trigger is trigger
        and (p.retention.period.years, p.retention.period.months, p.retention.period.days)
        == (years, months, days)
        for p in _purposes_with(policy, category)
    )


def _proposals_marked(policy: Policy) -> bool:
    """Every period no law sets is a marked assumption, except erasure on withdrawal."""
    rules = [p.retention for p in policy.purposes if p.retention is not None]
    proposals = [
        r for r in rules if r.law_reference is None and r.trigger is not Trigger.CONSENT_WITHDRAWN
    ]
    return bool(proposals) and all(r.assumption and r.justification for r in proposals)


def _need_to_know(policy: Policy) -> bool:
    every = {p.id for p in policy.purposes}
    return len(policy.roles) >= 2 and all(set(r.purposes) < every for r in policy.roles)


def _tracker(policy: Policy, *, session: bool, third_party: bool) -> bool:
    return any(
        t.session is session
        and t.third_party is third_party
        and (session or t.lifetime is not None)
        for t in policy.trackers
    )


def _third_party_analytics_on_consent(policy: Policy) -> bool:
    consent_recipients = {
        r for p in policy.purposes if p.legal_basis is LegalBasis.CONSENT for r in p.recipients
    }
    return any(
        t.third_party
        and t.category is TrackerCategory.STATISTICS
        and t.consent_required
        and t.recipient in consent_recipients
        for t in policy.trackers
    )


def _swedish_controller(policy: Policy, name: str) -> bool:
    org = policy.organisation
    return (
        org.legal_name == name
        and org.time_zone == "Europe/Stockholm"
        and set(org.languages) == {"sv", "en"}
        and "IMY" in org.supervisory_authority.name
        and org.financial_year.start_month == 1
    )


def _categories(*ids: str) -> Promise:
    return lambda policy: set(ids) <= {c.id for c in policy.categories}


def _contract_purpose_with(*ids: str) -> Promise:
    return lambda policy: any(
        p.legal_basis is LegalBasis.CONTRACT and set(ids) <= set(p.categories)
        for p in policy.purposes
    )


# --- the promises ---------------------------------------------------------------------------

ART_OF_PLANNING_PROMISES: list[tuple[str, Promise]] = [
    (
        "controller, Swedish time zone, sv and en, IMY, calendar financial year",
        lambda p: _swedish_controller(p, "The Art Of Planning AB"),
    ),
    ("contact: Anders Wännman, VD", lambda p: "Anders Wännman" in p.organisation.contact.name),
    (
        "e-postadress, namn, företag, adressuppgifter",
        _categories("email", "name", "company", "postal_address"),
    ),
    (
        "deliver products and verify genuine licences (contract)",
        _contract_purpose_with("name", "email", "licence_records"),
    ),
    (
        "invoicing under contract, bookkeeping under legal obligation",
        _contract_invoicing_separate_from_bookkeeping,
    ),
    ("bookkeeping kept by the BFL 7:2 rule", _has_bfl_bookkeeping),
    (
        "login to web services (contract)",
        _contract_purpose_with("email", "account_credentials"),
    ),
    ("logins encrypted: a login system with TLS transport", _tls_login),
    ("support cases (contract)", _contract_purpose_with("name", "email", "support_content")),
    (
        "product e-mails with an unsubscribe link in every e-mail",
        _has_soft_opt_in_with_opt_out_in_every_message,
    ),
    ("partners receive the information: independent controllers, consent", _partners_on_consent),
    ("subcontractors bound to confidentiality: Art. 28 processors", _confidential_processors),
    (
        "card payments through Payer (payer.se)",
        lambda p: _payment_recipient(p, named="payer.se"),
    ),
    (
        "security of logins: login logs kept 12 months (proposal)",
        lambda p: _retention_of(p, "login_logs", trigger=Trigger.COLLECTED, months=12),
    ),
    (
        "login accounts: 30 days after closing (proposal)",
        lambda p: _retention_of(p, "account_credentials", trigger=Trigger.ACCOUNT_CLOSED, days=30),
    ),
    (
        "support cases: 24 months after closing (proposal)",
        lambda p: _retention_of(p, "support_content", trigger=Trigger.CUSTOM, months=24),
    ),
    (
        "partner data erased when consent is withdrawn",
        lambda p: _retention_of(p, "company", trigger=Trigger.CONSENT_WITHDRAWN),
    ),
    ("every proposed period is a marked assumption", _proposals_marked),
]

TRUE_FICTION_PROMISES: list[tuple[str, Promise]] = [
    (
        "controller, Swedish time zone, sv and en, IMY, calendar financial year",
        lambda p: _swedish_controller(p, "True Fiction Production AB"),
    ),
    (
        "contact: support@allmannavillkor.se",
        lambda p: p.organisation.contact.email == "support@allmannavillkor.se",
    ),
    (
        "namn, adress, e-postadress, telefonnummer for the contract",
        _contract_purpose_with("name", "postal_address", "email", "phone"),
    ),
    (
        "given voluntarily but needed for the contract",
        lambda policy: any(
            purpose.provision is ProvisionRequirement.CONTRACTUAL
            and purpose.consequence_of_not_providing is not None
            and "voluntarily" in purpose.consequence_of_not_providing.en
            for purpose in policy.purposes
        ),
    ),
    ("third parties only for payment", _payment_recipient),
    ("bookkeeping kept by the BFL 7:2 rule", _has_bfl_bookkeeping),
    (
        "e-mail about new services unless unsubscribed",
        _has_soft_opt_in_with_opt_out_in_every_message,
    ),
    ("session cookies", lambda p: _tracker(p, session=True, third_party=False)),
    ("persistent cookies", lambda p: _tracker(p, session=False, third_party=False)),
    ("third-party cookies", lambda p: _tracker(p, session=False, third_party=True)),
    ("third-party analytics cookies need consent", _third_party_analytics_on_consent),
    ("information sent through the website is encrypted (TLS)", _tls_website),
    ("need-to-know staff access: no role serves every purpose", _need_to_know),
]


# --- tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_loads_and_validates(path: Path) -> None:
    policy = load_policy(path)
    assert find_problems(policy) == []
    # The only warnings are the proposed retention periods awaiting confirmation.
    warnings = find_warnings(policy)
    assert warnings
    assert {w.rule for w in warnings} == {"REG-05"}
    assumed = {
        f"purposes.{p.id}.retention"
        for p in policy.purposes
        if p.retention and p.retention.assumption
    }
    assert {w.path for w in warnings} == assumed


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_round_trips_through_json(path: Path) -> None:
    policy = load_policy(path)
    again = policy_from_dict(policy.to_json())
    assert again == policy
    assert again.content_hash == policy.content_hash


def test_examples_are_different_policies(art_of_planning: Policy, true_fiction: Policy) -> None:
    assert art_of_planning.content_hash != true_fiction.content_hash


def test_art_of_planning_declares_tls_not_ssl(art_of_planning: Policy) -> None:
    # The published policy says "SSL"; gdprkit records the TLS version (LEGAL.md SEC-01).
    transports = {s.security.transport for s in art_of_planning.systems}
    assert transports
    assert all(t is not None and t.startswith("TLS") for t in transports)


@pytest.mark.parametrize(
    ("promise", "check"), ART_OF_PLANNING_PROMISES, ids=[n for n, _ in ART_OF_PLANNING_PROMISES]
)
def test_art_of_planning_keeps_promise(
    art_of_planning: Policy, promise: str, check: Promise
) -> None:
    assert check(art_of_planning), promise


@pytest.mark.parametrize(
    ("promise", "check"), TRUE_FICTION_PROMISES, ids=[n for n, _ in TRUE_FICTION_PROMISES]
)
def test_true_fiction_keeps_promise(true_fiction: Policy, promise: str, check: Promise) -> None:
    assert check(true_fiction), promise


@pytest.mark.parametrize(
    ("promise", "check"),
    ART_OF_PLANNING_PROMISES + TRUE_FICTION_PROMISES,
    ids=[n for n, _ in ART_OF_PLANNING_PROMISES + TRUE_FICTION_PROMISES],
)
def test_promise_check_can_fail(promise: str, check: Promise) -> None:
    assert not check(_minimal()), f"check passes on a policy without the promise: {promise}"
