"""Consent: the pure rules (:mod:`gdprkit.consent.state`) and the ledger that records it.

The ledger (:class:`~gdprkit.consent.ledger.ConsentLedger`) keeps every grant and
withdrawal with its proof (Art. 7(1)), makes withdrawal take effect at once (Art. 7(3))
and answers whether a purpose was permitted at any instant.
"""

from gdprkit.consent.ledger import ConsentLedger, ConsentProof
from gdprkit.consent.state import NOT_AFFIRMATIVE, check_affirmative, grant_in_force, is_permitted

__all__ = [
    "NOT_AFFIRMATIVE",
    "ConsentLedger",
    "ConsentProof",
    "check_affirmative",
    "grant_in_force",
    "is_permitted",
]
