"""Shared pieces of the breach tests: the example policy, a populated store, a register."""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

import attrs

from gdprkit.audit import AuditLog
from gdprkit.breaches import BreachRegister
from gdprkit.clock import FixedClock
from gdprkit.policy import load_policy
from gdprkit.policy.examples import example_path
from gdprkit.storage.types import LinkState, PurposeLink, Record, RecordKind, Subject

STOCKHOLM = ZoneInfo("Europe/Stockholm")
AUDIT_KEY = b"breach-tests-audit-key-32-bytes!"
T0 = dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.UTC)

FACTS = {
    "en": "A laptop holding an export of the customer register was stolen from a car.",
    "sv": "En bärbar dator med en export av kundregistret stals ur en bil.",
}
CONSEQUENCES = {
    "en": "Customers may receive convincing phishing e-mails.",
    "sv": "Kunder kan få övertygande nätfiskemejl.",
}
MEASURES = {
    "en": "The laptop was wiped remotely and every customer password was reset.",
    "sv": "Datorn raderades på distans och alla kunders lösenord återställdes.",
}


def sthlm(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


def policy():
    return load_policy(example_path("true_fiction_production"))


@attrs.frozen
class Population:
    """What was put in the store, so expected counts are computed without the store."""

    records: dict  # record id -> (subject id, kind, created_at)
    links: dict  # (record id, purpose id) -> live?

    def expected(self, purposes, *, created_from=None, created_until=None):
        ids = {r for (r, p), live in self.links.items() if live and p in purposes}
        chosen = [
            (rid, *self.records[rid])
            for rid in ids
            if (created_from is None or self.records[rid][2] >= created_from)
            and (created_until is None or self.records[rid][2] < created_until)
        ]
        return (
            len({subject for _, subject, _, _ in chosen}),
            len(chosen),
            sum(1 for _, _, kind, _ in chosen if kind is RecordKind.REFERENCED),
        )


# (record, subject, kind, hours after T0, [(purpose, live)])
LAYOUT = [
    ("r1", "s1", RecordKind.MANAGED, 0, [("contract", True), ("bookkeeping", True)]),
    ("r2", "s1", RecordKind.MANAGED, 1, [("email_marketing", True)]),
    ("r3", "s2", RecordKind.MANAGED, 2, [("contract", True)]),
    ("r4", "s2", RecordKind.MANAGED, 3, [("bookkeeping", False)]),
    ("r5", "s3", RecordKind.REFERENCED, 4, [("website_analytics", True)]),
    ("r6", "s4", RecordKind.MANAGED, 5, [("website_functionality", True)]),
    ("r7", "s5", RecordKind.REFERENCED, 6, [("bookkeeping", True)]),
    ("r8", "s6", RecordKind.MANAGED, 7, [("website_analytics", False), ("contract", True)]),
    ("r9", "s7", RecordKind.MANAGED, 8, [("email_marketing", False)]),
]


def populate(store, layout=LAYOUT) -> Population:
    """Put subjects, records (managed with opaque bytes, or referenced) and links in *store*."""
    records, links = {}, {}
    subjects = sorted({row[1] for row in layout})
    for subject in subjects:
        store.add_subject(Subject(id=subject, created_at=T0))
    for record_id, subject, kind, hours, purposes in layout:
        created = T0 + dt.timedelta(hours=hours)
        if kind is RecordKind.MANAGED:
            fields = {"name": hashlib.sha256(record_id.encode()).digest()}
            record = Record(
                id=record_id, subject_id=subject, kind=kind, created_at=created, fields=fields
            )
        else:
            record = Record(
                id=record_id,
                subject_id=subject,
                kind=kind,
                created_at=created,
                external_ref=f"crm:{record_id}",
            )
        store.add_record(record)
        records[record_id] = (subject, kind, created)
        for purpose, live in purposes:
            link = PurposeLink(record_id=record_id, purpose_id=purpose, created_at=created)
            if not live:
                link = attrs.evolve(
                    link, state=LinkState.ENDED, ended_at=created, end_reason="test"
                )
            store.add_link(link)
            links[(record_id, purpose)] = live
    return Population(records=records, links=links)


def make_register(store, *, at=T0, the_policy=None):
    clock = FixedClock(at)
    audit = AuditLog(store, AUDIT_KEY, clock=clock)
    return BreachRegister(store, the_policy or policy(), audit, clock), clock, audit


def snapshot(store):
    """Everything a breach step may write: the register, the audit log and the kept texts."""
    breaches = [(b.id, b.state, b.details) for b in store.breaches()]
    entries = [(e.seq, e.hash) for e in store.audit_entries()]
    return breaches, entries, store.audit_seal()


def register_breach(register, breach_id="2026-001", *, aware="2026-03-02 10:00", **extra):
    aware_at = sthlm(aware)
    args = {
        "aware_at": aware_at,
        "detected_at": aware_at - dt.timedelta(minutes=30),
        "facts": FACTS,
        "types": ["confidentiality"],
        "actor": "dpo",
    }
    args.update(extra)
    return register.register(breach_id, **args)
