"""A plain claim loop on PostgresStore, for the store-level reliability tests.

It exercises the store's claim contract alone, without the retention engine (whose
sweepers ``_pg_engine_worker.py`` runs for ``test_pg_engine_sweepers.py`` and the
benchmark): claim a batch of due links; in one transaction write a ``DisposalRecord``
per link, end the link, complete the claim and append one audit entry covering the
batch's disposal digests (last, so the audit chain's head is held only briefly); repeat
until nothing is due.

As a program (several run side by side in the tests)::

    python _pg_sweeper.py SCHEMA --worker w1 [--now ISO] [--lease-seconds N]
        [--batch N] [--pause-inside]

The DSN comes from ``GDPRKIT_TEST_POSTGRES_DSN``. It prints one JSON line per
finished batch and a last JSON line with the totals and the sweep's wall-clock span.
``--pause-inside`` stops inside the first batch's transaction (after its writes,
before completing the claim), prints ``inside CLAIM_ID`` and waits to be killed.

:func:`seed_due_links` fills a fresh schema with due links quickly (``COPY``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time

import attrs

from gdprkit.audit import AuditLog
from gdprkit.storage.postgres import PostgresStore
from gdprkit.storage.types import DisposalRecord, LinkState

AUDIT_KEY = bytes(range(32))
"""The audit key of the tests (not a secret)."""
T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
"""The default sweep instant; seeded links are due before it."""
PURPOSE = "invoicing"
RULE = "7 years after the end of the financial year (Bokföringslagen 7 kap. 2 §)"
DSN_VAR = "GDPRKIT_TEST_POSTGRES_DSN"


def disposal_id(record_id: str, purpose_id: str) -> str:
    """The disposal record id of a link: one per link, so a second one would conflict."""
    return f"disposal:{record_id}:{purpose_id}"


def sweep(
    store: PostgresStore,
    *,
    worker: str,
    now: dt.datetime = T0,
    lease: dt.timedelta = dt.timedelta(minutes=10),
    batch: int = 100,
    pause_inside: bool = False,
    report=None,
) -> dict:
    """Sweep until no due link is left; return ``{"links", "batches", "start", "end"}``."""
    log = AuditLog(store, AUDIT_KEY)
    links = batches = 0
    start = time.time()
    while True:
        claim = store.claim_due(now, worker=worker, limit=batch, lease_until=now + lease)
        if not claim.links:
            break
        with store.transaction():
            digests = []
            for link in claim.links:
                record = store.get_record(link.record_id)
                disposal = DisposalRecord(
                    id=disposal_id(link.record_id, link.purpose_id),
                    record_id=link.record_id,
                    subject_id=record.subject_id,
                    purpose_ids=[link.purpose_id],
                    rule=RULE,
                    action="delete",
                    due_at=link.eligible_from,
                    executed_at=now,
                    fields_removed=sorted(record.fields),
                )
                store.add_disposal(disposal)
                store.update_link(
                    attrs.evolve(
                        link, state=LinkState.ENDED, ended_at=now, end_reason="retention ended"
                    ),
                )
                digests.append(disposal.digest())
            if pause_inside:
                print(f"inside {claim.id}", flush=True)  # noqa: T201 - the test reads it
                time.sleep(120)
                raise SystemExit(3)  # not reached: the test kills the worker first
            store.complete_claim(claim.id, worker=worker, now=now)
            log.append(
                actor=worker,
                action="sweep.batch",
                ids=[claim.id],
                details={"links": len(digests)},
                covers=digests,
                at=now,
            )
        links += len(claim.links)
        batches += 1
        if report is not None:
            report({"claim": claim.id, "links": len(claim.links)})
    return {
        "worker": worker,
        "links": links,
        "batches": batches,
        "start": start,
        "end": time.time(),
    }


def seed_due_links(
    dsn: str,
    schema: str,
    count: int,
    *,
    per_subject: int = 50,
    now: dt.datetime = T0,
) -> None:
    """Create the schema and *count* records, each with one link due before *now*.

    Loads the rows with ``COPY`` (seconds for 100,000 links, where one call per row
    would take minutes); the tests then check the store reads them back.
    """
    import psycopg  # noqa: PLC0415 - only with a server

    PostgresStore(dsn, schema=schema).close()  # creates the schema at the current version
    created = now - dt.timedelta(days=3000)
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT set_config('search_path', %s, true)", (f'"{schema}"',))
        subjects = range((count + per_subject - 1) // per_subject)
        with cur.copy("COPY subjects (id, created_at) FROM STDIN") as copy:
            for s in subjects:
                copy.write_row((f"s{s:07d}", created))
        with cur.copy(
            "COPY records (id, subject_id, kind, created_at, external_ref) FROM STDIN"
        ) as copy:
            for i in range(count):
                copy.write_row((f"r{i:07d}", f"s{i // per_subject:07d}", "managed", created, None))
        with cur.copy("COPY record_fields (record_id, category_id, value) FROM STDIN") as copy:
            for i in range(count):
                copy.write_row((f"r{i:07d}", "billing_address", b"\x01ciphertext"))
        with cur.copy(
            "COPY links (record_id, purpose_id, created_at, triggers, eligible_from, state, "
            "restricted) FROM STDIN"
        ) as copy:
            for i in range(count):
                due = now - dt.timedelta(seconds=count - i)
                copy.write_row((f"r{i:07d}", PURPOSE, created, "{}", due, "live", False))
        cur.execute("ANALYZE")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("schema")
    parser.add_argument("--worker", required=True)
    parser.add_argument("--now", default=T0.isoformat())
    parser.add_argument("--lease-seconds", type=float, default=600)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--pause-inside", action="store_true")
    parser.add_argument("--quiet", action="store_true", help="print only the totals")
    args = parser.parse_args(argv)
    from psycopg.conninfo import make_conninfo  # noqa: PLC0415 - only with a server

    dsn = make_conninfo(os.environ[DSN_VAR], application_name=f"gdprkit-sweeper-{args.worker}")
    store = PostgresStore(dsn, schema=args.schema)

    def report(line):
        if not args.quiet:
            print(json.dumps(line), flush=True)  # noqa: T201 - the test reads it

    try:
        totals = sweep(
            store,
            worker=args.worker,
            now=dt.datetime.fromisoformat(args.now),
            lease=dt.timedelta(seconds=args.lease_seconds),
            batch=args.batch,
            pause_inside=args.pause_inside,
            report=report,
        )
    finally:
        store.close()
    print(json.dumps({"done": totals}), flush=True)  # noqa: T201 - the test reads it
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
