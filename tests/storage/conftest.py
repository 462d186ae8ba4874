"""Fixtures of the storage tests: the PostgreSQL test server and per-test schemas.

``postgres_dsn`` skips a test when no server is reachable (with the reason), or fails
it when ``GDPRKIT_REQUIRE_POSTGRES=1``; see ``_pg_support.py``.
"""

from __future__ import annotations

import pytest
from _pg_support import drop_schema, new_schema_name, postgres_dsn


@pytest.fixture
def pg_dsn() -> str:
    """The DSN of the PostgreSQL test server (``GDPRKIT_TEST_POSTGRES_DSN``)."""
    return postgres_dsn()


@pytest.fixture
def pg_schema(pg_dsn):
    """A fresh schema name for this test, dropped with everything in it afterwards."""
    schema = new_schema_name()
    yield schema
    drop_schema(pg_dsn, schema)
