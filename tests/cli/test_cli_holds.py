"""``gdprkit hold`` and ``gdprkit review``, driven as subprocesses (RET-07, RET-09)."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import Site, text_policy, years_ago

KEPT = ["invoice_records", "name", "postal_address"]
ALL = sorted(["email", "invoice_records", "name", "phone", "postal_address"])


def test_a_hold_blocks_the_sweep_until_released(site: Site) -> None:
    _, record = site.customer(contract_ended=years_ago(4))
    placed = site.run("hold", "place", "--record", record, "--reason", "Dispute", "--matter", "M-1")
    assert placed.returncode == 0, placed.stderr
    listed = json.loads(site.run("hold", "list", "--json").stdout)
    assert [(h["scope"], h["scope_value"], h["matter_ref"]) for h in listed] == [
        ("record", record, "M-1")
    ]
    held = site.run("sweep")
    assert "1 deferred by holds" in held.stdout
    assert site.fields(record) == ALL

    released = site.run("hold", "release", listed[0]["id"])
    assert released.returncode == 0, released.stderr
    assert "2 fields removed" in site.run("sweep").stdout
    assert site.fields(record) == KEPT


def test_review_list_and_approve(tmp_path: Path) -> None:
    review = text_policy(
        tmp_path,
        "review.toml",
        "period = { years = 3 }, justification",
        'period = { years = 3 }, action = "review", justification',
    )
    site = Site(tmp_path, review)
    _, record = site.customer(contract_ended=years_ago(4))
    opened = site.run("sweep")
    assert "1 reviews opened" in opened.stdout, opened.stderr
    assert site.fields(record) == ALL

    tasks = json.loads(site.run("review", "list", "--json").stdout)
    assert [(t["record_id"], t["purpose_id"], t["state"]) for t in tasks] == [
        (record, "contract", "pending")
    ]
    approved = site.run(
        "review", "approve", tasks[0]["id"], "--justification", "No claim pending", "--actor", "dpo"
    )
    assert approved.returncode == 0, approved.stderr
    assert "2 fields removed" in site.run("sweep").stdout
    assert site.fields(record) == KEPT
