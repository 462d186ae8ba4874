"""The ``gdprkit`` command (also ``python -m gdprkit``): policies, retention, rights, breaches.

Commands (``gdprkit COMMAND --help`` for each one's options)::

    check POLICY                        validate and summarise a policy
    notice POLICY                       the privacy notice (--lang en|sv, --format md|html|json)
    ropa POLICY                         the Art. 30 records (--format json|csv|md)
    policy diff OLD NEW                 what changed and what it requires
    policy apply NEW [--confirm TOKEN]  preview a new policy against the data; apply it
    init                                create the database under the key-encryption key
    sweep [--dry-run]                   dispose of everything due, with progress on stderr
    hold place|release|list             legal holds
    event record|cancel EVENT           retention trigger events
    review list|approve|extend          disposition reviews
    request receive|list|access|...     data-subject requests
    audit verify                        verify the audit chain
    keys new|rotate                     key-encryption keys
    breach record|list|assess|...       the breach register
    demo                                gdprkit end to end

The database (``--db``, ``GDPRKIT_DB``, default ``gdprkit.db``), the key-encryption key
(``--keys``, ``GDPRKIT_KEK_FILE``, ``GDPRKIT_KEK``) and the policy in force
(``--policy``, ``GDPRKIT_POLICY``) come from options or the environment. Instants on
the command line are ISO 8601 dates (the policy's time zone) or datetimes with an
offset; naive datetimes are refused.

Exit codes: ``0`` success; ``1`` the input, the database or the keys are wrong, or a
check failed (the audit chain is broken): one line ``gdprkit: <message>`` on standard
error, never a traceback, never personal data or key material; ``2`` the command line
itself is wrong (argparse's usage message); ``130`` interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import TYPE_CHECKING, TextIO

from gdprkit._version import __version__
from gdprkit.cli import _admin, _demo, _policies, _retention, _rights
from gdprkit.cli._shared import Context
from gdprkit.errors import GdprKitError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["EXIT_INTERRUPTED", "EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "main"]

EXIT_OK = 0
"""Success."""
EXIT_INVALID = 1
"""The input (a policy, a date, an id, the database, the keys) is invalid or a check failed."""
EXIT_USAGE = 2
"""The command line itself is wrong (argparse's convention)."""
EXIT_INTERRUPTED = 130
"""Interrupted by Ctrl-C (128 + SIGINT); a sweep keeps the batches it committed."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gdprkit",
        description="Turn an organisation's GDPR promises into code that enforces them. "
        "gdprkit is not legal advice.",
        epilog="Exit codes: 0 success; 1 invalid input or a failed check; 2 usage error.",
    )
    parser.add_argument("--version", action="version", version=f"gdprkit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (_policies, _retention, _rights, _admin, _demo):
        module.register(commands)
    return parser


def _one_line(exc: BaseException) -> str:
    """Return the error's message; a policy's problems keep one line each."""
    text = str(exc).strip() or type(exc).__name__
    return "\ngdprkit: ".join(line for line in text.splitlines() if line.strip())


def main(
    argv: Sequence[str] | None = None,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Run the command line; return the exit code.

    Args:
        argv: The arguments (``sys.argv[1:]`` by default).
        out: Where results go (standard output by default).
        err: Where progress and errors go (standard error by default).
        environ: The environment options fall back to (``os.environ`` by default).
    """
    args = _parser().parse_args(argv)
    errors = err or sys.stderr
    ctx = Context(out=out or sys.stdout, err=errors)
    if environ is not None:
        ctx.environ = environ
    try:
        with ctx.closing:
            code: int = args.handler(args, ctx)
            return code
    except GdprKitError as exc:
        errors.write(f"gdprkit: {_one_line(exc)}\n")
        return EXIT_INVALID
    except KeyboardInterrupt:
        errors.write("gdprkit: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (``gdprkit notice ... | head``): say nothing more.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_INVALID
