"""A new policy version: diff, preview, and nothing disposed until confirmed (RET-10)."""

from __future__ import annotations

import datetime as dt

import pytest

from gdprkit.clock import FixedClock
from gdprkit.errors import ConflictError
from gdprkit.policy.diff import Requirement, diff_policies
from gdprkit.policy.model import Policy
from gdprkit.policy.retention import Period
from gdprkit.service import PrivacyService

from .conftest import replace_purpose

CONTRACT_DUE = dt.datetime(2030, 6, 30, 22, 0, tzinfo=dt.UTC)
SHORT_DUE = dt.datetime(2028, 6, 30, 22, 0, tzinfo=dt.UTC)


def _shorter(policy: Policy) -> Policy:
    rule = policy.purpose("contract").retention
    assert rule is not None
    return replace_purpose(
        policy,
        "contract",
        retention=rule.__class__(
            trigger=rule.trigger,
            period=Period(years=1),
            justification=rule.justification,
            assumption=rule.assumption,
        ),
    )


def test_the_diff_says_what_changed_and_what_it_requires(tfp_policy: Policy) -> None:
    new = _shorter(tfp_policy)
    diff = diff_policies(tfp_policy, new)
    assert [c.path for c in diff.changes] == ["purposes[contract].retention"]
    assert Requirement.RECOMPUTE_LINKS in diff.requires
    assert Requirement.NEW_NOTICE in diff.requires
    assert diff.recompute_purposes == ("contract",)
    text = tfp_policy.purpose("website_analytics").consent
    assert text is not None
    reworded = replace_purpose(
        tfp_policy,
        "website_analytics",
        consent=text.__class__(
            give_channels=text.give_channels,
            withdraw_channels=text.withdraw_channels,
            text={
                "en": "New words. You can withdraw your consent at any time in the cookie settings.",
                "sv": "Nya ord. Du kan återkalla ditt samtycke när som helst i cookieinställningarna.",
            },
        ),
    )
    assert Requirement.NEW_CONSENT in diff_policies(tfp_policy, reworded).requires
    assert diff_policies(tfp_policy, tfp_policy).changes == ()


def test_a_shorter_period_is_previewed_and_disposes_nothing_until_confirmed(
    service: PrivacyService, clock: FixedClock, tfp_policy: Policy
) -> None:
    subject = service.register_subject()
    record = service.store_record(
        subject,
        {"name": "Ada", "email": "a@x"},
        purposes=["contract"],
        triggers={"contract_end": dt.date(2027, 6, 30)},
    )
    other = service.store_record(subject, {"name": "Bo"}, purposes=["contract"])
    clock.set(dt.datetime(2029, 1, 1, tzinfo=dt.UTC))
    new = _shorter(tfp_policy)

    preview = service.preview_policy(new)
    assert (preview.rescheduled, preview.due_at_once) == (1, 1)
    (item,) = preview.items
    assert (item.record_id, item.old_eligible_from, item.new_eligible_from) == (
        record,
        CONTRACT_DUE,
        SHORT_DUE,
    )
    # Nothing changes before confirmation: a sweep still follows the stored dates.
    assert service.engine.sweep().links_ended == 0
    assert service.store.get_record(record) is not None
    with pytest.raises(ConflictError, match="preview it again"):
        service.apply_policy(new, confirm="0" * 32, actor="dpo")
    assert service.store.get_link(record, "contract").eligible_from == CONTRACT_DUE  # type: ignore[union-attr]

    assert service.apply_policy(new, confirm=preview.token, actor="dpo") == 1
    assert service.policy is new
    assert service.store.get_link(record, "contract").eligible_from == SHORT_DUE  # type: ignore[union-attr]
    assert service.engine.sweep().records_disposed == 1
    assert service.store.get_record(other) is not None  # still awaiting its trigger
    (entry,) = [e for e in service.store.audit_entries() if e.action == "policy.applied"]
    assert entry.details["due_at_once"] == 1


def test_a_stale_preview_is_refused(
    service: PrivacyService, clock: FixedClock, tfp_policy: Policy
) -> None:
    subject = service.register_subject()
    service.store_record(
        subject,
        {"name": "Ada"},
        purposes=["contract"],
        triggers={"contract_end": dt.date(2027, 6, 30)},
    )
    clock.set(dt.datetime(2028, 1, 1, tzinfo=dt.UTC))
    new = _shorter(tfp_policy)
    preview = service.preview_policy(new)
    assert preview.due_at_once == 0
    clock.set(dt.datetime(2029, 1, 1, tzinfo=dt.UTC))  # now the shorter rule bites
    with pytest.raises(ConflictError):
        service.apply_policy(new, confirm=preview.token, actor="dpo")
