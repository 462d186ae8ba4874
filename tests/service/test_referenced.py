"""Referenced records: the engine hands disposal tasks to the service's handler (RET-11)."""

from __future__ import annotations

import datetime as dt

import pytest

from gdprkit.clock import FixedClock
from gdprkit.errors import InvalidInputError
from gdprkit.retention.tasks import Backoff
from gdprkit.service import PrivacyService
from gdprkit.storage.types import DisposalTask, RecordKind, TaskState
from gdprkit.testing.conformance import _as_checked

CONTRACT_DUE = dt.datetime(2030, 6, 30, 22, 0, tzinfo=dt.UTC)


class FlakyHandler:
    """Fails the first *failures* calls per task, then acknowledges; records every call."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls: list[DisposalTask] = []
        self.done: list[str] = []

    def dispose(self, task: DisposalTask) -> None:
        self.calls.append(task)
        if sum(1 for c in self.calls if c.id == task.id) <= self.failures:
            raise ConnectionError("crm unreachable")
        self.done.append(task.id)


def _crm_customer(service: PrivacyService) -> tuple[str, str]:
    subject = service.register_subject()
    record = service.register_reference(
        subject,
        categories=["name", "email", "phone"],
        purposes=["contract"],
        external_ref="crm:customer:42",
        triggers={"contract_end": dt.date(2027, 6, 30)},
    )
    return subject, record


def test_referenced_records_keep_metadata_only(service: PrivacyService) -> None:
    _, record = _crm_customer(service)
    stored = service.store.get_record(record)
    assert stored is not None
    assert stored.kind is RecordKind.REFERENCED
    assert stored.external_ref == "crm:customer:42"
    assert stored.categories == ("email", "name", "phone")
    assert set(stored.fields.values()) == {b""}


def test_a_failing_handler_is_retried_with_backoff_and_acknowledged_once(
    service: PrivacyService, clock: FixedClock
) -> None:
    subject, record = _crm_customer(service)
    clock.set(CONTRACT_DUE)
    report = service.engine.sweep()
    assert (report.links_ended, report.tasks_created, report.records_disposed) == (1, 1, 0)
    assert service.store.get_record(record) is not None  # kept until acknowledged
    handler = FlakyHandler(failures=2)
    backoff = Backoff(base=dt.timedelta(minutes=1), report_after=2)

    first = service.engine.run_tasks(handler, backoff=backoff)
    assert (first.attempted, first.done, first.failed) == (1, 0, 1)
    assert service.engine.run_tasks(handler, backoff=backoff).attempted == 0  # backing off
    clock.advance(dt.timedelta(minutes=1))
    second = service.engine.run_tasks(handler, backoff=backoff)
    assert (second.failed, len(second.failing)) == (1, 1)
    clock.advance(dt.timedelta(minutes=1))
    assert service.engine.run_tasks(handler, backoff=backoff).attempted == 0  # 2 minutes now
    clock.advance(dt.timedelta(minutes=1))
    third = service.engine.run_tasks(handler, backoff=backoff)
    assert (third.done, third.failing) == (1, ())
    clock.advance(dt.timedelta(days=1))
    assert service.engine.run_tasks(handler, backoff=backoff).attempted == 0
    assert len(handler.done) == 1
    (task,) = service.store.tasks(limit=10)
    assert (task.state, task.attempts, task.action) == (TaskState.DONE, 3, "delete")
    assert task.categories == ("email", "name", "phone")
    assert service.store.get_record(record) is None
    (disposal,) = service.store.disposals_of_subject(subject)
    assert disposal.due_at == CONTRACT_DUE
    _as_checked(disposal)  # on MemoryStore, the very record the acknowledgement made
    assert service.store.get_subject(subject) is None
    service.audit.verify()


def test_a_handler_that_never_succeeds_is_reported_and_nothing_is_marked_done(
    service: PrivacyService, clock: FixedClock
) -> None:
    subject, record = _crm_customer(service)
    clock.set(CONTRACT_DUE)
    service.engine.sweep()
    handler = FlakyHandler(failures=10**6)
    for _ in range(6):
        report = service.engine.run_tasks(handler)
        clock.advance(dt.timedelta(days=1))
    assert report.failed == 1
    (failing,) = service.engine.failing_tasks()
    assert failing.last_error == "ConnectionError"
    assert failing.state is TaskState.PENDING
    assert "crm unreachable" not in str(failing)
    assert service.store.get_record(record) is not None
    assert service.store.disposals_of_subject(subject) == []


def test_contract_fields_of_a_referenced_record_become_a_remove_fields_task(
    service: PrivacyService, clock: FixedClock
) -> None:
    subject = service.register_subject()
    record = service.register_reference(
        subject,
        categories=["name", "postal_address", "email", "invoice_records"],
        purposes=["contract", "bookkeeping"],
        external_ref="erp:7",
        triggers={"contract_end": dt.date(2027, 6, 30), "financial_year_end": dt.date(2027, 1, 5)},
    )
    clock.set(CONTRACT_DUE)
    service.engine.sweep()
    handler = FlakyHandler(failures=0)
    assert service.engine.run_tasks(handler).done == 1
    (task,) = handler.calls
    assert (task.action, task.categories, task.external_ref) == (
        "remove_fields",
        ("email",),
        "erp:7",
    )
    stored = service.store.get_record(record)
    assert stored is not None
    assert stored.categories == ("invoice_records", "name", "postal_address")


def test_run_tasks_checks_its_arguments(service: PrivacyService) -> None:
    with pytest.raises(InvalidInputError):
        service.engine.run_tasks(FlakyHandler(0), limit=0)
