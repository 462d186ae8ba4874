"""The façade: minimisation, purpose-bound reads, purpose links, trigger events, restriction."""

from __future__ import annotations

import datetime as dt

import pytest

from gdprkit.clock import FixedClock
from gdprkit.crypto import LocalKeyProvider
from gdprkit.errors import (
    AccessDenied,
    ConflictError,
    ConsentError,
    InvalidInputError,
    NaiveDatetimeError,
    NotDeclaredError,
    NotFoundError,
)
from gdprkit.policy.model import Compatibility, Policy
from gdprkit.service import PrivacyService
from gdprkit.storage.protocol import Store
from gdprkit.storage.types import LinkState

from .conftest import CUSTOMER, KEK, START, customer, replace_purpose


def _state(service: PrivacyService, subject_id: str) -> tuple[object, ...]:
    store = service.store
    return (
        store.records_of_subject(subject_id),
        store.links_of_subject(subject_id),
        service.audit.head(),
    )


def test_fields_are_stored_encrypted_and_read_back(service: PrivacyService) -> None:
    record_id = customer(service)
    stored = service.store.get_record(record_id)
    assert stored is not None
    assert all(b"Ada" not in value for value in stored.fields.values())
    values = service.read(record_id, purpose="contract", role="customer_service", actor="agent-7")
    assert values == {k: CUSTOMER[k] for k in ("name", "postal_address", "email", "phone")}


def test_binary_values_round_trip(service: PrivacyService) -> None:
    subject = service.register_subject()
    record_id = service.store_record(
        subject, {"name": b"\x00\xffscan"}, purposes=["contract"], record_id="r-bin"
    )
    got = service.read(record_id, purpose="contract", role="customer_service", actor="a")
    assert got == {"name": b"\x00\xffscan"}


def test_a_category_no_purpose_declares_is_refused_and_nothing_is_stored(
    service: PrivacyService,
) -> None:
    subject = service.register_subject()
    before = _state(service, subject)
    with pytest.raises(NotDeclaredError, match=r"invoice_records.*Art\. 5\(1\)\(c\)"):
        service.store_record(
            subject, {"name": "Ada", "invoice_records": "INV-1"}, purposes=["contract"]
        )
    assert _state(service, subject) == before


def test_an_undeclared_category_is_refused(service: PrivacyService) -> None:
    subject = service.register_subject()
    with pytest.raises(NotFoundError, match="data category"):
        service.store_record(subject, {"shoe_size": "42"}, purposes=["contract"])


def test_a_support_role_cannot_read_invoicing_data_and_the_refusal_is_audited(
    service: PrivacyService,
) -> None:
    record_id = customer(service)
    seq_before, _ = service.audit.head()
    with pytest.raises(AccessDenied, match="does not serve purpose 'bookkeeping'"):
        service.read(record_id, purpose="bookkeeping", role="customer_service", actor="agent-7")
    entries = service.store.audit_entries(after_seq=seq_before)
    assert [e.action for e in entries] == ["record.read_refused"]
    assert entries[0].actor == "agent-7"
    assert entries[0].details["error"] == "AccessDenied"
    assert "Ada" not in str(entries[0])


def test_a_purpose_reads_only_the_categories_it_declares(service: PrivacyService) -> None:
    record_id = customer(service)
    with pytest.raises(AccessDenied, match="invoice_records"):
        service.read(
            record_id,
            purpose="contract",
            role="accounting",
            actor="a",
            categories=["invoice_records"],
        )
    got = service.read(record_id, purpose="bookkeeping", role="accounting", actor="a")
    assert set(got) == {"name", "postal_address", "invoice_records"}


def test_every_read_is_audited_without_values(service: PrivacyService) -> None:
    record_id = customer(service)
    seq, _ = service.audit.head()
    service.read(record_id, purpose="contract", role="customer_service", actor="agent-7")
    (entry,) = service.store.audit_entries(after_seq=seq)
    assert entry.action == "record.read"
    assert entry.details["categories"] == ["email", "name", "phone", "postal_address"]
    assert "ada@example.org" not in str(entry.details)


def test_blind_index_finds_the_subject_by_normalised_email(service: PrivacyService) -> None:
    subject = service.register_subject(email="Ada.Lovelace@Example.ORG ")
    assert service.find_subjects(email="ada.lovelace@example.org") == [subject]
    assert service.find_subjects(email="someone@example.org") == []


def test_subject_ids_must_be_opaque(service: PrivacyService) -> None:
    with pytest.raises(InvalidInputError, match="opaque"):
        service.register_subject("ada@example.org")
    with pytest.raises(InvalidInputError, match="subject_id"):
        service.register_subject("")


def test_consent_purpose_needs_consent_to_store(service: PrivacyService) -> None:
    subject = service.register_subject()
    with pytest.raises(ConsentError, match="website_analytics"):
        service.store_record(subject, {"usage_data": "p=/home"}, purposes=["website_analytics"])


def test_imported_records_need_their_real_collection_date(service: PrivacyService) -> None:
    subject = service.register_subject()
    with pytest.raises(InvalidInputError, match="RET-12"):
        service.store_record(subject, {"name": "Ada"}, purposes=["contract"], imported=True)
    record_id = service.store_record(
        subject,
        {"name": "Ada"},
        purposes=["contract"],
        imported=True,
        collected_at=dt.datetime(2019, 5, 1, tzinfo=dt.UTC),
    )
    assert service.store.get_record(record_id) is not None


def test_future_collection_and_naive_instants_are_refused(service: PrivacyService) -> None:
    subject = service.register_subject()
    with pytest.raises(InvalidInputError, match="future"):
        service.store_record(
            subject,
            {"name": "Ada"},
            purposes=["contract"],
            collected_at=START + dt.timedelta(days=1),
        )
    with pytest.raises(NaiveDatetimeError):
        service.store_record(
            subject,
            {"name": "Ada"},
            purposes=["contract"],
            triggers={"contract_end": dt.datetime(2027, 1, 1)},  # noqa: DTZ001 - the point
        )
    assert service.store.records_of_subject(subject) == []


def test_a_trigger_no_rule_uses_is_refused(service: PrivacyService) -> None:
    subject = service.register_subject()
    with pytest.raises(InvalidInputError, match="ticket_closed"):
        service.store_record(
            subject,
            {"name": "Ada"},
            purposes=["contract"],
            triggers={"ticket_closed": dt.date(2026, 1, 1)},
        )


def test_trigger_events_schedule_links_and_corrections_are_audited(
    service: PrivacyService,
) -> None:
    record_id = customer(service)
    contract = service.store.get_link(record_id, "contract")
    assert contract is not None
    assert contract.eligible_from is None
    assert service.record_event("contract_end", dt.date(2027, 6, 30), record_id=record_id) == 1
    contract = service.store.get_link(record_id, "contract")
    assert contract is not None
    # Three years after 30 June 2027, from 00:00 on 1 July 2030 in Stockholm.
    assert contract.eligible_from == dt.datetime(2030, 6, 30, 22, 0, tzinfo=dt.UTC)
    seq, _ = service.audit.head()
    service.record_event("contract_end", dt.date(2027, 9, 30), record_id=record_id)
    (entry,) = service.store.audit_entries(after_seq=seq)
    assert entry.details == {
        "event": "contract_end",
        "links": 1,
        "corrected": 1,
        "scope_all": False,
    }
    assert service.cancel_event("contract_end", record_id=record_id) == 1
    contract = service.store.get_link(record_id, "contract")
    assert contract is not None
    assert contract.eligible_from is None


def test_events_need_exactly_one_scope(service: PrivacyService) -> None:
    record_id = customer(service)
    subject = service.store.get_record(record_id).subject_id  # type: ignore[union-attr]
    with pytest.raises(InvalidInputError, match="exactly one scope"):
        service.record_event("contract_end", dt.date(2027, 1, 1))
    with pytest.raises(InvalidInputError, match="exactly one scope"):
        service.record_event(
            "contract_end", dt.date(2027, 1, 1), record_id=record_id, subject_id=subject
        )
    with pytest.raises(InvalidInputError, match="no retention rule"):
        service.record_event("ticket_closed", dt.date(2027, 1, 1), record_id=record_id)
    assert service.record_event("contract_end", dt.date(2027, 1, 1), subject_id=subject) == 1
    other = service.register_subject()
    service.store_record(other, {"name": "Bo"}, purposes=["contract"])
    assert service.record_event("contract_end", dt.date(2027, 2, 1), scope_all=True) == 2


def test_a_further_purpose_needs_compatibility_consent_or_law(
    tfp_policy: Policy, store: Store, clock: FixedClock
) -> None:
    policy = replace_purpose(
        tfp_policy,
        "email_marketing",
        compatible_with=(Compatibility(purpose="contract", assessment="LIA 2026-02"),),
    )
    service = PrivacyService(policy, store, LocalKeyProvider(KEK), clock=clock)
    subject = service.register_subject()
    record_id = service.store_record(
        subject, {"name": "Ada", "email": "a@x"}, purposes=["contract"]
    )
    link = service.link_purpose(record_id, "email_marketing")
    assert link.purpose_id == "email_marketing"
    bare = PrivacyService(tfp_policy, store, LocalKeyProvider(KEK), clock=clock)
    other = bare.store_record(subject, {"name": "Ada", "email": "a@x"}, purposes=["contract"])
    with pytest.raises(NotDeclaredError, match=r"Art\. 6\(4\)"):
        bare.link_purpose(other, "email_marketing")
    assert bare.link_purpose(other, "bookkeeping").purpose_id == "bookkeeping"
    with pytest.raises(NotDeclaredError, match="already serves"):
        bare.link_purpose(other, "bookkeeping")
    with pytest.raises(NotDeclaredError, match="none of the record's categories"):
        bare.link_purpose(other, "website_functionality")


def test_restriction_refuses_reads_and_lifting_restores_them(service: PrivacyService) -> None:
    record_id = customer(service)
    subject = service.store.get_record(record_id).subject_id  # type: ignore[union-attr]
    assert service.set_restriction(subject, restricted=True, purposes=["contract"]) == 1
    with pytest.raises(AccessDenied, match=r"Art\. 18"):
        service.read(record_id, purpose="contract", role="customer_service", actor="a")
    assert service.read(record_id, purpose="bookkeeping", role="accounting", actor="a")
    assert service.set_restriction(subject, restricted=False) == 1
    assert service.read(record_id, purpose="contract", role="customer_service", actor="a")


def test_reads_stop_once_retention_ends_even_before_the_sweep(
    service: PrivacyService, clock: FixedClock
) -> None:
    record_id = customer(service)
    service.record_event("contract_end", dt.date(2026, 3, 31), record_id=record_id)
    clock.set(dt.datetime(2029, 3, 31, 22, 0, tzinfo=dt.UTC))
    with pytest.raises(AccessDenied, match="retention"):
        service.read(record_id, purpose="contract", role="customer_service", actor="a")
    link = service.store.get_link(record_id, "contract")
    assert link is not None
    assert link.state is LinkState.LIVE


def test_duplicate_record_id_is_a_conflict_and_changes_nothing(service: PrivacyService) -> None:
    subject = service.register_subject()
    service.store_record(subject, {"name": "Ada"}, purposes=["contract"], record_id="r1")
    before = _state(service, subject)
    with pytest.raises(ConflictError):
        service.store_record(subject, {"name": "Bo"}, purposes=["contract"], record_id="r1")
    assert _state(service, subject) == before


def test_the_audit_chain_verifies_after_a_day_of_work(service: PrivacyService) -> None:
    record_id = customer(service)
    service.read(record_id, purpose="contract", role="customer_service", actor="a")
    seq, head = service.audit.head()
    assert service.audit.verify(expected_head=(seq, head)) == (seq, head)
    assert seq >= 3


def test_two_services_on_one_store_derive_the_same_keys(service: PrivacyService) -> None:
    subject = service.register_subject(email="bo@example.org")
    again = PrivacyService(service.policy, service.store, LocalKeyProvider(KEK))
    assert again.find_subjects(email="bo@example.org") == [subject]
    again.audit.verify()


def test_the_system_clock_works_without_explicit_instants(tfp_policy: Policy, store: Store) -> None:
    live = PrivacyService(tfp_policy, store, LocalKeyProvider(KEK))
    subject = live.register_subject()
    record = live.store_record(subject, {"name": "Ada"}, purposes=["contract"])
    text = live.consent.publish_wording("website_analytics")
    live.consent.grant(
        subject, "website_analytics", text_hash=text, channel="web_form", mechanism="checkbox"
    )
    live.consent.withdraw(subject, "website_analytics", channel="web_form")
    assert live.read(record, purpose="contract", role="customer_service", actor="a")
