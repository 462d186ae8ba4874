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
again), through its slot's own setter, fetched once here (``object.__setattr__`` looks
the slot up by name on every call and takes half as long again). The conformance test
``test_values_read_back_are_as_their_constructors_make_them`` compares what these build
with what the checked constructors build, field by field and type by type, and
``tests/storage/test_unchecked.py`` that each names every field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gdprkit.storage.types import DisposalRecord, PurposeLink, RecordOutline

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Mapping

    from gdprkit.storage.types import LinkState, RecordKind

_new = object.__new__


def _setters(cls: type, names: str) -> tuple[Callable[[object, Any], None], ...]:
    """The setters of the slots *names* (space-separated) of the slotted class *cls*."""
    return tuple(cls.__dict__[name].__set__ for name in names.split())


(
    _LINK_RECORD_ID,
    _LINK_PURPOSE_ID,
    _LINK_CREATED_AT,
    _LINK_TRIGGERS,
    _LINK_ELIGIBLE_FROM,
    _LINK_STATE,
    _LINK_ENDED_AT,
    _LINK_END_REASON,
    _LINK_RESTRICTED,
) = _setters(
    PurposeLink,
    "record_id purpose_id created_at triggers eligible_from state ended_at end_reason restricted",
)
_OUTLINE_ID, _OUTLINE_SUBJECT_ID, _OUTLINE_KIND, _OUTLINE_EXTERNAL_REF, _OUTLINE_CATEGORIES = (
    _setters(RecordOutline, "id subject_id kind external_ref categories")
)
(
    _DISPOSAL_ID,
    _DISPOSAL_RECORD_ID,
    _DISPOSAL_SUBJECT_ID,
    _DISPOSAL_PURPOSE_IDS,
    _DISPOSAL_RULE,
    _DISPOSAL_ACTION,
    _DISPOSAL_DUE_AT,
    _DISPOSAL_EXECUTED_AT,
    _DISPOSAL_FIELDS_REMOVED,
) = _setters(
    DisposalRecord,
    "id record_id subject_id purpose_ids rule action due_at executed_at fields_removed",
)


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
    _LINK_RECORD_ID(link, record_id)
    _LINK_PURPOSE_ID(link, purpose_id)
    _LINK_CREATED_AT(link, created_at)
    _LINK_TRIGGERS(link, triggers)
    _LINK_ELIGIBLE_FROM(link, eligible_from)
    _LINK_STATE(link, state)
    _LINK_ENDED_AT(link, ended_at)
    _LINK_END_REASON(link, end_reason)
    _LINK_RESTRICTED(link, restricted)
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
    _OUTLINE_ID(outline, id)
    _OUTLINE_SUBJECT_ID(outline, subject_id)
    _OUTLINE_KIND(outline, kind)
    _OUTLINE_EXTERNAL_REF(outline, external_ref)
    _OUTLINE_CATEGORIES(outline, categories)
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
    _DISPOSAL_ID(disposal, id)
    _DISPOSAL_RECORD_ID(disposal, record_id)
    _DISPOSAL_SUBJECT_ID(disposal, subject_id)
    _DISPOSAL_PURPOSE_IDS(disposal, purpose_ids)
    _DISPOSAL_RULE(disposal, rule)
    _DISPOSAL_ACTION(disposal, action)
    _DISPOSAL_DUE_AT(disposal, due_at)
    _DISPOSAL_EXECUTED_AT(disposal, executed_at)
    _DISPOSAL_FIELDS_REMOVED(disposal, fields_removed)
    return disposal
