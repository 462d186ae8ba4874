"""The answer to an access request: a copy of the data and every Art. 15 item (LEGAL.md DSR-08).

:func:`access_package` builds it from what is held about the subject (a
:class:`~gdprkit.requests.held.Holding`) and the policy; :class:`AccessPackage` renders
it as JSON (machines, a commonly used electronic form: Art. 15(3)) and as a readable
document in English or Swedish (Art. 12(1)). Pure.

**The JSON schema** (``"schema": "gdprkit.access/1"``), keys sorted::

    schema, request {id, received_at, due, answered_at}, subject_id,
    controller {name, organisation_number, contact {...}, dpo {...} | null},
    <item> for each key of REQUIRED_ITEMS, and consent (Art. 7(1) history)

Every ``<item>`` is ``{"provision": "15(1)(a)", "status": "provided", "items": [...]}``
with at least one entry, or ``{"provision": ..., "status": "not_applicable", "reason":
{"en": ..., "sv": ...}}``. Texts are ``{"en": ..., "sv": ...}``; instants are ISO 8601
in UTC; dates ``YYYY-MM-DD`` in the organisation's time zone. The entries:

``confirmation`` (15(1))
    ``{processed, text}``: whether personal data about the subject is processed.
``personal_data`` (15(3))
    ``{record_id, created_at, stored_in: "gdprkit" | "referenced", external_ref,
    purposes, fields: [{category, label, value, encoding}]}`` per record; ``value`` is
    text (``encoding: "utf-8"``) or base64 (``"base64"``), ``null`` when unreadable.
``purposes`` (15(1)(a))
    ``{id, name, description, legal_basis, legal_basis_text, law_reference,
    legitimate_interest}``, the purposes the data is processed for now.
``categories`` (15(1)(b))
    ``{id, label, special}``.
``recipients`` (15(1)(c))
    ``{id, name, role, role_text, country, country_name, third_country, purposes,
    via: "purpose" | "system"}``: the identities of the actual recipients (CJEU
    C-154/21), including the processors hosting the systems the data is kept in.
``retention`` (15(1)(d))
    ``{record_id, purpose, status: "scheduled" | "awaiting_trigger" | "due",
    eligible_from, keep_through, rule, explanation}`` per live purpose link:
    ``eligible_from`` is the instant the retention engine stored on the link, exactly;
    ``keep_through`` its last local day; while the link awaits its trigger event both
    are ``null`` and ``rule`` states the criteria.
``rights`` (15(1)(e))
    ``{right, article, text, applies_to}`` for rectification, erasure, restriction,
    objection, portability and withdrawal of consent.
``complaint`` (15(1)(f))
    ``{authority, url, email, text}``.
``source`` (15(1)(g))
    ``{category, source, public}`` for data not collected from the subject.
``automated_decision_making`` (15(1)(h))
    ``{purpose, text}`` per purpose that decides by automated means (Art. 22).
``transfer_safeguards`` (15(2))
    ``{recipient, country, mechanism, mechanism_text}`` per recipient outside the EEA.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import pickle
import weakref
from typing import TYPE_CHECKING, Any

import attrs

from gdprkit._canonical import canonical_encoder
from gdprkit.documents import _words as w
from gdprkit.documents._common import outside_eea
from gdprkit.errors import InvalidInputError, NotFoundError
from gdprkit.legaltime.explain import describe_rule, format_date, format_instant, law_name
from gdprkit.legaltime.localtime import local_date
from gdprkit.policy._fields import Text
from gdprkit.policy.vocab import DisposalAction, LegalBasis
from gdprkit.requests.held import encode_value
from gdprkit.requests.replies import complaint_text

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gdprkit.policy.model import DataCategory, Policy
    from gdprkit.requests.held import HeldLink, HeldRecord, Holding

__all__ = [
    "REQUIRED_ITEMS",
    "SCHEMA",
    "AccessPackage",
    "access_package",
    "escape",
    "keep_through",
]

SCHEMA = "gdprkit.access/1"
"""The schema name and version of the JSON package."""

REQUIRED_ITEMS = {
    "confirmation": "15(1)",
    "personal_data": "15(3)",
    "purposes": "15(1)(a)",
    "categories": "15(1)(b)",
    "recipients": "15(1)(c)",
    "retention": "15(1)(d)",
    "rights": "15(1)(e)",
    "complaint": "15(1)(f)",
    "source": "15(1)(g)",
    "automated_decision_making": "15(1)(h)",
    "transfer_safeguards": "15(2)",
}
"""Every item an access answer must give or state not to apply, with its provision."""

_PORTABLE = {LegalBasis.CONSENT, LegalBasis.CONTRACT}
_MICRO = dt.timedelta(microseconds=1)
_DISPOSAL = {
    DisposalAction.DELETE: Text(en="may be deleted from", sv="får raderas från och med"),
    DisposalAction.ANONYMISE: Text(en="may be anonymised from", sv="får anonymiseras från och med"),
    DisposalAction.REVIEW: Text(en="is reviewed from", sv="granskas från och med"),
}
_ENDING = {
    "objection": Text(en="your objection", sv="din invändning"),
    "erasure": Text(en="your erasure request", sv="din begäran om radering"),
    "consent_withdrawn": Text(
        en="the withdrawal of your consent", sv="att du återkallade samtycket"
    ),
}


def _canonical(value: object) -> bytes:
    """Canonical JSON as the stores write it: sorted keys, compact, UTF-8, no NaN.

    The same encoding as :func:`gdprkit.storage.types.canonical_json`, kept here so this
    module stays free of storage imports.
    """
    return _ENCODER.encode(value).encode("utf-8")


# Only ever given the trees this module builds (dicts, lists, text, numbers), which
# cannot contain themselves; the circularity check would only cost time.
_ENCODER = canonical_encoder(check_circular=False)


def _t(text: Text | None) -> dict[str, str] | None:
    if text is None:
        return None
    return {"en": text.en, "sv": text.get("sv")}


def _both(en: str, sv: str) -> dict[str, str]:
    return {"en": en, "sv": sv}


def _provided(key: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"provision": REQUIRED_ITEMS[key], "status": "provided", "items": items}


def _not_applicable(key: str, en: str, sv: str) -> dict[str, Any]:
    return {
        "provision": REQUIRED_ITEMS[key],
        "status": "not_applicable",
        "reason": _both(en, sv),
    }


_RIGHT_TEXTS = {
    "rectification": Text(
        en="You can have incorrect data corrected and incomplete data completed.",
        sv="Du kan få felaktiga uppgifter rättade och ofullständiga uppgifter kompletterade.",
    ),
    "erasure": Text(
        en="You can ask us to erase your personal data.",
        sv="Du kan begära att vi raderar dina personuppgifter.",
    ),
    "restriction": Text(
        en="You can ask us to restrict processing, for example while the accuracy of data "
        "is checked.",
        sv="Du kan begära att vi begränsar behandlingen, till exempel medan vi kontrollerar "
        "att uppgifterna är korrekta.",
    ),
    "portability": Text(
        en="You can receive the data you gave us that we process on the basis of consent or "
        "a contract in a structured, machine-readable format.",
        sv="Du kan få ut de uppgifter som du har lämnat och som vi behandlar med stöd av "
        "samtycke eller avtal i ett strukturerat, maskinläsbart format.",
    ),
    "withdraw": Text(
        en="You can withdraw your consent at any time; this does not affect processing "
        "before the withdrawal.",
        sv="Du kan när som helst återkalla ditt samtycke; det påverkar inte behandlingen "
        "innan återkallelsen.",
    ),
}
_OBJECTION_TEXTS = {
    "marketing": Text(
        en="You can object at any time to direct marketing, and we then stop (Art. 21(2), "
        "21(3)); you can object to processing based on legitimate interests on grounds "
        "relating to your situation (Art. 21(1)).",
        sv="Du kan när som helst invända mot direktmarknadsföring, och då upphör vi "
        "(artikel 21.2 och 21.3); du kan invända mot behandling som grundar sig på "
        "berättigat intresse av skäl som rör din situation (artikel 21.1).",
    ),
    "situation": Text(
        en="You can object, on grounds relating to your situation, to processing based on "
        "legitimate interests or a task in the public interest (Art. 21(1)).",
        sv="Du kan, av skäl som rör din situation, invända mot behandling som grundar sig på "
        "berättigat intresse eller en uppgift av allmänt intresse (artikel 21.1).",
    ),
    "none": Text(
        en="You can object to processing based on legitimate interests or a task in the "
        "public interest, and to direct marketing; none of the processing of your data rests "
        "on those grounds.",
        sv="Du kan invända mot behandling som grundar sig på berättigat intresse eller en "
        "uppgift av allmänt intresse, och mot direktmarknadsföring; ingen behandling av dina "
        "uppgifter grundar sig på det.",
    ),
}


def _objection_text(objectable: list[str], marketing: list[str]) -> Text:
    if marketing:
        return _OBJECTION_TEXTS["marketing"]
    return _OBJECTION_TEXTS["situation" if objectable else "none"]


def _right(right: str, article: str, applies_to: list[str], text: Text) -> dict[str, Any]:
    return {"right": right, "article": article, "applies_to": sorted(applies_to), "text": _t(text)}


def keep_through(eligible_from: dt.datetime, time_zone: str) -> dt.date:
    """Return the last local day data is kept when it may go from *eligible_from*."""
    return local_date(eligible_from - _MICRO, time_zone)


@attrs.frozen
class _RuleWords:
    """What a purpose's retention items say that depends on the policy alone."""

    words: Text | None
    action: Text
    law: Text | None


_UNDECLARED = _RuleWords(words=None, action=_DISPOSAL[DisposalAction.DELETE], law=None)


class _Lookup:
    """The policy's objects by id, and the texts derived from them, computed once per policy.

    Everything kept here depends on the (immutable) policy only, never on a subject, and
    only declared purposes are kept (so it never grows past the policy); callers get
    fresh dictionaries, so a package changed by its caller changes nothing here.
    """

    def __init__(self, policy: Policy) -> None:
        self.purposes = {p.id: p for p in policy.purposes}
        self.categories = {c.id: c for c in policy.categories}
        self.recipients = {r.id: r for r in policy.recipients}
        self.systems = {s.id: s for s in policy.systems}
        self._rules: dict[str, _RuleWords] = {}

    def category(self, category_id: str) -> DataCategory:
        try:
            return self.categories[category_id]
        except KeyError:
            raise NotFoundError("no such data category is declared") from None

    def label(self, category_id: str) -> dict[str, str] | None:
        """The category's label as JSON (its id in both languages when undeclared)."""
        found = self.categories.get(category_id)
        if found is None:
            return _both(category_id, category_id)
        return _t(found.label)

    def rule_words(self, purpose_id: str) -> _RuleWords:
        """The retention rule of a purpose, in words, with its disposal action and law."""
        found = self._rules.get(purpose_id)
        if found is None:
            purpose = self.purposes.get(purpose_id)
            if purpose is None:  # no longer declared: nothing to word, nothing to keep
                return _UNDECLARED
            rule = purpose.retention
            found = _RuleWords(
                words=describe_rule(rule) if rule else purpose.retention_criteria,
                action=_DISPOSAL[rule.action if rule else DisposalAction.DELETE],
                law=law_name(rule.law_reference) if rule and rule.law_reference else None,
            )
            self._rules[purpose_id] = found
        return found


class _Builder:
    """Builds the JSON items from a holding; one method per item."""

    def __init__(self, policy: Policy, holding: Holding, ids: _Lookup | None = None) -> None:
        self.policy = policy
        self.holding = holding
        self.tz = policy.organisation.time_zone
        self.ids = _Lookup(policy) if ids is None else ids
        self.purposes = [
            self.ids.purposes[i] for i in holding.live_purposes if i in self.ids.purposes
        ]
        self.processed = bool(holding.records or holding.consents)

    def none_held(self, key: str) -> dict[str, Any]:
        return _not_applicable(
            key,
            "We hold no personal data about you.",
            "Vi har inga personuppgifter om dig.",
        )

    def confirmation(self) -> dict[str, Any]:
        text = (
            _both("We process personal data about you.", "Vi behandlar personuppgifter om dig.")
            if self.processed
            else _both(
                "We do not process personal data about you.",
                "Vi behandlar inga personuppgifter om dig.",
            )
        )
        return _provided("confirmation", [{"processed": self.processed, "text": text}])

    def personal_data(self) -> dict[str, Any]:
        if not self.holding.records:
            return self.none_held("personal_data")
        records = []
        for record in self.holding.records:
            fields = []
            for field in sorted(record.fields, key=lambda f: f.category):
                label = self.label(field.category)
                fields.append(
                    {"category": field.category, "label": label, **encode_value(field.value)}
                )
            records.append(
                {
                    "record_id": record.id,
                    "created_at": record.created_at.isoformat(),
                    "stored_in": "gdprkit" if record.managed else "referenced",
                    "external_ref": record.external_ref,
                    "purposes": sorted(link.purpose_id for link in record.live_links),
                    "fields": fields,
                }
            )
        return _provided("personal_data", records)

    def label(self, category_id: str) -> dict[str, str] | None:
        return self.ids.label(category_id)

    def purpose_items(self) -> dict[str, Any]:
        if not self.purposes:
            return self.none_held("purposes")
        items = [
            {
                "id": p.id,
                "name": _t(p.name),
                "description": _t(p.description),
                "legal_basis": p.legal_basis.value,
                "legal_basis_text": _t(w.BASIS[p.legal_basis]),
                "law_reference": p.law_reference,
                "legitimate_interest": _t(p.legitimate_interest),
            }
            for p in self.purposes
        ]
        return _provided("purposes", items)

    def category_ids(self) -> list[str]:
        found: set[str] = set()
        for record in self.holding.records:
            if record.managed:
                found.update(f.category for f in record.fields)
            else:
                for link in record.live_links:
                    purpose = self.ids.purposes.get(link.purpose_id)
                    found.update(purpose.categories if purpose else ())
        return sorted(found)

    def categories(self) -> dict[str, Any]:
        ids = self.category_ids()
        if not ids:
            return self.none_held("categories")
        items = []
        for category_id in ids:
            try:
                special = self.ids.category(category_id).special
            except NotFoundError:
                special = False
            items.append({"id": category_id, "label": self.label(category_id), "special": special})
        return _provided("categories", items)

    def recipient_uses(self) -> dict[str, tuple[set[str], str]]:
        uses: dict[str, tuple[set[str], str]] = {}
        for purpose in self.purposes:
            for recipient_id in purpose.recipients:
                uses.setdefault(recipient_id, (set(), "purpose"))[0].add(purpose.id)
        for purpose in self.purposes:
            for system_id in purpose.systems:
                for host in self.ids.systems[system_id].hosted_by:
                    uses.setdefault(host, (set(), "system"))[0].add(purpose.id)
        return uses

    def recipients(self) -> dict[str, Any]:
        uses = self.recipient_uses()
        if not uses:
            if not self.purposes:
                return self.none_held("recipients")
            return _not_applicable(
                "recipients",
                "We do not disclose your personal data to anyone.",
                "Vi lämnar inte ut dina personuppgifter till någon.",
            )
        items = []
        for recipient_id in sorted(uses):
            recipient = self.ids.recipients[recipient_id]
            purposes, via = uses[recipient_id]
            items.append(
                {
                    "id": recipient.id,
                    "name": recipient.name,
                    "role": recipient.role.value,
                    "role_text": _t(w.ROLE_SHORT[recipient.role]),
                    "country": recipient.country,
                    "country_name": _both(
                        w.country(recipient.country, "en"), w.country(recipient.country, "sv")
                    ),
                    "third_country": outside_eea(recipient),
                    "purposes": sorted(purposes),
                    "via": via,
                }
            )
        return _provided("recipients", items)

    def retention(self) -> dict[str, Any]:
        items = [
            self.retention_item(record, link)
            for record in self.holding.records
            for link in sorted(record.live_links, key=lambda x: x.purpose_id)
        ]
        if not items:
            return self.none_held("retention")
        return _provided("retention", items)

    def retention_item(self, record: HeldRecord, link: HeldLink) -> dict[str, Any]:
        said = self.ids.rule_words(link.purpose_id)
        words = said.words
        item: dict[str, Any] = {
            "record_id": record.id,
            "purpose": link.purpose_id,
            "eligible_from": None,
            "keep_through": None,
            "rule": _t(words),
        }
        if link.eligible_from is None:
            item["status"] = "awaiting_trigger"
            criteria = words or Text(
                en="as long as the purpose needs it", sv="så länge ändamålet kräver det"
            )
            item["explanation"] = _both(
                f"The period has not started yet; it runs {criteria.en}.",
                f"Perioden har ännu inte börjat löpa; uppgifterna sparas {criteria.get('sv')}.",
            )
            return item
        eligible = link.eligible_from
        last = keep_through(eligible, self.tz)
        item["eligible_from"] = eligible.isoformat()
        item["keep_through"] = last.isoformat()
        if link.due(self.holding.at):
            item["status"] = "due"
            cause = next(
                (_ENDING[e] for e, at in link.triggers.items() if e in _ENDING and at == eligible),
                Text(en="the end of the retention period", sv="att lagringstiden har löpt ut"),
            )
            item["explanation"] = _both(
                f"No longer kept because of {cause.en}; removed at the next retention run.",
                f"Sparas inte längre på grund av {cause.get('sv')}; tas bort vid nästa gallring.",
            )
            return item
        item["status"] = "scheduled"
        action = said.action
        law = said.law
        item["explanation"] = _both(
            f"Kept through {format_date(last)}{f' ({law.en})' if law else ''}; "
            f"{action.en} {format_instant(eligible, self.tz)}.",
            f"Sparas till och med den {format_date(last, 'sv')}{f' ({law.sv})' if law else ''}; "
            f"{action.sv} den {format_instant(eligible, self.tz, 'sv')}.",
        )
        return item

    def rights(self) -> dict[str, Any]:
        objectable = [p.id for p in self.purposes if p.objection_applies]
        marketing = [p.id for p in self.purposes if p.direct_marketing]
        portable = [p.id for p in self.purposes if p.legal_basis in _PORTABLE]
        consent = [p.id for p in self.purposes if p.legal_basis is LegalBasis.CONSENT]
        kept = [
            law_name((p.retention.law_reference if p.retention else None) or p.law_reference or "")
            for p in self.purposes
            if p.legal_basis is LegalBasis.LEGAL_OBLIGATION
        ]
        erasure = _RIGHT_TEXTS["erasure"]
        if kept:
            erasure = Text(
                en=f"{erasure.en} Data we must keep by law "
                f"({w.join([k.en for k in kept], 'en')}) is kept until that duty ends "
                "(Art. 17(3)(b)).",
                sv=f"{erasure.sv} Uppgifter som vi enligt lag måste spara "
                f"({w.join([k.get('sv') for k in kept], 'sv')}) sparas tills den skyldigheten "
                "upphör (artikel 17.3 b).",
            )
        items = [
            _right("rectification", "16", [], _RIGHT_TEXTS["rectification"]),
            _right("erasure", "17", [], erasure),
            _right("restriction", "18", [], _RIGHT_TEXTS["restriction"]),
            _right("objection", "21", objectable, _objection_text(objectable, marketing)),
            _right("portability", "20", portable, _RIGHT_TEXTS["portability"]),
        ]
        if consent:
            items.append(_right("withdraw_consent", "7(3)", consent, _RIGHT_TEXTS["withdraw"]))
        return _provided("rights", items)

    def complaint(self) -> dict[str, Any]:
        authority = self.policy.organisation.supervisory_authority
        return _provided(
            "complaint",
            [
                {
                    "authority": authority.name,
                    "url": authority.url,
                    "email": authority.email,
                    "text": _t(complaint_text(self.policy)),
                }
            ],
        )

    def source(self) -> dict[str, Any]:
        if not self.processed:
            return self.none_held("source")
        items = []
        for category_id in self.category_ids():
            try:
                category = self.ids.category(category_id)
            except NotFoundError:
                continue
            if not category.collected_from_subject:
                items.append(
                    {
                        "category": category.id,
                        "source": category.source,
                        "public": category.source_public,
                    }
                )
        if not items:
            return _not_applicable(
                "source",
                "All of it was collected from you.",
                "Allt har samlats in från dig.",
            )
        return _provided("source", items)

    def automated(self) -> dict[str, Any]:
        deciding = [p for p in self.purposes if p.automated_decision_making]
        if not deciding:
            return _not_applicable(
                "automated_decision_making",
                "We make no decisions about you based solely on automated processing, including "
                "profiling (Art. 22).",
                "Vi fattar inga beslut om dig som enbart grundas på automatiserad behandling, "
                "inklusive profilering (artikel 22).",
            )
        items = [
            {
                "purpose": p.id,
                "text": _both(
                    f"{p.name.en}: decisions are made by automated means (Art. 22); the logic "
                    "involved, its significance and the envisaged consequences are described in "
                    "the purpose's description.",
                    f"{p.name.get('sv')}: beslut fattas automatiserat (artikel 22); logiken, "
                    "betydelsen och de förutsedda följderna beskrivs i ändamålets beskrivning.",
                ),
                "description": _t(p.description),
            }
            for p in deciding
        ]
        return _provided("automated_decision_making", items)

    def transfers(self) -> dict[str, Any]:
        items = []
        for recipient_id in sorted(self.recipient_uses()):
            recipient = self.ids.recipients[recipient_id]
            if not outside_eea(recipient):
                continue
            mechanism = recipient.transfer_mechanism
            items.append(
                {
                    "recipient": recipient.id,
                    "country": recipient.country,
                    "mechanism": mechanism.value if mechanism else None,
                    "mechanism_text": _t(w.TRANSFER[mechanism]) if mechanism else None,
                }
            )
        if not items:
            return _not_applicable(
                "transfer_safeguards",
                "Your personal data is not transferred outside the EU/EEA.",
                "Dina personuppgifter överförs inte till länder utanför EU/EES.",
            )
        return _provided("transfer_safeguards", items)

    def consent(self) -> dict[str, Any]:
        return {
            "provision": "7(1)",
            "items": [
                {
                    "purpose": c.purpose_id,
                    "action": c.action,
                    "at": c.at.isoformat(),
                    "channel": c.channel,
                    "text_sha256": c.text_sha256,
                }
                for c in self.holding.consents
            ],
        }


_STATIC = (
    "controller",
    "purposes",
    "recipients",
    "rights",
    "complaint",
    "automated_decision_making",
    "transfer_safeguards",
)
"""The items that depend only on the policy and the purposes the subject's data serves."""
_MAX_PURPOSE_SETS = 256
_KEYS = {
    key: b'"%s":' % key.encode("ascii")
    for key in ("schema", "request", "subject_id", "controller", *REQUIRED_ITEMS, "consent")
}


def _runs() -> tuple[str | tuple[str, ...], ...]:
    """The package's keys in canonical (sorted) order, the built ones grouped in runs.

    A static item is spliced in from its cached encoding; each run of consecutive
    built items is encoded as one object whose braces are dropped, which gives the
    same bytes as encoding its members one by one (sorted keys, ``,`` and ``:``).
    """
    runs: list[str | tuple[str, ...]] = []
    for key in sorted(_KEYS):
        if key in _STATIC:
            runs.append(key)
        elif runs and isinstance(runs[-1], tuple):
            runs[-1] = (*runs[-1], key)
        else:
            runs.append((key,))
    return tuple(runs)


_RUNS = _runs()


@attrs.frozen
class _Static:
    """The static items for one set of purposes: each one's canonical JSON, and a copier.

    ``copies`` is the decoded JSON of the items, pickled together: unpickling it is the
    cheapest way to give every package its own deep copy, equal in value, types and key
    order to decoding the JSON (and several times faster). The bytes are made here from
    plain dicts, lists and text and never leave the process.
    """

    encoded: dict[str, bytes]
    copies: bytes

    def fresh(self) -> dict[str, Any]:
        """A new deep copy of the items, as built."""
        items: dict[str, Any] = pickle.loads(self.copies)  # noqa: S301 - our own bytes
        return items


class _PolicyCache:
    """One policy's lookup tables and static items, encoded once per set of purposes."""

    def __init__(self, policy: Policy) -> None:
        self.policy = weakref.ref(policy)
        self.ids = _Lookup(policy)
        self.static: dict[tuple[str, ...], _Static] = {}

    def items(self, builder: _Builder) -> _Static:
        """The static items for the builder's purposes, encoded."""
        key = tuple(p.id for p in builder.purposes)
        found = self.static.get(key)
        if found is None:
            if len(self.static) >= _MAX_PURPOSE_SETS:
                self.static.clear()
            encoded = {name: _canonical(item) for name, item in _static_items(builder).items()}
            # Pickled from the decoded JSON, so every copy is what decoding it gives (keys
            # in sorted order, lists for sequences), as when each package decoded it.
            decoded = {name: json.loads(item) for name, item in encoded.items()}
            found = _Static(
                encoded=encoded,
                copies=pickle.dumps(decoded, protocol=pickle.HIGHEST_PROTOCOL),
            )
            self.static[key] = found
        return found


_CACHES: dict[int, _PolicyCache] = {}


def _cache(policy: Policy) -> _PolicyCache:
    """The cache of *policy* (by identity: a policy is immutable); dropped with the policy."""
    found = _CACHES.get(id(policy))
    if found is not None and found.policy() is policy:
        return found
    made = _PolicyCache(policy)
    _CACHES[id(policy)] = made
    weakref.finalize(policy, _CACHES.pop, id(policy), None)
    return made


def _controller(policy: Policy) -> dict[str, Any]:
    org = policy.organisation

    def contact(c: Any) -> dict[str, Any] | None:  # noqa: ANN401 - a Contact or None
        if c is None:
            return None
        return {"name": c.name, "email": c.email, "phone": c.phone, "address": c.address}

    return {
        "name": org.legal_name,
        "organisation_number": org.organisation_number,
        "contact": contact(org.contact),
        "dpo": contact(org.dpo),
    }


def _static_items(b: _Builder) -> dict[str, dict[str, Any]]:
    return {
        "controller": _controller(b.policy),
        "purposes": b.purpose_items(),
        "recipients": b.recipients(),
        "rights": b.rights(),
        "complaint": b.complaint(),
        "automated_decision_making": b.automated(),
        "transfer_safeguards": b.transfers(),
    }


def access_package(
    policy: Policy,
    holding: Holding,
    *,
    request_id: str,
    received_at: dt.datetime,
    due: dt.date,
) -> AccessPackage:
    """Build the answer to an access request from what is held (Art. 15(1)-(3); DSR-08).

    The items that depend only on the policy and the purposes served (controller,
    purposes, recipients, rights, complaint, automated decisions, transfers) are built
    and encoded once per policy and set of purposes; every package gets its own copy.

    Args:
        policy: The declarations the answer's texts come from.
        holding: What is held about the subject, read when answering.
        request_id: The request answered.
        received_at: When it was received.
        due: Its strict last day in force.
    """
    return _build(policy, holding, request_id=request_id, received_at=received_at, due=due)[0]


def encoded_package(
    policy: Policy,
    holding: Holding,
    *,
    request_id: str,
    received_at: dt.datetime,
    due: dt.date,
) -> tuple[AccessPackage, bytes]:
    """:func:`access_package`, with the package's canonical JSON (to hash what is disclosed).

    The bytes are exactly the canonical JSON of the package's data as built,
    assembled from the static items' cached encodings.
    """
    package, static = _build(
        policy, holding, request_id=request_id, received_at=received_at, due=due
    )
    data = package.data
    encoded = static.encoded
    parts = [
        _KEYS[run] + encoded[run]
        if isinstance(run, str)
        else _canonical({key: data[key] for key in run})[1:-1]
        for run in _RUNS
    ]
    return package, b"{" + b",".join(parts) + b"}"


def _build(
    policy: Policy,
    holding: Holding,
    *,
    request_id: str,
    received_at: dt.datetime,
    due: dt.date,
) -> tuple[AccessPackage, _Static]:
    """The package and its static items, as cached."""
    if not isinstance(request_id, str) or not request_id:
        raise InvalidInputError("request_id must be a request id")
    cache = _cache(policy)
    b = _Builder(policy, holding, cache.ids)
    static = cache.items(b)
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "request": {
            "id": request_id,
            "received_at": received_at.isoformat(),
            "due": due.isoformat(),
            "answered_at": holding.at.isoformat(),
        },
        "subject_id": holding.subject_id,
        "controller": None,
        "confirmation": b.confirmation(),
        "personal_data": b.personal_data(),
        "purposes": None,
        "categories": b.categories(),
        "recipients": None,
        "retention": b.retention(),
        "rights": None,
        "complaint": None,
        "source": b.source(),
        "automated_decision_making": None,
        "transfer_safeguards": None,
        "consent": b.consent(),
    }
    data.update(static.fresh())  # a fresh copy: callers may change their package
    return AccessPackage(data=data, time_zone=policy.organisation.time_zone), static


def escape(value: object) -> str:
    """Escape a value for Markdown as the documents module does: no markup gets through."""
    return html.escape(str(value), quote=False)


_e = escape


_TITLES = {
    "confirmation": Text(
        en="Do we process your personal data?", sv="Behandlar vi dina personuppgifter?"
    ),
    "personal_data": Text(en="Your personal data", sv="Dina personuppgifter"),
    "purposes": Text(en="Why we process it", sv="Varför vi behandlar dem"),
    "categories": Text(en="Categories of data", sv="Kategorier av uppgifter"),
    "recipients": Text(en="Who receives it", sv="Vilka som tar emot dem"),
    "retention": Text(en="How long we keep it", sv="Hur länge vi sparar dem"),
    "rights": Text(en="Your rights", sv="Dina rättigheter"),
    "complaint": Text(en="Complaints", sv="Klagomål"),
    "source": Text(en="Where the data comes from", sv="Varifrån uppgifterna kommer"),
    "automated_decision_making": Text(en="Automated decisions", sv="Automatiserade beslut"),
    "transfer_safeguards": Text(
        en="Transfers outside the EU/EEA", sv="Överföringar utanför EU/EES"
    ),
}


@attrs.frozen(kw_only=True)
class AccessPackage:
    """The answer to an access request, as data; render with :meth:`to_json`, :meth:`to_markdown`.

    Attributes:
        data: The JSON-able package (see the module docstring for the schema).
        time_zone: The organisation's time zone, for dates in the readable document.
    """

    data: Mapping[str, Any] = attrs.field(repr=False)
    time_zone: str

    def __getitem__(self, key: str) -> Any:  # noqa: ANN401 - JSON
        return self.data[key]

    def to_json(self) -> str:
        """Return the package as JSON: keys sorted, UTF-8, two-space indent, final newline."""
        return json.dumps(self.data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def to_markdown(self, language: str = "en") -> str:
        """Return the package as a readable document in ``"en"`` or ``"sv"`` (Art. 12(1)).

        Every value is HTML-escaped, so stored data cannot inject markup.
        """
        if language not in {"en", "sv"}:
            raise InvalidInputError("language must be 'en' or 'sv'")
        return "\n".join(_Markdown(self, language).lines())


class _Markdown:
    def __init__(self, package: AccessPackage, language: str) -> None:
        self.d = package.data
        self.lang = language
        self.tz = package.time_zone

    def s(self, en: str, sv: str) -> str:
        return sv if self.lang == "sv" else en

    def t(self, text: Mapping[str, str] | None) -> str:
        if not text:
            return ""
        return text.get(self.lang) or text.get("en", "")

    def day(self, iso: str) -> str:
        return format_date(dt.date.fromisoformat(iso), self.lang)

    def lines(self) -> list[str]:
        d = self.d
        request = d["request"]
        out = [
            _e(
                self.s(
                    "# Your personal data: access request",
                    "# Dina personuppgifter: begäran om tillgång",
                )
            ),
            "",
            _e(
                self.s(
                    f"{d['controller']['name']} answers your request {request['id']} under "
                    f"Art. 15 GDPR, received on {self.day(request['received_at'][:10])}.",
                    f"{d['controller']['name']} besvarar din begäran {request['id']} enligt "
                    f"artikel 15 i dataskyddsförordningen, som kom in den "
                    f"{self.day(request['received_at'][:10])}.",
                )
            ),
            "",
        ]
        for key in REQUIRED_ITEMS:
            out += self.section(key, d[key])
        if d["consent"]["items"]:
            out += [f"## {_e(self.s('Your consents', 'Dina samtycken'))}", ""]
            out += [
                f"- {_e(c['at'][:10])}: {_e(c['action'])} ({_e(c['purpose'])}, {_e(c['channel'])})"
                for c in d["consent"]["items"]
            ]
            out.append("")
        return out

    def section(self, key: str, item: Mapping[str, Any]) -> list[str]:
        cited = w.cite(item["provision"], self.lang)
        out = [f"## {_e(_TITLES[key].get(self.lang))} ({_e(cited)})", ""]
        if item["status"] == "not_applicable":
            return [*out, _e(self.t(item["reason"])), ""]
        render = getattr(self, f"_{key}")
        return [*out, *render(item["items"]), ""]

    def _confirmation(self, items: list[dict[str, Any]]) -> list[str]:
        return [_e(self.t(items[0]["text"]))]

    def _personal_data(self, items: list[dict[str, Any]]) -> list[str]:
        out = []
        for record in items:
            when = self.day(record["created_at"][:10])
            out += [
                f"### {_e(self.s('Record', 'Post'))} {_e(record['record_id'])} ({_e(when)})",
                "",
            ]
            if record["stored_in"] == "referenced":
                out.append(
                    _e(
                        self.s(
                            f"Held in our own system under reference {record['external_ref']}.",
                            f"Finns i vårt eget system under referensen {record['external_ref']}.",
                        )
                    )
                )
            for field in record["fields"]:
                value = field["value"]
                if value is None:
                    value = self.s("[unreadable]", "[oläslig]")
                elif field["encoding"] == "base64":
                    value = self.s(
                        f"[binary data, base64] {value}", f"[binära data, base64] {value}"
                    )
                out.append(f"- {_e(self.t(field['label']))}: {_e(value)}")
            out.append("")
        return out

    def _purposes(self, items: list[dict[str, Any]]) -> list[str]:
        out = []
        for p in items:
            basis = self.t(p["legal_basis_text"])
            law = f" ({p['law_reference']})" if p["law_reference"] else ""
            out.append(
                f"- **{_e(self.t(p['name']))}**: {_e(self.t(p['description']))} "
                f"{_e(self.s('Legal basis', 'Rättslig grund'))}: {_e(basis)}{_e(law)}."
            )
        return out

    def _categories(self, items: list[dict[str, Any]]) -> list[str]:
        return [f"- {_e(self.t(c['label']))}" for c in items]

    def _recipients(self, items: list[dict[str, Any]]) -> list[str]:
        return [
            f"- {_e(r['name'])}: {_e(self.t(r['role_text']))}, {_e(self.t(r['country_name']))}"
            for r in items
        ]

    def _retention(self, items: list[dict[str, Any]]) -> list[str]:
        return [
            f"- {_e(self.s('Record', 'Post'))} {_e(r['record_id'])}, {_e(r['purpose'])}: "
            f"{_e(self.t(r['explanation']))}"
            for r in items
        ]

    def _rights(self, items: list[dict[str, Any]]) -> list[str]:
        return [f"- {_e(w.cite(r['article'], self.lang))}: {_e(self.t(r['text']))}" for r in items]

    def _complaint(self, items: list[dict[str, Any]]) -> list[str]:
        return [_e(self.t(items[0]["text"]))]

    def _source(self, items: list[dict[str, Any]]) -> list[str]:
        return [f"- {_e(s['category'])}: {_e(s['source'] or '')}" for s in items]

    def _automated_decision_making(self, items: list[dict[str, Any]]) -> list[str]:
        return [f"- {_e(self.t(a['text']))}" for a in items]

    def _transfer_safeguards(self, items: list[dict[str, Any]]) -> list[str]:
        return [
            f"- {_e(t['recipient'])} ({_e(t['country'])}): {_e(self.t(t['mechanism_text']))}"
            for t in items
        ]
