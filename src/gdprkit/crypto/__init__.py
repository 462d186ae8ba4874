"""Field-level encryption with per-subject keys and crypto-shredding.

The safe recipe layer: :class:`FieldCipher` encrypts one field value at a time with
AES-256-GCM, bound to its :class:`FieldContext` (record, data category, data subject);
:class:`Keyring` keeps each subject's versioned data keys, wrapped by a
:class:`KeyProvider`, and destroys them on erasure so every copy of the subject's
ciphertext becomes unreadable (Art. 17, Art. 32(1)(a), Art. 34(3)(a)). Dangerous
primitives such as the blind index live behind :mod:`gdprkit.crypto.hazmat`.

Example::

    from gdprkit.clock import SystemClock
    from gdprkit.crypto import FieldCipher, FieldContext, Keyring, LocalKeyProvider

    keyring = Keyring(store, LocalKeyProvider.from_env(), clock=SystemClock())
    cipher = FieldCipher(keyring)
    context = FieldContext(record_id="r-1", category_id="email", subject_id="s-1")
    token = cipher.encrypt(b"ada@example.org", context)
    assert cipher.decrypt(token, context) == b"ada@example.org"

See ``docs/crypto.md`` for the threat model, token format and runbooks.
"""

from gdprkit.crypto._cipher import FieldCipher, SubjectErasure
from gdprkit.crypto._keyring import Keyring, RewrapProgress, ShredReceipt
from gdprkit.crypto._provider import DEFAULT_KEK_ENV, KeyProvider, LocalKeyProvider, generate_kek
from gdprkit.crypto._token import (
    SUITE_AES256GCM,
    TOKEN_OVERHEAD,
    FieldContext,
    token_from_text,
    token_to_text,
)

__all__ = [
    "DEFAULT_KEK_ENV",
    "SUITE_AES256GCM",
    "TOKEN_OVERHEAD",
    "FieldCipher",
    "FieldContext",
    "KeyProvider",
    "Keyring",
    "LocalKeyProvider",
    "RewrapProgress",
    "ShredReceipt",
    "SubjectErasure",
    "generate_kek",
    "token_from_text",
    "token_to_text",
]
