"""``gdprkit policy diff`` and ``policy apply``: a shortened rule disposes nothing until confirmed."""

from __future__ import annotations

import re

from cli_helpers import POLICY, Site, assert_one_line_error, text_policy, years_ago

KEPT = ["invoice_records", "name", "postal_address"]
ALL = sorted(["email", "invoice_records", "name", "phone", "postal_address"])


def test_a_shortened_rule_waits_for_the_confirmation_token(site: Site) -> None:
    shorter = text_policy(
        site.root,
        "shorter.toml",
        "period = { years = 3 }, justification",
        "period = { years = 1 }, justification",
    )
    _, record = site.customer(contract_ended=years_ago(2))  # due under 1 year, not under 3

    diff = site.run("policy", "diff", str(POLICY), str(shorter))
    assert diff.returncode == 0, diff.stderr
    assert "purposes[contract].retention" in diff.stdout
    assert "recompute_links" in diff.stdout

    preview = site.run("policy", "apply", str(shorter))
    assert preview.returncode == 0, preview.stderr
    assert (
        "1 stored links get a new retention date; 1 of them would be due at once" in preview.stdout
    )
    assert f"due at once: record {record} contract" in preview.stdout
    token = re.search(r"--confirm ([0-9a-f]+)", preview.stdout)
    assert token is not None, preview.stdout

    # The new file as --policy, but not applied: the stored dates still follow the old rule.
    unconfirmed = site.run("sweep", "--policy", str(shorter))
    assert "0 links ended" in unconfirmed.stdout, unconfirmed.stderr
    assert site.fields(record) == ALL

    wrong = site.run("policy", "apply", str(shorter), "--confirm", "0" * 32)
    assert_one_line_error(wrong, "preview it again")

    applied = site.run("policy", "apply", str(shorter), "--confirm", token.group(1))
    assert applied.returncode == 0, applied.stderr
    assert "applied: 1 links rescheduled" in applied.stdout
    assert "2 fields removed" in site.run("sweep", "--policy", str(shorter)).stdout
    assert site.fields(record) == KEPT
