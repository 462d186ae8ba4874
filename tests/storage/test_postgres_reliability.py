"""PostgresStore under concurrent sweepers, killed workers and dropped connections.

Real processes against the real test server (``GDPRKIT_TEST_POSTGRES_DSN``): four
sweepers sharing 20,000 due links, a sweeper killed with SIGKILL inside a batch, a
connection terminated by the server in the middle of a transaction. The sweepers here
are a plain claim loop (``_pg_sweeper.py``) that tests the store's claim contract alone;
``test_pg_engine_sweepers.py`` runs the same scenarios with ``RetentionEngine.sweep``.
"""

# A raises-block sets up the failure it expects.
# ruff: noqa: PT012

import collections
import datetime as dt
import json
import os
import pathlib
import signal
import subprocess
import sys
import time
import uuid

import pytest
from _pg_support import backend_pids, terminate_backends, with_application_name
from _pg_sweeper import AUDIT_KEY, PURPOSE, T0, disposal_id, seed_due_links

from gdprkit.audit import AuditLog
from gdprkit.errors import ClaimLostError, StorageError
from gdprkit.storage.postgres import PostgresStore
from gdprkit.storage.types import LinkState, Record, RecordKind, Subject

SWEEPER = pathlib.Path(__file__).with_name("_pg_sweeper.py")
MINUTE = dt.timedelta(minutes=1)


def start_sweeper(dsn, schema, worker, *args):
    return subprocess.Popen(
        [sys.executable, str(SWEEPER), schema, "--worker", worker, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "GDPRKIT_TEST_POSTGRES_DSN": dsn},
    )


def finish(proc, timeout=120):
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-3000:]
    lines = [json.loads(line) for line in out.splitlines()]
    return lines[-1]["done"]


def all_disposals(store, count, per_subject=50):
    found = []
    for s in range((count + per_subject - 1) // per_subject):
        found.extend(store.disposals_of_subject(f"s{s:07d}"))
    return found


def check_swept_exactly_once(store, count):
    """Every link ended with exactly one disposal record, covered exactly once by a valid chain."""
    disposals = all_disposals(store, count)
    assert len(disposals) == count
    by_record = collections.Counter(d.record_id for d in disposals)
    assert set(by_record) == {f"r{i:07d}" for i in range(count)}
    assert set(by_record.values()) == {1}
    assert {d.id for d in disposals} == {disposal_id(d.record_id, PURPOSE) for d in disposals}
    assert store.count_due_links(T0 + 10 * 24 * 60 * MINUTE) == 0
    entries = store.audit_entries()
    covered = collections.Counter(c for e in entries for c in e.covers)
    assert set(covered.values()) == {1}
    assert set(covered) == {d.digest() for d in disposals}
    assert sum(e.details["links"] for e in entries) == count
    head = AuditLog(store, AUDIT_KEY).verify()
    assert head[0] == len(entries)
    return entries


def test_four_sweepers_share_20000_links_without_losing_or_repeating_one(pg_dsn, pg_schema):
    count = 20_000
    seed_due_links(pg_dsn, pg_schema, count)
    store = PostgresStore(pg_dsn, schema=pg_schema)
    try:
        assert store.count_due_links(T0) == count
        started = time.monotonic()
        procs = [start_sweeper(pg_dsn, pg_schema, f"w{i}", "--batch", "100") for i in range(4)]
        totals = [finish(p) for p in procs]
        elapsed = time.monotonic() - started
        assert sum(t["links"] for t in totals) == count
        assert all(t["links"] > 0 for t in totals), totals  # every worker took a share
        entries = check_swept_exactly_once(store, count)
        assert {e.actor for e in entries} == {"w0", "w1", "w2", "w3"}
        assert len(entries) == sum(t["batches"] for t in totals)
        # the time is reported, not asserted: it depends on what else the machine runs
        print(f"4 sweepers, {count} links: {elapsed:.1f} s")  # noqa: T201 - shown with -s
    finally:
        store.close()


def wait_until_gone(dsn, application_name, timeout=10.0):
    deadline = time.monotonic() + timeout
    while backend_pids(dsn, application_name):
        assert time.monotonic() < deadline, "the killed worker's connection is still open"
        time.sleep(0.05)


def test_killed_sweeper_work_is_finished_by_another_after_its_lease(pg_dsn, pg_schema):
    count = 500
    seed_due_links(pg_dsn, pg_schema, count)
    store = PostgresStore(pg_dsn, schema=pg_schema)
    try:
        doomed = start_sweeper(
            pg_dsn, pg_schema, "doomed", "--batch", "50", "--lease-seconds", "600", "--pause-inside"
        )
        line = doomed.stdout.readline().split()
        assert line[:1] == ["inside"], doomed.stderr.read()[-3000:]
        claim_id = line[1]
        # it holds a lease on 50 links and wrote their disposals, uncommitted
        assert store.count_due_links(T0) == count
        peek = store.claim_due(T0, worker="peek", limit=count, lease_until=T0 + MINUTE)
        assert len(peek.links) == count - 50  # the doomed worker's links are not offered
        doomed.send_signal(signal.SIGKILL)
        doomed.communicate(timeout=30)
        assert doomed.returncode == -signal.SIGKILL
        wait_until_gone(pg_dsn, "gdprkit-sweeper-doomed")
        # nothing of its open transaction survived; its claim is still leased
        assert all_disposals(store, count) == []
        assert store.count_due_links(T0) == count
        assert store.audit_entries() == []
        # the "peek" claim took every other link; both leases run out, then a sweeper
        # eleven minutes later takes everything over
        later = T0 + 11 * MINUTE
        rescuer = start_sweeper(pg_dsn, pg_schema, "rescuer", "--now", later.isoformat())
        totals = finish(rescuer)
        assert totals["links"] == count
        with pytest.raises(ClaimLostError):
            store.complete_claim(claim_id, worker="doomed", now=later)
        check_swept_exactly_once(store, count)
        ended = store.links_of_purpose(PURPOSE, after=None, limit=count)
        assert {x.state for x in ended} == {LinkState.ENDED}
        assert {x.ended_at for x in ended} == {later}
    finally:
        store.close()


def test_connection_dropped_mid_transaction_leaves_nothing_half_written(pg_dsn, pg_schema):
    name = f"gdprkit-victim-{uuid.uuid4().hex[:8]}"
    store = PostgresStore(with_application_name(pg_dsn, name), schema=pg_schema)
    try:
        lost = pytest.raises(StorageError, match="connection to PostgreSQL was lost")
        with lost as caught, store.transaction():
            store.add_subject(Subject(id="s1", created_at=T0))
            store.add_record(
                Record(id="r1", subject_id="s1", kind=RecordKind.MANAGED, created_at=T0)
            )
            assert terminate_backends(pg_dsn, name) == 1
            store.add_subject(Subject(id="s2", created_at=T0))
        assert not isinstance(caught.value, ClaimLostError)
        assert caught.value.__cause__ is not None
        # the store opens a new connection; nothing of the lost transaction is there
        assert store.get_subject("s1") is None
        assert store.get_record("r1") is None
        assert store.get_subject("s2") is None
        with PostgresStore(pg_dsn, schema=pg_schema) as other:
            assert other.get_subject("s1") is None
        # lost right before COMMIT: the outcome is reported as unknown, and was a rollback
        with pytest.raises(StorageError, match="lost during COMMIT"), store.transaction():
            store.add_subject(Subject(id="s3", created_at=T0))
            assert terminate_backends(pg_dsn, name) == 1
        assert store.get_subject("s3") is None
        store.add_subject(Subject(id="s4", created_at=T0))
        assert store.get_subject("s4") is not None
    finally:
        store.close()


def test_stale_idle_connection_is_replaced_transparently(pg_dsn, pg_schema):
    name = f"gdprkit-idle-{uuid.uuid4().hex[:8]}"
    store = PostgresStore(with_application_name(pg_dsn, name), schema=pg_schema)
    try:
        store.add_subject(Subject(id="s1", created_at=T0))
        (pid,) = backend_pids(pg_dsn, name)
        assert terminate_backends(pg_dsn, name) == 1  # e.g. a server restart, an idle timeout
        wait_until_gone(pg_dsn, name)
        assert store.get_subject("s1") is not None
        assert backend_pids(pg_dsn, name) != [pid]
    finally:
        store.close()
