"""gdprkit: turn an organisation's GDPR promises into code that enforces them.

Declare once, in Python or TOML, who the organisation is, which personal data it
processes, for which purposes, on which legal basis and for how long; gdprkit then
enforces that declaration and generates the documents from it.

gdprkit is not legal advice.
"""

from gdprkit._version import __version__
from gdprkit.audit import AuditLog
from gdprkit.breaches import (
    BreachRegister,
    RiskLevel,
    authority_notification,
    communication_to_people,
)
from gdprkit.clock import Clock, FixedClock, SystemClock
from gdprkit.consent import ConsentLedger, ConsentProof, CookieGate, UnsubscribeLinks
from gdprkit.crypto import FieldCipher, FieldContext, KeyProvider, Keyring, LocalKeyProvider
from gdprkit.documents import (
    PublishedDocument,
    cookie_notice,
    privacy_notice,
    publish,
    records_of_processing,
)
from gdprkit.errors import (
    AccessDenied,
    AmbiguousLocalTimeError,
    AuditChainError,
    ConsentError,
    CryptoError,
    DeadlineError,
    DocumentError,
    GdprKitError,
    InvalidInputError,
    KeyProviderError,
    NaiveDatetimeError,
    NonexistentLocalTimeError,
    NotDeclaredError,
    NotFoundError,
    PolicyError,
    StorageError,
    SubjectErasedError,
    TimeError,
)
from gdprkit.legaltime import (
    BreachClock,
    RequestDeadline,
    RetentionDates,
    SwedishCalendar,
    breach_clock,
    describe_rule,
    eligible_from,
    request_deadline,
    retention_dates,
)
from gdprkit.policy import Policy, load_policy, loads_policy
from gdprkit.requests import RequestKind, RightsDesk
from gdprkit.retention import Holds, Plan, RetentionEngine, SweepReport
from gdprkit.service import PrivacyService
from gdprkit.storage import MemoryStore, PostgresStore, SQLiteStore, Store

__all__ = [
    "AccessDenied",
    "AmbiguousLocalTimeError",
    "AuditChainError",
    "AuditLog",
    "BreachClock",
    "BreachRegister",
    "Clock",
    "ConsentError",
    "ConsentLedger",
    "ConsentProof",
    "CookieGate",
    "CryptoError",
    "DeadlineError",
    "DocumentError",
    "FieldCipher",
    "FieldContext",
    "FixedClock",
    "GdprKitError",
    "Holds",
    "InvalidInputError",
    "KeyProvider",
    "KeyProviderError",
    "Keyring",
    "LocalKeyProvider",
    "MemoryStore",
    "NaiveDatetimeError",
    "NonexistentLocalTimeError",
    "NotDeclaredError",
    "NotFoundError",
    "Plan",
    "Policy",
    "PolicyError",
    "PostgresStore",
    "PrivacyService",
    "PublishedDocument",
    "RequestDeadline",
    "RequestKind",
    "RetentionDates",
    "RetentionEngine",
    "RightsDesk",
    "RiskLevel",
    "SQLiteStore",
    "StorageError",
    "Store",
    "SubjectErasedError",
    "SwedishCalendar",
    "SweepReport",
    "SystemClock",
    "TimeError",
    "UnsubscribeLinks",
    "__version__",
    "authority_notification",
    "breach_clock",
    "communication_to_people",
    "cookie_notice",
    "describe_rule",
    "eligible_from",
    "load_policy",
    "loads_policy",
    "privacy_notice",
    "publish",
    "records_of_processing",
    "request_deadline",
    "retention_dates",
]
