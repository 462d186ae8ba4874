"""The breach register: record, scope, assess, decide, notify and communicate (Art. 33, 34).

:class:`BreachRegister` is the imperative shell around the pure
:mod:`gdprkit.breaches.model`: it reads and writes the store's breach register,
counts what a breach reached without decrypting anything, keeps the texts it writes
by hash, and appends one audit entry per step, in the same transaction as the change,
so either both happen or neither does. A refused step leaves the store as it was.

Audit actions (ids and hashes only; details carry the entry's SHA-256, counts and
vocabulary values): ``breach.registered``, ``breach.scoped``, ``breach.assessed``,
``breach.measures_recorded``, ``breach.decided``, ``breach.authority_notified``,
``breach.communicated``, ``breach.exemption_recorded``,
``breach.authority_request_recorded``, ``breach.closed``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from gdprkit.breaches.documents import (
    BreachDocument,
    authority_notification,
    communication_to_people,
    to_markdown,
)
from gdprkit.breaches.model import (
    TRANSITIONS,
    AuthorityRequest,
    Breach,
    BreachScope,
    BreachState,
    BreachType,
    Communication,
    CommunicationMethod,
    Exemption,
    ExemptionRecord,
    NotificationDecision,
    NotificationItem,
    NotificationPhase,
    OpenBreach,
    ProcessorNotice,
    RiskAssessment,
    RiskLevel,
    affected_purposes,
    available_items,
    encryption_exemption_problems,
    open_breach,
)
from gdprkit.clock import Clock, SystemClock, to_utc
from gdprkit.documents._common import LANGUAGES
from gdprkit.errors import (
    ConflictError,
    DeadlineError,
    InvalidInputError,
    NotDeclaredError,
    NotFoundError,
)
from gdprkit.policy._fields import Text, to_text
from gdprkit.policy.vocab import RecipientRole
from gdprkit.storage.types import BreachRecord, PublishedText

if TYPE_CHECKING:
    from gdprkit.audit import AuditLog
    from gdprkit.legaltime.breach import BreachClock
    from gdprkit.policy.model import Policy
    from gdprkit.storage.protocol import Store

__all__ = ["BreachRegister", "CommunicationSent", "NotificationSent"]


@attrs.frozen(kw_only=True)
class NotificationSent:
    """A phase of the notification to the supervisory authority, as recorded (Art. 33(3), (4)).

    Attributes:
        breach: The register entry after the phase was recorded.
        phase: The phase: its items, the items still missing, lateness and delay reasons.
        document: The notification in structured form.
        text: The Markdown text submitted; the store keeps it under ``phase.text_sha256``.
    """

    breach: Breach
    phase: NotificationPhase
    document: BreachDocument
    text: str = attrs.field(repr=False)

    @property
    def complete(self) -> bool:
        """Whether the notification now holds every Art. 33(3) item."""
        return not self.phase.missing


@attrs.frozen(kw_only=True)
class CommunicationSent:
    """A communication to the people concerned, as recorded (Art. 34).

    Attributes:
        breach: The register entry after it was recorded.
        communication: When, how, and the hashes of the texts used.
        documents: The communication in each language, in structured form; render
            with :func:`~gdprkit.breaches.documents.to_markdown` or
            :func:`~gdprkit.breaches.documents.to_plain_text`.
    """

    breach: Breach
    communication: Communication
    documents: tuple[BreachDocument, ...]

    def document(self, language: str) -> BreachDocument:
        """Return the document in *language*.

        Raises:
            KeyError: it was not written in that language.
        """
        for document in self.documents:
            if document.language == language:
                return document
        raise KeyError(language)


def _record_of(breach: Breach) -> BreachRecord:
    return BreachRecord(
        id=breach.id,
        aware_at=breach.aware_at,
        created_at=breach.created_at,
        state=breach.state.value,
        details=breach.to_details(),
    )


def _breach_of(record: BreachRecord) -> Breach:
    return Breach.from_details(
        breach_id=record.id,
        aware_at=record.aware_at,
        created_at=record.created_at,
        details=record.details,
    )


class BreachRegister:
    """The register of personal-data breaches and the steps the law requires (Art. 33, 34).

    Every breach is recorded, notifiable or not (Art. 33(5); LEGAL.md BR-01), and the
    72-hour clock runs from ``aware_at`` in elapsed time (BR-02). Texts written by the
    organisation (facts, consequences, measures) take English, or ``{"en": ..., "sv":
    ...}`` for Swedish documents; they describe the breach and the kinds of data,
    never the people concerned.

    Args:
        store: The store holding the register, the texts and the audit log.
        policy: The declarations: systems, purposes, recipients, contact point.
        audit: The audit log; every step appends one entry in the step's transaction.
        clock: The source of "now"; defaults to the system clock.
    """

    def __init__(
        self,
        store: Store,
        policy: Policy,
        audit: AuditLog,
        clock: Clock | None = None,
    ) -> None:
        self._store = store
        self._policy = policy
        self._audit = audit
        self._clock = clock or SystemClock()

    def __repr__(self) -> str:
        return f"BreachRegister(policy={self._policy.version!r})"

    # --- reading ----------------------------------------------------------------------

    def get(self, breach_id: str) -> Breach:
        """Return the breach.

        Raises:
            NotFoundError: no breach with this id is in the register.
        """
        record = self._store.get_breach(breach_id)
        if record is None:
            raise NotFoundError(f"no breach with id {breach_id!r} is in the register")
        return _breach_of(record)

    def breaches(self) -> list[Breach]:
        """Return every breach in the register, open or closed, by ``(aware_at, id)``."""
        return [_breach_of(r) for r in self._store.breaches()]

    def breach_clock(self, breach_id: str) -> BreachClock:
        """Return the Art. 33(1) clock of a breach, shown in the organisation's time zone."""
        return self.get(breach_id).clock(self._policy.organisation.time_zone)

    def report(self, *, now: dt.datetime | None = None) -> list[OpenBreach]:
        """Return the open breaches with their hours remaining and next steps (BR-02).

        Ordered by deadline, the most urgent first.
        """
        at = self._now() if now is None else to_utc(now, what="BreachRegister.report(now)")
        lines = [open_breach(b, at) for b in self.breaches() if b.state is not BreachState.CLOSED]
        return sorted(lines, key=lambda line: (line.notify_by, line.id))

    # --- writing ----------------------------------------------------------------------

    def register(
        self,
        breach_id: str,
        *,
        aware_at: dt.datetime,
        detected_at: dt.datetime,
        facts: Text | str | dict[str, str],
        types: Iterable[BreachType | str],
        actor: str,
        occurred_at: dt.datetime | None = None,
        measures: Text | str | dict[str, str] | None = None,
        processor: str | None = None,
        processor_notified_at: dt.datetime | None = None,
    ) -> Breach:
        """Register a breach, notifiable or not (Art. 33(5); BR-01); the clock starts at *aware_at*.

        Args:
            breach_id: Your id for it, e.g. ``"2026-007"``.
            aware_at: When the organisation became aware of it (timezone-aware).
            detected_at: When the incident was detected; at or before *aware_at*.
            facts: What happened, without naming the people concerned.
            types: Confidentiality, integrity and/or availability (Art. 4(12)).
            actor: Who registers it, for the audit log.
            occurred_at: When it happened, if known.
            measures: Remedial action already taken or proposed (Art. 33(3)(d)).
            processor: For a breach at a processor, its recipient id in the policy.
            processor_notified_at: When that processor told the organisation (Art. 33(2)).

        Raises:
            NaiveDatetimeError: a datetime has no time zone.
            DeadlineError: the instants contradict each other or lie in the future.
            NotFoundError: *processor* is not a declared recipient.
            InvalidInputError: a text or the types are empty, or only one of *processor*
                and *processor_notified_at* is given.
            PolicyError: an unknown breach type (the message lists the known ones).
            NotDeclaredError: *processor* is not declared as a processor.
            ConflictError: the id is already in the register.
        """
        now = self._now()
        notice = self._processor_notice(processor, processor_notified_at, now)
        breach = Breach(
            id=breach_id,
            aware_at=aware_at,
            detected_at=detected_at,
            created_at=now,
            occurred_at=occurred_at,
            types=types,
            facts=facts,
            measures=measures,
            processor=notice,
        )
        if breach.aware_at > now:
            raise DeadlineError("aware_at is in the future")
        with self._store.transaction():
            self._store.add_breach(_record_of(breach))
            self._log(breach, actor=actor, action="breach.registered", at=now)
        return breach

    def scope(
        self,
        breach_id: str,
        *,
        systems: Iterable[str],
        actor: str,
        created_from: dt.datetime | None = None,
        created_until: dt.datetime | None = None,
        keys_in_scope: bool | None = None,
    ) -> Breach:
        """Find what the breach reached, from the declarations and the store (Art. 33(3)(a); BR-03).

        The purposes whose ``systems`` include an affected system give the categories of
        data and of people; the store counts the records linked to those purposes, and
        their subjects, without decrypting anything. Give a window to count only records
        created in ``[created_from, created_until)``, e.g. up to when the breach was
        contained. Computing the scope again replaces it; an encryption exemption that no
        longer holds is withdrawn.

        Args:
            breach_id: The breach.
            systems: The affected systems' ids, as declared in the policy.
            actor: Who, for the audit log.
            created_from: Count only records created from this instant.
            created_until: Count only records created before this instant.
            keys_in_scope: Whether the key-encryption key or key provider was within the
                breach; ``None`` when not known (Art. 34(3)(a) needs ``False``).

        Raises:
            NotFoundError: no such breach, or a system id is not declared.
            NaiveDatetimeError: a window bound has no time zone.
            InvalidInputError: no system is named, or the window is empty.
            ConflictError: the breach is closed.
        """
        now = self._now()
        start = None if created_from is None else to_utc(created_from, what="scope(created_from)")
        end = None if created_until is None else to_utc(created_until, what="scope(created_until)")
        wanted = set(systems if not isinstance(systems, str) else [systems])
        purposes = affected_purposes(self._policy, sorted(wanted))
        policy = self._policy
        chosen = [policy.purpose(p) for p in purposes]
        categories = {c for p in chosen for c in p.categories}
        subjects = {s for p in chosen for s in p.subject_categories}
        with self._store.transaction():
            before = self._load_open(breach_id)
            counts = self._store.count_records(purposes, created_from=start, created_until=end)
            scope = BreachScope(
                systems=[s.id for s in policy.systems if s.id in wanted],
                purposes=purposes,
                categories=[c.id for c in policy.categories if c.id in categories],
                subject_categories=[s.id for s in policy.subject_categories if s.id in subjects],
                special_categories=[
                    c.id
                    for c in policy.categories
                    if c.id in categories and (c.special or c.criminal_offence)
                ],
                subjects=counts.subjects,
                records=counts.records,
                referenced=counts.referenced,
                unencrypted_systems=[
                    s.id
                    for s in policy.systems
                    if s.id in wanted and not s.security.encrypted_at_rest
                ],
                keys_in_scope=keys_in_scope,
                created_from=start,
                created_until=end,
                computed_at=now,
            )
            after = attrs.evolve(before, scope=scope)
            withdrawn = after.exemption(Exemption.ENCRYPTED) is not None and bool(
                encryption_exemption_problems(after)
            )
            if withdrawn:
                kept = [e for e in after.exemptions if e.exemption is not Exemption.ENCRYPTED]
                after = attrs.evolve(after, exemptions=kept)
            self._write(
                before,
                after,
                actor=actor,
                action="breach.scoped",
                at=now,
                details={
                    "subjects": counts.subjects,
                    "records": counts.records,
                    "referenced": counts.referenced,
                    "encryption_exemption_withdrawn": withdrawn,
                },
            )
        return after

    def assess(
        self,
        breach_id: str,
        *,
        risk: RiskLevel | str,
        consequences: Text | str | dict[str, str],
        reasoning: str,
        actor: str,
    ) -> Breach:
        """Record the risk assessment: its level, the likely consequences and why (BR-01).

        May be repeated as facts emerge. A decision not to notify that a new level no
        longer allows (anything above :attr:`RiskLevel.NONE`) is cleared, so the
        breach must be decided again.

        Raises:
            NotFoundError: no such breach.
            PolicyError: an unknown level.
            InvalidInputError: an empty text.
            ConflictError: the breach is closed.
        """
        now = self._now()
        assessment = RiskAssessment(
            level=risk, consequences=consequences, reasoning=reasoning, assessed_at=now
        )
        with self._store.transaction():
            before = self._load_open(breach_id)
            after = attrs.evolve(before, assessment=assessment)
            decision = before.decision
            cleared = (
                decision is not None
                and not decision.notify
                and not before.phases
                and assessment.level is not RiskLevel.NONE
            )
            if cleared:
                after = attrs.evolve(after, decision=None)
            self._write(
                before,
                after,
                actor=actor,
                action="breach.assessed",
                at=now,
                details={"risk": assessment.level.value, "decision_cleared": cleared},
            )
        return after

    def record_measures(
        self,
        breach_id: str,
        *,
        measures: Text | str | dict[str, str],
        actor: str,
    ) -> Breach:
        """Record the remedial action taken or proposed, replacing earlier text (Art. 33(3)(d)).

        Raises:
            NotFoundError: no such breach.
            InvalidInputError: the text is empty.
            ConflictError: the breach is closed.
        """
        now = self._now()
        text = to_text(measures)
        with self._store.transaction():
            before = self._load_open(breach_id)
            after = attrs.evolve(before, measures=text)
            self._write(before, after, actor=actor, action="breach.measures_recorded", at=now)
        return after

    def decide(self, breach_id: str, *, notify: bool, reasoning: str, actor: str) -> Breach:
        """Record whether to notify the supervisory authority, and why (Art. 33(1), 33(5)).

        Not notifying is allowed only for a breach assessed as unlikely to result in a
        risk. The decision can be changed until the authority has been notified.

        Raises:
            NotFoundError: no such breach.
            InvalidInputError: *reasoning* is empty.
            ConflictError: the risk is not assessed; not notifying a breach with a risk;
                the authority was already notified; the breach is closed.
        """
        now = self._now()
        decision = NotificationDecision(notify=notify, reasoning=reasoning, decided_at=now)
        with self._store.transaction():
            before = self._load_open(breach_id)
            if before.assessment is None:
                raise ConflictError(f"breach {before.id!r}: assess the risk before deciding")
            if before.phases:
                raise ConflictError(
                    f"breach {before.id!r}: the authority was already notified; "
                    "send a supplement instead of a new decision"
                )
            if not notify and before.assessment.level is not RiskLevel.NONE:
                raise ConflictError(
                    f"breach {before.id!r} is assessed as {before.assessment.level.value!r}: "
                    "only a breach unlikely to result in a risk may go unnotified (Art. 33(1))"
                )
            after = attrs.evolve(before, decision=decision)
            self._write(
                before,
                after,
                actor=actor,
                action="breach.decided",
                at=now,
                details={"notify": notify},
            )
        return after

    def notify_authority(
        self,
        breach_id: str,
        *,
        actor: str,
        at: dt.datetime | None = None,
        delay_reason: str | None = None,
        reference: str | None = None,
        language: str | None = None,
    ) -> NotificationSent:
        """Record a phase of the notification to the supervisory authority (Art. 33(3), (4)).

        The first call is the initial notification, later calls are supplements. Each
        writes every Art. 33(3) item the register can supply and lists the rest as to
        follow; the notification is incomplete (``notified_in_part``) until every item
        has been submitted. The text is kept in the store by its hash.

        Args:
            breach_id: The breach.
            actor: Who submits, for the audit log.
            at: When it was submitted; defaults to now.
            delay_reason: Required when the initial notification is after the 72 hours.
            reference: The authority's case number, once known.
            language: ``"en"`` or ``"sv"``; defaults to the organisation's first language.

        Raises:
            NotFoundError: no such breach.
            ConflictError: no decision to notify is recorded; the breach is closed.
            DeadlineError: the initial notification is late without reasons (Art. 33(1)),
                or *at* is in the future, before awareness or before the previous phase.
            DocumentError: a text is missing in *language*.
        """
        now = self._now()
        submitted = self._instant(at, now, "notify_authority(at)")
        lang = language or self._languages()[0]
        reason = (delay_reason or "").strip() or None
        with self._store.transaction():
            before = self._load_open(breach_id)
            if before.decision is None or not before.decision.notify:
                raise ConflictError(
                    f"breach {before.id!r} is {before.state.value!r}: record a decision to "
                    "notify before notifying"
                )
            self._check_order(
                before, submitted, before.phases[-1].submitted_at if before.phases else None
            )
            late = not before.phases and submitted > before.notify_by
            if late and reason is None:
                raise DeadlineError(
                    f"breach {before.id!r}: the 72 hours ended before this notification; "
                    "give the reasons for the delay (Art. 33(1))"
                )
            document = authority_notification(
                before,
                self._policy,
                language=lang,
                submitted_at=submitted,
                delay_reason=reason,
            )
            text = to_markdown(document)
            kept = self._keep_text(text, kind=document.kind.value, language=lang, at=now)
            given = {*before.provided_items, *available_items(before, self._policy)}
            phase = NotificationPhase(
                number=len(before.phases) + 1,
                submitted_at=submitted,
                items=available_items(before, self._policy),
                missing=[i for i in NotificationItem if i not in given],
                late=late,
                delay_reason=reason,
                reference=reference,
                language=lang,
                text_sha256=kept,
            )
            after = attrs.evolve(before, phases=(*before.phases, phase))
            self._write(
                before,
                after,
                actor=actor,
                action="breach.authority_notified",
                at=now,
                details={
                    "phase": phase.number,
                    "late": late,
                    "missing": [i.value for i in phase.missing],
                    "text_sha256": kept,
                },
            )
        return NotificationSent(breach=after, phase=phase, document=document, text=text)

    def communicate(
        self,
        breach_id: str,
        *,
        actor: str,
        at: dt.datetime | None = None,
        method: CommunicationMethod | str = CommunicationMethod.INDIVIDUAL,
        languages: Iterable[str] | None = None,
        advice: Text | str | dict[str, str] | None = None,
    ) -> CommunicationSent:
        """Record the communication to the people concerned and return its texts (Art. 34).

        Writes it in clear and plain language in each language (default: the
        organisation's), with the nature of the breach, the contact point, the likely
        consequences and the measures (Art. 34(2)), and keeps each text by its hash.
        ``method="public"`` is a public communication; it discharges the duty only
        together with the Art. 34(3)(c) exemption.

        Raises:
            NotFoundError: no such breach.
            ConflictError: the risk is not assessed; the breach is closed.
            DocumentError: an item of Art. 34(2) or a translation is missing.
            DeadlineError: *at* is in the future or before awareness.
        """
        now = self._now()
        when = self._instant(at, now, "communicate(at)")
        how = CommunicationMethod(method)
        langs = tuple(dict.fromkeys(languages)) if languages is not None else self._languages()
        tip = None if advice is None else to_text(advice)
        with self._store.transaction():
            before = self._load_open(breach_id)
            if before.assessment is None:
                raise ConflictError(f"breach {before.id!r}: assess the risk before communicating")
            self._check_order(before, when, None)
            documents = tuple(
                communication_to_people(before, self._policy, language=lang, advice=tip)
                for lang in langs
            )
            texts = {
                d.language: self._keep_text(
                    to_markdown(d), kind=d.kind.value, language=d.language, at=now
                )
                for d in documents
            }
            communication = Communication(communicated_at=when, method=how, texts=texts)
            after = attrs.evolve(before, communications=(*before.communications, communication))
            self._write(
                before,
                after,
                actor=actor,
                action="breach.communicated",
                at=now,
                details={"method": how.value, "texts": texts},
            )
        return CommunicationSent(breach=after, communication=communication, documents=documents)

    def claim_exemption(
        self,
        breach_id: str,
        *,
        exemption: Exemption | str,
        reasoning: str,
        actor: str,
    ) -> Breach:
        """Record an Art. 34(3) exemption from telling people individually (BR-05).

        Only for a breach assessed as high risk. The encryption exemption
        (:attr:`Exemption.ENCRYPTED`, Art. 34(3)(a)) is refused unless every condition of
        :func:`~gdprkit.breaches.model.encryption_exemption_problems` holds: gdprkit
        encrypted everything in scope and the keys were declared outside the breach.
        The mitigation exemption needs the measures recorded.

        Raises:
            NotFoundError: no such breach.
            PolicyError: an unknown exemption.
            InvalidInputError: empty *reasoning*.
            ConflictError: the exemption does not apply (the message says why), or the
                breach is closed.
        """
        now = self._now()
        record = ExemptionRecord(exemption=exemption, reasoning=reasoning, recorded_at=now)
        kind = record.exemption
        with self._store.transaction():
            before = self._load_open(breach_id)
            if before.risk is not RiskLevel.HIGH_RISK:
                level = (
                    "not assessed" if before.risk is None else f"assessed as {before.risk.value!r}"
                )
                raise ConflictError(
                    f"breach {before.id!r} is {level}: Art. 34(3) exemptions concern "
                    "high-risk breaches only"
                )
            problems = self._exemption_problems(before, kind)
            if problems:
                raise ConflictError(
                    f"breach {before.id!r}: the exemption {kind.value!r} "
                    f"(Art. {kind.provision}) does not apply: " + "; ".join(problems)
                )
            kept = [e for e in before.exemptions if e.exemption is not kind]
            after = attrs.evolve(before, exemptions=(*kept, record))
            self._write(
                before,
                after,
                actor=actor,
                action="breach.exemption_recorded",
                at=now,
                details={"exemption": kind.value},
            )
        return after

    def record_authority_request(
        self,
        breach_id: str,
        *,
        requires_communication: bool,
        actor: str,
        at: dt.datetime | None = None,
        reference: str | None = None,
    ) -> Breach:
        """Record what the supervisory authority said about telling people (Art. 34(4); BR-05).

        ``requires_communication=True`` when it requires the people to be told (this
        overrides any exemption); ``False`` when it decided an Art. 34(3) condition is met.

        Raises:
            NotFoundError: no such breach.
            DeadlineError: *at* is in the future or before awareness.
            ConflictError: the breach is closed.
        """
        now = self._now()
        when = self._instant(at, now, "record_authority_request(at)")
        request = AuthorityRequest(
            at=when, requires_communication=requires_communication, reference=reference
        )
        with self._store.transaction():
            before = self._load_open(breach_id)
            self._check_order(before, when, None)
            after = attrs.evolve(before, authority_requests=(*before.authority_requests, request))
            self._write(
                before,
                after,
                actor=actor,
                action="breach.authority_request_recorded",
                at=now,
                details={"requires_communication": requires_communication},
            )
        return after

    def close(self, breach_id: str, *, actor: str, note: str | None = None) -> Breach:
        """Close a breach once nothing more is required; the entry stays (Art. 33(5)).

        Raises:
            NotFoundError: no such breach.
            ConflictError: something is still required (the message lists what), or the
                breach is already closed.
        """
        now = self._now()
        with self._store.transaction():
            before = self._load_open(breach_id)
            problems = before.close_problems()
            if problems:
                raise ConflictError(
                    f"breach {before.id!r} cannot be closed: " + "; ".join(problems)
                )
            after = attrs.evolve(before, closed_at=now, closing_note=note)
            self._write(before, after, actor=actor, action="breach.closed", at=now)
        return after

    # --- helpers ----------------------------------------------------------------------

    def _now(self) -> dt.datetime:
        return to_utc(self._clock.now(), what="BreachRegister clock")

    def _languages(self) -> tuple[str, ...]:
        langs = tuple(lang for lang in self._policy.organisation.languages if lang in LANGUAGES)
        return langs or ("en",)

    def _instant(self, value: dt.datetime | None, now: dt.datetime, what: str) -> dt.datetime:
        if value is None:
            return now
        instant = to_utc(value, what=f"BreachRegister.{what}")
        if instant > now:
            raise DeadlineError(f"{what} is in the future")
        return instant

    @staticmethod
    def _check_order(breach: Breach, at: dt.datetime, previous: dt.datetime | None) -> None:
        if at < breach.aware_at:
            raise DeadlineError(f"breach {breach.id!r}: the instant is before aware_at")
        if previous is not None and at < previous:
            raise DeadlineError(f"breach {breach.id!r}: the instant is before the previous phase")

    def _processor_notice(
        self,
        processor: str | None,
        notified_at: dt.datetime | None,
        now: dt.datetime,
    ) -> ProcessorNotice | None:
        if processor is None and notified_at is None:
            return None
        if processor is None or notified_at is None:
            raise InvalidInputError(
                "give both the processor and when it told the organisation (Art. 33(2); BR-04)"
            )
        recipient = self._policy.recipient(processor)
        if recipient.role is not RecipientRole.PROCESSOR:
            raise NotDeclaredError(
                f"recipient {processor!r} is declared as {recipient.role.value}, not a processor "
                "(Art. 33(2); BR-04)"
            )
        notice = ProcessorNotice(recipient_id=processor, notified_at=notified_at)
        if notice.notified_at > now:
            raise DeadlineError("processor_notified_at is in the future")
        return notice

    @staticmethod
    def _exemption_problems(breach: Breach, kind: Exemption) -> tuple[str, ...]:
        if kind is Exemption.ENCRYPTED:
            return encryption_exemption_problems(breach)
        if kind is Exemption.MITIGATED and breach.measures is None:
            return ("record the measures that make the high risk unlikely first",)
        return ()

    def _load_open(self, breach_id: str) -> Breach:
        breach = self.get(breach_id)
        if breach.state is BreachState.CLOSED:
            raise ConflictError(f"breach {breach_id!r} is closed; its entry can no longer change")
        return breach

    def _keep_text(self, text: str, *, kind: str, language: str, at: dt.datetime) -> str:
        published = PublishedText.of(text, kind=kind, language=language, published_at=at)
        return self._store.publish_text(published).sha256

    def _write(
        self,
        before: Breach,
        after: Breach,
        *,
        actor: str,
        action: str,
        at: dt.datetime,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        if after.state not in TRANSITIONS[before.state]:  # pragma: no cover - the steps check first
            raise ConflictError(
                f"breach {before.id!r}: {before.state.value} -> {after.state.value} is not allowed"
            )
        self._store.update_breach(after.id, state=after.state.value, details=after.to_details())
        self._log(after, actor=actor, action=action, at=at, details=details)

    def _log(
        self,
        breach: Breach,
        *,
        actor: str,
        action: str,
        at: dt.datetime,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        self._audit.append(
            actor=actor,
            action=action,
            ids=[breach.id],
            details={
                "state": breach.state.value,
                "entry_sha256": breach.digest(),
                **(details or {}),
            },
            at=at,
        )
