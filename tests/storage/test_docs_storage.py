"""The third-party backend example in docs/storage.md really runs the conformance suite."""

import pathlib
import re
import subprocess
import sys

DOC = pathlib.Path(__file__).parents[2] / "docs" / "storage.md"


def test_backend_example_passes_the_conformance_suite(tmp_path):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    (example,) = [b for b in blocks if "StoreConformance" in b]
    (tmp_path / "test_my_store.py").write_text(example, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_my_store.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    passed = int(re.search(r"(\d+) passed", result.stdout).group(1))
    assert passed >= 30
    assert "skipped" not in result.stdout
