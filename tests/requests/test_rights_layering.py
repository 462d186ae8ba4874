"""The pure parts of requests and consent import no storage, crypto, audit, service or CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src" / "gdprkit"
PURE = [
    "consent/cookies.py",
    "requests/vocab.py",
    "requests/lifecycle.py",
    "requests/report.py",
    "requests/held.py",
    "requests/access.py",
    "requests/portability.py",
    "requests/erasure.py",
    "requests/notices.py",
    "requests/replies.py",
    "requests/outcomes.py",
]
FORBIDDEN = (
    "gdprkit.storage",
    "gdprkit.crypto",
    "gdprkit.audit",
    "gdprkit.cli",
    "gdprkit.service",
    "gdprkit.consent.ledger",
    "gdprkit.consent.unsubscribe",
    "gdprkit.retention",
    "gdprkit.requests.desk",
    "gdprkit.requests._reading",
    "gdprkit._args",
)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("entry", PURE)
def test_pure_modules_import_no_side_effects(entry: str) -> None:
    bad = {name for name in _imports(SRC / entry) if name.startswith(FORBIDDEN)}
    assert not bad, f"{entry} imports {sorted(bad)}"


def test_every_requests_module_is_classified() -> None:
    stateful = {"requests/__init__.py", "requests/desk.py", "requests/_reading.py"}
    found = {f"requests/{p.name}" for p in (SRC / "requests").glob("*.py")}
    assert found == stateful | {p for p in PURE if p.startswith("requests/")}


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from gdprkit.storage import memory\nimport gdprkit.crypto\n", encoding="utf-8"
    )
    assert _imports(sample) >= {"gdprkit.storage", "gdprkit.crypto"}
