"""The SQLite store: gdprkit's embedded default, one file, stdlib ``sqlite3`` only.

* **Durability and concurrency.** WAL journal, ``synchronous=FULL``, a busy
  timeout, and ``BEGIN IMMEDIATE`` for every transaction that may write, so
  several processes can share one file and a writer waits instead of failing. Inside
  one process a lock serialises threads on the single connection.
* **Deleted means gone from the file.** ``PRAGMA secure_delete=ON`` overwrites freed
  pages with zeros, so destroyed keys and removed fields do not linger in free pages
  (Art. 17, 32). Old page images can remain in the WAL file until a checkpoint;
  :meth:`SQLiteStore.checkpoint` truncates it.
* **Datetimes** are stored as ``INTEGER`` microseconds since the Unix epoch, UTC.
* **Schema** is versioned (table ``gdprkit_schema`` and the header's
  ``application_id``) and brought forward by the migrations in
  :mod:`gdprkit.storage._sqlite_schema`. A file that is not a gdprkit database, or
  whose schema is newer than this library, is refused with
  :class:`~gdprkit.errors.SchemaError` before anything is written to it.
* **Errors.** Every ``sqlite3.Error`` is translated at this boundary:
  :class:`~gdprkit.errors.StorageError` (``raise ... from exc``), or
  :class:`~gdprkit.errors.SchemaError` for a file that is not a database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import pathlib
import sqlite3
import threading
import types
import urllib.parse
import uuid
from typing import TYPE_CHECKING, Any, Self

import attrs

from gdprkit.clock import to_utc
from gdprkit.errors import (
    ClaimLostError,
    ConflictError,
    GdprKitError,
    NotFoundError,
    SchemaError,
    StorageError,
)
from gdprkit.storage._sqlite_schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from gdprkit.storage._unchecked import purpose_link, record_outline
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
    LinkState,
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
    from collections.abc import Collection, Iterator, Mapping, Sequence

__all__ = ["SQLiteStore"]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICRO = dt.timedelta(microseconds=1)
_MAGIC = b"SQLite format 3\x00"


def _us(value: dt.datetime, what: str) -> int:
    if type(value) is not dt.datetime or value.tzinfo is not dt.UTC:
        value = to_utc(value, what=what)  # refuses what is not an aware datetime
    return (value - _EPOCH) // _MICRO


def _opt_us(value: dt.datetime | None, what: str) -> int | None:
    return None if value is None else _us(value, what)


def _dt(value: int) -> dt.datetime:
    return _EPOCH + value * _MICRO


def _opt_dt(value: int | None) -> dt.datetime | None:
    return None if value is None else _dt(value)


def _json(value: object) -> str:
    return canonical_json(value).decode("utf-8")


@functools.lru_cache(maxsize=1024)
def _json_ids(ids: tuple[str, ...]) -> str:
    """A tuple of ids as canonical JSON, encoded once per distinct tuple (a batch repeats them)."""
    return _json(list(ids))


def _id_list(ids: Collection[str]) -> str:
    """A set of ids as one JSON parameter, read back with ``json_each`` (no variable limit)."""
    return json.dumps(sorted(set(ids)))


_IN_IDS = "IN (SELECT value FROM json_each(?))"
_HAS_RETURNING = sqlite3.sqlite_version_info >= (3, 35, 5)  # 3.35.0-4 had RETURNING bugs

# The rows a sweep reads become values without their constructors' checks
# (``_unchecked``): only checked values were stored, and the reading below converts them
# back exactly (UTC datetimes, enum members, whose values the schema's CHECKs restrict,
# sorted category tuples, read-only trigger maps).
_LINK_STATES = {state.value: state for state in LinkState}
_RECORD_KINDS = {kind.value: kind for kind in RecordKind}
_NO_TRIGGERS: Mapping[str, dt.datetime] = types.MappingProxyType({})


@functools.lru_cache(maxsize=1024)
def _category_ids(text: str) -> tuple[str, ...]:
    """A record's category ids from their JSON array, sorted.

    Parsed once per distinct array: the records of one kind all hold the same categories.
    """
    return tuple(sorted(json.loads(text)))


def _sqlite_error(exc: sqlite3.Error) -> StorageError:
    """Translate an sqlite3 error into a gdprkit error (messages carry no bound values)."""
    name = getattr(exc, "sqlite_errorname", type(exc).__name__)
    if isinstance(exc, sqlite3.DatabaseError) and "not a database" in str(exc):
        return SchemaError("not a gdprkit database: the file is not an SQLite database")
    if name == "SQLITE_CORRUPT" or "malformed" in str(exc):
        return StorageError("the database file is corrupt (SQLITE_CORRUPT)")
    return StorageError(f"SQLite failed ({name}): {exc}")


def _preflight(path: str) -> None:
    """Refuse a file that is not a gdprkit database or is too new; never writes to it."""
    file = pathlib.Path(path)
    try:
        with file.open("rb") as handle:
            header = handle.read(100)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StorageError(f"cannot read the database file ({exc.strerror})") from exc
    if not header and not pathlib.Path(path + "-wal").exists():
        return
    if header and not header.startswith(_MAGIC):
        raise SchemaError("not a gdprkit database: the file is not an SQLite database")
    uri = f"file:{urllib.parse.quote(os.path.abspath(path))}?mode=ro"  # noqa: PTH100 - a URI needs the absolute path as text
    if not pathlib.Path(path + "-wal").exists():
        # Without a WAL everything is in the main file; ``immutable`` keeps SQLite
        # from creating -wal/-shm files next to a file that may not be ours.
        uri += "&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise _sqlite_error(exc) from exc
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if app_id == APPLICATION_ID and "gdprkit_schema" in tables:
            version = conn.execute("SELECT max(version) FROM gdprkit_schema").fetchone()[0]
            _check_version(version or 0)
        elif app_id != 0 or tables:
            raise SchemaError(
                "not a gdprkit database: it holds tables of another application",
            )
    except sqlite3.Error as exc:
        raise _sqlite_error(exc) from exc
    finally:
        conn.close()


def _check_version(version: int) -> None:
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"the database has schema version {version}, newer than this gdprkit "
            f"supports ({SCHEMA_VERSION}); upgrade gdprkit",
        )


def _require_empty(conn: sqlite3.Connection) -> None:
    if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise SchemaError("not a gdprkit database: it holds tables of another application")


class SQLiteStore:
    """A store in one SQLite file, safe across threads and processes.

    Args:
        path: The database file; created with the current schema if missing or empty.
            ``":memory:"`` gives a private in-memory database (no WAL).
        timeout: Seconds to wait for another process's write lock before failing.

    Raises:
        SchemaError: The file is not a gdprkit database, or its schema is newer.
        StorageError: The file cannot be opened or is corrupt.
    """

    supports_multiprocess = True

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        self._path = os.fspath(path)
        self._lock = threading.RLock()
        self._depth = 0
        self._doomed = False
        # Claims a running sweep_batch took without marking their links, by id: the
        # keys they hold and their lease (see sweep_batch).
        self._unmarked: dict[str, tuple[frozenset[tuple[str, str]], int]] = {}
        if self._path != ":memory:":
            _preflight(self._path)
        try:
            self._conn = sqlite3.connect(
                self._path,
                timeout=timeout,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise _sqlite_error(exc) from exc
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.execute("PRAGMA secure_delete = ON")
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = FULL")
            self._migrate()
        except sqlite3.Error as exc:
            self._conn.close()
            raise _sqlite_error(exc) from exc
        except BaseException:
            self._conn.close()
            raise

    def __repr__(self) -> str:
        return f"SQLiteStore(schema_version={SCHEMA_VERSION})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""
        with self._lock:
            self._conn.close()

    def _migrate(self) -> None:
        """Bring the schema forward under the write lock, re-checking what another process did."""
        conn = self._conn
        if self._schema_version() == SCHEMA_VERSION:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = self._schema_version()
            _check_version(current)
            if current == 0:
                _require_empty(conn)
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            now = _us(dt.datetime.now(dt.UTC), "now")
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version - 1]:
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO gdprkit_schema (version, applied_at) VALUES (?, ?)",
                    (version, now),
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _schema_version(self) -> int:
        conn = self._conn
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            return 0
        version = conn.execute("SELECT max(version) FROM gdprkit_schema").fetchone()[0]
        return int(version or 0)

    def checkpoint(self) -> None:
        """Copy the WAL into the database file and truncate the WAL to zero bytes.

        Old page images (including of deleted rows) stay in the WAL file until it is
        checkpointed and reset; call this after an erasure to shorten that window.
        """
        with self._lock:
            if self._depth:
                raise StorageError("cannot checkpoint inside a transaction")
            self._run("PRAGMA wal_checkpoint(TRUNCATE)")

    def vacuum(self) -> None:
        """Rebuild the database file, returning free pages to the file system."""
        with self._lock:
            if self._depth:
                raise StorageError("cannot vacuum inside a transaction")
            self._run("VACUUM")

    # --- transactions -----------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block as one transaction; see :meth:`gdprkit.storage.Store.transaction`.

        The outermost level starts with ``BEGIN IMMEDIATE``, taking the database's
        write lock at once so two writers never deadlock on a lock upgrade.
        """
        with self._tx(write=True):
            yield

    @contextlib.contextmanager
    def _tx(self, *, write: bool) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._doomed = False
                self._run("BEGIN IMMEDIATE" if write else "BEGIN")
            elif self._doomed:
                raise StorageError("transaction rolled back: an inner transaction failed")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._rollback()
                else:
                    self._doomed = True
                raise
            self._depth -= 1
            if self._depth == 0:
                if self._doomed:
                    self._rollback()
                    raise StorageError("transaction rolled back: an inner transaction failed")
                try:
                    self._conn.execute("COMMIT")
                except sqlite3.Error as exc:
                    self._rollback()
                    raise _sqlite_error(exc) from exc
            elif self._doomed:
                raise StorageError("transaction rolled back: an inner transaction failed")

    def _rollback(self) -> None:
        self._doomed = False
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")

    def _run(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self._conn.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            raise ConflictError(f"write contradicts stored state: {exc}") from exc
        except sqlite3.Error as exc:
            raise _sqlite_error(exc) from exc

    def _many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        try:
            return self._conn.executemany(sql, rows).rowcount
        except sqlite3.IntegrityError as exc:
            raise ConflictError(f"write contradicts stored state: {exc}") from exc
        except sqlite3.Error as exc:
            raise _sqlite_error(exc) from exc

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:  # noqa: ANN401 - a row
        return self._run(sql, params).fetchone()

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self._run(sql, params).fetchall()

    def _exists(self, sql: str, params: Sequence[Any]) -> bool:
        return self._one(sql, params) is not None

    # --- subjects ---------------------------------------------------------------------

    def add_subject(self, subject: Subject) -> None:
        """Store a new subject."""
        with self._tx(write=True):
            if self._exists("SELECT 1 FROM subjects WHERE id = ?", (subject.id,)):
                raise ConflictError("subject id already exists")
            self._run(
                "INSERT INTO subjects (id, created_at) VALUES (?, ?)",
                (subject.id, _us(subject.created_at, "Subject.created_at")),
            )

    def get_subject(self, subject_id: str) -> Subject | None:
        """Return the subject, or ``None``."""
        with self._tx(write=False):
            row = self._one("SELECT id, created_at FROM subjects WHERE id = ?", (subject_id,))
        return None if row is None else Subject(id=row[0], created_at=_dt(row[1]))

    def delete_subject(self, subject_id: str) -> None:
        """Delete a subject without records, with its blind-index entries (Art. 17)."""
        with self._tx(write=True):
            if not self._exists("SELECT 1 FROM subjects WHERE id = ?", (subject_id,)):
                raise NotFoundError("no such subject")
            if self._exists("SELECT 1 FROM records WHERE subject_id = ?", (subject_id,)):
                raise ConflictError("the subject still has records")
            self._run("DELETE FROM blind_index WHERE subject_id = ?", (subject_id,))
            self._run("DELETE FROM subjects WHERE id = ?", (subject_id,))

    _EMPTIED_SUBJECTS = (
        f"subjects WHERE id {_IN_IDS} "  # noqa: S608 - constant clause
        "AND NOT EXISTS (SELECT 1 FROM records WHERE records.subject_id = subjects.id)"
    )

    def delete_subjects_without_records(self, subject_ids: Collection[str]) -> list[str]:
        """Delete those of the subjects that have no records left; return their ids, sorted.

        Their blind-index entries go with them (``ON DELETE CASCADE``). One statement
        where SQLite has a sound ``RETURNING`` (3.35.5, 2021); before that, a read first.
        """
        wanted = (_id_list(subject_ids),)
        with self._tx(write=True):
            if _HAS_RETURNING:
                rows = self._all(f"DELETE FROM {self._EMPTIED_SUBJECTS} RETURNING id", wanted)  # noqa: S608 - constant clause
                return sorted(r[0] for r in rows)
            rows = self._all(f"SELECT id FROM {self._EMPTIED_SUBJECTS} ORDER BY id", wanted)  # noqa: S608 - constant clause
            gone = [r[0] for r in rows]
            self._run(f"DELETE FROM subjects WHERE id {_IN_IDS}", (_id_list(gone),))  # noqa: S608 - constant clause
            return gone

    def add_blind_index(self, entry: BlindIndexEntry) -> None:
        """Add a digest for a subject; idempotent."""
        with self._tx(write=True):
            if not self._exists("SELECT 1 FROM subjects WHERE id = ?", (entry.subject_id,)):
                raise NotFoundError("no such subject")
            self._run(
                "INSERT OR IGNORE INTO blind_index (subject_id, index_name, digest) "
                "VALUES (?, ?, ?)",
                (entry.subject_id, entry.index_name, entry.digest),
            )

    def find_subjects(self, index_name: str, digest: bytes) -> list[str]:
        """Return the ids of the subjects with this digest, sorted."""
        with self._tx(write=False):
            rows = self._all(
                "SELECT subject_id FROM blind_index WHERE index_name = ? AND digest = ? "
                "ORDER BY subject_id",
                (index_name, digest),
            )
        return [r[0] for r in rows]

    def remove_blind_index(self, subject_id: str, *, index_name: str | None = None) -> int:
        """Remove a subject's blind-index entries; return how many went."""
        with self._tx(write=True):
            if index_name is None:
                cur = self._run("DELETE FROM blind_index WHERE subject_id = ?", (subject_id,))
            else:
                cur = self._run(
                    "DELETE FROM blind_index WHERE subject_id = ? AND index_name = ?",
                    (subject_id, index_name),
                )
            return cur.rowcount

    # --- records ----------------------------------------------------------------------

    def add_record(self, record: Record) -> None:
        """Store a new record with its fields."""
        with self._tx(write=True):
            if not self._exists("SELECT 1 FROM subjects WHERE id = ?", (record.subject_id,)):
                raise NotFoundError("no such subject")
            if self._exists("SELECT 1 FROM records WHERE id = ?", (record.id,)):
                raise ConflictError("record id already exists")
            self._run(
                "INSERT INTO records (id, subject_id, kind, created_at, external_ref) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    record.id,
                    record.subject_id,
                    record.kind.value,
                    _us(record.created_at, "Record.created_at"),
                    record.external_ref,
                ),
            )
            self._write_fields(record.id, record.fields)

    def _write_fields(self, record_id: str, fields: Mapping[str, bytes]) -> None:
        for category_id, value in fields.items():
            self._run(
                "INSERT OR REPLACE INTO record_fields (record_id, category_id, value) "
                "VALUES (?, ?, ?)",
                (record_id, category_id, value),
            )

    def get_record(self, record_id: str) -> Record | None:
        """Return the record, or ``None``."""
        found = self._records("WHERE id = ?", (record_id,))
        return found[0] if found else None

    def get_records(self, record_ids: Collection[str]) -> dict[str, Record]:
        """Return the records that exist among *record_ids*, by id (two queries)."""
        found = self._records(f"WHERE id {_IN_IDS}", (_id_list(record_ids),))
        return {record.id: record for record in found}

    def _records(self, where: str, params: Sequence[Any], order: str = "") -> list[Record]:
        """The records matching *where* with their fields, in two queries whatever their number."""
        with self._tx(write=False):
            heads = self._all(
                "SELECT id, subject_id, kind, created_at, external_ref FROM records "  # noqa: S608 - constant clauses
                f"{where} {order}",
                params,
            )
            values = self._all(
                "SELECT record_id, category_id, value FROM record_fields "  # noqa: S608 - constant clauses
                f"WHERE record_id IN (SELECT id FROM records {where})",
                params,
            )
        fields: dict[str, dict[str, bytes]] = {}
        for record_id, category_id, value in values:
            fields.setdefault(record_id, {})[category_id] = bytes(value)
        return [self._record_from(row, fields.get(row[0], {})) for row in heads]

    @staticmethod
    def _record_from(row: Any, fields: dict[str, bytes]) -> Record:  # noqa: ANN401 - a row
        return Record(
            id=row[0],
            subject_id=row[1],
            kind=RecordKind(row[2]),
            created_at=_dt(row[3]),
            external_ref=row[4],
            fields=fields,
        )

    def outlines_of_records(self, record_ids: Collection[str]) -> dict[str, RecordOutline]:
        """Return outlines of the records that exist among *record_ids*, by id (one query)."""
        with self._tx(write=False):
            rows = self._all(
                "SELECT id, subject_id, kind, external_ref, (SELECT json_group_array(category_id) "  # noqa: S608 - constant clause
                f"FROM record_fields WHERE record_id = records.id) FROM records WHERE id {_IN_IDS}",
                (_id_list(record_ids),),
            )
        return {row[0]: self._outline_of(row) for row in rows}

    @staticmethod
    def _outline_of(row: Any, at: int = 0) -> RecordOutline:  # noqa: ANN401 - a row
        """The outline in *row*'s five columns from *at*: id, subject, kind, ref, categories."""
        return record_outline(
            id=row[at],
            subject_id=row[at + 1],
            kind=_RECORD_KINDS[row[at + 2]],
            external_ref=row[at + 3],
            categories=_category_ids(row[at + 4]),
        )

    def records_of_subject(self, subject_id: str) -> list[Record]:
        """Return a subject's records by ``(created_at, id)``."""
        return self._records("WHERE subject_id = ?", (subject_id,), "ORDER BY created_at, id")

    def _record_kind(self, record_id: str) -> RecordKind:
        row = self._one("SELECT kind FROM records WHERE id = ?", (record_id,))
        if row is None:
            raise NotFoundError("no such record")
        return RecordKind(row[0])

    def put_fields(self, record_id: str, fields: Mapping[str, bytes]) -> None:
        """Add or replace encrypted field values of a managed record."""
        with self._tx(write=True):
            if self._record_kind(record_id) is RecordKind.REFERENCED:
                raise ConflictError("a referenced record holds no field values")
            for value in fields.values():
                if not isinstance(value, bytes):
                    raise TypeError("fields map category ids (str) to encrypted bytes")
            self._write_fields(record_id, fields)

    def remove_fields(self, record_id: str, category_ids: Collection[str]) -> list[str]:
        """Remove fields; return the category ids that were present, sorted."""
        with self._tx(write=True):
            self._record_kind(record_id)
            gone = []
            for category_id in sorted(set(category_ids)):
                cur = self._run(
                    "DELETE FROM record_fields WHERE record_id = ? AND category_id = ?",
                    (record_id, category_id),
                )
                if cur.rowcount:
                    gone.append(category_id)
            return gone

    def delete_record(self, record_id: str) -> None:
        """Delete a record with its fields and purpose links."""
        self.delete_records([record_id])

    def delete_records(self, record_ids: Collection[str]) -> None:
        """Delete records with their fields and purpose links."""
        wanted = set(record_ids)
        with self._tx(write=True):
            cur = self._run(f"DELETE FROM records WHERE id {_IN_IDS}", (_id_list(wanted),))  # noqa: S608 - constant clause
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
        wanted = sorted(set(purpose_ids))
        if not wanted:
            return RecordCounts(subjects=0, records=0, referenced=0)
        marks = ", ".join("?" * len(wanted))
        start = _opt_us(created_from, "count_records(created_from)")
        end = _opt_us(created_until, "count_records(created_until)")
        with self._tx(write=False):
            row = self._one(
                "SELECT count(DISTINCT r.subject_id), count(*), "  # noqa: S608 - placeholders only
                "coalesce(sum(r.kind = 'referenced'), 0) FROM records r "
                "WHERE r.id IN (SELECT record_id FROM links "
                f"WHERE state = 'live' AND purpose_id IN ({marks})) "
                "AND (? IS NULL OR r.created_at >= ?) AND (? IS NULL OR r.created_at < ?)",
                (*wanted, start, start, end, end),
            )
        return RecordCounts(subjects=int(row[0]), records=int(row[1]), referenced=int(row[2]))

    # --- purpose links and claims -----------------------------------------------------

    _LINK_COLUMNS = (
        "record_id, purpose_id, created_at, triggers, eligible_from, state, ended_at, "
        "end_reason, restricted"
    )

    @staticmethod
    def _link_of(row: Any) -> PurposeLink:  # noqa: ANN401 - a row
        triggers = row[3]
        return purpose_link(
            record_id=row[0],
            purpose_id=row[1],
            created_at=_dt(row[2]),
            triggers=_NO_TRIGGERS
            if triggers == "{}"
            else types.MappingProxyType({k: _dt(v) for k, v in json.loads(triggers).items()}),
            eligible_from=_opt_dt(row[4]),
            state=_LINK_STATES[row[5]],
            ended_at=_opt_dt(row[6]),
            end_reason=row[7],
            restricted=bool(row[8]),
        )

    @staticmethod
    def _link_values(link: PurposeLink) -> tuple[Any, ...]:
        return (
            _json({k: _us(v, "PurposeLink.triggers") for k, v in link.triggers.items()}),
            _opt_us(link.eligible_from, "PurposeLink.eligible_from"),
            link.state.value,
            _opt_us(link.ended_at, "PurposeLink.ended_at"),
            link.end_reason,
            int(link.restricted),
        )

    def add_link(self, link: PurposeLink) -> None:
        """Store a new purpose link."""
        with self._tx(write=True):
            self._record_kind(link.record_id)
            if self.get_link(link.record_id, link.purpose_id) is not None:
                raise ConflictError("the record already has a link to this purpose")
            self._run(
                f"INSERT INTO links ({self._LINK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608 - constant columns
                (
                    link.record_id,
                    link.purpose_id,
                    _us(link.created_at, "PurposeLink.created_at"),
                    *self._link_values(link),
                ),
            )

    def get_link(self, record_id: str, purpose_id: str) -> PurposeLink | None:
        """Return the link, or ``None``."""
        with self._tx(write=False):
            row = self._one(
                f"SELECT {self._LINK_COLUMNS} FROM links WHERE record_id = ? AND purpose_id = ?",  # noqa: S608 - constant columns
                (record_id, purpose_id),
            )
        return None if row is None else self._link_of(row)

    def update_link(self, link: PurposeLink) -> None:
        """Write a changed link; ``created_at`` keeps its stored value."""
        self.update_links([link])

    def update_links(self, links: Sequence[PurposeLink]) -> None:
        """Write changed links; each keeps its stored ``created_at``."""
        with self._tx(write=True):
            updated = self._many(
                "UPDATE links SET triggers = ?, eligible_from = ?, state = ?, ended_at = ?, "
                "end_reason = ?, restricted = ? WHERE record_id = ? AND purpose_id = ?",
                [(*self._link_values(link), link.record_id, link.purpose_id) for link in links],
            )
            if updated != len(links):
                raise NotFoundError("no such purpose link")

    def _links(self, where: str, params: Sequence[Any]) -> list[PurposeLink]:
        with self._tx(write=False):
            rows = self._all(f"SELECT {self._LINK_COLUMNS} FROM links {where}", params)  # noqa: S608 - constant columns and clauses
        return [self._link_of(r) for r in rows]

    def links_of_record(self, record_id: str) -> list[PurposeLink]:
        """Return a record's links by ``purpose_id``."""
        return self._links("WHERE record_id = ? ORDER BY purpose_id", (record_id,))

    def links_of_records(
        self, record_ids: Collection[str], *, lock: bool = False
    ) -> list[PurposeLink]:
        """Return these records' links by ``(record_id, purpose_id)``.

        *lock* needs nothing here: a write transaction holds the database's write lock.
        """
        del lock
        return self._links(
            f"WHERE record_id {_IN_IDS} ORDER BY record_id, purpose_id", (_id_list(record_ids),)
        )

    def links_of_subject(self, subject_id: str) -> list[PurposeLink]:
        """Return the links of a subject's records by ``(record_id, purpose_id)``."""
        return self._links(
            "WHERE record_id IN (SELECT id FROM records WHERE subject_id = ?) "
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
                "WHERE purpose_id = ? ORDER BY record_id LIMIT ?",
                (purpose_id, max(limit, 0)),
            )
        return self._links(
            "WHERE purpose_id = ? AND (record_id > ? OR (record_id = ? AND purpose_id > ?)) "
            "ORDER BY record_id LIMIT ?",
            (purpose_id, after.record_id, after.record_id, after.purpose_id, max(limit, 0)),
        )

    def links_awaiting_trigger(
        self,
        created_before: dt.datetime,
        *,
        limit: int,
    ) -> list[PurposeLink]:
        """Return live links without ``eligible_from`` made before an instant."""
        return self._links(
            "WHERE eligible_from IS NULL AND state = 'live' AND created_at < ? "
            "ORDER BY created_at, record_id, purpose_id LIMIT ?",
            (_us(created_before, "links_awaiting_trigger(created_before)"), max(limit, 0)),
        )

    def due_links(
        self,
        now: dt.datetime,
        *,
        after: PurposeLink | None = None,
        limit: int,
    ) -> list[PurposeLink]:
        """Return up to *limit* due links after *after*, without claiming them."""
        now_us = _us(now, "due_links(now)")
        if after is None:
            return self._links(
                "WHERE state = 'live' AND eligible_from <= ? "
                "ORDER BY eligible_from, record_id, purpose_id LIMIT ?",
                (now_us, max(limit, 0)),
            )
        return self._links(
            "WHERE state = 'live' AND eligible_from <= ? "
            "AND (eligible_from, record_id, purpose_id) > (?, ?, ?) "
            "ORDER BY eligible_from, record_id, purpose_id LIMIT ?",
            (
                now_us,
                _opt_us(after.eligible_from, "due_links(after)"),
                after.record_id,
                after.purpose_id,
                max(limit, 0),
            ),
        )

    def count_due_links(self, now: dt.datetime, *, purpose_id: str | None = None) -> int:
        """Count live links with ``eligible_from <= now``."""
        with self._tx(write=False):
            row = self._one(
                "SELECT count(*) FROM links WHERE state = 'live' AND eligible_from <= ? "
                "AND (? IS NULL OR purpose_id = ?)",
                (_us(now, "count_due_links(now)"), purpose_id, purpose_id),
            )
        return int(row[0])

    def count_awaiting_trigger(self, *, purpose_id: str | None = None) -> int:
        """Count live links without ``eligible_from``."""
        with self._tx(write=False):
            row = self._one(
                "SELECT count(*) FROM links WHERE state = 'live' AND eligible_from IS NULL "
                "AND (? IS NULL OR purpose_id = ?)",
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
        """Lease up to *limit* due, unclaimed links to *worker* until *lease_until*."""
        now, lease_until = _claim_args(now, limit, lease_until, method="claim_due")
        with self._tx(write=True):
            claim_id, taken = self._claim(now, worker=worker, limit=limit, lease_until=lease_until)
            links = (
                self._links(
                    "WHERE claim_id = ? ORDER BY eligible_from, record_id, purpose_id", (claim_id,)
                )
                if taken
                else []
            )
        return Claim(id=claim_id, worker=worker, lease_until=lease_until, links=links)

    # The due links a claim takes, in due order: live, due by *now*, and not leased to a
    # running claim or deferred past *now*. Parameters: now, now, limit.
    _DUE = (
        "FROM links WHERE state = 'live' AND eligible_from <= ? "
        "AND (lease_until IS NULL OR lease_until <= ?) "
        "ORDER BY eligible_from, record_id, purpose_id LIMIT ?"
    )

    def _claim(
        self, now: dt.datetime, *, worker: str, limit: int, lease_until: dt.datetime
    ) -> tuple[str, int]:
        """Mark up to *limit* due, unclaimed links as claimed; the claim's id and how many.

        The arguments are checked and in UTC. When nothing is due nothing is written (so
        an idle sweep never commits) and the id is of a claim that was never stored.
        """
        now_us, lease_us = _us(now, "now"), _us(lease_until, "lease_until")
        claim_id = uuid.uuid4().hex
        self._mark_running_batches()
        taken = self._run(
            "UPDATE links SET claim_id = ?, lease_until = ? "  # noqa: S608 - constant clause
            f"WHERE rowid IN (SELECT rowid {self._DUE})",
            (claim_id, lease_us, now_us, now_us, limit),
        ).rowcount
        if taken:
            self._add_claim(claim_id, worker, lease_us)
        return claim_id, taken

    def _add_claim(self, claim_id: str, worker: str, lease_us: int) -> None:
        self._run(
            "INSERT INTO claims (id, worker, lease_until, completed) VALUES (?, ?, ?, 0)",
            (claim_id, worker, lease_us),
        )

    def _take_due(
        self, now: dt.datetime, *, claim_id: str, worker: str, limit: int, lease_us: int
    ) -> list[tuple[str, str]]:
        """Take up to *limit* due links for a batch without marking them; their keys in due order.

        For :meth:`sweep_batch` only, inside its write transaction: no other connection
        can see or take the links before it commits, so marks would be written only to be
        cleared again by :meth:`complete_claim` in the same transaction. A link still
        carrying an expired lease or deferral has it cleared, as completing a marked
        claim would. The claim itself is stored (so :meth:`complete_claim` checks it as
        any other) when anything is due.
        """
        now_us = _us(now, "now")
        self._mark_running_batches()
        rows = self._all(
            "SELECT record_id, purpose_id, claim_id IS NOT NULL OR lease_until IS NOT NULL "
            + self._DUE,
            (now_us, now_us, limit),
        )
        leftover = [(record_id, purpose_id) for record_id, purpose_id, old in rows if old]
        if leftover:
            self._many(
                "UPDATE links SET claim_id = NULL, lease_until = NULL "
                "WHERE record_id = ? AND purpose_id = ?",
                leftover,
            )
        if rows:
            self._add_claim(claim_id, worker, lease_us)
        return [(record_id, purpose_id) for record_id, purpose_id, _ in rows]

    def _mark(self, claim_id: str, keys: Collection[tuple[str, str]], lease_us: int) -> None:
        """Mark a batch's links claimed, as :meth:`_claim` would have (see :meth:`sweep_batch`)."""
        self._many(
            "UPDATE links SET claim_id = ?, lease_until = ? WHERE record_id = ? AND purpose_id = ?",
            [(claim_id, lease_us, record_id, purpose_id) for record_id, purpose_id in keys],
        )

    def _mark_running_batches(self) -> None:
        """Mark the links of running sweep batches before another claim looks for due links.

        Only a claim made inside a batch's block, in the same transaction, can see the
        batch's unmarked links; marked, they are not free to it, and the batch's claim
        is completed as any marked claim is.
        """
        while self._unmarked:
            claim_id, (keys, lease_us) = self._unmarked.popitem()
            self._mark(claim_id, keys, lease_us)

    # Every link of the batch's records and its record's outline (repeated on each of the
    # record's links): the whole batch in one read. Parameter: the record ids (_id_list).
    _BATCH_ROWS = (
        f"SELECT {', '.join(f'l.{c}' for c in _LINK_COLUMNS.split(', '))}, "  # noqa: S608 - constant columns
        "r.id, r.subject_id, r.kind, r.external_ref, (SELECT json_group_array(category_id) "
        "FROM record_fields WHERE record_id = r.id) FROM links l JOIN records r "
        f"ON r.id = l.record_id WHERE l.record_id {_IN_IDS} ORDER BY l.record_id, l.purpose_id"
    )

    @contextlib.contextmanager
    def sweep_batch(
        self,
        now: dt.datetime,
        *,
        worker: str,
        limit: int,
        lease_until: dt.datetime,
    ) -> Iterator[SweepBatch]:
        """Claim and read a batch in one write transaction; see :meth:`Store.sweep_batch`.

        SQLite has one writer at a time, so the claim is made inside the batch's
        transaction: its write lock keeps every other worker out until the batch
        commits, and no other connection sees the batch's links before then. So the
        links are not marked as claimed (:meth:`complete_claim` would clear the marks
        before anyone could see them, and writing them cost a twentieth of a sweep):
        the claim is stored and its keys kept here, and :meth:`complete_claim` defers by
        key. A batch whose block ends without completing it has its links marked then,
        so they stay leased as a :meth:`claim_due` claim's would, and so does one whose
        block claims again (the only claim that could see its links as free). The
        batch's links and records are read in one statement.
        """
        now, lease_until = _claim_args(now, limit, lease_until, method="sweep_batch")
        claim_id = uuid.uuid4().hex
        lease_us = _us(lease_until, "lease_until")
        failed: list[PurposeLink] = []
        try:
            with self._tx(write=True):
                keys = self._take_due(
                    now, claim_id=claim_id, worker=worker, limit=limit, lease_us=lease_us
                )
                rows = (
                    self._all(self._BATCH_ROWS, (_id_list({r for r, _ in keys}),)) if keys else []
                )
                links = [self._link_of(row) for row in rows]
                by_key = {(link.record_id, link.purpose_id): link for link in links}
                claimed = [by_key[key] for key in keys]
                if self._depth == 1:  # the outermost transaction: it is the batch's own
                    failed = claimed
                claim = Claim(id=claim_id, worker=worker, lease_until=lease_until, links=claimed)
                records: dict[str, RecordOutline] = {}
                for row in rows:
                    if row[0] not in records:
                        records[row[0]] = self._outline_of(row, 9)
                if keys:
                    self._unmarked[claim_id] = (frozenset(keys), lease_us)
                try:
                    yield SweepBatch(claim=claim, links=links, records=records)
                    running = self._unmarked.pop(claim_id, None)
                    if running is not None:  # not completed in the block: mark it after all
                        self._mark(claim_id, *running)
                finally:  # inside the transaction, so no other thread sees a stale entry
                    self._unmarked.pop(claim_id, None)
                failed = []
        except Exception:
            self._hold_back([link.key for link in failed], lease_until)
            raise

    def _hold_back(self, keys: Collection[LinkKey], until: dt.datetime) -> None:
        """Keep a failed batch's links out of the pool until *until*, as a lease would.

        The batch rolled back with its claim; without this, a batch that fails every
        time (a key service down, a bug that one record triggers) would be claimed again
        first by every sweep, and the links behind it never reached. Best effort: when
        the database itself failed, the batch's own error is the one worth raising.
        """
        if not keys:
            return
        with contextlib.suppress(GdprKitError), self._tx(write=True):
            self._many(
                "UPDATE links SET lease_until = ? "
                "WHERE record_id = ? AND purpose_id = ? AND claim_id IS NULL",
                [(_us(until, "lease_until"), k.record_id, k.purpose_id) for k in keys],
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
        now_us = _us(now, "complete_claim(now)")
        until = _check_defer(defer, defer_until)
        with self._tx(write=True):
            row = self._one(
                "SELECT worker, lease_until, completed FROM claims WHERE id = ?", (claim_id,)
            )
            if row is None or row[0] != worker:
                raise ClaimLostError("claim unknown or held by another worker")
            if row[2]:
                return
            if row[1] <= now_us:
                raise ClaimLostError("claim lease ended before completion")
            self._run("UPDATE claims SET completed = 1 WHERE id = ?", (claim_id,))
            until_us = None if until is None else _us(until, "defer_until")
            running = self._unmarked.pop(claim_id, None)
            if running is not None:  # a sweep_batch's claim, completed in its block: no marks
                taken, _ = running
                if until_us is not None:
                    self._many(
                        "UPDATE links SET lease_until = ? WHERE record_id = ? AND purpose_id = ?",
                        [
                            (until_us, key.record_id, key.purpose_id)
                            for key in set(defer)
                            if (key.record_id, key.purpose_id) in taken
                        ],
                    )
                return
            if until_us is not None:
                for key in set(defer):
                    self._run(
                        "UPDATE links SET claim_id = NULL, lease_until = ? "
                        "WHERE claim_id = ? AND record_id = ? AND purpose_id = ?",
                        (until_us, claim_id, key.record_id, key.purpose_id),
                    )
            self._run(
                "UPDATE links SET claim_id = NULL, lease_until = NULL WHERE claim_id = ?",
                (claim_id,),
            )

    def release_deferrals(self) -> int:
        """Return every deferred link to the pool; return how many."""
        with self._tx(write=True):
            cur = self._run(
                "UPDATE links SET lease_until = NULL "
                "WHERE claim_id IS NULL AND lease_until IS NOT NULL"
            )
            return cur.rowcount

    # --- consent events ---------------------------------------------------------------

    def add_consent_event(self, event: ConsentEvent) -> None:
        """Append a consent event."""
        with self._tx(write=True):
            if self._exists("SELECT 1 FROM consent_events WHERE id = ?", (event.id,)):
                raise ConflictError("consent event id already exists")
            self._run(
                "INSERT INTO consent_events (id, subject_id, purpose_id, action, at, text_hash, "
                "channel, mechanism, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    event.id,
                    event.subject_id,
                    event.purpose_id,
                    event.action.value,
                    _us(event.at, "ConsentEvent.at"),
                    event.text_hash,
                    event.channel,
                    event.mechanism,
                    _json(event.evidence),
                ),
            )

    def consent_events(
        self,
        subject_id: str,
        purpose_id: str | None = None,
    ) -> list[ConsentEvent]:
        """Return a subject's events by time, then by insertion."""
        with self._tx(write=False):
            rows = self._all(
                "SELECT id, subject_id, purpose_id, action, at, text_hash, channel, mechanism, "
                "evidence FROM consent_events WHERE subject_id = ? "
                "AND (? IS NULL OR purpose_id = ?) ORDER BY at, seq",
                (subject_id, purpose_id, purpose_id),
            )
        return [
            ConsentEvent(
                id=r[0],
                subject_id=r[1],
                purpose_id=r[2],
                action=r[3],
                at=_dt(r[4]),
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
        with self._tx(write=True):
            if self._exists("SELECT 1 FROM requests WHERE id = ?", (request.id,)):
                raise ConflictError("request id already exists")
            self._run(
                "INSERT INTO requests (id, subject_id, kind, received_at, state, details) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    request.id,
                    request.subject_id,
                    request.kind,
                    _us(request.received_at, "SubjectRequest.received_at"),
                    request.state,
                    _json(request.details),
                ),
            )

    _REQUEST_COLUMNS = "id, subject_id, kind, received_at, state, details"

    @staticmethod
    def _request_of(row: Any) -> SubjectRequest:  # noqa: ANN401 - a row
        return SubjectRequest(
            id=row[0],
            subject_id=row[1],
            kind=row[2],
            received_at=_dt(row[3]),
            state=row[4],
            details=json.loads(row[5]),
        )

    def get_request(self, request_id: str) -> SubjectRequest | None:
        """Return the request, or ``None``."""
        with self._tx(write=False):
            row = self._one(
                f"SELECT {self._REQUEST_COLUMNS} FROM requests WHERE id = ?",  # noqa: S608 - constant columns
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
        with self._tx(write=True):
            old = self.get_request(request_id)
            if old is None:
                raise NotFoundError("no such request")
            new = attrs.evolve(
                old, state=state, details=old.details if details is None else details
            )
            self._run(
                "UPDATE requests SET state = ?, details = ? WHERE id = ?",
                (new.state, _json(new.details), request_id),
            )
            return new

    def requests_of_subject(self, subject_id: str) -> list[SubjectRequest]:
        """Return a subject's requests by ``(received_at, id)``."""
        with self._tx(write=False):
            rows = self._all(
                f"SELECT {self._REQUEST_COLUMNS} FROM requests WHERE subject_id = ? "  # noqa: S608 - constant columns
                "ORDER BY received_at, id",
                (subject_id,),
            )
        return [self._request_of(r) for r in rows]

    def requests_in_state(self, states: Collection[str], *, limit: int) -> list[SubjectRequest]:
        """Return up to *limit* requests in any of *states* by ``(received_at, id)``."""
        wanted = sorted(set(states))
        if not wanted:
            return []
        marks = ", ".join("?" * len(wanted))
        with self._tx(write=False):
            rows = self._all(
                f"SELECT {self._REQUEST_COLUMNS} FROM requests "  # noqa: S608 - placeholders only
                f"WHERE state IN ({marks}) ORDER BY received_at, id LIMIT ?",
                (*wanted, max(limit, 0)),
            )
        return [self._request_of(r) for r in rows]

    # --- disposal tasks ---------------------------------------------------------------

    _TASK_COLUMNS = (
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
            due_at=_dt(row[8]),
            created_at=_dt(row[9]),
            state=row[10],
            attempts=row[11],
            next_attempt_at=_dt(row[12]),
            last_error=row[13],
            done_at=_opt_dt(row[14]),
        )

    def add_task(self, task: DisposalTask) -> None:
        """Store a new task."""
        with self._tx(write=True):
            if self._exists("SELECT 1 FROM tasks WHERE id = ?", (task.id,)):
                raise ConflictError("task id already exists")
            self._run(
                f"INSERT INTO tasks ({self._TASK_COLUMNS}) "  # noqa: S608 - constant columns
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    task.id,
                    task.record_id,
                    task.subject_id,
                    task.external_ref,
                    task.purpose_id,
                    task.action,
                    _json(list(task.categories)),
                    task.reason,
                    _us(task.due_at, "DisposalTask.due_at"),
                    _us(task.created_at, "DisposalTask.created_at"),
                    task.state.value,
                    task.attempts,
                    _us(task.next_attempt_at, "DisposalTask.next_attempt_at"),
                    task.last_error,
                    _opt_us(task.done_at, "DisposalTask.done_at"),
                ),
            )

    def get_task(self, task_id: str) -> DisposalTask | None:
        """Return the task, or ``None``."""
        with self._tx(write=False):
            row = self._one(
                f"SELECT {self._TASK_COLUMNS} FROM tasks WHERE id = ?",  # noqa: S608 - constant columns
                (task_id,),
            )
        return None if row is None else self._task_of(row)

    def update_task(self, task: DisposalTask) -> None:
        """Write a changed task."""
        with self._tx(write=True):
            cur = self._run(
                "UPDATE tasks SET state = ?, attempts = ?, next_attempt_at = ?, "
                "last_error = ?, done_at = ? WHERE id = ?",
                (
                    task.state.value,
                    task.attempts,
                    _us(task.next_attempt_at, "DisposalTask.next_attempt_at"),
                    task.last_error,
                    _opt_us(task.done_at, "DisposalTask.done_at"),
                    task.id,
                ),
            )
            if cur.rowcount == 0:
                raise NotFoundError("no such task")

    def claim_task(
        self, task_id: str, *, now: dt.datetime, until: dt.datetime
    ) -> DisposalTask | None:
        """Take a due pending task for one attempt; ``None`` if it is not free."""
        now_us, until_us = _us(now, "claim_task(now)"), _us(until, "claim_task(until)")
        with self._tx(write=True):
            cur = self._run(
                "UPDATE tasks SET attempts = attempts + 1, next_attempt_at = ? "
                "WHERE id = ? AND state = 'pending' AND next_attempt_at <= ?",
                (until_us, task_id, now_us),
            )
            if cur.rowcount == 0:
                return None
            return self.get_task(task_id)

    def tasks(
        self,
        *,
        state: TaskState | None = None,
        ready_at: dt.datetime | None = None,
        limit: int,
    ) -> list[DisposalTask]:
        """Return up to *limit* tasks (ready ones, or of a state, or all)."""
        with self._tx(write=False):
            if ready_at is not None:
                rows = self._all(
                    f"SELECT {self._TASK_COLUMNS} FROM tasks WHERE state = 'pending' "  # noqa: S608 - constant columns
                    "AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
                    (_us(ready_at, "tasks(ready_at)"), max(limit, 0)),
                )
            else:
                state_text = None if state is None else TaskState(state).value
                rows = self._all(
                    f"SELECT {self._TASK_COLUMNS} FROM tasks WHERE (? IS NULL OR state = ?) "  # noqa: S608 - constant columns
                    "ORDER BY created_at, id LIMIT ?",
                    (state_text, state_text, max(limit, 0)),
                )
        return [self._task_of(r) for r in rows]

    # --- suppressions -----------------------------------------------------------------

    def add_suppression(self, entry: Suppression) -> None:
        """Store an entry; the same digest and scope again is a no-op."""
        with self._tx(write=True):
            self._run(
                "INSERT OR IGNORE INTO suppressions (digest, scope, created_at, basis) "
                "VALUES (?, ?, ?, ?)",
                (
                    entry.digest,
                    entry.scope,
                    _us(entry.created_at, "Suppression.created_at"),
                    entry.basis,
                ),
            )

    def is_suppressed(self, digest: bytes, scope: str) -> bool:
        """Return whether the digest is suppressed for the scope."""
        with self._tx(write=False):
            return self._exists(
                "SELECT 1 FROM suppressions WHERE digest = ? AND scope = ?", (digest, scope)
            )

    # --- holds ------------------------------------------------------------------------

    _HOLD_COLUMNS = (
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
            created_at=_dt(row[6]),
            released_at=_opt_dt(row[7]),
        )

    def add_hold(self, hold: Hold) -> None:
        """Store a new hold."""
        with self._tx(write=True):
            if self._exists("SELECT 1 FROM holds WHERE id = ?", (hold.id,)):
                raise ConflictError("hold id already exists")
            self._run(
                f"INSERT INTO holds ({self._HOLD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608 - constant columns
                (
                    hold.id,
                    hold.scope.value,
                    hold.scope_value,
                    hold.reason,
                    hold.matter_ref,
                    hold.created_by,
                    _us(hold.created_at, "Hold.created_at"),
                    _opt_us(hold.released_at, "Hold.released_at"),
                ),
            )

    def get_hold(self, hold_id: str) -> Hold | None:
        """Return the hold, or ``None``."""
        with self._tx(write=False):
            row = self._one(f"SELECT {self._HOLD_COLUMNS} FROM holds WHERE id = ?", (hold_id,))  # noqa: S608 - constant columns
        return None if row is None else self._hold_of(row)

    def release_hold(self, hold_id: str, *, at: dt.datetime) -> Hold:
        """Release a hold; releasing a released hold returns it unchanged."""
        at_us = _us(at, "release_hold(at)")
        with self._tx(write=True):
            self._run(
                "UPDATE holds SET released_at = ? WHERE id = ? AND released_at IS NULL",
                (at_us, hold_id),
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
        with self._tx(write=False):
            rows = self._all(
                f"SELECT {self._HOLD_COLUMNS} FROM holds WHERE released_at IS NULL "  # noqa: S608 - constant columns
                "AND (? IS NULL OR scope = ?) AND (? IS NULL OR scope_value = ?) "
                "ORDER BY created_at, id",
                (scope_text, scope_text, scope_value, scope_value),
            )
        return [self._hold_of(r) for r in rows]

    # --- review tasks -----------------------------------------------------------------

    _REVIEW_COLUMNS = (
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
            due_at=_dt(row[4]),
            created_at=_dt(row[5]),
            state=row[6],
            decided_at=_opt_dt(row[7]),
            decided_by=row[8],
            justification=row[9],
            keep_until=_opt_dt(row[10]),
        )

    @staticmethod
    def _review_values(task: ReviewTask) -> tuple[Any, ...]:
        return (
            task.state.value,
            _opt_us(task.decided_at, "ReviewTask.decided_at"),
            task.decided_by,
            task.justification,
            _opt_us(task.keep_until, "ReviewTask.keep_until"),
        )

    def add_review(self, task: ReviewTask) -> None:
        """Store a new review task."""
        with self._tx(write=True):
            if self._exists("SELECT 1 FROM reviews WHERE id = ?", (task.id,)):
                raise ConflictError("review id already exists")
            self._run(
                f"INSERT INTO reviews ({self._REVIEW_COLUMNS}) "  # noqa: S608 - constant columns
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    task.id,
                    task.record_id,
                    task.purpose_id,
                    task.subject_id,
                    _us(task.due_at, "ReviewTask.due_at"),
                    _us(task.created_at, "ReviewTask.created_at"),
                    *self._review_values(task),
                ),
            )

    def get_review(self, review_id: str) -> ReviewTask | None:
        """Return the task, or ``None``."""
        with self._tx(write=False):
            row = self._one(
                f"SELECT {self._REVIEW_COLUMNS} FROM reviews WHERE id = ?",  # noqa: S608 - constant columns
                (review_id,),
            )
        return None if row is None else self._review_of(row)

    def update_review(self, task: ReviewTask) -> None:
        """Write a decided task."""
        with self._tx(write=True):
            cur = self._run(
                "UPDATE reviews SET state = ?, decided_at = ?, decided_by = ?, "
                "justification = ?, keep_until = ? WHERE id = ?",
                (*self._review_values(task), task.id),
            )
            if cur.rowcount == 0:
                raise NotFoundError("no such review")

    def reviews(self, *, state: ReviewState | None = None, limit: int) -> list[ReviewTask]:
        """Return up to *limit* tasks by ``(created_at, id)``."""
        state_text = None if state is None else ReviewState(state).value
        with self._tx(write=False):
            rows = self._all(
                f"SELECT {self._REVIEW_COLUMNS} FROM reviews WHERE (? IS NULL OR state = ?) "  # noqa: S608 - constant columns
                "ORDER BY created_at, id LIMIT ?",
                (state_text, state_text, max(limit, 0)),
            )
        return [self._review_of(r) for r in rows]

    # --- breaches ---------------------------------------------------------------------

    _BREACH_COLUMNS = "id, aware_at, created_at, state, details"

    @staticmethod
    def _breach_of(row: Any) -> BreachRecord:  # noqa: ANN401 - a row
        return BreachRecord(
            id=row[0],
            aware_at=_dt(row[1]),
            created_at=_dt(row[2]),
            state=row[3],
            details=json.loads(row[4]),
        )

    def add_breach(self, breach: BreachRecord) -> None:
        """Register a breach."""
        with self._tx(write=True):
            if self._exists("SELECT 1 FROM breaches WHERE id = ?", (breach.id,)):
                raise ConflictError("breach id already exists")
            self._run(
                f"INSERT INTO breaches ({self._BREACH_COLUMNS}) VALUES (?, ?, ?, ?, ?)",  # noqa: S608 - constant columns
                (
                    breach.id,
                    _us(breach.aware_at, "BreachRecord.aware_at"),
                    _us(breach.created_at, "BreachRecord.created_at"),
                    breach.state,
                    _json(breach.details),
                ),
            )

    def get_breach(self, breach_id: str) -> BreachRecord | None:
        """Return the breach, or ``None``."""
        with self._tx(write=False):
            row = self._one(
                f"SELECT {self._BREACH_COLUMNS} FROM breaches WHERE id = ?",  # noqa: S608 - constant columns
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
        with self._tx(write=True):
            old = self.get_breach(breach_id)
            if old is None:
                raise NotFoundError("no such breach")
            new = attrs.evolve(old, state=state, details=details)
            self._run(
                "UPDATE breaches SET state = ?, details = ? WHERE id = ?",
                (new.state, _json(new.details), breach_id),
            )
            return new

    def breaches(self) -> list[BreachRecord]:
        """Return every breach by ``(aware_at, id)``."""
        with self._tx(write=False):
            rows = self._all(
                f"SELECT {self._BREACH_COLUMNS} FROM breaches ORDER BY aware_at, id"  # noqa: S608 - constant columns
            )
        return [self._breach_of(r) for r in rows]

    # --- published texts --------------------------------------------------------------

    def publish_text(self, text: PublishedText) -> PublishedText:
        """Store a text under its hash; idempotent."""
        with self._tx(write=True):
            self._run(
                "INSERT OR IGNORE INTO published_texts (sha256, text, kind, language, "
                "published_at) VALUES (?, ?, ?, ?, ?)",
                (
                    text.sha256,
                    text.text,
                    text.kind,
                    text.language,
                    _us(text.published_at, "PublishedText.published_at"),
                ),
            )
            stored = self.get_text(text.sha256)
        if stored is None:  # pragma: no cover - inserted just above
            raise StorageError("published text vanished")
        return stored

    def get_text(self, sha256: str) -> PublishedText | None:
        """Return the text with this hash, or ``None``."""
        with self._tx(write=False):
            row = self._one(
                "SELECT sha256, text, kind, language, published_at FROM published_texts "
                "WHERE sha256 = ?",
                (sha256,),
            )
        if row is None:
            return None
        return PublishedText(
            sha256=row[0],
            text=row[1],
            kind=row[2],
            language=row[3],
            published_at=_dt(row[4]),
        )

    # --- disposal records -------------------------------------------------------------

    _DISPOSAL_COLUMNS = (
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
            due_at=_dt(row[6]),
            executed_at=_dt(row[7]),
            fields_removed=json.loads(row[8]),
        )

    def add_disposal(self, disposal: DisposalRecord) -> None:
        """Store a disposal record."""
        self.add_disposals([disposal])

    def add_disposals(self, disposals: Sequence[DisposalRecord]) -> None:
        """Store disposal records."""
        with self._tx(write=True):
            try:
                self._many(
                    f"INSERT INTO disposals ({self._DISPOSAL_COLUMNS}) "  # noqa: S608 - constant columns
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            d.id,
                            d.record_id,
                            d.subject_id,
                            _json_ids(d.purpose_ids),
                            d.rule,
                            d.action,
                            _us(d.due_at, "DisposalRecord.due_at"),
                            _us(d.executed_at, "DisposalRecord.executed_at"),
                            _json_ids(d.fields_removed),
                        )
                        for d in disposals
                    ],
                )
            except ConflictError:
                raise ConflictError("disposal record id already exists") from None

    def get_disposal(self, disposal_id: str) -> DisposalRecord | None:
        """Return the disposal record, or ``None``."""
        with self._tx(write=False):
            row = self._one(
                f"SELECT {self._DISPOSAL_COLUMNS} FROM disposals WHERE id = ?",  # noqa: S608 - constant columns
                (disposal_id,),
            )
        return None if row is None else self._disposal_of(row)

    def disposals_of_subject(self, subject_id: str) -> list[DisposalRecord]:
        """Return a subject's disposal records by ``(executed_at, id)``."""
        with self._tx(write=False):
            rows = self._all(
                f"SELECT {self._DISPOSAL_COLUMNS} FROM disposals WHERE subject_id = ? "  # noqa: S608 - constant columns
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
        start_us = _us(start, "disposals_executed(start)")
        end_us = _us(end, "disposals_executed(end)")
        after_us = None if after is None else _us(after.executed_at, "disposals_executed(after)")
        after_id = None if after is None else after.id
        with self._tx(write=False):
            rows = self._all(
                f"SELECT {self._DISPOSAL_COLUMNS} FROM disposals "  # noqa: S608 - constant columns
                "WHERE executed_at >= ? AND executed_at < ? "
                "AND (? IS NULL OR (executed_at, id) > (?, ?)) "
                "ORDER BY executed_at, id LIMIT ?",
                (start_us, end_us, after_us, after_us, after_id, max(limit, 0)),
            )
        return [self._disposal_of(r) for r in rows]

    # --- audit entries ----------------------------------------------------------------

    def append_audit_entry(self, entry: AuditEntry, *, seal: AuditSeal) -> None:
        """Append the next audit entry and move the head seal, atomically."""
        with self._tx(write=True):
            row = self._one("SELECT seq FROM audit_seal WHERE one = 1")
            head = 0 if row is None else row[0]
            if entry.seq != head + 1 or seal.seq != entry.seq:
                raise ConflictError("audit entry out of sequence")
            self._run(
                "INSERT INTO audit_entries (seq, at, actor, action, ids, details, covers, "
                "prev_hash, hash, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.seq,
                    _us(entry.at, "AuditEntry.at"),
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
            self._run(
                "INSERT OR REPLACE INTO audit_seal (one, seq, hash, mac) VALUES (1, ?, ?, ?)",
                (seal.seq, seal.hash, seal.mac),
            )

    def audit_seal(self) -> AuditSeal | None:
        """Return the head seal, or ``None``."""
        with self._tx(write=False):
            row = self._one("SELECT seq, hash, mac FROM audit_seal WHERE one = 1")
        return None if row is None else AuditSeal(seq=row[0], hash=row[1], mac=row[2])

    def audit_entries(self, *, after_seq: int = 0, limit: int | None = None) -> list[AuditEntry]:
        """Return entries with ``seq > after_seq`` by ascending ``seq``."""
        with self._tx(write=False):
            rows = self._all(
                "SELECT seq, at, actor, action, ids, details, covers, prev_hash, hash, mac "
                "FROM audit_entries WHERE seq > ? ORDER BY seq LIMIT ?",
                (after_seq, -1 if limit is None else max(limit, 0)),
            )
        return [
            AuditEntry(
                seq=r[0],
                at=_dt(r[1]),
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
        with self._tx(write=True):
            return self._run("DELETE FROM audit_entries WHERE seq <= ?", (through_seq,)).rowcount

    # --- keys ---------------------------------------------------------------------------

    _KEY_COLUMNS = "owner, version, key_id, kek_id, kek_version, wrapped, created_at"

    @staticmethod
    def _key_of(row: Any) -> WrappedKey:  # noqa: ANN401 - a row
        return WrappedKey(
            owner=row[0],
            version=row[1],
            key_id=row[2],
            kek_id=row[3],
            kek_version=row[4],
            wrapped=bytes(row[5]),
            created_at=_dt(row[6]),
        )

    def add_wrapped_key(self, key: WrappedKey) -> None:
        """Store a new key version; see :class:`gdprkit.storage.keys.KeyStore`."""
        created = _us(key.created_at, "WrappedKey.created_at")
        with self._tx(write=True):
            if self._exists(
                "SELECT 1 FROM wrapped_keys WHERE key_id = ? "
                "UNION ALL SELECT 1 FROM key_tombstones WHERE key_id = ?",
                (key.key_id, key.key_id),
            ):
                raise ConflictError(f"key id {key.key_id} already used")
            if self._exists(
                "SELECT 1 FROM wrapped_keys WHERE owner = ? AND version = ?",
                (key.owner, key.version),
            ):
                raise ConflictError(f"key version {key.version} of this owner already exists")
            self._run(
                f"INSERT INTO wrapped_keys ({self._KEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",  # noqa: S608 - constant columns
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
        with self._tx(write=True):
            cur = self._run(
                "UPDATE wrapped_keys SET kek_id = ?, kek_version = ?, wrapped = ? "
                "WHERE key_id = ? AND owner = ? AND version = ?",
                (key.kek_id, key.kek_version, key.wrapped, key.key_id, key.owner, key.version),
            )
            if cur.rowcount == 0:
                raise NotFoundError(f"no key with id {key.key_id} for this owner and version")

    def get_wrapped_key(self, key_id: int) -> WrappedKey | None:
        """Return the key with this id, or ``None``."""
        with self._tx(write=False):
            row = self._one(
                f"SELECT {self._KEY_COLUMNS} FROM wrapped_keys WHERE key_id = ?",  # noqa: S608 - constant columns
                (key_id,),
            )
        return None if row is None else self._key_of(row)

    def wrapped_keys_of(self, owner: str) -> list[WrappedKey]:
        """Return every live key version of *owner*, oldest version first."""
        with self._tx(write=False):
            rows = self._all(
                f"SELECT {self._KEY_COLUMNS} FROM wrapped_keys WHERE owner = ? ORDER BY version",  # noqa: S608 - constant columns
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
        with self._tx(write=False):
            rows = self._all(
                f"SELECT {self._KEY_COLUMNS} FROM wrapped_keys "  # noqa: S608 - constant columns
                "WHERE kek_id = ? AND kek_version = ? AND (? IS NULL OR key_id > ?) "
                "ORDER BY key_id LIMIT ?",
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
        with self._tx(write=True):
            doomed = [
                (key.key_id, owner, key.version)
                for key in self.wrapped_keys_of(owner)
                if versions is None or key.version in versions
            ]
            return self._destroy_keys(doomed, at=at, reason=reason)

    def destroy_keys_of_owners(
        self, owners: Collection[str], *, at: dt.datetime, reason: str
    ) -> list[KeyTombstone]:
        """Destroy every key of every one of *owners* and tombstone them."""
        with self._tx(write=True):
            doomed = self._all(
                f"SELECT key_id, owner, version FROM wrapped_keys WHERE owner {_IN_IDS} "  # noqa: S608 - constant clause
                "ORDER BY owner, version, key_id",
                (_id_list(owners),),
            )
            return self._destroy_keys(doomed, at=at, reason=reason)

    def _destroy_keys(
        self, doomed: Sequence[tuple[int, str, int]], *, at: dt.datetime, reason: str
    ) -> list[KeyTombstone]:
        """Delete these ``(key_id, owner, version)`` keys and leave their tombstones."""
        at = to_utc(at, what="destroy_wrapped_keys(at)")
        at_us = _us(at, "at")
        self._many("DELETE FROM wrapped_keys WHERE key_id = ?", [(k,) for k, _, _ in doomed])
        self._many(
            "INSERT INTO key_tombstones (key_id, owner, version, destroyed_at, reason) "
            "VALUES (?, ?, ?, ?, ?)",
            [(key_id, owner, version, at_us, reason) for key_id, owner, version in doomed],
        )
        return [
            KeyTombstone(key_id=k, owner=o, version=v, destroyed_at=at, reason=reason)
            for k, o, v in doomed
        ]

    def get_key_tombstone(self, key_id: int) -> KeyTombstone | None:
        """Return the tombstone of a destroyed key, or ``None``."""
        with self._tx(write=False):
            row = self._one(
                "SELECT key_id, owner, version, destroyed_at, reason FROM key_tombstones "
                "WHERE key_id = ?",
                (key_id,),
            )
        if row is None:
            return None
        return KeyTombstone(
            key_id=row[0],
            owner=row[1],
            version=row[2],
            destroyed_at=_dt(row[3]),
            reason=row[4],
        )
