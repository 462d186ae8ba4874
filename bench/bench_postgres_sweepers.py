"""One against two retention-engine sweeper processes on the same due records in PostgreSQL.

Usage::

    GDPRKIT_TEST_POSTGRES_DSN=... python bench/bench_postgres_sweepers.py [RECORDS] [--repeat N]

or with a throwaway server: ``bash .ci/postgres.sh .venv/bin/python
bench/bench_postgres_sweepers.py 20000``. ``RECORDS`` defaults to 100,000.

Each run seeds a fresh schema with RECORDS due records, 50 per subject (the first of
each subject stored by ``PrivacyService.store_record``, the rest copies encrypted under
the subject's key: ``tests/storage/_pg_engine_worker.py``), starts the sweeper processes
of that module (``PrivacyService(...).engine.sweep(batch_size=...)``: claim a batch,
delete the records, forget the subjects left with nothing, one disposal record per link
and one audit entry per batch) and times the sweep from the first worker's start to the
last worker's end (interpreter start-up excluded). Afterwards it checks that every link
has exactly one disposal record and the audit chain verifies, and counts subjects left
behind. Runs alternate between one and two sweepers; the medians and their ratio (one
sweeper's time over two sweepers' time, so above 1 means two are faster) are printed,
with how busy all CPUs were during each run: the sweeper and the server share the
machine's cores, so the ratio approaches 2 only when nothing else runs on it.
"""

import argparse
import importlib.util
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time
import uuid

HERE = pathlib.Path(__file__).resolve().parent
STORAGE_TESTS = HERE.parent / "tests" / "storage"
DSN_VAR = "GDPRKIT_TEST_POSTGRES_DSN"


def load(name):
    spec = importlib.util.spec_from_file_location(name, STORAGE_TESTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def machine_busy():
    """Return (busy, total) CPU ticks of the whole machine so far (Linux), or None."""
    try:
        with pathlib.Path("/proc/stat").open(encoding="ascii") as stat:
            ticks = [int(x) for x in stat.readline().split()[1:]]
    except OSError:
        return None
    idle = ticks[3] + ticks[4]
    return sum(ticks) - idle, sum(ticks)


def run(worker, dsn, records, workers, batch):
    """Seed a fresh schema, sweep it with *workers* processes; return the measurements."""
    import psycopg  # noqa: PLC0415 - the postgres extra

    from gdprkit.storage.postgres import PostgresStore  # noqa: PLC0415

    schema = f"gdprkit_bench_{uuid.uuid4().hex[:12]}"
    try:
        seeded = time.monotonic()
        worker.seed(dsn, schema, records, per_subject=50)
        seeded = time.monotonic() - seeded
        before = machine_busy()
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    str(STORAGE_TESTS / "_pg_engine_worker.py"),
                    schema,
                    "--worker",
                    f"w{i}",
                    "--batch",
                    str(batch),
                    "--quiet",
                ],
                stdout=subprocess.PIPE,
                text=True,
                env={**os.environ, DSN_VAR: dsn},
            )
            for i in range(workers)
        ]
        totals = []
        for proc in procs:
            out, _ = proc.communicate(timeout=3600)
            assert proc.returncode == 0, f"a sweeper failed (exit {proc.returncode})"
            totals.append(json.loads(out.splitlines()[-1])["done"])
        span = max(t["end"] for t in totals) - min(t["start"] for t in totals)
        after = machine_busy()
        busy = None
        if before and after and after[1] > before[1]:
            busy = (after[0] - before[0]) / (after[1] - before[1])
        assert sum(t["records_disposed"] for t in totals) == records
        with PostgresStore(dsn, schema=schema) as store:
            assert store.count_due_links(worker.AFTER_LEASE) == 0
            worker.open_service(store, worker.SWEEP_AT, "checker").audit.verify()
        with psycopg.connect(dsn) as conn:
            count, distinct = conn.execute(
                f'SELECT count(*), count(DISTINCT record_id) FROM "{schema}".disposals'  # noqa: S608 - generated name
            ).fetchone()
            (left,) = conn.execute(f'SELECT count(*) FROM "{schema}".subjects').fetchone()  # noqa: S608
        assert count == distinct == records, (count, distinct)
        return {"span": span, "busy": busy, "seeded": seeded, "subjects_left": left}
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def main():
    parser = argparse.ArgumentParser(description="one vs two retention-engine sweepers")
    parser.add_argument("records", nargs="?", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per configuration")
    parser.add_argument("--batch", type=int, default=500, help="links per claim")
    args = parser.parse_args()
    dsn = os.environ.get(DSN_VAR)
    if not dsn:
        sys.exit(f"set {DSN_VAR} (or run under: bash .ci/postgres.sh COMMAND)")
    worker = load("_pg_engine_worker")
    spans = {1: [], 2: []}
    started = time.monotonic()
    for repeat in range(args.repeat):
        for workers in (1, 2):
            found = run(worker, dsn, args.records, workers, args.batch)
            spans[workers].append(found["span"])
            rate = args.records / found["span"]
            cpus = "" if found["busy"] is None else f", all CPUs {found['busy']:.0%} busy"
            print(
                f"run {repeat + 1}: {workers} sweeper(s), {args.records} records: "
                f"{found['span']:.2f} s ({rate:,.0f} records/s{cpus}; seeded in "
                f"{found['seeded']:.0f} s; subjects left behind: {found['subjects_left']})",
                flush=True,
            )
    one, two = statistics.median(spans[1]), statistics.median(spans[2])
    print(f"median, 1 sweeper:  {one:.2f} s ({args.records / one:,.0f} records/s)")
    print(f"median, 2 sweepers: {two:.2f} s ({args.records / two:,.0f} records/s)")
    print(f"ratio 1/2: {one / two:.2f}x  (cpus: {os.cpu_count()}, batch {args.batch})")
    print(f"total {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
