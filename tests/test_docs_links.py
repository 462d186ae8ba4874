"""Every relative link in README.md and docs/*.md leads to a file, and to a heading if named.

A newcomer follows links; a broken one is a dead end. Links inside code blocks are not
links and are ignored; links with a scheme (``https:``, ``mailto:``) are not checked here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

_CODE_BLOCK = re.compile(r"^```.*?^```[ \t]*$", re.DOTALL | re.MULTILINE)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"\[[^\]\n]*\]\((?P<target>[^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<title>.+?)[ \t]*#*[ \t]*$", re.MULTILINE)


def _prose(text: str) -> str:
    return _CODE_SPAN.sub("", _CODE_BLOCK.sub("", text))


def slug(title: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to '-'."""
    title = title.replace("`", "").strip().lower()
    return re.sub(r"[^\w\- ]", "", title).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    return {slug(m["title"]) for m in _HEADING.finditer(_CODE_BLOCK.sub("", page.read_text()))}


def _links() -> list[tuple[Path, str]]:
    found = []
    for page in PAGES:
        for match in _LINK.finditer(_prose(page.read_text(encoding="utf-8"))):
            target = match["target"]
            if not re.match(r"^[a-z][a-z0-9+.-]*:", target):
                found.append((page, target))
    return found


def test_slug_follows_github() -> None:
    assert slug("The legal reading") == "the-legal-reading"
    assert slug("Several instances: PostgreSQL") == "several-instances-postgresql"
    assert slug("`gdprkit.policy`") == "gdprkitpolicy"


def test_the_pages_link_to_each_other() -> None:
    assert len(_links()) > 20


@pytest.mark.parametrize(
    ("page", "target"),
    [pytest.param(p, t, id=f"{p.name}->{t}") for p, t in _links()],
)
def test_link_resolves(page: Path, target: str) -> None:
    path, _, fragment = target.partition("#")
    destination = (page.parent / path).resolve() if path else page
    assert destination.exists(), f"{page.name}: {target} does not exist"
    if fragment and destination.suffix == ".md":
        assert fragment in _anchors(destination), f"{page.name}: no heading #{fragment}"
