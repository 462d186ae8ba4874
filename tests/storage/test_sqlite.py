import functools

from gdprkit.storage import sqlite as sqlite_module
from gdprkit.storage.sqlite import SQLiteStore
from gdprkit.testing.conformance import StoreConformance


class TestSQLiteStore(StoreConformance):
    supports_multiprocess = True

    def make_store(self, tmp_path):
        return SQLiteStore(tmp_path / "gdprkit.db")

    def store_opener(self, tmp_path):
        return functools.partial(SQLiteStore, tmp_path / "gdprkit.db")

    def close_store(self, store):
        store.close()


def test_emptied_subjects_are_found_the_same_where_sqlite_lacks_returning(tmp_path, monkeypatch):
    """SQLite before 3.35 has no ``DELETE ... RETURNING``: the store reads first."""
    monkeypatch.setattr(sqlite_module, "_HAS_RETURNING", False)
    suite = TestSQLiteStore()
    store = suite.make_store(tmp_path)
    try:
        suite.test_batch_disposals_and_emptied_subjects(store)
    finally:
        suite.close_store(store)
