"""The breach register's vocabulary and values: what the law asks to be recorded (Art. 33, 34).

Pure: nothing here reads a store, a key or the system clock. A :class:`Breach` is the
register entry of LEGAL.md BR-01 (Art. 33(5)): the facts, the effects, the remedial
action, the risk assessment and the notification decision with its reasoning, plus
the notification to the supervisory authority in phases (Art. 33(4)), the
communication to the people concerned (Art. 34) and any Art. 34(3) exemption.

A breach's :attr:`~Breach.state` is derived from what is recorded, never stored on its
own, so it cannot drift from the facts::

    open ──assess──► assessed ──decide──► notification_due ──notify──► notified_in_part
                          ▲                  │   ▲                        │
                          │                  ▼   │                        ▼
                          └──re-assess── not_notified               notified ──close──► closed
                                             └───────────close──────────────────────────┘

:data:`TRANSITIONS` lists every move an operation can make; anything else is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from gdprkit.clock import to_utc
from gdprkit.errors import ConflictError, DeadlineError, InvalidInputError
from gdprkit.legaltime.breach import NOTIFICATION_PERIOD, BreachClock, breach_clock
from gdprkit.policy._fields import Text, to_text
from gdprkit.policy.model import Contact, Policy
from gdprkit.policy.vocab import ClosedVocabulary

__all__ = [
    "TRANSITIONS",
    "AuthorityRequest",
    "Breach",
    "BreachScope",
    "BreachState",
    "BreachType",
    "Communication",
    "CommunicationMethod",
    "CommunicationStatus",
    "Exemption",
    "ExemptionRecord",
    "NotificationDecision",
    "NotificationItem",
    "NotificationPhase",
    "OpenBreach",
    "ProcessorNotice",
    "RiskAssessment",
    "RiskLevel",
    "Step",
    "affected_purposes",
    "available_items",
    "contact_point",
    "encryption_exemption_problems",
    "open_breach",
]

_FORMAT_VERSION = 1
_SECONDS_PER_HOUR = 3600


# --- vocabularies ---------------------------------------------------------------------


class RiskLevel(ClosedVocabulary):
    """The risk a breach poses to people's rights and freedoms (Art. 33(1), 34(1); BR-01)."""

    NONE = "none"
    """Unlikely to result in a risk: recorded (Art. 33(5)), not notified (Art. 33(1))."""
    RISK = "risk"
    """Likely to result in a risk: notify the supervisory authority within 72 hours (Art. 33(1))."""
    HIGH_RISK = "high_risk"
    """Likely to result in a high risk: also tell the people concerned (Art. 34(1))."""


class BreachType(ClosedVocabulary):
    """What the breach did to the data (Art. 4(12); the EDPB's three kinds of breach)."""

    CONFIDENTIALITY = "confidentiality"
    """Unauthorised or accidental disclosure of, or access to, personal data."""
    INTEGRITY = "integrity"
    """Unauthorised or accidental alteration of personal data."""
    AVAILABILITY = "availability"
    """Accidental or unauthorised loss of access to, or destruction of, personal data."""


class BreachState(ClosedVocabulary):
    """Where a breach stands; derived from what the register holds (see :data:`TRANSITIONS`)."""

    OPEN = "open"
    """Registered (Art. 33(5)); the risk is not assessed yet."""
    ASSESSED = "assessed"
    """The risk is assessed; the notification decision is pending."""
    NOTIFICATION_DUE = "notification_due"
    """Decided to notify the supervisory authority (Art. 33(1)); not notified yet."""
    NOT_NOTIFIED = "not_notified"
    """Decided not to notify: unlikely to result in a risk (Art. 33(1)); reasons recorded."""
    NOTIFIED_IN_PART = "notified_in_part"
    """Notified, with items still to follow in phases (Art. 33(4))."""
    NOTIFIED = "notified"
    """Every Art. 33(3) item has been submitted to the supervisory authority."""
    CLOSED = "closed"
    """Handled; the entry stays in the register (Art. 33(5)) and can no longer change."""


TRANSITIONS: Mapping[BreachState, frozenset[BreachState]] = {
    BreachState.OPEN: frozenset({BreachState.OPEN, BreachState.ASSESSED}),
    BreachState.ASSESSED: frozenset(
        {BreachState.ASSESSED, BreachState.NOTIFICATION_DUE, BreachState.NOT_NOTIFIED}
    ),
    BreachState.NOTIFICATION_DUE: frozenset(
        {
            BreachState.NOTIFICATION_DUE,
            BreachState.NOT_NOTIFIED,
            BreachState.NOTIFIED_IN_PART,
            BreachState.NOTIFIED,
        }
    ),
    BreachState.NOT_NOTIFIED: frozenset(
        {
            BreachState.NOT_NOTIFIED,
            BreachState.ASSESSED,
            BreachState.NOTIFICATION_DUE,
            BreachState.CLOSED,
        }
    ),
    BreachState.NOTIFIED_IN_PART: frozenset({BreachState.NOTIFIED_IN_PART, BreachState.NOTIFIED}),
    BreachState.NOTIFIED: frozenset({BreachState.NOTIFIED, BreachState.CLOSED}),
    BreachState.CLOSED: frozenset(),
}
"""Every state change an operation may make (from-state to the states it may reach)."""


class NotificationItem(ClosedVocabulary):
    """An item a notification to the supervisory authority must contain (Art. 33(3); BR-03)."""

    NATURE = "nature"
    """Art. 33(3)(a): the nature of the breach."""
    SUBJECTS = "subjects"
    """Art. 33(3)(a): the categories and approximate number of data subjects concerned."""
    RECORDS = "records"
    """Art. 33(3)(a): the categories and approximate number of personal data records concerned."""
    CONTACT = "contact"
    """Art. 33(3)(b): the name and contact details of the DPO or other contact point."""
    CONSEQUENCES = "consequences"
    """Art. 33(3)(c): the likely consequences of the breach."""
    MEASURES = "measures"
    """Art. 33(3)(d): the measures taken or proposed, including mitigation."""

    @property
    def provision(self) -> str:
        """The provision, e.g. ``"33(3)(b)"``."""
        return _ITEM_PROVISION[self]


_ITEM_PROVISION = {
    NotificationItem.NATURE: "33(3)(a)",
    NotificationItem.SUBJECTS: "33(3)(a)",
    NotificationItem.RECORDS: "33(3)(a)",
    NotificationItem.CONTACT: "33(3)(b)",
    NotificationItem.CONSEQUENCES: "33(3)(c)",
    NotificationItem.MEASURES: "33(3)(d)",
}


class Exemption(ClosedVocabulary):
    """Why people need not be told of a high-risk breach individually (Art. 34(3); BR-05)."""

    ENCRYPTED = "encrypted"
    """Art. 34(3)(a): the data was encrypted by gdprkit with keys the breach did not reach."""
    MITIGATED = "mitigated"
    """Art. 34(3)(b): later measures ensure the high risk is no longer likely to materialise."""
    DISPROPORTIONATE_EFFORT = "disproportionate_effort"
    """Art. 34(3)(c): telling each person would be disproportionate; a public communication
    is made instead."""

    @property
    def provision(self) -> str:
        """The provision, e.g. ``"34(3)(a)"``."""
        return f"34(3)({'abc'[list(Exemption).index(self)]})"


class CommunicationMethod(ClosedVocabulary):
    """How the people concerned were told (Art. 34(2), 34(3)(c))."""

    INDIVIDUAL = "individual"
    """Directly to each person concerned (Art. 34(1))."""
    PUBLIC = "public"
    """A public communication or similar measure (Art. 34(3)(c))."""


class CommunicationStatus(ClosedVocabulary):
    """Whether the Art. 34 duty to tell the people concerned is met."""

    NOT_REQUIRED = "not_required"
    """The breach is not assessed as high risk and the authority has not required it."""
    OUTSTANDING = "outstanding"
    """The people concerned must be told and have not been."""
    COMMUNICATED = "communicated"
    """They were told (individually, or publicly under Art. 34(3)(c))."""
    EXEMPT = "exempt"
    """An Art. 34(3)(a) or (b) exemption applies, or the authority decided one does (34(4))."""


class Step(ClosedVocabulary):
    """What remains to be done for an open breach, in the order to do it."""

    ASSESS = "assess"
    """Assess the risk to people (Art. 33(1), 34(1))."""
    SCOPE = "scope"
    """Find the systems, categories and approximate numbers concerned (Art. 33(3)(a)).

    Listed while the breach is or may be notifiable; the scope is the notification's
    items on subjects and records."""
    RECORD_MEASURES = "record_measures"
    """Record the measures taken or proposed (Art. 33(3)(d), 33(5))."""
    DECIDE = "decide"
    """Decide whether to notify the supervisory authority, with reasons (Art. 33(5))."""
    NOTIFY_AUTHORITY = "notify_authority"
    """Notify the supervisory authority (Art. 33(1))."""
    SUPPLEMENT = "supplement"
    """Submit the items still missing (Art. 33(4))."""
    COMMUNICATE = "communicate"
    """Tell the people concerned (Art. 34(1)), or record an exemption (Art. 34(3))."""
    CLOSE = "close"
    """Nothing else is required: close the breach."""


# --- helpers ----------------------------------------------------------------------------


def _problem(path: str, message: str, rule: str) -> InvalidInputError:
    return InvalidInputError(f"{path}: {message} [{rule}]")


def _utc(value: dt.datetime) -> dt.datetime:
    return to_utc(value, what="a breach register instant")


def _opt_utc(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else _utc(value)


def _aware_at(value: dt.datetime) -> dt.datetime:
    return to_utc(value, what="Breach.aware_at")


def _detected_at(value: dt.datetime) -> dt.datetime:
    return to_utc(value, what="Breach.detected_at")


def _occurred_at(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else to_utc(value, what="Breach.occurred_at")


def _processor_notified_at(value: dt.datetime) -> dt.datetime:
    return to_utc(value, what="processor_notified_at")


def _texts(value: Mapping[str, str]) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()}


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise TypeError("expected a sequence of ids, not one string")
    return tuple(str(v) for v in value)


def _non_empty(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        path = f"{type(instance).__name__}.{attribute.name}"
        raise _problem(path, "must not be empty", "BR-01")


def _text_given(instance: object, attribute: attrs.Attribute[Any], value: Text | None) -> None:
    if value is not None and not value.en.strip():
        path = f"{type(instance).__name__}.{attribute.name}"
        raise _problem(path, "the English text must not be empty", "BR-01")


def _optional_text(value: Text | str | dict[str, str] | None) -> Text | None:
    return None if value is None else to_text(value)


def _count(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        path = f"{type(instance).__name__}.{attribute.name}"
        raise _problem(path, "must be a whole number, zero or more", "BR-03")


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _instant(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def _text_dict(value: Text | None) -> dict[str, str | None] | None:
    return None if value is None else {"en": value.en, "sv": value.sv}


def _text_of(value: Mapping[str, Any] | None) -> Text | None:
    return None if value is None else Text(en=value["en"], sv=value.get("sv"))


# --- the parts of a register entry ------------------------------------------------------


@attrs.frozen(kw_only=True)
class ProcessorNotice:
    """A breach at a processor, and when the processor told the organisation (Art. 33(2); BR-04).

    Attributes:
        recipient_id: The processor, as declared among the policy's recipients.
        notified_at: When the processor told the organisation, UTC. The organisation is
            aware at the latest from then, so its 72 hours run from then at the latest.
    """

    recipient_id: str = attrs.field(validator=_non_empty)
    notified_at: dt.datetime = attrs.field(converter=_processor_notified_at)


@attrs.frozen(kw_only=True)
class BreachScope:
    """What a breach reached, from the declarations and the store, without decrypting (BR-03).

    The purposes are those whose ``systems`` include an affected system; categories and
    subject categories are theirs; the numbers are the store's count of records with a
    live link to those purposes (created in the window, when one is given). They are
    approximate, as Art. 33(3)(a) allows: records already disposed of are not counted.

    Attributes:
        systems: The affected systems' ids.
        purposes: The purposes holding data in them.
        categories: The data categories those purposes declare (Art. 33(3)(a) records).
        subject_categories: The categories of people concerned (Art. 33(3)(a) subjects).
        special_categories: Those of ``categories`` that are Art. 9 or Art. 10 data.
        subjects: Approximate number of people concerned.
        records: Approximate number of personal data records concerned.
        referenced: How many of those records keep their values in the embedding
            service, so gdprkit cannot vouch for their encryption (Art. 34(3)(a)).
        unencrypted_systems: Affected systems the policy does not declare encrypted at rest.
        keys_in_scope: Whether the key-encryption key or key provider is within the
            breach; ``None`` while unknown (Art. 34(3)(a) needs an explicit ``False``).
        created_from: Only records created from this instant were counted, if set.
        created_until: Only records created before this instant were counted, if set.
        computed_at: When the scope was computed, UTC.
    """

    systems: tuple[str, ...] = attrs.field(converter=_strings)
    purposes: tuple[str, ...] = attrs.field(converter=_strings)
    categories: tuple[str, ...] = attrs.field(converter=_strings)
    subject_categories: tuple[str, ...] = attrs.field(converter=_strings)
    special_categories: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    subjects: int = attrs.field(validator=_count)
    records: int = attrs.field(validator=_count)
    referenced: int = attrs.field(validator=_count)
    unencrypted_systems: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    keys_in_scope: bool | None = None
    created_from: dt.datetime | None = attrs.field(default=None, converter=_opt_utc)
    created_until: dt.datetime | None = attrs.field(default=None, converter=_opt_utc)
    computed_at: dt.datetime = attrs.field(converter=_utc)

    def __attrs_post_init__(self) -> None:
        if not self.systems:
            raise _problem("BreachScope.systems", "name at least one affected system", "BR-03")
        if self.referenced > self.records:
            raise _problem(
                "BreachScope.referenced", "more referenced records than records", "BR-03"
            )
        window = (self.created_from, self.created_until)
        if window[0] is not None and window[1] is not None and window[0] >= window[1]:
            raise _problem("BreachScope.created_until", "must be after created_from", "BR-03")

    def to_dict(self) -> dict[str, Any]:
        """Return the scope as JSON-able data."""
        return {
            "systems": list(self.systems),
            "purposes": list(self.purposes),
            "categories": list(self.categories),
            "subject_categories": list(self.subject_categories),
            "special_categories": list(self.special_categories),
            "subjects": self.subjects,
            "records": self.records,
            "referenced": self.referenced,
            "unencrypted_systems": list(self.unencrypted_systems),
            "keys_in_scope": self.keys_in_scope,
            "created_from": _iso(self.created_from),
            "created_until": _iso(self.created_until),
            "computed_at": _iso(self.computed_at),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BreachScope:
        """Rebuild a scope from :meth:`to_dict` output."""
        return cls(
            systems=data["systems"],
            purposes=data["purposes"],
            categories=data["categories"],
            subject_categories=data["subject_categories"],
            special_categories=data["special_categories"],
            subjects=data["subjects"],
            records=data["records"],
            referenced=data["referenced"],
            unencrypted_systems=data["unencrypted_systems"],
            keys_in_scope=data["keys_in_scope"],
            created_from=_instant(data["created_from"]),
            created_until=_instant(data["created_until"]),
            computed_at=dt.datetime.fromisoformat(data["computed_at"]),
        )


@attrs.frozen(kw_only=True)
class RiskAssessment:
    """The assessed risk to people and why (Art. 33(1), 33(5), 34(1); BR-01).

    Attributes:
        level: None, risk or high risk.
        consequences: The breach's effects and likely consequences for people, in plain
            words (Art. 33(3)(c), 33(5) "effects"); shown to the authority and to people.
        reasoning: Why this level, for the register; not shown to people.
        assessed_at: When, UTC.
    """

    level: RiskLevel = attrs.field(converter=RiskLevel)
    consequences: Text = attrs.field(converter=to_text, validator=_text_given)
    reasoning: str = attrs.field(validator=_non_empty)
    assessed_at: dt.datetime = attrs.field(converter=_utc)


@attrs.frozen(kw_only=True)
class NotificationDecision:
    """Whether to notify the supervisory authority, and why (Art. 33(1), 33(5); BR-01).

    Attributes:
        notify: Whether to notify. Not notifying is allowed only when the breach is
            unlikely to result in a risk (:attr:`RiskLevel.NONE`).
        reasoning: Why; kept in the register for the authority to check (Art. 33(5)).
        decided_at: When, UTC.
    """

    notify: bool
    reasoning: str = attrs.field(validator=_non_empty)
    decided_at: dt.datetime = attrs.field(converter=_utc)


def _items(values: Iterable[NotificationItem | str]) -> tuple[NotificationItem, ...]:
    wanted = {NotificationItem(v) for v in _strings(values)}
    return tuple(i for i in NotificationItem if i in wanted)


@attrs.frozen(kw_only=True)
class NotificationPhase:
    """One submission to the supervisory authority: the first, or a supplement (Art. 33(4)).

    Attributes:
        number: 1 for the initial notification, then 2, 3, ... for supplements.
        submitted_at: When it was submitted, UTC.
        items: The Art. 33(3) items it contained.
        missing: The items still missing after it; the notification is incomplete
            while any are.
        late: Whether the initial notification came after the 72 hours (Art. 33(1)).
        delay_reason: The reasons for the delay; required when ``late``.
        reference: The authority's case number, once known.
        language: The language it was written in.
        text_sha256: The hex SHA-256 of the text submitted (kept in the store's texts).
    """

    number: int = attrs.field(validator=_count)
    submitted_at: dt.datetime = attrs.field(converter=_utc)
    items: tuple[NotificationItem, ...] = attrs.field(converter=_items)
    missing: tuple[NotificationItem, ...] = attrs.field(converter=_items)
    late: bool = False
    delay_reason: str | None = None
    reference: str | None = None
    language: str
    text_sha256: str

    def __attrs_post_init__(self) -> None:
        if self.late and not (self.delay_reason or "").strip():
            msg = "a notification after the 72 hours must give the reasons for the delay"
            raise DeadlineError(f"{msg} (Art. 33(1))")

    @property
    def initial(self) -> bool:
        """Whether this is the initial notification rather than a supplement."""
        return self.number == 1

    def to_dict(self) -> dict[str, Any]:
        """Return the phase as JSON-able data."""
        return {
            "number": self.number,
            "submitted_at": _iso(self.submitted_at),
            "items": [i.value for i in self.items],
            "missing": [i.value for i in self.missing],
            "late": self.late,
            "delay_reason": self.delay_reason,
            "reference": self.reference,
            "language": self.language,
            "text_sha256": self.text_sha256,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NotificationPhase:
        """Rebuild a phase from :meth:`to_dict` output."""
        return cls(
            number=data["number"],
            submitted_at=dt.datetime.fromisoformat(data["submitted_at"]),
            items=data["items"],
            missing=data["missing"],
            late=data["late"],
            delay_reason=data["delay_reason"],
            reference=data["reference"],
            language=data["language"],
            text_sha256=data["text_sha256"],
        )


@attrs.frozen(kw_only=True)
class Communication:
    """A communication of the breach to the people concerned (Art. 34(1), 34(2)).

    Attributes:
        communicated_at: When it was sent or published, UTC.
        method: Individually, or publicly (Art. 34(3)(c)).
        texts: Language to the hex SHA-256 of the text used (kept in the store's texts).
    """

    communicated_at: dt.datetime = attrs.field(converter=_utc)
    method: CommunicationMethod = attrs.field(converter=CommunicationMethod)
    texts: dict[str, str] = attrs.field(factory=dict, converter=_texts, hash=False)


@attrs.frozen(kw_only=True)
class ExemptionRecord:
    """An Art. 34(3) exemption from telling people individually, and why (BR-05).

    Attributes:
        exemption: Which one.
        reasoning: Why it applies.
        recorded_at: When it was recorded, UTC.
    """

    exemption: Exemption = attrs.field(converter=Exemption)
    reasoning: str = attrs.field(validator=_non_empty)
    recorded_at: dt.datetime = attrs.field(converter=_utc)


@attrs.frozen(kw_only=True)
class AuthorityRequest:
    """The supervisory authority's word on telling people (Art. 34(4); BR-05).

    Attributes:
        at: When the authority said so, UTC.
        requires_communication: ``True`` when it requires the people to be told;
            ``False`` when it decided that an Art. 34(3) condition is met.
        reference: The authority's reference, if any.
    """

    at: dt.datetime = attrs.field(converter=_utc)
    requires_communication: bool
    reference: str | None = None


# --- the register entry -----------------------------------------------------------------


def _types(values: Iterable[BreachType | str]) -> tuple[BreachType, ...]:
    wanted = {BreachType(v) for v in _strings(values)}
    return tuple(t for t in BreachType if t in wanted)


def _tuple(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Breach:
    """A personal-data breach as the register holds it (Art. 33(5); LEGAL.md BR-01 to BR-05).

    Everything is recorded, notifiable or not: the facts, the effects (the assessment's
    consequences), the remedial action (``measures``), the risk assessment and the
    notification decision with its reasoning. Texts are written by the organisation
    and hold no more personal data than the law requires: describe the breach and the
    kinds of data, never the people (their number comes from :class:`BreachScope`).

    Attributes:
        id: Chosen by the caller, e.g. ``"2026-007"``.
        aware_at: When the organisation became aware, UTC; the Art. 33(1) clock starts here.
        detected_at: When the incident was detected, UTC; at or before ``aware_at``.
        created_at: When the breach was registered, UTC.
        occurred_at: When the breach happened, UTC, if known.
        types: Confidentiality, integrity and/or availability.
        facts: What happened, in words for the authority and the people concerned.
        measures: The measures taken or proposed, including mitigation (Art. 33(3)(d)).
        processor: For a breach at a processor, who reported it and when (Art. 33(2)).
        scope: What the breach reached, once computed (Art. 33(3)(a)).
        assessment: The risk assessment, once made.
        decision: The notification decision, once made.
        phases: The submissions to the supervisory authority, in order (Art. 33(4)).
        communications: The communications to the people concerned (Art. 34).
        exemptions: Art. 34(3) exemptions recorded, at most one of each kind.
        authority_requests: What the authority said about telling people (Art. 34(4)).
        closed_at: When it was closed, UTC.
        closing_note: Why it could be closed, if said.
    """

    id: str = attrs.field(validator=_non_empty)
    aware_at: dt.datetime = attrs.field(converter=_aware_at)
    detected_at: dt.datetime = attrs.field(converter=_detected_at)
    created_at: dt.datetime = attrs.field(converter=_utc)
    occurred_at: dt.datetime | None = attrs.field(default=None, converter=_occurred_at)
    types: tuple[BreachType, ...] = attrs.field(converter=_types)
    facts: Text = attrs.field(converter=to_text, validator=_text_given)
    measures: Text | None = attrs.field(
        default=None, converter=_optional_text, validator=_text_given
    )
    processor: ProcessorNotice | None = None
    scope: BreachScope | None = None
    assessment: RiskAssessment | None = None
    decision: NotificationDecision | None = None
    phases: tuple[NotificationPhase, ...] = attrs.field(default=(), converter=_tuple)
    communications: tuple[Communication, ...] = attrs.field(default=(), converter=_tuple)
    exemptions: tuple[ExemptionRecord, ...] = attrs.field(default=(), converter=_tuple)
    authority_requests: tuple[AuthorityRequest, ...] = attrs.field(default=(), converter=_tuple)
    closed_at: dt.datetime | None = attrs.field(default=None, converter=_opt_utc)
    closing_note: str | None = None

    def __attrs_post_init__(self) -> None:
        if not self.types:
            raise _problem("Breach.types", "name at least one kind of breach", "BR-01")
        if self.detected_at > self.aware_at:
            raise DeadlineError(
                "detected_at is after aware_at: the organisation cannot become aware of a "
                "breach before it is detected (Art. 33(1))"
            )
        if self.occurred_at is not None and self.occurred_at > self.detected_at:
            raise DeadlineError("occurred_at is after the breach was detected")
        if self.processor is not None and self.aware_at > self.processor.notified_at:
            raise DeadlineError(
                "aware_at is after the processor told the organisation: the 72 hours run "
                "from the processor's notice at the latest (Art. 33(1), 33(2))"
            )
        kinds = [e.exemption for e in self.exemptions]
        if len(kinds) != len(set(kinds)):
            raise _problem("Breach.exemptions", "one record per exemption", "BR-05")

    # --- derived facts ----------------------------------------------------------------

    @property
    def state(self) -> BreachState:
        """Where the breach stands, derived from what is recorded."""
        if self.closed_at is not None:
            return BreachState.CLOSED
        if self.phases:
            return BreachState.NOTIFIED_IN_PART if self.missing_items else BreachState.NOTIFIED
        if self.decision is not None:
            if self.decision.notify:
                return BreachState.NOTIFICATION_DUE
            return BreachState.NOT_NOTIFIED
        if self.assessment is not None:
            return BreachState.ASSESSED
        return BreachState.OPEN

    @property
    def risk(self) -> RiskLevel | None:
        """The assessed risk, or ``None`` before the assessment."""
        return None if self.assessment is None else self.assessment.level

    @property
    def notify_by(self) -> dt.datetime:
        """``aware_at`` + 72 elapsed hours, UTC (Art. 33(1); BR-02)."""
        return self.aware_at + NOTIFICATION_PERIOD

    def clock(self, time_zone: str = "UTC") -> BreachClock:
        """Return the Art. 33(1) clock, displaying times in *time_zone*."""
        return breach_clock(self.aware_at, time_zone=time_zone)

    @property
    def notified_at(self) -> dt.datetime | None:
        """When the supervisory authority was first notified, or ``None``."""
        return self.phases[0].submitted_at if self.phases else None

    @property
    def provided_items(self) -> tuple[NotificationItem, ...]:
        """The Art. 33(3) items submitted in any phase so far."""
        return _items(i for phase in self.phases for i in phase.items)

    @property
    def missing_items(self) -> tuple[NotificationItem, ...]:
        """The Art. 33(3) items not submitted yet; all of them before the first phase."""
        given = set(self.provided_items)
        return tuple(i for i in NotificationItem if i not in given)

    @property
    def notification_complete(self) -> bool:
        """Whether every Art. 33(3) item has been submitted (Art. 33(4))."""
        return bool(self.phases) and not self.missing_items

    def exemption(self, kind: Exemption) -> ExemptionRecord | None:
        """Return the recorded exemption of this kind, or ``None``."""
        return next((e for e in self.exemptions if e.exemption is kind), None)

    @property
    def communication_status(self) -> CommunicationStatus:
        """Whether the Art. 34 duty to tell the people concerned is met."""
        methods = {c.method for c in self.communications}
        if CommunicationMethod.INDIVIDUAL in methods:
            return CommunicationStatus.COMMUNICATED
        public_allowed = self.exemption(Exemption.DISPROPORTIONATE_EFFORT) is not None
        public_done = CommunicationMethod.PUBLIC in methods and public_allowed
        authority = self.authority_requests[-1] if self.authority_requests else None
        if authority is not None and authority.requires_communication:
            return (
                CommunicationStatus.COMMUNICATED if public_done else CommunicationStatus.OUTSTANDING
            )
        if self.risk is not RiskLevel.HIGH_RISK:
            return CommunicationStatus.NOT_REQUIRED
        if public_done:
            return CommunicationStatus.COMMUNICATED
        if authority is not None or any(
            self.exemption(kind) is not None for kind in (Exemption.ENCRYPTED, Exemption.MITIGATED)
        ):
            return CommunicationStatus.EXEMPT
        return CommunicationStatus.OUTSTANDING

    def next_steps(self) -> tuple[Step, ...]:
        """Return what remains to be done, in order; empty once closed."""
        if self.closed_at is not None:
            return ()
        steps: list[Step] = []
        if self.assessment is None:
            steps.append(Step.ASSESS)
        notifiable = self.decision is None or self.decision.notify
        if self.scope is None and notifiable:
            steps.append(Step.SCOPE)
        if self.measures is None:
            steps.append(Step.RECORD_MEASURES)
        if self.decision is None:
            steps.append(Step.DECIDE)
        elif self.decision.notify and not self.phases:
            steps.append(Step.NOTIFY_AUTHORITY)
        if self.phases and self.missing_items:
            steps.append(Step.SUPPLEMENT)
        if self.communication_status is CommunicationStatus.OUTSTANDING:
            steps.append(Step.COMMUNICATE)
        return tuple(steps) or (Step.CLOSE,)

    def close_problems(self) -> tuple[str, ...]:
        """Return why the breach cannot be closed yet; empty when it can."""
        problems: list[str] = []
        if self.decision is None:
            problems.append("no notification decision is recorded (Art. 33(5))")
        elif self.decision.notify and not self.notification_complete:
            missing = ", ".join(i.value for i in self.missing_items)
            problems.append(f"the notification to the authority lacks: {missing} (Art. 33(4))")
        if self.measures is None:
            problems.append("no remedial action is recorded (Art. 33(5))")
        if self.communication_status is CommunicationStatus.OUTSTANDING:
            problems.append(
                "the people concerned have not been told and no exemption applies (Art. 34)"
            )
        return tuple(problems)

    # --- storage form -----------------------------------------------------------------

    def to_details(self) -> dict[str, Any]:
        """Return everything but the id and the two instants the store keeps in columns."""
        processor = self.processor
        assessment = self.assessment
        decision = self.decision
        return {
            "v": _FORMAT_VERSION,
            "detected_at": _iso(self.detected_at),
            "occurred_at": _iso(self.occurred_at),
            "types": [t.value for t in self.types],
            "facts": _text_dict(self.facts),
            "measures": _text_dict(self.measures),
            "processor": None
            if processor is None
            else {
                "recipient_id": processor.recipient_id,
                "notified_at": _iso(processor.notified_at),
            },
            "scope": None if self.scope is None else self.scope.to_dict(),
            "assessment": None
            if assessment is None
            else {
                "level": assessment.level.value,
                "consequences": _text_dict(assessment.consequences),
                "reasoning": assessment.reasoning,
                "assessed_at": _iso(assessment.assessed_at),
            },
            "decision": None
            if decision is None
            else {
                "notify": decision.notify,
                "reasoning": decision.reasoning,
                "decided_at": _iso(decision.decided_at),
            },
            "phases": [p.to_dict() for p in self.phases],
            "communications": [
                {
                    "communicated_at": _iso(c.communicated_at),
                    "method": c.method.value,
                    "texts": dict(c.texts),
                }
                for c in self.communications
            ],
            "exemptions": [
                {
                    "exemption": e.exemption.value,
                    "reasoning": e.reasoning,
                    "recorded_at": _iso(e.recorded_at),
                }
                for e in self.exemptions
            ],
            "authority_requests": [
                {
                    "at": _iso(r.at),
                    "requires_communication": r.requires_communication,
                    "reference": r.reference,
                }
                for r in self.authority_requests
            ],
            "closed_at": _iso(self.closed_at),
            "closing_note": self.closing_note,
        }

    @classmethod
    def from_details(
        cls,
        *,
        breach_id: str,
        aware_at: dt.datetime,
        created_at: dt.datetime,
        details: Mapping[str, Any],
    ) -> Breach:
        """Rebuild a breach from what :meth:`to_details` wrote and the store's columns.

        Raises:
            ConflictError: the details were written by a newer gdprkit.
        """
        if details.get("v") != _FORMAT_VERSION:
            raise ConflictError("the breach was written in an unknown format version")
        processor = details["processor"]
        assessment = details["assessment"]
        decision = details["decision"]
        return cls(
            id=breach_id,
            aware_at=aware_at,
            created_at=created_at,
            detected_at=dt.datetime.fromisoformat(details["detected_at"]),
            occurred_at=_instant(details["occurred_at"]),
            types=details["types"],
            facts=Text(en=details["facts"]["en"], sv=details["facts"]["sv"]),
            measures=_text_of(details["measures"]),
            processor=None
            if processor is None
            else ProcessorNotice(
                recipient_id=processor["recipient_id"],
                notified_at=dt.datetime.fromisoformat(processor["notified_at"]),
            ),
            scope=None if details["scope"] is None else BreachScope.from_dict(details["scope"]),
            assessment=None
            if assessment is None
            else RiskAssessment(
                level=assessment["level"],
                consequences=Text(
                    en=assessment["consequences"]["en"], sv=assessment["consequences"]["sv"]
                ),
                reasoning=assessment["reasoning"],
                assessed_at=dt.datetime.fromisoformat(assessment["assessed_at"]),
            ),
            decision=None
            if decision is None
            else NotificationDecision(
                notify=decision["notify"],
                reasoning=decision["reasoning"],
                decided_at=dt.datetime.fromisoformat(decision["decided_at"]),
            ),
            phases=[NotificationPhase.from_dict(p) for p in details["phases"]],
            communications=[
                Communication(
                    communicated_at=dt.datetime.fromisoformat(c["communicated_at"]),
                    method=c["method"],
                    texts=c["texts"],
                )
                for c in details["communications"]
            ],
            exemptions=[
                ExemptionRecord(
                    exemption=e["exemption"],
                    reasoning=e["reasoning"],
                    recorded_at=dt.datetime.fromisoformat(e["recorded_at"]),
                )
                for e in details["exemptions"]
            ],
            authority_requests=[
                AuthorityRequest(
                    at=dt.datetime.fromisoformat(r["at"]),
                    requires_communication=r["requires_communication"],
                    reference=r["reference"],
                )
                for r in details["authority_requests"]
            ],
            closed_at=_instant(details["closed_at"]),
            closing_note=details["closing_note"],
        )

    def digest(self) -> str:
        """Return the hex SHA-256 of the entry's canonical JSON; audit entries carry it."""
        body = {
            "id": self.id,
            "aware_at": _iso(self.aware_at),
            "created_at": _iso(self.created_at),
            "details": self.to_details(),
        }
        encoded = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


# --- pure rules over a breach and the policy ------------------------------------------------


def affected_purposes(policy: Policy, systems: Iterable[str]) -> tuple[str, ...]:
    """Return the ids of the purposes whose ``systems`` include an affected system (BR-03).

    In the policy's order. Every system id must be declared.

    Raises:
        NotFoundError: a system id is not declared in the policy.
        InvalidInputError: no system is named.
    """
    wanted = _strings(systems)
    if not wanted:
        raise _problem("systems", "name at least one affected system", "BR-03")
    for system_id in wanted:
        policy.system(system_id)
    affected = set(wanted)
    return tuple(p.id for p in policy.purposes if affected.intersection(p.systems))


def contact_point(policy: Policy) -> Contact | None:
    """Return who the authority and people can ask for more information (Art. 33(3)(b)).

    The data protection officer when one is declared with contact details, otherwise
    the organisation's contact; ``None`` when neither has an e-mail, phone or address.
    """
    org = policy.organisation
    for contact in (org.dpo, org.contact):
        if contact is not None and (contact.email or contact.phone or contact.address):
            return contact
    return None


def available_items(breach: Breach, policy: Policy) -> tuple[NotificationItem, ...]:
    """Return the Art. 33(3) items the register can supply for *breach* now (BR-03).

    The nature is always known (the facts are required to register a breach); the
    subjects and records once the scope is computed; the contact point from the
    policy; the consequences once assessed; the measures once recorded.
    """
    have = {
        NotificationItem.NATURE: True,
        NotificationItem.SUBJECTS: breach.scope is not None,
        NotificationItem.RECORDS: breach.scope is not None,
        NotificationItem.CONTACT: contact_point(policy) is not None,
        NotificationItem.CONSEQUENCES: breach.assessment is not None,
        NotificationItem.MEASURES: breach.measures is not None,
    }
    return tuple(item for item in NotificationItem if have[item])


def encryption_exemption_problems(breach: Breach) -> tuple[str, ...]:
    """Return why the Art. 34(3)(a) encryption exemption does not apply; empty when it does.

    gdprkit vouches only for what it encrypted itself with keys the breach did not
    reach, so every condition must hold:

    * the scope is computed;
    * no record in scope is referenced (its values live in the embedding service);
    * every affected system is declared encrypted at rest in the policy;
    * the key-encryption key and key provider were declared outside the breach.
    """
    scope = breach.scope
    if scope is None:
        return ("the scope is not computed, so gdprkit cannot tell what was encrypted",)
    problems: list[str] = []
    if scope.referenced:
        problems.append(
            f"{scope.referenced} record(s) in scope are referenced: their values live in the "
            "embedding service, not encrypted by gdprkit"
        )
    if scope.unencrypted_systems:
        problems.append(
            "the policy does not declare these systems encrypted at rest: "
            + ", ".join(scope.unencrypted_systems)
        )
    if scope.keys_in_scope is None:
        problems.append("it is not declared whether the key-encryption key was within the breach")
    elif scope.keys_in_scope:
        problems.append("the key-encryption key or key provider was within the breach")
    return tuple(problems)


@attrs.frozen(kw_only=True)
class OpenBreach:
    """One line of the report of open breaches: the clock and what is left to do.

    Attributes:
        id: The breach.
        state: Where it stands.
        risk: The assessed risk, or ``None`` before the assessment.
        aware_at: When the organisation became aware, UTC.
        notify_by: The Art. 33(1) deadline, UTC.
        hours_remaining: Hours left until ``notify_by``; negative once it has passed.
        overdue: The deadline passed and the authority was not notified although the
            breach is (or may be) notifiable.
        missing_items: The Art. 33(3) items not yet submitted.
        communication: Whether the Art. 34 duty is met.
        next_steps: What remains to be done, in order.
    """

    id: str
    state: BreachState
    risk: RiskLevel | None
    aware_at: dt.datetime
    notify_by: dt.datetime
    hours_remaining: float
    overdue: bool
    missing_items: tuple[NotificationItem, ...]
    communication: CommunicationStatus
    next_steps: tuple[Step, ...]


def open_breach(breach: Breach, now: dt.datetime) -> OpenBreach:
    """Return the report line of *breach* at *now* (Art. 33(1) hours remaining; BR-02)."""
    at = to_utc(now, what="open_breach(now)")
    remaining = (breach.notify_by - at).total_seconds() / _SECONDS_PER_HOUR
    notifiable = breach.decision is None or breach.decision.notify
    return OpenBreach(
        id=breach.id,
        state=breach.state,
        risk=breach.risk,
        aware_at=breach.aware_at,
        notify_by=breach.notify_by,
        hours_remaining=remaining,
        overdue=notifiable and not breach.phases and at > breach.notify_by,
        missing_items=breach.missing_items,
        communication=breach.communication_status,
        next_steps=breach.next_steps(),
    )
