"""Art. 12(3) one month and its extension: every row and column of LEGAL.md §4.3, DSR-01 to DSR-03."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta

from gdprkit.errors import DeadlineError, NaiveDatetimeError
from gdprkit.legaltime import SwedishCalendar, next_working_day, request_deadline

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def d(text):
    weekday, iso = text.split()
    day = dt.date.fromisoformat(iso)
    assert DAYS[day.weekday()] == weekday, f"table weekday {text}"
    return day


# Received (Stockholm), due_strict, due_rolled, with aftnar, ext. anchor (+3 m),
# ext. anchor rolled (same as anchor where the table shows no roll), ext. chained, conservative.
TABLE = [
    ("2026-01-15 12:00", "Sun 2026-02-15", "Mon 2026-02-16", "Mon 2026-02-16",
     "Wed 2026-04-15", "Wed 2026-04-15", "Wed 2026-04-15", "2026-04-15"),
    ("2026-01-31 12:00", "Sat 2026-02-28", "Mon 2026-03-02", "Mon 2026-03-02",
     "Thu 2026-04-30", "Thu 2026-04-30", "Tue 2026-04-28", "2026-04-28"),
    ("2028-01-31 12:00", "Tue 2028-02-29", "Tue 2028-02-29", "Tue 2028-02-29",
     "Sun 2028-04-30", "Tue 2028-05-02", "Sat 2028-04-29", "2028-04-29"),
    ("2026-03-31 12:00", "Thu 2026-04-30", "Thu 2026-04-30", "Thu 2026-04-30",
     "Tue 2026-06-30", "Tue 2026-06-30", "Tue 2026-06-30", "2026-06-30"),
    ("2026-05-06 12:00", "Sat 2026-06-06", "Mon 2026-06-08", "Mon 2026-06-08",
     "Thu 2026-08-06", "Thu 2026-08-06", "Thu 2026-08-06", "2026-08-06"),
    ("2026-11-24 12:00", "Thu 2026-12-24", "Thu 2026-12-24", "Mon 2026-12-28",
     "Wed 2027-02-24", "Wed 2027-02-24", "Wed 2027-02-24", "2027-02-24"),
    ("2026-11-30 12:00", "Wed 2026-12-30", "Wed 2026-12-30", "Wed 2026-12-30",
     "Sun 2027-02-28", "Mon 2027-03-01", "Sun 2027-02-28", "2027-02-28"),
    ("2026-12-31 12:00", "Sun 2027-01-31", "Mon 2027-02-01", "Mon 2027-02-01",
     "Wed 2027-03-31", "Wed 2027-03-31", "Wed 2027-03-31", "2027-03-31"),
    ("2026-02-01 00:30", "Sun 2026-03-01", "Mon 2026-03-02", "Mon 2026-03-02",
     "Fri 2026-05-01", "Mon 2026-05-04", "Fri 2026-05-01", "2026-05-01"),
]  # fmt: skip


@pytest.mark.parametrize("row", TABLE, ids=[row[0] for row in TABLE])
def test_section_4_3(row):
    received, strict, rolled, aftnar, anchor, anchor_rolled, chained, conservative = row
    received_at = dt.datetime.fromisoformat(received).replace(tzinfo=STOCKHOLM)
    deadline = request_deadline(received_at, time_zone="Europe/Stockholm")
    with_aftnar = request_deadline(
        received_at,
        time_zone="Europe/Stockholm",
        calendar=SwedishCalendar(include_aftnar=True),
    )
    assert deadline.receipt_day == received_at.date()
    assert deadline.due_strict == d(strict)
    assert deadline.due_rolled == d(rolled)
    assert with_aftnar.due_strict == d(strict)
    assert with_aftnar.due_rolled == d(aftnar)
    assert deadline.extension_by_receipt == d(anchor)
    assert next_working_day(deadline.extension_by_receipt, SwedishCalendar()) == d(anchor_rolled)
    assert deadline.extension_by_first_due == d(chained)
    assert deadline.due_extended_strict == dt.date.fromisoformat(conservative)
    # The period ends at the end of due_strict: the bound is 00:00 Stockholm the next day.
    assert deadline.due_strict_end == dt.datetime.combine(
        d(strict) + dt.timedelta(days=1), dt.time(0), STOCKHOLM
    )


def test_receipt_day_in_utc_would_give_another_deadline():
    # Last row of §4.3: 2026-02-01 00:30 Stockholm is 2026-01-31 23:30Z.
    received = dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC)
    assert request_deadline(received, time_zone="Europe/Stockholm").due_strict == dt.date(
        2026, 3, 1
    )
    assert request_deadline(received, time_zone="UTC").due_strict == dt.date(2026, 2, 28)


def test_chained_extension_is_not_the_anchor_extension():
    # §9: 2026-01-31 + 1 m + 2 m = 2026-04-28, + 3 m = 2026-04-30.
    start = dt.date(2026, 1, 31)
    assert start + relativedelta(months=1) + relativedelta(months=2) == dt.date(2026, 4, 28)
    assert start + relativedelta(months=3) == dt.date(2026, 4, 30)


RECEIVED = dt.datetime(2026, 1, 31, 12, 0, tzinfo=STOCKHOLM)  # due_strict Sat 2026-02-28


def _deadline():
    return request_deadline(RECEIVED, time_zone="Europe/Stockholm")


def test_extension_returns_a_new_value():
    deadline = _deadline()
    extended = deadline.extend(
        "Many requests at once",
        at=dt.datetime(2026, 2, 20, 10, 0, tzinfo=STOCKHOLM),
        notified_at=dt.datetime(2026, 2, 28, 23, 59, tzinfo=STOCKHOLM),
    )
    assert not deadline.extended
    assert deadline.due == dt.date(2026, 2, 28)
    assert extended.extended
    assert extended.due == dt.date(2026, 4, 28)
    assert extended.due_rolled_in_force == dt.date(2026, 4, 28)
    assert extended.due_end == dt.datetime(2026, 4, 29, tzinfo=STOCKHOLM)
    assert extended.extension is not None
    assert extended.extension.reason == "Many requests at once"


def test_second_extension_raises():
    extended = _deadline().extend(
        "Complex", at=RECEIVED, notified_at=RECEIVED + dt.timedelta(days=1)
    )
    with pytest.raises(DeadlineError, match="already extended"):
        extended.extend("Again", at=RECEIVED, notified_at=RECEIVED)


@pytest.mark.parametrize("reason", ["", "   "])
def test_extension_needs_a_reason(reason):
    with pytest.raises(DeadlineError, match="reason"):
        _deadline().extend(reason, at=RECEIVED, notified_at=RECEIVED)


def test_extension_after_due_strict_is_refused():
    late = dt.datetime(2026, 3, 1, 0, 0, tzinfo=STOCKHOLM)
    with pytest.raises(DeadlineError, match="at"):
        _deadline().extend("Complex", at=late, notified_at=RECEIVED)


def test_notice_after_due_strict_is_refused_even_if_the_rolled_day_is_later():
    # due_rolled is Mon 2026-03-02, but the notice must be by due_strict (Sat 2026-02-28).
    notice = dt.datetime(2026, 3, 2, 9, 0, tzinfo=STOCKHOLM)
    with pytest.raises(DeadlineError, match="notified_at"):
        _deadline().extend("Complex", at=RECEIVED, notified_at=notice)


def test_extension_before_receipt_is_refused():
    with pytest.raises(DeadlineError):
        _deadline().extend("Complex", at=RECEIVED - dt.timedelta(days=1), notified_at=RECEIVED)


def test_naive_instants_are_rejected():
    with pytest.raises(NaiveDatetimeError):
        request_deadline(dt.datetime(2026, 1, 15, 12, 0), time_zone="Europe/Stockholm")  # noqa: DTZ001
    with pytest.raises(NaiveDatetimeError):
        _deadline().extend(
            "Complex",
            at=dt.datetime(2026, 2, 1),  # noqa: DTZ001
            notified_at=RECEIVED,
        )


def test_overdue_only_after_the_end_of_the_last_day():
    deadline = _deadline()
    assert not deadline.is_overdue(dt.datetime(2026, 2, 28, 23, 59, tzinfo=STOCKHOLM))
    assert deadline.is_overdue(dt.datetime(2026, 3, 1, 0, 0, tzinfo=STOCKHOLM))
