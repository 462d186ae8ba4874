"""The ``gdprkit`` command, driven as a subprocess: exit codes, output and one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).parents[1] / "examples"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gdprkit", *args], capture_output=True, text=True, check=False
    )


def test_check_valid_policy() -> None:
    result = run("check", str(EXAMPLES / "true_fiction_production.toml"))
    assert result.returncode == 0, result.stderr
    assert "True Fiction Production AB" in result.stdout
    assert "bookkeeping: Art. 6(1)(c)" in result.stdout
    assert "valid (content hash" in result.stdout


def test_check_invalid_policy_prints_problems_not_traceback(tmp_path: Path) -> None:
    text = (EXAMPLES / "true_fiction_production.toml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text(
        text.replace(
            'legal_basis = "legal_obligation"', 'legal_basis = "public_task"\nlaw_reference = ""', 1
        ).replace('law_reference = "Bokföringslagen (SFS 1999:1078) 7 kap. 2 §"\n', "", 1),
        encoding="utf-8",
    )
    result = run("check", str(broken))
    assert result.returncode == 1
    assert "purposes.bookkeeping.law_reference" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_syntax_error_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("version = [\n", encoding="utf-8")
    result = run("check", str(bad))
    assert result.returncode == 1
    assert "TOML syntax error" in result.stderr
    missing = run("check", str(tmp_path / "nope.toml"))
    assert missing.returncode == 1
    assert "cannot read" in missing.stderr
    assert "Traceback" not in missing.stderr + result.stderr


def test_usage_error_exit_code() -> None:
    result = run("frobnicate")
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_demo_summarises_both_examples() -> None:
    result = run("demo")
    assert result.returncode == 0, result.stderr
    assert "True Fiction Production AB" in result.stdout
    assert "The Art Of Planning AB" in result.stdout
    assert "not legal advice" in result.stdout


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("gdprkit ")
