"""The tamper-evident audit log: accountability for every consequential step (Art. 5(2)).

Each entry records who did what, when, to which ids, with a small JSON-able
``details`` dictionary and optionally ``covers``, the hashes of items it vouches for
(one entry per sweep batch covers the batch's disposal records). Entries form a
hash chain:

* **Canonical encoding.** An entry's body is the JSON object
  ``{"v": 1, "seq", "at", "actor", "action", "ids", "details", "covers", "prev"}``
  encoded with sorted keys, compact separators (``,`` and ``:``), no ASCII escaping,
  UTF-8 (:func:`gdprkit.storage.types.canonical_json`); ``at`` is ISO 8601 UTC with
  microseconds and a ``Z`` suffix, ``prev`` the previous entry's hash (64 zeros for
  entry 1).
* **hash** is the hex SHA-256 of that encoding; **mac** the hex HMAC-SHA256 of the
  same bytes under the audit key. Only the key holder can extend or rewrite the
  chain without :meth:`AuditLog.verify` noticing.
* **Head seal.** The store keeps one *seal*, an HMAC over ``(seq, hash)`` of the
  newest entry, written in the same transaction, so deleting the newest entries is
  caught too (unless an old seal is put back, see below).
* **Exported heads.** :meth:`AuditLog.head` returns ``(seq, hash)``; keep it
  elsewhere (a ticket, a log shipper, a printout). ``verify(expected_head=...)``
  then proves that entry ``seq`` still has that hash, which catches even a chain
  rewritten with the key, up to that head.

What this does not protect against: a key holder can rewrite everything after the
last head exported out of their reach; an attacker who saved an old copy of the
database can roll the whole store back (seal included) to that copy, which only an
exported head newer than the copy reveals; and nothing here stops deletion of the
whole log, which is an availability matter for backups.

Entries hold ids and hashes only, **never plaintext personal data**: callers pass
subject, record and purpose ids, never names or e-mail addresses. So entries can
outlive the records they describe, for as long as accountability requires; see
:meth:`AuditLog.prune` for the retention policy.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from gdprkit._canonical import canonical_str, canonical_str_list
from gdprkit.clock import Clock, SystemClock, to_utc
from gdprkit.errors import AuditChainError
from gdprkit.storage.types import AuditEntry, AuditSeal, canonical_json

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Iterator

    from dateutil.relativedelta import relativedelta

    from gdprkit.storage.protocol import Store

__all__ = ["GENESIS_HASH", "PRUNE_ACTION", "AuditLog"]

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of entry 1."""

PRUNE_ACTION = "audit.pruned"
"""The action of the entry that records a retention pruning of older entries."""

_MAX_DETAILS_BYTES = 16 * 1024
_HEX64 = re.compile(r"[0-9a-f]{64}")
_PAGE = 1000


_FIRST_4_DIGIT_YEAR = 1000


def _iso(value: dt.datetime) -> str:
    """ISO 8601 UTC with microseconds and ``Z``: ``strftime("%Y-%m-%dT%H:%M:%S.%fZ")``."""
    utc = to_utc(value, what="audit entry time")
    if utc.year >= _FIRST_4_DIGIT_YEAR:  # the same text, without strftime's cost
        return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _body(
    *,
    seq: int,
    at: dt.datetime,
    actor: str,
    action: str,
    ids: Iterable[str],
    details: Mapping[str, Any],
    covers: Iterable[str],
    prev: str,
    encoded_details: bytes | None = None,
) -> bytes:
    """The entry's canonical JSON (see the module docstring), which is hashed and MACed.

    Where every value has the plain type its field calls for, the bytes are spelled out
    around the details' own canonical JSON (*encoded_details* when the caller has it,
    exactly ``canonical_json(dict(details))``): byte for byte what
    :func:`canonical_json` gives for the whole object (sorted keys, ``,`` and ``:``,
    the same string escaping), without encoding the details twice. Anything else goes
    through the encoder.
    """
    when = _iso(at)
    id_list = list(ids)
    cover_list = list(covers)
    if (
        type(seq) is int
        and type(actor) is str
        and type(action) is str
        and type(prev) is str
        and all(type(i) is str for i in id_list)
        and all(type(c) is str for c in cover_list)
    ):
        inner = canonical_json(dict(details)) if encoded_details is None else encoded_details
        head = (
            f'{{"action":{canonical_str(action)},"actor":{canonical_str(actor)},'
            f'"at":{canonical_str(when)},"covers":{canonical_str_list(cover_list)},'
            '"details":'
        )
        tail = (
            f',"ids":{canonical_str_list(id_list)},"prev":{canonical_str(prev)},"seq":{seq},"v":1}}'
        )
        return b"".join((head.encode("utf-8"), inner, tail.encode("utf-8")))
    return canonical_json(
        {
            "v": 1,
            "seq": seq,
            "at": when,
            "actor": actor,
            "action": action,
            "ids": id_list,
            "details": dict(details),
            "covers": cover_list,
            "prev": prev,
        },
    )


def _seal_body(seq: int, entry_hash: str) -> bytes:
    """The canonical JSON of ``{"seal": 1, "seq": seq, "hash": entry_hash}``, spelled out.

    Byte for byte what :func:`canonical_json` gives for a hex hash and an integer
    (sorted keys, no spaces), without a JSON encoder per append; anything else goes
    through the encoder, so an odd value can never yield different bytes.
    """
    if type(seq) is int and _HEX64.fullmatch(entry_hash):
        return b'{"hash":"%s","seal":1,"seq":%d}' % (entry_hash.encode("ascii"), seq)
    return canonical_json({"seal": 1, "seq": seq, "hash": entry_hash})


_EMPTY_DETAILS = b"{}"


def _clean_details(details: Mapping[str, Any] | None) -> tuple[dict[str, Any], bytes | None]:
    """Check *details* and encode it once; return the details to store and their JSON.

    The same bytes give the size check and, returned as the second item, the canonical
    JSON the entry's body embeds, when they are the bytes of the normalised copy
    (:func:`~gdprkit.storage.types.jsonable`, which :class:`AuditEntry` makes) too:
    when every key is a ``str``, decoding and encoding again changes nothing, and the
    details are returned as given (a shallow copy), left to the entry to normalise.
    Otherwise (a key of another type, turned into text) the normalised copy is returned
    with ``None``, and the body encodes it anew.
    """
    if details is None:
        return {}, _EMPTY_DETAILS
    if not isinstance(details, Mapping):
        raise TypeError(f"expected a JSON-able mapping, got {type(details).__name__}")
    plain = dict(details)
    try:
        encoded = canonical_json(plain)
    except (TypeError, ValueError) as exc:
        raise TypeError("expected a JSON-able mapping (str keys, finite numbers)") from exc
    if len(encoded) > _MAX_DETAILS_BYTES:
        raise ValueError("audit details are limited to 16 KiB; store ids and hashes only")
    if _text_keys(plain):
        return plain, encoded
    result: dict[str, Any] = json.loads(encoded)
    return result, None


def _text_keys(value: dict[Any, Any]) -> bool:
    """Whether every key of *value* and of the dicts in it, at any depth, is exactly a ``str``.

    Only dicts, lists and tuples can hold others in a value the encoder accepted.
    """
    stack: list[object] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if type(key) is not str:
                    return False
                if isinstance(inner, (dict, list, tuple)):
                    stack.append(inner)
        elif isinstance(item, (list, tuple)):
            stack.extend([inner for inner in item if isinstance(inner, (dict, list, tuple))])
    return True


def _check_link(prev: AuditEntry, entry: AuditEntry) -> None:
    if entry.seq != prev.seq + 1:
        raise AuditChainError(
            f"audit entry {prev.seq + 1} is missing or out of order "
            f"(seq {entry.seq} follows seq {prev.seq})",
        )
    if entry.prev_hash != prev.hash:
        raise AuditChainError(
            f"audit entry {entry.seq} does not link to entry {prev.seq} "
            "(inserted, replaced or reordered)",
        )


class AuditLog:
    """Append to and verify the audit chain kept in a store.

    Args:
        store: Where the entries live; appends join the store's open transaction.
        key: The audit key (at least 32 random bytes); keep it apart from the data
            keys. Never shown in a repr or message.
        clock: The source of entry times.
        retention: How long entries are kept (e.g. ``relativedelta(years=10)``);
            ``None`` (the default) keeps them forever. Used by :meth:`apply_retention`.

    Raises:
        ValueError: The key is shorter than 32 bytes.
    """

    def __init__(
        self,
        store: Store,
        key: bytes,
        *,
        clock: Clock | None = None,
        retention: relativedelta | None = None,
    ) -> None:
        if len(key) < 32:  # noqa: PLR2004 - 256 bits
            raise ValueError("the audit key must be at least 32 bytes")
        self._store = store
        self._key = bytes(key)
        self._hmac = hmac.new(self._key, digestmod=hashlib.sha256)
        self._clock = clock or SystemClock()
        self._retention = retention

    def __repr__(self) -> str:
        return "AuditLog(<key>)"

    def _mac(self, data: bytes) -> str:
        mac = self._hmac.copy()  # the key schedule is computed once, in __init__
        mac.update(data)
        return mac.hexdigest()

    def _seal_mac(self, seq: int, entry_hash: str) -> str:
        return self._mac(_seal_body(seq, entry_hash))

    def append(
        self,
        *,
        actor: str,
        action: str,
        ids: Iterable[str] = (),
        details: Mapping[str, Any] | None = None,
        covers: Iterable[str] = (),
        at: dt.datetime | None = None,
    ) -> AuditEntry:
        """Append an entry and return it.

        Call it inside the transaction that makes the change the entry records, so
        both commit or neither does. The head is read and the next entry written in
        that transaction; the store's write lock serialises concurrent appenders.

        Args:
            actor: Who acted (a user, service or worker id).
            action: What happened, e.g. ``"record.disposed"``.
            ids: The ids concerned. Ids only, never names or e-mail addresses.
            details: A small JSON-able dictionary of ids, counts and hashes
                (at most 16 KiB encoded); never plaintext personal data.
            covers: Hex hashes of items the entry vouches for.
            at: When; defaults to the clock's now.

        Raises:
            TypeError: *details* is not JSON-able.
            ValueError: *details* is too large.
            NaiveDatetimeError: *at* is naive.
        """
        when = to_utc(at if at is not None else self._clock.now(), what="AuditLog.append(at)")
        clean, encoded = _clean_details(details)
        id_list = [str(i) for i in ids]
        cover_list = [str(c) for c in covers]
        with self._store.transaction():
            seal = self._store.audit_seal()
            seq = 1 if seal is None else seal.seq + 1
            prev = GENESIS_HASH if seal is None else seal.hash
            body = _body(
                seq=seq,
                at=when,
                actor=actor,
                action=action,
                ids=id_list,
                details=clean,
                covers=cover_list,
                prev=prev,
                encoded_details=encoded,
            )
            entry_hash = hashlib.sha256(body).hexdigest()
            entry = AuditEntry(
                seq=seq,
                at=when,
                actor=actor,
                action=action,
                ids=id_list,
                details=clean,
                covers=cover_list,
                prev_hash=prev,
                hash=entry_hash,
                mac=self._mac(body),
            )
            self._store.append_audit_entry(
                entry,
                seal=AuditSeal(seq=seq, hash=entry_hash, mac=self._seal_mac(seq, entry_hash)),
            )
        return entry

    def head(self) -> tuple[int, str]:
        """Return ``(seq, hash)`` of the newest entry, ``(0, GENESIS_HASH)`` when empty.

        Export it out of reach of the key holder, and later check it with
        ``verify(expected_head=...)``.
        """
        seal = self._store.audit_seal()
        return (0, GENESIS_HASH) if seal is None else (seal.seq, seal.hash)

    def verify(self, *, expected_head: tuple[int, str] | None = None) -> tuple[int, str]:
        """Check the whole chain with the key; return the verified head ``(seq, hash)``.

        Detects altered, deleted, inserted, reordered and truncated entries, a forged
        or moved head seal, and (with *expected_head*) a chain rewritten with the key
        before that head.

        Raises:
            AuditChainError: The chain fails; the message names the sequence number
                and what is wrong, never an entry's contents.
        """
        with self._store.transaction():
            seal = self._store.audit_seal()
            last, first_prev, first_seq = self._verify_entries()
        if seal is None:
            if last is not None:
                raise AuditChainError("the audit head seal is missing")
            head = (0, GENESIS_HASH)
        else:
            if not hmac.compare_digest(seal.mac, self._seal_mac(seal.seq, seal.hash)):
                raise AuditChainError(f"the audit head seal at seq {seal.seq} is forged")
            if last is None or (last.seq, last.hash) != (seal.seq, seal.hash):
                at = 0 if last is None else last.seq
                raise AuditChainError(
                    f"the chain ends at seq {at} but the head seal is at seq {seal.seq} "
                    "(entries truncated or the seal moved)",
                )
            head = (last.seq, last.hash)
        if expected_head is not None:
            self._check_expected(expected_head, head, first_seq, first_prev)
        return head

    def _entries(self) -> Iterator[AuditEntry]:
        after = 0
        while True:
            page = self._store.audit_entries(after_seq=after, limit=_PAGE)
            yield from page
            if len(page) < _PAGE:
                return
            after = page[-1].seq

    def _verify_entries(self) -> tuple[AuditEntry | None, str, int]:
        """Walk the chain; return the last entry and the first entry's prev hash and seq."""
        prev: AuditEntry | None = None
        first_prev, first_seq = GENESIS_HASH, 1
        pruned: dict[int, str] = {}
        for entry in self._entries():
            if prev is None:
                first_prev, first_seq = entry.prev_hash, entry.seq
            else:
                _check_link(prev, entry)
            self._check_entry(entry)
            if entry.action == PRUNE_ACTION:
                through = entry.details.get("through_seq", -1)
                pruned[int(through)] = str(entry.details.get("through_hash", ""))
            prev = entry
        if prev is not None:
            if first_seq == 1 and first_prev != GENESIS_HASH:
                raise AuditChainError("audit entry 1 does not start the chain")
            if first_seq != 1 and pruned.get(first_seq - 1) != first_prev:
                raise AuditChainError(
                    f"audit entries before seq {first_seq} are missing "
                    "and no pruning entry accounts for them",
                )
        return prev, first_prev, first_seq

    def _check_entry(self, entry: AuditEntry) -> None:
        body = _body(
            seq=entry.seq,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            ids=entry.ids,
            details=entry.details,
            covers=entry.covers,
            prev=entry.prev_hash,
        )
        if not hmac.compare_digest(hashlib.sha256(body).hexdigest(), entry.hash):
            raise AuditChainError(f"audit entry {entry.seq} was altered (hash mismatch)")
        if not hmac.compare_digest(self._mac(body), entry.mac):
            raise AuditChainError(f"audit entry {entry.seq} has an invalid MAC (forged)")

    def _check_expected(
        self,
        expected: tuple[int, str],
        head: tuple[int, str],
        first_seq: int,
        first_prev: str,
    ) -> None:
        seq, want = expected
        if seq > head[0]:
            raise AuditChainError(
                f"the exported head is at seq {seq} but the chain ends at seq {head[0]} "
                "(truncated or rolled back)",
            )
        if seq == 0:
            found = GENESIS_HASH
        elif seq == first_seq - 1:
            found = first_prev
        elif seq < first_seq:
            raise AuditChainError(f"the exported head at seq {seq} was pruned; cannot check it")
        else:
            found = self._store.audit_entries(after_seq=seq - 1, limit=1)[0].hash
        if not hmac.compare_digest(found, want):
            raise AuditChainError(
                f"audit entry {seq} differs from the exported head (history rewritten)",
            )

    def prune(self, *, before: dt.datetime, actor: str) -> int:
        """Delete the oldest entries made before an instant; return how many went.

        The retention policy for the audit log: entries hold no personal data, so
        they may outlive the records they describe for as long as the organisation
        must show accountability (Art. 5(2)); choose the period with your DPO (e.g.
        the limitation period for claims). Pruning first appends a
        :data:`PRUNE_ACTION` entry naming the last deleted ``(seq, hash)``, so
        :meth:`verify` still detects any other deletion at the start of the chain.
        Only a prefix is deleted: it stops at the first entry made at or after
        *before*. Exported heads older than the pruned range can no longer be checked.
        """
        cutoff = to_utc(before, what="AuditLog.prune(before)")
        with self._store.transaction():
            through: AuditEntry | None = None
            for entry in self._entries():
                if entry.at >= cutoff:
                    break
                through = entry
            if through is None:
                return 0
            self.append(
                actor=actor,
                action=PRUNE_ACTION,
                details={"through_seq": through.seq, "through_hash": through.hash},
            )
            return self._store.delete_audit_entries(through_seq=through.seq)

    def apply_retention(self, *, actor: str) -> int:
        """Prune entries older than the configured retention; keep all when it is ``None``."""
        if self._retention is None:
            return 0
        return self.prune(before=self._clock.now() - self._retention, actor=actor)
