"""Dangerous primitives: correct only when you understand what they give away.

Like ``cryptography.hazmat``, this door is visible on purpose. A blind index lets an
application find a subject by e-mail without storing the address in clear, but it
leaks equality and frequency of the indexed values; read
:mod:`gdprkit.crypto.hazmat.blind_index` and ``docs/crypto.md`` before using it.
"""

from gdprkit.crypto.hazmat.blind_index import (
    BlindIndex,
    normalize_email,
    normalize_text,
    safe_digest_size,
)

__all__ = ["BlindIndex", "normalize_email", "normalize_text", "safe_digest_size"]
