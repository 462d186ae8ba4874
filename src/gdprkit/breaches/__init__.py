"""Personal-data breaches: the register, the 72-hour clock, scope, notification, communication.

* :mod:`gdprkit.breaches.model`: the register entry (:class:`Breach`) and the
  vocabularies of Art. 33 and 34; pure.
* :mod:`gdprkit.breaches.documents`: the notification to the supervisory authority
  and the communication to the people concerned, in English and Swedish; pure.
* :mod:`gdprkit.breaches.register`: :class:`BreachRegister`, which records each step
  in the store with an audit entry.

See ``docs/breaches.md`` for the runbook. gdprkit is not legal advice.
"""

from gdprkit.breaches.documents import (
    BreachDocument,
    BreachDocumentKind,
    authority_notification,
    communication_to_people,
    to_markdown,
    to_plain_text,
)
from gdprkit.breaches.model import (
    TRANSITIONS,
    AuthorityRequest,
    Breach,
    BreachScope,
    BreachState,
    BreachType,
    Communication,
    CommunicationMethod,
    CommunicationStatus,
    Exemption,
    ExemptionRecord,
    NotificationDecision,
    NotificationItem,
    NotificationPhase,
    OpenBreach,
    ProcessorNotice,
    RiskAssessment,
    RiskLevel,
    Step,
    affected_purposes,
    available_items,
    contact_point,
    encryption_exemption_problems,
    open_breach,
)
from gdprkit.breaches.register import BreachRegister, CommunicationSent, NotificationSent

__all__ = [
    "TRANSITIONS",
    "AuthorityRequest",
    "Breach",
    "BreachDocument",
    "BreachDocumentKind",
    "BreachRegister",
    "BreachScope",
    "BreachState",
    "BreachType",
    "Communication",
    "CommunicationMethod",
    "CommunicationSent",
    "CommunicationStatus",
    "Exemption",
    "ExemptionRecord",
    "NotificationDecision",
    "NotificationItem",
    "NotificationPhase",
    "NotificationSent",
    "OpenBreach",
    "ProcessorNotice",
    "RiskAssessment",
    "RiskLevel",
    "Step",
    "affected_purposes",
    "authority_notification",
    "available_items",
    "communication_to_people",
    "contact_point",
    "encryption_exemption_problems",
    "open_breach",
    "to_markdown",
    "to_plain_text",
]
