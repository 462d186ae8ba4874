"""The associated data of a field, byte for byte as documented in :mod:`gdprkit.crypto._token`.

A token decrypts only with the same bytes it was sealed with, so the layout may never
change: these known answers are spelled out from the documented layout by hand.
"""

from __future__ import annotations

import struct

import pytest

from gdprkit.crypto import FieldContext
from gdprkit.crypto._token import field_aad


def _lp(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


HEAD = b"\x00\x00\x00\x10gdprkit/field/v1\x01"


def test_the_associated_data_of_a_subjects_field() -> None:
    want = HEAD + _lp(b"r-1") + _lp(b"email") + b"\x01" + _lp(b"s-1")
    assert want == (
        b"\x00\x00\x00\x10gdprkit/field/v1\x01"
        b"\x00\x00\x00\x03r-1\x00\x00\x00\x05email\x01\x00\x00\x00\x03s-1"
    )
    assert field_aad("r-1", "email", "s-1") == want
    assert FieldContext(record_id="r-1", category_id="email", subject_id="s-1").aad == want


def test_the_associated_data_of_data_of_no_subject() -> None:
    want = HEAD + _lp(b"rec") + _lp(b"cat") + b"\x00"
    assert field_aad("rec", "cat", None) == want
    assert FieldContext(record_id="rec", category_id="cat").aad == want


def test_ids_are_length_prefixed_utf8() -> None:
    record, category, subject = "post-ö", "e-post", "ämne"
    want = (
        HEAD
        + _lp(record.encode("utf-8"))
        + _lp(category.encode("utf-8"))
        + b"\x01"
        + _lp(subject.encode("utf-8"))
    )
    assert field_aad(record, category, subject) == want
    # Moving a byte between two ids changes the bytes: the lengths keep them apart.
    assert field_aad("ab", "c", "s") != field_aad("a", "bc", "s")


@pytest.mark.parametrize(
    ("record_id", "category_id", "subject_id", "error"),
    [
        ("", "c", "s", TypeError),
        ("r", "", "s", TypeError),
        ("r", "c", "", TypeError),
        (1, "c", "s", TypeError),
        ("r" * 1025, "c", "s", ValueError),
        ("r", "c", "s" * 1025, ValueError),
    ],
)
def test_ids_are_checked(
    record_id: object, category_id: object, subject_id: object, error: type[Exception]
) -> None:
    with pytest.raises(error):
        field_aad(record_id, category_id, subject_id)  # type: ignore[arg-type]
