"""LEGAL.md DSR-11, end to end: an erasure request from a customer with invoices (policy (b))."""

from __future__ import annotations

import datetime as dt

import pytest
from rights_helpers import provider, tfp_customer

from gdprkit.crypto import FieldCipher, FieldContext
from gdprkit.errors import AccessDenied, CryptoError
from gdprkit.requests import ErasureException, ErasureGround, RequestState, RightsDesk
from gdprkit.service import PrivacyService
from gdprkit.storage.memory import MemoryStore

ASKED = dt.datetime(2027, 3, 10, 10, 0, tzinfo=dt.UTC)
KEPT_UNTIL = dt.datetime(2033, 12, 31, 23, 0, tzinfo=dt.UTC)  # 1 January 2034 00:00 Stockholm


def test_erasure_of_a_customer_with_invoices(tfp: PrivacyService, clock) -> None:
    subject, customer, marketing = tfp_customer(tfp, invoice_date=dt.date(2026, 5, 20))
    old_email = tfp.store.get_record(customer).fields["email"]
    clock.set(ASKED)
    desk = RightsDesk(tfp, provider())
    request = desk.receive(subject, "erasure")
    assert request.deadline.due_strict == dt.date(2027, 4, 10)

    answer = desk.erase(request.id, ground=ErasureGround.NO_LONGER_NECESSARY, actor="dpo")

    # The e-mail-marketing data and the contract-only fields are erased now.
    assert tfp.store.get_record(marketing) is None
    record = tfp.store.get_record(customer)
    assert record is not None
    assert sorted(record.fields) == ["invoice_records", "name", "postal_address"]
    # What went is unreadable at once, in every copy: its key version is destroyed.
    context = FieldContext(record_id=customer, category_id="email", subject_id=subject)
    with pytest.raises(CryptoError):
        FieldCipher(tfp.keyring).decrypt(old_email, context)
    # Name and address on the verifications are kept under 17(3)(b) + BFL 7:2 ...
    (kept,) = answer.kept
    assert kept["record_id"] == customer
    assert kept["purpose"] == "bookkeeping"
    assert kept["exception"] == ErasureException.LEGAL_OBLIGATION.value
    assert kept["article"] == "17(3)(b)"
    assert kept["law"]["en"] == "Bokföringslagen 7 kap. 2 §"
    assert [c["id"] for c in kept["categories"]] == ["invoice_records", "name", "postal_address"]
    # ... until 2033-12-31, the date the engine stores on the link ...
    assert kept["keep_through"] == "2033-12-31"
    assert kept["eligible_from"] == KEPT_UNTIL.isoformat()
    assert tfp.store.get_link(customer, "bookkeeping").eligible_from == KEPT_UNTIL
    # ... blocked for every other purpose ...
    with pytest.raises(AccessDenied):
        tfp.read(customer, purpose="contract", role="accounting", actor="accountant")
    kept_values = tfp.read(customer, purpose="bookkeeping", role="accounting", actor="accountant")
    assert kept_values["name"] == "Ada Lovelace"
    assert [link.purpose_id for link in tfp.links(customer) if link.state == "live"] == [
        "bookkeeping"
    ]
    # The e-mail address is gone, so is the blind index that found the person by it.
    assert tfp.find_subjects(email="ada@example.org") == []
    # The answer lists what was erased and kept, why and until when.
    erased = {e["record_id"]: e for e in answer.erased}
    assert erased[marketing]["record_deleted"]
    assert [c["id"] for c in erased[customer]["categories"]] == ["email", "phone"]
    assert erased[customer]["purposes"] == ["contract"]
    text_en = answer.to_markdown("en")
    assert "until 31 December 2033" in text_en
    assert "Art. 17(3)(b); Bokföringslagen 7 kap. 2 §" in text_en
    text_sv = answer.to_markdown("sv")
    assert "till och med den 31 december 2033" in text_sv
    assert "artikel 17.3 b; bokföringslagen 7 kap. 2 §" in text_sv
    assert '"keep_through": "2033-12-31"' in answer.to_json()
    # The request is completed; Art. 19: the contract's recipients are told.
    done = desk.get(request.id)
    assert done.state is RequestState.COMPLETED
    assert [n.target.recipient_id for n in desk.notices(request.id)] == [
        "hosting_provider",
        "payment_provider",
    ]

    # Deleted on or after 2034-01-01, not before.
    clock.set(KEPT_UNTIL - dt.timedelta(minutes=1))
    assert tfp.engine.sweep().records_disposed == 0
    clock.set(KEPT_UNTIL)
    report = tfp.engine.sweep()
    assert (report.records_disposed, report.subjects_shredded) == (1, 1)
    assert tfp.store.get_record(customer) is None


def test_the_erasure_is_audited_and_nothing_personal_is_stored(tfp: PrivacyService, clock) -> None:
    subject, _, _ = tfp_customer(tfp)
    clock.set(ASKED)
    desk = RightsDesk(tfp, provider())
    request = desk.receive(subject, "erasure")
    seq, _ = tfp.audit.head()
    desk.erase(request.id, ground="no_longer_necessary")
    actions = [e.action for e in tfp.store.audit_entries(after_seq=seq)]
    assert actions[0] == "subject.erasure"
    assert "retention.subject_sweep" in actions
    assert actions[-1] == "request.erasure.completed"
    stored = tfp.store.get_request(request.id)
    text = repr(stored.details)
    for secret in ("Ada", "Lovelace", "ada@example.org", "Storgatan", "INV-2026"):
        assert secret not in text
        assert all(secret not in repr(e.details) for e in tfp.store.audit_entries())
    assert tfp.audit.verify()[0] == tfp.audit.head()[0]


def test_a_legal_hold_keeps_the_data_under_17_3_e(tfp: PrivacyService, clock) -> None:
    subject, customer, marketing = tfp_customer(tfp)
    hold = tfp.holds.place(
        "record", marketing, reason="complaint under review", matter_ref="M-7", actor="legal"
    )
    clock.set(ASKED)
    desk = RightsDesk(tfp, provider())
    answer = desk.erase(desk.receive(subject, "erasure").id, ground="objection")
    kept = {(k["record_id"], k["purpose"]): k for k in answer.kept}
    held = kept[(marketing, "email_marketing")]
    assert held["exception"] == "legal_claims"
    assert held["article"] == "17(3)(e)"
    assert held["hold_ids"] == [hold.id]
    assert "while the legal hold lasts" in answer.to_markdown("en")
    assert tfp.store.get_record(marketing) is not None
    assert (customer, "bookkeeping") in kept
    assert "phone" not in tfp.store.get_record(customer).fields


def test_nothing_kept_means_the_subject_is_gone(tfp: PrivacyService) -> None:
    subject = tfp.register_subject(email="ada@example.org")
    only = tfp.store_record(
        subject,
        {"name": "Ada", "email": "ada@example.org"},
        purposes=["email_marketing"],
        triggers={"last_activity": dt.date(2026, 3, 1)},
    )
    desk = RightsDesk(tfp, provider())
    request = desk.receive(subject, "erasure")
    answer = desk.erase(request.id, ground="consent_withdrawn")
    assert answer.kept == []
    assert answer.erased == [
        {
            "record_id": only,
            "purposes": ["email_marketing"],
            "categories": [
                {"id": "email", "label": answer.erased[0]["categories"][0]["label"]},
                {"id": "name", "label": answer.erased[0]["categories"][1]["label"]},
            ],
            "record_deleted": True,
        }
    ]
    assert tfp.store.get_subject(subject) is None
    assert tfp.find_subjects(email="ada@example.org") == []
    assert desk.get(request.id).state is RequestState.COMPLETED
    assert "Nothing was kept." in answer.to_markdown()
    assert "Inget har sparats." in answer.to_markdown("sv")


def test_a_restricted_link_is_released_to_be_erased(tfp: PrivacyService, clock) -> None:
    subject, customer, _ = tfp_customer(tfp)
    desk = RightsDesk(tfp, provider())
    desk.restrict(desk.receive(subject, "restriction").id, ground="accuracy_contested")
    clock.set(ASKED)
    answer = desk.erase(desk.receive(subject, "erasure").id, ground="unlawful")
    assert sorted(tfp.store.get_record(customer).fields) == [
        "invoice_records",
        "name",
        "postal_address",
    ]
    assert [k["purpose"] for k in answer.kept] == ["bookkeeping"]


def test_a_retention_that_has_ended_keeps_nothing(tfp: PrivacyService, clock) -> None:
    subject, customer, _ = tfp_customer(tfp)
    clock.set(KEPT_UNTIL + dt.timedelta(days=1))
    desk = RightsDesk(tfp, provider())
    answer = desk.erase(desk.receive(subject, "erasure").id, ground="no_longer_necessary")
    assert answer.kept == []
    assert tfp.store.get_record(customer) is None


class TickingClock:
    """A clock that moves on by a microsecond every time it is read, like a real one."""

    def __init__(self, start: dt.datetime) -> None:
        self._now = start

    def now(self) -> dt.datetime:
        self._now += dt.timedelta(microseconds=1)
        return self._now


def test_erasure_with_a_clock_that_moves_erases_at_once(tfp_policy) -> None:
    """Ending the links and disposing of them use one instant, so nothing waits a sweep."""
    service = PrivacyService(tfp_policy, MemoryStore(), provider(), clock=TickingClock(ASKED))
    subject, customer, marketing = tfp_customer(service, invoice_date=dt.date(2026, 5, 20))
    desk = RightsDesk(service, provider())
    request = desk.receive(subject, "erasure")
    answer = desk.erase(request.id, ground=ErasureGround.NO_LONGER_NECESSARY, actor="dpo")
    assert service.store.get_record(marketing) is None
    assert sorted(service.store.get_record(customer).fields) == [
        "invoice_records",
        "name",
        "postal_address",
    ]
    assert answer.erased != []
