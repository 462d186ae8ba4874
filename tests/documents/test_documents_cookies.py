"""The cookie notice: the PTS information list per tracker, groups kept apart (CON-14, NOT-06)."""

from __future__ import annotations

import attrs
import pytest
from document_helpers import LANGUAGES

from gdprkit.documents import DocumentKind, cookie_notice, publish, to_markdown
from gdprkit.errors import DocumentError
from gdprkit.policy import Policy, Text, Tracker

FACTS = {
    "en": ("Purpose: ", "Set by: ", "Type: ", "Lifetime: ", "Information collected: ", "Consent: "),
    "sv": (
        "Ändamål: ",
        "Sätts av: ",
        "Typ: ",
        "Lagringstid: ",
        "Information som samlas in: ",
        "Samtycke: ",
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("fmt", ["markdown", "html", "json"])
def test_both_examples_render(policy: Policy, language: str, fmt: str) -> None:
    published = publish(cookie_notice(policy, language=language), fmt)
    assert published.kind is DocumentKind.COOKIE_NOTICE
    for tracker in policy.trackers:
        assert tracker.name in published.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_tracker_has_the_whole_information_list(policy: Policy, language: str) -> None:
    notice = cookie_notice(policy, language=language)
    items = {i.id: i for s in notice.sections for i in s.items}
    for tracker in policy.trackers:
        points = items[f"tracker.{tracker.id}"].points
        for fact in FACTS[language]:
            assert any(p.startswith(fact) for p in points), (tracker.id, fact)


def test_withdrawal_at_any_time_for_consent_cookies(tfp: Policy) -> None:
    notice = cookie_notice(tfp, language="sv")
    ga = next(i for s in notice.sections for i in s.items if i.id == "tracker.analytics")
    assert (
        "Samtycke: krävs. Du kan när som helst återkalla ditt samtycke; återkallelsen påverkar "
        "inte användningen innan dess." in ga.points
    )
    assert "Sätts av: Google Analytics (tredje part)" in ga.points
    assert "Lagringstid: 13 månader" in ga.points
    assert "Uppgifterna går till: Google Ireland Limited (Google Analytics) (Irland)" in ga.points


def test_groups_are_separate_and_in_a_fixed_order(tfp: Policy) -> None:
    extra = Tracker(
        id="chat",
        name="chat_session",
        provider="Chat Vendor AB",
        third_party=True,
        purpose=Text(en="Keeps the support chat open.", sv="Håller supportchatten öppen."),
        category="preferences",
        session=True,
        data_collected=Text(en="A chat session id.", sv="Ett chattsessions-id."),
    )
    notice = cookie_notice(attrs.evolve(tfp, trackers=(*tfp.trackers, extra)), language="sv")
    assert [s.title for s in notice.sections] == [
        "Sessionscookies (förstapartscookies)",
        "Varaktiga cookies (förstapartscookies)",
        "Tredjepartscookies: sessionscookies",
        "Tredjepartscookies: varaktiga cookies",
        "Ändra dina val",
    ]


def test_a_missing_fact_fails_generation_listing_every_gap(tfp: Policy) -> None:
    broken = attrs.evolve(
        tfp.trackers[2],
        provider=" ",
        purpose=Text(en=" ", sv=" "),
        data_collected=Text(en=" ", sv=" "),
    )
    policy = attrs.evolve(tfp, trackers=(*tfp.trackers[:2], broken))
    with pytest.raises(DocumentError) as caught:
        cookie_notice(policy, language="en")
    assert {p.path for p in caught.value.problems} == {
        "trackers.analytics.provider",
        "trackers.analytics.purpose",
        "trackers.analytics.data_collected",
    }
    assert {p.rule for p in caught.value.problems} == {"CON-14"}


def test_a_missing_translation_fails_the_swedish_notice(tfp: Policy) -> None:
    english = attrs.evolve(tfp.organisation, languages=("en",))
    tracker = attrs.evolve(tfp.trackers[2], lifetime=Text(en="13 months"))
    policy = attrs.evolve(tfp, organisation=english, trackers=(*tfp.trackers[:2], tracker))
    assert "Lifetime: 13 months" in to_markdown(cookie_notice(policy, language="en"))
    with pytest.raises(DocumentError) as caught:
        cookie_notice(policy, language="sv")
    assert [p.path for p in caught.value.problems] == ["trackers.analytics.lifetime"]


def test_no_trackers_says_so(tfp: Policy) -> None:
    policy = attrs.evolve(tfp, trackers=())
    assert "We use no cookies or similar technologies." in to_markdown(cookie_notice(policy))
