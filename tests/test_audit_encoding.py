"""The audit entry's bytes: the spelled-out encoding equals canonical JSON of the whole entry.

``_body`` writes the entry around the details' own canonical JSON instead of encoding
the whole object; these properties pin it, byte for byte, to the documented encoding
(the module docstring of :mod:`gdprkit.audit`), so the chain's hashes never change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from types import MappingProxyType
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gdprkit.audit import AuditLog, _body, _clean_details, _iso
from gdprkit.clock import FixedClock
from gdprkit.storage.memory import MemoryStore
from gdprkit.storage.types import canonical_json

KEY = b"k" * 32

# Text with what JSON escapes (quotes, backslashes, control characters) and non-ASCII.
TEXT = st.text(
    alphabet=st.characters(codec="utf-8") | st.sampled_from('"\\\n\t\x00\x7f/ÅäØ€'),
    max_size=12,
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(TEXT, inner, max_size=4)
    ),
    max_leaves=12,
)
DETAILS = st.dictionaries(TEXT, JSON, max_size=5)
INSTANTS = st.datetimes(
    min_value=dt.datetime(1, 1, 2),  # noqa: DTZ001 - made aware by timezones=
    max_value=dt.datetime(9999, 12, 30),  # noqa: DTZ001
    timezones=st.just(dt.UTC),
)


def _reference(**fields: Any) -> bytes:
    """The documented encoding: canonical JSON of the whole entry object."""
    return canonical_json(
        {
            "v": 1,
            "seq": fields["seq"],
            "at": fields["at"].strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": fields["actor"],
            "action": fields["action"],
            "ids": list(fields["ids"]),
            "details": dict(fields["details"]),
            "covers": list(fields["covers"]),
            "prev": fields["prev"],
        }
    )


@settings(max_examples=300, deadline=None)
@given(
    seq=st.integers(min_value=1, max_value=2**62),
    at=INSTANTS,
    actor=TEXT,
    action=TEXT,
    ids=st.lists(TEXT, max_size=4),
    details=DETAILS,
    covers=st.lists(st.text(alphabet="0123456789abcdef", min_size=64, max_size=64), max_size=3),
    prev=TEXT,
)
def test_the_body_is_the_canonical_json_of_the_whole_entry(**fields: Any) -> None:
    assert _body(**fields) == _reference(**fields)


@settings(max_examples=300, deadline=None)
@given(
    details=st.dictionaries(TEXT | st.integers(-20, 20) | st.booleans(), JSON, max_size=5),
    at=INSTANTS,
)
def test_the_details_encoded_once_give_the_same_body_as_the_normalised_copy(
    details: dict[Any, Any], at: dt.datetime
) -> None:
    """Keys that are not text (made text by the encoder) must not reuse the first encoding."""
    try:
        clean, encoded = _clean_details(details)
    except TypeError:
        return  # mixed key types cannot be sorted: refused before anything is written
    fields: dict[str, Any] = {
        "seq": 7,
        "at": at,
        "actor": "a",
        "action": "b",
        "ids": ["x"],
        "covers": [],
        "prev": "0" * 64,
    }
    want = _reference(details=clean, **fields)
    assert _body(details=clean, encoded_details=encoded, **fields) == want
    if encoded is not None:
        assert encoded == canonical_json(clean)


def test_keys_that_are_not_text_are_encoded_anew() -> None:
    # 10 sorts before 2 as a number, after it as text: the first encoding has the wrong order.
    clean, encoded = _clean_details({"n": {2: "b", 10: "a"}})
    assert encoded is None
    assert clean == {"n": {"10": "a", "2": "b"}}


@given(at=INSTANTS)
def test_the_instant_is_written_as_strftime_writes_it(at: dt.datetime) -> None:
    assert _iso(at) == at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_an_appended_entry_hashes_the_documented_bytes() -> None:
    at = dt.datetime(2026, 1, 1, 12, 30, 0, 5, tzinfo=dt.UTC)
    log = AuditLog(MemoryStore(), KEY, clock=FixedClock(at))
    details = {"records": ("r1", "r2"), "received": {"due": "2026-02-01"}, "late": False}
    entry = log.append(
        actor="portal", action="request.access.completed", ids=["q", "s"], details=details
    )
    want = _reference(
        seq=1,
        at=at,
        actor="portal",
        action="request.access.completed",
        ids=["q", "s"],
        details={"records": ["r1", "r2"], "received": {"due": "2026-02-01"}, "late": False},
        covers=[],
        prev="0" * 64,
    )
    assert entry.hash == hashlib.sha256(want).hexdigest()
    assert log.verify() == (1, entry.hash)


def test_a_mapping_that_is_not_a_dict_has_its_keys_checked_too() -> None:
    numbered: dict[Any, Any] = {2: "b", 10: "a"}  # keys of another type than the signature's
    clean, encoded = _clean_details(MappingProxyType(numbered))
    assert encoded is None
    assert clean == {"10": "a", "2": "b"}
    details, encoded = _clean_details(MappingProxyType({"k": [{"x": (1, 2)}]}))
    assert encoded == b'{"k":[{"x":[1,2]}]}'
    assert canonical_json(details) == encoded


def test_the_stored_entry_holds_a_normalised_copy_of_the_details() -> None:
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    store = MemoryStore()
    log = AuditLog(store, KEY, clock=FixedClock(at))
    inner: dict[str, tuple[int, ...]] = {"x": (1, 2)}
    details: dict[str, Any] = {"k": [inner], "n": {2: "b", 10: "a"}}
    entry = log.append(actor="a", action="b", details={"k": [inner]})
    other = log.append(actor="a", action="b", details=details)
    inner["x"] = (3,)  # the caller changes their dict afterwards: nothing stored changes
    assert entry.details == {"k": [{"x": [1, 2]}]}
    assert other.details == {"k": [{"x": [1, 2]}], "n": {"10": "a", "2": "b"}}
    assert [e.details for e in store.audit_entries()] == [entry.details, other.details]
    assert log.verify() == (2, other.hash)
