"""The value types the store holds, one group per aggregate.

Every type is a frozen attrs class: a store returns new values and changes are
made with :func:`attrs.evolve` and written back through a store method. Every
datetime is checked on construction (a naive one raises
:class:`~gdprkit.errors.NaiveDatetimeError`) and converted to UTC, so a value
read back from any backend compares equal to the value written.

None of these types holds plaintext personal data: subjects and records are
known by ids chosen by the caller, field values are opaque ciphertext, lookups go
through keyed blind-index digests, and free-form ``details`` / ``evidence``
dictionaries are documented to carry ids and hashes only (Art. 5(1)(c), 32).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hashlib
import json
import types
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from gdprkit._canonical import canonical_encoder, canonical_str, canonical_str_list
from gdprkit.clock import to_utc

__all__ = [
    "AuditEntry",
    "AuditSeal",
    "BlindIndexEntry",
    "BreachRecord",
    "Claim",
    "ConsentAction",
    "ConsentEvent",
    "DisposalRecord",
    "DisposalTask",
    "Hold",
    "HoldScope",
    "LinkKey",
    "LinkState",
    "PublishedText",
    "PurposeLink",
    "Record",
    "RecordCounts",
    "RecordKind",
    "RecordOutline",
    "ReviewState",
    "ReviewTask",
    "Subject",
    "SubjectRequest",
    "Suppression",
    "SweepBatch",
    "TaskState",
    "canonical_json",
    "jsonable",
]


def canonical_json(value: object) -> bytes:
    """Encode *value* as canonical JSON: sorted keys, compact separators, UTF-8.

    The same value always gives the same bytes, so hashes over it are stable across
    backends and Python versions. NaN and infinities are refused.

    Raises:
        TypeError: *value* is not JSON-able.
        ValueError: *value* contains NaN or an infinity.
    """
    return _CANONICAL.encode(value).encode("utf-8")


_CANONICAL = canonical_encoder()


def jsonable(value: Mapping[str, Any]) -> dict[str, Any]:
    """Return a normalised deep copy of a JSON-able mapping (tuples become lists).

    Used as a converter, so a stored ``details`` dictionary round-trips through any
    backend unchanged and later mutation of the caller's dictionary changes nothing.

    Raises:
        TypeError: *value* is not a mapping of JSON-able values with string keys.
    """
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a JSON-able mapping, got {type(value).__name__}")
    try:
        result: dict[str, Any] = json.loads(canonical_json(dict(value)))
    except (TypeError, ValueError) as exc:
        raise TypeError("expected a JSON-able mapping (str keys, finite numbers)") from exc
    return result


def _utc(value: dt.datetime) -> dt.datetime:
    return to_utc(value, what="a stored value's datetime")


def _opt_utc(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else _utc(value)


def _frozen_bytes_map(value: Mapping[str, bytes]) -> Mapping[str, bytes]:
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, bytes):
            raise TypeError("fields map category ids (str) to encrypted bytes")
    return types.MappingProxyType(dict(value))


def _frozen_instant_map(value: Mapping[str, dt.datetime]) -> Mapping[str, dt.datetime]:
    return types.MappingProxyType(
        {str(key): to_utc(item, what="PurposeLink.triggers") for key, item in value.items()},
    )


def _str_tuple(value: Any) -> tuple[str, ...]:  # noqa: ANN401 - an attrs converter
    if type(value) is tuple and all(type(item) is str for item in value):
        return value  # already a tuple of strings, as on every attrs.evolve
    if type(value) is list and all(type(item) is str for item in value):
        return tuple(value)  # as decoded from JSON
    if isinstance(value, str):
        raise TypeError("expected a sequence of strings, not one string")
    return tuple(str(item) for item in value)


# --- subjects -------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Subject:
    """A data subject, known to the store by an id only (Art. 4(1)).

    Attributes:
        id: Chosen by the caller (e.g. a UUID); never an e-mail address or a name.
        created_at: When the subject was first stored, UTC.
    """

    id: str
    created_at: dt.datetime = attrs.field(converter=_utc)


@attrs.frozen(kw_only=True)
class BlindIndexEntry:
    """A keyed digest that finds a subject without storing the searched value.

    Attributes:
        subject_id: The subject the digest points to.
        index_name: Which blind index (e.g. ``"email"``); each uses its own key.
        digest: The truncated keyed HMAC of the normalised value.
    """

    subject_id: str
    index_name: str
    digest: bytes = attrs.field(repr=False)


# --- records and purpose links --------------------------------------------------------


class RecordKind(enum.StrEnum):
    """Where a record's values live."""

    MANAGED = "managed"
    """The encrypted values are stored in gdprkit."""
    REFERENCED = "referenced"
    """The values live in the embedding service; gdprkit holds metadata and an external ref."""


@attrs.frozen(kw_only=True)
class Record:
    """One piece of personal data about one subject, with its encrypted fields.

    Attributes:
        id: Chosen by the caller.
        subject_id: The data subject the record is about.
        kind: Managed (values here) or referenced (values in the embedding service).
        created_at: When it was stored, UTC.
        external_ref: The embedding service's own reference; referenced records only.
        fields: Category id to ciphertext. A referenced record names its categories
            with empty values: the values live in the embedding service, and the
            engine needs to know which categories to tell it to remove. The repr shows
            only the category ids.
    """

    id: str
    subject_id: str
    kind: RecordKind = attrs.field(converter=RecordKind)
    created_at: dt.datetime = attrs.field(converter=_utc)
    external_ref: str | None = None
    fields: Mapping[str, bytes] = attrs.field(
        factory=dict,
        converter=_frozen_bytes_map,
        hash=False,
        repr=lambda f: repr(sorted(f)),
    )

    @property
    def categories(self) -> tuple[str, ...]:
        """The record's category ids, sorted."""
        return tuple(sorted(self.fields))

    def __attrs_post_init__(self) -> None:
        if self.kind is RecordKind.REFERENCED and any(self.fields.values()):
            raise ValueError("a referenced record holds no field values, only category ids")
        if self.kind is RecordKind.MANAGED and self.external_ref is not None:
            raise ValueError("a managed record has no external_ref")


def _sorted_str_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(_str_tuple(value)))


@attrs.frozen(kw_only=True)
class RecordOutline:
    """A record without its values: what the retention engine decides on.

    Deciding whether a record goes, or which of its fields, needs the record's subject,
    kind, reference and categories, never its ciphertexts (Art. 5(1)(c) for the engine
    itself); reading only these keeps a sweep's reads small.

    Attributes:
        id: The record.
        subject_id: The data subject it is about.
        kind: Managed or referenced.
        external_ref: The embedding service's reference; referenced records only.
        categories: The category ids it holds a field for, sorted.
    """

    id: str
    subject_id: str
    kind: RecordKind = attrs.field(converter=RecordKind)
    external_ref: str | None = None
    categories: tuple[str, ...] = attrs.field(default=(), converter=_sorted_str_tuple)

    @classmethod
    def of(cls, record: Record) -> RecordOutline:
        """The outline of a whole record."""
        return cls(
            id=record.id,
            subject_id=record.subject_id,
            kind=record.kind,
            external_ref=record.external_ref,
            categories=record.categories,
        )


class LinkState(enum.StrEnum):
    """Whether a purpose still needs a record."""

    LIVE = "live"
    """The purpose still holds the record (it may be due for disposal)."""
    ENDED = "ended"
    """The purpose no longer holds the record (retention over, consent withdrawn, Art. 17, 21)."""


@attrs.frozen(kw_only=True, order=True)
class LinkKey:
    """The identity of a purpose link.

    Attributes:
        record_id: The record.
        purpose_id: The purpose, as declared in the policy.
    """

    record_id: str
    purpose_id: str


@attrs.frozen(kw_only=True)
class PurposeLink:
    """A record held for one purpose, with the instant its retention lets it go (Art. 5(1)(e)).

    Attributes:
        record_id: The record.
        purpose_id: The purpose.
        created_at: When the link was made, UTC.
        triggers: Retention trigger events known so far (event name to instant, UTC).
        eligible_from: The first instant the purpose no longer needs the record;
            ``None`` while the link awaits its trigger event.
        state: Live or ended.
        ended_at: When the link ended; set exactly when ``state`` is ended.
        end_reason: Why it ended, without personal data (e.g. ``"consent withdrawn"``).
        restricted: Processing is restricted (Art. 18): stored, not used.
    """

    record_id: str
    purpose_id: str
    created_at: dt.datetime = attrs.field(converter=_utc)
    triggers: Mapping[str, dt.datetime] = attrs.field(
        factory=dict,
        converter=_frozen_instant_map,
        hash=False,
    )
    eligible_from: dt.datetime | None = attrs.field(
        default=None,
        converter=_opt_utc,
    )
    state: LinkState = attrs.field(default=LinkState.LIVE, converter=LinkState)
    ended_at: dt.datetime | None = attrs.field(
        default=None,
        converter=_opt_utc,
    )
    end_reason: str | None = None
    restricted: bool = False

    def __attrs_post_init__(self) -> None:
        if (self.state is LinkState.ENDED) != (self.ended_at is not None):
            raise ValueError("ended_at is set exactly when the link has ended")

    @property
    def key(self) -> LinkKey:
        """The link's identity."""
        return LinkKey(record_id=self.record_id, purpose_id=self.purpose_id)


def _link_tuple(value: Iterable[PurposeLink]) -> tuple[PurposeLink, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Claim:
    """A batch of due links leased to one sweep worker until ``lease_until``.

    Attributes:
        id: Made by the store; pass it to ``complete_claim``.
        worker: Who claimed the batch.
        lease_until: When the lease expires and the items return to the pool.
        links: The claimed links, by ascending ``eligible_from`` (may be empty).
    """

    id: str
    worker: str
    lease_until: dt.datetime = attrs.field(converter=_utc)
    links: tuple[PurposeLink, ...] = attrs.field(converter=_link_tuple)


def _outline_map(value: Mapping[str, RecordOutline]) -> Mapping[str, RecordOutline]:
    return types.MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class SweepBatch:
    """A claimed batch of due links and what deciding on them needs, read together.

    A store yields it from ``sweep_batch`` inside the transaction that handles the
    batch, so ``links`` and ``records`` are current until that transaction ends.

    Attributes:
        claim: The claim; its ``links`` are the due links to handle, in order.
        links: Every link of the records the claimed links belong to, claimed or not,
            by ``(record_id, purpose_id)``: the other purposes that may still need a
            record.
        records: Those records' outlines, by id.
    """

    claim: Claim
    links: tuple[PurposeLink, ...] = attrs.field(converter=_link_tuple)
    records: Mapping[str, RecordOutline] = attrs.field(converter=_outline_map, hash=False)


# --- consent ----------------------------------------------------------------------------


class ConsentAction(enum.StrEnum):
    """What a consent event did (Art. 7)."""

    GRANT = "grant"
    """Consent was given (Art. 7(1): the organisation must be able to show it)."""
    WITHDRAW = "withdraw"
    """Consent was withdrawn (Art. 7(3)); takes effect at once."""


@attrs.frozen(kw_only=True)
class ConsentEvent:
    """One consent grant or withdrawal, kept as proof (Art. 7(1)); append-only.

    Attributes:
        id: Chosen by the caller.
        subject_id: Whose consent.
        purpose_id: For which purpose.
        action: Grant or withdrawal.
        at: When, UTC.
        text_hash: SHA-256 hex of the exact consent wording shown (a published text).
        channel: Where (e.g. ``"web"``).
        mechanism: How (e.g. ``"checkbox"``).
        evidence: JSON-able proof without plaintext personal data (ids, hashes).
    """

    id: str
    subject_id: str
    purpose_id: str
    action: ConsentAction = attrs.field(converter=ConsentAction)
    at: dt.datetime = attrs.field(converter=_utc)
    text_hash: str
    channel: str
    mechanism: str
    evidence: dict[str, Any] = attrs.field(factory=dict, converter=jsonable, hash=False)


# --- subject requests, holds, texts, disposals ------------------------------------------


@attrs.frozen(kw_only=True)
class SubjectRequest:
    """A data-subject request (Art. 15-22) and where it stands.

    Attributes:
        id: Chosen by the caller.
        subject_id: The requester, once identified.
        kind: Which right (e.g. ``"access"``, ``"erasure"``); the requests module's vocabulary.
        received_at: When it arrived, UTC; the Art. 12(3) deadline runs from here.
        state: Where it stands (e.g. ``"received"``, ``"completed"``).
        details: JSON-able, without plaintext personal data.
    """

    id: str
    subject_id: str
    kind: str
    received_at: dt.datetime = attrs.field(converter=_utc)
    state: str
    details: dict[str, Any] = attrs.field(factory=dict, converter=jsonable, hash=False)


class HoldScope(enum.StrEnum):
    """What a legal hold covers."""

    SUBJECT = "subject"
    """Every record of one subject."""
    RECORD = "record"
    """One record."""
    PURPOSE = "purpose"
    """Every record linked to one purpose."""
    CATEGORY = "category"
    """Every field of one data category."""


@attrs.frozen(kw_only=True)
class Hold:
    """A legal hold that blocks disposal without moving any retention clock (Art. 17(3)(e)).

    Attributes:
        id: Chosen by the caller.
        scope: What kind of thing it holds.
        scope_value: Which one (a subject, record, purpose or category id).
        reason: Why, without personal data.
        matter_ref: The legal matter's reference.
        created_by: Who placed it.
        created_at: When, UTC.
        released_at: When it was released, UTC; ``None`` while active.
    """

    id: str
    scope: HoldScope = attrs.field(converter=HoldScope)
    scope_value: str
    reason: str
    matter_ref: str
    created_by: str
    created_at: dt.datetime = attrs.field(converter=_utc)
    released_at: dt.datetime | None = attrs.field(
        default=None,
        converter=_opt_utc,
    )

    @property
    def active(self) -> bool:
        """Whether the hold still blocks disposal."""
        return self.released_at is None


@attrs.frozen(kw_only=True)
class PublishedText:
    """A notice or consent wording exactly as published, addressed by its hash (Art. 7(1), 13).

    Attributes:
        sha256: Hex SHA-256 of the UTF-8 bytes of ``text``.
        text: The whole text.
        kind: E.g. ``"privacy_notice"`` or ``"consent_wording"``.
        language: E.g. ``"en"`` or ``"sv"``.
        published_at: When it was first published, UTC.
    """

    sha256: str
    text: str = attrs.field(repr=False)
    kind: str
    language: str
    published_at: dt.datetime = attrs.field(converter=_utc)

    def __attrs_post_init__(self) -> None:
        if hashlib.sha256(self.text.encode("utf-8")).hexdigest() != self.sha256:
            raise ValueError("sha256 does not match the text")

    @classmethod
    def of(
        cls,
        text: str,
        *,
        kind: str,
        language: str,
        published_at: dt.datetime,
    ) -> PublishedText:
        """Make a published text, computing its hash."""
        return cls(
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            text=text,
            kind=kind,
            language=language,
            published_at=published_at,
        )


# A sweep handles due links in due order and executes a batch at one instant, so
# consecutive disposal records repeat their instants and their id lists: these are
# written once per distinct value. Equal datetimes in different offsets would share an
# entry, so the cache is only ever given UTC ones (the record's converter, and the
# engine's ``to_utc`` where it builds records unchecked).
@functools.lru_cache(maxsize=64, typed=True)
def _isoformat(value: dt.datetime) -> str:
    return value.isoformat()


_str_list = functools.lru_cache(maxsize=256)(canonical_str_list)
_rule_str = functools.lru_cache(maxsize=256)(canonical_str)  # one wording per purpose and reason


@attrs.frozen(kw_only=True)
class DisposalRecord:
    """Proof that a record (or some of its fields) was disposed of; never personal data.

    Kept for accountability (Art. 5(2)) after the data itself is gone (Art. 5(1)(e), 17).

    Attributes:
        id: Chosen by the caller.
        record_id: The record disposed of.
        subject_id: Its subject.
        purpose_ids: The purposes whose links ended.
        rule: The retention rule, in words.
        action: What was done (e.g. ``"delete"``, ``"anonymise"``, ``"remove_fields"``).
        due_at: When it became due, UTC.
        executed_at: When it was done, UTC.
        fields_removed: The category ids removed.
    """

    id: str
    record_id: str
    subject_id: str
    purpose_ids: tuple[str, ...] = attrs.field(converter=_str_tuple)
    rule: str
    action: str
    due_at: dt.datetime = attrs.field(converter=_utc)
    executed_at: dt.datetime = attrs.field(converter=_utc)
    fields_removed: tuple[str, ...] = attrs.field(converter=_str_tuple)

    def digest(self) -> str:
        """Return the hex SHA-256 of the canonical JSON of this record.

        An audit entry for a sweep batch lists these digests in ``covers``.
        """
        # canonical_json of {"id", "record_id", "subject_id", "purpose_ids", "rule",
        # "action", "due_at", "executed_at", "fields_removed"} with the datetimes in
        # isoformat, spelled out in sorted key order: a sweep takes one per disposal.
        text = (
            f'{{"action":{canonical_str(self.action)},'
            f'"due_at":"{_isoformat(self.due_at)}",'
            f'"executed_at":"{_isoformat(self.executed_at)}",'
            f'"fields_removed":{_str_list(self.fields_removed)},'
            f'"id":{canonical_str(self.id)},'
            f'"purpose_ids":{_str_list(self.purpose_ids)},'
            f'"record_id":{canonical_str(self.record_id)},'
            f'"rule":{_rule_str(self.rule)},'
            f'"subject_id":{canonical_str(self.subject_id)}}}'
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@attrs.frozen(kw_only=True)
class Suppression:
    """A "do not contact" entry that outlives the person's other data (Art. 21(3), 17).

    After an objection to direct marketing the organisation must not mail the person
    again, even after erasing everything else about them; so the entry holds only a
    keyed digest of the address under a suppression key of its own, never the address.

    Attributes:
        digest: Keyed, truncated HMAC of the normalised address (a blind-index digest).
        scope: What is suppressed, e.g. a purpose id such as ``"email_marketing"``.
        created_at: When, UTC.
        basis: Why it may be kept, e.g. ``"Art. 21(3) objection; Art. 17(3)(b)"``.
    """

    digest: bytes = attrs.field(repr=False)
    scope: str
    created_at: dt.datetime = attrs.field(converter=_utc)
    basis: str


@attrs.frozen(kw_only=True)
class RecordCounts:
    """How many people and records a set of purposes holds, counted without decrypting.

    Attributes:
        subjects: Distinct data subjects with at least one such record.
        records: Records with a live link to one of the purposes.
        referenced: How many of those records are referenced (values held by the
            embedding service, so gdprkit cannot vouch for their encryption).
    """

    subjects: int
    records: int
    referenced: int


class ReviewState(enum.StrEnum):
    """Where a disposition review stands (LEGAL.md RET-09)."""

    PENDING = "pending"
    """Waiting for a reviewer; nothing is disposed of."""
    APPROVED = "approved"
    """The reviewer approved disposal; the next sweep disposes."""
    EXTENDED = "extended"
    """The reviewer kept the data longer, with a justification and a new date."""


@attrs.frozen(kw_only=True)
class ReviewTask:
    """A disposition review opened when a ``review`` rule's period ends (RET-09).

    Attributes:
        id: Made by the engine from the link and its due instant.
        record_id: The record under review.
        purpose_id: The purpose whose rule asked for review.
        subject_id: The record's subject.
        due_at: When the rule's period ended, UTC.
        created_at: When the task was opened, UTC.
        state: Pending, approved or extended.
        decided_at: When the reviewer decided, UTC.
        decided_by: Who decided.
        justification: Why, without personal data.
        keep_until: For an extension, the new first instant disposal is allowed.
    """

    id: str
    record_id: str
    purpose_id: str
    subject_id: str
    due_at: dt.datetime = attrs.field(converter=_utc)
    created_at: dt.datetime = attrs.field(converter=_utc)
    state: ReviewState = attrs.field(default=ReviewState.PENDING, converter=ReviewState)
    decided_at: dt.datetime | None = attrs.field(default=None, converter=_opt_utc)
    decided_by: str | None = None
    justification: str | None = None
    keep_until: dt.datetime | None = attrs.field(default=None, converter=_opt_utc)

    def __attrs_post_init__(self) -> None:
        decided = self.state is not ReviewState.PENDING
        if decided != (self.decided_at is not None):
            raise ValueError("decided_at is set exactly when the review is decided")
        if (self.state is ReviewState.EXTENDED) != (self.keep_until is not None):
            raise ValueError("keep_until is set exactly when the review extended retention")


@attrs.frozen(kw_only=True)
class BreachRecord:
    """A personal-data breach in the register (Art. 33(5)); the breaches module gives it meaning.

    Attributes:
        id: Chosen by the caller.
        aware_at: When the controller became aware, UTC: the Art. 33(1) clock starts here.
        created_at: When it was registered, UTC.
        state: Where it stands (the breaches module's vocabulary).
        details: JSON-able facts, effects, decisions and notifications; no personal
            data beyond what the law requires.
    """

    id: str
    aware_at: dt.datetime = attrs.field(converter=_utc)
    created_at: dt.datetime = attrs.field(converter=_utc)
    state: str
    details: dict[str, Any] = attrs.field(factory=dict, converter=jsonable, hash=False)


class TaskState(enum.StrEnum):
    """Where a disposal task for a referenced record stands."""

    PENDING = "pending"
    """Not yet acknowledged by the embedding service's handler (maybe failing)."""
    DONE = "done"
    """Acknowledged: the handler disposed of the data; never executed again."""


@attrs.frozen(kw_only=True)
class DisposalTask:
    """What an embedding service must dispose of for a referenced record (LEGAL.md RET-11).

    Attributes:
        id: Made by the engine.
        record_id: The referenced record.
        subject_id: Its subject.
        external_ref: The embedding service's own reference for the record.
        purpose_id: The purpose whose link ended.
        action: ``remove_fields``, ``delete`` or ``anonymise``.
        categories: The category ids to remove (all of them for a whole record).
        reason: Why, in words, without personal data.
        due_at: When the link became due, UTC.
        created_at: When the task was made, UTC.
        state: Pending or done.
        attempts: Handler calls so far.
        next_attempt_at: When the task may be tried (again), UTC.
        last_error: The type of the last failure, never its message.
        done_at: When the handler acknowledged, UTC.
    """

    id: str
    record_id: str
    subject_id: str
    external_ref: str | None
    purpose_id: str
    action: str
    categories: tuple[str, ...] = attrs.field(converter=_str_tuple)
    reason: str
    due_at: dt.datetime = attrs.field(converter=_utc)
    created_at: dt.datetime = attrs.field(converter=_utc)
    state: TaskState = attrs.field(default=TaskState.PENDING, converter=TaskState)
    attempts: int = 0
    next_attempt_at: dt.datetime = attrs.field(converter=_utc)
    last_error: str | None = None
    done_at: dt.datetime | None = attrs.field(default=None, converter=_opt_utc)

    def __attrs_post_init__(self) -> None:
        if (self.state is TaskState.DONE) != (self.done_at is not None):
            raise ValueError("done_at is set exactly when the task is done")


# --- audit ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class AuditEntry:
    """One link of the tamper-evident audit chain (Art. 5(2)); see :mod:`gdprkit.audit`.

    Attributes:
        seq: 1, 2, ... without gaps.
        at: When, UTC.
        actor: Who (a user, service or worker id).
        action: What (e.g. ``"sweep.batch"``).
        ids: Which ids the action concerned.
        details: A small JSON-able dictionary of ids and hashes, never personal data.
        covers: Hex hashes of items the entry vouches for (e.g. disposal records).
        prev_hash: ``hash`` of entry ``seq - 1`` (64 zeros for the first entry).
        hash: Hex SHA-256 of the entry's canonical encoding.
        mac: Hex HMAC-SHA256 of the same encoding under the audit key.
    """

    seq: int
    at: dt.datetime = attrs.field(converter=_utc)
    actor: str
    action: str
    ids: tuple[str, ...] = attrs.field(converter=_str_tuple)
    details: dict[str, Any] = attrs.field(factory=dict, converter=jsonable, hash=False)
    covers: tuple[str, ...] = attrs.field(factory=tuple, converter=_str_tuple)
    prev_hash: str
    hash: str
    mac: str = attrs.field(repr=False)


@attrs.frozen(kw_only=True)
class AuditSeal:
    """The store's record of the audit chain's head, so a cut-off tail is noticed.

    Attributes:
        seq: The head entry's sequence number.
        hash: The head entry's hash.
        mac: Hex HMAC-SHA256 under the audit key over ``("head", seq, hash)``.
    """

    seq: int
    hash: str
    mac: str = attrs.field(repr=False)
