"""Blind index: a keyed, truncated HMAC of a normalised value, to find rows without plaintext.

A field encrypted by :class:`~gdprkit.crypto.FieldCipher` cannot be searched: every
token is different. To look a subject up by e-mail, store beside the token a blind
index ``version (1) | HMAC-SHA256(index key, normalised value)[:n]`` and query by the
same computation.

What it leaks, to anyone who can read the stored digests (a database or backup):

* **equality**: two rows with the same digest (almost surely) hold the same value;
* **frequency**: how often each (unknown) value occurs, which for skewed data such as
  e-mail domains or first names can hint at the value;
* **nothing more without the key**: a dictionary attack (hash every known e-mail
  address and compare) needs the root key; with it, a blind index is as good as
  plaintext for guessable values. Keep the root key apart from the database, like a KEK.

Truncation (:func:`safe_digest_size`) keeps false positives rare for the expected number
of rows; callers always decrypt the candidates and compare. It does not hide
equality. Data protection by design (Art. 25) favours storing no index at all; use one
only where a lookup by the value is needed. When a subject is erased (Art. 17), the
store or service deletes their index entries with the record: the digest is derived
from personal data and is itself personal data.

Each index has its own key, derived by HKDF-SHA256 from the root key with
``info = "gdprkit/blind-index/v1" | name | version`` (length-prefixed), so digests
from two indexes never match and rotating an index to a new version gives new
digests; during a rotation query :meth:`BlindIndex.lookups`, which returns one digest
per live version.
"""

from __future__ import annotations

import math
import unicodedata
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from gdprkit.crypto._token import length_prefixed

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = ["BlindIndex", "normalize_email", "normalize_text", "safe_digest_size"]

_INFO_LABEL = b"gdprkit/blind-index/v1"
_MIN_ROOT_KEY = 32
_MAX_DIGEST = 32


def normalize_text(value: str) -> str:
    """Normalise free text for comparison: Unicode NFKC, case folding, trimmed, single spaces.

    NFKC makes compatibility forms equal (full-width letters, ligatures), case
    folding makes ``"Straße"`` equal ``"STRASSE"``; NFKC is applied again after
    folding, which can denormalise.
    """
    folded = unicodedata.normalize("NFKC", value).casefold()
    return " ".join(unicodedata.normalize("NFKC", folded).split())


def normalize_email(value: str) -> str:
    """Normalise an e-mail address: strip surrounding whitespace, Unicode NFKC, case folding.

    The local part is folded too: strictly it is case-sensitive (RFC 5321), but no
    common mail system treats it so, and users type addresses in any case. Nothing else
    is rewritten (no removal of dots or ``+tags``), because that is provider-specific.
    """
    folded = unicodedata.normalize("NFKC", value.strip()).casefold()
    return unicodedata.normalize("NFKC", folded)


def safe_digest_size(
    expected_rows: int,
    false_positive_rate: float = 1e-6,
    *,
    floor: int = 8,
) -> int:
    """Return how many digest bytes keep false positives below a rate, at least *floor*.

    A lookup of a value not in the index matches one of *expected_rows* random
    ``8n``-bit digests with probability about ``rows / 2**(8n)``; so
    ``n = ceil(log2(rows / rate) / 8)``, raised to *floor* and capped at 32 (the full
    HMAC-SHA256). For a million rows and a rate of one in a million: 8 bytes.

    Args:
        expected_rows: How many rows the index will hold (plan for growth).
        false_positive_rate: The acceptable chance that a lookup returns a wrong row.
        floor: The least number of bytes to use whatever the numbers say.
    """
    if expected_rows < 1:
        raise ValueError("expected_rows must be at least 1")
    if not 0 < false_positive_rate < 1:
        raise ValueError("false_positive_rate must be between 0 and 1")
    if not 1 <= floor <= _MAX_DIGEST:
        raise ValueError(f"floor must be between 1 and {_MAX_DIGEST}")
    bits = math.log2(expected_rows / false_positive_rate)
    return min(_MAX_DIGEST, max(floor, math.ceil(bits / 8)))


class BlindIndex:
    """A named, versioned blind index over one kind of value (e.g. e-mail addresses).

    Args:
        root_key: At least 32 secret random bytes; each index key is derived from it.
        name: The index name (e.g. ``"subject.email"``); part of the key derivation.
        versions: The live versions (1..255); the highest one writes new digests.
        digest_size: Bytes of HMAC kept (see :func:`safe_digest_size`), 8..32.
        normalize: Applied to every value first; :func:`normalize_text` by default.
    """

    def __init__(
        self,
        root_key: bytes,
        *,
        name: str,
        versions: Iterable[int] = (1,),
        digest_size: int = 16,
        normalize: Callable[[str], str] = normalize_text,
    ) -> None:
        if not isinstance(root_key, bytes) or len(root_key) < _MIN_ROOT_KEY:
            raise ValueError(f"root_key must be at least {_MIN_ROOT_KEY} bytes")
        if not name:
            raise ValueError("a blind index needs a name")
        live = sorted(set(versions), reverse=True)
        if not live or any(not 1 <= v <= 255 for v in live):  # noqa: PLR2004 - one version byte
            raise ValueError("versions must be between 1 and 255")
        if not 8 <= digest_size <= _MAX_DIGEST:  # noqa: PLR2004 - the documented floor
            raise ValueError(f"digest_size must be between 8 and {_MAX_DIGEST}")
        self._name = name
        self._size = digest_size
        self._normalize = normalize
        self._versions = tuple(live)
        self._macs = {v: self._derive(root_key, name, v) for v in live}

    @staticmethod
    def _derive(root_key: bytes, name: str, version: int) -> crypto_hmac.HMAC:
        info = length_prefixed(_INFO_LABEL, name.encode("utf-8"), bytes((version,)))
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(root_key)
        return crypto_hmac.HMAC(key, hashes.SHA256())

    @property
    def name(self) -> str:
        """The index name."""
        return self._name

    @property
    def current_version(self) -> int:
        """The version :meth:`digest` writes."""
        return self._versions[0]

    @property
    def digest_size(self) -> int:
        """Bytes of HMAC kept after the version byte."""
        return self._size

    def _compute(self, version: int, value: str) -> bytes:
        mac = self._macs[version].copy()
        mac.update(self._normalize(value).encode("utf-8"))
        return bytes((version,)) + mac.finalize()[: self._size]

    def digest(self, value: str) -> bytes:
        """Return the digest to store: ``version byte | truncated HMAC`` of the normalised value."""
        return self._compute(self.current_version, value)

    def lookups(self, value: str) -> tuple[bytes, ...]:
        """Return the digest under every live version, current first, to query during rotation."""
        return tuple(self._compute(v, value) for v in self._versions)

    def __repr__(self) -> str:
        return (
            f"BlindIndex(name={self._name!r}, versions={list(self._versions)}, "
            f"digest_size={self._size})"
        )
