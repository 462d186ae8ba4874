"""The policy model: how an organisation processes personal data, declared once.

Every class is an immutable, keyword-only value object. Objects refer to each other
by id (a purpose lists the ids of its categories, recipients and systems), so a
policy reads like the TOML file it may come from and cross-references are checked in
one place, :mod:`gdprkit.policy.validation`, which reports every problem at once.

Constructing a :class:`Policy` validates it: a policy object that exists is valid.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import attrs

from gdprkit.errors import NotFoundError, PolicyError, Problem
from gdprkit.policy._fields import Text, as_tuple, identifier, optional_text, to_text
from gdprkit.policy.retention import FinancialYear, RetentionRule
from gdprkit.policy.vocab import (
    ConsentChannel,
    ConsentKind,
    EmailMarketingBasis,
    LegalBasis,
    ProvisionRequirement,
    RecipientRole,
    SpecialCategoryCondition,
    TrackerCategory,
    TransferMechanism,
)

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

__all__ = [
    "Compatibility",
    "ConsentDefinition",
    "Contact",
    "DataCategory",
    "EmailMarketing",
    "Identified",
    "Organisation",
    "Policy",
    "ProcessingOnBehalf",
    "ProcessorContract",
    "Purpose",
    "Recipient",
    "Role",
    "SecurityMeasures",
    "SubjectCategory",
    "SupervisoryAuthority",
    "System",
    "Tracker",
]


class Identified(Protocol):
    """**Protocol:** a declared object with an id that others refer to it by."""

    @property
    def id(self) -> str:
        """The object's id."""
        ...


_Identified = TypeVar("_Identified", bound=Identified)


def _channels(values: Iterable[ConsentChannel | str]) -> tuple[ConsentChannel, ...]:
    return tuple(ConsentChannel(v) for v in as_tuple(values))


@attrs.frozen(kw_only=True)
class Contact:
    """How to reach a person or function of the organisation (Art. 13(1)(a),(b)).

    Attributes:
        name: A name or a function ("Data protection officer").
        email: An e-mail address.
        phone: A telephone number.
        address: A postal address.
    """

    name: str
    email: str | None = None
    phone: str | None = None
    address: str | None = None


@attrs.frozen(kw_only=True)
class SupervisoryAuthority:
    """The authority people may complain to (Art. 13(2)(d), 77), e.g. IMY in Sweden.

    Attributes:
        name: The authority's name.
        url: Its website.
        email: Its contact e-mail.
    """

    name: str
    url: str | None = None
    email: str | None = None


def _to_zone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        msg = f"unknown IANA time zone {value!r} (e.g. 'Europe/Stockholm')"
        raise PolicyError(Problem(path="Organisation.time_zone", message=msg)) from None
    return value


@attrs.frozen(kw_only=True)
class Organisation:
    """The controller: who decides why and how personal data is processed (Art. 4(7), 13(1)(a)).

    Attributes:
        legal_name: The registered name, e.g. "True Fiction Production AB".
        organisation_number: The registration number (organisationsnummer).
        country: ISO 3166-1 alpha-2 code of the country of establishment.
        contact: The controller's contact details.
        dpo: The data protection officer, where one is designated (Art. 37-39).
        representative: The Art. 27 representative, for controllers outside the Union.
        supervisory_authority: The lead supervisory authority.
        time_zone: The IANA time zone legal dates are counted in (LEGAL.md DATE-03).
        languages: The languages notices are written in (``"en"``, ``"sv"``).
        financial_year: The financial year, so "end of financial year" can be derived.
        headcount: The number of employees, for the Art. 30(5) exemption check.
        is_public_authority: Whether it is a public authority (Art. 6(1) last subparagraph).
        digital_consent_age: The age of digital consent where it is established (Art. 8(1));
            ``None`` takes the country's default (Sweden: 13, Dataskyddslagen 2 kap. 4 §).
    """

    legal_name: str
    organisation_number: str | None = None
    country: str
    contact: Contact
    dpo: Contact | None = None
    representative: Contact | None = None
    supervisory_authority: SupervisoryAuthority
    time_zone: str = attrs.field(converter=_to_zone)
    languages: tuple[str, ...] = attrs.field(default=("en",), converter=as_tuple)
    financial_year: FinancialYear = attrs.field(factory=FinancialYear)
    headcount: int | None = None
    is_public_authority: bool = False
    digital_consent_age: int | None = None

    @property
    def tz(self) -> ZoneInfo:
        """The organisation's time zone as a ``ZoneInfo``."""
        return zoneinfo.ZoneInfo(self.time_zone)


@attrs.frozen(kw_only=True)
class DataCategory:
    """A category of personal data (Art. 4(1), 30(1)(c)), e.g. name, e-mail, invoice records.

    Built-in categories live in :mod:`gdprkit.policy.taxonomy`; users add their own.

    Attributes:
        id: The id purposes refer to.
        label: What it is, in plain words.
        special: Whether it is a special category under Art. 9(1) (health, beliefs, ...).
        criminal_offence: Whether it is data on criminal convictions and offences (Art. 10).
        national_id: Whether it is a national identity number; in Sweden personnummer,
            which Dataskyddslagen 3 kap. 10 § allows only where clearly justified.
        law_reference: The law that authorises Art. 10 processing.
        pseudonymised: Whether it is stored pseudonymised (Art. 4(5)); still personal data.
        key_store: Where the additional information for re-identification is kept
            separately, required for pseudonymised data (LEGAL.md REG-01).
        collected_from_subject: Whether it is obtained from the subject (Art. 13) or
            elsewhere (Art. 14).
        source: Where it comes from when not from the subject (Art. 14(2)(f)).
        source_public: Whether that source is publicly accessible (Art. 14(2)(f)).
    """

    id: str = attrs.field(validator=identifier)
    label: Text = attrs.field(converter=to_text)
    special: bool = False
    criminal_offence: bool = False
    national_id: bool = False
    law_reference: str | None = None
    pseudonymised: bool = False
    key_store: str | None = None
    collected_from_subject: bool = True
    source: str | None = None
    source_public: bool | None = None


@attrs.frozen(kw_only=True)
class SubjectCategory:
    """A category of data subjects (Art. 30(1)(c)), e.g. customers or website visitors.

    Attributes:
        id: The id purposes refer to.
        label: What it is, in plain words.
        includes_children: Whether children may be among them (Art. 8; REG-09 warning).
    """

    id: str = attrs.field(validator=identifier)
    label: Text = attrs.field(converter=to_text)
    includes_children: bool = False


@attrs.frozen(kw_only=True)
class Role:
    """A role in the organisation and the purposes it serves: need-to-know (Art. 25(2), 32(4)).

    A role reads only the categories that the purposes it serves declare. Nothing is
    granted by default, and no wildcard exists (LEGAL.md REG-13, SEC-02, SEC-05).

    Attributes:
        id: The id code passes when reading data (``role="support"``).
        label: What the role is.
        purposes: The ids of the purposes it serves.
    """

    id: str = attrs.field(validator=identifier)
    label: Text = attrs.field(converter=to_text)
    purposes: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)


@attrs.frozen(kw_only=True)
class ConsentDefinition:
    """What a consent-based purpose asks for and how it is given and withdrawn (Art. 7).

    Attributes:
        kind: Standard, or explicit for Art. 9(2)(a).
        give_channels: Where consent can be given.
        withdraw_channels: Where it can be withdrawn; must cover every give channel,
            as withdrawing must be as easy as giving (Art. 7(3); LEGAL.md CON-05).
        text: The request for consent as shown to people; must say it can be withdrawn
            at any time and how (Art. 7(3); CON-06).
        required_for_service: Whether the service is refused without it; not allowed,
            consent must be freely given (Art. 7(4); CON-07).
    """

    kind: ConsentKind = attrs.field(default=ConsentKind.STANDARD, converter=ConsentKind)
    give_channels: tuple[ConsentChannel, ...] = attrs.field(converter=_channels)
    withdraw_channels: tuple[ConsentChannel, ...] = attrs.field(converter=_channels)
    text: Text = attrs.field(converter=to_text)
    required_for_service: bool = False


@attrs.frozen(kw_only=True)
class EmailMarketing:
    """The ground for e-mail marketing to natural persons (Marknadsföringslag 2008:486 19 §).

    The "existing customer" soft opt-in holds only when every condition below is true
    (LEGAL.md CON-15); otherwise prior consent is needed.

    Attributes:
        basis: Prior consent, or existing customer (soft opt-in).
        obtained_in_sale: The address was obtained in connection with a sale.
        own_similar_products: The marketing is of the organisation's own similar products.
        opt_out_at_collection: An opt-out was offered when the address was collected.
        opt_out_in_every_message: A free, simple opt-out is in every message.
    """

    basis: EmailMarketingBasis = attrs.field(converter=EmailMarketingBasis)
    obtained_in_sale: bool = False
    own_similar_products: bool = False
    opt_out_at_collection: bool = False
    opt_out_in_every_message: bool = False


@attrs.frozen(kw_only=True)
class ProcessorContract:
    """The facts of an Art. 28 data processing agreement (LEGAL.md SEC-03).

    Attributes:
        reference: Where the signed agreement is kept.
        in_writing: Whether it is in writing (electronic form counts, Art. 28(9)).
        documented_instructions: Art. 28(3)(a).
        confidentiality: Art. 28(3)(b): authorised persons are bound to confidentiality.
        security_measures: Art. 28(3)(c): the Art. 32 measures.
        subprocessor_conditions: Art. 28(3)(d), 28(2),(4).
        assists_with_rights: Art. 28(3)(e).
        assists_with_security: Art. 28(3)(f): Art. 32-36.
        deletion_or_return: Art. 28(3)(g).
        audits: Art. 28(3)(h).
    """

    reference: str
    in_writing: bool = True
    documented_instructions: bool = False
    confidentiality: bool = False
    security_measures: bool = False
    subprocessor_conditions: bool = False
    assists_with_rights: bool = False
    assists_with_security: bool = False
    deletion_or_return: bool = False
    audits: bool = False

    def missing_clauses(self) -> tuple[str, ...]:
        """Return the names of the Art. 28(3) clauses the agreement lacks."""
        clauses = (
            "documented_instructions",
            "confidentiality",
            "security_measures",
            "subprocessor_conditions",
            "assists_with_rights",
            "assists_with_security",
            "deletion_or_return",
            "audits",
        )
        return tuple(c for c in clauses if not getattr(self, c))


@attrs.frozen(kw_only=True)
class Recipient:
    """Someone personal data is disclosed to (Art. 4(9), 13(1)(e), 15(1)(c), 30(1)(d)).

    Attributes:
        id: The id purposes and systems refer to.
        name: The legal name (recipients are named, not only categorised: CJEU C-154/21).
        role: Processor, joint controller, independent controller or public authority.
        description: What they do with the data, for notices and records.
        country: ISO 3166-1 alpha-2 code of where the data goes.
        transfer_mechanism: The Chapter V ground when the country is outside the EEA.
        transfer_assessment: A reference to the transfer impact assessment.
        contract: The Art. 28 agreement, required for processors.
        role_reasoning: Why this role was chosen where it is a judgement (LEGAL.md SEC-04).
        breach_contact: Who the processor tells of a breach (Art. 33(2); BR-04).
    """

    id: str = attrs.field(validator=identifier)
    name: str
    role: RecipientRole = attrs.field(converter=RecipientRole)
    description: Text = attrs.field(converter=to_text)
    country: str
    transfer_mechanism: TransferMechanism | None = attrs.field(
        default=None, converter=attrs.converters.optional(TransferMechanism)
    )
    transfer_assessment: str | None = None
    contract: ProcessorContract | None = None
    role_reasoning: str | None = None
    breach_contact: str | None = None


@attrs.frozen(kw_only=True)
class SecurityMeasures:
    """Technical and organisational measures under the Art. 32(1)(a)-(d) headings.

    Attributes:
        encryption: (a) pseudonymisation and encryption, in transit and at rest.
        confidentiality: (b) ongoing confidentiality, integrity, availability, resilience.
        restore: (c) restoring availability and access after an incident.
        testing: (d) regularly testing and evaluating the measures.
        encrypted_at_rest: Whether stored data is encrypted (Art. 34(3)(a) relies on it).
        transport: The transport protection, e.g. ``"TLS 1.2"`` (SSL is flagged insecure).
        last_restore_test: When restoring was last tested.
        last_tested: When the measures were last tested.
        next_test_due: When the next test is due.
    """

    encryption: Text = attrs.field(converter=to_text)
    confidentiality: Text = attrs.field(converter=to_text)
    restore: Text = attrs.field(converter=to_text)
    testing: Text = attrs.field(converter=to_text)
    encrypted_at_rest: bool = False
    transport: str | None = None
    last_restore_test: dt.date | None = None
    last_tested: dt.date | None = None
    next_test_due: dt.date | None = None


@attrs.frozen(kw_only=True)
class System:
    """A system that holds personal data, with its security measures (Art. 30(1)(g), 32).

    Attributes:
        id: The id purposes refer to.
        name: The system's name.
        description: What it is, in plain words.
        security: Its Art. 32(1) measures.
        hosted_by: The id of the processor that hosts or runs it, if any.
    """

    id: str = attrs.field(validator=identifier)
    name: str
    description: Text = attrs.field(converter=to_text)
    security: SecurityMeasures
    hosted_by: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)


@attrs.frozen(kw_only=True)
class Compatibility:
    """An Art. 6(4) assessment that allows data collected for one purpose to serve this one.

    Attributes:
        purpose: The id of the purpose the data was collected for.
        assessment: A reference to the written assessment of factors 6(4)(a)-(e).
    """

    purpose: str
    assessment: str


@attrs.frozen(kw_only=True)
class Purpose:
    """One purpose of processing and everything the law ties to it (Art. 5(1)(b), 6, 13, 30).

    Attributes:
        id: The id code uses (``purpose="invoicing"``).
        name: A short name.
        description: A specific description of what is done and why (REG-03).
        legal_basis: Exactly one Art. 6(1) basis (REG-07).
        law_reference: The law, for legal obligation and public task (Art. 6(3); REG-08).
        legitimate_interest: The interest pursued, for legitimate interests (Art. 13(1)(d)).
        balancing_test: A reference to the balancing test (REG-09).
        consent: What is consented to, for consent (REG-10).
        special_condition: The Art. 9(2) condition, when a special category is used (REG-11).
        special_law_reference: The law behind conditions (b), (g)-(j).
        categories: The ids of the data categories it needs, and only those (REG-04).
        subject_categories: The ids of the categories of people concerned.
        recipients: The ids of the recipients the data is disclosed to.
        systems: The ids of the systems the data is held in.
        retention: How long the data is kept for this purpose.
        retention_criteria: Where no period can be fixed, the criteria (Art. 13(2)(a)).
        direct_marketing: Whether it is direct marketing: objection is absolute (Art. 21(2),(3)).
        email_marketing: The Marknadsföringslag 19 § ground, for marketing by e-mail.
        provision: Whether providing the data is statutory, contractual or voluntary
            (Art. 13(2)(e); REG-16).
        consequence_of_not_providing: What happens if the data is not provided.
        compatible_with: Art. 6(4) assessments allowing data of other purposes here (REG-03).
        automated_decision_making: Whether it makes decisions with legal or similarly
            significant effects by automated means (Art. 22); none in the seeds.
    """

    id: str = attrs.field(validator=identifier)
    name: Text = attrs.field(converter=to_text)
    description: Text = attrs.field(converter=to_text)
    legal_basis: LegalBasis = attrs.field(converter=LegalBasis)
    law_reference: str | None = None
    legitimate_interest: Text | None = attrs.field(default=None, converter=optional_text)
    balancing_test: str | None = None
    consent: ConsentDefinition | None = None
    special_condition: SpecialCategoryCondition | None = attrs.field(
        default=None, converter=attrs.converters.optional(SpecialCategoryCondition)
    )
    special_law_reference: str | None = None
    categories: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    subject_categories: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    recipients: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    systems: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    retention: RetentionRule | None = None
    retention_criteria: Text | None = attrs.field(default=None, converter=optional_text)
    direct_marketing: bool = False
    email_marketing: EmailMarketing | None = None
    provision: ProvisionRequirement = attrs.field(
        default=ProvisionRequirement.VOLUNTARY, converter=ProvisionRequirement
    )
    consequence_of_not_providing: Text | None = attrs.field(default=None, converter=optional_text)
    compatible_with: tuple[Compatibility, ...] = attrs.field(default=(), converter=as_tuple)
    automated_decision_making: bool = False

    @property
    def objection_applies(self) -> bool:
        """Whether the Art. 21 right to object applies: bases (e) and (f), and direct marketing."""
        return self.direct_marketing or self.legal_basis in {
            LegalBasis.PUBLIC_TASK,
            LegalBasis.LEGITIMATE_INTERESTS,
        }


@attrs.frozen(kw_only=True)
class Tracker:
    """A cookie or similar technology on the user's device (LEK 2022:482 9 kap. 28 §; CON-12).

    Attributes:
        id: The inventory id.
        name: The cookie or storage key name as set in the browser.
        provider: Who sets it (the organisation, or the third party's name).
        third_party: Whether a third party sets it.
        purpose: What it is for, in plain words.
        category: Strictly necessary, preferences, statistics or marketing.
        session: Whether it ends when the browser closes.
        lifetime: How long a persistent tracker lasts, in words ("13 months").
        data_collected: What information it collects.
        recipient: The id of the recipient receiving the data, if any (for transfers).
    """

    id: str = attrs.field(validator=identifier)
    name: str
    provider: str
    third_party: bool = False
    purpose: Text = attrs.field(converter=to_text)
    category: TrackerCategory = attrs.field(converter=TrackerCategory)
    session: bool = False
    lifetime: Text | None = attrs.field(default=None, converter=optional_text)
    data_collected: Text = attrs.field(converter=to_text)
    recipient: str | None = None

    @property
    def consent_required(self) -> bool:
        """Whether storing or reading it needs consent: all but strictly necessary (CON-12)."""
        return self.category is not TrackerCategory.STRICTLY_NECESSARY


@attrs.frozen(kw_only=True)
class ProcessingOnBehalf:
    """Processing the organisation carries out as a processor for another controller (Art. 30(2)).

    Attributes:
        id: An id for the activity.
        controller: The controller's name (or a category, "customers of the web services").
        controller_contact: How to reach that controller.
        description: The categories of processing carried out (Art. 30(2)(b)).
        systems: The ids of the systems used.
        transfers: Transfers to third countries, in words, or ``None`` (Art. 30(2)(c)).
    """

    id: str = attrs.field(validator=identifier)
    controller: str
    controller_contact: str
    description: Text = attrs.field(converter=to_text)
    systems: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    transfers: Text | None = attrs.field(default=None, converter=optional_text)


def _index(items: tuple[_Identified, ...]) -> Mapping[str, _Identified]:
    return {item.id: item for item in items}


@attrs.frozen(kw_only=True)
class _Indexes:
    """A policy's declarations by id."""

    purposes: Mapping[str, Purpose]
    categories: Mapping[str, DataCategory]
    roles: Mapping[str, Role]
    recipients: Mapping[str, Recipient]
    systems: Mapping[str, System]


@attrs.frozen(kw_only=True)
class Policy:
    """Everything an organisation declares about its processing, validated as a whole.

    Constructing a policy validates it and raises one :class:`~gdprkit.errors.PolicyError`
    listing every problem, each with its path. The content hash identifies the exact
    declaration, so notices, records and consent proofs can say which one they came from.

    Attributes:
        version: The organisation's own version label, e.g. ``"2026.1"``.
        effective_date: The date from which the policy applies.
        organisation: The controller.
        categories: The personal data categories processed.
        subject_categories: The categories of people concerned.
        roles: The staff roles and the purposes they serve.
        recipients: Everyone data is disclosed to.
        systems: The systems holding personal data.
        purposes: The purposes of processing.
        trackers: Cookies and similar technologies.
        processing_on_behalf: Processing done as a processor for others (Art. 30(2)).
    """

    version: str
    effective_date: dt.date
    organisation: Organisation
    categories: tuple[DataCategory, ...] = attrs.field(converter=as_tuple)
    subject_categories: tuple[SubjectCategory, ...] = attrs.field(converter=as_tuple)
    roles: tuple[Role, ...] = attrs.field(default=(), converter=as_tuple)
    recipients: tuple[Recipient, ...] = attrs.field(default=(), converter=as_tuple)
    systems: tuple[System, ...] = attrs.field(default=(), converter=as_tuple)
    purposes: tuple[Purpose, ...] = attrs.field(converter=as_tuple)
    trackers: tuple[Tracker, ...] = attrs.field(default=(), converter=as_tuple)
    processing_on_behalf: tuple[ProcessingOnBehalf, ...] = attrs.field(
        default=(), converter=as_tuple
    )
    content_hash: str = attrs.field(init=False, eq=False, repr=False)
    # Lookups by id, built once: the service and the engine look purposes up per call.
    _by_id: _Indexes = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        from gdprkit.policy.validation import find_problems  # noqa: PLC0415 - mutual import

        problems = find_problems(self)
        if problems:
            raise PolicyError(problems)
        digest = hashlib.sha256(canonical_json(self).encode()).hexdigest()
        object.__setattr__(self, "content_hash", digest)
        indexes = _Indexes(
            purposes=_index(self.purposes),
            categories=_index(self.categories),
            roles=_index(self.roles),
            recipients=_index(self.recipients),
            systems=_index(self.systems),
        )
        object.__setattr__(self, "_by_id", indexes)

    def purpose(self, purpose_id: str) -> Purpose:
        """Return the purpose with this id.

        Raises:
            NotFoundError: no such purpose is declared.
        """
        return _lookup(self._by_id.purposes, purpose_id, "purpose")

    def category(self, category_id: str) -> DataCategory:
        """Return the data category with this id (raises ``NotFoundError`` if undeclared)."""
        return _lookup(self._by_id.categories, category_id, "data category")

    def role(self, role_id: str) -> Role:
        """Return the role with this id (raises ``NotFoundError`` if undeclared)."""
        return _lookup(self._by_id.roles, role_id, "role")

    def recipient(self, recipient_id: str) -> Recipient:
        """Return the recipient with this id (raises ``NotFoundError`` if undeclared)."""
        return _lookup(self._by_id.recipients, recipient_id, "recipient")

    def system(self, system_id: str) -> System:
        """Return the system with this id (raises ``NotFoundError`` if undeclared)."""
        return _lookup(self._by_id.systems, system_id, "system")

    def readable_categories(self, role_id: str, purpose_id: str) -> frozenset[str]:
        """Return the categories *role_id* may read for *purpose_id*: need-to-know (Art. 32(4)).

        Empty when the role does not serve the purpose: nothing is granted by default.
        """
        role = self.role(role_id)
        purpose = self.purpose(purpose_id)
        if purpose.id not in role.purposes:
            return frozenset()
        return frozenset(purpose.categories)

    def purposes_using(self, category_id: str) -> Iterator[Purpose]:
        """Yield the purposes that declare *category_id*."""
        return (p for p in self.purposes if category_id in p.categories)

    def to_dict(self) -> dict[str, Any]:
        """Return the policy as plain JSON-compatible data (the TOML shape)."""
        from gdprkit.policy.serialize import unstructure  # noqa: PLC0415 - mutual import

        result = unstructure(self)
        if not isinstance(
            result, dict
        ):  # pragma: no cover - a Policy always unstructures to a dict
            raise TypeError(type(result).__name__)
        return result

    def to_json(self, *, indent: int | None = 2) -> str:
        """Return the policy as JSON for other tools; keys sorted, so equal policies match."""
        return json.dumps(self.to_dict(), indent=indent, sort_keys=True, ensure_ascii=False)


def canonical_json(policy: Policy) -> str:
    """Return the canonical encoding the content hash is taken over (sorted, compact, UTF-8)."""
    return json.dumps(policy.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _lookup(index: Mapping[str, _Identified], key: str, what: str) -> _Identified:
    try:
        return index[key]
    except KeyError:
        msg = f"no {what} with id {key!r} is declared in the policy"
        raise NotFoundError(msg) from None
