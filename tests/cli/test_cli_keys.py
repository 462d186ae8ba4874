"""``gdprkit keys rotate`` and the sweep's progress display."""

from __future__ import annotations

import io

from cli_helpers import Site, assert_one_line_error, years_ago

from gdprkit.cli._shared import Progress
from gdprkit.retention.engine import SweepProgress


def test_rotate_adds_a_version_and_rewraps_so_the_old_one_can_retire(site: Site) -> None:
    site.customer(contract_ended=years_ago(1))
    first = site.kek.read_text(encoding="utf-8").strip()
    rotated = site.run("keys", "rotate", "--batch-size", "1")
    assert rotated.returncode == 0, rotated.stderr
    assert f"added KEK version 2 to {site.kek}" in rotated.stdout
    assert "re-wrapped 2 data keys under KEK version 2; retire version(s) 1" in rotated.stdout
    lines = site.kek.read_text(encoding="utf-8").splitlines()
    assert lines[0] == first
    assert lines[1].startswith("2:")

    # Retire version 1: the database still opens, so every key moved to version 2.
    site.kek.write_text(lines[1] + "\n", encoding="utf-8")
    verified = site.run("audit", "verify")
    assert verified.returncode == 0, verified.stderr

    from_env = site.run("keys", "rotate", GDPRKIT_KEK_FILE="", GDPRKIT_KEK=lines[1])
    assert_one_line_error(from_env, "keys rotate writes the new version to a key file")
    assert lines[1].split(":", 1)[1] not in from_env.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal_and_lines_otherwise() -> None:
    terminal = _Terminal()
    bar = Progress(terminal, "links", width=10)
    bar(SweepProgress(batches=9, links=4500, due_at_start=10_000))
    bar(SweepProgress(batches=20, links=10_000, due_at_start=10_000))
    bar.finish()
    assert terminal.getvalue() == (
        "\r[####      ]  45% 4500/10000 links\r[##########] 100% 10000/10000 links\n"
    )

    plain = io.StringIO()
    lines = Progress(plain, "links")
    lines(SweepProgress(batches=1, links=500, due_at_start=400))  # more became due meanwhile
    lines.finish()
    assert plain.getvalue() == "sweep: batch 1, 500/500 links\n"
