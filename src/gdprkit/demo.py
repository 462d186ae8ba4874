"""The end-to-end demo: eight and a half years of a software shop's customers in a minute.

:func:`run_demo` builds a :class:`~gdprkit.service.PrivacyService` on a fresh SQLite file
with the bundled policy of The Art Of Planning AB, then moves a :class:`~gdprkit.clock.
FixedClock` day by day from 1 January 2026 to 30 June 2034. Synthetic customers (names
and ``example.com`` addresses drawn from ``random.Random(seed)``, no real personal data)
buy a licence during 2026: an order record (licence and invoice), product e-mails
(soft opt-in, Marknadsföringslagen 19 §) and, for some, a partner offer on consent
(Art. 6(1)(a)) and a support case. Over the years they renew or leave, withdraw consent
(Art. 7(3)), follow one-click unsubscribe links (Art. 21(2)), and three of them show one
right each: an unsubscribe, an access request (Art. 15) and an erasure request with an
invoice kept under the Bookkeeping Act (Art. 17(3)(b)). Every morning the retention
engine sweeps; at the end the audit chain is verified.

Only the public API is used, so the demo is also a worked example of wiring gdprkit in.
The database and the demo's key-encryption key stay in the directory given, for
exploring afterwards; the key is a throwaway for this demo only.

gdprkit is not legal advice.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import random
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from gdprkit.clock import FixedClock
from gdprkit.crypto import LocalKeyProvider, generate_kek
from gdprkit.errors import AccessDenied, InvalidInputError
from gdprkit.legaltime import describe_rule, law_name, local_date
from gdprkit.policy import load_policy
from gdprkit.policy.examples import example_path
from gdprkit.requests import REQUIRED_ITEMS, RightsDesk
from gdprkit.requests.access import keep_through
from gdprkit.retention import SweepReport
from gdprkit.service import PrivacyService
from gdprkit.storage import SQLiteStore
from gdprkit.storage.types import LinkState

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import TextIO

    from gdprkit.policy.model import Policy
    from gdprkit.retention.engine import SweepProgress

__all__ = [
    "DATABASE_NAME",
    "EXAMPLE",
    "KEK_NAME",
    "MAX_CUSTOMERS",
    "AccessOutcome",
    "DemoReport",
    "ErasureOutcome",
    "KeptItem",
    "RemainingPurpose",
    "SweepYear",
    "UnsubscribeOutcome",
    "run_demo",
]

EXAMPLE = "the_art_of_planning"
"""The bundled example policy the demo runs (see :mod:`gdprkit.policy.examples`)."""

DATABASE_NAME = "gdprkit-demo.sqlite3"
"""The SQLite file the demo creates in its directory."""

KEK_NAME = "gdprkit-demo.kek"
"""The file holding the demo's throwaway key-encryption key, next to the database."""

MAX_CUSTOMERS = 100_000
"""The most customers one run creates."""

_START = dt.date(2026, 1, 1)
_END = dt.date(2034, 6, 30)
_SWEEP_HOUR = 6
_OFFICE_HOUR = 10
_BATCH = 500
_STORIES = 3  # customers 0, 1 and 2 each show one right

# How the synthetic customers behave: the chance that a customer...
_MAILING = 0.85  # keeps the soft opt-in to product e-mails
_PARTNER = 0.2  # signs up for a partner offer (consent)
_RENEW = 0.45  # renews the licence at each anniversary (else the contract ends)
_UNSUBSCRIBE = 0.08  # follows an unsubscribe link within 20 months
_WITHDRAW = 0.3  # withdraws the partner consent within 30 months
_SUPPORT = 0.2  # opens a support case in the first ten months

_FIRST = (
    "Alva", "Bo", "Cleo", "Dag", "Ebba", "Frej", "Greta", "Hugo", "Idun", "Juni", "Kai",
    "Lo", "Mio", "Nils", "Ofelia", "Pim", "Rut", "Sixten", "Tyra", "Uno", "Vera", "Wilmer",
    "Ylva", "Åke",
)  # fmt: skip
_LAST = (
    "Ahlgren", "Bergvik", "Dalström", "Ekholt", "Fjällman", "Granlöv", "Hedvik",
    "Isaksdal", "Järnberg", "Kvarnlid", "Lindmo", "Myrberg", "Norrsjö", "Ormlund",
    "Pilqvist", "Rosendal", "Sandvik", "Tallberg", "Uddholm", "Vassmo",
)  # fmt: skip
_COMPANY = ("Planering", "Kalender", "Projekt", "Tidsplan", "Översikt", "Arbetsflöde")
_SUFFIX = ("Konsult", "Bygg", "Design", "Data", "Event", "Logistik")
_STREETS = ("Exempelgatan", "Provvägen", "Testgränd", "Demotorget", "Skissallén")
_PRODUCTS = ("Planner Pro", "Planner Team", "Planner Web")
_TOPICS = ("licence activation", "invoice question", "import of old plans", "login problem")
_ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "Å": "A", "Ä": "A", "Ö": "O"})

_CATEGORY_WORDS = {
    "delivery_and_licences": "licences",
    "invoicing": "invoices",
    "bookkeeping": "invoices",
    "product_information": "mailing-list entries",
    "partner_offers": "partner-offer sign-ups",
    "support": "support cases",
}


# --- the report -------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class UnsubscribeOutcome:
    """The one-click unsubscribe the demo follows (Art. 21(2),(3); RFC 8058).

    Attributes:
        on: The local day the link was followed.
        links_ended: The customer's product e-mail links ended at once.
        marketing_stopped: A marketing read is refused and the address is suppressed.
        invoicing_untouched: The invoice still reads for invoicing and the address is not
            suppressed for it: an objection to direct marketing ends nothing else.
    """

    on: dt.date
    links_ended: int
    marketing_stopped: bool
    invoicing_untouched: bool


@attrs.frozen(kw_only=True)
class AccessOutcome:
    """The access request the demo answers (Art. 15, deadline Art. 12(3)).

    Attributes:
        received: The local day it arrived.
        answered: The local day it was answered.
        due: The last day of the one-month period (not moved past holidays).
        items_provided: Art. 15 items the package gives.
        items_not_applicable: Art. 15 items the package states do not apply.
        records: Records disclosed.
        fields: Field values disclosed.
    """

    received: dt.date
    answered: dt.date
    due: dt.date
    items_provided: int
    items_not_applicable: int
    records: int
    fields: int

    @property
    def on_time(self) -> bool:
        """Whether the answer went out within the deadline."""
        return self.answered <= self.due


@attrs.frozen(kw_only=True)
class KeptItem:
    """What an erasure kept for one purpose, under which Art. 17(3) exception, until when.

    Attributes:
        purpose_id: The purpose that keeps it.
        categories: The category ids kept.
        exception: The exception, e.g. ``legal_obligation``.
        article: Its point of Art. 17(3), e.g. ``17(3)(b)``.
        law: The law that requires keeping it, when one does.
        keep_through: The last local day it is kept.
    """

    purpose_id: str
    categories: tuple[str, ...]
    exception: str
    article: str
    law: str | None
    keep_through: dt.date | None


@attrs.frozen(kw_only=True)
class ErasureOutcome:
    """The erasure request the demo answers (Art. 17; LEGAL.md DSR-11).

    Attributes:
        on: The local day it was answered.
        links_ended: Purpose links ended by the erasure.
        records_deleted: Records deleted whole.
        fields_removed: Fields removed from records that stay.
        kept: What stays, why and until when.
    """

    on: dt.date
    links_ended: int
    records_deleted: int
    fields_removed: int
    kept: tuple[KeptItem, ...]


@attrs.frozen(kw_only=True)
class SweepYear:
    """What was disposed of in one calendar year, and why (Art. 5(1)(e), 5(2)).

    The counts are the daily sweeps' plus, in its year, the erasure request's, which
    disposes of what it erases at once rather than waiting for the next sweep.

    Attributes:
        year: The year.
        sweeps: Sweeps run.
        batches: Sweep batches committed.
        links_ended: Purpose links ended (one disposal record each).
        fields_removed: Fields removed from records that stay.
        records_disposed: Records deleted.
        subjects_shredded: Customers whose keys the sweeps destroyed, nothing of theirs
            remaining.
        by_reason: Links ended per reason, as the disposal records state it: the
            retention rule in words, or the objection, erasure or consent withdrawal.
    """

    year: int
    sweeps: int
    batches: int
    links_ended: int
    fields_removed: int
    records_disposed: int
    subjects_shredded: int
    by_reason: tuple[tuple[str, int], ...]


@attrs.frozen(kw_only=True)
class RemainingPurpose:
    """The live links of one purpose when the demo ends, and why they are still there.

    Attributes:
        purpose_id: The purpose.
        name: Its name.
        links: Live links.
        awaiting: Links whose retention clock has not started (the trigger event has
            not happened, e.g. the contract still runs).
        event: The trigger event they wait for.
        rule: The retention rule in words.
        law: The law the purpose keeps data under, when one.
        first_keep_through: The earliest last day of the scheduled links.
        last_keep_through: The latest last day of the scheduled links.
    """

    purpose_id: str
    name: str
    links: int
    awaiting: int
    event: str | None
    rule: str
    law: str | None
    first_keep_through: dt.date | None
    last_keep_through: dt.date | None


def _counts(pairs: tuple[tuple[str, int], ...]) -> dict[str, int]:
    return dict(pairs)


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


@attrs.frozen(kw_only=True)
class DemoReport:
    """What :func:`run_demo` did: render it with :meth:`render`, serialise with :meth:`to_dict`.

    Attributes:
        organisation: The organisation of the policy.
        policy_version: The policy's version label.
        example: The bundled example the policy came from.
        database: The SQLite file the demo left.
        seed: The seed of the synthetic data.
        customers: Customers created.
        start: The first local day of the run.
        end: The last local day of the run.
        records_created: Records stored over the run.
        records_stored: Records stored per purpose (a record can serve several).
        renewals: Licence renewals (each a new invoice).
        contracts_ended: Customers who left (``contract_end`` recorded).
        consents_granted: Partner-offer consents given.
        consents_withdrawn: Partner-offer consents withdrawn.
        unsubscribes: One-click unsubscribe links followed.
        support_cases: Support cases opened.
        unsubscribe: The unsubscribe shown in detail.
        access: The access request.
        erasure: The erasure request.
        years: The daily sweeps, per calendar year.
        disposals_by_action: Disposal records per action, sweeps and erasure together.
        max_lateness: The longest time a disposal ran after its due instant.
        records_remaining: Records left at the end.
        subjects_remaining: Customers with anything left at the end.
        remaining: The live links left per purpose, and why.
        audit_entries: Entries in the audit log at the end.
        audit_verified_through: The last entry :meth:`AuditLog.verify` checked; equal to
            ``audit_entries`` when the whole chain verified.
        elapsed_seconds: Wall-clock time of the run.
    """

    organisation: str
    policy_version: str
    example: str
    database: str
    seed: int
    customers: int
    start: dt.date
    end: dt.date
    records_created: int
    records_stored: tuple[tuple[str, int], ...]
    renewals: int
    contracts_ended: int
    consents_granted: int
    consents_withdrawn: int
    unsubscribes: int
    support_cases: int
    unsubscribe: UnsubscribeOutcome
    access: AccessOutcome
    erasure: ErasureOutcome
    years: tuple[SweepYear, ...]
    disposals_by_action: tuple[tuple[str, int], ...]
    max_lateness: dt.timedelta | None
    records_remaining: int
    subjects_remaining: int
    remaining: tuple[RemainingPurpose, ...]
    audit_entries: int
    audit_verified_through: int
    elapsed_seconds: float

    def reasons(self) -> list[str]:
        """Every reason links were ended for, most frequent first (the report's legend)."""
        totals: collections.Counter[str] = collections.Counter()
        for year in self.years:
            totals.update(_counts(year.by_reason))
        return [reason for reason, _ in sorted(totals.items(), key=lambda x: (-x[1], x[0]))]

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-able data: every count, dates as ISO 8601 strings."""
        lateness = self.max_lateness
        return {
            "policy": {
                "organisation": self.organisation,
                "version": self.policy_version,
                "example": self.example,
            },
            "database": self.database,
            "seed": self.seed,
            "customers": self.customers,
            "period": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "records_created": self.records_created,
            "records_stored": _counts(self.records_stored),
            "renewals": self.renewals,
            "contracts_ended": self.contracts_ended,
            "consents": {"granted": self.consents_granted, "withdrawn": self.consents_withdrawn},
            "unsubscribes": self.unsubscribes,
            "support_cases": self.support_cases,
            "unsubscribe": {
                **attrs.asdict(self.unsubscribe),
                "on": self.unsubscribe.on.isoformat(),
            },
            "access": {
                **attrs.asdict(self.access),
                "received": self.access.received.isoformat(),
                "answered": self.access.answered.isoformat(),
                "due": self.access.due.isoformat(),
                "on_time": self.access.on_time,
            },
            "erasure": {
                "on": self.erasure.on.isoformat(),
                "links_ended": self.erasure.links_ended,
                "records_deleted": self.erasure.records_deleted,
                "fields_removed": self.erasure.fields_removed,
                "kept": [
                    {
                        **attrs.asdict(item),
                        "categories": list(item.categories),
                        "keep_through": _iso(item.keep_through),
                    }
                    for item in self.erasure.kept
                ],
            },
            "sweeps": [
                {**attrs.asdict(year), "by_reason": _counts(year.by_reason)} for year in self.years
            ],
            "disposals": {
                "total": sum(n for _, n in self.disposals_by_action),
                "by_action": _counts(self.disposals_by_action),
                "max_lateness_seconds": None if lateness is None else lateness.total_seconds(),
            },
            "remaining": {
                "records": self.records_remaining,
                "subjects": self.subjects_remaining,
                "purposes": [
                    {
                        **attrs.asdict(item),
                        "first_keep_through": _iso(item.first_keep_through),
                        "last_keep_through": _iso(item.last_keep_through),
                    }
                    for item in self.remaining
                ],
            },
            "audit": {
                "entries": self.audit_entries,
                "verified_through": self.audit_verified_through,
                "verified": self.audit_verified_through == self.audit_entries,
            },
            "elapsed_seconds": self.elapsed_seconds,
        }

    def render(self) -> str:
        """Return the short human report: what was kept, what was disposed of, and why."""
        return "\n".join(_render(self)) + "\n"


def _render(r: DemoReport) -> Iterator[str]:
    yield (
        f"gdprkit demo: {r.organisation}, policy {r.policy_version} "
        f"(example {r.example!r}), seed {r.seed}"
    )
    yield f"Database: {r.database}"
    yield f"Clock: {r.start} to {r.end}, a retention sweep every morning at 06:00 Stockholm time"
    yield (
        f"Customers created in 2026: {r.customers:,} (synthetic); {r.renewals:,} renewals, "
        f"{r.contracts_ended:,} contracts ended"
    )
    yield f"Records stored: {r.records_created:,}; per purpose:"
    for purpose_id, count in r.records_stored:
        note = ""
        if purpose_id == "partner_offers":
            note = f" ({r.consents_granted:,} consents given, {r.consents_withdrawn:,} withdrawn)"
        elif purpose_id == "product_information":
            note = f" ({r.unsubscribes:,} unsubscribed by link)"
        yield f"  {purpose_id:<22} {count:>7,}{note}"
    u = r.unsubscribe
    yield (
        f"Unsubscribe {u.on}: product e-mails "
        f"{'stopped' if u.marketing_stopped else 'NOT stopped'} "
        f"({_plural(u.links_ended, 'link')} ended, address suppressed); invoicing "
        f"{'untouched' if u.invoicing_untouched else 'AFFECTED'}"
    )
    a = r.access
    yield (
        f"Access request received {a.received}, due {a.due}, answered {a.answered} "
        f"({'deadline met' if a.on_time else 'LATE'}): {a.items_provided} Art. 15 items given, "
        f"{a.items_not_applicable} stated not to apply; {a.records} records, {a.fields} fields"
    )
    e = r.erasure
    yield (
        f"Erasure request {e.on}: {_plural(e.links_ended, 'link')} ended, "
        f"{_plural(e.records_deleted, 'record')} deleted, "
        f"{_plural(e.fields_removed, 'field')} removed from the records kept"
    )
    for kept in e.kept:
        law = f", {kept.law}" if kept.law else ""
        yield (
            f"  kept for {kept.purpose_id} ({kept.exception}, Art. {kept.article}{law}) "
            f"through {kept.keep_through}: {', '.join(kept.categories)}"
        )
    reasons = r.reasons()
    yield "Disposals per year, by the daily sweeps and the erasure request:"
    yield "  year  links ended  fields removed  records disposed  subjects shredded  by reason"
    for y in r.years:
        why = _counts(y.by_reason)
        tags = " ".join(f"[{i}] {why[x]:,}" for i, x in enumerate(reasons, 1) if x in why)
        yield (
            f"  {y.year}  {y.links_ended:>11,}  {y.fields_removed:>14,}  "
            f"{y.records_disposed:>16,}  {y.subjects_shredded:>17,}  {tags}"
        )
    for i, reason in enumerate(reasons, 1):
        yield f"  [{i}] {reason}"
    actions = ", ".join(f"{action} {count:,}" for action, count in r.disposals_by_action)
    total = sum(n for _, n in r.disposals_by_action)
    late = "" if r.max_lateness is None else f"; the latest ran {_hours(r.max_lateness)} late"
    yield f"Disposal records: {total:,} ({actions}){late}"
    yield (
        f"Remaining on {r.end}: {r.records_remaining:,} records of "
        f"{r.subjects_remaining:,} customers"
    )
    for p in r.remaining:
        yield f"  {p.purpose_id}: {p.links:,} {_CATEGORY_WORDS.get(p.purpose_id, 'links')}{_why(p)}"
    verdict = (
        "audit chain verified"
        if r.audit_verified_through == r.audit_entries
        else f"audit chain verified only through entry {r.audit_verified_through:,}"
    )
    yield f"Audit log: {r.audit_entries:,} entries; {verdict}"
    yield f"Took {r.elapsed_seconds:.1f} s"


def _hours(delta: dt.timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.0f} h"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _why(p: RemainingPurpose) -> str:
    parts = []
    if p.awaiting:
        waiting = "all" if p.awaiting == p.links else f"{p.awaiting:,}"
        parts.append(f"{waiting} waiting for {p.event!r} ({p.rule})")
    scheduled = p.links - p.awaiting
    if scheduled:
        span = (
            f"{p.first_keep_through}"
            if p.first_keep_through == p.last_keep_through
            else f"{p.first_keep_through} to {p.last_keep_through}"
        )
        what = f"kept under {p.law} through {span}" if p.law else f"kept through {span} ({p.rule})"
        parts.append(f"{scheduled:,} {what}" if p.awaiting else what)
    return f": {'; '.join(parts)}"


# --- the synthetic customers ------------------------------------------------------------


@attrs.define
class _Customer:
    """One synthetic customer and what happens to them; mutable while the run goes."""

    index: int
    sid: str
    name: str
    email: str
    company: str
    address: str
    joined: dt.date
    marketing: bool
    partner: bool
    invoices: int = 0
    invoice: str | None = None
    mailing: str | None = None
    support: str | None = None
    unsubscribed: bool = False
    erased: bool = False


def _business_days(year: int) -> list[dt.date]:
    day, days = dt.date(year, 1, 2), []
    while day.year == year:
        if day.weekday() < 5:  # noqa: PLR2004 - Monday to Friday
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _anniversary(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class _Agenda:
    """What happens on which local day, in the order it was planned."""

    def __init__(self) -> None:
        self.days: dict[dt.date, list[tuple[str, int]]] = collections.defaultdict(list)

    def add(self, day: dt.date, what: str, index: int) -> None:
        if _START <= day <= _END:
            self.days[day].append((what, index))


def _plan(customers: int, rng: random.Random) -> tuple[list[_Customer], _Agenda]:
    """Draw the customers and their lives from *rng*: the same seed, the same story."""
    agenda = _Agenda()
    days = _business_days(_START.year)
    people = []
    for i in range(customers):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        story = i < _STORIES
        joined = days[0] if story else rng.choice(days)
        c = _Customer(
            index=i,
            sid=f"customer-{i:06d}",
            name=f"{first} {last}",
            email=f"{first}.{last}.{i}@example.com".translate(_ASCII).lower(),
            company=f"{rng.choice(_COMPANY)}{rng.choice(_SUFFIX).lower()} AB",
            address=f"{rng.choice(_STREETS)} {rng.randint(1, 99)}, 123 45 Exempelstad",
            joined=joined,
            marketing=story or rng.random() < _MAILING,
            partner=i in {1, 2} or (not story and rng.random() < _PARTNER),
        )
        people.append(c)
        agenda.add(joined, "join", i)
        if story:
            continue
        years = 1
        while rng.random() < _RENEW:
            agenda.add(_anniversary(joined, years), "renew", i)
            years += 1
        agenda.add(_anniversary(joined, years), "leave", i)
        if c.marketing and rng.random() < _UNSUBSCRIBE:
            agenda.add(joined + dt.timedelta(days=rng.randint(20, 600)), "unsubscribe", i)
        if c.partner and rng.random() < _WITHDRAW:
            agenda.add(joined + dt.timedelta(days=rng.randint(30, 900)), "withdraw", i)
        if rng.random() < _SUPPORT:
            opened = joined + dt.timedelta(days=rng.randint(5, 300))
            agenda.add(opened, "ticket", i)
            agenda.add(opened + dt.timedelta(days=rng.randint(0, 20)), "close", i)
    if customers >= _STORIES:
        agenda.add(dt.date(2026, 1, 20), "ticket", 1)
        agenda.add(dt.date(2026, 1, 22), "close", 1)
        agenda.add(dt.date(2026, 2, 3), "story-unsubscribe", 0)
        agenda.add(dt.date(2026, 3, 10), "story-access-received", 1)
        agenda.add(dt.date(2026, 3, 13), "story-access-answered", 1)
        agenda.add(dt.date(2026, 4, 15), "story-erasure", 2)
    return people, agenda


# --- the run ----------------------------------------------------------------------------


@attrs.define
class _Year:
    sweeps: int = 0
    batches: int = 0
    ended: int = 0
    fields: int = 0
    records: int = 0
    shredded: int = 0


class _Run:
    """The demo's state while the clock moves; :func:`run_demo` drives it."""

    def __init__(
        self,
        service: PrivacyService,
        desk: RightsDesk,
        clock: FixedClock,
        people: list[_Customer],
        progress: TextIO | None,
    ) -> None:
        self.service = service
        self.desk = desk
        self.clock = clock
        self.people = people
        self.progress = progress
        self.tz = service.policy.organisation.time_zone
        self.zone = service.policy.organisation.tz
        self.stored: collections.Counter[str] = collections.Counter()
        self.events: collections.Counter[str] = collections.Counter()
        self.years: dict[int, _Year] = collections.defaultdict(_Year)
        self.wording = ""
        self.access_request = ""
        self.unsubscribe: UnsubscribeOutcome | None = None
        self.access: AccessOutcome | None = None
        self.erasure: ErasureOutcome | None = None

    def at(self, day: dt.date, hour: int) -> dt.datetime:
        """Set the clock to *hour* o'clock local time on *day*; return the instant."""
        moment = dt.datetime.combine(day, dt.time(hour), tzinfo=self.zone)
        self.clock.set(moment)
        return self.clock.now()

    def say(self, line: str) -> None:
        if self.progress is not None:
            self.progress.write(line + "\n")
            self.progress.flush()

    # --- one day ---------------------------------------------------------------------

    def sweep(self, day: dt.date) -> None:
        """The morning sweep (RET-11): everything due by now goes, batch by batch."""
        self.at(day, _SWEEP_HOUR)

        def report_batch(p: SweepProgress) -> None:
            if p.due_at_start > _BATCH:
                self.say(f"  {day} sweep: batch {p.batches}, {p.links:,} of {p.due_at_start:,}")

        done: SweepReport = self.service.engine.sweep(batch_size=_BATCH, progress=report_batch)
        year = self.years[day.year]
        year.sweeps += 1
        year.batches += done.batches
        year.ended += done.links_ended
        year.fields += done.fields_removed
        year.records += done.records_disposed
        year.shredded += done.subjects_shredded

    def office(self, day: dt.date, agenda: list[tuple[str, int]]) -> None:
        """The day's business at 10 o'clock, in the order it was planned."""
        self.at(day, _OFFICE_HOUR)
        handlers: dict[str, Callable[[_Customer, dt.date], object]] = {
            "join": self._join,
            "renew": self._renew,
            "leave": self._leave,
            "ticket": self._ticket,
            "close": self._close,
            "withdraw": self._withdraw,
            "unsubscribe": self._unsubscribe,
            "story-unsubscribe": self._story_unsubscribe,
            "story-access-received": self._story_access_received,
            "story-access-answered": self._story_access_answered,
            "story-erasure": self._story_erasure,
        }
        for what, index in agenda:
            customer = self.people[index]
            if not customer.erased:
                handlers[what](customer, day)

    # --- what customers do -----------------------------------------------------------

    def _store(
        self, c: _Customer, fields: dict[str, str], purposes: list[str], **triggers: dt.date
    ) -> str:
        record = self.service.store_record(
            c.sid, fields, purposes=purposes, triggers=triggers or None, actor="shop"
        )
        self.stored.update(purposes)
        self.events["records"] += 1
        return record

    def _new_invoice(self, c: _Customer, day: dt.date, *, first: bool = False) -> None:
        """Store an invoice; the first also carries the licence (one order record)."""
        c.invoices += 1
        fields = {
            "name": c.name,
            "email": c.email,
            "company": c.company,
            "postal_address": c.address,
            "invoice_records": f"INV-{day.year}-{c.index:06d}-{c.invoices}, 4 800 SEK",
            "payment_records": f"card payment through Payer on {day}",
        }
        purposes = ["invoicing", "bookkeeping"]
        if first:
            fields["licence_records"] = f"LIC-{c.index:06d}, {_PRODUCTS[c.index % 3]}"
            purposes.insert(0, "delivery_and_licences")
        # The invoice date starts the Bookkeeping Act clock.
        c.invoice = self._store(c, fields, purposes, financial_year_end=day)

    def _join(self, c: _Customer, day: dt.date) -> None:
        service = self.service
        service.register_subject(c.sid, email=c.email, actor="shop")
        self._new_invoice(c, day, first=True)
        if c.marketing:
            c.mailing = self._store(
                c,
                {"name": c.name, "email": c.email, "marketing_preferences": "product news"},
                ["product_information"],
                last_activity=day,
            )
        if c.partner:
            service.consent.grant(
                c.sid,
                "partner_offers",
                text_hash=self.wording,
                channel="web_form",
                mechanism="checkbox",
                actor="shop",
            )
            self.events["granted"] += 1
            self._store(
                c, {"name": c.name, "email": c.email, "company": c.company}, ["partner_offers"]
            )

    def _renew(self, c: _Customer, day: dt.date) -> None:
        self._new_invoice(c, day)
        self.events["renewals"] += 1
        if c.mailing is not None and not c.unsubscribed:
            # A purchase keeps a customer an existing customer for the mailing list.
            self.service.record_event("last_activity", day, record_id=c.mailing, actor="shop")

    def _leave(self, c: _Customer, day: dt.date) -> None:
        self.service.record_event("contract_end", day, subject_id=c.sid, actor="shop")
        self.events["left"] += 1

    def _ticket(self, c: _Customer, _day: dt.date) -> None:
        c.support = self._store(
            c,
            {
                "name": c.name,
                "email": c.email,
                "company": c.company,
                "support_content": f"Case {c.index}: {_TOPICS[c.index % len(_TOPICS)]}",
            },
            ["support"],
        )
        self.events["tickets"] += 1

    def _close(self, c: _Customer, day: dt.date) -> None:
        assert c.support is not None  # noqa: S101 - a ticket opens before it closes
        self.service.record_event("ticket_closed", day, record_id=c.support, actor="support")

    def _withdraw(self, c: _Customer, _day: dt.date) -> None:
        self.service.consent.withdraw(c.sid, "partner_offers", channel="web_form", actor="shop")
        self.events["withdrawn"] += 1

    def _unsubscribe(self, c: _Customer, _day: dt.date) -> int:
        links = self.desk.unsubscribe
        token = links.token(c.sid, "product_information", email=c.email)
        c.unsubscribed = True
        self.events["unsubscribes"] += 1
        return links.follow(token).links_ended

    # --- the three rights shown in detail -------------------------------------------

    def _story_unsubscribe(self, c: _Customer, day: dt.date) -> None:
        ended = self._unsubscribe(c, day)
        service, links = self.service, self.desk.unsubscribe
        assert c.mailing is not None  # noqa: S101 - story customers get product e-mails
        assert c.invoice is not None  # noqa: S101 - every customer has an invoice
        try:
            service.read(c.mailing, purpose="product_information", role="marketing", actor="mail")
            refused = False
        except AccessDenied:
            refused = True
        invoice = service.read(c.invoice, purpose="invoicing", role="accounting", actor="ledger")
        self.unsubscribe = UnsubscribeOutcome(
            on=day,
            links_ended=ended,
            marketing_stopped=refused and links.is_suppressed(c.email, "product_information"),
            invoicing_untouched="invoice_records" in invoice
            and not links.is_suppressed(c.email, "invoicing"),
        )

    def _story_access_received(self, c: _Customer, _day: dt.date) -> None:
        found = self.service.find_subjects(email=c.email)
        self.access_request = self.desk.receive(found[0], "access", actor="dpo").id

    def _story_access_answered(self, _c: _Customer, day: dt.date) -> None:
        package = self.desk.access(self.access_request, actor="dpo")
        case = self.desk.get(self.access_request)
        statuses = [package[item]["status"] for item in REQUIRED_ITEMS]
        records = package["personal_data"]["items"]
        self.access = AccessOutcome(
            received=local_date(case.received_at, self.tz),
            answered=day,
            due=case.deadline.due_strict,
            items_provided=statuses.count("provided"),
            items_not_applicable=statuses.count("not_applicable"),
            records=len(records),
            fields=sum(len(record["fields"]) for record in records),
        )

    def _story_erasure(self, c: _Customer, day: dt.date) -> None:
        request = self.desk.receive(c.sid, "erasure", actor="dpo")
        answer = self.desk.erase(request.id, ground="no_longer_necessary", actor="dpo")
        c.erased = True
        kept = tuple(
            KeptItem(
                purpose_id=item["purpose"],
                categories=tuple(label["id"] for label in item["categories"]),
                exception=item["exception"],
                article=item["article"],
                law=item["law"]["en"] if item["law"] else None,
                keep_through=(
                    dt.date.fromisoformat(item["keep_through"]) if item["keep_through"] else None
                ),
            )
            for item in answer.kept
        )
        year = self.years[day.year]
        year.ended += sum(len(item["purposes"]) for item in answer.erased)
        year.records += sum(1 for item in answer.erased if item["record_deleted"])
        year.fields += sum(
            len(item["categories"]) for item in answer.erased if not item["record_deleted"]
        )
        self.erasure = ErasureOutcome(
            on=day,
            links_ended=sum(len(item["purposes"]) for item in answer.erased),
            records_deleted=sum(1 for item in answer.erased if item["record_deleted"]),
            fields_removed=sum(
                len(item["categories"]) for item in answer.erased if not item["record_deleted"]
            ),
            kept=kept,
        )

    # --- the end ---------------------------------------------------------------------

    def sweep_years(
        self, start: dt.datetime, end: dt.datetime
    ) -> tuple[tuple[SweepYear, ...], collections.Counter[str]]:
        """The disposals per year with their reasons, and per action, in ``[start, end)``.

        Read back from the disposal records, which every ended link leaves (Art. 5(2)).
        """
        store = self.service.store
        reasons: dict[int, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        actions: collections.Counter[str] = collections.Counter()
        after = None
        while page := store.disposals_executed(start, end, after=after, limit=1000):
            for disposal in page:
                reasons[local_date(disposal.executed_at, self.tz).year][disposal.rule] += 1
                actions[disposal.action] += 1
            after = page[-1]
        years = tuple(
            SweepYear(
                year=year,
                sweeps=y.sweeps,
                batches=y.batches,
                links_ended=y.ended,
                fields_removed=y.fields,
                records_disposed=y.records,
                subjects_shredded=y.shredded,
                by_reason=tuple(sorted(reasons[year].items())),
            )
            for year, y in sorted(self.years.items())
        )
        return years, actions

    def remaining(self) -> tuple[RemainingPurpose, ...]:
        """Each purpose's live links at the end, with the rule or law that keeps them."""
        store, policy = self.service.store, self.service.policy
        result = []
        for purpose in policy.purposes:
            live, awaiting, last_days = 0, 0, []
            after = None
            while page := store.links_of_purpose(purpose.id, after=after, limit=1000):
                for link in page:
                    if link.state is not LinkState.LIVE:
                        continue
                    live += 1
                    if link.eligible_from is None:
                        awaiting += 1
                    else:
                        last_days.append(keep_through(link.eligible_from, self.tz))
                after = page[-1].key
            if not live:
                continue
            rule = purpose.retention
            law = rule.law_reference if rule and rule.law_reference else purpose.law_reference
            result.append(
                RemainingPurpose(
                    purpose_id=purpose.id,
                    name=purpose.name.en,
                    links=live,
                    awaiting=awaiting,
                    event=rule.event_name if rule else None,
                    rule=_rule_words(policy, purpose.id),
                    law=law_name(law).en if law else None,
                    first_keep_through=min(last_days, default=None),
                    last_keep_through=max(last_days, default=None),
                )
            )
        return tuple(result)


def _rule_words(policy: Policy, purpose_id: str) -> str:
    rule = policy.purpose(purpose_id).retention
    return "no retention rule" if rule is None else describe_rule(rule).en


def _months() -> Iterator[list[dt.date]]:
    """The run's days, month by month."""
    day, month = _START, list[dt.date]()
    while day <= _END:
        month.append(day)
        day += dt.timedelta(days=1)
        if day.day == 1 or day > _END:
            yield month
            month = []


def _check(directory: object, customers: object, progress: object, seed: object) -> Path:
    if not isinstance(directory, (str, os.PathLike)):
        raise InvalidInputError("directory must be a path")
    if isinstance(customers, bool) or not isinstance(customers, int):
        raise InvalidInputError("customers must be a whole number")
    if not _STORIES <= customers <= MAX_CUSTOMERS:
        raise InvalidInputError(f"customers must be between {_STORIES} and {MAX_CUSTOMERS:,}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InvalidInputError("seed must be a whole number")
    if progress is not None and not callable(getattr(progress, "write", None)):
        raise InvalidInputError("progress must be a text stream or None")
    path = Path(directory)
    if path.exists() and not path.is_dir():
        raise InvalidInputError("directory must be a directory")
    if (path / DATABASE_NAME).exists() or (path / KEK_NAME).exists():
        raise InvalidInputError(
            "the directory already holds a demo database; choose a new or empty directory"
        )
    return path


def _write_kek(path: Path) -> LocalKeyProvider:
    """Write a fresh throwaway KEK, readable by its owner only, and load it."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "w", encoding="ascii") as out:
        out.write(generate_kek() + "\n")
    return LocalKeyProvider.from_file(path)


def run_demo(
    directory: Path,
    *,
    customers: int = 3000,
    progress: TextIO | None = None,
    seed: int = 0,
) -> DemoReport:
    """Run the demo into *directory* and return its report (see the module docstring).

    Args:
        directory: Where the SQLite database (:data:`DATABASE_NAME`) and the demo's
            throwaway key-encryption key (:data:`KEK_NAME`) are written; created if
            missing, and must not hold an earlier demo's files.
        customers: How many synthetic customers join during 2026 (at least 3: the first
            three show an unsubscribe, an access request and an erasure request).
        progress: Where to write plain progress lines while the clock moves.
        seed: The seed of the synthetic data: the same seed tells the same story.

    Raises:
        InvalidInputError: a malformed argument, or the directory already holds a demo.
    """
    began = time.perf_counter()
    path = _check(directory, customers, progress, seed)
    path.mkdir(parents=True, exist_ok=True)
    kek = _write_kek(path / KEK_NAME)
    policy = load_policy(example_path(EXAMPLE))
    people, agenda = _plan(customers, random.Random(seed))  # noqa: S311 - synthetic data
    zone = policy.organisation.tz
    clock = FixedClock(dt.datetime.combine(_START, dt.time(), tzinfo=zone))
    with SQLiteStore(path / DATABASE_NAME) as store:
        service = PrivacyService(policy, store, kek, clock=clock, worker="demo-sweeper")
        run = _Run(service, RightsDesk(service, kek), clock, people, progress)
        run.say(
            f"gdprkit demo: {customers:,} customers of {policy.organisation.legal_name}, "
            f"{_START} to {_END}"
        )
        run.at(_START, _OFFICE_HOUR)
        run.wording = service.consent.publish_wording("partner_offers")
        for month in _months():
            # One commit per simulated month instead of one per call or batch: the
            # store nests transactions, so every call and sweep batch inside still
            # runs as it would on its own, and the run stays I/O-light.
            with store.transaction():
                for day in month:
                    run.sweep(day)
                    if day in agenda.days:
                        run.office(day, agenda.days[day])
            last = month[-1]
            if last.month == 12 or last == _END:  # noqa: PLR2004 - December
                y = run.years[last.year]
                run.say(
                    f"{last.year}: {y.sweeps} sweeps ended {y.ended:,} links, removed "
                    f"{y.fields:,} fields, disposed of {y.records:,} records, shredded "
                    f"{y.shredded:,} customers' keys"
                )
        report = _finish(run, path, customers, seed, began)
    run.say("done")
    return report


def _finish(run: _Run, path: Path, customers: int, seed: int, began: float) -> DemoReport:
    service = run.service
    store, policy, end = service.store, service.policy, run.clock.now()
    assert run.unsubscribe is not None  # noqa: S101 - the stories run for three or more
    assert run.access is not None  # noqa: S101
    assert run.erasure is not None  # noqa: S101
    start = dt.datetime.combine(_START, dt.time(), tzinfo=run.zone)
    years, actions = run.sweep_years(start, end + dt.timedelta(microseconds=1))
    lateness = service.engine.lateness(start, end + dt.timedelta(microseconds=1))
    everything = store.count_records([p.id for p in policy.purposes])
    verified, _ = service.audit.verify()
    entries, _ = service.audit.head()
    return DemoReport(
        organisation=policy.organisation.legal_name,
        policy_version=policy.version,
        example=EXAMPLE,
        database=str(path / DATABASE_NAME),
        seed=seed,
        customers=customers,
        start=_START,
        end=_END,
        records_created=run.events["records"],
        records_stored=tuple((p.id, run.stored[p.id]) for p in policy.purposes if run.stored[p.id]),
        renewals=run.events["renewals"],
        contracts_ended=run.events["left"],
        consents_granted=run.events["granted"],
        consents_withdrawn=run.events["withdrawn"],
        unsubscribes=run.events["unsubscribes"],
        support_cases=run.events["tickets"],
        unsubscribe=run.unsubscribe,
        access=run.access,
        erasure=run.erasure,
        years=years,
        disposals_by_action=tuple(sorted(actions.items())),
        max_lateness=lateness.maximum,
        records_remaining=everything.records,
        subjects_remaining=everything.subjects,
        remaining=run.remaining(),
        audit_entries=entries,
        audit_verified_through=verified,
        elapsed_seconds=round(time.perf_counter() - began, 2),
    )
