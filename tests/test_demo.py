"""The end-to-end demo: its report agrees with the database it leaves, read with plain sqlite3."""

from __future__ import annotations

import collections
import datetime as dt
import io
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gdprkit import LocalKeyProvider, PrivacyService, SQLiteStore, load_policy
from gdprkit.demo import DATABASE_NAME, KEK_NAME, DemoReport, run_demo
from gdprkit.errors import AuditChainError, InvalidInputError
from gdprkit.policy.examples import example_path

Demo = tuple[DemoReport, Path, str]
"""The report, the directory the demo left and what it wrote to the progress stream."""

STOCKHOLM = ZoneInfo("Europe/Stockholm")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    directory = tmp_path_factory.mktemp("demo")
    progress = io.StringIO()
    report = run_demo(directory, customers=60, progress=progress)
    return report, directory, progress.getvalue()


def _query(directory: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(directory / DATABASE_NAME) as db:
        return db.execute(sql).fetchall()


def _scalar(directory: Path, sql: str) -> int:
    (row,) = _query(directory, sql)
    value = row[0]
    assert isinstance(value, int)
    return value


def _local_year(microseconds: object) -> int:
    assert isinstance(microseconds, int)
    return (EPOCH + dt.timedelta(microseconds=microseconds)).astimezone(STOCKHOLM).year


def test_remaining_records_subjects_and_audit_entries_match_the_database(demo: Demo) -> None:
    report, directory, _ = demo
    assert _scalar(directory, "SELECT COUNT(*) FROM records") == report.records_remaining
    assert _scalar(directory, "SELECT COUNT(*) FROM subjects") == report.subjects_remaining
    assert _scalar(directory, "SELECT COUNT(*) FROM audit_entries") == report.audit_entries
    assert _scalar(directory, "SELECT MAX(seq) FROM audit_entries") == report.audit_entries
    assert report.audit_verified_through == report.audit_entries
    shredded = sum(year.subjects_shredded for year in report.years)
    assert shredded > 0
    assert report.subjects_remaining == report.customers - shredded


def test_disposal_rows_match_the_report_per_action_year_and_reason(demo: Demo) -> None:
    report, directory, _ = demo
    by_action = dict(_query(directory, "SELECT action, COUNT(*) FROM disposals GROUP BY action"))
    assert by_action == dict(report.disposals_by_action)
    assert set(by_action) >= {"delete", "remove_fields"}

    reasons: dict[int, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    ended: collections.Counter[int] = collections.Counter()
    deleted: collections.Counter[int] = collections.Counter()
    fields: collections.Counter[int] = collections.Counter()
    for executed_at, rule, action, removed in _query(
        directory, "SELECT executed_at, rule, action, fields_removed FROM disposals"
    ):
        local_year = _local_year(executed_at)
        reasons[local_year][rule] += 1
        ended[local_year] += 1
        if action == "delete":
            deleted[local_year] += 1
        elif action == "remove_fields":
            fields[local_year] += len(json.loads(removed))
    for year in report.years:
        assert dict(year.by_reason) == dict(reasons[year.year]), year.year
        assert year.links_ended == ended[year.year] == sum(n for _, n in year.by_reason)
        assert year.records_disposed == deleted[year.year]
        assert year.fields_removed == fields[year.year]
    assert {y.year for y in report.years} >= set(reasons)
    every_reason = {r for counter in reasons.values() for r in counter}
    assert {"erasure (Art. 17(1))", "objection (Art. 21)"} <= every_reason
    assert any("Bokföringslagen" in reason for reason in every_reason)


def test_records_created_are_the_records_left_plus_the_records_deleted(demo: Demo) -> None:
    report, directory, _ = demo
    deleted = _scalar(directory, "SELECT COUNT(*) FROM disposals WHERE action = 'delete'")
    assert report.records_created == report.records_remaining + deleted
    stored = dict(report.records_stored)
    # Each customer's first invoice also carries the licence: one record, three purposes.
    assert stored["delivery_and_licences"] == report.customers
    assert stored["invoicing"] == stored["bookkeeping"] == report.customers + report.renewals
    assert report.records_created == sum(
        n
        for purpose, n in stored.items()
        if purpose not in {"delivery_and_licences", "bookkeeping"}
    )


def test_live_links_per_purpose_match_what_the_report_says_remains(demo: Demo) -> None:
    report, directory, _ = demo
    rows = _query(
        directory,
        "SELECT purpose_id, COUNT(*), SUM(eligible_from IS NULL) FROM links "
        "WHERE state = 'live' GROUP BY purpose_id",
    )
    assert {p: (n, waiting) for p, n, waiting in rows} == {
        p.purpose_id: (p.links, p.awaiting) for p in report.remaining
    }
    bookkeeping = next(p for p in report.remaining if p.purpose_id == "bookkeeping")
    assert bookkeeping.awaiting == 0
    assert bookkeeping.law == "Bokföringslagen 7 kap. 2 §"
    assert bookkeeping.first_keep_through is not None
    assert bookkeeping.first_keep_through.month == 12
    assert bookkeeping.first_keep_through.day == 31


def test_consents_unsubscribes_and_requests_match_the_database(demo: Demo) -> None:
    report, directory, _ = demo
    consents = dict(
        _query(directory, "SELECT action, COUNT(*) FROM consent_events GROUP BY action")
    )
    assert consents == {
        "grant": report.consents_granted,
        "withdraw": report.consents_withdrawn,
    }
    assert _scalar(directory, "SELECT COUNT(*) FROM suppressions") == report.unsubscribes
    assert sorted(_query(directory, "SELECT kind, state FROM requests")) == [
        ("access", "completed"),
        ("erasure", "completed"),
    ]


def test_the_three_rights_come_out_as_the_law_requires(demo: Demo) -> None:
    report, _, _ = demo
    assert report.unsubscribe.links_ended == 1
    assert report.unsubscribe.marketing_stopped
    assert report.unsubscribe.invoicing_untouched
    assert report.access.on_time
    assert report.access.due == dt.date(2026, 4, 10)
    assert report.access.items_provided + report.access.items_not_applicable == 11
    assert report.access.records > 0
    assert report.erasure.records_deleted > 0
    (kept,) = report.erasure.kept
    assert (kept.purpose_id, kept.exception, kept.article) == (
        "bookkeeping",
        "legal_obligation",
        "17(3)(b)",
    )
    assert kept.keep_through == dt.date(2033, 12, 31)
    assert "invoice_records" in kept.categories
    assert "email" not in kept.categories


def test_the_report_text_has_the_key_lines(demo: Demo) -> None:
    report, directory, _ = demo
    text = report.render()
    for line in (
        "gdprkit demo: The Art Of Planning AB, policy 2026.1",
        f"Database: {directory / DATABASE_NAME}",
        "Customers created in 2026: 60 (synthetic)",
        "product e-mails stopped (1 link ended, address suppressed); invoicing untouched",
        "Access request received 2026-03-10, due 2026-04-10, answered 2026-03-13 (deadline met)",
        (
            "kept for bookkeeping (legal_obligation, Art. 17(3)(b), Bokföringslagen 7 kap. 2 §) "
            "through 2033-12-31"
        ),
        (
            "Remaining on 2034-06-30: "
            f"{report.records_remaining:,} records of {report.subjects_remaining:,} customers"
        ),
        "  bookkeeping: ",
        f"Audit log: {report.audit_entries:,} entries; audit chain verified",
    ):
        assert line in text
    for year in report.years:
        assert f"  {year.year}  {year.links_ended:>11,}" in text
    for reason in report.reasons():
        assert f"] {reason}\n" in text
    assert "@" not in text  # no address of anyone, synthetic or not, is echoed
    assert 30 <= len(text.splitlines()) <= 45


def test_progress_goes_to_the_stream_as_plain_lines(demo: Demo) -> None:
    report, _, progress = demo
    lines = progress.splitlines()
    assert lines[0].startswith("gdprkit demo: 60 customers of The Art Of Planning AB")
    for year in report.years:
        assert any(line.startswith(f"{year.year}: {year.sweeps} sweeps") for line in lines)
    assert lines[-1] == "done"


def test_to_dict_is_json_with_every_count(demo: Demo) -> None:
    report, _, _ = demo
    data = json.loads(json.dumps(report.to_dict()))
    assert data["remaining"]["records"] == report.records_remaining
    assert data["remaining"]["subjects"] == report.subjects_remaining
    assert data["audit"] == {
        "entries": report.audit_entries,
        "verified_through": report.audit_entries,
        "verified": True,
    }
    assert data["disposals"]["by_action"] == dict(report.disposals_by_action)
    assert data["disposals"]["total"] == sum(data["disposals"]["by_action"].values())
    assert data["records_stored"] == dict(report.records_stored)
    assert [y["year"] for y in data["sweeps"]] == list(range(2026, 2035))
    assert data["erasure"]["kept"][0]["keep_through"] == "2033-12-31"
    assert data["access"]["on_time"] is True


def test_the_audit_log_verifies_when_reopened_and_catches_tampering(
    demo: Demo, tmp_path: Path
) -> None:
    report, directory, _ = demo
    policy = load_policy(example_path("the_art_of_planning"))
    kek = LocalKeyProvider.from_file(directory / KEK_NAME)
    with SQLiteStore(directory / DATABASE_NAME) as store:
        seq, _ = PrivacyService(policy, store, kek).audit.verify()
    assert seq == report.audit_entries

    copy = tmp_path / "tampered.sqlite3"
    shutil.copyfile(directory / DATABASE_NAME, copy)
    with sqlite3.connect(copy) as db:
        db.execute("UPDATE audit_entries SET actor = 'someone-else' WHERE seq = 10")
    with SQLiteStore(copy) as store, pytest.raises(AuditChainError):
        PrivacyService(policy, store, kek).audit.verify()


def _without_run_specifics(report: DemoReport) -> dict[str, object]:
    data = report.to_dict()
    del data["database"], data["elapsed_seconds"]
    return data


def test_the_same_seed_tells_the_same_story(tmp_path: Path) -> None:
    first = run_demo(tmp_path / "a", customers=20, seed=7)
    second = run_demo(tmp_path / "b", customers=20, seed=7)
    other = run_demo(tmp_path / "c", customers=20, seed=8)
    assert _without_run_specifics(first) == _without_run_specifics(second)
    assert _without_run_specifics(first) != _without_run_specifics(other)
    assert first.render().split("\nTook")[0].replace(str(tmp_path / "a"), "") == (
        second.render().split("\nTook")[0].replace(str(tmp_path / "b"), "")
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"customers": 2}, "customers must be between"),
        ({"customers": 100_001}, "customers must be between"),
        ({"customers": True}, "customers must be a whole number"),
        ({"customers": 10.0}, "customers must be a whole number"),
        ({"seed": "zero"}, "seed must be a whole number"),
        ({"progress": object()}, "progress must be a text stream"),
    ],
)
def test_malformed_arguments_are_refused_before_anything_is_written(
    tmp_path: Path, arguments: dict[str, Any], message: str
) -> None:
    target = tmp_path / "demo"
    with pytest.raises(InvalidInputError, match=message):
        run_demo(target, **arguments)
    assert not target.exists()


def test_a_directory_is_never_reused_or_mistaken(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="directory must be a path"):
        run_demo(42, customers=3)  # type: ignore[arg-type]
    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="must be a directory"):
        run_demo(a_file, customers=3)
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / DATABASE_NAME).write_bytes(b"")
    with pytest.raises(InvalidInputError, match="already holds a demo database"):
        run_demo(tmp_path / "used", customers=3)
    assert not (tmp_path / "used" / KEK_NAME).exists()


def test_the_key_file_is_readable_by_its_owner_only(demo: Demo) -> None:
    _, directory, _ = demo
    assert (directory / KEK_NAME).stat().st_mode & 0o077 == 0
