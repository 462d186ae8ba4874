"""Every code example in the documentation runs, so the docs cannot rot.

Each fenced ```python block of every ``docs/*.md`` file is executed in a fresh namespace
with the repository root as working directory. Each ```toml block of ``docs/policy.md``
that is a complete policy (it starts with ``version =``) is loaded and validated.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gdprkit.policy import Policy, loads_policy

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
POLICY_DOC = DOCS / "policy.md"

_FENCE = re.compile(
    r"^```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE
)


def _blocks(path: Path, language: str) -> list[tuple[int, str]]:
    """Return (line number, source) of each fenced block in *language*."""
    text = path.read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, match.start()) + 1, match.group("body"))
        for match in _FENCE.finditer(text)
        if match.group("lang") == language
    ]


def _python_blocks() -> list[pytest.param]:
    return [
        pytest.param(path, source, id=f"{path.name}:{line}")
        for path in sorted(DOCS.glob("*.md"))
        for line, source in _blocks(path, "python")
    ]


def _policy_blocks() -> list[pytest.param]:
    if not POLICY_DOC.exists():
        return []
    return [
        pytest.param(source, id=f"policy.md:{line}")
        for line, source in _blocks(POLICY_DOC, "toml")
        if source.lstrip().startswith("version =")
    ]


def _run(path: Path, source: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": f"docs_{path.stem}"}
    code = compile(source, str(path.relative_to(ROOT)), "exec")
    exec(code, namespace)  # noqa: S102 - running the documentation's own examples is the point
    return namespace


def test_docs_have_examples() -> None:
    assert _blocks(POLICY_DOC, "python")
    assert _policy_blocks()


@pytest.mark.parametrize(("path", "source"), _python_blocks())
def test_python_example_runs(path: Path, source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _run(path, source, monkeypatch)


@pytest.mark.parametrize("source", _policy_blocks())
def test_toml_policy_example_loads(source: str) -> None:
    policy = loads_policy(source, source="docs/policy.md")
    assert isinstance(policy, Policy)


def test_worked_example_in_python_equals_the_toml(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Python block right after the worked TOML example builds the very same policy."""
    text = POLICY_DOC.read_text(encoding="utf-8")
    fences = [(m.group("lang"), m.group("body")) for m in _FENCE.finditer(text)]
    worked = max(
        (
            i
            for i, (lang, body) in enumerate(fences)
            if lang == "toml" and body.lstrip().startswith("version =")
        ),
        key=lambda i: len(fences[i][1]),
    )
    following = next(body for lang, body in fences[worked + 1 :] if lang == "python")
    namespace = _run(POLICY_DOC, following, monkeypatch)
    built = namespace["policy"]
    loaded = loads_policy(fences[worked][1])
    assert built == loaded
    assert isinstance(built, Policy)
    assert built.content_hash == loaded.content_hash
