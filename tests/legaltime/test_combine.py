"""Several rules on one item and legal holds: LEGAL.md RET-04 to RET-08."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from conftest import organisation

from gdprkit.errors import PolicyError
from gdprkit.legaltime import (
    HoldPeriod,
    RuleOutcome,
    combine_outcomes,
    disposal_allowed,
    effective_due,
    hold_active,
    retention_dates,
)
from gdprkit.policy.retention import BOKFORINGSLAGEN, Period, RetentionRule
from gdprkit.policy.vocab import Trigger

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(year, month, day, hour=0):
    return dt.datetime(year, month, day, hour, tzinfo=STOCKHOLM)


def keep(when, label="law"):
    return RuleOutcome(eligible_from=when, retains=True, label=label)


def limit(when, label="purpose"):
    return RuleOutcome(eligible_from=when, retains=False, label=label)


def test_longest_retaining_rule_wins():
    result = combine_outcomes([keep(at(2030, 1, 1), "a"), keep(at(2034, 1, 1), "b")])
    assert result.eligible_from == at(2034, 1, 1)
    assert result.deciding.label == "b"
    assert result.reason == "RET-04"
    assert result.restricted_from is None


def test_retention_beats_deletion_and_restricts_from_the_deletion_date():
    result = combine_outcomes([limit(at(2027, 6, 1)), keep(at(2034, 1, 1))])
    assert result.eligible_from == at(2034, 1, 1)
    assert result.restricted_from == at(2027, 6, 1)
    assert result.reason == "RET-05"


def test_shortest_deletion_rule_wins():
    result = combine_outcomes([limit(at(2028, 1, 1), "long"), limit(at(2027, 1, 1), "short")])
    assert result.eligible_from == at(2027, 1, 1)
    assert result.deciding.label == "short"
    assert result.reason == "RET-06"


def test_deletion_later_than_retention_is_not_shortened_by_it():
    result = combine_outcomes([keep(at(2030, 1, 1)), limit(at(2031, 1, 1))])
    assert result.eligible_from == at(2031, 1, 1)
    assert result.restricted_from is None


def test_awaited_deletion_rule_does_not_postpone_a_timed_one():
    result = combine_outcomes([limit(None, "open"), limit(at(2027, 1, 1), "closed")])
    assert result.eligible_from == at(2027, 1, 1)


def test_item_awaiting_a_retaining_trigger_stays():
    result = combine_outcomes([keep(None), limit(at(2027, 1, 1)), keep(at(2034, 1, 1))])
    assert result.eligible_from is None
    assert result.reason == "RET-08"


def test_item_whose_deletion_rules_all_await_their_trigger_stays():
    result = combine_outcomes([limit(None), keep(at(2034, 1, 1))])
    assert result.eligible_from is None
    assert result.reason == "RET-08"


def test_no_rule_is_a_policy_error():
    with pytest.raises(PolicyError):
        combine_outcomes([])


def test_outcome_of_a_rule_retains_when_it_has_a_law_reference():
    org = organisation()
    bfl = RuleOutcome.of(
        BOKFORINGSLAGEN, retention_dates(BOKFORINGSLAGEN, dt.date(2026, 1, 15), org)
    )
    support = RetentionRule(trigger=Trigger.CUSTOM, event="ticket_closed", period=Period(months=24))
    ticket = RuleOutcome.of(support, retention_dates(support, dt.date(2026, 2, 1), org))
    awaiting = RuleOutcome.of(support, None)
    assert bfl.retains
    assert not ticket.retains
    assert awaiting.eligible_from is None
    result = combine_outcomes([bfl, ticket])
    assert result.eligible_from == at(2034, 1, 1)
    assert result.restricted_from == at(2028, 2, 2)


def test_naive_outcome_date_is_rejected():
    with pytest.raises(ValueError, match="naive"):
        RuleOutcome(eligible_from=dt.datetime(2030, 1, 1), retains=True)  # noqa: DTZ001


# RET-07's test: expires 2034-01-01, hold 2033-06-01 to 2034-03-01.
EXPIRY = at(2034, 1, 1)
HOLD = HoldPeriod(start=at(2033, 6, 1), released_at=at(2034, 3, 1))


def sweep(now):
    return disposal_allowed(EXPIRY, now, holds_active_at_now=hold_active(HOLD, now))


@pytest.mark.parametrize(
    "now",
    [at(2033, 5, 31), at(2033, 6, 1), at(2033, 12, 31, 23), at(2034, 1, 1), at(2034, 2, 28, 23)],
)
def test_ret_07_never_deleted_before_the_hold_is_released(now):
    assert not sweep(now)


@pytest.mark.parametrize("now", [at(2034, 3, 1), at(2034, 3, 1, 1), at(2034, 6, 1)])
def test_ret_07_deleted_on_the_first_sweep_after_release(now):
    assert sweep(now)


def test_ret_07_hold_does_not_move_the_clock_and_release_makes_it_due_at_once():
    assert effective_due(EXPIRY, [HOLD]) == at(2034, 3, 1)
    assert at(2034, 1, 1) == EXPIRY
    assert effective_due(EXPIRY, []) == EXPIRY


def test_hold_released_before_expiry_has_no_effect():
    early = HoldPeriod(start=at(2030, 1, 1), released_at=at(2031, 1, 1))
    assert effective_due(EXPIRY, [early]) == EXPIRY
    assert sweep(at(2034, 1, 1)) is False  # the RET-07 hold still applies here
    assert disposal_allowed(
        EXPIRY, at(2034, 1, 1), holds_active_at_now=hold_active(early, at(2034, 1, 1))
    )


def test_open_hold_blocks_indefinitely():
    open_hold = HoldPeriod(start=at(2033, 1, 1))
    assert effective_due(EXPIRY, [open_hold]) is None
    assert hold_active(open_hold, at(2099, 1, 1))


def test_overlapping_holds_chain():
    first = HoldPeriod(start=at(2033, 1, 1), released_at=at(2034, 2, 1))
    second = HoldPeriod(start=at(2034, 1, 15), released_at=at(2034, 5, 1))
    assert effective_due(EXPIRY, [second, first]) == at(2034, 5, 1)


def test_awaiting_trigger_is_never_disposable():
    assert not disposal_allowed(None, at(2099, 1, 1))
    assert effective_due(None, []) is None


def test_hold_cannot_be_released_before_it_starts():
    with pytest.raises(PolicyError):
        HoldPeriod(start=at(2034, 1, 1), released_at=at(2033, 1, 1))
