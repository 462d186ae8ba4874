"""The clock and phase state machine under random sequences of steps (hypothesis).

Whatever the order of steps and however the clock moves: a refused step changes nothing,
an accepted one writes exactly one audit entry and moves only along ``TRANSITIONS``; a
late initial notification always carries reasons; the state always matches the facts;
a closed breach never changes; and the audit chain verifies at the end.
"""

import datetime as dt

from breach_helpers import (
    CONSEQUENCES,
    FACTS,
    MEASURES,
    make_register,
    policy,
    populate,
    snapshot,
    sthlm,
)
from hypothesis import event, given, settings
from hypothesis import strategies as st

from gdprkit.breaches import (
    TRANSITIONS,
    BreachState,
    CommunicationMethod,
    Exemption,
    NotificationItem,
    RiskLevel,
    available_items,
)
from gdprkit.errors import ConflictError, DeadlineError, GdprKitError
from gdprkit.storage.memory import MemoryStore

AWARE = sthlm("2026-10-23 09:10")  # across the autumn clock change
POLICY = policy()

steps = st.one_of(
    st.tuples(st.just("advance"), st.integers(min_value=0, max_value=50)),
    st.tuples(st.just("assess"), st.sampled_from(list(RiskLevel))),
    st.tuples(
        st.just("scope"),
        st.sampled_from([None, False, True]),
        st.sampled_from([("customer_register",), ("website",)]),
    ),
    st.tuples(st.just("measures")),
    st.tuples(st.just("decide"), st.booleans()),
    st.tuples(st.just("notify"), st.booleans()),
    st.tuples(st.just("communicate"), st.sampled_from(list(CommunicationMethod))),
    st.tuples(st.just("exempt"), st.sampled_from(list(Exemption))),
    st.tuples(st.just("authority"), st.booleans()),
    st.tuples(st.just("close")),
)


STEPS = {
    "assess": lambda r, risk: r.assess(
        "b", risk=risk, consequences=CONSEQUENCES, reasoning="r", actor="t"
    ),
    "scope": lambda r, keys, systems: r.scope("b", systems=systems, keys_in_scope=keys, actor="t"),
    "measures": lambda r: r.record_measures("b", measures=MEASURES, actor="t"),
    "decide": lambda r, notify: r.decide("b", notify=notify, reasoning="r", actor="t"),
    "notify": lambda r, reason: (
        r.notify_authority("b", actor="t", delay_reason="the reasons" if reason else None).breach
    ),
    "communicate": lambda r, method: r.communicate("b", actor="t", method=method).breach,
    "exempt": lambda r, kind: r.claim_exemption("b", exemption=kind, reasoning="r", actor="t"),
    "authority": lambda r, required: r.record_authority_request(
        "b", requires_communication=required, actor="t"
    ),
    "close": lambda r: r.close("b", actor="t"),
}


def _expected_refusal(before, step, now):
    """The refusals the law requires, whatever else the register checks."""
    name, *args = step
    refusals = {
        ConflictError: (
            before.state is BreachState.CLOSED,
            name == "decide" and (before.assessment is None or bool(before.phases)),
            name == "decide" and not args[0] and before.risk is not RiskLevel.NONE,
            name == "notify" and (before.decision is None or not before.decision.notify),
            name == "exempt" and before.risk is not RiskLevel.HIGH_RISK,
            name == "close" and bool(before.close_problems()),
        ),
        DeadlineError: (
            name == "notify" and not before.phases and now > before.notify_by and not args[0],
        ),
    }
    return next((error for error, cases in refusals.items() if any(cases)), None)


def _check(store, register, before, after, entries_before):
    assert after == register.get("b")
    assert after.state in TRANSITIONS[before.state], (before.state, after.state)
    assert len(store.audit_entries()) == entries_before + 1  # one entry per step
    assert store.get_breach("b").state == after.state.value
    if after.phases:
        first = after.phases[0]
        assert first.late is (first.submitted_at > after.notify_by)
        assert not first.late or first.delay_reason
        assert after.phases[-1].missing == after.missing_items
        if after.state is not BreachState.CLOSED:
            assert (after.state is BreachState.NOTIFIED) is (not after.missing_items)
        if len(after.phases) > len(before.phases):
            assert set(after.phases[-1].items) == set(available_items(before, POLICY))
    else:
        assert after.missing_items == tuple(NotificationItem)
    if after.state is BreachState.CLOSED:
        assert after.close_problems() == ()


# Paths through the law, so random sequences start from every state, not only "open".
PATHS = [
    [
        ("assess", RiskLevel.HIGH_RISK),
        ("scope", False, ("customer_register",)),
        ("decide", True),
        ("advance", 40),
        ("notify", False),
        ("measures",),
        ("notify", False),
        ("communicate", CommunicationMethod.INDIVIDUAL),
        ("close",),
    ],
    [
        ("assess", RiskLevel.NONE),
        ("measures",),
        ("decide", False),
        ("close",),
    ],
    [
        ("measures",),
        ("assess", RiskLevel.RISK),
        ("decide", True),
        ("advance", 80),
        ("notify", True),
        ("scope", None, ("website",)),
        ("notify", False),
    ],
]


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(PATHS),
    st.integers(min_value=0, max_value=9),
    st.lists(steps, max_size=20),
)
def test_random_steps_keep_the_state_machine(path, taken, tail):
    sequence = path[:taken] + tail
    store = MemoryStore()
    populate(store)
    register, clock, audit = make_register(store, at=AWARE, the_policy=POLICY)
    register.register(
        "b", aware_at=AWARE, detected_at=AWARE, facts=FACTS, types=["confidentiality"], actor="t"
    )
    for step in sequence:
        if step[0] == "advance":
            clock.advance(dt.timedelta(hours=step[1]))
            continue
        before = register.get("b")
        stored_before = snapshot(store)
        expected = _expected_refusal(before, step, clock.now())
        refused = None
        try:
            after = STEPS[step[0]](register, *step[1:])
        except GdprKitError as exc:
            refused = exc
        if refused is not None:
            assert expected is None or isinstance(refused, expected), (step, refused)
            assert snapshot(store) == stored_before
            event(f"refused {step[0]}")
            continue
        assert expected is None, (step, before.state)
        _check(store, register, before, after, len(stored_before[1]))
        event(f"reached {after.state.value}")
    audit.verify()
