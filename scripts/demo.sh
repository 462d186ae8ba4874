#!/usr/bin/env bash
# Runs gdprkit's main job on the embedded default, in its own virtual environment.
# Usage: bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${GDPRKIT_VENV:-.venv}"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e .
exec "$venv/bin/gdprkit" demo
