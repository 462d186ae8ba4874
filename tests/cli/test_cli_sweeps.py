"""``gdprkit init``, ``sweep``, ``hold``, ``review`` and ``event``, driven as subprocesses."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from cli_helpers import POLICY, Site, assert_one_line_error, run, years_ago

KEPT = ["invoice_records", "name", "postal_address"]
ALL = sorted(["email", "invoice_records", "name", "phone", "postal_address"])


def test_keys_new_init_and_a_sweep_with_nothing_due(tmp_path: Path) -> None:
    env = {"GDPRKIT_POLICY": str(POLICY)}
    made = run(tmp_path, "keys", "new", "new-kek.txt")
    assert made.returncode == 0, made.stderr
    kek = tmp_path / "new-kek.txt"
    assert stat.S_IMODE(kek.stat().st_mode) == 0o600
    assert_one_line_error(run(tmp_path, "keys", "new", "new-kek.txt"), "refusing to overwrite")

    env["GDPRKIT_KEK_FILE"] = str(kek)
    missing = run(tmp_path, "sweep", env=env)  # no gdprkit.db here yet
    assert_one_line_error(missing, "no database at gdprkit.db", "gdprkit init")
    init = run(tmp_path, "init", env=env)
    assert init.returncode == 0, init.stderr
    assert (tmp_path / "gdprkit.db").exists()
    swept = run(tmp_path, "sweep", "--json", env=env)
    assert swept.returncode == 0, swept.stderr
    report = json.loads(swept.stdout)
    assert (report["links_ended"], report["batches"]) == (0, 0)


def test_dry_run_changes_nothing_and_the_sweep_disposes(site: Site) -> None:
    _, record = site.customer(contract_ended=years_ago(4))  # contract kept 3 years: due
    dry = site.run("sweep", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "1 links due; nothing was changed" in dry.stdout
    assert f"record {record} contract: remove_fields email,phone" in dry.stdout
    assert site.fields(record) == ALL

    swept = site.run("sweep", "--batch-size", "1")
    assert swept.returncode == 0, swept.stderr
    assert "1 links ended, 2 fields removed" in swept.stdout
    # Not a terminal: one plain progress line per batch on standard error.
    assert swept.stderr.splitlines() == ["sweep: batch 1, 1/1 links"]
    assert site.fields(record) == KEPT
    assert "Ada" not in swept.stdout + swept.stderr + dry.stdout


def test_event_record_reschedules_and_refuses_a_naive_datetime(site: Site) -> None:
    _, record = site.customer(contract_ended=years_ago(1))
    naive = site.run(
        "event", "record", "contract_end", "--at", "2020-01-01T10:00", "--record", record
    )
    assert_one_line_error(naive, "--at has no UTC offset")
    moved = site.run("event", "record", "contract_end", "--at", "2020-01-01", "--record", record)
    assert moved.returncode == 0, moved.stderr
    assert "1 links rescheduled" in moved.stdout
    # 2020-01-01 in Stockholm is 2019-12-31T23:00Z; three years later the link is due.
    assert "2 fields removed" in site.run("sweep").stdout
