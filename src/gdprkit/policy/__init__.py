"""The policy model: declare once how personal data is processed, in Python or TOML.

Build a :class:`Policy` in Python or load one with :func:`load_policy`; both give
equal, validated, immutable objects. See ``docs/policy.md``.
"""

from gdprkit.policy._fields import Text
from gdprkit.policy.diff import Change, PolicyDiff, Requirement, diff_policies
from gdprkit.policy.loading import load_policy, loads_policy, policy_from_dict
from gdprkit.policy.model import (
    Compatibility,
    ConsentDefinition,
    Contact,
    DataCategory,
    EmailMarketing,
    Organisation,
    Policy,
    ProcessingOnBehalf,
    ProcessorContract,
    Purpose,
    Recipient,
    Role,
    SecurityMeasures,
    SubjectCategory,
    SupervisoryAuthority,
    System,
    Tracker,
)
from gdprkit.policy.retention import (
    BOKFORINGSLAGEN,
    FinancialYear,
    FinancialYearSpan,
    Period,
    RetentionRule,
)
from gdprkit.policy.taxonomy import BUILTIN_CATEGORIES, BUILTIN_SUBJECT_CATEGORIES
from gdprkit.policy.validation import EEA_COUNTRIES, find_problems, find_warnings
from gdprkit.policy.vocab import (
    Anchor,
    ConsentChannel,
    ConsentKind,
    DisposalAction,
    EmailMarketingBasis,
    LegalBasis,
    ProvisionRequirement,
    RecipientRole,
    SpecialCategoryCondition,
    TrackerCategory,
    TransferMechanism,
    Trigger,
)

__all__ = [
    "BOKFORINGSLAGEN",
    "BUILTIN_CATEGORIES",
    "BUILTIN_SUBJECT_CATEGORIES",
    "EEA_COUNTRIES",
    "Anchor",
    "Change",
    "Compatibility",
    "ConsentChannel",
    "ConsentDefinition",
    "ConsentKind",
    "Contact",
    "DataCategory",
    "DisposalAction",
    "EmailMarketing",
    "EmailMarketingBasis",
    "FinancialYear",
    "FinancialYearSpan",
    "LegalBasis",
    "Organisation",
    "Period",
    "Policy",
    "PolicyDiff",
    "ProcessingOnBehalf",
    "ProcessorContract",
    "ProvisionRequirement",
    "Purpose",
    "Recipient",
    "RecipientRole",
    "Requirement",
    "RetentionRule",
    "Role",
    "SecurityMeasures",
    "SpecialCategoryCondition",
    "SubjectCategory",
    "SupervisoryAuthority",
    "System",
    "Text",
    "Tracker",
    "TrackerCategory",
    "TransferMechanism",
    "Trigger",
    "diff_policies",
    "find_problems",
    "find_warnings",
    "load_policy",
    "loads_policy",
    "policy_from_dict",
]
