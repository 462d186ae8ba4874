import datetime as dt
import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gdprkit.crypto import (
    TOKEN_OVERHEAD,
    FieldCipher,
    FieldContext,
    Keyring,
    LocalKeyProvider,
)
from gdprkit.errors import CryptoError, SubjectErasedError
from gdprkit.storage.keys import subject_key_owner


def ctx(record="r-1", category="email", subject="s-1"):
    return FieldContext(record_id=record, category_id=category, subject_id=subject)


@pytest.mark.parametrize("value", [b"", b"a", b"ada@example.org", os.urandom(1000)])
def test_round_trip(cipher, value):
    token = cipher.encrypt(value, ctx())
    assert len(token) == len(value) + TOKEN_OVERHEAD == len(value) + 33
    assert cipher.decrypt(token, ctx()) == value


def test_token_layout(cipher, store):
    token = cipher.encrypt(b"hello", ctx())
    (key,) = store.wrapped_keys_of(subject_key_owner("s-1"))
    assert token[0] == 0x01
    assert int.from_bytes(token[1:5], "big") == key.key_id
    assert len(token[5:17]) == 12
    assert b"hello" not in token


def test_token_does_not_contain_context(cipher):
    context = ctx(record="record-xyz", category="category-abc", subject="subject-def")
    token = cipher.encrypt(b"v", context)
    for part in (b"record-xyz", b"category-abc", b"subject-def"):
        assert part not in token


def test_same_plaintext_gives_different_tokens(cipher):
    assert cipher.encrypt(b"same", ctx()) != cipher.encrypt(b"same", ctx())


def test_every_single_bit_flip_is_rejected(cipher):
    token = cipher.encrypt(b"ada@example.org", ctx())
    for bit in range(len(token) * 8):
        tampered = bytearray(token)
        tampered[bit // 8] ^= 1 << (bit % 8)
        with pytest.raises(CryptoError) as info:
            cipher.decrypt(bytes(tampered), ctx())
        assert type(info.value) is CryptoError
        assert str(info.value) == "invalid token"


@pytest.mark.parametrize(
    "moved",
    [
        ctx(record="r-2"),
        ctx(category="phone"),
        ctx(subject="s-2"),
        FieldContext(record_id="r-1", category_id="email", subject_id=None),
    ],
    ids=["record", "category", "subject", "no-subject"],
)
def test_token_moved_to_another_context_is_rejected(cipher, moved):
    token = cipher.encrypt(b"ada@example.org", ctx())
    cipher.encrypt(b"other", moved)  # the other owner has keys too
    with pytest.raises(CryptoError) as info:
        cipher.decrypt(token, moved)
    assert type(info.value) is CryptoError
    assert cipher.decrypt(token, ctx()) == b"ada@example.org"


def test_token_moved_to_another_subject_fails_even_without_cache(cipher, keyring):
    token = cipher.encrypt(b"x", ctx())
    keyring.clear_cache()
    with pytest.raises(CryptoError) as info:
        cipher.decrypt(token, ctx(subject="s-2"))
    assert type(info.value) is CryptoError


def test_wrong_key_is_rejected(cipher, keyring):
    token = cipher.encrypt(b"secret", ctx())
    other = AESGCM(AESGCM.generate_key(bit_length=256))
    keyring._by_header[token[:5]].aead = other
    with pytest.raises(CryptoError) as info:
        cipher.decrypt(token, ctx())
    assert type(info.value) is CryptoError


def test_other_keyring_with_other_kek_cannot_unwrap(store, clock, cipher):
    token = cipher.encrypt(b"secret", ctx())
    intruder = FieldCipher(
        Keyring(store, LocalKeyProvider({1: os.urandom(32)}, kek_id="test"), clock=clock)
    )
    with pytest.raises(CryptoError):
        intruder.decrypt(token, ctx())


def test_unknown_key_id_is_rejected(cipher):
    token = cipher.encrypt(b"secret", ctx())
    forged = token[:1] + bytes(4) + token[5:]
    with pytest.raises(CryptoError) as info:
        cipher.decrypt(forged, ctx())
    assert type(info.value) is CryptoError


@pytest.mark.parametrize(
    "garbage",
    [b"", b"\x01", b"\x01" + bytes(31), b"\x02" + bytes(40), bytes(100), "gk1.AAAA", None, 42],
)
def test_garbage_is_rejected_with_the_one_error(cipher, garbage):
    cipher.encrypt(b"x", ctx())
    with pytest.raises(CryptoError) as info:
        cipher.decrypt(garbage, ctx())
    assert type(info.value) is CryptoError
    assert str(info.value) == "invalid token"


def test_every_truncation_is_rejected(cipher):
    token = cipher.encrypt(b"ada@example.org", ctx())
    for n in range(len(token)):
        with pytest.raises(CryptoError) as info:
            cipher.decrypt(token[:n], ctx())
        assert type(info.value) is CryptoError
    with pytest.raises(CryptoError):
        cipher.decrypt(token + b"\x00", ctx())


def test_erased_subject_is_reported(cipher, keyring):
    token = cipher.encrypt(b"ada@example.org", ctx())
    other = cipher.encrypt(b"bob@example.org", ctx(subject="s-2"))
    keyring.shred("s-1", reason="erasure request")
    with pytest.raises(SubjectErasedError):
        cipher.decrypt(token, ctx())
    assert cipher.decrypt(other, ctx(subject="s-2")) == b"bob@example.org"


def test_erased_token_moved_to_live_subject_is_not_reported_as_erased(cipher, keyring):
    token = cipher.encrypt(b"ada@example.org", ctx())
    cipher.encrypt(b"bob", ctx(subject="s-2"))
    keyring.shred("s-1", reason="erasure request")
    with pytest.raises(CryptoError) as info:
        cipher.decrypt(token, ctx(subject="s-2"))
    assert type(info.value) is CryptoError


def test_nonces_are_unique(cipher):
    nonces = {cipher.encrypt(b"v", ctx())[5:17] for _ in range(20_000)}
    assert len(nonces) == 20_000


def test_data_without_subject_uses_the_keyring_key(cipher, store, keyring):
    context = FieldContext(record_id="cfg", category_id="secret")
    token = cipher.encrypt(b"value", context)
    assert cipher.decrypt(token, context) == b"value"
    (key,) = store.wrapped_keys_of(keyring.name)
    assert int.from_bytes(token[1:5], "big") == key.key_id


def test_key_created_once_per_subject(cipher, store, keyring):
    for _ in range(5):
        cipher.encrypt(b"v", ctx())
    keyring.clear_cache()
    cipher.encrypt(b"v", ctx())
    assert [k.version for k in store.wrapped_keys_of(subject_key_owner("s-1"))] == [1]


def test_second_keyring_on_same_store_reads_tokens(store, provider, clock, cipher):
    token = cipher.encrypt(b"shared", ctx())
    other = FieldCipher(Keyring(store, provider, clock=clock))
    assert other.decrypt(token, ctx()) == b"shared"


def test_cache_is_bounded(store, provider, clock):
    keyring = Keyring(store, provider, clock=clock, cache_size=3)
    cipher = FieldCipher(keyring)
    tokens = [(cipher.encrypt(b"v", ctx(subject=f"s-{i}")), i) for i in range(10)]
    assert len(keyring._by_header) <= 3
    assert len(keyring._current) <= 3
    for token, i in tokens:
        assert cipher.decrypt(token, ctx(subject=f"s-{i}")) == b"v"


def test_cache_ttl_makes_erasure_visible_to_another_keyring(store, provider, clock):
    ttl = dt.timedelta(seconds=30)
    a = FieldCipher(Keyring(store, provider, clock=clock, cache_ttl=ttl))
    b = FieldCipher(Keyring(store, provider, clock=clock, cache_ttl=ttl))
    token = a.encrypt(b"ada", ctx())
    assert b.decrypt(token, ctx()) == b"ada"
    a.keyring.shred("s-1", reason="erasure request")
    with pytest.raises(SubjectErasedError):
        a.decrypt(token, ctx())
    clock.advance(dt.timedelta(seconds=29))
    assert b.decrypt(token, ctx()) == b"ada"  # still cached: the bounded window
    clock.advance(dt.timedelta(seconds=2))
    with pytest.raises(SubjectErasedError):
        b.decrypt(token, ctx())


def test_context_validation():
    with pytest.raises(TypeError):
        FieldContext(record_id="", category_id="c", subject_id="s")
    with pytest.raises(TypeError):
        FieldContext(record_id="r", category_id=b"c", subject_id="s")
    with pytest.raises(ValueError):
        FieldContext(record_id="r" * 2000, category_id="c", subject_id="s")


def test_aad_is_unambiguous():
    a = FieldContext(record_id="ab", category_id="c", subject_id="s")
    b = FieldContext(record_id="a", category_id="bc", subject_id="s")
    c = FieldContext(record_id="ab", category_id="c", subject_id=None)
    assert len({a.aad, b.aad, c.aad}) == 3
    assert a == FieldContext(record_id="ab", category_id="c", subject_id="s")


def test_keyring_name_cannot_be_a_subject_owner(store, provider, clock):
    with pytest.raises(ValueError):
        Keyring(store, provider, clock=clock, name="subject:x")


def test_cache_evicts_least_recently_used(store, provider, clock):
    keyring = Keyring(store, provider, clock=clock, cache_size=3)
    cipher = FieldCipher(keyring)
    tokens = {i: cipher.encrypt(b"v", ctx(subject=f"s-{i}")) for i in range(3)}
    keyring.clear_cache()
    for i in range(3):
        cipher.decrypt(tokens[i], ctx(subject=f"s-{i}"))
    for entry in keyring._by_header.values():
        entry.used = False
    cipher.decrypt(tokens[0], ctx(subject="s-0"))  # s-0 is the oldest but just used
    cipher.encrypt(b"v", ctx(subject="s-9"))  # loads a fourth key: one must go
    cached = {e.owner for e in keyring._by_header.values()}
    assert "subject:s-0" in cached
    assert "subject:s-1" not in cached
    assert len(cached) == 3


def test_shred_subjects_returns_the_tombstones_by_owner_and_version(cipher, keyring, store):
    token = cipher.encrypt(b"ada@example.org", ctx(subject="s-2"))
    keyring.rotate("s-2")
    cipher.encrypt(b"bob@example.org", ctx(subject="s-3"))
    cipher.encrypt(b"eve@example.org", ctx(subject="s-0"))
    stones = keyring.shred_subjects(["s-2", "s-1", "s-0", "s-2"], reason="retention")
    assert [(s.owner, s.version) for s in stones] == [
        ("subject:s-0", 1),
        ("subject:s-2", 1),
        ("subject:s-2", 2),
    ]  # none for s-1, which had no key
    assert {s.reason for s in stones} == {"retention"}
    assert all(store.get_key_tombstone(s.key_id) == s for s in stones)
    with pytest.raises(SubjectErasedError):
        cipher.decrypt(token, ctx(subject="s-2"))
    assert cipher.decrypt(cipher.encrypt(b"x", ctx(subject="s-3")), ctx(subject="s-3")) == b"x"
