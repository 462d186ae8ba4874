"""Every computed date explains itself in English and Swedish (RET-14, RET-15)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from conftest import organisation

from gdprkit.legaltime import (
    EventWording,
    breach_clock,
    describe_period,
    describe_rule,
    format_date,
    law_name,
    request_deadline,
    retention_dates,
)
from gdprkit.policy._fields import Text
from gdprkit.policy.retention import BOKFORINGSLAGEN, Period, RetentionRule
from gdprkit.policy.vocab import Anchor, DisposalAction, Trigger

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def test_bfl_dates_explain_themselves():
    text = retention_dates(BOKFORINGSLAGEN, dt.date(2026, 1, 15), organisation()).explanation
    assert isinstance(text, Text)
    assert text.en.startswith("kept through 31 December 2033 (Bokföringslagen 7 kap. 2 §)")
    assert text.sv is not None
    assert text.sv.startswith(
        "sparas till och med den 31 december 2033 (bokföringslagen 7 kap. 2 §)"
    )
    assert "may be deleted from 1 January 2034 at 00:00 (Europe/Stockholm)" in text.en
    assert "får raderas från och med den 1 januari 2034 kl. 00.00 (Europe/Stockholm)" in text.sv


def test_bfl_rule_in_plain_words():
    text = describe_rule(BOKFORINGSLAGEN)
    assert text.en == (
        "through 31 December of the seventh year after the end of the calendar year in which "
        "the financial year ended (Bokföringslagen 7 kap. 2 §)"
    )
    assert text.sv == (
        "till och med den 31 december det sjunde året efter utgången av det kalenderår då "
        "räkenskapsåret avslutades (bokföringslagen 7 kap. 2 §)"
    )


def test_custom_rule_with_its_event_wording():
    rule = RetentionRule(trigger=Trigger.CUSTOM, event="ticket_closed", period=Period(months=24))
    wording = EventWording(
        after=Text(
            en="after the support ticket is closed", sv="efter att supportärendet har stängts"
        ),
        when=Text(en="the support ticket was closed", sv="supportärendet stängdes"),
    )
    text = describe_rule(rule, event=wording)
    assert text == Text(
        en="24 months after the support ticket is closed",
        sv="24 månader efter att supportärendet har stängts",
    )
    assert describe_rule(rule).en == '24 months after the event "ticket_closed"'


@pytest.mark.parametrize(
    ("rule", "en", "sv"),
    [
        (
            RetentionRule(trigger=Trigger.ACCOUNT_CLOSED, period=Period(years=1, months=6)),
            "1 year and 6 months after the account is closed",
            "1 år och 6 månader efter att kontot har avslutats",
        ),
        (
            RetentionRule(
                trigger=Trigger.CONSENT_WITHDRAWN, period=Period(), action=DisposalAction.DELETE
            ),
            "until the end of the day on which consent was withdrawn",
            "till utgången av den dag då samtycket återkallades",
        ),
        (
            RetentionRule(
                trigger=Trigger.CONTRACT_END, period=Period(months=3), anchor=Anchor.END_OF_MONTH
            ),
            "3 months after the end of the month in which the contract ended",
            "3 månader efter utgången av den månad då avtalet upphörde",
        ),
        (
            RetentionRule(
                trigger=Trigger.COLLECTED,
                period=Period(years=2, months=1, days=1),
                anchor=Anchor.END_OF_FINANCIAL_YEAR,
            ),
            (
                "2 years, 1 month and 1 day after the end of the financial year in which the data "
                "was collected"
            ),
            "2 år, 1 månad och 1 dag efter utgången av det räkenskapsår då uppgifterna samlades in",
        ),
        (
            RetentionRule(
                trigger=Trigger.LAST_ACTIVITY,
                period=Period(years=1),
                anchor=Anchor.END_OF_CALENDAR_YEAR,
            ),
            (
                "through 31 December of the first year after the end of the calendar year in which "
                "the last activity took place"
            ),
            (
                "till och med den 31 december det första året efter utgången av det kalenderår då "
                "den senaste aktiviteten ägde rum"
            ),
        ),
        (
            RetentionRule(
                trigger=Trigger.FINANCIAL_YEAR_END,
                period=Period(years=10),
                anchor=Anchor.END_OF_FINANCIAL_YEAR,
            ),
            "10 years after the end of the financial year",
            "10 år efter räkenskapsårets utgång",
        ),
    ],
)
def test_generic_rules_in_plain_words(rule, en, sv):
    assert describe_rule(rule) == Text(en=en, sv=sv)


def test_large_ordinals():
    rule = RetentionRule(
        trigger=Trigger.CONTRACT_END, period=Period(years=21), anchor=Anchor.END_OF_CALENDAR_YEAR
    )
    assert "the 21st year" in describe_rule(rule).en
    assert "det 21:a året" in (describe_rule(rule).sv or "")


def test_swedish_month_names_are_lower_case_and_locale_independent():
    for month in range(1, 13):
        day = dt.date(2026, month, 1)
        sv = format_date(day, "sv")
        assert sv == sv.lower()
    assert format_date(dt.date(2026, 10, 5), "sv") == "5 oktober 2026"
    assert format_date(dt.date(2026, 10, 5)) == "5 October 2026"


def test_period_words():
    assert describe_period(Period(days=1)) == Text(en="1 day", sv="1 dag")
    assert describe_period(Period(months=2)) == Text(en="2 months", sv="2 månader")
    assert describe_period(Period()) == Text(en="0 days", sv="0 dagar")


def test_law_names():
    assert law_name("SFS 1999:1078 7 kap. 2 §") == Text(
        en="Bokföringslagen 7 kap. 2 §", sv="bokföringslagen 7 kap. 2 §"
    )
    assert law_name("SFS 2018:218 2 kap. 4 §").sv == "dataskyddslagen 2 kap. 4 §"
    assert law_name("Code de commerce L123-22") == Text(
        en="Code de commerce L123-22", sv="Code de commerce L123-22"
    )


def test_request_deadline_explains_itself():
    deadline = request_deadline(
        dt.datetime(2026, 1, 15, 12, tzinfo=STOCKHOLM), time_zone="Europe/Stockholm"
    )
    text = deadline.explanation
    assert text.en.startswith(
        "reply due by 15 February 2026: one month after receipt on 15 January 2026"
    )
    assert "16 February 2026 if the end is moved" in text.en
    assert text.sv is not None
    assert text.sv.startswith("svar senast den 15 februari 2026")
    extended = deadline.extend(
        "Complex",
        at=dt.datetime(2026, 2, 1, tzinfo=STOCKHOLM),
        notified_at=dt.datetime(2026, 2, 1, tzinfo=STOCKHOLM),
    )
    assert extended.explanation.en.startswith("reply due by 15 April 2026: extended")


def test_breach_clock_explains_itself():
    clock = breach_clock(
        dt.datetime(2026, 10, 23, 9, 10, tzinfo=STOCKHOLM), time_zone="Europe/Stockholm"
    )
    assert "26 October 2026 at 08:10 (Europe/Stockholm)" in clock.explanation.en
    assert "26 oktober 2026 kl. 08.10 (Europe/Stockholm)" in (clock.explanation.sv or "")
