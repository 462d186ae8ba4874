"""Every code example in the documentation runs, so the docs cannot rot.

Each fenced ```python block of ``README.md`` and of every ``docs/*.md`` file is executed
in a fresh namespace with the repository root as working directory; a block fenced
```python continued`` runs on in the namespace of the block before it, so a tutorial can
tell its story in steps. Each ```toml block of ``docs/policy.md``
that is a complete policy (it starts with ``version =``) is loaded and validated.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gdprkit.policy import Policy, loads_policy

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
POLICY_DOC = DOCS / "policy.md"

_FENCE = re.compile(
    r"^```(?P<lang>[\w+-]*)(?P<info>[^\n]*)\n(?P<body>.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE
)


def _blocks(path: Path, language: str) -> list[tuple[int, str]]:
    """Return (line number, source) of each fenced block in *language*."""
    text = path.read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, match.start()) + 1, match.group("body"))
        for match in _FENCE.finditer(text)
        if match.group("lang") == language
    ]


def _python_sources() -> list[tuple[Path, int, str]]:
    """(file, first line, source) per example; a ``continued`` block joins the one before it."""
    params: list[tuple[Path, int, str]] = []
    for path in [README, *sorted(DOCS.glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for match in _FENCE.finditer(text):
            if match.group("lang") != "python":
                continue
            body = match.group("body")
            if match.group("info").strip() == "continued":
                assert params, f"{path.name}: a continued block needs a block before it"
                first_path, line, source = params[-1]
                assert first_path == path, f"{path.name}: continued across files"
                params[-1] = (path, line, source + body)
            else:
                params.append((path, text.count("\n", 0, match.start()) + 1, body))
    return params


def _policy_blocks() -> list[tuple[int, str]]:
    if not POLICY_DOC.exists():
        return []
    return [
        (line, source)
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
    assert _blocks(README, "python"), "the README's Python example is run by this module"
    assert any(path == README for path, _, _ in _python_sources())


def test_readme_quick_start_names_the_two_scripts() -> None:
    """The README's two quick-start commands are the ones in ``scripts/``, written as run."""
    shell = "".join(source for _, source in _blocks(README, "sh"))
    commands = [line.split("#")[0].strip() for line in shell.splitlines() if line.strip()]
    assert commands == ["bash scripts/demo.sh", "bash scripts/test.sh"]
    for command in commands:
        assert (ROOT / command.split()[1]).is_file(), command


@pytest.mark.parametrize(
    ("path", "source"),
    [pytest.param(p, source, id=f"{p.name}:{line}") for p, line, source in _python_sources()],
)
def test_python_example_runs(path: Path, source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _run(path, source, monkeypatch)


@pytest.mark.parametrize(
    "source", [pytest.param(source, id=f"policy.md:{line}") for line, source in _policy_blocks()]
)
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
