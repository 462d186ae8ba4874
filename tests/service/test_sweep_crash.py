"""A sweep process killed mid-batch, then rerun: nothing lost, nothing done twice."""

from __future__ import annotations

import collections
import datetime as dt
import importlib.util
import pathlib
import signal
import sqlite3
import subprocess
import sys

from gdprkit.storage.sqlite import SQLiteStore

SWEEPER = pathlib.Path(__file__).with_name("_sweeper.py")
SEEDED_AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DUE = dt.datetime(2030, 6, 30, 22, 0, tzinfo=dt.UTC)
RECORDS = 60


def _sweeper_module():
    spec = importlib.util.spec_from_file_location("_sweeper", SWEEPER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_killed_sweep_is_finished_by_a_rerun_exactly_once(tmp_path: pathlib.Path) -> None:
    sweeper = _sweeper_module()
    path = tmp_path / "sweep.db"
    with SQLiteStore(path) as store:
        service = sweeper.open_service(store, SEEDED_AT, "seeder")
        for i in range(RECORDS):
            subject = service.register_subject()
            record = service.store_record(
                subject, {"name": f"n{i}", "email": f"{i}@x"}, purposes=["contract"]
            )
            service.record_event("contract_end", dt.date(2027, 6, 30), record_id=record)

    proc = subprocess.run(
        [sys.executable, str(SWEEPER), str(path), DUE.isoformat(), "25"],
        check=False,
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]

    with SQLiteStore(path) as store:
        # Two batches of ten committed; the third died inside its transaction.
        assert store.count_due_links(DUE) == RECORDS - 20
        service = sweeper.open_service(store, DUE, "rescuer")
        # The dead batch's claim was made in its transaction and rolled back with it,
        # so its links are due at once: no waiting for a lease to end.
        conn = sqlite3.connect(path)
        try:
            claims = conn.execute("SELECT completed FROM claims").fetchall()
            leased = conn.execute("SELECT count(*) FROM links WHERE claim_id IS NOT NULL")
            assert (sorted(claims), leased.fetchone()) == ([(1,), (1,)], (0,))
        finally:
            conn.close()
        first = service.engine.sweep(batch_size=10)
        assert first.links_ended == RECORDS - 20
        assert first.batches == 4
        after_lease = DUE + dt.timedelta(minutes=10, seconds=1)
        assert store.count_due_links(after_lease) == 0
        assert service.engine.sweep(after_lease, batch_size=10).links_ended == 0

        disposals = store.disposals_executed(DUE, after_lease + dt.timedelta(1), limit=1000)
        per_record = collections.Counter(d.record_id for d in disposals)
        assert len(per_record) == RECORDS
        assert set(per_record.values()) == {1}
        covered = collections.Counter(
            c
            for e in store.audit_entries()
            if e.action == "retention.sweep.batch"
            for c in e.covers
        )
        assert sorted(covered) == sorted(d.digest() for d in disposals)
        assert set(covered.values()) == {1}
        service.audit.verify()
