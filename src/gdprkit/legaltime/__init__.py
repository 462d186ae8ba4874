"""Legal time: how gdprkit counts retention periods, request deadlines and the breach clock.

Pure functions of their inputs: nothing here reads the system clock, the machine's
time zone, storage or keys. Instants are UTC; legal periods in days, months and years
are counted on dates in the organisation's time zone (LEGAL.md §4, §8, §9).
gdprkit is not legal advice.
"""

from gdprkit.legaltime.age import (
    GDPR_DEFAULT_CONSENT_AGE,
    MINIMUM_CONSENT_AGE,
    DigitalConsentAges,
    age_on,
    parental_consent_required,
)
from gdprkit.legaltime.breach import NOTIFICATION_PERIOD, BreachClock, breach_clock
from gdprkit.legaltime.calendars import (
    HolidayCalendar,
    SwedishCalendar,
    WeekendCalendar,
    next_working_day,
)
from gdprkit.legaltime.combine import (
    Disposal,
    HoldPeriod,
    RuleOutcome,
    combine_outcomes,
    disposal_allowed,
    effective_due,
    hold_active,
)
from gdprkit.legaltime.deadlines import DeadlineExtension, RequestDeadline, request_deadline
from gdprkit.legaltime.explain import (
    EventWording,
    describe_period,
    describe_rule,
    format_date,
    format_instant,
    law_name,
)
from gdprkit.legaltime.localtime import local_date, local_datetime, start_of_day
from gdprkit.legaltime.retention import RetentionDates, eligible_from, retention_dates

__all__ = [
    "GDPR_DEFAULT_CONSENT_AGE",
    "MINIMUM_CONSENT_AGE",
    "NOTIFICATION_PERIOD",
    "BreachClock",
    "DeadlineExtension",
    "DigitalConsentAges",
    "Disposal",
    "EventWording",
    "HoldPeriod",
    "HolidayCalendar",
    "RequestDeadline",
    "RetentionDates",
    "RuleOutcome",
    "SwedishCalendar",
    "WeekendCalendar",
    "age_on",
    "breach_clock",
    "combine_outcomes",
    "describe_period",
    "describe_rule",
    "disposal_allowed",
    "effective_due",
    "eligible_from",
    "format_date",
    "format_instant",
    "hold_active",
    "law_name",
    "local_date",
    "local_datetime",
    "next_working_day",
    "parental_consent_required",
    "request_deadline",
    "retention_dates",
    "start_of_day",
]
