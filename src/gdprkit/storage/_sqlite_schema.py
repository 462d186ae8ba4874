"""The SQLite schema of gdprkit as a list of forward migrations.

Migration ``n`` (1-based) turns a database at schema version ``n - 1`` into version
``n``; version 0 is an empty file. Steps are only ever appended, never edited, so
every database can be brought forward from any older version. Datetimes are
``INTEGER`` microseconds since 1970-01-01T00:00:00Z (UTC), which sorts, compares
and indexes exactly.
"""

from __future__ import annotations

__all__ = ["APPLICATION_ID", "MIGRATIONS", "SCHEMA_VERSION"]

APPLICATION_ID = 0x67646B31
"""Written to the SQLite header (``PRAGMA application_id``): ASCII ``gdk1``."""

_V1 = (
    """CREATE TABLE gdprkit_schema (
        version INTEGER PRIMARY KEY,
        applied_at INTEGER NOT NULL
    )""",
    """CREATE TABLE subjects (
        id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL
    )""",
    """CREATE TABLE blind_index (
        subject_id TEXT NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,
        index_name TEXT NOT NULL,
        digest BLOB NOT NULL,
        PRIMARY KEY (index_name, digest, subject_id)
    )""",
    "CREATE INDEX blind_index_subject ON blind_index (subject_id)",
    """CREATE TABLE records (
        id TEXT PRIMARY KEY,
        subject_id TEXT NOT NULL REFERENCES subjects (id),
        kind TEXT NOT NULL CHECK (kind IN ('managed', 'referenced')),
        created_at INTEGER NOT NULL,
        external_ref TEXT
    )""",
    "CREATE INDEX records_subject ON records (subject_id, created_at, id)",
    """CREATE TABLE record_fields (
        record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
        category_id TEXT NOT NULL,
        value BLOB NOT NULL,
        PRIMARY KEY (record_id, category_id)
    )""",
    """CREATE TABLE links (
        record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
        purpose_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        triggers TEXT NOT NULL,
        eligible_from INTEGER,
        state TEXT NOT NULL CHECK (state IN ('live', 'ended')),
        ended_at INTEGER,
        end_reason TEXT,
        restricted INTEGER NOT NULL,
        claim_id TEXT,
        lease_until INTEGER,
        PRIMARY KEY (record_id, purpose_id)
    )""",
    "CREATE INDEX links_due ON links (state, eligible_from)",
    "CREATE INDEX links_purpose ON links (purpose_id, record_id)",
    "CREATE INDEX links_claim ON links (claim_id) WHERE claim_id IS NOT NULL",
    """CREATE INDEX links_awaiting ON links (created_at, record_id, purpose_id)
        WHERE eligible_from IS NULL AND state = 'live'""",
    """CREATE TABLE claims (
        id TEXT PRIMARY KEY,
        worker TEXT NOT NULL,
        lease_until INTEGER NOT NULL,
        completed INTEGER NOT NULL
    )""",
    """CREATE TABLE consent_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        subject_id TEXT NOT NULL,
        purpose_id TEXT NOT NULL,
        action TEXT NOT NULL,
        at INTEGER NOT NULL,
        text_hash TEXT NOT NULL,
        channel TEXT NOT NULL,
        mechanism TEXT NOT NULL,
        evidence TEXT NOT NULL
    )""",
    "CREATE INDEX consent_subject ON consent_events (subject_id, purpose_id, at, seq)",
    """CREATE TABLE requests (
        id TEXT PRIMARY KEY,
        subject_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        state TEXT NOT NULL,
        details TEXT NOT NULL
    )""",
    "CREATE INDEX requests_subject ON requests (subject_id, received_at, id)",
    """CREATE TABLE holds (
        id TEXT PRIMARY KEY,
        scope TEXT NOT NULL,
        scope_value TEXT NOT NULL,
        reason TEXT NOT NULL,
        matter_ref TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        released_at INTEGER
    )""",
    """CREATE INDEX holds_active ON holds (scope, scope_value, created_at, id)
        WHERE released_at IS NULL""",
    """CREATE TABLE published_texts (
        sha256 TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        kind TEXT NOT NULL,
        language TEXT NOT NULL,
        published_at INTEGER NOT NULL
    )""",
    """CREATE TABLE disposals (
        id TEXT PRIMARY KEY,
        record_id TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        purpose_ids TEXT NOT NULL,
        rule TEXT NOT NULL,
        action TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        executed_at INTEGER NOT NULL,
        fields_removed TEXT NOT NULL
    )""",
    "CREATE INDEX disposals_subject ON disposals (subject_id, executed_at, id)",
    """CREATE TABLE audit_entries (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        ids TEXT NOT NULL,
        details TEXT NOT NULL,
        covers TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        mac TEXT NOT NULL
    )""",
    """CREATE TABLE audit_seal (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL,
        mac TEXT NOT NULL
    )""",
    """CREATE TABLE wrapped_keys (
        key_id INTEGER PRIMARY KEY,
        owner TEXT NOT NULL,
        version INTEGER NOT NULL,
        kek_id TEXT NOT NULL,
        kek_version INTEGER NOT NULL,
        wrapped BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (owner, version)
    )""",
    "CREATE INDEX wrapped_keys_kek ON wrapped_keys (kek_id, kek_version, key_id)",
    """CREATE TABLE key_tombstones (
        key_id INTEGER PRIMARY KEY,
        owner TEXT NOT NULL,
        version INTEGER NOT NULL,
        destroyed_at INTEGER NOT NULL,
        reason TEXT NOT NULL
    )""",
)

_V2 = (
    """CREATE TABLE reviews (
        id TEXT PRIMARY KEY,
        record_id TEXT NOT NULL,
        purpose_id TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        state TEXT NOT NULL,
        decided_at INTEGER,
        decided_by TEXT,
        justification TEXT,
        keep_until INTEGER
    )""",
    "CREATE INDEX reviews_state ON reviews (state, created_at, id)",
    """CREATE TABLE breaches (
        id TEXT PRIMARY KEY,
        aware_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        state TEXT NOT NULL,
        details TEXT NOT NULL
    )""",
    "CREATE INDEX disposals_executed ON disposals (executed_at, id)",
    "CREATE INDEX links_live_purpose ON links (purpose_id, record_id) WHERE state = 'live'",
)

_V3 = (
    """CREATE TABLE suppressions (
        digest BLOB NOT NULL,
        scope TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        basis TEXT NOT NULL,
        PRIMARY KEY (digest, scope)
    )""",
    "CREATE INDEX requests_state ON requests (state, received_at, id)",
)

_V4 = (
    """CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        record_id TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        external_ref TEXT,
        purpose_id TEXT NOT NULL,
        action TEXT NOT NULL,
        categories TEXT NOT NULL,
        reason TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        done_at INTEGER
    )""",
    "CREATE INDEX tasks_ready ON tasks (next_attempt_at, id) WHERE state = 'pending'",
    "CREATE INDEX tasks_state ON tasks (state, created_at, id)",
)

# The due-link queue in claim order, so a claim reads its batch off the index and stops
# at the limit instead of sorting every due link (which made a long sweep quadratic).
_V5 = (
    "DROP INDEX links_due",
    """CREATE INDEX links_due ON links (eligible_from, record_id, purpose_id)
        WHERE state = 'live'""",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3, _V4, _V5)
"""Forward migration steps; ``MIGRATIONS[n - 1]`` brings a database to version ``n``."""

SCHEMA_VERSION = len(MIGRATIONS)
"""The newest schema version this library knows."""
