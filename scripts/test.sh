#!/usr/bin/env bash
# Runs the whole gdprkit test suite in its own virtual environment (.venv by default).
# Usage: bash scripts/test.sh [pytest arguments]
# GDPRKIT_REQUIRE_POSTGRES=1 turns "no PostgreSQL server reachable" skips into failures.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${GDPRKIT_VENV:-.venv}"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
# The postgres extra (psycopg) lets the PostgreSQL tests run when GDPRKIT_TEST_POSTGRES_DSN
# names a server (bash .ci/postgres.sh COMMAND runs a throwaway one); without one they skip.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[dev,postgres]'
exec "$venv/bin/python" -m pytest "$@"
