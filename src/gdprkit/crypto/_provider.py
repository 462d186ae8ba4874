"""Key-encryption keys: the ``KeyProvider`` protocol and a local provider for development.

Data keys are stored only wrapped (encrypted) under a key-encryption key (KEK) that
lives outside the database: a stolen database or backup without the KEK yields
nothing readable (Art. 32(1)(a), Art. 34(3)(a)). In production the KEK should live in
a KMS or Vault transit engine; ``docs/crypto.md`` shows the adapter shape.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gdprkit.crypto._token import length_prefixed
from gdprkit.errors import CryptoError, KeyProviderError

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["DEFAULT_KEK_ENV", "KeyProvider", "LocalKeyProvider", "generate_kek"]

DEFAULT_KEK_ENV = "GDPRKIT_KEK"
"""The environment variable :meth:`LocalKeyProvider.from_env` reads by default."""

_KEK_SIZE = 32
_NONCE_SIZE = 12
_WRAP_LABEL = b"gdprkit/kek-wrap/v1"
_ENTRY = re.compile(r"\s*(\d{1,9})\s*:\s*([A-Za-z0-9_-]+=*)\s*")


@runtime_checkable
class KeyProvider(Protocol):
    """**Protocol:** wraps and unwraps data keys under a versioned key-encryption key.

    Implementations: :class:`LocalKeyProvider` for development, or an adapter for a
    cloud KMS or Vault transit (see ``docs/crypto.md``). The associated data binds a
    wrapped key to its owner, version and key id, so a wrapped key copied onto another
    row does not unwrap. Errors are :class:`~gdprkit.errors.KeyProviderError` when the
    KEK (version) is unavailable and :class:`~gdprkit.errors.CryptoError` when a
    wrapped key fails authentication; messages carry no key material.
    """

    @property
    def kek_id(self) -> str:
        """Name of the key-encryption key, stored beside every key it wraps."""
        ...

    @property
    def current_version(self) -> int:
        """The KEK version new wraps use."""
        ...

    def wrap(self, key: bytes, *, associated_data: bytes) -> tuple[int, bytes]:
        """Wrap *key* under the current KEK version; return ``(version, wrapped)``."""
        ...

    def unwrap(self, wrapped: bytes, *, version: int, associated_data: bytes) -> bytes:
        """Unwrap a key wrapped under KEK *version* with the same associated data."""
        ...


def generate_kek(version: int = 1) -> str:
    """Return a new random KEK entry ``"<version>:<base64url key>"`` for a KEK file or variable.

    Append the line to the KEK file (or the comma-separated variable) and restart; the
    highest version becomes current. Treat the output as a secret.
    """
    if version < 1:
        raise ValueError("KEK versions start at 1")
    key = base64.urlsafe_b64encode(os.urandom(_KEK_SIZE)).rstrip(b"=").decode("ascii")
    return f"{version}:{key}"


def _parse_entries(text: str, *, source: str) -> dict[int, bytes]:
    keys: dict[int, bytes] = {}
    for raw in re.split(r"[,\n]", text):
        line = raw.split("#", 1)[0]
        if not line.strip():
            continue
        match = _ENTRY.fullmatch(line)
        # The messages name the source and the entry number, never the entry itself.
        if match is None:
            raise KeyProviderError(f"{source}: malformed KEK entry #{len(keys) + 1}")
        version = int(match.group(1))
        body = match.group(2).rstrip("=")
        try:
            key = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except (binascii.Error, ValueError):
            raise KeyProviderError(f"{source}: KEK version {version} is not base64") from None
        if len(key) != _KEK_SIZE:
            raise KeyProviderError(f"{source}: KEK version {version} is not 32 bytes")
        if version in keys:
            raise KeyProviderError(f"{source}: KEK version {version} appears twice")
        keys[version] = key
    if not keys:
        raise KeyProviderError(f"{source}: no KEK entries")
    return keys


class LocalKeyProvider:
    """A key provider holding versioned 256-bit KEKs in process memory, for development.

    Keys come from an environment variable or a file, as entries ``<version>:<base64url
    key>`` separated by commas or newlines (``#`` starts a comment); make one with
    :func:`generate_kek`. Wrapping is AES-256-GCM with a random nonce, the associated
    data binding the KEK id and version to what the keyring passes (owner, data-key
    version, key id). A wrapped key is ``nonce (12) | ciphertext (32) | tag (16)``.

    Retiring a version (removing its entry once rotation re-wrapped everything) is what
    makes old backups' wrapped keys unreadable; see ``docs/crypto.md``.

    Args:
        keys: KEK bytes by version (each 32 bytes).
        kek_id: The name stored beside every wrapped key.
        current_version: The version new wraps use; the highest one by default.
    """

    def __init__(
        self,
        keys: Mapping[int, bytes],
        *,
        kek_id: str = "local",
        current_version: int | None = None,
    ) -> None:
        if not keys:
            raise KeyProviderError("LocalKeyProvider needs at least one KEK version")
        for version, key in keys.items():
            if not isinstance(version, int) or version < 1:
                raise KeyProviderError("KEK versions are integers from 1")
            if not isinstance(key, bytes) or len(key) != _KEK_SIZE:
                raise KeyProviderError(f"KEK version {version} is not 32 bytes")
        current = max(keys) if current_version is None else current_version
        if current not in keys:
            raise KeyProviderError(f"current KEK version {current} is not loaded")
        self._kek_id = kek_id
        self._current = current
        self._aeads = {version: AESGCM(key) for version, key in keys.items()}

    @classmethod
    def from_env(
        cls,
        variable: str = DEFAULT_KEK_ENV,
        *,
        kek_id: str = "local",
        environ: Mapping[str, str] | None = None,
    ) -> LocalKeyProvider:
        """Load KEKs from an environment variable (entries separated by commas)."""
        env = os.environ if environ is None else environ
        text = env.get(variable)
        if text is None:
            raise KeyProviderError(f"environment variable {variable} is not set")
        return cls(_parse_entries(text, source=f"${variable}"), kek_id=kek_id)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], *, kek_id: str = "local") -> LocalKeyProvider:
        """Load KEKs from a file, one entry per line."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise KeyProviderError(f"cannot read KEK file: {exc.strerror}") from None
        return cls(_parse_entries(text, source="KEK file"), kek_id=kek_id)

    @property
    def kek_id(self) -> str:
        """Name of this key-encryption key."""
        return self._kek_id

    @property
    def current_version(self) -> int:
        """The version new wraps use."""
        return self._current

    @property
    def versions(self) -> tuple[int, ...]:
        """Every loaded version, ascending."""
        return tuple(sorted(self._aeads))

    def _aad(self, version: int, associated_data: bytes) -> bytes:
        return length_prefixed(
            _WRAP_LABEL, self._kek_id.encode(), version.to_bytes(4, "big"), associated_data
        )

    def wrap(self, key: bytes, *, associated_data: bytes) -> tuple[int, bytes]:
        """Wrap *key* under the current version; return ``(version, wrapped)``."""
        version = self._current
        nonce = os.urandom(_NONCE_SIZE)
        sealed = self._aeads[version].encrypt(nonce, key, self._aad(version, associated_data))
        return version, nonce + sealed

    def unwrap(self, wrapped: bytes, *, version: int, associated_data: bytes) -> bytes:
        """Unwrap a key wrapped under *version*.

        Raises:
            KeyProviderError: the version is not loaded (e.g. retired).
            CryptoError: the wrapped key fails authentication.
        """
        aead = self._aeads.get(version)
        if aead is None:
            raise KeyProviderError(f"KEK {self._kek_id!r} version {version} is not available")
        if len(wrapped) <= _NONCE_SIZE:
            raise CryptoError("wrapped key cannot be unwrapped")
        try:
            return aead.decrypt(
                wrapped[:_NONCE_SIZE], wrapped[_NONCE_SIZE:], self._aad(version, associated_data)
            )
        except InvalidTag:
            raise CryptoError("wrapped key cannot be unwrapped") from None

    def __repr__(self) -> str:
        return (
            f"LocalKeyProvider(kek_id={self._kek_id!r}, versions={list(self.versions)}, "
            f"current_version={self._current})"
        )
