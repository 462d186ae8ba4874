"""The PostgreSQL store: for services that run several instances against one database.

Install the extra (``pip install 'gdprkit[postgres]'``, psycopg 3); psycopg is
imported only when a :class:`PostgresStore` is made, never by ``import gdprkit``.

* **Connections.** Pass a conninfo string (the store keeps its own idle connections,
  one per thread in use), a connection pool (any object with a ``connection()``
  context manager yielding a psycopg connection, such as
  ``psycopg_pool.ConnectionPool``), or a callable that returns a new connection.
  Every transaction takes one connection for its whole length and gives it back
  with no transaction open and no session setting changed: the schema, isolation
  level (``READ COMMITTED``) and time zone (UTC) are set with ``SET LOCAL``.
* **Threads.** A transaction belongs to the thread that opened it; other threads
  run their own transactions on their own connections and wait only where they
  touch rows the transaction holds (and for the audit chain's head).
* **Schema.** All tables live in one schema (``gdprkit`` by default, created if
  missing), versioned in table ``gdprkit_schema`` and brought forward by the
  migrations in :mod:`gdprkit.storage._postgres_schema` under a transaction-level
  advisory lock, so any number of instances may start at once. A schema that holds
  other tables, or whose version is newer than this library, is refused with
  :class:`~gdprkit.errors.SchemaError` before anything is written.
* **Claims** take due links with ``SELECT ... FOR UPDATE SKIP LOCKED``, so concurrent
  sweepers in any number of processes or hosts never take the same link and never
  wait for each other; a dead worker's links return when its lease ends.
* **The audit chain** has one head row. Reading the seal locks it until the
  transaction ends (:class:`~gdprkit.audit.AuditLog` reads it right before it
  appends), so concurrent appenders queue on it and the chain stays one chain.
  Append the audit entry last in a transaction to keep that queue short.
* **Errors.** Every psycopg error is translated at this boundary: a violated
  constraint raises :class:`~gdprkit.errors.ConflictError`, anything else
  :class:`~gdprkit.errors.StorageError` (``raise ... from exc``) with the SQLSTATE
  but never a value from the statement; the transaction was rolled back. A lost
  connection (a server restart, ``pg_terminate_backend``) says so.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import threading
import uuid
from typing import TYPE_CHECKING, Any, LiteralString, Protocol, Self, runtime_checkable

import attrs

from gdprkit.clock import to_utc
from gdprkit.errors import (
    ClaimLostError,
    ConflictError,
    MissingExtraError,
    NotFoundError,
    SchemaError,
    StorageError,
)
from gdprkit.storage._postgres_schema import MIGRATIONS, SCHEMA_VERSION, VERSION_TABLE
from gdprkit.storage.keys import KeyTombstone, WrappedKey
from gdprkit.storage.memory import _check_defer, _claim_args
from gdprkit.storage.types import (
    AuditEntry,
    AuditSeal,
    BlindIndexEntry,
    BreachRecord,
    Claim,
    ConsentEvent,
    DisposalRecord,
    DisposalTask,
    Hold,
    HoldScope,
    LinkKey,
    PublishedText,
    PurposeLink,
    Record,
    RecordCounts,
    RecordKind,
    RecordOutline,
    ReviewState,
    ReviewTask,
    Subject,
    SubjectRequest,
    Suppression,
    SweepBatch,
    TaskState,
    canonical_json,
)

if TYPE_CHECKING:
    import types
    from collections.abc import Callable, Collection, Iterator, Mapping, Sequence

    import psycopg

__all__ = ["ConnectionSource", "PostgresStore"]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICRO = dt.timedelta(microseconds=1)
_DOOMED = "transaction rolled back: an inner transaction failed"
_INSTALL = "pip install 'gdprkit[postgres]'"
_MIGRATION_LOCK = 0x67646B31
"""First key of the transaction-level advisory lock that serialises migrations."""
_LOST_STATES = ("57P01", "57P02", "57P03")
_MAX_IDENTIFIER = 63


@runtime_checkable
class ConnectionSource(Protocol):
    """**Protocol:** a source of psycopg connections, such as ``psycopg_pool.ConnectionPool``.

    ``connection()`` returns a context manager that yields a connection for the
    block's length and takes it back afterwards. The store leaves no transaction open
    and changes no session setting on it.
    """

    def connection(self) -> contextlib.AbstractContextManager[psycopg.Connection[Any]]:
        """Lend a connection for the length of a ``with`` block."""
        ...


def _load_psycopg() -> types.ModuleType:
    try:
        import psycopg  # noqa: PLC0415 - the extra is optional; import only when used
    except ImportError as exc:
        raise MissingExtraError(
            f"PostgresStore needs psycopg 3, which is not installed: {_INSTALL}",
        ) from exc
    return psycopg


def _micros(value: dt.datetime, what: str) -> int:
    return (to_utc(value, what=what) - _EPOCH) // _MICRO


def _opt_utc(value: dt.datetime | None, what: str) -> dt.datetime | None:
    return None if value is None else to_utc(value, what=what)


def _json(value: object) -> str:
    return canonical_json(value).decode("utf-8")


def _quote_identifier(name: str) -> str:
    if not name or "\x00" in name or len(name.encode("utf-8")) > _MAX_IDENTIFIER:
        raise ValueError("schema must be a PostgreSQL identifier of 1 to 63 bytes without NUL")
    return '"' + name.replace('"', '""') + '"'


class _OwnConnections:
    """Connections made by a factory and kept while idle; each is lent to one thread at a time."""

    def __init__(self, factory: Callable[[], psycopg.Connection[Any]]) -> None:
        self._factory = factory
        self._idle: list[psycopg.Connection[Any]] = []
        self._lock = threading.Lock()
        self._closed = False

    @contextlib.contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self._factory()
        try:
            yield conn
        finally:
            self._give_back(conn)

    def _give_back(self, conn: psycopg.Connection[Any]) -> None:
        healthy = not (conn.closed or conn.broken) and conn.info.transaction_status == 0
        with self._lock:
            if healthy and not self._closed:
                self._idle.append(conn)
                return
        with contextlib.suppress(Exception):
            conn.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            with contextlib.suppress(Exception):
                conn.close()


class _ThreadState(threading.local):
    depth = 0
    doomed = False
    conn: psycopg.Connection[Any] | None = None
    cursor: psycopg.Cursor[tuple[Any, ...]] | None = None


class PostgresStore:
    """A store in a PostgreSQL schema, shared by any number of threads, processes and hosts.

    Args:
        source: Where connections come from: a conninfo string (``"host=db dbname=app
            user=svc"`` or a ``postgresql://`` URL), a pool with a ``connection()``
            context manager (:class:`ConnectionSource`), or a callable returning a new
            psycopg connection. The store closes only connections it made itself.
        schema: The schema holding gdprkit's tables; created if missing. Give each
            independent store its own schema.

    Raises:
        MissingExtraError: psycopg is not installed.
        SchemaError: The schema holds tables of another application, or its gdprkit
            schema version is newer than this library.
        StorageError: The database cannot be reached or the migration failed.
        ValueError: *schema* is not a valid identifier.
    """

    supports_multiprocess = True

    def __init__(
        self,
        source: str | ConnectionSource | Callable[[], psycopg.Connection[Any]],
        *,
        schema: str = "gdprkit",
    ) -> None:
        self._pg = _load_psycopg()
        quoted = _quote_identifier(schema)
        self._schema = schema
        settings = f"SET LOCAL search_path TO {quoted}; SET LOCAL TimeZone TO 'UTC'"
        self._begin_autocommit = f"BEGIN ISOLATION LEVEL READ COMMITTED; {settings}"
        self._begin_implicit = f"SET TRANSACTION ISOLATION LEVEL READ COMMITTED; {settings}"
        self._state = _ThreadState()
        self._pid = os.getpid()
        self._closed = False
        self._own: _OwnConnections | None = None
        self._source: ConnectionSource
        if isinstance(source, str):
            conninfo = source
            self._own = _OwnConnections(lambda: self._pg.connect(conninfo, autocommit=True))
            self._source = self._own
        elif isinstance(source, ConnectionSource):
            self._source = source
        elif callable(source):
            self._own = _OwnConnections(source)
            self._source = self._own
        else:
            raise TypeError("source must be a conninfo string, a pool or a connection factory")
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    def __repr__(self) -> str:
        return f"PostgresStore(schema={self._schema!r}, schema_version={SCHEMA_VERSION})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections the store made; the store cannot be used afterwards.

        A pool passed in stays open: it belongs to the caller.
        """
        self._closed = True
        if self._own is not None:
            self._own.close()

    @property
    def schema(self) -> str:
        """The schema holding gdprkit's tables."""
        return self._schema

    # --- schema -----------------------------------------------------------------------

    def _migrate(self) -> None:
        """Create or bring the schema forward, serialised with other starting instances."""
        with self.transaction():
            self._run(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                (_MIGRATION_LOCK, self._schema),
            )
            if self._one("SELECT 1 FROM pg_namespace WHERE nspname = %s", (self._schema,)) is None:
                self._run(f"CREATE SCHEMA {_quote_identifier(self._schema)}")
            current = self._schema_version()
            if current > SCHEMA_VERSION:
                raise SchemaError(
                    f"the database schema {self._schema!r} has gdprkit schema version "
                    f"{current}, newer than this gdprkit supports ({SCHEMA_VERSION}); "
                    "upgrade gdprkit",
                )
            now = dt.datetime.now(dt.UTC)
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version - 1]:
                    self._run(statement)
                self._run(
                    "INSERT INTO gdprkit_schema (version, applied_at) VALUES (%s, %s)",
                    (version, now),
                )

    def _schema_version(self) -> int:
        table = self._one(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relname = %s",
            (self._schema, VERSION_TABLE),
        )
        if table is None:
            others = self._one(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
                (self._schema,),
            )
            if others[0]:
                raise SchemaError(
                    f"not a gdprkit schema: {self._schema!r} holds tables of another "
                    "application; pass schema= to use another one",
                )
            return 0
        row = self._one("SELECT max(version) FROM gdprkit_schema")
        return int(row[0] or 0)

    # --- transactions -----------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block as one transaction; see :meth:`gdprkit.storage.Store.transaction`.

        The outermost level takes a connection and starts a ``READ COMMITTED``
        transaction on it; nested levels join it. Other threads use other connections.
        """
        state = self._state
        if state.depth:
            if state.doomed:
                raise StorageError(_DOOMED)
            state.depth += 1
            try:
                yield
            except BaseException:
                state.doomed = True
                raise
            finally:
                state.depth -= 1
            if state.doomed:
                raise StorageError(_DOOMED)
            return
        if self._closed:
            raise StorageError("the store is closed")
        if os.getpid() != self._pid:
            raise StorageError(
                "a PostgresStore cannot be used in a forked child process; open a new one there",
            )
        with contextlib.ExitStack() as stack:
            conn = self._begin(stack)
            state.conn, state.depth, state.doomed = conn, 1, False
            state.cursor = conn.cursor(row_factory=self._pg.rows.tuple_row)
            try:
                try:
                    yield
                except BaseException:
                    self._rollback(conn)
                    raise
                if state.doomed:
                    self._rollback(conn)
                    raise StorageError(_DOOMED)
                self._commit(conn)
            finally:
                state.conn, state.cursor, state.depth, state.doomed = None, None, 0, False

    def _begin(self, stack: contextlib.ExitStack) -> psycopg.Connection[Any]:
        """Take a connection and open a transaction on it; retry once on a stale connection."""
        pg = self._pg
        for attempt in (1, 2):
            inner = contextlib.ExitStack()
            try:
                conn = inner.enter_context(self._source.connection())
            except pg.Error as exc:
                inner.close()
                raise self._connect_error(exc) from exc
            try:
                begin = self._begin_autocommit if conn.autocommit else self._begin_implicit
                conn.execute(begin, prepare=False)
            except pg.Error as exc:
                stale = conn.closed or conn.broken
                self._rollback(conn)
                inner.close()
                if stale and attempt == 1:
                    continue
                raise self._error(exc, conn) from exc
            except BaseException:
                self._rollback(conn)
                inner.close()
                raise
            stack.enter_context(inner)
            return conn
        raise AssertionError  # pragma: no cover - the loop returns or raises

    def _rollback(self, conn: psycopg.Connection[Any]) -> None:
        if conn.closed:
            return
        with contextlib.suppress(self._pg.Error):
            conn.rollback()

    def _commit(self, conn: psycopg.Connection[Any]) -> None:
        try:
            conn.commit()
        except self._pg.Error as exc:
            self._rollback(conn)
            if conn.closed or conn.broken:
                raise StorageError(
                    "the connection to PostgreSQL was lost during COMMIT; the transaction "
                    "may or may not have been committed",
                ) from exc
            raise self._error(exc, conn) from exc

    def _connect_error(self, exc: Exception) -> StorageError:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return StorageError(f"cannot connect to PostgreSQL: {first}")

    def _error(self, exc: Exception, conn: psycopg.Connection[Any] | None) -> StorageError:
        """Translate a psycopg error; the message names the SQLSTATE, never a value."""
        sqlstate = getattr(exc, "sqlstate", None)
        kind = type(exc).__name__
        code = f"{kind}, SQLSTATE {sqlstate}" if sqlstate else kind
        if (conn is not None and (conn.closed or conn.broken)) or (
            sqlstate is not None and (sqlstate.startswith("08") or sqlstate in _LOST_STATES)
        ):
            return StorageError(
                f"the connection to PostgreSQL was lost ({code}); the transaction was rolled back",
            )
        if sqlstate == "40P01":
            return StorageError(f"deadlock detected ({code}); the transaction was rolled back")
        if isinstance(exc, self._pg.DataError) and sqlstate is None:
            return StorageError(
                f"a value cannot be stored in PostgreSQL ({kind}; text cannot hold NUL "
                "characters); the transaction was rolled back",
            )
        return StorageError(f"PostgreSQL failed ({code}); the transaction was rolled back")

    def _cursor(self) -> psycopg.Cursor[tuple[Any, ...]]:
        """The transaction's cursor; every result is read before the next statement runs."""
        cursor = self._state.cursor
        if cursor is None:  # pragma: no cover - every caller is inside transaction()
            raise StorageError("no open transaction")
        return cursor

    def _run(
        self,
        sql: LiteralString,
        params: Sequence[Any] | Mapping[str, Any] | None = None,
    ) -> psycopg.Cursor[tuple[Any, ...]]:
        cur = self._cursor()
        try:
            cur.execute(sql, params)
        except self._pg.IntegrityError as exc:
            constraint = getattr(exc.diag, "constraint_name", None) or "a constraint"
            raise ConflictError(
                f"write contradicts stored state ({constraint}, SQLSTATE {exc.sqlstate})",
            ) from exc
        except self._pg.Error as exc:
            raise self._error(exc, self._state.conn) from exc
        return cur

    def _many(self, sql: LiteralString, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        cur = self._cursor()
        try:
            cur.executemany(sql, rows)
        except self._pg.IntegrityError as exc:
            raise ConflictError(
                f"write contradicts stored state (SQLSTATE {exc.sqlstate})",
            ) from exc
        except self._pg.Error as exc:
            raise self._error(exc, self._state.conn) from exc

    def _one(
        self,
        sql: LiteralString,
        params: Sequence[Any] | Mapping[str, Any] | None = None,
    ) -> Any:  # noqa: ANN401 - a row
        return self._run(sql, params).fetchone()

    def _all(
        self,
        sql: LiteralString,
        params: Sequence[Any] | Mapping[str, Any] | None = None,
    ) -> list[Any]:
        return self._run(sql, params).fetchall()

    def _exists(self, sql: LiteralString, params: Sequence[Any]) -> bool:
        return self._one(sql, params) is not None

    # --- subjects ---------------------------------------------------------------------

    def add_subject(self, subject: Subject) -> None:
        """Store a new subject."""
        with self.transaction():
            cur = self._run(
                "INSERT INTO subjects (id, created_at) VALUES (%s, %s) ON CONFLICT (id) DO NOTHING",
                (subject.id, subject.created_at),
            )
            if cur.rowcount == 0:
                raise ConflictError("subject id already exists")

    def get_subject(self, subject_id: str) -> Subject | None:
        """Return the subject, or ``None``."""
        with self.transaction():
            row = self._one("SELECT id, created_at FROM subjects WHERE id = %s", (subject_id,))
        return None if row is None else Subject(id=row[0], created_at=row[1])

    def delete_subject(self, subject_id: str) -> None:
        """Delete a subject without records, with its blind-index entries (Art. 17)."""
        with self.transaction():
            if not self._exists("SELECT 1 FROM subjects WHERE id = %s FOR UPDATE", (subject_id,)):
                raise NotFoundError("no such subject")
            if self._exists("SELECT 1 FROM records WHERE subject_id = %s LIMIT 1", (subject_id,)):
                raise ConflictError("the subject still has records")
            self._run("DELETE FROM blind_index WHERE subject_id = %s", (subject_id,))
            self._run("DELETE FROM subjects WHERE id = %s", (subject_id,))

    def delete_subjects_without_records(self, subject_ids: Collection[str]) -> list[str]:
        """Delete those of the subjects that have no records left; return their ids, sorted.

        Their blind-index entries go with them (``ON DELETE CASCADE``). The subject rows
        are locked first, in id order: two concurrent batches that each delete some of a
        subject's last records then check one after the other, and the second, reading
        afresh once the first has committed, sees that nothing is left.
        """
        wanted = sorted(set(subject_ids))
        with self.transaction():
            self._run(
                "SELECT id FROM subjects WHERE id = ANY(%s::text[]) ORDER BY id FOR UPDATE",
                (wanted,),
            )
            rows = self._all(
                "DELETE FROM subjects AS s WHERE s.id = ANY(%s::text[]) "
                "AND NOT EXISTS (SELECT 1 FROM records AS r WHERE r.subject_id = s.id) "
                "RETURNING s.id",
                (wanted,),
            )
        return sorted(r[0] for r in rows)

    def add_blind_index(self, entry: BlindIndexEntry) -> None:
        """Add a digest for a subject; idempotent."""
        with self.transaction():
            if not self._exists("SELECT 1 FROM subjects WHERE id = %s", (entry.subject_id,)):
                raise NotFoundError("no such subject")
            self._run(
                "INSERT INTO blind_index (subject_id, index_name, digest) VALUES (%s, %s, %s) "
                "ON CONFLICT DO NOTHING",
                (entry.subject_id, entry.index_name, entry.digest),
            )

    def find_subjects(self, index_name: str, digest: bytes) -> list[str]:
        """Return the ids of the subjects with this digest, sorted."""
        with self.transaction():
            rows = self._all(
                "SELECT subject_id FROM blind_index WHERE index_name = %s AND digest = %s "
                "ORDER BY subject_id",
                (index_name, digest),
            )
        return [r[0] for r in rows]

    def remove_blind_index(self, subject_id: str, *, index_name: str | None = None) -> int:
        """Remove a subject's blind-index entries; return how many went."""
        with self.transaction():
            if index_name is None:
                cur = self._run("DELETE FROM blind_index WHERE subject_id = %s", (subject_id,))
            else:
                cur = self._run(
                    "DELETE FROM blind_index WHERE subject_id = %s AND index_name = %s",
                    (subject_id, index_name),
                )
            return cur.rowcount

    # --- records ----------------------------------------------------------------------

    def add_record(self, record: Record) -> None:
        """Store a new record with its fields."""
        with self.transaction():
            cur = self._run(
                "INSERT INTO records (id, subject_id, kind, created_at, external_ref) "
                "SELECT %s, %s, %s, %s, %s WHERE EXISTS (SELECT 1 FROM subjects WHERE id = %s) "
                "ON CONFLICT (id) DO NOTHING",
                (
                    record.id,
                    record.subject_id,
                    record.kind.value,
                    record.created_at,
                    record.external_ref,
                    record.subject_id,
                ),
            )
            if cur.rowcount == 0:
                if not self._exists("SELECT 1 FROM subjects WHERE id = %s", (record.subject_id,)):
                    raise NotFoundError("no such subject")
                raise ConflictError("record id already exists")
            self._write_fields(record.id, record.fields)

    def _write_fields(self, record_id: str, fields: Mapping[str, bytes]) -> None:
        self._many(
            "INSERT INTO record_fields (record_id, category_id, value) VALUES (%s, %s, %s) "
            "ON CONFLICT (record_id, category_id) DO UPDATE SET value = EXCLUDED.value",
            [(record_id, category_id, value) for category_id, value in fields.items()],
        )

    _RECORD_SELECT: LiteralString = (
        "SELECT r.id, r.subject_id, r.kind, r.created_at, r.external_ref, f.category_id, "
        "f.value FROM records r LEFT JOIN record_fields f ON f.record_id = r.id "
    )

    @staticmethod
    def _records_of(rows: Sequence[Any]) -> list[Record]:
        found: dict[str, tuple[Any, dict[str, bytes]]] = {}
        for row in rows:
            _, fields = found.setdefault(row[0], (row, {}))
            if row[5] is not None:
                fields[row[5]] = bytes(row[6])
        return [
            Record(
                id=head[0],
                subject_id=head[1],
                kind=RecordKind(head[2]),
                created_at=head[3],
                external_ref=head[4],
                fields=fields,
            )
            for head, fields in found.values()
        ]

    def get_record(self, record_id: str) -> Record | None:
        """Return the record, or ``None``."""
        with self.transaction():
            rows = self._all(self._RECORD_SELECT + "WHERE r.id = %s", (record_id,))
        records = self._records_of(rows)
        return records[0] if records else None

    def get_records(self, record_ids: Collection[str]) -> dict[str, Record]:
        """Return the records that exist among *record_ids*, by id (one query)."""
        with self.transaction():
            rows = self._all(
                self._RECORD_SELECT + "WHERE r.id = ANY(%s::text[])", (sorted(set(record_ids)),)
            )
        return {record.id: record for record in self._records_of(rows)}

    def outlines_of_records(self, record_ids: Collection[str]) -> dict[str, RecordOutline]:
        """Return outlines of the records that exist among *record_ids*, by id (one query)."""
        with self.transaction():
            rows = self._all(
                "SELECT id, subject_id, kind, external_ref, ARRAY(SELECT category_id "
                "FROM record_fields WHERE record_id = records.id) FROM records "
                "WHERE id = ANY(%s::text[])",
                (sorted(set(record_ids)),),
            )
        return {
            row[0]: RecordOutline(
                id=row[0], subject_id=row[1], kind=row[2], external_ref=row[3], categories=row[4]
            )
            for row in rows
        }

    def records_of_subject(self, subject_id: str) -> list[Record]:
        """Return a subject's records by ``(created_at, id)``."""
        with self.transaction():
            rows = self._all(
                self._RECORD_SELECT + "WHERE r.subject_id = %s ORDER BY r.created_at, r.id",
                (subject_id,),
            )
        return self._records_of(rows)

    def _record_kind(self, record_id: str) -> RecordKind:
        row = self._one("SELECT kind FROM records WHERE id = %s", (record_id,))
        if row is None:
            raise NotFoundError("no such record")
        return RecordKind(row[0])

    def put_fields(self, record_id: str, fields: Mapping[str, bytes]) -> None:
        """Add or replace encrypted field values of a managed record."""
        with self.transaction():
            if self._record_kind(record_id) is RecordKind.REFERENCED:
                raise ConflictError("a referenced record holds no field values")
            for value in fields.values():
                if not isinstance(value, bytes):
                    raise TypeError("fields map category ids (str) to encrypted bytes")
            self._write_fields(record_id, fields)

    def remove_fields(self, record_id: str, category_ids: Collection[str]) -> list[str]:
        """Remove fields; return the category ids that were present, sorted."""
        with self.transaction():
            self._record_kind(record_id)
            rows = self._all(
                "DELETE FROM record_fields WHERE record_id = %s AND category_id = ANY(%s::text[]) "
                "RETURNING category_id",
                (record_id, sorted(set(category_ids))),
            )
        return sorted(r[0] for r in rows)

    def delete_record(self, record_id: str) -> None:
        """Delete a record with its fields and purpose links."""
        self.delete_records([record_id])

    def delete_records(self, record_ids: Collection[str]) -> None:
        """Delete records with their fields and purpose links."""
        wanted = sorted(set(record_ids))
        with self.transaction():
            cur = self._run("DELETE FROM records WHERE id = ANY(%s::text[])", (wanted,))
            if cur.rowcount != len(wanted):
                raise NotFoundError("no such record")

    def count_records(
        self,
        purpose_ids: Collection[str],
        *,
        created_from: dt.datetime | None = None,
        created_until: dt.datetime | None = None,
    ) -> RecordCounts:
        """Count records with a live link to any of *purpose_ids*, and their subjects."""
        start = _opt_utc(created_from, "count_records(created_from)")
        end = _opt_utc(created_until, "count_records(created_until)")
        wanted = sorted(set(purpose_ids))
        if not wanted:
            return RecordCounts(subjects=0, records=0, referenced=0)
        with self.transaction():
            row = self._one(
                "SELECT count(DISTINCT r.subject_id), count(*), "
                "count(*) FILTER (WHERE r.kind = 'referenced') FROM records r "
                "WHERE r.id IN (SELECT record_id FROM links "
                "WHERE state = 'live' AND purpose_id = ANY(%s::text[])) "
                "AND (%s::timestamptz IS NULL OR r.created_at >= %s) "
                "AND (%s::timestamptz IS NULL OR r.created_at < %s)",
                (wanted, start, start, end, end),
            )
        return RecordCounts(subjects=int(row[0]), records=int(row[1]), referenced=int(row[2]))

    # --- purpose links and claims -----------------------------------------------------

    _LINK_COLUMNS: LiteralString = (
        "record_id, purpose_id, created_at, triggers, eligible_from, state, ended_at, "
        "end_reason, restricted"
    )

    @staticmethod
    def _link_of(row: Any) -> PurposeLink:  # noqa: ANN401 - a row
        return PurposeLink(
            record_id=row[0],
            purpose_id=row[1],
            created_at=row[2],
            triggers={k: _EPOCH + v * _MICRO for k, v in json.loads(row[3]).items()},
            eligible_from=row[4],
            state=row[5],
            ended_at=row[6],
            end_reason=row[7],
            restricted=row[8],
        )

    @staticmethod
    def _link_values(link: PurposeLink) -> tuple[Any, ...]:
        return (
            _json({k: _micros(v, "PurposeLink.triggers") for k, v in link.triggers.items()}),
            link.eligible_from,
            link.state.value,
            link.ended_at,
            link.end_reason,
            link.restricted,
        )

    def add_link(self, link: PurposeLink) -> None:
        """Store a new purpose link."""
        with self.transaction():
            cur = self._run(
                "INSERT INTO links (record_id, purpose_id, created_at, triggers, eligible_from, "
                "state, ended_at, end_reason, restricted) "
                "SELECT %s, %s, %s, %s, %s, %s, %s, %s, %s "
                "WHERE EXISTS (SELECT 1 FROM records WHERE id = %s) "
                "ON CONFLICT (record_id, purpose_id) DO NOTHING",
                (
                    link.record_id,
                    link.purpose_id,
                    link.created_at,
                    *self._link_values(link),
                    link.record_id,
                ),
            )
            if cur.rowcount == 0:
                self._record_kind(link.record_id)
                raise ConflictError("the record already has a link to this purpose")

    def get_link(self, record_id: str, purpose_id: str) -> PurposeLink | None:
        """Return the link, or ``None``."""
        rows = self._links(
            "WHERE record_id = %s AND purpose_id = %s",
            (record_id, purpose_id),
        )
        return rows[0] if rows else None

    def update_link(self, link: PurposeLink) -> None:
        """Write a changed link; ``created_at`` keeps its stored value."""
        self.update_links([link])

    def update_links(self, links: Sequence[PurposeLink]) -> None:
        """Write changed links in one statement; each keeps its stored ``created_at``."""
        if not links:
            return
        rows = [(link.record_id, link.purpose_id, *self._link_values(link)) for link in links]
        with self.transaction():
            cur = self._run(
                "UPDATE links AS l SET triggers = v.triggers, eligible_from = v.eligible_from, "
                "state = v.state, ended_at = v.ended_at, end_reason = v.end_reason, "
                "restricted = v.restricted FROM unnest(%s::text[], %s::text[], %s::text[], "
                "%s::timestamptz[], %s::text[], %s::timestamptz[], %s::text[], %s::boolean[]) "
                "AS v (record_id, purpose_id, triggers, eligible_from, state, ended_at, "
                "end_reason, restricted) "
                "WHERE l.record_id = v.record_id AND l.purpose_id = v.purpose_id",
                [list(column) for column in zip(*rows, strict=True)],
            )
            if cur.rowcount != len({link.key for link in links}):
                raise NotFoundError("no such purpose link")

    def _links(self, where: LiteralString, params: Sequence[Any]) -> list[PurposeLink]:
        with self.transaction():
            rows = self._all("SELECT " + self._LINK_COLUMNS + " FROM links " + where, params)  # noqa: S608 - constant columns and clauses
        return [self._link_of(r) for r in rows]

    def links_of_record(self, record_id: str) -> list[PurposeLink]:
        """Return a record's links by ``purpose_id``."""
        return self._links("WHERE record_id = %s ORDER BY purpose_id", (record_id,))

    def links_of_records(
        self, record_ids: Collection[str], *, lock: bool = False
    ) -> list[PurposeLink]:
        """Return these records' links by ``(record_id, purpose_id)``.

        With *lock*, ``FOR UPDATE`` in key order: a concurrent transaction that locks an
        overlapping set waits for this one and then reads what it wrote.
        """
        where: LiteralString = "WHERE record_id = ANY(%s::text[]) ORDER BY record_id, purpose_id"
        if lock:
            where += " FOR UPDATE"
        return self._links(where, (sorted(set(record_ids)),))

    def links_of_subject(self, subject_id: str) -> list[PurposeLink]:
        """Return the links of a subject's records by ``(record_id, purpose_id)``."""
        return self._links(
            "WHERE record_id IN (SELECT id FROM records WHERE subject_id = %s) "
            "ORDER BY record_id, purpose_id",
            (subject_id,),
        )

    def links_of_purpose(
        self,
        purpose_id: str,
        *,
        after: LinkKey | None,
        limit: int,
    ) -> list[PurposeLink]:
        """Return up to *limit* links of a purpose by ``record_id``, after *after*."""
        if after is None:
            return self._links(
                "WHERE purpose_id = %s ORDER BY record_id LIMIT %s",
                (purpose_id, max(limit, 0)),
            )
        return self._links(
            "WHERE purpose_id = %s AND (record_id > %s OR (record_id = %s AND purpose_id > %s)) "
            "ORDER BY record_id LIMIT %s",
            (purpose_id, after.record_id, after.record_id, after.purpose_id, max(limit, 0)),
        )

    def links_awaiting_trigger(
        self,
        created_before: dt.datetime,
        *,
        limit: int,
    ) -> list[PurposeLink]:
        """Return live links without ``eligible_from`` made before an instant."""
        before = to_utc(created_before, what="links_awaiting_trigger(created_before)")
        return self._links(
            "WHERE eligible_from IS NULL AND state = 'live' AND created_at < %s "
            "ORDER BY created_at, record_id, purpose_id LIMIT %s",
            (before, max(limit, 0)),
        )

    def due_links(
        self,
        now: dt.datetime,
        *,
        after: PurposeLink | None = None,
        limit: int,
    ) -> list[PurposeLink]:
        """Return up to *limit* due links after *after*, without claiming them."""
        now = to_utc(now, what="due_links(now)")
        if after is None:
            return self._links(
                "WHERE state = 'live' AND eligible_from <= %s "
                "ORDER BY eligible_from, record_id, purpose_id LIMIT %s",
                (now, max(limit, 0)),
            )
        return self._links(
            "WHERE state = 'live' AND eligible_from <= %s "
            "AND (eligible_from, record_id, purpose_id) > (%s, %s, %s) "
            "ORDER BY eligible_from, record_id, purpose_id LIMIT %s",
            (now, after.eligible_from, after.record_id, after.purpose_id, max(limit, 0)),
        )

    def count_due_links(self, now: dt.datetime, *, purpose_id: str | None = None) -> int:
        """Count live links with ``eligible_from <= now``."""
        now = to_utc(now, what="count_due_links(now)")
        with self.transaction():
            row = self._one(
                "SELECT count(*) FROM links WHERE state = 'live' AND eligible_from <= %s "
                "AND (%s::text IS NULL OR purpose_id = %s)",
                (now, purpose_id, purpose_id),
            )
        return int(row[0])

    def count_awaiting_trigger(self, *, purpose_id: str | None = None) -> int:
        """Count live links without ``eligible_from``."""
        with self.transaction():
            row = self._one(
                "SELECT count(*) FROM links WHERE state = 'live' AND eligible_from IS NULL "
                "AND (%s::text IS NULL OR purpose_id = %s)",
                (purpose_id, purpose_id),
            )
        return int(row[0])

    def claim_due(
        self,
        now: dt.datetime,
        *,
        worker: str,
        limit: int,
        lease_until: dt.datetime,
    ) -> Claim:
        """Lease up to *limit* due, unclaimed links to *worker* until *lease_until*.

        The due links are locked with ``FOR UPDATE SKIP LOCKED``: a concurrent claim
        skips them instead of waiting, and never returns the same link.
        """
        now, lease_until = _claim_args(now, limit, lease_until, method="claim_due")
        claim_id = uuid.uuid4().hex
        with self.transaction():
            rows = self._all(
                "WITH due AS (SELECT record_id, purpose_id FROM links "
                "WHERE state = 'live' AND eligible_from <= %(now)s "
                "AND (lease_until IS NULL OR lease_until <= %(now)s) "
                "ORDER BY eligible_from, record_id, purpose_id LIMIT %(limit)s "
                "FOR UPDATE SKIP LOCKED) "
                "UPDATE links AS l SET claim_id = %(claim)s, lease_until = %(lease)s FROM due "
                "WHERE l.record_id = due.record_id AND l.purpose_id = due.purpose_id "
                "RETURNING l.record_id, l.purpose_id, l.created_at, l.triggers, "
                "l.eligible_from, l.state, l.ended_at, l.end_reason, l.restricted",
                {"now": now, "limit": limit, "claim": claim_id, "lease": lease_until},
            )
            if rows:
                self._run(
                    "INSERT INTO claims (id, worker, lease_until, completed) "
                    "VALUES (%s, %s, %s, false)",
                    (claim_id, worker, lease_until),
                )
        links = sorted(
            (self._link_of(r) for r in rows),
            key=lambda x: (x.eligible_from, x.record_id, x.purpose_id),
        )
        return Claim(id=claim_id, worker=worker, lease_until=lease_until, links=links)

    @contextlib.contextmanager
    def sweep_batch(
        self,
        now: dt.datetime,
        *,
        worker: str,
        limit: int,
        lease_until: dt.datetime,
    ) -> Iterator[SweepBatch]:
        """Claim, then read and lock a batch; see :meth:`Store.sweep_batch`.

        The claim commits first, so that other sweepers take other batches in the
        meantime (``SKIP LOCKED``). The block's transaction then locks all the batch's
        links in key order: claiming inside it instead could leave two sweepers each
        holding one link of the same record and waiting for the other's.
        """
        _claim_args(now, limit, lease_until, method="sweep_batch")
        claim = self.claim_due(now, worker=worker, limit=limit, lease_until=lease_until)
        if not claim.links:
            yield SweepBatch(claim=claim, links=(), records={})
            return
        wanted = {link.record_id for link in claim.links}
        with self.transaction():
            yield SweepBatch(
                claim=claim,
                links=self.links_of_records(wanted, lock=True),
                records=self.outlines_of_records(wanted),
            )

    def complete_claim(
        self,
        claim_id: str,
        *,
        worker: str,
        now: dt.datetime,
        defer: Collection[LinkKey] = (),
        defer_until: dt.datetime | None = None,
    ) -> None:
        """Release a claim's links once handled; idempotent."""
        now = to_utc(now, what="complete_claim(now)")
        until = _check_defer(defer, defer_until)
        with self.transaction():
            row = self._one(
                "SELECT worker, lease_until, completed FROM claims WHERE id = %s FOR UPDATE",
                (claim_id,),
            )
            if row is None or row[0] != worker:
                raise ClaimLostError("claim unknown or held by another worker")
            if row[2]:
                return
            if row[1] <= now:
                raise ClaimLostError("claim lease ended before completion")
            self._run("UPDATE claims SET completed = true WHERE id = %s", (claim_id,))
            keys = sorted(set(defer))
            if until is not None and keys:
                self._run(
                    "UPDATE links SET claim_id = NULL, lease_until = %s WHERE claim_id = %s "
                    "AND (record_id, purpose_id) IN "
                    "(SELECT * FROM unnest(%s::text[], %s::text[]))",
                    (
                        until,
                        claim_id,
                        [k.record_id for k in keys],
                        [k.purpose_id for k in keys],
                    ),
                )
            self._run(
                "UPDATE links SET claim_id = NULL, lease_until = NULL WHERE claim_id = %s",
                (claim_id,),
            )

    def release_deferrals(self) -> int:
        """Return every deferred link to the pool; return how many."""
        with self.transaction():
            return self._run(
                "UPDATE links SET lease_until = NULL "
                "WHERE claim_id IS NULL AND lease_until IS NOT NULL",
            ).rowcount

    # --- consent events ---------------------------------------------------------------

    def add_consent_event(self, event: ConsentEvent) -> None:
        """Append a consent event."""
        with self.transaction():
            cur = self._run(
                "INSERT INTO consent_events (id, subject_id, purpose_id, action, at, text_hash, "
                "channel, mechanism, evidence) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (id) DO NOTHING",
                (
                    event.id,
                    event.subject_id,
                    event.purpose_id,
                    event.action.value,
                    event.at,
                    event.text_hash,
                    event.channel,
                    event.mechanism,
                    _json(event.evidence),
                ),
            )
            if cur.rowcount == 0:
                raise ConflictError("consent event id already exists")

    def consent_events(
        self,
        subject_id: str,
        purpose_id: str | None = None,
    ) -> list[ConsentEvent]:
        """Return a subject's events by time, then by insertion."""
        with self.transaction():
            rows = self._all(
                "SELECT id, subject_id, purpose_id, action, at, text_hash, channel, mechanism, "
                "evidence FROM consent_events WHERE subject_id = %s "
                "AND (%s::text IS NULL OR purpose_id = %s) ORDER BY at, seq",
                (subject_id, purpose_id, purpose_id),
            )
        return [
            ConsentEvent(
                id=r[0],
                subject_id=r[1],
                purpose_id=r[2],
                action=r[3],
                at=r[4],
                text_hash=r[5],
                channel=r[6],
                mechanism=r[7],
                evidence=json.loads(r[8]),
            )
            for r in rows
        ]

    # --- subject requests -------------------------------------------------------------

    def add_request(self, request: SubjectRequest) -> None:
        """Store a new request."""
        with self.transaction():
            cur = self._run(
                "INSERT INTO requests (id, subject_id, kind, received_at, state, details) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                (
                    request.id,
                    request.subject_id,
                    request.kind,
                    request.received_at,
                    request.state,
                    _json(request.details),
                ),
            )
            if cur.rowcount == 0:
                raise ConflictError("request id already exists")

    _REQUEST_COLUMNS: LiteralString = "id, subject_id, kind, received_at, state, details"

    @staticmethod
    def _request_of(row: Any) -> SubjectRequest:  # noqa: ANN401 - a row
        return SubjectRequest(
            id=row[0],
            subject_id=row[1],
            kind=row[2],
            received_at=row[3],
            state=row[4],
            details=json.loads(row[5]),
        )

    def get_request(self, request_id: str) -> SubjectRequest | None:
        """Return the request, or ``None``."""
        with self.transaction():
            row = self._one(
                "SELECT " + self._REQUEST_COLUMNS + " FROM requests WHERE id = %s",  # noqa: S608 - constant columns and clauses
                (request_id,),
            )
        return None if row is None else self._request_of(row)

    def update_request(
        self,
        request_id: str,
        *,
        state: str,
        details: Mapping[str, Any] | None = None,
    ) -> SubjectRequest:
        """Set a request's state (and details); return it."""
        with self.transaction():
            row = self._one(
                "SELECT " + self._REQUEST_COLUMNS + " FROM requests WHERE id = %s FOR UPDATE",  # noqa: S608 - constant columns and clauses
                (request_id,),
            )
            if row is None:
                raise NotFoundError("no such request")
            old = self._request_of(row)
            new = attrs.evolve(
                old, state=state, details=old.details if details is None else details
            )
            self._run(
                "UPDATE requests SET state = %s, details = %s WHERE id = %s",
                (new.state, _json(new.details), request_id),
            )
            return new

    def requests_of_subject(self, subject_id: str) -> list[SubjectRequest]:
        """Return a subject's requests by ``(received_at, id)``."""
        with self.transaction():
            rows = self._all(
                "SELECT " + self._REQUEST_COLUMNS + " FROM requests WHERE subject_id = %s "  # noqa: S608 - constant columns and clauses
                "ORDER BY received_at, id",
                (subject_id,),
            )
        return [self._request_of(r) for r in rows]

    def requests_in_state(self, states: Collection[str], *, limit: int) -> list[SubjectRequest]:
        """Return up to *limit* requests in any of *states* by ``(received_at, id)``."""
        wanted = sorted(set(states))
        if not wanted:
            return []
        with self.transaction():
            rows = self._all(
                "SELECT " + self._REQUEST_COLUMNS + " FROM requests "  # noqa: S608 - constant columns
                "WHERE state = ANY(%s::text[]) ORDER BY received_at, id LIMIT %s",
                (wanted, max(limit, 0)),
            )
        return [self._request_of(r) for r in rows]

    # --- disposal tasks ---------------------------------------------------------------

    _TASK_COLUMNS: LiteralString = (
        "id, record_id, subject_id, external_ref, purpose_id, action, categories, reason, "
        "due_at, created_at, state, attempts, next_attempt_at, last_error, done_at"
    )

    @staticmethod
    def _task_of(row: Any) -> DisposalTask:  # noqa: ANN401 - a row
        return DisposalTask(
            id=row[0],
            record_id=row[1],
            subject_id=row[2],
            external_ref=row[3],
            purpose_id=row[4],
            action=row[5],
            categories=json.loads(row[6]),
            reason=row[7],
            due_at=row[8],
            created_at=row[9],
            state=row[10],
            attempts=row[11],
            next_attempt_at=row[12],
            last_error=row[13],
            done_at=row[14],
        )

    def add_task(self, task: DisposalTask) -> None:
        """Store a new task."""
        with self.transaction():
            cur = self._run(
                "INSERT INTO tasks (" + self._TASK_COLUMNS + ") "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (id) DO NOTHING",
                (
                    task.id,
                    task.record_id,
                    task.subject_id,
                    task.external_ref,
                    task.purpose_id,
                    task.action,
                    _json(list(task.categories)),
                    task.reason,
                    task.due_at,
                    task.created_at,
                    task.state.value,
                    task.attempts,
                    task.next_attempt_at,
                    task.last_error,
                    task.done_at,
                ),
            )
            if cur.rowcount == 0:
                raise ConflictError("task id already exists")

    def get_task(self, task_id: str) -> DisposalTask | None:
        """Return the task, or ``None``."""
        with self.transaction():
            row = self._one(
                "SELECT " + self._TASK_COLUMNS + " FROM tasks WHERE id = %s",  # noqa: S608 - constant columns
                (task_id,),
            )
        return None if row is None else self._task_of(row)

    def update_task(self, task: DisposalTask) -> None:
        """Write a changed task."""
        with self.transaction():
            cur = self._run(
                "UPDATE tasks SET state = %s, attempts = %s, next_attempt_at = %s, "
                "last_error = %s, done_at = %s WHERE id = %s",
                (
                    task.state.value,
                    task.attempts,
                    task.next_attempt_at,
                    task.last_error,
                    task.done_at,
                    task.id,
                ),
            )
            if cur.rowcount == 0:
                raise NotFoundError("no such task")

    def claim_task(
        self, task_id: str, *, now: dt.datetime, until: dt.datetime
    ) -> DisposalTask | None:
        """Take a due pending task for one attempt; ``None`` if it is not free.

        One conditional ``UPDATE``: a concurrent claimer waits for the row, sees the
        moved ``next_attempt_at`` and gets ``None``.
        """
        now = to_utc(now, what="claim_task(now)")
        until = to_utc(until, what="claim_task(until)")
        with self.transaction():
            row = self._one(
                "UPDATE tasks SET attempts = attempts + 1, next_attempt_at = %s "  # noqa: S608 - constant columns
                "WHERE id = %s AND state = 'pending' AND next_attempt_at <= %s "
                "RETURNING " + self._TASK_COLUMNS,
                (until, task_id, now),
            )
        return None if row is None else self._task_of(row)

    def tasks(
        self,
        *,
        state: TaskState | None = None,
        ready_at: dt.datetime | None = None,
        limit: int,
    ) -> list[DisposalTask]:
        """Return up to *limit* tasks (ready ones, or of a state, or all)."""
        ready = _opt_utc(ready_at, "tasks(ready_at)")
        with self.transaction():
            if ready is not None:
                rows = self._all(
                    "SELECT " + self._TASK_COLUMNS + " FROM tasks WHERE state = 'pending' "  # noqa: S608 - constant columns
                    "AND next_attempt_at <= %s ORDER BY next_attempt_at, id LIMIT %s",
                    (ready, max(limit, 0)),
                )
            else:
                state_text = None if state is None else TaskState(state).value
                rows = self._all(
                    "SELECT " + self._TASK_COLUMNS + " FROM tasks "  # noqa: S608 - constant columns
                    "WHERE (%s::text IS NULL OR state = %s) ORDER BY created_at, id LIMIT %s",
                    (state_text, state_text, max(limit, 0)),
                )
        return [self._task_of(r) for r in rows]

    # --- suppressions -----------------------------------------------------------------

    def add_suppression(self, entry: Suppression) -> None:
        """Store an entry; the same digest and scope again is a no-op."""
        with self.transaction():
            self._run(
                "INSERT INTO suppressions (digest, scope, created_at, basis) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (digest, scope) DO NOTHING",
                (entry.digest, entry.scope, entry.created_at, entry.basis),
            )

    def is_suppressed(self, digest: bytes, scope: str) -> bool:
        """Return whether the digest is suppressed for the scope."""
        with self.transaction():
            return self._exists(
                "SELECT 1 FROM suppressions WHERE digest = %s AND scope = %s", (digest, scope)
            )

    # --- holds ------------------------------------------------------------------------

    _HOLD_COLUMNS: LiteralString = (
        "id, scope, scope_value, reason, matter_ref, created_by, created_at, released_at"
    )

    @staticmethod
    def _hold_of(row: Any) -> Hold:  # noqa: ANN401 - a row
        return Hold(
            id=row[0],
            scope=row[1],
            scope_value=row[2],
            reason=row[3],
            matter_ref=row[4],
            created_by=row[5],
            created_at=row[6],
            released_at=row[7],
        )

    def add_hold(self, hold: Hold) -> None:
        """Store a new hold."""
        with self.transaction():
            cur = self._run(
                "INSERT INTO holds (" + self._HOLD_COLUMNS + ") "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                (
                    hold.id,
                    hold.scope.value,
                    hold.scope_value,
                    hold.reason,
                    hold.matter_ref,
                    hold.created_by,
                    hold.created_at,
                    hold.released_at,
                ),
            )
            if cur.rowcount == 0:
                raise ConflictError("hold id already exists")

    def get_hold(self, hold_id: str) -> Hold | None:
        """Return the hold, or ``None``."""
        with self.transaction():
            row = self._one(
                "SELECT " + self._HOLD_COLUMNS + " FROM holds WHERE id = %s",  # noqa: S608 - constant columns and clauses
                (hold_id,),
            )
        return None if row is None else self._hold_of(row)

    def release_hold(self, hold_id: str, *, at: dt.datetime) -> Hold:
        """Release a hold; releasing a released hold returns it unchanged."""
        at = to_utc(at, what="release_hold(at)")
        with self.transaction():
            self._run(
                "UPDATE holds SET released_at = %s WHERE id = %s AND released_at IS NULL",
                (at, hold_id),
            )
            hold = self.get_hold(hold_id)
            if hold is None:
                raise NotFoundError("no such hold")
            return hold

    def active_holds(
        self,
        *,
        scope: HoldScope | None = None,
        scope_value: str | None = None,
    ) -> list[Hold]:
        """Return unreleased holds by ``(created_at, id)``."""
        scope_text = None if scope is None else HoldScope(scope).value
        with self.transaction():
            rows = self._all(
                "SELECT " + self._HOLD_COLUMNS + " FROM holds WHERE released_at IS NULL "  # noqa: S608 - constant columns and clauses
                "AND (%s::text IS NULL OR scope = %s) AND (%s::text IS NULL OR scope_value = %s) "
                "ORDER BY created_at, id",
                (scope_text, scope_text, scope_value, scope_value),
            )
        return [self._hold_of(r) for r in rows]

    # --- review tasks -----------------------------------------------------------------

    _REVIEW_COLUMNS: LiteralString = (
        "id, record_id, purpose_id, subject_id, due_at, created_at, state, decided_at, "
        "decided_by, justification, keep_until"
    )

    @staticmethod
    def _review_of(row: Any) -> ReviewTask:  # noqa: ANN401 - a row
        return ReviewTask(
            id=row[0],
            record_id=row[1],
            purpose_id=row[2],
            subject_id=row[3],
            due_at=row[4],
            created_at=row[5],
            state=row[6],
            decided_at=row[7],
            decided_by=row[8],
            justification=row[9],
            keep_until=row[10],
        )

    def add_review(self, task: ReviewTask) -> None:
        """Store a new review task."""
        with self.transaction():
            cur = self._run(
                "INSERT INTO reviews (" + self._REVIEW_COLUMNS + ") "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                (
                    task.id,
                    task.record_id,
                    task.purpose_id,
                    task.subject_id,
                    task.due_at,
                    task.created_at,
                    task.state.value,
                    task.decided_at,
                    task.decided_by,
                    task.justification,
                    task.keep_until,
                ),
            )
            if cur.rowcount == 0:
                raise ConflictError("review id already exists")

    def get_review(self, review_id: str) -> ReviewTask | None:
        """Return the task, or ``None``."""
        with self.transaction():
            row = self._one(
                "SELECT " + self._REVIEW_COLUMNS + " FROM reviews WHERE id = %s",  # noqa: S608 - constant columns
                (review_id,),
            )
        return None if row is None else self._review_of(row)

    def update_review(self, task: ReviewTask) -> None:
        """Write a decided task."""
        with self.transaction():
            cur = self._run(
                "UPDATE reviews SET state = %s, decided_at = %s, decided_by = %s, "
                "justification = %s, keep_until = %s WHERE id = %s",
                (
                    task.state.value,
                    task.decided_at,
                    task.decided_by,
                    task.justification,
                    task.keep_until,
                    task.id,
                ),
            )
            if cur.rowcount == 0:
                raise NotFoundError("no such review")

    def reviews(self, *, state: ReviewState | None = None, limit: int) -> list[ReviewTask]:
        """Return up to *limit* tasks by ``(created_at, id)``."""
        state_text = None if state is None else ReviewState(state).value
        with self.transaction():
            rows = self._all(
                "SELECT " + self._REVIEW_COLUMNS + " FROM reviews "  # noqa: S608 - constant columns
                "WHERE (%s::text IS NULL OR state = %s) ORDER BY created_at, id LIMIT %s",
                (state_text, state_text, max(limit, 0)),
            )
        return [self._review_of(r) for r in rows]

    # --- breaches ---------------------------------------------------------------------

    _BREACH_COLUMNS: LiteralString = "id, aware_at, created_at, state, details"

    @staticmethod
    def _breach_of(row: Any) -> BreachRecord:  # noqa: ANN401 - a row
        return BreachRecord(
            id=row[0],
            aware_at=row[1],
            created_at=row[2],
            state=row[3],
            details=json.loads(row[4]),
        )

    def add_breach(self, breach: BreachRecord) -> None:
        """Register a breach."""
        with self.transaction():
            cur = self._run(
                "INSERT INTO breaches (" + self._BREACH_COLUMNS + ") "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                (
                    breach.id,
                    breach.aware_at,
                    breach.created_at,
                    breach.state,
                    _json(breach.details),
                ),
            )
            if cur.rowcount == 0:
                raise ConflictError("breach id already exists")

    def get_breach(self, breach_id: str) -> BreachRecord | None:
        """Return the breach, or ``None``."""
        with self.transaction():
            row = self._one(
                "SELECT " + self._BREACH_COLUMNS + " FROM breaches WHERE id = %s",  # noqa: S608 - constant columns
                (breach_id,),
            )
        return None if row is None else self._breach_of(row)

    def update_breach(
        self,
        breach_id: str,
        *,
        state: str,
        details: Mapping[str, Any],
    ) -> BreachRecord:
        """Set a breach's state and details; return it."""
        with self.transaction():
            row = self._one(
                "SELECT " + self._BREACH_COLUMNS + " FROM breaches WHERE id = %s FOR UPDATE",  # noqa: S608 - constant columns
                (breach_id,),
            )
            if row is None:
                raise NotFoundError("no such breach")
            new = attrs.evolve(self._breach_of(row), state=state, details=details)
            self._run(
                "UPDATE breaches SET state = %s, details = %s WHERE id = %s",
                (new.state, _json(new.details), breach_id),
            )
            return new

    def breaches(self) -> list[BreachRecord]:
        """Return every breach by ``(aware_at, id)``."""
        with self.transaction():
            rows = self._all(
                "SELECT " + self._BREACH_COLUMNS + " FROM breaches ORDER BY aware_at, id"  # noqa: S608 - constant columns
            )
        return [self._breach_of(r) for r in rows]

    # --- published texts --------------------------------------------------------------

    def publish_text(self, text: PublishedText) -> PublishedText:
        """Store a text under its hash; idempotent."""
        with self.transaction():
            self._run(
                "INSERT INTO published_texts (sha256, text, kind, language, published_at) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (sha256) DO NOTHING",
                (text.sha256, text.text, text.kind, text.language, text.published_at),
            )
            stored = self.get_text(text.sha256)
        if stored is None:  # pragma: no cover - inserted just above
            raise StorageError("published text vanished")
        return stored

    def get_text(self, sha256: str) -> PublishedText | None:
        """Return the text with this hash, or ``None``."""
        with self.transaction():
            row = self._one(
                "SELECT sha256, text, kind, language, published_at FROM published_texts "
                "WHERE sha256 = %s",
                (sha256,),
            )
        if row is None:
            return None
        return PublishedText(
            sha256=row[0],
            text=row[1],
            kind=row[2],
            language=row[3],
            published_at=row[4],
        )

    # --- disposal records -------------------------------------------------------------

    _DISPOSAL_COLUMNS: LiteralString = (
        "id, record_id, subject_id, purpose_ids, rule, action, due_at, executed_at, fields_removed"
    )

    @staticmethod
    def _disposal_of(row: Any) -> DisposalRecord:  # noqa: ANN401 - a row
        return DisposalRecord(
            id=row[0],
            record_id=row[1],
            subject_id=row[2],
            purpose_ids=json.loads(row[3]),
            rule=row[4],
            action=row[5],
            due_at=row[6],
            executed_at=row[7],
            fields_removed=json.loads(row[8]),
        )

    def add_disposal(self, disposal: DisposalRecord) -> None:
        """Store a disposal record."""
        self.add_disposals([disposal])

    def add_disposals(self, disposals: Sequence[DisposalRecord]) -> None:
        """Store disposal records in one statement."""
        if not disposals:
            return
        rows = [
            (
                d.id,
                d.record_id,
                d.subject_id,
                _json(list(d.purpose_ids)),
                d.rule,
                d.action,
                to_utc(d.due_at, what="DisposalRecord.due_at"),
                to_utc(d.executed_at, what="DisposalRecord.executed_at"),
                _json(list(d.fields_removed)),
            )
            for d in disposals
        ]
        with self.transaction():
            cur = self._run(
                "INSERT INTO disposals (" + self._DISPOSAL_COLUMNS + ") "  # noqa: S608 - constant columns
                "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], "
                "%s::text[], %s::text[], %s::timestamptz[], %s::timestamptz[], %s::text[]) "
                "ON CONFLICT (id) DO NOTHING",
                [list(column) for column in zip(*rows, strict=True)],
            )
            if cur.rowcount != len({d.id for d in disposals}):
                raise ConflictError("disposal record id already exists")

    def get_disposal(self, disposal_id: str) -> DisposalRecord | None:
        """Return the disposal record, or ``None``."""
        with self.transaction():
            row = self._one(
                "SELECT " + self._DISPOSAL_COLUMNS + " FROM disposals WHERE id = %s",  # noqa: S608 - constant columns and clauses
                (disposal_id,),
            )
        return None if row is None else self._disposal_of(row)

    def disposals_of_subject(self, subject_id: str) -> list[DisposalRecord]:
        """Return a subject's disposal records by ``(executed_at, id)``."""
        with self.transaction():
            rows = self._all(
                "SELECT " + self._DISPOSAL_COLUMNS + " FROM disposals WHERE subject_id = %s "  # noqa: S608 - constant columns and clauses
                "ORDER BY executed_at, id",
                (subject_id,),
            )
        return [self._disposal_of(r) for r in rows]

    def disposals_executed(
        self,
        start: dt.datetime,
        end: dt.datetime,
        *,
        after: DisposalRecord | None = None,
        limit: int,
    ) -> list[DisposalRecord]:
        """Return up to *limit* records executed in ``[start, end)`` by ``(executed_at, id)``."""
        start = to_utc(start, what="disposals_executed(start)")
        end = to_utc(end, what="disposals_executed(end)")
        with self.transaction():
            if after is None:
                rows = self._all(
                    "SELECT " + self._DISPOSAL_COLUMNS + " FROM disposals "  # noqa: S608 - constant columns
                    "WHERE executed_at >= %s AND executed_at < %s "
                    "ORDER BY executed_at, id LIMIT %s",
                    (start, end, max(limit, 0)),
                )
            else:
                rows = self._all(
                    "SELECT " + self._DISPOSAL_COLUMNS + " FROM disposals "  # noqa: S608 - constant columns
                    "WHERE executed_at >= %s AND executed_at < %s AND (executed_at, id) > (%s, %s) "
                    "ORDER BY executed_at, id LIMIT %s",
                    (start, end, after.executed_at, after.id, max(limit, 0)),
                )
        return [self._disposal_of(r) for r in rows]

    # --- audit entries ----------------------------------------------------------------

    def append_audit_entry(self, entry: AuditEntry, *, seal: AuditSeal) -> None:
        """Append the next audit entry and move the head seal, atomically.

        The seal row is updated only if it still points at ``entry.seq - 1``; the
        update locks it until the transaction ends, so appenders queue on it.
        """
        if seal.seq != entry.seq:
            raise ConflictError("audit entry out of sequence")
        with self.transaction():
            cur = self._run(
                "UPDATE audit_seal SET seq = %s, hash = %s, mac = %s WHERE one = 1 AND seq = %s",
                (seal.seq, seal.hash, seal.mac, entry.seq - 1),
            )
            if cur.rowcount == 0:
                raise ConflictError("audit entry out of sequence")
            self._run(
                "INSERT INTO audit_entries (seq, at, actor, action, ids, details, covers, "
                "prev_hash, hash, mac) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    entry.seq,
                    entry.at,
                    entry.actor,
                    entry.action,
                    _json(list(entry.ids)),
                    _json(entry.details),
                    _json(list(entry.covers)),
                    entry.prev_hash,
                    entry.hash,
                    entry.mac,
                ),
            )

    def audit_seal(self) -> AuditSeal | None:
        """Return the head seal, or ``None``; locks it until the transaction ends.

        :class:`~gdprkit.audit.AuditLog` reads the seal and appends after it in one
        transaction; the lock keeps any other appender from moving the head in
        between, and keeps :meth:`AuditLog.verify` consistent.
        """
        with self.transaction():
            row = self._one("SELECT seq, hash, mac FROM audit_seal WHERE one = 1 FOR UPDATE")
        if row is None or row[0] == 0:
            return None
        return AuditSeal(seq=row[0], hash=row[1], mac=row[2])

    def audit_entries(self, *, after_seq: int = 0, limit: int | None = None) -> list[AuditEntry]:
        """Return entries with ``seq > after_seq`` by ascending ``seq``."""
        with self.transaction():
            rows = self._all(
                "SELECT seq, at, actor, action, ids, details, covers, prev_hash, hash, mac "
                "FROM audit_entries WHERE seq > %s ORDER BY seq LIMIT %s",
                (after_seq, None if limit is None else max(limit, 0)),
            )
        return [
            AuditEntry(
                seq=r[0],
                at=r[1],
                actor=r[2],
                action=r[3],
                ids=json.loads(r[4]),
                details=json.loads(r[5]),
                covers=json.loads(r[6]),
                prev_hash=r[7],
                hash=r[8],
                mac=r[9],
            )
            for r in rows
        ]

    def delete_audit_entries(self, *, through_seq: int) -> int:
        """Delete entries with ``seq <= through_seq``; return how many."""
        with self.transaction():
            return self._run("DELETE FROM audit_entries WHERE seq <= %s", (through_seq,)).rowcount

    # --- keys -------------------------------------------------------------------------

    _KEY_COLUMNS: LiteralString = "owner, version, key_id, kek_id, kek_version, wrapped, created_at"

    @staticmethod
    def _key_of(row: Any) -> WrappedKey:  # noqa: ANN401 - a row
        return WrappedKey(
            owner=row[0],
            version=row[1],
            key_id=row[2],
            kek_id=row[3],
            kek_version=row[4],
            wrapped=bytes(row[5]),
            created_at=row[6],
        )

    def add_wrapped_key(self, key: WrappedKey) -> None:
        """Store a new key version; see :class:`gdprkit.storage.keys.KeyStore`."""
        created = to_utc(key.created_at, what="WrappedKey.created_at")
        with self.transaction():
            if self._exists(
                "SELECT 1 FROM wrapped_keys WHERE key_id = %s "
                "UNION ALL SELECT 1 FROM key_tombstones WHERE key_id = %s",
                (key.key_id, key.key_id),
            ):
                raise ConflictError(f"key id {key.key_id} already used")
            if self._exists(
                "SELECT 1 FROM wrapped_keys WHERE owner = %s AND version = %s",
                (key.owner, key.version),
            ):
                raise ConflictError(f"key version {key.version} of this owner already exists")
            self._run(
                "INSERT INTO wrapped_keys (" + self._KEY_COLUMNS + ") "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (
                    key.owner,
                    key.version,
                    key.key_id,
                    key.kek_id,
                    key.kek_version,
                    key.wrapped,
                    created,
                ),
            )

    def replace_wrapped_key(self, key: WrappedKey) -> None:
        """Replace the wrapping of an existing key; see :class:`gdprkit.storage.keys.KeyStore`."""
        with self.transaction():
            cur = self._run(
                "UPDATE wrapped_keys SET kek_id = %s, kek_version = %s, wrapped = %s "
                "WHERE key_id = %s AND owner = %s AND version = %s",
                (key.kek_id, key.kek_version, key.wrapped, key.key_id, key.owner, key.version),
            )
            if cur.rowcount == 0:
                raise NotFoundError(f"no key with id {key.key_id} for this owner and version")

    def get_wrapped_key(self, key_id: int) -> WrappedKey | None:
        """Return the key with this id, or ``None``."""
        with self.transaction():
            row = self._one(
                "SELECT " + self._KEY_COLUMNS + " FROM wrapped_keys WHERE key_id = %s",  # noqa: S608 - constant columns and clauses
                (key_id,),
            )
        return None if row is None else self._key_of(row)

    def wrapped_keys_of(self, owner: str) -> list[WrappedKey]:
        """Return every live key version of *owner*, oldest version first."""
        with self.transaction():
            rows = self._all(
                "SELECT " + self._KEY_COLUMNS + " FROM wrapped_keys WHERE owner = %s "  # noqa: S608 - constant columns and clauses
                "ORDER BY version",
                (owner,),
            )
        return [self._key_of(r) for r in rows]

    def wrapped_keys_by_kek(
        self,
        kek_id: str,
        kek_version: int,
        *,
        after_key_id: int | None,
        limit: int,
    ) -> list[WrappedKey]:
        """Return up to *limit* keys wrapped by this KEK version, by ascending key_id."""
        with self.transaction():
            rows = self._all(
                "SELECT " + self._KEY_COLUMNS + " FROM wrapped_keys "  # noqa: S608 - constant columns and clauses
                "WHERE kek_id = %s AND kek_version = %s AND (%s::bigint IS NULL OR key_id > %s) "
                "ORDER BY key_id LIMIT %s",
                (kek_id, kek_version, after_key_id, after_key_id, max(limit, 0)),
            )
        return [self._key_of(r) for r in rows]

    def destroy_wrapped_keys(
        self,
        owner: str,
        *,
        versions: Collection[int] | None,
        at: dt.datetime,
        reason: str,
    ) -> list[KeyTombstone]:
        """Delete the given versions of *owner*'s keys (all when ``None``) and tombstone them."""
        at = to_utc(at, what="destroy_wrapped_keys(at)")
        with self.transaction():
            rows = self._all(
                "DELETE FROM wrapped_keys WHERE owner = %s "
                "AND (%s::integer[] IS NULL OR version = ANY(%s::integer[])) "
                "RETURNING key_id, version",
                (
                    owner,
                    None if versions is None else list(versions),
                    None if versions is None else list(versions),
                ),
            )
            stones = [
                KeyTombstone(key_id=r[0], owner=owner, version=r[1], destroyed_at=at, reason=reason)
                for r in sorted(rows, key=lambda r: (r[1], r[0]))
            ]
            self._many(
                "INSERT INTO key_tombstones (key_id, owner, version, destroyed_at, reason) "
                "VALUES (%s, %s, %s, %s, %s)",
                [(s.key_id, owner, s.version, at, reason) for s in stones],
            )
        return stones

    def destroy_keys_of_owners(
        self, owners: Collection[str], *, at: dt.datetime, reason: str
    ) -> list[KeyTombstone]:
        """Destroy every key of every one of *owners* and tombstone them."""
        at = to_utc(at, what="destroy_keys_of_owners(at)")
        with self.transaction():
            rows = self._all(
                "DELETE FROM wrapped_keys WHERE owner = ANY(%s::text[]) "
                "RETURNING key_id, owner, version",
                (sorted(set(owners)),),
            )
            stones = [
                KeyTombstone(key_id=k, owner=o, version=v, destroyed_at=at, reason=reason)
                for k, o, v in sorted(rows, key=lambda r: (r[1], r[2], r[0]))
            ]
            self._many(
                "INSERT INTO key_tombstones (key_id, owner, version, destroyed_at, reason) "
                "VALUES (%s, %s, %s, %s, %s)",
                [(s.key_id, s.owner, s.version, at, reason) for s in stones],
            )
        return stones

    def get_key_tombstone(self, key_id: int) -> KeyTombstone | None:
        """Return the tombstone of a destroyed key, or ``None``."""
        with self.transaction():
            row = self._one(
                "SELECT key_id, owner, version, destroyed_at, reason FROM key_tombstones "
                "WHERE key_id = %s",
                (key_id,),
            )
        if row is None:
            return None
        return KeyTombstone(
            key_id=row[0],
            owner=row[1],
            version=row[2],
            destroyed_at=row[3],
            reason=row[4],
        )
