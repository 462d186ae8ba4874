"""BR-05: the communication to people (Art. 34(2)), clear language, Swedish and English."""

import pytest
from breach_helpers import CONSEQUENCES, MEASURES, register_breach, snapshot

from gdprkit.breaches import (
    BreachDocumentKind,
    CommunicationMethod,
    CommunicationStatus,
    communication_to_people,
    to_markdown,
    to_plain_text,
)
from gdprkit.errors import ConflictError, DocumentError

ADVICE = {
    "en": "Do not answer e-mails that ask for your password.",
    "sv": "Svara inte på mejl som ber om ditt lösenord.",
}


def _ready(register):
    register_breach(register, measures=MEASURES)
    register.assess(
        "2026-001", risk="high_risk", consequences=CONSEQUENCES, reasoning="r", actor="dpo"
    )
    register.scope("2026-001", systems=["customer_register"], actor="dpo")


def test_people_are_told_in_swedish_and_english(setup, store):
    register, _, _ = setup
    _ready(register)
    sent = register.communicate("2026-001", actor="dpo", advice=ADVICE)
    assert [d.language for d in sent.documents] == ["sv", "en"]  # the organisation's languages
    sv, en = sent.document("sv"), sent.document("en")
    assert sv.kind is BreachDocumentKind.COMMUNICATION
    sv_text, en_text = to_plain_text(sv), to_markdown(en)
    for expected in (
        "En personuppgiftsincident som berör dig",
        "Vad som har hänt",
        "En bärbar dator med en export av kundregistret stals ur en bil.",
        "Vilka uppgifter det gäller",
        "  * E-postadress",
        "Vad det kan innebära för dig",
        "Kunder kan få övertygande nätfiskemejl.",
        "Vad vi har gjort",
        "Vad du kan göra",
        "Svara inte på mejl som ber om ditt lösenord.",
        "Om du har frågor kan du kontakta True Fiction Production AB.",
        "support@allmannavillkor.se",
        "Du har också rätt att klaga hos Integritetsskyddsmyndigheten (IMY)",
        "Vår referens: 2026-001",
    ):
        assert expected in sv_text
    for expected in (
        "# A personal data breach that concerns you",
        "it may put your rights at high risk",
        "## What this may mean for you",
        "## What we have done",
        "The laptop was wiped remotely and every customer password was reset.",
        "- E-mail address",
    ):
        assert expected in en_text
    assert "Art." not in sv_text + en_text  # plain language: no article numbers for people
    communication = sent.communication
    assert communication.method is CommunicationMethod.INDIVIDUAL
    assert store.get_text(communication.texts["sv"]).text == to_markdown(sv)
    assert sent.breach.communication_status is CommunicationStatus.COMMUNICATED


def test_one_language_on_request(setup):
    register, _, _ = setup
    _ready(register)
    sent = register.communicate("2026-001", actor="dpo", languages=["en"])
    assert [d.language for d in sent.documents] == ["en"]
    with pytest.raises(KeyError):
        sent.document("sv")


def test_every_missing_item_is_listed_and_nothing_is_written(setup, store, tfp):
    register, _, _ = setup
    register_breach(register, facts="English only.")
    register.assess(
        "2026-001", risk="high_risk", consequences="English only.", reasoning="r", actor="dpo"
    )
    before = snapshot(store)
    with pytest.raises(DocumentError) as caught:
        register.communicate("2026-001", actor="dpo", languages=["sv"])
    message = str(caught.value)
    assert "breach.facts: no Swedish text is declared" in message
    assert "assessment.consequences: no Swedish text is declared" in message
    assert "breach.measures: no measures taken or proposed are recorded" in message
    assert snapshot(store) == before
    with pytest.raises(DocumentError, match="no measures taken or proposed"):
        communication_to_people(register.get("2026-001"), tfp, language="en")


def test_without_an_assessment_there_is_nothing_to_tell(setup, tfp):
    register, _, _ = setup
    register_breach(register, measures=MEASURES)
    with pytest.raises(ConflictError, match="assess the risk before communicating"):
        register.communicate("2026-001", actor="dpo")
    with pytest.raises(DocumentError, match="no likely consequences are recorded"):
        communication_to_people(register.get("2026-001"), tfp)


def test_a_voluntary_communication_says_why_in_other_words(setup, tfp):
    register, _, _ = setup
    register_breach(register, measures=MEASURES)
    register.assess("2026-001", risk="risk", consequences=CONSEQUENCES, reasoning="r", actor="dpo")
    document = communication_to_people(register.get("2026-001"), tfp, language="en")
    assert "high risk" not in document.intro
    assert "so that you can protect yourself" in document.intro


def test_unknown_language_is_refused(setup, tfp):
    register, _, _ = setup
    _ready(register)
    with pytest.raises(DocumentError, match="unsupported language 'de'"):
        communication_to_people(register.get("2026-001"), tfp, language="de")
