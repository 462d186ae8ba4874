"""One against two sweeper processes on the same due links in PostgreSQL.

Usage::

    GDPRKIT_TEST_POSTGRES_DSN=... python bench/bench_postgres_sweepers.py [LINKS] [--repeat N]

or with a throwaway server: ``bash .ci/postgres.sh .venv/bin/python
bench/bench_postgres_sweepers.py 20000``. ``LINKS`` defaults to 100,000.

Each run seeds a fresh schema with LINKS due links (one record each), starts the
sweepers of ``tests/storage/_pg_sweeper.py`` (claim 100, write a disposal record and
end the link per item, complete the claim, one audit entry per batch), and times the
sweep from the first worker's start to the last worker's end (interpreter start-up
excluded). Afterwards it checks that every link has exactly one disposal record and the
audit chain verifies. Runs alternate between one and two sweepers; the medians and their
ratio (one sweeper's time over two sweepers' time, so above 1 means two are faster) are
printed, with how busy all CPUs were during each run: one sweeper waits for the server
on every statement and keeps about one core busy, two keep both busy, so the ratio
approaches 2 only when nothing else runs on the machine.
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


def run(sweeper, dsn, links, workers, batch):
    """Seed a fresh schema, sweep it with *workers* processes; return the span in seconds."""
    import psycopg  # noqa: PLC0415 - the postgres extra

    from gdprkit.audit import AuditLog  # noqa: PLC0415
    from gdprkit.storage.postgres import PostgresStore  # noqa: PLC0415

    schema = f"gdprkit_bench_{uuid.uuid4().hex[:12]}"
    try:
        sweeper.seed_due_links(dsn, schema, links)
        before = machine_busy()
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    str(STORAGE_TESTS / "_pg_sweeper.py"),
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
        assert sum(t["links"] for t in totals) == links
        with PostgresStore(dsn, schema=schema) as store:
            assert store.count_due_links(sweeper.T0) == 0
            AuditLog(store, sweeper.AUDIT_KEY).verify()
        with psycopg.connect(dsn) as conn:
            count, distinct = conn.execute(
                f'SELECT count(*), count(DISTINCT record_id) FROM "{schema}".disposals'  # noqa: S608 - generated name
            ).fetchone()
        assert count == distinct == links, (count, distinct)
        return span, busy
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def main():
    parser = argparse.ArgumentParser(description="one vs two PostgreSQL sweeper processes")
    parser.add_argument("links", nargs="?", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per configuration")
    parser.add_argument("--batch", type=int, default=100, help="links per claim")
    args = parser.parse_args()
    dsn = os.environ.get(DSN_VAR)
    if not dsn:
        sys.exit(f"set {DSN_VAR} (or run under: bash .ci/postgres.sh COMMAND)")
    sweeper = load("_pg_sweeper")
    spans = {1: [], 2: []}
    started = time.monotonic()
    for repeat in range(args.repeat):
        for workers in (1, 2):
            span, busy = run(sweeper, dsn, args.links, workers, args.batch)
            spans[workers].append(span)
            rate = args.links / span
            cpus = "" if busy is None else f", all CPUs {busy:.0%} busy"
            print(
                f"run {repeat + 1}: {workers} sweeper(s), {args.links} links: "
                f"{span:.2f} s ({rate:,.0f} links/s{cpus})",
                flush=True,
            )
    one, two = statistics.median(spans[1]), statistics.median(spans[2])
    print(f"median, 1 sweeper:  {one:.2f} s ({args.links / one:,.0f} links/s)")
    print(f"median, 2 sweepers: {two:.2f} s ({args.links / two:,.0f} links/s)")
    print(f"ratio 1/2: {one / two:.2f}x  (cpus: {os.cpu_count()})")
    print(f"total {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
