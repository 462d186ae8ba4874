"""The unchecked builders set every field of their class, by the field's own name."""

from __future__ import annotations

import inspect

import attrs
import pytest

from gdprkit.storage import _unchecked
from gdprkit.storage.types import DisposalRecord, PurposeLink, RecordOutline


@pytest.mark.parametrize(
    ("build", "cls"),
    [
        (_unchecked.purpose_link, PurposeLink),
        (_unchecked.record_outline, RecordOutline),
        (_unchecked.disposal_record, DisposalRecord),
    ],
)
def test_each_builder_takes_every_field_and_sets_it(build, cls) -> None:
    names = [field.name for field in attrs.fields(cls)]
    assert list(inspect.signature(build).parameters) == names
    values = {name: f"value of {name}" for name in names}
    built = build(**values)
    assert type(built) is cls
    assert {name: getattr(built, name) for name in names} == values
