"""The generated excerpts shown in ``docs/documents.md`` match freshly generated output.

Each fenced block after a ``<!-- generated: KIND EXAMPLE LANGUAGE ARG -->`` comment must
appear, byte for byte, in the document gdprkit generates now. When a wording changes on
purpose, copy the new text from the golden files into the docs.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from document_helpers import example

from gdprkit.documents import (
    privacy_notice,
    records_of_processing,
    records_to_markdown,
    to_markdown,
)

DOC = Path(__file__).parents[2] / "docs" / "documents.md"
_BLOCK = re.compile(
    r"<!-- generated: (?P<spec>[^>]+?) -->\n```\w*\n(?P<body>.*?)^```", re.DOTALL | re.MULTILINE
)


def _generate(spec: str) -> str:
    kind, name, language, arg = spec.split()
    policy = example(name)
    if kind == "notice":
        return to_markdown(privacy_notice(policy, language=language, layer=arg))
    as_of = dt.date.fromisoformat(arg)
    return records_to_markdown(records_of_processing(policy, as_of=as_of, language=language))


def _excerpts() -> list[pytest.param]:
    text = DOC.read_text(encoding="utf-8")
    return [
        pytest.param(
            m.group("spec"), m.group("body"), id=f"line{text.count(chr(10), 0, m.start()) + 1}"
        )
        for m in _BLOCK.finditer(text)
    ]


def test_the_doc_has_excerpts() -> None:
    assert len(_excerpts()) >= 3


@pytest.mark.parametrize(("spec", "body"), _excerpts())
def test_excerpt_is_current(spec: str, body: str) -> None:
    assert body in _generate(spec), f"docs/documents.md excerpt ({spec}) is stale"
