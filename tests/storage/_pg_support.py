"""Finding the PostgreSQL test server, and a schema of its own for every test.

The tests use the server named by ``GDPRKIT_TEST_POSTGRES_DSN`` (a libpq conninfo
string or URL; ``bash .ci/postgres.sh COMMAND`` runs a throwaway one). Without a
reachable server, or without psycopg, the PostgreSQL tests are skipped with the reason;
with ``GDPRKIT_REQUIRE_POSTGRES=1`` they fail instead, so CI cannot pass by skipping.
"""

from __future__ import annotations

import functools
import os
import uuid

import pytest

DSN_VAR = "GDPRKIT_TEST_POSTGRES_DSN"
REQUIRE_VAR = "GDPRKIT_REQUIRE_POSTGRES"


@functools.cache
def _probe() -> tuple[str | None, str]:
    """Return ``(dsn, "")`` for a reachable server, else ``(None, reason)``."""
    dsn = os.environ.get(DSN_VAR, "").strip()
    if not dsn:
        return (
            None,
            f"no PostgreSQL test server: {DSN_VAR} is not set (bash .ci/postgres.sh runs one)",
        )
    try:
        import psycopg  # noqa: PLC0415 - the extra may be missing
    except ImportError:
        return None, "psycopg is not installed: pip install -e '.[dev,postgres]'"
    try:
        with psycopg.connect(dsn, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return None, f"the PostgreSQL test server in {DSN_VAR} is not reachable: {first}"
    return dsn, ""


def _skip_or_fail(reason: str) -> None:
    if os.environ.get(REQUIRE_VAR, "") == "1":
        pytest.fail(f"{REQUIRE_VAR}=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def postgres_dsn() -> str:
    """Return the test server's DSN, or skip (fail under ``GDPRKIT_REQUIRE_POSTGRES=1``)."""
    dsn, reason = _probe()
    if dsn is None:
        _skip_or_fail(reason)
    assert dsn is not None
    return dsn


def require_psycopg() -> None:
    """Skip a test that needs the driver but no server when psycopg is not installed.

    ``scripts/test.sh`` installs the ``postgres`` extra, so this skips only for someone
    who installed ``.[test]`` alone; under ``GDPRKIT_REQUIRE_POSTGRES=1`` it fails.
    """
    try:
        import psycopg  # noqa: F401, PLC0415 - the extra may be missing
    except ImportError:
        _skip_or_fail(
            "psycopg is not installed (the postgres extra): pip install -e '.[dev,postgres]'"
        )


def new_schema_name() -> str:
    """Return a schema name no other test uses."""
    return f"gdprkit_test_{uuid.uuid4().hex[:16]}"


def admin_connection(dsn: str):
    """Return an autocommit connection for set-up, inspection and clean-up."""
    import psycopg  # noqa: PLC0415 - only with a server

    return psycopg.connect(dsn, autocommit=True)


def drop_schema(dsn: str, schema: str) -> None:
    """Drop a test schema with everything in it."""
    with admin_connection(dsn) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def with_application_name(dsn: str, name: str) -> str:
    """Return *dsn* with ``application_name`` set, so a test can find its connections."""
    from psycopg.conninfo import make_conninfo  # noqa: PLC0415 - only with a server

    return make_conninfo(dsn, application_name=name)


def backend_pids(dsn: str, application_name: str) -> list[int]:
    """Return the server process ids of the connections with this application name."""
    with admin_connection(dsn) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s ORDER BY pid",
            (application_name,),
        ).fetchall()
    return [r[0] for r in rows]


def terminate_backends(dsn: str, application_name: str) -> int:
    """Terminate every connection with this application name; return how many."""
    with admin_connection(dsn) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = %s AND pid <> pg_backend_pid()",
            (application_name,),
        ).fetchall()
    return sum(1 for r in rows if r[0])
