"""Fixtures: the two example policies gdprkit was commissioned from."""

from __future__ import annotations

import pytest
from document_helpers import example

from gdprkit.policy import Policy
from gdprkit.policy.examples import EXAMPLES


@pytest.fixture(params=EXAMPLES)
def policy(request: pytest.FixtureRequest) -> Policy:
    return example(request.param)


@pytest.fixture
def tfp() -> Policy:
    return example("true_fiction_production")


@pytest.fixture
def aop() -> Policy:
    return example("the_art_of_planning")
