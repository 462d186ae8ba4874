"""Art. 12: received, identity, in progress, completed or refused; one extension; deadlines."""

from __future__ import annotations

import datetime as dt

import pytest
from rights_helpers import provider, tfp_customer

from gdprkit.clock import SystemClock
from gdprkit.errors import (
    ConflictError,
    DeadlineError,
    InvalidInputError,
    NotDeclaredError,
    NotFoundError,
)
from gdprkit.requests import (
    DueStatus,
    ExtensionReason,
    RefusalGround,
    RequestState,
    RequestStateError,
    RightsDesk,
    Step,
    next_state,
)
from gdprkit.service import PrivacyService

GOOD_FRIDAY_EVE = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)


def _desk(service: PrivacyService, **options) -> RightsDesk:
    return RightsDesk(service, provider(), **options)


def test_strict_and_rolled_deadlines(tfp: PrivacyService, clock) -> None:
    subject, _, _ = tfp_customer(tfp)
    clock.set(GOOD_FRIDAY_EVE)
    request = _desk(tfp).receive(subject, "access")
    # One month after 3 March 2026 is Good Friday; rolled past Easter to Tuesday 7 April.
    assert request.deadline.due_strict == dt.date(2026, 4, 3)
    assert request.deadline.due_rolled == dt.date(2026, 4, 7)
    assert request.deadline.due == dt.date(2026, 4, 3)
    assert request.state is RequestState.RECEIVED
    assert request.details["reply_channel"] == "electronic"
    assert request.details["fee"] == 0


def test_the_receipt_day_is_the_local_day(tfp: PrivacyService, clock) -> None:
    subject, _, _ = tfp_customer(tfp)
    clock.set(dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC))  # 1 April 01:30 in Stockholm
    request = _desk(tfp).receive(subject, "access")
    assert request.deadline.receipt_day == dt.date(2026, 4, 1)
    assert request.deadline.due_strict == dt.date(2026, 5, 1)


def test_one_extension_with_reasons_a_second_is_refused(tfp: PrivacyService, clock) -> None:
    subject, _, _ = tfp_customer(tfp)
    clock.set(GOOD_FRIDAY_EVE)
    desk = _desk(tfp)
    request = desk.receive(subject, "erasure")
    clock.advance(dt.timedelta(days=20))
    extension = desk.extend(
        request.id,
        reason=ExtensionReason.COMPLEXITY,
        explanation="Your data is held in four systems that we must search.",
    )
    assert extension.deadline.due == dt.date(2026, 6, 3)
    assert desk.get(request.id).deadline.due == dt.date(2026, 6, 3)
    assert desk.get(request.id).extended
    assert "We will answer by 3 June 2026 at the latest (Art. 12(3))" in extension.text.en
    assert "four systems" in extension.text.en
    assert "Vi svarar senast den 3 juni 2026 (artikel 12.3)" in extension.text.sv
    stored = tfp.store.get_request(request.id).details["extension"]
    assert stored["reason"] == "complexity"
    assert "four systems" not in repr(stored)
    before = tfp.audit.head()
    with pytest.raises(DeadlineError, match="one extension"):
        desk.extend(request.id, reason="number_of_requests", explanation="Still more to do.")
    assert tfp.audit.head() == before
    assert desk.get(request.id).deadline.due == dt.date(2026, 6, 3)


def test_an_extension_after_the_first_month_is_refused(tfp: PrivacyService, clock) -> None:
    subject, _, _ = tfp_customer(tfp)
    clock.set(GOOD_FRIDAY_EVE)
    desk = _desk(tfp)
    request = desk.receive(subject, "access")
    clock.set(dt.datetime(2026, 4, 3, 22, 0, tzinfo=dt.UTC))  # 4 April 00:00 in Stockholm
    with pytest.raises(DeadlineError, match="after the first period"):
        desk.extend(request.id, reason="complexity", explanation="Too late to say so.")
    assert not desk.get(request.id).extended


def test_the_notice_of_an_extension_must_have_been_given_in_time(tfp: PrivacyService, clock):
    subject, _, _ = tfp_customer(tfp)
    clock.set(GOOD_FRIDAY_EVE)
    desk = _desk(tfp)
    request = desk.receive(subject, "access")
    clock.advance(dt.timedelta(days=2))
    with pytest.raises(InvalidInputError, match="future"):
        desk.extend(
            request.id,
            reason="complexity",
            explanation="Soon.",
            notified_at=clock.now() + dt.timedelta(hours=1),
        )


def test_identity_is_asked_for_and_the_clock_does_not_pause(tfp: PrivacyService, clock) -> None:
    subject, _, _ = tfp_customer(tfp)
    desk = _desk(tfp)
    request = desk.receive(subject, "access")
    waiting = desk.ask_identity(request.id, asked=["order_number", "invoice_date"])
    assert waiting.state is RequestState.AWAITING_IDENTITY
    assert waiting.identity_asked == ("invoice_date", "order_number")
    with pytest.raises(RequestStateError, match="awaits identity"):
        desk.access(request.id)
    clock.advance(dt.timedelta(days=10))
    confirmed = desk.confirm_identity(request.id)
    assert confirmed.state is RequestState.IN_PROGRESS
    assert confirmed.deadline.due_strict == request.deadline.due_strict
    assert confirmed.paused == dt.timedelta(0)
    desk.access(request.id)
    assert desk.get(request.id).state is RequestState.COMPLETED


def test_with_pause_for_identity_the_wait_is_added(tfp: PrivacyService, clock) -> None:
    subject, _, _ = tfp_customer(tfp)
    desk = _desk(tfp, pause_for_identity=True)
    request = desk.receive(subject, "access")
    clock.advance(dt.timedelta(days=1))
    desk.ask_identity(request.id, asked=["order_number"])
    clock.advance(dt.timedelta(days=10))
    confirmed = desk.confirm_identity(request.id)
    assert confirmed.paused == dt.timedelta(days=10)
    assert confirmed.deadline.due_strict == request.deadline.due_strict + dt.timedelta(days=10)


def test_a_refusal_gives_reasons_and_the_right_to_complain(tfp: PrivacyService) -> None:
    subject, _, _ = tfp_customer(tfp)
    desk = _desk(tfp)
    request = desk.receive(subject, "access")
    refusal = desk.refuse(
        request.id,
        ground=RefusalGround.EXCESSIVE,
        explanation="This is the ninth identical request this month.",
    )
    assert not refusal.late
    assert "Integritetsskyddsmyndigheten (IMY)" in refusal.text.en
    assert "(Art. 77)" in refusal.text.en
    assert "judicial remedy in court (Art. 79)" in refusal.text.en
    assert "ninth identical request" in refusal.text.en
    assert "tillsynsmyndigheten" in refusal.text.sv
    assert "(artikel 79)" in refusal.text.sv
    assert desk.get(request.id).state is RequestState.REFUSED
    assert "ninth" not in repr(tfp.store.get_request(request.id).details)
    with pytest.raises(RequestStateError, match="refused"):
        desk.access(request.id)
    with pytest.raises(RequestStateError):
        desk.extend(request.id, reason="complexity", explanation="Too late.")


def test_a_late_refusal_is_flagged(tfp: PrivacyService, clock) -> None:
    subject, _, _ = tfp_customer(tfp)
    desk = _desk(tfp)
    request = desk.receive(subject, "access")
    clock.advance(dt.timedelta(days=40))
    assert desk.refuse(request.id, ground="manifestly_unfounded", explanation="No.").late


def test_an_answer_must_match_the_right_asked_for(tfp: PrivacyService) -> None:
    subject, _, _ = tfp_customer(tfp)
    desk = _desk(tfp)
    request = desk.receive(subject, "erasure")
    with pytest.raises(InvalidInputError, match="erasure right, not access"):
        desk.access(request.id)
    assert desk.get(request.id).state is RequestState.RECEIVED


def test_input_is_checked_without_echoing_it(tfp: PrivacyService) -> None:
    subject, _, _ = tfp_customer(tfp)
    desk = _desk(tfp)
    with pytest.raises(InvalidInputError, match="kind must be one of"):
        desk.receive(subject, "forget-me")
    with pytest.raises(NotFoundError, match="no such subject"):
        desk.receive("nobody", "access")
    with pytest.raises(InvalidInputError, match="channel"):
        desk.receive(subject, "access", channel="pigeon")
    with pytest.raises(NotFoundError, match="no such request"):
        desk.get("missing")
    with pytest.raises(InvalidInputError) as info:
        desk.receive("ada@example.org" * 20, "access")
    assert "ada@" not in str(info.value)
    request = desk.receive(subject, "access", request_id="req-1")
    with pytest.raises(ConflictError):
        desk.receive(subject, "access", request_id="req-1")
    with pytest.raises(InvalidInputError, match="asked"):
        desk.ask_identity(request.id, asked=[])
    with pytest.raises(InvalidInputError, match="future"):
        desk.receive(subject, "access", received_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC))


def test_the_due_report_keys_on_the_strict_date(tfp: PrivacyService, clock) -> None:
    subject, _, _ = tfp_customer(tfp)
    clock.set(GOOD_FRIDAY_EVE)
    desk = _desk(tfp)
    desk.receive(subject, "access", request_id="soon")
    clock.advance(dt.timedelta(days=20))
    later = desk.receive(subject, "access", request_id="later")
    done = desk.receive(subject, "access", request_id="done")
    desk.access(done.id)
    clock.set(dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC))
    report = desk.due_report(within=dt.timedelta(days=7))
    assert [(i.request_id, i.status) for i in report] == [("soon", DueStatus.DUE_SOON)]
    assert report[0].due == dt.date(2026, 4, 3)
    assert report[0].due_rolled == dt.date(2026, 4, 7)
    clock.set(dt.datetime(2026, 4, 5, 9, 0, tzinfo=dt.UTC))  # strict date passed, rolled not
    report = desk.due_report(within=dt.timedelta(days=30))
    assert [(i.request_id, i.status) for i in report] == [
        ("soon", DueStatus.OVERDUE),
        ("later", DueStatus.DUE_SOON),
    ]
    assert report[0].left < dt.timedelta(0)
    assert later.deadline.due_strict == dt.date(2026, 4, 23)


def test_a_failed_answer_leaves_the_store_as_it_was(tfp: PrivacyService) -> None:
    subject, customer, marketing = tfp_customer(tfp)
    desk = _desk(tfp)
    request = desk.receive(subject, "rectification")
    before = (tfp.audit.head(), tfp.store.get_record(customer), tfp.store.get_record(marketing))
    with pytest.raises(NotDeclaredError, match="no live purpose"):
        desk.rectify(
            request.id,
            {customer: {"name": "Ada King"}, marketing: {"invoice_records": "INV-9"}},
        )
    after = (tfp.audit.head(), tfp.store.get_record(customer), tfp.store.get_record(marketing))
    assert after == before
    assert desk.get(request.id).state is RequestState.RECEIVED


def test_the_pure_state_machine() -> None:
    assert next_state("received", Step.START) is RequestState.IN_PROGRESS
    assert next_state("received", "complete") is RequestState.COMPLETED
    assert next_state("awaiting_identity", "ask_identity") is RequestState.AWAITING_IDENTITY
    assert next_state("in_progress", "extend") is RequestState.IN_PROGRESS
    with pytest.raises(RequestStateError, match="completed"):
        next_state("completed", "refuse")
    with pytest.raises(RequestStateError, match="in_progress request cannot start"):
        next_state("in_progress", "start")
    with pytest.raises(InvalidInputError, match="step must be one of"):
        next_state("received", "fly")


def test_the_desk_runs_on_a_real_clock(tfp_policy, store) -> None:
    service = PrivacyService(tfp_policy, store, provider(), clock=SystemClock())
    subject = service.register_subject()
    desk = _desk(service)
    request = desk.receive(subject, "access")
    desk.extend(request.id, reason="complexity", explanation="Many systems.")
    desk.access(request.id)
    assert desk.get(request.id).state is RequestState.COMPLETED
