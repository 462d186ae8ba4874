"""SQLiteStore must behave exactly like MemoryStore, the specification, on random histories."""

import datetime as dt

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from gdprkit.errors import GdprKitError
from gdprkit.storage.memory import MemoryStore
from gdprkit.storage.sqlite import SQLiteStore
from gdprkit.storage.types import (
    BlindIndexEntry,
    Hold,
    LinkKey,
    LinkState,
    PurposeLink,
    Record,
    Subject,
)

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SUBJECTS = st.sampled_from(["s0", "s1", "s2"])
RECORDS = st.sampled_from(["r0", "r1", "r2", "r3"])
PURPOSES = st.sampled_from(["p0", "p1"])
HOURS = st.integers(-3, 3).map(lambda h: T0 + dt.timedelta(hours=h))
CATEGORIES = st.sets(st.sampled_from(["email", "name", "phone"]))
WORKERS = st.sampled_from(["w0", "w1"])


class BoomError(Exception):
    pass


class StoreComparison(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.memory = MemoryStore()
        self.sqlite = SQLiteStore(":memory:")
        self.claims = []

    def teardown(self):
        self.sqlite.close()

    def both(self, action):
        """Run *action* on both stores; they must agree on the result or the error type."""
        outcomes = []
        for store in (self.memory, self.sqlite):
            try:
                outcomes.append(("ok", action(store)))
            except GdprKitError as exc:
                outcomes.append(("error", type(exc)))
            except (ValueError, TypeError, BoomError) as exc:
                outcomes.append(("error", type(exc)))
        assert outcomes[0] == outcomes[1], outcomes
        return outcomes[0]

    @initialize(eligible=st.lists(st.none() | HOURS, min_size=4, max_size=4))
    def seed(self, eligible):
        """Start from a few subjects, records and links so short runs reach the claims."""
        for store in (self.memory, self.sqlite):
            for sid in ("s0", "s1"):
                store.add_subject(Subject(id=sid, created_at=T0))
            for i, when in enumerate(eligible):
                store.add_record(
                    Record(
                        id=f"r{i}",
                        subject_id=f"s{i % 2}",
                        kind="managed",
                        created_at=T0,
                        fields={"email": b"e", "name": b"n"},
                    ),
                )
                for pid in ("p0", "p1"):
                    store.add_link(
                        PurposeLink(
                            record_id=f"r{i}", purpose_id=pid, created_at=T0, eligible_from=when
                        ),
                    )

    @rule(sid=SUBJECTS, at=HOURS)
    def add_subject(self, sid, at):
        self.both(lambda s: s.add_subject(Subject(id=sid, created_at=at)))

    @rule(sid=SUBJECTS)
    def delete_subject(self, sid):
        self.both(lambda s: s.delete_subject(sid))

    @rule(sid=SUBJECTS, digest=st.sampled_from([b"a", b"b"]))
    def add_blind_index(self, sid, digest):
        entry = BlindIndexEntry(subject_id=sid, index_name="email", digest=digest)
        self.both(lambda s: s.add_blind_index(entry))

    @rule(sid=SUBJECTS)
    def remove_blind_index(self, sid):
        self.both(lambda s: s.remove_blind_index(sid))

    @rule(rid=RECORDS, sid=SUBJECTS, cats=CATEGORIES, at=HOURS)
    def add_record(self, rid, sid, cats, at):
        record = Record(
            id=rid,
            subject_id=sid,
            kind="managed",
            created_at=at,
            fields={c: c.encode() for c in cats},
        )
        self.both(lambda s: s.add_record(record))

    @rule(rid=RECORDS, cats=CATEGORIES)
    def put_fields(self, rid, cats):
        self.both(lambda s: s.put_fields(rid, {c: b"v2-" + c.encode() for c in cats}))

    @rule(rid=RECORDS, cats=CATEGORIES)
    def remove_fields(self, rid, cats):
        self.both(lambda s: s.remove_fields(rid, cats))

    @rule(rid=RECORDS)
    def delete_record(self, rid):
        self.both(lambda s: s.delete_record(rid))

    @rule(rid=RECORDS, pid=PURPOSES, eligible=st.none() | HOURS, at=HOURS)
    def add_link(self, rid, pid, eligible, at):
        link = PurposeLink(record_id=rid, purpose_id=pid, created_at=at, eligible_from=eligible)
        self.both(lambda s: s.add_link(link))

    @rule(
        rid=RECORDS,
        pid=PURPOSES,
        eligible=st.none() | HOURS,
        end=st.booleans(),
        restricted=st.booleans(),
    )
    def update_link(self, rid, pid, eligible, end, restricted):
        link = PurposeLink(
            record_id=rid,
            purpose_id=pid,
            created_at=T0,
            eligible_from=eligible,
            triggers={"contract_end": T0} if eligible else {},
            state=LinkState.ENDED if end else LinkState.LIVE,
            ended_at=T0 if end else None,
            end_reason="r" if end else None,
            restricted=restricted,
        )
        self.both(lambda s: s.update_link(link))

    @rule(now=HOURS, worker=WORKERS, limit=st.integers(1, 3), lease=st.integers(1, 3))
    def claim_due(self, now, worker, limit, lease):
        until = now + dt.timedelta(hours=lease)
        claims = []

        def claim(store):
            got = store.claim_due(now, worker=worker, limit=limit, lease_until=until)
            claims.append(got.id)
            return attrs.evolve(got, id="-")

        if self.both(claim)[0] == "ok":
            self.claims.append(claims)

    @precondition(lambda self: self.claims)
    @rule(
        data=st.data(),
        worker=WORKERS,
        now=HOURS,
        defer=st.sets(st.tuples(RECORDS, PURPOSES), max_size=2),
    )
    def complete_claim(self, data, worker, now, defer):
        ids = data.draw(st.sampled_from(self.claims))
        keys = [LinkKey(record_id=r, purpose_id=p) for r, p in defer]
        until = now + dt.timedelta(hours=2)

        def complete(store):
            claim_id = ids[0] if store is self.memory else ids[1]
            store.complete_claim(claim_id, worker=worker, now=now, defer=keys, defer_until=until)

        self.both(complete)

    @rule(hid=st.sampled_from(["h0", "h1"]), value=SUBJECTS)
    def add_hold(self, hid, value):
        hold = Hold(
            id=hid,
            scope="subject",
            scope_value=value,
            reason="r",
            matter_ref="m",
            created_by="dpo",
            created_at=T0,
        )
        self.both(lambda s: s.add_hold(hold))

    @rule(hid=st.sampled_from(["h0", "h1"]), at=HOURS)
    def release_hold(self, hid, at):
        self.both(lambda s: s.release_hold(hid, at=at))

    @rule(sid=SUBJECTS, rid=RECORDS, pid=PURPOSES)
    def failing_transaction(self, sid, rid, pid):
        def fail(store):
            with store.transaction():
                store.remove_blind_index(sid)
                if store.get_record(rid) is not None:
                    store.remove_fields(rid, ["email"])
                    store.delete_record(rid)
                store.add_subject(Subject(id=f"tmp-{sid}-{pid}", created_at=T0))
                raise BoomError

        self.both(fail)

    @invariant()
    def stores_agree(self):
        for sid in ("s0", "s1", "s2"):
            self.both(lambda s, sid=sid: s.get_subject(sid))
            self.both(lambda s, sid=sid: s.records_of_subject(sid))
            self.both(lambda s, sid=sid: s.links_of_subject(sid))
        for digest in (b"a", b"b"):
            self.both(lambda s, d=digest: s.find_subjects("email", d))
        for hours in (-3, 0, 3):
            now = T0 + dt.timedelta(hours=hours)
            self.both(lambda s, now=now: s.count_due_links(now))
            self.both(lambda s, now=now: s.links_awaiting_trigger(now, limit=10))
        self.both(lambda s: s.count_awaiting_trigger())
        self.both(lambda s: s.active_holds())
        self.both(lambda s: s.links_of_purpose("p0", after=None, limit=10))
        after = LinkKey(record_id="r1", purpose_id="p1")
        self.both(lambda s: s.links_of_purpose("p0", after=after, limit=2))
        self.both(lambda s: s.links_of_purpose("p1", after=after, limit=2))


StoreComparison.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=30,
    deadline=None,
)
TestStoreComparison = StoreComparison.TestCase
