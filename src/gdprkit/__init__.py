"""gdprkit: turn an organisation's GDPR promises into code that enforces them.

Declare once, in Python or TOML, who the organisation is, which personal data it
processes, for which purposes, on which legal basis and for how long; gdprkit then
enforces that declaration and generates the documents from it.

gdprkit is not legal advice.
"""

from gdprkit._version import __version__
from gdprkit.clock import Clock, FixedClock, SystemClock
from gdprkit.errors import (
    AccessDenied,
    AuditChainError,
    ConsentError,
    CryptoError,
    GdprKitError,
    NaiveDatetimeError,
    NotFoundError,
    PolicyError,
    StorageError,
    SubjectErasedError,
)

__all__ = [
    "AccessDenied",
    "AuditChainError",
    "Clock",
    "ConsentError",
    "CryptoError",
    "FixedClock",
    "GdprKitError",
    "NaiveDatetimeError",
    "NotFoundError",
    "PolicyError",
    "StorageError",
    "SubjectErasedError",
    "SystemClock",
    "__version__",
]
