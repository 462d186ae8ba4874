"""The privacy notice: every required item, every language, layer and format (NOT-01..05)."""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

import attrs
import pytest
from document_helpers import LANGUAGES, with_purpose, without_recipient

from gdprkit.documents import (
    REQUIRED_PROVISIONS,
    DocumentFormat,
    DocumentKind,
    ItemStatus,
    Layer,
    missing_provisions,
    privacy_notice,
    publish,
    to_html,
    to_markdown,
)
from gdprkit.errors import DocumentError, GdprKitError, PolicyError
from gdprkit.policy import BUILTIN_CATEGORIES, Period, Policy, RetentionRule, Text, load_policy

FORMATS = (DocumentFormat.MARKDOWN, DocumentFormat.HTML, DocumentFormat.JSON)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("layer", list(Layer))
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_example_renders_in_every_language_layer_and_format(
    policy: Policy, language: str, layer: Layer, fmt: DocumentFormat
) -> None:
    published = publish(privacy_notice(policy, language=language, layer=layer), fmt)
    assert published.kind is DocumentKind.PRIVACY_NOTICE
    assert published.language == language
    assert published.layer is layer
    assert published.format is fmt
    assert published.policy_hash == policy.content_hash
    assert published.effective_date == policy.effective_date
    assert published.sha256 == hashlib.sha256(published.data).hexdigest()
    assert policy.organisation.legal_name in published.text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("layer", list(Layer))
def test_json_form_has_every_required_item(policy: Policy, language: str, layer: Layer) -> None:
    """A schema-style check over the JSON form: each provision given or excluded with reason."""
    data = json.loads(publish(privacy_notice(policy, language=language, layer=layer), "json").text)
    assert set(data) == {
        "coverage",
        "intro",
        "kind",
        "language",
        "layer",
        "organisation",
        "policy",
        "sections",
        "title",
    }
    assert data["policy"] == {
        "content_hash": policy.content_hash,
        "effective_date": policy.effective_date.isoformat(),
        "version": policy.version,
    }
    items = {i["id"]: i for s in data["sections"] for i in s["items"]}
    assert list(data["coverage"]) == list(REQUIRED_PROVISIONS)
    for provision, cover in data["coverage"].items():
        if cover["status"] == "provided":
            assert cover["items"], provision
            for item_id in cover["items"]:
                assert provision in items[item_id]["provisions"]
                assert items[item_id]["text"] or items[item_id]["points"]
        else:
            assert cover["status"] == "not_applicable"
            assert cover["reason"], provision
    for section in data["sections"]:
        assert set(section) == {"id", "items", "separate", "text", "title"}
        for item in section["items"]:
            assert set(item) == {"heading", "id", "points", "provisions", "status", "text"}


def test_both_examples_provide_the_core_items(policy: Policy) -> None:
    notice = privacy_notice(policy, language="sv")
    status = {c.provision: c.status for c in notice.coverage}
    for provision in ("13(1)(a)", "13(1)(c)", "13(1)(d)", "13(1)(e)", "13(2)(a)", "13(2)(b)"):
        assert status[provision] is ItemStatus.PROVIDED
    for provision in ("13(2)(c)", "13(2)(d)", "13(2)(e)", "13(2)(f)", "21(4)"):
        assert status[provision] is ItemStatus.PROVIDED
    assert status["13(1)(b)"] is ItemStatus.NOT_APPLICABLE  # no DPO declared
    assert status["13(1)(f)"] is ItemStatus.NOT_APPLICABLE  # everything stays in the EEA
    assert missing_provisions(notice) == ()


def test_objection_is_its_own_separate_section(policy: Policy) -> None:
    notice = privacy_notice(policy, language="en")
    objection = notice.section("objection")
    assert objection.separate
    text = to_markdown(notice)
    assert "this right is absolute (Art. 21(2) and 21(3))" in text
    assert "Every marketing e-mail we send has an unsubscribe link" in text
    assert '<section id="objection" class="separate">' in to_html(notice)


def test_no_objection_section_without_e_f_or_marketing(tfp: Policy) -> None:
    keep = {"contract", "bookkeeping", "website_analytics"}
    policy = attrs.evolve(
        tfp,
        purposes=tuple(p for p in tfp.purposes if p.id in keep),
        roles=tuple(
            attrs.evolve(r, purposes=tuple(x for x in r.purposes if x in keep))
            for r in tfp.roles
            if set(r.purposes) & keep
        ),
        categories=tuple(
            c
            for c in tfp.categories
            if any(c.id in p.categories for p in tfp.purposes if p.id in keep)
        ),
    )
    notice = privacy_notice(policy)
    with pytest.raises(KeyError):
        notice.section("objection")
    cover = {c.provision: c for c in notice.coverage}["21(4)"]
    assert cover.status is ItemStatus.NOT_APPLICABLE
    assert cover.reason


def test_bookkeeping_retention_in_plain_words(policy: Policy) -> None:
    en = to_markdown(privacy_notice(policy, language="en"))
    assert (
        "Bookkeeping: kept through 31 December of the seventh year after the end of the "
        "calendar year in which the financial year ended (Bokföringslagen 7 kap. 2 §); then "
        "the data is deleted." in en
    )


def test_a_missing_swedish_text_is_listed_not_silently_english(tfp: Policy) -> None:
    english_only = attrs.evolve(tfp.organisation, languages=("en",))
    policy = with_purpose(
        attrs.evolve(tfp, organisation=english_only),
        "contract",
        name=Text(en="Contract only in English"),
    )
    with pytest.raises(DocumentError) as caught:
        privacy_notice(policy, language="sv")
    assert isinstance(caught.value, PolicyError)
    assert isinstance(caught.value, ValueError)
    paths = [p.path for p in caught.value.problems]
    assert "purposes.contract.name" in paths
    assert "Contract only in English" not in str(caught.value)
    privacy_notice(policy, language="en")  # English is complete


def test_an_unsupported_language_is_refused(tfp: Policy) -> None:
    with pytest.raises(DocumentError):
        privacy_notice(tfp, language="de")


def test_csv_is_not_a_notice_format(tfp: Policy) -> None:
    with pytest.raises(DocumentError):
        publish(privacy_notice(tfp), "csv")


def test_html_escapes_every_policy_value(tfp: Policy) -> None:
    evil = "We deliver orders to customers <script>alert('x')</script> & <b>now</b>."
    policy = with_purpose(tfp, "contract", description=Text(en=evil, sv=evil))
    for language in LANGUAGES:
        notice = privacy_notice(policy, language=language)
        page = to_html(notice)
        assert "<script>" not in page
        assert html.escape(evil, quote=False) in page
        assert "<script>" not in to_markdown(notice)


def test_html_is_self_contained(policy: Policy) -> None:
    page = to_html(privacy_notice(policy, language="sv"))
    assert page.startswith('<!DOCTYPE html>\n<html lang="sv">')
    for external in ("<script", "<link", "src=", "@import", "url("):
        assert external not in page


@pytest.mark.parametrize("fmt", FORMATS)
def test_rendering_is_deterministic(policy: Policy, fmt: DocumentFormat) -> None:
    first = publish(privacy_notice(policy, language="sv"), fmt)
    second = publish(privacy_notice(policy, language="sv"), fmt)
    assert first.data == second.data
    assert first.sha256 == second.sha256
    assert first == second


def test_a_changed_policy_gets_a_new_version(tfp: Policy) -> None:
    changed = attrs.evolve(tfp, version="2026.2")
    before = publish(privacy_notice(tfp), "markdown")
    after = publish(privacy_notice(changed), "markdown")
    assert before.policy_hash != after.policy_hash
    assert before.sha256 != after.sha256
    assert "version 2026.2" in after.text


# -- mutation tests: the notice is generated, not templated ---------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_removing_a_recipient_removes_its_sentence(aop: Policy, language: str) -> None:
    before = to_markdown(privacy_notice(aop, language=language))
    after = to_markdown(privacy_notice(without_recipient(aop, "payer"), language=language))
    assert "### Payer (www.payer.se)" in before
    assert "Payer (www.payer.se)" not in after
    assert "E-mail delivery subcontractor" in after


def test_changing_a_retention_rule_changes_the_notice(tfp: Policy) -> None:
    rule = RetentionRule(trigger="contract_end", period=Period(years=10), justification="Claims.")
    changed = with_purpose(tfp, "contract", retention=rule)
    en = to_markdown(privacy_notice(changed, language="en"))
    sv = to_markdown(privacy_notice(changed, language="sv"))
    assert "kept 10 years after the contract ends" in en
    assert "kept 3 years after the contract ends" not in en
    assert "sparas 10 år efter att avtalet har upphört" in sv


def test_adding_a_special_category_adds_its_art9_condition(tfp: Policy) -> None:
    health = BUILTIN_CATEGORIES["health"]
    contract = tfp.purpose("contract")
    changed = with_purpose(
        tfp,
        "contract",
        policy_changes={"categories": (*tfp.categories, health)},
        categories=(*contract.categories, "health"),
        special_condition="legal_claims",
    )
    en = to_markdown(privacy_notice(changed, language="en"))
    sv = to_markdown(privacy_notice(changed, language="sv"))
    assert "Art. 9(2)(f)" not in to_markdown(privacy_notice(tfp, language="en"))
    assert (
        "Special categories of personal data: Health data, on the condition of the "
        "establishment, exercise or defence of legal claims (Art. 9(2)(f))" in en
    )
    assert "Känsliga personuppgifter: Uppgifter om hälsa, med stöd av" in sv
    assert "(artikel 9.2 f)" in sv
    assert "Health data (a special category of personal data, Art. 9(1))" in en


@pytest.mark.parametrize("layer", list(Layer))
def test_html_ids_are_unique(policy: Policy, layer: Layer) -> None:
    page = to_html(privacy_notice(policy, language="en", layer=layer))
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_unknown_format_is_a_gdprkit_error_naming_the_choices() -> None:
    policy = load_policy(Path(__file__).parents[2] / "examples" / "true_fiction_production.toml")
    with pytest.raises(GdprKitError, match="expected one of: markdown, html, json, csv"):
        publish(privacy_notice(policy), "md")
    assert DocumentFormat("markdown") is DocumentFormat.MARKDOWN
