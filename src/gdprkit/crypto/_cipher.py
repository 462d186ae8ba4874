"""``FieldCipher``: encrypt one field value, bound to its record, category and subject.

The safe recipe: AES-256-GCM with a fresh random 96-bit nonce per value, the field's
context as associated data, the key picked by the :class:`Keyring` and named in the
token. Encryption of personal data as a security measure is Art. 32(1)(a); data
encrypted this way is unintelligible to anyone without the keys (Art. 34(3)(a)).
"""

from __future__ import annotations

from os import urandom as _urandom
from typing import TYPE_CHECKING

import attrs
from cryptography.exceptions import InvalidTag

from gdprkit.crypto._token import FieldContext, invalid_token
from gdprkit.storage.keys import subject_key_owner

if TYPE_CHECKING:
    from collections.abc import Iterable

    from gdprkit.crypto._keyring import Keyring, ShredReceipt, _DataKey

__all__ = ["FieldCipher", "SubjectErasure"]


def _count(tokens: tuple[bytes, ...]) -> str:
    return f"<{len(tokens)} tokens>"


@attrs.frozen(kw_only=True)
class SubjectErasure:
    """The outcome of erasing a subject, fully or partially.

    Attributes:
        receipt: What was destroyed, for the audit log.
        kept: The kept values' new tokens, in the order they were given; the caller
            writes them in place of the old ones (in the same transaction).
        kept_version: The key version the kept values are now under, or ``None``
            when nothing was kept.
    """

    receipt: ShredReceipt
    kept: tuple[bytes, ...] = attrs.field(repr=_count)
    kept_version: int | None


class FieldCipher:
    """Encrypts and decrypts field values under per-subject keys.

    Tokens are ``suite (1) | key id (4) | nonce (12) | ciphertext | tag (16)``; the
    associated data is the field's :class:`FieldContext` plus the token header, never
    stored in the token. Every failure to decrypt (tampering, wrong key, a token moved
    to another record, category or subject, truncation, garbage) raises one
    :class:`~gdprkit.errors.CryptoError` that does not say which; a token whose key was
    destroyed raises :class:`~gdprkit.errors.SubjectErasedError`, known from the key
    tombstone.

    Args:
        keyring: Where the data keys come from.
    """

    def __init__(self, keyring: Keyring) -> None:
        self._keyring = keyring
        # The hot paths read the keyring's caches directly: one lookup per call, and no
        # clock read when the keyring's sweeper enforces the TTL.
        self._current, self._by_header = keyring._lookups()  # noqa: SLF001

    @property
    def keyring(self) -> Keyring:
        """The keyring the cipher takes its keys from."""
        return self._keyring

    def __repr__(self) -> str:
        return f"FieldCipher(keyring={self._keyring!r})"

    def encrypt(self, plaintext: bytes, context: FieldContext) -> bytes:
        """Encrypt *plaintext* for *context* under the owner's current key; return the token."""
        try:
            entry = self._current[context.key_owner]
        except KeyError:
            entry = self._keyring._current_key(context.key_owner)  # noqa: SLF001
        entry.used_current = True
        nonce = _urandom(12)
        return entry.header + nonce + entry.aead.encrypt(nonce, plaintext, context.aad)

    def decrypt(self, token: bytes, context: FieldContext) -> bytes:
        """Decrypt a token for the context the caller says it belongs to.

        Raises:
            SubjectErasedError: the token's key was destroyed (the subject was erased).
            CryptoError: the token cannot be decrypted for this context, for any reason.
        """
        try:
            entry = self._by_header[token[:5]]
            entry.used = True
            return entry.aead.decrypt(token[5:17], token[17:], context.aad)
        except InvalidTag:
            raise invalid_token() from None
        except (KeyError, TypeError, ValueError):
            pass  # not cached, not bytes, or too short: the slow path sorts it out
        entry = self._keyring._resolve(token, context.key_owner)  # noqa: SLF001
        try:
            return entry.aead.decrypt(token[5:17], token[17:], context.aad)
        except (InvalidTag, TypeError, ValueError):
            raise invalid_token() from None

    def _seal(self, entry: _DataKey, plaintext: bytes, context: FieldContext) -> bytes:
        nonce = _urandom(12)
        return entry.header + nonce + entry.aead.encrypt(nonce, plaintext, context.aad)

    def needs_reencryption(self, token: bytes) -> bool:
        """Whether *token* is under an older key version than its owner's current one.

        For lazy re-encryption after :meth:`Keyring.rotate`: on write, if this is true,
        store :meth:`reencrypt`'s result instead.

        Raises:
            SubjectErasedError: the token's key was destroyed.
            CryptoError: the token is malformed or names no key.
        """
        entry = self._keyring._resolve(token, None, any_owner=True)  # noqa: SLF001
        owner = None if entry.owner == self._keyring.name else entry.owner
        return entry.key_id != self._keyring._current_key(owner).key_id  # noqa: SLF001

    def reencrypt(self, token: bytes, context: FieldContext) -> bytes:
        """Return *token*'s value under the owner's current key (the token itself if it is)."""
        plaintext = self.decrypt(token, context)
        current = self._keyring._current_key(context.key_owner)  # noqa: SLF001
        if token[:5] == current.header:
            return token
        return self._seal(current, plaintext, context)

    def erase_subject(
        self,
        subject_id: str,
        *,
        reason: str,
        keep: Iterable[tuple[bytes, FieldContext]] = (),
    ) -> SubjectErasure:
        """Crypto-shred a subject (Art. 17), keeping only the values that must be kept.

        Without *keep*, every key version of the subject is destroyed. With *keep*
        (values a retention duty still requires, e.g. invoice fields under the
        Bookkeeping Act), the order is:

        1. decrypt every kept token (any failure raises before anything changes);
        2. create and store a new key version of the subject;
        3. re-encrypt the kept values under it;
        4. destroy every older version (tombstones, cache eviction).

        So a crash before step 4 leaves everything readable, and after it the kept
        values exist under the new key. Write the returned tokens in the same
        ``store.transaction()`` as this call, so the old tokens are never the only copy
        of a kept value once their key is gone.

        Raises:
            ValueError: a kept token's context is of another subject.
            SubjectErasedError, CryptoError: a kept token cannot be decrypted.
        """
        owner = subject_key_owner(subject_id)
        kept = list(keep)
        if any(context.subject_id != subject_id for _, context in kept):
            raise ValueError("every kept value must belong to the subject being erased")
        if not kept:
            return SubjectErasure(
                receipt=self._keyring.shred(subject_id, reason=reason), kept=(), kept_version=None
            )
        values = [self.decrypt(token, context) for token, context in kept]
        entry, older = self._keyring._new_version(owner)  # noqa: SLF001
        tokens = tuple(
            self._seal(entry, value, context)
            for value, (_, context) in zip(values, kept, strict=True)
        )
        receipt = self._keyring._destroy(owner, versions=older, reason=reason)  # noqa: SLF001
        self._keyring._remember(entry, current=True)  # noqa: SLF001
        return SubjectErasure(receipt=receipt, kept=tokens, kept_version=entry.version)
