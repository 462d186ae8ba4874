"""Retention: link schedules, legal holds and the engine that disposes of what is due.

* :mod:`gdprkit.retention.schedule` (pure): when a purpose stops needing a record.
* :class:`Holds`: legal holds that block disposal without moving the clock (RET-07).
* :class:`RetentionEngine`: plans, sweeps, reviews and lateness reports (RET-08..11),
  disposal tasks for referenced records (:mod:`gdprkit.retention.tasks`) and replay of
  the erasure ledger after a restore (:mod:`gdprkit.retention.ledger`).
"""

from gdprkit.retention.engine import (
    AwaitingTrigger,
    Effect,
    LatenessReport,
    Plan,
    PlannedItem,
    ReplayReport,
    RetentionEngine,
    SweepProgress,
    SweepReport,
)
from gdprkit.retention.holds import Holds
from gdprkit.retention.ledger import export_ledger, read_ledger
from gdprkit.retention.policy_change import PolicyPreview, RescheduledLink
from gdprkit.retention.schedule import LinkSchedule, schedule_link
from gdprkit.retention.tasks import Backoff, DisposalHandler, TaskRunReport

__all__ = [
    "AwaitingTrigger",
    "Backoff",
    "DisposalHandler",
    "Effect",
    "Holds",
    "LatenessReport",
    "LinkSchedule",
    "Plan",
    "PlannedItem",
    "PolicyPreview",
    "ReplayReport",
    "RescheduledLink",
    "RetentionEngine",
    "SweepProgress",
    "SweepReport",
    "TaskRunReport",
    "export_ledger",
    "read_ledger",
    "schedule_link",
]
