"""``gdprkit request`` and ``gdprkit breach``, driven as subprocesses."""

from __future__ import annotations

import datetime as dt
import json
import stat

from cli_helpers import EMAIL, Site, assert_one_line_error, years_ago

from gdprkit.storage.sqlite import SQLiteStore


def test_request_access_writes_the_package_to_a_private_file(site: Site) -> None:
    subject, _ = site.customer(contract_ended=years_ago(1))
    out = site.root / "package.json"
    access = site.run("request", "access", "--email", EMAIL.upper(), "--out", str(out))
    assert access.returncode == 0, access.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    package = json.loads(out.read_text(encoding="utf-8"))
    assert package["schema"] == "gdprkit.access/1"
    assert EMAIL in out.read_text(encoding="utf-8")
    # The terminal says where the package went, and shows none of it.
    assert EMAIL not in access.stdout + access.stderr
    assert "Ada" not in access.stdout + access.stderr
    assert "access package written to" in access.stderr

    # An existing --out file is refused before a second request is received and answered.
    again = site.run("request", "access", "--subject", subject, "--out", str(out))
    assert_one_line_error(again, "refusing to overwrite")
    with SQLiteStore(site.db) as store:
        assert [r.state for r in store.requests_of_subject(subject)] == ["completed"]


def test_request_erase_keeps_the_invoice_under_art_17_3_b(site: Site) -> None:
    subject, record = site.customer(contract_ended=years_ago(1))
    received = site.run("request", "receive", "erasure", "--subject", subject)
    assert received.returncode == 0, received.stderr
    request_id = received.stdout.split()[1]
    listed = json.loads(site.run("request", "list", "--json").stdout)
    assert [(r["id"], r["kind"], r["state"]) for r in listed] == [
        (request_id, "erasure", "received")
    ]

    erased = site.run("request", "erase", request_id, "--ground", "no_longer_necessary")
    assert erased.returncode == 0, erased.stderr
    assert f"kept: record {record} for bookkeeping (legal_obligation)" in erased.stdout
    assert site.fields(record) == ["invoice_records", "name", "postal_address"]


def test_breach_record_and_list(site: Site) -> None:
    site.customer(contract_ended=years_ago(1))
    aware = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).replace(microsecond=0)
    recorded = site.run(
        "breach",
        "record",
        "2026-007",
        "--aware-at",
        aware.isoformat(),
        "--facts",
        "A laptop holding an export of the customer register was stolen.",
        "--type",
        "confidentiality",
    )
    assert recorded.returncode == 0, recorded.stderr
    assert "72 hours from awareness" in recorded.stdout
    (line,) = json.loads(site.run("breach", "list", "--json").stdout)
    assert line["id"] == "2026-007"
    assert dt.datetime.fromisoformat(line["notify_by"]) == aware + dt.timedelta(hours=72)
    assert 69 < line["hours_remaining"] <= 70
    assert line["overdue"] is False

    naive = site.run(
        "breach",
        "record",
        "2026-008",
        "--aware-at",
        "2026-10-23T09:10",
        "--facts",
        "x",
        "--type",
        "integrity",
    )
    assert_one_line_error(naive, "--aware-at has no UTC offset")
