"""The cookie notice: the PTS information list for every tracker (LEK 2022:482 9 kap. 28 §).

For each cookie or similar technology the notice states its purpose, that consent can
be withdrawn at any time, which cookie it is, whether a third party sets it, how long it
is stored and what information it collects (LEGAL.md CON-14). Session and persistent
cookies, and first- and third-party cookies, are shown in separate groups (NOT-06).
Generation fails, listing every gap, when a tracker lacks one of those facts.
"""

from __future__ import annotations

from gdprkit.documents import _words as w
from gdprkit.documents._common import Context, check_language, outside_eea, transfer_text
from gdprkit.documents.model import Document, DocumentKind, Item, Layer, Section
from gdprkit.policy._fields import Text
from gdprkit.policy.model import Policy, Tracker

__all__ = ["cookie_notice", "lifetime_text", "tracker_groups", "tracker_sections"]

_T = Text

_GROUPS = (
    (
        False,
        True,
        "first_party_session",
        _T(en="Session cookies (first-party)", sv="Sessionscookies (förstapartscookies)"),
        _T(
            en="A session cookie is temporary and ends when you close your browser or device. "
            "We set these cookies ourselves.",
            sv="En sessionscookie är tillfällig och upphör när du stänger din webbläsare eller "
            "enhet. Vi sätter dessa cookies själva.",
        ),
    ),
    (
        False,
        False,
        "first_party_persistent",
        _T(en="Persistent cookies (first-party)", sv="Varaktiga cookies (förstapartscookies)"),
        _T(
            en="A persistent cookie stays on your device until it expires or you delete it. "
            "We set these cookies ourselves.",
            sv="En varaktig cookie ligger kvar på din enhet tills den går ut eller du tar bort "
            "den. Vi sätter dessa cookies själva.",
        ),
    ),
    (
        True,
        True,
        "third_party_session",
        _T(en="Third-party cookies: session cookies", sv="Tredjepartscookies: sessionscookies"),
        _T(
            en="A third-party cookie is set by another company than us. These end when you "
            "close your browser or device.",
            sv="En tredjepartscookie sätts av ett annat företag än vi. Dessa upphör när du "
            "stänger din webbläsare eller enhet.",
        ),
    ),
    (
        True,
        False,
        "third_party_persistent",
        _T(
            en="Third-party cookies: persistent cookies",
            sv="Tredjepartscookies: varaktiga cookies",
        ),
        _T(
            en="A third-party cookie is set by another company than us. These stay on your "
            "device until they expire or you delete them.",
            sv="En tredjepartscookie sätts av ett annat företag än vi. Dessa ligger kvar på din "
            "enhet tills de går ut eller du tar bort dem.",
        ),
    ),
)


def lifetime_text(tracker: Tracker, ctx: Context) -> str:
    """How long a tracker is stored; a persistent one without a lifetime is a gap (CON-14)."""
    if tracker.session:
        return (
            "tills du stänger webbläsaren"
            if ctx.language == "sv"
            else ("until you close your browser")
        )
    if tracker.lifetime is None:
        path = f"trackers.{tracker.id}.lifetime"
        ctx.missing(path, "a persistent cookie needs its lifetime", rule="CON-14")
        return ""
    return ctx.t(tracker.lifetime, f"trackers.{tracker.id}.lifetime")


def tracker_groups(policy: Policy) -> list[tuple[str, Text, Text, list[Tracker]]]:
    """Group the trackers: first- and third-party, session and persistent apart (NOT-06).

    Returns:
        ``(group id, title, explanation, trackers)`` for each non-empty group, in a
        fixed order.
    """
    groups = []
    for third_party, session, group_id, title, text in _GROUPS:
        trackers = [
            t for t in policy.trackers if t.third_party is third_party and t.session is session
        ]
        if trackers:
            groups.append((group_id, title, text, trackers))
    return groups


def _tracker_item(tracker: Tracker, ctx: Context) -> Item:
    sv = ctx.language == "sv"
    path = f"trackers.{tracker.id}"
    for value, field in ((tracker.name, "name"), (tracker.provider, "provider")):
        if not value.strip():
            ctx.missing(f"{path}.{field}", "must not be empty", rule="CON-14")
    purpose = ctx.t(tracker.purpose, f"{path}.purpose")
    data = ctx.t(tracker.data_collected, f"{path}.data_collected")
    for value, field in ((purpose, "purpose"), (data, "data_collected")):
        if not value.strip():
            ctx.missing(f"{path}.{field}", "must not be empty", rule="CON-14")
    lifetime = lifetime_text(tracker, ctx)
    party = (
        ("tredje part" if sv else "third party")
        if tracker.third_party
        else ("vi själva, förstapart" if sv else "us, first party")
    )
    kind = (
        ("sessionscookie" if sv else "session cookie")
        if tracker.session
        else ("varaktig cookie" if sv else "persistent cookie")
    )
    if tracker.consent_required:
        consent = (
            "Samtycke: krävs. Du kan när som helst återkalla ditt samtycke; återkallelsen "
            "påverkar inte användningen innan dess."
            if sv
            else "Consent: required. You can withdraw your consent at any time; withdrawing "
            "does not affect the use before it."
        )
    else:
        consent = (
            "Samtycke: krävs inte, eftersom cookien är nödvändig för den tjänst du har bett om. "
            "Du kan ändå blockera eller radera den i din webbläsare, men då kan delar av "
            "webbplatsen sluta fungera."
            if sv
            else "Consent: not required, as the cookie is strictly necessary for the service "
            "you asked for. You can still block or delete it in your browser, but parts of the "
            "website may then stop working."
        )
    points = [
        f"{'Ändamål' if sv else 'Purpose'}: {purpose}",
        f"{'Sätts av' if sv else 'Set by'}: {tracker.provider} ({party})",
        f"{'Typ' if sv else 'Type'}: {kind}",
        f"{'Lagringstid' if sv else 'Lifetime'}: {lifetime}",
        f"{'Information som samlas in' if sv else 'Information collected'}: {data}",
        f"{'Kategori' if sv else 'Category'}: {ctx.w(w.TRACKER_CATEGORY[tracker.category])}",
    ]
    points.append(consent)
    if tracker.recipient is not None:
        recipient = ctx.policy.recipient(tracker.recipient)
        where = w.country(recipient.country, ctx.language)
        label = "Uppgifterna går till" if sv else "The data goes to"
        line = f"{label}: {recipient.name} ({where})"
        if outside_eea(recipient):
            safeguard = transfer_text(recipient, ctx)
            line += f"; {'skyddsåtgärd' if sv else 'safeguard'}: {safeguard}"
        points.append(line)
    return Item(id=f"tracker.{tracker.id}", heading=tracker.name, points=tuple(points))


def tracker_sections(ctx: Context) -> list[Section]:
    """Return one section per non-empty group of trackers, in a fixed order (NOT-06)."""
    return [
        Section(
            id=f"cookies.{group_id}",
            title=ctx.w(title),
            text=ctx.w(text),
            items=tuple(_tracker_item(t, ctx) for t in trackers),
        )
        for group_id, title, text, trackers in tracker_groups(ctx.policy)
    ]


def cookie_notice(policy: Policy, *, language: str = "en") -> Document:
    """Build the cookie notice for *policy* in *language* (CON-14, NOT-06).

    Raises:
        DocumentError: a tracker lacks a fact of the information list, or a text lacks
            its translation; every gap is listed.
    """
    check_language(language, "cookie notice")
    ctx = Context(policy=policy, language=language, what="cookie notice")
    sv = language == "sv"
    org = policy.organisation.legal_name
    sections = tracker_sections(ctx)
    if not sections:
        sections.append(
            Section(
                id="cookies.none",
                title="Cookies",
                text="Vi använder inga cookies eller liknande tekniker."
                if sv
                else "We use no cookies or similar technologies.",
            )
        )
    sections.append(
        Section(
            id="cookies.choices",
            title="Ändra dina val" if sv else "Changing your choices",
            text=(
                "Du kan när som helst ändra dina val och återkalla ditt samtycke till cookies som "
                "kräver samtycke. Du kan också blockera eller radera cookies i webbläsarens "
                "inställningar; om du gör det kan vissa tjänster sluta fungera som avsett."
                if sv
                else "You can change your choices and withdraw your consent to cookies that "
                "need consent at any time. You can also block or delete cookies in your "
                "browser settings; if you do, some services may not work as intended."
            ),
        )
    )
    ctx.raise_if_missing()
    intro = (
        "En cookie är en liten textfil som en webbplats sparar i din webbläsare. Vi ber om "
        "ditt samtycke innan vi sparar eller läser cookies som inte är nödvändiga för den "
        "tjänst du har bett om (lagen (2022:482) om elektronisk kommunikation 9 kap. 28 §)."
        if sv
        else "A cookie is a small text file that a website stores in your browser. We ask for "
        "your consent before we store or read cookies that are not strictly necessary for the "
        "service you asked for (Swedish Electronic Communications Act (2022:482) "
        "chapter 9 section 28)."
    )
    return Document(
        kind=DocumentKind.COOKIE_NOTICE,
        language=language,
        layer=Layer.FULL,
        title=f"Om cookies \N{EN DASH} {org}" if sv else f"Cookie notice \N{EN DASH} {org}",
        intro=intro,
        sections=tuple(sections),
        organisation=org,
        policy_version=policy.version,
        policy_hash=policy.content_hash,
        effective_date=policy.effective_date,
    )
