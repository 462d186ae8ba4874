"""A sweep worker in its own process, killed with SIGKILL after a given number of disposals.

Usage: python _sweeper.py DB AT KILL_AFTER
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
from collections.abc import Sequence

from gdprkit.clock import FixedClock
from gdprkit.crypto import LocalKeyProvider
from gdprkit.policy import load_policy
from gdprkit.policy.examples import example_path
from gdprkit.service import PrivacyService
from gdprkit.storage.sqlite import SQLiteStore
from gdprkit.storage.types import DisposalRecord

KEK = {1: bytes(range(32))}


class DyingStore(SQLiteStore):
    """Dies, mid-transaction, when asked to write its n-th disposal record.

    The engine writes a batch's disposal records together, so it dies after writing
    those of the batch that come before the n-th.
    """

    def __init__(self, path: str, kill_after: int) -> None:
        super().__init__(path)
        self._left = kill_after

    def add_disposals(self, disposals: Sequence[DisposalRecord]) -> None:
        if self._left < len(disposals):
            super().add_disposals(disposals[: self._left])
            os.kill(os.getpid(), signal.SIGKILL)
        self._left -= len(disposals)
        super().add_disposals(disposals)


def open_service(store: SQLiteStore, at: dt.datetime, worker: str) -> PrivacyService:
    policy = load_policy(example_path("true_fiction_production"))
    return PrivacyService(policy, store, LocalKeyProvider(KEK), clock=FixedClock(at), worker=worker)


if __name__ == "__main__":
    path, at, kill_after = sys.argv[1], dt.datetime.fromisoformat(sys.argv[2]), int(sys.argv[3])
    service = open_service(DyingStore(path, kill_after), at, "doomed")
    service.engine.sweep(batch_size=10)
    sys.exit(3)  # not reached when the kill happens
