"""Time-ordered ids for rows appended in bulk (disposal records, disposal tasks)."""

from __future__ import annotations

import time
import uuid

from gdprkit._ids import time_ordered_id


def test_an_id_is_a_uuid7_in_hex_carrying_the_current_millisecond() -> None:
    before = time.time_ns() // 1_000_000
    made = time_ordered_id()
    after = time.time_ns() // 1_000_000
    parsed = uuid.UUID(hex=made)
    assert made == parsed.hex
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert before <= int(made[:12], 16) <= after


def test_ids_of_later_milliseconds_sort_after_and_ids_do_not_repeat() -> None:
    first = [time_ordered_id() for _ in range(1000)]
    time.sleep(0.002)
    later = [time_ordered_id() for _ in range(1000)]
    assert max(first) < min(later)
    assert len(set(first + later)) == 2000
