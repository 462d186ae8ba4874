"""Art. 16, 18, 19 and 21: what rectification, restriction and objection do to reads and sweeps."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest
from rights_helpers import provider, taop_customer, tfp_customer

from gdprkit.errors import AccessDenied, InvalidInputError, NotFoundError
from gdprkit.requests import NoticeStatus, RequestState, RestrictionGround, RightsDesk
from gdprkit.service import PrivacyService


def test_rectification_re_encrypts_in_place_and_lists_the_recipients(tfp: PrivacyService) -> None:
    subject, customer, _ = tfp_customer(tfp)
    desk = RightsDesk(tfp, provider())
    old = tfp.store.get_record(customer).fields["postal_address"]
    request = desk.receive(subject, "rectification")
    seq, _ = tfp.audit.head()
    result = desk.rectify(request.id, {customer: {"postal_address": "Drottninggatan 5, Stockholm"}})
    assert result.changed == ((customer, ("postal_address",)),)
    new = tfp.store.get_record(customer).fields["postal_address"]
    assert new != old
    assert b"Drottninggatan" not in new
    read = tfp.read(customer, purpose="bookkeeping", role="accounting", actor="accountant")
    assert read["postal_address"] == "Drottninggatan 5, Stockholm"
    assert [t.recipient_id for t in result.notices] == ["hosting_provider", "payment_provider"]
    actions = [e.action for e in tfp.store.audit_entries(after_seq=seq)]
    assert actions == ["request.rectified", "request.rectification.completed", "record.read"]
    assert "Drottninggatan" not in repr(tfp.store.get_request(request.id).details)


def test_recipients_acknowledge_or_cannot_be_told(tfp: PrivacyService) -> None:
    subject, customer, _ = tfp_customer(tfp)
    desk = RightsDesk(tfp, provider())
    request = desk.receive(subject, "rectification")
    desk.rectify(request.id, {customer: {"phone": "+46 70 111 11 11"}})
    assert [(n.target.recipient_id, n.status) for n in desk.notices(request.id)] == [
        ("hosting_provider", NoticeStatus.PENDING),
        ("payment_provider", NoticeStatus.PENDING),
    ]
    acknowledged = desk.acknowledge(request.id, "payment_provider", actor="dpo")
    assert acknowledged.status is NoticeStatus.ACKNOWLEDGED
    assert acknowledged.target.name == "Payment service provider"
    assert acknowledged.target.purposes == ("contract",)
    impossible = desk.notice_impossible(
        request.id, "hosting_provider", reason="The host never receives single records."
    )
    assert impossible.status is NoticeStatus.IMPOSSIBLE
    stored = tfp.store.get_request(request.id).details["notices"]
    assert "never receives" not in repr(stored)
    assert len(stored["hosting_provider"]["reason_sha256"]) == 64
    with pytest.raises(NotFoundError, match="no notice"):
        desk.acknowledge(request.id, "analytics_provider")
    assert desk.get(request.id).state is RequestState.COMPLETED


def test_rectification_refuses_another_subjects_record(tfp: PrivacyService) -> None:
    subject, _, _ = tfp_customer(tfp)
    other = tfp.register_subject()
    theirs = tfp.store_record(other, {"name": "Bob"}, purposes=["contract"])
    desk = RightsDesk(tfp, provider())
    request = desk.receive(subject, "rectification")
    with pytest.raises(NotFoundError, match="of this subject"):
        desk.rectify(request.id, {theirs: {"name": "Mallory"}})
    with pytest.raises(InvalidInputError):
        desk.rectify(request.id, {})


def test_restriction_stops_reads_and_disposal_until_lifted(tfp: PrivacyService, clock) -> None:
    subject, customer, marketing = tfp_customer(tfp)
    tfp.record_event("contract_end", dt.date(2026, 3, 2), record_id=customer)
    desk = RightsDesk(tfp, provider())
    request = desk.receive(subject, "restriction")
    result = desk.restrict(
        request.id, ground=RestrictionGround.ACCURACY_CONTESTED, purposes=["contract"]
    )
    assert result.links == 1
    assert [t.recipient_id for t in result.notices] == ["hosting_provider", "payment_provider"]
    with pytest.raises(AccessDenied, match="restricted"):
        tfp.read(customer, purpose="contract", role="customer_service", actor="agent")
    tfp.read(marketing, purpose="email_marketing", role="marketing", actor="mailer")
    clock.set(dt.datetime(2029, 7, 2, tzinfo=dt.UTC))  # the contract's retention has ended
    report = tfp.engine.sweep()
    assert report.deferred >= 1
    assert "phone" in tfp.store.get_record(customer).fields

    with pytest.raises(InvalidInputError, match="future"):
        desk.lift_restriction(subject, notified_at=clock.now() + dt.timedelta(days=1))
    seq, _ = tfp.audit.head()
    assert desk.lift_restriction(subject, notified_at=clock.now() - dt.timedelta(days=3)) == 1
    actions = [e.action for e in tfp.store.audit_entries(after_seq=seq)]
    assert actions == ["request.restriction_lift_notified", "subject.restriction_lifted"]
    tfp.engine.sweep()
    assert "phone" not in tfp.store.get_record(customer).fields


def test_an_objection_on_grounds_of_the_situation_stops_processing(taop: PrivacyService) -> None:
    subject, _, _ = taop_customer(taop)
    logs = taop.store_record(
        subject,
        {"login_logs": "2026-03-02 09:00 login", "online_identifiers": "10.0.0.1"},
        purposes=["login_security"],
    )
    desk = RightsDesk(taop, provider())
    request = desk.receive(subject, "objection")
    result = desk.object(request.id, purposes=["login_security"])
    assert result.upheld == ("login_security",)
    assert result.links_ended == 1
    with pytest.raises(AccessDenied):
        taop.read(logs, purpose="login_security", role="operations", actor="ops")
    taop.engine.sweep()
    assert taop.store.get_record(logs) is None


def test_compelling_grounds_override_an_objection_to_legitimate_interests(
    taop: PrivacyService,
) -> None:
    subject, _, _ = taop_customer(taop)
    logs = taop.store_record(subject, {"login_logs": "x"}, purposes=["login_security"])
    desk = RightsDesk(taop, provider())
    request = desk.receive(subject, "objection")
    result = desk.object(
        request.id,
        purposes=["login_security"],
        compelling_grounds={"login_security": "An attack on the account is under investigation."},
    )
    assert result.overridden == ("login_security",)
    assert result.links_ended == 0
    taop.read(logs, purpose="login_security", role="operations", actor="ops")
    outcome = desk.get(request.id).details["outcome"]
    assert "attack" not in repr(outcome)


def test_objection_refuses_purposes_it_does_not_apply_to(taop: PrivacyService) -> None:
    subject, _, _ = taop_customer(taop)
    desk = RightsDesk(taop, provider())
    request = desk.receive(subject, "objection")
    with pytest.raises(InvalidInputError, match="absolute"):
        desk.object(request.id, purposes=["product_information"])
    with pytest.raises(InvalidInputError, match="does not apply"):
        desk.object(request.id, purposes=["invoicing"])
    with pytest.raises(InvalidInputError, match="not objected to"):
        desk.object(request.id, purposes=["login_security"], compelling_grounds={"support": "x"})


def test_an_objection_to_direct_marketing_is_absolute(taop: PrivacyService) -> None:
    subject, licence, mails = taop_customer(taop)
    wording = taop.consent.publish_wording("partner_offers")
    taop.consent.grant(
        subject, "partner_offers", text_hash=wording, channel="web_form", mechanism="checkbox"
    )
    partner = taop.store_record(
        subject,
        {"name": "Grace Hopper", "email": "grace@work.example"},
        purposes=["partner_offers"],
    )
    desk = RightsDesk(taop, provider())
    assert "compelling_grounds" not in inspect.signature(desk.object_to_marketing).parameters
    request = desk.receive(subject, "objection")
    result = desk.object_to_marketing(request.id, emails=["grace.private@example.org"])
    assert result.upheld == ("partner_offers", "product_information")
    assert result.overridden == ()
    assert result.links_ended == 2
    assert result.suppressed == 6  # three addresses, two purposes
    assert not taop.consent.is_permitted(subject, "partner_offers")
    for address in ("grace@example.org", "grace@work.example", "grace.private@example.org"):
        assert desk.unsubscribe.is_suppressed(address, "product_information")
        assert not desk.unsubscribe.is_suppressed(address, "invoicing")
    for record, purpose, role in (
        (mails, "product_information", "marketing"),
        (partner, "partner_offers", "marketing"),
    ):
        with pytest.raises(AccessDenied):
            taop.read(record, purpose=purpose, role=role, actor="mailer")
    taop.read(licence, purpose="invoicing", role="accounting", actor="accountant")


def test_object_to_marketing_refuses_other_purposes(taop: PrivacyService) -> None:
    subject, _, _ = taop_customer(taop)
    desk = RightsDesk(taop, provider())
    request = desk.receive(subject, "objection")
    with pytest.raises(InvalidInputError, match="not direct marketing"):
        desk.object_to_marketing(request.id, purposes=["login_security"])
    with pytest.raises(InvalidInputError):
        desk.object_to_marketing(request.id, emails="grace@example.org")
    assert desk.get(request.id).state is RequestState.RECEIVED


def test_malformed_arguments_fail_with_gdprkit_errors(tfp: PrivacyService) -> None:
    subject, customer, _ = tfp_customer(tfp)
    desk = RightsDesk(tfp, provider())
    fix = desk.receive(subject, "rectification")
    for changes in ([customer], {customer: ["name"]}, {customer: {"name": 42}}):
        with pytest.raises(InvalidInputError):
            desk.rectify(fix.id, changes)
    objection = desk.receive(subject, "objection")
    with pytest.raises(InvalidInputError):
        desk.object(objection.id, purposes=["website_functionality"], compelling_grounds="because")
    with pytest.raises(InvalidInputError):
        desk.due_report(within=7)
    with pytest.raises(InvalidInputError):
        desk.due_report(limit=0)
    assert desk.get(fix.id).state is RequestState.RECEIVED
