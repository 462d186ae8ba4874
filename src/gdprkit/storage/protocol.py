"""The ``Store`` protocol: everything gdprkit keeps at run time, grouped by aggregate.

One protocol per aggregate (subjects, records, purpose links and claims, consent
events, subject requests, holds, review and disposal tasks, suppressions, breaches, published
texts, disposal records, audit entries, wrapped keys) and :class:`Store`, which combines them with
:meth:`Store.transaction`.
:class:`~gdprkit.storage.memory.MemoryStore` is the executable specification and
:mod:`gdprkit.testing.conformance` the suite every backend must pass.

Rules shared by every method:

* Every datetime argument must be timezone-aware (a naive one raises
  :class:`~gdprkit.errors.NaiveDatetimeError`); every datetime returned is UTC.
* A missing id raises :class:`~gdprkit.errors.NotFoundError` when the method changes
  something and returns ``None`` when it only reads; a duplicate id raises
  :class:`~gdprkit.errors.ConflictError`.
* A backend failure raises :class:`~gdprkit.errors.StorageError`; the transaction
  it happened in was rolled back.
* Lists come back in a documented, deterministic order.
* Nothing is stored in clear that identifies a person: ids are opaque, field values
  are ciphertext, lookups go through blind-index digests, and ``details`` /
  ``evidence`` hold ids and hashes only (Art. 5(1)(c), 25, 32).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from gdprkit.storage.keys import KeyStore

if TYPE_CHECKING:
    import contextlib
    import datetime as dt
    from collections.abc import Collection, Mapping, Sequence
    from typing import Any

    from gdprkit.storage.types import (
        AuditEntry,
        AuditSeal,
        BlindIndexEntry,
        BreachRecord,
        Claim,
        ConsentEvent,
        DisposalRecord,
        DisposalTask,
        Hold,
        HoldScope,
        LinkKey,
        PublishedText,
        PurposeLink,
        Record,
        RecordCounts,
        RecordOutline,
        ReviewState,
        ReviewTask,
        Subject,
        SubjectRequest,
        Suppression,
        SweepBatch,
        TaskState,
    )

__all__ = [
    "AuditStore",
    "BreachStore",
    "ConsentStore",
    "DisposalStore",
    "HoldStore",
    "LinkStore",
    "RecordStore",
    "RequestStore",
    "ReviewStore",
    "Store",
    "SubjectStore",
    "SuppressionStore",
    "TaskStore",
    "TextStore",
]


class SubjectStore(Protocol):
    """**Protocol:** data subjects and the blind-index digests that find them."""

    def add_subject(self, subject: Subject) -> None:
        """Store a new subject.

        Raises:
            ConflictError: the id exists.
        """
        ...

    def get_subject(self, subject_id: str) -> Subject | None:
        """Return the subject, or ``None``."""
        ...

    def delete_subject(self, subject_id: str) -> None:
        """Delete a subject that has no records left, with its blind-index entries (Art. 17).

        Consent events, requests and disposal records that name the id are history
        and stay.

        Raises:
            NotFoundError: no such subject.
            ConflictError: the subject still has records.
        """
        ...

    def delete_subjects_without_records(self, subject_ids: Collection[str]) -> list[str]:
        """Delete those of *subject_ids* that have no records left, as :meth:`delete_subject`.

        The retention engine's set-based form: one call per batch for every subject whose
        last record the batch disposed of. Unknown ids and subjects that still have
        records are left alone.

        Returns:
            The ids deleted, sorted.
        """
        ...

    def add_blind_index(self, entry: BlindIndexEntry) -> None:
        """Add a digest for a subject; adding the same entry twice is a no-op.

        Raises:
            NotFoundError: no such subject.
        """
        ...

    def find_subjects(self, index_name: str, digest: bytes) -> list[str]:
        """Return the ids of the subjects with this digest in this index, sorted.

        A truncated digest can collide, so there may be more than one.
        """
        ...

    def remove_blind_index(self, subject_id: str, *, index_name: str | None = None) -> int:
        """Remove a subject's entries (of one index, or all); return how many went."""
        ...


class RecordStore(Protocol):
    """**Protocol:** records and their encrypted fields."""

    def add_record(self, record: Record) -> None:
        """Store a new record with its fields.

        Raises:
            NotFoundError: the subject does not exist.
            ConflictError: the id exists.
        """
        ...

    def get_record(self, record_id: str) -> Record | None:
        """Return the record with its current fields, or ``None``."""
        ...

    def get_records(self, record_ids: Collection[str]) -> dict[str, Record]:
        """Return the records that exist among *record_ids*, by id (one query per batch)."""
        ...

    def outlines_of_records(self, record_ids: Collection[str]) -> dict[str, RecordOutline]:
        """Return outlines (no values) of the records that exist among *record_ids*, by id.

        What the retention engine decides on, without reading any ciphertext.
        """
        ...

    def records_of_subject(self, subject_id: str) -> list[Record]:
        """Return a subject's records by ``(created_at, id)`` (Art. 15, 17, 20)."""
        ...

    def put_fields(self, record_id: str, fields: Mapping[str, bytes]) -> None:
        """Add or replace encrypted field values of a managed record (e.g. re-encryption).

        Raises:
            NotFoundError: no such record.
            ConflictError: the record is referenced; its values live elsewhere.
        """
        ...

    def remove_fields(self, record_id: str, category_ids: Collection[str]) -> list[str]:
        """Remove fields no purpose needs any more (Art. 5(1)(c), (e)).

        Returns:
            The category ids that were present and are now gone, sorted; removing
            an absent field is not an error, so a retried sweep is harmless.

        Raises:
            NotFoundError: no such record.
        """
        ...

    def delete_record(self, record_id: str) -> None:
        """Delete a record with its fields and purpose links (Art. 17).

        Raises:
            NotFoundError: no such record.
        """
        ...

    def delete_records(self, record_ids: Collection[str]) -> None:
        """Delete records with their fields and purpose links, as :meth:`delete_record`.

        Raises:
            NotFoundError: one of them does not exist (nothing is deleted when the
                caller's transaction rolls back).
        """
        ...

    def count_records(
        self,
        purpose_ids: Collection[str],
        *,
        created_from: dt.datetime | None = None,
        created_until: dt.datetime | None = None,
    ) -> RecordCounts:
        """Count the records with a live link to any of *purpose_ids*, and their subjects.

        Optionally only records created in ``[created_from, created_until)``. Used to
        size a breach from the systems it hit, without decrypting anything (Art. 33(3)(a)).
        """
        ...


class LinkStore(Protocol):
    """**Protocol:** purpose links, the due-link queue and its claims.

    A link is due when it is live and ``eligible_from <= now``. Sweep workers take
    due links in batches with :meth:`claim_due`: the batch is leased to the worker
    until ``lease_until``; while the lease runs no other claim returns those links.
    A worker that dies simply lets the lease run out and the links return to the pool.
    """

    def add_link(self, link: PurposeLink) -> None:
        """Store a new purpose link.

        Raises:
            NotFoundError: the record does not exist.
            ConflictError: the record already has a link to the purpose.
        """
        ...

    def get_link(self, record_id: str, purpose_id: str) -> PurposeLink | None:
        """Return the link, or ``None``."""
        ...

    def update_link(self, link: PurposeLink) -> None:
        """Write a changed link (triggers, ``eligible_from``, state, restriction).

        ``created_at`` keeps its stored value; a claim on the link is not affected.

        Raises:
            NotFoundError: no such link.
        """
        ...

    def update_links(self, links: Sequence[PurposeLink]) -> None:
        """Write changed links, as :meth:`update_link` (one statement per batch).

        Raises:
            NotFoundError: one of them does not exist.
        """
        ...

    def links_of_record(self, record_id: str) -> list[PurposeLink]:
        """Return a record's links by ``purpose_id``."""
        ...

    def links_of_records(
        self, record_ids: Collection[str], *, lock: bool = False
    ) -> list[PurposeLink]:
        """Return the links of these records by ``(record_id, purpose_id)``.

        With *lock*, inside a transaction, the links are locked against every other
        writer until it ends, so two workers that reach the same link (a sweep and a
        subject's erasure, say) handle it one after the other and the second sees what
        the first did. A backend whose transactions already exclude concurrent writers
        (SQLite's write lock) has nothing more to do.
        """
        ...

    def links_of_subject(self, subject_id: str) -> list[PurposeLink]:
        """Return the links of every record of a subject by ``(record_id, purpose_id)``."""
        ...

    def links_of_purpose(
        self,
        purpose_id: str,
        *,
        after: LinkKey | None,
        limit: int,
    ) -> list[PurposeLink]:
        """Return up to *limit* links of a purpose by ``record_id``, after *after*.

        *after* is compared in :class:`LinkKey` order, ``(record_id, purpose_id)``;
        pass the key of the last link of the previous page. Pages through the links
        a policy change must recompute.
        """
        ...

    def links_awaiting_trigger(
        self,
        created_before: dt.datetime,
        *,
        limit: int,
    ) -> list[PurposeLink]:
        """Return live links still without ``eligible_from`` made before an instant.

        Ordered by ``(created_at, record_id, purpose_id)``; a report of data whose
        retention clock never started (Art. 5(1)(e)).
        """
        ...

    def due_links(
        self,
        now: dt.datetime,
        *,
        after: PurposeLink | None = None,
        limit: int,
    ) -> list[PurposeLink]:
        """Return up to *limit* due links, claimed or not, without claiming them (for plans).

        Ordered by ``(eligible_from, record_id, purpose_id)``; pass the last link of the
        previous page as *after*.
        """
        ...

    def count_due_links(self, now: dt.datetime, *, purpose_id: str | None = None) -> int:
        """Count live links with ``eligible_from <= now``, claimed or not (for plans)."""
        ...

    def count_awaiting_trigger(self, *, purpose_id: str | None = None) -> int:
        """Count live links without ``eligible_from`` (for plans)."""
        ...

    def claim_due(
        self,
        now: dt.datetime,
        *,
        worker: str,
        limit: int,
        lease_until: dt.datetime,
    ) -> Claim:
        """Lease up to *limit* due, unclaimed links to *worker* until *lease_until*.

        Links come by ``(eligible_from, record_id, purpose_id)``. A link is unclaimed
        when it was never claimed, its claim was completed, or its lease ended
        (``lease_until <= now``). When nothing is due the claim is empty and is not
        stored, so a sweep with nothing to do writes nothing; there is nothing to
        complete, and :meth:`complete_claim` treats its id as unknown.

        Raises:
            ValueError: ``lease_until`` is not after ``now``, or *limit* is not positive.
        """
        ...

    def sweep_batch(
        self,
        now: dt.datetime,
        *,
        worker: str,
        limit: int,
        lease_until: dt.datetime,
    ) -> contextlib.AbstractContextManager[SweepBatch]:
        """Claim a batch of due links and hold open the transaction that handles it.

        The claim is made as :meth:`claim_due` makes it. The block runs in one write
        transaction with the claimed links' records and all their links read in it; the
        caller makes its writes and calls :meth:`complete_claim` inside the block, and
        they commit together when the block ends, or roll back when it raises. An empty
        claim gives an empty batch and writes nothing.

        How a backend keeps other workers off the batch is its own: a backend with one
        writer at a time claims inside the block's transaction, so the claim commits with
        the batch and a process killed mid-batch leaves its links due at once; a backend
        with concurrent writers commits the claim first (leases), so that other workers
        can take other batches meanwhile, and locks the batch's links in key order inside
        the block. Either way, when the block raises, the claimed links stay out of the
        pool until ``lease_until``, so a batch that fails every time does not keep later
        sweeps from the links behind it. Inside an open transaction the batch joins it,
        and nothing commits before that transaction does.

        Raises:
            ValueError: ``lease_until`` is not after ``now``, or *limit* is not positive.
        """
        ...

    def complete_claim(
        self,
        claim_id: str,
        *,
        worker: str,
        now: dt.datetime,
        defer: Collection[LinkKey] = (),
        defer_until: dt.datetime | None = None,
    ) -> None:
        """Release a claim's links once the worker has handled them; idempotent.

        Links in *defer* (e.g. blocked by a legal hold) stay out of the pool until
        *defer_until*, so they do not crowd out other due links; the rest return at
        once if still due. Completing a completed claim again is a no-op.

        Raises:
            ClaimLostError: the claim is unknown, belongs to another worker, or its
                lease ended before it was completed (its links may have been taken
                over: the worker must not assume it handled them alone).
            ValueError: *defer* is given without *defer_until*.
        """
        ...

    def release_deferrals(self) -> int:
        """Return every deferred link to the pool at once; return how many.

        Called when what blocked them may have gone (a hold released, a review
        decided), so overdue items are due at once (LEGAL.md RET-07). Links in a
        running claim are not touched.
        """
        ...


class ConsentStore(Protocol):
    """**Protocol:** the append-only consent history (Art. 7(1), 7(3))."""

    def add_consent_event(self, event: ConsentEvent) -> None:
        """Append an event; events are never changed or deleted.

        Raises:
            ConflictError: the id exists.
        """
        ...

    def consent_events(
        self,
        subject_id: str,
        purpose_id: str | None = None,
    ) -> list[ConsentEvent]:
        """Return a subject's events (for one purpose, or all) by time, then by insertion."""
        ...


class RequestStore(Protocol):
    """**Protocol:** data-subject requests (Art. 12, 15-22)."""

    def add_request(self, request: SubjectRequest) -> None:
        """Store a new request.

        Raises:
            ConflictError: the id exists.
        """
        ...

    def get_request(self, request_id: str) -> SubjectRequest | None:
        """Return the request, or ``None``."""
        ...

    def update_request(
        self,
        request_id: str,
        *,
        state: str,
        details: Mapping[str, Any] | None = None,
    ) -> SubjectRequest:
        """Set a request's state (and replace its details when given); return it.

        Raises:
            NotFoundError: no such request.
        """
        ...

    def requests_of_subject(self, subject_id: str) -> list[SubjectRequest]:
        """Return a subject's requests by ``(received_at, id)``."""
        ...

    def requests_in_state(self, states: Collection[str], *, limit: int) -> list[SubjectRequest]:
        """Return up to *limit* requests in any of *states* by ``(received_at, id)``.

        Feeds the report of requests due soon or overdue (Art. 12(3)).
        """
        ...


class HoldStore(Protocol):
    """**Protocol:** legal holds, which block disposal (Art. 17(3)(e))."""

    def add_hold(self, hold: Hold) -> None:
        """Store a new hold.

        Raises:
            ConflictError: the id exists.
        """
        ...

    def get_hold(self, hold_id: str) -> Hold | None:
        """Return the hold, or ``None``."""
        ...

    def release_hold(self, hold_id: str, *, at: dt.datetime) -> Hold:
        """Release a hold and return it; releasing a released hold returns it unchanged.

        Raises:
            NotFoundError: no such hold.
        """
        ...

    def active_holds(
        self,
        *,
        scope: HoldScope | None = None,
        scope_value: str | None = None,
    ) -> list[Hold]:
        """Return unreleased holds, optionally of one scope (and value), by ``(created_at, id)``."""
        ...


class ReviewStore(Protocol):
    """**Protocol:** disposition review tasks (LEGAL.md RET-09)."""

    def add_review(self, task: ReviewTask) -> None:
        """Store a new review task.

        Raises:
            ConflictError: the id exists.
        """
        ...

    def get_review(self, review_id: str) -> ReviewTask | None:
        """Return the task, or ``None``."""
        ...

    def update_review(self, task: ReviewTask) -> None:
        """Write a decided task (state, decision fields).

        Raises:
            NotFoundError: no such task.
        """
        ...

    def reviews(
        self,
        *,
        state: ReviewState | None = None,
        limit: int,
    ) -> list[ReviewTask]:
        """Return up to *limit* tasks (of one state, or all) by ``(created_at, id)``."""
        ...


class TaskStore(Protocol):
    """**Protocol:** disposal tasks for referenced records, acknowledged by a handler."""

    def add_task(self, task: DisposalTask) -> None:
        """Store a new task.

        Raises:
            ConflictError: the id exists.
        """
        ...

    def get_task(self, task_id: str) -> DisposalTask | None:
        """Return the task, or ``None``."""
        ...

    def update_task(self, task: DisposalTask) -> None:
        """Write a changed task (attempts, next attempt, error, state).

        Raises:
            NotFoundError: no such task.
        """
        ...

    def claim_task(
        self, task_id: str, *, now: dt.datetime, until: dt.datetime
    ) -> DisposalTask | None:
        """Take a pending task whose ``next_attempt_at <= now`` for one attempt, atomically.

        Sets ``next_attempt_at`` to *until* (the attempt's lease) and adds one to
        ``attempts``; returns the updated task, or ``None`` when the task is done, not
        yet due, unknown, or taken by another runner.
        """
        ...

    def tasks(
        self,
        *,
        state: TaskState | None = None,
        ready_at: dt.datetime | None = None,
        limit: int,
    ) -> list[DisposalTask]:
        """Return up to *limit* tasks.

        With *ready_at*: pending tasks with ``next_attempt_at <= ready_at`` by
        ``(next_attempt_at, id)``; otherwise tasks (of *state*, or all) by
        ``(created_at, id)``.
        """
        ...


class SuppressionStore(Protocol):
    """**Protocol:** suppression entries, which survive the subject's erasure (Art. 21(3))."""

    def add_suppression(self, entry: Suppression) -> None:
        """Store an entry; adding the same digest and scope again is a no-op."""
        ...

    def is_suppressed(self, digest: bytes, scope: str) -> bool:
        """Return whether the digest is suppressed for the scope."""
        ...


class BreachStore(Protocol):
    """**Protocol:** the register of personal-data breaches (Art. 33(5))."""

    def add_breach(self, breach: BreachRecord) -> None:
        """Register a breach.

        Raises:
            ConflictError: the id exists.
        """
        ...

    def get_breach(self, breach_id: str) -> BreachRecord | None:
        """Return the breach, or ``None``."""
        ...

    def update_breach(
        self,
        breach_id: str,
        *,
        state: str,
        details: Mapping[str, Any],
    ) -> BreachRecord:
        """Set a breach's state and details; return it.

        Raises:
            NotFoundError: no such breach.
        """
        ...

    def breaches(self) -> list[BreachRecord]:
        """Return every breach by ``(aware_at, id)``."""
        ...


class TextStore(Protocol):
    """**Protocol:** notices and consent wordings exactly as published (Art. 7(1), 13, 14)."""

    def publish_text(self, text: PublishedText) -> PublishedText:
        """Store a text under its hash and return the stored one; idempotent.

        Publishing the same bytes again returns the first publication unchanged.
        """
        ...

    def get_text(self, sha256: str) -> PublishedText | None:
        """Return the text with this hash, or ``None``."""
        ...


class DisposalStore(Protocol):
    """**Protocol:** disposal records, the proof of disposition (Art. 5(2))."""

    def add_disposal(self, disposal: DisposalRecord) -> None:
        """Store a disposal record; they are never changed.

        Raises:
            ConflictError: the id exists.
        """
        ...

    def add_disposals(self, disposals: Sequence[DisposalRecord]) -> None:
        """Store disposal records, as :meth:`add_disposal` (one statement per batch).

        Raises:
            ConflictError: one of the ids exists.
        """
        ...

    def get_disposal(self, disposal_id: str) -> DisposalRecord | None:
        """Return the disposal record, or ``None``."""
        ...

    def disposals_of_subject(self, subject_id: str) -> list[DisposalRecord]:
        """Return a subject's disposal records by ``(executed_at, id)``."""
        ...

    def disposals_executed(
        self,
        start: dt.datetime,
        end: dt.datetime,
        *,
        after: DisposalRecord | None = None,
        limit: int,
    ) -> list[DisposalRecord]:
        """Return up to *limit* records executed in ``[start, end)`` by ``(executed_at, id)``.

        Pass the last record of the previous page as *after*. Feeds the lateness report
        (due against executed, LEGAL.md RET-11).
        """
        ...


class AuditStore(Protocol):
    """**Protocol:** raw storage of the audit chain; use :class:`gdprkit.audit.AuditLog`."""

    def append_audit_entry(self, entry: AuditEntry, *, seal: AuditSeal) -> None:
        """Append the next entry and move the head seal to it, atomically.

        Raises:
            ConflictError: ``entry.seq`` is not one past the current seal's
                (1 for an empty log), or ``seal.seq != entry.seq``.
        """
        ...

    def audit_seal(self) -> AuditSeal | None:
        """Return the head seal, or ``None`` for an empty log."""
        ...

    def audit_entries(self, *, after_seq: int = 0, limit: int | None = None) -> list[AuditEntry]:
        """Return entries with ``seq > after_seq`` by ascending ``seq``."""
        ...

    def delete_audit_entries(self, *, through_seq: int) -> int:
        """Delete entries with ``seq <= through_seq`` (retention pruning); return how many."""
        ...


class Store(
    SubjectStore,
    RecordStore,
    LinkStore,
    ConsentStore,
    RequestStore,
    HoldStore,
    ReviewStore,
    TaskStore,
    SuppressionStore,
    BreachStore,
    TextStore,
    DisposalStore,
    AuditStore,
    KeyStore,
    Protocol,
):
    """**Protocol:** everything gdprkit keeps at run time.

    Backends: :class:`~gdprkit.storage.memory.MemoryStore` (the specification),
    :class:`~gdprkit.storage.sqlite.SQLiteStore` (the embedded default).

    Attributes:
        supports_multiprocess: Whether several processes may share the store.
    """

    supports_multiprocess: bool

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """Run a block as one atomic transaction (Art. 5(1)(f), 32(1)(b)).

        * A call outside an explicit transaction runs in a transaction of its own.
        * A nested ``transaction()`` joins the outer one; only the outermost commits.
        * An exception that leaves any level rolls back the whole transaction and
          propagates. If an outer block swallows an inner block's exception, the
          transaction is already lost: further calls in it, and leaving the outer
          block, raise :class:`~gdprkit.errors.StorageError`.
        * A transaction belongs to the thread that opened it; other threads wait.
        """
        ...
