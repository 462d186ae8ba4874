"""The consent ledger: proof, affirmative acts, withdrawal at once, per purpose (CON-01..09)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdprkit.clock import FixedClock
from gdprkit.consent import grant_in_force, is_permitted
from gdprkit.errors import AccessDenied, ConsentError, InvalidInputError
from gdprkit.service import PrivacyService
from gdprkit.storage.types import ConsentAction, ConsentEvent

from .conftest import START

ANALYTICS = "website_analytics"


def _visitor(service: PrivacyService) -> tuple[str, str]:
    """A visitor who consented to analytics; return (subject, record) ids."""
    subject = service.register_subject()
    text = service.consent.publish_wording(ANALYTICS)
    service.consent.grant(
        subject, ANALYTICS, text_hash=text, channel="web_form", mechanism="checkbox"
    )
    record = service.store_record(
        subject,
        {"online_identifiers": "cookie-id-1", "usage_data": "visited /pricing"},
        purposes=["website_functionality", ANALYTICS],
    )
    return subject, record


def test_grant_needs_a_published_wording_an_affirmative_act_and_a_declared_channel(
    service: PrivacyService,
) -> None:
    subject = service.register_subject()
    text = service.consent.publish_wording(ANALYTICS, language="sv")
    kwargs = {"text_hash": text, "channel": "web_form", "mechanism": "checkbox"}
    for change, message in (
        ({"mechanism": "pre-ticked"}, "affirmative"),
        ({"mechanism": "silence"}, "affirmative"),
        ({"channel": "phone"}, "declared: web_form"),
        ({"text_hash": "0" * 64}, "not published"),
    ):
        with pytest.raises(ConsentError, match=message):
            service.consent.grant(subject, ANALYTICS, **{**kwargs, **change})
    with pytest.raises(ConsentError, match="does not rest on consent"):
        service.consent.grant(subject, "contract", **kwargs)
    assert service.consent.history(subject) == []
    service.consent.grant(subject, ANALYTICS, **kwargs)
    proof = service.consent.proof(subject, ANALYTICS)
    assert proof is not None
    assert proof.text.language == "sv"
    assert "återkalla" in proof.text.text


def test_withdrawal_takes_effect_at_once_and_ends_only_that_purpose(
    service: PrivacyService, clock: FixedClock
) -> None:
    subject, record = _visitor(service)
    assert service.read(record, purpose=ANALYTICS, role="web_team", actor="a")
    clock.advance(dt.timedelta(hours=1))
    withdrawn = service.consent.withdraw(subject, ANALYTICS, channel="web_form")
    with pytest.raises(AccessDenied):
        service.read(record, purpose=ANALYTICS, role="web_team", actor="a")
    assert service.read(record, purpose="website_functionality", role="web_team", actor="a") == {
        "online_identifiers": "cookie-id-1"
    }
    report = service.engine.sweep()
    assert (report.links_ended, report.fields_removed) == (1, 1)
    stored = service.store.get_record(record)
    assert stored is not None
    assert sorted(stored.fields) == ["online_identifiers"]
    # History is kept: the grant still proves the earlier processing (CON-04).
    assert service.consent.is_permitted(subject, ANALYTICS, withdrawn.at - dt.timedelta(seconds=1))
    assert not service.consent.is_permitted(subject, ANALYTICS, withdrawn.at)
    actions = [e.action for e in service.consent.history(subject, ANALYTICS)]
    assert actions == [ConsentAction.GRANT, ConsentAction.WITHDRAW]
    (disposal,) = service.store.disposals_of_subject(subject)
    assert disposal.rule == "consent withdrawn (Art. 7(3))"


def test_withdrawing_without_consent_in_force_is_refused(service: PrivacyService) -> None:
    subject = service.register_subject()
    with pytest.raises(ConsentError, match="no consent"):
        service.consent.withdraw(subject, ANALYTICS, channel="web_form")


def test_consent_cannot_be_dated_in_the_future(service: PrivacyService) -> None:
    subject = service.register_subject()
    text = service.consent.publish_wording(ANALYTICS)
    with pytest.raises(InvalidInputError, match="future"):
        service.consent.grant(
            subject,
            ANALYTICS,
            text_hash=text,
            channel="web_form",
            mechanism="checkbox",
            at=START + dt.timedelta(minutes=1),
        )


@pytest.mark.parametrize(
    ("born", "needs_parent"),
    [(dt.date(2013, 2, 28), False), (dt.date(2013, 3, 1), True)],
)
def test_a_child_under_13_in_sweden_needs_a_parent(
    service: PrivacyService, clock: FixedClock, born: dt.date, needs_parent: bool
) -> None:
    # LEGAL.md CON-09: Swedish resident, consent on 2026-02-28.
    clock.set(dt.datetime(2026, 2, 28, 12, tzinfo=dt.UTC))
    subject = service.register_subject()
    text = service.consent.publish_wording(ANALYTICS)
    kwargs = {"text_hash": text, "channel": "web_form", "mechanism": "checkbox"}
    if needs_parent:
        with pytest.raises(ConsentError, match=r"Art\. 8\(1\)"):
            service.consent.grant(subject, ANALYTICS, birth_date=born, country="SE", **kwargs)
        event = service.consent.grant(
            subject,
            ANALYTICS,
            birth_date=born,
            country="SE",
            parental_authorisation={"method": "bankid", "reference": "sha256:ab12"},
            **kwargs,
        )
    else:
        event = service.consent.grant(subject, ANALYTICS, birth_date=born, country="SE", **kwargs)
    assert event.evidence["age_gate"]["parental_consent_required"] is needs_parent


T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _event(i: int, action: ConsentAction, minute: int) -> ConsentEvent:
    return ConsentEvent(
        id=f"e{i}",
        subject_id="s",
        purpose_id="p",
        action=action,
        at=T0 + dt.timedelta(minutes=minute),
        text_hash="h",
        channel="web_form",
        mechanism="checkbox",
    )


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(list(ConsentAction)), st.integers(0, 50)),
        max_size=12,
    ),
    st.integers(-1, 52),
)
def test_consent_history_answers_every_instant_consistently(
    steps: list[tuple[ConsentAction, int]], probe: int
) -> None:
    ordered = sorted(enumerate(steps), key=lambda item: (item[1][1], item[0]))
    events = [_event(i, action, minute) for i, (action, minute) in ordered]
    at = T0 + dt.timedelta(minutes=probe)
    # Model: the last event at or before the instant decides.
    last = [e for e in events if e.at <= at]
    expected = bool(last) and last[-1].action is ConsentAction.GRANT
    assert is_permitted(events, at) is expected
    grant = grant_in_force(events, at)
    assert (grant is not None) is expected
    if grant is not None:
        assert grant is last[-1]
    # A later withdrawal never changes an earlier answer (CON-04).
    withdrawal = _event(99, ConsentAction.WITHDRAW, 60)
    assert is_permitted([*events, withdrawal], at) is expected
