"""The cookie gate: strictly necessary runs always, everything else only on consent in force."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from gdprkit.consent.cookies import (
    CookieGate,
    consent_required,
    tracker_purposes,
    unmapped_trackers,
)
from gdprkit.errors import InvalidInputError, NotFoundError
from gdprkit.policy.model import Policy, Tracker
from gdprkit.policy.vocab import TrackerCategory
from gdprkit.service import PrivacyService


def _with_trackers(policy: Policy, *trackers: Tracker) -> Policy:
    return attrs.evolve(policy, trackers=(*policy.trackers, *trackers))


def _tracker(tracker_id: str, category: str, recipient: str | None = None) -> Tracker:
    return Tracker(
        id=tracker_id,
        name=f"_{tracker_id}",
        provider="True Fiction Production AB",
        purpose={"en": "Test.", "sv": "Test."},
        category=category,
        lifetime={"en": "1 month", "sv": "1 månad"},
        data_collected={"en": "An id.", "sv": "Ett id."},
        recipient=recipient,
    )


def _grant(service: PrivacyService, visitor: str) -> None:
    wording = service.consent.publish_wording("website_analytics")
    service.consent.grant(
        visitor, "website_analytics", text_hash=wording, channel="web_form", mechanism="button"
    )


def test_third_party_analytics_needs_consent_and_session_cookies_do_not(tfp_policy: Policy) -> None:
    trackers = {t.id: t for t in tfp_policy.trackers}
    assert consent_required(trackers["analytics"])
    assert not consent_required(trackers["session"])
    assert not consent_required(trackers["preferences"])
    assert tracker_purposes(tfp_policy, trackers["analytics"]) == ("website_analytics",)
    assert tracker_purposes(tfp_policy, trackers["session"]) == ()
    assert unmapped_trackers(tfp_policy) == ()


def test_no_consent_means_only_strictly_necessary_trackers(tfp: PrivacyService) -> None:
    gate = CookieGate(tfp.policy, tfp.consent)
    visitor = tfp.register_subject()
    for who in (None, visitor, "never-registered"):
        assert gate.allowed_trackers(who) == ("preferences", "session")
        assert not gate.allowed(who, "analytics")
        assert gate.allowed_category(who, "strictly_necessary")
        assert not gate.allowed_category(who, TrackerCategory.STATISTICS)
    assert gate.consent_required("analytics")
    assert gate.purposes("analytics") == ("website_analytics",)


def test_a_grant_opens_the_gate_and_a_withdrawal_closes_it_at_once(
    tfp: PrivacyService, clock
) -> None:
    gate = CookieGate(tfp.policy, tfp.consent)
    visitor = tfp.register_subject()
    _grant(tfp, visitor)
    granted_at = clock.now()
    assert gate.allowed(visitor, "analytics")
    assert gate.allowed_category(visitor, "statistics")
    assert gate.allowed_trackers(visitor) == ("analytics", "preferences", "session")
    assert not gate.allowed_category(visitor, "marketing")  # none declared, none asked for

    clock.advance(dt.timedelta(days=3))
    tfp.consent.withdraw(visitor, "website_analytics", channel="web_form")
    assert not gate.allowed(visitor, "analytics")
    assert gate.allowed(visitor, "analytics", at=granted_at + dt.timedelta(days=1))
    assert not gate.allowed(None, "analytics", at=granted_at + dt.timedelta(days=1))


def test_first_party_trackers_map_by_device_category_and_marketing_flag(
    tfp_policy: Policy,
) -> None:
    policy = _with_trackers(
        tfp_policy, _tracker("heatmap", "statistics"), _tracker("retarget", "marketing")
    )
    trackers = {t.id: t for t in policy.trackers}
    assert tracker_purposes(policy, trackers["heatmap"]) == ("website_analytics",)
    # No consent-based direct-marketing purpose declares device identifiers: never runs.
    assert tracker_purposes(policy, trackers["retarget"]) == ()
    assert unmapped_trackers(policy) == ("retarget",)

    class Everything:
        def is_permitted(self, subject_id, purpose_id, at=None):
            return bool(subject_id and purpose_id) and at is None

    gate = CookieGate(policy, Everything())
    assert gate.allowed("v", "heatmap")
    assert not gate.allowed("v", "retarget")
    assert not gate.allowed_category("v", "marketing")


def test_a_recipient_without_a_consent_purpose_never_runs(tfp_policy: Policy) -> None:
    policy = _with_trackers(
        tfp_policy, _tracker("pay", "preferences", recipient="payment_provider")
    )
    assert unmapped_trackers(policy) == ("pay",)


def test_unknown_trackers_and_categories_are_refused(tfp: PrivacyService) -> None:
    gate = CookieGate(tfp.policy, tfp.consent)
    with pytest.raises(NotFoundError, match="no tracker"):
        gate.allowed(None, "pixel")
    with pytest.raises(InvalidInputError, match="category must be one of"):
        gate.allowed_category(None, "tasty")
    with pytest.raises(InvalidInputError):
        gate.allowed(None, 42)  # type: ignore[arg-type]
    assert "analytics" in repr(gate)
