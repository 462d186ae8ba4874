"""The life of a data-subject request: its states, its moves and its deadline (Art. 12).

::

    received ──start──────────────► in_progress ──complete──► completed
       │  └──ask_identity──► awaiting_identity ──confirm_identity──┘
       │                       (ask again)   │
       └──complete (identity not in doubt)   └──refuse──► refused
    any open state ──extend (once)──► the same state, deadline + 2 months
    any open state ──refuse──► refused (reasons, complaint to the authority, Art. 12(4))

* **The deadline** is :func:`gdprkit.legaltime.request_deadline` from the request's
  receipt (LEGAL.md DSR-01, DSR-02): ``due_strict`` (alert on this) and ``due_rolled``.
* **Identity** (Art. 12(6); DSR-06): what was asked for is recorded; by default the
  clock does **not** pause while the controller waits, the conservative reading. With
  ``pause_for_identity`` the time between asking and confirming is added to the
  receipt instant the month is counted from.
* **Extension** (Art. 12(3); DSR-03): once, with reasons notified to the subject on or
  before ``due_strict``; a second one raises :class:`~gdprkit.errors.DeadlineError`.

Pure: no storage, no clock. :class:`RequestCase` reads a stored request (any object
with the attributes of :class:`~gdprkit.storage.types.SubjectRequest`) and its
``details``, whose keys are documented on :class:`RequestCase`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from gdprkit.clock import to_utc
from gdprkit.errors import ConflictError, InvalidInputError
from gdprkit.legaltime.deadlines import DeadlineExtension, RequestDeadline, request_deadline
from gdprkit.policy.vocab import ClosedVocabulary
from gdprkit.requests.vocab import RequestKind, RequestState

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gdprkit.legaltime.calendars import HolidayCalendar

__all__ = [
    "OPEN_STATES",
    "RequestCase",
    "RequestStateError",
    "Step",
    "StoredRequest",
    "Transition",
    "next_state",
]

OPEN_STATES = frozenset(s for s in RequestState if s.open)
"""The states a request still runs against its deadline in."""


class RequestStateError(ConflictError):
    """A move the request's state does not allow (e.g. completing a refused request)."""


class Step(ClosedVocabulary):
    """A move in a request's life."""

    ASK_IDENTITY = "ask_identity"
    """Ask for more information to confirm identity (Art. 12(6))."""
    CONFIRM_IDENTITY = "confirm_identity"
    """The identity is confirmed; handling starts."""
    START = "start"
    """Start handling a request whose identity is not in doubt."""
    COMPLETE = "complete"
    """Answer it (Art. 12(3))."""
    REFUSE = "refuse"
    """Decide not to act, with reasons (Art. 12(4))."""
    EXTEND = "extend"
    """Extend the deadline by two months, once (Art. 12(3))."""


_R, _A, _P = RequestState.RECEIVED, RequestState.AWAITING_IDENTITY, RequestState.IN_PROGRESS
_MOVES: dict[Step, tuple[frozenset[RequestState], RequestState | None]] = {
    Step.ASK_IDENTITY: (frozenset({_R, _A}), _A),
    Step.CONFIRM_IDENTITY: (frozenset({_A}), _P),
    Step.START: (frozenset({_R}), _P),
    Step.COMPLETE: (frozenset({_R, _P}), RequestState.COMPLETED),
    Step.REFUSE: (OPEN_STATES, RequestState.REFUSED),
    Step.EXTEND: (OPEN_STATES, None),
}


def next_state(state: RequestState | str, step: Step | str) -> RequestState:
    """Return the state after *step*, or raise if *state* does not allow it.

    Raises:
        RequestStateError: the move is not allowed from *state*.
        InvalidInputError: an unknown state or step.
    """
    current = _choice(RequestState, state, "state")
    move = _choice(Step, step, "step")
    allowed, target = _MOVES[move]
    if current not in allowed:
        if not current.open:
            raise RequestStateError(
                f"the request is {current.value}; it can no longer {move.value}"
            )
        if current is _A and move is not Step.REFUSE:
            raise RequestStateError(
                f"the request awaits identity confirmation; it cannot {move.value} yet"
            )
        raise RequestStateError(f"a {current.value} request cannot {move.value}")
    return current if target is None else target


def _choice(kind: type[Any], value: object, what: str) -> Any:  # noqa: ANN401 - an enum member
    try:
        return kind(value)
    except (ValueError, TypeError):
        choices = ", ".join(m.value for m in kind)
        raise InvalidInputError(f"{what} must be one of: {choices}") from None


class StoredRequest(Protocol):
    """**Protocol:** what :class:`RequestCase` reads of a stored request."""

    @property
    def id(self) -> str:
        """The request id."""
        ...

    @property
    def subject_id(self) -> str:
        """The requester."""
        ...

    @property
    def kind(self) -> str:
        """The right exercised."""
        ...

    @property
    def received_at(self) -> dt.datetime:
        """When it arrived."""
        ...

    @property
    def state(self) -> str:
        """Where it stands."""
        ...

    @property
    def details(self) -> Mapping[str, Any]:
        """The JSON details."""
        ...


@attrs.frozen(kw_only=True)
class Transition:
    """One move in a request's history.

    Attributes:
        state: The state reached.
        at: When (UTC).
    """

    state: RequestState
    at: dt.datetime


def _instant(value: object) -> dt.datetime | None:
    if value is None:
        return None
    return _required_instant(value)


def _required_instant(value: object) -> dt.datetime:
    return to_utc(dt.datetime.fromisoformat(str(value)), what="a stored request's instant")


@attrs.frozen(kw_only=True)
class RequestCase:
    """A data-subject request as stored, read with its deadline.

    The stored ``details`` (JSON, ids, hashes and dates only; never personal data):

    ``channel`` / ``reply_channel``
        How it came in and how it is answered (``"electronic"`` by default, Art. 12(3)
        last sentence; DSR-07).
    ``fee``
        Always 0 unless a refusal ground allows otherwise (Art. 12(5); DSR-05).
    ``pause_for_identity``
        Whether the clock pauses while identity is being confirmed (DSR-06).
    ``identity``
        ``asked`` (what was asked for, as item names), ``asked_at``, ``confirmed_at``.
    ``extension``
        ``reason`` (:class:`~gdprkit.requests.vocab.ExtensionReason`),
        ``explanation_sha256``, ``at``, ``notified_at``.
    ``refusal``
        ``ground``, ``article``, ``explanation_sha256``, ``at``, ``late``.
    ``history``
        ``[{"state": ..., "at": ...}]``, every move in order.
    ``outcome``
        What answering did, per right: record ids, category ids, purpose ids, dates.
    ``notices``
        Art. 19: ``{target: {"status": ..., "at": ..., "reason_sha256": ...}}``.

    Attributes:
        id: The request id.
        subject_id: The requester.
        kind: The right exercised.
        state: Where it stands.
        received_at: When it arrived (UTC).
        deadline: The Art. 12(3) deadline in force (extended once extended).
        paused: Time the clock stood still for identity confirmation (zero by default).
        history: Every move, oldest first.
        details: The stored details, as stored.
    """

    id: str
    subject_id: str
    kind: RequestKind
    state: RequestState
    received_at: dt.datetime
    deadline: RequestDeadline
    paused: dt.timedelta
    history: tuple[Transition, ...]
    details: Mapping[str, Any] = attrs.field(repr=False)

    @classmethod
    def of(
        cls,
        request: StoredRequest,
        *,
        time_zone: str,
        calendar: HolidayCalendar | None = None,
    ) -> RequestCase:
        """Read a stored request; the deadline is counted in *time_zone* (DSR-01).

        Raises:
            InvalidInputError: the stored kind or state is not one of this vocabulary.
        """
        details = dict(request.details)
        identity = details.get("identity") or {}
        paused = dt.timedelta(0)
        asked_at = _instant(identity.get("asked_at"))
        confirmed_at = _instant(identity.get("confirmed_at"))
        if details.get("pause_for_identity") and asked_at and confirmed_at:
            paused = confirmed_at - asked_at
        deadline = request_deadline(
            request.received_at + paused, time_zone=time_zone, calendar=calendar
        )
        extension = details.get("extension")
        if extension:
            deadline = attrs.evolve(
                deadline,
                extension=DeadlineExtension(
                    reason=str(extension["reason"]),
                    extended_at=_required_instant(extension["at"]),
                    notified_at=_required_instant(extension["notified_at"]),
                ),
            )
        history = tuple(
            Transition(
                state=_choice(RequestState, h["state"], "state"), at=_required_instant(h["at"])
            )
            for h in details.get("history", [])
        )
        return cls(
            id=request.id,
            subject_id=request.subject_id,
            kind=_choice(RequestKind, request.kind, "kind"),
            state=_choice(RequestState, request.state, "state"),
            received_at=to_utc(request.received_at, what="received_at"),
            deadline=deadline,
            paused=paused,
            history=history,
            details=details,
        )

    @property
    def open(self) -> bool:
        """Whether the request still runs against its deadline."""
        return self.state.open

    @property
    def extended(self) -> bool:
        """Whether the deadline was extended (it can be, once)."""
        return self.deadline.extended

    @property
    def identity_asked(self) -> tuple[str, ...]:
        """What was asked for to confirm identity (Art. 12(6)), as item names."""
        identity = self.details.get("identity") or {}
        return tuple(identity.get("asked", ()))

    @property
    def awaiting_pause(self) -> bool:
        """Whether the clock is paused now: identity asked, pausing on, not yet confirmed."""
        return bool(
            self.details.get("pause_for_identity") and self.state is RequestState.AWAITING_IDENTITY
        )
