"""The in-memory store: the executable specification of the ``Store`` protocol.

Every other backend must behave exactly like this one; the conformance suite in
:mod:`gdprkit.testing` and a state-machine test hold them to it. It keeps nothing
after the process ends, so it suits tests, demos and dry runs.

Transactions work by snapshot: the outermost :meth:`MemoryStore.transaction` takes a
shallow copy of every table (the stored values are immutable), and an exception
restores the copy. One re-entrant lock serialises transactions between threads.
"""

from __future__ import annotations

import contextlib
import copy
import threading
from typing import TYPE_CHECKING

import attrs

from gdprkit.clock import to_utc
from gdprkit.errors import ConflictError, NotFoundError, StorageError
from gdprkit.storage.keys import KeyTombstone, WrappedKey

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Collection, Iterator

__all__ = ["MemoryStore"]


@attrs.define
class _Tables:
    """Every table of the store; values are immutable, so a shallow copy is a snapshot."""

    keys: dict[int, WrappedKey] = attrs.Factory(dict)
    tombstones: dict[int, KeyTombstone] = attrs.Factory(dict)

    def snapshot(self) -> _Tables:
        return _Tables(
            **{name: copy.copy(value) for name, value in attrs.asdict(self, recurse=False).items()}
        )


class MemoryStore:
    """A store that keeps everything in process memory; the reference backend.

    Safe to share between threads of one process; not shared between processes.
    """

    supports_multiprocess = False

    def __init__(self) -> None:
        self._t = _Tables()
        self._lock = threading.RLock()
        self._depth = 0
        self._doomed = False

    def __repr__(self) -> str:
        return "MemoryStore()"

    # --- transactions -----------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block as one transaction; see :meth:`gdprkit.storage.Store.transaction`."""
        with self._lock:
            if self._depth == 0:
                saved = self._t.snapshot()
                self._doomed = False
            else:
                self._check_not_doomed()
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._t = saved
                    self._doomed = False
                else:
                    self._doomed = True
                raise
            self._depth -= 1
            if self._depth == 0:
                if self._doomed:
                    self._t = saved
                    self._doomed = False
                    raise StorageError(
                        "transaction rolled back: an inner transaction failed",
                    )
            elif self._doomed:
                raise StorageError("transaction rolled back: an inner transaction failed")

    def _check_not_doomed(self) -> None:
        if self._doomed:
            raise StorageError("transaction rolled back: an inner transaction failed")

    # --- keys ---------------------------------------------------------------------------

    def add_wrapped_key(self, key: WrappedKey) -> None:
        """Store a new key version; see :class:`gdprkit.storage.keys.KeyStore`."""
        key = attrs.evolve(key, created_at=to_utc(key.created_at, what="WrappedKey.created_at"))
        with self.transaction():
            t = self._t
            if key.key_id in t.keys or key.key_id in t.tombstones:
                raise ConflictError(f"key id {key.key_id} already used")
            if any(k.owner == key.owner and k.version == key.version for k in t.keys.values()):
                raise ConflictError(f"key version {key.version} of this owner already exists")
            t.keys[key.key_id] = key

    def replace_wrapped_key(self, key: WrappedKey) -> None:
        """Replace the wrapping of an existing key; see :class:`gdprkit.storage.keys.KeyStore`."""
        with self.transaction():
            old = self._t.keys.get(key.key_id)
            if old is None or (old.owner, old.version) != (key.owner, key.version):
                raise NotFoundError(f"no key with id {key.key_id} for this owner and version")
            self._t.keys[key.key_id] = attrs.evolve(
                old,
                kek_id=key.kek_id,
                kek_version=key.kek_version,
                wrapped=key.wrapped,
            )

    def get_wrapped_key(self, key_id: int) -> WrappedKey | None:
        """Return the key with this id, or ``None``."""
        with self.transaction():
            return self._t.keys.get(key_id)

    def wrapped_keys_of(self, owner: str) -> list[WrappedKey]:
        """Return every live key version of *owner*, oldest version first."""
        with self.transaction():
            return sorted(
                (k for k in self._t.keys.values() if k.owner == owner),
                key=lambda k: k.version,
            )

    def wrapped_keys_by_kek(
        self,
        kek_id: str,
        kek_version: int,
        *,
        after_key_id: int | None,
        limit: int,
    ) -> list[WrappedKey]:
        """Return up to *limit* keys wrapped by this KEK version, by ascending key_id."""
        with self.transaction():
            found = sorted(
                (
                    k
                    for k in self._t.keys.values()
                    if k.kek_id == kek_id
                    and k.kek_version == kek_version
                    and (after_key_id is None or k.key_id > after_key_id)
                ),
                key=lambda k: k.key_id,
            )
            return found[: max(limit, 0)]

    def destroy_wrapped_keys(
        self,
        owner: str,
        *,
        versions: Collection[int] | None,
        at: dt.datetime,
        reason: str,
    ) -> list[KeyTombstone]:
        """Delete the given versions of *owner*'s keys (all when ``None``) and tombstone them."""
        at = to_utc(at, what="destroy_wrapped_keys(at)")
        with self.transaction():
            doomed = [
                k for k in self.wrapped_keys_of(owner) if versions is None or k.version in versions
            ]
            stones = []
            for k in doomed:
                del self._t.keys[k.key_id]
                stone = KeyTombstone(
                    key_id=k.key_id,
                    owner=owner,
                    version=k.version,
                    destroyed_at=at,
                    reason=reason,
                )
                self._t.tombstones[k.key_id] = stone
                stones.append(stone)
            return stones

    def get_key_tombstone(self, key_id: int) -> KeyTombstone | None:
        """Return the tombstone of a destroyed key, or ``None``."""
        with self.transaction():
            return self._t.tombstones.get(key_id)
