import datetime as dt

import pytest

from gdprkit.errors import ConflictError, NotFoundError, StorageError
from gdprkit.storage import MemoryStore, WrappedKey

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _key(key_id, version=1, owner="subject:s1"):
    return WrappedKey(
        owner=owner,
        version=version,
        key_id=key_id,
        kek_id="k",
        kek_version=1,
        wrapped=b"w",
        created_at=T0,
    )


def test_keys_roundtrip_and_rollback():
    s = MemoryStore()
    s.add_wrapped_key(_key(1))
    with pytest.raises(ConflictError):
        s.add_wrapped_key(_key(1, version=2))
    with pytest.raises(RuntimeError), s.transaction():
        s.add_wrapped_key(_key(2, version=2))
        raise RuntimeError
    assert [k.key_id for k in s.wrapped_keys_of("subject:s1")] == [1]
    stones = s.destroy_wrapped_keys("subject:s1", versions=None, at=T0, reason="erasure")
    assert s.get_key_tombstone(1) == stones[0]
    with pytest.raises(NotFoundError):
        s.replace_wrapped_key(_key(1))
    with pytest.raises(StorageError), s.transaction():
        try:
            with s.transaction():
                s.add_wrapped_key(_key(3))
                raise KeyError
        except KeyError:
            pass
    assert s.get_wrapped_key(3) is None
