"""Swedish allmänna helgdagar: LEGAL.md DATE-09 and DSR-02 (Lag 1989:253, Lag 1930:173 2 §)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdprkit.legaltime import HolidayCalendar, SwedishCalendar, WeekendCalendar, next_working_day

# DATE-09, exactly.
SWEDEN_2026 = [
    dt.date(2026, 1, 1),
    dt.date(2026, 1, 6),
    dt.date(2026, 4, 3),
    dt.date(2026, 4, 5),
    dt.date(2026, 4, 6),
    dt.date(2026, 5, 1),
    dt.date(2026, 5, 14),
    dt.date(2026, 5, 24),
    dt.date(2026, 6, 6),
    dt.date(2026, 6, 20),
    dt.date(2026, 10, 31),
    dt.date(2026, 12, 25),
    dt.date(2026, 12, 26),
]


def test_date_09_swedish_holidays_2026():
    assert list(SwedishCalendar().holidays(2026)) == SWEDEN_2026


def test_aftnar_are_added_on_request():
    with_aftnar = SwedishCalendar(include_aftnar=True).holidays(2026)
    assert set(with_aftnar) - set(SWEDEN_2026) == {
        dt.date(2026, 6, 19),
        dt.date(2026, 12, 24),
        dt.date(2026, 12, 31),
    }
    assert with_aftnar[dt.date(2026, 12, 24)] == "julafton"


@pytest.mark.parametrize("day", SWEDEN_2026)
def test_every_listed_holiday_is_not_a_working_day(day):
    assert SwedishCalendar().is_holiday(day)
    assert not SwedishCalendar().is_working_day(day)


def test_sundays_are_holidays_and_saturdays_are_not_working_days():
    calendar = SwedishCalendar()
    assert calendar.is_holiday(dt.date(2026, 2, 15))  # a Sunday
    assert not calendar.is_holiday(dt.date(2026, 2, 14))  # a Saturday
    assert not calendar.is_working_day(dt.date(2026, 2, 14))
    assert calendar.is_working_day(dt.date(2026, 2, 16))


def test_julafton_is_a_working_day_unless_aftnar_are_included():
    assert SwedishCalendar().is_working_day(dt.date(2026, 12, 24))
    assert not SwedishCalendar(include_aftnar=True).is_working_day(dt.date(2026, 12, 24))


def test_coinciding_holidays_keep_both_names():
    # Easter 2049 is 18 April, so pingstdagen falls on 6 June; in 2008 Ascension fell on 1 May.
    assert (
        SwedishCalendar().holidays(2049)[dt.date(2049, 6, 6)] == "pingstdagen, Sveriges nationaldag"
    )
    assert (
        SwedishCalendar().holidays(2008)[dt.date(2008, 5, 1)]
        == "första maj, Kristi himmelsfärdsdag"
    )


def test_both_calendars_implement_the_protocol():
    assert isinstance(SwedishCalendar(), HolidayCalendar)
    assert isinstance(WeekendCalendar(), HolidayCalendar)


def test_weekend_calendar_rolls_only_past_weekends():
    assert next_working_day(dt.date(2026, 6, 6), WeekendCalendar()) == dt.date(2026, 6, 8)
    assert next_working_day(dt.date(2026, 12, 25), WeekendCalendar()) == dt.date(2026, 12, 25)
    assert dict(WeekendCalendar().holidays(2026)) == {}


@given(st.integers(min_value=1900, max_value=2200))
def test_moving_saturday_holidays_fall_in_their_windows(year):
    holidays = SwedishCalendar(include_aftnar=True).holidays(year)
    names = {name: day for day, joined in holidays.items() for name in joined.split(", ")}
    assert len(names) == 16
    midsommar = names["midsommardagen"]
    alla_helgon = names["alla helgons dag"]
    assert midsommar.weekday() == alla_helgon.weekday() == 5
    assert dt.date(year, 6, 20) <= midsommar <= dt.date(year, 6, 26)
    assert dt.date(year, 10, 31) <= alla_helgon <= dt.date(year, 11, 6)
    assert names["midsommarafton"] == midsommar - dt.timedelta(days=1)
    assert names["långfredagen"].weekday() == 4
    assert names["påskdagen"].weekday() == names["pingstdagen"].weekday() == 6
    assert names["Kristi himmelsfärdsdag"].weekday() == 3
