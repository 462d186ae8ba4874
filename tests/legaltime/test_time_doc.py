"""The Python examples in docs/time.md run, and what they print is what the page says."""

import contextlib
import io
import re
from pathlib import Path

import pytest

DOC = Path(__file__).parents[2] / "docs" / "time.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_page_has_examples():
    assert len(BLOCKS) >= 8


@pytest.mark.parametrize("source", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_example_runs(source):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, str(DOC), "exec"), {"__name__": "__doc_example__"})  # noqa: S102
    # Comment lines right after a print show its output, wrapped; compare word by word.
    printed = " ".join(out.getvalue().split())
    for shown in re.findall(r"^ *print\(.*\)\n((?:# .*\n)+)", source, flags=re.MULTILINE):
        words = " ".join(line[2:] for line in shown.splitlines())
        assert " ".join(words.split()) in printed
