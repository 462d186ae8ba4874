import datetime as dt
import os

import pytest

from gdprkit.clock import FixedClock
from gdprkit.crypto import FieldCipher, Keyring, LocalKeyProvider
from gdprkit.storage.memory import MemoryStore
from gdprkit.storage.sqlite import SQLiteStore

T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    return FixedClock(T0)


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    if request.param == "memory":
        yield MemoryStore()
        return
    sqlite_store = SQLiteStore(tmp_path / "gdprkit.db")
    yield sqlite_store
    sqlite_store.close()


@pytest.fixture
def kek_bytes():
    return {1: os.urandom(32)}


@pytest.fixture
def provider(kek_bytes):
    return LocalKeyProvider(kek_bytes, kek_id="test")


@pytest.fixture
def keyring(store, provider, clock):
    return Keyring(store, provider, clock=clock, cache_ttl=dt.timedelta(seconds=60))


@pytest.fixture
def cipher(keyring):
    return FieldCipher(keyring)
