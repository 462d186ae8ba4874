"""The retention engine: disposes of each field once no purpose needs it any more.

Each purpose link carries its stored ``eligible_from`` (see
:mod:`gdprkit.retention.schedule`), so finding what is due is an indexed range query
whose cost grows with what is due, not with what is stored. A sweep then, per due
link and never before its date (LEGAL.md RET-11):

1. skips it while a legal hold covers it (RET-07, Art. 17(3)(e), 18(1)(c)): the link
   is deferred, the retention clock does not move, and releasing the hold returns it
   at once;
2. for a ``review`` rule, opens a disposition review and disposes only after a
   reviewer approves (RET-09);
3. ends the link, removes the fields no remaining live link declares (data
   minimisation, Art. 5(1)(c), (e); CON-08), and disposes of the record when no live
   link remains (delete, or anonymise where the rule says so);
4. shreds the subject's keys once nothing of theirs remains (Art. 17; crypto-shredding),
   and removes their blind-index entries and subject row.

Every disposal leaves a :class:`~gdprkit.storage.types.DisposalRecord` (proof of
disposition without personal data, Art. 5(2)), and each batch one audit entry that
covers the batch's disposal records by hash. A batch is one transaction: a worker
killed mid-batch leaves nothing half-done, and its lease returns the links to the
pool for the next sweep; so sweeps are idempotent and resumable, and memory is
bounded by the batch size.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import socket
import statistics
import uuid
from typing import TYPE_CHECKING, NamedTuple

import attrs

from gdprkit._args import instant, require_id
from gdprkit._ids import TimeOrderedIds
from gdprkit.clock import to_utc
from gdprkit.crypto import FieldCipher, FieldContext
from gdprkit.errors import ConflictError, InvalidInputError, NotFoundError
from gdprkit.legaltime.explain import describe_rule
from gdprkit.policy.vocab import DisposalAction
from gdprkit.retention.schedule import ENDING_EVENTS, ends_link
from gdprkit.retention.tasks import Backoff, TaskRunReport
from gdprkit.storage._unchecked import disposal_record
from gdprkit.storage.types import (
    DisposalRecord,
    DisposalTask,
    Hold,
    HoldScope,
    LinkKey,
    LinkState,
    PurposeLink,
    RecordKind,
    RecordOutline,
    ReviewState,
    ReviewTask,
    TaskState,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Sequence

    from gdprkit.audit import AuditLog
    from gdprkit.clock import Clock
    from gdprkit.crypto import Keyring
    from gdprkit.policy.model import Policy, Purpose
    from gdprkit.retention.tasks import DisposalHandler
    from gdprkit.storage.protocol import Store

__all__ = [
    "AwaitingTrigger",
    "Effect",
    "LatenessReport",
    "Plan",
    "PlannedItem",
    "ReplayReport",
    "RetentionEngine",
    "SweepProgress",
    "SweepReport",
]

_UNKNOWN_PURPOSE = "purpose no longer declared"
_ARTICLES = {"consent_withdrawn": "Art. 7(3)", "objection": "Art. 21", "erasure": "Art. 17(1)"}


class Effect(enum.StrEnum):
    """What a sweep does (or would do) with one due link."""

    END_LINK = "end_link"
    """The purpose lets go; every field is still needed by another live purpose."""
    REMOVE_FIELDS = "remove_fields"
    """The purpose lets go and the fields only it declared are removed."""
    DISPOSE_RECORD = "dispose_record"
    """No live purpose remains: the record is deleted or anonymised."""
    REVIEW = "review"
    """The rule asks for a disposition review; nothing goes until approved (RET-09)."""
    BLOCKED = "blocked"
    """A legal hold covers it (RET-07), or processing is restricted (Art. 18)."""


@attrs.frozen(kw_only=True)
class PlannedItem:
    """One due link in a plan: what would happen and why (RET-10, RET-11).

    Attributes:
        record_id: The record.
        subject_id: Its subject.
        purpose_id: The purpose letting go.
        eligible_from: When it became due (UTC).
        reason: ``"retention"``, ``"consent withdrawn"``, ``"objection"`` or ``"erasure"``.
        rule: The retention rule in words, when the rule decided.
        trigger: The trigger event name the date runs from.
        trigger_at: When that event happened (UTC).
        effect: What the sweep does.
        action: For a record disposal: ``delete`` or ``anonymise``.
        fields: The category ids that would be removed.
        hold_ids: The holds that block it.
        review_id: The review task, for a ``review`` rule.
    """

    record_id: str
    subject_id: str
    purpose_id: str
    eligible_from: dt.datetime
    reason: str
    rule: str | None
    trigger: str | None
    trigger_at: dt.datetime | None
    effect: Effect
    action: str | None = None
    fields: tuple[str, ...] = ()
    hold_ids: tuple[str, ...] = ()
    review_id: str | None = None


@attrs.frozen(kw_only=True)
class Plan:
    """A dry run: what a sweep at ``at`` would dispose of, and what holds block.

    Attributes:
        at: The instant planned for (UTC).
        due: How many links are due in all.
        items: Up to the requested number of them, oldest first.
    """

    at: dt.datetime
    due: int
    items: tuple[PlannedItem, ...]

    @property
    def truncated(self) -> bool:
        """Whether more links are due than are listed."""
        return self.due > len(self.items)

    @property
    def blocked(self) -> tuple[PlannedItem, ...]:
        """The listed items a hold or a restriction blocks."""
        return tuple(i for i in self.items if i.effect is Effect.BLOCKED)


@attrs.frozen(kw_only=True)
class SweepProgress:
    """Where a running sweep stands, passed to the progress callback after each batch.

    Attributes:
        batches: Batches committed so far.
        links: Due links handled so far (ended, deferred or sent to review).
        due_at_start: How many links were due when the sweep started.
    """

    batches: int
    links: int
    due_at_start: int


@attrs.frozen(kw_only=True)
class SweepReport:
    """What a sweep did.

    Attributes:
        batches: Batches committed.
        links_ended: Links ended.
        fields_removed: Fields removed from records that stay.
        records_disposed: Records deleted or anonymised.
        subjects_shredded: Subjects whose keys were destroyed as nothing of theirs remained.
        deferred: Links a hold blocked (or awaiting a handler), left for a later sweep.
        reviews_opened: Review tasks opened (RET-09).
        awaiting_review: Links whose review is still pending.
        tasks_created: Disposal tasks handed to embedding services (referenced records).
        disposal_ids: Ids of the disposal records written (the last 1,000 at most).
        max_lateness: The longest time between a link's ``eligible_from`` and its end.
    """

    batches: int = 0
    links_ended: int = 0
    fields_removed: int = 0
    records_disposed: int = 0
    subjects_shredded: int = 0
    deferred: int = 0
    reviews_opened: int = 0
    awaiting_review: int = 0
    tasks_created: int = 0
    disposal_ids: tuple[str, ...] = ()
    max_lateness: dt.timedelta | None = None


@attrs.frozen(kw_only=True)
class ReplayReport:
    """What replaying the erasure ledger onto a restored store did.

    Attributes:
        applied: Disposals applied again.
        already_applied: Disposals the store already had.
        subjects_forgotten: Subjects left with nothing, whose keys were destroyed.
    """

    applied: int
    already_applied: int
    subjects_forgotten: int


@attrs.frozen(kw_only=True)
class AwaitingTrigger:
    """A link whose retention clock never started: a storage-limitation risk (RET-08).

    Attributes:
        record_id: The record.
        purpose_id: The purpose.
        event: The trigger event it waits for, or ``None`` without a retention rule.
        created_at: When the link was made (UTC).
        waiting: How long it has waited at the report's instant.
    """

    record_id: str
    purpose_id: str
    event: str | None
    created_at: dt.datetime
    waiting: dt.timedelta


@attrs.frozen(kw_only=True)
class LatenessReport:
    """Due against executed for disposals in a window (RET-11: lateness is reported).

    Attributes:
        start: The window's start (UTC).
        end: Its end, exclusive (UTC).
        disposals: Disposal records executed in the window.
        late: How many were executed more than ``tolerance`` after they were due.
        tolerance: What counts as on time.
        median: The median of executed minus due, or ``None`` without disposals.
        maximum: The largest, or ``None``.
    """

    start: dt.datetime
    end: dt.datetime
    disposals: int
    late: int
    tolerance: dt.timedelta
    median: dt.timedelta | None
    maximum: dt.timedelta | None


class _Assessment(NamedTuple):
    effect: Effect
    reason: str
    action: str | None
    fields: tuple[str, ...]
    hold_ids: tuple[str, ...] = ()
    review_id: str | None = None


@attrs.define
class _Batch:
    """What one batch did, accumulated while it runs, and the writes it has still to make.

    The writes are made together at the end of the batch (:meth:`RetentionEngine._flush`):
    one statement per kind of change for the whole batch, not a dozen per link.
    """

    counts: dict[str, int] = attrs.Factory(
        lambda: dict.fromkeys(
            ("ended", "fields", "records", "shredded", "deferred", "opened", "pending", "tasks"),
            0,
        )
    )
    disposals: list[DisposalRecord] = attrs.Factory(list)
    deferred: list[LinkKey] = attrs.Factory(list)
    lateness: dt.timedelta | None = None
    ended: dict[LinkKey, PurposeLink] = attrs.Factory(dict)
    removed: dict[str, set[str]] = attrs.Factory(dict)
    deleted: dict[str, str] = attrs.Factory(dict)
    tasks: list[DisposalTask] = attrs.Factory(list)
    new_id: TimeOrderedIds = attrs.Factory(TimeOrderedIds)

    def details(self, links: int) -> dict[str, int | None]:
        """The audit entry's details: counts only."""
        c = self.counts
        return {
            "links": links,
            "ended": c["ended"],
            "fields_removed": c["fields"],
            "records_disposed": c["records"],
            "subjects_shredded": c["shredded"],
            "deferred": c["deferred"],
            "reviews_opened": c["opened"],
            "tasks_created": c["tasks"],
        }

    def added_to(self, report: SweepReport) -> SweepReport:
        """Return *report* with this batch added."""
        c = self.counts
        lateness = report.max_lateness
        if self.lateness is not None:
            lateness = self.lateness if lateness is None else max(lateness, self.lateness)
        return attrs.evolve(
            report,
            batches=report.batches + 1,
            links_ended=report.links_ended + c["ended"],
            fields_removed=report.fields_removed + c["fields"],
            records_disposed=report.records_disposed + c["records"],
            subjects_shredded=report.subjects_shredded + c["shredded"],
            deferred=report.deferred + c["deferred"],
            reviews_opened=report.reviews_opened + c["opened"],
            awaiting_review=report.awaiting_review + c["pending"],
            tasks_created=report.tasks_created + c["tasks"],
            disposal_ids=(*report.disposal_ids, *(d.id for d in self.disposals))[-1000:],
            max_lateness=lateness,
        )


def _action_of(found: _Assessment) -> str:
    if found.effect is Effect.DISPOSE_RECORD:
        return found.action or "delete"
    if found.effect is Effect.REMOVE_FIELDS:
        return "remove_fields"
    return "end_link"


def _covers(hold: Hold, record: RecordOutline, purpose_id: str, removed: Iterable[str]) -> bool:
    if hold.scope is HoldScope.SUBJECT:
        return hold.scope_value == record.subject_id
    if hold.scope is HoldScope.RECORD:
        return hold.scope_value == record.id
    if hold.scope is HoldScope.PURPOSE:
        return hold.scope_value == purpose_id
    return hold.scope_value in removed


def _review_id(link: PurposeLink) -> str:
    assert link.eligible_from is not None  # noqa: S101 - only due links are reviewed
    stamp = int(link.eligible_from.timestamp() * 1_000_000)
    return f"review:{link.record_id}:{link.purpose_id}:{stamp}"


def _default_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class RetentionEngine:
    """Plans and runs retention sweeps, and keeps the review queue (Art. 5(1)(e)).

    Args:
        policy: The purposes, their retention rules and categories.
        store: Where records, links, holds and disposal records live.
        keyring: Destroys a subject's keys once nothing of theirs remains.
        audit: Receives one entry per batch and per review decision.
        clock: The source of "now".
        worker: This sweeper's name in claims and audit entries (host, pid and a
            random suffix by default).
        lease: How long a claimed batch belongs to this worker; a worker that dies
            lets it run out and another worker takes the links over.
        recheck: How long a link blocked by a hold or awaiting review stays out of
            the pool before it is looked at again; releasing a hold or deciding a
            review returns such links at once.
    """

    def __init__(
        self,
        *,
        policy: Policy,
        store: Store,
        keyring: Keyring,
        audit: AuditLog,
        clock: Clock,
        worker: str | None = None,
        lease: dt.timedelta = dt.timedelta(minutes=10),
        recheck: dt.timedelta = dt.timedelta(days=1),
    ) -> None:
        if lease <= dt.timedelta(0) or recheck <= dt.timedelta(0):
            raise InvalidInputError("lease and recheck must be positive")
        self._policy = policy
        self._purposes = {purpose.id: purpose for purpose in policy.purposes}
        self._store = store
        self._keyring = keyring
        self._audit = audit
        self._clock = clock
        self._worker = require_id(worker, "worker") if worker is not None else _default_worker()
        self._lease = lease
        self._recheck = recheck
        self._words: dict[tuple[str, str], tuple[str, str | None]] = {}

    def __repr__(self) -> str:
        return f"RetentionEngine(worker={self._worker!r})"

    @property
    def worker(self) -> str:
        """This sweeper's name in claims and audit entries."""
        return self._worker

    # --- assessing one due link ------------------------------------------------------

    def _purpose(self, purpose_id: str) -> Purpose | None:
        return self._purposes.get(purpose_id)

    def _reason(self, link: PurposeLink, purpose: Purpose | None) -> str:
        if purpose is None:
            return _UNKNOWN_PURPOSE
        if not link.triggers:
            return "retention"
        for event, reason in ENDING_EVENTS.items():
            if link.triggers.get(event) == link.eligible_from and ends_link(purpose, event):
                return reason
        return "retention"

    def _assess(
        self,
        link: PurposeLink,
        record: RecordOutline,
        links: Iterable[PurposeLink],
        holds: Sequence[Hold],
    ) -> _Assessment:
        purpose = self._purpose(link.purpose_id)
        reason = self._reason(link, purpose)
        rule = None if purpose is None else purpose.retention
        others = [o for o in links if o.state is LinkState.LIVE and o.purpose_id != link.purpose_id]
        if others:
            keep: set[str] = set()
            for other in others:
                other_purpose = self._purpose(other.purpose_id)
                keep |= set(
                    record.categories if other_purpose is None else other_purpose.categories
                )
            removed = tuple(c for c in record.categories if c not in keep)
            effect = Effect.REMOVE_FIELDS if removed else Effect.END_LINK
            action = None
        else:
            removed = record.categories
            effect = Effect.DISPOSE_RECORD
            anonymise = rule is not None and rule.action is DisposalAction.ANONYMISE
            action = "anonymise" if anonymise else "delete"
        hold_ids = (
            tuple(h.id for h in holds if _covers(h, record, link.purpose_id, removed))
            if holds
            else ()
        )
        if hold_ids:
            return _Assessment(Effect.BLOCKED, reason, action, removed, hold_ids)
        if link.restricted:
            # Art. 18: a restricted link is stored, not used and not erased.
            return _Assessment(Effect.BLOCKED, reason, action, removed)
        if reason == "retention" and rule is not None and rule.action is DisposalAction.REVIEW:
            review_id = _review_id(link)
            task = self._store.get_review(review_id)
            if task is None or task.state is not ReviewState.APPROVED:
                return _Assessment(Effect.REVIEW, reason, action, removed, (), review_id)
            return _Assessment(effect, reason, action, removed, (), review_id)
        return _Assessment(effect, reason, action, removed)

    def _rule_words(self, link: PurposeLink, reason: str) -> tuple[str, str | None]:
        """The rule a disposal followed, in words, and its trigger event.

        Worded once per purpose and reason for the engine's life (its policy is fixed),
        not once per disposal.
        """
        key = (link.purpose_id, reason)
        words = self._words.get(key)
        if words is None:
            words = self._words[key] = self._word_rule(link.purpose_id, reason)
        return words

    def _word_rule(self, purpose_id: str, reason: str) -> tuple[str, str | None]:
        purpose = self._purpose(purpose_id)
        for event, words in ENDING_EVENTS.items():
            if reason == words:
                return f"{words} ({_ARTICLES[event]})", event
        if purpose is None or purpose.retention is None:
            return reason, None
        return describe_rule(purpose.retention).en, purpose.retention.event_name

    # --- plan --------------------------------------------------------------------------

    def plan(self, now: dt.datetime | None = None, *, limit: int = 1000) -> Plan:
        """List what a sweep at *now* would do, without changing anything (RET-10).

        Args:
            now: The instant to plan for; defaults to now.
            limit: How many due links to list (all are counted).
        """
        at = instant(now, self._clock, "plan(now)")
        if limit < 0:
            raise InvalidInputError("limit must not be negative")
        holds = self._store.active_holds()
        items = []
        # What earlier items of the plan end, so later ones see the record as the sweep will.
        ending: dict[str, set[str]] = {}
        removed: dict[str, set[str]] = {}
        for link in self._store.due_links(at, limit=limit):
            stored = self._store.outlines_of_records([link.record_id]).get(link.record_id)
            if stored is None:  # pragma: no cover - links go with their record
                continue
            gone = removed.setdefault(stored.id, set())
            record = attrs.evolve(
                stored, categories=[c for c in stored.categories if c not in gone]
            )
            ended = ending.setdefault(record.id, set())
            links = [x for x in self._store.links_of_record(record.id) if x.purpose_id not in ended]
            found = self._assess(link, record, links, holds)
            if found.effect not in {Effect.BLOCKED, Effect.REVIEW}:
                ended.add(link.purpose_id)
                gone.update(found.fields)
            rule, trigger = self._rule_words(link, found.reason)
            assert link.eligible_from is not None  # noqa: S101 - due links have a date
            items.append(
                PlannedItem(
                    record_id=record.id,
                    subject_id=record.subject_id,
                    purpose_id=link.purpose_id,
                    eligible_from=link.eligible_from,
                    reason=found.reason,
                    rule=rule,
                    trigger=trigger,
                    trigger_at=None if trigger is None else link.triggers.get(trigger),
                    effect=found.effect,
                    action=found.action,
                    fields=found.fields,
                    hold_ids=found.hold_ids,
                    review_id=found.review_id,
                )
            )
        return Plan(at=at, due=self._store.count_due_links(at), items=tuple(items))

    # --- sweep -------------------------------------------------------------------------

    def sweep(
        self,
        now: dt.datetime | None = None,
        *,
        batch_size: int = 500,
        progress: Callable[[SweepProgress], None] | None = None,
        max_batches: int | None = None,
    ) -> SweepReport:
        """Dispose of everything due, batch by batch (RET-11).

        Args:
            now: The instant to sweep at; defaults to the clock's now, read per batch.
            batch_size: Links claimed and committed together; bounds memory.
            progress: Called after each committed batch.
            max_batches: Stop after this many batches (the rest waits for the next sweep).

        Raises:
            ClaimLostError: this worker's lease ran out mid-batch; the batch was rolled
                back and another worker may take its links over.
        """
        if batch_size < 1:
            raise InvalidInputError("batch_size must be positive")
        if max_batches is not None and max_batches < 1:
            raise InvalidInputError("max_batches must be positive")
        fixed = None if now is None else instant(now, self._clock, "sweep(now)")
        start = fixed or instant(None, self._clock, "now")
        due_at_start = self._store.count_due_links(start)
        report = SweepReport()
        handled = 0
        while max_batches is None or report.batches < max_batches:
            at = fixed or instant(None, self._clock, "now")
            ran = self._run_batch(at, batch_size, report)
            if ran is None:
                break
            report, links = ran
            handled += links
            if progress is not None:
                progress(
                    SweepProgress(batches=report.batches, links=handled, due_at_start=due_at_start)
                )
        return report

    def _run_batch(
        self, at: dt.datetime, size: int, report: SweepReport
    ) -> tuple[SweepReport, int] | None:
        """Claim and handle one batch in one transaction; ``None`` when nothing is due.

        Returns the report with the batch added, and how many links it claimed.
        """
        with self._store.sweep_batch(
            at, worker=self._worker, limit=size, lease_until=at + self._lease
        ) as claimed:
            claim = claimed.claim
            if not claim.links:
                return None
            batch = self._process(claim.links, claimed.links, dict(claimed.records), at)
            self._audit.append(
                actor=self._worker,
                action="retention.sweep.batch",
                ids=[claim.id],
                details=batch.details(len(claim.links)),
                covers=[d.digest() for d in batch.disposals],
                at=at,
            )
            self._store.complete_claim(
                claim.id,
                worker=self._worker,
                now=at,
                defer=batch.deferred,
                defer_until=at + self._recheck if batch.deferred else None,
            )
        return batch.added_to(report), len(claim.links)

    def _process(
        self,
        due: Iterable[PurposeLink],
        links: Iterable[PurposeLink],
        records: dict[str, RecordOutline],
        at: dt.datetime,
    ) -> _Batch:
        """Handle due links inside the caller's transaction.

        *links* are all the links of the due links' records and *records* those records,
        read (and locked) in this transaction. The due links are decided one after the
        other against that view, kept current as each decision ends links and removes
        fields, and the writes are made together at the end.
        """
        batch = _Batch()
        claimed = list(due)
        view: dict[str, dict[str, PurposeLink]] = {link.record_id: {} for link in claimed}
        for current in links:
            view[current.record_id][current.purpose_id] = current
        holds = self._store.active_holds()
        for key in claimed:
            link = view[key.record_id].get(key.purpose_id)
            record = records.get(key.record_id)
            if (
                link is None
                or record is None
                or link.state is not LinkState.LIVE
                or link.eligible_from is None
                or link.eligible_from > at
            ):
                continue  # changed since it was claimed: no longer due
            found = self._assess(link, record, view[record.id].values(), holds)
            if found.effect is Effect.BLOCKED:
                batch.deferred.append(link.key)
                batch.counts["deferred"] += 1
            elif found.effect is Effect.REVIEW:
                self._open_review(link, record, found, at, batch)
            else:
                ended = self._dispose(link, record, found, at, batch)
                if ended is not None:
                    view[record.id][link.purpose_id] = ended
                if record.id in batch.deleted:
                    del records[record.id]
                elif found.effect is Effect.REMOVE_FIELDS and record.kind is RecordKind.MANAGED:
                    kept = [c for c in record.categories if c not in found.fields]
                    records[record.id] = attrs.evolve(record, categories=kept)
                late = at - link.eligible_from
                batch.lateness = late if batch.lateness is None else max(batch.lateness, late)
        self._flush(batch)
        return batch

    def _flush(self, batch: _Batch) -> None:
        """Make a batch's writes, one statement per kind, then forget emptied subjects."""
        store = self._store
        store.update_links(
            [link for key, link in batch.ended.items() if key.record_id not in batch.deleted]
        )
        for record_id, categories in sorted(batch.removed.items()):
            if record_id not in batch.deleted:
                store.remove_fields(record_id, categories)
        for task in batch.tasks:
            store.add_task(task)
        store.delete_records(batch.deleted)
        store.add_disposals(batch.disposals)
        batch.counts["shredded"] += len(self._forget_subjects(set(batch.deleted.values())))

    def _open_review(
        self,
        link: PurposeLink,
        record: RecordOutline,
        found: _Assessment,
        at: dt.datetime,
        batch: _Batch,
    ) -> None:
        assert found.review_id is not None  # noqa: S101 - set with REVIEW
        assert link.eligible_from is not None  # noqa: S101 - only due links are reviewed
        if self._store.get_review(found.review_id) is None:
            self._store.add_review(
                ReviewTask(
                    id=found.review_id,
                    record_id=record.id,
                    purpose_id=link.purpose_id,
                    subject_id=record.subject_id,
                    due_at=link.eligible_from,
                    created_at=at,
                )
            )
            batch.counts["opened"] += 1
        else:
            batch.counts["pending"] += 1
        batch.deferred.append(link.key)

    def sweep_subject(
        self,
        subject_id: str,
        now: dt.datetime | None = None,
        *,
        actor: str,
        shred_removed: bool = True,
    ) -> SweepReport:
        """Dispose of one subject's due links at once, outside the batch queue.

        For requests that must take effect now (erasure, Art. 17(1); objection,
        Art. 21): the subject's links that are due are handled exactly as a sweep
        would, holds and restrictions included, in one transaction. With
        *shred_removed*, when some of the subject's data must stay (e.g. invoice fields
        under the Bookkeeping Act), what stays is re-encrypted under a new key version
        and every older version is destroyed, so every copy of what was removed is
        unreadable at once (partial crypto-shredding); when nothing stays, all the
        subject's keys are destroyed.
        """
        sid = require_id(subject_id, "subject_id")
        require_id(actor, "actor")
        at = instant(now, self._clock, "sweep_subject(now)")
        store = self._store
        with store.transaction():
            due = [
                link
                for link in store.links_of_subject(sid)
                if link.state is LinkState.LIVE
                and link.eligible_from is not None
                and link.eligible_from <= at
            ]
            wanted = {link.record_id for link in due}
            batch = self._process(
                due,
                store.links_of_records(wanted, lock=True),
                store.outlines_of_records(wanted),
                at,
            )
            rotated = None
            if shred_removed and batch.disposals and store.get_subject(sid) is not None:
                rotated = self._keep_only_what_stays(sid)
            details = batch.details(len(due))
            details["key_version"] = rotated
            self._audit.append(
                actor=actor,
                action="retention.subject_sweep",
                ids=[sid],
                details=details,
                covers=[d.digest() for d in batch.disposals],
                at=at,
            )
        return batch.added_to(SweepReport())

    def _keep_only_what_stays(self, subject_id: str) -> int | None:
        """Re-encrypt the subject's remaining fields under a new key; destroy older keys."""
        records = self._store.records_of_subject(subject_id)
        kept = [
            (token, FieldContext(record_id=r.id, category_id=c, subject_id=subject_id))
            for r in records
            if r.kind is RecordKind.MANAGED
            for c, token in sorted(r.fields.items())
        ]
        cipher = FieldCipher(self._keyring)
        erasure = cipher.erase_subject(
            subject_id, reason="erasure: removed data made unreadable", keep=kept
        )
        fresh: dict[str, dict[str, bytes]] = {}
        for (_, context), token in zip(kept, erasure.kept, strict=True):
            fresh.setdefault(context.record_id, {})[context.category_id] = token
        for record_id, fields in fresh.items():
            self._store.put_fields(record_id, fields)
        return erasure.kept_version

    def _dispose(
        self,
        link: PurposeLink,
        record: RecordOutline,
        found: _Assessment,
        at: dt.datetime,
        batch: _Batch,
    ) -> PurposeLink | None:
        """End the link and dispose; for a referenced record, hand a task to its service.

        Returns the ended link, or ``None`` when the record itself goes (its links go
        with it); the writes join the batch.
        """
        assert link.eligible_from is not None  # noqa: S101 - only due links get here
        batch.counts["ended"] += 1
        ended = None
        if found.effect is not Effect.DISPOSE_RECORD or record.kind is RecordKind.REFERENCED:
            ended = attrs.evolve(link, state=LinkState.ENDED, ended_at=at, end_reason=found.reason)
            batch.ended[ended.key] = ended
        rule, _ = self._rule_words(link, found.reason)
        if record.kind is RecordKind.REFERENCED and found.effect is not Effect.END_LINK:
            batch.tasks.append(
                DisposalTask(
                    id=batch.new_id(),
                    record_id=record.id,
                    subject_id=record.subject_id,
                    external_ref=record.external_ref,
                    purpose_id=link.purpose_id,
                    action=_action_of(found),
                    categories=found.fields,
                    reason=rule,
                    due_at=link.eligible_from,
                    created_at=at,
                    next_attempt_at=at,
                )
            )
            batch.counts["tasks"] += 1
            return ended
        self._apply(
            record,
            purpose_id=link.purpose_id,
            action=_action_of(found),
            categories=found.fields,
            rule=rule,
            due_at=link.eligible_from,
            at=at,
            batch=batch,
        )
        return ended

    def _apply(
        self,
        record: RecordOutline,
        *,
        purpose_id: str,
        action: str,
        categories: tuple[str, ...],
        rule: str,
        due_at: dt.datetime,
        at: dt.datetime,
        batch: _Batch,
    ) -> DisposalRecord:
        """Remove the data and leave the disposal record (proof without personal data).

        The removal joins the batch's writes (:meth:`_flush`).
        """
        if action in {"delete", "anonymise"}:
            batch.deleted[record.id] = record.subject_id
            batch.counts["records"] += 1
        elif action == "remove_fields":
            batch.removed.setdefault(record.id, set()).update(categories)
            batch.counts["fields"] += len(categories)
        disposal = disposal_record(  # every part is a value the store or the policy checked
            id=batch.new_id(),
            record_id=record.id,
            subject_id=record.subject_id,
            purpose_ids=(purpose_id,),
            rule=rule,
            action=action,
            due_at=to_utc(due_at, what="due_at"),  # as a store of your own returned it
            executed_at=at,
            fields_removed=tuple(categories),
        )
        batch.disposals.append(disposal)
        return disposal

    def _forget_subjects(self, subject_ids: Collection[str]) -> list[str]:
        """Of these subjects, forget those with nothing left: keys, index entries, row (Art. 17).

        Returns the ids forgotten.
        """
        if not subject_ids:
            return []
        gone = self._store.delete_subjects_without_records(subject_ids)
        self._keyring.shred_subjects(gone, reason="retention: nothing of the subject remains")
        return gone

    # --- disposal tasks of referenced records -------------------------------------------

    def run_tasks(
        self,
        handler: DisposalHandler,
        now: dt.datetime | None = None,
        *,
        limit: int = 100,
        lease: dt.timedelta = dt.timedelta(minutes=5),
        backoff: Backoff | None = None,
    ) -> TaskRunReport:
        """Hand ready disposal tasks to *handler*; apply those it acknowledges (RET-11).

        Each task is claimed for one attempt (so concurrent runners never call the
        handler for the same task at once), the handler is called outside any
        transaction, and then, in one transaction, the task is marked done, the
        record's metadata updated or removed, a disposal record and an audit entry
        written. A handler that raises leaves the task pending, retried after
        ``backoff.delay(attempts)``; only the exception's type is stored.
        """
        policy = backoff or Backoff()
        if limit < 1 or lease <= dt.timedelta(0):
            raise InvalidInputError("limit and lease must be positive")
        at = instant(now, self._clock, "run_tasks(now)")
        attempted = done = failed = 0
        for ready in self._store.tasks(ready_at=at, limit=limit):
            task = self._store.claim_task(ready.id, now=at, until=at + lease)
            if task is None:
                continue  # another runner took it, or it was acknowledged meanwhile
            attempted += 1
            try:
                handler.dispose(task)
            except Exception as exc:  # noqa: BLE001 - any failure of the service is reported
                failed += 1
                self._task_failed(task, type(exc).__name__, at + policy.delay(task.attempts))
            else:
                done += self._task_done(task, at)
        return TaskRunReport(
            attempted=attempted,
            done=done,
            failed=failed,
            failing=tuple(t.id for t in self.failing_tasks(policy.report_after)),
        )

    def _task_failed(self, task: DisposalTask, error: str, retry_at: dt.datetime) -> None:
        with self._store.transaction():
            current = self._store.get_task(task.id)
            if current is None or current.state is TaskState.DONE:
                return
            self._store.update_task(
                attrs.evolve(current, last_error=error, next_attempt_at=retry_at)
            )
            self._audit.append(
                actor=self._worker,
                action="retention.task.failed",
                ids=[task.id, task.record_id],
                details={"attempts": current.attempts, "error": error},
            )

    def _task_done(self, task: DisposalTask, at: dt.datetime) -> int:
        store = self._store
        with store.transaction():
            current = store.get_task(task.id)
            if current is None or current.state is TaskState.DONE:
                return 0  # acknowledged before: never applied twice
            store.update_task(attrs.evolve(current, state=TaskState.DONE, done_at=at))
            record = store.outlines_of_records([task.record_id]).get(task.record_id)
            batch = _Batch()
            if record is not None:
                self._apply(
                    record,
                    purpose_id=task.purpose_id,
                    action=task.action,
                    categories=task.categories,
                    rule=task.reason,
                    due_at=task.due_at,
                    at=at,
                    batch=batch,
                )
                self._flush(batch)
            covers = [d.digest() for d in batch.disposals]
            self._audit.append(
                actor=self._worker,
                action="retention.task.done",
                ids=[task.id, task.record_id],
                details={"action": task.action, "attempts": current.attempts},
                covers=covers,
            )
        return 1

    def failing_tasks(self, min_attempts: int = 3, *, limit: int = 1000) -> list[DisposalTask]:
        """Return pending tasks that failed at least *min_attempts* times, oldest first."""
        return [
            t
            for t in self._store.tasks(state=TaskState.PENDING, limit=limit)
            if t.attempts >= min_attempts and t.last_error is not None
        ]

    # --- replay after a restore ----------------------------------------------------------

    def replay_ledger(self, disposals: Iterable[DisposalRecord], *, actor: str) -> ReplayReport:
        """Apply disposals again to a store restored from a backup (RET-11).

        For each disposal the restored store does not know: the record is deleted, or
        its removed fields removed again, and the disposal record stored. Then each
        affected subject with nothing left is forgotten (keys destroyed), and one with
        data left has it re-encrypted under a new key version with the older versions
        destroyed, so the restored copies of what was removed are unreadable. Running it
        twice changes nothing the second time.
        """
        require_id(actor, "actor")
        applied = already = 0
        touched: set[str] = set()
        store = self._store
        with store.transaction():
            for disposal in disposals:
                if store.get_disposal(disposal.id) is not None:
                    already += 1
                    continue
                if self._redo(disposal):
                    touched.add(disposal.subject_id)
                store.add_disposal(disposal)
                applied += 1
            forgotten = len(self._forget_subjects(touched))
            for subject_id in sorted(touched):
                if store.get_subject(subject_id) is not None:
                    self._keep_only_what_stays(subject_id)
            self._audit.append(
                actor=actor,
                action="retention.ledger.replayed",
                ids=[],
                details={"applied": applied, "already": already, "forgotten": forgotten},
            )
        return ReplayReport(applied=applied, already_applied=already, subjects_forgotten=forgotten)

    def _redo(self, disposal: DisposalRecord) -> bool:
        """Apply one disposal again; return whether the record was still there."""
        store = self._store
        record = store.get_record(disposal.record_id)
        if record is None:
            return False
        for purpose_id in disposal.purpose_ids:
            link = store.get_link(record.id, purpose_id)
            if link is not None and link.state is LinkState.LIVE:
                store.update_link(
                    attrs.evolve(
                        link,
                        state=LinkState.ENDED,
                        ended_at=disposal.executed_at,
                        end_reason="replayed",
                    )
                )
        if disposal.action in {"delete", "anonymise"}:
            store.delete_record(record.id)
        elif disposal.fields_removed:
            store.remove_fields(record.id, disposal.fields_removed)
        return True

    # --- reviews -----------------------------------------------------------------------

    def reviews(
        self, *, state: ReviewState | None = ReviewState.PENDING, limit: int = 1000
    ) -> list[ReviewTask]:
        """Return review tasks (pending ones by default), oldest first (RET-09)."""
        return self._store.reviews(state=state, limit=limit)

    def _decide(self, review_id: str, decided: Callable[[ReviewTask], ReviewTask]) -> ReviewTask:
        with self._store.transaction():
            task = self._store.get_review(require_id(review_id, "review_id"))
            if task is None:
                raise NotFoundError("no such review")
            if task.state is not ReviewState.PENDING:
                raise ConflictError("the review is already decided")
            new = decided(task)
            self._store.update_review(new)
            self._store.release_deferrals()
            return new

    def approve(self, review_id: str, *, actor: str, justification: str) -> ReviewTask:
        """Approve disposal; the next sweep disposes (RET-09: nothing before approval)."""
        at = self._clock.now()
        require_id(actor, "actor")
        require_id(justification, "justification")

        def approved(task: ReviewTask) -> ReviewTask:
            self._audit.append(
                actor=actor,
                action="retention.review.approved",
                ids=[task.id, task.record_id],
                details={"purpose": task.purpose_id},
            )
            return attrs.evolve(
                task,
                state=ReviewState.APPROVED,
                decided_at=at,
                decided_by=actor,
                justification=justification,
            )

        return self._decide(review_id, approved)

    def extend(
        self,
        review_id: str,
        *,
        keep_until: dt.datetime,
        actor: str,
        justification: str,
    ) -> ReviewTask:
        """Keep the record longer: its link is due again at *keep_until* (RET-09 ``extend``)."""
        at = self._clock.now()
        until = instant(keep_until, self._clock, "keep_until")
        if until <= at:
            raise InvalidInputError("keep_until must be in the future")
        require_id(actor, "actor")
        require_id(justification, "justification")

        def extended(task: ReviewTask) -> ReviewTask:
            link = self._store.get_link(task.record_id, task.purpose_id)
            if link is None or link.state is not LinkState.LIVE:
                raise ConflictError("the reviewed link no longer exists")
            self._store.update_link(attrs.evolve(link, eligible_from=until))
            self._audit.append(
                actor=actor,
                action="retention.review.extended",
                ids=[task.id, task.record_id],
                details={"purpose": task.purpose_id, "keep_until": until.isoformat()},
            )
            return attrs.evolve(
                task,
                state=ReviewState.EXTENDED,
                decided_at=at,
                decided_by=actor,
                justification=justification,
                keep_until=until,
            )

        return self._decide(review_id, extended)

    # --- reports -----------------------------------------------------------------------

    def awaiting_trigger(
        self,
        older_than: dt.timedelta,
        *,
        now: dt.datetime | None = None,
        limit: int = 1000,
    ) -> list[AwaitingTrigger]:
        """Return live links still waiting for their trigger after *older_than* (RET-08)."""
        at = instant(now, self._clock, "now")
        if older_than < dt.timedelta(0):
            raise InvalidInputError("older_than must not be negative")
        found = []
        for link in self._store.links_awaiting_trigger(at - older_than, limit=limit):
            purpose = self._purpose(link.purpose_id)
            rule = None if purpose is None else purpose.retention
            found.append(
                AwaitingTrigger(
                    record_id=link.record_id,
                    purpose_id=link.purpose_id,
                    event=None if rule is None else rule.event_name,
                    created_at=link.created_at,
                    waiting=at - link.created_at,
                )
            )
        return found

    def lateness(
        self,
        start: dt.datetime,
        end: dt.datetime,
        *,
        tolerance: dt.timedelta = dt.timedelta(days=1),
    ) -> LatenessReport:
        """Report due against executed for disposals executed in ``[start, end)`` (RET-11)."""
        first = instant(start, self._clock, "start")
        last = instant(end, self._clock, "end")
        delays: list[dt.timedelta] = []
        after = None
        while True:
            page = self._store.disposals_executed(first, last, after=after, limit=1000)
            delays.extend(d.executed_at - d.due_at for d in page)
            if len(page) < 1000:  # noqa: PLR2004 - the page size above
                break
            after = page[-1]
        return LatenessReport(
            start=first,
            end=last,
            disposals=len(delays),
            late=sum(1 for d in delays if d > tolerance),
            tolerance=tolerance,
            median=statistics.median_low(delays) if delays else None,
            maximum=max(delays, default=None),
        )
