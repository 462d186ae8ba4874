"""The notification to the supervisory authority and the communication to people, en and sv.

Pure functions of a :class:`~gdprkit.breaches.model.Breach` and the policy:

* :func:`authority_notification` writes the Art. 33(3) notification. It is written
  whenever asked, complete or not: items the register cannot supply yet are listed as
  to follow, so the first phase can go out within the 72 hours (Art. 33(4)).
* :func:`communication_to_people` writes the Art. 34(2) communication in clear and
  plain language. It must be whole: it raises :class:`~gdprkit.errors.DocumentError`
  listing every missing item (Art. 33(3)(b)-(d), a Swedish text) instead.

Both render to Markdown (:func:`to_markdown`, every value HTML-escaped like the other
generated documents) and plain text (:func:`to_plain_text`, for e-mail and SMS).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable

import attrs

from gdprkit.breaches.model import (
    Breach,
    BreachType,
    CommunicationStatus,
    Exemption,
    NotificationItem,
    RiskLevel,
    available_items,
    contact_point,
)
from gdprkit.clock import to_utc
from gdprkit.documents import _words as w
from gdprkit.documents._common import Context, check_language
from gdprkit.documents.model import Item, Section
from gdprkit.errors import DeadlineError
from gdprkit.legaltime.explain import format_date, format_instant
from gdprkit.policy._fields import Text
from gdprkit.policy.model import Contact, Policy
from gdprkit.policy.vocab import ClosedVocabulary

__all__ = [
    "BreachDocument",
    "BreachDocumentKind",
    "authority_notification",
    "communication_to_people",
    "to_markdown",
    "to_plain_text",
]

_T = Text


class BreachDocumentKind(ClosedVocabulary):
    """What a breach document is."""

    AUTHORITY_NOTIFICATION = "breach_notification"
    """The notification to the supervisory authority (Art. 33(3), 33(4))."""
    COMMUNICATION = "breach_communication"
    """The communication to the people concerned (Art. 34(2))."""


@attrs.frozen(kw_only=True)
class BreachDocument:
    """A breach document in structured form, in one language, before rendering.

    Attributes:
        kind: Notification to the authority, or communication to people.
        language: ``"en"`` or ``"sv"``.
        title: The title.
        intro: The opening paragraph.
        sections: The sections, in reading order; items name their provisions.
        breach_id: The register entry it was written from.
        phase: For a notification, the phase it is (1 initial, then supplements).
        missing: For a notification, the Art. 33(3) items still to follow.
        organisation: The controller's legal name.
        policy_version: The policy's version label.
        policy_hash: The policy's content hash.
    """

    kind: BreachDocumentKind = attrs.field(converter=BreachDocumentKind)
    language: str
    title: str
    intro: str
    sections: tuple[Section, ...]
    breach_id: str
    phase: int | None = None
    missing: tuple[NotificationItem, ...] = ()
    organisation: str
    policy_version: str
    policy_hash: str

    @property
    def complete(self) -> bool:
        """Whether every Art. 33(3) item is in the document."""
        return not self.missing

    def section(self, section_id: str) -> Section:
        """Return the section with this id.

        Raises:
            KeyError: no such section.
        """
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)


# --- wording ----------------------------------------------------------------------------

_ITEM_WORDING = {
    NotificationItem.NATURE: _T(en="the nature of the breach", sv="personuppgiftsincidentens art"),
    NotificationItem.SUBJECTS: _T(
        en="the categories and approximate number of people concerned",
        sv="kategorierna av och det ungefärliga antalet registrerade som berörs",
    ),
    NotificationItem.RECORDS: _T(
        en="the categories and approximate number of personal data records concerned",
        sv="kategorierna av och det ungefärliga antalet personuppgiftsposter som berörs",
    ),
    NotificationItem.CONTACT: _T(
        en="the name and contact details of the data protection officer or other contact point",
        sv="namn och kontaktuppgifter för dataskyddsombudet eller annan kontaktpunkt",
    ),
    NotificationItem.CONSEQUENCES: _T(
        en="the likely consequences of the breach",
        sv="de sannolika konsekvenserna av personuppgiftsincidenten",
    ),
    NotificationItem.MEASURES: _T(
        en="the measures taken or proposed, including measures to mitigate its possible "
        "adverse effects",
        sv="de åtgärder som har vidtagits eller föreslagits, inklusive åtgärder för att mildra "
        "dess potentiella negativa effekter",
    ),
}

_TYPE_WORDING = {
    BreachType.CONFIDENTIALITY: _T(
        en="Breach of confidentiality: unauthorised or accidental disclosure of, or access "
        "to, personal data",
        sv="Konfidentialitetsincident: obehörigt eller oavsiktligt röjande av eller åtkomst "
        "till personuppgifter",
    ),
    BreachType.INTEGRITY: _T(
        en="Breach of integrity: unauthorised or accidental alteration of personal data",
        sv="Riktighetsincident: obehörig eller oavsiktlig ändring av personuppgifter",
    ),
    BreachType.AVAILABILITY: _T(
        en="Breach of availability: loss of access to, or destruction of, personal data",
        sv="Tillgänglighetsincident: förlust av åtkomst till eller förstöring av personuppgifter",
    ),
}

_RISK_WORDING = {
    RiskLevel.NONE: _T(
        en="We assess that the breach is unlikely to result in a risk to people's rights and "
        "freedoms.",
        sv="Vi bedömer att det är osannolikt att incidenten medför en risk för de "
        "registrerades rättigheter och friheter.",
    ),
    RiskLevel.RISK: _T(
        en="We assess that the breach is likely to result in a risk to people's rights and "
        "freedoms.",
        sv="Vi bedömer att incidenten sannolikt medför en risk för de registrerades "
        "rättigheter och friheter.",
    ),
    RiskLevel.HIGH_RISK: _T(
        en="We assess that the breach is likely to result in a high risk to people's rights "
        "and freedoms.",
        sv="Vi bedömer att incidenten sannolikt medför en hög risk för de registrerades "
        "rättigheter och friheter.",
    ),
}

_EXEMPTION_WORDING = {
    Exemption.ENCRYPTED: _T(
        en="the data was encrypted and the keys were not affected, so it is unintelligible "
        "to anyone without them",
        sv="uppgifterna var krypterade och nycklarna berördes inte, så de är obegripliga för "
        "den som saknar nycklarna",
    ),
    Exemption.MITIGATED: _T(
        en="measures taken since ensure that the high risk is no longer likely to materialise",
        sv="vidtagna åtgärder säkerställer att den höga risken inte längre sannolikt kommer "
        "att förverkligas",
    ),
    Exemption.DISPROPORTIONATE_EFFORT: _T(
        en="telling each person would involve disproportionate effort, so we inform them by a "
        "public communication",
        sv="det skulle innebära en oproportionerligt stor ansträngning att informera var och "
        "en, så vi informerar genom ett offentligt meddelande",
    ),
}

_S = {
    "notification_title": _T(
        en="Notification of a personal data breach",
        sv="Anmälan av personuppgiftsincident",
    ),
    "initial": _T(
        en="{org} notifies {authority} of a personal data breach under Article 33 of the "
        "General Data Protection Regulation. This is the initial notification.",
        sv="{org} anmäler en personuppgiftsincident till {authority} enligt artikel 33 i "
        "dataskyddsförordningen. Detta är den första anmälan.",
    ),
    "supplement": _T(
        en="{org} supplements its notification to {authority} of a personal data breach "
        "first notified on {first} (Article 33(4)). This is phase {phase}.",
        sv="{org} kompletterar sin anmälan till {authority} av en personuppgiftsincident som "
        "först anmäldes den {first} (artikel 33.4). Detta är omgång {phase}.",
    ),
    "authority_reference": _T(en="Your reference: {ref}.", sv="Er referens: {ref}."),
    "breach": _T(en="The breach", sv="Personuppgiftsincidenten"),
    "occurred": _T(en="Occurred: {at}", sv="Inträffade: {at}"),
    "detected": _T(en="Detected: {at}", sv="Upptäcktes: {at}"),
    "aware": _T(en="We became aware: {at}", sv="Vi fick kännedom: {at}"),
    "processor": _T(
        en="Reported to us by our processor {name} on {at} (Article 33(2)).",
        sv="Rapporterades till oss av vårt personuppgiftsbiträde {name} den {at} (artikel 33.2).",
    ),
    "concerned": _T(en="People and data concerned", sv="Berörda personer och uppgifter"),
    "subjects": _T(
        en="Categories of people: {categories}. Approximate number of people: {count}.",
        sv="Kategorier av registrerade: {categories}. Ungefärligt antal registrerade: {count}.",
    ),
    "records": _T(
        en="Categories of personal data: {categories}. Approximate number of personal data "
        "records: {count}.",
        sv="Kategorier av personuppgifter: {categories}. Ungefärligt antal "
        "personuppgiftsposter: {count}.",
    ),
    "special": _T(
        en="Special categories of data or data on criminal offences concerned "
        "(Articles 9 and 10): {categories}.",
        sv="Känsliga personuppgifter eller uppgifter om lagöverträdelser som berörs "
        "(artiklarna 9 och 10): {categories}.",
    ),
    "systems": _T(en="Systems affected: {systems}.", sv="Berörda system: {systems}."),
    "window": _T(
        en="Counted among the records created {window}.",
        sv="Räknat bland de poster som skapats {window}.",
    ),
    "from": _T(en="from {at}", sv="från och med {at}"),
    "until": _T(en="before {at}", sv="före {at}"),
    "none_declared": _T(en="none declared", sv="inga angivna"),
    "contact": _T(en="Contact point", sv="Kontaktpunkt"),
    "dpo": _T(en="Data protection officer", sv="Dataskyddsombud"),
    "other_contact": _T(en="Contact point", sv="Kontaktpunkt"),
    "consequences": _T(en="Likely consequences", sv="Sannolika konsekvenser"),
    "measures": _T(en="Measures taken or proposed", sv="Vidtagna eller föreslagna åtgärder"),
    "timing": _T(en="Timing", sv="Tidpunkter"),
    "notify_by": _T(
        en="The 72 hours end: {at} (Article 33(1)).",
        sv="De 72 timmarna löper ut: {at} (artikel 33.1).",
    ),
    "submitted": _T(en="Submitted: {at}.", sv="Inskickad: {at}."),
    "delay": _T(en="Reasons for the delay", sv="Skäl till förseningen"),
    "people": _T(en="Informing the people concerned", sv="Information till de registrerade"),
    "people_told": _T(
        en="We informed the people concerned on {at} (Article 34).",
        sv="Vi informerade de registrerade den {at} (artikel 34).",
    ),
    "people_to_tell": _T(
        en="We will inform the people concerned without undue delay (Article 34(1)).",
        sv="Vi kommer att informera de registrerade utan onödigt dröjsmål (artikel 34.1).",
    ),
    "people_exempt": _T(
        en="We will not inform the people concerned individually because {reason} ({cite}).",
        sv="Vi informerar inte de registrerade var för sig eftersom {reason} ({cite}).",
    ),
    "people_authority_exempt": _T(
        en="The supervisory authority has decided that a condition of Article 34(3) is met, "
        "so we will not inform the people concerned individually (Article 34(4)).",
        sv="Tillsynsmyndigheten har beslutat att ett villkor i artikel 34.3 är uppfyllt, så vi "
        "informerar inte de registrerade var för sig (artikel 34.4).",
    ),
    "people_not_required": _T(
        en="We do not assess the risk as high, so Article 34 does not require us to inform "
        "the people concerned.",
        sv="Vi bedömer inte risken som hög, så artikel 34 kräver inte att vi informerar de "
        "registrerade.",
    ),
    "to_follow": _T(en="Information to follow", sv="Information som kommer senare"),
    "to_follow_text": _T(
        en="We cannot yet provide the following information. We will provide it in further "
        "phases without undue further delay (Article 33(4)):",
        sv="Följande information kan vi ännu inte lämna. Vi lämnar den i omgångar utan "
        "onödigt ytterligare dröjsmål (artikel 33.4):",
    ),
    "reference": _T(en="Our reference: {ref}", sv="Vår referens: {ref}"),
    "policy": _T(
        en="Policy version {version}, fingerprint (SHA-256) {hash}",
        sv="Policyversion {version}, fingeravtryck (SHA-256) {hash}",
    ),
    # --- the communication to people ---
    "people_title": _T(
        en="A personal data breach that concerns you",
        sv="En personuppgiftsincident som berör dig",
    ),
    "people_intro_high": _T(
        en="We at {org} are writing to tell you about a personal data breach that concerns "
        "your personal data. We are telling you because it may put your rights at high risk, "
        "and so that you can protect yourself.",
        sv="Vi på {org} skriver för att berätta om en personuppgiftsincident som gäller dina "
        "personuppgifter. Vi berättar det eftersom den kan innebära en hög risk för dina "
        "rättigheter, och för att du ska kunna skydda dig.",
    ),
    "people_intro": _T(
        en="We at {org} are writing to tell you about a personal data breach that concerns "
        "your personal data, so that you can protect yourself.",
        sv="Vi på {org} skriver för att berätta om en personuppgiftsincident som gäller dina "
        "personuppgifter, så att du kan skydda dig.",
    ),
    "what_happened": _T(en="What happened", sv="Vad som har hänt"),
    "found_on": _T(en="We found out on {date}.", sv="Vi fick kännedom om det den {date}."),
    "which_data": _T(en="Which information is concerned", sv="Vilka uppgifter det gäller"),
    "what_it_means": _T(en="What this may mean for you", sv="Vad det kan innebära för dig"),
    "what_we_did": _T(en="What we have done", sv="Vad vi har gjort"),
    "what_you_can_do": _T(en="What you can do", sv="Vad du kan göra"),
    "questions": _T(en="Questions", sv="Frågor"),
    "ask": _T(
        en="If you have questions, contact {name}.",
        sv="Om du har frågor kan du kontakta {name}.",
    ),
    "complain": _T(
        en="You also have the right to complain to {authority}.",
        sv="Du har också rätt att klaga hos {authority}.",
    ),
}


def _s(key: str, ctx: Context, **values: object) -> str:
    return ctx.w(_S[key]).format(**values)


def _when(instant: dt.datetime, ctx: Context) -> str:
    return format_instant(
        to_utc(instant, what="breach document time"),
        ctx.policy.organisation.time_zone,
        ctx.language,
    )


def _contact_points(contact: Contact) -> list[str]:
    return [value for value in (contact.email, contact.phone, contact.address) if value]


def _document(
    *,
    kind: BreachDocumentKind,
    ctx: Context,
    breach: Breach,
    title: str,
    intro: str,
    sections: Iterable[Section],
    phase: int | None = None,
    missing: tuple[NotificationItem, ...] = (),
) -> BreachDocument:
    ctx.raise_if_missing()
    policy = ctx.policy
    return BreachDocument(
        kind=kind,
        language=ctx.language,
        title=title,
        intro=intro,
        sections=tuple(sections),
        breach_id=breach.id,
        phase=phase,
        missing=missing,
        organisation=policy.organisation.legal_name,
        policy_version=policy.version,
        policy_hash=policy.content_hash,
    )


def _labels(ids: Iterable[str], lookup: dict[str, Text], ctx: Context, path: str) -> str:
    labels = [w.list_item(ctx.t(lookup[i], f"{path}.{i}.label"), ctx.language) for i in ids]
    return w.join(labels, ctx.language) if labels else _s("none_declared", ctx)


# --- the notification to the supervisory authority -----------------------------------------


def _nature_section(breach: Breach, ctx: Context) -> Section:
    points = [ctx.w(_TYPE_WORDING[t]) for t in breach.types]
    if breach.occurred_at is not None:
        points.append(_s("occurred", ctx, at=_when(breach.occurred_at, ctx)))
    points.append(_s("detected", ctx, at=_when(breach.detected_at, ctx)))
    points.append(_s("aware", ctx, at=_when(breach.aware_at, ctx)))
    if breach.processor is not None:
        name = ctx.policy.recipient(breach.processor.recipient_id).name
        points.append(_s("processor", ctx, name=name, at=_when(breach.processor.notified_at, ctx)))
    item = Item(
        id="nature",
        text=ctx.t(breach.facts, "breach.facts"),
        points=tuple(points),
        provisions=("33(3)(a)",),
    )
    return Section(
        id="breach",
        title=f"{_s('breach', ctx)} ({w.cite('33(3)(a)', ctx.language)})",
        items=(item,),
    )


def _scope_section(breach: Breach, ctx: Context) -> Section | None:
    scope = breach.scope
    if scope is None:
        return None
    policy = ctx.policy
    subjects = {s.id: s.label for s in policy.subject_categories}
    categories = {c.id: c.label for c in policy.categories}
    systems = [policy.system(s).name for s in scope.systems]
    records_points = [_s("systems", ctx, systems=w.join(systems, ctx.language))]
    if scope.special_categories:
        special = _labels(scope.special_categories, categories, ctx, "categories")
        records_points.append(_s("special", ctx, categories=special))
    window = [
        _s(key, ctx, at=_when(at, ctx))
        for key, at in (("from", scope.created_from), ("until", scope.created_until))
        if at is not None
    ]
    if window:
        records_points.append(_s("window", ctx, window=w.join(window, ctx.language)))
    items = (
        Item(
            id="subjects",
            text=_s(
                "subjects",
                ctx,
                categories=_labels(scope.subject_categories, subjects, ctx, "subject_categories"),
                count=scope.subjects,
            ),
            provisions=("33(3)(a)",),
        ),
        Item(
            id="records",
            text=_s(
                "records",
                ctx,
                categories=_labels(scope.categories, categories, ctx, "categories"),
                count=scope.records,
            ),
            points=tuple(records_points),
            provisions=("33(3)(a)",),
        ),
    )
    title = f"{_s('concerned', ctx)} ({w.cite('33(3)(a)', ctx.language)})"
    return Section(id="concerned", title=title, items=items)


def _contact_section(ctx: Context, *, for_people: bool) -> Section | None:
    contact = contact_point(ctx.policy)
    if contact is None:
        return None
    org = ctx.policy.organisation
    label = _s("dpo" if contact is org.dpo else "other_contact", ctx)
    if for_people:
        authority = org.supervisory_authority
        where = f"{authority.name} ({authority.url})" if authority.url else authority.name
        item = Item(
            id="contact",
            text=_s("ask", ctx, name=contact.name),
            points=(*_contact_points(contact), _s("complain", ctx, authority=where)),
            provisions=("33(3)(b)", "34(2)"),
        )
        return Section(id="questions", title=_s("questions", ctx), items=(item,))
    item = Item(
        id="contact",
        text=f"{label}: {contact.name}",
        points=tuple(_contact_points(contact)),
        provisions=("33(3)(b)",),
    )
    title = f"{_s('contact', ctx)} ({w.cite('33(3)(b)', ctx.language)})"
    return Section(id="contact", title=title, items=(item,))


def _consequences_section(breach: Breach, ctx: Context) -> Section | None:
    assessment = breach.assessment
    if assessment is None:
        return None
    item = Item(
        id="consequences",
        text=ctx.t(assessment.consequences, "assessment.consequences"),
        points=(ctx.w(_RISK_WORDING[assessment.level]),),
        provisions=("33(3)(c)",),
    )
    title = f"{_s('consequences', ctx)} ({w.cite('33(3)(c)', ctx.language)})"
    return Section(id="consequences", title=title, items=(item,))


def _measures_section(breach: Breach, ctx: Context) -> Section | None:
    if breach.measures is None:
        return None
    item = Item(
        id="measures", text=ctx.t(breach.measures, "breach.measures"), provisions=("33(3)(d)",)
    )
    title = f"{_s('measures', ctx)} ({w.cite('33(3)(d)', ctx.language)})"
    return Section(id="measures", title=title, items=(item,))


def _people_section(breach: Breach, ctx: Context) -> Section | None:
    if breach.assessment is None:
        return None
    status = breach.communication_status
    if status is CommunicationStatus.COMMUNICATED:
        text = _s("people_told", ctx, at=_when(breach.communications[-1].communicated_at, ctx))
    elif status is CommunicationStatus.EXEMPT and breach.exemptions:
        exemption = breach.exemptions[-1].exemption
        text = _s(
            "people_exempt",
            ctx,
            reason=ctx.w(_EXEMPTION_WORDING[exemption]),
            cite=w.cite(exemption.provision, ctx.language),
        )
    elif status is CommunicationStatus.EXEMPT:
        text = _s("people_authority_exempt", ctx)
    elif status is CommunicationStatus.NOT_REQUIRED:
        text = _s("people_not_required", ctx)
    else:
        text = _s("people_to_tell", ctx)
    item = Item(id="people", text=text, provisions=("34",))
    return Section(id="people", title=_s("people", ctx), items=(item,))


def authority_notification(
    breach: Breach,
    policy: Policy,
    *,
    language: str = "en",
    submitted_at: dt.datetime | None = None,
    delay_reason: str | None = None,
) -> BreachDocument:
    """Write the next phase of the notification to the supervisory authority (Art. 33(3), (4)).

    Every Art. 33(3) item the register can supply is included; the others are listed
    as to follow, and :attr:`BreachDocument.missing` names them, so an incomplete
    notification is visible as such. A notification after the 72 hours states the
    reasons for the delay (Art. 33(1)).

    Args:
        breach: The register entry.
        policy: The policy (organisation, contact point, labels).
        language: ``"en"`` or ``"sv"``.
        submitted_at: When it is submitted (timezone-aware); shown, and checked
            against the deadline. ``None`` leaves it out (a preview).
        delay_reason: The reasons for the delay, when late.

    Raises:
        DeadlineError: the initial notification is late and *delay_reason* is empty.
        DocumentError: a text is missing in *language* (e.g. no Swedish facts).
        NaiveDatetimeError: *submitted_at* has no time zone.
    """
    check_language(language, "breach notification")
    ctx = Context(policy=policy, language=language, what="breach notification")
    org = policy.organisation
    phase = len(breach.phases) + 1
    if phase == 1:
        intro = _s("initial", ctx, org=org.legal_name, authority=org.supervisory_authority.name)
    else:
        first = _when(breach.phases[0].submitted_at, ctx)
        intro = _s(
            "supplement",
            ctx,
            org=org.legal_name,
            authority=org.supervisory_authority.name,
            first=first,
            phase=phase,
        )
        reference = next((p.reference for p in reversed(breach.phases) if p.reference), None)
        if reference:
            intro = f"{intro} {_s('authority_reference', ctx, ref=reference)}"
    timing = [_s("notify_by", ctx, at=_when(breach.notify_by, ctx))]
    delay: Section | None = None
    if submitted_at is not None:
        at = to_utc(submitted_at, what="authority_notification(submitted_at)")
        timing.append(_s("submitted", ctx, at=_when(at, ctx)))
        first_submission = breach.phases[0].submitted_at if breach.phases else at
        if first_submission > breach.notify_by:
            reason = (
                delay_reason or (breach.phases[0].delay_reason if breach.phases else None)
            ) or ""
            if not reason.strip():
                raise DeadlineError(
                    "the initial notification is after the 72 hours and must give the reasons "
                    "for the delay (Art. 33(1))"
                )
            delay_item = Item(id="delay", text=reason.strip(), provisions=("33(1)",))
            delay = Section(id="delay", title=_s("delay", ctx), items=(delay_item,))
    timing_item = Item(id="timing", points=tuple(timing), provisions=("33(1)",))
    given = {*available_items(breach, policy), *breach.provided_items}
    missing = tuple(i for i in NotificationItem if i not in given)
    sections = [
        _nature_section(breach, ctx),
        _scope_section(breach, ctx),
        _contact_section(ctx, for_people=False),
        _consequences_section(breach, ctx),
        _measures_section(breach, ctx),
        _people_section(breach, ctx),
        Section(id="timing", title=_s("timing", ctx), items=(timing_item,)),
        delay,
    ]
    if missing:
        follow = Item(
            id="to_follow",
            text=_s("to_follow_text", ctx),
            points=tuple(
                f"{ctx.w(_ITEM_WORDING[i])} ({w.cite(i.provision, language)})" for i in missing
            ),
            provisions=("33(4)",),
        )
        sections.append(Section(id="to_follow", title=_s("to_follow", ctx), items=(follow,)))
    return _document(
        kind=BreachDocumentKind.AUTHORITY_NOTIFICATION,
        ctx=ctx,
        breach=breach,
        title=ctx.w(_S["notification_title"]),
        intro=intro,
        sections=[s for s in sections if s is not None],
        phase=phase,
        missing=missing,
    )


# --- the communication to people -------------------------------------------------------------


def communication_to_people(
    breach: Breach,
    policy: Policy,
    *,
    language: str = "en",
    advice: Text | None = None,
) -> BreachDocument:
    """Write the communication to the people concerned, in clear and plain language (Art. 34(2)).

    It describes the nature of the breach and contains at least the contact point, the
    likely consequences and the measures taken or proposed (Art. 33(3)(b)-(d)), plus the
    kinds of data concerned once the scope is known, what people can do (*advice*) and
    their right to complain to the supervisory authority.

    Raises:
        DocumentError: an item is missing (no assessment, no measures, no contact point,
            no text in *language*); the error lists every one.
    """
    check_language(language, "breach communication")
    ctx = Context(policy=policy, language=language, what="breach communication")
    org = policy.organisation
    key = "people_intro_high" if breach.risk is RiskLevel.HIGH_RISK else "people_intro"
    found = breach.aware_at.astimezone(org.tz).date()
    sections: list[Section] = [
        Section(
            id="what_happened",
            title=_s("what_happened", ctx),
            items=(
                Item(
                    id="nature",
                    text=ctx.t(breach.facts, "breach.facts"),
                    points=(_s("found_on", ctx, date=format_date(found, language)),),
                    provisions=("34(2)",),
                ),
            ),
        )
    ]
    if breach.scope is not None:
        labels = {c.id: c.label for c in policy.categories}
        kinds = [ctx.t(labels[c], f"categories.{c}.label") for c in breach.scope.categories]
        sections.append(
            Section(
                id="which_data",
                title=_s("which_data", ctx),
                items=(Item(id="categories", points=tuple(kinds), provisions=("34(2)",)),),
            )
        )
    if breach.assessment is None:
        ctx.missing(
            "assessment.consequences", "no likely consequences are recorded", rule="Art. 34(2)"
        )
    else:
        consequences = ctx.t(breach.assessment.consequences, "assessment.consequences")
        sections.append(
            Section(
                id="what_it_means",
                title=_s("what_it_means", ctx),
                items=(Item(id="consequences", text=consequences, provisions=("33(3)(c)",)),),
            )
        )
    if breach.measures is None:
        ctx.missing(
            "breach.measures", "no measures taken or proposed are recorded", rule="Art. 34(2)"
        )
    else:
        measures = ctx.t(breach.measures, "breach.measures")
        sections.append(
            Section(
                id="what_we_did",
                title=_s("what_we_did", ctx),
                items=(Item(id="measures", text=measures, provisions=("33(3)(d)",)),),
            )
        )
    if advice is not None:
        sections.append(
            Section(
                id="what_you_can_do",
                title=_s("what_you_can_do", ctx),
                items=(Item(id="advice", text=ctx.t(advice, "advice"), provisions=("33(3)(d)",)),),
            )
        )
    questions = _contact_section(ctx, for_people=True)
    if questions is None:
        ctx.missing(
            "organisation.contact",
            "no contact point with an e-mail, phone or address",
            rule="Art. 34(2)",
        )
    else:
        sections.append(questions)
    return _document(
        kind=BreachDocumentKind.COMMUNICATION,
        ctx=ctx,
        breach=breach,
        title=ctx.w(_S["people_title"]),
        intro=_s(key, ctx, org=org.legal_name),
        sections=sections,
    )


# --- rendering -----------------------------------------------------------------------------------


def _e(value: str) -> str:
    return html.escape(value, quote=False)


def _footer(document: BreachDocument) -> list[str]:
    ref = _S["reference"].get(document.language).format(ref=document.breach_id)
    if document.kind is BreachDocumentKind.COMMUNICATION:
        return [ref]
    policy = (
        _S["policy"]
        .get(document.language)
        .format(version=document.policy_version, hash=document.policy_hash)
    )
    return [ref, policy]


def to_markdown(document: BreachDocument) -> str:
    """Return *document* as Markdown; every value is HTML-escaped, so it is safe to render."""
    lines = [f"# {_e(document.title)}", "", _e(document.intro), ""]
    for section in document.sections:
        lines += [f"## {_e(section.title)}", ""]
        for item in section.items:
            if item.heading:
                lines += [f"### {_e(item.heading)}", ""]
            if item.text:
                lines += [_e(item.text), ""]
            if item.points:
                lines += [f"- {_e(point)}" for point in item.points]
                lines.append("")
    lines += ["---", ""]
    for line in _footer(document):
        lines += [_e(line), ""]
    return "\n".join(lines)


def to_plain_text(document: BreachDocument) -> str:
    """Return *document* as plain text, for e-mail bodies, letters and text messages."""
    lines = [document.title, "=" * len(document.title), "", document.intro, ""]
    for section in document.sections:
        lines += [section.title, "-" * len(section.title), ""]
        for item in section.items:
            if item.heading:
                lines += [item.heading, ""]
            if item.text:
                lines += [item.text, ""]
            if item.points:
                lines += [f"  * {point}" for point in item.points]
                lines.append("")
    lines += ["--", *_footer(document), ""]
    return "\n".join(lines)
