"""The field token format, its text form and the associated-data encoding.

A token is what :class:`~gdprkit.crypto.FieldCipher` stores in place of a value::

    offset  size  field
    0       1     suite byte (0x01 = AES-256-GCM, 96-bit random nonce)
    1       4     key id, unsigned, big-endian
    5       12    nonce
    17      n     ciphertext (as long as the plaintext)
    17+n    16    GCM authentication tag

33 bytes of overhead per value. The context the value belongs to (record id, category
id, subject id) is *not* in the token: it goes into the associated data, rebuilt at
decryption from what the caller says the context is, so a token copied to another
record, category or subject fails authentication (Art. 32(1)(b) integrity).
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
import sys

import attrs

from gdprkit.errors import CryptoError
from gdprkit.storage.keys import subject_key_owner

__all__ = [
    "HEADER_SIZE",
    "MIN_TOKEN_SIZE",
    "NONCE_SIZE",
    "SUITE_AES256GCM",
    "TAG_SIZE",
    "TEXT_PREFIX",
    "TOKEN_OVERHEAD",
    "FieldContext",
    "field_aad",
    "header_for",
    "invalid_token",
    "key_id_of",
    "length_prefixed",
    "token_from_text",
    "token_to_text",
]

SUITE_AES256GCM = 0x01
"""The only suite so far: AES-256-GCM with a 96-bit nonce from ``os.urandom``."""

HEADER_SIZE = 5
NONCE_SIZE = 12
TAG_SIZE = 16
TOKEN_OVERHEAD = HEADER_SIZE + NONCE_SIZE + TAG_SIZE
"""Bytes a token adds to its plaintext: 33."""
MIN_TOKEN_SIZE = TOKEN_OVERHEAD

TEXT_PREFIX = "gk1."
"""Prefix of the text form: ``gk1.`` then the token in URL-safe base64 without padding."""

_FIELD_LABEL = b"gdprkit/field/v1"
_MAX_ID_BYTES = 1024
_U32 = struct.Struct(">I")
_B64_CHARS = re.compile(r"[A-Za-z0-9_-]*")
_INVALID = "invalid token"


def invalid_token() -> CryptoError:
    """Return the one error for every token that cannot be decrypted.

    The message is fixed: it never says whether the tag, the key, the context or the
    length was wrong, and never echoes input (an oracle and a leak otherwise).
    """
    return CryptoError(_INVALID)


def length_prefixed(*parts: bytes) -> bytes:
    """Encode byte strings unambiguously: each as a 4-byte big-endian length, then itself."""
    return b"".join(_U32.pack(len(part)) + part for part in parts)


_pack_u32 = _U32.pack
_AAD_HEAD = length_prefixed(_FIELD_LABEL) + bytes((SUITE_AES256GCM,))
"""The start of every field's associated data: ``lp(label) | suite``."""


def header_for(key_id: int) -> bytes:
    """Return the 5-byte token header (suite byte, key id) for a data key."""
    return bytes((SUITE_AES256GCM,)) + _U32.pack(key_id)


def key_id_of(token: bytes) -> int:
    """Return the key id of a well-formed token; raise the one error otherwise."""
    if not isinstance(token, bytes) or len(token) < MIN_TOKEN_SIZE or token[0] != SUITE_AES256GCM:
        raise invalid_token()
    key_id: int = _U32.unpack_from(token, 1)[0]
    return key_id


def _id_bytes(value: str, *, what: str) -> bytes:
    if not isinstance(value, str) or not value:
        raise TypeError(f"FieldContext.{what} must be a non-empty str")
    encoded = value.encode("utf-8")
    if len(encoded) > _MAX_ID_BYTES:
        raise ValueError(f"FieldContext.{what} is longer than {_MAX_ID_BYTES} bytes")
    return encoded


def field_aad(record_id: str, category_id: str, subject_id: str | None) -> bytes:
    """Return the associated data that binds a value to its context.

    Layout: ``lp(label) | suite | lp(record_id) | lp(category_id) | subject``, where
    ``lp`` is a 4-byte big-endian length then the UTF-8 bytes, the label is
    ``b"gdprkit/field/v1"`` (domain separation from every other use of the same key),
    ``suite`` is the suite byte ``0x01``, and ``subject`` is ``0x00`` for data that
    belongs to no subject or ``0x01 | lp(subject_id)``. The key id is not included:
    it selects the key, and any other key fails authentication anyway.
    """
    record = _id_bytes(record_id, what="record_id")
    category = _id_bytes(category_id, what="category_id")
    return b"".join(
        (
            _AAD_HEAD,
            _pack_u32(len(record)),
            record,
            _pack_u32(len(category)),
            category,
            _subject_aad(subject_id),
        )
    )


def _subject_aad(subject_id: str | None) -> bytes:
    """The subject's part of the associated data: ``0x00``, or ``0x01 | lp(subject_id)``."""
    if subject_id is None:
        return b"\x00"
    subject = _id_bytes(subject_id, what="subject_id")
    return b"\x01" + _pack_u32(len(subject)) + subject


@attrs.frozen(kw_only=True)
class FieldContext:
    """Where an encrypted value belongs: its record, data category and data subject.

    The context is bound into the associated data of every token, so a value cannot be
    moved to another record, category or subject without decryption failing. Build one
    per field and reuse it; the encoded associated data is computed once.

    Attributes:
        record_id: The record the value belongs to.
        category_id: The data category of the field (e.g. ``"email"``).
        subject_id: The data subject the value is about, whose keys encrypt it; ``None``
            for data that belongs to no subject (encrypted under the keyring's own key).
        aad: The associated data for this context (derived; see :func:`field_aad`).
        key_owner: The key owner of *subject_id*, ``None`` for the keyring's own key (derived).
    """

    record_id: str
    category_id: str
    subject_id: str | None = None
    aad: bytes = attrs.field(init=False, repr=False, eq=False, hash=False)
    key_owner: str | None = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        aad = field_aad(self.record_id, self.category_id, self.subject_id)
        object.__setattr__(self, "aad", aad)
        # Interned so the keyring's cache lookup matches by identity, touching less memory.
        owner = None if self.subject_id is None else sys.intern(subject_key_owner(self.subject_id))
        object.__setattr__(self, "key_owner", owner)


def token_to_text(token: bytes) -> str:
    """Return the text form of a token: ``gk1.`` + URL-safe base64 without padding.

    For columns and formats that hold text only (JSON, CSV exports). The text form
    carries exactly the token's bytes.
    """
    return TEXT_PREFIX + base64.urlsafe_b64encode(token).rstrip(b"=").decode("ascii")


def token_from_text(text: str) -> bytes:
    """Parse the text form strictly; raise the one :class:`CryptoError` for anything else.

    Only the canonical encoding is accepted (no padding, no whitespace, no stray
    characters, no non-zero trailing bits), so every token has one text form.
    """
    if not isinstance(text, str) or not text.startswith(TEXT_PREFIX):
        raise invalid_token()
    body = text[len(TEXT_PREFIX) :]
    if len(body) % 4 == 1 or not _B64_CHARS.fullmatch(body):
        raise invalid_token()
    try:
        token = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise invalid_token() from None
    if token_to_text(token) != text or len(token) < MIN_TOKEN_SIZE:
        raise invalid_token()
    return token
