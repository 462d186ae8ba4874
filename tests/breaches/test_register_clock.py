"""BR-02 through the register: the worked 72-hour examples of LEGAL.md §8, DST changes included."""

import datetime as dt

import pytest
from breach_helpers import CONSEQUENCES, make_register, register_breach, snapshot, sthlm

from gdprkit.errors import DeadlineError

# aware_at (Stockholm), strict notify_by, naive aware_local + timedelta(hours=72), real hours
BR_02 = [
    ("2026-03-27 14:35", "2026-03-30 15:35", "2026-03-30 14:35", 71),
    ("2026-10-23 09:10", "2026-10-26 08:10", "2026-10-26 09:10", 73),
    ("2026-06-05 16:00", "2026-06-08 16:00", "2026-06-08 16:00", 72),
]


def _notifiable(register, breach_id):
    register.assess(
        breach_id, risk="risk", consequences=CONSEQUENCES, reasoning="contact data", actor="dpo"
    )
    register.decide(breach_id, notify=True, reasoning="likely risk", actor="dpo")


@pytest.mark.parametrize(("aware", "strict", "naive", "naive_hours"), BR_02)
def test_worked_examples_through_the_register(store, aware, strict, naive, naive_hours):
    register, clock, _ = make_register(store, at=sthlm(aware))
    breach = register_breach(register, aware=aware)
    assert breach.notify_by == sthlm(strict)
    assert breach.notify_by - breach.aware_at == dt.timedelta(hours=72)
    deadline = register.breach_clock(breach.id)
    assert deadline.notify_by == sthlm(strict)
    assert deadline.time_zone == "Europe/Stockholm"
    [line] = register.report()
    assert line.hours_remaining == 72.0
    assert not line.overdue

    clock.advance(dt.timedelta(hours=24))
    assert register.report()[0].hours_remaining == 48.0

    # Notifying at the wall-clock answer is in time only if it really is 72 hours or less.
    _notifiable(register, breach.id)
    clock.set(sthlm(naive))
    [line] = register.report()
    assert line.hours_remaining == 72 - naive_hours
    assert line.overdue is (naive_hours > 72)
    if naive_hours > 72:
        before = snapshot(store)
        with pytest.raises(DeadlineError, match=r"reasons for the delay \(Art\. 33\(1\)\)"):
            register.notify_authority(breach.id, actor="dpo")
        assert snapshot(store) == before
        sent = register.notify_authority(
            breach.id, actor="dpo", delay_reason="The weekend on-call rota failed.", language="en"
        )
        assert sent.phase.late
        assert sent.phase.delay_reason == "The weekend on-call rota failed."
        assert "## Reasons for the delay" in sent.text
        assert "The weekend on-call rota failed." in sent.text
    else:
        sent = register.notify_authority(breach.id, actor="dpo", language="en")
        assert not sent.phase.late
        assert "Reasons for the delay" not in sent.text
    assert not register.report()[0].overdue


def test_october_row_in_the_notification_text(store):
    register, _, _ = make_register(store, at=sthlm("2026-10-23 10:00"))
    breach = register_breach(register, aware="2026-10-23 09:10")
    _notifiable(register, breach.id)
    sv = register.notify_authority(breach.id, actor="dpo", language="sv").text
    assert "De 72 timmarna löper ut: 26 oktober 2026 kl. 08.10 (Europe/Stockholm)" in sv


def test_exactly_at_the_deadline_is_in_time_one_second_later_is_late(store):
    aware = "2026-10-23 09:10"
    register, clock, _ = make_register(store, at=sthlm(aware))
    for breach_id in ("on-time", "late"):
        register_breach(register, breach_id, aware=aware)
        _notifiable(register, breach_id)
    clock.set(sthlm("2026-10-26 08:10"))
    assert not register.notify_authority("on-time", actor="dpo").phase.late
    clock.advance(dt.timedelta(seconds=1))
    with pytest.raises(DeadlineError):
        register.notify_authority("late", actor="dpo")
    # Backdating the submission to the deadline is accepted as a fact, and is in time.
    sent = register.notify_authority("late", actor="dpo", at=sthlm("2026-10-26 08:10"))
    assert not sent.phase.late


def test_supplements_after_the_72_hours_need_no_delay_reason(store):
    register, clock, _ = make_register(store, at=sthlm("2026-06-05 16:00"))
    breach = register_breach(register, aware="2026-06-05 16:00")
    _notifiable(register, breach.id)
    first = register.notify_authority(breach.id, actor="dpo")
    assert not first.complete
    clock.advance(dt.timedelta(days=5))
    second = register.notify_authority(breach.id, actor="dpo")
    assert second.phase.number == 2
    assert not second.phase.late


def test_report_is_ordered_by_deadline_and_shows_overdue(store):
    register, clock, _ = make_register(store, at=sthlm("2026-03-10 12:00"))
    register_breach(register, "later", aware="2026-03-10 11:00")
    register_breach(register, "earlier", aware="2026-03-07 11:00")
    report = register.report()
    assert [line.id for line in report] == ["earlier", "later"]
    assert report[0].overdue
    assert report[0].hours_remaining == -1.0
    assert not report[1].overdue
    assert report[1].hours_remaining == 71.0
    # A decision not to notify (risk none) stops the alarm, the hours still show.
    register.assess(
        "earlier", risk="none", consequences="None likely.", reasoning="encrypted", actor="dpo"
    )
    register.decide("earlier", notify=False, reasoning="unlikely to result in a risk", actor="dpo")
    assert not register.report(now=clock.now())[0].overdue
