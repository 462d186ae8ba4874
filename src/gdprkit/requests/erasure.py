"""Deciding an erasure request link by link, and the answer to it (Art. 17; LEGAL.md DSR-11).

Each live purpose link of the subject's records is either erased or retained under a
named Art. 17(3) exception:

1. a legal hold covers it (subject, record, purpose, or a category the record holds
   for the purpose): retained under 17(3)(e), legal claims, while the hold lasts;
2. its purpose rests on a legal obligation or a public task (Art. 6(1)(c), (e)) and its
   retention has not ended: retained under 17(3)(b), with the law, until the
   ``eligible_from`` the engine stored on the link;
3. otherwise: erased.

A retained link keeps only the fields its own purpose declares, and the record is used
for nothing else: every other link of it ends, so reads for other purposes are refused
(Art. 17(3), 18(2); CON-08). The answer lists what was erased and what was kept, why
(exception and law) and until when. Pure.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from gdprkit.documents import _words as w
from gdprkit.errors import InvalidInputError, NotFoundError
from gdprkit.legaltime.explain import format_date, law_name
from gdprkit.policy._fields import Text
from gdprkit.policy.vocab import LegalBasis
from gdprkit.requests.access import escape, keep_through
from gdprkit.requests.vocab import ErasureException, ErasureGround

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping

    from gdprkit.policy.model import Policy, Purpose
    from gdprkit.requests.notices import NoticeTarget

__all__ = [
    "SCHEMA",
    "Decision",
    "ErasureAnswer",
    "HoldLike",
    "LinkLike",
    "decide_erasure",
    "erasure_answer",
]

SCHEMA = "gdprkit.erasure/1"
"""The schema name and version of the JSON answer."""

_KEEPING_BASES = frozenset({LegalBasis.LEGAL_OBLIGATION, LegalBasis.PUBLIC_TASK})


class LinkLike(Protocol):
    """**Protocol:** what a decision reads of a purpose link."""

    @property
    def record_id(self) -> str:
        """The record."""
        ...

    @property
    def purpose_id(self) -> str:
        """The purpose."""
        ...

    @property
    def eligible_from(self) -> dt.datetime | None:
        """When the purpose lets go, if known."""
        ...


class HoldLike(Protocol):
    """**Protocol:** what a decision reads of an active legal hold."""

    @property
    def id(self) -> str:
        """The hold."""
        ...

    @property
    def scope(self) -> str:
        """``subject``, ``record``, ``purpose`` or ``category``."""
        ...

    @property
    def scope_value(self) -> str:
        """Which one."""
        ...


@attrs.frozen(kw_only=True)
class Decision:
    """Erase or retain one purpose link.

    Attributes:
        record_id: The record.
        purpose_id: The purpose.
        erase: Whether the link ends now.
        exception: The Art. 17(3) exception it is retained under.
        law: The law behind a 17(3)(b) exception, as declared.
        hold_ids: The holds behind a 17(3)(e) exception.
    """

    record_id: str
    purpose_id: str
    erase: bool
    exception: ErasureException | None = None
    law: str | None = None
    hold_ids: tuple[str, ...] = ()


def _purpose(policy: Policy, purpose_id: str) -> Purpose | None:
    try:
        return policy.purpose(purpose_id)
    except NotFoundError:
        return None


def _holds_on(
    holds: Iterable[HoldLike],
    subject_id: str,
    link: LinkLike,
    categories: Collection[str],
) -> tuple[str, ...]:
    found = []
    for hold in holds:
        scope = str(hold.scope)
        covered = (
            (scope == "subject" and hold.scope_value == subject_id)
            or (scope == "record" and hold.scope_value == link.record_id)
            or (scope == "purpose" and hold.scope_value == link.purpose_id)
            or (scope == "category" and hold.scope_value in categories)
        )
        if covered:
            found.append(hold.id)
    return tuple(sorted(found))


def decide_erasure(
    policy: Policy,
    links: Iterable[LinkLike],
    holds: Iterable[HoldLike],
    *,
    subject_id: str,
    record_fields: Mapping[str, Collection[str]],
    now: dt.datetime,
) -> tuple[Decision, ...]:
    """Decide each live link of the subject: erase, or retain under Art. 17(3).

    Args:
        policy: The purposes, their bases and retention rules.
        links: The subject's live links.
        holds: The active legal holds.
        subject_id: The subject.
        record_fields: Each record's present category ids.
        now: The instant of the decision; a retention that ended by then keeps nothing.
    """
    held = list(holds)
    decisions = []
    for link in sorted(links, key=lambda x: (x.record_id, x.purpose_id)):
        purpose = _purpose(policy, link.purpose_id)
        declared = set(purpose.categories) if purpose else set()
        present = set(record_fields.get(link.record_id, ()))
        hold_ids = _holds_on(held, subject_id, link, declared & present)
        if hold_ids:
            decisions.append(
                Decision(
                    record_id=link.record_id,
                    purpose_id=link.purpose_id,
                    erase=False,
                    exception=ErasureException.LEGAL_CLAIMS,
                    hold_ids=hold_ids,
                )
            )
            continue
        running = link.eligible_from is None or link.eligible_from > now
        if purpose is not None and purpose.legal_basis in _KEEPING_BASES and running:
            rule = purpose.retention
            decisions.append(
                Decision(
                    record_id=link.record_id,
                    purpose_id=link.purpose_id,
                    erase=False,
                    exception=ErasureException.LEGAL_OBLIGATION,
                    law=(rule.law_reference if rule else None) or purpose.law_reference,
                )
            )
            continue
        decisions.append(Decision(record_id=link.record_id, purpose_id=link.purpose_id, erase=True))
    return tuple(decisions)


def _labels(policy: Policy, categories: Iterable[str]) -> list[dict[str, Any]]:
    out = []
    for category_id in sorted(categories):
        try:
            label = policy.category(category_id).label
            out.append({"id": category_id, "label": {"en": label.en, "sv": label.get("sv")}})
        except NotFoundError:
            out.append({"id": category_id, "label": {"en": category_id, "sv": category_id}})
    return out


def erasure_answer(
    policy: Policy,
    *,
    request_id: str,
    subject_id: str,
    ground: ErasureGround,
    answered_at: dt.datetime,
    erased: Iterable[tuple[str, Collection[str], Collection[str], bool]],
    kept: Iterable[tuple[Decision, Collection[str], dt.datetime | None]],
    notices: Iterable[NoticeTarget],
) -> ErasureAnswer:
    """Build the answer to an erasure request (DSR-11: what was kept, why, and until when).

    Args:
        policy: For names, labels and laws.
        request_id: The request.
        subject_id: The subject.
        ground: The Art. 17(1) ground recorded.
        answered_at: When it was carried out (UTC).
        erased: Per record: ``(record_id, purposes ended, categories removed, record deleted)``.
        kept: Per retained link: its decision, the categories it keeps, and the
            ``eligible_from`` the engine stores on it after the erasure.
        notices: The Art. 19 recipients of the erased data.
    """
    tz = policy.organisation.time_zone
    kept_items = []
    for decision, categories, eligible in kept:
        purpose = _purpose(policy, decision.purpose_id)
        law = law_name(decision.law) if decision.law else None
        assert decision.exception is not None  # noqa: S101 - only retained links are kept
        kept_items.append(
            {
                "record_id": decision.record_id,
                "purpose": decision.purpose_id,
                "purpose_name": (
                    {"en": purpose.name.en, "sv": purpose.name.get("sv")} if purpose else None
                ),
                "categories": _labels(policy, categories),
                "exception": decision.exception.value,
                "article": decision.exception.article,
                "law": {"en": law.en, "sv": law.sv} if law else None,
                "hold_ids": list(decision.hold_ids),
                "eligible_from": eligible.isoformat() if eligible else None,
                "keep_through": keep_through(eligible, tz).isoformat() if eligible else None,
                "used_only_for": decision.purpose_id,
            }
        )
    data = {
        "schema": SCHEMA,
        "request_id": request_id,
        "subject_id": subject_id,
        "ground": ground.value,
        "ground_article": ground.article,
        "answered_at": answered_at.isoformat(),
        "erased": [
            {
                "record_id": record_id,
                "purposes": sorted(purposes),
                "categories": _labels(policy, categories),
                "record_deleted": deleted,
            }
            for record_id, purposes, categories, deleted in erased
        ],
        "kept": kept_items,
        "recipients": [
            {"id": n.recipient_id, "name": n.name, "role": n.role, "country": n.country}
            for n in notices
        ],
    }
    return ErasureAnswer(data=data)


@attrs.frozen(kw_only=True)
class ErasureAnswer:
    """The answer to an erasure request; render with :meth:`to_json` or :meth:`to_markdown`.

    Attributes:
        data: ``{schema, request_id, subject_id, ground, ground_article, answered_at,
            erased: [{record_id, purposes, categories, record_deleted}], kept:
            [{record_id, purpose, purpose_name, categories, exception, article, law,
            hold_ids, eligible_from, keep_through, used_only_for}], recipients}``.
    """

    data: Mapping[str, Any] = attrs.field(repr=False)

    @property
    def kept(self) -> list[dict[str, Any]]:
        """What was kept, why and until when."""
        result: list[dict[str, Any]] = self.data["kept"]
        return result

    @property
    def erased(self) -> list[dict[str, Any]]:
        """What was erased, per record."""
        result: list[dict[str, Any]] = self.data["erased"]
        return result

    def to_json(self) -> str:
        """Return the answer as JSON: keys sorted, UTF-8, two-space indent, final newline."""
        return json.dumps(self.data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def to_markdown(self, language: str = "en") -> str:
        """Return the answer as a readable document in ``"en"`` or ``"sv"``.

        Every value is HTML-escaped, so stored data cannot inject markup.
        """
        if language not in {"en", "sv"}:
            raise InvalidInputError("language must be 'en' or 'sv'")
        return "\n".join(_Markdown(self.data, language).lines())


_WORDS = {
    "title": Text(en="Your erasure request", sv="Din begäran om radering"),
    "erased": Text(en="Erased", sv="Raderat"),
    "kept": Text(en="Kept", sv="Sparat"),
    "record": Text(en="Record", sv="Post"),
    "whole": Text(en="the whole record", sv="hela posten"),
    "none_erased": Text(en="Nothing could be erased.", sv="Inget kunde raderas."),
    "none_kept": Text(en="Nothing was kept.", sv="Inget har sparats."),
    "kept_for": Text(en="kept for", sv="sparas för"),
    "only": Text(en="used for nothing else", sv="används inte till något annat"),
    "hold": Text(en="while the legal hold lasts", sv="så länge det rättsliga kvarhållandet gäller"),
    "recipients": Text(
        en="Recipients told of the erasure", sv="Mottagare som underrättas om raderingen"
    ),
}


class _Markdown:
    def __init__(self, data: Mapping[str, Any], language: str) -> None:
        self.d = data
        self.lang = language

    def w(self, key: str) -> str:
        return _WORDS[key].get(self.lang)

    def t(self, text: Mapping[str, str | None] | None) -> str:
        if not text:
            return ""
        return text.get(self.lang) or text.get("en") or ""

    def names(self, items: list[dict[str, Any]]) -> str:
        return ", ".join(self.t(i["label"]) or i["id"] for i in items)

    def lines(self) -> list[str]:
        d, lang = self.d, self.lang
        ground = w.cite(d["ground_article"], lang)
        intro = (
            f"Vi har behandlat din begäran om radering ({ground})."
            if lang == "sv"
            else f"We have acted on your request for erasure ({ground})."
        )
        out = [f"# {escape(self.w('title'))} ({escape(d['request_id'])})", "", escape(intro), ""]
        out += [f"## {escape(self.w('erased'))}", ""]
        for item in d["erased"]:
            what = self.w("whole") if item["record_deleted"] else self.names(item["categories"])
            out.append(f"- {escape(self.w('record'))} {escape(item['record_id'])}: {escape(what)}")
        if not d["erased"]:
            out.append(escape(self.w("none_erased")))
        out += ["", f"## {escape(self.w('kept'))}", ""]
        for item in d["kept"]:
            out.append(self.kept(item))
        if not d["kept"]:
            out.append(escape(self.w("none_kept")))
        if d["recipients"]:
            title = f"{self.w('recipients')} ({w.cite('19', lang)})"
            out += ["", f"## {escape(title)}", ""]
            out += [f"- {escape(r['name'])}" for r in d["recipients"]]
        out.append("")
        return out

    def kept(self, item: Mapping[str, Any]) -> str:
        purpose = self.t(item["purpose_name"]) or item["purpose"]
        why = w.cite(item["article"], self.lang)
        if item["law"]:
            why += f"; {self.t(item['law'])}"
        if item["hold_ids"] or not item["keep_through"]:
            until = self.w("hold")
        else:
            day = format_date(dt.date.fromisoformat(item["keep_through"]), self.lang)
            until = f"till och med den {day}" if self.lang == "sv" else f"until {day}"
        return escape(
            f"- {self.w('record')} {item['record_id']}: {self.names(item['categories'])}"
            f" — {self.w('kept_for')} {purpose} ({why}), {until}; {self.w('only')}."
        )
