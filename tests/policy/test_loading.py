"""Loading policies from TOML and JSON: equal to Python-built ones; clear errors otherwise."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from policy_factory import policy

from gdprkit.errors import PolicyError, PolicyFileError
from gdprkit.policy import Policy, load_policy, loads_policy, policy_from_dict
from gdprkit.policy.serialize import unstructure

EXAMPLE = Path(__file__).parents[2] / "examples" / "true_fiction_production.toml"

MINIMAL_TOML = """
version = "1"
effective_date = 2026-01-01

[organisation]
legal_name = "Example AB"
organisation_number = "556000-0000"
country = "SE"
time_zone = "Europe/Stockholm"
contact = { name = "Example AB", email = "privacy@example.se" }
supervisory_authority = { name = "IMY" }

[[categories]]
id = "name"
[[categories]]
id = "email"
[[categories]]
id = "postal_address"
[[categories]]
id = "invoice_records"
[[categories]]
id = "online_identifiers"

[[subject_categories]]
id = "customer"
[[subject_categories]]
id = "website_visitor"

[[roles]]
id = "support"
label = "Support"
purposes = ["contract"]
[[roles]]
id = "finance"
label = "Finance"
purposes = ["contract", "bookkeeping"]
[[roles]]
id = "marketing"
label = "Marketing"
purposes = ["newsletter", "analytics"]

[[recipients]]
id = "host"
name = "Host AB"
role = "processor"
description = "Hosting."
country = "SE"
breach_contact = "security@host.example"
contract = { reference = "DPA 2026", documented_instructions = true, confidentiality = true, security_measures = true, subprocessor_conditions = true, assists_with_rights = true, assists_with_security = true, deletion_or_return = true, audits = true }

[[systems]]
id = "crm"
name = "CRM"
description = "Customer register."
hosted_by = ["host"]
security = { encryption = "Encrypted at rest and in transit.", confidentiality = "Need-to-know roles.", restore = "Daily backups, restore tested.", testing = "Yearly review.", encrypted_at_rest = true, transport = "TLS 1.3" }

[[purposes]]
id = "contract"
name = "Contract"
description = "Deliver the products the customer ordered and support them."
legal_basis = "contract"
categories = ["name", "email", "postal_address"]
subject_categories = ["customer"]
recipients = ["host"]
systems = ["crm"]
provision = "contractual"
consequence_of_not_providing = "We cannot deliver the order."
retention = { trigger = "contract_end", period = { years = 3 }, justification = "Claims period." }

[[purposes]]
id = "bookkeeping"
name = "Bookkeeping"
description = "Keep accounting records as the Bookkeeping Act requires."
legal_basis = "legal_obligation"
law_reference = "SFS 1999:1078 7 kap. 2 §"
categories = ["name", "postal_address", "invoice_records"]
subject_categories = ["customer"]
systems = ["crm"]
retention = { trigger = "financial_year_end", period = { years = 7 }, anchor = "end_of_calendar_year", law_reference = "SFS 1999:1078 7 kap. 2 §" }

[[purposes]]
id = "newsletter"
name = "Newsletter"
description = "E-mail news about our own similar products to customers."
legal_basis = "legitimate_interests"
legitimate_interest = "Telling customers about similar products."
balancing_test = "LIA-2026-01"
categories = ["name", "email"]
subject_categories = ["customer"]
systems = ["crm"]
direct_marketing = true
email_marketing = { basis = "existing_customer", obtained_in_sale = true, own_similar_products = true, opt_out_at_collection = true, opt_out_in_every_message = true }
retention = { trigger = "last_activity", period = { years = 2 }, justification = "Stale customers." }

[[purposes]]
id = "analytics"
name = "Analytics"
description = "Measure how visitors use the website, with their consent."
legal_basis = "consent"
categories = ["online_identifiers"]
subject_categories = ["website_visitor"]
systems = ["crm"]
retention = { trigger = "collected", period = { months = 14 }, justification = "Year on year." }
consent = { give_channels = ["web_form"], withdraw_channels = ["web_form"], text = "May we measure your visits? You can withdraw consent at any time." }

[[trackers]]
id = "session"
name = "sid"
provider = "Example AB"
purpose = "Keeps the session."
category = "strictly_necessary"
session = true
data_collected = "A random id."
"""


def test_toml_and_python_build_equal_policies() -> None:
    loaded = loads_policy(MINIMAL_TOML)
    built = policy()
    assert loaded == built
    assert loaded.content_hash == built.content_hash


def test_json_export_round_trips() -> None:
    original = load_policy(EXAMPLE)
    exported = original.to_json()
    assert json.loads(exported)["organisation"]["time_zone"] == "Europe/Stockholm"
    again = policy_from_dict(exported)
    assert again == original
    assert again.content_hash == original.content_hash


def test_unstructure_drops_none_and_renders_enums_and_dates() -> None:
    data = unstructure(policy())
    assert isinstance(data, dict)
    assert data["effective_date"] == "2026-01-01"
    assert data["purposes"][0]["legal_basis"] == "contract"
    assert "dpo" not in data["organisation"]


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "policy.toml"
    bad.write_text('version = "1"\neffective_date = \n', encoding="utf-8")
    with pytest.raises(PolicyFileError) as info:
        load_policy(bad)
    message = str(info.value)
    assert str(bad) in message
    assert "line 2" in message


def test_semantic_error_names_file_and_path(tmp_path: Path) -> None:
    broken = MINIMAL_TOML.replace(
        'law_reference = "SFS 1999:1078 7 kap. 2 §"\ncategories', "categories"
    )
    path = tmp_path / "policy.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert not isinstance(info.value, PolicyFileError)
    assert info.value.source == str(path)
    assert "purposes.bookkeeping.law_reference" in str(info.value)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("old", "new", "path", "fragment"),
    [
        (
            'legal_basis = "contract"',
            'legal_basis = "because"',
            "purposes.contract.legal_basis",
            "one of",
        ),
        (
            'country = "SE"\ntime_zone',
            "country = 46\ntime_zone",
            "organisation.country",
            "expected str",
        ),
        ("effective_date = 2026-01-01", 'effective_date = "soon"', "effective_date", "date"),
        (
            "direct_marketing = true",
            'direct_marketing = "yes"',
            "purposes.newsletter.direct_marketing",
            "bool",
        ),
        (
            'id = "support"\nlabel = "Support"',
            'id = "support"\nlabel = "Support"\ncolour = "red"',
            "roles.support.colour",
            "unknown key",
        ),
        (
            "period = { years = 3 }",
            "period = { years = 3, weeks = 2 }",
            "purposes.contract.retention.period.weeks",
            "unknown key",
        ),
        (
            "period = { years = 3 }",
            "period = { years = -3 }",
            "purposes.contract.retention.period.years",
            "zero or more",
        ),
        ('name = "Contract"\n', "", "purposes.contract.name", "required"),
        (
            '[[categories]]\nid = "name"',
            '[[categories]]\nid = "secret_sauce"',
            "categories.secret_sauce.label",
            "built-in",
        ),
        (
            'purposes = ["contract"]\n[[roles]]',
            'purposes = "contract"\n[[roles]]',
            "roles.support.purposes",
            "list",
        ),
    ],
)
def test_structural_errors_have_paths(old: str, new: str, path: str, fragment: str) -> None:
    assert old in MINIMAL_TOML
    with pytest.raises(PolicyError) as info:
        loads_policy(MINIMAL_TOML.replace(old, new, 1))
    matching = [p for p in info.value.problems if p.path == path]
    assert matching, [str(p) for p in info.value.problems]
    assert fragment in matching[0].message


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(PolicyFileError, match="cannot read"):
        load_policy(tmp_path / "absent.toml")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(PolicyFileError, match="UTF-8"):
        load_policy(binary)


def test_top_level_must_be_a_table() -> None:
    with pytest.raises(PolicyFileError, match="top level"):
        policy_from_dict("[1, 2]")
    with pytest.raises(PolicyFileError, match="JSON syntax error at line 1"):
        policy_from_dict("{nope")


def _mutations(data: Any) -> st.SearchStrategy[Any]:
    """Replace one leaf anywhere in the document with an arbitrary TOML-ish value."""
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.text(max_size=8),
        st.lists(st.text(max_size=4), max_size=3),
    )
    paths: list[tuple[Any, ...]] = []

    def walk(node: Any, prefix: tuple[Any, ...]) -> None:
        paths.append(prefix)
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*prefix, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*prefix, index))

    walk(data, ())
    return st.tuples(st.sampled_from(paths[1:]), leaves)


BASE = tomllib.loads(MINIMAL_TOML)


@settings(max_examples=300, deadline=None)
@given(_mutations(BASE))
def test_any_corruption_gives_a_policy_error_or_a_valid_policy(mutation: tuple[Any, Any]) -> None:
    path, value = mutation
    data = json.loads(json.dumps(BASE, default=str))
    data["effective_date"] = "2026-01-01"
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    problems: tuple[object, ...] = ()
    try:
        result: object = policy_from_dict(data)
    except PolicyError as exc:
        problems = tuple(exc.problems)
        result = None
    assert isinstance(result, Policy) or problems
    assert all(getattr(p, "path", "") for p in problems)
