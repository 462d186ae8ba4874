"""Consent as it stood at any instant, worked out from the history of grants and withdrawals.

Pure functions over the append-only history (LEGAL.md CON-01, CON-04): consent is in
force at ``t`` when the last event at or before ``t`` is a grant. A withdrawal at
``w`` therefore ends permission for every ``t >= w`` and leaves every earlier answer
unchanged, so processing before the withdrawal stays lawful and provable (Art. 7(3)).
Events at the same instant count in the order they were recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

from gdprkit.clock import to_utc
from gdprkit.errors import ConsentError

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

__all__ = [
    "NOT_AFFIRMATIVE",
    "ConsentRecord",
    "check_affirmative",
    "grant_in_force",
    "is_permitted",
]

NOT_AFFIRMATIVE = frozenset({"pre_ticked", "implied", "silence", "inactivity", "opt_out"})
"""Mechanisms that are not a clear affirmative act and never count as consent.

Art. 4(11) and Recital 32: "Silence, pre-ticked boxes or inactivity should not
therefore constitute consent" (LEGAL.md CON-03).
"""


class ConsentRecord(Protocol):
    """**Protocol:** what these functions read of a consent event."""

    @property
    def action(self) -> str:
        """``"grant"`` or ``"withdraw"``."""
        ...

    @property
    def at(self) -> dt.datetime:
        """When it happened."""
        ...


def check_affirmative(mechanism: str) -> None:
    """Refuse a consent mechanism that is not an affirmative act (Art. 4(11); CON-03).

    Raises:
        ConsentError: the mechanism is empty or one of :data:`NOT_AFFIRMATIVE`.
    """
    name = mechanism.strip().lower().replace("-", "_").replace(" ", "_")
    if not name:
        raise ConsentError("a consent needs the mechanism by which it was given")
    if name in NOT_AFFIRMATIVE:
        raise ConsentError(
            f"mechanism {name!r} is not an affirmative act and is not consent (Art. 4(11))"
        )


_E = TypeVar("_E", bound=ConsentRecord)


def grant_in_force(events: Iterable[_E], at: dt.datetime) -> _E | None:
    """Return the grant in force at *at*, or ``None`` (CON-01: proof for any instant).

    Args:
        events: One subject's events for one purpose, in recorded order (by time,
            then by insertion), as the store returns them.
        at: The instant asked about; must be timezone-aware.
    """
    instant = to_utc(at, what="consent instant")
    last: _E | None = None
    for event in events:
        if event.at > instant:
            break
        last = event
    if last is None or str(last.action) != "grant":
        return None
    return last


def is_permitted(events: Iterable[ConsentRecord], at: dt.datetime) -> bool:
    """Return whether consent was in force at *at* (Art. 6(1)(a), 7(3); CON-04)."""
    return grant_in_force(events, at) is not None
