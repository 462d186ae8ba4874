"""A longer SIGKILL soak of the SQLite store than the test suite runs.

Usage: ``python bench/storage_crash_soak.py [RUNS]`` (default 500). Kills the writer
of ``tests/storage/_storage_crash_writer.py`` at random moments and checks after each
kill that the database opens, the audit chain verifies and no transaction is partial.
"""

import importlib.util
import pathlib
import random
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
TEST = HERE.parent / "tests" / "storage" / "test_crash.py"


def main(runs):
    spec = importlib.util.spec_from_file_location("test_crash", TEST)
    crash = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(crash)
    writer = crash.load_writer()
    rng = random.Random()
    inside = 0
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "soak.db"
        for run in range(1, runs + 1):
            last = crash.kill_at_random(path, rng)
            head = writer.check(path)
            inside += last[0] == "begin"
            if run % 50 == 0:
                print(f"{run} kills, {inside} inside a transaction, {head} transactions committed")
    print(f"ok: {runs} kills ({inside} inside a transaction) in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
