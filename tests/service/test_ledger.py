"""The erasure ledger replayed onto a database restored from a backup taken before erasures."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import shutil

import pytest

from gdprkit.clock import FixedClock
from gdprkit.crypto import FieldCipher, FieldContext, LocalKeyProvider
from gdprkit.errors import InvalidInputError, SubjectErasedError
from gdprkit.policy.model import Policy
from gdprkit.retention.ledger import export_ledger, read_ledger
from gdprkit.service import PrivacyService
from gdprkit.storage.sqlite import SQLiteStore

from .conftest import CUSTOMER, KEK, START

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
FAR = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


def _service(store: SQLiteStore, policy: Policy, clock: FixedClock) -> PrivacyService:
    return PrivacyService(policy, store, LocalKeyProvider(KEK), clock=clock, worker="w")


def test_replay_erases_again_what_was_erased_after_the_backup(
    tmp_path: pathlib.Path, tfp_policy: Policy
) -> None:
    clock = FixedClock(START)
    live_path, backup_path = tmp_path / "live.db", tmp_path / "backup.db"
    live = SQLiteStore(live_path)
    service = _service(live, tfp_policy, clock)
    gone_subject = service.register_subject(email="gone@example.org")
    gone = service.store_record(
        gone_subject, {"name": "Gone", "email": "g@x"}, purposes=["contract"]
    )
    kept_subject = service.register_subject()
    kept = service.store_record(
        kept_subject,
        CUSTOMER,
        purposes=["contract", "bookkeeping"],
        triggers={"financial_year_end": dt.date(2026, 3, 2)},
    )
    old_email = live.get_record(kept).fields["email"]  # type: ignore[union-attr]
    live.checkpoint()
    shutil.copy(live_path, backup_path)

    clock.advance(dt.timedelta(days=30))
    service.end_purposes(gone_subject, event="erasure")
    service.end_purposes(kept_subject, event="erasure", purposes=["contract"])
    service.engine.sweep_subject(gone_subject, actor="dpo")
    service.engine.sweep_subject(kept_subject, actor="dpo")
    lines = list(export_ledger(live, EPOCH, FAR))
    assert len(lines) == 2
    assert all("Gone" not in line and "ada@example.org" not in line for line in lines)
    live.close()

    restored = SQLiteStore(backup_path)
    assert restored.get_record(gone) is not None  # the backup brought it back
    again = _service(restored, tfp_policy, clock)
    report = again.engine.replay_ledger(read_ledger(lines), actor="ops")
    assert (report.applied, report.already_applied, report.subjects_forgotten) == (2, 0, 1)
    assert restored.get_record(gone) is None
    assert restored.get_subject(gone_subject) is None
    assert again.find_subjects(email="gone@example.org") == []
    record = restored.get_record(kept)
    assert record is not None
    assert sorted(record.fields) == ["invoice_records", "name", "postal_address"]
    assert again.read(kept, purpose="bookkeeping", role="accounting", actor="a")["name"] == (
        "Ada Lovelace"
    )
    cipher = FieldCipher(again.keyring)
    with pytest.raises(SubjectErasedError):
        cipher.decrypt(
            old_email, FieldContext(record_id=kept, category_id="email", subject_id=kept_subject)
        )
    second = again.engine.replay_ledger(read_ledger(lines), actor="ops")
    assert (second.applied, second.already_applied) == (0, 2)
    again.audit.verify()
    restored.close()


def test_an_altered_ledger_line_is_refused(service: PrivacyService) -> None:
    subject = service.register_subject()
    service.store_record(subject, {"name": "A"}, purposes=["contract"])
    service.end_purposes(subject, event="erasure")
    service.engine.sweep_subject(subject, actor="dpo")
    (line,) = export_ledger(service.store, EPOCH, FAR)
    body = json.loads(line)
    body["fields_removed"] = []
    with pytest.raises(InvalidInputError, match="line 1: digest mismatch"):
        list(read_ledger([json.dumps(body)]))
    with pytest.raises(InvalidInputError, match="line 2: not a ledger line"):
        list(read_ledger([line, "{not json"]))
    assert [d.subject_id for d in read_ledger(["", line])] == [subject]
    for field, wrong in (("rule", None), ("action", 7), ("subject_id", ["s"])):
        altered = json.dumps({**json.loads(line), field: wrong})
        with pytest.raises(InvalidInputError, match="line 1: not a ledger line"):
            list(read_ledger([altered]))
