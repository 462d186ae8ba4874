"""The internal read hook: decrypt everything held about one subject, for Art. 15 and 20.

:meth:`PrivacyService.read` is purpose- and role-bound (need-to-know), which is right for
processing but not for answering the subject, who is entitled to all of their data,
restricted data included (Art. 15(1), 15(3)). So the rights desk reads through the
store and a :class:`~gdprkit.crypto.FieldCipher` over the service's keyring, with the
service's own field encoding, and audits the read as an access disclosure in the same
transaction as the answer. This is the only place outside the service that decrypts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from gdprkit.crypto import FieldContext
from gdprkit.errors import CryptoError
from gdprkit.requests.held import ConsentEntry, HeldField, HeldLink, HeldRecord, Holding
from gdprkit.service._service import FieldValue, _decode, _encode
from gdprkit.storage.types import LinkState, RecordKind

if TYPE_CHECKING:
    import datetime as dt

    from gdprkit.crypto import FieldCipher
    from gdprkit.storage.protocol import Store

__all__ = ["Redactor", "encode_field", "read_holding"]

Redactor: TypeAlias = Callable[[str, str, FieldValue], FieldValue | None]
"""A redaction hook: ``(record_id, category, value)`` to the value to disclose, or
``None`` to withhold it (Art. 15(4): other people's rights; LEGAL.md DSR-09)."""


def encode_field(value: object, category: str) -> bytes:
    """Encode a plaintext the way :class:`~gdprkit.service.PrivacyService` stores it."""
    return _encode(value, category)


def read_holding(
    store: Store,
    cipher: FieldCipher,
    subject_id: str,
    *,
    at: dt.datetime,
    redact: Redactor | None = None,
) -> Holding:
    """Return everything held about *subject_id*, decrypted (call inside a transaction).

    A value whose key was destroyed reads as ``None``; so does one *redact* withholds.
    """
    links: dict[str, list[HeldLink]] = {}
    for link in store.links_of_subject(subject_id):
        links.setdefault(link.record_id, []).append(
            HeldLink(
                purpose_id=link.purpose_id,
                live=link.state is LinkState.LIVE,
                eligible_from=link.eligible_from,
                restricted=link.restricted,
                triggers=dict(link.triggers),
            )
        )
    records = []
    for record in store.records_of_subject(subject_id):
        fields = []
        for category, token in sorted(record.fields.items()):
            context = FieldContext(record_id=record.id, category_id=category, subject_id=subject_id)
            value: FieldValue | None
            try:
                value = _decode(cipher.decrypt(token, context))
            except CryptoError:
                value = None
            if redact is not None and value is not None:
                value = redact(record.id, category, value)
            fields.append(HeldField(category=category, value=value))
        records.append(
            HeldRecord(
                id=record.id,
                created_at=record.created_at,
                managed=record.kind is RecordKind.MANAGED,
                external_ref=record.external_ref,
                fields=tuple(fields),
                links=tuple(sorted(links.get(record.id, ()), key=lambda x: x.purpose_id)),
            )
        )
    consents = tuple(
        ConsentEntry(
            purpose_id=e.purpose_id,
            action=e.action.value,
            at=e.at,
            channel=e.channel,
            text_sha256=e.text_hash,
        )
        for e in store.consent_events(subject_id)
    )
    return Holding(subject_id=subject_id, at=at, records=tuple(records), consents=consents)
