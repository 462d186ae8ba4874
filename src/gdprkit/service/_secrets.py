"""The service's own secrets: the audit key and the blind-index root key.

Both are derived with HKDF from one random root secret that is stored in the store
wrapped by the key provider, exactly like a data key (owner :data:`ROOT_OWNER`). So
an application configures one key-encryption key and nothing else, every instance of
the service derives the same keys, and key-encryption-key rotation re-wraps the root
secret with everything else (:meth:`gdprkit.crypto.Keyring.rewrap`).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import attrs
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from gdprkit.clock import to_utc
from gdprkit.crypto._keyring import _wrap_aad
from gdprkit.errors import ConflictError, KeyProviderError, NotFoundError
from gdprkit.storage.keys import WrappedKey

if TYPE_CHECKING:
    from gdprkit.clock import Clock
    from gdprkit.crypto import KeyProvider
    from gdprkit.storage.keys import KeyStore

ROOT_OWNER = "gdprkit:service-root"
"""The owner under which the wrapped root secret is stored."""

_ATTEMPTS = 8


@attrs.frozen
class ServiceSecrets:
    """Keys derived from the root secret; never shown in a repr."""

    audit_key: bytes = attrs.field(repr=False)
    index_key: bytes = attrs.field(repr=False)


def _derive(root: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(root)


def _unwrap(key: WrappedKey, provider: KeyProvider) -> bytes:
    if key.kek_id != provider.kek_id:
        raise KeyProviderError("the service root secret is wrapped by an unknown KEK")
    return provider.unwrap(
        key.wrapped,
        version=key.kek_version,
        associated_data=_wrap_aad(key.owner, key.version, key.key_id),
    )


def stored_root_keys(store: KeyStore, provider: KeyProvider, *labels: bytes) -> tuple[bytes, ...]:
    """Derive keys for *labels* from the root secret a service has already stored.

    For components built beside a :class:`~gdprkit.service.PrivacyService` (e.g. the
    unsubscribe links), so every key of the service comes from the one root secret.

    Raises:
        NotFoundError: no root secret is stored yet (construct the service first).
    """
    stored = store.wrapped_keys_of(ROOT_OWNER)
    if not stored:
        raise NotFoundError("the service root secret is not stored yet; create the service first")
    root = _unwrap(stored[0], provider)
    return tuple(_derive(root, label) for label in labels)


def load_secrets(store: KeyStore, provider: KeyProvider, clock: Clock) -> ServiceSecrets:
    """Return the service's derived keys, creating the root secret on first use.

    Two processes starting at once on an empty store race on version 1; the loser
    reads the winner's secret, so both derive the same keys.
    """
    for _ in range(_ATTEMPTS):
        stored = store.wrapped_keys_of(ROOT_OWNER)
        if stored:
            root = _unwrap(stored[0], provider)
            break
        root = os.urandom(32)
        key_id = int.from_bytes(os.urandom(4), "big")
        kek_version, wrapped = provider.wrap(root, associated_data=_wrap_aad(ROOT_OWNER, 1, key_id))
        try:
            store.add_wrapped_key(
                WrappedKey(
                    owner=ROOT_OWNER,
                    version=1,
                    key_id=key_id,
                    kek_id=provider.kek_id,
                    kek_version=kek_version,
                    wrapped=wrapped,
                    created_at=to_utc(clock.now(), what="Clock.now()"),
                )
            )
        except ConflictError:
            continue
        break
    else:
        raise ConflictError("could not store the service root secret")
    return ServiceSecrets(
        audit_key=_derive(root, b"gdprkit/audit/v1"),
        index_key=_derive(root, b"gdprkit/blind-index/v1"),
    )
