"""BR-05: Art. 34(3) exemptions; the encryption exemption only when gdprkit can vouch for it."""

import pytest
from breach_helpers import (
    CONSEQUENCES,
    MEASURES,
    make_register,
    populate,
    register_breach,
    snapshot,
    sthlm,
)

from gdprkit.breaches import (
    CommunicationStatus,
    Exemption,
    Step,
    authority_notification,
    encryption_exemption_problems,
    to_markdown,
)
from gdprkit.errors import ConflictError, PolicyError
from gdprkit.storage.types import RecordKind

# Only managed records, all in purposes that live in the encrypted customer register.
MANAGED_ONLY = [
    ("m1", "s1", RecordKind.MANAGED, 0, [("contract", True)]),
    ("m2", "s2", RecordKind.MANAGED, 1, [("bookkeeping", True)]),
    ("m3", "s2", RecordKind.MANAGED, 2, [("email_marketing", True)]),
]


def _high_risk(register, breach_id="2026-001"):
    register_breach(register, breach_id, measures=MEASURES)
    register.assess(
        breach_id, risk="high_risk", consequences=CONSEQUENCES, reasoning="r", actor="dpo"
    )
    register.decide(breach_id, notify=True, reasoning="high risk", actor="dpo")


@pytest.fixture
def managed(store):
    populate(store, MANAGED_ONLY)
    register, _, _ = make_register(store, at=sthlm("2026-03-02 12:00"))
    _high_risk(register)
    return register


def test_the_encryption_exemption_applies_when_every_condition_holds(managed, store):
    register = managed
    register.scope("2026-001", systems=["customer_register"], keys_in_scope=False, actor="dpo")
    breach = register.get("2026-001")
    assert encryption_exemption_problems(breach) == ()
    assert breach.communication_status is CommunicationStatus.OUTSTANDING
    breach = register.claim_exemption(
        "2026-001",
        exemption="encrypted",
        reasoning="field-level encryption, KEK held in KMS",
        actor="dpo",
    )
    assert breach.exemption(Exemption.ENCRYPTED).reasoning.startswith("field-level")
    assert breach.communication_status is CommunicationStatus.EXEMPT
    assert Step.COMMUNICATE not in breach.next_steps()
    register.notify_authority("2026-001", actor="dpo", language="en")
    sent = register.notify_authority("2026-001", actor="dpo", language="en")
    assert "the data was encrypted and the keys were not affected" in sent.text
    assert "(Art. 34(3)(a))" in sent.text
    assert register.close("2026-001", actor="dpo").closed_at is not None
    assert [e.action for e in store.audit_entries()].count("breach.exemption_recorded") == 1


@pytest.mark.parametrize(
    ("systems", "keys", "reason"),
    [
        (["customer_register"], None, "not declared whether the key-encryption key"),
        (["customer_register"], True, "key-encryption key or key provider was within the breach"),
        (["website"], False, "does not declare these systems encrypted at rest: website"),
    ],
)
def test_the_encryption_exemption_is_refused_otherwise(managed, store, systems, keys, reason):
    register = managed
    register.scope("2026-001", systems=systems, keys_in_scope=keys, actor="dpo")
    before = snapshot(store)
    with pytest.raises(ConflictError, match=reason) as caught:
        register.claim_exemption(
            "2026-001", exemption="encrypted", reasoning="we encrypt", actor="dpo"
        )
    assert "Art. 34(3)(a)" in str(caught.value)
    assert snapshot(store) == before
    assert register.get("2026-001").communication_status is CommunicationStatus.OUTSTANDING


def test_referenced_records_rule_the_encryption_exemption_out(setup):
    # The default population has a referenced record in the customer register's purposes.
    register, _, _ = setup
    _high_risk(register)
    register.scope("2026-001", systems=["customer_register"], keys_in_scope=False, actor="dpo")
    with pytest.raises(ConflictError, match=r"1 record\(s\) in scope are referenced"):
        register.claim_exemption("2026-001", exemption="encrypted", reasoning="r", actor="dpo")


def test_without_a_scope_gdprkit_cannot_vouch(managed):
    with pytest.raises(ConflictError, match="the scope is not computed"):
        managed.claim_exemption("2026-001", exemption="encrypted", reasoning="r", actor="dpo")


def test_a_new_scope_that_breaks_the_conditions_withdraws_the_exemption(managed, store):
    register = managed
    register.scope("2026-001", systems=["customer_register"], keys_in_scope=False, actor="dpo")
    register.claim_exemption("2026-001", exemption="encrypted", reasoning="r", actor="dpo")
    breach = register.scope(
        "2026-001", systems=["customer_register"], keys_in_scope=True, actor="dpo"
    )
    assert breach.exemption(Exemption.ENCRYPTED) is None
    assert breach.communication_status is CommunicationStatus.OUTSTANDING
    assert store.audit_entries()[-1].details["encryption_exemption_withdrawn"] is True


def test_exemptions_concern_high_risk_breaches_only(setup):
    register, _, _ = setup
    register_breach(register)
    with pytest.raises(ConflictError, match="is not assessed"):
        register.claim_exemption("2026-001", exemption="mitigated", reasoning="r", actor="dpo")
    register.assess("2026-001", risk="risk", consequences=CONSEQUENCES, reasoning="r", actor="dpo")
    with pytest.raises(ConflictError, match="assessed as 'risk'"):
        register.claim_exemption("2026-001", exemption="mitigated", reasoning="r", actor="dpo")
    with pytest.raises(
        PolicyError, match="expected one of: encrypted, mitigated, disproportionate_effort"
    ):
        register.claim_exemption("2026-001", exemption="we_said_sorry", reasoning="r", actor="dpo")


def test_mitigation_needs_the_measures(setup):
    register, _, _ = setup
    register_breach(register)
    register.assess(
        "2026-001", risk="high_risk", consequences=CONSEQUENCES, reasoning="r", actor="dpo"
    )
    with pytest.raises(ConflictError, match=r"Art\. 34\(3\)\(b\).*record the measures"):
        register.claim_exemption("2026-001", exemption="mitigated", reasoning="r", actor="dpo")
    register.record_measures("2026-001", measures=MEASURES, actor="dpo")
    breach = register.claim_exemption(
        "2026-001", exemption="mitigated", reasoning="keys rotated", actor="dpo"
    )
    assert breach.communication_status is CommunicationStatus.EXEMPT


def test_disproportionate_effort_needs_a_public_communication(setup):
    register, _, _ = setup
    _high_risk(register)
    register.scope("2026-001", systems=["website"], actor="dpo")
    breach = register.claim_exemption(
        "2026-001", exemption="disproportionate_effort", reasoning="no contact details", actor="dpo"
    )
    assert breach.communication_status is CommunicationStatus.OUTSTANDING
    sent = register.communicate("2026-001", actor="dpo", method="public")
    assert sent.breach.communication_status is CommunicationStatus.COMMUNICATED


def test_a_public_communication_alone_does_not_discharge_the_duty(setup):
    register, _, _ = setup
    _high_risk(register)
    sent = register.communicate("2026-001", actor="dpo", method="public")
    assert sent.breach.communication_status is CommunicationStatus.OUTSTANDING
    assert Step.COMMUNICATE in sent.breach.next_steps()


def test_the_authority_can_require_communication_or_accept_an_exemption(managed):
    register = managed
    register.scope("2026-001", systems=["customer_register"], keys_in_scope=False, actor="dpo")
    register.claim_exemption("2026-001", exemption="encrypted", reasoning="r", actor="dpo")
    breach = register.record_authority_request(
        "2026-001", requires_communication=True, reference="IMY-1", actor="dpo"
    )
    assert breach.communication_status is CommunicationStatus.OUTSTANDING
    register.notify_authority("2026-001", actor="dpo")
    with pytest.raises(ConflictError, match="have not been told"):
        register.close("2026-001", actor="dpo")
    breach = register.record_authority_request(
        "2026-001", requires_communication=False, actor="dpo"
    )
    assert breach.communication_status is CommunicationStatus.EXEMPT
    assert [r.requires_communication for r in breach.authority_requests] == [True, False]


def test_the_authority_deciding_an_exemption_is_in_the_notification(setup, tfp):
    register, _, _ = setup
    _high_risk(register)
    breach = register.record_authority_request(
        "2026-001", requires_communication=False, actor="dpo"
    )
    assert breach.exemptions == ()
    assert breach.communication_status is CommunicationStatus.EXEMPT
    text = to_markdown(authority_notification(breach, tfp, language="en"))
    assert "The supervisory authority has decided that a condition of Article 34(3) is met" in text
