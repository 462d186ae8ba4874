"""BR-03: scope from the declarations and the store, counted without decrypting anything."""

import datetime as dt

import pytest
from breach_helpers import T0, register_breach, snapshot

from gdprkit.breaches import affected_purposes, authority_notification, to_markdown
from gdprkit.errors import InvalidInputError, NaiveDatetimeError, NotFoundError

NAIVE = dt.datetime(2026, 1, 1)  # noqa: DTZ001 - on purpose

# System -> the purposes of the example policy that declare it.
SYSTEM_PURPOSES = {
    ("customer_register",): ("contract", "bookkeeping", "email_marketing"),
    ("website",): ("contract", "website_functionality", "website_analytics"),
    ("website", "customer_register"): (
        "contract",
        "bookkeeping",
        "email_marketing",
        "website_functionality",
        "website_analytics",
    ),
}


@pytest.mark.parametrize("systems", list(SYSTEM_PURPOSES))
def test_purposes_come_from_the_declared_systems(tfp, systems):
    assert affected_purposes(tfp, systems) == SYSTEM_PURPOSES[systems]


@pytest.mark.parametrize("systems", list(SYSTEM_PURPOSES))
def test_scope_counts_equal_the_stores_actual_counts(setup, population, tfp, systems):
    register, _, _ = setup
    register_breach(register)
    breach = register.scope("2026-001", systems=systems, keys_in_scope=False, actor="dpo")
    scope = breach.scope
    purposes = SYSTEM_PURPOSES[systems]
    assert scope.purposes == purposes
    assert (scope.subjects, scope.records, scope.referenced) == population.expected(purposes)
    chosen = [tfp.purpose(p) for p in purposes]
    assert set(scope.categories) == {c for p in chosen for c in p.categories}
    assert set(scope.subject_categories) == {s for p in chosen for s in p.subject_categories}
    assert scope.systems == tuple(s.id for s in tfp.systems if s.id in systems)
    assert scope.unencrypted_systems == (("website",) if "website" in systems else ())
    assert scope.special_categories == ()
    assert register.get("2026-001").scope == scope


def test_customer_register_numbers_by_hand(setup):
    register, _, _ = setup
    register_breach(register)
    scope = register.scope("2026-001", systems=["customer_register"], actor="dpo").scope
    # live links to contract/bookkeeping/email_marketing: r1, r2 (s1), r3 (s2), r7 (s5, referenced),
    # r8 (s6); r4 and r9 only have ended links.
    assert (scope.subjects, scope.records, scope.referenced) == (4, 5, 1)
    assert scope.categories == (
        "name",
        "postal_address",
        "email",
        "phone",
        "invoice_records",
        "payment_records",
    )
    assert scope.subject_categories == ("customer",)


def test_a_time_window_counts_only_records_created_in_it(setup, population):
    register, _, _ = setup
    register_breach(register)
    start, end = T0 + dt.timedelta(hours=1), T0 + dt.timedelta(hours=6)
    breach = register.scope(
        "2026-001",
        systems=["website", "customer_register"],
        created_from=start,
        created_until=end,
        actor="dpo",
    )
    purposes = breach.scope.purposes
    expected = population.expected(purposes, created_from=start, created_until=end)
    assert (breach.scope.subjects, breach.scope.records, breach.scope.referenced) == expected
    assert expected == (4, 4, 1)  # r2, r3, r5 (referenced), r6
    assert breach.scope.created_from == start
    assert breach.scope.created_until == end


def test_the_window_and_counts_are_in_the_notification(setup, tfp):
    register, _, _ = setup
    register_breach(register)
    register.scope(
        "2026-001",
        systems=["customer_register"],
        created_until=T0 + dt.timedelta(hours=3),
        actor="dpo",
    )
    text = to_markdown(authority_notification(register.get("2026-001"), tfp))
    assert "Approximate number of people: 2." in text
    assert "Approximate number of personal data records: 3." in text
    assert "Systems affected: Customer and accounting register." in text
    assert "Counted among the records created before 10 January 2026 at 16:00" in text


def test_bad_scope_input_is_refused_and_changes_nothing(setup, store):
    register, _, _ = setup
    register_breach(register)
    before = snapshot(store)
    with pytest.raises(NotFoundError, match="no system with id 'mainframe'"):
        register.scope("2026-001", systems=["mainframe"], actor="dpo")
    with pytest.raises(InvalidInputError, match="at least one affected system"):
        register.scope("2026-001", systems=[], actor="dpo")
    with pytest.raises(NaiveDatetimeError):
        register.scope("2026-001", systems=["website"], created_from=NAIVE, actor="dpo")
    with pytest.raises(InvalidInputError, match="after created_from"):
        register.scope(
            "2026-001", systems=["website"], created_from=T0, created_until=T0, actor="dpo"
        )
    with pytest.raises(NotFoundError, match="no breach with id 'nope'"):
        register.scope("nope", systems=["website"], actor="dpo")
    assert snapshot(store) == before


def test_scope_counts_change_with_the_store_when_computed_again(setup, store):
    register, _, _ = setup
    register_breach(register)
    first = register.scope("2026-001", systems=["website"], actor="dpo").scope
    store.delete_record("r6")
    second = register.scope("2026-001", systems=["website"], actor="dpo").scope
    assert second.records == first.records - 1
    assert second.subjects == first.subjects - 1
