"""Art. 20: only what the subject provided, processed on consent or contract; JSON and CSV."""

from __future__ import annotations

import csv
import io
import json

from rights_helpers import provider, tfp_customer

from gdprkit.requests import RightsDesk
from gdprkit.requests.portability import CSV_HEADER
from gdprkit.service import PrivacyService


def test_bookkeeping_data_is_in_the_access_export_but_not_in_the_portability_export(
    tfp: PrivacyService,
) -> None:
    subject, customer, marketing = tfp_customer(tfp)
    desk = RightsDesk(tfp, provider())
    access = desk.access(desk.receive(subject, "access").id)
    export = desk.portability(desk.receive(subject, "portability").id)

    accessed = {f["category"] for r in access["personal_data"]["items"] for f in r["fields"]}
    assert "invoice_records" in accessed
    assert "invoice_records" not in export.categories
    data = json.loads(export.to_json())
    assert data["schema"] == "gdprkit.portability/1"
    (record,) = data["records"]  # the newsletter record rests on legitimate interests
    assert record["record_id"] == customer
    assert record["purposes"] == ["contract"]
    assert record["fields"] == {
        "email": {"value": "ada@example.org", "encoding": "utf-8"},
        "name": {"value": "Ada Lovelace", "encoding": "utf-8"},
        "phone": {"value": "+46 70 000 00 00", "encoding": "utf-8"},
        "postal_address": {"value": "Storgatan 1, 111 22 Stockholm", "encoding": "utf-8"},
    }
    assert marketing not in export.to_json()


def test_the_csv_has_one_row_per_field(tfp: PrivacyService) -> None:
    subject, customer, _ = tfp_customer(tfp)
    desk = RightsDesk(tfp, provider())
    export = desk.portability(desk.receive(subject, "portability").id)
    text = export.to_csv()
    assert text.startswith(",".join(CSV_HEADER) + "\r\n")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["record_id"], r["category"]) for r in rows] == [
        (customer, "email"),
        (customer, "name"),
        (customer, "phone"),
        (customer, "postal_address"),
    ]
    assert rows[-1]["value"] == "Storgatan 1, 111 22 Stockholm"  # the comma survives quoting
    assert {r["purposes"] for r in rows} == {"contract"}


def test_consent_data_is_portable_until_the_consent_is_withdrawn(tfp: PrivacyService) -> None:
    subject = tfp.register_subject()
    wording = tfp.consent.publish_wording("website_analytics")
    tfp.consent.grant(
        subject, "website_analytics", text_hash=wording, channel="web_form", mechanism="button"
    )
    tfp.store_record(
        subject,
        {"online_identifiers": "cookie-9", "usage_data": b"\xff\x00"},
        purposes=["website_analytics"],
    )
    desk = RightsDesk(tfp, provider())
    export = desk.portability(desk.receive(subject, "portability").id)
    assert export.categories == ("online_identifiers", "usage_data")
    assert '"encoding": "base64"' in export.to_json()
    assert ",/wA=,base64\r\n" in export.to_csv()

    tfp.consent.withdraw(subject, "website_analytics", channel="web_form")
    again = desk.portability(desk.receive(subject, "portability").id)
    assert again.categories == ()
    assert again.to_csv() == ",".join(CSV_HEADER) + "\r\n"


def test_the_export_is_audited_and_completes_the_request(tfp: PrivacyService) -> None:
    subject, _, _ = tfp_customer(tfp)
    desk = RightsDesk(tfp, provider())
    request = desk.receive(subject, "portability")
    seq, _ = tfp.audit.head()
    desk.portability(request.id, actor="dpo")
    entries = tfp.store.audit_entries(after_seq=seq)
    assert [e.action for e in entries] == ["request.portability.completed"]
    # The entry names every category read for the answer, the export's among them.
    assert {"email", "name", "phone", "postal_address"} <= set(entries[0].details["categories"])
    assert entries[0].details["record_count"] == len(entries[0].details["records"]) > 0
    outcome = desk.get(request.id).details["outcome"]
    assert outcome["categories"] == ["email", "name", "phone", "postal_address"]
    assert len(outcome["export_sha256"]) == 64
