import functools

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
