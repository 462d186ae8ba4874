"""The erasure ledger: every disposal, exportable, replayable onto a restored backup (RET-11).

A backup taken before an erasure still holds the erased data (and, until the
key-encryption-key version that wrapped them is retired, the keys to read it). Restoring
that backup must not bring the erased people back. The ledger is the list of disposal
records (ids, category ids, the rule in words, due and executed instants: no personal
data), exported as JSON Lines to somewhere outside the main store, and replayed onto the
restored database with :meth:`gdprkit.retention.RetentionEngine.replay_ledger`.

Each line is one disposal record with its SHA-256 digest (the same digest the audit
log's sweep entries cover), so a line altered in transit is refused on replay.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from gdprkit.clock import to_utc
from gdprkit.errors import InvalidInputError
from gdprkit.storage.types import DisposalRecord, canonical_json

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from gdprkit.storage.protocol import Store

__all__ = ["LEDGER_VERSION", "export_ledger", "read_ledger"]

LEDGER_VERSION = 1
"""The version written in every ledger line (``"v"``)."""

_PAGE = 1000


def _line(disposal: DisposalRecord) -> str:
    body: dict[str, Any] = {
        "v": LEDGER_VERSION,
        "id": disposal.id,
        "record_id": disposal.record_id,
        "subject_id": disposal.subject_id,
        "purpose_ids": list(disposal.purpose_ids),
        "rule": disposal.rule,
        "action": disposal.action,
        "due_at": disposal.due_at.isoformat(),
        "executed_at": disposal.executed_at.isoformat(),
        "fields_removed": list(disposal.fields_removed),
        "digest": disposal.digest(),
    }
    return canonical_json(body).decode("utf-8")


def export_ledger(store: Store, start: dt.datetime, end: dt.datetime) -> Iterator[str]:
    """Yield the ledger lines of every disposal executed in ``[start, end)``, oldest first.

    Write them (one per line) to storage outside the main store, e.g. after each sweep.
    Memory stays bounded: disposal records are read a page at a time.
    """
    first = to_utc(start, what="export_ledger(start)")
    last = to_utc(end, what="export_ledger(end)")
    after = None
    while True:
        page = store.disposals_executed(first, last, after=after, limit=_PAGE)
        yield from (_line(d) for d in page)
        if len(page) < _PAGE:
            return
        after = page[-1]


def read_ledger(lines: Iterable[str]) -> Iterator[DisposalRecord]:
    """Parse ledger lines back into disposal records, checking each digest.

    Raises:
        InvalidInputError: a line is not a ledger line, or its digest does not match
            (it was altered); the message gives the line number, never its content.
    """
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            body = json.loads(text)
            version = body.get("v")
            disposal = DisposalRecord(
                id=body["id"],
                record_id=body["record_id"],
                subject_id=body["subject_id"],
                purpose_ids=body["purpose_ids"],
                rule=body["rule"],
                action=body["action"],
                due_at=_instant(body["due_at"]),
                executed_at=_instant(body["executed_at"]),
                fields_removed=body["fields_removed"],
            )
            digest = body["digest"]
            recomputed = disposal.digest()  # a value of the wrong type raises TypeError
        except (ValueError, KeyError, TypeError, AttributeError):
            raise InvalidInputError(f"ledger line {number}: not a ledger line") from None
        if version != LEDGER_VERSION:
            raise InvalidInputError(f"ledger line {number}: unknown version")
        if recomputed != digest:
            raise InvalidInputError(f"ledger line {number}: digest mismatch (altered)")
        yield disposal


def _instant(text: str) -> dt.datetime:
    return to_utc(dt.datetime.fromisoformat(text), what="ledger instant")
