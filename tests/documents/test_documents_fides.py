"""The fideslang export, validated with the fideslang package itself (a test-only dependency)."""

from __future__ import annotations

import json
from typing import Any

import attrs
import fideslang
import pytest
from document_helpers import with_purpose
from fideslang import models

from gdprkit.documents.fides import (
    CATEGORY_KEYS,
    LEGAL_BASIS,
    SPECIAL_CATEGORY_LEGAL_BASIS,
    SUBJECT_KEYS,
    TRANSFER_BASIS,
    fideslang_json,
    fideslang_systems,
)
from gdprkit.errors import DocumentError
from gdprkit.policy import BUILTIN_CATEGORIES, DataCategory, Policy, Text

TAXONOMY = fideslang.DEFAULT_TAXONOMY
CATEGORIES = {c.fides_key for c in TAXONOMY.data_category}
USES = {u.fides_key for u in TAXONOMY.data_use}
SUBJECTS = {s.fides_key for s in TAXONOMY.data_subject}


def declarations(policy: Policy, **kwargs: Any) -> dict[str, dict[str, Any]]:
    return {
        d["name"]: d for s in fideslang_systems(policy, **kwargs) for d in s["privacy_declarations"]
    }


def test_the_mapping_tables_use_fideslang_spellings() -> None:
    assert {v for keys in CATEGORY_KEYS.values() for v in keys} <= CATEGORIES
    assert set(CATEGORY_KEYS) == set(BUILTIN_CATEGORIES)
    assert set(SUBJECT_KEYS.values()) <= SUBJECTS
    assert set(LEGAL_BASIS.values()) == {e.value for e in models.LegalBasisForProcessingEnum}
    assert set(SPECIAL_CATEGORY_LEGAL_BASIS.values()) == {
        e.value for e in models.SpecialCategoryLegalBasisEnum
    }
    assert set(TRANSFER_BASIS.values()) <= {e.value for e in models.LegalBasisForTransfersEnum}


def test_every_system_validates_as_a_fideslang_system(policy: Policy) -> None:
    systems = fideslang_systems(policy)
    assert [s["fides_key"] for s in systems] == [s.id for s in policy.systems]
    for manifest in systems:
        system = models.System.model_validate(manifest)
        assert system.privacy_declarations
        for declaration in system.privacy_declarations:
            assert set(declaration.data_categories) <= CATEGORIES
            assert declaration.data_use in USES
            assert set(declaration.data_subjects) <= SUBJECTS
            assert declaration.retention_period
    data = json.loads(fideslang_json(policy))
    assert data == {"system": systems}


def test_true_fiction_production_declarations(tfp: Policy) -> None:
    found = declarations(tfp)
    bookkeeping = found["Bookkeeping"]
    assert bookkeeping["data_use"] == "essential.legal_obligation"
    assert bookkeeping["legal_basis_for_processing"] == "Legal obligations"
    assert bookkeeping["retention_period"] == (
        "kept through 31 December of the seventh year after the end of the calendar year in "
        "which the financial year ended (Bokföringslagen 7 kap. 2 §); then the data is deleted"
    )
    assert found["News about our services by e-mail"]["data_use"] == (
        "marketing.communications.email"
    )
    analytics = found["Website analytics"]
    assert analytics["data_use"] == "analytics"
    assert analytics["legal_basis_for_processing"] == "Consent"
    assert analytics["data_subjects"] == ["visitor"]
    assert "user.device.cookie_id" in analytics["data_categories"]
    contract = found["Providing and performing our contract"]
    assert contract["data_categories"] == [
        "user.contact.address",
        "user.contact.email",
        "user.contact.phone_number",
        "user.name",
    ]
    assert contract["data_shared_with_third_parties"] is True
    assert contract["third_parties"] == "Payment service provider"


def test_the_art_of_planning_declarations(aop: Policy) -> None:
    found = declarations(aop)
    assert found["Invoicing and payment"]["data_use"] == "essential.service.payment_processing"
    login = found["Logging in to our web services"]
    assert login["data_use"] == "essential.service.authentication"
    assert "user.authorization.credentials" in login["data_categories"]
    assert found["Security of logins"]["data_use"] == "essential.service.security"
    assert found["Support cases"]["data_use"] == "essential.service.operations.support"
    assert found["Offers together with our partners"]["legal_basis_for_processing"] == "Consent"


def test_special_category_and_transfer(tfp: Policy) -> None:
    contract = tfp.purpose("contract")
    analytics = attrs.evolve(
        tfp.recipient("analytics_provider"),
        country="US",
        transfer_mechanism="scc_2021_914",
        transfer_assessment="TIA 2026-02",
    )
    changed = with_purpose(
        tfp,
        "contract",
        policy_changes={
            "categories": (*tfp.categories, BUILTIN_CATEGORIES["health"]),
            "recipients": tuple(analytics if r.id == analytics.id else r for r in tfp.recipients),
        },
        categories=(*contract.categories, "health"),
        special_condition="legal_claims",
    )
    found = declarations(changed)["Providing and performing our contract"]
    assert found["processes_special_category_data"] is True
    assert found["special_category_legal_basis"] == "Legal claims or judicial acts"
    assert "user.health_and_medical" in found["data_categories"]
    website = next(s for s in fideslang_systems(changed) if s["fides_key"] == "website")
    assert website["does_international_transfers"] is True
    assert website["legal_basis_for_transfers"] == ["SCCs"]
    for manifest in fideslang_systems(changed):
        models.System.model_validate(manifest)


def test_an_unmapped_category_is_an_error_not_a_guess(tfp: Policy) -> None:
    own = DataCategory(id="shoe_size", label=Text(en="Shoe size", sv="Skostorlek"))
    contract = tfp.purpose("contract")
    changed = with_purpose(
        tfp,
        "contract",
        policy_changes={"categories": (*tfp.categories, own)},
        categories=(*contract.categories, "shoe_size"),
    )
    with pytest.raises(DocumentError) as caught:
        fideslang_systems(changed)
    assert [p.path for p in caught.value.problems] == ["categories.shoe_size"]
    mapped = declarations(changed, category_keys={"shoe_size": ("user.demographic",)})
    assert "user.demographic" in mapped["Providing and performing our contract"]["data_categories"]


def test_data_use_can_be_overridden(tfp: Policy) -> None:
    found = declarations(tfp, data_uses={"website_functionality": "functional.service"})
    assert found["Making the website work"]["data_use"] == "functional.service"
