import datetime as dt
import hashlib
import hmac
import sqlite3

import attrs
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from gdprkit.audit import GENESIS_HASH, PRUNE_ACTION, AuditLog, _body, _seal_body
from gdprkit.clock import FixedClock
from gdprkit.errors import AuditChainError, NaiveDatetimeError
from gdprkit.storage.memory import MemoryStore
from gdprkit.storage.sqlite import SQLiteStore
from gdprkit.storage.types import AuditEntry, AuditSeal, Subject, canonical_json

KEY = b"k" * 32
OTHER_KEY = b"x" * 32
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def build(n, store=None):
    """A chain of n entries; returns the store, the log and the head after each entry."""
    store = store if store is not None else MemoryStore()
    log = AuditLog(store, KEY, clock=FixedClock(T0))
    heads = []
    for i in range(n):
        log.append(
            actor=f"worker-{i % 3}",
            action="sweep.batch",
            ids=[f"r{i}", f"s{i}"],
            details={"count": i, "rule": "3y"},
            covers=[hashlib.sha256(b"%d" % i).hexdigest()],
            at=T0 + dt.timedelta(minutes=i),
        )
        heads.append((log.head(), store.audit_seal()))
    return store, log, heads


def reseal(entries, key):
    """Recompute hashes, prev links and MACs of a chain under *key* (a full rewrite)."""
    out, prev = [], GENESIS_HASH
    forger = AuditLog(MemoryStore(), key)
    for seq, e in enumerate(entries, start=entries[0].seq if entries else 1):
        body = _body(
            seq=seq,
            at=e.at,
            actor=e.actor,
            action=e.action,
            ids=e.ids,
            details=e.details,
            covers=e.covers,
            prev=prev,
        )
        h = hashlib.sha256(body).hexdigest()
        out.append(attrs.evolve(e, seq=seq, prev_hash=prev, hash=h, mac=forger._mac(body)))
        prev = h
    seal = None
    if out:
        seal = AuditSeal(
            seq=out[-1].seq,
            hash=out[-1].hash,
            mac=forger._seal_mac(out[-1].seq, out[-1].hash),
        )
    return out, seal


def replace_chain(store, entries, seal):
    store._t.audit = {e.seq: e for e in entries}
    store._t.seal = [seal] if seal is not None else []


def test_append_and_verify():
    store, log, heads = build(5)
    assert log.verify() == heads[-1][0]
    for head, _ in heads:
        assert log.verify(expected_head=head) == heads[-1][0]
    assert log.verify(expected_head=(0, GENESIS_HASH)) == heads[-1][0]
    assert [e.seq for e in store.audit_entries()] == [1, 2, 3, 4, 5]


def test_entry_rolls_back_with_its_transaction():
    store, log, _ = build(2)

    def change():
        with store.transaction():
            store.add_subject(Subject(id="s", created_at=T0))
            log.append(actor="a", action="subject.added", ids=["s"])
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change()
    assert log.head()[0] == 2
    log.verify()


def test_append_rejects_bad_input():
    log = AuditLog(MemoryStore(), KEY)
    with pytest.raises(NaiveDatetimeError):
        log.append(actor="a", action="x", at=dt.datetime(2026, 1, 1))  # noqa: DTZ001 - naive on purpose
    with pytest.raises(TypeError):
        log.append(actor="a", action="x", details={"when": T0})
    with pytest.raises(ValueError, match="16 KiB"):
        log.append(actor="a", action="x", details={"blob": "x" * 20000})
    with pytest.raises(ValueError, match="32 bytes"):
        AuditLog(MemoryStore(), b"short")
    assert repr(AuditLog(MemoryStore(), KEY)) == "AuditLog(<key>)"


def test_canonical_encoding_is_stable():
    body = _body(
        seq=1,
        at=T0,
        actor="a",
        action="x",
        ids=["r1"],
        details={"b": 1, "a": "ä"},
        covers=[],
        prev=GENESIS_HASH,
    )
    assert (
        body
        == (
            '{"action":"x","actor":"a","at":"2026-01-01T00:00:00.000000Z","covers":[],'
            '"details":{"a":"ä","b":1},"ids":["r1"],"prev":"' + GENESIS_HASH + '","seq":1,"v":1}'
        ).encode()
    )


FIELDS = {
    "at": lambda e: e.at + dt.timedelta(seconds=1),
    "actor": lambda e: e.actor + "x",
    "action": lambda _: "other",
    "ids": lambda e: (*e.ids, "extra"),
    "details": lambda e: {**e.details, "count": -1},
    "covers": lambda _: (),
    "prev_hash": lambda _: "f" * 64,
    "hash": lambda _: "e" * 64,
    "mac": lambda _: "d" * 64,
}


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_every_tampering_without_the_key_is_caught(data):
    n = data.draw(st.integers(2, 9), label="n")
    store, log, _ = build(n)
    entries = store.audit_entries()
    seal = store.audit_seal()
    kind = data.draw(
        st.sampled_from(
            [
                "alter",
                "delete",
                "delete_renumber",
                "insert",
                "duplicate",
                "reorder",
                "truncate",
                "rewrite",
                "seal",
            ],
        ),
        label="kind",
    )
    i = data.draw(st.integers(0, n - 1), label="i")
    if kind == "alter":
        field = data.draw(st.sampled_from(sorted(FIELDS)), label="field")
        entries[i] = attrs.evolve(entries[i], **{field: FIELDS[field](entries[i])})
    elif kind == "delete":
        del entries[i]
    elif kind == "delete_renumber":
        del entries[i]
        entries = [attrs.evolve(e, seq=k) for k, e in enumerate(entries, start=1)]
    elif kind == "insert":
        forged = attrs.evolve(entries[i], actor="intruder", seq=i + 1)
        entries.insert(i, forged)
        entries = [attrs.evolve(e, seq=k) for k, e in enumerate(entries, start=1)]
    elif kind == "duplicate":
        j = data.draw(st.integers(0, n - 1), label="j")
        entries.insert(i, entries[j])
        entries = [attrs.evolve(e, seq=k) for k, e in enumerate(entries, start=1)]
    elif kind == "reorder":
        j = data.draw(st.integers(0, n - 1).filter(lambda j: j != i), label="j")
        entries[i], entries[j] = entries[j], entries[i]
        entries = [attrs.evolve(e, seq=k) for k, e in enumerate(entries, start=1)]
    elif kind == "truncate":
        entries = entries[:i]
    elif kind == "rewrite":
        entries[i] = attrs.evolve(entries[i], actor="someone else")
        entries, seal = reseal(entries, OTHER_KEY)
    else:
        seal = AuditSeal(seq=i + 1, hash=entries[i].hash, mac=seal.mac)
        entries = entries[: i + 1]
        if i == n - 1:
            seal = attrs.evolve(seal, mac="0" * 64)
    replace_chain(store, entries, seal)
    with pytest.raises(AuditChainError) as info:
        log.verify()
    assert "worker" not in str(info.value)
    assert "rule" not in str(info.value)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 9), data=st.data())
def test_rewrite_with_the_key_is_caught_by_an_exported_head(n, data):
    store, log, heads = build(n)
    k = data.draw(st.integers(1, n), label="exported head seq")
    exported = heads[k - 1][0]
    i = data.draw(st.integers(0, n - 1), label="rewritten entry")
    entries = store.audit_entries()
    entries[i] = attrs.evolve(entries[i], details={"count": 999})
    entries, seal = reseal(entries, KEY)
    replace_chain(store, entries, seal)
    log.verify()
    if i < k:
        with pytest.raises(AuditChainError, match=f"entry {k} differs"):
            log.verify(expected_head=exported)
    else:
        log.verify(expected_head=exported)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 9), data=st.data())
def test_truncation_with_an_old_seal_is_caught_by_an_exported_head(n, data):
    store, log, heads = build(n)
    keep = data.draw(st.integers(1, n - 1), label="keep")
    old_seal = heads[keep - 1][1]
    replace_chain(store, store.audit_entries()[:keep], old_seal)
    assert log.verify() == heads[keep - 1][0]
    with pytest.raises(AuditChainError, match="truncated"):
        log.verify(expected_head=heads[-1][0])


def test_wrong_key_fails():
    store, _, _ = build(3)
    with pytest.raises(AuditChainError, match="entry 1 has an invalid MAC"):
        AuditLog(store, OTHER_KEY).verify()


def test_entries_without_a_seal_fail():
    store, log, _ = build(3)
    store._t.seal = []
    with pytest.raises(AuditChainError, match="seal is missing"):
        log.verify()


def test_prune_keeps_the_chain_verifiable():
    store, log, heads = build(6)
    assert log.prune(before=T0 + dt.timedelta(minutes=3), actor="retention") == 3
    assert [e.seq for e in store.audit_entries()] == [4, 5, 6, 7]
    assert store.audit_entries()[-1].action == PRUNE_ACTION
    assert log.verify()[0] == 7
    assert log.verify(expected_head=heads[2][0])[0] == 7
    assert log.verify(expected_head=heads[4][0])[0] == 7
    with pytest.raises(AuditChainError, match="pruned"):
        log.verify(expected_head=heads[0][0])
    assert log.prune(before=T0, actor="retention") == 0
    store._t.audit.pop(4)
    with pytest.raises(AuditChainError, match="before seq 5"):
        log.verify()


def test_retention_policy():
    clock = FixedClock(T0 + dt.timedelta(days=400))
    store, _, _ = build(3)
    keep_forever = AuditLog(store, KEY, clock=clock)
    assert keep_forever.apply_retention(actor="r") == 0
    yearly = AuditLog(store, KEY, clock=clock, retention=relativedelta(years=1))
    assert yearly.apply_retention(actor="r") == 3
    yearly.verify()


def raw(path, *statements):
    conn = sqlite3.connect(path)
    with conn:
        for sql in statements:
            conn.execute(sql)
    conn.close()


@pytest.mark.parametrize(
    ("statements", "message"),
    [
        (
            ['UPDATE audit_entries SET details = \'{"count":7,"rule":"3y"}\' WHERE seq = 2'],
            "entry 2 was altered",
        ),
        (["UPDATE audit_entries SET at = at + 1 WHERE seq = 3"], "entry 3 was altered"),
        (["DELETE FROM audit_entries WHERE seq = 2"], "entry 2 is missing"),
        (["DELETE FROM audit_entries WHERE seq = 1"], "before seq 2 are missing"),
        (["DELETE FROM audit_entries WHERE seq = 4"], "truncated"),
        (
            [
                "DELETE FROM audit_entries WHERE seq >= 3",
                "UPDATE audit_seal SET seq = 2, hash = (SELECT hash FROM audit_entries WHERE seq = 2)",
            ],
            "seal at seq 2 is forged",
        ),
        (
            [
                "UPDATE audit_entries SET seq = -2 WHERE seq = 2",
                "UPDATE audit_entries SET seq = 2 WHERE seq = 3",
                "UPDATE audit_entries SET seq = 3 WHERE seq = -2",
            ],
            "does not link",
        ),
        (
            [
                (
                    "INSERT INTO audit_entries SELECT 5, at, actor, action, ids, details, "
                    "covers, hash, hash, mac FROM audit_entries WHERE seq = 4"
                )
            ],
            "entry 5 was altered",
        ),
        (["DELETE FROM audit_seal"], "seal is missing"),
    ],
)
def test_raw_sql_tampering_in_the_sqlite_file(tmp_path, statements, message):
    path = tmp_path / "audit.db"
    with SQLiteStore(path) as store:
        build(4, store)
    raw(path, *statements)
    with SQLiteStore(path) as store, pytest.raises(AuditChainError, match=message):
        AuditLog(store, KEY).verify()


def test_entry_types_round_trip_through_sqlite(tmp_path):
    with SQLiteStore(tmp_path / "a.db") as store:
        build(3, store)
        entries = store.audit_entries()
    memory, _, _ = build(3)
    assert entries == memory.audit_entries()
    assert all(isinstance(e, AuditEntry) for e in entries)


def _independent_mac(data):
    """The MAC as the chain format defines it, computed without AuditLog."""
    return hmac.new(KEY, data, hashlib.sha256).hexdigest()


def _independent_seal_mac(seq, entry_hash):
    return _independent_mac(canonical_json({"seal": 1, "seq": seq, "hash": entry_hash}))


@settings(max_examples=200, deadline=None)
@given(seq=st.integers(min_value=0, max_value=2**63), raw=st.binary(min_size=32, max_size=32))
def test_the_seal_encoding_is_the_canonical_json(seq, raw):
    entry_hash = raw.hex()
    assert _seal_body(seq, entry_hash) == canonical_json(
        {"seal": 1, "seq": seq, "hash": entry_hash}
    )
    odd = entry_hash.upper()
    assert _seal_body(seq, odd) == canonical_json({"seal": 1, "seq": seq, "hash": odd})


def test_a_chain_written_by_the_format_alone_verifies_and_extends():
    """Existing logs verify: entries and seal computed from the documented format only."""
    store = MemoryStore()
    prev = GENESIS_HASH
    for seq in (1, 2, 3):
        at = T0 + dt.timedelta(minutes=seq)
        details = {"count": seq, "nested": {"b": [1, 2], "a": "ä"}}
        body = _body(
            seq=seq,
            at=at,
            actor="old",
            action="sweep.batch",
            ids=[f"r{seq}"],
            details=details,
            covers=[],
            prev=prev,
        )
        entry_hash = hashlib.sha256(body).hexdigest()
        entry = AuditEntry(
            seq=seq,
            at=at,
            actor="old",
            action="sweep.batch",
            ids=[f"r{seq}"],
            details=details,
            covers=[],
            prev_hash=prev,
            hash=entry_hash,
            mac=_independent_mac(body),
        )
        seal = AuditSeal(seq=seq, hash=entry_hash, mac=_independent_seal_mac(seq, entry_hash))
        store.append_audit_entry(entry, seal=seal)
        prev = entry_hash
    log = AuditLog(store, KEY, clock=FixedClock(T0))
    assert log.verify() == (3, prev)
    new = log.append(actor="new", action="x", ids=("r4",), details={"t": (1, 2)})
    assert new.details == {"t": [1, 2]}
    body = _body(
        seq=4,
        at=T0,
        actor="new",
        action="x",
        ids=["r4"],
        details={"t": [1, 2]},
        covers=[],
        prev=prev,
    )
    assert new.hash == hashlib.sha256(body).hexdigest()
    assert new.mac == _independent_mac(body)
    assert store.audit_seal().mac == _independent_seal_mac(4, new.hash)
    assert log.verify() == (4, new.hash)


def test_details_are_checked_once_and_copied():
    log = AuditLog(MemoryStore(), KEY, clock=FixedClock(T0))
    given_details = {"ids": ["a"], "n": 1}
    entry = log.append(actor="a", action="x", details=given_details)
    given_details["ids"].append("b")
    assert entry.details == {"ids": ["a"], "n": 1}
    with pytest.raises(TypeError):
        log.append(actor="a", action="x", details=["not", "a", "mapping"])
    with pytest.raises(TypeError):
        log.append(actor="a", action="x", details={"nan": float("nan")})
    assert log.append(actor="a", action="x", details=None).details == {}
    assert log.verify()[0] == 2
