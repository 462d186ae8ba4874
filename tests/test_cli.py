"""The ``gdprkit`` command, driven as a subprocess: exit codes, output and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
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


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    result = run("demo", "--customers", "12")
    assert result.returncode == 0, result.stderr
    assert "The Art Of Planning AB" in result.stdout
    assert "audit chain verified" in result.stdout
    assert "pass --dir DIR to keep it" in result.stderr
    kept = run("demo", "--customers", "12", "--dir", str(tmp_path / "demo"), "--json")
    assert kept.returncode == 0, kept.stderr
    report = json.loads(kept.stdout)
    assert report["customers"] == 12
    assert Path(report["database"]).exists()


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("gdprkit ")


def test_notice_formats_and_languages() -> None:
    policy = str(EXAMPLES / "true_fiction_production.toml")
    html = run("notice", policy, "--lang", "sv", "--format", "html")
    assert html.returncode == 0, html.stderr
    assert html.stdout.lstrip().startswith("<")
    assert "Integritetspolicy" in html.stdout
    data = json.loads(run("notice", policy, "--format", "json").stdout)
    assert "True Fiction Production AB" in json.dumps(data)
    bad = run("notice", policy, "--format", "pdf")
    assert bad.returncode == 2
    assert "invalid choice" in bad.stderr


def test_ropa_formats() -> None:
    policy = str(EXAMPLES / "the_art_of_planning.toml")
    rows = list(
        csv.reader(
            io.StringIO(run("ropa", policy, "--format", "csv", "--as-of", "2026-06-01").stdout)
        )
    )
    assert rows[0][:3] == ["as_of", "id", "name"]
    assert {row[0] for row in rows[1:]} == {"2026-06-01"}
    markdown = run("ropa", policy, "--format", "md", "--lang", "sv", "--as-of", "2026-06-01")
    assert markdown.returncode == 0, markdown.stderr
    assert "The Art Of Planning AB" in markdown.stdout
    early = run("ropa", policy, "--as-of", "1999-01-01")
    assert early.returncode == 1
    assert early.stderr.startswith("gdprkit: ")
    assert "Traceback" not in early.stderr


def test_stateful_commands_need_a_key_and_a_policy(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GDPRKIT_")}
    no_key = subprocess.run(
        [sys.executable, "-m", "gdprkit", "init"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env=env,
    )
    assert no_key.returncode == 1
    assert no_key.stderr == (
        "gdprkit: no key-encryption key: pass --keys FILE or set GDPRKIT_KEK_FILE or "
        "GDPRKIT_KEK (make one with 'gdprkit keys new FILE')\n"
    )
    assert not (tmp_path / "gdprkit.db").exists()
