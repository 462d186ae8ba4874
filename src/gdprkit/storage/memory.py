"""The in-memory store: the executable specification of the ``Store`` protocol.

Every other backend must behave exactly like this one; the conformance suite in
:mod:`gdprkit.testing` and a state-machine test hold them to it. It keeps nothing
after the process ends, so it suits tests, demos and dry runs.

Transactions work by snapshot: the outermost :meth:`MemoryStore.transaction` takes a
shallow copy of every table (the stored values are immutable), and an exception
restores the copy. One re-entrant lock serialises transactions between threads.
"""

from __future__ import annotations

import contextlib
import copy
import threading
import uuid
from typing import TYPE_CHECKING

import attrs

from gdprkit.clock import to_utc
from gdprkit.errors import ClaimLostError, ConflictError, NotFoundError, StorageError
from gdprkit.storage.keys import KeyTombstone, WrappedKey
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
    LinkState,
    PublishedText,
    PurposeLink,
    Record,
    RecordCounts,
    RecordKind,
    RecordOutline,
    ReviewState,
    ReviewTask,
    Subject,
    SubjectRequest,
    Suppression,
    SweepBatch,
    TaskState,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Collection, Iterator, Mapping, Sequence
    from typing import Any

__all__ = ["MemoryStore"]


@attrs.frozen(kw_only=True)
class _ClaimRow:
    worker: str
    lease_until: dt.datetime
    completed: bool = False


@attrs.define
class _Tables:
    """Every table of the store; values are immutable, so a shallow copy is a snapshot."""

    subjects: dict[str, Subject] = attrs.Factory(dict)
    blind: set[tuple[str, str, bytes]] = attrs.Factory(set)
    records: dict[str, Record] = attrs.Factory(dict)
    links: dict[LinkKey, PurposeLink] = attrs.Factory(dict)
    leases: dict[LinkKey, tuple[str | None, dt.datetime]] = attrs.Factory(dict)
    claims: dict[str, _ClaimRow] = attrs.Factory(dict)
    consent: list[ConsentEvent] = attrs.Factory(list)
    requests: dict[str, SubjectRequest] = attrs.Factory(dict)
    holds: dict[str, Hold] = attrs.Factory(dict)
    reviews: dict[str, ReviewTask] = attrs.Factory(dict)
    breaches: dict[str, BreachRecord] = attrs.Factory(dict)
    suppressions: dict[tuple[bytes, str], Suppression] = attrs.Factory(dict)
    tasks: dict[str, DisposalTask] = attrs.Factory(dict)
    texts: dict[str, PublishedText] = attrs.Factory(dict)
    disposals: dict[str, DisposalRecord] = attrs.Factory(dict)
    audit: dict[int, AuditEntry] = attrs.Factory(dict)
    seal: list[AuditSeal] = attrs.Factory(list)
    keys: dict[int, WrappedKey] = attrs.Factory(dict)
    tombstones: dict[int, KeyTombstone] = attrs.Factory(dict)

    def snapshot(self) -> _Tables:
        return _Tables(
            **{name: copy.copy(value) for name, value in attrs.asdict(self, recurse=False).items()}
        )


class MemoryStore:
    """A store that keeps everything in process memory; the reference backend.

    Safe to share between threads of one process; not shared between processes.
    """

    supports_multiprocess = False

    def __init__(self) -> None:
        self._t = _Tables()
        self._lock = threading.RLock()
        self._depth = 0
        self._doomed = False

    def __repr__(self) -> str:
        return "MemoryStore()"

    # --- transactions -----------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block as one transaction; see :meth:`gdprkit.storage.Store.transaction`."""
        with self._lock:
            if self._depth == 0:
                saved = self._t.snapshot()
                self._doomed = False
            else:
                self._check_not_doomed()
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._t = saved
                    self._doomed = False
                else:
                    self._doomed = True
                raise
            self._depth -= 1
            if self._depth == 0:
                if self._doomed:
                    self._t = saved
                    self._doomed = False
                    raise StorageError(
                        "transaction rolled back: an inner transaction failed",
                    )
            elif self._doomed:
                raise StorageError("transaction rolled back: an inner transaction failed")

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """Hold the lock for a read; no snapshot is needed because nothing changes."""
        with self._lock:
            self._check_not_doomed()
            yield

    def _check_not_doomed(self) -> None:
        if self._doomed:
            raise StorageError("transaction rolled back: an inner transaction failed")

    # --- subjects ---------------------------------------------------------------------

    def add_subject(self, subject: Subject) -> None:
        """Store a new subject; see :class:`gdprkit.storage.protocol.SubjectStore`."""
        with self.transaction():
            if subject.id in self._t.subjects:
                raise ConflictError("subject id already exists")
            self._t.subjects[subject.id] = subject

    def get_subject(self, subject_id: str) -> Subject | None:
        """Return the subject, or ``None``."""
        with self._reading():
            return self._t.subjects.get(subject_id)

    def delete_subject(self, subject_id: str) -> None:
        """Delete a subject without records, with its blind-index entries (Art. 17)."""
        with self.transaction():
            if subject_id not in self._t.subjects:
                raise NotFoundError("no such subject")
            if any(r.subject_id == subject_id for r in self._t.records.values()):
                raise ConflictError("the subject still has records")
            self.remove_blind_index(subject_id)
            del self._t.subjects[subject_id]

    def delete_subjects_without_records(self, subject_ids: Collection[str]) -> list[str]:
        """Delete those of the subjects that have no records left; return their ids, sorted."""
        with self.transaction():
            owning = {r.subject_id for r in self._t.records.values()}
            gone = sorted(s for s in set(subject_ids) if s in self._t.subjects and s not in owning)
            for subject_id in gone:
                self.remove_blind_index(subject_id)
                del self._t.subjects[subject_id]
            return gone

    def add_blind_index(self, entry: BlindIndexEntry) -> None:
        """Add a digest for a subject; idempotent."""
        with self.transaction():
            if entry.subject_id not in self._t.subjects:
                raise NotFoundError("no such subject")
            self._t.blind.add((entry.subject_id, entry.index_name, entry.digest))

    def find_subjects(self, index_name: str, digest: bytes) -> list[str]:
        """Return the ids of the subjects with this digest, sorted."""
        with self._reading():
            return sorted(s for s, n, d in self._t.blind if n == index_name and d == digest)

    def remove_blind_index(self, subject_id: str, *, index_name: str | None = None) -> int:
        """Remove a subject's blind-index entries; return how many went."""
        with self.transaction():
            gone = {
                e
                for e in self._t.blind
                if e[0] == subject_id and (index_name is None or e[1] == index_name)
            }
            self._t.blind -= gone
            return len(gone)

    # --- records ----------------------------------------------------------------------

    def add_record(self, record: Record) -> None:
        """Store a new record with its fields."""
        with self.transaction():
            if record.subject_id not in self._t.subjects:
                raise NotFoundError("no such subject")
            if record.id in self._t.records:
                raise ConflictError("record id already exists")
            self._t.records[record.id] = record

    def get_record(self, record_id: str) -> Record | None:
        """Return the record, or ``None``."""
        with self._reading():
            return self._t.records.get(record_id)

    def get_records(self, record_ids: Collection[str]) -> dict[str, Record]:
        """Return the records that exist among *record_ids*, by id."""
        with self._reading():
            return {i: self._t.records[i] for i in set(record_ids) if i in self._t.records}

    def outlines_of_records(self, record_ids: Collection[str]) -> dict[str, RecordOutline]:
        """Return outlines of the records that exist among *record_ids*, by id."""
        return {i: RecordOutline.of(r) for i, r in self.get_records(record_ids).items()}

    def records_of_subject(self, subject_id: str) -> list[Record]:
        """Return a subject's records by ``(created_at, id)``."""
        with self._reading():
            return sorted(
                (r for r in self._t.records.values() if r.subject_id == subject_id),
                key=lambda r: (r.created_at, r.id),
            )

    def put_fields(self, record_id: str, fields: Mapping[str, bytes]) -> None:
        """Add or replace encrypted field values of a managed record."""
        with self.transaction():
            record = self._record(record_id)
            if record.kind is RecordKind.REFERENCED:
                raise ConflictError("a referenced record holds no field values")
            self._t.records[record_id] = attrs.evolve(record, fields={**record.fields, **fields})

    def remove_fields(self, record_id: str, category_ids: Collection[str]) -> list[str]:
        """Remove fields; return the category ids that were present, sorted."""
        with self.transaction():
            record = self._record(record_id)
            gone = sorted(set(category_ids) & set(record.fields))
            kept = {c: v for c, v in record.fields.items() if c not in gone}
            self._t.records[record_id] = attrs.evolve(record, fields=kept)
            return gone

    def delete_record(self, record_id: str) -> None:
        """Delete a record with its fields and purpose links."""
        self.delete_records([record_id])

    def delete_records(self, record_ids: Collection[str]) -> None:
        """Delete records with their fields and purpose links."""
        doomed = set(record_ids)
        with self.transaction():
            for record_id in doomed:
                self._record(record_id)
                del self._t.records[record_id]
            for key in [k for k in self._t.links if k.record_id in doomed]:
                del self._t.links[key]
                self._t.leases.pop(key, None)

    def count_records(
        self,
        purpose_ids: Collection[str],
        *,
        created_from: dt.datetime | None = None,
        created_until: dt.datetime | None = None,
    ) -> RecordCounts:
        """Count records with a live link to any of *purpose_ids*, and their subjects."""
        start = _opt_instant(created_from, "count_records(created_from)")
        end = _opt_instant(created_until, "count_records(created_until)")
        wanted = set(purpose_ids)
        with self._reading():
            ids = {
                k.record_id
                for k, v in self._t.links.items()
                if k.purpose_id in wanted and v.state is LinkState.LIVE
            }
            records = [
                r
                for r in (self._t.records[i] for i in ids)
                if (start is None or r.created_at >= start) and (end is None or r.created_at < end)
            ]
            return RecordCounts(
                subjects=len({r.subject_id for r in records}),
                records=len(records),
                referenced=sum(1 for r in records if r.kind is RecordKind.REFERENCED),
            )

    def _record(self, record_id: str) -> Record:
        record = self._t.records.get(record_id)
        if record is None:
            raise NotFoundError("no such record")
        return record

    # --- purpose links and claims -----------------------------------------------------

    def add_link(self, link: PurposeLink) -> None:
        """Store a new purpose link."""
        with self.transaction():
            self._record(link.record_id)
            if link.key in self._t.links:
                raise ConflictError("the record already has a link to this purpose")
            self._t.links[link.key] = link

    def get_link(self, record_id: str, purpose_id: str) -> PurposeLink | None:
        """Return the link, or ``None``."""
        with self._reading():
            return self._t.links.get(LinkKey(record_id=record_id, purpose_id=purpose_id))

    def update_link(self, link: PurposeLink) -> None:
        """Write a changed link; ``created_at`` keeps its stored value."""
        self.update_links([link])

    def update_links(self, links: Sequence[PurposeLink]) -> None:
        """Write changed links; each keeps its stored ``created_at``."""
        with self.transaction():
            for link in links:
                old = self._t.links.get(link.key)
                if old is None:
                    raise NotFoundError("no such purpose link")
                self._t.links[link.key] = attrs.evolve(link, created_at=old.created_at)

    def links_of_record(self, record_id: str) -> list[PurposeLink]:
        """Return a record's links by ``purpose_id``."""
        return self.links_of_records([record_id])

    def links_of_records(
        self, record_ids: Collection[str], *, lock: bool = False
    ) -> list[PurposeLink]:
        """Return these records' links by ``(record_id, purpose_id)``.

        *lock* needs nothing here: the store's lock already serialises transactions.
        """
        del lock
        wanted = set(record_ids)
        with self._reading():
            return [self._t.links[k] for k in sorted(self._t.links) if k.record_id in wanted]

    def links_of_subject(self, subject_id: str) -> list[PurposeLink]:
        """Return the links of a subject's records by ``(record_id, purpose_id)``."""
        with self._reading():
            mine = {r.id for r in self._t.records.values() if r.subject_id == subject_id}
            return [self._t.links[k] for k in sorted(self._t.links) if k.record_id in mine]

    def links_of_purpose(
        self,
        purpose_id: str,
        *,
        after: LinkKey | None,
        limit: int,
    ) -> list[PurposeLink]:
        """Return up to *limit* links of a purpose by ``record_id``, after *after*."""
        with self._reading():
            keys = sorted(
                k
                for k in self._t.links
                if k.purpose_id == purpose_id and (after is None or k > after)
            )
            return [self._t.links[k] for k in keys[: max(limit, 0)]]

    def links_awaiting_trigger(
        self,
        created_before: dt.datetime,
        *,
        limit: int,
    ) -> list[PurposeLink]:
        """Return live links without ``eligible_from`` made before an instant."""
        before = to_utc(created_before, what="links_awaiting_trigger(created_before)")
        with self._reading():
            found = sorted(
                (v for v in self._t.links.values() if _awaiting(v, None) and v.created_at < before),
                key=lambda v: (v.created_at, v.record_id, v.purpose_id),
            )
            return found[: max(limit, 0)]

    def due_links(
        self,
        now: dt.datetime,
        *,
        after: PurposeLink | None = None,
        limit: int,
    ) -> list[PurposeLink]:
        """Return up to *limit* due links after *after*, without claiming them."""
        now = to_utc(now, what="due_links(now)")
        with self._reading():
            due = sorted(
                (v for v in self._t.links.values() if _due(v, now, None)),
                key=_due_order,
            )
            if after is not None:
                due = [v for v in due if _due_order(v) > _due_order(after)]
            return due[: max(limit, 0)]

    def count_due_links(self, now: dt.datetime, *, purpose_id: str | None = None) -> int:
        """Count live links with ``eligible_from <= now``."""
        now = to_utc(now, what="count_due_links(now)")
        with self._reading():
            return sum(1 for v in self._t.links.values() if _due(v, now, purpose_id))

    def count_awaiting_trigger(self, *, purpose_id: str | None = None) -> int:
        """Count live links without ``eligible_from``."""
        with self._reading():
            return sum(1 for v in self._t.links.values() if _awaiting(v, purpose_id))

    def claim_due(
        self,
        now: dt.datetime,
        *,
        worker: str,
        limit: int,
        lease_until: dt.datetime,
    ) -> Claim:
        """Lease up to *limit* due, unclaimed links to *worker* until *lease_until*."""
        now, lease_until = _claim_args(now, limit, lease_until, method="claim_due")
        with self.transaction():
            due = sorted(
                (
                    v
                    for k, v in self._t.links.items()
                    if _due(v, now, None) and self._lease_free(k, now)
                ),
                key=lambda v: (v.eligible_from, v.record_id, v.purpose_id),
            )[:limit]
            claim_id = uuid.uuid4().hex
            if not due:
                return Claim(id=claim_id, worker=worker, lease_until=lease_until, links=())
            self._t.claims[claim_id] = _ClaimRow(worker=worker, lease_until=lease_until)
            for link in due:
                self._t.leases[link.key] = (claim_id, lease_until)
            return Claim(id=claim_id, worker=worker, lease_until=lease_until, links=due)

    @contextlib.contextmanager
    def sweep_batch(
        self,
        now: dt.datetime,
        *,
        worker: str,
        limit: int,
        lease_until: dt.datetime,
    ) -> Iterator[SweepBatch]:
        """Claim and read a batch in one transaction; see :meth:`Store.sweep_batch`.

        One writer at a time: the claim is made inside the batch's transaction.
        """
        now, lease_until = _claim_args(now, limit, lease_until, method="sweep_batch")
        failed: list[LinkKey] = []
        try:
            with self.transaction():
                claim = self.claim_due(now, worker=worker, limit=limit, lease_until=lease_until)
                if self._depth == 1:  # the outermost transaction: it is the batch's own
                    failed = [link.key for link in claim.links]
                wanted = {link.record_id for link in claim.links}
                yield SweepBatch(
                    claim=claim,
                    links=self.links_of_records(wanted),
                    records=self.outlines_of_records(wanted),
                )
                failed = []
        except Exception:
            self._hold_back(failed, lease_until)
            raise

    def _hold_back(self, keys: Collection[LinkKey], until: dt.datetime) -> None:
        """Keep a failed batch's links out of the pool until *until*, as a lease would."""
        if not keys:
            return
        with self.transaction():
            for key in keys:
                if key in self._t.links:
                    self._t.leases[key] = (None, until)

    def _lease_free(self, key: LinkKey, now: dt.datetime) -> bool:
        lease = self._t.leases.get(key)
        return lease is None or lease[1] <= now

    def complete_claim(
        self,
        claim_id: str,
        *,
        worker: str,
        now: dt.datetime,
        defer: Collection[LinkKey] = (),
        defer_until: dt.datetime | None = None,
    ) -> None:
        """Release a claim's links once handled; idempotent."""
        now = to_utc(now, what="complete_claim(now)")
        until = _check_defer(defer, defer_until)
        with self.transaction():
            row = self._t.claims.get(claim_id)
            if row is None or row.worker != worker:
                raise ClaimLostError("claim unknown or held by another worker")
            if row.completed:
                return
            if row.lease_until <= now:
                raise ClaimLostError("claim lease ended before completion")
            self._t.claims[claim_id] = attrs.evolve(row, completed=True)
            deferred = set(defer)
            for key, (holder, _) in list(self._t.leases.items()):
                if holder == claim_id:
                    if key in deferred and until is not None:
                        self._t.leases[key] = (None, until)
                    else:
                        del self._t.leases[key]

    def release_deferrals(self) -> int:
        """Return every deferred link to the pool; return how many."""
        with self.transaction():
            deferred = [k for k, (holder, _) in self._t.leases.items() if holder is None]
            for key in deferred:
                del self._t.leases[key]
            return len(deferred)

    # --- consent events ---------------------------------------------------------------

    def add_consent_event(self, event: ConsentEvent) -> None:
        """Append a consent event."""
        with self.transaction():
            if any(e.id == event.id for e in self._t.consent):
                raise ConflictError("consent event id already exists")
            self._t.consent.append(event)

    def consent_events(
        self,
        subject_id: str,
        purpose_id: str | None = None,
    ) -> list[ConsentEvent]:
        """Return a subject's events by time, then by insertion."""
        with self._reading():
            return sorted(
                (
                    e
                    for e in self._t.consent
                    if e.subject_id == subject_id
                    and (purpose_id is None or e.purpose_id == purpose_id)
                ),
                key=lambda e: e.at,
            )

    # --- subject requests -------------------------------------------------------------

    def add_request(self, request: SubjectRequest) -> None:
        """Store a new request."""
        with self.transaction():
            if request.id in self._t.requests:
                raise ConflictError("request id already exists")
            self._t.requests[request.id] = request

    def get_request(self, request_id: str) -> SubjectRequest | None:
        """Return the request, or ``None``."""
        with self._reading():
            return self._t.requests.get(request_id)

    def update_request(
        self,
        request_id: str,
        *,
        state: str,
        details: Mapping[str, Any] | None = None,
    ) -> SubjectRequest:
        """Set a request's state (and details); return it."""
        with self.transaction():
            old = self._t.requests.get(request_id)
            if old is None:
                raise NotFoundError("no such request")
            new = attrs.evolve(
                old,
                state=state,
                details=old.details if details is None else details,
            )
            self._t.requests[request_id] = new
            return new

    def requests_of_subject(self, subject_id: str) -> list[SubjectRequest]:
        """Return a subject's requests by ``(received_at, id)``."""
        with self._reading():
            return sorted(
                (r for r in self._t.requests.values() if r.subject_id == subject_id),
                key=lambda r: (r.received_at, r.id),
            )

    def requests_in_state(self, states: Collection[str], *, limit: int) -> list[SubjectRequest]:
        """Return up to *limit* requests in any of *states* by ``(received_at, id)``."""
        wanted = set(states)
        with self._reading():
            found = sorted(
                (r for r in self._t.requests.values() if r.state in wanted),
                key=lambda r: (r.received_at, r.id),
            )
            return found[: max(limit, 0)]

    # --- disposal tasks ---------------------------------------------------------------

    def add_task(self, task: DisposalTask) -> None:
        """Store a new task."""
        with self.transaction():
            if task.id in self._t.tasks:
                raise ConflictError("task id already exists")
            self._t.tasks[task.id] = task

    def get_task(self, task_id: str) -> DisposalTask | None:
        """Return the task, or ``None``."""
        with self._reading():
            return self._t.tasks.get(task_id)

    def update_task(self, task: DisposalTask) -> None:
        """Write a changed task."""
        with self.transaction():
            if task.id not in self._t.tasks:
                raise NotFoundError("no such task")
            self._t.tasks[task.id] = task

    def claim_task(
        self, task_id: str, *, now: dt.datetime, until: dt.datetime
    ) -> DisposalTask | None:
        """Take a due pending task for one attempt; ``None`` if it is not free."""
        now = to_utc(now, what="claim_task(now)")
        until = to_utc(until, what="claim_task(until)")
        with self.transaction():
            task = self._t.tasks.get(task_id)
            if task is None or task.state is not TaskState.PENDING or task.next_attempt_at > now:
                return None
            task = attrs.evolve(task, attempts=task.attempts + 1, next_attempt_at=until)
            self._t.tasks[task_id] = task
            return task

    def tasks(
        self,
        *,
        state: TaskState | None = None,
        ready_at: dt.datetime | None = None,
        limit: int,
    ) -> list[DisposalTask]:
        """Return up to *limit* tasks (ready ones, or of a state, or all)."""
        ready = _opt_instant(ready_at, "tasks(ready_at)")
        with self._reading():
            if ready is not None:
                found = sorted(
                    (
                        t
                        for t in self._t.tasks.values()
                        if t.state is TaskState.PENDING and t.next_attempt_at <= ready
                    ),
                    key=lambda t: (t.next_attempt_at, t.id),
                )
            else:
                found = sorted(
                    (t for t in self._t.tasks.values() if state is None or t.state == state),
                    key=lambda t: (t.created_at, t.id),
                )
            return found[: max(limit, 0)]

    # --- suppressions -----------------------------------------------------------------

    def add_suppression(self, entry: Suppression) -> None:
        """Store an entry; the same digest and scope again is a no-op."""
        with self.transaction():
            self._t.suppressions.setdefault((entry.digest, entry.scope), entry)

    def is_suppressed(self, digest: bytes, scope: str) -> bool:
        """Return whether the digest is suppressed for the scope."""
        with self._reading():
            return (digest, scope) in self._t.suppressions

    # --- holds ------------------------------------------------------------------------

    def add_hold(self, hold: Hold) -> None:
        """Store a new hold."""
        with self.transaction():
            if hold.id in self._t.holds:
                raise ConflictError("hold id already exists")
            self._t.holds[hold.id] = hold

    def get_hold(self, hold_id: str) -> Hold | None:
        """Return the hold, or ``None``."""
        with self._reading():
            return self._t.holds.get(hold_id)

    def release_hold(self, hold_id: str, *, at: dt.datetime) -> Hold:
        """Release a hold; releasing a released hold returns it unchanged."""
        at = to_utc(at, what="release_hold(at)")
        with self.transaction():
            hold = self._t.holds.get(hold_id)
            if hold is None:
                raise NotFoundError("no such hold")
            if hold.released_at is None:
                hold = attrs.evolve(hold, released_at=at)
                self._t.holds[hold_id] = hold
            return hold

    def active_holds(
        self,
        *,
        scope: HoldScope | None = None,
        scope_value: str | None = None,
    ) -> list[Hold]:
        """Return unreleased holds by ``(created_at, id)``."""
        with self._reading():
            return sorted(
                (
                    h
                    for h in self._t.holds.values()
                    if h.active
                    and (scope is None or h.scope == scope)
                    and (scope_value is None or h.scope_value == scope_value)
                ),
                key=lambda h: (h.created_at, h.id),
            )

    # --- review tasks -----------------------------------------------------------------

    def add_review(self, task: ReviewTask) -> None:
        """Store a new review task."""
        with self.transaction():
            if task.id in self._t.reviews:
                raise ConflictError("review id already exists")
            self._t.reviews[task.id] = task

    def get_review(self, review_id: str) -> ReviewTask | None:
        """Return the task, or ``None``."""
        with self._reading():
            return self._t.reviews.get(review_id)

    def update_review(self, task: ReviewTask) -> None:
        """Write a decided task."""
        with self.transaction():
            if task.id not in self._t.reviews:
                raise NotFoundError("no such review")
            self._t.reviews[task.id] = task

    def reviews(self, *, state: ReviewState | None = None, limit: int) -> list[ReviewTask]:
        """Return up to *limit* tasks by ``(created_at, id)``."""
        with self._reading():
            found = sorted(
                (t for t in self._t.reviews.values() if state is None or t.state == state),
                key=lambda t: (t.created_at, t.id),
            )
            return found[: max(limit, 0)]

    # --- breaches ---------------------------------------------------------------------

    def add_breach(self, breach: BreachRecord) -> None:
        """Register a breach."""
        with self.transaction():
            if breach.id in self._t.breaches:
                raise ConflictError("breach id already exists")
            self._t.breaches[breach.id] = breach

    def get_breach(self, breach_id: str) -> BreachRecord | None:
        """Return the breach, or ``None``."""
        with self._reading():
            return self._t.breaches.get(breach_id)

    def update_breach(
        self,
        breach_id: str,
        *,
        state: str,
        details: Mapping[str, Any],
    ) -> BreachRecord:
        """Set a breach's state and details; return it."""
        with self.transaction():
            breach = self._t.breaches.get(breach_id)
            if breach is None:
                raise NotFoundError("no such breach")
            breach = attrs.evolve(breach, state=state, details=details)
            self._t.breaches[breach_id] = breach
            return breach

    def breaches(self) -> list[BreachRecord]:
        """Return every breach by ``(aware_at, id)``."""
        with self._reading():
            return sorted(self._t.breaches.values(), key=lambda b: (b.aware_at, b.id))

    # --- published texts --------------------------------------------------------------

    def publish_text(self, text: PublishedText) -> PublishedText:
        """Store a text under its hash; idempotent."""
        with self.transaction():
            return self._t.texts.setdefault(text.sha256, text)

    def get_text(self, sha256: str) -> PublishedText | None:
        """Return the text with this hash, or ``None``."""
        with self._reading():
            return self._t.texts.get(sha256)

    # --- disposal records -------------------------------------------------------------

    def add_disposal(self, disposal: DisposalRecord) -> None:
        """Store a disposal record."""
        self.add_disposals([disposal])

    def add_disposals(self, disposals: Sequence[DisposalRecord]) -> None:
        """Store disposal records."""
        with self.transaction():
            for disposal in disposals:
                if disposal.id in self._t.disposals:
                    raise ConflictError("disposal record id already exists")
                self._t.disposals[disposal.id] = disposal

    def get_disposal(self, disposal_id: str) -> DisposalRecord | None:
        """Return the disposal record, or ``None``."""
        with self._reading():
            return self._t.disposals.get(disposal_id)

    def disposals_of_subject(self, subject_id: str) -> list[DisposalRecord]:
        """Return a subject's disposal records by ``(executed_at, id)``."""
        with self._reading():
            return sorted(
                (d for d in self._t.disposals.values() if d.subject_id == subject_id),
                key=lambda d: (d.executed_at, d.id),
            )

    def disposals_executed(
        self,
        start: dt.datetime,
        end: dt.datetime,
        *,
        after: DisposalRecord | None = None,
        limit: int,
    ) -> list[DisposalRecord]:
        """Return up to *limit* records executed in ``[start, end)`` by ``(executed_at, id)``."""
        start = to_utc(start, what="disposals_executed(start)")
        end = to_utc(end, what="disposals_executed(end)")
        with self._reading():
            found = sorted(
                (d for d in self._t.disposals.values() if start <= d.executed_at < end),
                key=lambda d: (d.executed_at, d.id),
            )
            if after is not None:
                found = [d for d in found if (d.executed_at, d.id) > (after.executed_at, after.id)]
            return found[: max(limit, 0)]

    # --- audit entries ----------------------------------------------------------------

    def append_audit_entry(self, entry: AuditEntry, *, seal: AuditSeal) -> None:
        """Append the next audit entry and move the head seal, atomically."""
        with self.transaction():
            head = self._t.seal[0].seq if self._t.seal else 0
            if entry.seq != head + 1 or seal.seq != entry.seq:
                raise ConflictError("audit entry out of sequence")
            self._t.audit[entry.seq] = entry
            self._t.seal[:] = [seal]

    def audit_seal(self) -> AuditSeal | None:
        """Return the head seal, or ``None``."""
        with self._reading():
            return self._t.seal[0] if self._t.seal else None

    def audit_entries(self, *, after_seq: int = 0, limit: int | None = None) -> list[AuditEntry]:
        """Return entries with ``seq > after_seq`` by ascending ``seq``."""
        with self._reading():
            found = [self._t.audit[s] for s in sorted(self._t.audit) if s > after_seq]
            return found if limit is None else found[: max(limit, 0)]

    def delete_audit_entries(self, *, through_seq: int) -> int:
        """Delete entries with ``seq <= through_seq``; return how many."""
        with self.transaction():
            gone = [s for s in self._t.audit if s <= through_seq]
            for s in gone:
                del self._t.audit[s]
            return len(gone)

    # --- keys ---------------------------------------------------------------------------

    def add_wrapped_key(self, key: WrappedKey) -> None:
        """Store a new key version; see :class:`gdprkit.storage.keys.KeyStore`."""
        key = attrs.evolve(key, created_at=to_utc(key.created_at, what="WrappedKey.created_at"))
        with self.transaction():
            t = self._t
            if key.key_id in t.keys or key.key_id in t.tombstones:
                raise ConflictError(f"key id {key.key_id} already used")
            if any(k.owner == key.owner and k.version == key.version for k in t.keys.values()):
                raise ConflictError(f"key version {key.version} of this owner already exists")
            t.keys[key.key_id] = key

    def replace_wrapped_key(self, key: WrappedKey) -> None:
        """Replace the wrapping of an existing key; see :class:`gdprkit.storage.keys.KeyStore`."""
        with self.transaction():
            old = self._t.keys.get(key.key_id)
            if old is None or (old.owner, old.version) != (key.owner, key.version):
                raise NotFoundError(f"no key with id {key.key_id} for this owner and version")
            self._t.keys[key.key_id] = attrs.evolve(
                old,
                kek_id=key.kek_id,
                kek_version=key.kek_version,
                wrapped=key.wrapped,
            )

    def get_wrapped_key(self, key_id: int) -> WrappedKey | None:
        """Return the key with this id, or ``None``."""
        with self._reading():
            return self._t.keys.get(key_id)

    def wrapped_keys_of(self, owner: str) -> list[WrappedKey]:
        """Return every live key version of *owner*, oldest version first."""
        with self._reading():
            return sorted(
                (k for k in self._t.keys.values() if k.owner == owner),
                key=lambda k: k.version,
            )

    def wrapped_keys_by_kek(
        self,
        kek_id: str,
        kek_version: int,
        *,
        after_key_id: int | None,
        limit: int,
    ) -> list[WrappedKey]:
        """Return up to *limit* keys wrapped by this KEK version, by ascending key_id."""
        with self._reading():
            found = sorted(
                (
                    k
                    for k in self._t.keys.values()
                    if k.kek_id == kek_id
                    and k.kek_version == kek_version
                    and (after_key_id is None or k.key_id > after_key_id)
                ),
                key=lambda k: k.key_id,
            )
            return found[: max(limit, 0)]

    def destroy_wrapped_keys(
        self,
        owner: str,
        *,
        versions: Collection[int] | None,
        at: dt.datetime,
        reason: str,
    ) -> list[KeyTombstone]:
        """Delete the given versions of *owner*'s keys (all when ``None``) and tombstone them."""
        at = to_utc(at, what="destroy_wrapped_keys(at)")
        with self.transaction():
            doomed = [
                k for k in self.wrapped_keys_of(owner) if versions is None or k.version in versions
            ]
            stones = []
            for k in doomed:
                del self._t.keys[k.key_id]
                stone = KeyTombstone(
                    key_id=k.key_id,
                    owner=owner,
                    version=k.version,
                    destroyed_at=at,
                    reason=reason,
                )
                self._t.tombstones[k.key_id] = stone
                stones.append(stone)
            return stones

    def destroy_keys_of_owners(
        self, owners: Collection[str], *, at: dt.datetime, reason: str
    ) -> list[KeyTombstone]:
        """Destroy every key of every one of *owners* and tombstone them."""
        with self.transaction():
            return [
                stone
                for owner in sorted(set(owners))
                for stone in self.destroy_wrapped_keys(owner, versions=None, at=at, reason=reason)
            ]

    def get_key_tombstone(self, key_id: int) -> KeyTombstone | None:
        """Return the tombstone of a destroyed key, or ``None``."""
        with self._reading():
            return self._t.tombstones.get(key_id)


def _due(link: PurposeLink, now: dt.datetime, purpose_id: str | None) -> bool:
    return (
        link.state is LinkState.LIVE
        and link.eligible_from is not None
        and link.eligible_from <= now
        and (purpose_id is None or link.purpose_id == purpose_id)
    )


def _due_order(link: PurposeLink) -> tuple[dt.datetime | None, str, str]:
    return (link.eligible_from, link.record_id, link.purpose_id)


def _opt_instant(value: dt.datetime | None, what: str) -> dt.datetime | None:
    return None if value is None else to_utc(value, what=what)


def _awaiting(link: PurposeLink, purpose_id: str | None) -> bool:
    return (
        link.state is LinkState.LIVE
        and link.eligible_from is None
        and (purpose_id is None or link.purpose_id == purpose_id)
    )


def _claim_args(
    now: dt.datetime, limit: int, lease_until: dt.datetime, *, method: str
) -> tuple[dt.datetime, dt.datetime]:
    """Shared argument checks of ``claim_due`` and ``sweep_batch``; the instants in UTC."""
    now = to_utc(now, what=f"{method}(now)")
    lease_until = to_utc(lease_until, what=f"{method}(lease_until)")
    if limit <= 0:
        raise ValueError("limit must be positive")
    if lease_until <= now:
        raise ValueError("lease_until must be after now")
    return now, lease_until


def _check_defer(
    defer: Collection[LinkKey],
    defer_until: dt.datetime | None,
) -> dt.datetime | None:
    """Shared argument checks of ``complete_claim``; return *defer_until* in UTC."""
    if defer and defer_until is None:
        raise ValueError("defer needs defer_until")
    return None if defer_until is None else to_utc(defer_until, what="complete_claim(defer_until)")
