"""Golden files: every generated document, byte for byte.

The goldens in ``tests/documents/golden/`` are the reviewed output for frozen copies of
the two example policies (``golden/policies/``), so an edit to ``examples/`` does not
move them; the seed-promise tests check the live examples. A change in wording, order or escaping shows up here as a diff a reviewer
reads. After an intended change, rewrite them with::

    GDPRKIT_UPDATE_GOLDEN=1 python -m pytest tests/documents/test_golden.py

and review the diff before committing it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from document_helpers import LANGUAGES

from gdprkit.documents import (
    Layer,
    RecordTable,
    cookie_notice,
    fideslang_json,
    privacy_notice,
    publish,
    publish_records,
    records_of_processing,
)
from gdprkit.policy import Policy, load_policy
from gdprkit.policy.examples import EXAMPLES

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("GDPRKIT_UPDATE_GOLDEN") == "1"
EXTENSIONS = {"markdown": "md", "html": "html", "json": "json", "csv": "csv"}

Render = Callable[[str], str]


def example(name: str) -> Policy:
    return load_policy(GOLDEN / "policies" / f"{name}.toml")


def _notice(layer: Layer, language: str, fmt: str) -> Render:
    def render(name: str) -> str:
        return publish(privacy_notice(example(name), language=language, layer=layer), fmt).text

    return render


AS_OF = dt.date(2026, 3, 1)


def _records(language: str, fmt: str, table: RecordTable = RecordTable.ACTIVITIES) -> Render:
    def render(name: str) -> str:
        records = records_of_processing(example(name), as_of=AS_OF, language=language)
        return publish_records(records, fmt, table=table).text

    return render


CASES: dict[str, Render] = {
    f"notice.{layer.value}.{language}.{EXTENSIONS[fmt]}": _notice(layer, language, fmt)
    for layer in Layer
    for language in LANGUAGES
    for fmt in ("markdown", "html", "json")
}
CASES.update(
    {
        f"records.{language}.{EXTENSIONS[fmt]}": _records(language, fmt)
        for language in LANGUAGES
        for fmt in ("markdown", "json", "csv")
    }
)
CASES["records.recipients.en.csv"] = _records("en", "csv", RecordTable.RECIPIENTS)


def _cookies(language: str, fmt: str) -> Render:
    def render(name: str) -> str:
        return publish(cookie_notice(example(name), language=language), fmt).text

    return render


CASES.update(
    {
        f"cookies.{language}.{EXTENSIONS[fmt]}": _cookies(language, fmt)
        for language in LANGUAGES
        for fmt in ("markdown", "html")
    }
)


CASES["fideslang.json"] = lambda name: fideslang_json(example(name))


def check_golden(path: Path, text: str) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        return
    assert path.exists(), f"{path.name} missing: run with GDPRKIT_UPDATE_GOLDEN=1"
    assert path.read_bytes() == text.encode("utf-8"), f"{path.name} differs from its golden"


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(name: str, case: str) -> None:
    check_golden(GOLDEN / f"{name}.{case}", CASES[case](name))
