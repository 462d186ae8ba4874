"""Storage: the ``Store`` protocol, its value types and the built-in backends.

Import the backends from their modules (:mod:`gdprkit.storage.memory`,
:mod:`gdprkit.storage.sqlite`) or from here.
"""

from gdprkit.storage.keys import KeyStore, KeyTombstone, WrappedKey, subject_key_owner
from gdprkit.storage.memory import MemoryStore

__all__ = [
    "KeyStore",
    "KeyTombstone",
    "MemoryStore",
    "WrappedKey",
    "subject_key_owner",
]
