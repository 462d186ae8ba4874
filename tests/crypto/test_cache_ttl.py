"""The cache time-to-live on the system clock: enforced by the sweeper thread, not per call.

With ``SystemClock`` the hot paths read no clock; a background thread evicts keys before
they expire. These tests drive the sweep directly where the outcome must be exact, and
wait (briefly, with a generous deadline and no timing assertion) only to show that the
real thread does it on its own.
"""

import datetime as dt
import gc
import os
import time
import types

import pytest

from gdprkit.clock import SystemClock
from gdprkit.crypto import FieldCipher, FieldContext, Keyring, _keyring
from gdprkit.errors import SubjectErasedError
from gdprkit.storage.memory import MemoryStore

CONTEXT = FieldContext(record_id="r-1", category_id="email", subject_id="s-1")
DEADLINE = 10.0  # seconds; only ever reached when the sweeper does not work


def _system_cipher(store, provider, ttl):
    return FieldCipher(Keyring(store, provider, clock=SystemClock(), cache_ttl=ttl))


def _eventually(condition):
    """Poll *condition* until it holds or the deadline passes; return its last value."""
    end = time.monotonic() + DEADLINE
    while not condition() and time.monotonic() < end:
        time.sleep(0.005)
    return condition()


def test_system_clock_hot_paths_read_no_clock(provider):
    cipher = _system_cipher(MemoryStore(), provider, dt.timedelta(minutes=5))
    token = cipher.encrypt(b"ada", CONTEXT)
    reads = []
    cipher.keyring._seconds = lambda: reads.append(1) or 0.0
    for _ in range(50):
        assert cipher.decrypt(token, CONTEXT) == b"ada"
        cipher.encrypt(b"ada", CONTEXT)
    assert reads == []
    assert _keyring._SWEEPER.running


def test_injected_clock_is_read_on_every_cached_call(cipher, keyring):
    token = cipher.encrypt(b"ada", CONTEXT)
    reads = []
    real = keyring._seconds
    cipher._by_header._seconds = lambda: reads.append(1) or real()
    cipher.decrypt(token, CONTEXT)
    cipher.decrypt(token, CONTEXT)
    assert len(reads) == 2


def test_sweeps_evict_a_key_before_it_expires(store, provider, clock):
    """Erasure elsewhere takes effect here once the sweeps have passed the key's expiry."""
    ttl = dt.timedelta(seconds=60)
    interval = 60 / 8
    shredder = FieldCipher(Keyring(store, provider, clock=clock))
    reader = _system_cipher(store, provider, ttl)
    token = shredder.encrypt(b"ada", CONTEXT)
    assert reader.decrypt(token, CONTEXT) == b"ada"
    shredder.keyring.shred("s-1", reason="erasure request")
    keyring = reader.keyring
    (entry,) = keyring._by_header.values()
    assert entry.expires == pytest.approx(_keyring._system_seconds() + 60, abs=5)

    # On-time sweeps, one interval apart: the last one before the expiry evicts.
    first = entry.expires - 2 * interval - 0.001
    for now in (first, first + interval):
        assert keyring._sweep(now) == now + interval
        assert reader.decrypt(token, CONTEXT) == b"ada"  # cached: the bounded window
    keyring._sweep(first + 2 * interval)  # still 1 ms before the expiry
    assert not keyring._by_header
    assert not keyring._current
    with pytest.raises(SubjectErasedError):
        reader.decrypt(token, CONTEXT)


def test_sweep_is_skipped_until_due(provider):
    keyring = Keyring(
        MemoryStore(), provider, clock=SystemClock(), cache_ttl=dt.timedelta(seconds=80)
    )
    FieldCipher(keyring).encrypt(b"ada", CONTEXT)
    (entry,) = keyring._by_header.values()
    start = entry.expires - 30
    due = keyring._sweep(start)
    assert due == start + 10
    entry.expires = 0.0  # as if long expired: only a sweep that runs can tell
    assert keyring._sweep(due - 0.001) == due
    assert keyring._by_header
    keyring._sweep(due)
    assert not keyring._by_header


def test_sweeper_thread_makes_erasure_elsewhere_take_effect(store, provider, clock):
    shredder = FieldCipher(Keyring(store, provider, clock=clock))
    reader = _system_cipher(store, provider, dt.timedelta(seconds=0.2))
    token = shredder.encrypt(b"ada", CONTEXT)
    assert reader.decrypt(token, CONTEXT) == b"ada"
    assert reader.keyring._by_header
    shredder.keyring.shred("s-1", reason="erasure request")
    # No call is needed: the thread empties the cache by itself.
    assert _eventually(lambda: not reader.keyring._by_header and not reader.keyring._current)
    with pytest.raises(SubjectErasedError):
        reader.decrypt(token, CONTEXT)


def test_sweeper_thread_ends_when_no_keyring_is_left(provider, monkeypatch):
    sweeper = _keyring._Sweeper()  # this test's own, so no other test's keyring counts
    monkeypatch.setattr(_keyring, "_SWEEPER", sweeper)
    cipher = _system_cipher(MemoryStore(), provider, dt.timedelta(seconds=0.2))
    assert not sweeper.running
    cipher.encrypt(b"ada", CONTEXT)
    assert sweeper.running
    del cipher
    gc.collect()
    assert _eventually(lambda: not sweeper.running)
    # and starts again with the next key cached
    cipher = _system_cipher(MemoryStore(), provider, dt.timedelta(seconds=0.2))
    cipher.encrypt(b"ada", CONTEXT)
    assert sweeper.running


def test_without_a_sweeper_thread_nothing_is_cached(provider, monkeypatch):
    def refuse(_thread):
        raise RuntimeError("can't create new thread at interpreter shutdown")

    cipher = _system_cipher(MemoryStore(), provider, dt.timedelta(minutes=5))
    monkeypatch.setattr(_keyring, "_SWEEPER", _keyring._Sweeper())
    monkeypatch.setattr(_keyring.threading.Thread, "start", refuse)
    token = cipher.encrypt(b"ada", CONTEXT)
    assert cipher.decrypt(token, CONTEXT) == b"ada"
    assert not cipher.keyring._by_header
    assert not cipher.keyring._current


def test_short_ttl_on_system_clock_is_checked_per_call(store, provider, clock, monkeypatch):
    now = [_keyring._system_seconds()]
    fake_time = types.SimpleNamespace(
        clock_gettime=lambda _: now[0], monotonic=lambda: now[0], CLOCK_BOOTTIME=7
    )
    monkeypatch.setattr(_keyring, "time", fake_time)
    shredder = FieldCipher(Keyring(store, provider, clock=clock))
    reader = _system_cipher(store, provider, dt.timedelta(seconds=0.05))
    assert not reader.keyring._swept
    token = shredder.encrypt(b"ada", CONTEXT)
    assert reader.decrypt(token, CONTEXT) == b"ada"
    shredder.keyring.shred("s-1", reason="erasure request")
    now[0] += 0.049
    assert reader.decrypt(token, CONTEXT) == b"ada"  # cached: the bounded window
    now[0] += 0.002
    with pytest.raises(SubjectErasedError):
        reader.decrypt(token, CONTEXT)


@pytest.mark.skipif(
    not hasattr(os, "fork"),
    reason="this platform has no fork(); what a forked child inherits cannot arise on it",
)
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_forked_child_starts_with_an_empty_cache_and_its_own_sweeper(provider):
    cipher = _system_cipher(MemoryStore(), provider, dt.timedelta(minutes=5))
    token = cipher.encrypt(b"ada", CONTEXT)
    assert cipher.keyring._by_header
    assert _keyring._SWEEPER.running
    pid = os.fork()
    if pid == 0:  # the child: report through the exit status only
        status = 1
        try:
            empty = not cipher.keyring._by_header and not cipher.keyring._current
            idle = not _keyring._SWEEPER.running
            readable = cipher.decrypt(token, CONTEXT) == b"ada"
            if empty and idle and readable and _keyring._SWEEPER.running:
                status = 0
        finally:
            os._exit(status)
    _, wait_status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(wait_status) == 0
    assert cipher.keyring._by_header  # the parent's cache is untouched
