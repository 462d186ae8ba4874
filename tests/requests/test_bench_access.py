"""The access benchmark, in miniature: a 2,000-record store, every contender measured.

No timing is asserted (that is the benchmark's job, on a quiet machine); what is asserted
is that the measured request goes through the public API and answers the right subject.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parents[2] / "bench" / "bench_access.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_access", PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_access"] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules["bench_access"]


def test_a_small_run_measures_every_contender(bench, tmp_path, capsys) -> None:
    medians = bench.run(2_000, 3, tmp_path, small=200)
    assert set(medians) == {
        "baseline",
        "access",
        "access_two_calls",
        "answer_only",
        "commit",
        "access_small",
        "load_seconds",
    }
    assert all(value > 0 for value in medians.values())
    bench.report(2_000, medians, small=200)
    out = capsys.readouterr().out
    assert "records: 2,000" in out
    assert "ratio access / baseline:" in out
    assert "ratio access 2,000 / 200 records:" in out
    assert "target access / baseline <= 3.0x:" in out


def test_the_store_holds_the_filler_and_the_subject_answers_alone(bench, tmp_path) -> None:
    b = bench.Bench(tmp_path / "b.db", 2_000)
    try:
        rows = b.raw.execute("SELECT count(*) FROM records").fetchone()[0]
        assert rows == 2_000
        assert b.baseline() == b.baseline() > 0
        assert b.access() == 2
        package = b.desk.access(b.desk.receive(b.subject, "access").id)
        values = {f["value"] for r in package["personal_data"]["items"] for f in r["fields"]}
        assert values == {"Ada Lovelace", bench.EMAIL, "+46 70 000 00 00"}
    finally:
        b.close()


@pytest.mark.parametrize("argv", [["--records", "1"], ["--small", "1"], ["--repeats", "0"]])
def test_the_size_arguments_are_checked(bench, argv) -> None:
    with pytest.raises(SystemExit):
        bench.main(argv)
