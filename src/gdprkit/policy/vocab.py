"""Closed vocabularies of the GDPR, as enums.

Each member's value is the string used in TOML policy files and JSON exports; each
docstring cites the provision the member stands for. Unknown strings are rejected
when a policy is loaded (LEGAL.md REG-07), so a typo never becomes a legal basis.
"""

from __future__ import annotations

import enum

from gdprkit.errors import PolicyError, Problem

__all__ = [
    "Anchor",
    "ClosedVocabulary",
    "ConsentChannel",
    "ConsentKind",
    "DisposalAction",
    "EmailMarketingBasis",
    "LegalBasis",
    "ProvisionRequirement",
    "RecipientRole",
    "SpecialCategoryCondition",
    "TrackerCategory",
    "TransferMechanism",
    "Trigger",
]


class ClosedVocabulary(enum.StrEnum):
    """A closed vocabulary: an unknown string is a policy problem naming the allowed values."""

    @classmethod
    def _missing_(cls, value: object) -> None:
        allowed = ", ".join(m.value for m in cls)
        msg = f"unknown value {value!r}; expected one of: {allowed}"
        raise PolicyError(Problem(path=cls.__name__, message=msg))


class LegalBasis(ClosedVocabulary):
    """The lawful basis of a purpose: exactly one of Art. 6(1)(a)-(f) (LEGAL.md REG-07)."""

    CONSENT = "consent"
    """Art. 6(1)(a): the data subject has given consent to processing for the purpose."""
    CONTRACT = "contract"
    """Art. 6(1)(b): necessary to perform a contract with the subject, or to enter into one."""
    LEGAL_OBLIGATION = "legal_obligation"
    """Art. 6(1)(c): necessary to comply with a legal obligation; needs a law (Art. 6(3))."""
    VITAL_INTERESTS = "vital_interests"
    """Art. 6(1)(d): necessary to protect the vital interests of a natural person."""
    PUBLIC_TASK = "public_task"
    """Art. 6(1)(e): a task in the public interest or official authority; needs a law reference."""
    LEGITIMATE_INTERESTS = "legitimate_interests"
    """Art. 6(1)(f): the organisation's legitimate interests, after a balancing test."""

    @property
    def article(self) -> str:
        """The provision, e.g. ``"Art. 6(1)(b)"``."""
        return f"Art. 6(1)({'abcdef'[list(LegalBasis).index(self)]})"


class SpecialCategoryCondition(ClosedVocabulary):
    """An Art. 9(2) condition, required in addition to Art. 6 for special categories (REG-11)."""

    EXPLICIT_CONSENT = "explicit_consent"
    """Art. 9(2)(a): explicit consent."""
    EMPLOYMENT_SOCIAL_SECURITY = "employment_social_security"
    """Art. 9(2)(b): employment, social security and social protection law."""
    VITAL_INTERESTS = "vital_interests"
    """Art. 9(2)(c): vital interests where the subject cannot consent."""
    NOT_FOR_PROFIT_BODY = "not_for_profit_body"
    """Art. 9(2)(d): a foundation, association or not-for-profit body, for its members."""
    MADE_PUBLIC_BY_SUBJECT = "made_public_by_subject"
    """Art. 9(2)(e): manifestly made public by the data subject."""
    LEGAL_CLAIMS = "legal_claims"
    """Art. 9(2)(f): establishment, exercise or defence of legal claims, or courts."""
    SUBSTANTIAL_PUBLIC_INTEREST = "substantial_public_interest"
    """Art. 9(2)(g): substantial public interest, on the basis of law."""
    HEALTH_OR_SOCIAL_CARE = "health_or_social_care"
    """Art. 9(2)(h): preventive or occupational medicine, health or social care."""
    PUBLIC_HEALTH = "public_health"
    """Art. 9(2)(i): public interest in the area of public health."""
    ARCHIVING_RESEARCH_STATISTICS = "archiving_research_statistics"
    """Art. 9(2)(j): archiving, scientific or historical research, statistics (Art. 89(1))."""

    @property
    def article(self) -> str:
        """The provision, e.g. ``"Art. 9(2)(a)"``."""
        return f"Art. 9(2)({'abcdefghij'[list(SpecialCategoryCondition).index(self)]})"

    @property
    def needs_law_reference(self) -> bool:
        """Conditions (b), (g), (h), (i) and (j) rest on Union or Member State law (REG-11)."""
        return self in _CONDITIONS_NEEDING_LAW


_CONDITIONS_NEEDING_LAW = frozenset(
    {
        SpecialCategoryCondition.EMPLOYMENT_SOCIAL_SECURITY,
        SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST,
        SpecialCategoryCondition.HEALTH_OR_SOCIAL_CARE,
        SpecialCategoryCondition.PUBLIC_HEALTH,
        SpecialCategoryCondition.ARCHIVING_RESEARCH_STATISTICS,
    }
)


class RecipientRole(ClosedVocabulary):
    """The legal role of a recipient of personal data (Art. 4(9), 26, 28; LEGAL.md REG-14)."""

    PROCESSOR = "processor"
    """Art. 28: processes on the organisation's behalf, under a written contract."""
    JOINT_CONTROLLER = "joint_controller"
    """Art. 26: determines purposes and means jointly with the organisation."""
    INDEPENDENT_CONTROLLER = "independent_controller"
    """Art. 4(7): a controller in its own right (e.g. a partner running its own offer)."""
    PUBLIC_AUTHORITY = "public_authority"
    """Art. 4(9): a public authority receiving data under a legal duty."""


class TransferMechanism(ClosedVocabulary):
    """The Chapter V ground for a transfer outside the EEA (Art. 44-49; LEGAL.md REG-14)."""

    ADEQUACY = "adequacy"
    """Art. 45: an adequacy decision of the Commission covers the country or framework."""
    SCC_2021_914 = "scc_2021_914"
    """Art. 46(2)(c): standard contractual clauses, Commission Decision (EU) 2021/914."""
    BINDING_CORPORATE_RULES = "bcr"
    """Art. 47: binding corporate rules."""
    ART49_DEROGATION = "art49_derogation"
    """Art. 49: a derogation for a specific situation."""


class Trigger(ClosedVocabulary):
    """The event a retention period runs from (LEGAL.md RET-01, RET-08, RET-12).

    The period starts from when this event happened, never from when a row was written.
    """

    COLLECTED = "collected"
    """When the data was collected from or about the subject."""
    LAST_ACTIVITY = "last_activity"
    """The subject's last activity (login, purchase, reply); moves forward with each one."""
    CONTRACT_END = "contract_end"
    """The end of the contract or licence the data serves."""
    ACCOUNT_CLOSED = "account_closed"
    """The closing of the subject's account."""
    FINANCIAL_YEAR_END = "financial_year_end"
    """The end of the financial year in which an event (an invoice date) falls.

    The event date is recorded; the end of the organisation's financial year that
    contains it is derived, so nobody records year ends by hand (Bokföringslagen 7:2).
    """
    CONSENT_WITHDRAWN = "consent_withdrawn"
    """The withdrawal of the consent the purpose rests on (Art. 7(3), 17(1)(b))."""
    CUSTOM = "custom"
    """A named event of the organisation's own (``event = "ticket_closed"``)."""


class Anchor(ClosedVocabulary):
    """Where a period's count starts once the trigger date is known (LEGAL.md RET-01, DATE-05)."""

    NONE = "none"
    """Count from the trigger date itself."""
    END_OF_MONTH = "end_of_month"
    """Count from the last day of the trigger's month."""
    END_OF_CALENDAR_YEAR = "end_of_calendar_year"
    """Count from 31 December of the trigger's year."""
    END_OF_FINANCIAL_YEAR = "end_of_financial_year"
    """Count from the last day of the organisation's financial year containing the trigger."""


class DisposalAction(ClosedVocabulary):
    """What happens to data once no purpose needs it (LEGAL.md RET-01, RET-09, REG-02)."""

    DELETE = "delete"
    """Remove the data (and shred its keys once nothing of the subject remains)."""
    ANONYMISE = "anonymise"
    """Irreversibly remove the link to the person; no re-identification key may remain."""
    REVIEW = "review"
    """Open a disposition review; nothing is disposed of until a reviewer approves."""


class ProvisionRequirement(ClosedVocabulary):
    """Whether the subject must provide the data, for the notice (Art. 13(2)(e); REG-16)."""

    STATUTORY = "statutory"
    """Required by law."""
    CONTRACTUAL = "contractual"
    """Required by, or to enter into, a contract."""
    VOLUNTARY = "voluntary"
    """The subject may choose not to provide it."""


class ConsentKind(ClosedVocabulary):
    """How strong a consent must be (Art. 4(11), 7, 9(2)(a))."""

    STANDARD = "standard"
    """Freely given, specific, informed and unambiguous (Art. 4(11))."""
    EXPLICIT = "explicit"
    """Explicit consent, required for special categories under Art. 9(2)(a)."""


class ConsentChannel(ClosedVocabulary):
    """Where consent is given or withdrawn; withdrawal must be as easy as giving (Art. 7(3))."""

    WEB_FORM = "web_form"
    """A form on a website."""
    APP = "app"
    """A setting or prompt in an application."""
    EMAIL_LINK = "email_link"
    """A link in an e-mail (e.g. the unsubscribe link)."""
    IN_PERSON = "in_person"
    """Face to face, recorded by staff."""
    PHONE = "phone"
    """By telephone, recorded by staff."""
    PAPER = "paper"
    """A signed paper form."""


class EmailMarketingBasis(ClosedVocabulary):
    """The ground for e-mail direct marketing under Marknadsföringslag (2008:486) 19 § (CON-15)."""

    PRIOR_CONSENT = "prior_consent"
    """The person consented in advance."""
    EXISTING_CUSTOMER = "existing_customer"
    """Soft opt-in: an address obtained in a sale, for the organisation's own similar products."""


class TrackerCategory(ClosedVocabulary):
    """The category of a cookie or similar tracker (LEK 2022:482 9 kap. 28 §; CON-12)."""

    STRICTLY_NECESSARY = "strictly_necessary"
    """Needed to transmit a communication or provide a service the user asked for: no consent."""
    PREFERENCES = "preferences"
    """Remembers the user's choices; needs consent."""
    STATISTICS = "statistics"
    """Measures use of the site; needs consent."""
    MARKETING = "marketing"
    """Advertising and profiling; needs consent."""
