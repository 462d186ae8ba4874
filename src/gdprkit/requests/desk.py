"""``RightsDesk``: data-subject requests handled end to end, on time and on the record.

The desk composes a :class:`~gdprkit.service.PrivacyService` (its store, audit log,
consent ledger, retention engine, keyring and policy); it does not replace it. Every
request is stored through the :class:`~gdprkit.storage.protocol.RequestStore` with
ids, hashes and dates only, every move and every effect is audited through
``service.audit`` in the same transaction, and a failed call leaves the store as it was.

* lifecycle (Art. 12): :meth:`~RightsDesk.receive`, :meth:`~RightsDesk.ask_identity`,
  :meth:`~RightsDesk.confirm_identity`, :meth:`~RightsDesk.start`,
  :meth:`~RightsDesk.extend` (once), :meth:`~RightsDesk.refuse`,
  :meth:`~RightsDesk.due_report`;
* the rights: :meth:`~RightsDesk.access` (Art. 15), :meth:`~RightsDesk.rectify`
  (Art. 16), :meth:`~RightsDesk.erase` (Art. 17), :meth:`~RightsDesk.restrict` and
  :meth:`~RightsDesk.lift_restriction` (Art. 18), :meth:`~RightsDesk.portability`
  (Art. 20), :meth:`~RightsDesk.object` (Art. 21(1)) and
  :meth:`~RightsDesk.object_to_marketing` (Art. 21(2), absolute);
* Art. 19: :meth:`~RightsDesk.notices`, :meth:`~RightsDesk.acknowledge`,
  :meth:`~RightsDesk.notice_impossible`.

Answering a right completes the request. A request whose identity is not in doubt can
be answered straight from ``received``; one awaiting identity confirmation cannot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from gdprkit._args import instant, not_future, require_id
from gdprkit.clock import to_utc
from gdprkit.consent.unsubscribe import UnsubscribeLinks
from gdprkit.crypto import FieldCipher, FieldContext
from gdprkit.errors import (
    ConflictError,
    InvalidInputError,
    NotDeclaredError,
    NotFoundError,
)
from gdprkit.legaltime.deadlines import request_deadline
from gdprkit.policy.vocab import LegalBasis
from gdprkit.requests._reading import Redactor, encode_field, read_holding
from gdprkit.requests.access import AccessPackage, encoded_package
from gdprkit.requests.erasure import ErasureAnswer, decide_erasure, erasure_answer
from gdprkit.requests.lifecycle import (
    OPEN_STATES,
    RequestCase,
    Step,
    StoredRequest,
    Transition,
    _choice,
    next_state,
)
from gdprkit.requests.notices import NoticeTarget, notice_targets
from gdprkit.requests.outcomes import (
    Extension,
    Notice,
    ObjectionResult,
    RectificationResult,
    Refusal,
    RestrictionResult,
)
from gdprkit.requests.portability import PortabilityExport
from gdprkit.requests.replies import extension_text, refusal_text
from gdprkit.requests.report import DueItem, due_items
from gdprkit.requests.vocab import (
    ErasureGround,
    ExtensionReason,
    NoticeStatus,
    RefusalGround,
    RequestKind,
    RequestState,
    RestrictionGround,
)
from gdprkit.retention.schedule import ERASURE, OBJECTION
from gdprkit.service import EMAIL_INDEX
from gdprkit.storage.types import LinkState, SubjectRequest, canonical_json

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from gdprkit.crypto import KeyProvider
    from gdprkit.legaltime.calendars import HolidayCalendar
    from gdprkit.policy.model import Purpose
    from gdprkit.requests.held import Holding
    from gdprkit.service import FieldValue, PrivacyService
    from gdprkit.storage.types import PurposeLink

__all__ = ["CHANNELS", "RightsDesk"]

CHANNELS = frozenset({"electronic", "post", "in_person", "phone"})
"""How a request can arrive and be answered (Art. 12(1), 12(3) last sentence)."""

_EMAIL_CATEGORY = "email"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _digest(data: Mapping[str, Any]) -> str:
    """SHA-256 of a document's canonical JSON: what was disclosed, provably, without the data."""
    return hashlib.sha256(canonical_json(dict(data))).hexdigest()


def _past(value: dt.datetime | None, now: dt.datetime, what: str) -> dt.datetime:
    """Return *value* in UTC (now when ``None``), refusing an instant after *now*."""
    if value is None:
        return now
    return not_future(to_utc(value, what=what), now, what)


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"{what} must be a non-empty text")
    return value


def _ids(values: Collection[str] | None, what: str) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        raise InvalidInputError(f"{what} must be a list of ids, not one string")
    return [require_id(v, what) for v in values]


def _enter(details: dict[str, Any], old: RequestState, new: RequestState, at: dt.datetime) -> None:
    """Add the move to *new* to the stored history, unless the state stays."""
    if new is not old:
        details["history"] = [
            *details.get("history", []),
            {"state": new.value, "at": at.isoformat()},
        ]


def _completion(
    case: RequestCase,
    *,
    at: dt.datetime,
    outcome: Mapping[str, Any],
    notices: tuple[NoticeTarget, ...],
) -> tuple[dict[str, Any], bool]:
    """The details of a completed request (the final move not yet added), and lateness."""
    details = dict(case.details)
    _enter(details, case.state, RequestState.IN_PROGRESS, at)
    details["outcome"] = dict(outcome)
    if notices:
        details["notices"] = {
            n.recipient_id: {
                "status": NoticeStatus.PENDING.value,
                "at": None,
                "purposes": list(n.purposes),
            }
            for n in notices
        }
    late = case.deadline.is_overdue(at)
    details["late"] = late
    return details, late


def _disclosure(holding: Holding) -> dict[str, Any]:
    """What an answer discloses, for its audit entry: record and category ids only."""
    return {
        "records": [r.id for r in holding.records][:200],
        "record_count": len(holding.records),
        "categories": sorted({f.category for r in holding.records for f in r.fields}),
    }


@attrs.frozen(kw_only=True)
class _Intake:
    """A request's checked arguments and the one reading of the clock it was received by."""

    id: str
    kind: RequestKind
    now: dt.datetime
    received_at: dt.datetime
    channel: str
    reply_channel: str
    pause: bool

    def request(self, subject_id: str) -> SubjectRequest:
        """The request as stored on receipt: ids, dates and channels only (Art. 12)."""
        return SubjectRequest(
            id=self.id,
            subject_id=subject_id,
            kind=self.kind.value,
            received_at=self.received_at,
            state=RequestState.RECEIVED.value,
            details=self.details(),
        )

    def case(
        self, subject_id: str, *, time_zone: str, calendar: HolidayCalendar | None
    ) -> RequestCase:
        """:meth:`request` read as a case, without storing it or reading back what it says.

        For a request answered in the same call (stored once, completed): equal to
        ``RequestCase.of(self.request(subject_id), ...)``, which would build the stored
        request (normalising its details) and parse its history and deadline back. A
        request just received has no identity step, extension or pause.
        """
        return RequestCase(
            id=self.id,
            subject_id=subject_id,
            kind=self.kind,
            state=RequestState.RECEIVED,
            received_at=self.received_at,
            deadline=request_deadline(self.received_at, time_zone=time_zone, calendar=calendar),
            paused=dt.timedelta(0),
            history=(Transition(state=RequestState.RECEIVED, at=self.received_at),),
            details=self.details(),
        )

    def details(self) -> dict[str, Any]:
        """The details of the request on receipt: channels, fee, pause and first move."""
        return {
            "version": 1,
            "channel": self.channel,
            "reply_channel": self.reply_channel,
            "fee": 0,
            "pause_for_identity": self.pause,
            "history": [{"state": RequestState.RECEIVED.value, "at": self.received_at.isoformat()}],
        }


class RightsDesk:
    """Receives, times and answers data-subject requests for one service (Art. 12, 15-21).

    Args:
        service: The privacy service holding the subjects' data.
        key_provider: The key-encryption key the service was built with; the suppression
            key for objections to direct marketing is derived through it.
        calendar: Public holidays for the rolled deadline; Swedish by default.
        pause_for_identity: Whether the clock stands still while identity is being
            confirmed (Art. 12(6)); off by default, the conservative reading (DSR-06).
        redact: Called on every disclosed value as ``(record_id, category, value)``;
            return the value to disclose or ``None`` to withhold it, where disclosure
            would harm other people's rights (Art. 15(4), 20(4); DSR-09).

    Attributes:
        unsubscribe: One-click unsubscribe links and the suppression list the desk's
            objections to direct marketing write to.
    """

    def __init__(
        self,
        service: PrivacyService,
        key_provider: KeyProvider,
        *,
        calendar: HolidayCalendar | None = None,
        pause_for_identity: bool = False,
        redact: Redactor | None = None,
    ) -> None:
        self._service = service
        self._store = service.store
        self._policy = service.policy
        self._clock = service.clock
        self._cipher = FieldCipher(service.keyring)
        self._calendar = calendar
        self._pause = bool(pause_for_identity)
        self._redact = redact
        self.unsubscribe = UnsubscribeLinks(service, key_provider)

    def __repr__(self) -> str:
        return f"RightsDesk(service={self._service!r})"

    # --- reading requests ----------------------------------------------------------------

    def _case(self, request: StoredRequest) -> RequestCase:
        return RequestCase.of(
            request, time_zone=self._policy.organisation.time_zone, calendar=self._calendar
        )

    def get(self, request_id: str) -> RequestCase:
        """Return a request with its deadline.

        Raises:
            NotFoundError: no such request.
        """
        request = self._store.get_request(require_id(request_id, "request_id"))
        if request is None:
            raise NotFoundError("no such request")
        return self._case(request)

    def requests_of(self, subject_id: str) -> list[RequestCase]:
        """Return a subject's requests, oldest first."""
        return [
            self._case(r)
            for r in self._store.requests_of_subject(require_id(subject_id, "subject_id"))
        ]

    def due_report(
        self,
        *,
        within: dt.timedelta = dt.timedelta(days=7),
        now: dt.datetime | None = None,
        limit: int = 10_000,
    ) -> tuple[DueItem, ...]:
        """Return the open requests overdue or due within *within*, soonest first (Art. 12(3)).

        Alerts key on the strict deadline in force (DSR-02).
        """
        if not isinstance(limit, int) or limit < 1:
            raise InvalidInputError("limit must be a positive integer")
        if not isinstance(within, dt.timedelta):
            raise InvalidInputError("within must be a timedelta")
        at = instant(now, self._clock, "now")
        open_requests = self._store.requests_in_state(sorted(OPEN_STATES), limit=limit)
        return due_items((self._case(r) for r in open_requests), now=at, within=within)

    # --- moves -------------------------------------------------------------------------

    def _write(
        self,
        case: RequestCase,
        state: RequestState,
        details: dict[str, Any],
        *,
        at: dt.datetime,
        actor: str,
        action: str,
        audit: Mapping[str, Any],
    ) -> RequestCase:
        """Store the new state and details and audit the move (inside the caller's transaction)."""
        stored = self._move(case, state, details, at=at, actor=actor, action=action, audit=audit)
        return self._case(stored)

    def _move(
        self,
        case: RequestCase,
        state: RequestState,
        details: dict[str, Any],
        *,
        at: dt.datetime,
        actor: str,
        action: str,
        audit: Mapping[str, Any],
    ) -> SubjectRequest:
        """:meth:`_write` without reading the stored request back as a case."""
        _enter(details, case.state, state, at)
        stored = self._store.update_request(case.id, state=state.value, details=details)
        self._service.audit.append(
            actor=actor,
            action=action,
            ids=[case.id, case.subject_id],
            details={"kind": case.kind.value, "state": state.value, **audit},
        )
        return stored

    def _load(self, request_id: str, step: Step) -> tuple[RequestCase, RequestState]:
        case = self.get(request_id)
        return case, next_state(case.state, step)

    def receive(
        self,
        subject_id: str,
        kind: RequestKind | str,
        *,
        received_at: dt.datetime | None = None,
        channel: str = "electronic",
        reply_channel: str | None = None,
        request_id: str | None = None,
        actor: str = "application",
    ) -> RequestCase:
        """Record a request received from a subject; the Art. 12(3) month starts (DSR-01).

        Args:
            subject_id: The requester (find them with ``service.find_subjects``).
            kind: The right exercised.
            received_at: When it arrived; now by default, never in the future.
            channel: How it arrived: ``electronic``, ``post``, ``in_person`` or ``phone``.
            reply_channel: How to answer; electronically for an electronic request
                unless the subject asks otherwise (Art. 12(3); DSR-07).
            request_id: An id of your own; a random one by default.
            actor: Who recorded it.

        Raises:
            NotFoundError: no such subject.
            ConflictError: the request id exists.
        """
        sid = require_id(subject_id, "subject_id")
        intake = self._intake(kind, received_at, channel, reply_channel, request_id)
        require_id(actor, "actor")
        with self._store.transaction():
            if self._store.get_subject(sid) is None:
                raise NotFoundError("no such subject")
            request = intake.request(sid)
            self._store.add_request(request)
            case = self._case(request)
            self._service.audit.append(
                actor=actor,
                action="request.received",
                ids=[request.id, sid],
                details={
                    "kind": intake.kind.value,
                    "channel": intake.channel,
                    "due": case.deadline.due_strict.isoformat(),
                },
            )
        return case

    def _intake(
        self,
        kind: RequestKind | str,
        received_at: dt.datetime | None,
        channel: str,
        reply_channel: str | None,
        request_id: str | None,
    ) -> _Intake:
        """Check a request's arguments and read the clock once (:meth:`receive`)."""
        wanted = _choice(RequestKind, kind, "kind")
        now = self._clock.now()
        when = _past(received_at, now, "received_at")
        for value, what in ((channel, "channel"), (reply_channel or channel, "reply_channel")):
            if value not in CHANNELS:
                raise InvalidInputError(f"{what} must be one of: {', '.join(sorted(CHANNELS))}")
        rid = uuid.uuid4().hex if request_id is None else require_id(request_id, "request_id")
        return _Intake(
            id=rid,
            kind=wanted,
            now=now,
            received_at=when,
            channel=channel,
            reply_channel=reply_channel or channel,
            pause=self._pause,
        )

    def ask_identity(
        self, request_id: str, *, asked: Collection[str], actor: str = "application"
    ) -> RequestCase:
        """Record that more information was asked for to confirm identity (Art. 12(6); DSR-06).

        Args:
            request_id: The request.
            asked: What was asked for, as item names (e.g. ``"order_number"``), never the
                values; only what is needed to confirm identity.
            actor: Who asked.
        """
        items = _ids(asked, "asked")
        if not items:
            raise InvalidInputError("asked must name what was asked for")
        require_id(actor, "actor")
        with self._store.transaction():
            case, state = self._load(request_id, Step.ASK_IDENTITY)
            now = self._clock.now()
            details = dict(case.details)
            identity = dict(details.get("identity") or {})
            identity["asked"] = sorted({*identity.get("asked", []), *items})
            identity.setdefault("asked_at", now.isoformat())
            details["identity"] = identity
            return self._write(
                case,
                state,
                details,
                at=now,
                actor=actor,
                action="request.identity_asked",
                audit={"asked": sorted(items)},
            )

    def confirm_identity(self, request_id: str, *, actor: str = "application") -> RequestCase:
        """Record that identity is confirmed; handling starts.

        With ``pause_for_identity`` the time waited since asking is added to the period.
        """
        require_id(actor, "actor")
        with self._store.transaction():
            case, state = self._load(request_id, Step.CONFIRM_IDENTITY)
            now = self._clock.now()
            details = dict(case.details)
            details["identity"] = {**details.get("identity", {}), "confirmed_at": now.isoformat()}
            return self._write(
                case,
                state,
                details,
                at=now,
                actor=actor,
                action="request.identity_confirmed",
                audit={},
            )

    def start(self, request_id: str, *, actor: str = "application") -> RequestCase:
        """Start handling a request whose identity is not in doubt."""
        require_id(actor, "actor")
        with self._store.transaction():
            case, state = self._load(request_id, Step.START)
            return self._write(
                case,
                state,
                dict(case.details),
                at=self._clock.now(),
                actor=actor,
                action="request.started",
                audit={},
            )

    def extend(
        self,
        request_id: str,
        *,
        reason: ExtensionReason | str,
        explanation: str,
        notified_at: dt.datetime | None = None,
        actor: str = "application",
    ) -> Extension:
        """Extend the deadline by two months, once (Art. 12(3); DSR-03).

        Args:
            request_id: The request.
            reason: Complexity or the number of requests.
            explanation: The reasons in words, as told to the subject (stored as a hash).
            notified_at: When the subject was told, with the reasons; now by default. It
                must be on or before the first period's last day.
            actor: Who decided.

        Raises:
            DeadlineError: already extended, or decided or notified after ``due_strict``.
            RequestStateError: the request is completed or refused.
        """
        why = _choice(ExtensionReason, reason, "reason")
        words = _text(explanation, "explanation")
        require_id(actor, "actor")
        with self._store.transaction():
            case, state = self._load(request_id, Step.EXTEND)
            now = self._clock.now()
            told = _past(notified_at, now, "notified_at")
            deadline = case.deadline.extend(_sha256(words), at=now, notified_at=told)
            details = dict(case.details)
            details["extension"] = {
                "reason": why.value,
                "explanation_sha256": _sha256(words),
                "at": now.isoformat(),
                "notified_at": told.isoformat(),
            }
            self._write(
                case,
                state,
                details,
                at=now,
                actor=actor,
                action="request.extended",
                audit={"reason": why.value, "due": deadline.due.isoformat()},
            )
        text = extension_text(
            kind=case.kind,
            received=case.deadline.receipt_day,
            reason=why,
            explanation=words,
            due=deadline.due,
        )
        return Extension(request_id=case.id, deadline=deadline, text=text)

    def refuse(
        self,
        request_id: str,
        *,
        ground: RefusalGround | str,
        explanation: str,
        actor: str = "application",
    ) -> Refusal:
        """Decide not to act on a request, with reasons and the right to complain (Art. 12(4)).

        Args:
            request_id: The request.
            ground: Why; manifestly unfounded or excessive needs the justification in
                *explanation*, as the burden of proof is the controller's (DSR-05).
            explanation: The reasons in words, as told to the subject (stored as a hash).
            actor: Who decided.

        Returns:
            The refusal, with the text for the subject (reasons, supervisory authority,
            judicial remedy) and whether it was decided after the deadline.
        """
        why = _choice(RefusalGround, ground, "ground")
        words = _text(explanation, "explanation")
        require_id(actor, "actor")
        with self._store.transaction():
            case, state = self._load(request_id, Step.REFUSE)
            now = self._clock.now()
            late = case.deadline.is_overdue(now)
            details = dict(case.details)
            details["refusal"] = {
                "ground": why.value,
                "article": why.article,
                "explanation_sha256": _sha256(words),
                "at": now.isoformat(),
                "late": late,
            }
            self._write(
                case,
                state,
                details,
                at=now,
                actor=actor,
                action="request.refused",
                audit={"ground": why.value, "late": late},
            )
        text = refusal_text(
            self._policy,
            kind=case.kind,
            received=case.deadline.receipt_day,
            ground=why,
            explanation=words,
        )
        return Refusal(request_id=case.id, ground=why, text=text, late=late)

    def _answer(
        self, request_id: str, kind: RequestKind
    ) -> tuple[RequestCase, RequestState, dt.datetime]:
        """Load a request to complete; call inside a transaction."""
        case, state = self._load(request_id, Step.COMPLETE)
        if case.kind is not kind:
            raise InvalidInputError(
                f"the request is for the {case.kind.value} right, not {kind.value}"
            )
        return case, state, self._clock.now()

    def _complete(
        self,
        case: RequestCase,
        state: RequestState,
        *,
        at: dt.datetime,
        actor: str,
        outcome: Mapping[str, Any],
        notices: tuple[NoticeTarget, ...] = (),
        audit: Mapping[str, Any] | None = None,
    ) -> None:
        """Store the outcome, complete the request and audit it (inside a transaction)."""
        details, late = _completion(case, at=at, outcome=outcome, notices=notices)
        self._move(
            case,
            state,
            details,
            at=at,
            actor=actor,
            action=f"request.{case.kind.value}.completed",
            audit={"late": late, **(audit or {}), "notices": [n.recipient_id for n in notices]},
        )

    # --- Art. 15 and 20 -------------------------------------------------------------------

    def _holding(self, subject_id: str, at: dt.datetime) -> Holding:
        return read_holding(self._store, self._cipher, subject_id, at=at, redact=self._redact)

    def _package(
        self, case: RequestCase, now: dt.datetime
    ) -> tuple[AccessPackage, dict[str, Any], dict[str, Any]]:
        """Read and decrypt everything held; return the package, the outcome, the disclosure."""
        holding = self._holding(case.subject_id, now)
        package, encoded = encoded_package(
            self._policy,
            holding,
            request_id=case.id,
            received_at=case.received_at,
            due=case.deadline.due,
        )
        outcome = {
            "records": len(holding.records),
            "package_sha256": hashlib.sha256(encoded).hexdigest(),
        }
        return package, outcome, _disclosure(holding)

    def access(self, request_id: str, *, actor: str = "application") -> AccessPackage:
        """Answer an access request: the data and every Art. 15(1),(2) item (DSR-08).

        Every record of the subject is read, decrypted and disclosed, restricted ones
        included, and the request completed, in one transaction; its one audit entry,
        ``request.access.completed``, records the disclosure too (the records and
        categories disclosed; Art. 5(2)). :meth:`answer_access` receives and answers in
        one step.

        Returns:
            The package; ``to_json()`` and ``to_markdown("en" | "sv")`` render it.
        """
        require_id(actor, "actor")
        with self._store.transaction():
            case, state, now = self._answer(request_id, RequestKind.ACCESS)
            package, outcome, disclosed = self._package(case, now)
            self._complete(case, state, at=now, actor=actor, outcome=outcome, audit=disclosed)
        return package

    def answer_access(
        self,
        *,
        subject_id: str | None = None,
        email: str | None = None,
        received_at: dt.datetime | None = None,
        channel: str = "electronic",
        reply_channel: str | None = None,
        request_id: str | None = None,
        actor: str = "application",
    ) -> AccessPackage:
        """Receive an access request and answer it at once (Art. 12(3), 15; DSR-01, DSR-08).

        :meth:`receive` followed by :meth:`access`, in one transaction with one durable
        commit: the request is stored already completed, with its whole history
        (received, in progress, completed), and one audit entry,
        ``request.access.completed``, records the receipt (``received``: channel and
        strict deadline), the disclosure (records and categories) and the completion.
        Nothing is stored if any step fails.

        Use it only where the requester's identity is not in doubt (a signed-in account,
        a verified address); otherwise :meth:`receive` and :meth:`ask_identity` first
        (Art. 12(6); DSR-06). Finding the subject by e-mail address does not confirm
        who is asking.

        Args:
            subject_id: The requester; or give *email* instead.
            email: The requester's registered e-mail address, looked up through the
                blind index (``service.find_subjects``) inside the transaction.
            received_at: When it arrived; now by default, never in the future.
            channel: How it arrived (see :meth:`receive`).
            reply_channel: How to answer; the channel it arrived by by default.
            request_id: An id of your own; a random one by default.
            actor: Who answered.

        Returns:
            The package, its request id in ``package["request"]["id"]``.

        Raises:
            InvalidInputError: neither or both of *subject_id* and *email*.
            NotFoundError: no such subject, or no subject with that address.
            ConflictError: the address belongs to more than one subject (answer each by
                *subject_id*), or the request id exists.
        """
        if (subject_id is None) == (email is None):
            raise InvalidInputError("give exactly one of subject_id and email")
        sid = None if subject_id is None else require_id(subject_id, "subject_id")
        intake = self._intake(RequestKind.ACCESS, received_at, channel, reply_channel, request_id)
        require_id(actor, "actor")
        with self._store.transaction():
            sid = self._requester(sid, email)
            case = intake.case(
                sid, time_zone=self._policy.organisation.time_zone, calendar=self._calendar
            )
            state = next_state(case.state, Step.COMPLETE)
            package, outcome, disclosed = self._package(case, intake.now)
            details, late = _completion(case, at=intake.now, outcome=outcome, notices=())
            _enter(details, case.state, state, intake.now)
            self._store.add_request(
                SubjectRequest(
                    id=case.id,
                    subject_id=sid,
                    kind=case.kind.value,
                    received_at=intake.received_at,
                    state=state.value,
                    details=details,
                )
            )
            self._service.audit.append(
                actor=actor,
                action="request.access.completed",
                ids=[case.id, sid],
                details={
                    "kind": case.kind.value,
                    "state": state.value,
                    "received": {
                        "channel": intake.channel,
                        "due": case.deadline.due_strict.isoformat(),
                    },
                    "late": late,
                    **disclosed,
                    "notices": [],
                },
            )
        return package

    def _requester(self, subject_id: str | None, email: str | None) -> str:
        """The subject asking: *subject_id* checked, or the one subject with *email*."""
        if subject_id is not None:
            if self._store.get_subject(subject_id) is None:
                raise NotFoundError("no such subject")
            return subject_id
        found = self._service.find_subjects(email=str(email))
        if not found:
            raise NotFoundError("no subject is registered with this e-mail address")
        if len(found) > 1:
            raise ConflictError(
                f"{len(found)} subjects are registered with this e-mail address; "
                "answer each by subject_id"
            )
        return found[0]

    def portability(self, request_id: str, *, actor: str = "application") -> PortabilityExport:
        """Answer a portability request: provided data under consent or contract (Art. 20; DSR-15).

        The completion's audit entry records the disclosure too (records and categories).

        Returns:
            The export; ``to_json()`` and ``to_csv()`` render it.
        """
        require_id(actor, "actor")
        with self._store.transaction():
            case, state, now = self._answer(request_id, RequestKind.PORTABILITY)
            holding = self._holding(case.subject_id, now)
            export = PortabilityExport.build(self._policy, holding, request_id=case.id)
            self._complete(
                case,
                state,
                at=now,
                actor=actor,
                outcome={
                    "categories": list(export.categories),
                    "export_sha256": _digest(export.data),
                },
                audit=_disclosure(holding),
            )
        return export

    # --- Art. 16 --------------------------------------------------------------------------

    def rectify(
        self,
        request_id: str,
        changes: Mapping[str, Mapping[str, FieldValue]],
        *,
        actor: str = "application",
    ) -> RectificationResult:
        """Correct or complete the subject's data, re-encrypted in place (Art. 16; DSR-10).

        Args:
            request_id: The rectification request.
            changes: Record id to ``{category: corrected value}``. A category may be added
                to a record (completing it) only where a live purpose of the record
                declares it (Art. 5(1)(c)).
            actor: Who corrected it.

        Returns:
            What changed and the recipients to tell (Art. 19).

        Raises:
            NotFoundError: an unknown record, or one of another subject.
            NotDeclaredError: a category no live purpose of the record declares.
        """
        require_id(actor, "actor")
        if not isinstance(changes, Mapping) or not changes:
            raise InvalidInputError("changes must map at least one record id to its fields")
        if not all(isinstance(f, Mapping) for f in changes.values()):
            raise InvalidInputError("changes must map each record id to {category: value}")
        with self._store.transaction():
            case, state, now = self._answer(request_id, RequestKind.RECTIFICATION)
            changed: list[tuple[str, tuple[str, ...]]] = []
            purposes: set[str] = set()
            for record_id, fields in sorted(changes.items()):
                record = self._store.get_record(require_id(record_id, "changes key"))
                if record is None or record.subject_id != case.subject_id:
                    raise NotFoundError("no such record of this subject")
                if not fields:
                    raise InvalidInputError("each record in changes needs at least one field")
                live = [
                    self._policy.purpose(link.purpose_id)
                    for link in self._store.links_of_record(record.id)
                    if link.state is LinkState.LIVE
                ]
                encrypted = {}
                for category, value in sorted(fields.items()):
                    self._policy.category(require_id(category, "changes category"))
                    users = [p.id for p in live if category in p.categories]
                    if not users:
                        raise NotDeclaredError(
                            f"changes[{category!r}]: no live purpose of the record declares "
                            "the category (Art. 5(1)(c))"
                        )
                    purposes.update(users)
                    context = FieldContext(
                        record_id=record.id, category_id=category, subject_id=case.subject_id
                    )
                    encrypted[category] = self._cipher.encrypt(
                        encode_field(value, category), context
                    )
                self._store.put_fields(record.id, encrypted)
                changed.append((record.id, tuple(sorted(encrypted))))
            targets = notice_targets(self._policy, purposes)
            self._service.audit.append(
                actor=actor,
                action="request.rectified",
                ids=[case.id, case.subject_id, *(r for r, _ in changed)],
                details={"fields": {r: list(c) for r, c in changed}},
            )
            self._complete(
                case,
                state,
                at=now,
                actor=actor,
                outcome={"changed": {r: list(c) for r, c in changed}},
                notices=targets,
            )
        return RectificationResult(request_id=case.id, changed=tuple(changed), notices=targets)

    # --- Art. 17 --------------------------------------------------------------------------

    def erase(
        self,
        request_id: str,
        *,
        ground: ErasureGround | str,
        actor: str = "application",
    ) -> ErasureAnswer:
        """Erase what may go now and keep the rest under a named Art. 17(3) exception (DSR-11).

        Each live link is decided by :func:`~gdprkit.requests.erasure.decide_erasure`. The
        links that may go are ended (``end_purposes(event="erasure")``) and the subject's
        due links disposed of at once (``engine.sweep_subject``): fields no retained
        purpose declares are removed, records without a retained purpose deleted, and
        what stays is re-encrypted under a new key version while every older version is
        destroyed, so every copy of the erased data, backups included, is unreadable from
        now (partial crypto-shredding). What is kept stays linked only to the purpose that
        requires it, with its own stored disposal date. The e-mail blind index goes too
        unless a kept field is the e-mail address. All in one transaction.

        Returns:
            The answer: what was erased, what was kept, why (exception and law) and until
            when (the ``eligible_from`` the engine stores), and the recipients to tell.
        """
        why = _choice(ErasureGround, ground, "ground")
        require_id(actor, "actor")
        service, store = self._service, self._store
        with store.transaction():
            case, state, now = self._answer(request_id, RequestKind.ERASURE)
            sid = case.subject_id
            before = {r.id: set(r.fields) for r in store.records_of_subject(sid)}
            live = [link for link in store.links_of_subject(sid) if link.state is LinkState.LIVE]
            decisions = decide_erasure(
                self._policy,
                live,
                store.active_holds(),
                subject_id=sid,
                record_fields=before,
                now=now,
            )
            ending = [d for d in decisions if d.erase]
            restricted = {(x.record_id, x.purpose_id) for x in live if x.restricted}
            for d in ending:
                if (d.record_id, d.purpose_id) in restricted:
                    service.set_restriction(
                        sid,
                        restricted=False,
                        purposes=[d.purpose_id],
                        record_ids=[d.record_id],
                        actor=actor,
                    )
                service.end_purposes(
                    sid,
                    event=ERASURE,
                    purposes=[d.purpose_id],
                    record_ids=[d.record_id],
                    actor=actor,
                    now=now,
                )
            if ending:
                service.engine.sweep_subject(sid, now, actor=actor)
            after = {r.id: set(r.fields) for r in store.records_of_subject(sid)}
            kept_decisions = [d for d in decisions if not d.erase]
            kept_categories = {c for fields in after.values() for c in fields}
            if _EMAIL_CATEGORY not in kept_categories and store.get_subject(sid) is not None:
                store.remove_blind_index(sid, index_name=EMAIL_INDEX)
            erased = []
            for record_id, fields in sorted(before.items()):
                ended = sorted(d.purpose_id for d in ending if d.record_id == record_id)
                removed = fields - after.get(record_id, set())
                if ended or removed:
                    erased.append((record_id, ended, sorted(removed), record_id not in after))
            kept = []
            for d in kept_decisions:
                link = store.get_link(d.record_id, d.purpose_id)
                purpose = self._policy.purpose(d.purpose_id)
                kept_fields = after.get(d.record_id, set()) & set(purpose.categories)
                kept.append((d, sorted(kept_fields), link.eligible_from if link else None))
            targets = notice_targets(self._policy, {d.purpose_id for d in ending})
            answer = erasure_answer(
                self._policy,
                request_id=case.id,
                subject_id=sid,
                ground=why,
                answered_at=now,
                erased=erased,
                kept=kept,
                notices=targets,
            )
            self._complete(
                case,
                state,
                at=now,
                actor=actor,
                outcome={
                    "ground": why.value,
                    "erased": [
                        {"record": r, "purposes": p, "categories": c, "deleted": x}
                        for r, p, c, x in erased
                    ],
                    "kept": [
                        {
                            "record": d.record_id,
                            "purpose": d.purpose_id,
                            "exception": d.exception.value if d.exception else None,
                            "until": e.isoformat() if e else None,
                        }
                        for d, _, e in kept
                    ],
                },
                notices=targets,
                audit={"ground": why.value, "links_ended": len(ending), "kept": len(kept)},
            )
        return answer

    # --- Art. 18 --------------------------------------------------------------------------

    def _links_in_scope(
        self,
        subject_id: str,
        purposes: list[str] | None,
        record_ids: list[str] | None,
        *,
        keep: Callable[[PurposeLink], bool],
    ) -> list[PurposeLink]:
        return [
            link
            for link in self._store.links_of_subject(subject_id)
            if link.state is LinkState.LIVE
            and (purposes is None or link.purpose_id in purposes)
            and (record_ids is None or link.record_id in record_ids)
            and keep(link)
        ]

    def restrict(
        self,
        request_id: str,
        *,
        ground: RestrictionGround | str,
        purposes: Collection[str] | None = None,
        record_ids: Collection[str] | None = None,
        actor: str = "application",
    ) -> RestrictionResult:
        """Restrict processing (Art. 18; DSR-13): stored, neither read nor disposed of.

        Reads of the restricted links are refused (``service.read`` raises
        :class:`~gdprkit.errors.AccessDenied`) and the retention engine skips them until
        the restriction is lifted with :meth:`lift_restriction`.
        """
        why = _choice(RestrictionGround, ground, "ground")
        only_purposes = _ids(purposes, "purposes")
        only_records = _ids(record_ids, "record_ids")
        require_id(actor, "actor")
        with self._store.transaction():
            case, state, now = self._answer(request_id, RequestKind.RESTRICTION)
            affected = self._links_in_scope(
                case.subject_id, only_purposes, only_records, keep=lambda x: not x.restricted
            )
            changed = self._service.set_restriction(
                case.subject_id,
                restricted=True,
                purposes=only_purposes,
                record_ids=only_records,
                actor=actor,
            )
            targets = notice_targets(self._policy, {x.purpose_id for x in affected})
            self._complete(
                case,
                state,
                at=now,
                actor=actor,
                outcome={"ground": why.value, "article": why.article, "links": changed},
                notices=targets,
                audit={"ground": why.value},
            )
        return RestrictionResult(request_id=case.id, ground=why, links=changed, notices=targets)

    def lift_restriction(
        self,
        subject_id: str,
        *,
        notified_at: dt.datetime,
        purposes: Collection[str] | None = None,
        record_ids: Collection[str] | None = None,
        actor: str = "application",
    ) -> int:
        """Lift a restriction after telling the subject beforehand (Art. 18(3); DSR-13).

        Args:
            subject_id: Whose links.
            notified_at: When the subject was told the restriction would be lifted; not
                in the future.
            purposes: Only links of these purposes (all by default).
            record_ids: Only links of these records (all by default).
            actor: Who lifted it.

        Returns:
            How many links are no longer restricted.
        """
        sid = require_id(subject_id, "subject_id")
        require_id(actor, "actor")
        now = self._clock.now()
        told = _past(notified_at, now, "notified_at")
        with self._store.transaction():
            self._service.audit.append(
                actor=actor,
                action="request.restriction_lift_notified",
                ids=[sid],
                details={"notified_at": told.isoformat(), "article": "18(3)"},
            )
            return self._service.set_restriction(
                sid,
                restricted=False,
                purposes=_ids(purposes, "purposes"),
                record_ids=_ids(record_ids, "record_ids"),
                actor=actor,
            )

    # --- Art. 21 --------------------------------------------------------------------------

    def _end_for_objection(
        self, subject_id: str, purposes: Collection[str], actor: str, now: dt.datetime
    ) -> int:
        """End the live links of *purposes* that are not already ended by an objection."""
        ended = 0
        for purpose_id in sorted(purposes):
            pending = [
                x.record_id
                for x in self._links_in_scope(
                    subject_id, [purpose_id], None, keep=lambda x: OBJECTION not in x.triggers
                )
            ]
            if pending:
                ended += self._service.end_purposes(
                    subject_id,
                    event=OBJECTION,
                    purposes=[purpose_id],
                    record_ids=pending,
                    actor=actor,
                    now=now,
                )
        return ended

    def object(
        self,
        request_id: str,
        *,
        purposes: Collection[str],
        compelling_grounds: Mapping[str, str] | None = None,
        actor: str = "application",
    ) -> ObjectionResult:
        """Handle an objection on grounds of the subject's situation (Art. 21(1); DSR-16).

        Processing for each purpose stops at once unless *compelling_grounds* records,
        for that purpose, compelling legitimate grounds that override the subject's
        interests, or that the data is needed for legal claims. Direct marketing is not
        handled here: an objection to it is absolute (:meth:`object_to_marketing`).

        Raises:
            InvalidInputError: a purpose the right to object does not apply to (not
                based on Art. 6(1)(e) or (f)), a direct-marketing purpose, or grounds for
                a purpose not objected to.
        """
        wanted = _ids(purposes, "purposes")
        if not wanted:
            raise InvalidInputError("purposes must name at least one purpose")
        chosen = [self._policy.purpose(p) for p in wanted]
        for purpose in chosen:
            if purpose.direct_marketing:
                raise InvalidInputError(
                    f"purpose {purpose.id!r} is direct marketing: the objection is absolute, "
                    "use object_to_marketing (Art. 21(2),(3))"
                )
            if not purpose.objection_applies:
                raise InvalidInputError(
                    f"the right to object does not apply to purpose {purpose.id!r} "
                    "(only Art. 6(1)(e) and (f); Art. 21(1))"
                )
        if compelling_grounds is not None and not isinstance(compelling_grounds, Mapping):
            raise InvalidInputError("compelling_grounds must map purpose ids to the grounds")
        grounds = dict(compelling_grounds or {})
        for purpose_id, words in grounds.items():
            if purpose_id not in wanted:
                raise InvalidInputError("compelling_grounds names a purpose not objected to")
            _text(words, "compelling_grounds")
        require_id(actor, "actor")
        upheld = sorted(set(wanted) - set(grounds))
        with self._store.transaction():
            case, state, now = self._answer(request_id, RequestKind.OBJECTION)
            ended = self._end_for_objection(case.subject_id, upheld, actor, now)
            self._complete(
                case,
                state,
                at=now,
                actor=actor,
                outcome={
                    "article": "21(1)",
                    "upheld": upheld,
                    "overridden": {p: _sha256(g) for p, g in sorted(grounds.items())},
                    "links": ended,
                },
                audit={"upheld": upheld, "overridden": sorted(grounds)},
            )
        return ObjectionResult(
            request_id=case.id,
            upheld=tuple(upheld),
            overridden=tuple(sorted(grounds)),
            links_ended=ended,
            suppressed=0,
        )

    def object_to_marketing(
        self,
        request_id: str,
        *,
        purposes: Collection[str] | None = None,
        emails: Collection[str] = (),
        actor: str = "application",
    ) -> ObjectionResult:
        """Handle an objection to direct marketing: absolute, at once (Art. 21(2),(3); DSR-17).

        There is nothing to weigh and no override: processing for the direct-marketing
        purposes stops now, a consent to a consent-based one is withdrawn, and each
        address (those given, and every e-mail address stored for the subject) is put
        on the suppression list for each purpose, so the objection holds even after the
        subject is erased.

        Args:
            request_id: The objection request.
            purposes: The direct-marketing purposes objected to (all by default).
            emails: Addresses to suppress besides the ones stored.
            actor: Who recorded it.
        """
        names = _ids(purposes, "purposes")
        marketing = [p for p in self._policy.purposes if p.direct_marketing]
        if names is not None:
            chosen = [self._policy.purpose(p) for p in names]
            for purpose in chosen:
                if not purpose.direct_marketing:
                    raise InvalidInputError(
                        f"purpose {purpose.id!r} is not direct marketing; use object (Art. 21(1))"
                    )
            marketing = chosen
        if not marketing:
            raise InvalidInputError("the policy declares no direct-marketing purpose")
        if isinstance(emails, str):
            raise InvalidInputError("emails must be a list of addresses")
        given = [self.unsubscribe.suppressions.digest(e) for e in emails]
        require_id(actor, "actor")
        ids = sorted(p.id for p in marketing)
        with self._store.transaction():
            case, state, now = self._answer(request_id, RequestKind.OBJECTION)
            stored = self._stored_addresses(case.subject_id, now)
            digests = sorted(set(given) | set(stored))
            for digest in digests:
                for purpose_id in ids:
                    self.unsubscribe.suppressions.add(digest, purpose_id)
            for purpose in marketing:
                self._withdraw(case, purpose, actor)
            ended = self._end_for_objection(case.subject_id, ids, actor, now)
            self._complete(
                case,
                state,
                at=now,
                actor=actor,
                outcome={"article": "21(2)", "upheld": ids, "links": ended},
                audit={"upheld": ids, "suppressed": len(digests) * len(ids)},
            )
        return ObjectionResult(
            request_id=case.id,
            upheld=tuple(ids),
            overridden=(),
            links_ended=ended,
            suppressed=len(digests) * len(ids),
        )

    def _stored_addresses(self, subject_id: str, at: dt.datetime) -> list[bytes]:
        holding = read_holding(self._store, self._cipher, subject_id, at=at)
        return [
            self.unsubscribe.suppressions.digest(f.value)
            for r in holding.records
            for f in r.fields
            if f.category == _EMAIL_CATEGORY and isinstance(f.value, str) and "@" in f.value
        ]

    def _withdraw(self, case: RequestCase, purpose: Purpose, actor: str) -> None:
        ledger = self._service.consent
        definition = purpose.consent
        if (
            purpose.legal_basis is not LegalBasis.CONSENT
            or definition is None
            or not definition.withdraw_channels
            or not ledger.is_permitted(case.subject_id, purpose.id)
        ):
            return
        ledger.withdraw(
            case.subject_id,
            purpose.id,
            channel=definition.withdraw_channels[0].value,
            at=self._clock.now(),  # one reading: the ledger reads a moving clock twice
            evidence={"request_id": case.id, "article": "21(2)"},
            actor=actor,
        )

    # --- Art. 19 --------------------------------------------------------------------------

    def notices(self, request_id: str) -> tuple[Notice, ...]:
        """Return the recipients to tell of a rectification, erasure or restriction (Art. 19).

        This is also the list the subject is given on request (DSR-14).
        """
        case = self.get(request_id)
        result = []
        for recipient_id, entry in sorted((case.details.get("notices") or {}).items()):
            recipient = self._policy.recipient(recipient_id)
            at = entry.get("at")
            result.append(
                Notice(
                    target=NoticeTarget(
                        recipient_id=recipient.id,
                        name=recipient.name,
                        role=recipient.role.value,
                        country=recipient.country,
                        purposes=tuple(entry.get("purposes", ())),
                    ),
                    status=NoticeStatus(entry["status"]),
                    at=dt.datetime.fromisoformat(at) if at else None,
                )
            )
        return tuple(result)

    def _set_notice(
        self,
        request_id: str,
        recipient_id: str,
        status: NoticeStatus,
        *,
        actor: str,
        at: dt.datetime | None,
        reason: str | None = None,
    ) -> Notice:
        rid = require_id(recipient_id, "recipient_id")
        require_id(actor, "actor")
        now = self._clock.now()
        when = _past(at, now, "at")
        with self._store.transaction():
            case = self.get(request_id)
            notices = dict(case.details.get("notices") or {})
            if rid not in notices:
                raise NotFoundError("the request has no notice to this recipient")
            entry: dict[str, Any] = {
                **notices[rid],
                "status": status.value,
                "at": when.isoformat(),
            }
            if reason is not None:
                entry["reason_sha256"] = _sha256(reason)
            notices[rid] = entry
            details = {**case.details, "notices": notices}
            self._store.update_request(case.id, state=case.state.value, details=details)
            self._service.audit.append(
                actor=actor,
                action=f"request.notice_{status.value}",
                ids=[case.id, case.subject_id],
                details={"recipient": rid, "article": "19"},
            )
        return next(n for n in self.notices(case.id) if n.target.recipient_id == rid)

    def acknowledge(
        self,
        request_id: str,
        recipient_id: str,
        *,
        at: dt.datetime | None = None,
        actor: str = "application",
    ) -> Notice:
        """Record that a recipient acknowledged the rectification, erasure or restriction."""
        return self._set_notice(
            request_id, recipient_id, NoticeStatus.ACKNOWLEDGED, actor=actor, at=at
        )

    def notice_impossible(
        self,
        request_id: str,
        recipient_id: str,
        *,
        reason: str,
        actor: str = "application",
    ) -> Notice:
        """Record that telling a recipient is impossible or disproportionate (Art. 19)."""
        return self._set_notice(
            request_id,
            recipient_id,
            NoticeStatus.IMPOSSIBLE,
            actor=actor,
            at=None,
            reason=_text(reason, "reason"),
        )
