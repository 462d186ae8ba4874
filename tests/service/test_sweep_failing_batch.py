"""A batch that fails every time waits for its lease: later sweeps reach the rest."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Collection

    from gdprkit.service import PrivacyService

DUE = dt.datetime(2030, 6, 30, 22, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(minutes=10)  # the engine's default


def test_a_failing_batch_is_held_back_and_retried_after_its_lease(
    service: PrivacyService, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = []
    for i in range(6):
        subject = service.register_subject()
        record = service.store_record(
            subject, {"name": f"n{i}", "email": f"{i}@x"}, purposes=["contract"]
        )
        service.record_event("contract_end", dt.date(2027, 6, 30), record_id=record)
        records.append(record)
    store = service.store
    delete_records = store.delete_records
    poison = set()

    def failing(record_ids: Collection[str]) -> None:
        if poison & set(record_ids):
            raise RuntimeError("the embedding service is down")
        delete_records(record_ids)

    monkeypatch.setattr(store, "delete_records", failing)
    first_batch = [link.record_id for link in store.due_links(DUE, limit=2)]
    poison.add(first_batch[0])

    with pytest.raises(RuntimeError, match="down"):
        service.engine.sweep(DUE, batch_size=2)
    assert store.count_due_links(DUE) == 6  # nothing of the failed batch was written
    report = service.engine.sweep(DUE, batch_size=2)
    assert report.records_disposed == 4
    assert store.get_records(records).keys() == set(first_batch)

    after_lease = DUE + LEASE
    with pytest.raises(RuntimeError, match="down"):
        service.engine.sweep(after_lease, batch_size=2)
    poison.clear()
    assert service.engine.sweep(after_lease, batch_size=2).records_disposed == 0
    later = after_lease + LEASE
    assert service.engine.sweep(later, batch_size=2).records_disposed == 2
    assert store.get_records(records) == {}
    service.audit.verify()
