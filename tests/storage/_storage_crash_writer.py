"""A writer that is killed at random moments, and the check of what it leaves behind.

Run as a script: ``python _storage_crash_writer.py DB`` writes transactions forever.
Transaction ``n`` adds subject ``s<n>``, its blind-index entry, record ``r<n>`` with
two fields, a purpose link, removes one field again and appends the audit entry for
``n``; so a half-applied transaction is visible. It prints ``begin n`` once the write
lock is held and ``commit n`` after the commit, flushing each line, so the killer
knows whether the kill landed inside an open transaction.
"""

import datetime as dt
import sys
import time

from gdprkit.audit import AuditLog
from gdprkit.storage.sqlite import SQLiteStore
from gdprkit.storage.types import BlindIndexEntry, PurposeLink, Record, Subject

KEY = b"crash-test-audit-key-0123456789ab"
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def write_forever(path):
    store = SQLiteStore(path)
    log = AuditLog(store, KEY)
    n = log.head()[0]
    while True:
        n += 1
        with store.transaction():
            sys.stdout.write(f"begin {n}\n")
            sys.stdout.flush()
            store.add_subject(Subject(id=f"s{n}", created_at=T0))
            store.add_blind_index(
                BlindIndexEntry(subject_id=f"s{n}", index_name="email", digest=b"%d" % n),
            )
            time.sleep(0.0005)
            store.add_record(
                Record(
                    id=f"r{n}",
                    subject_id=f"s{n}",
                    kind="managed",
                    created_at=T0,
                    fields={"email": b"e" * 40, "name": b"n" * 40},
                ),
            )
            store.add_link(
                PurposeLink(record_id=f"r{n}", purpose_id="p", created_at=T0, eligible_from=T0),
            )
            time.sleep(0.0005)
            store.remove_fields(f"r{n}", ["name"])
            log.append(actor="writer", action="tx", ids=[f"s{n}", f"r{n}"], at=T0)
        sys.stdout.write(f"commit {n}\n")
        sys.stdout.flush()


def check(path):
    """Open the database after a crash; verify it; return the number of committed txs.

    Raises AssertionError when a transaction is partly present.
    """
    with SQLiteStore(path) as store:
        log = AuditLog(store, KEY)
        head = log.verify()[0]
        for entry in store.audit_entries():
            assert entry.ids == (f"s{entry.seq}", f"r{entry.seq}")
        for n in (head, head + 1):
            present = [
                store.get_subject(f"s{n}") is not None,
                store.find_subjects("email", b"%d" % n) == [f"s{n}"],
                store.get_record(f"r{n}") is not None,
                store.get_link(f"r{n}", "p") is not None,
                len(store.audit_entries(after_seq=n - 1, limit=1)) == 1 and n > 0,
            ]
            assert all(present) == (n == head and n > 0), (n, head, present)
            assert not any(present) or all(present), (n, present)
            record = store.get_record(f"r{n}")
            assert record is None or set(record.fields) == {"email"}
        assert store.count_due_links(T0) == head
    return head


if __name__ == "__main__":
    write_forever(sys.argv[1])
