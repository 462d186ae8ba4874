"""Per-subject, versioned data keys: created on first use, cached briefly, shredded on erasure.

Every data subject gets their own data keys (versions 1, 2, ...), so destroying them
makes every copy of that subject's ciphertext unreadable at once: crypto-shredding, the
storage side of the right to erasure (Art. 17) and of data protection by design
(Art. 25). Data keys are stored only wrapped by a :class:`KeyProvider`, through the
store's :class:`~gdprkit.storage.keys.KeyStore` aggregate.
"""

from __future__ import annotations

import datetime as dt
import hmac
import os
import sys
import threading
import time
import weakref
from collections import OrderedDict
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

import attrs
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gdprkit.clock import Clock, SystemClock, to_utc
from gdprkit.crypto._token import header_for, invalid_token, key_id_of, length_prefixed
from gdprkit.errors import ConflictError, CryptoError, KeyProviderError, SubjectErasedError
from gdprkit.storage.keys import KeyStore, KeyTombstone, WrappedKey, subject_key_owner

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from gdprkit.crypto._provider import KeyProvider

__all__ = ["Keyring", "RewrapProgress", "ShredReceipt"]

_K = TypeVar("_K")
_K_contra = TypeVar("_K_contra", contravariant=True)
_DATA_KEY_LABEL = b"gdprkit/data-key/v1"
_KEY_ID_ATTEMPTS = 16
_SUBJECT_PREFIX = subject_key_owner("")
# The sweeper visits a keyring this many times per cache_ttl, so a cached key lives
# between 7/8 of the TTL and the whole TTL.
_SWEEPS_PER_TTL = 8
# Shorter TTLs would wake the sweeper too often; they are checked on every call instead.
_MIN_SWEPT_TTL = 0.1
# The sweeper wakes at least this often, so it notices soon that no keyring is left.
_MAX_SWEEPER_SLEEP = 1.0
_BOOTTIME: int | None = getattr(time, "CLOCK_BOOTTIME", None)


@attrs.frozen(kw_only=True)
class ShredReceipt:
    """What crypto-shredding destroyed, for the audit log; holds no key material.

    Attributes:
        owner: Whose keys were destroyed (``subject:<id>`` for a data subject).
        key_ids: The destroyed keys' ids, ascending.
        versions: The destroyed key versions, ascending.
        at: When, UTC.
        reason: Why, without personal data (e.g. ``"erasure request"``).
    """

    owner: str
    key_ids: tuple[int, ...]
    versions: tuple[int, ...]
    at: dt.datetime
    reason: str


@attrs.frozen(kw_only=True)
class RewrapProgress:
    """How far a key-encryption-key rotation got; pass ``last_key_id`` back to resume.

    Attributes:
        rewrapped: Data keys re-wrapped by this call.
        last_key_id: The highest key id handled so far (the resume cursor), or ``None``.
        done: Whether no key is left under the old KEK version.
    """

    rewrapped: int
    last_key_id: int | None
    done: bool


class _DataKey:
    """An unwrapped data key in the cache: an AEAD object, never the raw bytes."""

    __slots__ = (
        "aead",
        "expires",
        "header",
        "key_id",
        "owner",
        "used",
        "used_current",
        "version",
    )

    def __init__(
        self, *, aead: AESGCM, key_id: int, owner: str, version: int, expires: float
    ) -> None:
        self.aead = aead
        self.key_id = key_id
        self.owner = owner
        self.version = version
        self.header = header_for(key_id)
        self.expires = expires
        # Reference bits of the CLOCK approximation of LRU, one per cache; set on insert.
        self.used = True
        self.used_current = True

    def __repr__(self) -> str:
        return f"<data key {self.key_id} of {self.owner!r} v{self.version}>"


def _wrap_aad(owner: str, version: int, key_id: int) -> bytes:
    return length_prefixed(
        _DATA_KEY_LABEL, owner.encode(), version.to_bytes(4, "big"), key_id.to_bytes(4, "big")
    )


def _trim(cache: OrderedDict[_K, _DataKey], size: int, flag: str) -> None:
    """Evict down to *size* entries, least recently used first (the CLOCK algorithm).

    A hit only sets the entry's reference bit (cheaper than reordering on every
    value); eviction gives a referenced entry a second chance at the back.
    """
    while len(cache) > size:
        key, entry = cache.popitem(last=False)
        if getattr(entry, flag):
            setattr(entry, flag, False)
            cache[key] = entry


def _slot(subject_id: str | None) -> str | None:
    return None if subject_id is None else subject_key_owner(subject_id)


def _system_seconds() -> float:
    """Seconds on a clock that wall-clock corrections do not move.

    ``CLOCK_BOOTTIME`` where there is one, because it keeps counting while the machine
    is suspended (a key cached before a suspend must not outlive its TTL in real time);
    ``time.monotonic()`` elsewhere.
    """
    if _BOOTTIME is None:
        return time.monotonic()
    return time.clock_gettime(_BOOTTIME)


def _seconds_of(clock: Clock) -> Callable[[], float]:
    """Return the time source of the cache expiry for *clock*, in seconds."""
    if type(clock) is SystemClock:
        return _system_seconds
    return lambda: clock.now().timestamp()


class _Lookup(Protocol[_K_contra]):
    """What the cipher's hot paths need of a cache: ``cache[key]``, ``KeyError`` if absent."""

    def __getitem__(self, key: _K_contra, /) -> _DataKey: ...


class _Unexpired(Generic[_K]):
    """A view of a cache that treats expired entries as absent, by reading the clock.

    Used for keyrings the sweeper does not serve (an injected clock such as
    ``FixedClock``, or a TTL too short to sweep): expiry then follows that clock exactly,
    one clock read per call.
    """

    __slots__ = ("_cache", "_seconds")

    def __init__(self, cache: OrderedDict[_K, _DataKey], seconds: Callable[[], float]) -> None:
        self._cache = cache
        self._seconds = seconds

    def __getitem__(self, key: _K, /) -> _DataKey:
        entry = self._cache[key]
        if entry.expires > self._seconds():
            return entry
        raise KeyError


class _Sweeper:
    """One daemon thread that evicts expired keys from every keyring on the system clock.

    It replaces a clock read on every encryption and decryption: for these keyrings the
    hot paths only look keys up, and whatever is in the cache may be used. Each keyring
    is swept every ``cache_ttl / 8`` and loses the entries that would expire before its
    next sweep, so no entry outlives its expiry unless the thread itself runs late.

    The thread holds keyrings weakly and ends once none is left. A keyring asks for it
    (:meth:`watch`) before it caches a key, so there is no cached key without a running
    sweeper; a forked child (which has no threads but the forking one) starts with empty
    caches and a sweeper of its own on first use.
    """

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._keyrings: weakref.WeakSet[Keyring] = weakref.WeakSet()

    @property
    def running(self) -> bool:
        """Whether the sweeper thread is running (for tests)."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    def watch(self, keyring: Keyring) -> bool:
        """Sweep *keyring* from now on; start the thread if needed. ``False``: it cannot run.

        A thread cannot start while the interpreter shuts down, for instance.
        """
        with self._lock:
            if keyring not in self._keyrings:
                self._keyrings.add(keyring)
                self._wake.set()  # its sweep may be due sooner than the thread's next wake
            if self._thread is None:
                thread = threading.Thread(
                    target=self._run, name="gdprkit-keyring-sweeper", daemon=True
                )
                try:
                    thread.start()
                except RuntimeError:
                    return False
                self._thread = thread
            return True

    def _run(self) -> None:
        try:
            while (due := self._pass()) is not None:
                self._wake.wait(min(due - _system_seconds(), _MAX_SWEEPER_SLEEP))
        finally:
            with self._lock:
                if self._thread is threading.current_thread():
                    self._thread = None

    def _pass(self) -> float | None:
        """Sweep every keyring that is due; return when the next one is, ``None`` to stop."""
        with self._lock:
            keyrings = list(self._keyrings)
            if not keyrings:
                self._thread = None
                return None
            self._wake.clear()
        now = _system_seconds()
        return min(keyring._sweep(now) for keyring in keyrings)  # noqa: SLF001

    def after_fork_in_child(self) -> None:
        """Forget the parent's thread and locks; empty the caches the thread was sweeping."""
        keyrings = list(self._keyrings)
        self._reset()
        for keyring in keyrings:
            keyring._forget_after_fork()  # noqa: SLF001


_SWEEPER = _Sweeper()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_SWEEPER.after_fork_in_child)


def _evict_expired(cache: OrderedDict[_K, _DataKey], horizon: float) -> None:
    for key in [key for key, entry in cache.items() if entry.expires <= horizon]:
        del cache[key]


class Keyring:
    """Per-subject versioned data keys, wrapped in a store, with a bounded unwrapped cache.

    A subject's first encryption creates their data key (version 1) with a random
    unique 32-bit key id, wraps it with the key provider and stores it. Data that
    belongs to no subject is encrypted under the keyring's own key (owner = *name*).

    Unwrapped keys are cached (least recently used out beyond *cache_size*) for at most
    *cache_ttl* after they were read from the store: another process that shreds a
    subject's keys makes them undecryptable here within that time at the latest; the
    process that shreds evicts at once. With :class:`~gdprkit.clock.SystemClock` (and a
    TTL of at least 0.1 s) a background thread evicts expired keys, so encryption and
    decryption read no clock; the bound then also allows for how late that thread runs
    (normally milliseconds, see ``docs/crypto.md``). With any other clock the expiry is
    checked against it on every call, exactly.

    Args:
        store: Where wrapped keys and tombstones live.
        provider: The key-encryption key.
        clock: Source of "now" for key timestamps and the cache time-to-live.
        name: The owner of keys for data that belongs to no subject.
        cache_size: How many unwrapped keys (and current-key entries) to keep.
        cache_ttl: How long an unwrapped key may be used without asking the store again.
    """

    def __init__(
        self,
        store: KeyStore,
        provider: KeyProvider,
        *,
        clock: Clock,
        name: str = "keyring:default",
        cache_size: int = 10_000,
        cache_ttl: dt.timedelta = dt.timedelta(minutes=5),
    ) -> None:
        if not name or name.startswith(_SUBJECT_PREFIX):
            raise ValueError(f"keyring name must be non-empty and not start with {_SUBJECT_PREFIX}")
        if cache_size < 1:
            raise ValueError("cache_size must be at least 1")
        if cache_ttl <= dt.timedelta(0):
            raise ValueError("cache_ttl must be positive")
        self._store = store
        self._provider = provider
        self._clock = clock
        self._name = name
        self._cache_size = cache_size
        self._ttl = cache_ttl.total_seconds()
        self._seconds = _seconds_of(clock)
        # Whether the sweeper thread enforces the TTL (else every cache read checks it).
        self._swept = type(clock) is SystemClock and self._ttl >= _MIN_SWEPT_TTL
        self._next_sweep = 0.0
        self._lock = threading.RLock()
        # Current key by FieldContext.key_owner (None: the keyring's own key);
        # any key by token header (suite byte + key id).
        self._current: OrderedDict[str | None, _DataKey] = OrderedDict()
        self._by_header: OrderedDict[bytes, _DataKey] = OrderedDict()

    @property
    def name(self) -> str:
        """The owner of the keyring's own key (data that belongs to no subject)."""
        return self._name

    def owner_of(self, subject_id: str | None) -> str:
        """Return the key owner for *subject_id*, or the keyring's name for ``None``."""
        return self._name if subject_id is None else subject_key_owner(subject_id)

    def __repr__(self) -> str:
        return (
            f"Keyring(name={self._name!r}, provider={self._provider!r}, "
            f"cached={len(self._by_header)}, cache_size={self._cache_size}, "
            f"cache_ttl={self._ttl:g}s)"
        )

    # -- cache ------------------------------------------------------------------

    def _lookups(self) -> tuple[_Lookup[str | None], _Lookup[bytes]]:
        """The current-key and by-header caches as the cipher's hot paths read them.

        The caches themselves when the sweeper evicts expired entries, else views that
        check each entry's expiry against the clock.
        """
        if self._swept:
            return self._current, self._by_header
        return _Unexpired(self._current, self._seconds), _Unexpired(self._by_header, self._seconds)

    def _remember(self, entry: _DataKey, *, current: bool) -> None:
        # First, so that no key is ever cached without a sweeper; without one the caller
        # uses the key for this one operation and nothing is cached.
        if self._swept and not _SWEEPER.watch(self):
            return
        with self._lock:
            self._by_header[entry.header] = entry
            self._by_header.move_to_end(entry.header)
            _trim(self._by_header, self._cache_size, "used")
            if current:
                slot = None if entry.owner == self._name else sys.intern(entry.owner)
                self._current[slot] = entry
                self._current.move_to_end(slot)
                _trim(self._current, self._cache_size, "used_current")

    def _sweep(self, now: float) -> float:
        """Evict the entries that expire before the next sweep is due; return when it is.

        Evicting ahead (up to one interval early) is what keeps every entry within its
        expiry while the hot paths never look at the clock.
        """
        if now >= self._next_sweep:
            horizon = now + self._ttl / _SWEEPS_PER_TTL
            with self._lock:
                _evict_expired(self._current, horizon)
                _evict_expired(self._by_header, horizon)
            self._next_sweep = horizon
        return self._next_sweep

    def _forget_after_fork(self) -> None:
        # In a forked child: a lock held by a parent thread would never be released,
        # and the cached keys have no sweeper until the next one is cached.
        self._lock = threading.RLock()
        self._clear()
        self._next_sweep = 0.0

    def evict(self, subject_id: str | None) -> None:
        """Drop every cached key of *subject_id* (``None``: the keyring's own key)."""
        self._evict_owner(self.owner_of(subject_id))

    def clear_cache(self) -> None:
        """Drop every cached key."""
        with self._lock:
            self._clear()

    def _clear(self) -> None:
        self._current.clear()
        self._by_header.clear()

    def _evict_owner(self, owner: str) -> None:
        self._evict_owners({owner})

    def _evict_owners(self, owners: Collection[str]) -> None:
        with self._lock:
            for owner in owners:
                self._current.pop(None if owner == self._name else owner, None)
            for header in [h for h, e in self._by_header.items() if e.owner in owners]:
                del self._by_header[header]

    # -- loading and creating ---------------------------------------------------

    def _load(self, key: WrappedKey) -> _DataKey:
        if key.kek_id != self._provider.kek_id:
            raise KeyProviderError(f"data key {key.key_id} is wrapped by an unknown KEK")
        raw = self._provider.unwrap(
            key.wrapped,
            version=key.kek_version,
            associated_data=_wrap_aad(key.owner, key.version, key.key_id),
        )
        return _DataKey(
            aead=AESGCM(raw),
            key_id=key.key_id,
            owner=key.owner,
            version=key.version,
            expires=self._seconds() + self._ttl,
        )

    def _create(self, owner: str, version: int) -> _DataKey | None:
        """Create and store a new key version; ``None`` if another writer made it first."""
        store = self._store
        for _ in range(_KEY_ID_ATTEMPTS):
            key_id = int.from_bytes(os.urandom(4), "big")
            raw = AESGCM.generate_key(bit_length=256)
            kek_version, wrapped = self._provider.wrap(
                raw, associated_data=_wrap_aad(owner, version, key_id)
            )
            record = WrappedKey(
                owner=owner,
                version=version,
                key_id=key_id,
                kek_id=self._provider.kek_id,
                kek_version=kek_version,
                wrapped=wrapped,
                created_at=to_utc(self._clock.now(), what="Clock.now()"),
            )
            try:
                store.add_wrapped_key(record)
            except ConflictError:
                if any(k.version == version for k in store.wrapped_keys_of(owner)):
                    return None
                continue  # the random key id collided with a live or destroyed key
            return _DataKey(
                aead=AESGCM(raw),
                key_id=key_id,
                owner=owner,
                version=version,
                expires=self._seconds() + self._ttl,
            )
        raise ConflictError("could not allocate a unique data key id")

    def _current_key(self, slot: str | None) -> _DataKey:
        """Return the newest key of an owner (``None``: our own); version 1 on first use."""
        entry = self._current.get(slot)
        if entry is not None and entry.expires > self._seconds():
            return entry
        owner = self._name if slot is None else slot
        live = self._store.wrapped_keys_of(owner)
        created = None if live else self._create(owner, 1)
        if created is None:
            live = live or self._store.wrapped_keys_of(owner)
            created = self._load(live[-1])
        self._remember(created, current=True)
        return created

    def _new_version(self, owner: str) -> tuple[_DataKey, list[int]]:
        """Store a new key version for *owner*; return it and the versions it supersedes."""
        for _ in range(_KEY_ID_ATTEMPTS):
            older = [k.version for k in self._store.wrapped_keys_of(owner)]
            created = self._create(owner, max(older, default=0) + 1)
            if created is not None:
                self._remember(created, current=True)
                return created, older
        raise ConflictError("could not create a new data key version")

    def _resolve(self, token: bytes, slot: str | None, *, any_owner: bool = False) -> _DataKey:
        """Return the one key a token names; the slow path behind the cache.

        Raises:
            SubjectErasedError: the key id has a tombstone of the expected owner (of
                any owner with *any_owner*).
            CryptoError: anything else wrong with the token.
        """
        expected_owner = None if any_owner else (self._name if slot is None else slot)
        key_id = key_id_of(token)
        header = token[:5]
        entry = self._by_header.get(header)
        if entry is not None and entry.expires > self._seconds():
            if expected_owner is not None and entry.owner != expected_owner:
                raise invalid_token()
            return entry
        stored = self._store.get_wrapped_key(key_id)
        if stored is None:
            with self._lock:
                self._by_header.pop(header, None)
            tombstone = self._store.get_key_tombstone(key_id)
            if tombstone is not None and expected_owner in (None, tombstone.owner):
                raise SubjectErasedError("the data subject's keys were destroyed")
            raise invalid_token()
        if expected_owner is not None and stored.owner != expected_owner:
            raise invalid_token()
        entry = self._load(stored)
        self._remember(entry, current=False)
        return entry

    # -- public operations -------------------------------------------------------

    def current_version(self, subject_id: str | None) -> int:
        """Return the key version new values of *subject_id* are encrypted under."""
        return self._current_key(_slot(subject_id)).version

    def rotate(self, subject_id: str | None) -> int:
        """Make a new data key version for new writes; older versions stay readable.

        Values are re-encrypted lazily (:meth:`FieldCipher.reencrypt` on write) or in
        bulk; other processes pick the new version up within the cache time-to-live.

        Returns:
            The new version.
        """
        entry, _ = self._new_version(self.owner_of(subject_id))
        return entry.version

    def shred(
        self,
        subject_id: str,
        *,
        reason: str,
        versions: Collection[int] | None = None,
    ) -> ShredReceipt:
        """Destroy a subject's data keys (all versions unless given): crypto-shredding.

        Every copy of the subject's ciphertext under those keys becomes unreadable
        (Art. 17; unintelligible data, Art. 34(3)(a)); decryption then raises
        :class:`~gdprkit.errors.SubjectErasedError`. This process forgets the keys at
        once, others within the cache time-to-live. Backups keep their wrapped copies
        until the KEK version that wrapped them is retired (``docs/crypto.md``).
        """
        return self._destroy(subject_key_owner(subject_id), versions=versions, reason=reason)

    def shred_subjects(self, subject_ids: Collection[str], *, reason: str) -> list[KeyTombstone]:
        """Destroy every key of each of several subjects, as :meth:`shred` does for one.

        The retention engine's batch form: one store call for a whole batch of subjects
        whose last record went (Art. 17; Art. 5(1)(e)). Returns the tombstones the store
        left, ordered by owner and version: the durable proof of what was destroyed, and
        none for a subject that had no key. (:meth:`shred` returns a receipt for its one
        subject; a batch of a thousand would build a thousand receipts nobody reads.)
        """
        owners = {subject_key_owner(s) for s in subject_ids}
        at = to_utc(self._clock.now(), what="Clock.now()")
        try:
            tombstones = self._store.destroy_keys_of_owners(owners, at=at, reason=reason)
        finally:
            self._evict_owners(owners)
        return sorted(tombstones, key=lambda stone: (stone.owner, stone.version, stone.key_id))

    def _destroy(
        self, owner: str, *, versions: Collection[int] | None, reason: str
    ) -> ShredReceipt:
        at = to_utc(self._clock.now(), what="Clock.now()")
        try:
            tombstones = self._store.destroy_wrapped_keys(
                owner, versions=versions, at=at, reason=reason
            )
        finally:
            self._evict_owner(owner)
        return ShredReceipt(
            owner=owner,
            key_ids=tuple(sorted(t.key_id for t in tombstones)),
            versions=tuple(sorted(t.version for t in tombstones)),
            at=at,
            reason=reason,
        )

    def rewrap(
        self,
        *,
        from_version: int,
        batch_size: int = 100,
        after_key_id: int | None = None,
        max_batches: int | None = None,
    ) -> RewrapProgress:
        """Re-wrap data keys from an old KEK version under the current one.

        The data is not touched. Each re-wrapped key is unwrapped again and compared
        with the original before it replaces the stored wrapping, so a faulty provider
        cannot destroy a key. Work goes in batches by ascending key id; after an
        interruption call again (with the last ``last_key_id``, or from the start:
        keys already moved are no longer listed under the old version).

        Once no key is left under *from_version* and every backup older than the
        backup-retention window is gone, retire that KEK version; only then does
        shredding reach backups.

        Raises:
            ValueError: *from_version* is the current version.
            KeyProviderError: a re-wrap did not verify; nothing was written for that key.
        """
        provider = self._provider
        if from_version == provider.current_version:
            raise ValueError("from_version is already the current KEK version")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        cursor, count, batches = after_key_id, 0, 0
        while max_batches is None or batches < max_batches:
            page = self._store.wrapped_keys_by_kek(
                provider.kek_id, from_version, after_key_id=cursor, limit=batch_size
            )
            for key in page:
                self._store.replace_wrapped_key(self._rewrapped(key))
                count += 1
                cursor = key.key_id
            batches += 1
            if len(page) < batch_size:
                return RewrapProgress(rewrapped=count, last_key_id=cursor, done=True)
        return RewrapProgress(rewrapped=count, last_key_id=cursor, done=False)

    def _rewrapped(self, key: WrappedKey) -> WrappedKey:
        provider = self._provider
        aad = _wrap_aad(key.owner, key.version, key.key_id)
        raw = provider.unwrap(key.wrapped, version=key.kek_version, associated_data=aad)
        version, wrapped = provider.wrap(raw, associated_data=aad)
        try:
            check = provider.unwrap(wrapped, version=version, associated_data=aad)
        except CryptoError:
            check = b""
        if version == key.kek_version or not hmac.compare_digest(check, raw):
            raise KeyProviderError(f"re-wrapping data key {key.key_id} did not verify")
        return attrs.evolve(key, kek_id=provider.kek_id, kek_version=version, wrapped=wrapped)
