"""The legal vocabulary of generated documents, in English and Swedish.

One table per closed vocabulary of :mod:`gdprkit.policy.vocab`, so every enum member
has a wording in both languages and a new member without one fails loudly. Swedish
uses the terms of the Swedish version of the GDPR and of IMY: personuppgiftsansvarig,
personuppgiftsbiträde, rättslig grund, berättigat intresse, känsliga personuppgifter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from gdprkit.policy._fields import Text
from gdprkit.policy.vocab import (
    ConsentChannel,
    DisposalAction,
    LegalBasis,
    ProvisionRequirement,
    RecipientRole,
    SpecialCategoryCondition,
    TrackerCategory,
    TransferMechanism,
)

__all__ = [
    "BASIS",
    "CHANNEL",
    "COUNTRY",
    "DISPOSAL",
    "PROVISION",
    "ROLE",
    "ROLE_SHORT",
    "SPECIAL",
    "TRACKER_CATEGORY",
    "TRANSFER",
    "cite",
    "cites",
    "country",
    "join",
    "list_item",
    "quoted",
]

_T = Text

BASIS = {
    LegalBasis.CONSENT: _T(en="consent", sv="samtycke"),
    LegalBasis.CONTRACT: _T(
        en="performance of a contract with you, or steps before entering into one",
        sv="fullgörande av avtal med dig, eller åtgärder innan ett avtal ingås",
    ),
    LegalBasis.LEGAL_OBLIGATION: _T(en="a legal obligation", sv="rättslig förpliktelse"),
    LegalBasis.VITAL_INTERESTS: _T(
        en="the vital interests of a person", sv="skydd av intressen av grundläggande betydelse"
    ),
    LegalBasis.PUBLIC_TASK: _T(
        en="a task in the public interest or the exercise of official authority",
        sv="en uppgift av allmänt intresse eller myndighetsutövning",
    ),
    LegalBasis.LEGITIMATE_INTERESTS: _T(en="legitimate interests", sv="berättigat intresse"),
}

SPECIAL = {
    SpecialCategoryCondition.EXPLICIT_CONSENT: _T(
        en="your explicit consent", sv="ditt uttryckliga samtycke"
    ),
    SpecialCategoryCondition.EMPLOYMENT_SOCIAL_SECURITY: _T(
        en="obligations in employment, social security and social protection law",
        sv="skyldigheter inom arbetsrätten och på områdena social trygghet och socialt skydd",
    ),
    SpecialCategoryCondition.VITAL_INTERESTS: _T(
        en="vital interests where you cannot give consent",
        sv="intressen av grundläggande betydelse när du inte kan ge ditt samtycke",
    ),
    SpecialCategoryCondition.NOT_FOR_PROFIT_BODY: _T(
        en="the activities of a not-for-profit body, for its members",
        sv="verksamhet i en stiftelse, förening eller annan ideell organisation, "
        "för dess medlemmar",
    ),
    SpecialCategoryCondition.MADE_PUBLIC_BY_SUBJECT: _T(
        en="data you have manifestly made public",
        sv="uppgifter som du själv på ett tydligt sätt har offentliggjort",
    ),
    SpecialCategoryCondition.LEGAL_CLAIMS: _T(
        en="the establishment, exercise or defence of legal claims",
        sv="att rättsliga anspråk ska kunna fastställas, göras gällande eller försvaras",
    ),
    SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST: _T(
        en="reasons of substantial public interest, on the basis of law",
        sv="ett viktigt allmänt intresse, på grundval av lag",
    ),
    SpecialCategoryCondition.HEALTH_OR_SOCIAL_CARE: _T(
        en="preventive or occupational medicine, health or social care",
        sv="förebyggande hälso- och sjukvård, yrkesmedicin, vård eller behandling",
    ),
    SpecialCategoryCondition.PUBLIC_HEALTH: _T(
        en="reasons of public interest in the area of public health",
        sv="ett allmänt intresse på folkhälsoområdet",
    ),
    SpecialCategoryCondition.ARCHIVING_RESEARCH_STATISTICS: _T(
        en="archiving in the public interest, research or statistics",
        sv="arkivändamål av allmänt intresse, forskning eller statistik",
    ),
}

ROLE = {
    RecipientRole.PROCESSOR: _T(
        en="processor: processes the data on our behalf under a data processing agreement",
        sv="personuppgiftsbiträde: behandlar uppgifterna för vår räkning enligt ett "
        "personuppgiftsbiträdesavtal",
    ),
    RecipientRole.JOINT_CONTROLLER: _T(
        en="joint controller: decides together with us why and how the data is processed",
        sv="gemensamt personuppgiftsansvarig: bestämmer tillsammans med oss varför och hur "
        "uppgifterna behandlas",
    ),
    RecipientRole.INDEPENDENT_CONTROLLER: _T(
        en="independent controller: uses the data for its own purposes, on its own responsibility",
        sv="självständigt personuppgiftsansvarig: behandlar uppgifterna för egna ändamål och "
        "på eget ansvar",
    ),
    RecipientRole.PUBLIC_AUTHORITY: _T(
        en="public authority: receives the data under a legal duty",
        sv="myndighet: tar emot uppgifterna enligt en skyldighet i lag",
    ),
}

ROLE_SHORT = {
    RecipientRole.PROCESSOR: _T(en="processor", sv="personuppgiftsbiträde"),
    RecipientRole.JOINT_CONTROLLER: _T(
        en="joint controller", sv="gemensamt personuppgiftsansvarig"
    ),
    RecipientRole.INDEPENDENT_CONTROLLER: _T(
        en="independent controller", sv="självständigt personuppgiftsansvarig"
    ),
    RecipientRole.PUBLIC_AUTHORITY: _T(en="public authority", sv="myndighet"),
}

TRANSFER = {
    TransferMechanism.ADEQUACY: _T(
        en="an adequacy decision of the European Commission (Art. 45)",
        sv="ett beslut av EU-kommissionen om adekvat skyddsnivå (artikel 45)",
    ),
    TransferMechanism.SCC_2021_914: _T(
        en="the European Commission's standard contractual clauses, Decision (EU) 2021/914 "
        "(Art. 46(2)(c))",
        sv="EU-kommissionens standardavtalsklausuler, beslut (EU) 2021/914 (artikel 46.2 c)",
    ),
    TransferMechanism.BINDING_CORPORATE_RULES: _T(
        en="binding corporate rules (Art. 47)", sv="bindande företagsbestämmelser (artikel 47)"
    ),
    TransferMechanism.ART49_DEROGATION: _T(
        en="a derogation for a specific situation (Art. 49)",
        sv="ett undantag för en särskild situation (artikel 49)",
    ),
}

PROVISION = {
    ProvisionRequirement.STATUTORY: _T(
        en="providing the data is a statutory requirement",
        sv="det är ett lagkrav att lämna uppgifterna",
    ),
    ProvisionRequirement.CONTRACTUAL: _T(
        en="providing the data is a contractual requirement, or a requirement for entering "
        "into a contract",
        sv="uppgifterna är ett krav enligt avtalet, eller ett krav för att ingå avtalet",
    ),
    ProvisionRequirement.VOLUNTARY: _T(
        en="providing the data is voluntary", sv="det är frivilligt att lämna uppgifterna"
    ),
}

DISPOSAL = {
    DisposalAction.DELETE: _T(en="then the data is deleted", sv="därefter raderas uppgifterna"),
    DisposalAction.ANONYMISE: _T(
        en="then the data is anonymised", sv="därefter anonymiseras uppgifterna"
    ),
    DisposalAction.REVIEW: _T(
        en="then we review whether it is still needed",
        sv="därefter prövar vi om uppgifterna fortfarande behövs",
    ),
}

CHANNEL = {
    ConsentChannel.WEB_FORM: _T(en="the form on our website", sv="formuläret på vår webbplats"),
    ConsentChannel.APP: _T(en="the settings in our app", sv="inställningarna i vår app"),
    ConsentChannel.EMAIL_LINK: _T(
        en="the link in our e-mails", sv="länken i våra e-postmeddelanden"
    ),
    ConsentChannel.IN_PERSON: _T(en="in person", sv="på plats hos oss"),
    ConsentChannel.PHONE: _T(en="by telephone", sv="per telefon"),
    ConsentChannel.PAPER: _T(en="on a paper form", sv="på en pappersblankett"),
}

TRACKER_CATEGORY = {
    TrackerCategory.STRICTLY_NECESSARY: _T(en="strictly necessary", sv="nödvändig"),
    TrackerCategory.PREFERENCES: _T(en="preferences", sv="inställningar"),
    TrackerCategory.STATISTICS: _T(en="statistics", sv="statistik"),
    TrackerCategory.MARKETING: _T(en="marketing", sv="marknadsföring"),
}

COUNTRY = {
    "AT": _T(en="Austria", sv="Österrike"),
    "BE": _T(en="Belgium", sv="Belgien"),
    "CH": _T(en="Switzerland", sv="Schweiz"),
    "DE": _T(en="Germany", sv="Tyskland"),
    "DK": _T(en="Denmark", sv="Danmark"),
    "EE": _T(en="Estonia", sv="Estland"),
    "ES": _T(en="Spain", sv="Spanien"),
    "FI": _T(en="Finland", sv="Finland"),
    "FR": _T(en="France", sv="Frankrike"),
    "GB": _T(en="the United Kingdom", sv="Storbritannien"),
    "IE": _T(en="Ireland", sv="Irland"),
    "IS": _T(en="Iceland", sv="Island"),
    "IT": _T(en="Italy", sv="Italien"),
    "LU": _T(en="Luxembourg", sv="Luxemburg"),
    "NL": _T(en="the Netherlands", sv="Nederländerna"),
    "NO": _T(en="Norway", sv="Norge"),
    "PL": _T(en="Poland", sv="Polen"),
    "SE": _T(en="Sweden", sv="Sverige"),
    "US": _T(en="the United States", sv="USA"),
}

_CITATION = re.compile(r"^(\d+)((?:\(\d+\))*)((?:\([a-z]+\))*)$")


def cite(reference: str, language: str) -> str:
    """Cite a GDPR provision: ``"13(1)(a)"`` is "Art. 13(1)(a)" or "artikel 13.1 a".

    Swedish cites the Swedish version's way: paragraphs after a dot, points after a
    space. References that are not in that shape are returned as given.
    """
    if language != "sv":
        return f"Art. {reference}"
    match = _CITATION.match(reference)
    if match is None:
        return f"artikel {reference}"
    article, paragraphs, points = match.groups()
    numbers = "".join(f".{p}" for p in re.findall(r"\((\d+)\)", paragraphs))
    letters = "".join(f" {p}" for p in re.findall(r"\(([a-z]+)\)", points))
    return f"artikel {article}{numbers}{letters}"


def country(code: str, language: str) -> str:
    """Return a country's name for an ISO 3166-1 alpha-2 code, or the code itself."""
    name = COUNTRY.get(code.upper())
    return name.get(language) if name else code


def cites(references: Iterable[str], language: str) -> str:
    """Cite several provisions: "Art. 21(2) and 21(3)" / "artikel 21.2 och 21.3"."""
    cited = [cite(r, language) for r in references]
    prefix = "artikel " if language == "sv" else "Art. "
    return join([cited[0], *(c.removeprefix(prefix) for c in cited[1:])], language)


def quoted(value: str, language: str) -> str:
    """Quote a name inside running text: “Bookkeeping” / ”Bokföring”."""
    return f"\u201d{value}\u201d" if language == "sv" else f"\u201c{value}\u201d"


def list_item(label: str, language: str) -> str:
    """Lower-case a label's first letter for a Swedish list, unless it starts an acronym."""
    if language == "sv" and len(label) > 1 and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label


def join(parts: Iterable[str], language: str, *, alternative: bool = False) -> str:
    """Join a list in words: "a, b and c" / "a, b och c"; "or" / "eller" for alternatives."""
    items = list(parts)
    if alternative:
        conjunction = "eller" if language == "sv" else "or"
    else:
        conjunction = "och" if language == "sv" else "and"
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
