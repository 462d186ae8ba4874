"""Running the ``gdprkit`` command as a subprocess, and a database populated through the API."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from dateutil.relativedelta import relativedelta

from gdprkit import LocalKeyProvider, PrivacyService, load_policy
from gdprkit.crypto import generate_kek
from gdprkit.storage.sqlite import SQLiteStore

EXAMPLES = Path(__file__).parents[2] / "examples"
POLICY = EXAMPLES / "true_fiction_production.toml"
EMAIL = "ada@example.org"
CUSTOMER = {
    "name": "Ada Lovelace",
    "postal_address": "Storgatan 1, 111 22 Stockholm",
    "email": EMAIL,
    "phone": "+46 70 000 00 00",
    "invoice_records": "INV-2025-001, 1 250 SEK",
}
"""A customer whose invoice keeps name, address and invoice for years to come."""


def run(
    workdir: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m gdprkit`` in *workdir* with a clean gdprkit environment plus *env*."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("GDPRKIT_")}
    return subprocess.run(
        [sys.executable, "-m", "gdprkit", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=workdir,
        env=base | (env or {}),
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """The command failed with exit 1 and one ``gdprkit:`` line containing *words*."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("gdprkit: "), result.stderr
    for word in words:
        assert word in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def text_policy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """Write a copy of the example policy with *old* replaced by *new* (exactly once)."""
    text = POLICY.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


class Site:
    """A working directory with a KEK file, a policy and a SQLite database.

    The environment variables point the command at them, so the tests also show that
    the options fall back to ``GDPRKIT_DB``, ``GDPRKIT_KEK_FILE`` and ``GDPRKIT_POLICY``.
    """

    def __init__(self, root: Path, policy: Path = POLICY) -> None:
        self.root = root
        self.kek = root / "kek.txt"
        self.kek.write_text(generate_kek(1) + "\n", encoding="utf-8")
        self.db = root / "app.db"
        self.policy = policy
        self.env = {
            "GDPRKIT_DB": str(self.db),
            "GDPRKIT_KEK_FILE": str(self.kek),
            "GDPRKIT_POLICY": str(policy),
        }

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return run(self.root, *args, env=self.env | env)

    def open(self) -> tuple[SQLiteStore, PrivacyService]:
        store = SQLiteStore(self.db)
        service = PrivacyService(
            load_policy(self.policy), store, LocalKeyProvider.from_file(self.kek)
        )
        return store, service

    def customer(self, *, contract_ended: dt.date, email: str = EMAIL) -> tuple[str, str]:
        """Store a customer whose contract ended on *contract_ended*; return (subject, record).

        The invoice is dated last year, so the bookkeeping fields stay for years.
        """
        store, service = self.open()
        try:
            subject = service.register_subject(email=email)
            record = service.store_record(
                subject,
                CUSTOMER | {"email": email},
                purposes=["contract", "bookkeeping"],
                triggers={
                    "financial_year_end": dt.datetime.now(dt.UTC).date() - relativedelta(years=1)
                },
            )
            service.record_event("contract_end", contract_ended, record_id=record)
        finally:
            store.close()
        return subject, record

    def fields(self, record_id: str) -> list[str] | None:
        """The categories stored on a record, or ``None`` once it is gone."""
        with SQLiteStore(self.db) as store:
            record = store.get_record(record_id)
        return None if record is None else sorted(record.fields)


def years_ago(years: int) -> dt.date:
    return dt.datetime.now(dt.UTC).date() - relativedelta(years=years)
