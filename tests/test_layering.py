"""The functional core stays pure: the policy model never imports storage, crypto or the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "gdprkit"
PURE = [
    "policy",
    "legaltime",
    "documents",
    "clock.py",
    "errors.py",
    "consent/state.py",
    "retention/schedule.py",
    "breaches/model.py",
    "breaches/documents.py",
    "consent/cookies.py",
    *(
        f"requests/{name}.py"
        for name in (
            "vocab",
            "lifecycle",
            "report",
            "held",
            "access",
            "portability",
            "erasure",
            "notices",
            "replies",
            "outcomes",
        )
    ),
]
FORBIDDEN = (
    "gdprkit.storage",
    "gdprkit.crypto",
    "gdprkit.audit",
    "gdprkit.cli",
    "gdprkit.service",
    "gdprkit.consent.ledger",
    "gdprkit.retention.engine",
    "gdprkit.retention.holds",
    "gdprkit.requests.desk",
    "gdprkit.breaches.register",
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


def _files(entry: str) -> list[Path]:
    path = SRC / entry
    return sorted(path.rglob("*.py")) if path.is_dir() else [path]


@pytest.mark.parametrize("entry", PURE)
def test_pure_modules_import_no_side_effects(entry: str) -> None:
    files = _files(entry)
    assert files, entry
    for file in files:
        bad = {name for name in _imports(file) if name.startswith(FORBIDDEN)}
        assert not bad, f"{file.relative_to(SRC)} imports {sorted(bad)}"


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from gdprkit.storage import memory\nimport gdprkit.crypto\n", encoding="utf-8"
    )
    assert _imports(sample) >= {"gdprkit.storage", "gdprkit.crypto"}
