"""``PrivacyService``: the one place where the policy meets stored personal data.

Applications store and read personal data only through this façade, which enforces
the declarations at run time:

* **minimisation** (Art. 5(1)(c)): a field of a category that none of the record's
  purposes declares is refused;
* **purpose limitation** (Art. 5(1)(b), 6(4)): a record serves a further purpose only
  where the policy allows that use (LEGAL.md REG-03);
* **lawfulness** (Art. 6(1)(a), 7): a consent-based purpose needs consent in force;
* **need-to-know** (Art. 25(2), 32(4)): a read names a purpose and a role; the role
  must serve the purpose, the purpose must declare the category, the link must be
  live and not restricted (Art. 18), and its retention must not have ended;
* **storage limitation** (Art. 5(1)(e)): trigger events set each link's
  ``eligible_from``; the :class:`~gdprkit.retention.RetentionEngine` does the rest;
* **accountability** (Art. 5(2)): every consequential step, every read and every
  refusal is written to the audit log, in the same transaction as the change.

Field values are encrypted per field under the subject's own keys
(:class:`~gdprkit.crypto.FieldCipher`), bound to record, category and subject.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, TypeAlias

import attrs

from gdprkit._args import instant, not_future, require_id, trigger_instant
from gdprkit.audit import AuditLog
from gdprkit.breaches.register import BreachRegister
from gdprkit.clock import Clock, SystemClock
from gdprkit.consent.ledger import ConsentLedger
from gdprkit.crypto import FieldCipher, FieldContext, Keyring
from gdprkit.crypto.hazmat.blind_index import BlindIndex, normalize_email
from gdprkit.errors import (
    AccessDenied,
    ConsentError,
    GdprKitError,
    InvalidInputError,
    NotDeclaredError,
    NotFoundError,
)
from gdprkit.policy.vocab import LegalBasis, Trigger
from gdprkit.retention._links import with_trigger
from gdprkit.retention.engine import RetentionEngine
from gdprkit.retention.holds import Holds
from gdprkit.retention.policy_change import (
    PolicyPreview,
    apply_policy_change,
    preview_policy_change,
)
from gdprkit.retention.schedule import (
    ENDING_EVENTS,
    ERASURE,
    OBJECTION,
    ends_link,
    schedule_link,
    trigger_events,
)
from gdprkit.service._secrets import load_secrets
from gdprkit.storage.types import (
    BlindIndexEntry,
    LinkState,
    PurposeLink,
    Record,
    RecordKind,
    Subject,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Collection, Iterable, Mapping

    from gdprkit.crypto import KeyProvider
    from gdprkit.policy.model import Policy, Purpose
    from gdprkit.storage.protocol import Store

__all__ = ["EMAIL_INDEX", "FieldValue", "PrivacyService"]

EMAIL_INDEX = "subject.email"
"""The blind index that finds subjects by e-mail address."""

FieldValue: TypeAlias = str | bytes  # Python 3.11 has no ``type`` statement
"""A field's plaintext: text, or bytes for binary data (a scan, a photo)."""

_TEXT, _BINARY = b"s", b"b"
_BOOKED_AT = Trigger.COLLECTED.value
_LAW_BASES = frozenset({LegalBasis.LEGAL_OBLIGATION, LegalBasis.PUBLIC_TASK})


@attrs.frozen
class _RecordPlan:
    """A new record's checked subject, purposes and triggers."""

    subject_id: str
    purposes: tuple[Purpose, ...]
    triggers: dict[str, dt.datetime]
    now: dt.datetime


def _encode(value: object, category: str) -> bytes:
    if isinstance(value, str):
        return _TEXT + value.encode("utf-8")
    if isinstance(value, bytes):
        return _BINARY + value
    raise InvalidInputError(f"fields[{category!r}] must be str or bytes")


def _decode(plaintext: bytes) -> FieldValue:
    if plaintext[:1] == _TEXT:
        return plaintext[1:].decode("utf-8")
    return plaintext[1:]


class PrivacyService:
    """Stores and reads personal data only as the policy allows, and proves it.

    Args:
        policy: The organisation's declarations.
        store: Where everything is kept (e.g. :class:`~gdprkit.storage.SQLiteStore`).
        key_provider: The key-encryption key that wraps every data key.
        clock: The source of "now"; the system clock by default.
        worker: The retention engine's worker name (see :class:`RetentionEngine`).

    Attributes:
        consent: The consent ledger (grants, withdrawals, proof).
        holds: Legal holds.
        breaches: The register of personal-data breaches (Art. 33, 34).
        engine: The retention engine (plan, sweep, reviews, reports).
        audit: The audit log.
        keyring: The per-subject data keys.
    """

    def __init__(
        self,
        policy: Policy,
        store: Store,
        key_provider: KeyProvider,
        *,
        clock: Clock | None = None,
        worker: str | None = None,
    ) -> None:
        self._policy = policy
        self._store = store
        self._clock = clock or SystemClock()
        secrets = load_secrets(store, key_provider, self._clock)
        self.keyring = Keyring(store, key_provider, clock=self._clock)
        self._cipher = FieldCipher(self.keyring)
        self.audit = AuditLog(store, secrets.audit_key, clock=self._clock)
        self._email = BlindIndex(secrets.index_key, name=EMAIL_INDEX, normalize=normalize_email)
        self.consent = ConsentLedger(
            policy=policy, store=store, audit=self.audit, clock=self._clock
        )
        self.holds = Holds(policy=policy, store=store, audit=self.audit, clock=self._clock)
        self.breaches = BreachRegister(store, policy, self.audit, self._clock)
        self.engine = RetentionEngine(
            policy=policy,
            store=store,
            keyring=self.keyring,
            audit=self.audit,
            clock=self._clock,
            worker=worker,
        )

    def __repr__(self) -> str:
        name = self._policy.organisation.legal_name
        return f"PrivacyService(policy={name!r}, store={self._store!r})"

    @property
    def policy(self) -> Policy:
        """The policy the service enforces."""
        return self._policy

    @property
    def clock(self) -> Clock:
        """The source of "now" the service and its collaborators share."""
        return self._clock

    @property
    def store(self) -> Store:
        """The store the service keeps everything in."""
        return self._store

    # --- subjects ----------------------------------------------------------------------

    def register_subject(
        self,
        subject_id: str | None = None,
        *,
        email: str | None = None,
        actor: str = "application",
    ) -> str:
        """Register a data subject, findable later by e-mail through a blind index; return the id.

        The e-mail address itself is not stored: only a keyed, truncated digest
        (see :mod:`gdprkit.crypto.hazmat.blind_index` for what that leaks).

        Raises:
            InvalidInputError: the id is empty, too long or looks like an e-mail address.
            ConflictError: the id exists.
        """
        sid = uuid.uuid4().hex if subject_id is None else require_id(subject_id, "subject_id")
        if "@" in sid:
            raise InvalidInputError("subject_id must be an opaque id, not an e-mail address")
        if email is not None and (not isinstance(email, str) or "@" not in email):
            raise InvalidInputError("email must be an e-mail address")
        with self._store.transaction():
            self._store.add_subject(Subject(id=sid, created_at=self._clock.now()))
            if email is not None:
                self._store.add_blind_index(
                    BlindIndexEntry(
                        subject_id=sid, index_name=EMAIL_INDEX, digest=self._email.digest(email)
                    )
                )
            self.audit.append(
                actor=actor,
                action="subject.registered",
                ids=[sid],
                details={"indexes": [EMAIL_INDEX] if email is not None else []},
            )
        return sid

    def find_subjects(self, *, email: str) -> list[str]:
        """Return the ids of subjects registered with this e-mail address (usually one)."""
        if not isinstance(email, str) or "@" not in email:
            raise InvalidInputError("email must be an e-mail address")
        found: set[str] = set()
        for digest in self._email.lookups(email):
            found.update(self._store.find_subjects(EMAIL_INDEX, digest))
        return sorted(found)

    # --- records -----------------------------------------------------------------------

    def _purposes(self, purposes: Iterable[str]) -> list[Purpose]:
        if isinstance(purposes, str):
            raise InvalidInputError("purposes must be a list of purpose ids, not one string")
        chosen = [self._policy.purpose(require_id(p, "purpose")) for p in purposes]
        if not chosen:
            raise InvalidInputError("a record needs at least one purpose")
        return chosen

    def _triggers(
        self, triggers: Mapping[str, dt.datetime | dt.date] | None, purposes: list[Purpose]
    ) -> dict[str, dt.datetime]:
        known = set().union(*(trigger_events(p) for p in purposes))
        result = {}
        for event, at in (triggers or {}).items():
            if event not in known:
                raise InvalidInputError(
                    f"triggers[{event!r}]: no retention rule of these purposes uses this event"
                )
            result[event] = trigger_instant(
                at, self._policy.organisation.tz, f"triggers[{event!r}]"
            )
        return result

    def _require_consent(self, subject_id: str, purpose: Purpose, at: dt.datetime) -> None:
        if purpose.legal_basis is LegalBasis.CONSENT and not self.consent.is_permitted(
            subject_id, purpose.id, at
        ):
            raise ConsentError(f"purpose {purpose.id!r} rests on consent and none is in force")

    def _new_link(
        self, record_id: str, purpose: Purpose, triggers: Mapping[str, dt.datetime]
    ) -> PurposeLink:
        mine = {e: t for e, t in triggers.items() if e in trigger_events(purpose)}
        schedule = schedule_link(purpose, mine, self._policy.organisation)
        return PurposeLink(
            record_id=record_id,
            purpose_id=purpose.id,
            created_at=self._clock.now(),
            triggers=mine,
            eligible_from=schedule.eligible_from,
        )

    def store_record(
        self,
        subject_id: str,
        fields: Mapping[str, FieldValue],
        *,
        purposes: Collection[str],
        record_id: str | None = None,
        triggers: Mapping[str, dt.datetime | dt.date] | None = None,
        collected_at: dt.datetime | None = None,
        imported: bool = False,
        actor: str = "application",
    ) -> str:
        """Store a record of one subject for one or more purposes; return its id.

        Args:
            subject_id: Whose data it is.
            fields: Category id to value; every category must be declared by at least
                one of *purposes* (Art. 5(1)(c)).
            purposes: The purposes it is collected for; a consent-based one needs
                consent in force (Art. 6(1)(a)).
            record_id: An id of your own; a random one by default.
            triggers: Retention trigger events already known, e.g.
                ``{"financial_year_end": invoice_date}`` or ``{"contract_end": ...}``:
                aware datetimes, or dates in the organisation's time zone. Past,
                present and future dates are accepted (RET-08).
            collected_at: When the data was collected, the ``collected`` trigger;
                now by default, never in the future.
            imported: The record is back-filled from another system: *collected_at*
                must then be given, never defaulted to the import time (RET-12).
            actor: Who stores it, for the audit log.

        Raises:
            NotDeclaredError: a category none of the purposes declares.
            ConsentError: a consent-based purpose without consent in force.
            NotFoundError: an unknown subject, purpose or category.
            InvalidInputError: a malformed argument.
        """
        if not fields:
            raise InvalidInputError("a record needs at least one field")
        plan = self._plan_record(
            subject_id, fields, purposes, triggers, collected_at, imported=imported
        )
        rid = uuid.uuid4().hex if record_id is None else require_id(record_id, "record_id")
        with self._store.transaction():
            encrypted = {
                category: self._cipher.encrypt(
                    _encode(value, category),
                    FieldContext(record_id=rid, category_id=category, subject_id=plan.subject_id),
                )
                for category, value in fields.items()
            }
            self._insert(
                Record(
                    id=rid,
                    subject_id=plan.subject_id,
                    kind=RecordKind.MANAGED,
                    created_at=plan.now,
                    fields=encrypted,
                ),
                plan,
                actor=actor,
                imported=imported,
            )
        return rid

    def register_reference(
        self,
        subject_id: str,
        *,
        categories: Collection[str],
        purposes: Collection[str],
        external_ref: str,
        record_id: str | None = None,
        triggers: Mapping[str, dt.datetime | dt.date] | None = None,
        collected_at: dt.datetime | None = None,
        imported: bool = False,
        actor: str = "application",
    ) -> str:
        """Register a record whose values live in the embedding service's own database.

        gdprkit keeps only metadata: subject, purposes, categories, triggers and the
        service's reference. The same checks as :meth:`store_record` apply; when a link
        ends, the engine hands a disposal task to the service's handler
        (:meth:`RetentionEngine.run_tasks`) instead of touching any data itself.

        Returns:
            The record id.
        """
        if isinstance(categories, str) or not categories:
            raise InvalidInputError("categories must be a non-empty list of category ids")
        ref = require_id(external_ref, "external_ref")
        plan = self._plan_record(
            subject_id,
            dict.fromkeys(categories, b""),
            purposes,
            triggers,
            collected_at,
            imported=imported,
        )
        rid = uuid.uuid4().hex if record_id is None else require_id(record_id, "record_id")
        with self._store.transaction():
            self._insert(
                Record(
                    id=rid,
                    subject_id=plan.subject_id,
                    kind=RecordKind.REFERENCED,
                    created_at=plan.now,
                    external_ref=ref,
                    fields=dict.fromkeys(categories, b""),
                ),
                plan,
                actor=actor,
                imported=imported,
            )
        return rid

    def _plan_record(
        self,
        subject_id: str,
        fields: Mapping[str, object],
        purposes: Collection[str],
        triggers: Mapping[str, dt.datetime | dt.date] | None,
        collected_at: dt.datetime | None,
        *,
        imported: bool,
    ) -> _RecordPlan:
        """Check a new record against the policy before anything is written."""
        sid = require_id(subject_id, "subject_id")
        chosen = self._purposes(purposes)
        declared = set().union(*(p.categories for p in chosen))
        for category in fields:
            self._policy.category(require_id(category, "fields key"))
            if category not in declared:
                raise NotDeclaredError(
                    f"fields[{category!r}]: no purpose of this record declares the category "
                    "(data minimisation, Art. 5(1)(c))"
                )
        now = self._clock.now()
        if imported and collected_at is None:
            raise InvalidInputError(
                "an imported record needs its real collected_at, not the import time (RET-12)"
            )
        collected = (
            now
            if collected_at is None
            else not_future(instant(collected_at, self._clock, "collected_at"), now, "collected_at")
        )
        known = {_BOOKED_AT: collected, **self._triggers(triggers, chosen)}
        for purpose in chosen:
            self._require_consent(sid, purpose, now)
        return _RecordPlan(subject_id=sid, purposes=tuple(chosen), triggers=known, now=now)

    def _insert(self, record: Record, plan: _RecordPlan, *, actor: str, imported: bool) -> None:
        if self._store.get_subject(record.subject_id) is None:
            raise NotFoundError("no such subject")
        self._store.add_record(record)
        for purpose in plan.purposes:
            self._store.add_link(self._new_link(record.id, purpose, plan.triggers))
        self.audit.append(
            actor=actor,
            action="record.stored" if record.kind is RecordKind.MANAGED else "record.registered",
            ids=[record.id, record.subject_id],
            details={
                "purposes": sorted(p.id for p in plan.purposes),
                "categories": list(record.categories),
                "imported": imported,
            },
        )

    def _record(self, record_id: str) -> Record:
        record = self._store.get_record(require_id(record_id, "record_id"))
        if record is None:
            raise NotFoundError("no such record")
        return record

    def link_purpose(
        self,
        record_id: str,
        purpose_id: str,
        *,
        triggers: Mapping[str, dt.datetime | dt.date] | None = None,
        actor: str = "application",
    ) -> PurposeLink:
        """Let an existing record serve a further purpose, where the policy allows it (REG-03).

        Allowed when the new purpose rests on consent that is in force, on a legal
        obligation or public task (a law requires the use), or lists an Art. 6(4)
        compatibility assessment with one of the record's live purposes.

        Raises:
            NotDeclaredError: none of those holds, or the purpose declares none of the
                record's categories.
            ConsentError: the purpose rests on consent and none is in force.
        """
        purpose = self._policy.purpose(require_id(purpose_id, "purpose_id"))
        with self._store.transaction():
            record = self._record(record_id)
            live = {
                link.purpose_id
                for link in self._store.links_of_record(record.id)
                if link.state is LinkState.LIVE
            }
            if purpose.id in live:
                raise NotDeclaredError(f"the record already serves purpose {purpose.id!r}")
            if not set(purpose.categories) & set(record.fields):
                raise NotDeclaredError(
                    f"purpose {purpose.id!r} declares none of the record's categories"
                )
            compatible = {c.purpose for c in purpose.compatible_with} & live
            if purpose.legal_basis is LegalBasis.CONSENT:
                self._require_consent(record.subject_id, purpose, self._clock.now())
            elif purpose.legal_basis not in _LAW_BASES and not compatible:
                raise NotDeclaredError(
                    f"purpose {purpose.id!r} is not declared compatible with the record's "
                    "purposes (Art. 6(4)) and rests neither on consent nor on a law"
                )
            known = {_BOOKED_AT: record.created_at, **self._triggers(triggers, [purpose])}
            link = self._new_link(record.id, purpose, known)
            self._store.add_link(link)
            self.audit.append(
                actor=actor,
                action="record.linked",
                ids=[record.id, record.subject_id],
                details={"purpose": purpose.id, "compatible_with": sorted(compatible)},
            )
        return link

    def links(self, record_id: str) -> list[PurposeLink]:
        """Return a record's purpose links with their stored ``eligible_from``."""
        return self._store.links_of_record(self._record(record_id).id)

    # --- reads -------------------------------------------------------------------------

    def read(
        self,
        record_id: str,
        *,
        purpose: str,
        role: str,
        actor: str,
        categories: Collection[str] | None = None,
    ) -> dict[str, FieldValue]:
        """Decrypt a record's fields for a stated purpose and role (need-to-know, Art. 32(4)).

        Args:
            record_id: The record.
            purpose: Why the data is read.
            role: The reader's role; it must serve *purpose*.
            actor: Who reads (a user or service id), for the audit log.
            categories: The categories wanted; by default every category of the
                record that *purpose* declares.

        Returns:
            Category id to value, for the fields present.

        Raises:
            AccessDenied: the role does not serve the purpose, the purpose does not
                declare a requested category, the record is not (or no longer) held
                for the purpose, its processing is restricted, or consent is missing.
            NotFoundError: an unknown record, purpose or role.
            SubjectErasedError: the subject's keys were destroyed.
        """
        require_id(actor, "actor")
        try:
            wanted, record = self._check_read(record_id, purpose, role, categories)
        except GdprKitError as refusal:
            self.audit.append(
                actor=actor,
                action="record.read_refused",
                ids=[record_id] if isinstance(record_id, str) else [],
                details={
                    "purpose": str(purpose),
                    "role": str(role),
                    "error": type(refusal).__name__,
                },
            )
            raise
        values = {
            category: _decode(
                self._cipher.decrypt(
                    record.fields[category],
                    FieldContext(
                        record_id=record.id, category_id=category, subject_id=record.subject_id
                    ),
                )
            )
            for category in sorted(wanted)
            if category in record.fields
        }
        self.audit.append(
            actor=actor,
            action="record.read",
            ids=[record.id, record.subject_id],
            details={"purpose": purpose, "role": role, "categories": sorted(values)},
        )
        return values

    def _check_read(
        self,
        record_id: str,
        purpose_id: str,
        role_id: str,
        categories: Collection[str] | None,
    ) -> tuple[set[str], Record]:
        role = self._policy.role(require_id(role_id, "role"))
        purpose = self._policy.purpose(require_id(purpose_id, "purpose"))
        if purpose.id not in role.purposes:
            raise AccessDenied(f"role {role.id!r} does not serve purpose {purpose.id!r}")
        record = self._record(record_id)
        allowed = set(purpose.categories)
        if categories is None:
            wanted = allowed & set(record.fields)
        else:
            if isinstance(categories, str):
                raise InvalidInputError("categories must be a list of category ids")
            wanted = set(categories)
            extra = sorted(wanted - allowed)
            if extra:
                raise AccessDenied(
                    f"purpose {purpose.id!r} does not declare categories {extra} (Art. 5(1)(b))"
                )
        now = self._clock.now()
        link = self._store.get_link(record.id, purpose.id)
        if link is None or link.state is not LinkState.LIVE:
            raise AccessDenied(f"the record is not held for purpose {purpose.id!r}")
        if link.eligible_from is not None and link.eligible_from <= now:
            raise AccessDenied(f"the record's retention for purpose {purpose.id!r} has ended")
        if link.restricted:
            raise AccessDenied(f"processing for purpose {purpose.id!r} is restricted (Art. 18)")
        if purpose.legal_basis is LegalBasis.CONSENT and not self.consent.is_permitted(
            record.subject_id, purpose.id, now
        ):
            raise AccessDenied(f"purpose {purpose.id!r} rests on consent and none is in force")
        return wanted, record

    # --- trigger events ------------------------------------------------------------------

    def _scoped_links(
        self,
        record_id: str | None,
        subject_id: str | None,
        *,
        scope_all: bool,
        events: set[str],
    ) -> list[PurposeLink]:
        given = sum(x is not None for x in (record_id, subject_id)) + int(scope_all)
        if given != 1:
            raise InvalidInputError(
                "name exactly one scope: record_id, subject_id, or scope_all=True (RET-08)"
            )
        if record_id is not None:
            found = self._store.links_of_record(self._record(record_id).id)
        elif subject_id is not None:
            if self._store.get_subject(require_id(subject_id, "subject_id")) is None:
                raise NotFoundError("no such subject")
            found = self._store.links_of_subject(subject_id)
        else:
            found = []
            for purpose in self._policy.purposes:
                if not trigger_events(purpose) & events:
                    continue
                after = None
                while page := self._store.links_of_purpose(purpose.id, after=after, limit=1000):
                    found.extend(page)
                    after = page[-1].key
        return [link for link in found if link.state is LinkState.LIVE]

    def record_event(
        self,
        event: str,
        at: dt.datetime | dt.date,
        *,
        record_id: str | None = None,
        subject_id: str | None = None,
        scope_all: bool = False,
        actor: str = "application",
    ) -> int:
        """Record a retention trigger event and reschedule the links it starts (RET-08).

        The event applies to the live links, existing now, whose purpose's rule runs
        from it; each gets its ``eligible_from`` computed and stored. Recording an
        event a link already has is a correction (audited as such); ``last_activity``
        simply moves forward. Past, present and future instants are accepted.

        Args:
            event: A trigger name: ``contract_end``, ``account_closed``,
                ``last_activity``, ``financial_year_end`` (pass the booking date, e.g.
                the invoice date; the year end is derived), or a custom event name.
            at: When it happened: an aware datetime or a local date.
            record_id: Apply to one record,
            subject_id: or to every record of one subject,
            scope_all: or, deliberately, to every record (Purview-style unscoped events).
            actor: Who records it.

        Returns:
            How many links were rescheduled.
        """
        name, users = self._trigger_event(event)
        when = trigger_instant(at, self._policy.organisation.tz, "at")
        return self._retrigger(
            name,
            when,
            record_id=record_id,
            subject_id=subject_id,
            scope_all=scope_all,
            users=users,
            actor=actor,
        )

    def cancel_event(
        self,
        event: str,
        *,
        record_id: str | None = None,
        subject_id: str | None = None,
        actor: str = "application",
    ) -> int:
        """Withdraw a recorded trigger event (recorded by mistake); the links await it again."""
        name, users = self._trigger_event(event)
        return self._retrigger(
            name,
            None,
            record_id=record_id,
            subject_id=subject_id,
            scope_all=False,
            users=users,
            actor=actor,
        )

    def _trigger_event(self, event: str) -> tuple[str, set[str]]:
        """Check a retention trigger event's name; return it and the purposes it moves."""
        name = require_id(event, "event")
        if name in ENDING_EVENTS:
            raise InvalidInputError(
                f"{name!r} is recorded through consent.withdraw or end_purposes"
            )
        users = {p.id for p in self._policy.purposes if name in trigger_events(p)}
        if not users:
            raise InvalidInputError(f"no retention rule runs from event {name!r}")
        return name, users

    def _retrigger(
        self,
        name: str,
        when: dt.datetime | None,
        *,
        record_id: str | None,
        subject_id: str | None,
        scope_all: bool,
        users: set[str],
        actor: str,
    ) -> int:
        changed = corrected = 0
        with self._store.transaction():
            for link in self._scoped_links(
                record_id, subject_id, scope_all=scope_all, events={name}
            ):
                if link.purpose_id not in users:
                    continue
                previous = link.triggers.get(name)
                if previous == when:
                    continue
                if previous is not None and name != Trigger.LAST_ACTIVITY.value:
                    corrected += 1
                self._store.update_link(with_trigger(link, self._policy, name, when))
                changed += 1
            self.audit.append(
                actor=actor,
                action="event.cancelled" if when is None else "event.recorded",
                ids=[x for x in (record_id, subject_id) if x is not None],
                details={
                    "event": name,
                    "links": changed,
                    "corrected": corrected,
                    "scope_all": scope_all,
                },
            )
        return changed

    def end_purposes(
        self,
        subject_id: str,
        *,
        event: str,
        purposes: Collection[str] | None = None,
        record_ids: Collection[str] | None = None,
        actor: str = "application",
        now: dt.datetime | None = None,
    ) -> int:
        """End a subject's links at once for an objection or an erasure (Art. 17(1), 21).

        Each live link in scope gets the *event* trigger now: reads for its purpose are
        refused from this instant, and the next sweep (or
        ``engine.sweep_subject``) removes what no other live purpose needs. Links an
        event cannot end are left alone: an objection ends only purposes the right to
        object applies to (bases (e) and (f), and direct marketing). Keep a link under
        an Art. 17(3) exception by leaving its purpose out of *purposes*.

        Args:
            subject_id: Whose links.
            event: ``"objection"`` or ``"erasure"``.
            purposes: Only links of these purposes (all by default).
            record_ids: Only links of these records (all by default).
            actor: Who decided, for the audit log.
            now: The instant the links end; the clock's now by default. A caller that
                then disposes of what is due (``engine.sweep_subject``) passes the same
                instant to both, so what ends is due in that sweep.

        Returns:
            How many links were ended.
        """
        if event not in {OBJECTION, ERASURE}:
            raise InvalidInputError("event must be 'objection' or 'erasure'")
        sid = require_id(subject_id, "subject_id")
        only_purposes = None if purposes is None else {p.id for p in self._purposes(purposes)}
        now = instant(now, self._clock, "end_purposes(now)")
        ended = 0
        with self._store.transaction():
            for link in self._live_links(sid, only_purposes, record_ids):
                if ends_link(self._policy.purpose(link.purpose_id), event):
                    self._store.update_link(with_trigger(link, self._policy, event, now))
                    ended += 1
            self.audit.append(
                actor=actor,
                action=f"subject.{event}",
                ids=[sid],
                details={"links": ended, "purposes": sorted(only_purposes or [])},
            )
        return ended

    def _live_links(
        self,
        subject_id: str,
        purposes: Collection[str] | None,
        record_ids: Collection[str] | None,
    ) -> list[PurposeLink]:
        """Return a subject's live links, of these purposes and records when given."""
        if self._store.get_subject(subject_id) is None:
            raise NotFoundError("no such subject")
        return [
            link
            for link in self._store.links_of_subject(subject_id)
            if link.state is LinkState.LIVE
            and (purposes is None or link.purpose_id in purposes)
            and (record_ids is None or link.record_id in record_ids)
        ]

    # --- policy changes --------------------------------------------------------------------

    def preview_policy(
        self, new_policy: Policy, now: dt.datetime | None = None, *, limit: int = 1000
    ) -> PolicyPreview:
        """Show what applying *new_policy* would change and make due at once (RET-10)."""
        at = instant(now, self._clock, "now")
        return preview_policy_change(self._store, self._policy, new_policy, at, limit=limit)

    def apply_policy(
        self,
        new_policy: Policy,
        *,
        confirm: str,
        actor: str,
        now: dt.datetime | None = None,
    ) -> int:
        """Apply *new_policy* after a preview: reschedule links, then enforce the new policy.

        Args:
            new_policy: The new version.
            confirm: The token of a :meth:`preview_policy` of this change.
            actor: Who confirmed, for the audit log.
            now: The instant "due at once" is judged at (now by default).

        Returns:
            How many links got a new date.

        Raises:
            ConflictError: the token no longer matches (preview again).
        """
        require_id(actor, "actor")
        at = instant(now, self._clock, "now")
        changed = apply_policy_change(
            self._store,
            self._policy,
            new_policy,
            at,
            confirm=confirm,
            audit=self.audit,
            actor=actor,
        )
        self._policy = new_policy
        self.consent = ConsentLedger(
            policy=new_policy, store=self._store, audit=self.audit, clock=self._clock
        )
        self.holds = Holds(
            policy=new_policy, store=self._store, audit=self.audit, clock=self._clock
        )
        self.breaches = BreachRegister(self._store, new_policy, self.audit, self._clock)
        self.engine = RetentionEngine(
            policy=new_policy,
            store=self._store,
            keyring=self.keyring,
            audit=self.audit,
            clock=self._clock,
            worker=self.engine.worker,
        )
        return changed

    # --- restriction ---------------------------------------------------------------------

    def set_restriction(
        self,
        subject_id: str,
        *,
        restricted: bool,
        purposes: Collection[str] | None = None,
        record_ids: Collection[str] | None = None,
        actor: str = "application",
    ) -> int:
        """Restrict (or lift restriction of) a subject's links (Art. 18).

        A restricted link is stored but neither read nor disposed of by the engine.
        Lifting a restriction returns links that are past their date to the sweep at once.

        Args:
            subject_id: Whose links.
            restricted: Restrict, or lift.
            purposes: Only links of these purposes (all by default).
            record_ids: Only links of these records (all by default).
            actor: Who decided, for the audit log.

        Returns:
            How many links changed.
        """
        sid = require_id(subject_id, "subject_id")
        only_purposes = None if purposes is None else {p.id for p in self._purposes(purposes)}
        changed = 0
        with self._store.transaction():
            for link in self._live_links(sid, only_purposes, record_ids):
                if link.restricted != restricted:
                    self._store.update_link(attrs.evolve(link, restricted=restricted))
                    changed += 1
            if not restricted and changed:
                self._store.release_deferrals()
            self.audit.append(
                actor=actor,
                action="subject.restricted" if restricted else "subject.restriction_lifted",
                ids=[sid],
                details={"links": changed, "purposes": sorted(only_purposes or [])},
            )
        return changed
