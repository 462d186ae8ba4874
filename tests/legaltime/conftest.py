import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest

from gdprkit.policy.model import Contact, Organisation, SupervisoryAuthority
from gdprkit.policy.retention import FinancialYear

STOCKHOLM = "Europe/Stockholm"


def organisation(
    financial_year: FinancialYear | None = None, time_zone: str = STOCKHOLM
) -> Organisation:
    return Organisation(
        legal_name="Exempel AB",
        country="SE",
        contact=Contact(name="Data protection"),
        supervisory_authority=SupervisoryAuthority(name="IMY"),
        time_zone=time_zone,
        financial_year=financial_year if financial_year is not None else FinancialYear(),
    )


@pytest.fixture
def make_organisation() -> Callable[..., Organisation]:
    return organisation


@contextmanager
def machine_timezone(name: str) -> Iterator[None]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.fixture
def machine_tz() -> Callable[[str], AbstractContextManager[None]]:
    """Run a block as if the machine's local time zone were *name*."""
    return machine_timezone
