"""Building frozen values from parts already known to be valid, without checking them again."""

from __future__ import annotations

from typing import TypeVar

_T = TypeVar("_T")

_new = object.__new__
_set = object.__setattr__


def unchecked(cls: type[_T], /, **values: object) -> _T:
    """Return an instance of the frozen attrs class *cls* holding *values*, as given.

    Skips the class's converters and checks, so only for values already in exactly
    the form they produce: UTC datetimes, tuples of strings, read-only mappings, enum
    members. That is true of a row a store reads back from its own schema, whose
    constraints admit only what the checks admitted on the way in, and of a value the
    retention engine assembles from such rows. A sweep builds one of each per due link,
    hundreds of thousands of them, and the converters would only confirm what is known.

    Every field must be given; the tests of each caller compare what it builds with
    what the checked constructor builds, field by field and type by type.
    """
    instance = _new(cls)
    for name, value in values.items():
        _set(instance, name, value)
    return instance
