"""Commands about stored data and its retention: init, sweep, hold, event, review.

``sweep`` disposes of what is due (Art. 5(1)(e)) in batches, with its progress on
standard error; ``--dry-run`` lists what it would do and changes nothing (RET-10).
Holds block disposal without moving any date (Art. 17(3)(e); RET-07), events start the
retention clocks that run from them (RET-08), and reviews decide the records a
``review`` rule keeps until someone approves (RET-09).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from gdprkit.cli._shared import (
    Context,
    Progress,
    add_handler,
    jsonable,
    opened,
    parse_when,
    store_options,
)
from gdprkit.clock import SystemClock
from gdprkit.storage.types import ReviewState

if TYPE_CHECKING:
    from gdprkit.retention.engine import Plan, SweepReport
    from gdprkit.storage.types import Hold, ReviewTask

__all__ = ["positive", "register"]

_SCOPES = ("subject", "record", "purpose", "category")


def positive(text: str) -> int:
    """Parse a positive integer option (argparse type: a bad value is a usage error)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a positive integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be a positive integer")
    return value


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the retention commands to the ``gdprkit`` parser."""
    init = commands.add_parser(
        "init",
        parents=[store_options(policy=False)],
        help="create the database and its root secret under the key-encryption key",
    )
    add_handler(init, _init)

    sweep = commands.add_parser(
        "sweep", parents=[store_options()], help="dispose of everything due (Art. 5(1)(e))"
    )
    sweep.add_argument("--dry-run", action="store_true", help="list what is due; change nothing")
    sweep.add_argument("--batch-size", type=positive, default=500, metavar="N")
    sweep.add_argument("--max-batches", type=positive, metavar="N", help="stop after N batches")
    sweep.add_argument("--limit", type=positive, default=20, metavar="N", help="dry run: list N")
    sweep.add_argument("--json", action="store_true", help="machine-readable output")
    add_handler(sweep, _sweep)

    _register_holds(commands)
    _register_events(commands)
    _register_reviews(commands)


def _register_holds(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    hold = commands.add_parser("hold", help="legal holds: block disposal (Art. 17(3)(e))")
    sub = hold.add_subparsers(dest="action", required=True, metavar="ACTION")
    place = sub.add_parser("place", parents=[store_options()], help="place a hold")
    target = place.add_mutually_exclusive_group(required=True)
    for scope in _SCOPES:
        target.add_argument(f"--{scope}", metavar="ID", help=f"hold one {scope}")
    place.add_argument("--reason", required=True, help="why, without personal data")
    place.add_argument("--matter", required=True, metavar="REF", help="the legal matter")
    place.add_argument("--id", dest="hold_id", metavar="ID", help="an id of your own")
    add_handler(place, _hold_place)
    release = sub.add_parser("release", parents=[store_options()], help="release a hold")
    release.add_argument("hold_id", metavar="HOLD")
    add_handler(release, _hold_release)
    listing = sub.add_parser("list", parents=[store_options()], help="the holds in force")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    add_handler(listing, _hold_list)


def _register_events(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    event = commands.add_parser("event", help="retention trigger events (contract_end, ...)")
    sub = event.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, text in (("record", "record an event"), ("cancel", "withdraw an event")):
        parser = sub.add_parser(name, parents=[store_options()], help=text)
        parser.add_argument("event", metavar="EVENT", help="e.g. contract_end, last_activity")
        if name == "record":
            parser.add_argument(
                "--at", required=True, metavar="WHEN", help="a date, or a time with an offset"
            )
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--record", metavar="ID")
        scope.add_argument("--subject", metavar="ID")
        if name == "record":
            scope.add_argument("--all", action="store_true", help="every record (deliberately)")
        add_handler(parser, _event)


def _register_reviews(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    review = commands.add_parser("review", help="disposition reviews (RET-09)")
    sub = review.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = sub.add_parser("list", parents=[store_options()], help="review tasks")
    listing.add_argument(
        "--state", choices=("pending", "approved", "extended", "all"), default="pending"
    )
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    add_handler(listing, _review_list)
    approve = sub.add_parser("approve", parents=[store_options()], help="approve disposal")
    approve.add_argument("review_id", metavar="REVIEW")
    approve.add_argument("--justification", required=True, help="why, without personal data")
    add_handler(approve, _review_decide)
    extend = sub.add_parser("extend", parents=[store_options()], help="keep the record longer")
    extend.add_argument("review_id", metavar="REVIEW")
    extend.add_argument("--until", required=True, metavar="WHEN", help="due again from then")
    extend.add_argument("--justification", required=True, help="why, without personal data")
    add_handler(extend, _review_decide)


# --- init and sweep ---------------------------------------------------------------------


def _init(args: argparse.Namespace, ctx: Context) -> int:
    from gdprkit.service._secrets import load_secrets  # noqa: PLC0415 - the one root-secret loader

    provider = ctx.key_provider(args)
    store = ctx.store(args, create=True)
    opened(lambda: load_secrets(store, provider, SystemClock()))
    ctx.out.write(
        f"database ready: {store!r}, root secret under KEK {provider.kek_id!r} "
        f"(current version {provider.current_version})\n"
    )
    return 0


def _plan_lines(plan: Plan) -> list[str]:
    lines = [f"dry run at {plan.at.isoformat()}: {plan.due} links due; nothing was changed\n"]
    for item in plan.items:
        what = item.effect.value
        if item.fields:
            what += f" {','.join(item.fields)}"
        if item.action:
            what += f" ({item.action})"
        if item.hold_ids:
            what += f" held by {','.join(item.hold_ids)}"
        lines.append(f"  record {item.record_id} {item.purpose_id}: {what} [{item.reason}]\n")
    if plan.truncated:
        lines.append(f"  ... and {plan.due - len(plan.items)} more\n")
    return lines


def _report_line(report: SweepReport) -> str:
    late = report.max_lateness
    return (
        f"swept in {report.batches} batches: {report.links_ended} links ended, "
        f"{report.fields_removed} fields removed, {report.records_disposed} records disposed, "
        f"{report.subjects_shredded} subjects shredded, {report.deferred} deferred by holds, "
        f"{report.reviews_opened} reviews opened, {report.awaiting_review} awaiting review, "
        f"{report.tasks_created} disposal tasks created"
        + ("" if late is None else f"; at most {late} after the due date")
        + "\n"
    )


def _sweep(args: argparse.Namespace, ctx: Context) -> int:
    service = ctx.service(args)
    if args.dry_run:
        plan = service.engine.plan(limit=args.limit)
        if args.json:
            data = jsonable(plan) | {"truncated": plan.truncated}
            ctx.out.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
        else:
            ctx.out.writelines(_plan_lines(plan))
        return 0
    progress = Progress(ctx.err, "links")
    try:
        report = service.engine.sweep(
            batch_size=args.batch_size, max_batches=args.max_batches, progress=progress
        )
    finally:
        progress.finish()
    if args.json:
        ctx.write_json(report)
    else:
        ctx.out.write(_report_line(report))
    return 0


# --- holds ------------------------------------------------------------------------------


def _hold_line(hold: Hold) -> str:
    return (
        f"{hold.id}  {hold.scope.value} {hold.scope_value}  matter {hold.matter_ref}  "
        f"placed {hold.created_at.isoformat()} by {hold.created_by}\n"
    )


def _hold_place(args: argparse.Namespace, ctx: Context) -> int:
    service = ctx.service(args)
    scope = next(s for s in _SCOPES if getattr(args, s) is not None)
    hold = service.holds.place(
        scope,
        getattr(args, scope),
        reason=args.reason,
        matter_ref=args.matter,
        actor=ctx.actor(args),
        hold_id=args.hold_id,
    )
    ctx.out.write(f"placed hold {hold.id} on {scope} {hold.scope_value}\n")
    return 0


def _hold_release(args: argparse.Namespace, ctx: Context) -> int:
    hold = ctx.service(args).holds.release(args.hold_id, actor=ctx.actor(args))
    ctx.out.write(f"released hold {hold.id}; what it blocked and is past its date is due now\n")
    return 0


def _hold_list(args: argparse.Namespace, ctx: Context) -> int:
    holds = ctx.service(args).holds.active()
    ctx.write_list(holds, as_json=args.json, empty="no holds in force", line=_hold_line)
    return 0


# --- events -----------------------------------------------------------------------------


def _event(args: argparse.Namespace, ctx: Context) -> int:
    service = ctx.service(args)
    actor = ctx.actor(args)
    if args.action == "cancel":
        changed = service.cancel_event(
            args.event, record_id=args.record, subject_id=args.subject, actor=actor
        )
        ctx.out.write(f"cancelled {args.event}: {changed} links await it again\n")
        return 0
    when = parse_when(args.at, service.policy.organisation.tz, "--at")
    changed = service.record_event(
        args.event,
        when,
        record_id=args.record,
        subject_id=args.subject,
        scope_all=args.all,
        actor=actor,
    )
    ctx.out.write(f"recorded {args.event} at {when.isoformat()}: {changed} links rescheduled\n")
    return 0


# --- reviews ----------------------------------------------------------------------------


def _review_line(task: ReviewTask) -> str:
    line = (
        f"{task.id}  record {task.record_id} {task.purpose_id}  due {task.due_at.isoformat()}  "
        f"{task.state.value}"
    )
    if task.decided_by is not None:
        line += f" by {task.decided_by}"
    return line + "\n"


def _review_list(args: argparse.Namespace, ctx: Context) -> int:
    state = None if args.state == "all" else ReviewState(args.state)
    tasks = ctx.service(args).engine.reviews(state=state)
    empty = f"no {args.state} reviews" if state else "no reviews"
    ctx.write_list(tasks, as_json=args.json, empty=empty, line=_review_line)
    return 0


def _review_decide(args: argparse.Namespace, ctx: Context) -> int:
    service = ctx.service(args)
    actor = ctx.actor(args)
    if args.action == "approve":
        task = service.engine.approve(args.review_id, actor=actor, justification=args.justification)
        ctx.out.write(f"approved {task.id}: the next sweep disposes of it\n")
        return 0
    until = parse_when(args.until, service.policy.organisation.tz, "--until")
    task = service.engine.extend(
        args.review_id, keep_until=until, actor=actor, justification=args.justification
    )
    ctx.out.write(f"extended {task.id}: due again from {until.isoformat()}\n")
    return 0
