"""Documents are pure functions of the policy: no storage, crypto, audit log or CLI."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[2] / "src" / "gdprkit" / "documents"
FORBIDDEN = ("gdprkit.storage", "gdprkit.crypto", "gdprkit.audit", "gdprkit.cli", "gdprkit.service")


def test_documents_import_nothing_with_side_effects() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert files
    for file in files:
        tree = ast.parse(file.read_text(encoding="utf-8"))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        bad = sorted(n for n in names if n.startswith(FORBIDDEN))
        assert not bad, f"{file.name} imports {bad}"
