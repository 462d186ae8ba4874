"""The retention engine on PostgreSQL: several sweepers, a killed one, a dropped connection.

Issue 10's reliability requirements, with ``RetentionEngine.sweep`` itself doing the work
(``_pg_engine_worker.py`` is a sweeper process: the same ``PrivacyService`` every
instance builds, on the same schema and key-encryption key): four sweeper processes
share 20,000 due records and every disposal happens exactly once; a sweeper killed with
SIGKILL inside a batch leaves nothing behind and its links are finished by a rerun once
its lease has run out; a connection dropped in the middle of a batch's transaction
raises a clear error and leaves nothing half-written; an erasure's ``sweep_subject``
racing a sweep over the same links disposes of each once.

Exactly once is counted, not sampled: one disposal record per due link, no
``(record_id, purpose)`` twice, the audit entries' ``covers`` equal to the set of the
disposal records' digests with each covered once, every subject's keys destroyed by
exactly one sweeper, and the audit chain verifies.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import functools
import json
import os
import pathlib
import signal
import subprocess
import sys
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

import pytest
from _pg_engine_worker import (
    AFTER_LEASE,
    FIELDS,
    PURPOSE,
    SEEDED_AT,
    SWEEP_AT,
    open_service,
    record_id,
    seed,
    subject_id,
)
from _pg_support import admin_connection, backend_pids, terminate_backends, with_application_name

from gdprkit.crypto import FieldCipher, FieldContext
from gdprkit.errors import GdprKitError, StorageError
from gdprkit.storage.keys import subject_key_owner
from gdprkit.storage.postgres import PostgresStore
from gdprkit.storage.types import LinkState

if TYPE_CHECKING:
    from collections.abc import Callable

    from gdprkit.service import PrivacyService
    from gdprkit.storage.types import AuditEntry, AuditSeal, DisposalRecord

WORKER = pathlib.Path(__file__).with_name("_pg_engine_worker.py")
BATCH_ACTION = "retention.sweep.batch"
DAY = dt.timedelta(days=1)


def start_worker(dsn: str, schema: str, worker: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), schema, "--worker", worker, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "GDPRKIT_TEST_POSTGRES_DSN": dsn},
    )


def finish(proc: subprocess.Popen[str], timeout: float = 180) -> dict[str, Any]:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-3000:]
    done: dict[str, Any] = json.loads(out.splitlines()[-1])["done"]
    return done


def all_disposals(store: PostgresStore) -> list[DisposalRecord]:
    return store.disposals_executed(SWEEP_AT - DAY, AFTER_LEASE + DAY, limit=1_000_000)


def key_ids(store: PostgresStore, subjects: int) -> dict[str, list[int]]:
    """Each subject's live data-key ids."""
    return {
        subject_id(s): [k.key_id for k in store.wrapped_keys_of(subject_key_owner(subject_id(s)))]
        for s in range(subjects)
    }


def check_exactly_once(
    store: PostgresStore,
    service: PrivacyService,
    *,
    due: int,
    keys: dict[str, list[int]],
    shredded_by_reports: int | None,
) -> list[AuditEntry]:
    """Every due link disposed of once and covered once; no subject forgotten twice.

    Call :func:`check_every_subject_forgotten` last: it may end the test as an
    expected failure.
    """
    assert store.count_due_links(AFTER_LEASE + DAY) == 0
    disposals = all_disposals(store)
    assert len(disposals) == due
    per_link = collections.Counter((d.record_id, p) for d in disposals for p in d.purpose_ids)
    assert set(per_link.values()) == {1}
    assert len(per_link) == due
    entries = [e for e in store.audit_entries() if e.action == BATCH_ACTION]
    covered = collections.Counter(c for e in entries for c in e.covers)
    assert set(covered.values()) == {1}
    assert set(covered) == {d.digest() for d in disposals}
    assert sum(e.details["records_disposed"] for e in entries) == due
    # every subject that is gone: keys destroyed, and counted by exactly one batch
    gone = [sid for sid in keys if store.get_subject(sid) is None]
    assert sum(e.details["subjects_shredded"] for e in entries) == len(gone)
    if shredded_by_reports is not None:
        assert shredded_by_reports == len(gone)
    for sid in gone:
        assert keys[sid]
        assert store.wrapped_keys_of(subject_key_owner(sid)) == []
        assert all(store.get_key_tombstone(k) is not None for k in keys[sid])
    seq, _ = service.audit.verify()
    assert seq == len(store.audit_entries())
    return entries


def check_every_subject_forgotten(store: PostgresStore, keys: dict[str, list[int]]) -> None:
    """Every subject, all of whose records went, is forgotten: row, index entries, keys.

    Two batches that delete the last records of one subject at the same time must not
    both leave it (see test_subject_split_between_two_concurrent_batches_is_forgotten).
    """
    left = [sid for sid in keys if store.get_subject(sid) is not None]
    assert left == [], f"{len(left)} of {len(keys)} emptied subjects were not forgotten"
    assert all(store.wrapped_keys_of(subject_key_owner(sid)) == [] for sid in keys)


def test_seeded_copies_are_what_the_service_stores(pg_dsn: str, pg_schema: str) -> None:
    """The records ``seed`` copies look to the store exactly like the service's own."""
    seed(pg_dsn, pg_schema, 60, per_subject=30, through_service=2)
    with PostgresStore(pg_dsn, schema=pg_schema) as store:
        service = open_service(store, SEEDED_AT, "reader")
        cipher = FieldCipher(service.keyring)
        assert store.count_due_links(SWEEP_AT) == 60
        assert store.count_due_links(SEEDED_AT) == 60
        for s in range(2):
            stored, copied = record_id(30 * s + 1), record_id(30 * s + 29)
            (original,) = store.links_of_record(stored)
            (copy,) = store.links_of_record(copied)
            assert copy.purpose_id == original.purpose_id == PURPOSE
            assert copy.triggers == original.triggers
            assert copy.eligible_from == original.eligible_from
            assert copy.created_at == original.created_at
            assert copy.state is LinkState.LIVE
            for rid in (stored, copied):
                record = store.get_record(rid)
                assert record is not None
                assert record.subject_id == subject_id(s)
                for category, value in FIELDS.items():
                    context = FieldContext(
                        record_id=rid, category_id=category, subject_id=subject_id(s)
                    )
                    assert cipher.decrypt(record.fields[category], context) == b"s" + value.encode()
        # one record.stored entry per record stored through the service
        stored_entries = [e for e in store.audit_entries() if e.action == "record.stored"]
        assert len(stored_entries) == 4


def test_four_engine_sweepers_dispose_of_20000_records_exactly_once(
    pg_dsn: str, pg_schema: str
) -> None:
    count, per_subject = 20_000, 50
    subjects = -(-count // per_subject)
    started = time.monotonic()
    seed(pg_dsn, pg_schema, count, per_subject=per_subject)
    seeded = time.monotonic() - started
    with PostgresStore(pg_dsn, schema=pg_schema) as store:
        service = open_service(store, SWEEP_AT, "checker")
        due = store.count_due_links(SWEEP_AT)
        assert due == count
        keys = key_ids(store, subjects)
        started = time.monotonic()
        procs = [start_worker(pg_dsn, pg_schema, f"w{i}", "--batch", "200") for i in range(4)]
        totals = [finish(p) for p in procs]
        swept = time.monotonic() - started
        assert sum(t["records_disposed"] for t in totals) == count
        entries = check_exactly_once(
            store,
            service,
            due=due,
            keys=keys,
            shredded_by_reports=sum(t["subjects_shredded"] for t in totals),
        )
        workers = collections.Counter(e.actor for e in entries)
        assert len(workers) >= 2, workers  # the work was shared
        assert sum(workers.values()) == sum(t["batches"] for t in totals)
        print(  # noqa: T201 - shown with -s
            f"seeded {count} in {seeded:.1f} s; 4 engine sweepers: {swept:.1f} s; "
            f"batches per worker {dict(workers)}"
        )
        check_every_subject_forgotten(store, keys)


def wait_until_gone(dsn: str, application_name: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while backend_pids(dsn, application_name):
        assert time.monotonic() < deadline, "the killed worker's connection is still open"
        time.sleep(0.05)


def waiting_on_a_lock(dsn: str, prefix: str) -> int:
    """How many connections whose application name starts with *prefix* wait for a lock."""
    with admin_connection(dsn) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE %s "
            "AND wait_event_type = 'Lock'",
            (prefix + "%",),
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_sweeper_killed_mid_batch_is_finished_by_a_rerun_after_its_lease(
    pg_dsn: str, pg_schema: str
) -> None:
    count, per_subject, batch = 1_000, 50, 100
    subjects = -(-count // per_subject)
    seed(pg_dsn, pg_schema, count, per_subject=per_subject)
    with PostgresStore(pg_dsn, schema=pg_schema) as store:
        service = open_service(store, SWEEP_AT, "checker")
        keys = key_ids(store, subjects)
        doomed = start_worker(
            pg_dsn, pg_schema, "doomed", "--batch", str(batch), "--pause-in-batch", "2"
        )
        assert doomed.stdout is not None
        assert doomed.stderr is not None
        lines = [doomed.stdout.readline().strip() for _ in range(2)]
        assert lines == [json.dumps({"batches": 1, "links": batch}), "inside"], (
            doomed.stderr.read()[-3000:] if not lines[-1] else lines
        )
        # batch 1 committed; batch 2 written but not committed, its links locked and
        # leased, the audit chain's head held
        assert len(all_disposals(store)) == batch
        assert store.count_due_links(SWEEP_AT) == count - batch
        helpers = [
            start_worker(pg_dsn, pg_schema, f"helper{i}", "--batch", str(batch)) for i in range(2)
        ]
        deadline = time.monotonic() + 60
        while not waiting_on_a_lock(pg_dsn, "gdprkit-engine-helper"):
            assert time.monotonic() < deadline, "the helpers never reached the held lock"
            time.sleep(0.05)
        doomed.send_signal(signal.SIGKILL)
        doomed.communicate(timeout=30)
        assert doomed.returncode == -signal.SIGKILL
        wait_until_gone(pg_dsn, "gdprkit-engine-doomed")
        totals = [finish(h) for h in helpers]
        # the helpers did everything but the killed batch, still leased to the dead worker
        assert sum(t["records_disposed"] for t in totals) == count - 2 * batch
        assert store.count_due_links(SWEEP_AT) == batch
        assert len(all_disposals(store)) == count - batch
        # a rerun at the same instant leaves the leased links alone ...
        assert finish(start_worker(pg_dsn, pg_schema, "early"))["links_ended"] == 0
        # ... and after the lease takes them over
        rescued = finish(
            start_worker(pg_dsn, pg_schema, "rescuer", "--at", AFTER_LEASE.isoformat())
        )
        assert rescued["records_disposed"] == batch
        entries = check_exactly_once(
            store,
            service,
            due=count,
            keys=keys,
            shredded_by_reports=None,  # the killed worker reported nothing; its audit did
        )
        actors = collections.Counter(e.actor for e in entries)
        assert actors["doomed"] == 1  # its first batch, committed before the kill
        assert actors["rescuer"] >= 1
        assert {a for a in actors if a.startswith("helper")}
        rescued_disposals = [d for d in all_disposals(store) if d.executed_at == AFTER_LEASE]
        assert len(rescued_disposals) == batch
        check_every_subject_forgotten(store, keys)


class MeetingStore(PostgresStore):
    """Holds a sweep batch right before its audit entry until another batch gets there too.

    By then both batches have made their writes (records deleted, subjects with nothing
    left forgotten) and neither has committed.
    """

    def __init__(self, dsn: str, *, schema: str, meeting: threading.Barrier) -> None:
        super().__init__(dsn, schema=schema)
        self._meeting = meeting
        self.armed = False

    def audit_seal(self) -> AuditSeal | None:
        if self.armed:
            self.armed = False
            # a timeout, not a hang, if the other batch waits for a lock this one holds
            with contextlib.suppress(threading.BrokenBarrierError):
                self._meeting.wait(timeout=5)
        return super().audit_seal()


def test_subject_split_between_two_concurrent_batches_is_forgotten(
    pg_dsn: str, pg_schema: str
) -> None:
    seed(pg_dsn, pg_schema, 4, per_subject=4, through_service=4)
    meeting = threading.Barrier(2)
    stores = [MeetingStore(pg_dsn, schema=pg_schema, meeting=meeting) for _ in range(2)]
    try:
        services = [open_service(s, SWEEP_AT, f"half{i}") for i, s in enumerate(stores)]
        (keys,) = key_ids(stores[0], 1).values()
        # each takes two of the subject's four records
        engines = [s.engine for s in services]
        reports: list[Any] = [None, None]

        def sweep(i: int) -> None:
            stores[i].armed = True
            reports[i] = engines[i].sweep(batch_size=2, max_batches=1)

        threads = [threading.Thread(target=sweep, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert [r.records_disposed for r in reports] == [2, 2]
        store = stores[0]
        assert store.records_of_subject(subject_id(0)) == []
        assert sum(r.subjects_shredded for r in reports) == 1
        assert store.get_subject(subject_id(0)) is None
        assert store.wrapped_keys_of(subject_key_owner(subject_id(0))) == []
        assert all(store.get_key_tombstone(k) is not None for k in keys)
    finally:
        for s in stores:
            s.close()


class DroppingStore(PostgresStore):
    """Has the server terminate its connection as a sweep batch writes its audit entry."""

    def __init__(self, dsn: str, *, schema: str, name: str, admin_dsn: str) -> None:
        super().__init__(with_application_name(dsn, name), schema=schema)
        self._name = name
        self._admin_dsn = admin_dsn
        self.drop_next_batch = False

    def append_audit_entry(self, entry: AuditEntry, *, seal: AuditSeal) -> None:
        if self.drop_next_batch and entry.action == BATCH_ACTION:
            self.drop_next_batch = False
            assert terminate_backends(self._admin_dsn, self._name) == 1
        super().append_audit_entry(entry, seal=seal)


def test_connection_dropped_mid_batch_raises_and_leaves_nothing_half_written(
    pg_dsn: str, pg_schema: str
) -> None:
    count, per_subject, batch = 200, 30, 50
    seed(pg_dsn, pg_schema, count, per_subject=per_subject)
    name = f"gdprkit-dropped-{uuid.uuid4().hex[:8]}"
    store = DroppingStore(pg_dsn, schema=pg_schema, name=name, admin_dsn=pg_dsn)
    try:
        service = open_service(store, SWEEP_AT, "victim")
        keys = key_ids(store, -(-count // per_subject))
        first = service.engine.sweep(batch_size=batch, max_batches=1)
        assert first.records_disposed == batch
        entries_before = store.audit_entries()
        store.drop_next_batch = True
        with pytest.raises(StorageError, match="connection to PostgreSQL was lost") as caught:
            service.engine.sweep(batch_size=batch, max_batches=1)
        assert isinstance(caught.value, GdprKitError)
        assert caught.value.__cause__ is not None
        assert "r000" not in str(caught.value)  # no record id, no subject id
        assert "s000" not in str(caught.value)
        # nothing of the lost batch: no disposal, no ended link, no deleted record, no
        # shredded key, no audit entry
        assert len(all_disposals(store)) == batch
        assert store.count_due_links(SWEEP_AT) == count - batch
        assert store.audit_entries() == entries_before
        assert sum(1 for s in keys if store.get_subject(s) is not None) == len(keys) - 1
        # its links stay leased to this worker until the lease runs out; then they go
        rest = service.engine.sweep(batch_size=batch)
        assert rest.records_disposed == count - 2 * batch
        late = service.engine.sweep(AFTER_LEASE, batch_size=batch)
        assert late.records_disposed == batch
        reports = [first, rest, late]
        check_exactly_once(
            store,
            service,
            due=count,
            keys=keys,
            shredded_by_reports=sum(r.subjects_shredded for r in reports),
        )
        # one sweeper at a time: every subject is forgotten
        assert all(store.get_subject(sid) is None for sid in keys)
    finally:
        store.close()


def race(**calls: Callable[[], object]) -> list[str]:
    """Run the calls in threads started together; return the errors they raised."""
    barrier = threading.Barrier(len(calls))
    errors: list[str] = []

    def run(label: str, call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            call()
        except GdprKitError as exc:
            errors.append(f"{label}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=run, args=item) for item in calls.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return errors


def test_erasure_racing_a_sweep_disposes_of_each_link_once(pg_dsn: str, pg_schema: str) -> None:
    """``sweep_subject`` (erasure) and a sweep over the same due links, at once, many times.

    Each round stores a fresh subject whose records are all due, then a sweeper thread
    and an erasure thread (separate stores, separate connections, as in two instances)
    start together; whichever reaches a link first disposes of it, the other must see
    that and do nothing more.
    """
    rounds, per_round = 25, 6
    sweeper_store = PostgresStore(pg_dsn, schema=pg_schema)
    eraser_store = PostgresStore(pg_dsn, schema=pg_schema)
    try:
        seeder = open_service(sweeper_store, SEEDED_AT, "seeder")
        sweeper = open_service(sweeper_store, SWEEP_AT, "sweeper")
        eraser = open_service(eraser_store, SWEEP_AT, "eraser")
        errors: list[str] = []
        for n in range(rounds):
            sid = seeder.register_subject(f"race{n:03d}")
            for i in range(per_round):
                # half keep a bookkeeping link that is not due: their contract link's end
                # removes fields instead of deleting the record
                purposes = ["contract", "bookkeeping"] if i % 2 else ["contract"]
                fields = {**FIELDS, "postal_address": "Storgatan 1"} if i % 2 else FIELDS
                triggers: dict[str, dt.date] = {"contract_end": dt.date(2022, 6, 30)}
                if i % 2:
                    triggers["financial_year_end"] = dt.date(2025, 6, 30)
                seeder.store_record(
                    sid, fields, purposes=purposes, record_id=f"race{n:03d}-{i}", triggers=triggers
                )
            errors += race(
                sweep=functools.partial(sweeper.engine.sweep, batch_size=2),
                erasure=functools.partial(eraser.engine.sweep_subject, sid, actor="dpo"),
            )
        assert errors == []
        disposals = all_disposals(sweeper_store)
        per_link = collections.Counter((d.record_id, p) for d in disposals for p in d.purpose_ids)
        assert len(per_link) == rounds * per_round
        assert set(per_link.values()) == {1}, [k for k, v in per_link.items() if v > 1][:5]
        entries = sweeper_store.audit_entries()
        covered = collections.Counter(c for e in entries for c in e.covers)
        assert set(covered.values()) == {1}
        assert set(covered) == {d.digest() for d in disposals}
        assert sweeper_store.count_due_links(SWEEP_AT) == 0
        sweeper.audit.verify()
        by_whom = collections.Counter(e.action for e in entries if e.covers)
        print(f"covering entries by action: {dict(by_whom)}")  # noqa: T201 - shown with -s
    finally:
        sweeper_store.close()
        eraser_store.close()
