"""Retention: link schedules, legal holds and the engine that disposes of what is due.

* :mod:`gdprkit.retention.schedule` (pure): when a purpose stops needing a record.
* :class:`Holds`: legal holds that block disposal without moving the clock (RET-07).
* :class:`RetentionEngine`: plans, sweeps, reviews and lateness reports (RET-08..11).
"""

from gdprkit.retention.engine import (
    AwaitingTrigger,
    Effect,
    LatenessReport,
    Plan,
    PlannedItem,
    RetentionEngine,
    SweepProgress,
    SweepReport,
)
from gdprkit.retention.holds import Holds
from gdprkit.retention.schedule import LinkSchedule, schedule_link

__all__ = [
    "AwaitingTrigger",
    "Effect",
    "Holds",
    "LatenessReport",
    "LinkSchedule",
    "Plan",
    "PlannedItem",
    "RetentionEngine",
    "SweepProgress",
    "SweepReport",
    "schedule_link",
]
