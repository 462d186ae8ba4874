"""answer_access reads the request it receives as a case without storing and parsing it back.

``_Intake.case`` must equal what :meth:`RequestCase.of` reads from the stored request,
field for field (deadline, history, details), for every way a request can arrive.
"""

from __future__ import annotations

import datetime as dt

import pytest

from gdprkit.legaltime.calendars import SwedishCalendar
from gdprkit.requests.desk import _Intake
from gdprkit.requests.lifecycle import RequestCase
from gdprkit.requests.vocab import RequestKind, RequestState

NOW = dt.datetime(2026, 1, 31, 22, 59, 59, 999_999, tzinfo=dt.UTC)


@pytest.mark.parametrize("kind", list(RequestKind))
@pytest.mark.parametrize("pause", [False, True])
@pytest.mark.parametrize(
    "received_at",
    [
        NOW,
        NOW - dt.timedelta(days=3, microseconds=7),
        dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC),
    ],
)
@pytest.mark.parametrize("time_zone", ["Europe/Stockholm", "UTC", "America/New_York"])
def test_the_case_of_a_received_request_is_what_reading_it_back_gives(
    kind: RequestKind,
    pause: bool,
    received_at: dt.datetime,
    time_zone: str,
) -> None:
    intake = _Intake(
        id="req-1",
        kind=kind,
        now=NOW,
        received_at=received_at,
        channel="post",
        reply_channel="electronic",
        pause=pause,
    )
    calendar = SwedishCalendar()
    fast = intake.case("subj-1", time_zone=time_zone, calendar=calendar)
    read = RequestCase.of(intake.request("subj-1"), time_zone=time_zone, calendar=calendar)
    assert fast == read
    assert fast.deadline.due == read.deadline.due
    assert fast.deadline.due_rolled == read.deadline.due_rolled
    assert fast.state is RequestState.RECEIVED
    assert dict(fast.details) == dict(read.details)
    # With the default calendar too.
    assert intake.case("subj-1", time_zone=time_zone, calendar=None) == RequestCase.of(
        intake.request("subj-1"), time_zone=time_zone
    )
