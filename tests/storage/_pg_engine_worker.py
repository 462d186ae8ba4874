"""The retention engine as a sweeper process on PostgresStore, for the reliability tests.

A deployed sweeper builds the same :class:`~gdprkit.service.PrivacyService` as every
other instance (same policy, same key-encryption key, same database schema) and calls
``service.engine.sweep``; this module is that process, plus :func:`seed` to fill a
schema with due records quickly.

As a program (several run side by side in the tests and the benchmark)::

    python _pg_engine_worker.py SCHEMA --worker w1 [--at ISO] [--batch N]
        [--pause-in-batch K] [--quiet]

The DSN comes from ``GDPRKIT_TEST_POSTGRES_DSN``; the worker's connections carry the
application name ``gdprkit-engine-WORKER``. It prints one JSON line per committed batch
(unless ``--quiet``) and a last line ``{"done": {...}}`` with the sweep report and the
sweep's wall-clock span. ``--pause-in-batch K`` stops inside the K-th batch's
transaction right after the batch's audit entry is written (its disposals written,
nothing committed, the audit chain's head held), prints ``inside`` and waits to be
killed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from typing import TYPE_CHECKING

from gdprkit.clock import FixedClock
from gdprkit.crypto import FieldCipher, FieldContext, LocalKeyProvider
from gdprkit.policy import load_policy
from gdprkit.policy.examples import example_path
from gdprkit.service import PrivacyService
from gdprkit.storage.postgres import PostgresStore

if TYPE_CHECKING:
    from gdprkit.retention import SweepProgress
    from gdprkit.storage.types import AuditEntry, AuditSeal

DSN_VAR = "GDPRKIT_TEST_POSTGRES_DSN"
KEK = {1: bytes(range(32))}
"""The key-encryption key every instance shares (a test value, not a secret)."""
SEEDED_AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
"""When the records were stored."""
CONTRACT_END = dt.date(2022, 6, 30)
"""The contracts ended then; their three years ran out in mid-2025."""
SWEEP_AT = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)
"""The default sweep instant: every seeded record is due."""
AFTER_LEASE = SWEEP_AT + dt.timedelta(minutes=11)
"""A sweep instant after the engine's default ten-minute lease has run out."""
PURPOSE = "contract"
FIELDS = {"name": "A. Customer", "email": "customer@example.org"}


def open_service(store: PostgresStore, at: dt.datetime, worker: str) -> PrivacyService:
    """The service every instance builds: the example policy, the shared KEK, a fixed clock."""
    policy = load_policy(example_path("true_fiction_production"))
    return PrivacyService(policy, store, LocalKeyProvider(KEK), clock=FixedClock(at), worker=worker)


def subject_id(number: int) -> str:
    """The id of the *number*-th seeded subject."""
    return f"s{number:05d}"


def record_id(number: int) -> str:
    """The id of the *number*-th seeded record."""
    return f"r{number:07d}"


def seed(
    dsn: str,
    schema: str,
    count: int,
    *,
    per_subject: int = 50,
    through_service: int = 1,
    extra_purposes: tuple[str, ...] = (),
) -> None:
    """Store *count* records, due at :data:`SWEEP_AT`, of ``count / per_subject`` subjects.

    The first *through_service* records of every subject are stored with
    ``PrivacyService.store_record`` (which also creates the subject's data key and
    writes an audit entry per record). Storing 20,000 records that way takes over a
    minute, so the others are copies of the subject's first record: the same purpose
    links (read back from the store), their fields encrypted with the subject's own key
    by :class:`~gdprkit.crypto.FieldCipher` for their own record id, loaded with
    ``COPY``. A sweep cannot tell them apart; ``test_pg_engine_sweepers`` checks that.
    """
    import psycopg  # noqa: PLC0415 - only with a server

    subjects = (count + per_subject - 1) // per_subject
    copied: list[tuple[int, int]] = []
    with PostgresStore(dsn, schema=schema) as store:
        service = open_service(store, SEEDED_AT, "seeder")
        cipher = FieldCipher(service.keyring)
        with store.transaction():
            for s in range(subjects):
                sid = service.register_subject(subject_id(s))
                numbers = range(s * per_subject, min(count, (s + 1) * per_subject))
                for n in numbers[:through_service]:
                    service.store_record(
                        sid,
                        FIELDS,
                        purposes=[PURPOSE, *extra_purposes],
                        record_id=record_id(n),
                        triggers={"contract_end": CONTRACT_END},
                    )
                copied.extend((s, n) for n in numbers[through_service:])
        templates = {}
        for s in {s for s, _ in copied}:
            template = record_id(s * per_subject)
            templates[s] = store.links_of_record(template)
        rows = []
        for s, n in copied:
            rid, sid = record_id(n), subject_id(s)
            fields = {
                category: cipher.encrypt(
                    b"s" + value.encode(),  # the service's encoding of a text value
                    FieldContext(record_id=rid, category_id=category, subject_id=sid),
                )
                for category, value in FIELDS.items()
            }
            rows.append((rid, sid, fields, templates[s]))
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT set_config('search_path', %s, true)", (f'"{schema}"',))
        with cur.copy("COPY records (id, subject_id, kind, created_at) FROM STDIN") as copy:
            for rid, sid, _, _ in rows:
                copy.write_row((rid, sid, "managed", SEEDED_AT))
        with cur.copy("COPY record_fields (record_id, category_id, value) FROM STDIN") as copy:
            for rid, _, fields, _ in rows:
                for category, token in fields.items():
                    copy.write_row((rid, category, token))
        with cur.copy(
            "COPY links (record_id, purpose_id, created_at, triggers, eligible_from, state, "
            "restricted) FROM STDIN"
        ) as copy:
            for rid, _, _, links in rows:
                for link in links:
                    triggers = {
                        k: (v - dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
                        // dt.timedelta(microseconds=1)
                        for k, v in link.triggers.items()
                    }
                    copy.write_row(
                        (
                            rid,
                            link.purpose_id,
                            link.created_at,
                            json.dumps(triggers, sort_keys=True, separators=(",", ":")),
                            link.eligible_from,
                            link.state.value,
                            link.restricted,
                        )
                    )
        cur.execute("ANALYZE")


class PausingStore(PostgresStore):
    """Stops inside the *pause_in*-th sweep batch, after writing its audit entry."""

    def __init__(self, dsn: str, *, schema: str, pause_in: int | None) -> None:
        super().__init__(dsn, schema=schema)
        self._pause_in = pause_in
        self._batches = 0

    def append_audit_entry(self, entry: AuditEntry, *, seal: AuditSeal) -> None:
        """Append; in the chosen batch, then announce it and wait to be killed."""
        super().append_audit_entry(entry, seal=seal)
        if entry.action != "retention.sweep.batch":
            return
        self._batches += 1
        if self._batches == self._pause_in:
            print("inside", flush=True)  # noqa: T201 - the test reads it
            time.sleep(300)
            raise SystemExit(3)  # not reached: the test kills the worker first


def main(argv: list[str]) -> int:
    """Run one sweep with the engine; print its progress and report as JSON lines."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("schema")
    parser.add_argument("--worker", required=True)
    parser.add_argument("--at", default=SWEEP_AT.isoformat())
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--pause-in-batch", type=int, default=None)
    parser.add_argument("--quiet", action="store_true", help="print only the totals")
    args = parser.parse_args(argv)
    from psycopg.conninfo import make_conninfo  # noqa: PLC0415 - only with a server

    dsn = make_conninfo(os.environ[DSN_VAR], application_name=f"gdprkit-engine-{args.worker}")
    store = PausingStore(dsn, schema=args.schema, pause_in=args.pause_in_batch)

    def progress(done: SweepProgress) -> None:
        if not args.quiet:
            print(json.dumps({"batches": done.batches, "links": done.links}), flush=True)  # noqa: T201

    try:
        service = open_service(store, dt.datetime.fromisoformat(args.at), args.worker)
        start = time.time()
        report = service.engine.sweep(batch_size=args.batch, progress=progress)
        end = time.time()
    finally:
        store.close()
    totals = {
        "worker": args.worker,
        "batches": report.batches,
        "links_ended": report.links_ended,
        "records_disposed": report.records_disposed,
        "subjects_shredded": report.subjects_shredded,
        "start": start,
        "end": end,
    }
    print(json.dumps({"done": totals}), flush=True)  # noqa: T201 - the test reads it
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
