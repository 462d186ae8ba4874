"""What the data subject is told when a request is refused or extended (Art. 12(3), 12(4)).

* A refusal gives the reasons and says the subject may complain to the supervisory
  authority (Art. 77) and seek a judicial remedy (Art. 79); LEGAL.md DSR-04.
* An extension gives the reasons and the new last day, and must reach the subject
  within the first month (Art. 12(3); DSR-03).

Texts are in English and Swedish, built from the policy (the authority's name and
contact) and the request. The controller's own explanation is included as written.
Pure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gdprkit.documents import _words as w
from gdprkit.legaltime.explain import format_date
from gdprkit.policy._fields import Text
from gdprkit.requests.vocab import ExtensionReason, RefusalGround, RequestKind

if TYPE_CHECKING:
    import datetime as dt

    from gdprkit.policy.model import Policy

__all__ = ["RIGHT_NAMES", "complaint_text", "extension_text", "refusal_text"]

RIGHT_NAMES = {
    RequestKind.ACCESS: Text(en="right of access", sv="rätt till tillgång"),
    RequestKind.RECTIFICATION: Text(en="right to rectification", sv="rätt till rättelse"),
    RequestKind.ERASURE: Text(en="right to erasure", sv="rätt till radering"),
    RequestKind.RESTRICTION: Text(
        en="right to restriction of processing", sv="rätt till begränsning av behandling"
    ),
    RequestKind.PORTABILITY: Text(en="right to data portability", sv="rätt till dataportabilitet"),
    RequestKind.OBJECTION: Text(en="right to object", sv="rätt att invända"),
}
"""Each right's name in running text, in both languages."""

_GROUNDS = {
    RefusalGround.MANIFESTLY_UNFOUNDED: Text(
        en="the request is manifestly unfounded", sv="begäran är uppenbart ogrundad"
    ),
    RefusalGround.EXCESSIVE: Text(
        en="the request is excessive, in particular because it is repetitive",
        sv="begäran är orimlig, särskilt på grund av att den upprepas",
    ),
    RefusalGround.IDENTITY_NOT_CONFIRMED: Text(
        en="we could not confirm your identity", sv="vi har inte kunnat bekräfta din identitet"
    ),
    RefusalGround.RIGHT_DOES_NOT_APPLY: Text(
        en="the right does not apply to this processing",
        sv="rättigheten gäller inte den här behandlingen",
    ),
}

_REASONS = {
    ExtensionReason.COMPLEXITY: Text(en="the complexity of the request", sv="begärans komplexitet"),
    ExtensionReason.NUMBER_OF_REQUESTS: Text(en="the number of requests", sv="antalet begäranden"),
}


def _request(kind: RequestKind, received: dt.date, language: str) -> str:
    right = RIGHT_NAMES[kind].get(language)
    cited = w.cite(kind.article, language)
    if language == "sv":
        return f"din begäran enligt {cited} ({right}) som kom in den {format_date(received, 'sv')}"
    return f"your request under {cited} ({right}) received on {format_date(received)}"


def complaint_text(policy: Policy) -> Text:
    """Say where to complain (Art. 77) and that a court remedy exists (Art. 79)."""
    authority = policy.organisation.supervisory_authority
    where = ", ".join(p for p in (authority.url, authority.email) if p)
    at = f" ({where})" if where else ""
    return Text(
        en=(
            f"You can lodge a complaint with the supervisory authority, {authority.name}{at} "
            f"({w.cite('77', 'en')}), and seek a judicial remedy in court ({w.cite('79', 'en')})."
        ),
        sv=(
            f"Du kan lämna klagomål till tillsynsmyndigheten, {authority.name}{at} "
            f"({w.cite('77', 'sv')}), och begära prövning i domstol ({w.cite('79', 'sv')})."
        ),
    )


def refusal_text(
    policy: Policy,
    *,
    kind: RequestKind,
    received: dt.date,
    ground: RefusalGround,
    explanation: str,
) -> Text:
    """Tell the subject a request will not be acted on, why, and how to complain (DSR-04)."""
    complaint = complaint_text(policy)
    reason = _GROUNDS[ground]
    return Text(
        en=(
            f"We will not act on {_request(kind, received, 'en')}. Reason "
            f"({w.cite(ground.article, 'en')}): {reason.en}. {explanation.strip()} {complaint.en}"
        ),
        sv=(
            "Vi kommer inte att vidta någon åtgärd med anledning av "
            f"{_request(kind, received, 'sv')}. "
            f"Skäl ({w.cite(ground.article, 'sv')}): {reason.sv}. {explanation.strip()} "
            f"{complaint.sv}"
        ),
    )


def extension_text(
    *,
    kind: RequestKind,
    received: dt.date,
    reason: ExtensionReason,
    explanation: str,
    due: dt.date,
) -> Text:
    """Tell the subject the answer needs two more months, why, and the new last day (DSR-03)."""
    words = _REASONS[reason]
    return Text(
        en=(
            f"We need more time to answer {_request(kind, received, 'en')}, because of "
            f"{words.en}. {explanation.strip()} We will answer by {format_date(due)} at the "
            f"latest ({w.cite('12(3)', 'en')})."
        ),
        sv=(
            f"Vi behöver mer tid för att besvara {_request(kind, received, 'sv')}, på grund av "
            f"{words.sv}. {explanation.strip()} Vi svarar senast den {format_date(due, 'sv')} "
            f"({w.cite('12(3)', 'sv')})."
        ),
    )
