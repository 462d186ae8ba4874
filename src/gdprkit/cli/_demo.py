"""``gdprkit demo``: see gdprkit work end to end without writing any code.

The demo (:func:`gdprkit.demo.run_demo`) runs synthetic customers of the bundled
example organisation from 2026 to mid-2034 through the retention engine, the rights
desk and the audit log, in a directory: a temporary one, removed afterwards, unless
``--dir`` names one to keep. Its progress goes to standard error, its report to
standard output.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from gdprkit.cli._retention import positive
from gdprkit.cli._shared import Context, add_handler

if TYPE_CHECKING:
    import argparse

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``gdprkit demo`` to the ``gdprkit`` parser."""
    demo = commands.add_parser("demo", help="run gdprkit end to end on synthetic customers")
    demo.add_argument(
        "--dir", type=Path, help="keep the demo's database and key here (default: a temp dir)"
    )
    demo.add_argument("--customers", type=positive, default=3000, metavar="N")
    demo.add_argument("--json", action="store_true", help="machine-readable report")
    add_handler(demo, _demo)


def _demo(args: argparse.Namespace, ctx: Context) -> int:
    from gdprkit.demo import run_demo  # noqa: PLC0415 - only the demo needs it

    with contextlib.ExitStack() as stack:
        directory = args.dir
        if directory is None:
            directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="gdprkit-")))
        report = run_demo(directory, customers=args.customers, progress=ctx.err)
    if args.dir is None:
        ctx.err.write("the demo's temporary directory is removed; pass --dir DIR to keep it\n")
    if args.json:
        ctx.out.write(json.dumps(report.to_dict(), indent=2, sort_keys=True) + "\n")
    else:
        text = report.render()
        ctx.out.write(text if text.endswith("\n") else text + "\n")
    return 0
