"""Art. 12(3), 15: an access request received and answered in one step, on the record."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import TYPE_CHECKING, Any

import pytest
from rights_helpers import TFP_CUSTOMER, provider, tfp_customer

from gdprkit.errors import ConflictError, InvalidInputError, NotFoundError
from gdprkit.requests import RequestState, RightsDesk
from gdprkit.service import PrivacyService
from gdprkit.storage.sqlite import SQLiteStore
from gdprkit.storage.types import canonical_json

if TYPE_CHECKING:
    from pathlib import Path

    from gdprkit.clock import FixedClock
    from gdprkit.policy.model import Policy

EMAIL = "ada@example.org"


def _snapshot(service: PrivacyService, subject: str) -> tuple[object, ...]:
    """What a failed call must leave as it was: the audit head and the subject's requests."""
    return service.audit.head(), service.store.requests_of_subject(subject)


def test_found_by_email_the_request_is_stored_completed_with_one_audit_entry(
    tfp: PrivacyService,
) -> None:
    subject, customer, marketing = tfp_customer(tfp)
    desk = RightsDesk(tfp, provider())
    seq, _ = tfp.audit.head()
    package = desk.answer_access(email=EMAIL, request_id="req-1", actor="portal")

    assert package["request"]["id"] == "req-1"
    assert package["subject_id"] == subject
    records = {r["record_id"]: r for r in package["personal_data"]["items"]}
    assert set(records) == {customer, marketing}
    assert {f["category"]: f["value"] for f in records[customer]["fields"]} == TFP_CUSTOMER

    case = desk.get("req-1")
    assert case.state is RequestState.COMPLETED
    assert [t.state for t in case.history] == [
        RequestState.RECEIVED,
        RequestState.IN_PROGRESS,
        RequestState.COMPLETED,
    ]
    assert case.details["channel"] == case.details["reply_channel"] == "electronic"
    assert case.details["late"] is False
    outcome = case.details["outcome"]
    assert outcome["records"] == 2
    want = hashlib.sha256(canonical_json(dict(package.data))).hexdigest()
    assert outcome["package_sha256"] == want

    (entry,) = tfp.store.audit_entries(after_seq=seq)
    assert entry.action == "request.access.completed"
    assert entry.actor == "portal"
    assert list(entry.ids) == ["req-1", subject]
    assert entry.details["received"] == {
        "channel": "electronic",
        "due": case.deadline.due_strict.isoformat(),
    }
    assert entry.details["records"] == [customer, marketing]
    assert entry.details["record_count"] == 2
    assert entry.details["categories"] == sorted(TFP_CUSTOMER)
    assert entry.details["state"] == "completed"
    assert "Ada" not in repr(entry.details)
    assert EMAIL not in repr(entry.details)
    tfp.audit.verify()


def test_one_step_answers_as_receive_and_access_do(tfp: PrivacyService) -> None:
    subject, _, _ = tfp_customer(tfp)
    desk = RightsDesk(tfp, provider())
    one = desk.answer_access(subject_id=subject, request_id="one")
    two = desk.access(desk.receive(subject, "access", request_id="two").id)
    first, second = json.loads(one.to_json()), json.loads(two.to_json())
    assert first.pop("request")["id"] == "one"
    assert second.pop("request")["id"] == "two"
    assert first == second
    assert desk.get("one").deadline == desk.get("two").deadline
    assert {k: v for k, v in desk.get("one").details.items() if k != "outcome"} == {
        k: v for k, v in desk.get("two").details.items() if k != "outcome"
    }


def test_on_sqlite_it_is_one_transaction_and_one_commit(
    tfp_policy: Policy, clock: FixedClock, tmp_path: Path
) -> None:
    store = SQLiteStore(tmp_path / "one.db")
    tfp = PrivacyService(tfp_policy, store, provider(), clock=clock)
    tfp_customer(tfp)
    desk = RightsDesk(tfp, provider())
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    try:
        desk.answer_access(email=EMAIL)
    finally:
        store._conn.set_trace_callback(None)
        store.close()
    verbs = [s.split()[0].upper() for s in statements]
    assert verbs.count("BEGIN") == 1
    assert verbs.count("COMMIT") == 1
    assert verbs[0] == "BEGIN"
    assert verbs[-1] == "COMMIT"
    assert sum(1 for s in statements if s.startswith("INSERT INTO requests")) == 1
    assert not any(s.startswith("UPDATE requests") for s in statements)


def test_a_late_request_is_recorded_late(tfp: PrivacyService, clock: FixedClock) -> None:
    subject, _, _ = tfp_customer(tfp)
    desk = RightsDesk(tfp, provider())
    received = clock.now() - dt.timedelta(days=60)
    package = desk.answer_access(subject_id=subject, received_at=received, channel="post")
    case = desk.get(package["request"]["id"])
    assert case.received_at == received
    assert case.details["late"] is True
    assert case.details["channel"] == case.details["reply_channel"] == "post"
    with pytest.raises(InvalidInputError):
        desk.answer_access(subject_id=subject, received_at=clock.now() + dt.timedelta(hours=1))


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({}, InvalidInputError),
        ({"subject_id": "s", "email": EMAIL}, InvalidInputError),
        ({"email": "nobody@example.org"}, NotFoundError),
        ({"email": "not an address"}, InvalidInputError),
        ({"subject_id": "no-such-subject"}, NotFoundError),
        ({"email": EMAIL, "channel": "pigeon"}, InvalidInputError),
        ({"email": EMAIL, "actor": ""}, InvalidInputError),
        ({"email": EMAIL, "request_id": "taken"}, ConflictError),
    ],
)
def test_a_refused_call_stores_nothing(
    tfp: PrivacyService, arguments: dict[str, Any], error: type[Exception]
) -> None:
    subject, _, _ = tfp_customer(tfp)
    desk = RightsDesk(tfp, provider())
    desk.receive(subject, "access", request_id="taken")
    before = _snapshot(tfp, subject)
    with pytest.raises(error) as caught:
        desk.answer_access(**arguments)
    assert "example.org" not in str(caught.value)
    assert _snapshot(tfp, subject) == before


def test_an_address_of_two_subjects_is_not_guessed(tfp: PrivacyService) -> None:
    first = tfp.register_subject(email=EMAIL)
    second = tfp.register_subject(email=EMAIL)
    desk = RightsDesk(tfp, provider())
    before = [_snapshot(tfp, s) for s in (first, second)]
    with pytest.raises(ConflictError, match="2 subjects") as caught:
        desk.answer_access(email=EMAIL)
    assert EMAIL not in str(caught.value)
    assert [_snapshot(tfp, s) for s in (first, second)] == before


def test_a_failure_while_answering_leaves_the_store_as_it_was(tfp: PrivacyService) -> None:
    subject, _, _ = tfp_customer(tfp)

    def broken(*_: object) -> str:
        raise RuntimeError("redaction service down")

    desk = RightsDesk(tfp, provider(), redact=broken)
    before = _snapshot(tfp, subject)
    with pytest.raises(RuntimeError, match="redaction"):
        desk.answer_access(email=EMAIL)
    assert _snapshot(tfp, subject) == before
