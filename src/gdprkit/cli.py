"""The ``gdprkit`` command: check and summarise policies, run the demo.

Exit codes: 0 success; 1 the policy (or other input) is invalid; 2 usage error.
User errors print one clear line (or one line per policy problem), never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from gdprkit._version import __version__
from gdprkit.errors import GdprKitError, PolicyError
from gdprkit.policy import Policy, find_warnings, load_policy
from gdprkit.policy.examples import EXAMPLES, example_path
from gdprkit.policy.summary import summarise

__all__ = ["EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "main"]

EXIT_OK = 0
"""Success."""
EXIT_INVALID = 1
"""The input (a policy file, a database) is invalid; the message says what and where."""
EXIT_USAGE = 2
"""The command line itself is wrong (argparse's convention)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gdprkit",
        description="Turn an organisation's GDPR promises into code that enforces them. "
        "gdprkit is not legal advice.",
    )
    parser.add_argument("--version", action="version", version=f"gdprkit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser("check", help="validate a TOML policy and summarise it")
    check.add_argument("policy", type=Path, help="the policy file (TOML)")
    check.add_argument("--quiet", action="store_true", help="print problems only")
    commands.add_parser("demo", help="load, validate and summarise the bundled example policies")
    return parser


def _print_policy(policy: Policy, out: TextIO) -> None:
    out.write(summarise(policy))
    out.writelines(f"warning: {warning}\n" for warning in find_warnings(policy))


def _check(policy_path: Path, *, quiet: bool, out: TextIO) -> int:
    policy = load_policy(policy_path)
    if not quiet:
        _print_policy(policy, out)
    out.write(f"{policy_path}: valid (content hash {policy.content_hash[:16]})\n")
    return EXIT_OK


def _demo(out: TextIO) -> int:
    out.write("gdprkit demo: the bundled example policies, loaded and validated.\n\n")
    for name in EXAMPLES:
        policy = load_policy(example_path(name))
        _print_policy(policy, out)
        out.write("\n")
    out.write("Both policies are valid. gdprkit is not legal advice.\n")
    return EXIT_OK


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line; return the exit code."""
    stream = out or sys.stdout
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args.policy, quiet=args.quiet, out=stream)
        return _demo(stream)
    except PolicyError as exc:
        sys.stderr.write(f"gdprkit: {exc}\n")
        return EXIT_INVALID
    except GdprKitError as exc:
        sys.stderr.write(f"gdprkit: {exc}\n")
        return EXIT_INVALID
