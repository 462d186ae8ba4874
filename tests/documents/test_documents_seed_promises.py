"""Every promise of the two Swedish privacy policies appears in the generated Swedish notice.

The seeds are the published policies gdprkit was commissioned from (LEGAL.md §11): (a)
The Art Of Planning AB's "Sekretesspolicy", (b) True Fiction Production AB's
"Integritetspolicy". Each test names the promise and checks concrete generated phrases
and values (names, articles, periods), located in the item that must carry them.
"""

from __future__ import annotations

import pytest
from document_helpers import example

from gdprkit.documents import Document, Item, privacy_notice, to_markdown


def item(document: Document, item_id: str) -> Item:
    return next(i for s in document.sections for i in s.items if i.id == item_id)


def words(it: Item) -> str:
    return "\n".join([it.heading or "", it.text, *it.points])


@pytest.fixture(scope="module")
def aop_sv() -> Document:
    return privacy_notice(example("the_art_of_planning"), language="sv")


@pytest.fixture(scope="module")
def tfp_sv() -> Document:
    return privacy_notice(example("true_fiction_production"), language="sv")


# -- (a) The Art Of Planning AB ------------------------------------------------------


def test_a_unsubscribe_link_in_every_email(aop_sv: Document) -> None:
    """ "Du kan när som helst avbryta informationen ... genom att klicka längst ned"."""
    text = words(item(aop_sv, "objection.unsubscribe"))
    assert "Varje e-postmeddelande med marknadsföring som vi skickar har en länk för att " in text
    assert "avregistrera dig" in text
    assert "Det gäller: ”Information om våra produkter via e-post”" in text
    assert aop_sv.section("objection").separate


def test_a_partners_receive_the_information(aop_sv: Document) -> None:
    """ "så kan både The Art Of Planning och samarbetspartnern ta del av informationen"."""
    text = words(item(aop_sv, "recipient.partners"))
    assert "The partner of the joint offer in question" in text
    assert "Roll: självständigt personuppgiftsansvarig" in text
    assert "Tar emot uppgifter för: ”Erbjudanden tillsammans med våra samarbetspartners”" in text
    consent = words(item(aop_sv, "right.withdraw_consent"))
    assert "Erbjudanden tillsammans med våra samarbetspartners: återkalla via" in consent


@pytest.mark.parametrize("recipient", ["hosting_provider", "email_service"])
def test_a_subcontractors_bound_to_confidentiality(aop_sv: Document, recipient: str) -> None:
    """ "De måste alltid bibehålla informationens sekretess och får inte använda den för andra
    ändamål"."""
    text = words(item(aop_sv, f"recipient.{recipient}"))
    assert "Roll: personuppgiftsbiträde" in text
    assert "Är skyldig att hålla uppgifterna hemliga (artikel 28.3 b)." in text
    assert "och inte för andra ändamål (artikel 28.3 a)." in text


def test_a_card_payments_by_payer(aop_sv: Document) -> None:
    """ "All kortbetalning via vår webbplats sköts genom en extern part (Payer, www.payer.se)"."""
    text = words(item(aop_sv, "recipient.payer"))
    assert "Payer (www.payer.se)" in text
    assert "Sköter alla kortbetalningar som görs via vår webbplats" in text
    assert "Tar emot uppgifter för: ”Fakturering och betalning”" in text


def test_a_encrypted_logins(aop_sv: Document) -> None:
    """ "All inloggning till våra webbtjänster sker med SSL ... kryptering" (read as TLS)."""
    text = words(item(aop_sv, "system.web_services"))
    assert "All inloggning till våra webbtjänster krypteras med TLS." in text
    assert "Kryptering vid överföring: TLS 1.2" in text


def test_a_policy_changes(aop_sv: Document) -> None:
    """ "Denna sekretesspolicy uppdateras vid behov så fort någon av våra tjänster/produkter
    ändras"."""
    text = aop_sv.section("changes").text
    assert "när någon av våra produkter eller tjänster ändras eller nya tillkommer" in text
    assert "det här är version 2026.1, som gäller från och med den 1 januari 2026" in text
    assert "(artikel 13.3)" in text


def test_a_contact_person(aop_sv: Document) -> None:
    """ "välkommen att kontakta mig: Anders Wännman, VD, The Art Of Planning AB"."""
    assert "välkommen att kontakta Anders Wännman, VD." in words(item(aop_sv, "contact"))
    assert "Kontakt: Anders Wännman, VD" in words(item(aop_sv, "controller"))


# -- (b) True Fiction Production AB --------------------------------------------------


def test_b_controller_and_supervisory_authority(tfp_sv: Document) -> None:
    assert "True Fiction Production AB är personuppgiftsansvarig" in words(
        item(tfp_sv, "controller")
    )
    assert "tillsynsmyndigheten Integritetsskyddsmyndigheten (IMY), https://www.imy.se" in words(
        item(tfp_sv, "right.complaint")
    )


def test_b_bookkeeping_retention(tfp_sv: Document) -> None:
    """ "bokföringslagens krav på arkivering av räkenskapsmaterial"."""
    assert (
        "Bokföring: sparas till och med den 31 december det sjunde året efter utgången av det "
        "kalenderår då räkenskapsåret avslutades (bokföringslagen 7 kap. 2 §); därefter raderas "
        "uppgifterna." in item(tfp_sv, "retention").points
    )
    assert "rättslig förpliktelse (artikel 6.1 c)" in words(item(tfp_sv, "purpose.bookkeeping"))


@pytest.mark.parametrize(
    ("group", "heading", "cookie"),
    [
        ("first_party_session", "Sessionscookies (förstapartscookies)", "session_id"),
        ("first_party_persistent", "Varaktiga cookies (förstapartscookies)", "cookie_consent"),
        ("third_party_persistent", "Tredjepartscookies: varaktiga cookies", "_ga (Google"),
    ],
)
def test_b_each_kind_of_cookie(tfp_sv: Document, group: str, heading: str, cookie: str) -> None:
    """Sessionscookies, varaktiga cookies, tredjepartscookies (Google Analytics)."""
    text = words(item(tfp_sv, f"cookies.{group}"))
    assert text.startswith(heading)
    assert cookie in text
    assert "Lagringstid:" in text


def test_b_third_party_analytics_is_named(tfp_sv: Document) -> None:
    text = words(item(tfp_sv, "recipient.analytics_provider"))
    assert "Google Ireland Limited (Google Analytics)" in text
    assert "Land: Irland" in text


@pytest.mark.parametrize(
    ("right", "heading"),
    [
        ("access", "Rätt till tillgång (artikel 15)"),
        ("rectification", "Rätt till rättelse (artikel 16)"),
        ("erasure", "Rätt till radering (artikel 17)"),
    ],
)
def test_b_rights_to_know_change_and_erase(tfp_sv: Document, right: str, heading: str) -> None:
    """ "Få reda på ... Ändra all information ... Be oss radera all information"."""
    assert item(tfp_sv, f"right.{right}").heading == heading


def test_b_erasure_exception_for_bookkeeping(tfp_sv: Document) -> None:
    """ "Rätten att få personuppgifter raderade gäller inte om vi är skyldiga enligt lag (t.ex.
    bokföringslagen) att behålla uppgifterna"."""
    assert (
        "Rätten att få personuppgifter raderade gäller inte när vi enligt lag är skyldiga att "
        "behålla uppgifterna (artikel 17.3 b): Bokföring (bokföringslagen 7 kap. 2 §)."
        in item(tfp_sv, "right.erasure").text
    )


def test_b_need_to_know_staff_access(tfp_sv: Document) -> None:
    """ "Endast anställda som behöver tillgång till informationen för att kunna utföra ett
    specifikt arbete (t.ex. support eller fakturering) ges tillgång"."""
    it = item(tfp_sv, "need_to_know")
    assert "Endast anställda som behöver informationen för att utföra en specifik" in it.text
    assert "(artikel 25.2 och 32.4)" in it.text
    assert "Kundservice: ”Tillhandahålla och fullgöra avtal om tjänster och varor”" in it.points
    assert (
        "Ekonomi och fakturering: ”Tillhandahålla och fullgöra avtal om tjänster och varor” och ”Bokföring”"
        in it.points
    )


def test_b_contact(tfp_sv: Document) -> None:
    """ "kontakta oss på support@allmannavillkor.se"."""
    assert "E-post: support@allmannavillkor.se" in item(tfp_sv, "contact").points
    assert "support@allmannavillkor.se" in tfp_sv.section("rights").text


def test_b_email_unless_unsubscribed(tfp_sv: Document) -> None:
    """ "Om du inte avregistrerat dig har vi rätt att kontakta dig ... via e-post"."""
    assert "Det gäller: ”Nyheter om våra tjänster via e-post”" in words(
        item(tfp_sv, "objection.unsubscribe")
    )
    assert "Vårt berättigade intresse: Att informera befintliga kunder" in words(
        item(tfp_sv, "purpose.email_marketing")
    )


def test_b_whole_notice_uses_swedish_terms(tfp_sv: Document) -> None:
    text = to_markdown(tfp_sv)
    for term in (
        "personuppgiftsansvarig",
        "personuppgiftsbiträde",
        "Rättslig grund",
        "berättigade intresse",
        "Lagringstiden",
        "tillsynsmyndigheten",
        "Integritetsskyddsmyndigheten",
        "Din rätt att invända",
    ):
        assert term in text, term
