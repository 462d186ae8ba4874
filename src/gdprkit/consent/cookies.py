"""The cookie and tracker consent gate (LEK 2022:482 9 kap. 28 §; LEGAL.md CON-12, CON-13).

Storing or reading information on a user's device needs consent unless it is strictly
necessary to transmit the communication or to provide the service the user asked for.
So a strictly necessary tracker is always allowed, and every other tracker only while
a valid consent covers it. Consent to trackers is ordinary consent under the GDPR
standard (CON-13): it is recorded, proven and withdrawn through the
:class:`~gdprkit.consent.ledger.ConsentLedger`, against the consent-based purposes of
the policy; this module only answers "may this tracker run now?".

**Which purpose covers a tracker.** The policy's :class:`~gdprkit.policy.model.Tracker`
has a category and, for third parties, a recipient, but no explicit link to a purpose
yet. gdprkit maps a tracker to purposes with this rule:

1. A strictly necessary tracker needs no purpose and no consent.
2. A tracker that names a ``recipient`` is covered by the consent-based purposes that
   list that recipient: the consent that lets the data go to the recipient is the one
   that lets the tracker collect it.
3. Any other tracker is covered by the consent-based purposes that declare the
   ``online_identifiers`` category (what a tracker stores or reads) and whose
   ``direct_marketing`` flag matches the tracker's category: marketing trackers map to
   direct-marketing purposes, preferences and statistics trackers to the others.

A tracker runs only when *every* purpose it maps to has consent in force (conservative:
a tracker serving two purposes needs both consents). A tracker the rule maps to no
purpose never runs; :func:`unmapped_trackers` lists them so a policy check can flag them.

Pure: no storage, no keys; consent answers come from any object with the ledger's
``is_permitted`` method.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from gdprkit.errors import GdprKitError, InvalidInputError, NotFoundError
from gdprkit.policy.vocab import LegalBasis, TrackerCategory

if TYPE_CHECKING:
    import datetime as dt

    from gdprkit.policy.model import Policy, Purpose, Tracker

__all__ = [
    "DEVICE_CATEGORY",
    "ConsentAnswers",
    "CookieGate",
    "consent_required",
    "tracker_purposes",
    "unmapped_trackers",
]

DEVICE_CATEGORY = "online_identifiers"
"""The data category a tracker without a recipient is matched on (rule 3)."""


class ConsentAnswers(Protocol):
    """**Protocol:** answers whether consent is in force, as the consent ledger does."""

    def is_permitted(self, subject_id: str, purpose_id: str, at: dt.datetime | None = None) -> bool:
        """Return whether the subject's consent to the purpose is in force at *at* (or now)."""
        ...


def consent_required(tracker: Tracker) -> bool:
    """Return whether *tracker* needs consent: every category but strictly necessary (CON-12)."""
    return tracker.category is not TrackerCategory.STRICTLY_NECESSARY


def _consent_purposes(policy: Policy) -> list[Purpose]:
    return [p for p in policy.purposes if p.legal_basis is LegalBasis.CONSENT]


def tracker_purposes(policy: Policy, tracker: Tracker) -> tuple[str, ...]:
    """Return the ids of the consent-based purposes that cover *tracker* (the module's rule).

    Empty for a strictly necessary tracker (it needs none) and for a tracker the rule
    maps to nothing (it never runs).
    """
    if not consent_required(tracker):
        return ()
    candidates = _consent_purposes(policy)
    if tracker.recipient is not None:
        chosen = [p for p in candidates if tracker.recipient in p.recipients]
    else:
        marketing = tracker.category is TrackerCategory.MARKETING
        chosen = [
            p
            for p in candidates
            if DEVICE_CATEGORY in p.categories and p.direct_marketing == marketing
        ]
    return tuple(sorted(p.id for p in chosen))


def unmapped_trackers(policy: Policy) -> tuple[str, ...]:
    """Return the ids of trackers that need consent but no purpose covers: they never run."""
    return tuple(
        sorted(
            t.id for t in policy.trackers if consent_required(t) and not tracker_purposes(policy, t)
        )
    )


def _category(value: object) -> TrackerCategory:
    if isinstance(value, TrackerCategory):
        return value
    try:
        return TrackerCategory(str(value))
    except GdprKitError:
        choices = ", ".join(c.value for c in TrackerCategory)
        raise InvalidInputError(f"category must be one of: {choices}") from None


class CookieGate:
    """Answers which trackers may run for a visitor, from the policy and consent in force.

    Args:
        policy: Declares the trackers and the consent-based purposes.
        consent: Answers whether consent is in force (e.g. ``service.consent``).
    """

    def __init__(self, policy: Policy, consent: ConsentAnswers) -> None:
        self._policy = policy
        self._consent = consent
        self._trackers = {t.id: t for t in policy.trackers}
        self._purposes = {t.id: tracker_purposes(policy, t) for t in policy.trackers}

    def __repr__(self) -> str:
        return f"CookieGate(trackers={sorted(self._trackers)})"

    def _tracker(self, tracker_id: str) -> Tracker:
        if not isinstance(tracker_id, str):
            raise InvalidInputError("tracker_id must be a tracker id")
        try:
            return self._trackers[tracker_id]
        except KeyError:
            raise NotFoundError(f"no tracker with id {tracker_id!r} is declared") from None

    def purposes(self, tracker_id: str) -> tuple[str, ...]:
        """Return the purposes whose consent *tracker_id* needs (empty when none is needed)."""
        return self._purposes[self._tracker(tracker_id).id]

    def consent_required(self, tracker_id: str) -> bool:
        """Return whether the tracker needs consent (CON-12)."""
        return consent_required(self._tracker(tracker_id))

    def allowed(self, visitor: str | None, tracker_id: str, at: dt.datetime | None = None) -> bool:
        """Return whether the tracker may be set or read for *visitor* at *at* (or now).

        Args:
            visitor: The visitor's subject id in the consent ledger, or ``None`` for a
                visitor who has given no consent: only strictly necessary trackers run.
            tracker_id: The tracker's inventory id.
            at: The instant; now by default.
        """
        tracker = self._tracker(tracker_id)
        if not consent_required(tracker):
            return True
        purposes = self._purposes[tracker.id]
        if visitor is None or not purposes:
            return False
        return all(self._consent.is_permitted(visitor, p, at) for p in purposes)

    def allowed_category(
        self, visitor: str | None, category: TrackerCategory | str, at: dt.datetime | None = None
    ) -> bool:
        """Return whether every tracker of *category* may run (``consent_gate``, CON-12).

        Strictly necessary is always allowed; any other category is refused until a
        valid grant covers each of its trackers, and a category with no trackers
        declared is refused (there is nothing consent could have been asked for).
        """
        wanted = _category(category)
        if wanted is TrackerCategory.STRICTLY_NECESSARY:
            return True
        members = [t.id for t in self._trackers.values() if t.category is wanted]
        return bool(members) and all(self.allowed(visitor, t, at) for t in members)

    def allowed_trackers(
        self, visitor: str | None, at: dt.datetime | None = None
    ) -> tuple[str, ...]:
        """Return the ids of every tracker that may run for *visitor* now, sorted."""
        return tuple(sorted(t for t in self._trackers if self.allowed(visitor, t, at)))
