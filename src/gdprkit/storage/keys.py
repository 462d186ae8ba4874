"""The key aggregate of the store: wrapped per-subject data keys and key tombstones.

Data keys never reach storage in the clear: the crypto layer wraps each one under a
key-encryption key and stores only the wrapped bytes. Crypto-shredding (Art. 17)
destroys the wrapped keys of a subject and leaves a tombstone per destroyed key, so
a later decryption attempt can say "erased" instead of "invalid" without the token
itself revealing anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Protocol

import attrs

__all__ = ["KeyStore", "KeyTombstone", "WrappedKey", "subject_key_owner"]


def subject_key_owner(subject_id: str) -> str:
    """Return the key owner name under which a data subject's keys are stored."""
    return f"subject:{subject_id}"


@attrs.frozen(kw_only=True)
class WrappedKey:
    """One version of a data key, wrapped under a key-encryption key.

    Attributes:
        owner: Whose key it is: ``subject_key_owner(subject_id)`` for a data subject,
            or a keyring name for data that belongs to no subject.
        version: 1, 2, ... per owner; a new version is made by rotation or partial erasure.
        key_id: A 32-bit id carried in every token the key encrypted; unique in the store.
        kek_id: Which key-encryption key wrapped it.
        kek_version: Which version of that key-encryption key.
        wrapped: The wrapped key bytes (never the key itself).
        created_at: When the key was made, UTC.
    """

    owner: str
    version: int
    key_id: int
    kek_id: str
    kek_version: int
    wrapped: bytes = attrs.field(repr=lambda _: "<wrapped>")
    created_at: dt.datetime


@attrs.frozen(kw_only=True)
class KeyTombstone:
    """Proof that a data key was destroyed, kept so decryption can report "erased".

    Attributes:
        key_id: The destroyed key's id.
        owner: Whose key it was.
        version: The destroyed key's version.
        destroyed_at: When it was destroyed, UTC.
        reason: Why, without personal data (e.g. ``"erasure request"``).
    """

    key_id: int
    owner: str
    version: int
    destroyed_at: dt.datetime
    reason: str


class KeyStore(Protocol):
    """**Protocol:** the key aggregate every store provides.

    All methods take part in the store's current transaction when one is open.
    """

    def add_wrapped_key(self, key: WrappedKey) -> None:
        """Store a new key version.

        Raises:
            ConflictError: ``(owner, version)`` or ``key_id`` already exists, or
                ``key_id`` has a tombstone.
        """
        ...

    def replace_wrapped_key(self, key: WrappedKey) -> None:
        """Replace the wrapping of an existing key (same owner, version and key_id).

        Used by key-encryption-key rotation; only ``kek_id``, ``kek_version`` and
        ``wrapped`` change.

        Raises:
            NotFoundError: no such key.
        """
        ...

    def get_wrapped_key(self, key_id: int) -> WrappedKey | None:
        """Return the key with this id, or ``None``."""
        ...

    def wrapped_keys_of(self, owner: str) -> list[WrappedKey]:
        """Return every live key version of *owner*, oldest version first."""
        ...

    def wrapped_keys_by_kek(
        self,
        kek_id: str,
        kek_version: int,
        *,
        after_key_id: int | None,
        limit: int,
    ) -> list[WrappedKey]:
        """Return up to *limit* keys wrapped by this KEK version, by ascending key_id.

        Rotation pages through them with *after_key_id* so it can resume after a crash.
        """
        ...

    def destroy_wrapped_keys(
        self,
        owner: str,
        *,
        versions: Collection[int] | None,
        at: dt.datetime,
        reason: str,
    ) -> list[KeyTombstone]:
        """Delete the given versions of *owner*'s keys (all when ``None``) and tombstone them.

        Returns the tombstones written, one per destroyed key; destroying nothing is not
        an error.
        """
        ...

    def destroy_keys_of_owners(
        self, owners: Collection[str], *, at: dt.datetime, reason: str
    ) -> list[KeyTombstone]:
        """Destroy every key of every one of *owners*, as :meth:`destroy_wrapped_keys`.

        The retention engine's set-based form, one call per batch of subjects.
        """
        ...

    def get_key_tombstone(self, key_id: int) -> KeyTombstone | None:
        """Return the tombstone of a destroyed key, or ``None``."""
        ...
