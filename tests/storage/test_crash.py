"""Kill a writing process with SIGKILL at random moments; nothing may be half-written."""

import importlib.util
import os
import pathlib
import random
import signal
import subprocess
import sys

WRITER = pathlib.Path(__file__).with_name("_storage_crash_writer.py")
RUNS = int(os.environ.get("GDPRKIT_CRASH_RUNS", "24"))


def load_writer():
    spec = importlib.util.spec_from_file_location("_storage_crash_writer", WRITER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def kill_at_random(path, rng):
    """Start the writer, kill it after a random number of lines; return its last line."""
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    lines = []
    try:
        for _ in range(rng.randint(1, 40)):
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
        spin = rng.randint(0, 20000)
        while spin:
            spin -= 1
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        # Read the rest through the same buffered stream: readline() may already hold
        # lines the writer printed (communicate() would read past them from the pipe).
        rest = proc.stdout.read()
        proc.stdout.close()
        proc.wait(timeout=30)
    lines.extend(rest.splitlines(keepends=True))
    assert proc.returncode == -signal.SIGKILL, lines[-3:]
    return lines[-1].split() if lines else ["none", "0"]


def test_sigkill_never_leaves_a_partial_transaction(tmp_path):
    writer = load_writer()
    rng = random.Random(4)
    path = tmp_path / "crash.db"
    inside = 0
    committed = 0
    for _ in range(RUNS):
        last = kill_at_random(path, rng)
        head = writer.check(path)
        assert head >= committed
        committed = head
        if last[0] == "begin":
            inside += 1
            # the open transaction either committed just before the kill, or vanished
            assert head in (int(last[1]), int(last[1]) - 1)
        else:
            assert head == int(last[1])
    print(f"{inside} of {RUNS} kills inside a transaction")  # noqa: T201 - shown with -s
    assert committed > RUNS
    assert inside >= RUNS // 6, f"only {inside} of {RUNS} kills landed inside a transaction"
