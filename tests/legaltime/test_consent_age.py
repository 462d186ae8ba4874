"""Age of digital consent: LEGAL.md CON-09 and CON-10 (Art. 8(1), Dataskyddslagen 2 kap. 4 §)."""

import datetime as dt

import pytest
from conftest import organisation

from gdprkit.errors import PolicyError
from gdprkit.legaltime import DigitalConsentAges, age_on, parental_consent_required


@pytest.mark.parametrize(
    ("born", "needs_parent"),
    [(dt.date(2013, 2, 28), False), (dt.date(2013, 3, 1), True)],
)
def test_con_09_swedish_resident_consenting_on_2026_02_28(born, needs_parent):
    assert (
        parental_consent_required(birth_date=born, on=dt.date(2026, 2, 28), country="SE")
        is needs_parent
    )


def test_sweden_is_13_and_the_default_is_16():
    ages = DigitalConsentAges()
    assert ages.age_for("SE") == 13
    assert ages.age_for("se") == 13
    assert ages.age_for("DE") == 16
    # A 14-year-old living outside Sweden, in a country not configured, needs a parent.
    assert parental_consent_required(
        birth_date=dt.date(2012, 1, 1), on=dt.date(2026, 2, 28), country="NL"
    )


@pytest.mark.parametrize("age", [12, 17, 0])
def test_table_values_must_be_between_13_and_16(age):
    with pytest.raises(PolicyError):
        DigitalConsentAges(by_country={"FR": age})
    with pytest.raises(PolicyError):
        DigitalConsentAges().with_country("FR", age)
    with pytest.raises(PolicyError):
        DigitalConsentAges(default=age)


def test_configured_country():
    ages = DigitalConsentAges().with_country("fr", 15)
    assert ages.age_for("FR") == 15
    assert parental_consent_required(
        birth_date=dt.date(2011, 3, 1), on=dt.date(2026, 2, 28), country="FR", ages=ages
    )


def test_organisation_override_applies_to_its_country():
    org = organisation()
    assert DigitalConsentAges.for_organisation(org).age_for("SE") == 13
    import attrs  # noqa: PLC0415

    older = attrs.evolve(org, digital_consent_age=15)
    assert DigitalConsentAges.for_organisation(older).age_for("SE") == 15


@pytest.mark.parametrize(
    ("on", "age"),
    [
        # CON-10: a 29 February birthday is reached on 1 March in non-leap years.
        (dt.date(2025, 2, 28), 12),
        (dt.date(2025, 3, 1), 13),
        (dt.date(2024, 2, 28), 11),
        (dt.date(2024, 2, 29), 12),
    ],
)
def test_con_10_leap_day_birthday(on, age):
    assert age_on(dt.date(2012, 2, 29), on) == age


def test_con_10_is_more_conservative_than_dateutil():
    from dateutil.relativedelta import relativedelta  # noqa: PLC0415

    # LEGAL.md §9: dateutil counts 28 February as the birthday.
    assert relativedelta(dt.date(2025, 2, 28), dt.date(2012, 2, 29)).years == 13
    assert parental_consent_required(
        birth_date=dt.date(2012, 2, 29), on=dt.date(2025, 2, 28), country="SE"
    )
    assert not parental_consent_required(
        birth_date=dt.date(2012, 2, 29), on=dt.date(2025, 3, 1), country="SE"
    )


def test_age_before_birth_is_an_error():
    with pytest.raises(ValueError, match="before"):
        age_on(dt.date(2020, 1, 1), dt.date(2019, 1, 1))
