"""Disposal tasks for referenced records: the contract between the engine and a service.

A service that keeps personal data in its own database registers the records with
gdprkit by metadata only (subject, purposes, categories, triggers, its own
reference). When such a record's link ends, the engine does not touch the service's
database: it writes a :class:`~gdprkit.storage.types.DisposalTask` and calls the
service's :class:`DisposalHandler`. A task is done only when the handler returns
(its acknowledgement); a handler that raises is retried with exponential backoff and
reported, never silently skipped; an acknowledged task is never executed again
(LEGAL.md RET-11: "propagate deletion to every registered system and require
acknowledgements").

A handler may be called more than once for the same task before it acknowledges
(a crash between its success and the acknowledgement being stored), so it must be
idempotent: deleting what is already gone is success.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

import attrs

if TYPE_CHECKING:
    from gdprkit.storage.types import DisposalTask

__all__ = ["Backoff", "DisposalHandler", "TaskRunReport"]


class DisposalHandler(Protocol):
    """**Protocol:** disposes of a referenced record's data in the embedding service.

    Return normally to acknowledge: the data named by the task (``task.categories`` of
    the record ``task.external_ref``, or the whole record for ``delete``; for
    ``anonymise`` the link to the person) is gone. Raise any exception to report a
    failure; the task will be retried. Never put personal data in the exception: only
    its type is stored.
    """

    def dispose(self, task: DisposalTask) -> None:
        """Dispose of what *task* names, idempotently, or raise."""
        ...


@attrs.frozen(kw_only=True)
class Backoff:
    """When a failed task is tried again: ``base * 2 ** (attempts - 1)``, at most ``cap``.

    Attributes:
        base: The wait after the first failure.
        cap: The longest wait.
        report_after: How many failed attempts make a task "failing" in reports.
    """

    base: dt.timedelta = dt.timedelta(minutes=1)
    cap: dt.timedelta = dt.timedelta(hours=6)
    report_after: int = 3

    def delay(self, attempts: int) -> dt.timedelta:
        """Return the wait after *attempts* failed attempts."""
        exponent = min(max(attempts - 1, 0), 30)
        wait: dt.timedelta = self.base * (1 << exponent)
        return min(self.cap, wait)


@attrs.frozen(kw_only=True)
class TaskRunReport:
    """What one run of the disposal tasks did.

    Attributes:
        attempted: Handler calls made.
        done: Tasks acknowledged and applied.
        failed: Handler calls that raised (the tasks wait for their next attempt).
        failing: Ids of pending tasks that failed at least ``Backoff.report_after``
            times: the service's handler needs attention.
    """

    attempted: int
    done: int
    failed: int
    failing: tuple[str, ...]
