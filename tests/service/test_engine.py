"""The retention engine: field-level disposal, the Bookkeeping Act, holds, reviews, reports."""

from __future__ import annotations

import datetime as dt

import pytest

from gdprkit.clock import FixedClock
from gdprkit.crypto import FieldContext, LocalKeyProvider
from gdprkit.errors import (
    AccessDenied,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    SubjectErasedError,
)
from gdprkit.policy.model import Policy
from gdprkit.policy.retention import Period, RetentionRule
from gdprkit.retention import Effect
from gdprkit.service import PrivacyService
from gdprkit.storage.protocol import Store
from gdprkit.storage.types import HoldScope, LinkState, ReviewState
from gdprkit.testing.conformance import _as_checked

from .conftest import KEK, customer, replace_purpose

# A Bokföringslagen invoice dated 2 March 2026 (financial year = calendar year) is kept
# through 31 December 2033: disposal from 00:00 on 1 January 2034 in Stockholm.
BFL_DUE = dt.datetime(2033, 12, 31, 23, 0, tzinfo=dt.UTC)
CONTRACT_DUE = dt.datetime(2030, 6, 30, 22, 0, tzinfo=dt.UTC)
TICK = dt.timedelta(microseconds=1)


def _ended_contract(service: PrivacyService) -> str:
    record_id = customer(service)
    service.record_event("contract_end", dt.date(2027, 6, 30), record_id=record_id)
    return record_id


def test_contract_fields_go_when_the_contract_rule_ends_and_invoice_fields_on_the_bfl_date(
    service: PrivacyService, clock: FixedClock
) -> None:
    record_id = _ended_contract(service)
    subject = service.store.get_record(record_id).subject_id  # type: ignore[union-attr]

    assert service.engine.sweep(CONTRACT_DUE - TICK).links_ended == 0
    report = service.engine.sweep(CONTRACT_DUE)
    assert (report.links_ended, report.fields_removed, report.records_disposed) == (1, 2, 0)
    record = service.store.get_record(record_id)
    assert record is not None
    assert sorted(record.fields) == ["invoice_records", "name", "postal_address"]
    clock.set(CONTRACT_DUE)
    with pytest.raises(AccessDenied):
        service.read(record_id, purpose="contract", role="accounting", actor="a")
    kept = service.read(record_id, purpose="bookkeeping", role="accounting", actor="a")
    assert kept["invoice_records"] == "INV-2026-001 1 250 SEK"

    # Not a day longer, and not a microsecond sooner.
    assert service.engine.sweep(BFL_DUE - TICK).records_disposed == 0
    assert service.store.get_record(record_id) is not None
    report = service.engine.sweep(BFL_DUE)
    assert (report.records_disposed, report.subjects_shredded) == (1, 1)
    assert service.store.get_record(record_id) is None
    assert service.store.get_subject(subject) is None
    disposals = service.store.disposals_of_subject(subject)
    assert [(d.action, d.purpose_ids, d.fields_removed) for d in disposals] == [
        ("remove_fields", ("contract",), ("email", "phone")),
        ("delete", ("bookkeeping",), ("invoice_records", "name", "postal_address")),
    ]
    assert disposals[1].due_at == BFL_DUE
    assert "Bokföringslagen" in disposals[1].rule
    for disposal in disposals:  # made by the engine without the constructor's checks
        _as_checked(disposal)


def test_a_copy_of_shredded_ciphertext_stays_unreadable(service: PrivacyService) -> None:
    record_id = _ended_contract(service)
    record = service.store.get_record(record_id)
    assert record is not None
    copy = record.fields["name"]
    service.engine.sweep(BFL_DUE)
    cipher = service._cipher
    service.keyring.clear_cache()
    with pytest.raises(SubjectErasedError):
        cipher.decrypt(
            copy,
            FieldContext(record_id=record_id, category_id="name", subject_id=record.subject_id),
        )


def test_a_record_awaiting_its_trigger_is_never_disposed(service: PrivacyService) -> None:
    subject = service.register_subject()
    record_id = service.store_record(subject, {"name": "Ada"}, purposes=["contract"])
    far = dt.datetime(2090, 1, 1, tzinfo=dt.UTC)
    assert service.engine.sweep(far).links_ended == 0
    assert service.store.get_record(record_id) is not None
    (waiting,) = service.engine.awaiting_trigger(dt.timedelta(days=365), now=far)
    assert (waiting.record_id, waiting.event) == (record_id, "contract_end")
    assert service.engine.awaiting_trigger(dt.timedelta(days=365 * 100), now=far) == []


def test_plan_lists_without_changing_anything(service: PrivacyService) -> None:
    record_id = _ended_contract(service)
    head = service.audit.head()
    plan = service.engine.plan(BFL_DUE)
    assert plan.due == 2
    assert [(i.purpose_id, i.effect) for i in plan.items] == [
        ("contract", Effect.REMOVE_FIELDS),
        ("bookkeeping", Effect.DISPOSE_RECORD),
    ]
    assert plan.items[1].fields == ("invoice_records", "name", "postal_address")
    assert plan.items[1].action == "delete"
    first = plan.items[0]
    assert first.fields == ("email", "phone")
    assert first.trigger == "contract_end"
    assert first.rule == "3 years after the contract ends"
    assert service.audit.head() == head
    assert service.store.get_record(record_id) is not None
    limited = service.engine.plan(BFL_DUE, limit=1)
    assert limited.truncated
    assert len(limited.items) == 1


def test_a_hold_blocks_until_release_then_the_item_is_due_at_once(
    service: PrivacyService, clock: FixedClock
) -> None:
    # LEGAL.md RET-07: expires 2034-01-01, held 2033-06-01 .. 2034-03-01.
    record_id = _ended_contract(service)
    subject = service.store.get_record(record_id).subject_id  # type: ignore[union-attr]
    service.engine.sweep(CONTRACT_DUE)
    clock.set(dt.datetime(2033, 6, 1, tzinfo=dt.UTC))
    hold = service.holds.place(
        HoldScope.SUBJECT, subject, reason="dispute", matter_ref="M-17", actor="legal"
    )
    assert service.engine.plan(BFL_DUE).blocked[0].hold_ids == (hold.id,)
    for day in (BFL_DUE, dt.datetime(2034, 2, 28, tzinfo=dt.UTC)):
        clock.set(day)
        report = service.engine.sweep()
        assert (report.deferred, report.records_disposed) == (1, 0)
        assert service.store.get_record(record_id) is not None
    clock.set(dt.datetime(2034, 3, 1, tzinfo=dt.UTC))
    service.holds.release(hold.id, actor="legal")
    report = service.engine.sweep()
    assert report.records_disposed == 1
    (disposal,) = [d for d in service.store.disposals_of_subject(subject) if d.action == "delete"]
    assert disposal.due_at == BFL_DUE  # the hold did not move the clock
    assert disposal.executed_at == dt.datetime(2034, 3, 1, tzinfo=dt.UTC)


def test_a_category_hold_blocks_only_what_would_remove_that_category(
    service: PrivacyService,
) -> None:
    record_id = _ended_contract(service)
    service.holds.place(
        HoldScope.CATEGORY, "invoice_records", reason="audit", matter_ref="T-1", actor="legal"
    )
    report = service.engine.sweep(CONTRACT_DUE)
    assert report.fields_removed == 2
    report = service.engine.sweep(BFL_DUE)
    assert (report.deferred, report.records_disposed) == (1, 0)
    assert service.store.get_record(record_id) is not None


def test_holds_name_existing_things(service: PrivacyService) -> None:
    with pytest.raises(NotFoundError):
        service.holds.place(HoldScope.SUBJECT, "nobody", reason="r", matter_ref="m", actor="a")
    with pytest.raises(NotFoundError):
        service.holds.place(HoldScope.PURPOSE, "nothing", reason="r", matter_ref="m", actor="a")
    assert service.holds.active() == []


def test_restricted_links_are_not_disposed(service: PrivacyService) -> None:
    record_id = _ended_contract(service)
    subject = service.store.get_record(record_id).subject_id  # type: ignore[union-attr]
    service.set_restriction(subject, restricted=True)
    assert service.engine.sweep(BFL_DUE).deferred == 2
    assert service.store.get_record(record_id) is not None
    service.set_restriction(subject, restricted=False)
    assert service.engine.sweep(BFL_DUE).records_disposed == 1


@pytest.fixture
def reviewing(tfp_policy: Policy, store: Store, clock: FixedClock) -> PrivacyService:
    rule = RetentionRule(
        trigger="contract_end",
        period=Period(years=3),
        action="review",
        justification="Disputes are reviewed before deletion.",
    )
    policy = replace_purpose(tfp_policy, "contract", retention=rule)
    return PrivacyService(policy, store, LocalKeyProvider(KEK), clock=clock, worker="w1")


def test_review_rules_open_a_task_and_dispose_only_after_approval(
    reviewing: PrivacyService, clock: FixedClock
) -> None:
    subject = reviewing.register_subject()
    record_id = reviewing.store_record(
        subject,
        {"name": "Ada"},
        purposes=["contract"],
        triggers={"contract_end": dt.date(2027, 6, 30)},
    )
    clock.set(CONTRACT_DUE)
    first = reviewing.engine.sweep()
    assert (first.reviews_opened, first.records_disposed) == (1, 0)
    assert reviewing.engine.sweep().links_ended == 0  # deferred: not reopened every sweep
    (task,) = reviewing.engine.reviews()
    assert (task.record_id, task.state, task.due_at) == (
        record_id,
        ReviewState.PENDING,
        CONTRACT_DUE,
    )
    approved = reviewing.engine.approve(task.id, actor="dpo", justification="no dispute")
    assert approved.state is ReviewState.APPROVED
    with pytest.raises(ConflictError):
        reviewing.engine.approve(task.id, actor="dpo", justification="again")
    report = reviewing.engine.sweep()
    assert report.records_disposed == 1
    assert reviewing.store.get_record(record_id) is None


def test_a_review_can_extend_retention(reviewing: PrivacyService, clock: FixedClock) -> None:
    subject = reviewing.register_subject()
    record_id = reviewing.store_record(
        subject,
        {"name": "Ada"},
        purposes=["contract"],
        triggers={"contract_end": dt.date(2027, 6, 30)},
    )
    clock.set(CONTRACT_DUE)
    reviewing.engine.sweep()
    (task,) = reviewing.engine.reviews()
    later = CONTRACT_DUE + dt.timedelta(days=365)
    with pytest.raises(InvalidInputError):
        reviewing.engine.extend(task.id, keep_until=CONTRACT_DUE, actor="dpo", justification="x")
    reviewing.engine.extend(task.id, keep_until=later, actor="dpo", justification="claim")
    assert reviewing.engine.sweep().links_ended == 0
    link = reviewing.store.get_link(record_id, "contract")
    assert link is not None
    assert link.eligible_from == later
    clock.set(later)
    assert reviewing.engine.sweep().reviews_opened == 1


def test_each_batch_writes_one_audit_entry_covering_its_disposals(
    service: PrivacyService,
) -> None:
    for _ in range(5):
        _ended_contract(service)
    seq, _ = service.audit.head()
    seen = []
    report = service.engine.sweep(CONTRACT_DUE, batch_size=2, progress=seen.append)
    assert report.batches == 3
    assert [p.links for p in seen] == [2, 4, 5]
    assert all(p.due_at_start == 5 for p in seen)
    entries = service.store.audit_entries(after_seq=seq)
    assert [e.action for e in entries] == ["retention.sweep.batch"] * 3
    covered = [c for e in entries for c in e.covers]
    digests = sorted(
        d.digest() for d in service.store.disposals_executed(CONTRACT_DUE, BFL_DUE, limit=100)
    )
    assert sorted(covered) == digests
    assert len(digests) == 5
    assert service.engine.sweep(CONTRACT_DUE).batches == 0
    service.audit.verify()


def test_lateness_report(service: PrivacyService) -> None:
    _ended_contract(service)
    _ended_contract(service)
    late = CONTRACT_DUE + dt.timedelta(days=3)
    service.engine.sweep(late)
    report = service.engine.lateness(CONTRACT_DUE, BFL_DUE)
    assert report.disposals == 2
    assert report.late == 2
    assert report.median == report.maximum == dt.timedelta(days=3)
    empty = service.engine.lateness(BFL_DUE, BFL_DUE + dt.timedelta(days=1))
    assert (empty.disposals, empty.median) == (0, None)


def test_engine_arguments_are_checked(service: PrivacyService) -> None:
    with pytest.raises(InvalidInputError):
        service.engine.sweep(batch_size=0)
    with pytest.raises(InvalidInputError):
        service.engine.plan(limit=-1)
    assert service.store.count_due_links(BFL_DUE) == 0
    record_id = _ended_contract(service)
    link = service.store.get_link(record_id, "contract")
    assert link is not None
    assert link.state is LinkState.LIVE


def test_erasure_keeps_bookkeeping_fields_and_makes_the_rest_unreadable_at_once(
    service: PrivacyService,
) -> None:
    record_id = customer(service)
    before = service.store.get_record(record_id)
    assert before is not None
    subject = before.subject_id
    assert service.end_purposes(subject, event="erasure", purposes=["contract"]) == 1
    report = service.engine.sweep_subject(subject, actor="dpo")
    assert (report.links_ended, report.fields_removed) == (1, 2)
    after = service.store.get_record(record_id)
    assert after is not None
    assert sorted(after.fields) == ["invoice_records", "name", "postal_address"]
    assert after.fields["name"] != before.fields["name"]  # re-encrypted under a new key
    assert service.keyring.current_version(subject) == 2
    service.keyring.clear_cache()
    cipher = service._cipher
    for category in ("email", "name"):
        context = FieldContext(record_id=record_id, category_id=category, subject_id=subject)
        with pytest.raises(SubjectErasedError):
            cipher.decrypt(before.fields[category], context)
    kept = service.read(record_id, purpose="bookkeeping", role="accounting", actor="a")
    assert kept["name"] == "Ada Lovelace"
    (disposal,) = service.store.disposals_of_subject(subject)
    assert disposal.rule == "erasure (Art. 17(1))"


def test_objection_ends_only_purposes_it_applies_to(service: PrivacyService) -> None:
    subject = service.register_subject()
    record_id = service.store_record(
        subject, {"name": "Ada", "email": "a@x"}, purposes=["contract", "email_marketing"]
    )
    assert service.end_purposes(subject, event="objection") == 1
    link = service.store.get_link(record_id, "email_marketing")
    assert link is not None
    assert link.eligible_from is not None
    with pytest.raises(AccessDenied):
        service.read(record_id, purpose="email_marketing", role="marketing", actor="a")
    assert service.read(record_id, purpose="contract", role="customer_service", actor="a")
    with pytest.raises(InvalidInputError):
        service.end_purposes(subject, event="contract_end")
    with pytest.raises(InvalidInputError):
        service.record_event("objection", dt.date(2026, 1, 1), record_id=record_id)
