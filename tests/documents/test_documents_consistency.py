"""The policy and its documents agree: categories, recipients, systems and trackers."""

from __future__ import annotations

import datetime as dt

import pytest
from document_helpers import with_purpose

from gdprkit.documents import (
    check_consistency,
    cookie_notice,
    find_missing_mentions,
    privacy_notice,
    records_of_processing,
    records_to_markdown,
    to_markdown,
)
from gdprkit.errors import DocumentError
from gdprkit.policy import Policy


def test_both_examples_are_consistent(policy: Policy) -> None:
    assert check_consistency(policy) == ()
    assert check_consistency(policy, as_of=dt.date(2026, 6, 30)) == ()


def test_the_check_reads_the_rendered_texts(aop: Policy) -> None:
    notice = to_markdown(privacy_notice(aop, language="sv"))
    records = records_to_markdown(
        records_of_processing(aop, as_of=aop.effective_date, language="sv")
    )
    cookies = to_markdown(cookie_notice(aop, language="sv"))
    assert (
        find_missing_mentions(aop, language="sv", notice=notice, records=records, cookies=cookies)
        == ()
    )
    problems = find_missing_mentions(
        aop,
        language="sv",
        notice=notice.replace("Payer (www.payer.se)", "an external party"),
        records=records.replace("Websites", "the site"),
        cookies="",
    )
    assert {(p.path, p.rule) for p in problems} == {
        ("recipients.payer", "NOT-01"),
        ("systems.website", "ROPA-01"),
        ("trackers.session", "CON-14"),
    }


def test_a_document_error_is_reported_as_inconsistency(tfp: Policy) -> None:
    policy = with_purpose(tfp, "bookkeeping", systems=())
    problems = check_consistency(policy)
    assert [(p.path, p.rule) for p in problems] == [("purposes.bookkeeping.systems", "ROPA-01")]
    with pytest.raises(DocumentError):
        records_of_processing(policy, as_of=policy.effective_date)
    privacy_notice(policy)  # the notice itself does not need systems
