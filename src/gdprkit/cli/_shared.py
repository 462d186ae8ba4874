"""What every ``gdprkit`` command shares: options, opening the database, keys, dates, output.

The database, the key-encryption key and the policy each come from an option or, when
the option is absent, from an environment variable, so a cron job can set them once:

* ``--db`` / ``GDPRKIT_DB``: ``sqlite:///PATH``, a plain file path, or a
  ``postgresql://`` URL; ``gdprkit.db`` in the current directory by default. A missing
  SQLite file is an error except for ``gdprkit init``, so a mistyped path never
  silently becomes a new, empty database.
* ``--keys`` / ``GDPRKIT_KEK_FILE``, else ``GDPRKIT_KEK``: the KEK entries
  (:class:`~gdprkit.crypto.LocalKeyProvider`).
* ``--policy`` / ``GDPRKIT_POLICY``: the TOML policy in force.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import enum
import json
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import attrs

from gdprkit.clock import SystemClock
from gdprkit.crypto import LocalKeyProvider
from gdprkit.errors import (
    CryptoError,
    InvalidInputError,
    KeyProviderError,
    NaiveDatetimeError,
    NotFoundError,
)
from gdprkit.legaltime.localtime import start_of_day
from gdprkit.policy import Policy, load_policy

if TYPE_CHECKING:
    from gdprkit.retention.engine import SweepProgress
    from gdprkit.service import PrivacyService
    from gdprkit.storage.protocol import Store

__all__ = [
    "DEFAULT_DB",
    "ENV_ACTOR",
    "ENV_DB",
    "ENV_KEK",
    "ENV_KEK_FILE",
    "ENV_POLICY",
    "Context",
    "Handler",
    "Progress",
    "add_handler",
    "jsonable",
    "opened",
    "parse_when",
    "store_options",
    "write_private",
]

DEFAULT_DB = "gdprkit.db"
"""The SQLite file used when neither ``--db`` nor ``GDPRKIT_DB`` is given."""
ENV_DB = "GDPRKIT_DB"
ENV_KEK_FILE = "GDPRKIT_KEK_FILE"
ENV_KEK = "GDPRKIT_KEK"
ENV_POLICY = "GDPRKIT_POLICY"
ENV_ACTOR = "GDPRKIT_ACTOR"

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_POSTGRES = ("postgresql://", "postgres://")
_SQLITE = "sqlite:///"

_T = TypeVar("_T")

Handler = Callable[[argparse.Namespace, "Context"], int]
"""A command: takes the parsed arguments and the context, returns the exit code."""


def add_handler(parser: argparse.ArgumentParser, handler: Handler) -> None:
    """Make *handler* run when *parser*'s command is chosen."""
    parser.set_defaults(handler=handler)


def store_options(*, policy: bool = True, keys: bool = True) -> argparse.ArgumentParser:
    """Return a parent parser with the options of the commands that open the database."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--db",
        metavar="URL",
        help=f"sqlite:///PATH, a file path or postgresql://... (env {ENV_DB}; "
        f"default {DEFAULT_DB})",
    )
    if keys:
        parent.add_argument(
            "--keys",
            metavar="FILE",
            type=Path,
            help=f"the key-encryption key file (env {ENV_KEK_FILE}, else {ENV_KEK})",
        )
    if policy:
        parent.add_argument(
            "--policy",
            metavar="FILE",
            type=Path,
            help=f"the policy in force, TOML (env {ENV_POLICY})",
        )
    parent.add_argument(
        "--actor",
        metavar="NAME",
        help=f"who acts, for the audit log (env {ENV_ACTOR}; default 'cli')",
    )
    return parent


def parse_when(text: str, tz: dt.tzinfo, what: str) -> dt.datetime:
    """Return an ISO 8601 date or offset-carrying datetime from the command line, in UTC.

    A date means its first instant in the policy's time zone (*tz*). A datetime
    without an offset is refused: its instant is unknown (LEGAL.md DATE-01).
    """
    value = text.strip()
    if _DATE.fullmatch(value):
        try:
            return start_of_day(dt.date.fromisoformat(value), tz)
        except ValueError:
            raise InvalidInputError(f"{what} is not a valid date (YYYY-MM-DD)") from None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(
            f"{what} must be an ISO 8601 date (2026-03-02) or date and time with an offset "
            "(2026-03-02T09:00+01:00)"
        ) from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise NaiveDatetimeError(
            f"{what} has no UTC offset; add one (e.g. +01:00 or Z) or give a date"
        )
    return parsed.astimezone(dt.UTC)


def jsonable(value: Any) -> Any:  # noqa: ANN401 - any report value
    """Return *value* (attrs classes, enums, datetimes, tuples) as plain JSON data."""
    if attrs.has(type(value)):
        value = {f.name: getattr(value, f.name) for f in attrs.fields(type(value))}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return _scalar(value)


def _scalar(value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def write_private(path: Path, text: str) -> None:
    """Write *text* to a new file readable by its owner only (0600); never overwrite.

    For what holds personal data or keys: an access package, a KEK file.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InvalidInputError(f"{path} exists; refusing to overwrite it") from None
    except OSError as exc:
        raise InvalidInputError(f"cannot create {path}: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


class Progress:
    """The sweep's progress on standard error: a bar on a terminal, plain lines otherwise.

    Args:
        stream: Where to write (standard error).
        what: What is counted, e.g. ``"links"``.
        width: The bar's width in characters.
    """

    def __init__(self, stream: TextIO, what: str, *, width: int = 30) -> None:
        self._stream = stream
        self._what = what
        self._width = width
        self._tty = stream.isatty()
        self._drawn = False

    def __call__(self, progress: SweepProgress) -> None:
        """Show the sweep's state after a committed batch."""
        done, total = progress.links, max(progress.due_at_start, progress.links)
        if self._tty:
            share = done / total if total else 1.0
            filled = round(share * self._width)
            bar = "#" * filled + " " * (self._width - filled)
            self._stream.write(f"\r[{bar}] {share:4.0%} {done}/{total} {self._what}")
            self._drawn = True
        else:
            self._stream.write(f"sweep: batch {progress.batches}, {done}/{total} {self._what}\n")
        self._stream.flush()

    def finish(self) -> None:
        """End the bar's line, if one was drawn."""
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()


@attrs.define
class Context:
    """Where a command writes, what it reads from the environment, what it must close.

    Attributes:
        out: Standard output (results).
        err: Standard error (progress, warnings, errors).
        environ: The environment the options fall back to.
        closing: Closed when the command ends (the store).
    """

    out: TextIO
    err: TextIO = attrs.field(factory=lambda: sys.stderr)
    environ: Mapping[str, str] = attrs.field(factory=lambda: os.environ)
    closing: contextlib.ExitStack = attrs.field(factory=contextlib.ExitStack)

    def write_json(self, value: Any) -> None:  # noqa: ANN401 - any report value
        """Write *value* to standard output as indented JSON (``--json``)."""
        self.out.write(json.dumps(jsonable(value), indent=2, sort_keys=True) + "\n")

    def write_list(
        self, items: Sequence[_T], *, as_json: bool, empty: str, line: Callable[[_T], str]
    ) -> None:
        """Write a list command's result: JSON, the *empty* sentence, or a line per item."""
        if as_json:
            self.write_json(items)
        elif not items:
            self.out.write(empty + "\n")
        else:
            self.out.writelines(line(item) for item in items)

    def _option(self, args: argparse.Namespace, name: str, env: str) -> str | None:
        value = getattr(args, name, None)
        if value is not None:
            return str(value)
        return self.environ.get(env) or None

    def actor(self, args: argparse.Namespace) -> str:
        """Return who acts: ``--actor``, ``GDPRKIT_ACTOR`` or ``cli``."""
        return self._option(args, "actor", ENV_ACTOR) or "cli"

    def policy(self, args: argparse.Namespace) -> Policy:
        """Load the policy in force (``--policy`` or ``GDPRKIT_POLICY``)."""
        path = self._option(args, "policy", ENV_POLICY)
        if path is None:
            raise InvalidInputError(f"no policy: pass --policy FILE or set {ENV_POLICY}")
        return load_policy(Path(path))

    def key_provider(self, args: argparse.Namespace) -> LocalKeyProvider:
        """Load the KEK: ``--keys``, ``GDPRKIT_KEK_FILE`` or ``GDPRKIT_KEK``."""
        path = self._option(args, "keys", ENV_KEK_FILE)
        if path is not None:
            return LocalKeyProvider.from_file(path)
        if self.environ.get(ENV_KEK):
            return LocalKeyProvider.from_env(ENV_KEK, environ=self.environ)
        raise KeyProviderError(
            f"no key-encryption key: pass --keys FILE or set {ENV_KEK_FILE} or {ENV_KEK} "
            "(make one with 'gdprkit keys new FILE')"
        )

    def db_url(self, args: argparse.Namespace) -> str:
        """Return the database URL or path (``--db``, ``GDPRKIT_DB``, ``gdprkit.db``)."""
        return self._option(args, "db", ENV_DB) or DEFAULT_DB

    def store(self, args: argparse.Namespace, *, create: bool = False) -> Store:
        """Open the database; it is closed when the command ends.

        Raises:
            NotFoundError: the SQLite file does not exist and *create* is not set.
            InvalidInputError: the URL's scheme is neither SQLite nor PostgreSQL.
        """
        url = self.db_url(args)
        if url.startswith(_POSTGRES):
            from gdprkit.storage.postgres import PostgresStore  # noqa: PLC0415 - psycopg is optional

            pg = PostgresStore(url)
            self.closing.callback(pg.close)
            return pg
        if url.startswith(_SQLITE):
            url = url.removeprefix(_SQLITE)
        elif "://" in url:
            raise InvalidInputError(
                "--db must be sqlite:///PATH, a file path or a postgresql:// URL"
            )
        path = Path(url)
        if not create and not path.exists():
            raise NotFoundError(
                f"no database at {path}: create it with 'gdprkit init' "
                f"(or point --db / {ENV_DB} at yours)"
            )
        from gdprkit.storage.sqlite import SQLiteStore  # noqa: PLC0415 - only the commands that store

        sqlite = SQLiteStore(path)
        self.closing.callback(sqlite.close)
        return sqlite

    def service(self, args: argparse.Namespace, *, create: bool = False) -> PrivacyService:
        """Build the privacy service over the database, the KEK and the policy."""
        from gdprkit.service import PrivacyService  # noqa: PLC0415 - keeps 'check' light

        policy = self.policy(args)
        provider = self.key_provider(args)
        store = self.store(args, create=create)
        return opened(lambda: PrivacyService(policy, store, provider, clock=SystemClock()))


def opened(make: Callable[[], _T]) -> _T:
    """Run *make*, translating a KEK that does not open the database into one clear error."""
    try:
        return make()
    except CryptoError:
        raise KeyProviderError(
            "the key-encryption key does not open this database (wrong key file?)"
        ) from None
