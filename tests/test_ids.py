"""Time-ordered ids for rows appended in bulk (disposal records, disposal tasks)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import pytest

from gdprkit._ids import TimeOrderedIds, time_ordered_id

MAKERS = pytest.mark.parametrize(
    "make",
    [time_ordered_id, TimeOrderedIds()],
    ids=["time_ordered_id", "TimeOrderedIds"],
)
# The 74 bits RFC 9562 leaves random in a version 7 UUID: all but the 48-bit time, the
# 4-bit version and the 2-bit variant.
RANDOM_BITS = [bit for bit in range(128) if bit < 62 or 64 <= bit < 76]


@MAKERS
def test_an_id_is_a_uuid7_in_hex_carrying_the_current_millisecond(
    make: Callable[[], str],
) -> None:
    for _ in range(600):  # more than one block of TimeOrderedIds' randomness
        before = time.time_ns() // 1_000_000
        made = make()
        after = time.time_ns() // 1_000_000
        parsed = uuid.UUID(hex=made)
        assert made == parsed.hex
        assert parsed.version == 7
        assert parsed.variant == uuid.RFC_4122
        assert before <= int(made[:12], 16) <= after


@MAKERS
def test_ids_of_later_milliseconds_sort_after_and_ids_do_not_repeat(
    make: Callable[[], str],
) -> None:
    first = [make() for _ in range(1000)]
    time.sleep(0.002)
    later = [make() for _ in range(1000)]
    assert max(first) < min(later)
    assert len(set(first + later)) == 2000


@MAKERS
def test_every_random_bit_varies(make: Callable[[], str]) -> None:
    values = [uuid.UUID(hex=make()).int for _ in range(2000)]
    ones = [sum(v >> bit & 1 for v in values) for bit in RANDOM_BITS]
    # Each bit is 1 in about half of 2,000 ids; a bit stuck at 0 or 1 would give 0 or 2000.
    assert all(800 < count < 1200 for count in ones), ones
