"""Documents generated from the policy: privacy notice, cookie notice, Art. 30 record, exports.

Every document is a pure function of the policy (and, for the record, a snapshot date):
nothing is stored here and nothing is a fixed template about the organisation. Change
the policy and the documents change with it (LEGAL.md RET-14). See ``docs/documents.md``.

gdprkit is not legal advice: the controller remains responsible for what it publishes.
"""

from gdprkit.documents.consistency import check_consistency, find_missing_mentions
from gdprkit.documents.cookies import cookie_notice
from gdprkit.documents.fides import fideslang_json, fideslang_systems
from gdprkit.documents.model import (
    Coverage,
    Document,
    DocumentFormat,
    DocumentKind,
    Item,
    ItemStatus,
    Layer,
    PublishedDocument,
    Section,
)
from gdprkit.documents.notice import REQUIRED_PROVISIONS, missing_provisions, privacy_notice
from gdprkit.documents.records import (
    ActivityRecord,
    Art30Exemption,
    FieldStatus,
    OnBehalfRecord,
    RecipientRecord,
    RecordField,
    RecordsOfProcessing,
    RecordTable,
    art30_exemption,
    publish_records,
    records_of_processing,
    records_to_csv,
    records_to_json,
    records_to_markdown,
)
from gdprkit.documents.render import document_dict, publish, to_html, to_json, to_markdown

__all__ = [
    "REQUIRED_PROVISIONS",
    "ActivityRecord",
    "Art30Exemption",
    "Coverage",
    "Document",
    "DocumentFormat",
    "DocumentKind",
    "FieldStatus",
    "Item",
    "ItemStatus",
    "Layer",
    "OnBehalfRecord",
    "PublishedDocument",
    "RecipientRecord",
    "RecordField",
    "RecordTable",
    "RecordsOfProcessing",
    "Section",
    "art30_exemption",
    "check_consistency",
    "cookie_notice",
    "document_dict",
    "fideslang_json",
    "fideslang_systems",
    "find_missing_mentions",
    "missing_provisions",
    "privacy_notice",
    "publish",
    "publish_records",
    "records_of_processing",
    "records_to_csv",
    "records_to_json",
    "records_to_markdown",
    "to_html",
    "to_json",
    "to_markdown",
]
