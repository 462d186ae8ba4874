"""The Art. 30 record: every field, dated snapshots, formats and the 30(5) check (ROPA-01..06)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import attrs
import pytest
from document_helpers import LANGUAGES, with_purpose, without_recipient

from gdprkit.documents import (
    DocumentKind,
    FieldStatus,
    RecordField,
    RecordTable,
    art30_exemption,
    privacy_notice,
    publish_records,
    records_of_processing,
    records_to_csv,
    records_to_json,
    records_to_markdown,
    to_markdown,
)
from gdprkit.errors import DocumentError
from gdprkit.policy import (
    BUILTIN_CATEGORIES,
    Period,
    Policy,
    ProcessingOnBehalf,
    RetentionRule,
    Text,
)

AS_OF = dt.date(2026, 3, 1)
LETTERS = (
    "a_controller",
    "b_purposes",
    "c_data_subjects",
    "c_personal_data",
    "d_recipients",
    "e_transfers",
    "f_erasure_time_limits",
    "g_security_measures",
)
EXTRAS = ("lawful_basis", "special_category_condition", "source", "systems", "processors")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("fmt", ["json", "csv", "markdown"])
def test_both_examples_render_with_the_snapshot_date(
    policy: Policy, language: str, fmt: str
) -> None:
    records = records_of_processing(policy, as_of=AS_OF, language=language)
    published = publish_records(records, fmt)
    assert published.kind is DocumentKind.RECORDS_OF_PROCESSING
    assert published.as_of == AS_OF
    assert published.policy_hash == policy.content_hash
    assert published.layer is None
    spelled = "1 mars 2026" if language == "sv" else "1 March 2026"
    date_in_text = {"json": "2026-03-01", "csv": "2026-03-01", "markdown": spelled}[fmt]
    assert date_in_text in published.text


def test_one_entry_per_purpose_with_every_field(policy: Policy) -> None:
    data = json.loads(records_to_json(records_of_processing(policy, as_of=AS_OF)))
    assert data["as_of"] == "2026-03-01"
    assert [a["id"] for a in data["activities"]] == [p.id for p in policy.purposes]
    for activity in data["activities"]:
        assert set(activity) == {"id", "name", *LETTERS, *EXTRAS}
        for key in LETTERS:
            field = activity[key]
            if key[0] in "abcd":
                assert field["status"] == "provided", key
            if field["status"] == "provided":
                assert field["value"], (activity["id"], key)
            else:
                assert field["status"] in {"not_applicable", "not_possible"}
                assert field["reason"], (activity["id"], key)


def test_csv_columns_are_stable(tfp: Policy) -> None:
    records = records_of_processing(tfp, as_of=AS_OF)
    rows = list(csv.reader(io.StringIO(records_to_csv(records))))
    assert rows[0] == ["as_of", "id", "name", *LETTERS, *EXTRAS]
    assert [r[1] for r in rows[1:]] == [p.id for p in tfp.purposes]
    assert all(r[0] == "2026-03-01" for r in rows[1:])
    plain = records_of_processing(tfp, as_of=AS_OF, extra_columns=False)
    assert next(csv.reader(io.StringIO(records_to_csv(plain)))) == ["as_of", "id", "name", *LETTERS]


def test_bookkeeping_time_limit_reads_as_ropa_05(policy: Policy) -> None:
    records = records_of_processing(policy, as_of=AS_OF)
    bookkeeping = next(a for a in records.activities if a.id == "bookkeeping")
    assert bookkeeping.erasure_time_limits.value.endswith(
        ": kept through 31 December of the seventh year after the end of the calendar year in "
        "which the financial year ended (Bokföringslagen 7 kap. 2 §); then the data is deleted."
    )
    assert "Art. 6(1)(c)" in bookkeeping.lawful_basis.value


def test_a_field_not_provided_needs_a_reason() -> None:
    with pytest.raises(DocumentError):
        RecordField(status=FieldStatus.NOT_APPLICABLE)
    assert RecordField(status=FieldStatus.NOT_POSSIBLE, reason="r").cell() == "not_possible: r"


def test_no_record_before_the_policy_applies(tfp: Policy) -> None:
    with pytest.raises(DocumentError):
        records_of_processing(tfp, as_of=dt.date(2025, 12, 31))


def test_html_is_not_offered_for_the_record(tfp: Policy) -> None:
    with pytest.raises(DocumentError):
        publish_records(records_of_processing(tfp, as_of=AS_OF), "html")


def test_processing_on_behalf_gets_an_art_30_2_entry(aop: Policy) -> None:
    activity = ProcessingOnBehalf(
        id="hosted_web_services",
        controller="Customers of the web services",
        controller_contact="Each customer's own contact, per the customer agreement",
        description=Text(
            en="Storing and showing the planning data customers put into the web services.",
            sv="Lagring och visning av de planeringsdata kunderna lägger in i webbtjänsterna.",
        ),
        systems=("web_services",),
    )
    policy = attrs.evolve(aop, processing_on_behalf=(activity,))
    records = records_of_processing(policy, as_of=AS_OF)
    (entry,) = records.on_behalf
    assert "Processor: The Art Of Planning AB" in entry.parties.value
    assert "Controller: Customers of the web services" in entry.parties.value
    assert entry.transfers.status is FieldStatus.NOT_APPLICABLE
    assert "All logins to our web services are encrypted with TLS." in entry.security_measures.value
    table = list(csv.reader(io.StringIO(records_to_csv(records, RecordTable.ON_BEHALF))))
    assert table[0] == [
        "as_of",
        "id",
        "name",
        "a_processor_and_controller",
        "b_processing",
        "c_transfers",
        "d_security_measures",
    ]
    assert "Processing as processor (Art. 30(2))" in records_to_markdown(records)


def test_third_country_transfers_are_named(tfp: Policy) -> None:
    analytics = attrs.evolve(
        tfp.recipient("analytics_provider"),
        country="US",
        transfer_mechanism="scc_2021_914",
        transfer_assessment="TIA 2026-02",
    )
    policy = attrs.evolve(
        tfp,
        recipients=tuple(analytics if r.id == analytics.id else r for r in tfp.recipients),
    )
    activity = next(
        a
        for a in records_of_processing(policy, as_of=AS_OF).activities
        if a.id == "website_analytics"
    )
    assert activity.transfers.status is FieldStatus.PROVIDED
    assert (
        activity.transfers.value
        == "Google Ireland Limited (Google Analytics) (the United States): the European "
        "Commission's standard contractual clauses, Decision (EU) 2021/914 (Art. 46(2)(c)); "
        "documentation: TIA 2026-02"
    )
    notice = to_markdown(privacy_notice(policy, language="sv"))
    assert "Överföring utanför EU/EES: EU-kommissionens standardavtalsklausuler" in notice
    assert "Du kan få en kopia av dem genom att kontakta oss." in notice


def test_exemption_is_never_available_for_regular_processing(policy: Policy) -> None:
    check = art30_exemption(policy)
    assert not check.exempt
    assert any("regular, not occasional" in r for r in check.reasons)
    everything = [p.id for p in policy.purposes]
    assert not art30_exemption(policy, unlikely_to_result_in_risk=everything).exempt


def test_exemption_only_when_every_carve_out_is_absent(tfp: Policy) -> None:
    ids = [p.id for p in tfp.purposes]
    check = art30_exemption(tfp, occasional=ids, unlikely_to_result_in_risk=ids)
    assert check.exempt  # 12 employees, nothing regular, risky, Art. 9 or Art. 10
    big = attrs.evolve(tfp, organisation=attrs.evolve(tfp.organisation, headcount=250))
    assert not art30_exemption(big, occasional=ids, unlikely_to_result_in_risk=ids).exempt
    unknown = attrs.evolve(tfp, organisation=attrs.evolve(tfp.organisation, headcount=None))
    assert not art30_exemption(unknown, occasional=ids, unlikely_to_result_in_risk=ids).exempt


# -- mutation tests: notice and record come from the same objects (RET-14) -------------


def test_removing_a_recipient_removes_its_record_rows(aop: Policy) -> None:
    before = records_of_processing(aop, as_of=AS_OF)
    after = records_of_processing(without_recipient(aop, "payer"), as_of=AS_OF)
    assert "payer" in [r.id for r in before.recipients]
    assert "payer" not in [r.id for r in after.recipients]
    assert "Payer (www.payer.se)" in records_to_csv(before)
    for table in RecordTable:
        assert "Payer (www.payer.se)" not in records_to_csv(after, table)
    assert "Payer (www.payer.se)" not in records_to_markdown(after)


def test_changing_a_retention_rule_changes_notice_and_record_together(tfp: Policy) -> None:
    rule = RetentionRule(trigger="contract_end", period=Period(years=10), justification="Claims.")
    changed = with_purpose(tfp, "contract", retention=rule)
    for language, words in (
        ("en", "kept 10 years after the contract ends"),
        ("sv", "sparas 10 år efter att avtalet har upphört"),
    ):
        notice = to_markdown(privacy_notice(changed, language=language))
        record = records_of_processing(changed, as_of=AS_OF, language=language)
        contract = next(a for a in record.activities if a.id == "contract")
        assert words in notice
        assert words in contract.erasure_time_limits.value
        old = words.replace("10", "3")
        assert old not in notice
        assert old not in records_to_markdown(record)


def test_adding_a_special_category_adds_its_condition_to_the_record(tfp: Policy) -> None:
    contract = tfp.purpose("contract")
    changed = with_purpose(
        tfp,
        "contract",
        policy_changes={"categories": (*tfp.categories, BUILTIN_CATEGORIES["health"])},
        categories=(*contract.categories, "health"),
        special_condition="legal_claims",
    )
    before = next(
        a for a in records_of_processing(tfp, as_of=AS_OF).activities if a.id == "contract"
    )
    after = next(
        a for a in records_of_processing(changed, as_of=AS_OF).activities if a.id == "contract"
    )
    assert before.special_category_condition.status is FieldStatus.NOT_APPLICABLE
    assert after.special_category_condition.value == (
        "Health data: Art. 9(2)(f) (the establishment, exercise or defence of legal claims)"
    )
    assert "Health data" in after.personal_data.value
    sv = records_of_processing(changed, as_of=AS_OF, language="sv")
    assert "artikel 9.2 f" in records_to_markdown(sv)
