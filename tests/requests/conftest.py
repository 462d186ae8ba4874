"""Fixtures: both example policies, a fixed clock, and a service per backend."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from rights_helpers import START, provider

from gdprkit.clock import FixedClock
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


@pytest.fixture(scope="session")
def tfp_policy() -> Policy:
    """Policy (b) of LEGAL.md: True Fiction Production AB."""
    return load_policy(example_path("true_fiction_production"))


@pytest.fixture(scope="session")
def taop_policy() -> Policy:
    """Policy (a) of LEGAL.md: The Art Of Planning AB."""
    return load_policy(example_path("the_art_of_planning"))


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
def tfp(tfp_policy: Policy, store: Store, clock: FixedClock) -> PrivacyService:
    return PrivacyService(tfp_policy, store, provider(), clock=clock, worker="w1")


@pytest.fixture
def taop(taop_policy: Policy, store: Store, clock: FixedClock) -> PrivacyService:
    return PrivacyService(taop_policy, store, provider(), clock=clock, worker="w1")
