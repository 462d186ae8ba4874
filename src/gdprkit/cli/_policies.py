"""Commands about the policy itself: check, notice, ropa, policy diff and policy apply.

``check``, ``notice``, ``ropa`` and ``policy diff`` read policy files only; ``policy
apply`` reschedules stored retention dates, and only after a preview and its
confirmation token (LEGAL.md RET-10): until then the stored dates, and so every sweep,
follow the policy in force.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

from gdprkit.cli._shared import Context, add_handler, jsonable, store_options
from gdprkit.documents import (
    privacy_notice,
    records_of_processing,
    records_to_csv,
    records_to_json,
    records_to_markdown,
    to_html,
    to_json,
    to_markdown,
)
from gdprkit.policy import Policy, find_warnings, load_policy
from gdprkit.policy.diff import PolicyDiff, diff_policies
from gdprkit.policy.summary import summarise

if TYPE_CHECKING:
    import argparse

    from gdprkit.retention.policy_change import PolicyPreview

__all__ = ["register"]

_LISTED = 20
"""How many links due at once ``policy apply`` lists before "and N more"."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the policy commands to the ``gdprkit`` parser."""
    check = commands.add_parser("check", help="validate a TOML policy and summarise it")
    check.add_argument("policy_file", metavar="POLICY", type=Path, help="the policy (TOML)")
    check.add_argument("--quiet", action="store_true", help="print problems only")
    add_handler(check, _check)

    notice = commands.add_parser("notice", help="write the privacy notice (Art. 13, 14)")
    notice.add_argument("policy_file", metavar="POLICY", type=Path, help="the policy (TOML)")
    notice.add_argument("--lang", choices=("en", "sv"), default="en", help="default: en")
    notice.add_argument("--format", choices=("md", "html", "json"), default="md")
    notice.add_argument("--layer", choices=("full", "short"), default="full")
    add_handler(notice, _notice)

    ropa = commands.add_parser("ropa", help="write the records of processing (Art. 30)")
    ropa.add_argument("policy_file", metavar="POLICY", type=Path, help="the policy (TOML)")
    ropa.add_argument("--format", choices=("json", "csv", "md"), default="md")
    ropa.add_argument("--lang", choices=("en", "sv"), default="en", help="default: en")
    ropa.add_argument("--as-of", metavar="DATE", help="the snapshot date (default: today)")
    ropa.add_argument(
        "--table",
        choices=("activities", "on_behalf", "recipients"),
        default="activities",
        help="the table for --format csv",
    )
    add_handler(ropa, _ropa)

    policy = commands.add_parser("policy", help="compare policy versions and apply a new one")
    sub = policy.add_subparsers(dest="action", required=True, metavar="ACTION")
    diff = sub.add_parser("diff", help="what changed between two versions and what it requires")
    diff.add_argument("old", metavar="OLD", type=Path)
    diff.add_argument("new", metavar="NEW", type=Path)
    diff.add_argument("--json", action="store_true", help="machine-readable output")
    add_handler(diff, _diff)
    apply = sub.add_parser(
        "apply",
        parents=[store_options()],
        help="preview a new version against the stored data; apply it with --confirm",
    )
    apply.add_argument("new", metavar="NEW", type=Path, help="the new policy (TOML)")
    apply.add_argument("--confirm", metavar="TOKEN", help="the token the preview printed")
    apply.add_argument("--json", action="store_true", help="machine-readable preview")
    add_handler(apply, _apply)


def _check(args: argparse.Namespace, ctx: Context) -> int:
    policy = load_policy(args.policy_file)
    if not args.quiet:
        ctx.out.write(summarise(policy))
        ctx.out.writelines(f"warning: {warning}\n" for warning in find_warnings(policy))
    ctx.out.write(f"{args.policy_file}: valid (content hash {policy.content_hash[:16]})\n")
    return 0


def _notice(args: argparse.Namespace, ctx: Context) -> int:
    document = privacy_notice(load_policy(args.policy_file), language=args.lang, layer=args.layer)
    render = {"md": to_markdown, "html": to_html, "json": to_json}[args.format]
    text = render(document)
    ctx.out.write(text if text.endswith("\n") else text + "\n")
    return 0


def _today(policy: Policy) -> dt.date:
    return dt.datetime.now(policy.organisation.tz).date()


def _ropa(args: argparse.Namespace, ctx: Context) -> int:
    policy = load_policy(args.policy_file)
    if args.as_of is None:
        as_of = _today(policy)
    else:
        try:
            as_of = dt.date.fromisoformat(args.as_of)
        except ValueError:
            from gdprkit.errors import InvalidInputError  # noqa: PLC0415 - the error path only

            raise InvalidInputError("--as-of must be a date (YYYY-MM-DD)") from None
    records = records_of_processing(policy, as_of=as_of, language=args.lang)
    if args.format == "json":
        text = records_to_json(records)
    elif args.format == "csv":
        text = records_to_csv(records, args.table)
    else:
        text = records_to_markdown(records)
    ctx.out.write(text if text.endswith("\n") else text + "\n")
    return 0


def _diff_lines(diff: PolicyDiff) -> list[str]:
    if not diff.changes:
        return ["no changes\n"]
    lines = [
        f"{change.path}: {change.summary} (requires: {', '.join(sorted(change.requires))})\n"
        for change in diff.changes
    ]
    lines.append(f"together: {', '.join(sorted(diff.requires))}\n")
    return lines


def _diff(args: argparse.Namespace, ctx: Context) -> int:
    diff = diff_policies(load_policy(args.old), load_policy(args.new))
    if args.json:
        data = jsonable(diff) | {"requires": sorted(diff.requires)}
        ctx.out.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
    else:
        ctx.out.writelines(_diff_lines(diff))
    return 0


def _preview_lines(preview: PolicyPreview) -> list[str]:
    lines = _diff_lines(preview.diff)
    lines.append(
        f"{preview.rescheduled} stored links get a new retention date; "
        f"{preview.due_at_once} of them would be due at once\n"
    )
    lines.extend(
        f"  due at once: record {item.record_id} {item.purpose_id} "
        f"(now {_iso(item.old_eligible_from)}, would be {_iso(item.new_eligible_from)})\n"
        for item in preview.items[:_LISTED]
    )
    if preview.due_at_once > _LISTED:
        lines.append(f"  ... and {preview.due_at_once - _LISTED} more\n")
    return lines


def _iso(value: dt.datetime | None) -> str:
    return "awaiting its trigger" if value is None else value.isoformat()


def _apply(args: argparse.Namespace, ctx: Context) -> int:
    service = ctx.service(args)
    new = load_policy(args.new)
    if args.confirm is None:
        preview = service.preview_policy(new)
        if args.json:
            data = jsonable(preview)
            data["diff"]["requires"] = sorted(preview.diff.requires)
            ctx.out.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
            return 0
        ctx.out.writelines(_preview_lines(preview))
        ctx.out.write(
            "nothing applied. To apply this change, run the same command with "
            f"--confirm {preview.token}\n"
        )
        return 0
    changed = service.apply_policy(new, confirm=args.confirm, actor=ctx.actor(args))
    ctx.out.write(
        f"applied: {changed} links rescheduled under {args.new} "
        f"(content hash {new.content_hash[:16]}). Use it as the policy in force from now "
        "on (--policy or GDPRKIT_POLICY).\n"
    )
    return 0
