import datetime as dt
import os

import attrs
import pytest

from gdprkit.crypto import FieldCipher, FieldContext, Keyring, LocalKeyProvider
from gdprkit.errors import ConflictError, CryptoError, KeyProviderError, SubjectErasedError
from gdprkit.storage.keys import subject_key_owner


def ctx(record="r-1", category="email", subject="s-1"):
    return FieldContext(record_id=record, category_id=category, subject_id=subject)


def test_shred_destroys_every_version_and_returns_receipt(cipher, keyring, store, clock):
    t1 = cipher.encrypt(b"v1", ctx())
    keyring.rotate("s-1")
    t2 = cipher.encrypt(b"v2", ctx())
    receipt = keyring.shred("s-1", reason="erasure request")
    assert receipt.owner == subject_key_owner("s-1")
    assert receipt.versions == (1, 2)
    assert len(receipt.key_ids) == 2
    assert receipt.at == clock.now()
    assert receipt.reason == "erasure request"
    assert store.wrapped_keys_of(subject_key_owner("s-1")) == []
    for token in (t1, t2):
        with pytest.raises(SubjectErasedError):
            cipher.decrypt(token, ctx())
    assert store.get_key_tombstone(receipt.key_ids[0]) is not None


def test_erase_subject_without_keep_shreds_everything(cipher):
    token = cipher.encrypt(b"v", ctx())
    result = cipher.erase_subject("s-1", reason="erasure request")
    assert result.kept == ()
    assert result.kept_version is None
    assert result.receipt.versions == (1,)
    with pytest.raises(SubjectErasedError):
        cipher.decrypt(token, ctx())


def test_partial_erasure_keeps_exactly_the_kept_fields(cipher, store):
    fields = {
        ("invoice-1", "name"): b"Ada Lovelace",
        ("invoice-1", "address"): b"1 Analytical Way",
        ("profile-1", "email"): b"ada@example.org",
        ("profile-1", "phone"): b"+46 70 000 00 00",
    }
    tokens = {k: cipher.encrypt(v, ctx(record=k[0], category=k[1])) for k, v in fields.items()}
    keep = [k for k in fields if k[0] == "invoice-1"]
    result = cipher.erase_subject(
        "s-1",
        reason="erasure request; bookkeeping retention",
        keep=[(tokens[k], ctx(record=k[0], category=k[1])) for k in keep],
    )
    assert result.kept_version == 2
    assert result.receipt.versions == (1,)
    for k, new in zip(keep, result.kept, strict=True):
        assert cipher.decrypt(new, ctx(record=k[0], category=k[1])) == fields[k]
    for k, token in tokens.items():
        with pytest.raises(SubjectErasedError):
            cipher.decrypt(token, ctx(record=k[0], category=k[1]))
    live = store.wrapped_keys_of(subject_key_owner("s-1"))
    assert [k.version for k in live] == [2]


def test_partial_erasure_survives_in_another_keyring(cipher, store, provider, clock):
    token = cipher.encrypt(b"keep me", ctx(record="inv"))
    drop = cipher.encrypt(b"drop me", ctx(record="prof"))
    result = cipher.erase_subject("s-1", reason="r", keep=[(token, ctx(record="inv"))])
    fresh = FieldCipher(Keyring(store, provider, clock=clock))
    assert fresh.decrypt(result.kept[0], ctx(record="inv")) == b"keep me"
    with pytest.raises(SubjectErasedError):
        fresh.decrypt(drop, ctx(record="prof"))


def test_partial_erasure_refuses_before_destroying_anything(cipher, store):
    good = cipher.encrypt(b"keep", ctx())
    bad = good[:-1] + bytes([good[-1] ^ 1])
    with pytest.raises(CryptoError):
        cipher.erase_subject("s-1", reason="r", keep=[(good, ctx()), (bad, ctx())])
    with pytest.raises(ValueError):
        cipher.erase_subject("s-1", reason="r", keep=[(good, ctx(subject="s-2"))])
    assert [k.version for k in store.wrapped_keys_of(subject_key_owner("s-1"))] == [1]
    assert cipher.decrypt(good, ctx()) == b"keep"


def test_partial_erasure_in_a_transaction_rolls_back(cipher, store):
    token = cipher.encrypt(b"keep", ctx())

    class CrashError(Exception):
        pass

    def erase_then_crash():
        with store.transaction():
            cipher.erase_subject("s-1", reason="r", keep=[(token, ctx())])
            raise CrashError

    with pytest.raises(CrashError):
        erase_then_crash()
    cipher.keyring.clear_cache()
    assert [k.version for k in store.wrapped_keys_of(subject_key_owner("s-1"))] == [1]
    assert cipher.decrypt(token, ctx()) == b"keep"


def test_data_key_rotation_and_lazy_reencryption(cipher, keyring):
    old = cipher.encrypt(b"value", ctx())
    assert not cipher.needs_reencryption(old)
    assert keyring.current_version("s-1") == 1
    assert keyring.rotate("s-1") == 2
    assert keyring.current_version("s-1") == 2
    assert cipher.needs_reencryption(old)
    assert cipher.decrypt(old, ctx()) == b"value"
    new = cipher.reencrypt(old, ctx())
    assert new != old
    assert not cipher.needs_reencryption(new)
    assert cipher.decrypt(new, ctx()) == b"value"
    assert cipher.reencrypt(new, ctx()) is new
    fresh = cipher.encrypt(b"x", ctx())
    assert fresh[1:5] == new[1:5]


def test_rotation_of_the_keyring_own_key(cipher, keyring):
    context = FieldContext(record_id="cfg", category_id="secret")
    old = cipher.encrypt(b"v", context)
    keyring.rotate(None)
    assert cipher.needs_reencryption(old)
    assert cipher.decrypt(cipher.reencrypt(old, context), context) == b"v"


def test_needs_reencryption_of_erased_or_garbage(cipher, keyring):
    token = cipher.encrypt(b"v", ctx())
    with pytest.raises(CryptoError):
        cipher.needs_reencryption(b"garbage")
    keyring.shred("s-1", reason="r")
    with pytest.raises(SubjectErasedError):
        cipher.needs_reencryption(token)


def _populate(cipher, n):
    return [(cipher.encrypt(f"v{i}".encode(), ctx(subject=f"s-{i}")), i) for i in range(n)]


def test_kek_rotation_rewraps_everything_and_tokens_still_decrypt(store, clock, kek_bytes):
    v1 = LocalKeyProvider(kek_bytes, kek_id="test")
    cipher = FieldCipher(Keyring(store, v1, clock=clock))
    tokens = _populate(cipher, 25)
    keys_before = {
        k.key_id: k for k in store.wrapped_keys_by_kek("test", 1, after_key_id=None, limit=1000)
    }
    kek2 = os.urandom(32)
    v2 = LocalKeyProvider({**kek_bytes, 2: kek2}, kek_id="test")
    rotating = Keyring(store, v2, clock=clock)
    progress = rotating.rewrap(from_version=1, batch_size=7)
    assert progress.done
    assert progress.rewrapped == 25
    assert store.wrapped_keys_by_kek("test", 1, after_key_id=None, limit=1000) == []
    after = store.wrapped_keys_by_kek("test", 2, after_key_id=None, limit=1000)
    assert {k.key_id for k in after} == set(keys_before)
    for k in after:
        assert k.wrapped != keys_before[k.key_id].wrapped
        assert (k.owner, k.version) == (keys_before[k.key_id].owner, keys_before[k.key_id].version)
    # Version 1 retired: only version 2 is loaded, and every old token still decrypts.
    retired = FieldCipher(Keyring(store, LocalKeyProvider({2: kek2}, kek_id="test"), clock=clock))
    for token, i in tokens:
        assert retired.decrypt(token, ctx(subject=f"s-{i}")) == f"v{i}".encode()


def test_retired_kek_version_makes_unrotated_keys_unavailable(store, clock, cipher):
    token = cipher.encrypt(b"v", ctx())
    only_v2 = FieldCipher(
        Keyring(store, LocalKeyProvider({2: os.urandom(32)}, kek_id="test"), clock=clock)
    )
    with pytest.raises(KeyProviderError) as info:
        only_v2.decrypt(token, ctx())
    assert "version 1" in str(info.value)


class _FlakyStore:
    """Wraps a store and fails the n-th replace_wrapped_key, like a crash mid-rotation."""

    def __init__(self, store, fail_at):
        self._store = store
        self._fail_at = fail_at
        self.replaced = 0

    def __getattr__(self, name):
        return getattr(self._store, name)

    def replace_wrapped_key(self, key):
        if self.replaced == self._fail_at:
            raise RuntimeError("simulated crash")
        self.replaced += 1
        self._store.replace_wrapped_key(key)


def test_kek_rotation_resumes_after_interruption(store, clock, kek_bytes):
    cipher = FieldCipher(Keyring(store, LocalKeyProvider(kek_bytes, kek_id="test"), clock=clock))
    tokens = _populate(cipher, 30)
    v2 = LocalKeyProvider({**kek_bytes, 2: os.urandom(32)}, kek_id="test")
    flaky = _FlakyStore(store, fail_at=11)
    with pytest.raises(RuntimeError):
        Keyring(flaky, v2, clock=clock).rewrap(from_version=1, batch_size=4)
    assert len(store.wrapped_keys_by_kek("test", 2, after_key_id=None, limit=100)) == 11
    # Resume in bounded steps, as a job runner would, passing the cursor on.
    rotating = Keyring(store, v2, clock=clock)
    progress = rotating.rewrap(from_version=1, batch_size=4, max_batches=2)
    assert not progress.done
    assert progress.rewrapped == 8
    total = 11 + progress.rewrapped
    while not progress.done:
        progress = rotating.rewrap(
            from_version=1, batch_size=4, after_key_id=progress.last_key_id, max_batches=1
        )
        total += progress.rewrapped
    assert total == 30
    assert store.wrapped_keys_by_kek("test", 1, after_key_id=None, limit=100) == []
    reader = FieldCipher(Keyring(store, v2, clock=clock))
    for token, i in tokens:
        assert reader.decrypt(token, ctx(subject=f"s-{i}")) == f"v{i}".encode()


class _LyingProvider:
    """Returns a wrapping that does not unwrap to the same key."""

    def __init__(self, inner):
        self._inner = inner
        self.kek_id = inner.kek_id
        self.current_version = inner.current_version

    def wrap(self, key, *, associated_data):  # noqa: ARG002 - it ignores the key on purpose
        return self._inner.wrap(bytes(32), associated_data=associated_data)

    def unwrap(self, wrapped, *, version, associated_data):
        return self._inner.unwrap(wrapped, version=version, associated_data=associated_data)


def test_kek_rotation_verifies_before_writing(store, clock, kek_bytes):
    cipher = FieldCipher(Keyring(store, LocalKeyProvider(kek_bytes, kek_id="test"), clock=clock))
    token = cipher.encrypt(b"v", ctx())
    before = store.wrapped_keys_of(subject_key_owner("s-1"))
    liar = _LyingProvider(LocalKeyProvider({**kek_bytes, 2: os.urandom(32)}, kek_id="test"))
    with pytest.raises(KeyProviderError):
        Keyring(store, liar, clock=clock).rewrap(from_version=1)
    assert store.wrapped_keys_of(subject_key_owner("s-1")) == before
    cipher.keyring.clear_cache()
    assert cipher.decrypt(token, ctx()) == b"v"


def test_rewrap_argument_checks(keyring):
    with pytest.raises(ValueError):
        keyring.rewrap(from_version=1)
    with pytest.raises(ValueError):
        keyring.rewrap(from_version=0, batch_size=0)


def test_wrapped_key_moved_to_another_owner_does_not_unwrap(cipher, store, keyring):
    cipher.encrypt(b"a", ctx(subject="s-1"))
    token_b = cipher.encrypt(b"b", ctx(subject="s-2"))
    (ka,) = store.wrapped_keys_of(subject_key_owner("s-1"))
    (kb,) = store.wrapped_keys_of(subject_key_owner("s-2"))
    store.replace_wrapped_key(attrs.evolve(kb, wrapped=ka.wrapped))
    keyring.clear_cache()
    with pytest.raises(CryptoError):
        cipher.decrypt(token_b, ctx(subject="s-2"))


def test_key_id_collision_is_retried(store, provider, clock, monkeypatch):
    keyring = Keyring(store, provider, clock=clock)
    cipher = FieldCipher(keyring)
    cipher.encrypt(b"v", ctx(subject="s-1"))
    (taken,) = store.wrapped_keys_of(subject_key_owner("s-1"))
    ids = iter(
        [taken.key_id.to_bytes(4, "big"), taken.key_id.to_bytes(4, "big"), b"\x00\x00\x00\x07"]
    )
    real = os.urandom
    monkeypatch.setattr(
        "gdprkit.crypto._keyring.os.urandom", lambda n: next(ids) if n == 4 else real(n)
    )
    cipher.encrypt(b"v", ctx(subject="s-2"))
    (k2,) = store.wrapped_keys_of(subject_key_owner("s-2"))
    assert k2.key_id == 7


def test_key_id_space_exhaustion_raises_conflict(store, provider, clock, monkeypatch):
    cipher = FieldCipher(Keyring(store, provider, clock=clock))
    cipher.encrypt(b"v", ctx(subject="s-1"))
    (taken,) = store.wrapped_keys_of(subject_key_owner("s-1"))
    real = os.urandom
    monkeypatch.setattr(
        "gdprkit.crypto._keyring.os.urandom",
        lambda n: taken.key_id.to_bytes(4, "big") if n == 4 else real(n),
    )
    with pytest.raises(ConflictError):
        cipher.encrypt(b"v", ctx(subject="s-2"))


def test_concurrent_first_use_converges_on_one_key(store, provider, clock):
    a = FieldCipher(Keyring(store, provider, clock=clock))
    b = FieldCipher(Keyring(store, provider, clock=clock))
    # b creates the key after a looked and found none: a's insert conflicts and adopts b's.
    real = store.wrapped_keys_of
    calls = []

    def racing(owner):
        result = real(owner)
        if not calls:
            calls.append(owner)
            b.encrypt(b"first", ctx())
        return result

    store.wrapped_keys_of = racing
    token = a.encrypt(b"second", ctx())
    store.wrapped_keys_of = real
    assert [k.version for k in store.wrapped_keys_of(subject_key_owner("s-1"))] == [1]
    assert b.decrypt(token, ctx()) == b"second"


def test_ttl_reload_picks_up_rotation_elsewhere(store, provider, clock):
    ttl = dt.timedelta(seconds=10)
    a = FieldCipher(Keyring(store, provider, clock=clock, cache_ttl=ttl))
    b = FieldCipher(Keyring(store, provider, clock=clock, cache_ttl=ttl))
    first = a.encrypt(b"v", ctx())
    b.keyring.rotate("s-1")
    assert a.encrypt(b"v", ctx())[1:5] == first[1:5]
    clock.advance(dt.timedelta(seconds=11))
    assert a.encrypt(b"v", ctx())[1:5] != first[1:5]
