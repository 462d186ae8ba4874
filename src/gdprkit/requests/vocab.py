"""The closed vocabularies of data-subject requests (Art. 12, 15-21).

Each value is what is stored in a request's ``details`` and shown in exports; each
member's docstring cites the provision it stands for, and :attr:`article` gives the
citation in the short form documents use (``"17(3)(b)"``). Pure.
"""

from __future__ import annotations

from gdprkit.policy.vocab import ClosedVocabulary

__all__ = [
    "ErasureException",
    "ErasureGround",
    "ExtensionReason",
    "NoticeStatus",
    "RefusalGround",
    "RequestKind",
    "RequestState",
    "RestrictionGround",
]


class RequestKind(ClosedVocabulary):
    """Which right a request exercises."""

    ACCESS = "access"
    """Right of access by the data subject (Art. 15)."""
    RECTIFICATION = "rectification"
    """Right to rectification (Art. 16)."""
    ERASURE = "erasure"
    """Right to erasure (Art. 17)."""
    RESTRICTION = "restriction"
    """Right to restriction of processing (Art. 18)."""
    PORTABILITY = "portability"
    """Right to data portability (Art. 20)."""
    OBJECTION = "objection"
    """Right to object (Art. 21(1)); to direct marketing, Art. 21(2)."""

    @property
    def article(self) -> str:
        """The article that grants the right."""
        return _KIND_ARTICLE[self]


_KIND_ARTICLE = {
    RequestKind.ACCESS: "15",
    RequestKind.RECTIFICATION: "16",
    RequestKind.ERASURE: "17",
    RequestKind.RESTRICTION: "18",
    RequestKind.PORTABILITY: "20",
    RequestKind.OBJECTION: "21",
}


class RequestState(ClosedVocabulary):
    """Where a request stands; see :mod:`gdprkit.requests.lifecycle` for the moves."""

    RECEIVED = "received"
    """Received; the Art. 12(3) month runs from the local day of receipt."""
    AWAITING_IDENTITY = "awaiting_identity"
    """More information was asked for to confirm identity (Art. 12(6)); by default the
    clock does not pause (LEGAL.md DSR-06)."""
    IN_PROGRESS = "in_progress"
    """Identity is not in doubt; the request is being handled."""
    COMPLETED = "completed"
    """Answered (Art. 12(3))."""
    REFUSED = "refused"
    """Not acted on, with reasons and the right to complain given (Art. 12(4))."""

    @property
    def open(self) -> bool:
        """Whether the request still runs against its deadline."""
        return self not in {RequestState.COMPLETED, RequestState.REFUSED}


class ErasureGround(ClosedVocabulary):
    """Why personal data must be erased (Art. 17(1)(a)-(f); LEGAL.md DSR-11)."""

    NO_LONGER_NECESSARY = "no_longer_necessary"
    """17(1)(a): no longer necessary for the purposes collected for."""
    CONSENT_WITHDRAWN = "consent_withdrawn"
    """17(1)(b): consent withdrawn and no other legal ground."""
    OBJECTION = "objection"
    """17(1)(c): an objection under Art. 21(1) without overriding grounds, or 21(2)."""
    UNLAWFUL = "unlawful"
    """17(1)(d): unlawfully processed."""
    LEGAL_OBLIGATION = "legal_obligation"
    """17(1)(e): erasure is required by a legal obligation."""
    CHILD_SERVICE = "child_service"
    """17(1)(f): collected for information society services offered to a child (Art. 8(1))."""

    @property
    def article(self) -> str:
        """The point of Art. 17(1)."""
        return f"17(1)({'abcdef'[list(ErasureGround).index(self)]})"


class ErasureException(ClosedVocabulary):
    """Why some data is kept despite an erasure request (Art. 17(3)(a)-(e))."""

    FREEDOM_OF_EXPRESSION = "freedom_of_expression"
    """17(3)(a): exercising the right of freedom of expression and information."""
    LEGAL_OBLIGATION = "legal_obligation"
    """17(3)(b): a legal obligation (e.g. Bokföringslagen 7 kap. 2 §) or a public task."""
    PUBLIC_HEALTH = "public_health"
    """17(3)(c): public interest in the area of public health."""
    ARCHIVING_RESEARCH = "archiving_research"
    """17(3)(d): archiving, research or statistics under Art. 89(1)."""
    LEGAL_CLAIMS = "legal_claims"
    """17(3)(e): the establishment, exercise or defence of legal claims (a legal hold)."""

    @property
    def article(self) -> str:
        """The point of Art. 17(3)."""
        return f"17(3)({'abcde'[list(ErasureException).index(self)]})"


class RestrictionGround(ClosedVocabulary):
    """Why processing is restricted (Art. 18(1)(a)-(d); LEGAL.md DSR-13)."""

    ACCURACY_CONTESTED = "accuracy_contested"
    """18(1)(a): the accuracy is contested, while it is verified."""
    UNLAWFUL_KEEP = "unlawful_keep"
    """18(1)(b): processing is unlawful and the subject opposes erasure."""
    LEGAL_CLAIMS = "legal_claims"
    """18(1)(c): no longer needed, but the subject needs it for legal claims."""
    OBJECTION_PENDING = "objection_pending"
    """18(1)(d): an objection under Art. 21(1) is pending verification."""

    @property
    def article(self) -> str:
        """The point of Art. 18(1)."""
        return f"18(1)({'abcd'[list(RestrictionGround).index(self)]})"


class RefusalGround(ClosedVocabulary):
    """Why a request is not acted on (Art. 12(4); LEGAL.md DSR-04, DSR-05)."""

    MANIFESTLY_UNFOUNDED = "manifestly_unfounded"
    """Art. 12(5)(b): manifestly unfounded; the controller bears the burden of proof."""
    EXCESSIVE = "excessive"
    """Art. 12(5)(b): excessive, in particular because repetitive."""
    IDENTITY_NOT_CONFIRMED = "identity_not_confirmed"
    """Art. 12(2), 12(6): the controller could not confirm the requester's identity."""
    RIGHT_DOES_NOT_APPLY = "right_does_not_apply"
    """The right does not apply (e.g. portability of data processed under a legal
    obligation, Art. 20(1)); the explanation says why."""

    @property
    def article(self) -> str:
        """The provision the refusal rests on."""
        return _REFUSAL_ARTICLE[self]


_REFUSAL_ARTICLE = {
    RefusalGround.MANIFESTLY_UNFOUNDED: "12(5)(b)",
    RefusalGround.EXCESSIVE: "12(5)(b)",
    RefusalGround.IDENTITY_NOT_CONFIRMED: "12(2)",
    RefusalGround.RIGHT_DOES_NOT_APPLY: "12(4)",
}


class ExtensionReason(ClosedVocabulary):
    """Why the one-month period is extended by two months (Art. 12(3), second sentence)."""

    COMPLEXITY = "complexity"
    """The complexity of the request."""
    NUMBER_OF_REQUESTS = "number_of_requests"
    """The number of requests."""


class NoticeStatus(ClosedVocabulary):
    """Where an Art. 19 notice to one recipient stands (LEGAL.md DSR-14)."""

    PENDING = "pending"
    """To be sent, or sent and not yet acknowledged."""
    ACKNOWLEDGED = "acknowledged"
    """The recipient acknowledged the rectification, erasure or restriction."""
    IMPOSSIBLE = "impossible"
    """Notifying is impossible or involves disproportionate effort (Art. 19, first sentence)."""
