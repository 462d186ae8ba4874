"""The store conformance suite: the behaviour every ``Store`` backend must show.

A backend's test module subclasses :class:`StoreConformance`, says how to make a
fresh store and declares its capabilities::

    from gdprkit.testing.conformance import StoreConformance


    class TestMyStore(StoreConformance):
        supports_multiprocess = False

        def make_store(self, tmp_path):
            return MyStore(...)

pytest then runs every test below against it. Tests that need a capability the
backend does not declare are removed from the subclass, not skipped, so a run shows
only what was really checked. :class:`~gdprkit.storage.memory.MemoryStore` is the
reference: where this suite is silent, behave like it.

This module imports pytest; import it from test code only.
"""

# Test methods: pytest checks with assert, test names are their documentation,
# expected values are literals, and a raises-block may set up its own failure.
# ruff: noqa: D102, PLR2004, PT012, S101

from __future__ import annotations

import concurrent.futures
import datetime as dt
import inspect
import multiprocessing
import pathlib
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar

import attrs
import pytest

from gdprkit.audit import AuditLog
from gdprkit.errors import (
    AuditChainError,
    ClaimLostError,
    ConflictError,
    NaiveDatetimeError,
    NotFoundError,
    StorageError,
)
from gdprkit.storage import protocol
from gdprkit.storage.keys import WrappedKey
from gdprkit.storage.protocol import Store
from gdprkit.storage.types import (
    AuditEntry,
    AuditSeal,
    BlindIndexEntry,
    BreachRecord,
    ConsentEvent,
    DisposalRecord,
    DisposalTask,
    Hold,
    HoldScope,
    LinkKey,
    LinkState,
    PublishedText,
    PurposeLink,
    Record,
    RecordCounts,
    RecordKind,
    RecordOutline,
    ReviewState,
    ReviewTask,
    Subject,
    SubjectRequest,
    Suppression,
    TaskState,
)

__all__ = ["T0", "StoreConformance", "protocol_mismatches"]

T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
"""The instant the suite's data is made at."""

_AUDIT_KEY = bytes(range(32))
_HOUR = dt.timedelta(hours=1)
_CEST = dt.timezone(dt.timedelta(hours=2))

_MULTIPROCESS_TESTS = ("test_claims_shared_between_processes",)


def protocol_mismatches(store: object) -> list[str]:
    """Return how *store* differs from the :class:`~gdprkit.storage.Store` protocol.

    Every public method of the protocol (and its aggregate protocols) must exist with
    the same parameter names, kinds and defaults. Annotations are not compared, so a
    backend need not use the same typing style.
    """
    problems = []
    names = sorted(
        {
            name
            for cls in Store.__mro__
            if getattr(cls, "_is_protocol", False)
            for name, value in vars(cls).items()
            if not name.startswith("_") and callable(value)
        },
    )
    for name in names:
        mine = getattr(type(store), name, None)
        if mine is None:
            problems.append(f"{name}: missing")
            continue
        want = [
            (p.name, p.kind, p.default)
            for p in inspect.signature(getattr(Store, name)).parameters.values()
        ]
        got = [(p.name, p.kind, p.default) for p in inspect.signature(mine).parameters.values()]
        if want != got:
            problems.append(f"{name}: signature differs")
    if not isinstance(getattr(store, "supports_multiprocess", None), bool):
        problems.append("supports_multiprocess: missing")
    return problems


def _as_checked(value: Any) -> Any:  # noqa: ANN401 - any attrs value
    """Assert that *value* is exactly what its class's checked constructor makes of it.

    A backend may build the values it reads back without their constructors' checks
    (as ``gdprkit.storage._unchecked`` does); then every field must already have the
    converted form: the same value of the same type, datetimes in UTC, mappings
    read-only with UTC instants, and a field without a converter of its declared type.
    """
    cls = type(value)
    fields = {f.name: getattr(value, f.name) for f in attrs.fields(cls)}
    checked = cls(**fields)
    assert checked == value
    declared = {f.name: f.type for f in attrs.fields(attrs.resolve_types(cls))}
    for name, got in fields.items():
        want = getattr(checked, name)
        _same_form(got, want, name)
        if isinstance(declared[name], type) and declared[name] is not Any:
            assert type(got) is declared[name], name
    return value


def _same_form(got: object, want: object, name: str) -> None:
    assert type(got) is type(want), name
    if isinstance(want, dt.datetime):
        assert isinstance(got, dt.datetime)
        assert got.tzinfo is want.tzinfo, name
    if isinstance(want, tuple):
        assert isinstance(got, tuple)
        assert [type(x) for x in got] == [type(x) for x in want], name
    if isinstance(want, Mapping):
        assert isinstance(got, Mapping)
        for key, item in want.items():
            _same_form(got[key], item, f"{name}[{key!r}]")


def _subject(store: Store, subject_id: str = "s1") -> None:
    store.add_subject(Subject(id=subject_id, created_at=T0))


def _record(
    store: Store,
    record_id: str = "r1",
    subject_id: str = "s1",
    *,
    fields: dict[str, bytes] | None = None,
    at: dt.datetime = T0,
) -> Record:
    record = Record(
        id=record_id,
        subject_id=subject_id,
        kind=RecordKind.MANAGED,
        created_at=at,
        fields=fields if fields is not None else {"email": b"\x01ct", "name": b"\x02ct"},
    )
    store.add_record(record)
    return record


def _link(
    record_id: str = "r1",
    purpose_id: str = "p1",
    *,
    eligible_from: dt.datetime | None = T0,
    created_at: dt.datetime = T0,
) -> PurposeLink:
    return PurposeLink(
        record_id=record_id,
        purpose_id=purpose_id,
        created_at=created_at,
        eligible_from=eligible_from,
    )


def _key(key_id: int, version: int = 1, owner: str = "subject:s1", kek: int = 1) -> WrappedKey:
    return WrappedKey(
        owner=owner,
        version=version,
        key_id=key_id,
        kek_id="kek",
        kek_version=kek,
        wrapped=b"wrapped-%d" % key_id,
        created_at=T0,
    )


def _due_links(store: Store, count: int) -> list[LinkKey]:
    _subject(store)
    keys = []
    for i in range(count):
        _record(store, f"r{i:03d}")
        link = _link(f"r{i:03d}", eligible_from=T0 - dt.timedelta(minutes=count - i))
        store.add_link(link)
        keys.append(link.key)
    return keys


def _worker_process(
    opener: Callable[[], Store],
    worker: str,
    results: Any,  # noqa: ANN401 - a multiprocessing queue
) -> None:
    """Claim and end due links until none are left; report the keys handled."""
    store = opener()
    log = AuditLog(store, _AUDIT_KEY)
    handled = []
    while True:
        claim = store.claim_due(T0, worker=worker, limit=3, lease_until=T0 + _HOUR)
        if not claim.links:
            break
        with store.transaction():
            for link in claim.links:
                store.update_link(
                    attrs.evolve(link, state=LinkState.ENDED, ended_at=T0, end_reason="done"),
                )
                handled.append((link.record_id, link.purpose_id))
            log.append(actor=worker, action="sweep.batch", ids=[claim.id])
            store.complete_claim(claim.id, worker=worker, now=T0)
    results.put(handled)


class StoreConformance:
    """The conformance suite; subclass it and implement :meth:`make_store`.

    Attributes:
        supports_multiprocess: Set to ``True`` when several processes may open the
            same store; then implement :meth:`store_opener` too.
    """

    supports_multiprocess: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:  # noqa: ANN401 - passed through
        super().__init_subclass__(**kwargs)
        if not cls.supports_multiprocess:
            for name in _MULTIPROCESS_TESTS:
                setattr(cls, name, None)

    def make_store(self, tmp_path: pathlib.Path) -> Store:
        """Return a new, empty store; *tmp_path* is a private directory."""
        raise NotImplementedError

    def store_opener(self, tmp_path: pathlib.Path) -> Callable[[], Store]:
        """Return a picklable callable that opens the store of :meth:`make_store` again."""
        raise NotImplementedError

    def close_store(self, store: Store) -> None:
        """Release a store made by :meth:`make_store`; nothing by default."""

    @pytest.fixture
    def store(self, tmp_path: pathlib.Path) -> Iterator[Store]:
        """A fresh store per test."""
        store = self.make_store(tmp_path)
        yield store
        self.close_store(store)

    # --- protocol ---------------------------------------------------------------------

    def test_satisfies_the_protocol(self, store: Store) -> None:
        assert protocol_mismatches(store) == []
        assert store.supports_multiprocess is self.supports_multiprocess

    def test_protocol_lists_every_aggregate(self) -> None:
        assert set(protocol.__all__) >= {"Store", "LinkStore", "AuditStore"}

    # --- transactions -----------------------------------------------------------------

    def test_exception_rolls_back_everything(self, store: Store) -> None:
        _subject(store)
        _record(store)
        store.add_link(_link())
        before = (store.get_record("r1"), store.links_of_subject("s1"))
        with pytest.raises(RuntimeError), store.transaction():
            store.remove_fields("r1", ["email"])
            store.update_link(attrs.evolve(_link(), state=LinkState.ENDED, ended_at=T0))
            _subject(store, "s2")
            store.add_wrapped_key(_key(7))
            AuditLog(store, _AUDIT_KEY).append(actor="t", action="x")
            raise RuntimeError
        assert (store.get_record("r1"), store.links_of_subject("s1")) == before
        assert store.get_subject("s2") is None
        assert store.get_wrapped_key(7) is None
        assert store.audit_entries() == []
        assert store.audit_seal() is None

    def test_failed_call_leaves_no_trace(self, store: Store) -> None:
        _subject(store)
        with pytest.raises(NotFoundError):
            store.add_record(
                Record(id="r1", subject_id="nobody", kind=RecordKind.MANAGED, created_at=T0),
            )
        assert store.get_record("r1") is None

    def test_nested_transaction_joins_outer(self, store: Store) -> None:
        with pytest.raises(RuntimeError), store.transaction():
            with store.transaction():
                _subject(store)
            assert store.get_subject("s1") is not None
            raise RuntimeError
        assert store.get_subject("s1") is None

    def test_swallowed_inner_failure_dooms_the_transaction(self, store: Store) -> None:
        def inner() -> None:
            with store.transaction():
                _subject(store, "s2")
                raise KeyError

        with pytest.raises(StorageError), store.transaction():
            _subject(store)
            with pytest.raises(KeyError):
                inner()
        assert store.get_subject("s1") is None
        assert store.get_subject("s2") is None
        _subject(store)
        assert store.get_subject("s1") is not None

    def test_commit_is_visible(self, store: Store) -> None:
        with store.transaction():
            _subject(store)
            _record(store)
        assert store.get_record("r1") is not None

    def test_threads_serialise(self, store: Store) -> None:
        log = AuditLog(store, _AUDIT_KEY)
        _subject(store)
        barrier = threading.Barrier(4)

        def work(n: int) -> None:
            barrier.wait()
            for i in range(15):
                with store.transaction():
                    _record(store, f"r{n}-{i}")
                    log.append(actor=f"t{n}", action="record.added", ids=[f"r{n}-{i}"])

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            list(pool.map(work, range(4)))
        assert len(store.records_of_subject("s1")) == 60
        assert log.verify()[0] == 60

    # --- datetimes --------------------------------------------------------------------

    def test_naive_datetimes_are_rejected(self, store: Store) -> None:
        naive = dt.datetime(2026, 1, 1)  # noqa: DTZ001 - the point of the test
        with pytest.raises(NaiveDatetimeError):
            Subject(id="s", created_at=naive)
        with pytest.raises(NaiveDatetimeError):
            store.count_due_links(naive)
        with pytest.raises(NaiveDatetimeError):
            store.claim_due(naive, worker="w", limit=1, lease_until=T0)
        with pytest.raises(NaiveDatetimeError):
            store.links_awaiting_trigger(naive, limit=1)
        with pytest.raises(NaiveDatetimeError):
            store.destroy_wrapped_keys("o", versions=None, at=naive, reason="r")
        with pytest.raises(NaiveDatetimeError):
            store.add_wrapped_key(attrs.evolve(_key(1), created_at=naive))
        store.add_hold(_hold("h1"))
        with pytest.raises(NaiveDatetimeError):
            store.release_hold("h1", at=naive)

    def test_datetimes_come_back_in_utc(self, store: Store) -> None:
        local = T0.astimezone(_CEST)
        store.add_subject(Subject(id="s1", created_at=local))
        got = store.get_subject("s1")
        assert got is not None
        assert got.created_at == T0
        assert got.created_at.utcoffset() == dt.timedelta(0)
        store.add_wrapped_key(attrs.evolve(_key(1), created_at=local))
        key = store.get_wrapped_key(1)
        assert key is not None
        assert key.created_at.utcoffset() == dt.timedelta(0)
        micro = T0 + dt.timedelta(microseconds=123457)
        store.add_hold(attrs.evolve(_hold("h"), created_at=micro))
        hold = store.get_hold("h")
        assert hold is not None
        assert hold.created_at == micro

    # --- subjects ---------------------------------------------------------------------

    def test_subjects(self, store: Store) -> None:
        _subject(store)
        assert store.get_subject("s1") == Subject(id="s1", created_at=T0)
        assert store.get_subject("s2") is None
        with pytest.raises(ConflictError):
            _subject(store)
        with pytest.raises(NotFoundError):
            store.delete_subject("s2")

    def test_delete_subject_needs_no_records_and_drops_blind_index(self, store: Store) -> None:
        _subject(store)
        _record(store)
        store.add_blind_index(BlindIndexEntry(subject_id="s1", index_name="email", digest=b"d"))
        with pytest.raises(ConflictError):
            store.delete_subject("s1")
        store.delete_record("r1")
        store.delete_subject("s1")
        assert store.get_subject("s1") is None
        assert store.find_subjects("email", b"d") == []

    def test_blind_index(self, store: Store) -> None:
        _subject(store, "s2")
        _subject(store, "s1")
        for sid in ("s2", "s1"):
            entry = BlindIndexEntry(subject_id=sid, index_name="email", digest=b"\x00d")
            store.add_blind_index(entry)
            store.add_blind_index(entry)
        store.add_blind_index(BlindIndexEntry(subject_id="s1", index_name="phone", digest=b"p"))
        assert store.find_subjects("email", b"\x00d") == ["s1", "s2"]
        assert store.find_subjects("phone", b"\x00d") == []
        with pytest.raises(NotFoundError):
            store.add_blind_index(BlindIndexEntry(subject_id="x", index_name="e", digest=b"d"))
        assert store.remove_blind_index("s1", index_name="phone") == 1
        assert store.remove_blind_index("s1") == 1
        assert store.remove_blind_index("s1") == 0
        assert store.find_subjects("email", b"\x00d") == ["s2"]

    # --- records ----------------------------------------------------------------------

    def test_records(self, store: Store) -> None:
        _subject(store)
        later = _record(store, "r2", at=T0 + _HOUR)
        first = _record(store, "r1")
        with pytest.raises(ConflictError):
            _record(store, "r1")
        assert store.get_record("r1") == first
        assert store.get_record("nope") is None
        assert store.records_of_subject("s1") == [first, later]
        assert store.records_of_subject("s2") == []

    def test_referenced_records(self, store: Store) -> None:
        _subject(store)
        ref = Record(
            id="r1",
            subject_id="s1",
            kind=RecordKind.REFERENCED,
            created_at=T0,
            external_ref="crm:42",
        )
        store.add_record(ref)
        assert store.get_record("r1") == ref
        with pytest.raises(ConflictError):
            store.put_fields("r1", {"email": b"x"})
        named = attrs.evolve(ref, id="r2", fields={"email": b"", "name": b""})
        store.add_record(named)
        assert store.get_record("r2") == named
        assert store.remove_fields("r2", ["email"]) == ["email"]
        assert store.get_record("r2").categories == ("name",)  # type: ignore[union-attr]

    def test_fields(self, store: Store) -> None:
        _subject(store)
        _record(store)
        store.put_fields("r1", {"email": b"new", "phone": b"p"})
        record = store.get_record("r1")
        assert record is not None
        assert dict(record.fields) == {"email": b"new", "name": b"\x02ct", "phone": b"p"}
        assert store.remove_fields("r1", ["phone", "absent", "email"]) == ["email", "phone"]
        assert store.remove_fields("r1", ["email"]) == []
        record = store.get_record("r1")
        assert record is not None
        assert dict(record.fields) == {"name": b"\x02ct"}
        with pytest.raises(NotFoundError):
            store.remove_fields("nope", ["email"])
        with pytest.raises(NotFoundError):
            store.put_fields("nope", {"email": b"x"})

    def test_delete_record_takes_fields_and_links(self, store: Store) -> None:
        _subject(store)
        _record(store)
        store.add_link(_link())
        store.delete_record("r1")
        assert store.get_record("r1") is None
        assert store.get_link("r1", "p1") is None
        assert store.count_due_links(T0) == 0
        with pytest.raises(NotFoundError):
            store.delete_record("r1")

    def test_batch_reads_of_records_and_links(self, store: Store) -> None:
        _subject(store)
        r1 = _record(store, "r1")
        r2 = _record(store, "r2", fields={})
        _record(store, "r3")
        for record_id, purpose_id in [("r2", "p2"), ("r1", "p2"), ("r1", "p1"), ("r3", "p1")]:
            store.add_link(_link(record_id, purpose_id))
        assert store.get_records(["r2", "r1", "r1", "nope"]) == {"r1": r1, "r2": r2}
        assert store.get_records([]) == {}
        keys = [(x.record_id, x.purpose_id) for x in store.links_of_records(["r2", "r1", "no"])]
        assert keys == [("r1", "p1"), ("r1", "p2"), ("r2", "p2")]
        with store.transaction():
            locked = store.links_of_records(["r3"], lock=True)
            assert [x.key for x in locked] == [LinkKey(record_id="r3", purpose_id="p1")]
        assert store.links_of_records([]) == []

    def test_outlines_name_categories_without_values(self, store: Store) -> None:
        _subject(store)
        r1 = _record(store, "r1", fields={"name": b"\x02ct", "email": b"\x01ct"})
        _record(store, "r2", fields={})
        store.add_record(
            Record(
                id="x1",
                subject_id="s1",
                kind=RecordKind.REFERENCED,
                created_at=T0,
                external_ref="crm:7",
                fields={"phone": b""},
            )
        )
        found = store.outlines_of_records(["x1", "r2", "r1", "r1", "nope"])
        assert found == {
            "r1": RecordOutline.of(r1),
            "r2": RecordOutline(id="r2", subject_id="s1", kind=RecordKind.MANAGED),
            "x1": RecordOutline(
                id="x1",
                subject_id="s1",
                kind=RecordKind.REFERENCED,
                external_ref="crm:7",
                categories=("phone",),
            ),
        }
        assert found["r1"].categories == ("email", "name")
        assert store.outlines_of_records([]) == {}

    def test_values_read_back_are_as_their_constructors_make_them(self, store: Store) -> None:
        _subject(store)
        _record(store, "r1", fields={"name": b"\x02ct", "email": b"\x01ct"})
        _record(store, "r2", fields={})
        triggered = PurposeLink(
            record_id="r1",
            purpose_id="p2",
            created_at=T0.astimezone(_CEST),
            triggers={"contract_end": T0 - _HOUR, "erasure": T0.astimezone(_CEST)},
            eligible_from=T0 - _HOUR,
            restricted=True,
        )
        for link in (_link("r1", "p1", eligible_from=T0 - _HOUR), triggered, _link("r2", "p1")):
            store.add_link(link)
        ended = attrs.evolve(
            _link("r2", "p1"), state=LinkState.ENDED, ended_at=T0, end_reason="erasure"
        )
        store.update_links([ended])
        for link in store.links_of_records(["r1", "r2"]):
            _as_checked(link)
        assert _as_checked(store.get_link("r1", "p2")) == triggered
        assert _as_checked(store.get_link("r2", "p1")) == ended
        for outline in store.outlines_of_records(["r1", "r2"]).values():
            _as_checked(outline)
        with store.sweep_batch(T0, worker="w", limit=10, lease_until=T0 + _HOUR) as batch:
            assert [x.key for x in batch.claim.links] == [_link("r1").key, triggered.key]
            for link in (*batch.claim.links, *batch.links):
                _as_checked(link)
            assert list(batch.records) == ["r1"]
            _as_checked(batch.records["r1"])
        disposal = DisposalRecord(
            id="d1",
            record_id="r1",
            subject_id="s1",
            purpose_ids=["p1", "p2"],
            rule="x",
            action="delete",
            due_at=T0.astimezone(_CEST),
            executed_at=T0,
            fields_removed=["email", "name"],
        )
        store.add_disposal(disposal)
        assert _as_checked(store.get_disposal("d1")) == disposal

    def test_sweep_batch_reads_the_claimed_records_and_all_their_links(self, store: Store) -> None:
        _subject(store)
        for record_id in ("ra", "rb", "rc"):
            _record(store, record_id)
        # Due order differs from id order; rb has two due links, and a limit of two
        # takes only the first of them; rc's other link is leased to a running claim.
        store.add_link(_link("rb", "p2", eligible_from=T0 - 3 * _HOUR))
        store.add_link(_link("ra", "p1", eligible_from=T0 - 2 * _HOUR))
        store.add_link(_link("rb", "p1", eligible_from=T0 - _HOUR))
        store.add_link(_link("rc", "p1", eligible_from=T0 - 4 * _HOUR))
        running = store.claim_due(T0, worker="w0", limit=1, lease_until=T0 + _HOUR)
        assert [x.key for x in running.links] == [LinkKey(record_id="rc", purpose_id="p1")]
        store.add_link(_link("rc", "p2", eligible_from=T0 - _HOUR))
        lease = T0 + 2 * _HOUR
        with store.sweep_batch(T0, worker="w", limit=2, lease_until=lease) as batch:
            assert (batch.claim.worker, batch.claim.lease_until) == ("w", lease)
            assert [(x.record_id, x.purpose_id) for x in batch.claim.links] == [
                ("rb", "p2"),
                ("ra", "p1"),
            ]
            assert [(x.record_id, x.purpose_id) for x in batch.links] == [
                ("ra", "p1"),
                ("rb", "p1"),
                ("rb", "p2"),
            ]
            assert batch.records == store.outlines_of_records(["ra", "rb"])
            store.complete_claim(
                batch.claim.id,
                worker="w",
                now=T0,
                defer=[LinkKey(record_id="rb", purpose_id="p2")],
                defer_until=T0 + _HOUR,
            )
        rest = store.claim_due(T0, worker="w2", limit=10, lease_until=T0 + _HOUR)
        assert [(x.record_id, x.purpose_id) for x in rest.links] == [
            ("ra", "p1"),
            ("rb", "p1"),
            ("rc", "p2"),
        ]
        for limit, until in ((0, lease), (1, T0)):
            with (
                pytest.raises(ValueError, match=r"limit|lease"),
                store.sweep_batch(T0, worker="w", limit=limit, lease_until=until),
            ):
                pass  # pragma: no cover - entering raises
        with (
            pytest.raises(NaiveDatetimeError),
            store.sweep_batch(T0.replace(tzinfo=None), worker="w", limit=1, lease_until=lease),
        ):
            pass  # pragma: no cover - entering raises

    def test_sweep_batch_writes_commit_with_it_or_not_at_all(self, store: Store) -> None:
        keys = _due_links(store, 3)
        with (
            pytest.raises(RuntimeError, match="crash"),
            store.sweep_batch(T0, worker="w", limit=2, lease_until=T0 + _HOUR) as batch,
        ):
            store.delete_records([link.record_id for link in batch.claim.links])
            raise RuntimeError("crash")
        assert store.get_records(["r000", "r001", "r002"]).keys() == {"r000", "r001", "r002"}
        # A failed batch's links wait for the end of its lease, so a batch that fails
        # every time does not keep the sweeps from the links behind it.
        with store.sweep_batch(T0, worker="w", limit=5, lease_until=T0 + _HOUR) as batch:
            assert [x.key for x in batch.claim.links] == keys[2:]
            store.complete_claim(
                batch.claim.id, worker="w", now=T0, defer=keys[2:], defer_until=T0 + 2 * _HOUR
            )
        at = T0 + _HOUR
        with store.sweep_batch(at, worker="w", limit=5, lease_until=at + _HOUR) as batch:
            assert [x.key for x in batch.claim.links] == keys[:2]
            store.delete_records([link.record_id for link in batch.claim.links])
            store.complete_claim(batch.claim.id, worker="w", now=at)
        assert store.get_records(["r000", "r001", "r002"]).keys() == {"r002"}
        with store.sweep_batch(at, worker="w", limit=5, lease_until=at + _HOUR) as empty:
            assert (empty.claim.links, empty.links, dict(empty.records)) == ((), (), {})
        later = T0 + 2 * _HOUR
        with store.sweep_batch(later, worker="w", limit=5, lease_until=later + _HOUR) as back:
            assert [x.key for x in back.claim.links] == keys[2:]

    def test_a_failed_batch_holds_back_only_the_links_it_claimed(self, store: Store) -> None:
        _subject(store)
        _record(store, "r1")
        store.add_link(_link("r1", "p1", eligible_from=T0 - 2 * _HOUR))
        store.add_link(_link("r1", "p2", eligible_from=T0 - _HOUR))
        with (
            pytest.raises(RuntimeError, match="crash"),
            store.sweep_batch(T0, worker="w", limit=1, lease_until=T0 + _HOUR) as batch,
        ):
            assert [x.purpose_id for x in batch.claim.links] == ["p1"]
            assert [x.purpose_id for x in batch.links] == ["p1", "p2"]
            raise RuntimeError("crash")
        # The record's other link was read with the batch but never claimed: it is due now.
        with store.sweep_batch(T0, worker="w", limit=5, lease_until=T0 + _HOUR) as batch:
            assert [x.purpose_id for x in batch.claim.links] == ["p2"]
            store.complete_claim(batch.claim.id, worker="w", now=T0)

    def test_a_batch_left_uncompleted_keeps_its_links_leased(self, store: Store) -> None:
        keys = _due_links(store, 3)
        lease = T0 + _HOUR
        with store.sweep_batch(T0, worker="w", limit=2, lease_until=lease) as batch:
            pass  # handled nothing and did not complete: the claim commits with the block
        assert [x.key for x in batch.claim.links] == keys[:2]
        other = store.claim_due(T0, worker="w2", limit=5, lease_until=lease)
        assert [x.key for x in other.links] == keys[2:]
        # Completed later, it defers and releases as asked, and only its own links.
        store.complete_claim(
            batch.claim.id,
            worker="w",
            now=T0,
            defer=[keys[0], keys[2]],
            defer_until=T0 + 2 * _HOUR,
        )
        again = store.claim_due(T0, worker="w3", limit=5, lease_until=lease)
        assert [x.key for x in again.links] == [keys[1]]

    def test_a_batch_defers_only_its_own_links(self, store: Store) -> None:
        keys = _due_links(store, 3)
        lease = T0 + _HOUR
        with store.sweep_batch(T0, worker="w", limit=2, lease_until=lease) as batch:
            store.complete_claim(
                batch.claim.id,
                worker="w",
                now=T0,
                defer=[keys[0], keys[2]],  # keys[2] was not claimed: left alone
                defer_until=T0 + 2 * _HOUR,
            )
        rest = store.claim_due(T0, worker="w2", limit=5, lease_until=lease)
        assert [x.key for x in rest.links] == keys[1:]
        store.complete_claim(rest.id, worker="w2", now=T0)
        assert store.release_deferrals() == 1
        with store.sweep_batch(T0, worker="w", limit=5, lease_until=lease) as batch:
            assert [x.key for x in batch.claim.links] == keys
            store.complete_claim(batch.claim.id, worker="w", now=T0)

    def test_a_claim_inside_a_batch_leaves_the_batch_its_links(self, store: Store) -> None:
        keys = _due_links(store, 4)
        lease = T0 + _HOUR
        with store.sweep_batch(T0, worker="w", limit=2, lease_until=lease) as batch:
            inner = store.claim_due(T0, worker="w2", limit=1, lease_until=lease)
            assert [x.key for x in inner.links] == [keys[2]]
            with store.sweep_batch(T0, worker="w3", limit=5, lease_until=lease) as nested:
                assert [x.key for x in nested.claim.links] == [keys[3]]
                store.complete_claim(nested.claim.id, worker="w3", now=T0)
            store.complete_claim(
                batch.claim.id, worker="w", now=T0, defer=[keys[0]], defer_until=T0 + _HOUR
            )
            store.complete_claim(inner.id, worker="w2", now=T0)
        assert [x.key for x in batch.claim.links] == keys[:2]
        back = store.claim_due(T0, worker="w4", limit=5, lease_until=lease)
        assert [x.key for x in back.links] == keys[1:]
        assert store.release_deferrals() == 1

    def test_a_batch_takes_over_expired_leases_and_leaves_none_behind(self, store: Store) -> None:
        keys = _due_links(store, 3)
        lost = store.claim_due(T0, worker="w0", limit=1, lease_until=T0 + _HOUR)
        first = store.claim_due(T0, worker="w1", limit=1, lease_until=T0 + _HOUR)
        store.complete_claim(first.id, worker="w1", now=T0, defer=[keys[1]], defer_until=T0 + _HOUR)
        later = T0 + 2 * _HOUR  # w0's lease and keys[1]'s deferral have both ended
        with store.sweep_batch(later, worker="w", limit=5, lease_until=later + _HOUR) as batch:
            assert [x.key for x in batch.claim.links] == keys
            store.update_links(
                [
                    attrs.evolve(link, state=LinkState.ENDED, ended_at=later)
                    for link in batch.claim.links
                ]
            )
            store.complete_claim(batch.claim.id, worker="w", now=later)
        with pytest.raises(ClaimLostError):
            store.complete_claim(lost.id, worker="w0", now=later)
        assert store.release_deferrals() == 0  # no lease is left on the ended links
        ended = [store.get_link(k.record_id, k.purpose_id) for k in keys]
        assert all(link is not None and link.state is LinkState.ENDED for link in ended)

    def test_batch_writes_all_or_nothing(self, store: Store) -> None:
        _subject(store)
        for record_id in ("r1", "r2", "r3"):
            _record(store, record_id)
            store.add_link(_link(record_id))
        ended = [
            attrs.evolve(_link(r), state=LinkState.ENDED, ended_at=T0, end_reason="retention")
            for r in ("r1", "r2")
        ]
        with pytest.raises(NotFoundError):
            store.update_links([*ended, _link("r1", "p9")])
        assert store.get_link("r1", "p1") == _link("r1")
        store.update_links(ended)
        assert [store.get_link(r, "p1") for r in ("r1", "r2")] == ended
        store.update_links([])
        with pytest.raises(NotFoundError):
            store.delete_records(["r1", "nope"])
        assert store.get_record("r1") is not None
        store.delete_records(["r1", "r2"])
        assert store.get_records(["r1", "r2", "r3"]).keys() == {"r3"}
        assert store.links_of_records(["r1", "r2"]) == []
        store.delete_records([])

    def test_batch_disposals_and_emptied_subjects(self, store: Store) -> None:
        for subject_id in ("s1", "s2", "s3"):
            _subject(store, subject_id)
            store.add_blind_index(
                BlindIndexEntry(subject_id=subject_id, index_name="email", digest=b"d")
            )
        _record(store, "r3", "s3")
        assert store.delete_subjects_without_records(["s3", "s2", "s1", "s9", "s2"]) == [
            "s1",
            "s2",
        ]
        assert store.get_subject("s1") is None
        assert store.get_subject("s3") is not None
        assert store.find_subjects("email", b"d") == ["s3"]
        assert store.delete_subjects_without_records([]) == []
        disposals = [
            DisposalRecord(
                id=f"d{i}",
                record_id=f"r{i}",
                subject_id="s1",
                purpose_ids=["p1"],
                rule="rule",
                action="delete",
                due_at=T0,
                executed_at=T0.astimezone(_CEST) + i * _HOUR,
                fields_removed=["email", "name"],
            )
            for i in (1, 2)
        ]
        store.add_disposals(disposals)
        assert [store.get_disposal(d.id) for d in disposals] == disposals
        fresh = attrs.evolve(disposals[0], id="d3")
        with pytest.raises(ConflictError):
            store.add_disposals([fresh, disposals[1]])
        assert store.get_disposal("d3") is None
        store.add_disposals([])

    # --- links ------------------------------------------------------------------------

    def test_links(self, store: Store) -> None:
        _subject(store)
        _record(store, "r2")
        _record(store, "r1")
        with pytest.raises(NotFoundError):
            store.add_link(_link("nope"))
        for record_id, purpose_id in [("r2", "p1"), ("r1", "p2"), ("r1", "p1")]:
            store.add_link(_link(record_id, purpose_id))
        with pytest.raises(ConflictError):
            store.add_link(_link("r1", "p1"))
        assert [(x.record_id, x.purpose_id) for x in store.links_of_subject("s1")] == [
            ("r1", "p1"),
            ("r1", "p2"),
            ("r2", "p1"),
        ]
        assert [x.purpose_id for x in store.links_of_record("r1")] == ["p1", "p2"]
        assert store.get_link("r9", "p1") is None

    def test_update_link(self, store: Store) -> None:
        _subject(store)
        _record(store)
        store.add_link(_link(eligible_from=None))
        changed = attrs.evolve(
            _link(eligible_from=T0 + _HOUR),
            triggers={"contract_end": T0.astimezone(_CEST)},
            restricted=True,
            created_at=T0 + _HOUR,
        )
        store.update_link(changed)
        got = store.get_link("r1", "p1")
        assert got == attrs.evolve(changed, created_at=T0)
        assert got is not None
        assert got.triggers["contract_end"].utcoffset() == dt.timedelta(0)
        ended = attrs.evolve(got, state=LinkState.ENDED, ended_at=T0, end_reason="withdrawn")
        store.update_link(ended)
        assert store.get_link("r1", "p1") == ended
        with pytest.raises(NotFoundError):
            store.update_link(_link("r1", "p9"))

    def test_links_of_purpose_pages(self, store: Store) -> None:
        _subject(store)
        for i in range(5):
            _record(store, f"r{i}")
            store.add_link(_link(f"r{i}", "p1"))
            store.add_link(_link(f"r{i}", "p2"))
        first = store.links_of_purpose("p1", after=None, limit=2)
        assert [x.record_id for x in first] == ["r0", "r1"]
        rest = store.links_of_purpose("p1", after=first[-1].key, limit=10)
        assert [x.record_id for x in rest] == ["r2", "r3", "r4"]
        assert {x.purpose_id for x in rest} == {"p1"}

    def test_awaiting_trigger_report_and_counts(self, store: Store) -> None:
        _subject(store)
        for i in range(4):
            _record(store, f"r{i}")
        store.add_link(_link("r0", eligible_from=None, created_at=T0 - 2 * _HOUR))
        store.add_link(_link("r1", eligible_from=None, created_at=T0 - _HOUR))
        store.add_link(_link("r2", eligible_from=None, created_at=T0))
        store.add_link(_link("r3", "p2", eligible_from=T0))
        ended = attrs.evolve(_link("r3", eligible_from=None), state=LinkState.ENDED, ended_at=T0)
        store.add_link(ended)
        found = store.links_awaiting_trigger(T0, limit=10)
        assert [x.record_id for x in found] == ["r0", "r1"]
        assert [x.record_id for x in store.links_awaiting_trigger(T0, limit=1)] == ["r0"]
        assert store.count_awaiting_trigger() == 3
        assert store.count_awaiting_trigger(purpose_id="p2") == 0
        assert store.count_due_links(T0) == 1
        assert store.count_due_links(T0 - _HOUR) == 0
        assert store.count_due_links(T0, purpose_id="p1") == 0

    # --- claims -----------------------------------------------------------------------

    def test_claim_takes_due_links_oldest_first(self, store: Store) -> None:
        keys = _due_links(store, 5)
        _record(store, "late")
        store.add_link(_link("late", eligible_from=T0 + _HOUR))
        _record(store, "gone")
        store.add_link(attrs.evolve(_link("gone"), state=LinkState.ENDED, ended_at=T0))
        claim = store.claim_due(T0, worker="w1", limit=3, lease_until=T0 + _HOUR)
        assert [x.key for x in claim.links] == keys[:3]
        assert claim.worker == "w1"
        assert claim.lease_until == T0 + _HOUR
        other = store.claim_due(T0, worker="w2", limit=10, lease_until=T0 + _HOUR)
        assert [x.key for x in other.links] == keys[3:]
        empty = store.claim_due(T0, worker="w3", limit=10, lease_until=T0 + _HOUR)
        assert empty.links == ()
        with pytest.raises(ClaimLostError):
            store.complete_claim(empty.id, worker="w3", now=T0)  # an empty claim is not stored
        assert store.count_due_links(T0) == 5

    def test_expired_lease_returns_links_to_the_pool(self, store: Store) -> None:
        keys = _due_links(store, 2)
        lost = store.claim_due(T0, worker="w1", limit=5, lease_until=T0 + _HOUR)
        later = T0 + _HOUR
        taken = store.claim_due(later, worker="w2", limit=5, lease_until=later + _HOUR)
        assert [x.key for x in taken.links] == keys
        with pytest.raises(ClaimLostError):
            store.complete_claim(lost.id, worker="w1", now=later)
        store.complete_claim(taken.id, worker="w2", now=later)

    def test_complete_claim_is_idempotent_and_guarded(self, store: Store) -> None:
        _due_links(store, 2)
        claim = store.claim_due(T0, worker="w1", limit=5, lease_until=T0 + _HOUR)
        with pytest.raises(ClaimLostError):
            store.complete_claim(claim.id, worker="w2", now=T0)
        with pytest.raises(ClaimLostError):
            store.complete_claim("no-such-claim", worker="w1", now=T0)
        store.complete_claim(claim.id, worker="w1", now=T0)
        store.complete_claim(claim.id, worker="w1", now=T0 + 2 * _HOUR)
        with pytest.raises(ClaimLostError):
            store.complete_claim(claim.id, worker="w2", now=T0)
        again = store.claim_due(T0, worker="w2", limit=5, lease_until=T0 + _HOUR)
        assert len(again.links) == 2

    def test_completed_claim_releases_only_still_due_links(self, store: Store) -> None:
        _due_links(store, 3)
        claim = store.claim_due(T0, worker="w", limit=5, lease_until=T0 + _HOUR)
        for link in claim.links[:2]:
            store.update_link(attrs.evolve(link, state=LinkState.ENDED, ended_at=T0))
        store.complete_claim(claim.id, worker="w", now=T0)
        again = store.claim_due(T0, worker="w", limit=5, lease_until=T0 + _HOUR)
        assert [x.key for x in again.links] == [claim.links[2].key]

    def test_deferred_links_wait(self, store: Store) -> None:
        keys = _due_links(store, 3)
        claim = store.claim_due(T0, worker="w", limit=5, lease_until=T0 + _HOUR)
        with pytest.raises(ValueError, match="defer"):
            store.complete_claim(claim.id, worker="w", now=T0, defer=[keys[0]])
        store.complete_claim(
            claim.id,
            worker="w",
            now=T0,
            defer=[keys[0]],
            defer_until=T0 + 2 * _HOUR,
        )
        soon = store.claim_due(T0, worker="w", limit=5, lease_until=T0 + _HOUR)
        assert [x.key for x in soon.links] == keys[1:]
        store.complete_claim(soon.id, worker="w", now=T0)
        later = T0 + 2 * _HOUR
        back = store.claim_due(later, worker="w", limit=5, lease_until=later + _HOUR)
        assert [x.key for x in back.links] == keys

    def test_release_deferrals_returns_deferred_links_at_once(self, store: Store) -> None:
        keys = _due_links(store, 3)
        claim = store.claim_due(T0, worker="w", limit=2, lease_until=T0 + _HOUR)
        store.complete_claim(
            claim.id, worker="w", now=T0, defer=[keys[0]], defer_until=T0 + 24 * _HOUR
        )
        running = store.claim_due(T0, worker="w2", limit=5, lease_until=T0 + _HOUR)
        assert [x.key for x in running.links] == keys[1:]
        assert store.release_deferrals() == 1
        assert store.release_deferrals() == 0
        back = store.claim_due(T0, worker="w3", limit=5, lease_until=T0 + _HOUR)
        assert [x.key for x in back.links] == [keys[0]]

    def test_due_links_pages_without_claiming(self, store: Store) -> None:
        keys = _due_links(store, 5)
        store.add_link(_link("r000", "p2", eligible_from=T0 + _HOUR))
        first = store.due_links(T0, limit=2)
        assert [x.key for x in first] == keys[:2]
        rest = store.due_links(T0, after=first[-1], limit=10)
        assert [x.key for x in rest] == keys[2:]
        assert store.due_links(T0, limit=0) == []
        claim = store.claim_due(T0, worker="w", limit=10, lease_until=T0 + _HOUR)
        assert len(claim.links) == 5
        assert [x.key for x in store.due_links(T0 + _HOUR, limit=10)][-1] == LinkKey(
            record_id="r000", purpose_id="p2"
        )
        with pytest.raises(NaiveDatetimeError):
            store.due_links(T0.replace(tzinfo=None), limit=1)

    def test_count_records_by_purpose_and_creation(self, store: Store) -> None:
        _subject(store, "s1")
        _subject(store, "s2")
        _record(store, "r1", "s1")
        _record(store, "r2", "s1", at=T0 + _HOUR)
        _record(store, "r3", "s2", at=T0 + 2 * _HOUR)
        store.add_record(
            Record(
                id="x1",
                subject_id="s2",
                kind=RecordKind.REFERENCED,
                created_at=T0,
                external_ref="crm:1",
            )
        )
        for record_id, purpose in (("r1", "p1"), ("r1", "p2"), ("r2", "p2"), ("r3", "p1")):
            store.add_link(_link(record_id, purpose))
        store.add_link(_link("x1", "p1"))
        ended = attrs.evolve(_link("r3", "p1"), state=LinkState.ENDED, ended_at=T0)
        store.update_link(ended)
        assert store.count_records(["p1", "p2"]) == RecordCounts(
            subjects=2, records=3, referenced=1
        )
        assert store.count_records(["p2"]) == RecordCounts(subjects=1, records=2, referenced=0)
        assert store.count_records(
            ["p1", "p2"], created_from=T0 + _HOUR, created_until=T0 + 2 * _HOUR
        ) == RecordCounts(subjects=1, records=1, referenced=0)
        assert store.count_records([]) == RecordCounts(subjects=0, records=0, referenced=0)
        with pytest.raises(NaiveDatetimeError):
            store.count_records(["p1"], created_from=T0.replace(tzinfo=None))

    def test_claim_arguments(self, store: Store) -> None:
        with pytest.raises(ValueError, match="lease_until"):
            store.claim_due(T0, worker="w", limit=1, lease_until=T0)
        with pytest.raises(ValueError, match="limit"):
            store.claim_due(T0, worker="w", limit=0, lease_until=T0 + _HOUR)

    def test_claims_shared_between_processes(self, tmp_path: pathlib.Path) -> None:
        store = self.make_store(tmp_path)
        try:
            keys = _due_links(store, 30)
            opener = self.store_opener(tmp_path)
            ctx = multiprocessing.get_context("spawn")
            results = ctx.Queue()
            workers = [
                ctx.Process(target=_worker_process, args=(opener, f"w{i}", results))
                for i in range(2)
            ]
            for process in workers:
                process.start()
            handled = [tuple(key) for _ in workers for key in results.get(timeout=60)]
            for process in workers:
                process.join(timeout=60)
                assert process.exitcode == 0
            assert sorted(handled) == sorted((k.record_id, k.purpose_id) for k in keys)
            assert store.count_due_links(T0) == 0
            AuditLog(store, _AUDIT_KEY).verify()
        finally:
            self.close_store(store)

    # --- consent, requests, holds, texts, disposals -----------------------------------

    def test_consent_events_by_time_then_insertion(self, store: Store) -> None:
        def event(event_id: str, at: dt.datetime, purpose: str = "news") -> ConsentEvent:
            return ConsentEvent(
                id=event_id,
                subject_id="s1",
                purpose_id=purpose,
                action="grant",
                at=at,
                text_hash="ab" * 32,
                channel="web",
                mechanism="checkbox",
                evidence={"form": "signup", "version": 3, "ok": True, "list": (1, 2)},
            )

        store.add_consent_event(event("e1", T0 + _HOUR))
        store.add_consent_event(event("e2", T0))
        store.add_consent_event(event("e3", T0 + _HOUR))
        store.add_consent_event(event("e4", T0, "ads"))
        with pytest.raises(ConflictError):
            store.add_consent_event(event("e1", T0))
        news = store.consent_events("s1", "news")
        assert [e.id for e in news] == ["e2", "e1", "e3"]
        assert news[0].evidence == {"form": "signup", "version": 3, "ok": True, "list": [1, 2]}
        assert [e.id for e in store.consent_events("s1")] == ["e2", "e4", "e1", "e3"]
        assert store.consent_events("s2") == []

    def test_requests(self, store: Store) -> None:
        req = SubjectRequest(
            id="q1",
            subject_id="s1",
            kind="access",
            received_at=T0,
            state="received",
            details={"channel": "email"},
        )
        store.add_request(req)
        store.add_request(attrs.evolve(req, id="q0", received_at=T0 + _HOUR))
        with pytest.raises(ConflictError):
            store.add_request(req)
        assert store.get_request("q1") == req
        done = store.update_request("q1", state="completed")
        assert done == attrs.evolve(req, state="completed")
        store.update_request("q1", state="completed", details={"n": 1})
        assert store.get_request("q1") == attrs.evolve(req, state="completed", details={"n": 1})
        assert [r.id for r in store.requests_of_subject("s1")] == ["q1", "q0"]
        with pytest.raises(NotFoundError):
            store.update_request("nope", state="x")

    def test_holds(self, store: Store) -> None:
        store.add_hold(_hold("h2", scope=HoldScope.SUBJECT, value="s1"))
        store.add_hold(_hold("h1", scope=HoldScope.SUBJECT, value="s1"))
        store.add_hold(_hold("h3", scope=HoldScope.PURPOSE, value="p1"))
        with pytest.raises(ConflictError):
            store.add_hold(_hold("h1"))
        assert [h.id for h in store.active_holds()] == ["h1", "h2", "h3"]
        released = store.release_hold("h1", at=T0 + _HOUR)
        assert released.released_at == T0 + _HOUR
        assert not released.active
        assert store.release_hold("h1", at=T0 + 2 * _HOUR) == released
        assert [h.id for h in store.active_holds(scope=HoldScope.SUBJECT)] == ["h2"]
        assert [h.id for h in store.active_holds(scope_value="p1")] == ["h3"]
        assert store.get_hold("h1") == released
        with pytest.raises(NotFoundError):
            store.release_hold("nope", at=T0)

    def test_requests_in_state(self, store: Store) -> None:
        for i, state in enumerate(("received", "completed", "verifying", "received")):
            store.add_request(
                SubjectRequest(
                    id=f"q{i}",
                    subject_id="s1",
                    kind="access",
                    received_at=T0 + i * _HOUR,
                    state=state,
                )
            )
        open_ones = store.requests_in_state(["received", "verifying"], limit=10)
        assert [r.id for r in open_ones] == ["q0", "q2", "q3"]
        assert [r.id for r in store.requests_in_state(["received"], limit=1)] == ["q0"]
        assert store.requests_in_state([], limit=10) == []

    def test_disposal_tasks(self, store: Store) -> None:
        task = DisposalTask(
            id="t1",
            record_id="r1",
            subject_id="s1",
            external_ref="crm:1",
            purpose_id="p1",
            action="remove_fields",
            categories=["email"],
            reason="retention",
            due_at=T0,
            created_at=T0,
            next_attempt_at=T0,
        )
        store.add_task(task)
        store.add_task(attrs.evolve(task, id="t0", created_at=T0 + _HOUR, next_attempt_at=T0))
        with pytest.raises(ConflictError):
            store.add_task(task)
        assert store.get_task("t1") == task
        assert [t.id for t in store.tasks(ready_at=T0, limit=10)] == ["t0", "t1"]
        claimed = store.claim_task("t1", now=T0, until=T0 + _HOUR)
        assert claimed == attrs.evolve(task, attempts=1, next_attempt_at=T0 + _HOUR)
        assert store.claim_task("t1", now=T0, until=T0 + _HOUR) is None
        assert [t.id for t in store.tasks(ready_at=T0, limit=10)] == ["t0"]
        done = attrs.evolve(claimed, state=TaskState.DONE, done_at=T0 + _HOUR)
        store.update_task(done)
        assert store.claim_task("t1", now=T0 + 2 * _HOUR, until=T0 + 3 * _HOUR) is None
        assert store.claim_task("nope", now=T0, until=T0 + _HOUR) is None
        assert [t.id for t in store.tasks(state=TaskState.DONE, limit=10)] == ["t1"]
        assert [t.id for t in store.tasks(limit=10)] == ["t1", "t0"]
        with pytest.raises(NotFoundError):
            store.update_task(attrs.evolve(task, id="nope"))

    def test_suppressions_survive_the_subject(self, store: Store) -> None:
        _subject(store)
        entry = Suppression(digest=b"\x01d", scope="email_marketing", created_at=T0, basis="21(3)")
        store.add_suppression(entry)
        store.add_suppression(attrs.evolve(entry, created_at=T0 + _HOUR))
        store.delete_subject("s1")
        assert store.is_suppressed(b"\x01d", "email_marketing")
        assert not store.is_suppressed(b"\x01d", "other")
        assert not store.is_suppressed(b"\x02d", "email_marketing")

    def test_reviews(self, store: Store) -> None:
        task = ReviewTask(
            id="v1",
            record_id="r1",
            purpose_id="p1",
            subject_id="s1",
            due_at=T0,
            created_at=T0 + _HOUR,
        )
        store.add_review(task)
        store.add_review(attrs.evolve(task, id="v0", created_at=T0 + 2 * _HOUR))
        with pytest.raises(ConflictError):
            store.add_review(task)
        assert store.get_review("v1") == task
        assert store.get_review("nope") is None
        decided = attrs.evolve(
            task,
            state=ReviewState.EXTENDED,
            decided_at=T0 + 3 * _HOUR,
            decided_by="dpo",
            justification="litigation expected",
            keep_until=T0 + 100 * _HOUR,
        )
        store.update_review(decided)
        assert store.get_review("v1") == decided
        assert [t.id for t in store.reviews(limit=10)] == ["v1", "v0"]
        assert [t.id for t in store.reviews(state=ReviewState.PENDING, limit=10)] == ["v0"]
        assert store.reviews(limit=1)[0].id == "v1"
        with pytest.raises(NotFoundError):
            store.update_review(attrs.evolve(decided, id="nope"))

    def test_breaches(self, store: Store) -> None:
        breach = BreachRecord(
            id="b1", aware_at=T0 + _HOUR, created_at=T0 + _HOUR, state="open", details={"n": 1}
        )
        store.add_breach(breach)
        store.add_breach(attrs.evolve(breach, id="b0", aware_at=T0.astimezone(_CEST)))
        with pytest.raises(ConflictError):
            store.add_breach(breach)
        assert store.get_breach("b1") == breach
        assert store.get_breach("nope") is None
        updated = store.update_breach("b1", state="notified", details={"n": 2, "ids": ("a",)})
        assert updated == attrs.evolve(breach, state="notified", details={"n": 2, "ids": ["a"]})
        assert store.get_breach("b1") == updated
        assert [b.id for b in store.breaches()] == ["b0", "b1"]
        with pytest.raises(NotFoundError):
            store.update_breach("nope", state="x", details={})

    def test_published_texts_are_idempotent(self, store: Store) -> None:
        text = PublishedText.of(
            "Vi behandlar … data", kind="notice", language="sv", published_at=T0
        )
        assert store.publish_text(text) == text
        again = attrs.evolve(text, published_at=T0 + _HOUR)
        assert store.publish_text(again) == text
        assert store.get_text(text.sha256) == text
        assert store.get_text("00" * 32) is None

    def test_disposals(self, store: Store) -> None:
        record = DisposalRecord(
            id="d1",
            record_id="r1",
            subject_id="s1",
            purpose_ids=["p1", "p2"],
            rule="3 years after contract end",
            action="delete",
            due_at=T0,
            executed_at=T0 + _HOUR,
            fields_removed=["email", "name"],
        )
        store.add_disposal(record)
        store.add_disposal(attrs.evolve(record, id="d0", executed_at=T0 + 2 * _HOUR))
        with pytest.raises(ConflictError):
            store.add_disposal(record)
        assert store.get_disposal("d1") == record
        assert store.get_disposal("d1").digest() == record.digest()  # type: ignore[union-attr]
        assert [d.id for d in store.disposals_of_subject("s1")] == ["d1", "d0"]
        store.add_disposal(attrs.evolve(record, id="d2", executed_at=T0 + _HOUR))
        window = store.disposals_executed(T0, T0 + 2 * _HOUR, limit=10)
        assert [d.id for d in window] == ["d1", "d2"]
        page = store.disposals_executed(T0, T0 + 3 * _HOUR, after=window[0], limit=1)
        assert [d.id for d in page] == ["d2"]
        assert store.disposals_executed(T0 + 3 * _HOUR, T0 + 4 * _HOUR, limit=10) == []

    # --- audit ------------------------------------------------------------------------

    def test_audit_storage_keeps_sequence(self, store: Store) -> None:
        entry = AuditEntry(
            seq=1,
            at=T0,
            actor="a",
            action="x",
            ids=["r1"],
            details={"n": 1},
            covers=[],
            prev_hash="0" * 64,
            hash="1" * 64,
            mac="m",
        )
        seal = AuditSeal(seq=1, hash="1" * 64, mac="s")
        with pytest.raises(ConflictError):
            store.append_audit_entry(attrs.evolve(entry, seq=2), seal=attrs.evolve(seal, seq=2))
        store.append_audit_entry(entry, seal=seal)
        with pytest.raises(ConflictError):
            store.append_audit_entry(entry, seal=seal)
        second = attrs.evolve(entry, seq=2)
        store.append_audit_entry(second, seal=attrs.evolve(seal, seq=2))
        assert store.audit_entries() == [entry, second]
        assert store.audit_entries(after_seq=1) == [second]
        assert store.audit_entries(limit=1) == [entry]
        assert store.audit_seal() == attrs.evolve(seal, seq=2)
        assert store.delete_audit_entries(through_seq=1) == 1
        assert store.audit_entries() == [second]

    def test_audit_log_on_this_store(self, store: Store) -> None:
        log = AuditLog(store, _AUDIT_KEY)
        assert log.verify() == (0, "0" * 64)
        with store.transaction():
            _subject(store)
            first = log.append(actor="svc", action="subject.added", ids=["s1"], at=T0)
        head = log.head()
        assert head == (1, first.hash)
        log.append(actor="svc", action="x", covers=["ab" * 32], at=T0 + _HOUR)
        assert log.verify(expected_head=head)[0] == 2
        with pytest.raises(AuditChainError):
            AuditLog(store, bytes(32)).verify()

    # --- keys -------------------------------------------------------------------------

    def test_keys(self, store: Store) -> None:
        store.add_wrapped_key(_key(2, version=2))
        store.add_wrapped_key(_key(1, version=1))
        store.add_wrapped_key(_key(3, version=1, owner="ring", kek=2))
        with pytest.raises(ConflictError):
            store.add_wrapped_key(_key(1, version=9))
        with pytest.raises(ConflictError):
            store.add_wrapped_key(_key(9, version=1))
        assert [k.key_id for k in store.wrapped_keys_of("subject:s1")] == [1, 2]
        assert store.get_wrapped_key(1) == _key(1)
        assert store.get_wrapped_key(99) is None
        rewrapped = attrs.evolve(_key(1), kek_version=2, wrapped=b"new", created_at=T0 + _HOUR)
        store.replace_wrapped_key(rewrapped)
        assert store.get_wrapped_key(1) == attrs.evolve(rewrapped, created_at=T0)
        with pytest.raises(NotFoundError):
            store.replace_wrapped_key(_key(1, version=2))
        by_kek = store.wrapped_keys_by_kek("kek", 2, after_key_id=None, limit=1)
        assert [k.key_id for k in by_kek] == [1]
        by_kek = store.wrapped_keys_by_kek("kek", 2, after_key_id=1, limit=5)
        assert [k.key_id for k in by_kek] == [3]

    def test_destroy_keys_of_several_owners(self, store: Store) -> None:
        store.add_wrapped_key(_key(1, version=1))
        store.add_wrapped_key(_key(2, version=2))
        store.add_wrapped_key(_key(3, version=1, owner="subject:s2"))
        store.add_wrapped_key(_key(4, version=1, owner="subject:s3"))
        stones = store.destroy_keys_of_owners(
            ["subject:s2", "subject:s1", "nobody"], at=T0.astimezone(_CEST), reason="retention"
        )
        assert sorted((s.owner, s.key_id, s.version) for s in stones) == [
            ("subject:s1", 1, 1),
            ("subject:s1", 2, 2),
            ("subject:s2", 3, 1),
        ]
        assert all(s.destroyed_at == T0 and s.reason == "retention" for s in stones)
        assert store.get_key_tombstone(3) is not None
        assert store.wrapped_keys_of("subject:s1") == []
        assert [k.key_id for k in store.wrapped_keys_of("subject:s3")] == [4]
        assert store.destroy_keys_of_owners([], at=T0, reason="r") == []

    def test_destroyed_keys_leave_tombstones(self, store: Store) -> None:
        for i in (1, 2, 3):
            store.add_wrapped_key(_key(i, version=i))
        stones = store.destroy_wrapped_keys("subject:s1", versions=[1, 2], at=T0, reason="erasure")
        assert [(s.key_id, s.version) for s in stones] == [(1, 1), (2, 2)]
        assert store.get_wrapped_key(1) is None
        assert store.get_key_tombstone(2) == stones[1]
        assert store.get_key_tombstone(3) is None
        with pytest.raises(ConflictError):
            store.add_wrapped_key(_key(1, version=5))
        assert store.destroy_wrapped_keys("nobody", versions=None, at=T0, reason="r") == []
        rest = store.destroy_wrapped_keys("subject:s1", versions=None, at=T0, reason="erasure")
        assert [s.key_id for s in rest] == [3]
        assert store.wrapped_keys_of("subject:s1") == []


def _hold(hold_id: str, *, scope: HoldScope = HoldScope.RECORD, value: str = "r1") -> Hold:
    return Hold(
        id=hold_id,
        scope=scope,
        scope_value=value,
        reason="litigation",
        matter_ref="M-1",
        created_by="dpo",
        created_at=T0,
    )
