"""Fixtures for the command-line tests: a site with a KEK, a policy and a database."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import Site


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path)
