"""Legal holds: block disposal of a subject, record, purpose or category (Art. 17(3)(e), 18(1)(c)).

A hold never moves a retention clock (LEGAL.md RET-07): the engine defers what a hold
covers, and releasing the hold makes everything past its date due at once.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from gdprkit._args import require_id
from gdprkit.errors import NotFoundError
from gdprkit.storage.types import Hold, HoldScope

if TYPE_CHECKING:
    from gdprkit.audit import AuditLog
    from gdprkit.clock import Clock
    from gdprkit.policy.model import Policy
    from gdprkit.storage.protocol import Store

__all__ = ["Holds"]


class Holds:
    """Places, releases and lists legal holds, each audited.

    Args:
        policy: Declares the purposes and categories a hold may name.
        store: Where holds live.
        audit: Receives one entry per placement and release.
        clock: The source of "now".
    """

    def __init__(self, *, policy: Policy, store: Store, audit: AuditLog, clock: Clock) -> None:
        self._policy = policy
        self._store = store
        self._audit = audit
        self._clock = clock

    def __repr__(self) -> str:
        return "Holds()"

    def _check_scope(self, scope: HoldScope, value: str) -> None:
        if scope is HoldScope.SUBJECT and self._store.get_subject(value) is None:
            raise NotFoundError("no such subject")
        if scope is HoldScope.RECORD and self._store.get_record(value) is None:
            raise NotFoundError("no such record")
        if scope is HoldScope.PURPOSE:
            self._policy.purpose(value)
        if scope is HoldScope.CATEGORY:
            self._policy.category(value)

    def place(
        self,
        scope: HoldScope | str,
        value: str,
        *,
        reason: str,
        matter_ref: str,
        actor: str,
        hold_id: str | None = None,
    ) -> Hold:
        """Place a hold on a subject, record, purpose or category; return it.

        Args:
            scope: What kind of thing is held.
            value: Which one: a subject, record, purpose or category id.
            reason: Why, without personal data.
            matter_ref: The legal matter's reference.
            actor: Who places it.
            hold_id: An id of your own; a random one by default.

        Raises:
            NotFoundError: the subject, record, purpose or category does not exist.
        """
        kind = HoldScope(scope)
        value = require_id(value, "value")
        self._check_scope(kind, value)
        hold = Hold(
            id=require_id(hold_id, "hold_id") if hold_id is not None else uuid.uuid4().hex,
            scope=kind,
            scope_value=value,
            reason=require_id(reason, "reason"),
            matter_ref=require_id(matter_ref, "matter_ref"),
            created_by=require_id(actor, "actor"),
            created_at=self._clock.now(),
        )
        with self._store.transaction():
            self._store.add_hold(hold)
            self._audit.append(
                actor=actor,
                action="hold.placed",
                ids=[hold.id, value],
                details={"scope": kind.value, "matter": hold.matter_ref},
            )
        return hold

    def release(self, hold_id: str, *, actor: str) -> Hold:
        """Release a hold; what it blocked and is past its date becomes due at once (RET-07)."""
        require_id(actor, "actor")
        with self._store.transaction():
            before = self._store.get_hold(require_id(hold_id, "hold_id"))
            if before is None:
                raise NotFoundError("no such hold")
            hold = self._store.release_hold(hold_id, at=self._clock.now())
            if before.active:
                self._store.release_deferrals()
                self._audit.append(
                    actor=actor,
                    action="hold.released",
                    ids=[hold.id, hold.scope_value],
                    details={"scope": hold.scope.value, "matter": hold.matter_ref},
                )
        return hold

    def active(self) -> list[Hold]:
        """Return the holds in force, oldest first."""
        return self._store.active_holds()
