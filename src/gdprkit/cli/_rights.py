"""``gdprkit request``: data-subject requests from receipt to answer (Art. 12, 15-21).

A request is received (the Art. 12(3) month starts) and later answered; the answering
commands also take ``--subject`` or ``--email`` instead of a request id, to receive and
answer in one step. The terminal never shows personal data it was not asked for: the
access package and the portability export go to the file named by ``--out`` (created
readable by its owner only, never overwritten); ``--out -`` prints them deliberately.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from gdprkit.cli._shared import (
    Context,
    add_handler,
    parse_when,
    store_options,
    write_private,
)
from gdprkit.errors import ConflictError, InvalidInputError, NotFoundError
from gdprkit.requests import OPEN_STATES, RequestKind, RightsDesk

if TYPE_CHECKING:
    import argparse

    from gdprkit.requests import RequestCase
    from gdprkit.service import PrivacyService

__all__ = ["register"]

_ANSWERS = ("access", "portability", "erase", "restrict", "object")
_KIND = {
    "access": RequestKind.ACCESS,
    "portability": RequestKind.PORTABILITY,
    "erase": RequestKind.ERASURE,
    "restrict": RequestKind.RESTRICTION,
    "object": RequestKind.OBJECTION,
}


def _who(parser: argparse.ArgumentParser, *, required: bool) -> None:
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument("--subject", metavar="ID", help="the requester's subject id")
    group.add_argument("--email", metavar="ADDRESS", help="find the requester by e-mail")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``gdprkit request`` to the ``gdprkit`` parser."""
    request = commands.add_parser("request", help="data-subject requests (Art. 15-21)")
    sub = request.add_subparsers(dest="action", required=True, metavar="ACTION")

    receive = sub.add_parser("receive", parents=[store_options()], help="record a request")
    receive.add_argument("kind", metavar="KIND", choices=[k.value for k in RequestKind])
    _who(receive, required=True)
    receive.add_argument("--received-at", metavar="WHEN", help="when it arrived (default: now)")
    receive.add_argument(
        "--channel", default="electronic", choices=("electronic", "post", "in_person", "phone")
    )
    add_handler(receive, _receive)

    listing = sub.add_parser("list", parents=[store_options()], help="open requests, soonest due")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    add_handler(listing, _list)

    for name in _ANSWERS:
        parser = sub.add_parser(name, parents=[store_options()], help=f"answer a {name} request")
        parser.add_argument("request_id", metavar="REQUEST", nargs="?", help="the request id")
        _who(parser, required=False)
        _answer_options(name, parser)
        add_handler(parser, _answer)

    refuse = sub.add_parser("refuse", parents=[store_options()], help="refuse (Art. 12(4))")
    refuse.add_argument("request_id", metavar="REQUEST")
    refuse.add_argument(
        "--ground",
        required=True,
        choices=(
            "manifestly_unfounded",
            "excessive",
            "identity_not_confirmed",
            "right_does_not_apply",
        ),
    )
    refuse.add_argument("--explanation", required=True, help="the reasons, told to the person")
    refuse.add_argument("--lang", choices=("en", "sv"), default="en")
    add_handler(refuse, _refuse)

    extend = sub.add_parser("extend", parents=[store_options()], help="extend once (Art. 12(3))")
    extend.add_argument("request_id", metavar="REQUEST")
    extend.add_argument("--reason", required=True, choices=("complexity", "number_of_requests"))
    extend.add_argument("--explanation", required=True, help="the reasons, told to the person")
    extend.add_argument("--lang", choices=("en", "sv"), default="en")
    add_handler(extend, _extend)


def _answer_options(name: str, parser: argparse.ArgumentParser) -> None:
    if name in {"access", "portability", "erase"}:
        parser.add_argument(
            "--out",
            metavar="FILE",
            required=name != "erase",
            help="write the answer here (mode 0600, never overwritten); '-' for stdout",
        )
    if name in {"access", "erase"}:
        parser.add_argument("--lang", choices=("en", "sv"), default="en")
    if name == "access":
        parser.add_argument("--format", choices=("json", "md"), default="json")
    if name == "portability":
        parser.add_argument("--format", choices=("json", "csv"), default="json")
    if name == "erase":
        parser.add_argument(
            "--ground",
            required=True,
            choices=(
                "no_longer_necessary",
                "consent_withdrawn",
                "objection",
                "unlawful",
                "legal_obligation",
                "child_service",
            ),
        )
    if name == "restrict":
        parser.add_argument(
            "--ground",
            required=True,
            choices=("accuracy_contested", "unlawful_keep", "legal_claims", "objection_pending"),
        )
    if name in {"restrict", "object"}:
        parser.add_argument(
            "--purpose", action="append", metavar="ID", help="only this purpose (repeatable)"
        )
    if name == "object":
        parser.add_argument(
            "--marketing",
            action="store_true",
            help="an objection to direct marketing: absolute, at once (Art. 21(2),(3))",
        )


def _desk(args: argparse.Namespace, ctx: Context) -> tuple[PrivacyService, RightsDesk]:
    service = ctx.service(args)
    return service, RightsDesk(service, ctx.key_provider(args))


def _subject(service: PrivacyService, args: argparse.Namespace) -> str:
    if args.subject is not None:
        return str(args.subject)
    found = service.find_subjects(email=args.email)
    if not found:
        raise NotFoundError("no subject has that e-mail address")
    if len(found) > 1:
        raise ConflictError(
            f"{len(found)} subjects have that e-mail address; pass --subject ID instead"
        )
    return found[0]


def _case_line(case: RequestCase) -> str:
    deadline = case.deadline
    return (
        f"request {case.id} ({case.kind.value}, {case.state.value}): due "
        f"{deadline.due_strict.isoformat()} (rolled to {deadline.due_rolled.isoformat()})\n"
    )


def _receive(args: argparse.Namespace, ctx: Context) -> int:
    service, desk = _desk(args, ctx)
    received = None
    if args.received_at is not None:
        received = parse_when(args.received_at, service.policy.organisation.tz, "--received-at")
    case = desk.receive(
        _subject(service, args),
        args.kind,
        received_at=received,
        channel=args.channel,
        actor=ctx.actor(args),
    )
    ctx.out.write(_case_line(case))
    return 0


def _list(args: argparse.Namespace, ctx: Context) -> int:
    service, desk = _desk(args, ctx)
    stored = service.store.requests_in_state(sorted(OPEN_STATES), limit=10_000)
    cases = sorted((desk.get(r.id) for r in stored), key=lambda c: (c.deadline.due_strict, c.id))
    if args.json:
        rows = [
            {
                "id": c.id,
                "subject_id": c.subject_id,
                "kind": c.kind.value,
                "state": c.state.value,
                "received_at": c.received_at.isoformat(),
                "due": c.deadline.due_strict.isoformat(),
                "due_rolled": c.deadline.due_rolled.isoformat(),
            }
            for c in cases
        ]
        ctx.out.write(json.dumps(rows, indent=2, sort_keys=True) + "\n")
    elif not cases:
        ctx.out.write("no open requests\n")
    else:
        ctx.out.writelines(_case_line(c) for c in cases)
    return 0


def _check_target(path: Path) -> None:
    """Refuse an ``--out`` file that exists or cannot be created, before answering."""
    if path.exists():
        raise InvalidInputError(f"{path} exists; refusing to overwrite it")
    if not path.parent.is_dir():
        raise InvalidInputError(f"cannot create {path}: no such directory")


def _emit(ctx: Context, out: str, text: str) -> str:
    """Write an answer holding personal data to *out*; return where it went, in words."""
    if out == "-":
        ctx.out.write(text)
        return "standard output"
    write_private(Path(out), text)
    return out


def _answer(args: argparse.Namespace, ctx: Context) -> int:
    service, desk = _desk(args, ctx)
    if (args.request_id is None) == (args.subject is None and args.email is None):
        raise InvalidInputError("give a request id, or --subject or --email to receive one now")
    out = getattr(args, "out", None)
    if out not in {None, "-"}:
        _check_target(Path(out))  # before the request is answered and completed
    actor = ctx.actor(args)
    request_id = args.request_id
    if args.action == "access":
        if request_id is None:  # received and answered in one transaction
            package = desk.answer_access(subject_id=args.subject, email=args.email, actor=actor)
            request_id = str(package["request"]["id"])
        else:
            package = desk.access(request_id, actor=actor)
        text = package.to_json() if args.format == "json" else package.to_markdown(args.lang)
        where = _emit(ctx, args.out, text)
        ctx.err.write(f"request {request_id}: access package written to {where}\n")
        return 0
    if request_id is None:
        request_id = desk.receive(_subject(service, args), _KIND[args.action], actor=actor).id
    if args.action == "portability":
        export = desk.portability(request_id, actor=actor)
        where = _emit(ctx, args.out, export.to_json() if args.format == "json" else export.to_csv())
        ctx.err.write(f"request {request_id}: portability export written to {where}\n")
    elif args.action == "erase":
        _erase(args, ctx, desk=desk, request_id=request_id, actor=actor)
    elif args.action == "restrict":
        result = desk.restrict(request_id, ground=args.ground, purposes=args.purpose, actor=actor)
        ctx.out.write(f"request {request_id}: {result.links} links restricted (Art. 18)\n")
        _notices(ctx, [t.name for t in result.notices])
    else:
        _object(args, ctx, desk, request_id, actor)
    return 0


def _erase(
    args: argparse.Namespace,
    ctx: Context,
    *,
    desk: RightsDesk,
    request_id: str,
    actor: str,
) -> None:
    answer = desk.erase(request_id, ground=args.ground, actor=actor)
    ctx.out.write(
        f"request {request_id}: erasure ended purposes of {len(answer.erased)} records; "
        f"{len(answer.kept)} kept under an Art. 17(3) exception\n"
    )
    for kept in answer.kept:
        ctx.out.write(
            f"  kept: record {kept['record_id']} for {kept['purpose']} "
            f"({kept['exception']}) through {kept['keep_through'] or 'its trigger'}\n"
        )
    if args.out is not None:
        where = _emit(ctx, args.out, answer.to_markdown(args.lang))
        ctx.err.write(f"request {request_id}: the answer written to {where}\n")


def _object(
    args: argparse.Namespace, ctx: Context, desk: RightsDesk, request_id: str, actor: str
) -> None:
    if args.marketing:
        result = desk.object_to_marketing(request_id, purposes=args.purpose, actor=actor)
    elif not args.purpose:
        raise InvalidInputError("name the purposes objected to (--purpose) or pass --marketing")
    else:
        result = desk.object(request_id, purposes=args.purpose, actor=actor)
    ctx.out.write(
        f"request {request_id}: objection upheld for {', '.join(result.upheld) or 'nothing'}; "
        f"{result.links_ended} links ended, {result.suppressed} addresses suppressed\n"
    )


def _notices(ctx: Context, names: list[str]) -> None:
    if names:
        ctx.out.write(f"  tell the recipients (Art. 19): {', '.join(names)}\n")


def _refuse(args: argparse.Namespace, ctx: Context) -> int:
    _, desk = _desk(args, ctx)
    refusal = desk.refuse(
        args.request_id, ground=args.ground, explanation=args.explanation, actor=ctx.actor(args)
    )
    ctx.out.write(refusal.text.get(args.lang) + "\n")
    return 0


def _extend(args: argparse.Namespace, ctx: Context) -> int:
    _, desk = _desk(args, ctx)
    extension = desk.extend(
        args.request_id, reason=args.reason, explanation=args.explanation, actor=ctx.actor(args)
    )
    ctx.out.write(extension.text.get(args.lang) + "\n")
    return 0
