import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdprkit.crypto.hazmat import BlindIndex, normalize_email, normalize_text, safe_digest_size

ROOT = bytes(range(32))


def test_email_normalisation():
    assert normalize_email("  Ada.Lovelace@Example.ORG \n") == "ada.lovelace@example.org"
    assert normalize_email("\uff21\uff24\uff21@example.org") == "ada@example.org"  # NFKC
    assert normalize_email("STRASSE@example.de") == normalize_email("straße@example.de")
    assert normalize_email("ada+news@example.org") != normalize_email("ada@example.org")


def test_text_normalisation():
    assert normalize_text("  Ada   LOVELACE\t") == "ada lovelace"
    assert normalize_text("ﬁne") == "fine"


def test_digest_is_deterministic_and_normalised():
    index = BlindIndex(ROOT, name="subject.email", normalize=normalize_email)
    a = index.digest("Ada@Example.org")
    assert a == index.digest(" ada@example.org ")
    assert a == BlindIndex(ROOT, name="subject.email", normalize=normalize_email).digest(
        "ada@example.org"
    )
    assert a != index.digest("bob@example.org")
    assert a[0] == 1
    assert len(a) == 1 + 16


def test_different_indexes_roots_and_versions_differ():
    base = BlindIndex(ROOT, name="subject.email").digest("ada@example.org")
    assert BlindIndex(ROOT, name="subject.phone").digest("ada@example.org") != base
    assert BlindIndex(os.urandom(32), name="subject.email").digest("ada@example.org") != base
    v2 = BlindIndex(ROOT, name="subject.email", versions=(1, 2)).digest("ada@example.org")
    assert v2[0] == 2
    assert v2[1:] != base[1:]


def test_rotation_lookups_cover_every_live_version():
    old = BlindIndex(ROOT, name="subject.email", versions=(1,))
    rotating = BlindIndex(ROOT, name="subject.email", versions=(1, 2))
    stored = old.digest("ada@example.org")
    lookups = rotating.lookups("ada@example.org")
    assert [d[0] for d in lookups] == [2, 1]
    assert stored in lookups
    assert rotating.current_version == 2


def test_truncation():
    index = BlindIndex(ROOT, name="n", digest_size=8)
    assert len(index.digest("x")) == 9
    assert index.digest_size == 8
    full = BlindIndex(ROOT, name="n", digest_size=32).digest("x")
    assert full[1:9] == index.digest("x")[1:]


@pytest.mark.parametrize(
    ("rows", "rate", "expected"),
    [
        (1, 1e-6, 8),  # the floor
        (1_000_000, 1e-6, 8),  # log2(1e12) = 39.9 bits -> 5 bytes -> floor 8
        (10**12, 1e-9, 9),  # log2(1e21) = 69.8 bits -> 9 bytes
        (10**15, 1e-12, 12),  # 89.7 bits -> 12 bytes
    ],
)
def test_safe_digest_size(rows, rate, expected):
    assert safe_digest_size(rows, rate) == expected


def test_safe_digest_size_floor_and_cap():
    assert safe_digest_size(10, 0.5, floor=1) == 1
    assert safe_digest_size(10**30, 1e-60) == 32
    assert safe_digest_size(1000, 1e-6, floor=16) == 16
    for bad in (
        {"expected_rows": 0},
        {"expected_rows": 1, "false_positive_rate": 0},
        {"expected_rows": 1, "false_positive_rate": 1},
        {"expected_rows": 1, "floor": 0},
    ):
        with pytest.raises(ValueError):
            safe_digest_size(**bad)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 10**18), st.floats(1e-15, 0.5))
def test_safe_digest_size_meets_the_rate(rows, rate):
    n = safe_digest_size(rows, rate)
    assert 8 <= n <= 32
    assert n == 32 or rows / 2 ** (8 * n) <= rate


def test_argument_checks():
    with pytest.raises(ValueError):
        BlindIndex(b"short", name="n")
    with pytest.raises(ValueError):
        BlindIndex(ROOT, name="")
    with pytest.raises(ValueError):
        BlindIndex(ROOT, name="n", versions=())
    with pytest.raises(ValueError):
        BlindIndex(ROOT, name="n", versions=(256,))
    with pytest.raises(ValueError):
        BlindIndex(ROOT, name="n", digest_size=4)


def test_repr_has_no_key():
    index = BlindIndex(ROOT, name="subject.email")
    text = repr(index)
    assert "subject.email" in text
    assert ROOT.hex() not in text
    assert repr(ROOT) not in text
