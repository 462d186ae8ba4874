"""BR-03: the Art. 33(3) notification, submitted in phases (Art. 33(4)); incomplete until whole."""

import attrs
import pytest
from breach_helpers import CONSEQUENCES, MEASURES, register_breach, snapshot

from gdprkit.breaches import (
    BreachState,
    NotificationItem,
    Step,
    authority_notification,
    available_items,
    to_markdown,
    to_plain_text,
)
from gdprkit.errors import ConflictError, DocumentError
from gdprkit.policy import Contact

ALL = tuple(NotificationItem)


def _decided(register, breach_id="2026-001", **extra):
    register_breach(register, breach_id, **extra)
    register.assess(
        breach_id, risk="risk", consequences=CONSEQUENCES, reasoning="contact data", actor="dpo"
    )
    register.decide(breach_id, notify=True, reasoning="likely risk to customers", actor="dpo")


def test_a_notification_missing_items_is_reported_incomplete(setup, store):
    register, _, _ = setup
    _decided(register)
    sent = register.notify_authority("2026-001", actor="dpo", language="en")
    missing = (NotificationItem.SUBJECTS, NotificationItem.RECORDS, NotificationItem.MEASURES)
    assert sent.phase.missing == missing
    assert sent.document.missing == missing
    assert not sent.complete
    assert not sent.document.complete
    assert sent.phase.items == (
        NotificationItem.NATURE,
        NotificationItem.CONTACT,
        NotificationItem.CONSEQUENCES,
    )
    breach = sent.breach
    assert breach.state is BreachState.NOTIFIED_IN_PART
    assert not breach.notification_complete
    assert breach.missing_items == missing
    assert Step.SUPPLEMENT in breach.next_steps()
    assert "## Information to follow" in sent.text
    assert "the categories and approximate number of people concerned (Art. 33(3)(a))" in sent.text
    assert (
        "including measures to mitigate its possible adverse effects (Art. 33(3)(d))" in sent.text
    )
    # The register and the store agree; the text is kept as submitted.
    assert store.get_breach("2026-001").state == "notified_in_part"
    assert store.get_text(sent.phase.text_sha256).text == sent.text
    with pytest.raises(
        ConflictError, match=r"notification to the authority lacks: subjects, records, measures"
    ):
        register.close("2026-001", actor="dpo")


def test_supplements_complete_the_notification(setup):
    register, _, _ = setup
    _decided(register)
    register.notify_authority("2026-001", actor="dpo", reference="IMY-2026-0042")
    register.scope("2026-001", systems=["customer_register"], actor="dpo")
    second = register.notify_authority("2026-001", actor="dpo", language="en")
    assert second.phase.number == 2
    assert second.phase.missing == (NotificationItem.MEASURES,)
    assert "Your reference: IMY-2026-0042." in second.text
    assert "phase 2" in second.document.intro
    register.record_measures("2026-001", measures=MEASURES, actor="dpo")
    third = register.notify_authority("2026-001", actor="dpo", language="en")
    assert third.complete
    assert third.phase.missing == ()
    assert "Information to follow" not in third.text
    breach = third.breach
    assert breach.state is BreachState.NOTIFIED
    assert breach.provided_items == ALL
    assert breach.notified_at == breach.phases[0].submitted_at
    # Risk, not high: nothing more is required.
    assert breach.next_steps() == (Step.CLOSE,)
    assert register.close("2026-001", actor="dpo", note="handled").state is BreachState.CLOSED


def test_a_complete_first_notification(setup, tfp):
    register, _, _ = setup
    _decided(register, measures=MEASURES)
    register.scope("2026-001", systems=["website"], actor="dpo")
    breach = register.get("2026-001")
    assert available_items(breach, tfp) == ALL
    sent = register.notify_authority("2026-001", actor="dpo", language="sv")
    assert sent.complete
    assert sent.breach.state is BreachState.NOTIFIED
    for heading in (
        "## Personuppgiftsincidenten (artikel 33.3 a)",
        "## Berörda personer och uppgifter (artikel 33.3 a)",
        "## Kontaktpunkt (artikel 33.3 b)",
        "## Sannolika konsekvenser (artikel 33.3 c)",
        "## Vidtagna eller föreslagna åtgärder (artikel 33.3 d)",
    ):
        assert heading in sent.text
    assert "Detta är den första anmälan." in sent.text
    assert "Kategorier av registrerade: kunder och besökare på webbplatsen." in sent.text


def test_the_contact_point_is_an_item(setup, tfp):
    register, _, _ = setup
    _decided(register)
    breach = register.get("2026-001")
    no_channel = attrs.evolve(
        tfp, organisation=attrs.evolve(tfp.organisation, contact=Contact(name="Nobody"))
    )
    assert NotificationItem.CONTACT in available_items(breach, tfp)
    assert NotificationItem.CONTACT not in available_items(breach, no_channel)
    document = authority_notification(breach, no_channel)
    assert NotificationItem.CONTACT in document.missing
    with_dpo = attrs.evolve(
        tfp,
        organisation=attrs.evolve(
            tfp.organisation, dpo=Contact(name="Dataskyddsombudet", email="dso@example.se")
        ),
    )
    text = to_plain_text(authority_notification(breach, with_dpo, language="en"))
    assert "Data protection officer: Dataskyddsombudet" in text
    assert "dso@example.se" in text


def test_notifying_needs_a_decision_to_notify(setup, store):
    register, _, _ = setup
    register_breach(register)
    before = snapshot(store)
    with pytest.raises(ConflictError, match="record a decision to notify"):
        register.notify_authority("2026-001", actor="dpo")
    register.assess(
        "2026-001", risk="none", consequences="None.", reasoning="test data", actor="dpo"
    )
    register.decide("2026-001", notify=False, reasoning="unlikely to result in a risk", actor="dpo")
    with pytest.raises(ConflictError, match="'not_notified'"):
        register.notify_authority("2026-001", actor="dpo")
    assert snapshot(store)[0][0][1] == "not_notified"
    assert len(snapshot(store)[1]) == len(before[1]) + 2


def test_a_breach_with_a_risk_cannot_go_unnotified(setup):
    register, _, _ = setup
    register_breach(register)
    with pytest.raises(ConflictError, match="assess the risk before deciding"):
        register.decide("2026-001", notify=True, reasoning="x", actor="dpo")
    register.assess(
        "2026-001", risk="high_risk", consequences=CONSEQUENCES, reasoning="r", actor="dpo"
    )
    with pytest.raises(ConflictError, match=r"assessed as 'high_risk'.*\(Art\. 33\(1\)\)"):
        register.decide("2026-001", notify=False, reasoning="we would rather not", actor="dpo")


def test_a_new_assessment_clears_a_decision_it_no_longer_allows(setup):
    register, _, _ = setup
    register_breach(register)
    register.assess("2026-001", risk="none", consequences="None.", reasoning="r", actor="dpo")
    register.decide("2026-001", notify=False, reasoning="unlikely", actor="dpo")
    breach = register.assess(
        "2026-001", risk="risk", consequences=CONSEQUENCES, reasoning="new facts", actor="dpo"
    )
    assert breach.decision is None
    assert breach.state is BreachState.ASSESSED
    assert Step.DECIDE in breach.next_steps()


def test_after_notifying_the_decision_stands(setup):
    register, _, _ = setup
    _decided(register)
    register.notify_authority("2026-001", actor="dpo")
    with pytest.raises(ConflictError, match="send a supplement"):
        register.decide("2026-001", notify=True, reasoning="again", actor="dpo")


def test_a_missing_translation_is_refused_before_anything_is_written(setup, store):
    register, _, _ = setup
    _decided(register, facts="Only in English.")
    before = snapshot(store)
    with pytest.raises(DocumentError, match=r"breach\.facts: no Swedish text is declared"):
        register.notify_authority("2026-001", actor="dpo", language="sv")
    assert snapshot(store) == before
    sent = register.notify_authority("2026-001", actor="dpo", language="en")
    assert sent.phase.language == "en"


def test_markdown_escapes_and_plain_text_does_not(setup, tfp):
    register, _, _ = setup
    _decided(register, facts={"en": "A <script> tag & more.", "sv": "En <script>-tagg & mer."})
    document = authority_notification(register.get("2026-001"), tfp, language="en")
    assert "A &lt;script&gt; tag &amp; more." in to_markdown(document)
    assert "A <script> tag & more." in to_plain_text(document)
    assert "<script>" not in to_markdown(document)
