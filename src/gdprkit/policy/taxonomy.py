"""Built-in data and subject categories, with English and Swedish labels.

A policy names the built-in categories it uses by id and adds its own. The flags
carry the law: ``health`` is a special category (Art. 9(1)); ``personal_identity_number``
is a national identity number, which Dataskyddslagen (2018:218) 3 kap. 10 § allows
only where clearly justified; ``criminal_offences`` is Art. 10 data.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from gdprkit.policy._fields import Text
from gdprkit.policy.model import DataCategory, SubjectCategory

__all__ = ["BUILTIN_CATEGORIES", "BUILTIN_SUBJECT_CATEGORIES"]


def _category(
    id_: str, en: str, sv: str, *, special: bool = False, national_id: bool = False
) -> DataCategory:
    return DataCategory(id=id_, label=Text(en=en, sv=sv), special=special, national_id=national_id)


_CATEGORIES = (
    _category("name", "Name", "Namn"),
    _category("email", "E-mail address", "E-postadress"),
    _category("phone", "Telephone number", "Telefonnummer"),
    _category("postal_address", "Postal address", "Postadress"),
    _category("company", "Company and job title", "Företag och befattning"),
    _category(
        "personal_identity_number",
        "Swedish personal identity number",
        "Personnummer",
        national_id=True,
    ),
    _category("date_of_birth", "Date of birth", "Födelsedatum"),
    _category("account_credentials", "Account credentials", "Inloggningsuppgifter"),
    _category("invoice_records", "Invoice and order records", "Faktura- och orderuppgifter"),
    _category("payment_records", "Payment records", "Betalningsuppgifter"),
    _category("licence_records", "Licence records", "Licensuppgifter"),
    _category(
        "online_identifiers",
        "Online identifiers such as cookie ids and IP addresses",
        "Onlineidentifierare som cookie-id och IP-adresser",
    ),
    _category("usage_data", "Usage and behaviour data", "Användnings- och beteendedata"),
    _category("support_content", "Support case content", "Innehåll i supportärenden"),
    _category("login_logs", "Login and security logs", "Inloggnings- och säkerhetsloggar"),
    _category("marketing_preferences", "Marketing preferences", "Val kring marknadsföring"),
    _category("health", "Health data", "Uppgifter om hälsa", special=True),
    DataCategory(
        id="criminal_offences",
        label=Text(
            en="Criminal convictions and offences",
            sv="Uppgifter om lagöverträdelser",
        ),
        criminal_offence=True,
    ),
)

BUILTIN_CATEGORIES: Mapping[str, DataCategory] = MappingProxyType({c.id: c for c in _CATEGORIES})
"""The built-in data categories by id."""

_SUBJECTS = (
    SubjectCategory(id="customer", label=Text(en="Customers", sv="Kunder")),
    SubjectCategory(id="prospect", label=Text(en="Prospective customers", sv="Potentiella kunder")),
    SubjectCategory(
        id="website_visitor", label=Text(en="Website visitors", sv="Besökare på webbplatsen")
    ),
    SubjectCategory(
        id="user", label=Text(en="Users of the web services", sv="Användare av webbtjänsterna")
    ),
    SubjectCategory(
        id="partner_contact",
        label=Text(en="Contact persons at partners", sv="Kontaktpersoner hos samarbetspartner"),
    ),
    SubjectCategory(id="employee", label=Text(en="Employees", sv="Anställda")),
)

BUILTIN_SUBJECT_CATEGORIES: Mapping[str, SubjectCategory] = MappingProxyType(
    {s.id: s for s in _SUBJECTS}
)
"""The built-in categories of data subjects by id."""
