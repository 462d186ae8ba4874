"""Bad inputs and broken state: exit 1, one line on standard error, no traceback."""

from __future__ import annotations

import sqlite3

from cli_helpers import EMAIL, Site, assert_one_line_error, years_ago

from gdprkit.crypto import generate_kek


def test_audit_verify_detects_a_tampered_entry(site: Site) -> None:
    site.customer(contract_ended=years_ago(1))
    intact = site.run("audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.startswith("audit chain verified through entry ")

    with sqlite3.connect(site.db) as conn:
        conn.execute("UPDATE audit_entries SET actor = 'someone else' WHERE seq = 2")
    conn.close()
    tampered = site.run("audit", "verify")
    assert_one_line_error(tampered, "audit entry 2 was altered")


def test_unknown_purpose_and_unknown_subject(site: Site) -> None:
    site.customer(contract_ended=years_ago(1))
    assert_one_line_error(
        site.run("hold", "place", "--purpose", "nope", "--reason", "r", "--matter", "m"),
        "no purpose with id 'nope'",
    )
    unknown = site.run("request", "access", "--email", "nobody@example.org", "--out", "x.json")
    assert_one_line_error(unknown, "no subject is registered with this e-mail address")
    assert "nobody@example.org" not in unknown.stderr
    assert EMAIL not in unknown.stderr


def test_missing_corrupt_and_wrongly_keyed_databases(site: Site) -> None:
    missing = site.run("hold", "list", "--db", str(site.root / "nope.db"))
    assert_one_line_error(missing, "no database at", "gdprkit init")

    corrupt = site.root / "corrupt.db"
    corrupt.write_bytes(b"this is not a database at all" * 10)
    assert_one_line_error(site.run("hold", "list", "--db", str(corrupt)), "not a gdprkit database")

    site.customer(contract_ended=years_ago(1))
    other = site.root / "other-kek.txt"
    other.write_text(generate_kek(1) + "\n", encoding="utf-8")
    wrong = site.run("sweep", "--keys", str(other))
    assert_one_line_error(wrong, "the key-encryption key does not open this database")
    secret = other.read_text(encoding="utf-8").split(":", 1)[1].strip()
    assert secret not in wrong.stderr
