"""Check that the policy and the documents generated from it tell the same story.

Every collected category must have a purpose, a retention rule or criteria, and appear
in the notice; every recipient and system must appear in both the notice and the
Art. 30 record; every tracker in the cookie notice (LEGAL.md NOT-01, ROPA-01, RET-14,
CON-14). The check renders the documents in every language the organisation writes
and reads them back, so it tests the real output, not the intention.
"""

from __future__ import annotations

import datetime as dt
import html

from gdprkit.documents._common import LANGUAGES
from gdprkit.documents.cookies import cookie_notice
from gdprkit.documents.notice import privacy_notice
from gdprkit.documents.records import records_of_processing, records_to_markdown
from gdprkit.documents.render import to_markdown
from gdprkit.errors import DocumentError, Problem
from gdprkit.policy.model import Policy

__all__ = ["check_consistency", "find_missing_mentions"]


def _mentions(text: str, name: str) -> bool:
    # Markdown output escapes &, < and > in policy values.
    return name in text or html.escape(name, quote=False) in text


def find_missing_mentions(
    policy: Policy, *, language: str, notice: str, records: str, cookies: str
) -> tuple[Problem, ...]:
    """Return what rendered texts fail to mention: categories, recipients, systems, trackers.

    Args:
        policy: The policy the texts were generated from.
        language: The language they are in.
        notice: The privacy notice, rendered.
        records: The record of processing activities, rendered.
        cookies: The cookie notice, rendered.
    """
    problems: list[Problem] = []
    for category in policy.categories:
        if not _mentions(notice, category.label.get(language)):
            msg = f"the {language} notice does not name this category (Art. 13, 14(1)(d))"
            problems.append(Problem(path=f"categories.{category.id}", message=msg, rule="NOT-01"))
    for what, items in (("recipients", policy.recipients), ("systems", policy.systems)):
        for item in items:
            if not _mentions(notice, item.name):
                msg = f"the {language} notice does not name it"
                problems.append(Problem(path=f"{what}.{item.id}", message=msg, rule="NOT-01"))
            if not _mentions(records, item.name):
                msg = f"the {language} record of processing does not name it"
                problems.append(Problem(path=f"{what}.{item.id}", message=msg, rule="ROPA-01"))
    for tracker in policy.trackers:
        if not _mentions(cookies, tracker.name):
            msg = f"the {language} cookie notice does not name it"
            problems.append(Problem(path=f"trackers.{tracker.id}", message=msg, rule="CON-14"))
    return tuple(problems)


def check_consistency(policy: Policy, *, as_of: dt.date | None = None) -> tuple[Problem, ...]:
    """Return every inconsistency between the policy and its documents; empty when none.

    Args:
        policy: The policy.
        as_of: The date of the record snapshot; the policy's effective date by default.
    """
    problems: list[Problem] = []
    for category in policy.categories:
        purposes = list(policy.purposes_using(category.id))
        if not purposes:
            msg = "collected but no purpose declares it (Art. 5(1)(b),(c))"
            problems.append(Problem(path=f"categories.{category.id}", message=msg, rule="REG-04"))
        for purpose in purposes:
            if purpose.retention is None and purpose.retention_criteria is None:
                msg = f"purpose {purpose.id!r} keeps it with no retention rule or criteria"
                path = f"categories.{category.id}"
                problems.append(Problem(path=path, message=msg, rule="RET-14"))
    snapshot = as_of or policy.effective_date
    for language in (lang for lang in policy.organisation.languages if lang in LANGUAGES):
        try:
            notice = to_markdown(privacy_notice(policy, language=language))
            records = records_to_markdown(
                records_of_processing(policy, as_of=snapshot, language=language)
            )
            cookies = to_markdown(cookie_notice(policy, language=language))
        except DocumentError as error:
            problems.extend(error.problems)
            continue
        problems.extend(
            find_missing_mentions(
                policy, language=language, notice=notice, records=records, cookies=cookies
            )
        )
    return tuple(sorted(set(problems)))
