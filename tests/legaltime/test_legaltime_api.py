"""The public surface of gdprkit.legaltime: sorted, complete, and each module's __all__ real."""

import importlib
import inspect

import pytest

import gdprkit.legaltime

MODULES = [
    "age",
    "breach",
    "calendars",
    "combine",
    "deadlines",
    "explain",
    "localtime",
    "retention",
]


def test_all_is_sorted_and_exported():
    names = gdprkit.legaltime.__all__

    # isort-style, as ruff's RUF022 keeps it: CONSTANTS, then Classes, then functions.
    def kind(name):
        if name.isupper():
            return 0
        return 1 if name[0].isupper() else 2

    assert names == sorted(names, key=lambda name: (kind(name), name))
    assert len(set(names)) == len(names)
    for name in names:
        assert hasattr(gdprkit.legaltime, name), name


@pytest.mark.parametrize("module", MODULES)
def test_module_all_lists_only_real_public_names(module):
    mod = importlib.import_module(f"gdprkit.legaltime.{module}")
    for name in mod.__all__:
        assert not name.startswith("_")
        assert hasattr(mod, name), name


def test_every_public_class_and_function_is_reexported_or_module_level():
    exported = set(gdprkit.legaltime.__all__)
    for module in MODULES:
        mod = importlib.import_module(f"gdprkit.legaltime.{module}")
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.isclass(obj):
                assert name in exported, f"{module}.{name} is not re-exported"
