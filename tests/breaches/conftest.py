"""Fixtures: every register test runs on the in-memory specification and on SQLite."""

from __future__ import annotations

import pytest
from breach_helpers import make_register, policy, populate, sthlm

from gdprkit.storage.memory import MemoryStore
from gdprkit.storage.sqlite import SQLiteStore


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    if request.param == "memory":
        yield MemoryStore()
        return
    sqlite = SQLiteStore(tmp_path / "breaches.db")
    try:
        yield sqlite
    finally:
        sqlite.close()


@pytest.fixture
def tfp():
    return policy()


@pytest.fixture
def population(store):
    return populate(store)


@pytest.fixture
def setup(store, population):
    """(register, clock, audit) over a populated store, the clock at 2026-03-02 12:00 Stockholm."""
    del population
    return make_register(store, at=sthlm("2026-03-02 12:00"))
