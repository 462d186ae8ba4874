"""The values a sweep reads and makes by the thousand, built without checking them again.

Each function returns an instance of one frozen class of :mod:`gdprkit.storage.types`
holding exactly the values given: the class's converters, validators and
``__attrs_post_init__`` do not run. So they are only for values already in exactly the
form those produce (UTC datetimes, tuples of strings, read-only mappings, enum members,
``bool``): a row a store reads back from its own schema, which its own reading converts
and which held only checked values when it was stored, and a record the retention
engine assembles from such values. A sweep builds one of each per due link; run through
the checks, they would only confirm what is known.

Every field is set, in straight-line code (a loop over keyword arguments costs as much
again): the conformance test ``test_values_read_back_are_as_their_constructors_make_them``
compares what these build with what the checked constructors build, field by field and
type by type, and ``tests/storage/test_unchecked.py`` that each names every field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gdprkit.storage.types import DisposalRecord, PurposeLink, RecordOutline

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping

    from gdprkit.storage.types import LinkState, RecordKind

_new = object.__new__
_set = object.__setattr__


def purpose_link(
    *,
    record_id: str,
    purpose_id: str,
    created_at: dt.datetime,
    triggers: Mapping[str, dt.datetime],
    eligible_from: dt.datetime | None,
    state: LinkState,
    ended_at: dt.datetime | None,
    end_reason: str | None,
    restricted: bool,
) -> PurposeLink:
    """A :class:`PurposeLink` of values already converted (``triggers`` read-only)."""
    link = _new(PurposeLink)
    _set(link, "record_id", record_id)
    _set(link, "purpose_id", purpose_id)
    _set(link, "created_at", created_at)
    _set(link, "triggers", triggers)
    _set(link, "eligible_from", eligible_from)
    _set(link, "state", state)
    _set(link, "ended_at", ended_at)
    _set(link, "end_reason", end_reason)
    _set(link, "restricted", restricted)
    return link


def record_outline(
    *,
    id: str,  # noqa: A002 - the field's name
    subject_id: str,
    kind: RecordKind,
    external_ref: str | None,
    categories: tuple[str, ...],
) -> RecordOutline:
    """A :class:`RecordOutline` of values already converted (``categories`` sorted)."""
    outline = _new(RecordOutline)
    _set(outline, "id", id)
    _set(outline, "subject_id", subject_id)
    _set(outline, "kind", kind)
    _set(outline, "external_ref", external_ref)
    _set(outline, "categories", categories)
    return outline


def disposal_record(
    *,
    id: str,  # noqa: A002 - the field's name
    record_id: str,
    subject_id: str,
    purpose_ids: tuple[str, ...],
    rule: str,
    action: str,
    due_at: dt.datetime,
    executed_at: dt.datetime,
    fields_removed: tuple[str, ...],
) -> DisposalRecord:
    """A :class:`DisposalRecord` of values already converted (tuples, UTC instants)."""
    disposal = _new(DisposalRecord)
    _set(disposal, "id", id)
    _set(disposal, "record_id", record_id)
    _set(disposal, "subject_id", subject_id)
    _set(disposal, "purpose_ids", purpose_ids)
    _set(disposal, "rule", rule)
    _set(disposal, "action", action)
    _set(disposal, "due_at", due_at)
    _set(disposal, "executed_at", executed_at)
    _set(disposal, "fields_removed", fields_removed)
    return disposal
