"""What the controller holds about one subject, decrypted: the input of access and portability.

The stateful desk reads the store and decrypts (an audited read); everything that
builds an answer from it is pure and works on these values. ``FieldValue`` is text, or
bytes for binary data, as :class:`~gdprkit.service.PrivacyService` stores it.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["ConsentEntry", "HeldField", "HeldLink", "HeldRecord", "Holding", "encode_value"]


def encode_value(value: str | bytes | None) -> dict[str, Any]:
    """Return a field value as JSON: text as is, bytes as base64, with its encoding named."""
    if value is None:
        return {"value": None, "encoding": None}
    if isinstance(value, bytes):
        return {"value": base64.b64encode(value).decode("ascii"), "encoding": "base64"}
    return {"value": value, "encoding": "utf-8"}


@attrs.frozen(kw_only=True)
class HeldField:
    """One field of a record, decrypted.

    Attributes:
        category: The data category id.
        value: The plaintext; ``None`` when it cannot be read (its key was destroyed).
    """

    category: str
    value: str | bytes | None = attrs.field(repr=False)


@attrs.frozen(kw_only=True)
class HeldLink:
    """A record held for one purpose, as the retention engine stored it.

    Attributes:
        purpose_id: The purpose.
        live: Whether the purpose still holds the record.
        eligible_from: The stored first instant the purpose no longer needs it (UTC),
            or ``None`` while its trigger event is awaited.
        restricted: Processing is restricted (Art. 18).
        triggers: The trigger events recorded (event name to UTC instant).
    """

    purpose_id: str
    live: bool
    eligible_from: dt.datetime | None
    restricted: bool
    triggers: Mapping[str, dt.datetime] = attrs.field(factory=dict, hash=False)

    def due(self, now: dt.datetime) -> bool:
        """Whether the link is due for disposal at *now* (the next sweep removes it)."""
        return self.eligible_from is not None and self.eligible_from <= now


@attrs.frozen(kw_only=True)
class HeldRecord:
    """One record of the subject with its fields and purpose links.

    Attributes:
        id: The record id.
        created_at: When it was stored (UTC).
        managed: Whether the values are stored in gdprkit (else the embedding service
            holds them, under ``external_ref``).
        external_ref: The embedding service's reference, for referenced records.
        fields: The decrypted fields, by category id.
        links: The record's purpose links, by purpose id.
    """

    id: str
    created_at: dt.datetime
    managed: bool
    external_ref: str | None
    fields: tuple[HeldField, ...]
    links: tuple[HeldLink, ...]

    @property
    def live_links(self) -> tuple[HeldLink, ...]:
        """The links whose purpose still holds the record."""
        return tuple(link for link in self.links if link.live)


@attrs.frozen(kw_only=True)
class ConsentEntry:
    """One consent grant or withdrawal of the subject (Art. 7(1)).

    Attributes:
        purpose_id: The purpose.
        action: ``"grant"`` or ``"withdraw"``.
        at: When (UTC).
        channel: Where.
        text_sha256: The SHA-256 of the exact wording shown.
    """

    purpose_id: str
    action: str
    at: dt.datetime
    channel: str
    text_sha256: str


@attrs.frozen(kw_only=True)
class Holding:
    """Everything held about one subject at one instant.

    Attributes:
        subject_id: The subject.
        at: When it was read (UTC).
        records: The subject's records, by ``(created_at, id)``.
        consents: The subject's consent history, in recorded order.
    """

    subject_id: str
    at: dt.datetime
    records: tuple[HeldRecord, ...]
    consents: tuple[ConsentEntry, ...] = ()

    @property
    def live_purposes(self) -> tuple[str, ...]:
        """The purposes the subject's data is processed for now, sorted."""
        return tuple(sorted({link.purpose_id for r in self.records for link in r.live_links}))
