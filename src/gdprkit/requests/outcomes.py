"""What handling a request returns: values for the caller to act on and to show the subject.

Access, portability and erasure have documents of their own
(:mod:`~gdprkit.requests.access`, :mod:`~gdprkit.requests.portability`,
:mod:`~gdprkit.requests.erasure`); the other outcomes are small and live here. Pure.
"""

from __future__ import annotations

import datetime as dt

import attrs

from gdprkit.legaltime.deadlines import RequestDeadline
from gdprkit.policy._fields import Text
from gdprkit.requests.notices import NoticeTarget
from gdprkit.requests.vocab import NoticeStatus, RefusalGround, RestrictionGround

__all__ = [
    "Extension",
    "Notice",
    "ObjectionResult",
    "RectificationResult",
    "Refusal",
    "RestrictionResult",
]


@attrs.frozen(kw_only=True)
class Notice:
    """Where the Art. 19 notice to one recipient stands (LEGAL.md DSR-14).

    Attributes:
        target: The recipient.
        status: Pending, acknowledged, or impossible / disproportionate.
        at: When it was acknowledged or declared impossible (UTC).
    """

    target: NoticeTarget
    status: NoticeStatus
    at: dt.datetime | None = None


@attrs.frozen(kw_only=True)
class Refusal:
    """A decision not to act on a request (Art. 12(4); DSR-04).

    Attributes:
        request_id: The request.
        ground: Why.
        text: What the subject is told: the reasons and the right to complain to the
            supervisory authority and to a court.
        late: Whether it was decided after the strict deadline in force.
    """

    request_id: str
    ground: RefusalGround
    text: Text
    late: bool


@attrs.frozen(kw_only=True)
class Extension:
    """The one extension of a request's deadline (Art. 12(3); DSR-03).

    Attributes:
        request_id: The request.
        deadline: The extended deadline (``due_extended_strict`` and the rolled date).
        text: What the subject is told: the reasons and the new last day.
    """

    request_id: str
    deadline: RequestDeadline
    text: Text


@attrs.frozen(kw_only=True)
class RectificationResult:
    """What a rectification changed (Art. 16; DSR-10).

    Attributes:
        request_id: The request.
        changed: Per record, the category ids re-encrypted with their corrected value.
        notices: The recipients to tell (Art. 19).
    """

    request_id: str
    changed: tuple[tuple[str, tuple[str, ...]], ...]
    notices: tuple[NoticeTarget, ...]


@attrs.frozen(kw_only=True)
class RestrictionResult:
    """What a restriction did (Art. 18; DSR-13).

    Attributes:
        request_id: The request.
        ground: The Art. 18(1) ground.
        links: How many links are restricted now: stored, not read, not disposed of.
        notices: The recipients to tell (Art. 19).
    """

    request_id: str
    ground: RestrictionGround
    links: int
    notices: tuple[NoticeTarget, ...]


@attrs.frozen(kw_only=True)
class ObjectionResult:
    """What an objection did (Art. 21; DSR-16, DSR-17).

    Attributes:
        request_id: The request.
        upheld: Purposes whose processing stops now.
        overridden: Purposes kept on recorded compelling legitimate grounds or for legal
            claims (Art. 21(1) only; never direct marketing).
        links_ended: Links ended now; reads for their purposes are refused at once and
            the next sweep removes what no other purpose needs.
        suppressed: Suppression entries written (direct marketing, Art. 21(3)).
    """

    request_id: str
    upheld: tuple[str, ...]
    overridden: tuple[str, ...]
    links_ended: int
    suppressed: int
