"""The sweep benchmark, in miniature: it builds, sweeps and deletes the same rows (no timing)."""

from __future__ import annotations

import contextlib
import importlib.util
import pathlib
import shutil
import sqlite3
import sys

import pytest

BENCH = pathlib.Path(__file__).resolve().parents[2] / "bench" / "bench_sweep.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_sweep", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_sweep"] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules["bench_sweep"]


def test_sweep_and_raw_delete_remove_the_same_rows(bench, tmp_path: pathlib.Path) -> None:
    db = tmp_path / "b.db"
    bench.build(db, 300, 40)
    shutil.copy(db, tmp_path / "raw.db")
    shutil.copy(db, tmp_path / "proof.db")
    elapsed, disposed = bench.time_sweep(db, 16)
    assert disposed == 40
    assert elapsed > 0
    raw_elapsed, deleted = bench.time_raw_delete(tmp_path / "raw.db")
    assert deleted == 40
    assert raw_elapsed > 0
    _, deleted = bench.time_raw_delete(tmp_path / "proof.db", proof=True)
    assert deleted == 40
    written = _disposals(db)
    assert len(written) == 40
    assert _disposals(tmp_path / "proof.db") == written
    assert bench._idle(db) > 0


def _disposals(path: pathlib.Path) -> list[tuple[object, ...]]:
    """The disposal rows but their ids, which differ by construction."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute(
            "SELECT record_id, subject_id, purpose_ids, rule, action, due_at, executed_at, "
            "fields_removed, length(id) FROM disposals ORDER BY record_id"
        ).fetchall()
