"""Fixtures: the True Fiction Production policy, a fixed clock and a service per backend."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs
import pytest

from gdprkit.clock import FixedClock
from gdprkit.crypto import LocalKeyProvider
from gdprkit.policy import load_policy
from gdprkit.policy.examples import example_path
from gdprkit.service import PrivacyService
from gdprkit.storage.memory import MemoryStore
from gdprkit.storage.sqlite import SQLiteStore

if TYPE_CHECKING:
    import pathlib
    from collections.abc import Iterator

    from gdprkit.policy.model import Policy
    from gdprkit.storage.protocol import Store

STOCKHOLM = dt.timezone(dt.timedelta(hours=1))
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
KEK = {1: bytes(range(32))}


@pytest.fixture(scope="session")
def tfp_policy() -> Policy:
    return load_policy(example_path("true_fiction_production"))


def replace_purpose(policy: Policy, purpose_id: str, **changes: object) -> Policy:
    """Return *policy* with one purpose changed (re-validated on construction)."""
    purposes = tuple(
        attrs.evolve(p, **changes) if p.id == purpose_id else p for p in policy.purposes
    )
    return attrs.evolve(policy, purposes=purposes)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> Iterator[Store]:
    if request.param == "memory":
        yield MemoryStore()
        return
    sqlite = SQLiteStore(tmp_path / "gdprkit.db")
    yield sqlite
    sqlite.close()


@pytest.fixture
def service(tfp_policy: Policy, store: Store, clock: FixedClock) -> PrivacyService:
    return PrivacyService(tfp_policy, store, LocalKeyProvider(KEK), clock=clock, worker="w1")


CUSTOMER = {
    "name": "Ada Lovelace",
    "postal_address": "Storgatan 1, 111 22 Stockholm",
    "email": "ada@example.org",
    "phone": "+46 70 000 00 00",
    "invoice_records": "INV-2026-001 1 250 SEK",
}


def customer(service: PrivacyService, *, invoice_date: dt.date = dt.date(2026, 3, 2)) -> str:
    """Store a customer with an invoice for contract and bookkeeping; return the record id."""
    subject = service.register_subject(email="ada@example.org")
    return service.store_record(
        subject,
        CUSTOMER,
        purposes=["contract", "bookkeeping"],
        triggers={"financial_year_end": invoice_date},
    )
