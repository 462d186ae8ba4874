"""Data-subject requests (Art. 12, 15-21): received, timed, answered and proven.

:class:`RightsDesk` is the stateful part: it composes a
:class:`~gdprkit.service.PrivacyService` and handles each request from receipt to its
answer, audited and stored without personal data. Everything else here is pure and
works without storage or keys:

* :mod:`~gdprkit.requests.vocab`: the kinds, states, grounds and exceptions;
* :mod:`~gdprkit.requests.lifecycle`: the state machine and the Art. 12(3) deadline;
* :mod:`~gdprkit.requests.report`: requests overdue or due soon;
* :mod:`~gdprkit.requests.access`: the Art. 15 package, JSON and readable (en, sv);
* :mod:`~gdprkit.requests.portability`: the Art. 20 export, JSON and CSV;
* :mod:`~gdprkit.requests.erasure`: erase or retain per link (Art. 17(3)) and the answer;
* :mod:`~gdprkit.requests.notices`: the Art. 19 recipients;
* :mod:`~gdprkit.requests.replies`: refusal and extension texts (Art. 12(3), 12(4)).

See ``docs/rights.md`` for each right's calls and documents.
"""

from gdprkit.requests.access import REQUIRED_ITEMS, AccessPackage, access_package
from gdprkit.requests.desk import RightsDesk
from gdprkit.requests.erasure import Decision, ErasureAnswer, decide_erasure
from gdprkit.requests.lifecycle import OPEN_STATES, RequestCase, RequestStateError, Step, next_state
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
from gdprkit.requests.report import DueItem, DueStatus, due_items
from gdprkit.requests.vocab import (
    ErasureException,
    ErasureGround,
    ExtensionReason,
    NoticeStatus,
    RefusalGround,
    RequestKind,
    RequestState,
    RestrictionGround,
)

__all__ = [
    "OPEN_STATES",
    "REQUIRED_ITEMS",
    "AccessPackage",
    "Decision",
    "DueItem",
    "DueStatus",
    "ErasureAnswer",
    "ErasureException",
    "ErasureGround",
    "Extension",
    "ExtensionReason",
    "Notice",
    "NoticeStatus",
    "NoticeTarget",
    "ObjectionResult",
    "PortabilityExport",
    "RectificationResult",
    "Refusal",
    "RefusalGround",
    "RequestCase",
    "RequestKind",
    "RequestState",
    "RequestStateError",
    "RestrictionGround",
    "RestrictionResult",
    "RightsDesk",
    "Step",
    "access_package",
    "decide_erasure",
    "due_items",
    "next_state",
    "notice_targets",
]
