"""Every error gdprkit raises, under one root.

Each class also inherits the builtin exception a caller would naturally catch, so
``except ValueError`` keeps working around a bad date and ``except LookupError``
around an unknown subject. Messages say what is wrong and where (a path into the
policy, a table, an id) and never contain personal data or key material.

The tree::

    GdprKitError
    ├── PolicyError (ValueError)              a policy is invalid; lists every problem
    │   ├── PolicyFileError                   a policy file cannot be read or parsed
    │   └── DocumentError                     a generated document lacks a required item (NOT-01)
    ├── TimeError (ValueError)                a datetime gdprkit cannot use safely
    │   ├── NaiveDatetimeError                no time zone attached (DATE-01)
    │   ├── NonexistentLocalTimeError         skipped by a DST change (DATE-08)
    │   └── AmbiguousLocalTimeError           repeated by a DST change, no fold (DATE-08)
    ├── DeadlineError (ValueError)            a request deadline rule was broken (DSR-03)
    ├── InvalidInputError (ValueError)        an argument gdprkit cannot use (type, empty id, …)
    ├── NotDeclaredError (ValueError)         data or a use the policy does not declare (Art. 5(1))
    ├── AccessDenied (PermissionError)        a read the policy does not allow (Art. 5(1)(b), 32(4))
    ├── ConsentError (ValueError)             a consent that does not count (Art. 4(11), 7)
    ├── NotFoundError (LookupError)           an id that does not exist
    ├── ConflictError (ValueError)            a write that contradicts stored state
    ├── StorageError (RuntimeError)           the backend failed; nothing was half-written
    │   ├── SchemaError                       not a gdprkit database, or a newer schema
    │   └── ClaimLostError                    a sweep claim expired and was taken over
    ├── AuditChainError (ValueError)          the audit log fails verification (Art. 5(2))
    ├── CryptoError (ValueError)              a token cannot be decrypted; never says why
    │   └── SubjectErasedError                the subject's keys were destroyed (Art. 17)
    ├── KeyProviderError (RuntimeError)       the key-encryption key is unavailable
    └── MissingExtraError (ImportError)       an optional extra is not installed

The class names are part of the public API; messages are not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

__all__ = [
    "AccessDenied",
    "AmbiguousLocalTimeError",
    "AuditChainError",
    "ClaimLostError",
    "ConflictError",
    "ConsentError",
    "CryptoError",
    "DeadlineError",
    "DocumentError",
    "GdprKitError",
    "InvalidInputError",
    "KeyProviderError",
    "MissingExtraError",
    "NaiveDatetimeError",
    "NonexistentLocalTimeError",
    "NotDeclaredError",
    "NotFoundError",
    "PolicyError",
    "PolicyFileError",
    "Problem",
    "SchemaError",
    "StorageError",
    "SubjectErasedError",
    "TimeError",
]


class GdprKitError(Exception):
    """The root of every error gdprkit raises on purpose."""


@attrs.frozen(kw_only=True, order=True)
class Problem:
    """One thing wrong with a policy, located by a path into it.

    Attributes:
        path: Where the problem is, e.g. ``purposes.invoicing.legal_basis``.
        message: What is wrong, in words a data protection officer understands.
        rule: The LEGAL.md requirement or GDPR article the check enforces, e.g. ``REG-08``.
    """

    path: str
    message: str
    rule: str = ""

    def __str__(self) -> str:
        suffix = f" [{self.rule}]" if self.rule else ""
        return f"{self.path}: {self.message}{suffix}"


class PolicyError(GdprKitError, ValueError):
    """A policy declaration is invalid.

    Validation collects every problem before raising, so one run shows all of them.

    Attributes:
        problems: Each problem with its path into the policy, sorted by path.
        source: The file the policy came from, if any.
    """

    def __init__(
        self,
        problems: Iterable[Problem] | Problem,
        *,
        source: str | None = None,
    ) -> None:
        items = [problems] if isinstance(problems, Problem) else list(problems)
        self.problems: Sequence[Problem] = tuple(sorted(items))
        self.source = source
        where = f"{source}: " if source else ""
        count = len(self.problems)
        head = f"{where}policy has {count} problem{'s' if count != 1 else ''}"
        body = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{head}:\n{body}" if body else head)


class PolicyFileError(PolicyError):
    """A policy file cannot be read or parsed (I/O error, TOML syntax error)."""


class DocumentError(PolicyError):
    """A generated document would lack an item the law requires (Art. 13, 14, 30; NOT-01, CON-14).

    Raised instead of publishing an incomplete notice or record; ``problems`` lists every
    missing item with its path into the policy.
    """


class TimeError(GdprKitError, ValueError):
    """A datetime that gdprkit cannot use without guessing."""


class NaiveDatetimeError(TimeError):
    """A datetime without a time zone: its instant is unknown (LEGAL.md DATE-01)."""


class NonexistentLocalTimeError(TimeError):
    """A wall-clock time skipped by a daylight-saving change (LEGAL.md DATE-08)."""


class AmbiguousLocalTimeError(TimeError):
    """A wall-clock time that occurs twice and carries no ``fold`` (LEGAL.md DATE-08)."""


class DeadlineError(GdprKitError, ValueError):
    """A request-deadline rule was broken, e.g. a second extension (Art. 12(3))."""


class InvalidInputError(GdprKitError, ValueError):
    """An argument gdprkit cannot use: a wrong type, an empty id, an unknown event name."""


class NotDeclaredError(GdprKitError, ValueError):
    """Data or a use the policy does not declare, refused before anything is stored.

    A category no purpose of the record declares (data minimisation, Art. 5(1)(c)), or
    a further purpose the policy does not allow for data collected for another one
    (purpose limitation, Art. 5(1)(b), 6(4); LEGAL.md REG-03).
    """


class AccessDenied(GdprKitError, PermissionError):  # noqa: N818 - the name states the outcome
    """A read or use that the policy does not allow (Art. 5(1)(b), 25(2), 32(4))."""


class ConsentError(GdprKitError, ValueError):
    """A consent that does not count, or a use that needs consent that is missing (Art. 7)."""


class NotFoundError(GdprKitError, LookupError):
    """An id that does not exist in the store or the policy."""


class ConflictError(GdprKitError, ValueError):
    """A write that contradicts what is stored (a duplicate id, an append to history)."""


class StorageError(GdprKitError, RuntimeError):
    """The storage backend failed. The operation was rolled back."""


class SchemaError(StorageError):
    """The database is not a gdprkit database, or its schema is newer than this library."""


class ClaimLostError(StorageError):
    """A sweep worker's claim expired and another worker took the items over."""


class AuditChainError(GdprKitError, ValueError):
    """The audit log failed verification: an entry was altered, removed, added or reordered."""


class CryptoError(GdprKitError, ValueError):
    """A token cannot be decrypted.

    Tampering, a wrong key, a token moved to another record and garbage input all
    raise this one error, which never says which of them happened.
    """


class SubjectErasedError(CryptoError):
    """The token belongs to a data subject whose keys were destroyed (Art. 17).

    Known from the key tombstone, not from the token, so applications can show
    "[erased]" instead of an error.
    """


class KeyProviderError(GdprKitError, RuntimeError):
    """The key-encryption key could not be loaded or used."""


class MissingExtraError(GdprKitError, ImportError):
    """An optional extra is not installed; the message names the install command."""
