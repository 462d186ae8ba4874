"""The PostgreSQL schema of gdprkit as a list of forward migrations.

Migration ``n`` (1-based) turns a schema at version ``n - 1`` into version ``n``;
version 0 is a schema without gdprkit's tables. Steps are only ever appended, never
edited, so every database can be brought forward from any older version. The
statements use unqualified names: the store runs them with ``search_path`` set to its
own schema.

* Datetimes are ``timestamptz`` (microseconds, UTC on the way out).
* Ids, purpose ids and other sorted text use ``COLLATE "C"``: byte order of UTF-8 is
  code-point order, the order Python sorts strings in, so every list comes back in the
  same order as from :class:`~gdprkit.storage.memory.MemoryStore`.
* JSON values (``details``, ``evidence``, id lists, link triggers) are canonical JSON
  in ``text`` columns, so they come back byte for byte as written (``jsonb`` would
  reorder keys and normalise numbers, and audit hashes are computed over them).
* ``audit_seal`` always holds exactly one row; ``seq = 0`` means an empty log. Appenders
  lock that row (``SELECT ... FOR UPDATE``), which serialises the chain's head across
  every connection and process without a table lock.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "VERSION_TABLE"]

VERSION_TABLE = "gdprkit_schema"
"""The table listing the applied schema versions."""

_ID = 'text COLLATE "C" NOT NULL'

_V1 = (
    f"""CREATE TABLE {VERSION_TABLE} (
        version integer PRIMARY KEY,
        applied_at timestamptz NOT NULL
    )""",
    f"""CREATE TABLE subjects (
        id {_ID} PRIMARY KEY,
        created_at timestamptz NOT NULL
    )""",
    f"""CREATE TABLE blind_index (
        subject_id {_ID} REFERENCES subjects (id) ON DELETE CASCADE,
        index_name {_ID},
        digest bytea NOT NULL,
        PRIMARY KEY (index_name, digest, subject_id)
    )""",
    "CREATE INDEX blind_index_subject ON blind_index (subject_id)",
    f"""CREATE TABLE records (
        id {_ID} PRIMARY KEY,
        subject_id {_ID} REFERENCES subjects (id),
        kind text NOT NULL CHECK (kind IN ('managed', 'referenced')),
        created_at timestamptz NOT NULL,
        external_ref text
    )""",
    "CREATE INDEX records_subject ON records (subject_id, created_at, id)",
    f"""CREATE TABLE record_fields (
        record_id {_ID} REFERENCES records (id) ON DELETE CASCADE,
        category_id {_ID},
        value bytea NOT NULL,
        PRIMARY KEY (record_id, category_id)
    )""",
    f"""CREATE TABLE links (
        record_id {_ID} REFERENCES records (id) ON DELETE CASCADE,
        purpose_id {_ID},
        created_at timestamptz NOT NULL,
        triggers text NOT NULL,
        eligible_from timestamptz,
        state text NOT NULL CHECK (state IN ('live', 'ended')),
        ended_at timestamptz,
        end_reason text,
        restricted boolean NOT NULL,
        claim_id text COLLATE "C",
        lease_until timestamptz,
        PRIMARY KEY (record_id, purpose_id)
    )""",
    # The due-link queue: claim_due walks this index in its ORDER BY.
    """CREATE INDEX links_due ON links (eligible_from, record_id, purpose_id)
        WHERE state = 'live' AND eligible_from IS NOT NULL""",
    "CREATE INDEX links_purpose ON links (purpose_id, record_id)",
    "CREATE INDEX links_claim ON links (claim_id) WHERE claim_id IS NOT NULL",
    """CREATE INDEX links_awaiting ON links (created_at, record_id, purpose_id)
        WHERE eligible_from IS NULL AND state = 'live'""",
    f"""CREATE TABLE claims (
        id {_ID} PRIMARY KEY,
        worker text NOT NULL,
        lease_until timestamptz NOT NULL,
        completed boolean NOT NULL
    )""",
    f"""CREATE TABLE consent_events (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id {_ID} UNIQUE,
        subject_id {_ID},
        purpose_id {_ID},
        action text NOT NULL,
        at timestamptz NOT NULL,
        text_hash text NOT NULL,
        channel text NOT NULL,
        mechanism text NOT NULL,
        evidence text NOT NULL
    )""",
    "CREATE INDEX consent_subject ON consent_events (subject_id, at, seq)",
    f"""CREATE TABLE requests (
        id {_ID} PRIMARY KEY,
        subject_id {_ID},
        kind text NOT NULL,
        received_at timestamptz NOT NULL,
        state text NOT NULL,
        details text NOT NULL
    )""",
    "CREATE INDEX requests_subject ON requests (subject_id, received_at, id)",
    f"""CREATE TABLE holds (
        id {_ID} PRIMARY KEY,
        scope {_ID},
        scope_value {_ID},
        reason text NOT NULL,
        matter_ref text NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL,
        released_at timestamptz
    )""",
    """CREATE INDEX holds_active ON holds (scope, scope_value, created_at, id)
        WHERE released_at IS NULL""",
    f"""CREATE TABLE published_texts (
        sha256 {_ID} PRIMARY KEY,
        text text NOT NULL,
        kind text NOT NULL,
        language text NOT NULL,
        published_at timestamptz NOT NULL
    )""",
    f"""CREATE TABLE disposals (
        id {_ID} PRIMARY KEY,
        record_id {_ID},
        subject_id {_ID},
        purpose_ids text NOT NULL,
        rule text NOT NULL,
        action text NOT NULL,
        due_at timestamptz NOT NULL,
        executed_at timestamptz NOT NULL,
        fields_removed text NOT NULL
    )""",
    "CREATE INDEX disposals_subject ON disposals (subject_id, executed_at, id)",
    """CREATE TABLE audit_entries (
        seq bigint PRIMARY KEY,
        at timestamptz NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        ids text NOT NULL,
        details text NOT NULL,
        covers text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        mac text NOT NULL
    )""",
    """CREATE TABLE audit_seal (
        one integer PRIMARY KEY CHECK (one = 1),
        seq bigint NOT NULL,
        hash text NOT NULL,
        mac text NOT NULL
    )""",
    "INSERT INTO audit_seal (one, seq, hash, mac) VALUES (1, 0, '', '')",
    f"""CREATE TABLE wrapped_keys (
        key_id bigint PRIMARY KEY,
        owner {_ID},
        version integer NOT NULL,
        kek_id {_ID},
        kek_version integer NOT NULL,
        wrapped bytea NOT NULL,
        created_at timestamptz NOT NULL,
        UNIQUE (owner, version)
    )""",
    "CREATE INDEX wrapped_keys_kek ON wrapped_keys (kek_id, kek_version, key_id)",
    f"""CREATE TABLE key_tombstones (
        key_id bigint PRIMARY KEY,
        owner {_ID},
        version integer NOT NULL,
        destroyed_at timestamptz NOT NULL,
        reason text NOT NULL
    )""",
)

_V2 = (
    f"""CREATE TABLE reviews (
        id {_ID} PRIMARY KEY,
        record_id {_ID},
        purpose_id {_ID},
        subject_id {_ID},
        due_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        state {_ID},
        decided_at timestamptz,
        decided_by text,
        justification text,
        keep_until timestamptz
    )""",
    "CREATE INDEX reviews_state ON reviews (state, created_at, id)",
    "CREATE INDEX reviews_created ON reviews (created_at, id)",
    f"""CREATE TABLE breaches (
        id {_ID} PRIMARY KEY,
        aware_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        state text NOT NULL,
        details text NOT NULL
    )""",
    "CREATE INDEX disposals_executed ON disposals (executed_at, id)",
    "CREATE INDEX links_live_purpose ON links (purpose_id, record_id) WHERE state = 'live'",
    """CREATE INDEX links_deferred ON links (record_id)
        WHERE claim_id IS NULL AND lease_until IS NOT NULL""",
)

_V3 = (
    f"""CREATE TABLE suppressions (
        digest bytea NOT NULL,
        scope {_ID},
        created_at timestamptz NOT NULL,
        basis text NOT NULL,
        PRIMARY KEY (digest, scope)
    )""",
    "CREATE INDEX requests_state ON requests (state, received_at, id)",
)

_V4 = (
    f"""CREATE TABLE tasks (
        id {_ID} PRIMARY KEY,
        record_id {_ID},
        subject_id {_ID},
        external_ref text,
        purpose_id {_ID},
        action text NOT NULL,
        categories text NOT NULL,
        reason text NOT NULL,
        due_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        state {_ID},
        attempts integer NOT NULL,
        next_attempt_at timestamptz NOT NULL,
        last_error text,
        done_at timestamptz
    )""",
    "CREATE INDEX tasks_ready ON tasks (next_attempt_at, id) WHERE state = 'pending'",
    "CREATE INDEX tasks_state ON tasks (state, created_at, id)",
    "CREATE INDEX tasks_created ON tasks (created_at, id)",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3, _V4)
"""Forward migration steps; ``MIGRATIONS[n - 1]`` brings a schema to version ``n``."""

SCHEMA_VERSION = len(MIGRATIONS)
"""The newest schema version this library knows."""
