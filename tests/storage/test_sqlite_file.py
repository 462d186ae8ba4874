import datetime as dt
import os
import sqlite3

import pytest

from gdprkit.errors import GdprKitError, SchemaError, StorageError
from gdprkit.storage import sqlite as sqlite_module
from gdprkit.storage._sqlite_schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from gdprkit.storage.keys import WrappedKey
from gdprkit.storage.sqlite import SQLiteStore
from gdprkit.storage.types import Record, Subject

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def snapshot(path):
    """The bytes and mtime of a file and which sidecar files exist."""
    stat = path.stat()
    sidecars = sorted(p.name for p in path.parent.iterdir() if p != path)
    return path.read_bytes(), stat.st_mtime_ns, sidecars


def make_db(path, rows=3):
    with SQLiteStore(path) as store:
        store.add_subject(Subject(id="s1", created_at=T0))
        for i in range(rows):
            store.add_record(
                Record(
                    id=f"r{i}",
                    subject_id="s1",
                    kind="managed",
                    created_at=T0,
                    fields={"email": os.urandom(64)},
                ),
            )


def test_new_file_gets_the_current_schema(tmp_path):
    path = tmp_path / "new.db"
    with SQLiteStore(path) as store:
        conn = store._conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        versions = conn.execute("SELECT version FROM gdprkit_schema").fetchall()
        assert versions == [(v,) for v in range(1, SCHEMA_VERSION + 1)]
    with SQLiteStore(path):
        pass


def test_empty_file_is_initialised(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    with SQLiteStore(path) as store:
        store.add_subject(Subject(id="s1", created_at=T0))


def test_random_file_is_refused_without_writing(tmp_path):
    path = tmp_path / "random.bin"
    path.write_bytes(os.urandom(8192))
    before = snapshot(path)
    with pytest.raises(SchemaError, match="not a gdprkit database"):
        SQLiteStore(path)
    assert snapshot(path) == before


def test_short_text_file_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    before = snapshot(path)
    with pytest.raises(SchemaError):
        SQLiteStore(path)
    assert snapshot(path) == before


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_other_applications_database_is_refused_without_writing(tmp_path, journal):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('x')")
    conn.commit()
    conn.close()
    before = snapshot(path)
    with pytest.raises(SchemaError, match="another application"):
        SQLiteStore(path)
    assert snapshot(path) == before


def test_foreign_application_id_is_refused(tmp_path):
    path = tmp_path / "app.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 42")
    conn.commit()
    conn.close()
    before = snapshot(path)
    with pytest.raises(SchemaError):
        SQLiteStore(path)
    assert snapshot(path) == before


def test_newer_schema_is_refused_without_writing(tmp_path):
    path = tmp_path / "future.db"
    make_db(path)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO gdprkit_schema (version, applied_at) VALUES (?, 0)", (99,))
    conn.commit()
    conn.close()
    before = snapshot(path)
    with pytest.raises(SchemaError, match=r"schema version 99, newer .*upgrade gdprkit"):
        SQLiteStore(path)
    assert snapshot(path) == before


def test_forward_migration(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    make_db(path)
    v2 = ("CREATE TABLE extra (id INTEGER PRIMARY KEY)",)
    monkeypatch.setattr(sqlite_module, "MIGRATIONS", (*MIGRATIONS, v2))
    monkeypatch.setattr(sqlite_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with SQLiteStore(path) as store:
        version = store._conn.execute("SELECT max(version) FROM gdprkit_schema").fetchone()[0]
        assert version == SCHEMA_VERSION + 1
        assert store._conn.execute("SELECT count(*) FROM extra").fetchone()[0] == 0
        assert len(store.records_of_subject("s1")) == 3
    monkeypatch.undo()
    with pytest.raises(SchemaError, match="newer"):
        SQLiteStore(path)


def test_a_version_1_file_is_brought_forward_keeping_its_data(tmp_path, monkeypatch):
    path = tmp_path / "v1.db"
    monkeypatch.setattr(sqlite_module, "MIGRATIONS", MIGRATIONS[:1])
    monkeypatch.setattr(sqlite_module, "SCHEMA_VERSION", 1)
    make_db(path)
    monkeypatch.undo()
    with SQLiteStore(path) as store:
        version = store._conn.execute("SELECT max(version) FROM gdprkit_schema").fetchone()[0]
        assert version == SCHEMA_VERSION
        assert len(store.records_of_subject("s1")) == 3
        assert store.reviews(limit=10) == []
        assert store.breaches() == []


def test_corrupt_file_gives_a_gdprkit_error(tmp_path):
    path = tmp_path / "corrupt.db"
    make_db(path, rows=200)
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = b"\xa5" * (len(data) - page)
    path.write_bytes(bytes(data))
    with pytest.raises(GdprKitError) as info, SQLiteStore(path) as store:
        store.records_of_subject("s1")
    assert isinstance(info.value, StorageError)
    assert not isinstance(info.value, sqlite3.Error)
    assert isinstance(info.value.__cause__, sqlite3.Error)


def test_sqlite_errors_are_translated(tmp_path):
    store = SQLiteStore(tmp_path / "x.db")
    store.close()
    with pytest.raises(StorageError) as info:
        store.get_subject("s1")
    assert isinstance(info.value.__cause__, sqlite3.Error)


def test_destroyed_key_bytes_do_not_linger(tmp_path):
    path = tmp_path / "keys.db"
    secret = b"KEYBYTES" * 8
    with SQLiteStore(path) as store:
        for i in range(20):
            store.add_wrapped_key(
                WrappedKey(
                    owner="subject:s1",
                    version=i + 1,
                    key_id=i,
                    kek_id="k",
                    kek_version=1,
                    wrapped=secret + bytes([i]),
                    created_at=T0,
                ),
            )
        store.checkpoint()
        assert secret in path.read_bytes()
        store.destroy_wrapped_keys("subject:s1", versions=None, at=T0, reason="erasure")
        store.checkpoint()
    leftovers = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert secret not in leftovers


def test_checkpoint_and_vacuum_refuse_inside_a_transaction(tmp_path):
    with SQLiteStore(tmp_path / "x.db") as store:
        with pytest.raises(StorageError), store.transaction():
            store.vacuum()
        with pytest.raises(StorageError), store.transaction():
            store.checkpoint()
        store.vacuum()


@pytest.mark.parametrize(
    ("query", "params", "index"),
    [
        (
            "SELECT * FROM links WHERE state = 'live' AND eligible_from <= ? ORDER BY eligible_from",
            (0,),
            "links_due",
        ),
        (
            "SELECT * FROM records WHERE subject_id = ? ORDER BY created_at, id",
            ("s",),
            "records_subject",
        ),
        (
            "SELECT subject_id FROM blind_index WHERE index_name = ? AND digest = ?",
            ("e", b"d"),
            "sqlite_autoindex_blind_index_1",
        ),
        (
            "SELECT * FROM consent_events WHERE subject_id = ? AND purpose_id = ? ORDER BY at, seq",
            ("s", "p"),
            "consent_subject",
        ),
        ("SELECT * FROM links WHERE claim_id = ?", ("c",), "links_claim"),
        (
            "SELECT * FROM holds WHERE released_at IS NULL AND scope = ?",
            ("subject",),
            "holds_active",
        ),
        (
            "SELECT * FROM wrapped_keys WHERE kek_id = ? AND kek_version = ? ORDER BY key_id",
            ("k", 1),
            "wrapped_keys_kek",
        ),
    ],
)
def test_queries_use_indexes(tmp_path, query, params, index):
    with SQLiteStore(tmp_path / "x.db") as store:
        plan = " ".join(r[-1] for r in store._conn.execute(f"EXPLAIN QUERY PLAN {query}", params))
    assert index in plan
