"""Operations commands: audit verify, keys new and rotate, and the breach register.

``audit verify`` checks the tamper-evident audit chain end to end (Art. 5(2)); a break
is an error (exit 1) whose line names the entry, never its contents. ``keys new``
writes a key-encryption key file readable by its owner only; ``keys rotate`` adds a
version and re-wraps every data key under it, verified and resumable (Art. 32(1)(a)).
``breach`` keeps the register of personal-data breaches and runs the 72-hour clock
(Art. 33, 34).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from gdprkit.cli._retention import positive
from gdprkit.cli._shared import (
    ENV_KEK_FILE,
    Context,
    add_handler,
    opened,
    parse_when,
    store_options,
    write_private,
)
from gdprkit.clock import SystemClock
from gdprkit.crypto import Keyring, LocalKeyProvider, generate_kek
from gdprkit.errors import InvalidInputError, KeyProviderError

if TYPE_CHECKING:
    import argparse

    from gdprkit.breaches.model import Breach, OpenBreach
    from gdprkit.service import PrivacyService

__all__ = ["register"]

_KEK_HEADER = (
    "# gdprkit key-encryption key (KEK) file: one '<version>:<key>' line per version.\n"
    "# Keep it secret and back it up apart from the database: without it nothing\n"
    "# encrypted in the database can be read.\n"
)
_HEAD_PARTS = 2


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``audit``, ``keys`` and ``breach`` to the ``gdprkit`` parser."""
    audit = commands.add_parser("audit", help="the tamper-evident audit log")
    sub = audit.add_subparsers(dest="action", required=True, metavar="ACTION")
    verify = sub.add_parser(
        "verify", parents=[store_options(policy=False)], help="verify the chain end to end"
    )
    verify.add_argument(
        "--expect-head",
        metavar="SEQ:HASH",
        help="a head printed by an earlier verify: also detect a chain rewritten before it",
    )
    add_handler(verify, _audit_verify)

    keys = commands.add_parser("keys", help="key-encryption keys")
    sub = keys.add_subparsers(dest="action", required=True, metavar="ACTION")
    new = sub.add_parser("new", help="write a new KEK file (mode 0600; never overwrites)")
    new.add_argument("file", metavar="FILE", type=Path)
    add_handler(new, _keys_new)
    rotate = sub.add_parser(
        "rotate",
        parents=[store_options(policy=False)],
        help="add a KEK version to the key file and re-wrap every data key under it",
    )
    rotate.add_argument(
        "--resume", action="store_true", help="finish an interrupted re-wrap; add no version"
    )
    rotate.add_argument("--batch-size", type=positive, default=500, metavar="N")
    add_handler(rotate, _keys_rotate)

    _register_breaches(commands)


def _register_breaches(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    breach = commands.add_parser("breach", help="the personal-data breach register (Art. 33)")
    sub = breach.add_subparsers(dest="action", required=True, metavar="ACTION")
    record = sub.add_parser("record", parents=[store_options()], help="register a breach")
    record.add_argument("breach_id", metavar="ID", help="your id, e.g. 2026-007")
    record.add_argument("--aware-at", required=True, metavar="WHEN", help="the clock starts")
    record.add_argument("--detected-at", metavar="WHEN", help="default: --aware-at")
    record.add_argument("--occurred-at", metavar="WHEN")
    record.add_argument("--facts", required=True, help="what happened, naming no one")
    record.add_argument("--facts-sv", metavar="TEXT", help="the same in Swedish")
    record.add_argument(
        "--type",
        dest="types",
        action="append",
        required=True,
        choices=("confidentiality", "integrity", "availability"),
        help="repeatable",
    )
    add_handler(record, _breach_record)

    listing = sub.add_parser("list", parents=[store_options()], help="open breaches, most urgent")
    listing.add_argument("--all", action="store_true", help="closed breaches too")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    add_handler(listing, _breach_list)

    assess = sub.add_parser("assess", parents=[store_options()], help="record the risk")
    assess.add_argument("breach_id", metavar="ID")
    assess.add_argument("--risk", required=True, choices=("none", "risk", "high_risk"))
    assess.add_argument("--consequences", required=True, help="the likely consequences")
    assess.add_argument("--reasoning", required=True, help="why; kept in the register only")
    add_handler(assess, _breach_assess)

    decide = sub.add_parser("decide", parents=[store_options()], help="decide on notifying")
    decide.add_argument("breach_id", metavar="ID")
    choice = decide.add_mutually_exclusive_group(required=True)
    choice.add_argument("--notify", dest="notify", action="store_true")
    choice.add_argument("--no-notify", dest="notify", action="store_false")
    decide.add_argument("--reasoning", required=True)
    add_handler(decide, _breach_decide)

    close = sub.add_parser("close", parents=[store_options()], help="close a breach")
    close.add_argument("breach_id", metavar="ID")
    close.add_argument("--note", help="why it can be closed")
    add_handler(close, _breach_close)


# --- audit ------------------------------------------------------------------------------


def _expected_head(text: str | None) -> tuple[int, str] | None:
    if text is None:
        return None
    parts = text.split(":")
    if len(parts) != _HEAD_PARTS or not parts[0].isdigit() or not parts[1]:
        raise InvalidInputError("--expect-head must be SEQ:HASH as an earlier verify printed")
    return int(parts[0]), parts[1]


def _audit_verify(args: argparse.Namespace, ctx: Context) -> int:
    from gdprkit.audit import AuditLog  # noqa: PLC0415 - loaded by the commands that use it
    from gdprkit.service._secrets import load_secrets  # noqa: PLC0415

    expected = _expected_head(args.expect_head)
    provider = ctx.key_provider(args)
    store = ctx.store(args)
    clock = SystemClock()
    secrets = opened(lambda: load_secrets(store, provider, clock))
    seq, head = AuditLog(store, secrets.audit_key, clock=clock).verify(expected_head=expected)
    ctx.out.write(f"audit chain verified through entry {seq}; head {seq}:{head}\n")
    return 0


# --- keys -------------------------------------------------------------------------------


def _keys_new(args: argparse.Namespace, ctx: Context) -> int:
    write_private(args.file, _KEK_HEADER + generate_kek(1) + "\n")
    ctx.out.write(
        f"wrote KEK version 1 to {args.file} (mode 0600). Keep it secret and back it up "
        "apart from the database.\n"
    )
    return 0


def _append_version(path: Path, entry: str) -> None:
    """Append a KEK entry to the key file atomically (a crash leaves the old file or the new)."""
    old = path.read_text(encoding="utf-8")
    text = old + ("" if old.endswith("\n") else "\n") + entry + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:  # mkstemp files are 0600
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _keys_rotate(args: argparse.Namespace, ctx: Context) -> int:
    from gdprkit.service._secrets import load_secrets  # noqa: PLC0415

    name = args.keys if args.keys is not None else ctx.environ.get(ENV_KEK_FILE)
    if not name:
        raise KeyProviderError(
            f"keys rotate writes the new version to a key file: pass --keys FILE or set "
            f"{ENV_KEK_FILE}"
        )
    path = Path(name)
    clock = SystemClock()
    provider = LocalKeyProvider.from_file(path)
    store = ctx.store(args)
    opened(lambda: load_secrets(store, provider, clock))  # the file opens this database
    if not args.resume:
        version = max(provider.versions) + 1
        _append_version(path, generate_kek(version))
        provider = LocalKeyProvider.from_file(path)
        ctx.out.write(f"added KEK version {version} to {path}\n")
    keyring = Keyring(store, provider, clock=clock)
    moved = 0
    for old in provider.versions:
        if old == provider.current_version:
            continue
        progress = keyring.rewrap(from_version=old, batch_size=args.batch_size)
        moved += progress.rewrapped
        while not progress.done:
            progress = keyring.rewrap(
                from_version=old, batch_size=args.batch_size, after_key_id=progress.last_key_id
            )
            moved += progress.rewrapped
    older = ", ".join(str(v) for v in provider.versions if v != provider.current_version)
    ctx.out.write(
        f"re-wrapped {moved} data keys under KEK version {provider.current_version}"
        + (
            f"; retire version(s) {older} (remove their lines from {path}) once every backup "
            "taken before now has expired\n"
            if older
            else "\n"
        )
    )
    return 0


# --- breaches ---------------------------------------------------------------------------


def _service(args: argparse.Namespace, ctx: Context) -> PrivacyService:
    return ctx.service(args)


def _breach_record(args: argparse.Namespace, ctx: Context) -> int:
    service = _service(args, ctx)
    tz = service.policy.organisation.tz
    aware = parse_when(args.aware_at, tz, "--aware-at")
    detected = (
        aware if args.detected_at is None else parse_when(args.detected_at, tz, "--detected-at")
    )
    occurred = (
        None if args.occurred_at is None else parse_when(args.occurred_at, tz, "--occurred-at")
    )
    facts: str | dict[str, str] = args.facts
    if args.facts_sv is not None:
        facts = {"en": args.facts, "sv": args.facts_sv}
    breach = service.breaches.register(
        args.breach_id,
        aware_at=aware,
        detected_at=detected,
        occurred_at=occurred,
        facts=facts,
        types=args.types,
        actor=ctx.actor(args),
    )
    notify_by = breach.notify_by.astimezone(tz)
    ctx.out.write(
        f"breach {breach.id} registered; if notifiable, notify the supervisory authority by "
        f"{notify_by.isoformat()} (72 hours from awareness, Art. 33(1))\n"
    )
    return 0


def _open_line(line: OpenBreach) -> str:
    flag = " OVERDUE" if line.overdue else ""
    risk = "not assessed" if line.risk is None else line.risk.value
    steps = ", ".join(s.value for s in line.next_steps) or "none"
    return (
        f"{line.id}  {line.state.value}  risk {risk}  notify by {line.notify_by.isoformat()} "
        f"({line.hours_remaining:.1f} h){flag}  next: {steps}\n"
    )


def _breach_line(breach: Breach) -> str:
    closed = "" if breach.closed_at is None else f"  closed {breach.closed_at.isoformat()}"
    return f"{breach.id}  {breach.state.value}  aware {breach.aware_at.isoformat()}{closed}\n"


def _breach_list(args: argparse.Namespace, ctx: Context) -> int:
    register = _service(args, ctx).breaches
    if args.all:
        breaches = register.breaches()
        if args.json:
            rows = [
                {
                    "id": b.id,
                    "state": b.state.value,
                    "aware_at": b.aware_at.isoformat(),
                    "notify_by": b.notify_by.isoformat(),
                    "closed_at": None if b.closed_at is None else b.closed_at.isoformat(),
                }
                for b in breaches
            ]
            ctx.out.write(json.dumps(rows, indent=2, sort_keys=True) + "\n")
        else:
            ctx.out.writelines(_breach_line(b) for b in breaches)
            if not breaches:
                ctx.out.write("the register is empty\n")
        return 0
    lines = register.report()
    ctx.write_list(lines, as_json=args.json, empty="no open breaches", line=_open_line)
    return 0


def _breach_assess(args: argparse.Namespace, ctx: Context) -> int:
    breach = _service(args, ctx).breaches.assess(
        args.breach_id,
        risk=args.risk,
        consequences=args.consequences,
        reasoning=args.reasoning,
        actor=ctx.actor(args),
    )
    ctx.out.write(f"breach {breach.id}: assessed as {args.risk}; now {breach.state.value}\n")
    return 0


def _breach_decide(args: argparse.Namespace, ctx: Context) -> int:
    breach = _service(args, ctx).breaches.decide(
        args.breach_id, notify=args.notify, reasoning=args.reasoning, actor=ctx.actor(args)
    )
    ctx.out.write(f"breach {breach.id}: decided; now {breach.state.value}\n")
    return 0


def _breach_close(args: argparse.Namespace, ctx: Context) -> int:
    breach = _service(args, ctx).breaches.close(
        args.breach_id, actor=ctx.actor(args), note=args.note
    )
    ctx.out.write(f"breach {breach.id}: closed\n")
    return 0
