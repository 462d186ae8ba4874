"""Every rule a policy declaration must satisfy, checked at once.

:func:`find_problems` returns every problem, each with a path into the policy and the
LEGAL.md requirement it enforces; constructing a :class:`~gdprkit.policy.model.Policy`
raises them together as one :class:`~gdprkit.errors.PolicyError`. :func:`find_warnings`
returns what a data protection officer should look at but the law does not forbid.

Messages name ids and fields only, never personal data.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, cast

import attrs

from gdprkit.errors import Problem
from gdprkit.policy._fields import Text
from gdprkit.policy.vocab import (
    ConsentKind,
    EmailMarketingBasis,
    LegalBasis,
    ProvisionRequirement,
    RecipientRole,
    SpecialCategoryCondition,
    Trigger,
)

if TYPE_CHECKING:
    from gdprkit.policy.model import ConsentDefinition, Identified, Policy, Purpose, Recipient

__all__ = ["EEA_COUNTRIES", "find_problems", "find_warnings"]

EEA_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    ]
)
"""The EU member states and Iceland, Liechtenstein and Norway: no Chapter V transfer inside."""

_LANGUAGES = frozenset({"en", "sv"})
_MIN_DESCRIPTION_WORDS = 4
_WITHDRAWAL_WORDS = {
    "en": ("withdraw", "unsubscribe", "opt out"),
    "sv": ("återkalla", "avregistrera", "avsluta"),
}

Check = Callable[["Policy"], Iterator[Problem]]
_CHECKS: list[Check] = []


def _check(func: Check) -> Check:
    _CHECKS.append(func)
    return func


def find_problems(policy: Policy) -> list[Problem]:
    """Return every problem in *policy*, sorted by path; empty when it is valid."""
    return sorted(problem for check in _CHECKS for problem in check(policy))


def find_warnings(policy: Policy) -> list[Problem]:
    """Return what deserves a second look but is not invalid (LEGAL.md REG-09)."""
    warnings: list[Problem] = []
    children = {s.id for s in policy.subject_categories if s.includes_children}
    for purpose in policy.purposes:
        path = f"purposes.{purpose.id}"
        if purpose.legal_basis is LegalBasis.LEGITIMATE_INTERESTS:
            if children & set(purpose.subject_categories):
                msg = (
                    "legitimate interests weigh heavier against children's interests (Art. 6(1)(f))"
                )
                warnings.append(Problem(path=f"{path}.legal_basis", message=msg, rule="REG-09"))
            if policy.organisation.is_public_authority:
                msg = "public authorities may not rely on legitimate interests for their tasks"
                warnings.append(Problem(path=f"{path}.legal_basis", message=msg, rule="REG-09"))
        rule = purpose.retention
        if rule is not None and rule.assumption:
            msg = "retention period is an assumption the organisation has yet to confirm"
            warnings.append(Problem(path=f"{path}.retention", message=msg, rule="REG-05"))
    for system in policy.systems:
        if system.security.transport is None:
            msg = "no transport protection declared; record the TLS version in use"
            path = f"systems.{system.id}.security.transport"
            warnings.append(Problem(path=path, message=msg, rule="SEC-01"))
    return sorted(warnings)


def _duplicates(ids: Iterable[str]) -> list[str]:
    return sorted(i for i, n in Counter(ids).items() if n > 1)


@_check
def _unique_ids(policy: Policy) -> Iterator[Problem]:
    collections: dict[str, tuple[Identified, ...]] = {
        "categories": policy.categories,
        "subject_categories": policy.subject_categories,
        "roles": policy.roles,
        "recipients": policy.recipients,
        "systems": policy.systems,
        "purposes": policy.purposes,
        "trackers": policy.trackers,
        "processing_on_behalf": policy.processing_on_behalf,
    }
    for name, items in collections.items():
        for dup in _duplicates(item.id for item in items):
            yield Problem(path=f"{name}.{dup}", message="id declared more than once")


@_check
def _policy_header(policy: Policy) -> Iterator[Problem]:
    if not policy.version.strip():
        yield Problem(path="version", message="must not be empty")
    if not policy.purposes:
        yield Problem(path="purposes", message="declare at least one purpose", rule="REG-03")
    org = policy.organisation
    if len(org.country) != 2 or not org.country.isupper():  # noqa: PLR2004 - ISO 3166-1 alpha-2
        yield Problem(path="organisation.country", message="use an ISO 3166-1 code such as 'SE'")
    unknown = sorted(set(org.languages) - _LANGUAGES)
    if unknown or not org.languages:
        msg = f"languages must be among {sorted(_LANGUAGES)}; got {list(org.languages)}"
        yield Problem(path="organisation.languages", message=msg)
    age = org.digital_consent_age
    if age is not None and not 13 <= age <= 16:  # noqa: PLR2004 - Art. 8(1) bounds
        msg = "Art. 8(1) allows an age of digital consent from 13 to 16"
        yield Problem(path="organisation.digital_consent_age", message=msg, rule="CON-09")


@_check
def _references(policy: Policy) -> Iterator[Problem]:  # noqa: C901, PLR0912 - one pass per kind
    declared = {
        "categories": {c.id for c in policy.categories},
        "subject_categories": {s.id for s in policy.subject_categories},
        "recipients": {r.id for r in policy.recipients},
        "systems": {s.id for s in policy.systems},
    }
    for purpose in policy.purposes:
        for field, known in declared.items():
            for ref in getattr(purpose, field):
                if ref not in known:
                    msg = f"{ref!r} is not declared in {field}"
                    yield Problem(path=f"purposes.{purpose.id}.{field}", message=msg)
        for comp in purpose.compatible_with:
            if comp.purpose == purpose.id or comp.purpose not in {p.id for p in policy.purposes}:
                msg = f"{comp.purpose!r} is not another declared purpose"
                yield Problem(path=f"purposes.{purpose.id}.compatible_with", message=msg)
    purpose_ids = {p.id for p in policy.purposes}
    for role in policy.roles:
        for ref in role.purposes:
            if ref not in purpose_ids:
                msg = f"{ref!r} is not a declared purpose"
                yield Problem(path=f"roles.{role.id}.purposes", message=msg, rule="REG-13")
    processors = {r.id for r in policy.recipients if r.role is RecipientRole.PROCESSOR}
    for system in (*policy.systems,):
        for ref in system.hosted_by:
            if ref not in processors:
                msg = f"{ref!r} is not a declared recipient with role 'processor'"
                yield Problem(path=f"systems.{system.id}.hosted_by", message=msg, rule="SEC-03")
    for tracker in policy.trackers:
        if tracker.recipient is not None and tracker.recipient not in declared["recipients"]:
            msg = f"{tracker.recipient!r} is not a declared recipient"
            yield Problem(path=f"trackers.{tracker.id}.recipient", message=msg)
    for activity in policy.processing_on_behalf:
        for ref in activity.systems:
            if ref not in declared["systems"]:
                msg = f"{ref!r} is not a declared system"
                yield Problem(path=f"processing_on_behalf.{activity.id}.systems", message=msg)


@_check
def _purpose_specific(policy: Policy) -> Iterator[Problem]:
    """REG-03 (specific purpose) and REG-04 (minimisation)."""
    for purpose in policy.purposes:
        path = f"purposes.{purpose.id}"
        if len(purpose.description.en.split()) < _MIN_DESCRIPTION_WORDS:
            msg = "describe the purpose specifically, in a sentence (Art. 5(1)(b))"
            yield Problem(path=f"{path}.description", message=msg, rule="REG-03")
        if not purpose.categories:
            msg = "list the data categories the purpose needs (Art. 5(1)(c))"
            yield Problem(path=f"{path}.categories", message=msg, rule="REG-04")
        if not purpose.subject_categories:
            msg = "list the categories of people concerned (Art. 30(1)(c))"
            yield Problem(path=f"{path}.subject_categories", message=msg)
    used = {c for p in policy.purposes for c in p.categories}
    for category in policy.categories:
        if category.id not in used:
            msg = "collected without purpose: no purpose declares it (Art. 5(1)(c))"
            yield Problem(path=f"categories.{category.id}", message=msg, rule="REG-04")


@_check
def _retention(policy: Policy) -> Iterator[Problem]:
    """REG-05 (storage limitation) and RET-01 (rule model)."""
    for purpose in policy.purposes:
        path = f"purposes.{purpose.id}"
        rule = purpose.retention
        if rule is None and purpose.retention_criteria is None:
            msg = "declare a retention rule, or retention_criteria where no period can be fixed"
            yield Problem(path=f"{path}.retention", message=msg, rule="REG-05")
        if rule is not None and purpose.retention_criteria is not None:
            msg = "declare either a retention rule or retention_criteria, not both"
            yield Problem(path=f"{path}.retention_criteria", message=msg, rule="REG-05")
        if rule is None:
            continue
        if not (rule.law_reference or rule.justification):
            msg = "a retention rule needs a law_reference or a justification"
            yield Problem(path=f"{path}.retention", message=msg, rule="RET-01")
        if rule.trigger is Trigger.CUSTOM and not rule.event:
            msg = "a custom trigger needs the event's name"
            yield Problem(path=f"{path}.retention.event", message=msg, rule="RET-01")
        if rule.trigger is not Trigger.CUSTOM and rule.event:
            msg = "event names only a custom trigger"
            yield Problem(path=f"{path}.retention.event", message=msg, rule="RET-01")
        if (
            rule.trigger is Trigger.CONSENT_WITHDRAWN
            and purpose.legal_basis is not LegalBasis.CONSENT
        ):
            msg = "consent_withdrawn only applies to a purpose based on consent"
            yield Problem(path=f"{path}.retention.trigger", message=msg, rule="RET-01")


def _require(value: object, path: str, message: str, rule: str) -> Iterator[Problem]:
    if value is None or (isinstance(value, str) and not value.strip()):
        yield Problem(path=path, message=message, rule=rule)


@_check
def _legal_basis(policy: Policy) -> Iterator[Problem]:
    """REG-08, REG-09, REG-10 and CON-02: what each Art. 6(1) basis requires."""
    for purpose in policy.purposes:
        path = f"purposes.{purpose.id}"
        basis = purpose.legal_basis
        if basis in {LegalBasis.LEGAL_OBLIGATION, LegalBasis.PUBLIC_TASK}:
            msg = f"{basis.value.replace('_', ' ')} needs a law reference (Art. 6(3))"
            yield from _require(purpose.law_reference, f"{path}.law_reference", msg, "REG-08")
        if basis is LegalBasis.LEGITIMATE_INTERESTS:
            msg = "legitimate interests needs the interest pursued (Art. 13(1)(d))"
            yield from _require(
                purpose.legitimate_interest, f"{path}.legitimate_interest", msg, "REG-09"
            )
            msg = "legitimate interests needs a reference to the balancing test"
            yield from _require(purpose.balancing_test, f"{path}.balancing_test", msg, "REG-09")
        if basis is LegalBasis.CONSENT:
            if purpose.consent is None:
                msg = "consent needs a consent definition (what, channels, text)"
                yield Problem(path=f"{path}.consent", message=msg, rule="REG-10")
            else:
                yield from _consent_definition(purpose.consent, f"{path}.consent")
        elif purpose.consent is not None:
            msg = "a consent definition belongs only to a purpose based on consent (Art. 7(2))"
            yield Problem(path=f"{path}.consent", message=msg, rule="CON-02")
        if purpose.automated_decision_making:
            msg = (
                "automated decisions with legal effects need an Art. 22(2) basis and 22(3) "
                "safeguards, which this version of gdprkit cannot declare"
            )
            yield Problem(path=f"{path}.automated_decision_making", message=msg, rule="DSR-19")


def _consent_definition(consent: ConsentDefinition, path: str) -> Iterator[Problem]:
    """CON-05, CON-06 and CON-07."""
    if not consent.give_channels:
        yield Problem(
            path=f"{path}.give_channels", message="list where consent is given", rule="CON-05"
        )
    missing = sorted(set(consent.give_channels) - set(consent.withdraw_channels))
    if missing:
        msg = f"consent given via {', '.join(missing)} must be withdrawable there too (Art. 7(3))"
        yield Problem(path=f"{path}.withdraw_channels", message=msg, rule="CON-05")
    for language, text in (("en", consent.text.en), ("sv", consent.text.sv)):
        if text is not None and not any(w in text.lower() for w in _WITHDRAWAL_WORDS[language]):
            msg = "the consent text must say that consent can be withdrawn at any time, and how"
            yield Problem(path=f"{path}.text.{language}", message=msg, rule="CON-06")
    if consent.required_for_service:
        msg = (
            "the service may not be made conditional on consent (Art. 7(4)); if the processing "
            "is necessary for the contract, use legal_basis = 'contract'"
        )
        yield Problem(path=f"{path}.required_for_service", message=msg, rule="CON-07")


@_check
def _special_categories(policy: Policy) -> Iterator[Problem]:
    """REG-01, REG-11, REG-12 and REG-15: flags on the categories themselves."""
    categories = {c.id: c for c in policy.categories}
    for category in policy.categories:
        path = f"categories.{category.id}"
        if category.pseudonymised and not category.key_store:
            msg = "pseudonymised data needs the separately kept key_store named (Art. 4(5))"
            yield Problem(path=f"{path}.key_store", message=msg, rule="REG-01")
        if category.criminal_offence and not category.law_reference:
            msg = "criminal-offence data needs the law that authorises it (Art. 10)"
            yield Problem(path=f"{path}.law_reference", message=msg, rule="REG-12")
        if not category.collected_from_subject and (
            not category.source or category.source_public is None
        ):
            msg = (
                "data not collected from the subject needs source and source_public (Art. 14(2)(f))"
            )
            yield Problem(path=f"{path}.source", message=msg, rule="REG-15")
    for purpose in policy.purposes:
        path = f"purposes.{purpose.id}"
        uses_special = any(categories[c].special for c in purpose.categories if c in categories)
        condition = purpose.special_condition
        if uses_special and condition is None:
            msg = "uses a special category and needs an Art. 9(2) condition"
            yield Problem(path=f"{path}.special_condition", message=msg, rule="REG-11")
        if condition is not None and not uses_special:
            msg = "an Art. 9(2) condition is declared but no special category is used"
            yield Problem(path=f"{path}.special_condition", message=msg, rule="REG-11")
        if (
            condition is not None
            and condition.needs_law_reference
            and not purpose.special_law_reference
        ):
            msg = f"{condition.article} needs the law it rests on (special_law_reference)"
            yield Problem(path=f"{path}.special_law_reference", message=msg, rule="REG-11")
        if condition is SpecialCategoryCondition.EXPLICIT_CONSENT and (
            purpose.consent is None or purpose.consent.kind is not ConsentKind.EXPLICIT
        ):
            msg = "Art. 9(2)(a) needs a consent definition of kind 'explicit'"
            yield Problem(path=f"{path}.consent.kind", message=msg, rule="REG-11")


@_check
def _need_to_know(policy: Policy) -> Iterator[Problem]:
    """REG-13: every category can be read by some role, and by no role by default."""
    readable = {
        category
        for role in policy.roles
        for purpose in policy.purposes
        if purpose.id in role.purposes
        for category in purpose.categories
    }
    for category in policy.categories:
        if category.id not in readable:
            msg = "no role may read it: give a role a purpose that declares it (Art. 32(4))"
            yield Problem(path=f"categories.{category.id}", message=msg, rule="REG-13")


@_check
def _recipients(policy: Policy) -> Iterator[Problem]:
    """REG-14, SEC-03, SEC-04 and BR-04."""
    for recipient in policy.recipients:
        yield from _recipient(recipient, f"recipients.{recipient.id}")


def _recipient(recipient: Recipient, path: str) -> Iterator[Problem]:  # noqa: C901 - flat checks
    if len(recipient.country) != 2 or not recipient.country.isupper():  # noqa: PLR2004
        yield Problem(path=f"{path}.country", message="use an ISO 3166-1 code such as 'SE'")
    elif recipient.country not in EEA_COUNTRIES:
        if recipient.transfer_mechanism is None:
            msg = "a recipient outside the EEA needs a transfer mechanism (Art. 44-49)"
            yield Problem(path=f"{path}.transfer_mechanism", message=msg, rule="REG-14")
        if not recipient.transfer_assessment:
            msg = "a transfer outside the EEA needs a transfer assessment reference"
            yield Problem(path=f"{path}.transfer_assessment", message=msg, rule="REG-14")
    if recipient.role is RecipientRole.PROCESSOR:
        contract = recipient.contract
        if contract is None:
            msg = "a processor needs an Art. 28 agreement"
            yield Problem(path=f"{path}.contract", message=msg, rule="SEC-03")
        else:
            if not contract.in_writing:
                msg = "the Art. 28 agreement must be in writing (Art. 28(9))"
                yield Problem(path=f"{path}.contract.in_writing", message=msg, rule="SEC-03")
            for clause in contract.missing_clauses():
                msg = "the Art. 28(3) agreement lacks this clause"
                yield Problem(path=f"{path}.contract.{clause}", message=msg, rule="SEC-03")
        if not recipient.breach_contact:
            msg = "a processor needs a breach contact (Art. 33(2))"
            yield Problem(path=f"{path}.breach_contact", message=msg, rule="BR-04")
    elif recipient.contract is not None:
        msg = "an Art. 28 agreement belongs only to a processor"
        yield Problem(path=f"{path}.contract", message=msg, rule="SEC-04")
    if (
        recipient.role in {RecipientRole.INDEPENDENT_CONTROLLER, RecipientRole.JOINT_CONTROLLER}
        and not recipient.role_reasoning
    ):
        msg = "record why this recipient is a controller and not a processor"
        yield Problem(path=f"{path}.role_reasoning", message=msg, rule="SEC-04")


@_check
def _marketing(policy: Policy) -> Iterator[Problem]:
    """CON-15: e-mail marketing under Marknadsföringslagen 19 §."""
    controllers = {
        r.id
        for r in policy.recipients
        if r.role in {RecipientRole.INDEPENDENT_CONTROLLER, RecipientRole.JOINT_CONTROLLER}
    }
    for purpose in policy.purposes:
        yield from _email_marketing(purpose, controllers)


def _email_marketing(purpose: Purpose, controllers: set[str]) -> Iterator[Problem]:
    path = f"purposes.{purpose.id}"
    marketing = purpose.email_marketing
    if purpose.direct_marketing and "email" in purpose.categories and marketing is None:
        msg = "e-mail marketing needs email_marketing (prior consent or existing customer)"
        yield Problem(path=f"{path}.email_marketing", message=msg, rule="CON-15")
    if marketing is None:
        return
    if not purpose.direct_marketing:
        msg = "email_marketing is declared but the purpose is not direct marketing"
        yield Problem(path=f"{path}.direct_marketing", message=msg, rule="CON-15")
    if (
        marketing.basis is EmailMarketingBasis.PRIOR_CONSENT
        and purpose.legal_basis is not LegalBasis.CONSENT
    ):
        msg = "marketing on prior consent needs legal_basis = 'consent'"
        yield Problem(path=f"{path}.legal_basis", message=msg, rule="CON-15")
    if marketing.basis is EmailMarketingBasis.EXISTING_CUSTOMER:
        conditions = (
            "obtained_in_sale",
            "own_similar_products",
            "opt_out_at_collection",
            "opt_out_in_every_message",
        )
        for condition in conditions:
            if not getattr(marketing, condition):
                msg = "the existing-customer exception needs this condition to hold"
                yield Problem(
                    path=f"{path}.email_marketing.{condition}", message=msg, rule="CON-15"
                )
        shared = sorted(set(purpose.recipients) & controllers)
        if shared:
            names = ", ".join(shared)
            msg = f"other controllers' offers ({names}) need prior consent, not soft opt-in"
            yield Problem(path=f"{path}.email_marketing.basis", message=msg, rule="CON-15")


@_check
def _provision(policy: Policy) -> Iterator[Problem]:
    """REG-16: whether the subject must provide the data, and what happens if not."""
    for purpose in policy.purposes:
        if (
            purpose.provision is not ProvisionRequirement.VOLUNTARY
            and purpose.consequence_of_not_providing is None
        ):
            msg = "say what happens if the data is not provided (Art. 13(2)(e))"
            path = f"purposes.{purpose.id}.consequence_of_not_providing"
            yield Problem(path=path, message=msg, rule="REG-16")


_TLS_VERSION = re.compile(r"^tls\s*v?\s*(\d+)(?:\.(\d+))?", re.IGNORECASE)
_MIN_TLS = (1, 2)


def _transport_is_secure(transport: str) -> bool:
    """Whether *transport* names TLS 1.2 or newer ("TLS 1.3", "TLSv1.2"); SSL never is."""
    match = _TLS_VERSION.match(transport.strip())
    if match is None:
        return False
    version = (int(match.group(1)), int(match.group(2) or 0))
    return version >= _MIN_TLS


@_check
def _security(policy: Policy) -> Iterator[Problem]:
    """SEC-01: Art. 32(1) measures; SSL and TLS before 1.2 are insecure."""
    for system in policy.systems:
        transport = system.security.transport
        if transport is not None and not _transport_is_secure(transport):
            msg = "declare TLS 1.2 or newer, e.g. 'TLS 1.3' (SSL and older TLS are insecure)"
            yield Problem(
                path=f"systems.{system.id}.security.transport", message=msg, rule="SEC-01"
            )
        measures = system.security
        if (
            measures.next_test_due
            and measures.last_tested
            and measures.next_test_due < measures.last_tested
        ):
            msg = "next_test_due is before last_tested"
            yield Problem(
                path=f"systems.{system.id}.security.next_test_due", message=msg, rule="SEC-01"
            )


@_check
def _trackers(policy: Policy) -> Iterator[Problem]:
    """CON-12: what the cookie notice needs per tracker."""
    for tracker in policy.trackers:
        if not tracker.session and tracker.lifetime is None:
            msg = "a persistent tracker needs its lifetime"
            yield Problem(path=f"trackers.{tracker.id}.lifetime", message=msg, rule="CON-12")


@_check
def _translations(policy: Policy) -> Iterator[Problem]:
    """Art. 12(1): every text exists in every language the organisation writes in."""
    if "sv" not in policy.organisation.languages:
        return
    for path, text in _texts(policy, ""):
        if not text.sv:
            yield Problem(
                path=f"{path}.sv", message="Swedish text missing (organisation writes 'sv')"
            )


def _texts(value: object, path: str) -> Iterator[tuple[str, Text]]:
    if isinstance(value, Text):
        yield path, value
    elif attrs.has(type(value)):
        for field in attrs.fields(cast("type[attrs.AttrsInstance]", type(value))):
            if field.init:
                yield from _texts(getattr(value, field.name), f"{path}.{field.name}".lstrip("."))
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            key = getattr(item, "id", None) or str(index)
            yield from _texts(item, f"{path}.{key}")
