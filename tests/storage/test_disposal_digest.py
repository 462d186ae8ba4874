"""`DisposalRecord.digest` is the SHA-256 of the record's canonical JSON, byte for byte.

The digest is spelled out field by field for speed (a sweep takes one per disposal),
and audit entries already written list these digests in ``covers``: any drift from the
canonical encoding would make old audit entries point at nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from hypothesis import given
from hypothesis import strategies as st

from gdprkit.storage.types import DisposalRecord, canonical_json

_TEXT = st.text(max_size=40)
_WORDS = st.lists(_TEXT, max_size=4).map(tuple)
_INSTANTS = st.datetimes(
    min_value=dt.datetime(1, 1, 2),  # noqa: DTZ001 - made aware by the strategy
    max_value=dt.datetime(9999, 12, 30),  # noqa: DTZ001 - made aware by the strategy
    timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=2))]),
)


def _canonical_digest(record: DisposalRecord) -> str:
    body = {
        "id": record.id,
        "record_id": record.record_id,
        "subject_id": record.subject_id,
        "purpose_ids": list(record.purpose_ids),
        "rule": record.rule,
        "action": record.action,
        "due_at": record.due_at.isoformat(),
        "executed_at": record.executed_at.isoformat(),
        "fields_removed": list(record.fields_removed),
    }
    return hashlib.sha256(canonical_json(body)).hexdigest()


_RECORDS = st.builds(
    DisposalRecord,
    id=_TEXT,
    record_id=_TEXT,
    subject_id=_TEXT,
    purpose_ids=_WORDS,
    rule=_TEXT,
    action=_TEXT,
    due_at=_INSTANTS,
    executed_at=_INSTANTS,
    fields_removed=_WORDS,
)


@given(_RECORDS)
def test_digest_is_the_hash_of_the_canonical_json(record: DisposalRecord) -> None:
    assert record.digest() == _canonical_digest(record)


def test_digest_known_answer() -> None:
    at = dt.datetime(2031, 1, 1, 12, 30, 0, 250, tzinfo=dt.UTC)
    record = DisposalRecord(
        id="0190a0b1c2d37e4f8a9b0c1d2e3f4a5b",
        record_id='r-\u00e5"\\\n',
        subject_id="s1",
        purpose_ids=("contract",),
        rule="7 years after the end of the fiscal year (Bookf\u00f6ringslagen 7 kap. 2 \u00a7)",
        action="delete",
        due_at=at,
        executed_at=at,
        fields_removed=("email", "name"),
    )
    assert record.digest() == _canonical_digest(record)
    assert record.digest() == "2cb34fe0ceccd813356913e8047774864d1596a3376e3cfff812f56d567e9f59"
