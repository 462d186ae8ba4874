"""Art. 15: the access package has every required item, and its dates are the engine's."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest
from rights_helpers import TFP_CUSTOMER, provider, tfp_customer

from gdprkit.policy.model import Policy, Recipient
from gdprkit.requests import REQUIRED_ITEMS, RequestState, RightsDesk, access_package
from gdprkit.requests.access import encoded_package
from gdprkit.requests.held import HeldField, HeldLink, HeldRecord, Holding
from gdprkit.service import PrivacyService
from gdprkit.storage.types import LinkState, canonical_json


def _check_schema(data: dict) -> None:
    """DSR-08: every key present and non-empty, or not_applicable with a reason."""
    assert data["schema"] == "gdprkit.access/1"
    for key, provision in REQUIRED_ITEMS.items():
        item = data[key]
        assert item["provision"] == provision, key
        if item["status"] == "provided":
            assert item["items"], key
            assert "reason" not in item
        else:
            assert item["status"] == "not_applicable", key
            assert item["reason"]["en"].strip(), key
            assert item["reason"]["sv"].strip(), key


@pytest.fixture
def answered(tfp: PrivacyService, clock):
    subject, customer, marketing = tfp_customer(tfp)
    wording = tfp.consent.publish_wording("website_analytics")
    tfp.consent.grant(
        subject, "website_analytics", text_hash=wording, channel="web_form", mechanism="button"
    )
    visits = tfp.store_record(
        subject,
        {"online_identifiers": "cookie-123", "usage_data": b"\x00\x01pages"},
        purposes=["website_analytics"],
        record_id="r-visits",
    )
    clock.advance(dt.timedelta(days=40))
    tfp.record_event("contract_end", dt.date(2026, 6, 30), record_id=customer)
    desk = RightsDesk(tfp, provider())
    request = desk.receive(subject, "access")
    seq, _ = tfp.audit.head()
    package = desk.access(request.id, actor="dpo")
    return tfp, desk, request, package, seq, (customer, marketing, visits)


def test_every_required_item_is_present(answered) -> None:
    _, _, _, package, _, _ = answered
    data = json.loads(package.to_json())
    _check_schema(data)
    assert data["confirmation"]["items"][0]["processed"] is True
    assert data["transfer_safeguards"]["status"] == "not_applicable"  # Ireland is in the EEA
    assert data["automated_decision_making"]["status"] == "not_applicable"
    assert data["source"]["status"] == "not_applicable"
    assert data["complaint"]["items"][0]["authority"] == "Integritetsskyddsmyndigheten (IMY)"
    rights = {r["right"] for r in data["rights"]["items"]}
    assert {"rectification", "erasure", "restriction", "objection"} <= rights
    objection = next(r for r in data["rights"]["items"] if r["right"] == "objection")
    assert objection["applies_to"] == ["email_marketing"]


def test_the_copy_holds_every_value_of_every_record(answered) -> None:
    _, _, _, package, _, (customer, marketing, visits) = answered
    records = {r["record_id"]: r for r in package["personal_data"]["items"]}
    assert set(records) == {customer, marketing, visits}
    fields = {f["category"]: f["value"] for f in records[customer]["fields"]}
    assert fields == TFP_CUSTOMER
    binary = next(f for f in records[visits]["fields"] if f["category"] == "usage_data")
    assert binary["encoding"] == "base64"
    assert binary["value"] == "AAFwYWdlcw=="
    assert records[customer]["purposes"] == ["bookkeeping", "contract"]


def test_retention_dates_are_the_ones_the_engine_stored(answered) -> None:
    service, _, _, package, _, (customer, marketing, visits) = answered
    items = package["retention"]["items"]
    live = [
        link
        for record in (customer, marketing, visits)
        for link in service.links(record)
        if link.state is LinkState.LIVE
    ]
    assert sorted((i["record_id"], i["purpose"]) for i in items) == sorted(
        (link.record_id, link.purpose_id) for link in live
    )
    for link in live:
        item = next(
            i for i in items if (i["record_id"], i["purpose"]) == (link.record_id, link.purpose_id)
        )
        stored = service.store.get_link(link.record_id, link.purpose_id).eligible_from
        assert stored is not None
        assert item["eligible_from"] == stored.isoformat()
        assert item["status"] == "scheduled"
    bookkeeping = next(i for i in items if i["purpose"] == "bookkeeping")
    assert bookkeeping["eligible_from"] == "2033-12-31T23:00:00+00:00"
    assert bookkeeping["keep_through"] == "2033-12-31"
    assert "Bokföringslagen 7 kap. 2 §" in bookkeeping["explanation"]["en"]
    contract = next(i for i in items if i["purpose"] == "contract")
    assert contract["keep_through"] == "2029-06-30"


def test_a_link_awaiting_its_trigger_states_the_criteria(tfp: PrivacyService) -> None:
    subject, customer, _ = tfp_customer(tfp)
    desk = RightsDesk(tfp, provider())
    package = desk.access(desk.receive(subject, "access").id)
    contract = next(i for i in package["retention"]["items"] if i["purpose"] == "contract")
    assert tfp.store.get_link(customer, "contract").eligible_from is None
    assert contract["status"] == "awaiting_trigger"
    assert contract["eligible_from"] is None
    assert contract["rule"]["en"] == "3 years after the contract ends"
    assert "has not started" in contract["explanation"]["en"]


def test_recipients_are_named_with_their_identities(answered) -> None:
    _, _, _, package, _, _ = answered
    recipients = {r["id"]: r for r in package["recipients"]["items"]}
    assert recipients["payment_provider"]["name"] == "Payment service provider"
    assert recipients["payment_provider"]["via"] == "purpose"
    assert recipients["analytics_provider"]["name"] == "Google Ireland Limited (Google Analytics)"
    assert recipients["analytics_provider"]["third_country"] is False
    # The hosting processor receives the data through the systems it runs (Art. 4(9)).
    assert recipients["hosting_provider"]["via"] == "purpose"
    assert recipients["hosting_provider"]["purposes"] == [
        "bookkeeping",
        "contract",
        "email_marketing",
        "website_analytics",
    ]


def test_the_read_is_audited_as_an_access_disclosure(answered) -> None:
    service, desk, request, _, seq, (customer, _, _) = answered
    entries = service.store.audit_entries(after_seq=seq)
    # One entry: the completion carries the disclosure (Art. 5(2)).
    assert [e.action for e in entries] == ["request.access.completed"]
    assert entries[0].details["state"] == "completed"
    assert customer in entries[0].details["records"]
    assert entries[0].details["record_count"] == 3
    assert "name" in entries[0].details["categories"]
    assert "Ada" not in repr([e.details for e in entries])
    assert desk.get(request.id).state is RequestState.COMPLETED
    assert [t.state for t in desk.get(request.id).history] == [
        RequestState.RECEIVED,
        RequestState.IN_PROGRESS,
        RequestState.COMPLETED,
    ]


def test_the_readable_document_in_english_and_swedish(answered) -> None:
    _, _, _, package, _, _ = answered
    en = package.to_markdown("en")
    sv = package.to_markdown("sv")
    assert en.startswith("# Your personal data: access request")
    assert "- Name: Ada Lovelace" in en
    assert "## How long we keep it (Art. 15(1)(d))" in en
    assert "Kept through 31 December 2033 (Bokföringslagen 7 kap. 2 §)" in en
    assert "Integritetsskyddsmyndigheten (IMY)" in en
    assert sv.startswith("# Dina personuppgifter: begäran om tillgång")
    assert "## Hur länge vi sparar dem (artikel 15.1 d)" in sv
    assert "Sparas till och med den 31 december 2033 (bokföringslagen 7 kap. 2 §)" in sv
    assert "Ada Lovelace" in sv
    with pytest.raises(ValueError, match="language"):
        package.to_markdown("de")


def test_markup_in_stored_values_is_escaped(tfp: PrivacyService) -> None:
    subject = tfp.register_subject()
    tfp.store_record(subject, {"name": "<script>alert(1)</script>"}, purposes=["contract"])
    desk = RightsDesk(tfp, provider())
    text = desk.access(desk.receive(subject, "access").id).to_markdown()
    assert "<script>" not in text
    assert "&lt;script&gt;" in text


def test_a_subject_without_data_gets_a_confirmation_that_none_is_processed(
    tfp: PrivacyService,
) -> None:
    subject = tfp.register_subject()
    desk = RightsDesk(tfp, provider())
    package = desk.access(desk.receive(subject, "access").id)
    _check_schema(dict(package.data))
    assert package["confirmation"]["items"][0]["processed"] is False
    assert package["personal_data"]["status"] == "not_applicable"
    assert package["retention"]["status"] == "not_applicable"


def test_a_transfer_outside_the_eea_names_its_safeguard(tfp_policy: Policy) -> None:
    analytics = next(r for r in tfp_policy.recipients if r.id == "analytics_provider")
    moved: Recipient = attrs.evolve(
        analytics, country="US", transfer_mechanism="scc_2021_914", transfer_assessment="TIA-1"
    )
    policy = attrs.evolve(
        tfp_policy,
        recipients=tuple(moved if r.id == analytics.id else r for r in tfp_policy.recipients),
    )
    at = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    holding = Holding(
        subject_id="s",
        at=at,
        records=(
            HeldRecord(
                id="r",
                created_at=at,
                managed=True,
                external_ref=None,
                fields=(),
                links=(
                    HeldLink(
                        purpose_id="website_analytics",
                        live=True,
                        eligible_from=None,
                        restricted=False,
                    ),
                ),
            ),
        ),
    )
    package = access_package(
        policy, holding, request_id="q", received_at=at, due=dt.date(2026, 4, 2)
    )
    _check_schema(dict(package.data))
    (transfer,) = package["transfer_safeguards"]["items"]
    assert transfer["recipient"] == "analytics_provider"
    assert transfer["mechanism"] == "scc_2021_914"
    assert "2021/914" in transfer["mechanism_text"]["en"]


def _holding(purposes: tuple[str, ...], *, subject: str = "s") -> Holding:
    at = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    links = tuple(
        HeldLink(purpose_id=p, live=True, eligible_from=None, restricted=False) for p in purposes
    )
    record = HeldRecord(
        id=f"r-{subject}",
        created_at=at,
        managed=True,
        external_ref=None,
        fields=(HeldField(category="name", value="Ada Lovelace ä"),),
        links=links,
    )
    return Holding(subject_id=subject, at=at, records=(record,) if purposes else ())


@pytest.mark.parametrize("purposes", [(), ("contract",), ("email_marketing", "website_analytics")])
def test_the_encoded_package_is_the_canonical_json_of_its_data(
    tfp_policy: Policy, purposes: tuple[str, ...]
) -> None:
    at = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    package, encoded = encoded_package(
        tfp_policy, _holding(purposes), request_id="q", received_at=at, due=dt.date(2026, 4, 2)
    )
    assert encoded == canonical_json(dict(package.data))
    again = access_package(
        tfp_policy, _holding(purposes), request_id="q", received_at=at, due=dt.date(2026, 4, 2)
    )
    assert again.data == package.data
    assert list(again.data) == [
        "schema",
        "request",
        "subject_id",
        "controller",
        *REQUIRED_ITEMS,
        "consent",
    ]


def test_the_cached_items_are_copied_into_every_package(tfp_policy: Policy) -> None:
    at = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    build = {
        "request_id": "q",
        "received_at": at,
        "due": dt.date(2026, 4, 2),
    }
    first = access_package(tfp_policy, _holding(("contract",)), **build)
    rights = json.loads(json.dumps(first["rights"]))
    first["rights"]["items"].clear()
    first["controller"]["name"] = "changed"
    second, encoded = encoded_package(tfp_policy, _holding(("contract",), subject="t"), **build)
    assert second["rights"] == rights
    assert second["controller"]["name"] == tfp_policy.organisation.legal_name
    assert second["subject_id"] == "t"
    assert encoded == canonical_json(dict(second.data))
    # Another purpose set, another policy: their own items.
    other = access_package(tfp_policy, _holding(("email_marketing",)), **build)
    assert other["purposes"]["items"][0]["id"] == "email_marketing"
    renamed = attrs.evolve(
        tfp_policy,
        organisation=attrs.evolve(tfp_policy.organisation, legal_name="Renamed AB"),
    )
    assert access_package(renamed, _holding(("contract",)), **build)["controller"]["name"] == (
        "Renamed AB"
    )
