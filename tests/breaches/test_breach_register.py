"""BR-01, BR-04: the register records every breach; every step is audited; bad input changes nothing."""

import datetime as dt
import json

import pytest
from breach_helpers import (
    AUDIT_KEY,
    CONSEQUENCES,
    MEASURES,
    make_register,
    register_breach,
    snapshot,
    sthlm,
)

from gdprkit.audit import AuditLog
from gdprkit.breaches import Breach, BreachState, BreachType, RiskLevel, Step
from gdprkit.errors import (
    ConflictError,
    DeadlineError,
    GdprKitError,
    InvalidInputError,
    NaiveDatetimeError,
    NotDeclaredError,
    NotFoundError,
    PolicyError,
)
from gdprkit.storage.sqlite import SQLiteStore


def _whole_life(register, clock):
    register_breach(register, occurred_at=sthlm("2026-03-01 23:00"))
    register.scope("2026-001", systems=["customer_register"], keys_in_scope=False, actor="it")
    register.assess(
        "2026-001", risk="high_risk", consequences=CONSEQUENCES, reasoning="r", actor="dpo"
    )
    register.record_measures("2026-001", measures=MEASURES, actor="it")
    register.decide("2026-001", notify=True, reasoning="high risk", actor="dpo")
    clock.advance(dt.timedelta(hours=1))
    register.notify_authority("2026-001", actor="dpo", reference="IMY-7")
    register.communicate("2026-001", actor="dpo")
    register.record_authority_request("2026-001", requires_communication=True, actor="dpo")
    return register.close("2026-001", actor="dpo", note="done")


def test_one_audit_entry_per_step_and_the_chain_verifies(setup, store):
    register, clock, audit = setup
    closed = _whole_life(register, clock)
    entries = [e for e in store.audit_entries() if e.action.startswith("breach.")]
    assert [e.action for e in entries] == [
        "breach.registered",
        "breach.scoped",
        "breach.assessed",
        "breach.measures_recorded",
        "breach.decided",
        "breach.authority_notified",
        "breach.communicated",
        "breach.authority_request_recorded",
        "breach.closed",
    ]
    assert all(e.ids == ("2026-001",) for e in entries)
    assert [e.actor for e in entries][:2] == ["dpo", "it"]
    assert entries[-1].details["entry_sha256"] == closed.digest()
    assert entries[-1].details["state"] == "closed"
    assert audit.verify() == audit.head()
    # Another log with the same key sees the same valid chain.
    AuditLog(store, AUDIT_KEY).verify()


def test_no_personal_data_in_the_register_or_the_audit_log(setup, store):
    register, clock, _ = setup
    _whole_life(register, clock)
    stored = json.dumps(store.get_breach("2026-001").details) + json.dumps(
        [(e.ids, e.details) for e in store.audit_entries()]
    )
    # Subject and record ids of the store never reach the register or its audit entries.
    for person in ("s1", "s2", "s5", "s6", "r1", "r7", "crm:r7"):
        assert f'"{person}"' not in stored
    assert "support@allmannavillkor.se" not in json.dumps(store.get_breach("2026-001").details)


def test_the_register_round_trips_through_the_store(setup, store):
    register, clock, _ = setup
    closed = _whole_life(register, clock)
    assert register.get("2026-001") == closed
    assert register.breaches() == [closed]
    assert store.get_breach("2026-001").state == "closed"
    assert closed.state is BreachState.CLOSED
    assert closed.next_steps() == ()
    assert register.report() == []


def test_a_closed_breach_can_no_longer_change(setup, store):
    register, clock, _ = setup
    _whole_life(register, clock)
    before = snapshot(store)
    for step in (
        lambda: register.assess(
            "2026-001", risk="none", consequences="x", reasoning="x", actor="a"
        ),
        lambda: register.record_measures("2026-001", measures="x", actor="a"),
        lambda: register.scope("2026-001", systems=["website"], actor="a"),
        lambda: register.notify_authority("2026-001", actor="a"),
        lambda: register.communicate("2026-001", actor="a"),
        lambda: register.close("2026-001", actor="a"),
    ):
        with pytest.raises(ConflictError, match="'2026-001' is closed"):
            step()
    assert snapshot(store) == before


def test_a_breach_that_need_not_be_notified_is_registered_too(setup):
    register, _, _ = setup
    register_breach(register, types=["availability"], measures="Restored from backup in an hour.")
    register.assess(
        "2026-001",
        risk=RiskLevel.NONE,
        consequences="None: the data was restored unchanged within the hour.",
        reasoning="short outage, no disclosure",
        actor="dpo",
    )
    breach = register.decide(
        "2026-001", notify=False, reasoning="unlikely to result in a risk", actor="dpo"
    )
    assert breach.state is BreachState.NOT_NOTIFIED
    assert breach.next_steps() == (Step.CLOSE,)
    closed = register.close("2026-001", actor="dpo")
    assert closed.decision.reasoning == "unlikely to result in a risk"
    assert closed.types == (BreachType.AVAILABILITY,)


def test_closing_lists_everything_that_is_missing(setup):
    register, _, _ = setup
    register_breach(register)
    with pytest.raises(ConflictError) as caught:
        register.close("2026-001", actor="dpo")
    assert "no notification decision is recorded" in str(caught.value)
    assert "no remedial action is recorded" in str(caught.value)


def test_a_processors_breach_records_when_the_processor_told_us(setup):
    register, _, _ = setup
    told = sthlm("2026-03-02 09:00")
    breach = register_breach(
        register, aware="2026-03-02 09:00", processor="hosting_provider", processor_notified_at=told
    )
    assert breach.processor.recipient_id == "hosting_provider"
    assert breach.processor.notified_at == told
    assert register.get("2026-001").processor == breach.processor
    # The processor's notice is the latest moment the organisation became aware.
    with pytest.raises(DeadlineError, match=r"Art\. 33\(1\), 33\(2\)"):
        register_breach(
            register,
            "2026-002",
            aware="2026-03-02 10:00",
            processor="hosting_provider",
            processor_notified_at=told,
        )


@pytest.mark.parametrize(
    ("extra", "error", "match"),
    [
        ({"aware_at": dt.datetime(2026, 3, 2, 10)}, NaiveDatetimeError, r"Breach\.aware_at"),  # noqa: DTZ001
        ({"detected_at": dt.datetime(2026, 3, 2, 10)}, NaiveDatetimeError, r"Breach\.detected_at"),  # noqa: DTZ001
        (
            {"detected_at": sthlm("2026-03-02 10:01")},
            DeadlineError,
            "detected_at is after aware_at",
        ),
        ({"occurred_at": sthlm("2026-03-02 11:00")}, DeadlineError, "occurred_at is after"),
        ({"aware_at": sthlm("2026-03-02 12:01")}, DeadlineError, "aware_at is in the future"),
        ({"types": []}, InvalidInputError, "at least one kind of breach"),
        ({"types": ["leak"]}, PolicyError, "expected one of: confidentiality"),
        ({"facts": "  "}, InvalidInputError, r"Breach\.facts"),
        ({"processor": "hosting_provider"}, InvalidInputError, "give both the processor"),
        (
            {"processor": "payment_provider", "processor_notified_at": sthlm("2026-03-02 10:00")},
            NotDeclaredError,
            "not a processor",
        ),
        (
            {"processor": "nobody", "processor_notified_at": sthlm("2026-03-02 10:00")},
            NotFoundError,
            "no recipient with id 'nobody'",
        ),
        (
            {"processor": "hosting_provider", "processor_notified_at": sthlm("2026-03-02 13:00")},
            DeadlineError,
            "in the future",
        ),
    ],
)
def test_bad_registrations_are_refused(setup, store, extra, error, match):
    register, _, _ = setup
    before = snapshot(store)
    with pytest.raises(error, match=match) as caught:
        register_breach(register, **extra)
    assert isinstance(caught.value, GdprKitError)
    assert snapshot(store) == before


def test_duplicate_and_unknown_ids(setup, store):
    register, _, _ = setup
    register_breach(register)
    before = snapshot(store)
    with pytest.raises(ConflictError):
        register_breach(register)
    with pytest.raises(NotFoundError, match="no breach with id 'x'"):
        register.get("x")
    with pytest.raises(NotFoundError):
        register.assess("x", risk="risk", consequences="c", reasoning="r", actor="a")
    with pytest.raises(PolicyError, match="expected one of: none, risk, high_risk"):
        register.assess("2026-001", risk="medium", consequences="c", reasoning="r", actor="a")
    with pytest.raises(InvalidInputError, match=r"NotificationDecision\.reasoning"):
        register.decide("2026-001", notify=True, reasoning=" ", actor="a")
    assert snapshot(store) == before


def test_instants_of_later_steps_are_checked(setup):
    register, clock, _ = setup
    register_breach(register)
    register.assess("2026-001", risk="risk", consequences=CONSEQUENCES, reasoning="r", actor="dpo")
    register.decide("2026-001", notify=True, reasoning="r", actor="dpo")
    with pytest.raises(NaiveDatetimeError):
        register.notify_authority("2026-001", actor="dpo", at=dt.datetime(2026, 3, 2, 11))  # noqa: DTZ001
    with pytest.raises(DeadlineError, match="in the future"):
        register.notify_authority("2026-001", actor="dpo", at=clock.now() + dt.timedelta(minutes=1))
    with pytest.raises(DeadlineError, match="before aware_at"):
        register.notify_authority("2026-001", actor="dpo", at=sthlm("2026-03-02 09:00"))
    register.notify_authority("2026-001", actor="dpo", at=sthlm("2026-03-02 11:30"))
    with pytest.raises(DeadlineError, match="before the previous phase"):
        register.notify_authority("2026-001", actor="dpo", at=sthlm("2026-03-02 11:00"))


def test_the_stored_state_is_the_derived_state(setup, store):
    register, clock, _ = setup
    _whole_life(register, clock)
    record = store.get_breach("2026-001")
    rebuilt = Breach.from_details(
        breach_id=record.id,
        aware_at=record.aware_at,
        created_at=record.created_at,
        details=record.details,
    )
    assert rebuilt.state.value == record.state


def test_a_register_on_another_store_instance_reads_the_same(tmp_path):
    path = tmp_path / "shared.db"
    first = SQLiteStore(path)
    try:
        register, _, _ = make_register(first, at=sthlm("2026-03-02 12:00"))
        register_breach(register)
    finally:
        first.close()
    second = SQLiteStore(path)
    try:
        register, _, audit = make_register(second, at=sthlm("2026-03-02 12:00"))
        assert register.get("2026-001").facts.sv.startswith("En bärbar dator")
        audit.verify()
    finally:
        second.close()
