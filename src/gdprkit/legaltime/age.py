"""The age of digital consent (Art. 8(1); LEGAL.md CON-09, CON-10).

Where an information-society service is offered directly to a child and relies on
consent, the child's own consent counts from the age of 16, or the lower age a member
state sets, never below 13. The age applies by the child's country of residence:
Sweden sets 13 for "barn som bor i Sverige" (Dataskyddslagen (2018:218) 2 kap. 4 §).

gdprkit ships only the Swedish value, which LEGAL.md verified; every other country
takes the GDPR default of 16 unless configured. That errs on the side of asking for
parental consent.

A child born on 29 February reaches an age on 1 March in a year without 29 February
(CON-10). This is the conservative reading: parental consent is needed one day
longer than under :mod:`dateutil`'s 28 February convention.
"""

from __future__ import annotations

import calendar
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from gdprkit.errors import PolicyError, Problem

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping

    from gdprkit.policy.model import Organisation

__all__ = [
    "GDPR_DEFAULT_CONSENT_AGE",
    "MINIMUM_CONSENT_AGE",
    "DigitalConsentAges",
    "age_on",
    "parental_consent_required",
]

GDPR_DEFAULT_CONSENT_AGE = 16
"""Art. 8(1) first subparagraph: the age from which a child's own consent counts."""

MINIMUM_CONSENT_AGE = 13
"""Art. 8(1) second subparagraph: member states may not set an age below 13."""


def _check_age(path: str, age: int) -> None:
    if isinstance(age, bool) or not isinstance(age, int):
        raise PolicyError(Problem(path=path, message="must be a whole number", rule="CON-09"))
    if not MINIMUM_CONSENT_AGE <= age <= GDPR_DEFAULT_CONSENT_AGE:
        msg = f"must be between {MINIMUM_CONSENT_AGE} and {GDPR_DEFAULT_CONSENT_AGE} (Art. 8(1))"
        raise PolicyError(Problem(path=path, message=msg, rule="CON-09"))


def _to_table(value: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType({country.upper(): age for country, age in value.items()})


def _check_table(instance: object, attribute: Any, value: Mapping[str, int]) -> None:  # noqa: ARG001, ANN401
    for country, age in value.items():
        _check_age(f"DigitalConsentAges.by_country.{country}", age)


def _check_default(instance: object, attribute: Any, value: int) -> None:  # noqa: ARG001, ANN401
    _check_age("DigitalConsentAges.default", value)


@attrs.frozen(kw_only=True)
class DigitalConsentAges:
    """The age of digital consent per country of residence (Art. 8(1)).

    Attributes:
        by_country: ISO 3166-1 alpha-2 code to age; each between 13 and 16.
            By default only Sweden (13, Dataskyddslagen 2 kap. 4 §).
        default: The age for countries not in the table: the GDPR's 16.
    """

    by_country: Mapping[str, int] = attrs.field(
        factory=lambda: {"SE": 13}, converter=_to_table, validator=_check_table
    )
    default: int = attrs.field(default=GDPR_DEFAULT_CONSENT_AGE, validator=_check_default)

    def age_for(self, country: str) -> int:
        """Return the age of digital consent for a child living in *country*."""
        return self.by_country.get(country.upper(), self.default)

    def with_country(self, country: str, age: int) -> DigitalConsentAges:
        """Return a copy with *country* set to *age* (checked to be 13-16)."""
        return attrs.evolve(self, by_country={**self.by_country, country.upper(): age})

    @classmethod
    def for_organisation(cls, organisation: Organisation) -> DigitalConsentAges:
        """The default table, with the organisation's declared age for its own country.

        ``Organisation.digital_consent_age`` overrides the table for
        ``Organisation.country``; ``None`` keeps the built-in value.
        """
        table = cls()
        if organisation.digital_consent_age is None:
            return table
        return table.with_country(organisation.country, organisation.digital_consent_age)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Return the age in whole years of a person born on *birth_date*, on *day*.

    Someone born on 29 February turns a year older on 1 March in a year without
    29 February (CON-10, conservative).
    """
    if day < birth_date:
        raise ValueError("the day is before the birth date")
    years = day.year - birth_date.year
    month, dom = birth_date.month, birth_date.day
    if (month, dom) == (2, 29) and not calendar.isleap(day.year):
        month, dom = 3, 1
    if (day.month, day.day) < (month, dom):
        years -= 1
    return years


def parental_consent_required(
    *,
    birth_date: dt.date,
    on: dt.date,
    country: str,
    ages: DigitalConsentAges | None = None,
) -> bool:
    """Return whether a child's consent on *on* needs a parent's (Art. 8(1); CON-09).

    Args:
        birth_date: The child's date of birth.
        on: The date consent is given (in the organisation's time zone).
        country: The child's country of residence (ISO 3166-1 alpha-2).
        ages: The table to use; the built-in one by default.
    """
    table = ages if ages is not None else DigitalConsentAges()
    return age_on(birth_date, on) < table.age_for(country)
