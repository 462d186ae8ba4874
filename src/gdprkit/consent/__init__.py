"""Consent: the pure rules (:mod:`gdprkit.consent.state`) and the ledger that records it.

The ledger (:class:`~gdprkit.consent.ledger.ConsentLedger`) keeps every grant and
withdrawal with its proof (Art. 7(1)), makes withdrawal take effect at once (Art. 7(3))
and answers whether a purpose was permitted at any instant. One-click unsubscribe links
with a suppression list (:mod:`gdprkit.consent.unsubscribe`, Art. 21(2), (3)) and the
cookie consent gate (:mod:`gdprkit.consent.cookies`, LEK 9 kap. 28 §) build on it.
"""

from gdprkit.consent.cookies import (
    CookieGate,
    consent_required,
    tracker_purposes,
    unmapped_trackers,
)
from gdprkit.consent.ledger import ConsentLedger, ConsentProof
from gdprkit.consent.state import NOT_AFFIRMATIVE, check_affirmative, grant_in_force, is_permitted
from gdprkit.consent.unsubscribe import (
    ONE_CLICK_POST,
    SUPPRESSION_BASIS,
    SuppressionList,
    UnsubscribeLinks,
    UnsubscribeTokenError,
    one_click_headers,
)

__all__ = [
    "NOT_AFFIRMATIVE",
    "ONE_CLICK_POST",
    "SUPPRESSION_BASIS",
    "ConsentLedger",
    "ConsentProof",
    "CookieGate",
    "SuppressionList",
    "UnsubscribeLinks",
    "UnsubscribeTokenError",
    "check_affirmative",
    "consent_required",
    "grant_in_force",
    "is_permitted",
    "one_click_headers",
    "tracker_purposes",
    "unmapped_trackers",
]
