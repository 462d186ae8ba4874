"""Every computed date explains itself, in English and Swedish.

A date a data subject, an auditor or a supervisory authority cannot trace back to its
rule is not transparent (Art. 5(1)(a), 12(1)). So each result of
:mod:`gdprkit.legaltime` carries a :class:`~gdprkit.policy._fields.Text` saying where
it comes from, and :func:`describe_rule` renders a retention rule itself in plain
words, without dates, for privacy notices (Art. 13(2)(a), 14(2)(a)) and the Art. 30
record (Art. 30(1)(f)); LEGAL.md RET-14, RET-15.

Rendering is deterministic: month names and number words are tables here, never the
machine's locale. Swedish month names are lower case, as Swedish writes them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import attrs

from gdprkit.legaltime.localtime import zone, zone_name
from gdprkit.policy._fields import Text
from gdprkit.policy.vocab import Anchor, DisposalAction, Trigger

if TYPE_CHECKING:
    import datetime as dt

    from gdprkit.policy.retention import Period, RetentionRule

__all__ = [
    "EventWording",
    "describe_period",
    "describe_rule",
    "explain_breach",
    "explain_request_deadline",
    "explain_retention",
    "format_date",
    "format_instant",
    "law_name",
]

_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTHS_SV = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
_ORDINALS_EN = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
)
_ORDINALS_SV = (
    "första",
    "andra",
    "tredje",
    "fjärde",
    "femte",
    "sjätte",
    "sjunde",
    "åttonde",
    "nionde",
    "tionde",
    "elfte",
    "tolfte",
)

_KNOWN_LAWS = {
    "1999:1078": Text(en="Bokföringslagen", sv="bokföringslagen"),
    "2018:218": Text(en="Dataskyddslagen", sv="dataskyddslagen"),
    "1995:1554": Text(en="Årsredovisningslagen", sv="årsredovisningslagen"),
}
_SFS_REFERENCE = re.compile(r"^\s*SFS\s+(\d{4}:\d+)\s*(.*?)\s*$")


@attrs.frozen(kw_only=True)
class EventWording:
    """How a trigger event reads inside a sentence, in both languages.

    Attributes:
        after: The clause after a period, with its preposition: "after the account is
            closed" / "efter att kontot har avslutats".
        when: The clause that follows "in which" / "då": "the account was closed" /
            "kontot avslutades".
    """

    after: Text
    when: Text


_TRIGGER_WORDING = {
    Trigger.COLLECTED: EventWording(
        after=Text(en="after the data is collected", sv="efter att uppgifterna har samlats in"),
        when=Text(en="the data was collected", sv="uppgifterna samlades in"),
    ),
    Trigger.LAST_ACTIVITY: EventWording(
        after=Text(en="after the last activity", sv="efter den senaste aktiviteten"),
        when=Text(en="the last activity took place", sv="den senaste aktiviteten ägde rum"),
    ),
    Trigger.CONTRACT_END: EventWording(
        after=Text(en="after the contract ends", sv="efter att avtalet har upphört"),
        when=Text(en="the contract ended", sv="avtalet upphörde"),
    ),
    Trigger.ACCOUNT_CLOSED: EventWording(
        after=Text(en="after the account is closed", sv="efter att kontot har avslutats"),
        when=Text(en="the account was closed", sv="kontot avslutades"),
    ),
    Trigger.FINANCIAL_YEAR_END: EventWording(
        after=Text(en="after the end of the financial year", sv="efter räkenskapsårets utgång"),
        when=Text(en="the financial year ended", sv="räkenskapsåret avslutades"),
    ),
    Trigger.CONSENT_WITHDRAWN: EventWording(
        after=Text(en="after consent is withdrawn", sv="efter att samtycket har återkallats"),
        when=Text(en="consent was withdrawn", sv="samtycket återkallades"),
    ),
}

_DISPOSAL = {
    DisposalAction.DELETE: Text(en="may be deleted from", sv="får raderas från och med"),
    DisposalAction.ANONYMISE: Text(en="may be anonymised from", sv="får anonymiseras från och med"),
    DisposalAction.REVIEW: Text(en="is due for review from", sv="ska granskas från och med"),
}


def format_date(day: dt.date, language: str = "en") -> str:
    """Return *day* as "31 December 2033" (``"en"``) or "31 december 2033" (``"sv"``)."""
    months = _MONTHS_SV if language == "sv" else _MONTHS_EN
    return f"{day.day} {months[day.month - 1]} {day.year}"


def format_instant(instant: dt.datetime, time_zone: str | dt.tzinfo, language: str = "en") -> str:
    """Return *instant* as local date and time with its zone.

    English "1 January 2034 at 00:00 (Europe/Stockholm)"; Swedish
    "1 januari 2034 kl. 00.00 (Europe/Stockholm)".
    """
    local = instant.astimezone(zone(time_zone))
    day = format_date(local.date(), language)
    if language == "sv":
        return f"{day} kl. {local:%H.%M} ({zone_name(time_zone)})"
    return f"{day} at {local:%H:%M} ({zone_name(time_zone)})"


def law_name(reference: str) -> Text:
    """Render a law reference for people, e.g. "Bokföringslagen 7 kap. 2 §".

    ``"SFS 1999:1078 7 kap. 2 §"`` becomes "Bokföringslagen 7 kap. 2 §" in English.

    Swedish writes the short name of a law in lower case ("bokföringslagen").
    References gdprkit does not know are returned as given.
    """
    match = _SFS_REFERENCE.match(reference)
    if match is None or match.group(1) not in _KNOWN_LAWS:
        return Text(en=reference, sv=reference)
    name = _KNOWN_LAWS[match.group(1)]
    rest = f" {match.group(2)}" if match.group(2) else ""
    return Text(en=f"{name.en}{rest}", sv=f"{name.sv}{rest}")


def _join(parts: list[str], conjunction: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {conjunction} {parts[-1]}"


def describe_period(period: Period) -> Text:
    """Return the period in words: "1 year and 6 months" / "1 år och 6 månader"."""
    en: list[str] = []
    sv: list[str] = []
    for count, en_unit, sv_one, sv_many in (
        (period.years, "year", "år", "år"),
        (period.months, "month", "månad", "månader"),
        (period.days, "day", "dag", "dagar"),
    ):
        if count:
            en.append(f"{count} {en_unit}{'' if count == 1 else 's'}")
            sv.append(f"{count} {sv_one if count == 1 else sv_many}")
    if not en:
        return Text(en="0 days", sv="0 dagar")
    return Text(en=_join(en, "and"), sv=_join(sv, "och"))


def _ordinal_en(n: int) -> str:
    if 1 <= n <= len(_ORDINALS_EN):
        return _ORDINALS_EN[n - 1]
    teen = 11 <= n % 100 <= 13  # noqa: PLR2004 - 11th, 12th, 13th
    suffix = "th" if teen else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _ordinal_sv(n: int) -> str:
    if 1 <= n <= len(_ORDINALS_SV):
        return _ORDINALS_SV[n - 1]
    # Swedish: 21:a, 22:a, 31:a ... but 11:e, 12:e and everything else :e.
    return f"{n}:a" if n % 10 in (1, 2) and n % 100 not in (11, 12) else f"{n}:e"


def _wording(rule: RetentionRule, event: EventWording | None) -> EventWording:
    if event is not None:
        return event
    if rule.trigger in _TRIGGER_WORDING:
        return _TRIGGER_WORDING[rule.trigger]
    name = rule.event_name
    return EventWording(
        after=Text(en=f'after the event "{name}"', sv=f'efter händelsen "{name}"'),
        when=Text(en=f'the event "{name}" occurred', sv=f'händelsen "{name}" inträffade'),
    )


_SPAN = {
    Anchor.NONE: Text(en="day on which", sv="den dag då"),
    Anchor.END_OF_MONTH: Text(en="month in which", sv="den månad då"),
    Anchor.END_OF_CALENDAR_YEAR: Text(en="calendar year in which", sv="det kalenderår då"),
    Anchor.END_OF_FINANCIAL_YEAR: Text(en="financial year in which", sv="det räkenskapsår då"),
}


def describe_rule(rule: RetentionRule, *, event: EventWording | None = None) -> Text:
    """Render a retention rule in plain words, without dates (Art. 13(2)(a), 30(1)(f)).

    The Bokföringslagen rule reads "through 31 December of the seventh year after the
    end of the calendar year in which the financial year ended (Bokföringslagen 7 kap.
    2 §)"; a custom rule "24 months after the support ticket is closed" when given
    the event's wording.

    Args:
        rule: The rule to describe.
        event: How the trigger event reads. Built-in triggers have a wording; a custom
            event without one is named in quotes.
    """
    wording = _wording(rule, event)
    period = describe_period(rule.period)
    anchor = rule.anchor
    fy_trigger = rule.trigger is Trigger.FINANCIAL_YEAR_END
    if fy_trigger and anchor is Anchor.END_OF_FINANCIAL_YEAR:
        # The trigger date is already the end of a financial year.
        anchor = Anchor.NONE
    years_only = rule.period.years > 0 and rule.period.months == rule.period.days == 0
    span = _SPAN[anchor]
    if rule.period.is_zero:
        en = f"until the end of the {span.en} {wording.when.en}"
        sv = f"till utgången av {span.sv} {wording.when.sv}"
    elif anchor is Anchor.NONE:
        en = f"{period.en} {wording.after.en}"
        sv = f"{period.sv} {wording.after.sv}"
    elif anchor is Anchor.END_OF_CALENDAR_YEAR and years_only:
        n = rule.period.years
        en = (
            f"through 31 December of the {_ordinal_en(n)} year after the end of the "
            f"{span.en} {wording.when.en}"
        )
        sv = (
            f"till och med den 31 december det {_ordinal_sv(n)} året efter utgången av "
            f"{span.sv} {wording.when.sv}"
        )
    else:
        en = f"{period.en} after the end of the {span.en} {wording.when.en}"
        sv = f"{period.sv} efter utgången av {span.sv} {wording.when.sv}"
    if rule.law_reference:
        law = law_name(rule.law_reference)
        en, sv = f"{en} ({law.en})", f"{sv} ({law.sv})"
    return Text(en=en, sv=sv)


def explain_retention(
    *,
    rule: RetentionRule,
    trigger_date: dt.date,
    anchored_date: dt.date,
    keep_through: dt.date,
    eligible_from: dt.datetime,
    time_zone: str | dt.tzinfo,
) -> Text:
    """Explain computed retention dates.

    E.g. "kept through 31 December 2033 (Bokföringslagen 7 kap. 2 §), counted from
    31 December 2026; may be deleted from 1 January 2034 at 00:00 (Europe/Stockholm)".
    """
    en = f"kept through {format_date(keep_through)}"
    sv = f"sparas till och med den {format_date(keep_through, 'sv')}"
    if rule.law_reference:
        law = law_name(rule.law_reference)
        en, sv = f"{en} ({law.en})", f"{sv} ({law.sv})"
    if anchored_date != trigger_date:
        en += f", counted from {format_date(anchored_date)}"
        sv += f", räknat från den {format_date(anchored_date, 'sv')}"
    action = _DISPOSAL[rule.action]
    en += f"; {action.en} {format_instant(eligible_from, time_zone)}"
    sv += f"; {action.sv} den {format_instant(eligible_from, time_zone, 'sv')}"
    return Text(en=en, sv=sv)


def explain_request_deadline(
    *,
    receipt_day: dt.date,
    due_strict: dt.date,
    due_rolled: dt.date,
    extended_from: dt.date | None = None,
) -> Text:
    """Explain a data-subject request deadline (Art. 12(3); Regulation 1182/71 Art. 3).

    Args:
        receipt_day: The local day the request was received.
        due_strict: The last day of the period, not moved past holidays.
        due_rolled: The same, moved to the next working day (1182/71 Art. 3(4)).
        extended_from: The end of the first period, when the period was extended.
    """
    en_due = f"reply due by {format_date(due_strict)}"
    sv_due = f"svar senast den {format_date(due_strict, 'sv')}"
    if extended_from is None:
        en = (
            f"{en_due}: one month after receipt on {format_date(receipt_day)} "
            "(GDPR Art. 12(3), Regulation 1182/71 Art. 3)"
        )
        sv = (
            f"{sv_due}: en månad efter mottagandet den {format_date(receipt_day, 'sv')} "
            "(artikel 12.3 i dataskyddsförordningen och artikel 3 i förordning 1182/71)"
        )
    else:
        en = (
            f"{en_due}: extended by two further months from {format_date(extended_from)} "
            f"for a request received on {format_date(receipt_day)} (GDPR Art. 12(3))"
        )
        sv = (
            f"{sv_due}: förlängd med ytterligare två månader från den "
            f"{format_date(extended_from, 'sv')} för en begäran som kom in den "
            f"{format_date(receipt_day, 'sv')} (artikel 12.3 i dataskyddsförordningen)"
        )
    if due_rolled != due_strict:
        en += (
            f"; {format_date(due_rolled)} if the end is moved past Saturdays, Sundays and "
            "public holidays (Regulation 1182/71 Art. 3(4))"
        )
        sv += (
            f"; den {format_date(due_rolled, 'sv')} om slutdagen flyttas förbi lördagar, "
            "söndagar och helgdagar (artikel 3.4 i förordning 1182/71)"
        )
    return Text(en=en, sv=sv)


def explain_breach(*, notify_by: dt.datetime, time_zone: str | dt.tzinfo) -> Text:
    """Explain the Art. 33(1) deadline for notifying the supervisory authority."""
    return Text(
        en=(
            f"notify the supervisory authority by {format_instant(notify_by, time_zone)}: "
            "72 hours after becoming aware of the breach (GDPR Art. 33(1))"
        ),
        sv=(
            "anmäl till tillsynsmyndigheten senast den "
            f"{format_instant(notify_by, time_zone, 'sv')}: 72 timmar efter att "
            "personuppgiftsincidenten blev känd (artikel 33.1 i dataskyddsförordningen)"
        ),
    )
