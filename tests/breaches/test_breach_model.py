"""The pure model: vocabularies, the storage form, the transition table and the exemption rule."""

import datetime as dt

import attrs
import pytest
from breach_helpers import CONSEQUENCES, FACTS, MEASURES, sthlm

from gdprkit.breaches import (
    TRANSITIONS,
    AuthorityRequest,
    Breach,
    BreachScope,
    BreachState,
    BreachType,
    Communication,
    Exemption,
    ExemptionRecord,
    NotificationDecision,
    NotificationItem,
    NotificationPhase,
    ProcessorNotice,
    RiskAssessment,
    encryption_exemption_problems,
    open_breach,
)
from gdprkit.errors import ConflictError, DeadlineError, InvalidInputError, NaiveDatetimeError

AWARE = sthlm("2026-03-02 10:00")


def _scope(**changes):
    values = {
        "systems": ["customer_register"],
        "purposes": ["contract"],
        "categories": ["name"],
        "subject_categories": ["customer"],
        "subjects": 2,
        "records": 3,
        "referenced": 0,
        "keys_in_scope": False,
        "computed_at": AWARE,
    }
    values.update(changes)
    return BreachScope(**values)


def _full():
    return Breach(
        id="2026-001",
        aware_at=AWARE,
        detected_at=AWARE - dt.timedelta(minutes=5),
        created_at=AWARE + dt.timedelta(minutes=1),
        occurred_at=AWARE - dt.timedelta(days=1),
        types=["integrity", "confidentiality"],
        facts=FACTS,
        measures=MEASURES,
        processor=ProcessorNotice(recipient_id="hosting_provider", notified_at=AWARE),
        scope=_scope(created_from=AWARE - dt.timedelta(days=30), created_until=AWARE),
        assessment=RiskAssessment(
            level="high_risk", consequences=CONSEQUENCES, reasoning="r", assessed_at=AWARE
        ),
        decision=NotificationDecision(notify=True, reasoning="r", decided_at=AWARE),
        phases=[
            NotificationPhase(
                number=1,
                submitted_at=AWARE + dt.timedelta(hours=80),
                items=["contact", "nature"],
                missing=["records", "subjects", "consequences", "measures"],
                late=True,
                delay_reason="weekend",
                language="sv",
                text_sha256="a" * 64,
            )
        ],
        communications=[
            Communication(communicated_at=AWARE, method="individual", texts={"sv": "b" * 64})
        ],
        exemptions=[ExemptionRecord(exemption="mitigated", reasoning="r", recorded_at=AWARE)],
        authority_requests=[
            AuthorityRequest(at=AWARE, requires_communication=False, reference="x")
        ],
        closed_at=AWARE + dt.timedelta(days=9),
        closing_note="done",
    )


def test_the_storage_form_round_trips():
    breach = _full()
    again = Breach.from_details(
        breach_id=breach.id,
        aware_at=breach.aware_at,
        created_at=breach.created_at,
        details=breach.to_details(),
    )
    assert again == breach
    assert again.digest() == breach.digest()
    assert breach.types == (BreachType.CONFIDENTIALITY, BreachType.INTEGRITY)
    assert breach.phases[0].items == (NotificationItem.NATURE, NotificationItem.CONTACT)
    assert breach.aware_at.tzinfo is dt.UTC


def test_an_unknown_format_is_refused():
    details = _full().to_details() | {"v": 99}
    with pytest.raises(ConflictError, match="unknown format version"):
        Breach.from_details(breach_id="x", aware_at=AWARE, created_at=AWARE, details=details)


def test_digest_changes_with_any_fact():
    breach = _full()
    assert attrs.evolve(breach, closing_note="other").digest() != breach.digest()


def test_provisions():
    assert [i.provision for i in NotificationItem] == [
        "33(3)(a)",
        "33(3)(a)",
        "33(3)(a)",
        "33(3)(b)",
        "33(3)(c)",
        "33(3)(d)",
    ]
    assert [e.provision for e in Exemption] == ["34(3)(a)", "34(3)(b)", "34(3)(c)"]


def test_the_transition_table_covers_every_state_and_closed_is_terminal():
    assert set(TRANSITIONS) == set(BreachState)
    assert TRANSITIONS[BreachState.CLOSED] == frozenset()
    for state, targets in TRANSITIONS.items():
        assert targets <= set(BreachState)
        if state is not BreachState.CLOSED:
            assert state in targets  # steps such as scope keep the state
    closable = {s for s, targets in TRANSITIONS.items() if BreachState.CLOSED in targets}
    assert closable == {BreachState.NOT_NOTIFIED, BreachState.NOTIFIED}


def test_a_late_phase_needs_reasons():
    with pytest.raises(DeadlineError, match=r"reasons for the delay \(Art\. 33\(1\)\)"):
        NotificationPhase(
            number=1,
            submitted_at=AWARE,
            items=[],
            missing=list(NotificationItem),
            late=True,
            delay_reason="  ",
            language="en",
            text_sha256="c" * 64,
        )


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"systems": []}, "at least one affected system"),
        ({"referenced": 4}, "more referenced records than records"),
        ({"records": -1}, "zero or more"),
        ({"created_from": AWARE, "created_until": AWARE}, "after created_from"),
    ],
)
def test_scope_values_are_checked(changes, match):
    with pytest.raises(InvalidInputError, match=match):
        _scope(**changes)


def test_naive_instants_are_refused_everywhere():
    with pytest.raises(NaiveDatetimeError):
        _scope(computed_at=dt.datetime(2026, 1, 1))  # noqa: DTZ001
    with pytest.raises(NaiveDatetimeError):
        open_breach(_full(), dt.datetime(2026, 1, 1))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({}, None),
        ({"referenced": 1}, "1 record(s) in scope are referenced"),
        ({"keys_in_scope": None}, "not declared whether"),
        ({"keys_in_scope": True}, "was within the breach"),
        ({"unencrypted_systems": ["website"]}, "encrypted at rest: website"),
    ],
)
def test_the_encryption_exemption_rule(changes, problem):
    breach = attrs.evolve(_full(), scope=_scope(**changes))
    problems = encryption_exemption_problems(breach)
    if problem is None:
        assert problems == ()
    else:
        assert len(problems) == 1
        assert problem in problems[0]
    assert encryption_exemption_problems(attrs.evolve(breach, scope=None)) != ()
