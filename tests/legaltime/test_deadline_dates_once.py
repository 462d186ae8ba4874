"""A request deadline computes its dates once, and a changed deadline never shows old ones.

Its calendar months are added as ``relativedelta(months=n)`` adds them, without its cost.
"""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from gdprkit.legaltime import request_deadline
from gdprkit.legaltime.deadlines import _plus_months

TZ = "Europe/Stockholm"
RECEIVED = dt.datetime(2026, 1, 30, 23, 30, tzinfo=dt.UTC)  # 31 January in Stockholm


def test_the_dates_are_those_of_the_rule_and_stay_so() -> None:
    deadline = request_deadline(RECEIVED, time_zone=TZ)
    for _ in range(2):  # the second reading is the cached value
        assert deadline.receipt_day == dt.date(2026, 1, 31)
        assert deadline.due_strict == dt.date(2026, 2, 28)
        assert deadline.due == dt.date(2026, 2, 28)
        assert deadline.due_end == dt.datetime(2026, 2, 28, 23, 0, tzinfo=dt.UTC)
    assert deadline.is_overdue(dt.datetime(2026, 2, 28, 22, 59, tzinfo=dt.UTC)) is False
    assert deadline.is_overdue(dt.datetime(2026, 2, 28, 23, 0, tzinfo=dt.UTC)) is True


def test_an_extended_deadline_has_its_own_dates() -> None:
    deadline = request_deadline(RECEIVED, time_zone=TZ)
    assert deadline.due == dt.date(2026, 2, 28)  # read (and kept) before extending
    extended = deadline.extend("complex", at=RECEIVED, notified_at=RECEIVED)
    assert extended.due == dt.date(2026, 4, 28)  # min(31 Jan + 3 months, 28 Feb + 2 months)
    assert extended.due_end == dt.datetime(2026, 4, 28, 22, 0, tzinfo=dt.UTC)
    assert deadline.due == dt.date(2026, 2, 28)
    assert extended.due_strict == deadline.due_strict


def test_an_evolved_deadline_has_its_own_dates_and_equality_ignores_the_cache() -> None:
    deadline = request_deadline(RECEIVED, time_zone=TZ)
    fresh = request_deadline(RECEIVED, time_zone=TZ)
    assert deadline.due_strict == dt.date(2026, 2, 28)
    assert deadline == fresh
    assert hash(deadline) == hash(fresh)
    later = attrs.evolve(deadline, received_at=RECEIVED + dt.timedelta(days=2))
    assert later.receipt_day == dt.date(2026, 2, 2)
    assert later.due_strict == dt.date(2026, 3, 2)
    assert later != deadline


@settings(max_examples=500)
@given(
    day=st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9997, 12, 31)),
    months=st.integers(min_value=0, max_value=24),
)
def test_months_are_added_as_relativedelta_adds_them(day: dt.date, months: int) -> None:
    want: dt.date = day + relativedelta(months=months)
    assert _plus_months(day, months) == want


@pytest.mark.parametrize(
    ("day", "months", "want"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
        (dt.date(2026, 3, 2), 0, dt.date(2026, 3, 2)),
    ],
)
def test_months_known_answers(day: dt.date, months: int, want: dt.date) -> None:
    assert _plus_months(day, months) == want
