"""The public API is curated: ``__all__`` is sorted, complete and importable everywhere."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import types

import pytest

import gdprkit


def isort_key(name: str) -> tuple[int, str]:
    """The order ruff's RUF022 keeps ``__all__`` in: CONSTANTS, then Classes, then functions."""
    if name.isupper():
        return (0, name)
    return (1, name) if name[0].isupper() else (2, name)


def _public_modules() -> list[str]:
    found = pkgutil.walk_packages(gdprkit.__path__, prefix="gdprkit.")
    names = [i.name for i in found if not any(p.startswith("_") for p in i.name.split("."))]
    return sorted(["gdprkit", *names])


def test_all_is_sorted_and_complete() -> None:
    assert gdprkit.__all__ == sorted(gdprkit.__all__, key=isort_key)
    public = {
        name
        for name, value in vars(gdprkit).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == set(gdprkit.__all__) - {"__version__"}


@pytest.mark.parametrize("module_name", _public_modules())
def test_every_module_declares_a_sorted_resolvable_all(module_name: str) -> None:
    module = importlib.import_module(module_name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{module_name} has no __all__"
    assert list(exported) == sorted(exported, key=isort_key), module_name
    for name in exported:
        assert hasattr(module, name), f"{module_name}.{name}"


def test_import_does_not_pull_optional_drivers() -> None:
    code = "import sys, gdprkit, gdprkit.policy; print('psycopg' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_version_is_a_string() -> None:
    assert gdprkit.__version__.count(".") >= 2
