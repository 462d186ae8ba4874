"""Retention sweep on SQLite against raw SQL on the same schema (issue: embedding benchmarks).

Run: ``.venv/bin/python bench/bench_sweep.py`` (default 1,000,000 records of which
100,000 are due; ``--records`` and ``--due`` for other sizes; ``--quick`` for a smoke run).

It builds a gdprkit SQLite database directly with SQL (one subject per record, two
encrypted-size fields, one purpose link each, the due ones with ``eligible_from`` in the
past), copies the file, and then measures, each in a fresh process-free copy:

1. **full sweep**: ``RetentionEngine.sweep`` disposing of every due record (disposal
   records, per-batch audit entries, key shredding included) against the baseline, raw
   SQL deleting the same rows (the due records and with them, by cascade, their fields
   and links, then the subjects left with no record) from a copy of the same database
   in one transaction. Target: at most 3x. The sweep also writes what the baseline
   does not: a claim per batch (leases for several workers), one disposal record per
   disposal and one audit entry per batch (Art. 5(2)). For information, a second
   baseline also writes the same disposal rows in raw SQL, in the same transaction as
   its delete: the sweep's ratio to the least that does the sweep's required writes.
2. **nothing due**: a sweep when nothing is due on the full database against the same on
   a database of 10,000 records. Target: at most 2x (the due query is an index range).
3. **peak memory** of the full sweep (``ru_maxrss`` of a child process). Target: < 200 MB.

Figures are medians of ``--repeats`` runs (each on a fresh copy for the destructive ones);
the nothing-due sweeps, well under a millisecond each, take at least 15 samples apiece, as
one hiccup of a shared machine moves a median of five.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gdprkit.clock import FixedClock
from gdprkit.crypto import LocalKeyProvider
from gdprkit.legaltime.explain import describe_rule
from gdprkit.policy import load_policy
from gdprkit.policy.examples import example_path
from gdprkit.service import PrivacyService
from gdprkit.storage.sqlite import SQLiteStore

NOW = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
KEK = {1: bytes(range(32))}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _us(value: dt.datetime) -> int:
    return (value - _EPOCH) // dt.timedelta(microseconds=1)


def build(path: Path, records: int, due: int) -> None:
    """Make a database with *records* contract records, the first *due* of them due at NOW."""
    with SQLiteStore(path) as store:
        service = _service(store)
        service.register_subject("warm-up")  # schema, root secret, audit chain start
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    created = _us(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    due_at = _us(NOW - dt.timedelta(days=1))
    value = os.urandom(50)
    for i in range(records):
        sid, rid = f"s{i:08d}", f"r{i:08d}"
        conn.execute("INSERT INTO subjects VALUES (?, ?)", (sid, created))
        conn.execute(
            "INSERT INTO records (id, subject_id, kind, created_at, external_ref) "
            "VALUES (?, ?, 'managed', ?, NULL)",
            (rid, sid, created),
        )
        conn.executemany(
            "INSERT INTO record_fields VALUES (?, ?, ?)",
            [(rid, "name", value), (rid, "email", value)],
        )
        conn.execute(
            "INSERT INTO links (record_id, purpose_id, created_at, triggers, eligible_from, "
            "state, ended_at, end_reason, restricted) VALUES (?, 'contract', ?, '{}', ?, "
            "'live', NULL, NULL, 0)",
            (rid, created, due_at if i < due else None),
        )
    conn.execute("COMMIT")
    conn.close()


def _service(store: SQLiteStore) -> PrivacyService:
    policy = load_policy(example_path("true_fiction_production"))
    return PrivacyService(
        policy, store, LocalKeyProvider(KEK), clock=FixedClock(NOW), worker="bench"
    )


def time_sweep(path: Path, batch_size: int) -> tuple[float, int]:
    with SQLiteStore(path) as store:
        service = _service(store)
        start = time.perf_counter()
        report = service.engine.sweep(batch_size=batch_size)
        return time.perf_counter() - start, report.records_disposed


# The disposal row the sweep writes per record, in SQL: a time-ordered id as the sweep
# makes, the rule worded as long as the sweep words it, the fields removed.
_PROOF = (
    "INSERT INTO disposals (id, record_id, subject_id, purpose_ids, rule, action, due_at, "
    "executed_at, fields_removed) SELECT printf('%012x7%019x', :ms, g.rowid), g.id, "
    "g.subject_id, json_array(g.purpose_id), :rule, 'delete', g.eligible_from, :now, "
    "(SELECT json_group_array(category_id) FROM (SELECT category_id FROM record_fields f "
    "WHERE f.record_id = g.id ORDER BY category_id)) FROM gone g"
)


def time_raw_delete(path: Path, *, proof: bool = False) -> tuple[float, int]:
    """Delete the due records and emptied subjects in raw SQL; with *proof*, first write
    the same disposal rows the sweep writes (what the sweep must do beyond deleting)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA secure_delete=ON")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "CREATE TEMP TABLE gone AS SELECT r.id, r.subject_id, l.purpose_id, l.eligible_from "
        "FROM records r JOIN links l ON l.record_id = r.id "
        "WHERE l.state = 'live' AND l.eligible_from <= ?",
        (_us(NOW),),
    )
    if proof:
        rule = _service_rule_words()
        conn.execute(_PROOF, {"ms": _us(NOW) // 1000, "rule": rule, "now": _us(NOW)})
    cur = conn.execute("DELETE FROM records WHERE id IN (SELECT id FROM gone)")
    conn.execute(
        "DELETE FROM subjects WHERE id IN (SELECT subject_id FROM gone) "
        "AND NOT EXISTS (SELECT 1 FROM records WHERE records.subject_id = subjects.id)"
    )
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, cur.rowcount


def _service_rule_words() -> str:
    """The contract purpose's rule as the sweep words it in each disposal record."""
    policy = load_policy(example_path("true_fiction_production"))
    rule = policy.purpose("contract").retention
    assert rule is not None
    return describe_rule(rule).en


def _copy(src: Path, tmp: Path, name: str) -> Path:
    dst = tmp / name
    shutil.copy(src, dst)
    return dst


def peak_memory_mb(path: Path, batch_size: int) -> float:
    code = (
        "import resource, sys; sys.path.insert(0, sys.argv[1]); import bench_sweep as b; "
        "from pathlib import Path; b.time_sweep(Path(sys.argv[2]), int(sys.argv[3])); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).parent), str(path), str(batch_size)],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.split()[-1]) / 1024  # Linux reports KiB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="2,000 records, 200 due")
    args = parser.parse_args(argv)
    if args.quick:
        args.records, args.due, args.small, args.repeats = 2_000, 200, 500, 1
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        big, small = tmp / "big.db", tmp / "small.db"
        start = time.perf_counter()
        build(big, args.records, args.due)
        build(small, args.small, 0)
        took = time.perf_counter() - start
        print(f"built {args.records:,} records ({args.due:,} due) in {took:.1f} s")

        sweeps, raws, proofs = [], [], []
        for i in range(args.repeats):
            elapsed, disposed = time_sweep(_copy(big, tmp, f"s{i}.db"), args.batch_size)
            assert disposed == args.due, disposed
            sweeps.append(elapsed)
            elapsed, deleted = time_raw_delete(_copy(big, tmp, f"r{i}.db"))
            assert deleted == args.due, deleted
            raws.append(elapsed)
            elapsed, deleted = time_raw_delete(_copy(big, tmp, f"p{i}.db"), proof=True)
            assert deleted == args.due, deleted
            proofs.append(elapsed)
            for name in (f"s{i}.db", f"r{i}.db", f"p{i}.db"):
                _unlink_db(tmp / name)
        sweep, raw = statistics.median(sweeps), statistics.median(raws)
        proof = statistics.median(proofs)
        idle_b, idle_s = [], []
        for _ in range(max(args.repeats, 15)):
            idle_b.append(_idle(big))
            idle_s.append(_idle(small))
        ratio_full = sweep / raw
        ratio_idle = statistics.median(idle_b) / statistics.median(idle_s)
        memory = peak_memory_mb(_copy(big, tmp, "m.db"), args.batch_size)
    print(
        f"full sweep   gdprkit {sweep:8.2f} s   raw SQL delete {raw:6.2f} s   "
        f"ratio {ratio_full:5.2f}x (target <= 3x)"
    )
    print(
        f"             raw SQL delete and the same disposal rows {proof:6.2f} s   "
        f"ratio {sweep / proof:5.2f}x (information: what the sweep must write)"
    )
    big_ms, small_ms = statistics.median(idle_b) * 1e3, statistics.median(idle_s) * 1e3
    print(
        f"nothing due  {args.records:,} records {big_ms:7.2f} ms   "
        f"{args.small:,} records {small_ms:7.2f} ms   ratio {ratio_idle:5.2f}x (target <= 2x)"
    )
    print(f"peak memory of the full sweep: {memory:.0f} MB (target < 200 MB)")
    results = {
        "full sweep <= 3x raw SQL": ratio_full <= 3,
        "nothing due <= 2x": ratio_idle <= 2,
        "peak memory < 200 MB": memory < 200,
    }
    for name, ok in results.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0


def _unlink_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _idle(path: Path) -> float:
    """Time a sweep at an instant when nothing is due (read-only: nothing changes)."""
    with SQLiteStore(path) as store:
        service = _service(store)
        start = time.perf_counter()
        service.engine.sweep(NOW - dt.timedelta(days=2))
        return time.perf_counter() - start


if __name__ == "__main__":
    sys.exit(main())
