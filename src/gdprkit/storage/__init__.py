"""Storage: the ``Store`` protocol, its value types and the built-in backends.

* :class:`Store` and its aggregate protocols live in :mod:`gdprkit.storage.protocol`;
* the value types in :mod:`gdprkit.storage.types` and :mod:`gdprkit.storage.keys`;
* :class:`MemoryStore` is the executable specification, :class:`SQLiteStore` the
  embedded default, :class:`PostgresStore` the backend for several instances (extra
  ``gdprkit[postgres]``; psycopg is imported only when a store is made). See
  ``docs/storage.md``.
"""

from gdprkit.storage.keys import KeyStore, KeyTombstone, WrappedKey, subject_key_owner
from gdprkit.storage.memory import MemoryStore
from gdprkit.storage.postgres import PostgresStore
from gdprkit.storage.protocol import Store
from gdprkit.storage.sqlite import SQLiteStore
from gdprkit.storage.types import (
    AuditEntry,
    AuditSeal,
    BlindIndexEntry,
    Claim,
    ConsentAction,
    ConsentEvent,
    DisposalRecord,
    Hold,
    HoldScope,
    LinkKey,
    LinkState,
    PublishedText,
    PurposeLink,
    Record,
    RecordKind,
    RecordOutline,
    Subject,
    SubjectRequest,
    SweepBatch,
)

__all__ = [
    "AuditEntry",
    "AuditSeal",
    "BlindIndexEntry",
    "Claim",
    "ConsentAction",
    "ConsentEvent",
    "DisposalRecord",
    "Hold",
    "HoldScope",
    "KeyStore",
    "KeyTombstone",
    "LinkKey",
    "LinkState",
    "MemoryStore",
    "PostgresStore",
    "PublishedText",
    "PurposeLink",
    "Record",
    "RecordKind",
    "RecordOutline",
    "SQLiteStore",
    "Store",
    "Subject",
    "SubjectRequest",
    "SweepBatch",
    "WrappedKey",
    "subject_key_owner",
]
